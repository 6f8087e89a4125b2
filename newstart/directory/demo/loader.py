"""Load the fictional Vancouver demo directory, idempotently.

Every demo record has a deterministic id (uuid5 of a fixed namespace and the record's keys in the
catalogue), so a load upserts: a record is written only when it is new or differs from the
catalogue, and a second load writes nothing — no duplicates, no change-history rows. Demo records
the catalogue no longer has are removed. Dates that depend on the day of the first load (when a
service was last verified) are set when a record is created and left alone afterwards, so the
verification queue can be demonstrated.
"""

from __future__ import annotations

import math
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from parler.models import TranslatableModel
from simple_history.utils import bulk_create_with_history
from tqdm import tqdm

from newstart.directory.demo.areas import LOCAL_AREAS, LOCAL_AREAS_BY_SLUG, DemoArea
from newstart.directory.demo.catalogue import (
    LANGUAGE_NAMES,
    ORGANIZATION_TEXT_FIELDS,
    SERVICE_TEXT_FIELDS,
    TRANSLATIONS_DIR,
    Catalogue,
    DemoDataError,
    DemoOrganization,
    ServiceKind,
    Translation,
    catalogue_read,
    translations_read,
)
from newstart.directory.models import (
    Address,
    Attribute,
    CostOption,
    Frequency,
    Language,
    LocalArea,
    Location,
    LocationType,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Weekday,
    coordinates_are_valid,
)
from newstart.directory.taxonomies import taxonomy_load_settlement

# Never change: the demo's ids derive from it, and changing it would duplicate the demo.
DEMO_NAMESPACE = uuid.UUID("6f1d7a52-3c1e-5b7e-9a43-2d0c8e5b1f60")
# 555-0100 to 555-0199 are the North American numbers reserved for fiction.
FICTIONAL_PHONE_PREFIX = "604-555-01"
FICTIONAL_PHONE_COUNT = 100
ASSURER_EMAIL = "secretariat@vancouver-lip.example.org"
METRES_PER_DEGREE_LATITUDE = 111_320.0
# First verification dates are spread over this many days before the first load.
VERIFIED_WITHIN_DAYS = 425

BATCH_SIZE = 500
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def demo_id(*parts: str) -> uuid.UUID:
    """The id of a demo record, from its kind and its keys in the catalogue."""
    return uuid.uuid5(DEMO_NAMESPACE, ":".join(parts))


