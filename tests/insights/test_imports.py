"""Local-area boundaries and census indicators: importers, commands, demo facts."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from newstart.directory.models import LocalArea
from newstart.insights.demo import demo_census_rows, insights_demo_load
from newstart.insights.importers import VANCOUVER_CENSUS_CREDIT, VANCOUVER_CENSUS_ROWS, polygon_centroid
from newstart.insights.models import AreaIndicator, Indicator
from newstart.insights.selectors import area_indicator_values

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-123.2, 49.2], [-123.1, 49.2], [-123.1, 49.3], [-123.2, 49.3], [-123.2, 49.2]]],
}


def _geojson(tmp_path, features, name="areas.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _feature(name, geometry=SQUARE):
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def test_import_areas_creates_missing_areas_and_matches_existing_by_slug(tmp_path):
    existing = LocalArea.objects.create(slug="arbutus-ridge", name="Arbutus Ridge")
    path = _geojson(tmp_path, [_feature("Arbutus-Ridge"), _feature("West End ")])
    call_command("import_areas", str(path))
    existing.refresh_from_db()
    assert existing.name == "Arbutus Ridge"  # the name stays; the boundary and centroid arrive
    assert existing.boundary == SQUARE
    assert existing.centroid_latitude == pytest.approx(49.25)
    assert existing.centroid_longitude == pytest.approx(-123.15)
    assert LocalArea.objects.get(slug="west-end").name == "West End"
    call_command("import_areas", str(path))  # again: nothing new
    assert LocalArea.objects.count() == 2


def test_centroid_of_a_polygon_with_a_hole_and_a_multipolygon():
    holed = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]],
    }
    x, y = polygon_centroid(holed)  # 16 at (2,2) minus 4 at (1,1): 12 at (7/3, 7/3)
    assert (x, y) == pytest.approx((7 / 3, 7 / 3))
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]], [[[2, 0], [3, 0], [3, 1], [2, 1], [2, 0]]]],
    }
    assert polygon_centroid(multi) == pytest.approx((1.5, 0.5))


def test_import_areas_refuses_bad_features_and_writes_nothing(tmp_path):
    path = _geojson(
        tmp_path,
        [
            _feature("Downtown"),
            {"type": "Feature", "properties": {}, "geometry": SQUARE},
            _feature("Kitsilano", {"type": "Point", "coordinates": [-123.1, 49.2]}),
            _feature("downtown"),
        ],
    )
    with pytest.raises(CommandError) as error:
        call_command("import_areas", str(path))
    message = str(error.value)
    assert "feature 2: no 'name' property" in message
    assert "feature 3 (Kitsilano)" in message
    assert "feature 4 (downtown): the same area as feature 1" in message
    assert not LocalArea.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not json", "not GeoJSON"), (b'{"type": "Feature"}', "FeatureCollection"), (b"\xff\xfe{", "not GeoJSON")],
)
def test_import_areas_refuses_files_that_are_not_geojson(tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_areas", str(path))


def test_import_areas_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_areas", str(tmp_path / "nope.geojson"))


@pytest.mark.shared
def test_import_the_city_of_vancouver_boundaries(shared_dir):
    call_command("import_areas", str(shared_dir / "data" / "vancouver" / "local-area-boundary.geojson"))
    assert LocalArea.objects.count() == 22
    downtown = LocalArea.objects.get(slug="downtown")
    # The City's own label point for Downtown is (49.28075, -123.11657).
    assert downtown.centroid_latitude == pytest.approx(49.28075, abs=2e-3)
    assert downtown.centroid_longitude == pytest.approx(-123.11657, abs=2e-3)
    assert downtown.boundary is not None
    assert downtown.boundary["type"] == "Polygon"


def _vancouver_csv(tmp_path, areas=("Arbutus-Ridge ", "Downtown "), *, override=None, encoding="latin-1"):
    """A file in the City's format with every row the importer maps (values: ID * 10 + column)."""
    lines = [
        "The data shown here is provided by Statistics Canada,,,",
        '"The data may be reproduced provided they are credited to Statistics Canada, Census 2016",,,',
        ",,,",
        " CENSUS DATA FOR CITY OF VANCOUVER LOCAL AREAS 2016,,,",
        "ID,Variable," + ",".join(areas) + ",Vancouver CSD ,Vancouver CMA ",
    ]
    rows = {census_id: label for spec in VANCOUVER_CENSUS_ROWS for census_id, label in spec.rows}
    for census_id in sorted(rows):
        values = [f'"{census_id * 10 + column:,}"' for column in range(len(areas) + 2)]
        if override and census_id in override:
            values[0] = override[census_id]
        lines.append(f'{census_id}," {rows[census_id]} ",' + ",".join(values))
    path = tmp_path / "census.csv"
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


