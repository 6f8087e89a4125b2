"""Bad parameters: always HTTP 400 naming the parameter, never a 422 or a 500."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest

from tests.directory import factories as f

pytestmark = pytest.mark.django_db

BAD = [
    # (path, params, the parameter the answer must name)
    ("/services", {"page": "0"}, "page"),
    ("/services", {"page": "-1"}, "page"),
    ("/services", {"page": "abc"}, "page"),
    ("/services", {"page": "1.5"}, "page"),
    ("/services", {"page": ""}, "page"),
    ("/services", {"per_page": "0"}, "per_page"),
    ("/services", {"per_page": "-5"}, "per_page"),
    ("/services", {"per_page": "101"}, "per_page"),
    ("/services", {"per_page": "ten"}, "per_page"),
    ("/services", {"format": "xml"}, "format"),
    ("/services", {"format": "NDJSON "}, "format"),
    ("/services", {"taxonomy_term_id": "not-a-uuid"}, "taxonomy_term_id"),
    ("/services", {"taxonomy_id": "123"}, "taxonomy_id"),
    ("/services", {"organization_id": "zzz"}, "organization_id"),
    ("/services", {"modified_after": "yesterday"}, "modified_after"),
    ("/services", {"modified_after": "2024-13-01"}, "modified_after"),
    ("/services", {"modified_after": "2024-02-30"}, "modified_after"),
    ("/services", {"modified_after": "9999-12-31T23:59:59-12:00"}, "modified_after"),
    ("/services", {"minimal": "maybe"}, "minimal"),
    ("/services", {"full": "2"}, "full"),
    ("/services", {"minimal": "true", "full": "true"}, "minimal"),
    ("/services", {"lang": "de"}, "lang"),
    ("/services", {"lang": "english"}, "lang"),
    ("/services", {"language": "12"}, "language"),
    ("/services", {"language": "zh_hant"}, "language"),
    ("/services", {"language": "a"}, "language"),
    ("/services", {"local_area": "nowhere"}, "local_area"),
    ("/services", {"local_area": "Bad Slug!"}, "local_area"),
    ("/services", {"lat": "49.2"}, "lon"),
    ("/services", {"lon": "-123.1"}, "lat"),
    ("/services", {"radius_km": "5"}, "radius_km"),
    ("/services", {"lat": "91", "lon": "0"}, "lat"),
    ("/services", {"lat": "0", "lon": "181"}, "lon"),
    ("/services", {"lat": "nan", "lon": "0"}, "lat"),
    ("/services", {"lat": "0", "lon": "-inf"}, "lon"),
    ("/services", {"lat": "north", "lon": "0"}, "lat"),
    ("/services", {"lat": "0", "lon": "0", "radius_km": "0"}, "radius_km"),
    ("/services", {"lat": "0", "lon": "0", "radius_km": "-1"}, "radius_km"),
    ("/services", {"lat": "0", "lon": "0", "radius_km": "1e309"}, "radius_km"),
    ("/services", {"lat": "0", "lon": "0", "radius_km": "50000"}, "radius_km"),
    ("/services", {"open_now": "maybe"}, "open_now"),
    ("/services", {"open_now": ""}, "open_now"),
    ("/services", {"free": "2"}, "free"),
    ("/services", {"search": "a\x00b"}, "search"),
    ("/services", {"search": "x" * 201}, "search"),
    ("/service_at_locations", {"proximity": "1000"}, "proximity"),
    ("/service_at_locations", {"postcode": "V5Y", "proximity": "-5"}, "proximity"),
    ("/service_at_locations", {"postcode": "V5Y", "proximity": "far"}, "proximity"),
    ("/service_at_locations", {"postcode": "V5Y", "proximity": "100", "lat": "49", "lon": "-123"}, "proximity"),
    ("/service_at_locations", {"postcode": "!!!"}, "postcode"),
    ("/service_at_locations", {"postcode": "V5"}, "postcode"),
    ("/service_at_locations", {"page": "0"}, "page"),
    ("/service_at_locations", {"lat": "1"}, "lon"),
    ("/service_at_locations", {"free": "yes please"}, "free"),
    ("/service_at_locations", {"full": "x"}, "full"),
    ("/organizations", {"full_service": "x"}, "full_service"),
    ("/organizations", {"full": "x"}, "full"),
    ("/organizations", {"taxonomy_id": "bad"}, "taxonomy_id"),
    ("/organizations", {"lang": "zz"}, "lang"),
    ("/organizations", {"per_page": "1000"}, "per_page"),
    ("/taxonomies", {"page": "0"}, "page"),
    ("/taxonomies", {"format": "csv"}, "format"),
    ("/taxonomy_terms", {"top_only": "x"}, "top_only"),
    ("/taxonomy_terms", {"parent_id": "bad"}, "parent_id"),
    ("/taxonomy_terms", {"taxonomy_id": "bad"}, "taxonomy_id"),
    ("/taxonomy_terms", {"lang": "xx"}, "lang"),
    ("/services/not-a-uuid", {}, "id"),
    ("/services/12345678-1234-1234-1234-12345678901g", {}, "id"),
    ("/organizations/123", {}, "id"),
    ("/taxonomies/abc", {}, "id"),
    ("/taxonomy_terms/abc", {}, "id"),
    ("/service_at_locations/abc", {}, "id"),
    (f"/services/{uuid.UUID(int=1)}", {"lang": "xx"}, "lang"),
    (f"/organizations/{uuid.UUID(int=1)}", {"full_service": "x"}, "full_service"),
]


@pytest.mark.parametrize(("path", "params", "parameter"), BAD)
def test_bad_parameter_is_400_naming_it(api_get, path, params, parameter):
    result = api_get(path, params)
    assert result.status == 400, result.text
    assert result.content_type.startswith("application/json")
    body = result.json()
    assert set(body) == {"detail"}
    assert parameter in {problem["parameter"] for problem in body["detail"]}
    for problem in body["detail"]:
        assert set(problem) == {"parameter", "message"}
        assert problem["message"]


def test_every_problem_is_reported_at_once(api_get):
    body = api_get("/services", {"page": "0", "per_page": "0", "lang": "xx", "lat": "1"}).json()
    assert {p["parameter"] for p in body["detail"]} == {"page", "per_page", "lang", "lon"}


def test_type_errors_are_reported_with_range_errors(api_get):
    body = api_get("/services", {"page": "abc", "organization_id": "x"}).json()
    assert {p["parameter"] for p in body["detail"]} == {"page", "organization_id"}


def test_messages_are_translated(api_get):
    body = api_get("/services", {"page": "0"}, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert body["detail"][0]["parameter"] == "page"
    assert isinstance(body["detail"][0]["message"], str)


def test_unknown_parameters_are_ignored(api_get):
    service = f.ServiceFactory()
    assert api_get("/services", {"colour": "blue", "per-page": "x"}).ids() == [str(service.id)]


def test_well_formed_unknown_ids_in_filters_match_nothing(api_get):
    f.ServiceFactory()
    result = api_get("/services", {"organization_id": str(uuid.uuid4())})
    assert (result.status, result.ids()) == (200, [])


# --- In the spirit of fuzzing --------------------------------------------------------------

GARBAGE = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "true",
    "null",
    "None",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-1e309",
    "9" * 40,
    "-" + "9" * 40,
    "1,2",
    "[]",
    "{}",
    "\x00",
    "a\x00",
    "😀",
    "\u202e",
    "'; DROP TABLE directory_service; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%",
    "_",
    "a" * 5000,
    "2024-02-30",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "00000000-0000-0000-0000-00000000000g",
    str(uuid.UUID(int=0)),
    "zh",
    "V5Y 1V4",
]

ENDPOINT_PARAMETERS = {
    "/services": [
        "page",
        "per_page",
        "format",
        "search",
        "taxonomy_term_id",
        "taxonomy_id",
        "organization_id",
        "modified_after",
        "minimal",
        "full",
        "lang",
        "language",
        "local_area",
        "lat",
        "lon",
        "radius_km",
        "open_now",
        "free",
    ],
    "/service_at_locations": [
        "page",
        "per_page",
        "format",
        "search",
        "taxonomy_term_id",
        "postcode",
        "proximity",
        "lat",
        "lon",
        "radius_km",
        "full",
        "open_now",
        "free",
        "language",
        "lang",
    ],
    "/organizations": ["page", "per_page", "format", "search", "full", "full_service", "taxonomy_id", "lang"],
    "/taxonomies": ["page", "per_page", "format", "search"],
    "/taxonomy_terms": ["page", "per_page", "format", "search", "taxonomy_id", "top_only", "parent_id", "lang"],
}

# Companions that let a parameter be checked past "needs lat/lon/postcode".
COMPANIONS = {"radius_km": {"lat": "49.26", "lon": "-123.11"}, "lat": {"lon": "0"}, "lon": {"lat": "0"}}


def _check(result) -> None:
    assert result.status in (200, 400), (result.status, result.text[:500])
    if result.status == 400:
        problems = result.json()["detail"]
        assert problems and all(p["parameter"] and p["message"] for p in problems)
    elif result.content_type == "application/x-ndjson":
        result.lines()
    else:
        assert "contents" in result.json()


@pytest.mark.parametrize("path", list(ENDPOINT_PARAMETERS))
def test_garbage_never_gives_a_server_error(api_get, path):
    sal = f.ServiceAtLocationFactory()
    f.AddressFactory(location=sal.location, postal_code="V5Y 1V4")
    f.make_free(sal.service)
    f.add_weekly_schedule(sal.service)
    f.link_service_to_term(sal.service, f.TaxonomyTermFactory())
    for parameter in ENDPOINT_PARAMETERS[path]:
        companions = COMPANIONS.get(parameter, {})
        if path == "/service_at_locations" and parameter == "proximity":
            companions = {"postcode": "V5Y"}
        for value in GARBAGE:
            _check(api_get(path, {**companions, parameter: value}))


@pytest.mark.parametrize(
    "path", ["/services", "/organizations", "/taxonomies", "/taxonomy_terms", "/service_at_locations"]
)
def test_garbage_ids_never_give_a_server_error(api_get, path):
    for value in GARBAGE:
        segment = quote(value, safe="")
        if not segment.strip():
            continue
        result = api_get(f"{path}/{segment}")
        assert result.status in (400, 404), (value, result.status)
        if result.content_type.startswith("application/json"):
            assert result.json()["detail"]


def test_repeated_parameters(api_get):
    f.ServiceFactory()
    _check(api_get("/services?page=1&page=abc&lat=1&lat=2&lon=3"))
