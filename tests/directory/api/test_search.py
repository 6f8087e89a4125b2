"""`search` on the HSDS API is the search engine: ranked best first among what the other filters let
through, distance counted with lat/lon, the correction of misspelt words in a header, the Page
envelope unchanged."""

from __future__ import annotations

import uuid
from urllib.parse import unquote

import pytest

from newstart.directory.api.endpoints import DID_YOU_MEAN_HEADER
from tests.directory import factories as f

pytestmark = pytest.mark.django_db

CITY_HALL = (49.2606, -123.1140)
# About 1,300 km away.
CALGARY = (51.0447, -114.0719)
ENVELOPE = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


def uid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def located(service, at: tuple[float, float]):
    return f.ServiceAtLocationFactory(service=service, location__latitude=at[0], location__longitude=at[1])


@pytest.fixture
def kitchens():
    """Four matches for "community kitchen" whose ranking is the reverse of their id order."""
    return {
        "description": f.ServiceFactory(id=uid(1), name="Drop-in", description="A community kitchen too."),
        "one_word": f.ServiceFactory(id=uid(2), name="Kitchen", description="Cooking."),
        "both_words": f.ServiceFactory(id=uid(3), name="Kitchen garden", description="Community plots."),
        "name": f.ServiceFactory(id=uid(4), name="Community kitchen", description="Hot meals."),
        "unrelated": f.ServiceFactory(id=uid(5), name="Legal clinic", description="Lawyers."),
    }


def keys(services: dict, ids: list[str]) -> list[str]:
    by_id = {str(service.id): key for key, service in services.items()}
    return [by_id[service_id] for service_id in ids]


def test_results_are_ranked_best_first(api_get, kitchens):
    result = api_get("/services", {"search": "community kitchen"})
    assert keys(kitchens, result.ids()) == ["name", "both_words", "one_word", "description"]
    body = result.json()
    assert set(body) == ENVELOPE
    assert body["total_items"] == 4
    # The ranking holds across pages and in every format.
    page_two = api_get("/services", {"search": "community kitchen", "per_page": 2, "page": 2}).ids()
    assert keys(kitchens, page_two) == ["one_word", "description"]
    minimal = api_get("/services", {"search": "community kitchen", "minimal": "true"}).ids()
    assert keys(kitchens, minimal) == ["name", "both_words", "one_word", "description"]
    ndjson = [line["id"] for line in api_get("/services", {"search": "community kitchen", "format": "ndjson"}).lines()]
    assert keys(kitchens, ndjson) == ["name", "both_words", "one_word", "description"]
    # Without a search, the usual order by id.
    assert keys(kitchens, api_get("/services").ids()) == ["description", "one_word", "both_words", "name", "unrelated"]


def test_search_ranks_only_what_the_other_filters_let_through(api_get, kitchens):
    for key in ("description", "both_words", "unrelated"):
        f.make_free(kitchens[key])
    f.LanguageFactory(service=kitchens["both_words"], code="pa")
    f.LanguageFactory(service=kitchens["description"], code="pa")
    free = api_get("/services", {"search": "community kitchen", "free": "true"}).json()
    assert keys(kitchens, [item["id"] for item in free["contents"]]) == ["both_words", "description"]
    assert free["total_items"] == 2
    in_punjabi = api_get("/services", {"search": "kitchen", "language": "pa", "free": "true"}).ids()
    assert keys(kitchens, in_punjabi) == ["both_words", "description"]
    assert api_get("/services", {"search": "kitchen", "organization_id": str(uuid.uuid4())}).ids() == []


def test_with_lat_lon_nearer_services_rank_higher_and_carry_on_the_radius(api_get):
    far_exact = f.ServiceFactory(id=uid(1), name="Food bank", description="")
    near_exact = f.ServiceFactory(id=uid(2), name="Food bank", description="")
    near_weak = f.ServiceFactory(id=uid(3), name="Drop-in", description="A food bank on Fridays.")
    located(far_exact, CALGARY)
    located(near_exact, (CITY_HALL[0] + 0.01, CITY_HALL[1]))
    located(near_weak, CITY_HALL)
    point = {"lat": CITY_HALL[0], "lon": CITY_HALL[1]}
    ranked = api_get("/services", {"search": "food bank", **point}).ids()
    # Equal matches: the nearer first. A name match far away still beats a mention next door.
    assert ranked == [str(near_exact.id), str(far_exact.id), str(near_weak.id)]
    # Without the search, lat/lon order by distance alone.
    assert api_get("/services", point).ids() == [str(near_weak.id), str(near_exact.id), str(far_exact.id)]
    within = api_get("/services", {"search": "food bank", "radius_km": 10, **point}).ids()
    assert within == [str(near_exact.id), str(near_weak.id)]


def test_service_at_locations_follow_their_service_s_rank(api_get, kitchens):
    best = kitchens["name"]
    two_places = [
        located(best, (CITY_HALL[0] + 0.05, CITY_HALL[1])),
        located(best, (CITY_HALL[0] + 0.001, CITY_HALL[1])),
    ]
    second = located(kitchens["both_words"], CITY_HALL)
    located(kitchens["unrelated"], CITY_HALL)
    ids = api_get("/service_at_locations", {"search": "community kitchen"}).ids()
    assert ids == [*sorted(str(sal.id) for sal in two_places), str(second.id)]
    # With a place: still by service rank, then the nearer location of the same service first.
    near = api_get("/service_at_locations", {"search": "community kitchen", "lat": CITY_HALL[0], "lon": CITY_HALL[1]})
    assert near.ids() == [str(two_places[1].id), str(two_places[0].id), str(second.id)]
    # Location filters narrow what is ranked.
    within = api_get(
        "/service_at_locations",
        {"search": "community kitchen", "lat": CITY_HALL[0], "lon": CITY_HALL[1], "radius_km": 1},
    ).ids()
    assert within == [str(two_places[1].id), str(second.id)]


def test_a_corrected_search_says_so_in_a_header(api_get):
    housing = f.ServiceFactory(name="Housing registry")
    f.ServiceFactory(name="Квартира для новоприбулих", description="")
    corrected = api_get("/services", {"search": "hosuing"})
    assert corrected.ids() == [str(housing.id)]
    assert corrected.response[DID_YOU_MEAN_HEADER] == "housing"
    assert set(corrected.json()) == ENVELOPE
    assert DID_YOU_MEAN_HEADER not in api_get("/services", {"search": "housing"}).response
    assert DID_YOU_MEAN_HEADER not in api_get("/services").response
    # Any script: percent-encoded UTF-8.
    cyrillic = api_get("/services", {"search": "квартирра"})
    assert unquote(cyrillic.response[DID_YOU_MEAN_HEADER]) == "квартира"
    assert cyrillic.response[DID_YOU_MEAN_HEADER].isascii()
    # Streamed and per location as well.
    assert api_get("/services", {"search": "hosuing", "format": "ndjson"}).response[DID_YOU_MEAN_HEADER] == "housing"
    assert api_get("/service_at_locations", {"search": "hosuing"}).response[DID_YOU_MEAN_HEADER] == "housing"


def test_the_header_is_documented_in_the_openapi_description(client):
    schema = client.get("/api/hsds/openapi.json").json()
    assert DID_YOU_MEAN_HEADER in schema["info"]["description"]


def test_nothing_found_is_an_empty_page(api_get, kitchens):
    body = api_get("/services", {"search": "xyzzy plugh"}).json()
    assert body["contents"] == [] and body["total_items"] == 0 and body["empty"] is True
    assert api_get("/service_at_locations", {"search": "xyzzy plugh"}).ids() == []
