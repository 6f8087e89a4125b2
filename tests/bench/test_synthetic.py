"""The synthetic national directory of the search benchmark: sizes, geography, translations, determinism."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.synthetic import CANADA_LAT, CANADA_LON, plan_sizes, synthetic_directory_create, synthetic_plan
from newstart.directory.models import (
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from newstart.directory.taxonomies import taxonomy_load_settlement

SERVICES = 60


def _flatten(services: int, seed: int) -> tuple[list, list, list]:
    organizations, locations, records = [], [], []
    for batch_orgs, batch_locations, batch_services in synthetic_plan(services=services, seed=seed, batch=25):
        organizations += batch_orgs
        locations += batch_locations
        records += batch_services
    return organizations, locations, records


@pytest.fixture
def created(db):
    taxonomy_load_settlement()
    return synthetic_directory_create(services=SERVICES, seed=11)


def test_counts_match_the_requested_size(created):
    organizations, locations = plan_sizes(SERVICES)
    assert (organizations, locations) == (6, 90)
    assert Service.objects.count() == SERVICES == created.services
    assert Organization.objects.count() == organizations == created.organizations
    assert Location.objects.count() == locations == created.locations
    assert ServiceAtLocation.objects.count() == created.service_at_locations >= SERVICES
    assert Attribute.objects.filter(link_entity="service").count() == created.attributes >= SERVICES
    assert Language.objects.count() == created.languages >= SERVICES
    assert Schedule.objects.count() == created.schedules
    assert CostOption.objects.count() == created.cost_options


def test_every_service_is_linked_to_settlement_terms_and_an_organization_location(created):
    settlement = set(
        TaxonomyTerm.objects.filter(taxonomy_detail__name="newstart settlement taxonomy").values_list("id", flat=True)
    )
    linked = Counter(Attribute.objects.filter(link_entity="service").values_list("link_id", flat=True))
    assert set(linked) == set(Service.objects.values_list("id", flat=True))
    assert set(Attribute.objects.values_list("taxonomy_term_id", flat=True)) <= settlement
    for service_id, organization_id, location_organization_id in ServiceAtLocation.objects.values_list(
        "service_id", "service__organization_id", "location__organization_id"
    ):
        assert organization_id == location_organization_id, service_id


def test_coordinates_are_valid_and_inside_canada(created):
    rows = list(Location.objects.values_list("latitude", "longitude", "has_valid_coordinates"))
    assert rows
    for latitude, longitude, valid in rows:
        assert valid
        assert latitude is not None and longitude is not None
        assert CANADA_LAT[0] <= latitude <= CANADA_LAT[1]
        assert CANADA_LON[0] <= longitude <= CANADA_LON[1]


def test_ten_percent_of_services_are_translated(created):
    translations = Service._parler_meta.root_model.objects
    per_service = Counter(translations.values_list("master_id", flat=True))
    assert len(per_service) == SERVICES
    assert sum(1 for count in per_service.values() if count > 1) == SERVICES // 10
    assert set(translations.filter(language_code="en").values_list("master_id", flat=True)) == set(per_service)
    assert translations.exclude(language_code="en").exists()


def test_free_services_follow_the_convention(created):
    free = CostOption.objects.filter(amount=0)
    assert free.exists()
    assert set(free.values_list("option", "currency")) == {("Free", "CAD")}


def test_text_lengths_are_realistic():
    _organizations, _locations, records = _flatten(200, seed=5)
    for record in records:
        english = record.texts[0]
        assert english.language == "en"
        assert 3 <= len(english.name.split()) <= 8, english.name
        assert 40 <= len(english.description.split()) <= 120
        assert 10 <= len(english.eligibility.split()) <= 40


def test_the_plan_is_deterministic_for_a_seed():
    first = _flatten(40, seed=9)
    assert first == _flatten(40, seed=9)
    assert first != _flatten(40, seed=10)


def test_size_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        next(synthetic_plan(services=0))
