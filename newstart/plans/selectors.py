"""Reads for My plan: a plan by its token, the steps that fit it, and the nearby services for each step."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from newstart.directory.models import Attribute, Language, Service, ServiceStatus, TaxonomyTerm
from newstart.directory.selectors import (
    LANGUAGE_FAMILIES,
    NearFilter,
    ServiceFilters,
    normalized_postcode,
    postcode_centroid,
    service_list,
)
from newstart.directory.taxonomies import settlement_taxonomy_get
from newstart.eligibility.assessment import Assessment, PersonSituation
from newstart.eligibility.selectors import eligibility_verdicts_for
from newstart.plans.models import Plan, PlanStep
from newstart.plans.tokens import token_hash, token_well_formed

SERVICES_PER_STEP = 3


@dataclass(frozen=True, kw_only=True)
class Situation:
    """What a step's conditions look at."""

    status: str
    arrival_date: dt.date
    household_ages: tuple[int, ...] = ()
    needs: frozenset[str] = frozenset()


def situation_of(plan: Plan) -> Situation:
    return Situation(
        status=plan.status,
        arrival_date=plan.arrival_date,
        household_ages=tuple(plan.household_ages or ()),
        needs=frozenset(plan.needs or ()),
    )


def person_of(plan: Plan) -> PersonSituation:
    return PersonSituation(
        status=plan.status,
        landing_date=plan.landing_date,
        immigration_class=plan.immigration_class or None,
        ages=tuple(plan.household_ages or ()),
    )


def plan_step_applies(step: PlanStep, situation: Situation, *, today: dt.date) -> bool:
    """Whether every condition of `step` holds for `situation` on `today` (empty conditions always hold)."""
    if step.statuses and situation.status not in step.statuses:
        return False
    if step.need_categories and not situation.needs.intersection(step.need_categories):
        return False
    if step.child_age_min is not None or step.child_age_max is not None:
        low = step.child_age_min if step.child_age_min is not None else 0
        high = step.child_age_max if step.child_age_max is not None else math.inf
        if not any(low <= age <= high for age in situation.household_ages):
            return False
    if situation.arrival_date > today:
        return step.before_arrival
    return step.arrived_within_days is None or (today - situation.arrival_date).days <= step.arrived_within_days


def plan_get_by_token(*, token: str, now: dt.datetime | None = None) -> Plan | None:
    """The unexpired plan this token opens, or None (malformed, unknown, deleted or expired)."""
    if not token_well_formed(token):
        return None
    return Plan.objects.filter(token_hash=token_hash(token), expires_at__gt=now or timezone.now()).first()


def plan_steps_for(*, situation: Situation, today: dt.date) -> list[PlanStep]:
    steps = PlanStep.objects.filter(is_active=True).prefetch_related("translations").order_by("order", "slug")
    return [step for step in steps if plan_step_applies(step, situation, today=today)]


# The order needs are offered in on the form.
NEED_ORDER: tuple[str, ...] = (
    "LANG",
    "EMP",
    "CRED",
    "HOUS",
    "HEALTH",
    "CHILD",
    "MONEY",
    "LEGAL",
    "REFUGEE",
    "CIT",
    "FOOD",
    "COMM",
    "ORIENT",
    "INTERP",
    "CRISIS",
)


def need_category_choices(*, language: str) -> list[tuple[str, str]]:
    """The settlement taxonomy's top-level categories as (code, name in `language`); [] before it is loaded."""
    taxonomy = settlement_taxonomy_get()
    if taxonomy is None:
        return []
    terms = list(
        TaxonomyTerm.objects.filter(taxonomy_detail=taxonomy, parent__isnull=True).prefetch_related("translations")
    )
    rank = {code: index for index, code in enumerate(NEED_ORDER)}
    terms.sort(key=lambda term: (rank.get(term.code, len(rank)), term.code))
    choices = []
    for term in terms:
        term.set_current_language(language)
        choices.append((term.code, str(term.safe_translation_getter("name", any_language=True) or term.code)))
    return choices


def postal_code_point(*, postal_code: str) -> tuple[float, float] | None:
    """Where a postal code is, from the directory's own addresses: the centre of the known locations with
    that postal code, else of its forward sortation area (first three characters); None when unknown."""
    code = normalized_postcode(postal_code)
    if not code:
        return None
    point = postcode_centroid(postcode=code)
    if point is None and len(code) > 3:
        point = postcode_centroid(postcode=code[:3])
    return point


# --- Services for each step -------------------------------------------------------------------


def _term_codes_by_id(codes: Iterable[str]) -> dict[uuid.UUID, str]:
    """Settlement terms with these codes or below them ("CHILD-CARE" also finds "CHILD-CARE-…")."""
    codes = sorted(set(codes))
    taxonomy = settlement_taxonomy_get()
    if taxonomy is None or not codes:
        return {}
    query = Q(code__in=codes)
    for code in codes:
        query |= Q(code__startswith=f"{code}-")
    return dict(TaxonomyTerm.objects.filter(query, taxonomy_detail=taxonomy).values_list("id", "code"))


def _covers(step_codes: Sequence[str], term_code: str) -> bool:
    return any(term_code == code or term_code.startswith(f"{code}-") for code in step_codes)


def _language_codes(person_languages: Iterable[str]) -> set[str]:
    wanted: set[str] = set()
    for code in person_languages:
        wanted.update(LANGUAGE_FAMILIES.get(code, (code,)))
    return wanted