@pytest.fixture
def two_areas():
    LocalArea.objects.create(slug="arbutus-ridge", name="Arbutus Ridge")
    LocalArea.objects.create(slug="downtown", name="Downtown")


def test_import_vancouver_census_format(tmp_path, two_areas):
    call_command("import_census", str(_vancouver_csv(tmp_path)))
    facts = AreaIndicator.objects.filter(area__slug="downtown")
    assert facts.get(indicator=Indicator.POPULATION).value == 11  # ID 1, second column
    assert facts.get(indicator=Indicator.IMMIGRANTS).value == 25331
    assert facts.get(indicator=Indicator.AGE_15_24).value == 71 + 81  # two rows summed
    assert facts.get(indicator=Indicator.HOME_LANGUAGE, language="pa").value == (393 + 807) * 10 + 1
    assert facts.get(indicator=Indicator.MOTHER_TONGUE, language="pa").value == 3931
    assert facts.get(indicator=Indicator.POPULATION).source == VANCOUVER_CENSUS_CREDIT
    assert facts.get(indicator=Indicator.POPULATION).year == 2016
    assert AreaIndicator.objects.count() == 2 * (len(VANCOUVER_CENSUS_ROWS))  # the city columns are not areas


def test_import_census_again_updates_in_place(tmp_path, two_areas):
    call_command("import_census", str(_vancouver_csv(tmp_path)))
    count = AreaIndicator.objects.count()
    call_command("import_census", str(_vancouver_csv(tmp_path, override={1: '"99,999"'})))
    assert AreaIndicator.objects.count() == count
    assert AreaIndicator.objects.get(area__slug="arbutus-ridge", indicator="population").value == 99999


