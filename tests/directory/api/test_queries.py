"""Query budgets: a page costs a constant number of queries, whatever its size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.directory import factories as f

pytestmark = pytest.mark.django_db


def rich_service(taxonomy_term):
    """A service with something in every nested collection the serializer reads."""
    service = f.ServiceFactory(translations={"fr": {"name": "Service en français"}})
    sal = f.ServiceAtLocationFactory(service=service)
    f.AddressFactory(location=sal.location)
    f.AccessibilityFactory(location=sal.location)
    f.PhoneFactory(service=service)
    f.PhoneFactory(service=None, location=sal.location)
    f.ContactFactory(service=service)
    f.ScheduleFactory(service=service)
    f.ScheduleFactory(service=None, service_at_location=sal)
    f.LanguageFactory(service=service, code="pa")
    f.make_free(service)
    f.RequiredDocumentFactory(service=service)
    f.ServiceCapacityFactory(service=service)
    f.ServiceAreaFactory(service=service)
    f.FundingFactory(organization=None, service=service)
    f.UrlFactory(organization=None, service=service)
    f.ProgramFactory(organization=service.organization)
    f.link_service_to_term(service, taxonomy_term)
    f.MetadataFactory(resource_id=service.id)
    return service


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, response.content
    return len(captured)


# (url, budget): measured figures plus a little room; the serializer's prefetching sets most of it.
# A search adds the search engine's fixed cost (docs/search.md): SEARCH queries, one more with lat/lon
# (distances for the ranking), two more when a misspelt word is corrected.
SEARCH = 5
SEARCH_NEAR = SEARCH + 1
CORRECTION = 2
BUDGETS = [
    ("/api/hsds/services?per_page=50", 6),
    ("/api/hsds/services?per_page=50&full=true", 55),
    ("/api/hsds/services?per_page=50&minimal=true", 3),
    (
        "/api/hsds/services?per_page=50&lat=49.26&lon=-123.11&radius_km=50&free=true&open_now=false"
        "&language=pa&search=settlement+service",
        8 + SEARCH_NEAR,
    ),
    (
        "/api/hsds/services?per_page=50&lat=49.26&lon=-123.11&radius_km=50&free=true&open_now=false"
        "&language=pa&search=setlement+service",
        8 + SEARCH_NEAR + CORRECTION,
    ),
    ("/api/hsds/services?format=ndjson&full=true&search=settlement", 55 + SEARCH),
    ("/api/hsds/service_at_locations?per_page=50&search=settlement+service", 6 + SEARCH),
    ("/api/hsds/services?format=ndjson&full=true", 55),
    ("/api/hsds/organizations?per_page=50", 5),
    ("/api/hsds/organizations?per_page=50&full=true&full_service=true", 60),
    ("/api/hsds/service_at_locations?per_page=50", 6),
    ("/api/hsds/service_at_locations?per_page=50&full=true", 55),
    ("/api/hsds/service_at_locations?per_page=50&lat=49.26&lon=-123.11&open_now=true", 8),
    ("/api/hsds/taxonomy_terms?per_page=50", 8),
    ("/api/hsds/taxonomies?per_page=50", 6),
]


@pytest.mark.parametrize(("url", "budget"), BUDGETS)
def test_query_count_does_not_grow_with_the_page(client, django_assert_max_num_queries, url, budget):
    rich_service(f.TaxonomyTermFactory())
    one = count_queries(client, url)
    for _ in range(19):
        rich_service(f.TaxonomyTermFactory())
    with django_assert_max_num_queries(budget):
        twenty = count_queries(client, url)
    assert twenty == one


def test_the_page_really_holds_twenty(client):
    for _ in range(20):
        rich_service(f.TaxonomyTermFactory())
    body = client.get("/api/hsds/services?per_page=50&full=true").json()
    assert body["size"] == 20
    assert all(s["service_at_locations"] and s["phones"] and s["attributes"] for s in body["contents"])
