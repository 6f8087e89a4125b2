"""Round trip: the specification's examples imported, exported again, compared record by record.

Normalisations, each for a documented reason:
- Dates and times are compared as instants: the export writes "2023-03-15T10:30:45.123000+00:00"
  for the example's "2023-03-15T10:30:45.123Z" (and UTC for "+01:00" offsets).
- Times likewise: location.json's "10:00" is stored as 10:00 and exported as "10:00:00".
- organization.parent_organization_id and taxonomy_term.parent_id name records the examples do not
  contain; the importer leaves such links out (with a warning), so the export has none.
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
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from newstart.directory.hsds.export import JSON_FILES
from newstart.directory.hsds.importer import hsds_import
from tests.directory.hsds.test_import import repaired_spec_csv

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


def export(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    call_command("export_hsds", str(out), verbosity=0)
    return out


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

    out = export(tmp_path)

    exported = exported_json(out)
    compare(original, exported)
    for key, fields in exported.items():
        if key[0] in ("service", "organization", "taxonomy_term"):
            assert fields["source_language"] == "en"
    # The export imports again without any change.
    report = hsds_import(path=out / "json")
    assert report.total("created") == report.total("updated") == 0


def read_csv_tables(folder: Path) -> dict[str, dict[str, dict[str, str]]]:
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as file:
            rows = list(csv.DictReader(file))
        key = "resource_id" if path.name == "translations.csv" else "id"
        tables[path.name] = {row[key] + row.get("language", "") + row.get("field", ""): row for row in rows}
    return tables


def test_csv_example_round_trip(shared_dir, tmp_path):
    """The spec's CSV example (its dangling references repaired, see test_import) in and out again."""
    source = repaired_spec_csv(shared_dir, tmp_path / "csv")
    hsds_import(path=source)

    out = export(tmp_path)

    original = read_csv_tables(source)
    exported = read_csv_tables(out / "csv")
    for name, rows in original.items():
        assert sorted(exported[name]) == sorted(rows), name
        for row_id, row in rows.items():
            for column, value in row.items():
                table = name.removesuffix(".csv")
                if (table, column) in {("organizations", "parent_organization_id"), ("taxonomy_terms", "parent_id")}:
                    assert exported[name][row_id][column] == "", (name, column)
                    continue
                assert normal(column, exported[name][row_id][column]) == normal(column, value), (name, row_id, column)
    # The exported datapackage imports again without any change.
    report = hsds_import(path=out / "csv")
    assert report.total("created") == report.total("updated") == 0