@dataclass
class DemoLoadResult:
    """What a load did, per model label: rows created, updated and deleted; totals of demo rows after."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    totals: dict[str, int] = field(default_factory=dict)
    translation_languages: list[str] = field(default_factory=list)
    skipped_translation_languages: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deleted)


@dataclass
class _Row:
    """One record as the catalogue wants it; ``on_create`` values are written only when it is new."""

    values: dict[str, Any]
    on_create: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> translated field -> text


@dataclass
class _Plan:
    organizations: dict[uuid.UUID, _Row] = field(default_factory=dict)
    locations: dict[uuid.UUID, _Row] = field(default_factory=dict)
    addresses: dict[uuid.UUID, _Row] = field(default_factory=dict)
    phones: dict[uuid.UUID, _Row] = field(default_factory=dict)
    services: dict[uuid.UUID, _Row] = field(default_factory=dict)
    service_at_locations: dict[uuid.UUID, _Row] = field(default_factory=dict)
    schedules: dict[uuid.UUID, _Row] = field(default_factory=dict)
    languages: dict[uuid.UUID, _Row] = field(default_factory=dict)
    cost_options: dict[uuid.UUID, _Row] = field(default_factory=dict)
    required_documents: dict[uuid.UUID, _Row] = field(default_factory=dict)
    attributes: dict[uuid.UUID, _Row] = field(default_factory=dict)

    def size(self) -> int:
        return sum(len(rows) for rows in vars(self).values())


def _slug(key: str) -> str:
    return slugify(key.replace("_", "-"))


def _rng(*parts: str) -> random.Random:
    # Seeded per record, so adding an organization to the catalogue does not move the others.
    return random.Random(":".join(("newstart-demo", *parts)))  # noqa: S311 - fiction, not security


def _jittered(area: DemoArea, rng: random.Random) -> tuple[float, float]:
    distance = area.office_radius_metres * math.sqrt(rng.random())
    bearing = rng.uniform(0.0, 2.0 * math.pi)
    latitude = area.centroid_latitude + distance * math.cos(bearing) / METRES_PER_DEGREE_LATITUDE
    longitude = area.centroid_longitude + distance * math.sin(bearing) / (
        METRES_PER_DEGREE_LATITUDE * math.cos(math.radians(area.centroid_latitude))
    )
    return round(latitude, 6), round(longitude, 6)


def _postal_code(area: DemoArea, rng: random.Random) -> str:
    letters = "ABCEGHJKLMNPRSTVWXYZ"  # letters Canada Post uses in the last three characters
    return f"{rng.choice(area.postal_prefixes)} {rng.randint(0, 9)}{rng.choice(letters)}{rng.randint(0, 9)}"


def _weekday_hours(rng: random.Random) -> tuple[str, time, time]:
    days = WEEKDAYS.split(",")
    closed_roll = rng.random()
    if closed_roll < 0.15:
        days.remove("FR")
    elif closed_roll < 0.25:
        days.remove("WE")
    opens = rng.choice((time(8, 30), time(9, 0), time(9, 0), time(9, 30), time(10, 0)))
    closes = rng.choice((time(16, 0), time(16, 30), time(17, 0), time(17, 0), time(18, 0)))
    return ",".join(days), opens, closes


def _schedule_hours(profile: str, rng: random.Random) -> list[tuple[str, time, time]]:
    """Weekly opening hours (days, opens, closes) for a schedule profile named in the catalogue."""
    evenings = rng.choice(("MO,WE", "TU,TH", "TU,TH", "WE"))
    if profile == "weekday":
        return [_weekday_hours(rng)]
    if profile == "weekday_evening":
        return [_weekday_hours(rng), (evenings, time(18, 0), time(21, 0))]
    if profile == "weekday_saturday":
        return [_weekday_hours(rng), ("SA", time(10, 0), rng.choice((time(14, 0), time(15, 0))))]
    if profile == "evening":
        return [(evenings, time(18, 0), rng.choice((time(20, 0), time(20, 30), time(21, 0))))]
    if profile == "evening_saturday":
        return [(evenings, time(18, 0), time(21, 0)), ("SA", time(10, 0), time(13, 0))]
    if profile == "afternoon":
        return [(rng.choice(("MO,TU,WE,TH", "MO,TU,WE,TH,FR")), time(15, 0), time(18, 0))]
    if profile == "saturday":
        return [("SA", time(10, 0), time(13, 0))]
    if profile == "pickup":
        return [(rng.choice(("WE", "TH")), time(13, 0), time(16, 0)), ("SA", time(10, 0), time(12, 0))]
    if profile == "meal":
        return [(rng.choice(("TU,FR", "MO,TH", "WE,SU")), time(17, 0), time(19, 0))]
    if profile == "always":
        return [(EVERY_DAY, time(0, 0), time(23, 59))]
    raise DemoDataError(f"unknown schedule profile {profile!r}")


def _translated_texts(
    *, english: dict[str, str], fields: tuple[str, ...], key: str, section: str, translations: list[Translation]
) -> dict[str, dict[str, str]]:
    """English plus every language that translates this record; a missing field keeps its English text."""
    texts = {"en": dict(english)}
    for translation in translations:
        entry = getattr(translation, section).get(key)
        if entry:
            texts[translation.language] = {name: entry.get(name) or english[name] for name in fields}
    return texts


def _plan_organization(
    *,
    plan: _Plan,
    organization: DemoOrganization,
    catalogue: Catalogue,
    translations: list[Translation],
    areas: dict[str, int],
    terms: dict[str, uuid.UUID],
    today: date,
    phone_numbers: Iterable[str],
) -> None:
    key = organization.key
    host = f"{_slug(key)}.example.org"
    org_id = demo_id("organization", key)
    org_email = f"info@{host}"
    website = f"https://{host}"
    plan.organizations[org_id] = _Row(
        values={"email": org_email, "website": website, "is_demo": True, "source_language": "en"},
        texts=_translated_texts(
            english=organization.texts,
            fields=ORGANIZATION_TEXT_FIELDS,
            key=key,
            section="organizations",
            translations=translations,
        ),
    )

    numbers = iter(phone_numbers)
    location_ids: list[uuid.UUID] = []
    for area_slug in organization.areas:
        area = LOCAL_AREAS_BY_SLUG[area_slug]
        rng = _rng("location", key, area_slug)
        location_id = demo_id("location", key, area_slug)
        location_ids.append(location_id)
        latitude, longitude = _jittered(area, rng)
        plan.locations[location_id] = _Row(
            values={
                "organization_id": org_id,
                "name": f"{organization.texts['name']}, {area.name}",
                "location_type": LocationType.PHYSICAL,
                "latitude": latitude,
                "longitude": longitude,
                # Location.save() computes this; bulk creation does not call save().
                "has_valid_coordinates": coordinates_are_valid(latitude, longitude),
                "local_area_id": areas[area_slug],
            }
        )
        street = rng.choice(area.streets)
        suite = f"Suite {rng.randint(1, 4)}{rng.randint(0, 3)}{rng.randint(0, 9)}" if rng.random() < 0.4 else ""
        plan.addresses[demo_id("address", key, area_slug)] = _Row(
            values={
                "location_id": location_id,
                "address_1": f"{rng.randint(street.lowest_number, street.highest_number)} {street.name}",
                "address_2": suite,
                "city": "Vancouver",
                "state_province": "BC",
                "postal_code": _postal_code(area, rng),
                "country": "CA",
                "address_type": "physical",
            }
        )
        plan.phones[demo_id("phone", key, area_slug)] = _Row(
            values={
                "location_id": location_id,
                "organization_id": org_id,
                "number": next(numbers),
                "type": "voice",
            }
        )

    for kind_key in organization.kinds:
        kind = catalogue.service_kinds[kind_key]
        _plan_service(
            plan=plan,
            organization=organization,
            org_id=org_id,
            kind=kind,
            catalogue=catalogue,
            translations=translations,
            location_ids=location_ids,
            terms=terms,
            today=today,
            website=website,
            email=org_email,
        )


def _plan_service(
    *,
    plan: _Plan,
    organization: DemoOrganization,
    org_id: uuid.UUID,
    kind: ServiceKind,
    catalogue: Catalogue,
    translations: list[Translation],
    location_ids: list[uuid.UUID],
    terms: dict[str, uuid.UUID],
    today: date,
    website: str,
    email: str,
) -> None:
    keys = (organization.key, kind.key)
    rng = _rng("service", *keys)
    service_id = demo_id("service", *keys)
    verified = today - timedelta(days=rng.randint(3, VERIFIED_WITHIN_DAYS))
    modified = datetime.combine(verified, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))
    plan.services[service_id] = _Row(
        values={
            "organization_id": org_id,
            "url": f"{website}/services/{_slug(kind.key)}",
            "email": email,
            "status": ServiceStatus.ACTIVE,
            "minimum_age": kind.min_age,
            "maximum_age": kind.max_age,
            "is_demo": True,
            "source_language": "en",
        },
        on_create={
            "assured_date": verified,
            "assurer_email": ASSURER_EMAIL,
            "last_modified": timezone.make_aware(modified),
        },
        texts=_translated_texts(
            english=kind.texts,
            fields=SERVICE_TEXT_FIELDS,
            key=kind.key,
            section="service_kinds",
            translations=translations,
        ),
    )
    for location_id in location_ids:
        plan.service_at_locations[demo_id("service_at_location", *keys, str(location_id))] = _Row(
            values={"service_id": service_id, "location_id": location_id}
        )
    for index, (byday, opens, closes) in enumerate(_schedule_hours(kind.schedule, rng)):
        plan.schedules[demo_id("schedule", *keys, str(index))] = _Row(
            values={
                "service_id": service_id,
                "freq": Frequency.WEEKLY,
                "wkst": Weekday.MO,
                "byday": byday,
                "opens_at": opens,
                "closes_at": closes,
            }
        )
    codes = list(dict.fromkeys((*organization.languages, *kind.languages_hint)))
    for code in codes:
        plan.languages[demo_id("language", *keys, code)] = _Row(
            values={"service_id": service_id, "code": code, "name": LANGUAGE_NAMES[code]}
        )
    plan.cost_options[demo_id("cost_option", *keys)] = _Row(
        values={
            "service_id": service_id,
            "option": kind.cost_option,
            "amount": kind.cost_amount if kind.cost_amount is not None else Decimal(0),
            "currency": "CAD",
        }
    )
    for document_key in kind.required_documents:
        plan.required_documents[demo_id("required_document", *keys, document_key)] = _Row(
            values={"service_id": service_id, "document": catalogue.documents[document_key]}
        )
    for code in kind.taxonomy:
        plan.attributes[demo_id("attribute", *keys, code)] = _Row(
            values={"link_entity": "service", "link_id": service_id, "taxonomy_term_id": terms[code]}
        )


def _plan(
    *, catalogue: Catalogue, translations: list[Translation], areas: dict[str, int], terms: dict[str, uuid.UUID]
) -> _Plan:
    plan = _Plan()
    today = timezone.localdate()
    location_count = sum(len(organization.areas) for organization in catalogue.organizations.values())
    if location_count > FICTIONAL_PHONE_COUNT:
        raise DemoDataError(
            f"catalogue.json: {location_count} offices but only {FICTIONAL_PHONE_COUNT} fictional phone numbers"
        )
    numbers = (f"{FICTIONAL_PHONE_PREFIX}{index:02d}" for index in range(FICTIONAL_PHONE_COUNT))
    for organization in catalogue.organizations.values():
        _plan_organization(
            plan=plan,
            organization=organization,
            catalogue=catalogue,
            translations=translations,
            areas=areas,
            terms=terms,
            today=today,
            phone_numbers=[next(numbers) for _ in organization.areas],
        )
    return plan


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _sync_texts(
    *, instance: TranslatableModel, texts: dict[str, dict[str, str]], result: DemoLoadResult, label: str
) -> None:
    """Bring an existing record's translations in line with the catalogue, saving only what differs."""
    translation_model = instance._parler_meta.root_model
    existing = {translation.language_code: translation for translation in instance.translations.all()}  # type: ignore[attr-defined]
    for language, fields in texts.items():
        translation = existing.pop(language, None)
        if translation is None:
            translation_model(master=instance, language_code=language, **fields).save()
            result.created[label] += 1
            continue
        changed = [name for name, text in fields.items() if getattr(translation, name) != text]
        if changed:
            for name in changed:
                setattr(translation, name, fields[name])
            translation.save()
            result.updated[label] += 1
    for translation in existing.values():
        translation.delete()
        result.deleted[label] += 1


