"""manage.py load_demo: the fictional Vancouver directory, complete, plausible and idempotent."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation

from newstart.directory.demo import loader
from newstart.directory.demo.areas import LOCAL_AREAS
from newstart.directory.demo.catalogue import (
    CATALOGUE_PATH,
    TRANSLATIONS_DIR,
    DemoDataError,
    catalogue_read,
    translations_read,
)
from newstart.directory.demo.loader import DemoLoadResult, demo_load
from newstart.directory.models import (
    Attribute,
    LocalArea,
    Location,
    Organization,
    Phone,
    Service,
    TaxonomyTerm,
)

pytestmark = pytest.mark.django_db

TOP_LEVEL_CODES = {
    "LANG", "EMP", "CRED", "HOUS", "HEALTH", "CHILD", "LEGAL", "REFUGEE",
    "CIT", "MONEY", "FOOD", "COMM", "CRISIS", "ORIENT", "INTERP",
}  # fmt: skip
# The City of Vancouver, generously: all 22 local areas lie inside.
VANCOUVER_LATITUDE = (49.19, 49.32)
VANCOUVER_LONGITUDE = (-123.23, -123.02)
EXAMPLE_EMAIL = re.compile(r"^[^@\s]+@([a-z0-9-]+\.)*example\.(org|com|net)$")
EXAMPLE_WEBSITE = re.compile(r"^https://([a-z0-9-]+\.)*example\.(org|com|net)(/\S*)?$")
FICTIONAL_PHONE = re.compile(r"^604-555-01\d\d$")
FSA = {area.name: area.postal_prefixes for area in LOCAL_AREAS}


def _row_counts() -> Counter[str]:
    """Rows of every directory model, change-history and translation tables included."""
    return Counter(
        {model._meta.label: model._default_manager.count() for model in apps.get_app_config("directory").get_models()}
    )


def _history_rows() -> int:
    return sum(count for label, count in _row_counts().items() if label.split(".")[1].startswith("Historical"))


def _top_level_codes_of(terms: dict) -> dict:
    """term id -> code of its top-level ancestor."""
    top = {}
    for term_id, (code, parent_id) in terms.items():
        while parent_id is not None:
            code, parent_id = terms[parent_id]
        top[term_id] = code
    return top


@pytest.fixture(scope="class")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoLoadResult]:
    """The demo, loaded once for the class's read-only tests and rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield demo_load()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


TRANSLATION_FILES = sorted(TRANSLATIONS_DIR.glob("*.json")) if TRANSLATIONS_DIR.is_dir() else []


