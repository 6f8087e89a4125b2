"""Reads of the directory: filtered querysets for the HSDS API and the rest of the site.

Every function is keyword-only and returns a lazy queryset (or one record), so callers
paginate, prefetch and serialize as they need. Filters that reach through many-valued
relations use ``id__in`` subqueries, never joins, so no row is ever repeated and no
DISTINCT is needed. Text search is the search engine's (newstart.search): it ranks only the
services every other filter lets through, and its order is kept.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from newstart.directory.geo import bounding_box, distance_km_expression
from newstart.directory.models import (
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from newstart.directory.opening import open_schedule_list
from newstart.search.facets import (
    FREE,
    Facets,
    area_facet,
    language_facets,
    open_now_facets,
    open_now_sure_facets,
    radius_facets,
    taxonomy_facet,
)
from newstart.search.selectors import SearchResult, search_rank_annotate, search_ranked_queryset, search_services

# A filter on "zh" (Chinese) also finds services delivered in Cantonese or Mandarin.
LANGUAGE_FAMILIES: dict[str, tuple[str, ...]] = {"zh": ("zh", "yue", "cmn")}

# How deep taxonomy trees are followed when a filter includes a term's descendants.
_MAX_TAXONOMY_DEPTH = 10


@dataclass(frozen=True, kw_only=True)
class NearFilter:
    """A point; with radius_km, only records within that distance; without, sort by distance."""

    latitude: float
    longitude: float
    radius_km: float | None = None


@dataclass(frozen=True, kw_only=True)
class ServiceFilters:
    # Words to search for (the search engine: ranked, best first).
    search: str | None = None
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: dt.datetime | None = None
    language: str | None = None
    local_area: str | None = None
    near: NearFilter | None = None
    open_now: bool | None = None
    free: bool | None = None
    # Only services with this status (the API lists every status; the navigator only active ones).
    status: str | None = None
    # The moment open_now is judged at (default: the time of the query).
    at: dt.datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ServiceAtLocationFilters(ServiceFilters):
    postcode: str | None = None
    # Metres from the centroid of the postcode's known locations.
    proximity_m: float | None = None


@dataclass(frozen=True, kw_only=True)
class OrganizationFilters:
    search: str | None = None
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class TaxonomyTermFilters:
    search: str | None = None
    taxonomy_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    top_only: bool | None = None


# --- Building blocks ------------------------------------------------------------------


def taxonomy_term_ids_with_descendants(*, term_id: uuid.UUID) -> set[uuid.UUID]:
    """The term and every term below it (one query per level of the tree)."""
    found: set[uuid.UUID] = set(TaxonomyTerm.objects.filter(id=term_id).values_list("id", flat=True))
    frontier = set(found)
    for _depth in range(_MAX_TAXONOMY_DEPTH):
        if not frontier:
            break
        children = set(TaxonomyTerm.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= children
        frontier = children
    return found


def _linked_ids(*, link_entity: str, taxonomy_term_id: uuid.UUID | None, taxonomy_id: uuid.UUID | None) -> QuerySet:
    attributes = Attribute.objects.filter(link_entity=link_entity)
    if taxonomy_term_id is not None:
        attributes = attributes.filter(
            taxonomy_term_id__in=taxonomy_term_ids_with_descendants(term_id=taxonomy_term_id)
        )
    if taxonomy_id is not None:
        attributes = attributes.filter(taxonomy_term__taxonomy_detail_id=taxonomy_id)
    return attributes.values("link_id")


def language_code_q(code: str, *, field: str = "code") -> Q:
    """Language rows for an ISO 639 code: the code itself, its regional forms ("pa" finds
    "pa-Arab"), and for "zh" the Chinese languages Cantonese and Mandarin."""
    code = code.strip().lower()
    query = Q()
    for member in LANGUAGE_FAMILIES.get(code, (code,)):
        query |= Q(**{f"{field}__iexact": member}) | Q(**{f"{field}__istartswith": f"{member}-"})
    return query


def _open_schedules(at: dt.datetime) -> QuerySet[Schedule]:
    return open_schedule_list(at)


class _OpenAt(Expression):
    """The service is open at `at`, by its own schedules or at a location open by its own (correlated
    EXISTS: cheap per service).

    A condition whose SQL is built when a query is compiled, not when it is filtered: the opening
    rules are a few dozen ORM nodes, costly to resolve and to copy with every clone of the queryset,
    and a search usually never compiles them (the index's facets settle most candidates, and a page
    of hits is read by number)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, at: dt.datetime) -> None:
        super().__init__()
        self.at = at

    @property
    def identity(self) -> tuple[Any, ...]:
        return (type(self), self.at)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        schedules = _open_schedules(self.at)
        is_open = Q(Exists(schedules.filter(service_id=OuterRef("pk")))) | Q(
            Exists(schedules.filter(service_at_location__service_id=OuterRef("pk")))
        )
        condition = is_open.resolve_expression(compiler.query, allow_joins=False)
        sql, params = compiler.compile(condition)
        return f"({sql})", list(params)


