"""The synthetic national directory of the search benchmark: sizes, geography, translations, determinism."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.db.models.fields import AutoFieldMixin

from bench.synthetic import (
    CANADA_LAT,
    CANADA_LON,
    LANGUAGE_NAMES,
    _table,
    plan_sizes,
    synthetic_directory_create,
    synthetic_plan,
)
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
from tests.directory.hsds.conftest import HsdsValidator

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


# --- The writer: rows straight to the driver, exactly what bulk_create stored -------------------------


def _bulk_create_reference(*, services: int, seed: int) -> None:
    """The directory written the way it first was, with bulk_create: the reference for the fast writer."""
    service_translation: Any = Service._parler_meta.root_model
    organization_translation: Any = Organization._parler_meta.root_model
    term_ids = dict(TaxonomyTerm.objects.filter(taxonomy="newstart settlement taxonomy").values_list("code", "id"))
    for organizations, locations, records in synthetic_plan(services=services, seed=seed):
        Organization.objects.bulk_create(
            [Organization(id=org.id, source_language="en", is_demo=False) for org in organizations]
        )
        organization_translation.objects.bulk_create(
            [
                organization_translation(
                    master_id=org.id, language_code="en", name=org.name, description=org.description
                )
                for org in organizations
            ]
        )
        Location.objects.bulk_create(
            [
                Location(
                    id=loc.id,
                    organization_id=loc.organization_id,
                    name=loc.name,
                    latitude=loc.latitude,
                    longitude=loc.longitude,
                    has_valid_coordinates=True,
                )
                for loc in locations
            ]
        )
        Service.objects.bulk_create(
            [
                Service(
                    id=r.id,
                    organization_id=r.organization_id,
                    source_language="en",
                    status=r.status,
                    assured_date=r.assured_date,
                    last_modified=r.last_modified,
                    is_demo=False,
                )
                for r in records
            ]
        )
        service_translation.objects.bulk_create(
            [
                service_translation(
                    master_id=r.id,
                    language_code=t.language,
                    name=t.name,
                    description=t.description,
                    eligibility_description=t.eligibility,
                )
                for r in records
                for t in r.texts
            ]
        )
        ServiceAtLocation.objects.bulk_create(
            [ServiceAtLocation(service_id=r.id, location_id=loc) for r in records for loc in r.location_ids]
        )
        Attribute.objects.bulk_create(
            [
                Attribute(link_entity="service", link_id=r.id, taxonomy_term_id=term_ids[code])
                for r in records
                for code in r.taxonomy_codes
            ]
        )
        Language.objects.bulk_create(
            [
                Language(service_id=r.id, code=code, name=LANGUAGE_NAMES.get(code, code))
                for r in records
                for code in r.languages
            ]
        )
        Schedule.objects.bulk_create(
            [
                Schedule(
                    service_id=r.id, freq="WEEKLY", byday=r.schedule[0], opens_at=r.schedule[1], closes_at=r.schedule[2]
                )
                for r in records
                if r.schedule is not None
            ]
        )
        CostOption.objects.bulk_create(
            [
                CostOption(service_id=r.id, option="Free" if r.cost == 0 else "Fee", amount=r.cost, currency="CAD")
                for r in records
                if r.cost is not None
            ]
        )


# Children first, for deleting. Their own ids are not part of the plan (bulk_create drew them with uuid4).
WRITTEN = (
    (CostOption, False),
    (Schedule, False),
    (Language, False),
    (Attribute, False),
    (ServiceAtLocation, False),
    (Service._parler_meta.root_model, True),
    (Service, True),
    (Location, True),
    (Organization._parler_meta.root_model, True),
    (Organization, True),
)


def _stored_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every written table's rows as the database stores them (SQLite: quote(), which shows the storage
    class; PostgreSQL: the typed value as text), sorted; without database-assigned ids and the child rows' ids."""
    stored = {}
    with connection.cursor() as cursor:
        for model, own_ids in WRITTEN:
            columns = [
                str(field.column)
                for field in model._meta.concrete_fields
                if not isinstance(field, AutoFieldMixin) and (own_ids or field.column != "id")
            ]
            template = "quote({})" if connection.vendor == "sqlite" else "CAST({} AS TEXT)"
            select = ", ".join(template.format(connection.ops.quote_name(column)) for column in columns)
            cursor.execute(f"SELECT {select} FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            stored[model._meta.db_table] = sorted(cursor.fetchall(), key=repr)
    return stored


def _delete_written() -> None:
    with connection.cursor() as cursor:
        for model, _own_ids in WRITTEN:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def test_the_fast_writer_stores_exactly_what_bulk_create_stored(db):
    taxonomy_load_settlement()
    _bulk_create_reference(services=40, seed=3)
    expected = _stored_rows()
    _delete_written()
    assert not any(_stored_rows().values())

    created = synthetic_directory_create(services=40, seed=3)

    assert _stored_rows() == expected
    # Every kind of row is there to compare: translations, schedules, free and paid cost options.
    assert all(expected.values()), [table for table, rows in expected.items() if not rows]
    assert created.translations > created.services
    assert set(CostOption.objects.values_list("option", flat=True)) == {"Free", "Fee"}


def test_the_rows_ids_are_valid_uuids_and_the_same_for_a_seed(db):
    taxonomy_load_settlement()
    synthetic_directory_create(services=20, seed=4)
    ids = sorted(str(value) for value in Language.objects.values_list("id", flat=True))
    assert all(value[14] == "4" and value[19] in "89ab" for value in ids)  # version 4, RFC 4122 variant
    _delete_written()
    synthetic_directory_create(services=20, seed=4)
    assert sorted(str(value) for value in Language.objects.values_list("id", flat=True)) == ids


def test_a_column_the_generator_does_not_give_must_have_a_constant_default(db):
    with pytest.raises(ValueError, match=r"directory_service\.id has a per-row default"):
        _table(Service, ("organization_id",), connection)
    with pytest.raises(ValueError, match="directory_service has no column"):
        _table(Service, ("id", "colour"), connection)


def test_a_generated_service_is_served_by_the_hsds_api(created, client, shared_dir):
    service_id = (
        Service._parler_meta.root_model.objects.exclude(language_code="en").values_list("master_id", flat=True).first()
    )
    response = client.get(f"/api/hsds/services/{service_id}")
    assert response.status_code == 200
    body = response.json()
    service = Service.objects.get(id=service_id)
    assert body["name"] == service.safe_translation_getter("name", language_code="en")
    assert body["status"] == service.status
    assert {language["code"] for language in body["languages"]} == set(
        Language.objects.filter(service=service).values_list("code", flat=True)
    )
    assert body["service_at_locations"] and all(
        sal["location"]["latitude"] is not None for sal in body["service_at_locations"]
    )
    validator = HsdsValidator(shared_dir / "hsds-3.1" / "schema")
    assert validator.errors("service", body) == []