def _speaks(service_codes: Iterable[str], wanted: set[str]) -> bool:
    return any(code.lower().split("-")[0] in wanted for code in service_codes)


@dataclass
class StepService:
    service: Service
    name: str
    name_language: str
    organization_name: str
    url: str
    distance_km: float | None
    speaks_your_language: bool
    assessment: Assessment | None


@dataclass
class StepView:
    step: PlanStep
    title: str
    body: str
    title_language: str
    body_language: str
    services: list[StepService] = field(default_factory=list)
    more_url: str = ""


@dataclass
class PlanPage:
    plan: Plan
    steps: list[StepView]
    point_found: bool


def _chosen_service_ids(
    *, steps: Sequence[PlanStep], point: tuple[float, float] | None, per_step: int
) -> tuple[dict[int, list[uuid.UUID]], dict[uuid.UUID, float | None]]:
    """For each step, the ids of its `per_step` nearest active services (3 queries whatever the steps)."""
    terms = _term_codes_by_id(code for step in steps for code in step.taxonomy_codes)
    if not terms:
        return {}, {}
    codes_by_service: dict[uuid.UUID, set[str]] = {}
    for service_id, term_id in Attribute.objects.filter(
        link_entity=Service.hsds_type, taxonomy_term_id__in=list(terms)
    ).values_list("link_id", "taxonomy_term_id"):
        codes_by_service.setdefault(service_id, set()).add(terms[term_id])
    candidates = Q(id__in=list(codes_by_service), status=ServiceStatus.ACTIVE)
    distances: dict[uuid.UUID, float | None] = {}
    if point is not None:
        # Nearest first; services without a placed location come last.
        near = NearFilter(latitude=point[0], longitude=point[1])
        ranked = service_list(filters=ServiceFilters(near=near)).filter(candidates)
        # distance_km is annotated by service_list (django-stubs cannot see it).
        distances = dict(ranked.values_list("id", "distance_km"))  # type: ignore[misc]
    else:
        distances = dict.fromkeys(Service.objects.filter(candidates).order_by("id").values_list("id", flat=True))
    order = list(distances)
    chosen: dict[int, list[uuid.UUID]] = {}
    for step in steps:
        picked = [
            service_id
            for service_id in order
            if any(_covers(step.taxonomy_codes, code) for code in codes_by_service[service_id])
        ][:per_step]
        chosen[step.pk] = picked
    return chosen, distances


def _shown_language(record: Service, language: str) -> str:
    available = {t.language_code for t in record.translations.all()}  # type: ignore[attr-defined]
    for candidate in (language, record.source_language, "en"):
        if candidate in available:
            return candidate
    return record.source_language or "en"


def _text(step: PlanStep, field_name: str, language: str) -> tuple[str, str]:
    texts = {t.language_code: getattr(t, field_name) for t in step.translations.all()}  # type: ignore[attr-defined]
    for candidate in (language, "en", *sorted(texts)):
        if texts.get(candidate):
            return str(texts[candidate]), candidate
    return "", language


def _more_url(step: PlanStep) -> str:
    if not step.taxonomy_codes:
        return ""
    top = step.taxonomy_codes[0].split("-")[0]
    return f"{reverse('navigator:search')}?category={top}"


def _services_by_id(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Service]:
    qs: QuerySet[Service] = (
        Service.objects.filter(id__in=list(ids))
        .select_related("organization")
        .prefetch_related(
            "translations",
            "organization__translations",
            Prefetch("languages", queryset=Language.objects.only("id", "code", "service_id")),
        )
    )
    return {service.pk: service for service in qs}


def plan_page(*, plan: Plan, language: str, today: dt.date, per_step: int = SERVICES_PER_STEP) -> PlanPage:
    """Everything the plan page shows, in a fixed number of queries whatever the number of steps."""
    steps = plan_steps_for(situation=situation_of(plan), today=today)
    point = postal_code_point(postal_code=plan.postal_code) if plan.postal_code else None
    chosen, distances = _chosen_service_ids(steps=steps, point=point, per_step=per_step)
    all_ids = list(dict.fromkeys(service_id for ids in chosen.values() for service_id in ids))
    services = _services_by_id(all_ids)
    verdicts = eligibility_verdicts_for(
        services=[services[i] for i in all_ids if i in services], person=person_of(plan), on=today, language=language
    )
    wanted = _language_codes(plan.languages or ())
    views: list[StepView] = []
    for step in steps:
        title, title_language = _text(step, "title", language)
        body, body_language = _text(step, "body", language)
        view = StepView(
            step=step,
            title=title,
            body=body,
            title_language=title_language,
            body_language=body_language,
            more_url=_more_url(step),
        )
        for service_id in chosen.get(step.pk, []):
            service = services.get(service_id)
            if service is None:
                continue
            service.set_current_language(language)
            organization_name = ""
            if service.organization is not None:
                service.organization.set_current_language(language)
                organization_name = str(service.organization.safe_translation_getter("name", any_language=True) or "")
            view.services.append(
                StepService(
                    service=service,
                    name=str(service.safe_translation_getter("name", any_language=True) or ""),
                    name_language=_shown_language(service, language),
                    organization_name=organization_name,
                    url=reverse("navigator:service", kwargs={"service_id": service.pk}),
                    distance_km=distances.get(service_id),
                    speaks_your_language=_speaks((row.code for row in service.languages.all()), wanted),
                    assessment=verdicts.get(service_id),
                )
            )
        views.append(view)
    return PlanPage(plan=plan, steps=views, point_found=point is not None)