def normalized_postcode(value: str) -> str:
    """Upper case, no spaces or hyphens: "v5y 1v4" and "V5Y1V4" are the same postcode."""
    return re.sub(r"[\s-]+", "", value).upper()


def _normalized_postal_code_field() -> Replace:
    return Replace(Replace(Upper("postal_code"), Value(" "), Value("")), Value("-"), Value(""))


def postcode_centroid(*, postcode: str) -> tuple[float, float] | None:
    """The mean position of the known locations with an address in `postcode` (None if none)."""
    prefix = normalized_postcode(postcode)
    location_ids = (
        Address.objects.annotate(normalized=_normalized_postal_code_field())
        .filter(normalized__startswith=prefix, location__isnull=False)
        .values("location_id")
    )
    points = [
        (lat, lon)
        for lat, lon in Location.objects.filter(id__in=location_ids, has_valid_coordinates=True).values_list(
            "latitude", "longitude"
        )
        if lat is not None and lon is not None
    ]
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


# --- Services -------------------------------------------------------------------------


def _search_text(filters: ServiceFilters) -> str:
    return (filters.search or "").strip()


def _point(near: NearFilter | None) -> tuple[float, float] | None:
    return (near.latitude, near.longitude) if near is not None else None


def _filter_services(qs: QuerySet[Service], filters: ServiceFilters) -> QuerySet[Service]:
    """Every ServiceFilters field except `search` (ranked last, among what the others let through),
    `near` (distance needs the caller's own join path) and `open_now`."""
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    # Correlated EXISTS rather than IN (subquery): checking a few thousand search hits then costs an
    # index probe each, where IN made the database list every matching service first.
    if filters.taxonomy_term_id is not None or filters.taxonomy_id is not None:
        linked = _linked_ids(
            link_entity="service", taxonomy_term_id=filters.taxonomy_term_id, taxonomy_id=filters.taxonomy_id
        )
        qs = qs.filter(Exists(linked.filter(link_id=OuterRef("pk"))))
    if filters.organization_id is not None:
        qs = qs.filter(organization_id=filters.organization_id)
    if filters.modified_after is not None:
        qs = qs.filter(last_modified__gte=filters.modified_after)
    if filters.language:
        qs = qs.filter(Exists(Language.objects.filter(language_code_q(filters.language), service_id=OuterRef("pk"))))
    if filters.local_area:
        qs = qs.filter(
            Exists(
                ServiceAtLocation.objects.filter(
                    service_id=OuterRef("pk"), location__local_area__slug=filters.local_area
                )
            )
        )
    if filters.free is True:
        qs = qs.filter(_is_free())
    elif filters.free is False:
        qs = qs.exclude(_is_free())
    return qs


def _is_free() -> Q:
    """The service has cost options and every one costs nothing."""
    options = CostOption.objects.filter(service_id=OuterRef("pk"))
    priced = options.filter(Q(amount__isnull=True) | ~Q(amount=0))
    return Q(Exists(options)) & ~Q(Exists(priced))


# Filters whose facets say exactly what they let through (newstart.search.facets).
_EXACT_FACET_FILTERS = {"language", "local_area", "taxonomy_term_id"}