def _sync(
    *,
    model: type[models.Model],
    rows: dict[uuid.UUID, _Row],
    stale: models.QuerySet[Any],
    result: DemoLoadResult,
    advance: Callable[[int], object],
) -> None:
    """Create what is missing, update what differs, delete stale demo rows.

    New records are written in bulk (with their history rows, as simple-history's bulk helper
    does); an existing record is saved only when it differs from the catalogue.
    """
    label = _label(model)
    translation_model: type[models.Model] | None = (
        model._parler_meta.root_model if issubclass(model, TranslatableModel) else None  # type: ignore[attr-defined]
    )
    queryset = model._default_manager.all()
    if translation_model is not None:
        queryset = queryset.prefetch_related("translations")
    existing = queryset.in_bulk(list(rows))
    new_records: list[models.Model] = []
    new_translations: list[models.Model] = []
    for pk, row in rows.items():
        instance = existing.get(pk)
        if instance is None:
            new_records.append(model(pk=pk, **row.values, **row.on_create))
            if translation_model is not None:
                new_translations.extend(
                    translation_model(master_id=pk, language_code=language, **fields)
                    for language, fields in row.texts.items()
                )
        else:
            changed = [name for name, value in row.values.items() if getattr(instance, name) != value]
            if changed:
                for name in changed:
                    setattr(instance, name, row.values[name])
                instance.save()
                result.updated[label] += 1
            if translation_model is not None:
                _sync_texts(
                    instance=cast(TranslatableModel, instance),
                    texts=row.texts,
                    result=result,
                    label=_label(translation_model),
                )
        advance(1)
    if new_records:
        bulk_create_with_history(new_records, model, batch_size=BATCH_SIZE)
        result.created[label] += len(new_records)
    if translation_model is not None and new_translations:
        bulk_create_with_history(new_translations, translation_model, batch_size=BATCH_SIZE)
        result.created[_label(translation_model)] += len(new_translations)
    for instance in stale.exclude(pk__in=list(rows)):
        instance.delete()
        result.deleted[label] += 1