@pytest.mark.usefixtures("loaded")
class TestLoadedDemo:
    """Read-only checks of one load, shared to keep the suite quick."""

    def test_demo_has_enough_of_everything(self, loaded: DemoLoadResult) -> None:
        assert Organization.objects.filter(is_demo=True).count() >= 42
        assert Service.objects.filter(is_demo=True).count() >= 120
        assert loaded.totals["directory.organization"] == Organization.objects.filter(is_demo=True).count()
        assert {(area.slug, area.name) for area in LocalArea.objects.all()} == {
            (area.slug, area.name) for area in LOCAL_AREAS
        }
        assert LocalArea.objects.count() == 22
        areas_without_office = LocalArea.objects.exclude(locations__organization__is_demo=True)
        assert list(areas_without_office) == []

    def test_every_top_level_category_has_services(self, loaded: DemoLoadResult) -> None:
        terms = {term.pk: (term.code, term.parent_id) for term in TaxonomyTerm.objects.all()}
        top = _top_level_codes_of(terms)
        demo_ids = set(Service.objects.filter(is_demo=True).values_list("pk", flat=True))
        covered = Counter(
            top[term_id]
            for link_id, term_id in Attribute.objects.filter(link_entity="service").values_list(
                "link_id", "taxonomy_term_id"
            )
            if link_id in demo_ids
        )
        assert set(covered) == TOP_LEVEL_CODES

    def test_every_service_is_complete(self, loaded: DemoLoadResult) -> None:
        services = Service.objects.filter(is_demo=True).prefetch_related(
            "service_at_locations__location__addresses",
            "service_at_locations__location__local_area",
            "schedules",
            "languages",
            "cost_options",
        )
        attribute_links = set(Attribute.objects.filter(link_entity="service").values_list("link_id", flat=True))
        for service in services:
            locations = [link.location for link in service.service_at_locations.all()]
            assert locations, service
            for location in locations:
                assert location.has_valid_coordinates, location
                assert location.latitude is not None and location.longitude is not None
                assert VANCOUVER_LATITUDE[0] < location.latitude < VANCOUVER_LATITUDE[1], location
                assert VANCOUVER_LONGITUDE[0] < location.longitude < VANCOUVER_LONGITUDE[1], location
                assert location.local_area is not None, location
                addresses = list(location.addresses.all())
                assert len(addresses) == 1, location
                address = addresses[0]
                assert (address.city, address.state_province, address.country) == ("Vancouver", "BC", "CA")
                assert address.postal_code[:3] in FSA[location.local_area.name], (address, location.local_area)
                assert re.fullmatch(r"V\d[A-Z] \d[A-Z]\d", address.postal_code), address.postal_code
            schedules = list(service.schedules.all())
            assert schedules, service
            for schedule in schedules:
                assert schedule.opens_at is not None and schedule.closes_at is not None, schedule
                assert schedule.freq == "WEEKLY" and schedule.byday and schedule.opens_at < schedule.closes_at
            assert service.languages.exists(), service
            cost_options = list(service.cost_options.all())
            assert cost_options and all(option.currency == "CAD" for option in cost_options), service
            assert service.status == "active" and service.assured_date is not None
            assert service.pk in attribute_links, service

    def test_demo_covers_ages_costs_hours_and_verification_ages(self, loaded: DemoLoadResult) -> None:
        demo = Service.objects.filter(is_demo=True)
        assert demo.filter(minimum_age=15, maximum_age=30).exists()  # youth
        assert demo.filter(minimum_age=55, maximum_age=None).exists()  # seniors
        paid = demo.filter(cost_options__amount__gt=0).distinct()
        free = demo.exclude(cost_options__amount__gt=0)
        assert 0 < paid.count() < free.count()
        assert all(option.option == "Free" for service in free for option in service.cost_options.all())
        today = timezone.localdate()
        ages = sorted((today - verified).days for verified in demo.values_list("assured_date", flat=True) if verified)
        assert len(ages) == demo.count() and ages[-1] - ages[0] > 300  # spread over more than the past year
        overdue = sum(age > settings.DIRECTORY_VERIFY_AFTER_DAYS for age in ages)
        assert 0 < overdue < len(ages)  # the verification queue has something in it, but not everything
        bydays = {byday for service in demo for byday in service.schedules.values_list("byday", flat=True)}
        assert "SA" in bydays and "MO,TU,WE,TH,FR" in bydays and "MO,TU,WE,TH" in bydays  # Saturdays, closed days
        assert demo.filter(schedules__opens_at__hour__gte=17).exists()  # evenings
        assert demo.filter(required_documents__isnull=False).exists()
        assert {code for service in demo for code in service.languages.values_list("code", flat=True)} >= {
            "en", "pa", "yue", "cmn", "tl", "fa", "ar", "es", "ko", "vi", "fr",
        }  # fmt: skip

    def test_every_demo_service_is_in_the_search_index(self, loaded: DemoLoadResult) -> None:
        if not apps.is_installed("newstart.search"):
            pytest.skip("the search app is not installed")
        unindexed = Service.objects.filter(is_demo=True, search_document__isnull=True)
        assert list(unindexed) == []

    def test_contact_details_are_fictional(self, loaded: DemoLoadResult) -> None:
        for organization in Organization.objects.filter(is_demo=True):
            assert EXAMPLE_EMAIL.match(organization.email), organization.email
            assert EXAMPLE_WEBSITE.match(organization.website), organization.website
        for service in Service.objects.filter(is_demo=True):
            assert EXAMPLE_EMAIL.match(service.email), service.email
            assert EXAMPLE_EMAIL.match(service.assurer_email), service.assurer_email
            assert EXAMPLE_WEBSITE.match(service.url), service.url
        numbers = list(Phone.objects.filter(organization__is_demo=True).values_list("number", flat=True))
        assert numbers and all(FICTIONAL_PHONE.match(number) for number in numbers), numbers
        assert len(numbers) == len(set(numbers))

    @pytest.mark.parametrize("path", TRANSLATION_FILES, ids=[path.stem for path in TRANSLATION_FILES])
    def test_translation_files_are_loaded(self, loaded: DemoLoadResult, path: Path) -> None:
        language = path.stem
        data = json.loads(path.read_text(encoding="utf-8"))
        english = catalogue_read()
        assert language in loaded.translation_languages
        differing = 0
        for service in Service.objects.filter(is_demo=True).select_related("organization"):
            kind_key = service.url.rsplit("/", 1)[1].replace("-", "_")
            expected = data.get("service_kinds", {}).get(kind_key, {}).get("name")
            if not expected:
                continue
            with translation.override(language):
                service.set_current_language(language)
                assert service.name == expected
            differing += expected != english.service_kinds[kind_key].texts["name"]
        assert differing > 0, f"no service name in {language} differs from English"
        for org_key, texts in data.get("organizations", {}).items():
            if texts.get("name"):
                organization = Organization.objects.get(pk=loader.demo_id("organization", org_key))
                organization.set_current_language(language)
                assert organization.name == texts["name"]

    @pytest.mark.shared
    def test_areas_and_offices_match_the_city_boundaries(self, shared_dir: Path, loaded: DemoLoadResult) -> None:
        shapely_geometry = pytest.importorskip("shapely.geometry")
        features = json.loads((shared_dir / "data/vancouver/local-area-boundary.geojson").read_text(encoding="utf-8"))
        polygons = {
            feature["properties"]["name"]: shapely_geometry.shape(feature["geometry"])
            for feature in features["features"]
        }
        assert set(polygons) == {area.name for area in LOCAL_AREAS}
        for area in LOCAL_AREAS:
            centroid = polygons[area.name].centroid
            assert abs(centroid.y - area.centroid_latitude) < 1e-4 and abs(centroid.x - area.centroid_longitude) < 1e-4
        for location in Location.objects.filter(organization__is_demo=True).select_related("local_area"):
            assert location.local_area is not None, location
            point = shapely_geometry.Point(location.longitude, location.latitude)
            assert polygons[location.local_area.name].contains(point), (location, location.local_area)


