"""Query parameters of the HSDS API: their types (for OpenAPI and parsing) and the checks
types cannot express, turning a request into selector filters.

Every bad value ends as a ParameterError naming the parameter; the API answers it with
HTTP 400. Unknown query parameters are ignored (HSDS clients may send parameters of other
profiles).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from newstart.common.languages import INTERFACE_LANGUAGE_CODES
from newstart.directory.geo import MAX_DISTANCE_KM
from newstart.directory.models import LocalArea
from newstart.directory.selectors import (
    NearFilter,
    OrganizationFilters,
    ServiceAtLocationFilters,
    ServiceFilters,
    TaxonomyTermFilters,
)

DEFAULT_PER_PAGE = 20
MAX_TEXT_LENGTH = 200
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", re.IGNORECASE)
_SLUG = re.compile(r"^[-a-z0-9_]+$")


@dataclass(frozen=True)
class ParameterProblem:
    parameter: str
    message: str | Promise


class ParameterError(Exception):
    """One or more request parameters are wrong; answered with HTTP 400."""

    def __init__(self, problems: list[ParameterProblem]) -> None:
        self.problems = problems
        super().__init__(", ".join(problem.parameter for problem in problems))

    @classmethod
    def single(cls, parameter: str, message: str | Promise) -> ParameterError:
        return cls([ParameterProblem(parameter, message)])


# pydantic's error types, said in our words (and translated).
_TYPE_MESSAGES: tuple[tuple[str, Promise], ...] = (
    ("int", _("Must be a whole number.")),
    ("bool", _("Must be true or false.")),
    ("uuid", _("Must be a UUID, e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6.")),
    ("datetime", _("Must be a date or date-time in ISO 8601 form, e.g. 2024-05-01 or 2024-05-01T09:00:00Z.")),
    ("date", _("Must be a date or date-time in ISO 8601 form, e.g. 2024-05-01 or 2024-05-01T09:00:00Z.")),
    ("float", _("Must be a number.")),
    ("literal", _("Not one of the allowed values.")),
    ("enum", _("Not one of the allowed values.")),
    ("string", _("Must be text.")),
)


def problems_from_validation_errors(errors: list[dict[str, Any]]) -> list[ParameterProblem]:
    """ninja's validation errors (loc = ("query", "page")) as parameter problems."""
    problems: list[ParameterProblem] = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        parameter = loc[-1] if len(loc) > 1 else (loc[0] if loc else "request")
        kind = str(error.get("type", ""))
        message: str | Promise = str(error.get("msg", _("Invalid value.")))
        for prefix, text in _TYPE_MESSAGES:
            if kind.startswith(prefix):
                message = text
                break
        if kind == "literal_error" and "expected" in error.get("ctx", {}):
            message = _("Must be one of: %(values)s.") % {"values": error["ctx"]["expected"]}
        problems.append(ParameterProblem(parameter, message))
    return problems


# --- Parameter schemas (also documentation: ninja puts them in the OpenAPI document) ---------

_D_PAGE = "Page number, starting at 1."
_D_PER_PAGE = "Number of results per page (default 20; at most HSDS_API_MAX_PER_PAGE, 100 unless configured)."
_D_FORMAT = "`json` (default, paginated) or `ndjson`: every result, one JSON object per line, streamed, no pagination."
_D_SEARCH = (
    "Search (newstart's search engine): words in any language of the directory, matched in the name, "
    "alternate name, description and other texts of the service (every translation), its organization's "
    "name and its categories; misspellings are corrected (header `X-Search-Did-You-Mean`). Results are "
    "ranked best first (nearer first among equals with `lat`/`lon`), at most 1,000."
)
_D_LANG = (
    "newstart extension. Response language, one of the interface languages: "
    + ", ".join(INTERFACE_LANGUAGE_CODES)
    + ". Untranslated text falls back to the record's source language, then English. "
    "Default: the Accept-Language header, else English."
)
_D_LANGUAGE = (
    "newstart extension. Only services delivered in this language (ISO 639 code, e.g. `pa`, `ar`). "
    "`zh` also matches Cantonese (`yue`) and Mandarin (`cmn`)."
)
_D_LOCAL_AREA = "newstart extension. Only services at a location in this local area (its slug, e.g. `downtown`)."
_D_LAT = (
    "newstart extension. Latitude (WGS84) of a point; needs `lon`. With `radius_km`: only results within that "
    "distance. Without: results sorted by distance, nearest first. Locations without valid coordinates never match."
)
_D_LON = "newstart extension. Longitude (WGS84) of a point; needs `lat`."
_D_RADIUS = "newstart extension. Distance in kilometres (great-circle) from `lat`/`lon`; needs both."
_D_OPEN_NOW = (
    "newstart extension. `true`: only services whose weekly schedule is open now (directory time zone); "
    "`false`: the others."
)
_D_FREE = (
    "newstart extension. `true`: only services with at least one cost option, all of amount 0; `false`: the others."
)
_D_MODIFIED_AFTER = (
    "Only results modified on or after this date-time (ISO 8601; without a zone, the directory's time zone)."
)