def _sync_local_areas(*, result: DemoLoadResult) -> dict[str, int]:
    """Vancouver's local areas by slug; created when missing, centroids filled in when empty.

    Areas may already exist with boundaries imported from the city's data; those are left as they are.
    """
    label = _label(LocalArea)
    existing = {area.slug: area for area in LocalArea.objects.filter(slug__in=[a.slug for a in LOCAL_AREAS])}
    for demo_area in LOCAL_AREAS:
        area = existing.get(demo_area.slug)
        if area is None:
            existing[demo_area.slug] = LocalArea.objects.create(
                slug=demo_area.slug,
                name=demo_area.name,
                centroid_latitude=demo_area.centroid_latitude,
                centroid_longitude=demo_area.centroid_longitude,
            )
            result.created[label] += 1
        elif area.centroid_latitude is None or area.centroid_longitude is None:
            area.centroid_latitude = demo_area.centroid_latitude
            area.centroid_longitude = demo_area.centroid_longitude
            area.save()
            result.updated[label] += 1
    return {slug: area.pk for slug, area in existing.items()}


def _settlement_terms(*, codes: set[str]) -> dict[str, uuid.UUID]:
    """Load (or update) the settlement taxonomy; the ids of its terms for these codes, every one of which must exist."""
    taxonomy = taxonomy_load_settlement()
    missing = sorted(codes - set(taxonomy.terms_by_code))
    if missing:
        raise DemoDataError(f"catalogue.json: taxonomy codes not in the settlement taxonomy: {', '.join(missing)}")
    return {code: taxonomy.terms_by_code[code].pk for code in codes}