def _inexact_filters(filters: ServiceFilters) -> set[str]:
    """The filters given that no facet answers exactly (the queryset decides them)."""
    # A point only sorts; with a radius, the search engine checks the distance itself.
    given = {name for name, value in vars(filters).items() if value is not None} - {"search", "at", "near"}
    if filters.free is True:
        given.discard("free")
    return given - _EXACT_FACET_FILTERS


def _facets_decide(filters: ServiceFilters) -> bool:
    """Whether the facets alone answer the filters: every filter given has an exact facet, so the
    search need not check its candidates against the queryset."""
    return not _inexact_filters(filters)


def _sure_facets(filters: ServiceFilters, at: dt.datetime) -> list[Facets] | None:
    """Facets whose services certainly pass the filters the facets do not answer exactly: a candidate
    in every group needs no check against the queryset (None: some such filter has none)."""
    if _inexact_filters(filters) == {"open_now"} and filters.open_now is True:
        return [open_now_sure_facets(at)]
    return None


def _search_facets(filters: ServiceFilters, at: dt.datetime | None = None) -> list[Facets]:
    """What the search index can tell of the filters before any row is read (never less than what
    they let through; exactly that for the filters of `_facets_decide`)."""
    facets: list[Facets] = []
    if filters.language:
        facets.append(language_facets(filters.language, LANGUAGE_FAMILIES))
    if filters.local_area:
        facets.append({area_facet(filters.local_area)})
    if filters.free is True:
        facets.append({FREE})
    if filters.taxonomy_term_id is not None:
        facets.append({taxonomy_facet(filters.taxonomy_term_id)})
    if filters.open_now is True:
        facets.append(open_now_facets(at or filters.at or timezone.now()))
    near = filters.near
    if near is not None and near.radius_km is not None:
        cells = radius_facets(near.latitude, near.longitude, near.radius_km)
        if cells is not None:
            facets.append(cells)
    return facets


def service_list(*, filters: ServiceFilters) -> QuerySet[Service]:
    """Services (every status, unless `filters.status`: HSDS consumers read the status themselves)
    matching `filters`.

    With `filters.search`, the search engine's best matches among the services the other filters let
    through, best first (each carries `search_rank`; distance counts in the ranking with `near`).
    Otherwise ordered by id, or by distance then id when `filters.near` is given. With `near`, each
    service carries `distance_km` (to its nearest location with valid coordinates, None when it has
    none).
    """
    return service_list_ranked(filters=filters)[0]


def service_list_ranked(*, filters: ServiceFilters) -> tuple[QuerySet[Service], SearchResult | None]:
    """service_list, and what the search engine made of `filters.search` (None without a search):
    the corrected query, the broader needs searched instead, needs to suggest."""
    qs = _filter_services(Service.objects.all(), filters)
    # One moment for the filter and the facets that stand for it.
    at = filters.at or timezone.now()
    if filters.open_now is not None:
        is_open = Q(_OpenAt(at))
        qs = qs.filter(is_open) if filters.open_now else qs.exclude(is_open)
    near = filters.near
    if _search_text(filters):
        # The engine filters by the radius and gives the distances it ranked by.
        ranked, result = search_ranked_queryset(
            qs,
            _search_text(filters),
            near=_point(near),
            within_km=near.radius_km if near is not None else None,
            facets=_search_facets(filters, at),
            facets_decide=_facets_decide(filters),
            sure_facets=_sure_facets(filters, at),
            distance_field="distance_km",
        )
        return ranked.order_by(F("search_rank"), "id"), result
    if near is not None:
        nearby = ServiceAtLocation.objects.filter(service_id=OuterRef("pk"), location__has_valid_coordinates=True)
        if near.radius_km is not None:
            box = bounding_box(near.latitude, near.longitude, near.radius_km)
            nearby = nearby.filter(box.as_q(lat_field="location__latitude", lon_field="location__longitude"))
        nearest = (
            nearby.annotate(
                distance=distance_km_expression(
                    near.latitude, near.longitude, lat_field="location__latitude", lon_field="location__longitude"
                )
            )
            .order_by("distance")
            .values("distance")[:1]
        )
        qs = qs.annotate(distance_km=Subquery(nearest, output_field=FloatField()))
        if near.radius_km is not None:
            qs = qs.filter(distance_km__lte=near.radius_km)
    if near is None:
        return qs.order_by("id"), None
    return qs.order_by(F("distance_km").asc(nulls_last=True), "id"), None