class PageParams(Schema):
    page: int = Field(1, description=_D_PAGE)
    per_page: int | None = Field(None, description=_D_PER_PAGE)
    format: Literal["json", "ndjson"] = Field("json", description=_D_FORMAT)


class LangParam(Schema):
    lang: str | None = Field(None, description=_D_LANG)


class TaxonomyFilterParams(Schema):
    taxonomy_term_id: uuid.UUID | None = Field(
        None, description="Only records classified under this taxonomy term or any term below it."
    )
    taxonomy_id: uuid.UUID | None = Field(None, description="Only records classified under a term of this taxonomy.")


class ServiceFilterParams(TaxonomyFilterParams):
    search: str | None = Field(None, description=_D_SEARCH)
    organization_id: uuid.UUID | None = Field(None, description="Only services of this organization.")
    modified_after: dt.datetime | None = Field(None, description=_D_MODIFIED_AFTER)
    lang: str | None = Field(None, description=_D_LANG)
    language: str | None = Field(None, description=_D_LANGUAGE)
    local_area: str | None = Field(None, description=_D_LOCAL_AREA)
    lat: float | None = Field(None, description=_D_LAT)
    lon: float | None = Field(None, description=_D_LON)
    radius_km: float | None = Field(None, description=_D_RADIUS)
    open_now: bool | None = Field(None, description=_D_OPEN_NOW)
    free: bool | None = Field(None, description=_D_FREE)


class ServiceListParams(PageParams, ServiceFilterParams):
    minimal: bool = Field(False, description="Only each service's `id` and `last_modified`.")
    full: bool = Field(False, description="Fully nested services (as /services/{id}).")


class ServiceAtLocationListParams(PageParams, ServiceFilterParams):
    full: bool = Field(False, description="Fully nested services at locations.")
    postcode: str | None = Field(
        None,
        description=(
            "Only services at a location with an address in this postcode; a prefix such as a Canadian forward "
            "sortation area (`V5Y`) matches every postcode in it. Case, spaces and hyphens are ignored. "
            "Service areas are not consulted."
        ),
    )
    proximity: float | None = Field(
        None,
        description=(
            "Needs `postcode`. Instead of matching the postcode, results within this many metres of the centroid of "
            "the directory's locations in that postcode (none if the directory has no location there)."
        ),
    )


class OrganizationListParams(PageParams, TaxonomyFilterParams, LangParam):
    search: str | None = Field(None, description="Case-insensitive match in the organization's name or description.")
    full: bool = Field(False, description="Fully nested organizations.")
    full_service: bool = Field(False, description="With `full`: services fully nested too.")


class OrganizationParams(LangParam):
    full_service: bool = Field(False, description="Services fully nested, not only their ids and names.")


class TaxonomyListParams(PageParams):
    search: str | None = Field(None, description="Case-insensitive match in the taxonomy's name or description.")


class TaxonomyTermListParams(PageParams, LangParam):
    search: str | None = Field(None, description="Case-insensitive match in the term's name, description or code.")
    taxonomy_id: uuid.UUID | None = Field(None, description="Only terms of this taxonomy.")
    top_only: bool = Field(False, description="Only top-level terms (terms without a parent).")
    parent_id: uuid.UUID | None = Field(None, description="Only the direct children of this term.")


