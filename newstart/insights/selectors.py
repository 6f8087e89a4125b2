"""Reads for insights: keyword-only ``<entity>_<action>`` functions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from newstart.directory.models import (
    Attribute,
    Language,
    LocalArea,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceStatus,
    TaxonomyTerm,
)
from newstart.directory.selectors import language_code_q
from newstart.directory.taxonomies import settlement_taxonomy_get
from newstart.insights.models import AreaIndicator, GapResult, Indicator, TaskProgress


def area_indicator_list(*, indicator: str, year: int | None = None, language: str = "") -> QuerySet[AreaIndicator]:
    """One indicator for every area that has it, in area-name order; the latest year when none is given."""
    facts = AreaIndicator.objects.filter(indicator=indicator, language=language)
    if year is None:
        latest = facts.order_by("-year").values_list("year", flat=True).first()
        if latest is None:
            return facts.none()
        year = latest
    return facts.filter(year=year).select_related("area").order_by("area__name")


def area_indicator_values(*, indicator: str, year: int | None = None, language: str = "") -> dict[str, float]:
    """{area slug: value} for one indicator (see area_indicator_list)."""
    return {
        fact.area.slug: fact.value for fact in area_indicator_list(indicator=indicator, year=year, language=language)
    }


# --- Gap analysis inputs ------------------------------------------------------------------


@dataclass(frozen=True)
class AreaPoint:
    slug: str
    name: str
    latitude: float | None
    longitude: float | None
    boundary: dict[str, Any] | None


@dataclass(frozen=True)
class SupplyPoint:
    """One service at one located place, with the supply it brings there."""

    service_id: uuid.UUID
    location_id: uuid.UUID
    latitude: float
    longitude: float
    value: float


@dataclass(frozen=True)
class CategoryChoice:
    code: str
    name: str


def local_area_points() -> list[AreaPoint]:
    """Every local area with its centroid and boundary (either may be missing), in name order."""
    return [
        AreaPoint(area.slug, area.name, area.centroid_latitude, area.centroid_longitude, area.boundary)
        for area in LocalArea.objects.order_by("name")
    ]


def settlement_category_list() -> list[CategoryChoice]:
    """The top-level settlement taxonomy terms (LANG, EMP, ...), by code; [] before the taxonomy is loaded."""
    taxonomy = settlement_taxonomy_get()
    if taxonomy is None:
        return []
    terms = TaxonomyTerm.objects.filter(taxonomy_detail=taxonomy, parent__isnull=True).exclude(code="")
    return sorted(
        (
            CategoryChoice(term.code, str(term.safe_translation_getter("name", any_language=True) or term.code))
            for term in terms.prefetch_related("translations")
        ),
        key=lambda choice: choice.code,
    )


def category_term_ids(*, category: str) -> QuerySet[TaxonomyTerm]:
    """The term ``category`` and every term below it by code (``LANG`` → LANG, LANG-LINC, ...)."""
    terms = TaxonomyTerm.objects.filter(Q(code=category) | Q(code__startswith=f"{category}-"))
    taxonomy = settlement_taxonomy_get()
    if taxonomy is not None:
        terms = terms.filter(taxonomy_detail=taxonomy)
    return terms


def category_service_ids(*, category: str, language: str = "") -> QuerySet[Service]:
    """Active services classified under the category, delivered in the language (its family for "zh")."""
    linked = Attribute.objects.filter(
        link_entity=Service.hsds_type, taxonomy_term__in=category_term_ids(category=category)
    ).values("link_id")
    services = Service.objects.filter(id__in=linked, status=ServiceStatus.ACTIVE)
    if language:
        services = services.filter(
            id__in=Language.objects.filter(language_code_q(language), service__isnull=False).values("service_id")
        )
    return services


def supply_point_list(*, category: str, language: str = "") -> list[SupplyPoint]:
    """Where the category's services in the language are delivered, and how much each place brings:
    the service's available capacity (the sum of its ServiceCapacity.available) split evenly over its
    located places, or 1 per place when the service states no capacity."""
    # Materialised once: nested IN subqueries over freshly loaded tables can get a nested-loop
    # plan on PostgreSQL that takes tens of seconds; a plain id list cannot.
    services = list(category_service_ids(category=category, language=language).values_list("id", flat=True))
    capacity = {
        row["service_id"]: float(row["total"] or 0.0)
        for row in ServiceCapacity.objects.filter(service_id__in=services)
        .values("service_id")
        .annotate(total=Sum("available"))
    }
    places = [
        (service_id, location_id, float(latitude), float(longitude))
        for service_id, location_id, latitude, longitude in ServiceAtLocation.objects.filter(
            service_id__in=services, location__has_valid_coordinates=True
        )
        .values_list("service_id", "location_id", "location__latitude", "location__longitude")
        .order_by("service_id", "location_id")
        .distinct()
        if latitude is not None and longitude is not None
    ]
    per_service: dict[uuid.UUID, int] = {}
    for service_id, *_rest in places:
        per_service[service_id] = per_service.get(service_id, 0) + 1
    points = []
    for service_id, location_id, latitude, longitude in places:
        value = capacity[service_id] / per_service[service_id] if service_id in capacity else 1.0
        points.append(SupplyPoint(service_id, location_id, latitude, longitude, max(value, 0.0)))
    return points


@dataclass(frozen=True)
class LanguageTotal:
    code: str
    speakers: float


def home_language_totals(*, year: int | None = None) -> list[LanguageTotal]:
    """City-wide home-language speakers per language (latest census year), most spoken first."""
    facts = AreaIndicator.objects.filter(indicator=Indicator.HOME_LANGUAGE)
    if year is None:
        year = facts.order_by("-year").values_list("year", flat=True).first()
        if year is None:
            return []
    rows = facts.filter(year=year).values("language").annotate(total=Sum("value")).order_by("-total", "language")
    return [LanguageTotal(row["language"], float(row["total"] or 0.0)) for row in rows]


def indicator_source(*, indicator: str, language: str = "") -> tuple[int | None, str]:
    """(year, credit) of the latest facts of an indicator, for captions."""
    fact = (
        AreaIndicator.objects.filter(indicator=indicator, language=language)
        .order_by("-year")
        .values_list("year", "source")
        .first()
    )
    return (fact[0], fact[1]) if fact else (None, "")


def gap_result_list() -> QuerySet[GapResult]:
    return GapResult.objects.order_by("category", "language", "method", "catchment_km")


def task_progress_list(*, limit: int = 20) -> list[TaskProgress]:
    return list(TaskProgress.objects.select_related("started_by").order_by("-created_at", "-pk")[:limit])


def task_progress_get(*, pk: int) -> TaskProgress | None:
    return TaskProgress.objects.filter(pk=pk).first()