def service_get(*, service_id: uuid.UUID, queryset: QuerySet[Service] | None = None) -> Service | None:
    """The record with this id, looked up in `queryset` (e.g. one prepared for serialization) if given."""
    base = queryset if queryset is not None else Service.objects.all()
    return base.filter(id=service_id).first()


# --- Services at locations ---------------------------------------------------------


def service_at_location_list(*, filters: ServiceAtLocationFilters) -> QuerySet[ServiceAtLocation]:
    """Services at locations matching `filters` (service filters apply to the service).

    A service at a location is open now by its own schedules, or, when it has none, by its
    service's. `postcode` matches addresses whose postcode starts with it ("V5Y" finds
    "V5Y 1V4"); with `proximity_m`, results are instead those within that many metres of the
    centroid of the postcode's known locations (none when no location there has coordinates).
    With `near` or `proximity_m`, each row carries `distance_km` and the list is nearest first.
    With `search`, rows are in the order of their service's rank (`search_rank`, computed among the
    services of the rows the other filters let through; distance counts with `near`/`proximity_m`),
    then nearest first, then by id.
    """
    return service_at_location_list_ranked(filters=filters)[0]


def service_at_location_list_ranked(
    *, filters: ServiceAtLocationFilters
) -> tuple[QuerySet[ServiceAtLocation], SearchResult | None]:
    """service_at_location_list, and what the search engine made of `filters.search` (None without)."""
    service_filters = ServiceFilters(
        taxonomy_term_id=filters.taxonomy_term_id,
        taxonomy_id=filters.taxonomy_id,
        organization_id=filters.organization_id,
        modified_after=filters.modified_after,
        language=filters.language,
        free=filters.free,
        status=filters.status,
    )
    qs = ServiceAtLocation.objects.all()
    if service_filters != ServiceFilters():
        qs = qs.filter(service_id__in=_filter_services(Service.objects.all(), service_filters).values("id"))
    if filters.local_area:
        qs = qs.filter(location__local_area__slug=filters.local_area)
    if filters.open_now is not None:
        # Open by its own schedules, or, having none, by its service's.
        open_schedules = _open_schedules(filters.at or timezone.now())
        own_schedule = Exists(Schedule.objects.filter(service_at_location_id=OuterRef("pk")))
        is_open = Q(Exists(open_schedules.filter(service_at_location_id=OuterRef("pk")))) | (
            Q(Exists(open_schedules.filter(service_id=OuterRef("service_id")))) & ~Q(own_schedule)
        )
        qs = qs.filter(is_open) if filters.open_now else qs.exclude(is_open)

    near = filters.near
    if filters.postcode and filters.proximity_m is not None:
        centroid = postcode_centroid(postcode=filters.postcode)
        if centroid is None:
            return qs.none(), None
        near = NearFilter(latitude=centroid[0], longitude=centroid[1], radius_km=filters.proximity_m / 1000)
    elif filters.postcode:
        matching = (
            Address.objects.annotate(normalized=_normalized_postal_code_field())
            .filter(normalized__startswith=normalized_postcode(filters.postcode))
            .values("location_id")
        )
        qs = qs.filter(location_id__in=matching)
    if near is not None:
        distance = distance_km_expression(
            near.latitude, near.longitude, lat_field="location__latitude", lon_field="location__longitude"
        )
        if near.radius_km is not None:
            box = bounding_box(near.latitude, near.longitude, near.radius_km)
            qs = qs.filter(location__has_valid_coordinates=True).filter(
                box.as_q(lat_field="location__latitude", lon_field="location__longitude")
            )
            qs = qs.annotate(distance_km=distance).filter(distance_km__lte=near.radius_km)
        else:
            # Sorting only: locations without valid coordinates come last, with no distance.
            qs = qs.annotate(
                distance_km=Case(When(location__has_valid_coordinates=True, then=distance), output_field=FloatField())
            )
    by_distance = [F("distance_km").asc(nulls_last=True)] if near is not None else []
    query = _search_text(filters)
    if query:
        # Rank the services of the rows every other filter lets through; rows follow their service.
        candidates = Service.objects.filter(id__in=qs.order_by().values("service_id"))
        result = search_services(query=query, near=_point(near), base_qs=candidates)
        ranked = search_rank_annotate(qs, result.service_ids, field="service_id")
        return ranked.order_by(F("search_rank"), *by_distance, "id"), result
    return qs.order_by(*by_distance, "id"), None