# --- Checks types cannot express ---------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Pagination:
    page: int
    per_page: int
    ndjson: bool


def _check_text(problems: list[ParameterProblem], name: str, value: str | None) -> str | None:
    if value is None:
        return None
    if "\x00" in value:
        problems.append(ParameterProblem(name, _("Must not contain a NUL character.")))
        return None
    if len(value) > MAX_TEXT_LENGTH:
        problems.append(ParameterProblem(name, _("At most %(count)d characters.") % {"count": MAX_TEXT_LENGTH}))
        return None
    return value.strip() or None


def pagination_from(params: PageParams, problems: list[ParameterProblem]) -> Pagination:
    maximum = settings.HSDS_API_MAX_PER_PAGE
    if params.page < 1:
        problems.append(ParameterProblem("page", _("Pages are numbered from 1.")))
    per_page = min(DEFAULT_PER_PAGE, maximum) if params.per_page is None else params.per_page
    if not 1 <= per_page <= maximum:
        problems.append(ParameterProblem("per_page", _("Must be between 1 and %(max)d.") % {"max": maximum}))
    return Pagination(page=params.page, per_page=min(per_page, maximum), ndjson=params.format == "ndjson")


def language_from(params: LangParam | ServiceFilterParams, problems: list[ParameterProblem]) -> str | None:
    lang = _check_text(problems, "lang", params.lang)
    if lang is None:
        return None
    lang = lang.lower()
    if lang not in INTERFACE_LANGUAGE_CODES:
        problems.append(
            ParameterProblem("lang", _("Must be one of: %(codes)s.") % {"codes": ", ".join(INTERFACE_LANGUAGE_CODES)})
        )
        return None
    return lang


