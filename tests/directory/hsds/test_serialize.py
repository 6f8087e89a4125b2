from __future__ import annotations

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.dateparse import parse_datetime

from newstart.directory.hsds.metadata import metadata_for_records, metadata_iter_all
from newstart.directory.hsds.profile import IMPORT_CHANGE_REASON
from newstart.directory.hsds.serialize import (
    location_to_hsds,
    organization_queryset_for_hsds,
    organization_to_hsds,
    preload_hsds_extras,
    record_queryset_for_hsds,
    record_to_hsds,
    service_at_location_queryset_for_hsds,
    service_at_location_to_hsds,
    service_queryset_for_hsds,
    service_to_hsds,
    taxonomy_term_to_hsds,
    taxonomy_to_hsds,
)
from newstart.directory.models import (
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
    Unit,
)
from tests.directory.hsds.conftest import build_full_service, translated

pytestmark = pytest.mark.django_db


def _empties(value, path="$"):
    """Paths of null or empty values anywhere in a JSON value (but metadata's values,
    which HSDS requires even when empty, as a creation's previous value)."""
    found = []
    if (value is None or value in ("", [], {})) and not path.endswith(("].previous_value", "].replacement_value")):
        found.append(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _empties(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _empties(item, f"{path}[{index}]")
    return found


def _example(shared_dir, name):
    return json.loads((shared_dir / "hsds-3.1" / "examples" / name).read_text())


# --- Shape ------------------------------------------------------------------------


def test_full_service_is_nested_as_the_specification_example(full_service, shared_dir):
    out = service_to_hsds(full_service)
    example = _example(shared_dir, "service_full.json")

    assert set(out) == set(example)
    assert set(out["organization"]) == set(example["organization"])
    sal, example_sal = out["service_at_locations"][0], example["service_at_locations"][0]
    assert set(sal) == set(example_sal)
    # A location nested in a service at a location keeps its organization's id (not its parent).
    assert set(sal["location"]) == set(example_sal["location"]) | {"organization_id"}
    assert set(out["capacities"][0]) == set(example["capacities"][0])
    assert set(out["attributes"][0]) == set(example["attributes"][0])
    assert set(out["attributes"][0]["taxonomy_term"]) == set(example["attributes"][0]["taxonomy_term"])
    assert out["phones"][0]["languages"][0]["code"] == "pa"
    assert out["contacts"][0]["phones"][0]["number"] == "604-555-0103"
    assert out["capacities"][0]["unit"]["name"] == "place"
    assert out["attributes"][0]["taxonomy_term"]["code"] == "EMP-SEARCH"
    assert out["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["name"] == "newstart settlement taxonomy"
    # The organization is nested without its services (no cycle).
    assert "services" not in out["organization"]


def test_values_are_written_as_hsds_json(full_service):
    out = service_to_hsds(full_service)

    assert out["id"] == str(full_service.id)
    assert out["minimum_age"] == 18 and isinstance(out["minimum_age"], int)
    assert out["maximum_age"] == 64.5
    assert out["phones"][0]["extension"] == 12 and isinstance(out["phones"][0]["extension"], int)
    assert out["schedules"][0]["timezone"] == -8
    assert out["schedules"][0]["opens_at"] == "09:00:00"
    assert out["schedules"][0]["valid_from"] == "2024-01-01"
    assert out["assured_date"] == "2024-05-01"
    assert parse_datetime(out["last_modified"]) == full_service.last_modified
    assert sorted(option["amount"] for option in out["cost_options"]) == [0, 12.5]
    assert out["organization"]["year_incorporated"] == 1985
    assert all(isinstance(item["id"], str) for item in out["phones"] + out["languages"])
    assert _empties(out) == []
    json.dumps(out)  # plain JSON, nothing left to convert


def test_empty_values_are_left_out_but_required_ones_kept():
    org = translated(Organization, texts={"en": {"name": "Bare org"}})  # description is required by HSDS
    service = translated(Service, texts={"en": {"name": "Bare"}}, organization=org)

    out = service_to_hsds(service)
    assert {"alternate_name", "description", "url", "email", "minimum_age", "phones", "schedules"}.isdisjoint(out)
    assert out["organization"]["description"] == ""
    assert _empties(out) == ["$.organization.description"]


def test_the_listing_form_has_only_one_to_one_fields(full_service, shared_dir):
    out = service_to_hsds(full_service, full=False)
    example = _example(shared_dir, "service_list.json")["contents"][0]

    assert set(out) == set(example)
    assert set(out["organization"]) == set(example["organization"])
    assert not any(isinstance(value, list) for value in out.values())


def test_the_minimal_form_is_id_and_last_modified(full_service):
    out = service_to_hsds(full_service, minimal=True)
    assert out == {"id": str(full_service.id), "last_modified": full_service.last_modified.isoformat()}


def test_organization_service_at_location_location_and_taxonomy_shapes(full_service, shared_dir):
    org = organization_to_hsds(full_service.organization)
    example = _example(shared_dir, "organization_full.json")
    assert set(org) == set(example) | {"metadata"}
    assert set(org["services"][0]) <= set(_example(shared_dir, "service_list.json")["contents"][0])
    assert "phones" not in org["services"][0]
    nested = organization_to_hsds(full_service.organization, full_service=True)
    assert {"phones", "service_at_locations", "attributes"} <= set(nested["services"][0])
    assert set(organization_to_hsds(full_service.organization, full=False)) <= set(
        _example(shared_dir, "organization_list.json")["contents"][0]
    )

    sal = service_at_location_to_hsds(ServiceAtLocation.objects.get())
    example_sal = _example(shared_dir, "service_at_location_full.json")
    assert set(sal) == set(example_sal) | {"metadata"}
    assert "service_at_locations" not in sal["service"]
    assert set(sal["service"]["organization"]) >= {"locations", "programs"}
    listed = service_at_location_to_hsds(ServiceAtLocation.objects.get(), full=False)
    assert set(listed) == set(_example(shared_dir, "service_at_location_list.json")["contents"][0])

    location = location_to_hsds(Location.objects.get())
    assert set(location) == set(_example(shared_dir, "location.json")) | {"organization_id", "metadata"}

    term = taxonomy_term_to_hsds(TaxonomyTerm.objects.get(code="EMP-SEARCH"))
    assert set(term) == set(_example(shared_dir, "taxonomy_term.json")) | {"metadata"}
    assert set(taxonomy_to_hsds(Taxonomy.objects.get())) == set(_example(shared_dir, "taxonomy.json")) | {"metadata"}


# --- Language ---------------------------------------------------------------------


def test_text_follows_the_active_language_with_per_field_fallback(full_service):
    with translation.override("fr"):
        out = service_to_hsds(full_service)
    assert out["name"] == "Aide à la recherche d'emploi 0"
    assert out["description"] == "Aide individuelle."
    # No French eligibility text: the source language's, rather than none.
    assert out["eligibility_description"] == "Permanent residents."
    assert out["organization"]["name"] == "Société d'établissement 0"
    assert out["attributes"][0]["taxonomy_term"]["name"] == "Recherche d'emploi"
    assert "translations" not in out

    with translation.override("pa"):
        assert service_to_hsds(full_service)["name"] == "ਨੌਕਰੀ ਦੀ ਖੋਜ 0"
    with translation.override("en"):
        assert service_to_hsds(full_service)["name"] == "Job search help 0"


def test_missing_language_falls_back_to_the_source_language_then_english():
    punjabi = translated(
        Service, source_language="pa", texts={"pa": {"name": "ਮਦਦ"}, "en": {"name": "Help", "description": "About"}}
    )
    english_only = translated(Service, source_language="fr", texts={"en": {"name": "Food bank"}})
    with translation.override("ko"):
        out = service_to_hsds(punjabi)
        assert out["name"] == "ਮਦਦ"
        assert out["description"] == "About"  # Punjabi has none: English
        assert service_to_hsds(english_only)["name"] == "Food bank"


def test_translations_profile_carries_every_stored_translation(full_service):
    out = service_to_hsds(full_service, translations=True)

    assert out["source_language"] == "en"
    assert set(out["translations"]) == {"en", "fr", "pa"}
    assert out["translations"]["fr"] == {"name": "Aide à la recherche d'emploi 0", "description": "Aide individuelle."}
    assert out["translations"]["en"]["alert"] == "Closed on holidays."
    assert out["organization"]["translations"]["fr"]["name"] == "Société d'établissement 0"
    assert out["attributes"][0]["taxonomy_term"]["translations"]["fr"] == {"name": "Recherche d'emploi"}
    assert "translations" not in out["phones"][0]


# --- Metadata ---------------------------------------------------------------------


def test_metadata_combines_imported_rows_and_history():
    user = get_user_model().objects.create_user(username="secretariat", email="staff@example.org", password="x")
    service = Service(source_language="en")
    service.set_current_language("en")
    service.name = "Clinic"
    service._change_reason = IMPORT_CHANGE_REASON
    service.get_translation("en")._change_reason = IMPORT_CHANGE_REASON  # as the importer marks its text rows
    service.save()
    from newstart.directory.models import Metadata

    Metadata.objects.create(
        resource_id=service.id,
        resource_type="service",
        last_action_date="2023-02-01",
        last_action_type="create",
        field_name="name",
        previous_value="",
        replacement_value="Clinic",
        updated_by="Importer",
    )

    service = Service.objects.get(pk=service.pk)  # a later edit, by a person
    service.status = "inactive"
    service._history_user = user
    service.save()
    service.set_current_language("fr")
    service.name = "Clinique"
    service.save()

    entries = service_to_hsds(service)["metadata"]
    imported = [e for e in entries if e["updated_by"] == "Importer"]
    assert len(imported) == 1
    # The import's own history adds nothing: no derived "create" of the service. The French text
    # added later is one "create" of that translation.
    derived = [e for e in entries if e["updated_by"] != "Importer"]
    assert [(e["last_action_type"], e["field_name"], e["previous_value"], e["replacement_value"]) for e in derived] == [
        ("update", "status", "active", "inactive"),
        ("create", "translations.fr", "", "fr"),
    ]
    assert [e["updated_by"] for e in derived] == ["secretariat", "system"]
    assert "staff@example.org" not in json.dumps(entries)
    assert all(uuid.UUID(e["id"]) and uuid.UUID(e["resource_id"]) == service.id for e in entries)
    # Derived ids are stable between calls.
    assert [e["id"] for e in service_to_hsds(service)["metadata"]] == [e["id"] for e in entries]


def test_a_record_created_here_has_one_create_entry_then_one_per_changed_field():
    service = translated(
        Service, texts={"en": {"name": "Clinic", "description": "Care."}}, status="active", fees="none"
    )
    service_id = str(service.id)
    service.status = "inactive"
    service.fees = "5 dollars"
    service.save()

    entries = metadata_for_records([service])[service.id]

    assert [(e["last_action_type"], e["field_name"], e["previous_value"], e["replacement_value"]) for e in entries] == [
        ("create", "id", "", service_id),
        ("update", "status", "active", "inactive"),  # one per changed field, in the model's order
        ("update", "fees", "none", "5 dollars"),
        ("create", "translations.en", "", "en"),  # its text (entries of one day: the record's first)
    ]
    assert all(e["resource_id"] == service_id and e["resource_type"] == "service" for e in entries)

    phone = Phone.objects.create(service=service, number="604-555-0199")
    phone_id = str(phone.id)
    phone.delete()
    deleted = [e for e in metadata_iter_all() if e["resource_id"] == phone_id]
    # A deletion keeps the values the record had, one entry per field with a value.
    assert [(e["last_action_type"], e["field_name"], e["previous_value"]) for e in deleted] == [
        ("create", "id", ""),
        ("delete", "service_id", service_id),
        ("delete", "number", "604-555-0199"),
    ]


def test_deleted_translation_is_a_delete_entry():
    service = translated(Service, texts={"en": {"name": "Clinic"}, "fr": {"name": "Clinique"}})
    service.delete_translation("fr")
    entries = metadata_for_records([service])[service.id]
    deleted = [e for e in entries if e["last_action_type"] == "delete"]
    assert [(e["field_name"], e["previous_value"], e["replacement_value"]) for e in deleted] == [
        ("translations.fr.name", "Clinique", "")
    ]


def test_metadata_for_a_page_costs_the_same_for_one_or_many(django_assert_num_queries):
    services = [build_full_service(n) for n in range(6)]
    for service in services:
        service.status = "inactive"
        service.save()
    with CaptureQueriesContext(connection) as one:
        metadata_for_records(services[:1])
    with django_assert_num_queries(len(one.captured_queries)):
        result = metadata_for_records(services)
    assert all(any(e["field_name"] == "status" for e in result[s.id]) for s in services)


# --- Queries ----------------------------------------------------------------------


def _serialize_page(queryset_helper, serializer, qs, **options):
    records = list(queryset_helper(qs))
    extras = preload_hsds_extras(records)
    return [serializer(record, extras=extras, **options) for record in records]


@pytest.mark.parametrize(
    ("model", "queryset_helper", "serializer", "options"),
    [
        (Service, service_queryset_for_hsds, service_to_hsds, {"translations": True}),
        (Organization, organization_queryset_for_hsds, organization_to_hsds, {"translations": True}),
        (ServiceAtLocation, service_at_location_queryset_for_hsds, service_at_location_to_hsds, {}),
        (Phone, record_queryset_for_hsds, record_to_hsds, {}),
    ],
    ids=["services", "organizations", "services_at_locations", "phones"],
)
def test_serializing_a_page_costs_a_constant_number_of_queries(
    model, queryset_helper, serializer, options, django_assert_num_queries
):
    build_full_service(0)
    with CaptureQueriesContext(connection) as single:
        one = _serialize_page(queryset_helper, serializer, model.objects.all(), **options)
    for n in range(1, 10):
        build_full_service(n)
    with django_assert_num_queries(len(single.captured_queries)):
        ten = _serialize_page(queryset_helper, serializer, model.objects.all(), **options)
    assert len(ten) == 10 * len(one)


def test_service_listing_form_query_count_is_constant(django_assert_num_queries):
    build_full_service(0)
    with CaptureQueriesContext(connection) as single:
        [service_to_hsds(s, full=False) for s in service_queryset_for_hsds(Service.objects.all(), full=False)]
    for n in range(1, 10):
        build_full_service(n)
    with django_assert_num_queries(len(single.captured_queries)):
        out = [service_to_hsds(s, full=False) for s in service_queryset_for_hsds(Service.objects.all(), full=False)]
    assert len(out) == 10


# --- Validity ---------------------------------------------------------------------


def test_serialized_objects_validate_against_the_official_schemas(full_service, hsds_validator):
    sal = ServiceAtLocation.objects.get()
    checks = {
        "service (full)": ("service", service_to_hsds(full_service, translations=True)),
        "service (listing)": ("service", service_to_hsds(full_service, full=False)),
        "service (minimal)": (
            "service",
            service_to_hsds(full_service, minimal=True) | {"name": "x", "status": "active"},
        ),
        "organization": ("organization", organization_to_hsds(full_service.organization, full_service=True)),
        "service_at_location": ("service_at_location", service_at_location_to_hsds(sal, translations=True)),
        "location": ("location", location_to_hsds(sal.location)),
        "taxonomy_term": (
            "taxonomy_term",
            taxonomy_term_to_hsds(TaxonomyTerm.objects.get(code="EMP-SEARCH"), translations=True),
        ),
    }
    for label, (hsds_type, obj) in checks.items():
        assert hsds_validator.errors(hsds_type, obj) == [], label


def test_validation_rejects_a_broken_object(full_service, hsds_validator):
    broken = service_to_hsds(full_service)
    broken["status"] = "open"
    broken["phones"][0].pop("number")
    broken["service_at_locations"][0]["location"]["latitude"] = "49.26"
    broken["id"] = "not-a-uuid"
    errors = hsds_validator.errors("service", broken)
    assert len(errors) == 4, errors


def test_a_capacity_without_a_unit_is_written_without_one(full_service, hsds_validator):
    capacity = ServiceCapacity.objects.get()
    assert record_to_hsds(capacity)["unit_id"] == str(capacity.unit_id)
    Unit.objects.all().delete()  # the capacity stays, without its unit

    capacity = ServiceCapacity.objects.get()
    nested = service_to_hsds(Service.objects.get())["capacities"][0]
    standing_alone = record_to_hsds(capacity)

    assert capacity.unit_id is None
    for obj in (nested, standing_alone):
        assert obj["id"] == str(capacity.id) and obj["available"] == 3
        assert "unit" not in obj and "unit_id" not in obj
    # The schema requires a unit, and that alone is wrong with the object (the export warns about it).
    assert hsds_validator.errors("service_capacity", standing_alone) == [": 'unit' is a required property"]
