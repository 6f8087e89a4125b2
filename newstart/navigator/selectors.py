"""Reads of the navigator.

All of the navigator's searching goes through ``navigator_search``; it uses the directory's
selectors for now, and is the one place to switch to the search engine.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce, Lower

from newstart.directory.models import (
    LocalArea,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from newstart.directory.selectors import (
    NearFilter,
    ServiceFilters,
    normalized_postcode,
    postcode_centroid,
    service_list,
)
from newstart.directory.taxonomies import settlement_taxonomy_get

ServiceTranslation: Any = Service._parler_meta.root_model  # type: ignore[attr-defined]

# The home page's tiles, in this order.
HOME_CATEGORY_CODES: tuple[str, ...] = ("LANG", "EMP", "HOUS", "HEALTH", "CHILD", "LEGAL", "MONEY", "COMM", "CRISIS")

# A Canadian postal code ("V5K 0A1") or its forward sortation area ("V5K").
POSTCODE_PATTERN = re.compile(r"^[A-Z]\d[A-Z](\d[A-Z]\d)?$")


@dataclass(frozen=True, kw_only=True)
class NavigatorFilters:
    category: str = ""  # a settlement taxonomy code, e.g. "HOUS"
    language: str = ""  # an ISO 639 code of a language the service is offered in
    local_area: str = ""  # a LocalArea slug
    near: NearFilter | None = None
    open_now: bool = False
    free: bool = False
    # The moment "open now" is judged at (default: now).
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Category:
    code: str
    name: str


def navigator_search(*, query: str, filters: NavigatorFilters, language: str) -> QuerySet[Service]:
    """Active services matching `query` and `filters`, best first: nearest first when `near` is given
    (each service then carries ``distance_km``), otherwise by name in `language`.

    For now a text match through the directory's selectors; to be replaced by the search engine.
    """
    term_id: uuid.UUID | None = None
    if filters.category:
        term = settlement_category_get(code=filters.category)
        if term is None:
            return Service.objects.none()
        term_id = term.pk
    qs = service_list(
        filters=ServiceFilters(
            search=query or None,
            taxonomy_term_id=term_id,
            language=filters.language or None,
            local_area=filters.local_area or None,
            near=filters.near,
            open_now=True if filters.open_now else None,
            free=True if filters.free else None,
            at=filters.at,
        )
    ).filter(status=ServiceStatus.ACTIVE)
    if filters.near is not None:
        return qs
    name_in = ServiceTranslation.objects.filter(master_id=OuterRef("pk"))
    return qs.annotate(
        sort_name=Lower(
            Coalesce(
                Subquery(name_in.filter(language_code=language).values("name")[:1]),
                Subquery(name_in.filter(language_code=OuterRef("source_language")).values("name")[:1]),
            )
        )
    ).order_by("sort_name", "id")


def navigator_results_prefetch(*, services: Sequence[Service]) -> None:
    """Load everything a result card shows, in a fixed number of queries whatever the page size."""
    prefetch_related_objects(
        list(services),
        "translations",
        "organization__translations",
        "languages",
        "cost_options",
        "schedules",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "schedules", "location__addresses"
            ),
        ),
    )


def service_page_get(*, service_id: uuid.UUID) -> Service | None:
    """An active service with everything its page shows; None when unknown or not active."""
    service = (
        Service.objects.filter(id=service_id, status=ServiceStatus.ACTIVE)
        .select_related("organization")
        .prefetch_related(
            "translations",
            "organization__translations",
            "languages",
            "cost_options",
            "required_documents",
            "schedules",
            "phones",
            "organization__phones",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location", "location__local_area")
                .prefetch_related("schedules", "location__addresses", "location__phones", "location__accessibility")
                .order_by("id"),
            ),
        )
        .first()
    )
    return service


def settlement_category_get(*, code: str) -> TaxonomyTerm | None:
    taxonomy = settlement_taxonomy_get()
    if taxonomy is None:
        return None
    return TaxonomyTerm.objects.filter(taxonomy_detail=taxonomy, code=code, parent__isnull=True).first()


def category_list(*, language: str) -> list[Category]:
    """The settlement taxonomy's top-level categories, named in `language`, home tiles first."""
    taxonomy = settlement_taxonomy_get()
    if taxonomy is None:
        return []
    terms = list(
        TaxonomyTerm.objects.filter(taxonomy_detail=taxonomy, parent__isnull=True).prefetch_related("translations")
    )
    order = {code: index for index, code in enumerate(HOME_CATEGORY_CODES)}
    terms.sort(key=lambda term: (order.get(term.code, len(order)), term.code))
    categories = []
    for term in terms:
        term.set_current_language(language)
        categories.append(Category(code=term.code, name=str(term.safe_translation_getter("name", any_language=True))))
    return categories


def local_area_list() -> QuerySet[LocalArea]:
    return LocalArea.objects.order_by("name")


def postcode_point(*, postcode: str) -> tuple[float, float] | None:
    """Where a postal code is, from the directory's own addresses: the centre of its known locations,
    else of its forward sortation area (first three characters); None when neither is known."""
    code = normalized_postcode(postcode)
    point = postcode_centroid(postcode=code)
    if point is None and len(code) > 3:
        point = postcode_centroid(postcode=code[:3])
    return point