def test_vancouver_census_bad_values_unknown_areas_and_labels(tmp_path, two_areas):
    path = _vancouver_csv(tmp_path, override={2533: "x", 2541: '""'})
    with pytest.raises(CommandError) as error:
        call_command("import_census", str(path))
    assert "(ID 2533, Arbutus-Ridge): 'x' is not a number" in str(error.value)
    assert "(ID 2541, Arbutus-Ridge): '' is not a number" in str(error.value)
    assert not AreaIndicator.objects.exists()

    with pytest.raises(CommandError, match="Kitsilano"):
        call_command("import_census", str(_vancouver_csv(tmp_path, areas=("Downtown ", "Kitsilano "))))
    assert not AreaIndicator.objects.exists()  # all or nothing: Downtown was fine, still nothing written

    path = tmp_path / "other.csv"
    path.write_text("ID,Variable,Downtown\n1,Total population (2021),5\n", encoding="latin-1")
    with pytest.raises(CommandError, match="ID 1 is 'Total population \\(2021\\)', expected"):
        call_command("import_census", str(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"area,value\nDowntown,5\n", "No header line 'ID,Variable"),
        ("ID,Variable,Downtown\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_vancouver_census_wrong_header_or_encoding(tmp_path, content, message):
    path = tmp_path / "c.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_census", str(path))


def test_utf8_copy_of_the_census_is_read_too(tmp_path, two_areas):
    call_command("import_census", str(_vancouver_csv(tmp_path, encoding="utf-8-sig")))
    assert AreaIndicator.objects.filter(indicator="population").count() == 2


@pytest.mark.shared
def test_import_the_city_of_vancouver_census_profile(shared_dir):
    folder = shared_dir / "data" / "vancouver"
    call_command("import_areas", str(folder / "local-area-boundary.geojson"))
    call_command("import_census", str(folder / "CensusLocalAreaProfiles2016.csv"), "--format", "vancouver")
    values = area_indicator_values(indicator="population")
    assert len(values) == 22
    assert values["arbutus-ridge"] == 15295  # "Arbutus-Ridge " in the census, "Arbutus Ridge" in the boundaries
    assert values["downtown"] == 62030
    # The custom order's areas add up to the city total (631,485) within its rounding (about 0.3%).
    assert sum(values.values()) == pytest.approx(631485, rel=0.005)
    assert area_indicator_values(indicator="immigrants")["arbutus-ridge"] == 7730
    assert area_indicator_values(indicator="recent_immigrants")["arbutus-ridge"] == 1260
    assert area_indicator_values(indicator="home_language", language="cmn")["arbutus-ridge"] == 2920
    # The typed-in demo facts are the same numbers.
    demo = {(r.area, r.indicator, r.language): r.value for r in demo_census_rows()}
    stored = {(f.area.name, f.indicator, f.language): f.value for f in AreaIndicator.objects.select_related("area")}
    assert demo == stored


def test_tidy_csv(tmp_path, two_areas):
    path = tmp_path / "tidy.csv"
    path.write_text(
        "area,indicator,value,year,language,source\n"
        "Downtown,population,62030,2016,,Census\n"
        "arbutus-ridge,home_language,20,2016,pa,\n"
        "Arbutus Ridge,population,16000,2021,,\n"
    )
    call_command("import_census", str(path), "--format", "tidy", "--source", "My survey")
    assert area_indicator_values(indicator="population") == {"arbutus-ridge": 16000}  # latest year
    assert area_indicator_values(indicator="population", year=2016) == {"downtown": 62030}
    pa = AreaIndicator.objects.get(indicator="home_language", language="pa")
    assert (pa.value, pa.source) == (20, "My survey")
    assert AreaIndicator.objects.get(year=2016, indicator="population").source == "Census"


def test_tidy_csv_bad_rows_are_listed_and_nothing_is_written(tmp_path, two_areas):
    path = tmp_path / "tidy.csv"
    path.write_text(
        "area,indicator,value,year,language\n"
        "Downtown,population,62030,2016,\n"
        "Downtown,populaton,5,2016,\n"
        "Downtown,home_language,5,2016,\n"
        "Downtown,immigrants,many,2016,\n"
        "Downtown,immigrants,5,16,\n"
        "Downtown,population,1,2016,\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("import_census", str(path), "--format", "tidy")
    message = str(error.value)
    assert "line 3: unknown indicator 'populaton'" in message
    assert "line 4: home_language needs a language code" in message
    assert "line 5: value 'many' is not a number" in message
    assert "line 6: year '16' is not a year" in message
    assert "line 7: the same fact as line 2" in message
    assert not AreaIndicator.objects.exists()

    path.write_text("area,indicator,value\nDowntown,population,5\n")
    with pytest.raises(CommandError, match="missing: year"):
        call_command("import_census", str(path), "--format", "tidy")
    path.write_text("area,indicator,value,year\nNowhere,population,5,2016\n")
    with pytest.raises(CommandError, match="Nowhere"):
        call_command("import_census", str(path), "--format", "tidy")


def test_demo_facts_load_idempotently():
    LocalArea.objects.create(slug="downtown", name="Downtown")
    first = insights_demo_load()
    assert LocalArea.objects.count() == 22
    assert first.created == AreaIndicator.objects.count() > 22 * 30
    second = insights_demo_load()
    assert (second.created, second.updated) == (0, 0)
    facts = AreaIndicator.objects.filter(area__slug="sunset", year=2016)
    for indicator in ["population", "immigrants", "recent_immigrants", "non_permanent_residents"]:
        assert facts.get(indicator=indicator).value > 0
    for language in ["pa", "zh", "tl", "fa", "ar", "es", "ko", "vi", "hi", "fr", "uk"]:
        assert facts.filter(indicator="home_language", language=language).exists()
    assert set(AreaIndicator.objects.values_list("source", flat=True)) == {VANCOUVER_CENSUS_CREDIT}