def _modified_after(problems: list[ParameterProblem], value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        aware = timezone.make_aware(value) if timezone.is_naive(value) else value
        # Databases store UTC; a moment that cannot be expressed in UTC cannot be compared.
        return aware.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        problems.append(ParameterProblem("modified_after", _("Date-time out of range.")))
        return None


def _near(problems: list[ParameterProblem], params: ServiceFilterParams) -> NearFilter | None:
    lat, lon, radius = params.lat, params.lon, params.radius_km
    if lat is None and lon is None:
        if radius is not None:
            problems.append(ParameterProblem("radius_km", _("Needs lat and lon.")))
        return None
    if lat is None:
        problems.append(ParameterProblem("lat", _("Needs to be given together with lon.")))
        return None
    if lon is None:
        problems.append(ParameterProblem("lon", _("Needs to be given together with lat.")))
        return None
    ok = True
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        problems.append(ParameterProblem("lat", _("Must be a latitude between -90 and 90.")))
        ok = False
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        problems.append(ParameterProblem("lon", _("Must be a longitude between -180 and 180.")))
        ok = False
    if radius is not None and not (math.isfinite(radius) and 0 < radius <= MAX_DISTANCE_KM):
        problems.append(
            ParameterProblem(
                "radius_km", _("Must be more than 0 and at most %(max)d km.") % {"max": int(MAX_DISTANCE_KM)}
            )
        )
        ok = False
    return NearFilter(latitude=lat, longitude=lon, radius_km=radius) if ok else None


def _service_filter_kwargs(params: ServiceFilterParams, problems: list[ParameterProblem]) -> dict[str, Any]:
    language = _check_text(problems, "language", params.language)
    if language is not None and not _LANGUAGE_CODE.match(language):
        problems.append(ParameterProblem("language", _("Must be an ISO 639 language code, e.g. pa or zh.")))
        language = None
    local_area = _check_text(problems, "local_area", params.local_area)
    if local_area is not None:
        local_area = local_area.lower()
        if not _SLUG.match(local_area) or not LocalArea.objects.filter(slug=local_area).exists():
            problems.append(ParameterProblem("local_area", _("No local area has this slug.")))
            local_area = None
    return {
        "search": _check_text(problems, "search", params.search),
        "taxonomy_term_id": params.taxonomy_term_id,
        "taxonomy_id": params.taxonomy_id,
        "organization_id": params.organization_id,
        "modified_after": _modified_after(problems, params.modified_after),
        "language": language,
        "local_area": local_area,
        "near": _near(problems, params),
        "open_now": params.open_now,
        "free": params.free,
    }


def _raise_if(problems: list[ParameterProblem]) -> None:
    if problems:
        raise ParameterError(problems)


@dataclass(frozen=True, kw_only=True)
class ServiceListRequest:
    filters: ServiceFilters
    pagination: Pagination
    lang: str | None
    minimal: bool
    full: bool


def service_list_request(params: ServiceListParams) -> ServiceListRequest:
    problems: list[ParameterProblem] = []
    pagination = pagination_from(params, problems)
    lang = language_from(params, problems)
    kwargs = _service_filter_kwargs(params, problems)
    if params.minimal and params.full:
        problems.append(ParameterProblem("minimal", _("Cannot be combined with full.")))
    _raise_if(problems)
    return ServiceListRequest(
        filters=ServiceFilters(**kwargs), pagination=pagination, lang=lang, minimal=params.minimal, full=params.full
    )


@dataclass(frozen=True, kw_only=True)
class ServiceAtLocationListRequest:
    filters: ServiceAtLocationFilters
    pagination: Pagination
    lang: str | None
    full: bool


def service_at_location_list_request(params: ServiceAtLocationListParams) -> ServiceAtLocationListRequest:
    problems: list[ParameterProblem] = []
    pagination = pagination_from(params, problems)
    lang = language_from(params, problems)
    kwargs = _service_filter_kwargs(params, problems)
    postcode = _check_text(problems, "postcode", params.postcode)
    if postcode is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 -]{1,11}", postcode):
        problems.append(ParameterProblem("postcode", _("Must be a postcode of letters, digits, spaces and hyphens.")))
        postcode = None
    elif postcode is not None and len(re.sub(r"[\s-]", "", postcode)) < 3:
        problems.append(ParameterProblem("postcode", _("Give at least 3 characters of the postcode.")))
        postcode = None
    proximity = params.proximity
    if proximity is not None:
        if not (math.isfinite(proximity) and 0 < proximity <= MAX_DISTANCE_KM * 1000):
            problems.append(ParameterProblem("proximity", _("Must be a distance in metres, more than 0.")))
        elif params.postcode is None:
            problems.append(ParameterProblem("proximity", _("Needs postcode.")))
        elif params.lat is not None or params.lon is not None:
            problems.append(ParameterProblem("proximity", _("Cannot be combined with lat and lon.")))
    _raise_if(problems)
    return ServiceAtLocationListRequest(
        filters=ServiceAtLocationFilters(**kwargs, postcode=postcode, proximity_m=proximity),
        pagination=pagination,
        lang=lang,
        full=params.full,
    )


def organization_list_request(params: OrganizationListParams) -> tuple[OrganizationFilters, Pagination, str | None]:
    problems: list[ParameterProblem] = []
    pagination = pagination_from(params, problems)
    lang = language_from(params, problems)
    search = _check_text(problems, "search", params.search)
    _raise_if(problems)
    filters = OrganizationFilters(
        search=search, taxonomy_term_id=params.taxonomy_term_id, taxonomy_id=params.taxonomy_id
    )
    return filters, pagination, lang


def taxonomy_list_request(params: TaxonomyListParams) -> tuple[str | None, Pagination]:
    problems: list[ParameterProblem] = []
    pagination = pagination_from(params, problems)
    search = _check_text(problems, "search", params.search)
    _raise_if(problems)
    return search, pagination


def taxonomy_term_list_request(params: TaxonomyTermListParams) -> tuple[TaxonomyTermFilters, Pagination, str | None]:
    problems: list[ParameterProblem] = []
    pagination = pagination_from(params, problems)
    lang = language_from(params, problems)
    search = _check_text(problems, "search", params.search)
    _raise_if(problems)
    filters = TaxonomyTermFilters(
        search=search, taxonomy_id=params.taxonomy_id, parent_id=params.parent_id, top_only=params.top_only
    )
    return filters, pagination, lang


def lang_only(params: LangParam) -> str | None:
    problems: list[ParameterProblem] = []
    lang = language_from(params, problems)
    _raise_if(problems)
    return lang
