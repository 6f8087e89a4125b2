"""The search page: filters, result fields, pagination, htmx partials, query budget."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newstart.directory.models import ServiceStatus
from newstart.navigator.selectors import NavigatorFilters, navigator_search
from tests.navigator.conftest import SATURDAY_10AM, make_service

pytestmark = pytest.mark.django_db

NINE_TO_FIVE = ("MO,TU,WE,TH,FR", dt.time(9), dt.time(17))


def result_names(response) -> list[str]:
    return re.findall(r'<h3 lang="[^"]+" dir="auto"><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


def search(client, **params) -> list[str]:
    response = client.get(reverse("navigator:search"), params)
    assert response.status_code == 200
    return result_names(response)


def test_text_query_and_category(client, taxonomy):
    make_service("Rental housing workshop", category="HOUS")
    make_service("English conversation circle", category="LANG")
    make_service("LINC level 3", category="LANG")
    assert search(client, category="LANG") == ["English conversation circle", "LINC level 3"]
    assert search(client, q="housing") == ["Rental housing workshop"]
    assert search(client, q="english", category="HOUS") == []


def test_language_filter_includes_chinese_family(client, taxonomy):
    make_service("Cantonese seniors group", languages=("yue",))
    make_service("Punjabi job club", languages=("pa", "en"))
    assert search(client, language="zh") == ["Cantonese seniors group"]
    assert search(client, language="pa") == ["Punjabi job club"]


def test_open_now_and_free(client, taxonomy, frozen_clock):
    make_service("Weekday clinic", hours=NINE_TO_FIVE, free=True)
    make_service("Evening class", hours=("MO,WE", dt.time(18), dt.time(21)))
    make_service("No hours listed", free=True)
    assert search(client, open_now="on") == ["Weekday clinic"]
    assert search(client, free="on") == ["No hours listed", "Weekday clinic"]
    frozen_clock.return_value = SATURDAY_10AM.astimezone(dt.UTC)
    assert search(client, open_now="on") == []


def test_near_postal_code_sorts_by_distance_and_limits_by_radius(client, taxonomy):
    # Two in V5K (Hastings-Sunrise), one downtown in V6B, about 6 km apart.
    make_service("Far downtown", latitude=49.2790, longitude=-123.1150, postcode="V6B 1A1")
    make_service("Next door", latitude=49.2810, longitude=-123.0440, postcode="V5K 0A1")
    make_service("Down the street", latitude=49.2770, longitude=-123.0440, postcode="V5K 2B2")
    # The forward sortation area's centre lies between the two V5K services.
    assert search(client, postcode="v5k")[2] == "Far downtown"
    assert search(client, postcode="V5K 0A1") == ["Next door", "Down the street", "Far downtown"]
    assert search(client, postcode="V5K 0A1", radius="2") == ["Next door", "Down the street"]
    response = client.get(reverse("navigator:search"), {"postcode": "V5K 0A1", "radius": "2"})
    assert "0.4 km away" in response.content.decode()
    # An unknown full postal code falls back to its forward sortation area.
    assert sorted(search(client, postcode="V5K 9Z9", radius="2")) == ["Down the street", "Next door"]


def test_near_by_browser_location(client, taxonomy):
    make_service("Far downtown", latitude=49.2790, longitude=-123.1150)
    make_service("Next door", latitude=49.2810, longitude=-123.0440)
    assert search(client, lat="49.281", lon="-123.044", radius="1") == ["Next door"]


def test_bad_and_unknown_postal_codes_are_field_errors(client, taxonomy):
    make_service("Anything", postcode="V5K 0A1")
    for value, message in (("12345", "Enter a Canadian postal code"), ("A1A", "We do not know where")):
        html = client.get(reverse("navigator:search"), {"postcode": value}).content.decode()
        assert message in html
        assert 'aria-invalid="true"' in html
        assert 'aria-describedby="id_postcode-help id_postcode-error"' in html
        assert 'id="id_postcode-error"' in html


def test_local_area_filter(client, taxonomy, area_factory):
    strathcona = area_factory(name="Strathcona", slug="strathcona")
    kitsilano = area_factory(name="Kitsilano", slug="kitsilano")
    make_service("Strathcona food hub", area=strathcona)
    make_service("Kits family place", area=kitsilano)
    assert search(client, area="strathcona") == ["Strathcona food hub"]


def test_inactive_services_are_never_found(client, taxonomy):
    make_service("Open service")
    make_service("Closed service", status=ServiceStatus.INACTIVE)
    assert search(client) == ["Open service"]


def test_result_fields(client, taxonomy, frozen_clock):
    service = make_service(
        "Settlement help desk",
        languages=("pa", "ar"),
        free=True,
        hours=NINE_TO_FIVE,
        assured_date=dt.date(2025, 11, 3),
        is_demo=True,
        latitude=49.2810,
        longitude=-123.0440,
        postcode="V5K 0A1",
    )
    organization = service.organization
    assert organization is not None
    html = client.get(reverse("navigator:search"), {"postcode": "V5K"}).content.decode()
    card = html[html.index('<li class="card">') :]
    assert f'href="/en/services/{service.id}/"' in card
    assert str(organization) in card
    assert "Open now" in card
    assert "Free" in card
    assert "0.0 km away" in card
    assert "Arabic, Punjabi" in card
    assert '<time datetime="2025-11-03">Nov. 3, 2025</time>' in card
    assert "Demo data: fictional service" in card


def test_pagination_keeps_filters(client, taxonomy, settings):
    settings.NAVIGATOR_RESULTS_PER_PAGE = 2
    for n in range(5):
        make_service(f"Food bank {n}", free=True)
    first = client.get(reverse("navigator:search"), {"free": "on"})
    assert result_names(first) == ["Food bank 0", "Food bank 1"]
    html = first.content.decode()
    assert "5 services found" in html
    assert 'href="?free=on&amp;page=2"' in html
    assert result_names(client.get(reverse("navigator:search"), {"free": "on", "page": 3})) == ["Food bank 4"]


def test_htmx_request_gets_only_the_results(client, taxonomy):
    make_service("Food bank")
    response = client.get(reverse("navigator:search"), {"q": "food"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="results"')
    assert 'hx-swap-oob="true"' in html
    assert "HX-Request" in response["Vary"]
    # A history restore needs the whole page.
    full = client.get(
        reverse("navigator:search"), {"q": "food"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in full.content.decode()


def test_the_page_works_without_javascript(client, taxonomy):
    html = client.get(reverse("navigator:search")).content.decode()
    # A plain GET form that the server answers in full.
    assert re.search(r'<form class="search" action="/en/search/" method="get"', html)
    # Enhancements start hidden and are revealed by the script only.
    assert re.search(r'<div class="field geo" data-geo hidden>', html)


def test_query_count_does_not_grow_with_page_size(client, taxonomy, settings, django_assert_max_num_queries):
    settings.NAVIGATOR_RESULTS_PER_PAGE = 20
    make_service("Service 0", languages=("en", "fr"), free=True, hours=NINE_TO_FIVE, category="LANG")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("navigator:search"), {"category": "LANG"})
    for n in range(1, 15):
        make_service(f"Service {n}", languages=("en", "fr"), free=True, hours=NINE_TO_FIVE, category="LANG")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("navigator:search"), {"category": "LANG"})
    assert len(many) == len(one)
    with django_assert_max_num_queries(25):
        client.get(reverse("navigator:search"), {"category": "LANG", "postcode": "V5Y", "open_now": "on"})


def test_navigator_search_is_the_one_entry_point(taxonomy):
    make_service("Rental housing workshop", category="HOUS", free=True)
    make_service("Paid housing advice", category="HOUS")
    found = navigator_search(query="housing", filters=NavigatorFilters(category="HOUS", free=True), language="en")
    assert [str(s) for s in found.services] == ["Rental housing workshop"]
    assert found.search is not None and found.did_you_mean is None
    unknown = navigator_search(query="", filters=NavigatorFilters(category="NOPE"), language="en")
    assert list(unknown.services) == [] and unknown.search is None
