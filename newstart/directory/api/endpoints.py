"""The HSDS 3.1 API (read-only), mounted at /api/hsds/.

Endpoints are thin: parse parameters (params.py), ask a selector, serialize with
newstart.directory.hsds.serialize, wrap in the HSDS Page envelope. Every bad parameter is
HTTP 400 with {"detail": [{"parameter": ..., "message": ...}]}; an unknown id is 404 in the
same form (parameter "id").
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Path, Query, Swagger
from ninja.errors import ValidationError

from newstart.directory import selectors
from newstart.directory.api.pagination import paginate
from newstart.directory.api.params import (
    LangParam,
    OrganizationListParams,
    OrganizationParams,
    Pagination,
    ParameterError,
    ParameterProblem,
    ServiceAtLocationListParams,
    ServiceListParams,
    TaxonomyListParams,
    TaxonomyTermListParams,
    lang_only,
    organization_list_request,
    problems_from_validation_errors,
    service_at_location_list_request,
    service_list_request,
    taxonomy_list_request,
    taxonomy_term_list_request,
)
from newstart.directory.api.schemas import ApiInfo, ErrorBody, PageOut
from newstart.directory.hsds.profile import profile_uri
from newstart.directory.hsds.serialize import (
    organization_queryset_for_hsds,
    organization_to_hsds,
    preload_hsds_extras,
    service_at_location_queryset_for_hsds,
    service_at_location_to_hsds,
    service_queryset_for_hsds,
    service_to_hsds,
    taxonomy_term_queryset_for_hsds,
    taxonomy_term_to_hsds,
    taxonomy_to_hsds,
)
from newstart.directory.models import Organization, Service, ServiceAtLocation, TaxonomyTerm
from newstart.search.selectors import SearchResult

HSDS_VERSION = "3.1"
NDJSON_CONTENT_TYPE = "application/x-ndjson"
# Rows fetched (and prefetched) at a time while streaming ndjson.
NDJSON_CHUNK_SIZE = 200
# Set when the search engine corrected a misspelt `search`: the query it searched for instead.
DID_YOU_MEAN_HEADER = "X-Search-Did-You-Mean"

DESCRIPTION = """
Read-only [HSDS 3.1](https://docs.openreferral.org/en/latest/) API of the newstart service directory.

* Lists are paginated in the HSDS Page envelope: pages are numbered from 1, `size` is the number
  of entities on the page, `per_page` is at most `HSDS_API_MAX_PER_PAGE` (100 unless configured);
  a page past the last is an empty page. `format=ndjson` streams every result, one JSON object per
  line, without pagination.
* Lists include services of every status (active, inactive, defunct, temporarily closed):
  the `status` property says which.
* Any bad parameter (wrong type, value out of range, unknown `lang`, `format` or `local_area`,
  malformed UUID or date, incomplete `lat`/`lon`/`radius_km`) is answered with HTTP 400 and
  `{"detail": [{"parameter": "<name>", "message": "<why>"}]}`; an unknown id with HTTP 404 in the
  same form (parameter `id`). A filter on a well-formed but unknown id simply matches nothing.
* `search` is newstart's search engine: words in any of the directory's languages (scripts without
  spaces too), everyday phrases matched to needs through a thesaurus, misspellings corrected. Results
  are ranked best first (by relevance among the services the other filters let through; with
  `lat`/`lon`, nearer services rank higher) instead of the usual order, at most 1,000 of them. When
  a misspelt word was corrected, the response carries the header `X-Search-Did-You-Mean` with the
  corrected query (UTF-8, percent-encoded as in a URL); the results are already those of the
  corrected query. When nothing matches a need, services for its broader need are returned. The Page
  envelope is unchanged.
* Unknown query parameters are ignored.
* Parameters marked "newstart extension" are not in HSDS: `lang`, `language`, `local_area`,
  `lat`, `lon`, `radius_km`, `open_now`, `free`. The POST forms of the HSDS list endpoints
  are not offered.
"""

api = NinjaAPI(
    title="newstart HSDS API",
    version=HSDS_VERSION,
    description=DESCRIPTION,
    urls_namespace="hsds",
    # validatorUrl: Swagger UI would otherwise load a badge from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="docs",
)

ERRORS: dict[int | tuple[int, ...], Any] = {400: ErrorBody}
ERRORS_AND_404: dict[int | tuple[int, ...], Any] = {400: ErrorBody, 404: ErrorBody}


class NotFound(Exception):
    def __init__(self, message: str | Promise) -> None:
        self.message = message
        super().__init__(str(message))


def _problems_body(problems: list[ParameterProblem]) -> dict[str, Any]:
    return {"detail": [{"parameter": p.parameter, "message": str(p.message)} for p in problems]}


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, _problems_body(problems_from_validation_errors(exc.errors)), status=400)


@api.exception_handler(ParameterError)
def _parameter_error(request: HttpRequest, exc: ParameterError) -> HttpResponse:
    return api.create_response(request, _problems_body(exc.problems), status=400)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, _problems_body([ParameterProblem("id", exc.message)]), status=404)


def _language(lang: str | None) -> contextlib.AbstractContextManager[Any]:
    """Serve in `lang` when asked; otherwise in the request's language (LocaleMiddleware)."""
    return translation.override(lang) if lang else contextlib.nullcontext()


def _found(record: Model | None, message: str | Promise) -> Any:
    if record is None:
        raise NotFound(message)
    return record


def _search_headers(response: HttpResponseBase, search: SearchResult | None) -> None:
    if search is not None and search.did_you_mean:
        response[DID_YOU_MEAN_HEADER] = quote(search.did_you_mean, safe="")


def _list_response(
    qs: QuerySet[Any],
    pagination: Pagination,
    serialize: Callable[[Any, Any], dict[str, Any]],
    *,
    lang: str | None,
    extras: bool = True,
    response: HttpResponse | None = None,
    search: SearchResult | None = None,
) -> dict[str, Any] | HttpResponseBase:
    """The page asked for, in the Page envelope; or with format=ndjson every result, streamed.

    serialize(record, extras) turns one record into HSDS; extras are the page's preloaded
    attributes and metadata (None when `extras` is False). `search` (what the search engine made
    of the `search` parameter) sets the search headers on `response`, ninja's temporal response.
    """
    if pagination.ndjson:
        streaming = StreamingHttpResponse(
            _ndjson_lines(qs, serialize, lang=lang, extras=extras), content_type=NDJSON_CONTENT_TYPE
        )
        _search_headers(streaming, search)
        return streaming
    if response is not None:
        _search_headers(response, search)
    with _language(lang):
        page = paginate(qs, page=pagination.page, per_page=pagination.per_page)
        page_extras = preload_hsds_extras(page.items) if extras else None
        return page.envelope([serialize(item, page_extras) for item in page.items])


def _ndjson_lines(
    qs: QuerySet[Any], serialize: Callable[[Any, Any], dict[str, Any]], *, lang: str | None, extras: bool
) -> Iterator[str]:
    # Runs while the response streams, after the view has returned: set the language here.
    with _language(lang):
        batch: list[Any] = []
        for record in qs.iterator(chunk_size=NDJSON_CHUNK_SIZE):
            batch.append(record)
            if len(batch) == NDJSON_CHUNK_SIZE:
                yield from _ndjson_batch(batch, serialize, extras=extras)
                batch = []
        yield from _ndjson_batch(batch, serialize, extras=extras)


def _ndjson_batch(batch: list[Any], serialize: Callable[[Any, Any], dict[str, Any]], *, extras: bool) -> Iterator[str]:
    batch_extras = preload_hsds_extras(batch) if extras and batch else None
    for record in batch:
        yield json.dumps(serialize(record, batch_extras), cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"


# --- Endpoints ------------------------------------------------------------------------


@api.get(
    "/",
    operation_id="getAPIMetaInformation",
    response=ApiInfo,
    summary="Retrieve information about this API and its relationship with HSDS.",
)
def api_info(request: HttpRequest) -> dict[str, str]:
    return {
        "version": HSDS_VERSION,
        "profile": profile_uri(),
        "openapi_url": request.build_absolute_uri(reverse("hsds:openapi-json")),
    }


@api.get(
    "/services",
    operation_id="getPaginatedListOfServices",
    response={200: PageOut, **ERRORS},
    summary="Paginated list of services.",
    description="Services in the listing form (one-to-one fields with organization and program); "
    "`full=true` fully nested, `minimal=true` only `id` and `last_modified`.",
)
def services_list(request: HttpRequest, response: HttpResponse, params: Query[ServiceListParams]) -> Any:
    req = service_list_request(params)
    qs, search = selectors.service_list_ranked(filters=req.filters)
    if req.minimal:
        return _list_response(
            qs.only("id", "last_modified"),
            req.pagination,
            lambda s, _extras: service_to_hsds(s, minimal=True),
            lang=req.lang,
            extras=False,
            response=response,
            search=search,
        )
    full = req.full
    return _list_response(
        service_queryset_for_hsds(qs, full=full),
        req.pagination,
        lambda s, extras: service_to_hsds(s, full=full, extras=extras),
        lang=req.lang,
        extras=full,
        response=response,
        search=search,
    )


@api.get(
    "/services/{id}",
    operation_id="getFullyNestedServiceById",
    response={200: dict[str, Any], **ERRORS_AND_404},
    summary="A fully nested service.",
)
def services_get(request: HttpRequest, id: Path[uuid.UUID], params: Query[LangParam]) -> Any:
    lang = lang_only(params)
    service = _found(
        selectors.service_get(service_id=id, queryset=service_queryset_for_hsds(Service.objects.all())),
        _("No service has this id."),
    )
    with _language(lang):
        return service_to_hsds(service, full=True)


@api.get(
    "/organizations",
    operation_id="getPaginatedListOfOrganizations",
    response={200: PageOut, **ERRORS},
    summary="Paginated list of organizations.",
    description="Organizations with their one-to-one fields; `full=true` fully nested (services in the "
    "listing form, or fully nested with `full_service=true`).",
)
def organizations_list(request: HttpRequest, params: Query[OrganizationListParams]) -> Any:
    filters, pagination, lang = organization_list_request(params)
    full, full_service = params.full, params.full_service
    qs = organization_queryset_for_hsds(
        selectors.organization_list(filters=filters), full=full, full_service=full and full_service
    )
    return _list_response(
        qs,
        pagination,
        lambda org, extras: organization_to_hsds(org, full=full, full_service=full_service, extras=extras),
        lang=lang,
        extras=full,
    )


@api.get(
    "/organizations/{id}",
    operation_id="getOrganizationById",
    response={200: dict[str, Any], **ERRORS_AND_404},
    summary="A fully nested organization.",
)
def organizations_get(request: HttpRequest, id: Path[uuid.UUID], params: Query[OrganizationParams]) -> Any:
    lang = lang_only(params)
    qs = organization_queryset_for_hsds(Organization.objects.all(), full=True, full_service=params.full_service)
    org = _found(selectors.organization_get(organization_id=id, queryset=qs), _("No organization has this id."))
    with _language(lang):
        return organization_to_hsds(org, full=True, full_service=params.full_service)


@api.get(
    "/taxonomies",
    operation_id="getPaginatedListOfTaxonomies",
    response={200: PageOut, **ERRORS},
    summary="Paginated list of taxonomies.",
)
def taxonomies_list(request: HttpRequest, params: Query[TaxonomyListParams]) -> Any:
    search, pagination = taxonomy_list_request(params)
    return _list_response(
        selectors.taxonomy_list(search=search),
        pagination,
        lambda taxonomy, extras: taxonomy_to_hsds(taxonomy, extras=extras),
        lang=None,
    )


@api.get(
    "/taxonomies/{id}",
    operation_id="getTaxonomyById",
    response={200: dict[str, Any], **ERRORS_AND_404},
    summary="A taxonomy.",
)
def taxonomies_get(request: HttpRequest, id: Path[uuid.UUID]) -> Any:
    taxonomy = _found(selectors.taxonomy_get(taxonomy_id=id), _("No taxonomy has this id."))
    return taxonomy_to_hsds(taxonomy)


@api.get(
    "/taxonomy_terms",
    operation_id="getPaginatedListOfTaxonomyTerms",
    response={200: PageOut, **ERRORS},
    summary="Paginated list of taxonomy terms.",
    description="`top_only=true` keeps the terms without a parent; `parent_id` the direct children of a term.",
)
def taxonomy_terms_list(request: HttpRequest, params: Query[TaxonomyTermListParams]) -> Any:
    filters, pagination, lang = taxonomy_term_list_request(params)
    return _list_response(
        taxonomy_term_queryset_for_hsds(selectors.taxonomy_term_list(filters=filters)),
        pagination,
        lambda term, extras: taxonomy_term_to_hsds(term, extras=extras),
        lang=lang,
    )


@api.get(
    "/taxonomy_terms/{id}",
    operation_id="getTaxonomyTermById",
    response={200: dict[str, Any], **ERRORS_AND_404},
    summary="A taxonomy term.",
)
def taxonomy_terms_get(request: HttpRequest, id: Path[uuid.UUID], params: Query[LangParam]) -> Any:
    lang = lang_only(params)
    term = _found(
        selectors.taxonomy_term_get(
            taxonomy_term_id=id, queryset=taxonomy_term_queryset_for_hsds(TaxonomyTerm.objects.all())
        ),
        _("No taxonomy term has this id."),
    )
    with _language(lang):
        return taxonomy_term_to_hsds(term)


@api.get(
    "/service_at_locations",
    operation_id="getPaginatedListOfServiceAtLocation",
    response={200: PageOut, **ERRORS},
    summary="Paginated list of services at locations.",
    description="Services at locations in the listing form, with their location and service; `full=true` "
    "fully nested. Service filters apply to the service; `local_area`, `lat`/`lon`/`radius_km`, `postcode` "
    "and `proximity` to the location.",
)
def service_at_locations_list(
    request: HttpRequest, response: HttpResponse, params: Query[ServiceAtLocationListParams]
) -> Any:
    req = service_at_location_list_request(params)
    full = req.full
    ranked, search = selectors.service_at_location_list_ranked(filters=req.filters)
    qs = service_at_location_queryset_for_hsds(ranked, full=full)
    return _list_response(
        qs,
        req.pagination,
        lambda sal, extras: service_at_location_to_hsds(sal, full=full, extras=extras),
        lang=req.lang,
        extras=full,
        response=response,
        search=search,
    )


@api.get(
    "/service_at_locations/{id}",
    operation_id="getServiceAtLocationWithNestedDataById",
    response={200: dict[str, Any], **ERRORS_AND_404},
    summary="A fully nested service at a location.",
)
def service_at_locations_get(request: HttpRequest, id: Path[uuid.UUID], params: Query[LangParam]) -> Any:
    lang = lang_only(params)
    qs = service_at_location_queryset_for_hsds(ServiceAtLocation.objects.all(), full=True)
    sal = _found(
        selectors.service_at_location_get(service_at_location_id=id, queryset=qs),
        _("No service at location has this id."),
    )
    with _language(lang):
        return service_at_location_to_hsds(sal, full=True)
