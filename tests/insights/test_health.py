"""Directory health: coverage by language, verification freshness, services per recent immigrants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from newstart.directory.models import Service
from newstart.insights.health import language_coverage, services_per_recent_immigrants, verification_freshness
from tests.directory.factories import LanguageFactory, ServiceFactory
from tests.insights.pages_world import City, build_city, fact


@pytest.fixture
def city(db) -> City:
    return build_city()


def test_coverage_by_language(city: City):
    rows = {row.code: row for row in language_coverage()}
    assert rows["pa"].speakers == 5820 and rows["pa"].services == 1
    assert rows["pa"].per_10000 == pytest.approx(10_000 / 5820)
    assert rows["ko"].services == 0 and rows["ko"].per_10000 == 0
    assert [row.code for row in language_coverage()] == ["pa", "ko"]  # most spoken first
    # Chinese counts Cantonese and Mandarin services; inactive services do not count.
    fact(city.near, "home_language", 300, "zh")
    LanguageFactory(service=city.english_classes, code="yue", name="Cantonese")
    LanguageFactory(service=ServiceFactory(status="inactive"), code="zh", name="Chinese")
    assert {row.code: row.services for row in language_coverage()}["zh"] == 1


def test_verification_freshness(city: City, settings):
    settings.DIRECTORY_VERIFY_AFTER_DAYS = 180
    today = timezone.localdate()
    Service.objects.all().delete()
    for days in (5, 100, 179, 200, 400, 1000):
        ServiceFactory(assured_date=today - dt.timedelta(days=days))
    ServiceFactory(assured_date=None)
    ServiceFactory(assured_date=today, status="defunct")
    freshness = verification_freshness(today=today)
    assert freshness.total == 7
    assert freshness.verified_within == 3
    assert freshness.share_within == pytest.approx(3 / 7)
    counts = {band.label: band.count for band in freshness.bands}
    assert counts == {
        "0 to 30 days": 1,
        "31 to 90 days": 0,
        "91 to 180 days": 2,
        "181 to 365 days": 1,
        "366 to 730 days": 1,
        "more than 730 days": 1,
        "never verified": 1,
    }


def test_services_per_recent_immigrants_by_area(city: City):
    rows = services_per_recent_immigrants()
    assert [(row.slug, row.services, row.recent_immigrants) for row in rows] == [
        ("victoria-fraserview", 0, 1500),
        ("sunset", 1, 2000),
        ("kitsilano", 1, 900),
    ]
    assert rows[1].per_1000 == pytest.approx(0.5)


@pytest.mark.parametrize("who", ["secretariat", "researcher", "member"])
def test_the_health_page_shows_each_chart_with_its_table(city: City, who: str, django_assert_max_num_queries):
    client = city.client(who)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("insights:health"))
    html = response.content.decode()
    assert response.status_code == 200
    for chart in ("coverage-chart", "freshness-chart", "areas-chart"):
        assert f'id="{chart}"' in html
    assert html.count("<figure") == 3 and html.count("<figcaption") == 3
    assert html.count('<th scope="col">') >= 9
    assert "Punjabi" in html and "Victoria-Fraserview" in html
