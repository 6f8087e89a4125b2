"""The demo's gap page: language classes (LANG) in Punjabi rank all 22 local areas, with a map."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from newstart.directory.demo.loader import demo_load
from newstart.insights.demo import insights_demo_load
from newstart.partnership.roles import PartnershipRole
from tests.partnership.conftest import logged_in
from tests.partnership.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    demo_load()
    insights_demo_load()
    return logged_in(make_person(name="Rae Researcher", roles=[PartnershipRole.RESEARCHER]))


def test_punjabi_language_classes_in_the_demo(demo):
    response = demo.get(reverse("insights:gaps"), {"category": "LANG", "language": "pa"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="gap-map"' in html and 'id="gap-table"' in html
    analysis = response.context["analysis"]
    rows = analysis.rows
    assert len(rows) == 22
    assert [row.rank for row in rows] == list(range(1, 23))
    assert analysis.services >= 1 and analysis.has_demand
    gaps = [row.gap for row in rows]
    assert gaps == sorted(gaps, reverse=True)
    # Non-trivial: some areas reach Punjabi classes and some do not; the gaps differ.
    assert any(row.access_per_1000 > 0 for row in rows)
    assert any(row.access_per_1000 == 0 for row in rows)
    assert len({round(gap) for gap in gaps}) > 10
    # Sunset, where most Punjabi speakers live and the Punjabi classes are, has no gap.
    sunset = next(row for row in rows if row.slug == "sunset")
    assert sunset.gap == 0 and sunset.demand > 4000
    assert all(row.area in html for row in rows)
    # The demo has centroids only: the map draws circles at the centres.
    features = response.context["features"]
    assert len(features) == 22 and all(f["boundary"] is None and f["lat"] for f in features)


def test_with_the_city_boundaries_the_map_and_geojson_carry_polygons(demo, shared_dir):
    call_command("import_areas", str(shared_dir / "data" / "vancouver" / "local-area-boundary.geojson"))
    query = {"category": "LANG", "language": "pa"}
    response = demo.get(reverse("insights:gaps"), query)
    assert all(f["boundary"]["type"] in ("Polygon", "MultiPolygon") for f in response.context["features"])
    assert len(response.context["analysis"].rows) == 22
    data = json.loads(demo.get(reverse("insights:gaps_geojson"), query).content)
    assert len(data["features"]) == 22
    assert {f["geometry"]["type"] for f in data["features"]} <= {"Polygon", "MultiPolygon"}
