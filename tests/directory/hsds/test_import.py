"""manage.py import_hsds: HSDS JSON and tabular data in, all or nothing."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from newstart.directory.hsds.import_report import HsdsImportError
from newstart.directory.hsds.importer import hsds_import
from newstart.directory.models import (
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Metadata,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
    Unit,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SPEC_JSON_EXAMPLES = (
    "service_full.json",
    "organization_full.json",
    "service_at_location_full.json",
    "location.json",
    "service_list.json",
    "organization_list.json",
    "service_at_location_list.json",
    "taxonomy_term_list.json",
    "taxonomy_term.json",
    "taxonomy_list.json",
    "taxonomy.json",
    "tabular.json",  # the CSV tables as JSON arrays of rows
)


def snapshot() -> dict[str, int]:
    """Row counts of every directory table: records, translations and their history."""
    return {
        model._meta.label: model._default_manager.count() for model in apps.get_app_config("directory").get_models()
    }


def run(path: Path | str, *args: str) -> tuple[str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_hsds", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failure(path: Path | str, *args: str) -> str:
    with pytest.raises(CommandError) as error:
        run(path, *args)
    return str(error.value)


def u(text: str) -> uuid.UUID:
    return uuid.UUID(text)


# --- the specification's examples -----------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("name", SPEC_JSON_EXAMPLES)
def test_spec_json_example_imports_and_reimports_without_changes(shared_dir, name):
    path = shared_dir / "hsds-3.1" / "examples" / name
    first = hsds_import(path=path)
    assert first.total("created") > 0
    assert first.total("updated") == 0
    after_first = snapshot()

    second = hsds_import(path=path)

    assert second.total("created") == 0
    assert second.total("updated") == 0
    assert second.total("unchanged") == first.total("created")
    assert snapshot() == after_first  # no duplicates, no new history rows


@pytest.mark.shared
def test_spec_service_full_keeps_every_nested_object_and_its_parents(shared_dir):
    hsds_import(path=shared_dir / "hsds-3.1" / "examples" / "service_full.json")

    service = Service.objects.get(pk=u("ac148810-d857-441c-9679-408f346de14b"))
    assert service.safe_translation_getter("name", language_code="en") == "Community Counselling"
    assert service.source_language == "en"
    assert service.organization_id == u("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
    assert service.program_id == u("e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42")
    assert service.last_modified == dt.datetime(2023, 3, 15, 10, 30, 45, 123000, tzinfo=dt.UTC)
    # The phone appears under the service, its location, its service at location, its contact and its
    # organization: one row, linked to all of them.
    phone = Phone.objects.get()
    assert phone.number == '"+44 1234 234567"'
    assert (
        phone.service_id,
        phone.location_id,
        phone.service_at_location_id,
        phone.contact_id,
        phone.organization_id,
    ) == (
        service.id,
        u("3a19ff88-4620-4d17-9830-ac1d859eb5d5"),
        u("e94c9f38-1e8f-4564-91d4-d53501ab1765"),
        u("1e7efce3-639b-4880-940c-b95cd30cdb50"),
        u("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"),
    )
    language = Language.objects.get()
    assert (language.service_id, language.location_id, language.phone_id) == (service.id, phone.location_id, phone.id)
    capacity = ServiceCapacity.objects.get()
    assert capacity.service_id == service.id
    assert capacity.unit == Unit.objects.get(name="Kilogram")
    assert CostOption.objects.get().amount == Decimal("35")
    schedule = Schedule.objects.get()
    assert (schedule.opens_at, schedule.wkst, schedule.byday) == (dt.time(10), "TU", "TH,FR")
    # Attributes and metadata nested in the service name it, unless they state otherwise.
    attribute = Attribute.objects.get()
    assert (attribute.link_id, attribute.link_entity, attribute.label) == (
        service.id,
        "link_entity",
        "An Example Label",
    )
    term = TaxonomyTerm.objects.get()
    assert term.taxonomy_detail_id == u("5c4d79d7-cc55-470e-9f1f-8cad074e4892")
    assert term.parent_id is None  # the spec's parent term is not in the example: the link is left out
    metadata = Metadata.objects.get()
    assert (metadata.resource_id, metadata.resource_type, metadata.field_name) == (service.id, "location", "name")
    # Every write is recorded as the importer's.
    assert set(service.history.values_list("history_change_reason", flat=True)) == {"import"}
    assert set(phone.history.values_list("history_change_reason", flat=True)) == {"import"}


@pytest.mark.shared
def test_spec_location_with_latitude_100_imports_with_a_warning(shared_dir):
    out, err = run(shared_dir / "hsds-3.1" / "examples" / "location.json")

    location = Location.objects.get(pk=u("3a19ff88-4620-4d17-9830-ac1d859eb5d5"))
    assert (location.latitude, location.longitude) == (100.0, 101.0)
    assert location.has_valid_coordinates is False
    assert "WARNING: location.json, 3a19ff88-4620-4d17-9830-ac1d859eb5d5, location.latitude" in err
    assert "geographic search" in err
    assert "Imported: 7 records created" in out


# The links of the spec's CSV example to records it does not contain (its JSON examples, which hold
# the same records, point at ones they contain). The model can store each record without the link,
# so each is left out with a warning: (file and line, record, field, the id named).
SPEC_CSV_DANGLING = [
    ("contacts.csv (line 2)", "1e7efce3-639b-4880-940c-b95cd30cdb50", "contact.organization_id", "organization"),
    (
        "contacts.csv (line 2)",
        "1e7efce3-639b-4880-940c-b95cd30cdb50",
        "contact.service_at_location_id",
        "service_at_location",
    ),
    ("locations.csv (line 2)", "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "location.organization_id", "organization"),
    (
        "organizations.csv (line 2)",
        "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
        "organization.parent_organization_id",
        "organization",
    ),
    (
        "service_areas.csv (line 2)",
        "381c64f1-a724-4884-9c21-ac96c21cca3e",
        "service_area.service_at_location_id",
        "service_at_location",
    ),
    ("service_capacity.csv (line 2)", "8896b788-7b3e-11ef-8db9-7f3d040352b3", "service_capacity.service_id", "service"),
    ("service_capacity.csv (line 2)", "8896b788-7b3e-11ef-8db9-7f3d040352b3", "service_capacity.unit_id", "unit"),
    ("taxonomy_terms.csv (line 2)", "3f7b145d-84af-42d7-8fae-eaca714b02b2", "taxonomy_term.parent_id", "taxonomy_term"),
    ("taxonomy_terms.csv (line 2)", "3f7b145d-84af-42d7-8fae-eaca714b02b2", "taxonomy_term.taxonomy_id", "taxonomy"),
]


@pytest.mark.shared
def test_spec_csv_example_imports_leaving_out_links_to_records_it_lacks(shared_dir):
    path = shared_dir / "hsds-3.1" / "examples" / "csv"

    out, err = run(path)

    warnings = [line.removeprefix("WARNING: ") for line in err.splitlines() if line.startswith("WARNING: ")]
    left_out = sorted(line for line in warnings if line.endswith("; the link is left out"))
    assert [tuple(line.split(": no ")[0].split(", ")) for line in left_out] == [
        (where, record, field) for where, record, field, _table in SPEC_CSV_DANGLING
    ]
    for line, (_where, _record, _field, table) in zip(left_out, SPEC_CSV_DANGLING, strict=True):
        assert f": no {table} " in line and line.endswith(" in the dataset or the database; the link is left out")
    # The other warnings: values the specification allows but that cannot be true.
    assert sorted(line.split(": ")[0] for line in warnings if line not in left_out) == [
        "attributes.csv (line 2), ae58cc39-8b70-4ab1-8aea-786882e5ac8e, attribute.link_entity",
        "locations.csv (line 2), 3a19ff88-4620-4d17-9830-ac1d859eb5d5, location.latitude",
        "service_capacity.csv (line 2), 8896b788-7b3e-11ef-8db9-7f3d040352b3, service_capacity.available",
    ]
    assert "Imported: 24 records created" in out
    # Every record is there, without the links it could not have.
    assert (Contact.objects.get().organization_id, Contact.objects.get().service_at_location_id) == (None, None)
    assert Location.objects.get().organization_id is None
    capacity = ServiceCapacity.objects.get()
    assert (capacity.service_id, capacity.unit_id, capacity.available, capacity.maximum) == (None, None, 12.0, 10.0)
    assert Unit.objects.get().name == "Kilogram"  # the unit the capacity did not name
    term = TaxonomyTerm.objects.get()
    assert (term.taxonomy_detail_id, term.parent_id) == (None, None)
    assert Service.objects.get().organization_id == u("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")  # links it has stay
    assert ServiceAtLocation.objects.get().location_id == u("3a19ff88-4620-4d17-9830-ac1d859eb5d5")
    after = snapshot()

    report = hsds_import(path=path)

    assert report.total("unchanged") == 24 and report.total("created") == report.total("updated") == 0
    assert len(report.warnings) == len(warnings)
    assert snapshot() == after


# The spec's CSV example with its dangling references pointed where its JSON examples point.
SPEC_CSV_REPAIRS = {
    "contacts.csv": {
        "ae67a707-5893-4225-b0b1-320ab9cb596b": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
        "93eaf18d-1cd2-4ec7-bffb-3c9172ee5070": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
    },
    "locations.csv": {"985e4a42-bd9f-4edc-911d-0243a4640aca": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"},
    "service_areas.csv": {"af69894e-7bed-11ef-a85c-07e0918a608c": "e94c9f38-1e8f-4564-91d4-d53501ab1765"},
    "service_capacity.csv": {
        "f75b808e-7bdb-11ef-afaa-ab00a77dc5c4": "ac148810-d857-441c-9679-408f346de14b",
        "187a37a2-7b40-11ef-9790-dbf7623d4407": "8896b788-7b3e-11ef-8db9-7f3d040352b3",
    },
    "taxonomy_terms.csv": {"07ff6aee-a219-438c-b694-d2fcb6c5373b": "5c4d79d7-cc55-470e-9f1f-8cad074e4892"},
}


def repaired_spec_csv(shared_dir: Path, target: Path) -> Path:
    shutil.copytree(shared_dir / "hsds-3.1" / "examples" / "csv", target)
    for name, replacements in SPEC_CSV_REPAIRS.items():
        text = (target / name).read_text(encoding="utf-8")
        for old, new in replacements.items():
            assert old in text
            text = text.replace(old, new)
        (target / name).write_text(text, encoding="utf-8")
    return target


@pytest.mark.shared
def test_spec_csv_and_json_examples_describe_the_same_records(shared_dir, tmp_path):
    """Importing service_full.json over the (repaired) CSV example changes only what the two disagree on."""
    hsds_import(path=repaired_spec_csv(shared_dir, tmp_path / "csv"))

    report = hsds_import(path=shared_dir / "hsds-3.1" / "examples" / "service_full.json")

    changed = {name for name, counts in report.counts.items() if counts.updated or counts.created}
    # The CSV's metadata row names resource 38960354-…, the JSON's is nested in the service; the CSV's
    # attribute links to f28dd44b-…, the JSON's to the service; the CSV's url belongs to nothing and the
    # JSON's to both the service and the organization.
    assert changed == {"metadata", "attribute", "url"}


# --- small hand-made datasets ------------------------------------------------------------------


def test_json_folder_merges_records_across_files():
    report = hsds_import(path=FIXTURES / "good_json")

    assert report.counts["service"].created == 2
    assert report.counts["attribute"].created == 2
    org = Organization.objects.get()
    assert org.safe_translation_getter("name") == "Riverside Settlement Society"
    assert set(org.services.values_list("pk", flat=True)) == {
        u("20000000-0000-4000-8000-000000000001"),
        u("20000000-0000-4000-8000-000000000002"),
    }
    sal = ServiceAtLocation.objects.get()
    assert sal.location.name == "Main office"  # the nested location holds only its id; the full one is elsewhere
    assert Location.objects.get().has_valid_coordinates is True
    assert Address.objects.get().location_id == sal.location_id
    assert Schedule.objects.get().opens_at == dt.time(9)
    cost = CostOption.objects.get()
    assert (cost.amount, cost.currency) == (Decimal("0"), "CAD")
    term = TaxonomyTerm.objects.get()
    assert term.code == "EMP"
    assert term.taxonomy_detail is not None
    assert term.taxonomy_detail.name == "newstart settlement taxonomy"
    assert set(Attribute.objects.values_list("link_entity", "link_id")) == {
        ("service", u("20000000-0000-4000-8000-000000000001")),
        ("service", u("20000000-0000-4000-8000-000000000002")),
    }


def test_page_envelope_input():
    report = hsds_import(path=FIXTURES / "page.json")

    assert report.counts["service"].created == 2
    assert report.counts["organization"].created == 1
    assert Service.objects.get(pk=u("20000000-0000-4000-8000-000000000012")).status == "temporarily closed"


def test_tabular_folder_with_translations_bom_latin1_and_an_unknown_column():
    out, err = run(FIXTURES / "good_csv")

    assert "services.csv, colour: not HSDS service columns; ignored" in err
    service = Service.objects.get(pk=u("20000000-0000-4000-8000-000000000031"))
    assert service.safe_translation_getter("description", language_code="en") == (
        'Help with housing, schools and "first steps".'
    )
    assert service.safe_translation_getter("name", language_code="fr") == "Conseil en établissement"
    assert service.last_modified == dt.datetime(2024, 6, 1, 9, tzinfo=dt.UTC)
    other = Service.objects.get(pk=u("20000000-0000-4000-8000-000000000032"))
    assert other.safe_translation_getter("description", language_code="en") == "Two lines\nof description"
    assert (other.minimum_age, other.maximum_age, other.assured_date) == (16.0, None, None)
    org = Organization.objects.get()  # organizations.csv starts with a byte-order mark
    assert org.year_incorporated == 2001.0
    assert org.safe_translation_getter("name", language_code="zh-hans") == "港口新移民中心"
    assert Phone.objects.get().description == "Réception"  # phones.csv is Latin-1, as its resource says
    assert Contact.objects.get().service_at_location_id == u("40000000-0000-4000-8000-000000000031")
    virtual = Location.objects.get(location_type="virtual")
    assert (virtual.latitude, virtual.has_valid_coordinates) == (None, False)
    assert "Imported: 9 records created, 0 updated, 0 unchanged." in out


def test_translations_profile_in_json():
    hsds_import(path=FIXTURES / "translations.json", language="pa")

    service = Service.objects.get(pk=u("20000000-0000-4000-8000-000000000021"))
    assert service.source_language == "fr"
    assert {row.language_code: row.name for row in service.translations.all()} == {
        "fr": "Aide à l'emploi",
        "en": "Employment help",
        "pa": "ਰੁਜ਼ਗਾਰ ਸਹਾਇਤਾ",
    }
    assert service.safe_translation_getter("description", language_code="en") == "One-to-one help finding work."
    assert Organization.objects.get().source_language == "fr"
    # Without source_language, a record is in the language the command was given.
    punjabi = Service.objects.get(pk=u("20000000-0000-4000-8000-000000000022"))
    assert punjabi.source_language == "pa"
    assert list(punjabi.translations.values_list("language_code", "name")) == [("pa", "ਪੰਜਾਬੀ ਸਹਾਇਤਾ")]


def test_translations_profile_problems(tmp_path):
    path = tmp_path / "services.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "20000000-0000-4000-8000-000000000071",
                    "name": "Clinic",
                    "status": "active",
                    "source_language": "not a language",
                    "translations": {"fr": {"name": "Clinique", "colour": "bleu"}, "es": {"description": "Sin nombre"}},
                }
            ]
        )
    )
    message = failure(path)

    assert "service.source_language: 'not a language' is not a language code" in message
    assert "service.translations: fr: 'colour' is not a translated field" in message
    assert Service.objects.count() == 0


def test_a_new_translation_needs_the_required_fields(tmp_path):
    path = tmp_path / "services.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "20000000-0000-4000-8000-000000000072",
                    "name": "Clinic",
                    "status": "active",
                    "translations": {"es": {"description": "Sin nombre"}},
                }
            ]
        )
    )
    message = failure(path)

    assert (
        "services.json, 20000000-0000-4000-8000-000000000072, service.translations.es: a new translation needs name"
        in (message)
    )
    assert snapshot() == {label: 0 for label in snapshot()}


def test_bad_dataset_changes_nothing_and_lists_every_problem():
    hsds_import(path=FIXTURES / "page.json")  # something already in the database, which must stay as it is
    before = snapshot()

    message = failure(FIXTURES / "services_bad.json")

    assert snapshot() == before
    lines = message.splitlines()
    expected = [
        "services_bad.json, 20000000-0000-4000-8000-000000000041, service.name: required",
        "services_bad.json, $[1], service.id: 'not-a-uuid' is not a UUID",
        "services_bad.json, 20000000-0000-4000-8000-000000000043, service.status: 'open' is not one of: active, "
        "inactive, defunct, temporarily closed",
        "services_bad.json, 20000000-0000-4000-8000-000000000043, service.email: 'not-an-email' is not an email",
        "services_bad.json, 20000000-0000-4000-8000-000000000043, service.url: 'not a uri' is not an absolute URI",
        "services_bad.json, 20000000-0000-4000-8000-000000000043, service.assured_date: '2024-13-01' is not a date "
        "that exists",
        "services_bad.json, 20000000-0000-4000-8000-000000000043, service.minimum_age: 'twelve' is not a number",
        "services_bad.json, 50000000-0000-4000-8000-000000000043, phone.number: required",
        "services_bad.json, 80000000-0000-4000-8000-000000000043, schedule.wkst: 'XX' is not one of: MO, TU, WE, "
        "TH, FR, SA, SU",
        "services_bad.json, 80000000-0000-4000-8000-000000000043, schedule.freq: 'DAILY' is not one of: WEEKLY, "
        "MONTHLY",
        "services_bad.json, 80000000-0000-4000-8000-000000000043, schedule.opens_at: '25:00' is not a time",
        "services_bad.json, 30000000-0000-4000-8000-000000000043, location.location_type: 'floating' is not one of",
        "services_bad.json, 30000000-0000-4000-8000-000000000043, location.latitude: 'north' is not a number",
        "services_bad.json, 60000000-0000-4000-8000-000000000043, address.country: 6 characters; at most 2 fit",
        "services_bad.json, 60000000-0000-4000-8000-000000000043, address.address_type: 'home' is not one of",
    ]
    for line in expected:
        assert any(found.startswith(line) for found in lines), line
    assert lines[0] == f"{len(expected)} problems found; nothing was imported."
    assert len(lines) == len(expected) + 1


def test_half_bad_dataset_changes_nothing():
    before = snapshot()

    message = failure(FIXTURES / "services_half_bad.json")

    assert snapshot() == before
    assert message.splitlines()[1:] == [
        "services_half_bad.json, 20000000-0000-4000-8000-000000000053, service.status: 'closed' is not one of: "
        "active, inactive, defunct, temporarily closed"
    ]


def test_conflicting_values_for_one_id_are_problems():
    message = failure(FIXTURES / "services_conflict.json")

    lines = message.splitlines()
    assert lines[0] == "2 problems found; nothing was imported."
    assert (
        "services_conflict.json, 20000000-0000-4000-8000-000000000061, service.name: conflicting values for this "
        "id: 'Legal clinic' (services_conflict.json $[0]) and 'Legal aid clinic' (services_conflict.json $[1])"
    ) in lines
    assert "phone.number: conflicting values for this id: '604-555-0161'" in message
    assert Service.objects.count() == 0


def test_the_same_id_nested_under_two_parents_of_one_kind_is_a_conflict(tmp_path):
    phone = {"id": "50000000-0000-4000-8000-000000000081", "number": "604-555-0181"}
    path = tmp_path / "services.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": f"20000000-0000-4000-8000-00000000008{n}",
                    "name": f"S{n}",
                    "status": "active",
                    "phones": [phone],
                }
                for n in (1, 2)
            ]
        )
    )
    message = failure(path)

    assert "phone.service_id: the same id is nested in two different records" in message


def test_a_child_stating_another_parent_than_its_nesting_is_a_problem(tmp_path):
    path = tmp_path / "services.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "20000000-0000-4000-8000-000000000091",
                    "name": "S",
                    "status": "active",
                    "phones": [
                        {
                            "id": "50000000-0000-4000-8000-000000000091",
                            "number": "1",
                            "service_id": "20000000-0000-4000-8000-000000000099",
                        }
                    ],
                }
            ]
        )
    )
    message = failure(path)

    assert "phone.service_id: the record is nested in 20000000-0000-4000-8000-000000000091" in message


def test_references_to_records_already_in_the_database_are_fine(tmp_path):
    hsds_import(path=FIXTURES / "page.json")
    path = tmp_path / "services.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "20000000-0000-4000-8000-0000000000a1",
                    "name": "Another",
                    "status": "active",
                    "organization_id": "10000000-0000-4000-8000-000000000011",
                }
            ]
        )
    )
    report = hsds_import(path=path)

    assert report.counts["service"].created == 1
    assert Organization.objects.get().services.count() == 3


def test_a_link_to_a_record_that_exists_nowhere_is_left_out_where_the_model_allows(tmp_path):
    hsds_import(path=FIXTURES / "page.json")
    nowhere = "10000000-0000-4000-8000-0000000000ff"
    path = tmp_path / "services.json"
    path.write_text(
        json.dumps(
            [
                # Already in the database, linked to its organization: the dataset now names one that
                # does not exist, so it is stored without (rather than keeping the link it replaced).
                {
                    "id": "20000000-0000-4000-8000-000000000011",
                    "name": "Food bank",
                    "status": "active",
                    "organization_id": nowhere,
                },
                {
                    "id": "20000000-0000-4000-8000-0000000000b1",
                    "name": "New",
                    "status": "active",
                    "organization_id": nowhere,
                    "capacities": [
                        {
                            "id": "b0000000-0000-4000-8000-000000000001",
                            "available": 2,
                            "updated": "2024-01-01T00:00:00Z",
                            "unit_id": "b0000000-0000-4000-8000-0000000000ff",
                        }
                    ],
                },
            ]
        )
    )

    out, err = run(path)

    assert err.count("; the link is left out") == 3
    assert (
        f"WARNING: services.json, 20000000-0000-4000-8000-0000000000b1, service.organization_id: no organization "
        f"{nowhere} in the dataset or the database; the link is left out" in err
    )
    assert "b0000000-0000-4000-8000-000000000001, service_capacity.unit_id: no unit" in err
    assert Service.objects.get(pk=u("20000000-0000-4000-8000-000000000011")).organization_id is None
    assert Service.objects.get(pk=u("20000000-0000-4000-8000-0000000000b1")).organization_id is None
    capacity = ServiceCapacity.objects.get()
    assert (capacity.service_id, capacity.unit_id) == (u("20000000-0000-4000-8000-0000000000b1"), None)
    assert "1 updated" in out


def test_a_link_the_model_requires_to_a_record_that_exists_nowhere_is_a_problem(tmp_path):
    before = snapshot()
    path = tmp_path / "services.json"
    path.write_text(
        json.dumps(
            {
                "id": "20000000-0000-4000-8000-0000000000c1",
                "name": "Linked",
                "status": "active",
                "service_at_locations": [
                    {
                        "id": "c0000000-0000-4000-8000-000000000001",
                        "location_id": "c0000000-0000-4000-8000-0000000000ff",
                    }
                ],
                "attributes": [
                    {
                        "id": "c0000000-0000-4000-8000-000000000002",
                        "taxonomy_term_id": "c0000000-0000-4000-8000-0000000000fe",
                    }
                ],
            }
        )
    )

    message = failure(path)

    assert snapshot() == before
    assert message.splitlines()[1:] == [
        "services.json, c0000000-0000-4000-8000-000000000001, service_at_location.location_id: no location "
        "c0000000-0000-4000-8000-0000000000ff in the dataset or the database",
        "services.json, c0000000-0000-4000-8000-000000000002, attribute.taxonomy_term_id: no taxonomy_term "
        "c0000000-0000-4000-8000-0000000000fe in the dataset or the database",
    ]


def test_changed_values_update_the_record_with_one_history_row(tmp_path):
    hsds_import(path=FIXTURES / "page.json")
    data = json.loads((FIXTURES / "page.json").read_text())
    data["contents"][0]["status"] = "inactive"
    data["contents"][0]["name"] = "Food bank (winter)"
    path = tmp_path / "services.json"
    path.write_text(json.dumps(data))
    service_id = u("20000000-0000-4000-8000-000000000011")
    history_before = Service.history.filter(id=service_id).count()

    report = hsds_import(path=path)

    assert (report.counts["service"].updated, report.counts["service"].unchanged) == (1, 1)
    assert report.counts["organization"].unchanged == 1
    service = Service.objects.get(pk=service_id)
    assert service.status == "inactive"
    assert service.safe_translation_getter("name", language_code="en") == "Food bank (winter)"
    assert Service.history.filter(id=service_id).count() == history_before + 1
    assert Service.history.filter(id=service_id).latest("history_date").history_change_reason == "import"
    translation_history = Service._parler_meta.root_model.history.filter(master_id=service_id)
    assert translation_history.latest("history_date").history_change_reason == "import"


def test_fields_a_record_leaves_out_are_left_as_they_are(tmp_path):
    hsds_import(path=FIXTURES / "good_json")
    path = tmp_path / "services.json"
    path.write_text(
        json.dumps([{"id": "20000000-0000-4000-8000-000000000001", "name": "Job search help", "status": "active"}])
    )

    report = hsds_import(path=path)

    assert report.counts["service"].unchanged == 1
    service = Service.objects.get(pk=u("20000000-0000-4000-8000-000000000001"))
    assert service.email == "jobs@riverside.example.org"
    assert service.organization_id == u("10000000-0000-4000-8000-000000000001")


def test_dry_run_counts_but_writes_nothing():
    out, _err = run(FIXTURES / "good_json", "--dry-run")

    assert "Dry run: 14 records would be created, 0 updated, 0 unchanged; nothing was written." in out
    assert snapshot() == {label: 0 for label in snapshot()}


def test_missing_path_and_bad_json(tmp_path):
    assert "no such file or folder" in failure(tmp_path / "nothing-here.json")
    bad = tmp_path / "services.json"
    bad.write_text('[{"id": ')
    assert "services.json: not valid JSON (line 1, column 9" in failure(bad)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no HSDS data found" in failure(empty)


def test_json_whose_object_type_cannot_be_told(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"id": "20000000-0000-4000-8000-0000000000b1", "name": "?"}))
    assert "cannot tell which HSDS object this is" in failure(path)
    # ... but the fields can tell it.
    path.write_text(json.dumps({"id": "20000000-0000-4000-8000-0000000000b1", "name": "Clinic", "status": "active"}))
    assert hsds_import(path=path).counts["service"].created == 1


def test_csv_missing_a_required_column_and_a_broken_row(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "organizations.csv").write_text(
        "id,name\n10000000-0000-4000-8000-0000000000c1,Org\n10000000-0000-4000-8000-0000000000c2,Org,extra\n"
    )
    message = failure(folder)

    assert "organizations.csv, organization.description: required column is missing" in message
    assert "organizations.csv, line 3: 3 cells but 2 columns" in message


def test_csv_empty_required_cells_are_problems(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps({"resources": [{"name": "service", "path": "services.csv"}]}))
    (folder / "services.csv").write_text(
        "id,organization_id,name,status\n20000000-0000-4000-8000-0000000000d1,,,active\n"
    )
    message = failure(folder)

    assert "services.csv (line 2), 20000000-0000-4000-8000-0000000000d1, service.organization_id: required" in message
    assert "services.csv (line 2), 20000000-0000-4000-8000-0000000000d1, service.name: required" in message


def test_csv_not_in_its_declared_encoding(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "organization", "path": "organizations.csv"}]})
    )
    (folder / "organizations.csv").write_bytes(b"id,name,description\n10000000-0000-4000-8000-0000000000e1,Caf\xe9,x\n")
    assert "organizations.csv: not utf-8 text at byte" in failure(folder)


def test_the_listing_is_capped(tmp_path):
    path = tmp_path / "services.json"
    path.write_text(json.dumps([{"id": f"bad-{n}", "name": "x", "status": "active"} for n in range(250)]))

    lines = failure(path).splitlines()

    assert lines[0] == "250 problems found; nothing was imported."
    assert len(lines) == 202
    assert lines[-1] == "… and 50 more."


def test_import_writes_in_a_bounded_number_of_queries(tmp_path, django_assert_max_num_queries):
    """Rows are fetched and written in bulk: the query count does not grow with the record count."""
    services = [
        {
            "id": str(uuid.UUID(int=n + 1)),
            "name": f"Service {n}",
            "status": "active",
            "phones": [{"id": str(uuid.UUID(int=10_000 + n)), "number": f"604-555-{n:04d}"}],
            "organization": {"id": "10000000-0000-4000-8000-0000000000f1", "name": "Big", "description": "Org"},
        }
        for n in range(300)
    ]
    path = tmp_path / "services.json"
    path.write_text(json.dumps(services))

    with django_assert_max_num_queries(60):
        report = hsds_import(path=path)
    assert report.counts["service"].created == 300
    with django_assert_max_num_queries(20):
        again = hsds_import(path=path)
    assert again.total("unchanged") == 601


def test_bad_language_option():
    with pytest.raises(HsdsImportError) as error:
        hsds_import(path=FIXTURES / "page.json", language="english please")
    assert "--language" in str(error.value.problems[0])


def test_opening_times_with_a_utc_offset_keep_the_offset_as_the_schedules_timezone(tmp_path):
    path = tmp_path / "schedules.json"
    path.write_text(
        json.dumps(
            [
                {"id": "80000000-0000-4000-8000-0000000000a1", "opens_at": "09:00-08:00", "closes_at": "17:00-08:00"},
                {"id": "80000000-0000-4000-8000-0000000000a2", "opens_at": "09:00Z", "timezone": 3},
            ]
        )
    )
    message = failure(path)
    assert "schedule.opens_at: the time's UTC offset (0.0 hours) differs from the schedule's timezone (3.0)" in message

    data = json.loads(path.read_text())[:1]
    path.write_text(json.dumps(data))
    hsds_import(path=path)
    schedule = Schedule.objects.get()
    assert (schedule.opens_at, schedule.closes_at, schedule.timezone) == (dt.time(9), dt.time(17), -8.0)


def test_translations_table_for_records_in_the_database_or_nowhere(tmp_path):
    hsds_import(path=FIXTURES / "page.json")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "translation", "path": "translations.csv"}]})
    )
    (folder / "translations.csv").write_text(
        "resource_type,resource_id,language,field,value\n"
        "service,20000000-0000-4000-8000-000000000011,es,name,Banco de alimentos\n"
    )
    report = hsds_import(path=folder)

    assert report.counts["service"].updated == 1
    service = Service.objects.get(pk=u("20000000-0000-4000-8000-000000000011"))
    assert service.safe_translation_getter("name", language_code="es") == "Banco de alimentos"
    assert service.source_language == "en"

    (folder / "translations.csv").write_text(
        "resource_type,resource_id,language,field,value\n"
        "service,20000000-0000-4000-8000-0000000000ff,es,name,Nada\n"
        "program,20000000-0000-4000-8000-000000000011,es,name,Nada\n"
    )
    message = failure(folder)
    assert (
        "translations.csv (line 2), 20000000-0000-4000-8000-0000000000ff, resource_id: no service with this id"
        in message
    )
    assert (
        "translations.csv (line 3), 20000000-0000-4000-8000-000000000011, resource_type: 'program' is not one of"
        in (message)
    )


def test_listeners_hear_which_records_changed(django_capture_on_commit_callbacks):
    from newstart.directory.hsds.importer import hsds_imported

    heard = []

    def listener(sender, changed, **kwargs):
        heard.append(changed)

    hsds_imported.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            hsds_import(path=FIXTURES / "page.json")
        with django_capture_on_commit_callbacks(execute=True):
            hsds_import(path=FIXTURES / "page.json")
    finally:
        hsds_imported.disconnect(listener)

    assert heard == [
        {
            "organization": {u("10000000-0000-4000-8000-000000000011")},
            "service": {u("20000000-0000-4000-8000-000000000011"), u("20000000-0000-4000-8000-000000000012")},
        },
        {},
    ]
