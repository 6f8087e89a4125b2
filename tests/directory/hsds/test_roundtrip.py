"""Round trip: the specification's examples imported, served, exported again and compared record by record.

Normalisations, each for a documented reason:
- Dates and times are compared as instants: the export writes "2023-03-15T10:30:45.123000+00:00"
  for the example's "2023-03-15T10:30:45.123Z" (and UTC for "+01:00" offsets).
- Times likewise: location.json's "10:00" is stored as 10:00 and exported as "10:00:00".
- Links to records the examples do not contain are left out by the importer (with a warning), so
  the export has none: organization.parent_organization_id and taxonomy_term.parent_id in the
  JSON examples; in the CSV example also contact.organization_id and service_at_location_id,
  location.organization_id, service_area.service_at_location_id, service_capacity.service_id and
  unit_id, taxonomy_term.taxonomy_id (SPEC_CSV_DANGLING in test_import).
- The export adds what the original left implicit: parent ids of nested objects (a phone nested
  in a service states its location_id, …), and the profile's source_language and translations.
  Only the fields the original states are compared; the set of records must be the same.
- Empty values are left out of the export (HSDS allows no null); none of the examples' fields is empty.
- The phone number '"+44 1234 234567"' keeps its quotes: the example has them inside the value.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from newstart.directory.hsds.export import JSON_FILES
from newstart.directory.hsds.import_report import HsdsImportError
from newstart.directory.hsds.importer import hsds_import
from newstart.directory.hsds.tables import TABLES_BY_NAME
from newstart.directory.models import ServiceCapacity
from tests.directory.hsds.test_import import SPEC_CSV_DANGLING, repaired_spec_csv

pytestmark = [pytest.mark.django_db, pytest.mark.shared]

# Where nested objects sit in HSDS JSON, and what they are.
NESTED: dict[str, str] = {
    "phones": "phone",
    "languages": "language",
    "schedules": "schedule",
    "service_areas": "service_area",
    "service_at_locations": "service_at_location",
    "additional_urls": "url",
    "additional_websites": "url",
    "organization": "organization",
    "program": "program",
    "programs": "program",
    "funding": "funding",
    "cost_options": "cost_option",
    "required_documents": "required_document",
    "contacts": "contact",
    "capacities": "service_capacity",
    "unit": "unit",
    "attributes": "attribute",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
    "metadata": "metadata",
    "location": "location",
    "locations": "location",
    "addresses": "address",
    "accessibility": "accessibility",
    "organization_identifiers": "organization_identifier",
    "services": "service",
    "service": "service",
}
DROPPED_LINKS = {("organization", "parent_organization_id"), ("taxonomy_term", "parent_id")}
DATETIME_FIELDS = {"last_modified", "updated"}
TIME_FIELDS = {"opens_at", "closes_at"}
PROFILE_FIELDS = {"source_language", "translations"}

Records = dict[tuple[str, str], dict[str, Any]]


def flatten(obj: Any, table: str, records: Records) -> None:
    """Every object with its scalar fields, by (table, id); one id seen twice must say the same."""
    if isinstance(obj, list):
        for item in obj:
            flatten(item, table, records)
        return
    scalars = {key: value for key, value in obj.items() if not isinstance(value, dict | list)}
    known = records.setdefault((table, obj["id"]), {})
    for key, value in scalars.items():
        assert known.get(key, value) == value, (table, obj["id"], key)
        known[key] = value
    for key, value in obj.items():
        if key in NESTED and isinstance(value, dict | list):
            flatten(value, NESTED[key], records)


def normal(field: str, value: Any) -> Any:
    if field in DATETIME_FIELDS and isinstance(value, str) and value:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if field in TIME_FIELDS and isinstance(value, str) and value:
        return dt.time.fromisoformat(value)
    return value


def compare(original: Records, exported: Records) -> None:
    assert sorted(exported) == sorted(original)
    for key, fields in original.items():
        table = key[0]
        for field, value in fields.items():
            if (table, field) in DROPPED_LINKS:
                assert field not in exported[key], (key, field)
                continue
            assert normal(field, exported[key].get(field)) == normal(field, value), (key, field)


def export(tmp_path: Path) -> tuple[Path, list[str]]:
    """The export of the whole directory, and the warnings it printed."""
    out = tmp_path / "out"
    err = StringIO()
    call_command("export_hsds", str(out), verbosity=0, stderr=err)
    return out, err.getvalue().splitlines()


def exported_json(out: Path) -> Records:
    records: Records = {}
    for table, name in JSON_FILES:
        path = out / "json" / name
        if path.exists():
            flatten(json.loads(path.read_text(encoding="utf-8")), table, records)
    return records


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("service_full.json", "service"),
        ("organization_full.json", "organization"),
        ("service_at_location_full.json", "service_at_location"),
        ("location.json", "location"),
        ("taxonomy_term.json", "taxonomy_term"),
    ],
)
def test_json_example_round_trip(shared_dir, tmp_path, name, table):
    path = shared_dir / "hsds-3.1" / "examples" / name
    original: Records = {}
    flatten(json.loads(path.read_text(encoding="utf-8")), table, original)
    hsds_import(path=path)

    out, warnings = export(tmp_path)

    assert warnings == []
    exported = exported_json(out)
    compare(original, exported)
    for key, fields in exported.items():
        if key[0] in ("service", "organization", "taxonomy_term"):
            assert fields["source_language"] == "en"
    # The export imports again without any change.
    report = hsds_import(path=out / "json")
    assert report.total("created") == report.total("updated") == 0


Tables = dict[str, dict[str, dict[str, str]]]


def keyed(name: str, rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """The rows of one table by a key unique in it."""
    key = "resource_id" if name == "translations.csv" else "id"
    return {row[key] + row.get("language", "") + row.get("field", ""): row for row in rows}


def read_csv_tables(folder: Path) -> Tables:
    tables: Tables = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as file:
            tables[path.name] = keyed(path.name, list(csv.DictReader(file)))
    return tables


def compare_tables(original: Tables, exported: Tables, dropped: set[tuple[str, str]]) -> None:
    """Every table, row and value of `original` in `exported`; the `dropped` links left empty."""
    for name, rows in original.items():
        assert sorted(exported[name]) == sorted(rows), name
        for row_id, row in rows.items():
            for column, value in row.items():
                cell = exported[name][row_id][column]
                if (name, column) in dropped:
                    assert cell == "", (name, row_id, column)
                else:
                    assert normal(column, cell) == normal(column, value), (name, row_id, column)


def _column(field: str) -> tuple[str, str]:
    """("contacts.csv", "organization_id") for "contact.organization_id"."""
    table, column = field.split(".")
    return TABLES_BY_NAME[table].path, column


CSV_DROPPED_LINKS = {_column(field) for _where, _record, field, _table in SPEC_CSV_DANGLING}
# The references the repair leaves as they are: to parents that exist in no example.
CSV_DROPPED_LINKS_REPAIRED = {_column("organization.parent_organization_id"), _column("taxonomy_term.parent_id")}


@pytest.mark.parametrize("repaired", [False, True], ids=["as-published", "repaired"])
def test_csv_example_round_trip(shared_dir, tmp_path, repaired):
    """The spec's CSV example in and out again: as published, without the links to records it
    lacks; with those references repaired (see test_import), every value."""
    example = shared_dir / "hsds-3.1" / "examples" / "csv"
    source = repaired_spec_csv(shared_dir, tmp_path / "csv") if repaired else example
    dropped = CSV_DROPPED_LINKS_REPAIRED if repaired else CSV_DROPPED_LINKS
    hsds_import(path=source)

    out, warnings = export(tmp_path)

    compare_tables(read_csv_tables(source), read_csv_tables(out / "csv"), dropped)
    # The exported JSON imports again without any change.
    report = hsds_import(path=out / "json")
    assert report.total("created") == report.total("updated") == 0
    if repaired:
        assert warnings == []
        # So does the exported datapackage.
        report = hsds_import(path=out / "csv")
        assert report.total("created") == report.total("updated") == 0
        return
    # The capacity lacks the service and unit the tabular form requires: the export says so, and its
    # datapackage is refused for exactly that (the JSON form does not require the service).
    capacity = ServiceCapacity.objects.get()
    assert warnings == [
        f"WARNING: service_capacity {capacity.id} has no service_id, unit_id, which HSDS requires"
        ": exported as it is, it will not validate against the specification until the link is set"
    ]
    with pytest.raises(HsdsImportError) as refused:
        hsds_import(path=out / "csv")
    assert [(p.record, p.field, p.reason) for p in refused.value.problems] == [
        (str(capacity.id), "service_capacity.service_id", "required"),
        (str(capacity.id), "service_capacity.unit_id", "required"),
    ]


def _cell(value: Any) -> str:
    """A value of tabular.json as the CSV cell it stands for."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_tabular_json_example_round_trip(shared_dir, tmp_path):
    """examples/tabular.json: the CSV tables as JSON arrays of rows (numbers as JSON numbers), the same
    records as the CSV example less units, capacities and urls, with the same dangling links."""
    path = shared_dir / "hsds-3.1" / "examples" / "tabular.json"
    report = hsds_import(path=path)
    left_out = sorted(str(w.field) for w in report.warnings if str(w.reason).endswith("; the link is left out"))
    assert left_out == sorted(
        field for _w, _r, field, _t in SPEC_CSV_DANGLING if not field.startswith(("service_capacity", "service_area"))
    )

    out, warnings = export(tmp_path)

    assert warnings == []
    tables = json.loads(path.read_text(encoding="utf-8"))
    assert report.total("created") == sum(len(rows) for rows in tables.values()) == 21
    original = {
        name: keyed(name, [{column: _cell(value) for column, value in row.items()} for row in rows])
        for name, rows in tables.items()
    }
    compare_tables(original, read_csv_tables(out / "csv"), CSV_DROPPED_LINKS)
    report = hsds_import(path=path)
    assert report.total("created") == report.total("updated") == 0


@pytest.mark.parametrize("repaired", [False, True], ids=["as-published", "repaired"])
def test_csv_example_is_served_by_the_api(shared_dir, tmp_path, client, hsds_validator, repaired):
    example = shared_dir / "hsds-3.1" / "examples" / "csv"
    hsds_import(path=repaired_spec_csv(shared_dir, tmp_path / "csv") if repaired else example)
    service_id = "ac148810-d857-441c-9679-408f346de14b"

    response = client.get(f"/api/hsds/services/{service_id}")

    assert response.status_code == 200
    service = response.json()
    assert (service["id"], service["name"], service["status"]) == (service_id, "Community Counselling", "active")
    assert service["organization"]["id"] == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert service["program"]["id"] == "e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42"
    [sal] = service["service_at_locations"]
    assert sal["location"]["id"] == "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
    assert sal["location"]["addresses"][0]["id"]
    assert [phone["number"] for phone in service["phones"]] == ['"+44 1234 234567"']
    assert service["schedules"] and service["languages"] and service["cost_options"]
    # The capacity names this service only once repaired.
    assert len(service.get("capacities", [])) == (1 if repaired else 0)
    assert hsds_validator.errors("service", service) == []
