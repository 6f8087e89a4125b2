"""Reads of the navigator.

All of the navigator's searching goes through ``navigator_search``: the directory's filters, and
with words the search engine (newstart.search), which ranks and offers ways forward when nothing
matches.
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
    service_list_ranked,
)
from newstart.directory.taxonomies import settlement_taxonomy_get
from newstart.search.selectors import SearchResult, concept_label_list

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


@dataclass(frozen=True)
class NavigatorResults:
    """The services found, best first, and what the search engine made of the words (None without)."""

    services: QuerySet[Service]
    search: SearchResult | None = None

    @property
    def did_you_mean(self) -> str | None:
        """The corrected query the results are for, when a misspelt word was corrected."""
        return self.search.did_you_mean if self.search is not None else None


def navigator_search(*, query: str, filters: NavigatorFilters, language: str) -> NavigatorResults:
    """Active services matching `query` and `filters`, best first.

    With words, the search engine ranks the services the filters let through, by relevance (nearer
    ones first among equals when `near` is given); the result says what it corrected, which broader
    need it searched instead, and which needs to suggest when nothing matched. Without words: nearest
    first when `near` is given, otherwise by name in `language`. With `near`, each service carries
    ``distance_km``.
    """
    term_id: uuid.UUID | None = None
    if filters.category:
        term = settlement_category_get(code=filters.category)
        if term is None:
            return NavigatorResults(services=Service.objects.none())
        term_id = term.pk
    qs, search = service_list_ranked(
        filters=ServiceFilters(
            search=query or None,
            taxonomy_term_id=term_id,
            language=filters.language or None,
            local_area=filters.local_area or None,
            near=filters.near,
            open_now=True if filters.open_now else None,
            free=True if filters.free else None,
            status=ServiceStatus.ACTIVE,
            at=filters.at,
        )
    )
    if search is not None or filters.near is not None:
        return NavigatorResults(services=qs, search=search)
    name_in = ServiceTranslation.objects.filter(master_id=OuterRef("pk"))
    by_name = qs.annotate(
        sort_name=Lower(
            Coalesce(
                Subquery(name_in.filter(language_code=language).values("name")[:1]),
                Subquery(name_in.filter(language_code=OuterRef("source_language")).values("name")[:1]),
            )
        )
    ).order_by("sort_name", "id")
    return NavigatorResults(services=by_name)


def broader_need_names(*, results: NavigatorResults, language: str) -> list[str]:
    """The broader needs searched instead of the query's own (none when it was not needed), named for
    a reader of `language`."""
    if results.search is None or not results.search.broader:
        return []
    return concept_label_list(keys=results.search.broader, language=language)


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
