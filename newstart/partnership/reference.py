"""The partnership's reference data: the four focus areas of the Vancouver model and the 17
characteristics of a welcoming community (Esses, Hamilton, Bennett-AbuAyyash and Burstein, 2010,
"Characteristics of a Welcoming Community", report for Citizenship and Immigration Canada).

``reference_load`` works with the live app registry (the ``load_partnership_reference`` command)
and with a migration's historical one, so the data migration and the command share this code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newstart.partnership.roles import ROLE_GROUPS


@dataclass(frozen=True)
class ReferenceItem:
    code: str
    names: dict[str, str]  # language -> name


FOCUS_AREAS: tuple[ReferenceItem, ...] = (
    ReferenceItem(
        "access-to-services",
        {"en": "Access to services and programs", "fr": "Accès aux services et aux programmes"},
    ),
    ReferenceItem(
        "intercultural-civic-engagement",
        {"en": "Intercultural and civic engagement", "fr": "Engagement interculturel et civique"},
    ),
    ReferenceItem(
        "welcoming-workplaces",
        {"en": "Welcoming and inclusive workplaces", "fr": "Milieux de travail accueillants et inclusifs"},
    ),
    ReferenceItem(
        "responsive-institutions",
        {
            "en": "Governments and public institutions responding to newcomers' needs",
            "fr": "Gouvernements et institutions publiques répondant aux besoins des nouveaux arrivants",
        },
    ),
)

WELCOMING_CHARACTERISTICS: tuple[ReferenceItem, ...] = (
    ReferenceItem("employment", {"en": "Employment opportunities", "fr": "Possibilités d'emploi"}),
    ReferenceItem("social-capital", {"en": "Fostering of social capital", "fr": "Développement du capital social"}),
    ReferenceItem("housing", {"en": "Affordable and suitable housing", "fr": "Logement abordable et convenable"}),
    ReferenceItem(
        "positive-attitudes",
        {
            "en": "Positive attitudes toward immigrants, cultural diversity, and the presence of newcomers "
            "in the community",
            "fr": "Attitudes positives envers les immigrants, la diversité culturelle et la présence de "
            "nouveaux arrivants dans la collectivité",
        },
    ),
    ReferenceItem(
        "newcomer-serving-agencies",
        {
            "en": "Presence of newcomer-serving agencies that can successfully meet the needs of newcomers",
            "fr": "Présence d'organismes au service des nouveaux arrivants capables de répondre à leurs besoins",
        },
    ),
    ReferenceItem(
        "links-between-actors",
        {
            "en": "Links between main actors working toward welcoming communities",
            "fr": "Liens entre les principaux acteurs qui œuvrent à des collectivités accueillantes",
        },
    ),
    ReferenceItem(
        "municipal-services",
        {
            "en": "Municipal features and services sensitive to the presence and needs of newcomers",
            "fr": "Caractéristiques et services municipaux attentifs à la présence et aux besoins des "
            "nouveaux arrivants",
        },
    ),
    ReferenceItem("education", {"en": "Educational opportunities", "fr": "Possibilités d'éducation"}),
    ReferenceItem(
        "health-care", {"en": "Accessible and suitable health care", "fr": "Soins de santé accessibles et adaptés"}
    ),
    ReferenceItem(
        "public-transit",
        {"en": "Available and accessible public transit", "fr": "Transport en commun disponible et accessible"},
    ),
    ReferenceItem(
        "religious-organizations",
        {"en": "Presence of diverse religious organizations", "fr": "Présence d'organisations religieuses diverses"},
    ),
    ReferenceItem(
        "social-engagement", {"en": "Social engagement opportunities", "fr": "Possibilités d'engagement social"}
    ),
    ReferenceItem(
        "political-participation",
        {"en": "Political participation opportunities", "fr": "Possibilités de participation politique"},
    ),
    ReferenceItem(
        "police-justice",
        {
            "en": "Positive relationships with the police and the justice system",
            "fr": "Relations positives avec la police et le système de justice",
        },
    ),
    ReferenceItem("safety", {"en": "Safety", "fr": "Sécurité"}),
    ReferenceItem(
        "public-space-recreation",
        {
            "en": "Opportunities for use of public space and recreation facilities",
            "fr": "Possibilités d'utiliser les espaces publics et les installations récréatives",
        },
    ),
    ReferenceItem(
        "media",
        {
            "en": "Favourable media coverage and representation",
            "fr": "Couverture et représentation médiatiques favorables",
        },
    ),
)


@dataclass
class ReferenceLoadResult:
    created: int = 0
    translations_created: int = 0
    groups_created: int = 0


def _load_items(
    *,
    model: Any,
    translation_model: Any,
    items: tuple[ReferenceItem, ...],
    order_field: str,
    result: ReferenceLoadResult,
) -> None:
    for position, item in enumerate(items, start=1):
        record, created = model.objects.get_or_create(code=item.code, defaults={order_field: position})
        result.created += int(created)
        for language, name in item.names.items():
            _translation, made = translation_model.objects.get_or_create(
                master_id=record.pk, language_code=language, defaults={"name": name}
            )
            result.translations_created += int(made)


def reference_load(*, apps: Any) -> ReferenceLoadResult:
    """Create the focus areas, characteristics and role groups that are missing. Records the
    secretariat has edited keep their edits: nothing existing is overwritten."""
    result = ReferenceLoadResult()
    _load_items(
        model=apps.get_model("partnership", "FocusArea"),
        translation_model=apps.get_model("partnership", "FocusAreaTranslation"),
        items=FOCUS_AREAS,
        order_field="position",
        result=result,
    )
    _load_items(
        model=apps.get_model("partnership", "WelcomingCharacteristic"),
        translation_model=apps.get_model("partnership", "WelcomingCharacteristicTranslation"),
        items=WELCOMING_CHARACTERISTICS,
        order_field="number",
        result=result,
    )
    group_model = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS.values():
        _group, created = group_model.objects.get_or_create(name=name)
        result.groups_created += int(created)
    return result