def test_command_loads_then_a_second_load_changes_nothing() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo directory loaded." in out.getvalue()
    assert re.search(r"services: \d{3} \(created \d{3}, updated 0, deleted 0\)", out.getvalue()), out.getvalue()
    before = _row_counts()
    history_before = _history_rows()
    totals_before = demo_load().totals  # the second load

    again = demo_load()

    assert not again.changed, (again.created, again.updated, again.deleted)
    assert again.totals == totals_before
    assert _row_counts() == before
    assert _history_rows() == history_before
    quiet = io.StringIO()
    call_command("load_demo", stdout=quiet)
    assert "nothing changed" in quiet.getvalue()
    assert _history_rows() == history_before


@pytest.fixture
def without_search_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests about the directory's rows only: skip (re)building the search index, the slowest step of a load.

    TestLoadedDemo checks that a real load indexes every demo service.
    """
    monkeypatch.setattr(loader, "_search_reindex", lambda *, service_ids: None)


@pytest.mark.usefixtures("without_search_index")
def test_translation_updates_touch_only_what_changed(tmp_path: Path) -> None:
    """A changed, added or removed translation is written alone; the rest stays as it was."""
    (tmp_path / "fr.json").write_text(
        json.dumps(
            {
                "organizations": {"lantern_bridge": {"name": "Société Lantern Bridge", "description": "Accueil."}},
                "service_kinds": {"food_hamper": {"name": "Panier alimentaire hebdomadaire"}},
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "xx.json").write_text("{}", encoding="utf-8")
    first = demo_load(translations_dir=tmp_path)
    assert first.translation_languages == ["fr"] and first.skipped_translation_languages == ["xx"]
    food = Service.objects.get(pk=loader.demo_id("service", "open_table", "food_hamper"))
    food.set_current_language("fr")
    assert food.name == "Panier alimentaire hebdomadaire"
    # A field the file leaves out keeps its English text.
    assert food.description == catalogue_read().service_kinds["food_hamper"].texts["description"]

    (tmp_path / "fr.json").write_text(
        json.dumps({"organizations": {"lantern_bridge": {"name": "Association Lantern Bridge"}}}), encoding="utf-8"
    )
    history_before = _history_rows()
    second = demo_load(translations_dir=tmp_path)
    assert +second.created == Counter()
    assert +second.updated == Counter({"directory.organizationtranslation": 1})
    food_hampers = Service.objects.filter(is_demo=True, url__endswith="/food-hamper").count()
    assert +second.deleted == Counter({"directory.servicetranslation": food_hampers})
    assert _history_rows() == history_before + 1 + food_hampers
    organization = Organization.objects.get(pk=loader.demo_id("organization", "lantern_bridge"))
    organization.set_current_language("fr")
    assert organization.name == "Association Lantern Bridge"
    assert organization.description == catalogue_read().organizations["lantern_bridge"].texts["description"]


def test_load_is_atomic(monkeypatch: pytest.MonkeyPatch) -> None:
    real_sync = loader._sync

    def failing_sync(*, model: type[Model], **kwargs: object) -> None:
        if model is Service:
            raise RuntimeError("disk full")
        real_sync(model=model, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_sync", failing_sync)
    with pytest.raises(RuntimeError):
        demo_load()
    assert not Organization.objects.exists()
    assert not Location.objects.exists()
    assert not LocalArea.objects.exists()


def test_inconsistent_catalogue_names_the_key(tmp_path: Path) -> None:
    data = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    data["organizations"]["lantern_bridge"]["kinds"].append("time_travel")
    broken = tmp_path / "catalogue.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"organizations\.lantern_bridge.*'time_travel'"):
        catalogue_read(path=broken)


def test_catalogue_is_large_and_consistent() -> None:
    catalogue = catalogue_read()
    assert len(catalogue.service_kinds) >= 40
    assert len(catalogue.organizations) >= 42
    assert sum(len(organization.kinds) for organization in catalogue.organizations.values()) >= 120
    assert {kind.taxonomy[0].split("-")[0] for kind in catalogue.service_kinds.values()} == TOP_LEVEL_CODES
    names = [organization.texts["name"] for organization in catalogue.organizations.values()]
    assert len(names) == len(set(names))
    for translation_file in translations_read():
        unknown = set(translation_file.service_kinds) - set(catalogue.service_kinds)
        unknown |= set(translation_file.organizations) - set(catalogue.organizations)
        assert not unknown, (translation_file.language, unknown)