def _search_index_paused() -> AbstractContextManager[None]:
    """Saves made while loading do not each reindex their service; the loader reindexes once."""
    if not apps.is_installed("newstart.search"):
        return nullcontext()
    # Imported here: the directory does not depend on the search app being installed.
    from newstart.search.services import search_signals_paused

    return search_signals_paused()


def _search_reindex(*, service_ids: set[uuid.UUID]) -> None:
    if apps.is_installed("newstart.search"):
        from newstart.search.services import search_index_services

        search_index_services(service_ids=service_ids)


def _search_concepts_load(*, result: DemoLoadResult) -> None:
    """Load the search thesaurus (idempotent), so that demo services are linked to its concepts when
    indexed; services already indexed that a changed concept affects are reindexed by concept_load."""
    if not apps.is_installed("newstart.search"):
        return
    from newstart.search.models import Concept, ConceptLabel
    from newstart.search.services import ConceptDataError, concept_load

    try:
        loaded = concept_load()
    except ConceptDataError as exc:
        raise DemoDataError(f"search concepts: {exc}") from exc
    result.created[_label(Concept)] += loaded.created
    result.updated[_label(Concept)] += loaded.updated
    result.created[_label(ConceptLabel)] += loaded.labels_created
    result.deleted[_label(ConceptLabel)] += loaded.labels_deleted