def service_at_location_get(
    *, service_at_location_id: uuid.UUID, queryset: QuerySet[ServiceAtLocation] | None = None
) -> ServiceAtLocation | None:
    """The record with this id, looked up in `queryset` (e.g. one prepared for serialization) if given."""
    base = queryset if queryset is not None else ServiceAtLocation.objects.all()
    return base.filter(id=service_at_location_id).first()


# --- Organizations ------------------------------------------------------------------


def organization_list(*, filters: OrganizationFilters) -> QuerySet[Organization]:
    """Organizations matching `filters`. The taxonomy filters find an organization by its own
    attributes or by those of any of its services."""
    qs = Organization.objects.all()
    if filters.search and filters.search.strip():
        query = filters.search.strip()
        qs = qs.filter(
            id__in=Organization.objects.filter(
                Q(translations__name__icontains=query)
                | Q(translations__description__icontains=query)
                | Q(alternate_name__icontains=query)
            ).values("id")
        )
    if filters.taxonomy_term_id is not None or filters.taxonomy_id is not None:
        own = _linked_ids(
            link_entity="organization", taxonomy_term_id=filters.taxonomy_term_id, taxonomy_id=filters.taxonomy_id
        )
        via_services = Service.objects.filter(
            id__in=_linked_ids(
                link_entity="service", taxonomy_term_id=filters.taxonomy_term_id, taxonomy_id=filters.taxonomy_id
            )
        ).values("organization_id")
        qs = qs.filter(Q(id__in=own) | Q(id__in=via_services))
    return qs.order_by("id")


def organization_get(
    *, organization_id: uuid.UUID, queryset: QuerySet[Organization] | None = None
) -> Organization | None:
    """The record with this id, looked up in `queryset` (e.g. one prepared for serialization) if given."""
    base = queryset if queryset is not None else Organization.objects.all()
    return base.filter(id=organization_id).first()


# --- Taxonomies ---------------------------------------------------------------------


def taxonomy_list(*, search: str | None = None) -> QuerySet[Taxonomy]:
    qs = Taxonomy.objects.all()
    if search and search.strip():
        query = search.strip()
        qs = qs.filter(Q(name__icontains=query) | Q(description__icontains=query))
    return qs.order_by("name", "id")


def taxonomy_get(*, taxonomy_id: uuid.UUID, queryset: QuerySet[Taxonomy] | None = None) -> Taxonomy | None:
    """The record with this id, looked up in `queryset` (e.g. one prepared for serialization) if given."""
    base = queryset if queryset is not None else Taxonomy.objects.all()
    return base.filter(id=taxonomy_id).first()


def taxonomy_term_list(*, filters: TaxonomyTermFilters) -> QuerySet[TaxonomyTerm]:
    """Taxonomy terms; `top_only` keeps the terms without a parent."""
    qs = TaxonomyTerm.objects.all()
    if filters.search and filters.search.strip():
        query = filters.search.strip()
        qs = qs.filter(
            id__in=TaxonomyTerm.objects.filter(
                Q(translations__name__icontains=query)
                | Q(translations__description__icontains=query)
                | Q(code__icontains=query)
            ).values("id")
        )
    if filters.taxonomy_id is not None:
        qs = qs.filter(taxonomy_detail_id=filters.taxonomy_id)
    if filters.parent_id is not None:
        qs = qs.filter(parent_id=filters.parent_id)
    if filters.top_only:
        qs = qs.filter(parent__isnull=True)
    return qs.order_by("code", "id")


def taxonomy_term_get(
    *, taxonomy_term_id: uuid.UUID, queryset: QuerySet[TaxonomyTerm] | None = None
) -> TaxonomyTerm | None:
    """The record with this id, looked up in `queryset` (e.g. one prepared for serialization) if given."""
    base = queryset if queryset is not None else TaxonomyTerm.objects.all()
    return base.filter(id=taxonomy_term_id).first()
