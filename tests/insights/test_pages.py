"""The Insights pages: who sees them, the gap analysis page, its downloads and the gaps register."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from newstart.insights.gaps import GapParameters, gap_analysis, gap_class, gap_compute
from newstart.insights.selectors import AreaPoint, SupplyPoint
from newstart.strategy.models import Gap
from tests.directory.factories import ServiceCapacityFactory
from tests.insights.pages_world import City, build_city
from tests.strategy.factories import StrategyCycleFactory, set_phases

PAGES = [
    ("insights:index", {}),
    ("insights:gaps", {"category": "LANG", "language": "pa"}),
    ("insights:gaps_csv", {"category": "LANG", "language": "pa"}),
    ("insights:gaps_geojson", {"category": "LANG", "language": "pa"}),
    ("insights:overlap", {}),
    ("insights:health", {}),
    ("insights:tasks", {}),
]


@pytest.fixture
def city(db) -> City:
    return build_city()


@pytest.mark.parametrize(("name", "query"), PAGES)
@pytest.mark.parametrize("who", ["secretariat", "researcher", "member"])
def test_partnership_members_see_every_page(city: City, who: str, name: str, query: dict[str, str]):
    response = city.client(who).get(reverse(name), query)
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_an_outsider_of_the_partnership_gets_403(city: City, name: str, query: dict[str, str]):
    assert city.client("outsider").get(reverse(name), query).status_code == 403


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(city: City, name: str, query: dict[str, str]):
    response = city.client("anonymous").get(reverse(name), query)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("partnership:login"))


# --- The analysis ---------------------------------------------------------------------------------


def test_punjabi_language_classes_rank_the_areas_without_access_first(city: City):
    analysis = gap_analysis(parameters=GapParameters(category="LANG", language="pa"))
    rows = {row.slug: row for row in analysis.rows}
    assert analysis.services == 1  # the English-only classes do not count for Punjabi speakers
    # E2SFCA, 3 km: Sunset reaches the classes at weight 1, Victoria-Fraserview (2 km) at 0.68, Kitsilano not.
    supply = 1.0 / (4800 * 1.0 + 1000 * 0.68)
    assert rows["sunset"].access_per_1000 == pytest.approx(1000 * supply)
    assert rows["victoria-fraserview"].access_per_1000 == pytest.approx(1000 * supply * 0.68)
    assert rows["kitsilano"].access_per_1000 == 0
    assert rows["victoria-fraserview"].accessible_supply == pytest.approx(0.68)
    mean = (4800 * supply + 1000 * supply * 0.68) / 5820
    assert rows["sunset"].gap == 0  # above the city average
    assert rows["victoria-fraserview"].gap == pytest.approx(1000 * (1 - supply * 0.68 / mean))
    assert rows["kitsilano"].gap == 20  # reaches nothing: all its demand
    assert [row.slug for row in analysis.rows] == ["victoria-fraserview", "kitsilano", "sunset"]
    assert [row.rank for row in analysis.rows] == [1, 2, 3]


def test_two_step_method_and_a_wider_catchment_change_the_result(city: City):
    plain = gap_analysis(parameters=GapParameters(category="LANG", language="pa", method="2sfca"))
    rows = {row.slug: row for row in plain.rows}
    assert rows["sunset"].access_per_1000 == pytest.approx(rows["victoria-fraserview"].access_per_1000)
    wide = gap_analysis(parameters=GapParameters(category="LANG", language="pa", catchment_km=10))
    assert all(row.accessible_supply > 0 for row in wide.rows)


def test_no_language_means_recent_immigrants_and_every_language(city: City):
    analysis = gap_analysis(parameters=GapParameters(category="LANG"))
    assert analysis.services == 2
    assert {row.slug: row.demand for row in analysis.rows} == {
        "sunset": 2000,
        "victoria-fraserview": 1500,
        "kitsilano": 900,
    }


def test_stated_capacity_is_the_supply(city: City):
    ServiceCapacityFactory(service=city.punjabi_classes, available=30)
    analysis = gap_analysis(parameters=GapParameters(category="LANG", language="pa"))
    assert {row.slug: row.accessible_supply for row in analysis.rows}["sunset"] == pytest.approx(30)


def test_gap_compute_on_plain_inputs_handles_no_supply_and_unplaced_areas():
    areas = [AreaPoint("a", "A", 49.2, -123.1, None), AreaPoint("b", "B", None, None, None)]
    rows, unused, city_access = gap_compute(
        parameters=GapParameters(category="LANG"), areas=areas, demand={"a": 100}, supply=[]
    )
    assert [(row.slug, row.gap, row.relative_access) for row in rows] == [("a", 100, None)]
    assert unused == 0 and city_access == 0
    far_point = SupplyPoint(service_id=None, location_id=None, latitude=50.0, longitude=-120.0, value=1)  # type: ignore[arg-type]
    rows, unused, _city = gap_compute(
        parameters=GapParameters(category="LANG"), areas=areas, demand={"a": 100}, supply=[far_point]
    )
    assert rows[0].gap == 100 and unused == 1


def test_gap_classes():
    assert gap_class(0, 10) == 0
    assert gap_class(0.1, 10) == 1
    assert gap_class(10, 10) == 4
    assert gap_class(5, 0) == 0


# --- The page ---------------------------------------------------------------------------------------


def test_the_gap_page_has_the_form_map_table_and_chart(city: City, django_assert_max_num_queries):
    client = city.client("researcher")
    with django_assert_max_num_queries(40):
        response = client.get(reverse("insights:gaps"), {"category": "LANG", "language": "pa"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="gap-map"' in html and 'id="gap-features"' in html
    assert 'id="gap-table"' in html
    assert '<th scope="col"' in html and '<th scope="row">' in html
    assert "<figure" in html and "<figcaption" in html and "<svg" in html
    assert '<label for="id_catchment_km">' in html
    assert html.index("Victoria-Fraserview") < html.index("Kitsilano")
    by_name = {f["name"]: f for f in response.context["features"]}
    assert by_name["Victoria-Fraserview"]["boundary"]["type"] == "Polygon"  # polygons when imported
    assert by_name["Sunset"]["boundary"] is None and by_name["Sunset"]["lat"] == pytest.approx(49.219)
    # No third-party requests: everything is served from here; the tile server is only named for the opt-in.
    assert 'src="http' not in html and 'href="http' not in html
    assert "/static/leaflet/leaflet.js" in html


def test_the_gap_page_opens_with_language_classes_by_default(city: City):
    response = city.client("member").get(reverse("insights:gaps"))
    assert response.status_code == 200
    assert response.context["analysis"].parameters.category == "LANG"


def test_a_bad_catchment_is_refused_with_a_message(city: City):
    response = city.client("member").get(
        reverse("insights:gaps"), {"category": "LANG", "language": "pa", "catchment_km": "500"}
    )
    assert response.status_code == 400
    assert "id_catchment_km" in response.content.decode()
    assert "analysis" not in response.context
    response = city.client("member").get(reverse("insights:gaps"), {"category": "NOPE"})
    assert response.status_code == 400


def test_csv_download_is_the_ranked_table(city: City):
    response = city.client("member").get(reverse("insights:gaps_csv"), {"category": "LANG", "language": "pa"})
    assert response["Content-Type"].startswith("text/csv")
    assert "gaps-lang-pa-e2sfca-3km.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == ["victoria-fraserview", "kitsilano", "sunset"]
    assert rows[1]["gap"] == "20.0" and rows[0]["rank"] == "1"
    assert set(rows[0]) == {
        "rank",
        "area",
        "slug",
        "demand",
        "accessible_supply",
        "access_per_1000",
        "relative_access",
        "gap",
    }


def test_geojson_download_has_polygons_or_centroid_points(city: City):
    response = city.client("member").get(reverse("insights:gaps_geojson"), {"category": "LANG", "language": "pa"})
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    by_slug = {f["properties"]["slug"]: f for f in data["features"]}
    assert by_slug["victoria-fraserview"]["geometry"]["type"] == "Polygon"
    assert by_slug["sunset"]["geometry"] == {"type": "Point", "coordinates": [-123.092, 49.219]}
    assert by_slug["kitsilano"]["properties"]["gap"] == 20
    assert by_slug["kitsilano"]["properties"]["rank"] == 2


# --- The gaps register ------------------------------------------------------------------------------


@pytest.fixture
def open_cycle(city: City):
    cycle = StrategyCycleFactory(name="Strategy 2025", slug="2025")
    set_phases(cycle, "gaps")
    return cycle


def test_the_register_button_shows_for_people_who_may_record_gaps(city: City, open_cycle):
    query = {"category": "LANG", "language": "pa"}
    html = city.client("member").get(reverse("insights:gaps"), query).content.decode()
    assert reverse("insights:gaps_register") in html
    # A researcher without a seat records no gaps: no button.
    html = city.client("researcher").get(reverse("insights:gaps"), query).content.decode()
    assert reverse("insights:gaps_register") not in html


def test_no_register_button_when_no_phase_is_open_for_gaps(city: City):
    cycle = StrategyCycleFactory(slug="closed")
    set_phases(cycle, "decision_never")
    html = city.client("member").get(reverse("insights:gaps"), {"category": "LANG", "language": "pa"}).content.decode()
    assert reverse("insights:gaps_register") not in html


def test_adding_the_analysis_to_the_gaps_register(city: City, open_cycle):
    data = {
        "category": "LANG",
        "language": "pa",
        "method": "e2sfca",
        "catchment_km": "3",
        "body": city.body.pk,
        "title": "Punjabi language classes are out of reach",
    }
    response = city.client("member").post(reverse("insights:gaps_register"), data)
    gap = Gap.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("strategy:gap", args=[open_cycle.slug, gap.pk])
    assert gap.title == "Punjabi language classes are out of reach"
    assert gap.body == city.body and gap.created_by == city.member
    assert gap.source["app"] == "insights"
    assert gap.source["category"] == "LANG" and gap.source["language"] == "pa"
    assert gap.source["method"] == "e2sfca" and gap.source["catchment_km"] == 3
    assert gap.source["top_areas"][0]["area"] == "victoria-fraserview"
    assert gap.source_url.startswith("http://testserver/workspace/insights/gaps/?category=LANG&language=pa")
    assert "Victoria-Fraserview" in gap.description


@pytest.mark.parametrize("who", ["researcher", "outsider"])
def test_people_who_may_not_record_gaps_cannot_post(city: City, open_cycle, who: str):
    data = {"category": "LANG", "language": "pa", "body": city.body.pk, "title": "x"}
    assert city.client(who).post(reverse("insights:gaps_register"), data).status_code == 403
    assert not Gap.objects.exists()


def test_a_body_the_person_does_not_sit_on_is_refused(city: City, open_cycle):
    from tests.partnership.factories import BodyFactory

    other = BodyFactory(slug="other")
    data = {"category": "LANG", "language": "pa", "body": other.pk, "title": "x"}
    response = city.client("member").post(reverse("insights:gaps_register"), data)
    assert response.status_code == 302 and "/workspace/insights/gaps/" in response["Location"]
    assert not Gap.objects.exists()