def _totals() -> dict[str, int]:
    demo_services = Service.objects.filter(is_demo=True)
    counts: dict[type[models.Model], models.QuerySet[Any]] = {
        LocalArea: LocalArea.objects.all(),
        Organization: Organization.objects.filter(is_demo=True),
        Location: Location.objects.filter(organization__is_demo=True),
        Address: Address.objects.filter(location__organization__is_demo=True),
        Phone: Phone.objects.filter(organization__is_demo=True),
        Service: demo_services,
        ServiceAtLocation: ServiceAtLocation.objects.filter(service__is_demo=True),
        Schedule: Schedule.objects.filter(service__is_demo=True),
        Language: Language.objects.filter(service__is_demo=True),
        CostOption: CostOption.objects.filter(service__is_demo=True),
        RequiredDocument: RequiredDocument.objects.filter(service__is_demo=True),
        Attribute: Attribute.objects.filter(link_entity="service", link_id__in=demo_services.values("pk")),
        Organization._parler_meta.root_model: Organization._parler_meta.root_model.objects.filter(  # type: ignore[attr-defined]
            master__is_demo=True
        ),
        Service._parler_meta.root_model: Service._parler_meta.root_model.objects.filter(  # type: ignore[attr-defined]
            master__is_demo=True
        ),
    }
    return {_label(model): queryset.count() for model, queryset in counts.items()}


def demo_load(*, progress: bool = False, translations_dir: Path = TRANSLATIONS_DIR) -> DemoLoadResult:
    """Load (or bring up to date) the demo directory; changes nothing when it is already current.

    Loads the settlement taxonomy first (its own loader is idempotent too) and the search thesaurus
    (concepts), then Vancouver's local areas and the demo's organizations, offices and services with
    everything that hangs off them, and the translations in ``translations_dir``; demo services are
    then (re)indexed for search when anything changed. All in one transaction: raises DemoDataError (or
    TaxonomyDataError) and changes nothing when the data files are inconsistent.
    """
    catalogue = catalogue_read()
    parler_languages = {code for code, _name in settings.LANGUAGES}
    translations = []
    result = DemoLoadResult()
    for translation in translations_read(directory=translations_dir):
        if translation.language in parler_languages and translation.language != "en":
            translations.append(translation)
            result.translation_languages.append(translation.language)
        else:
            result.skipped_translation_languages.append(translation.language)

    with transaction.atomic():
        codes = {code for kind in catalogue.service_kinds.values() for code in kind.taxonomy}
        terms = _settlement_terms(codes=codes)
        _search_concepts_load(result=result)
        areas = _sync_local_areas(result=result)
        plan = _plan(catalogue=catalogue, translations=translations, areas=areas, terms=terms)

        demo_orgs = Organization.objects.filter(is_demo=True)
        demo_services = Service.objects.filter(is_demo=True)
        # Attributes link to services by id only: remember the services whose attributes are ours,
        # including those about to be removed with a stale organization.
        attribute_owners = {*demo_services.values_list("pk", flat=True), *plan.services}
        steps: list[tuple[type[models.Model], dict[uuid.UUID, _Row], models.QuerySet[Any]]] = [
            (Organization, plan.organizations, demo_orgs),
            (Location, plan.locations, Location.objects.filter(organization__is_demo=True)),
            (Address, plan.addresses, Address.objects.filter(location__organization__is_demo=True)),
            (Phone, plan.phones, Phone.objects.filter(organization__is_demo=True)),
            (Service, plan.services, demo_services),
            (ServiceAtLocation, plan.service_at_locations, ServiceAtLocation.objects.filter(service__is_demo=True)),
            (Schedule, plan.schedules, Schedule.objects.filter(service__is_demo=True)),
            (Language, plan.languages, Language.objects.filter(service__is_demo=True)),
            (CostOption, plan.cost_options, CostOption.objects.filter(service__is_demo=True)),
            (RequiredDocument, plan.required_documents, RequiredDocument.objects.filter(service__is_demo=True)),
            (
                Attribute,
                plan.attributes,
                Attribute.objects.filter(link_entity="service", link_id__in=list(attribute_owners)),
            ),
        ]
        with _search_index_paused(), tqdm(total=plan.size(), disable=not progress, unit="record", desc="demo") as bar:
            for model, rows, stale in steps:
                _sync(model=model, rows=rows, stale=stale, result=result, advance=bar.update)
        if result.changed:
            # Bulk creation sends no signals, so the search index is brought up to date once, here.
            _search_reindex(service_ids=set(demo_services.values_list("pk", flat=True)))
        result.totals = _totals()
    return result
