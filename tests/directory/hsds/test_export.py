from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newstart.directory.hsds import export as export_module
from newstart.directory.hsds.export import JSON_FILES, hsds_export, hsds_models
from newstart.directory.hsds.profile import TRANSLATABLE_FIELDS, TRANSLATIONS_COLUMNS, TRANSLATIONS_PATH
from newstart.directory.hsds.tables import TABLES
from newstart.directory.models import Metadata, Service, ServiceCapacity
from tests.directory.hsds.conftest import build_full_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(tmp_path) -> Path:
    for n in range(3):
        build_full_service(n)
    service = Service.objects.order_by("pk")[0]
    service.status = "inactive"
    service.save()
    out = tmp_path / "export"
    call_command("export_hsds", str(out), verbosity=0)
    return out


def _read_json(out: Path, name: str) -> list[dict]:
    return json.loads((out / "json" / name).read_text(encoding="utf-8"))


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_json_files_hold_every_record_of_their_type(exported):
    models = hsds_models()
    assert sorted(p.name for p in (exported / "json").iterdir()) == sorted(name for _type, name in JSON_FILES)
    for hsds_type, file_name in JSON_FILES:
        objects = _read_json(exported, file_name)
        if hsds_type == "metadata":
            assert len(objects) > Metadata.objects.count()  # imported rows and the history's
            continue
        ids = {obj["id"] for obj in objects}
        assert ids == {str(pk) for pk in models[hsds_type]._default_manager.values_list("pk", flat=True)}, file_name


def test_json_objects_are_nested_with_translations(exported):
    services = _read_json(exported, "services.json")
    assert len(services) == 3
    service = next(s for s in services if s["name"] == "Job search help 0")
    assert service["translations"]["fr"]["name"] == "Aide à la recherche d'emploi 0"
    assert service["source_language"] == "en"
    assert service["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Vancouver"
    assert service["attributes"][0]["taxonomy_term"]["code"] == "EMP-SEARCH"
    assert any(
        entry["field_name"] == "status" for entry in next(s for s in services if s["status"] == "inactive")["metadata"]
    )

    organizations = _read_json(exported, "organizations.json")
    org = next(o for o in organizations if o.get("services"))
    assert org["translations"]["fr"]["name"].startswith("Société")
    phones = _read_json(exported, "phones.json")
    assert any(p.get("languages") for p in phones)
    # Flat files keep every foreign key.
    assert all(any(k.endswith("_id") for k in p) for p in phones)
    capacities = _read_json(exported, "service_capacities.json")
    assert capacities[0]["unit"]["name"] == "place"
    terms = _read_json(exported, "taxonomy_terms.json")
    assert any(t.get("translations", {}).get("fr") for t in terms)


def test_every_exported_json_object_validates_against_the_official_schemas(exported, hsds_validator):
    checked = 0
    for hsds_type, file_name in JSON_FILES:
        for index, obj in enumerate(_read_json(exported, file_name)):
            errors = hsds_validator.errors(hsds_type, obj)
            assert errors == [], f"{file_name}[{index}]: {errors}"
            checked += 1
    assert checked > 200


def test_csv_datapackage_matches_the_specification_table_for_table(exported, shared_dir):
    spec = json.loads((shared_dir / "hsds-3.1" / "datapackage.json").read_text())
    package = json.loads((exported / "csv" / "datapackage.json").read_text())
    ours = {resource["name"]: resource for resource in package["resources"]}
    spec_resources = {resource["name"]: resource for resource in spec["resources"]}

    assert set(ours) == set(spec_resources) | {"translation"}
    profile_columns = {"service", "organization", "taxonomy_term"}  # + source_language
    example_csv = shared_dir / "hsds-3.1" / "examples" / "csv"
    for name, spec_resource in spec_resources.items():
        columns = [field["name"] for field in ours[name]["schema"]["fields"]]
        spec_columns = [field["name"] for field in spec_resource["schema"]["fields"]]
        assert ours[name]["path"] == spec_resource["path"], name
        if name in ("unit", "service_capacity"):
            # The spec's datapackage lists these incompletely; its example CSVs have every column.
            assert set(spec_columns) <= set(columns)
            assert columns == _read_csv(example_csv / spec_resource["path"])[0], name
        elif name in profile_columns:
            assert columns == [*spec_columns, "source_language"], name
        else:
            assert columns == spec_columns, name
        spec_required = {
            f["name"] for f in spec_resource["schema"]["fields"] if f.get("constraints", {}).get("required")
        }
        our_required = {f["name"] for f in ours[name]["schema"]["fields"] if f["constraints"]["required"]}
        assert spec_required <= our_required, name
        header, _rows = _read_csv(exported / "csv" / ours[name]["path"])
        assert header == columns, name
    assert [f["name"] for f in ours["translation"]["schema"]["fields"]] == list(TRANSLATIONS_COLUMNS)
    assert ours["translation"]["path"] == TRANSLATIONS_PATH


def test_csv_rows_and_values(exported):
    _header, services = _read_csv(exported / "csv" / "services.csv")
    assert len(services) == 3
    row = next(r for r in services if r["name"] == "Job search help 1")
    assert (row["minimum_age"], row["maximum_age"], row["assured_date"]) == ("18", "64.5", "2024-05-01")
    assert row["source_language"] == "en"
    assert row["alternate_name"] == "Job club"
    _h, schedules = _read_csv(exported / "csv" / "schedules.csv")
    assert {"09:00:00", "10:00:00"} <= {r["opens_at"] for r in schedules}
    assert {r["timezone"] for r in schedules} >= {"-8"}
    _h, costs = _read_csv(exported / "csv" / "cost_options.csv")
    assert sorted({r["amount"] for r in costs}) == ["0", "12.5"]
    assert len(_read_csv(exported / "csv" / "service_capacity.csv")[1]) == 3

    _h, translations = _read_csv(exported / "csv" / TRANSLATIONS_PATH)
    stored = sum(
        1
        for t in Service._parler_meta.root_model.objects.all()
        for field in TRANSLATABLE_FIELDS["service"]
        if getattr(t, field)
    )
    assert len([t for t in translations if t["resource_type"] == "service"]) == stored
    assert {"resource_type": "service", "language": "pa", "field": "name", "value": "ਨੌਕਰੀ ਦੀ ਖੋਜ 1"}.items() <= next(
        t for t in translations if t["value"] == "ਨੌਕਰੀ ਦੀ ਖੋਜ 1"
    ).items()

    _h, metadata = _read_csv(exported / "csv" / "metadata.csv")
    assert len(metadata) == len(_read_json(exported, "metadata.json"))
    assert any(m["updated_by"] == "Importer" for m in metadata)
    assert any(m["field_name"] == "status" and m["last_action_type"] == "update" for m in metadata)


def test_each_record_created_here_has_one_create_entry(exported):
    created = [e for e in _read_json(exported, "metadata.json") if e["last_action_type"] == "create"]
    created = [e for e in created if e["updated_by"] != "Importer"]  # (build_full_service's imported row)
    records = [e for e in created if e["field_name"] == "id"]
    texts = [e for e in created if e["field_name"] != "id"]

    assert all(e["previous_value"] == "" and e["replacement_value"] == e["resource_id"] for e in records)
    every_record = {
        (hsds_type, str(pk))
        for hsds_type, model in hsds_models().items()
        if hasattr(model, "history")
        for pk in model._default_manager.values_list("pk", flat=True)
    }
    assert sorted((e["resource_type"], e["resource_id"]) for e in records) == sorted(every_record)
    # And one per translation, named after it: service "Job search help 0" has en, fr and pa.
    assert all(e["field_name"] == f"translations.{e['replacement_value']}" for e in texts)
    service = Service.objects.get(translations__name="Job search help 0")
    assert sorted(e["replacement_value"] for e in texts if e["resource_id"] == str(service.id)) == ["en", "fr", "pa"]


def test_export_language_chooses_the_text(tmp_path):
    build_full_service()
    hsds_export(out_dir=tmp_path / "fr", language="fr")
    assert _read_json(tmp_path / "fr", "services.json")[0]["name"] == "Aide à la recherche d'emploi 0"
    _h, rows = _read_csv(tmp_path / "fr" / "csv" / "services.csv")
    assert rows[0]["name"] == "Aide à la recherche d'emploi 0"
    assert rows[0]["eligibility_description"] == "Permanent residents."


def test_small_chunks_give_the_same_export(tmp_path):
    for n in range(3):
        build_full_service(n)
    hsds_export(out_dir=tmp_path / "big", chunk_size=500)
    hsds_export(out_dir=tmp_path / "small", chunk_size=1)
    for _type, name in JSON_FILES:
        assert _read_json(tmp_path / "big", name) == _read_json(tmp_path / "small", name), name
    for table in TABLES:
        assert _read_csv(tmp_path / "big" / "csv" / table.path) == _read_csv(tmp_path / "small" / "csv" / table.path)


def test_a_non_empty_directory_is_refused_without_force(tmp_path):
    build_full_service()
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match=r"not empty.*--force"):
        call_command("export_hsds", str(out), verbosity=0)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]

    (out / "json").mkdir()
    (out / "json" / "stale.json").write_text("[]")
    call_command("export_hsds", str(out), "--force", verbosity=0)
    assert (out / "notes.txt").read_text() == "keep me"
    assert not (out / "json" / "stale.json").exists()
    assert (out / "json" / "services.json").exists() and (out / "csv" / "datapackage.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging left behind


def test_a_file_as_out_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(CommandError, match="not a directory"):
        call_command("export_hsds", str(target), verbosity=0)


def test_a_failing_export_leaves_no_half_export(tmp_path, monkeypatch):
    build_full_service()
    out = tmp_path / "out"

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export_module, "_translation_rows", broken)  # fails late: after every JSON file
    with pytest.raises(RuntimeError):
        call_command("export_hsds", str(out), verbosity=0)
    assert list(tmp_path.iterdir()) == []

    out.mkdir()
    (out / "json").mkdir()
    (out / "json" / "services.json").write_text("[]")
    with pytest.raises(RuntimeError):
        call_command("export_hsds", str(out), "--force", verbosity=0)
    assert (out / "json" / "services.json").read_text() == "[]"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_command_reports_what_it_wrote(tmp_path, capsys):
    build_full_service()
    call_command("export_hsds", str(tmp_path / "out"))
    output = capsys.readouterr()
    assert "Exported 1 services, 2 organizations and 1 locations" in output.out
    assert "WARNING" not in output.err  # complete data, nothing to warn about


def test_a_record_without_a_link_hsds_requires_is_exported_with_a_warning(tmp_path):
    build_full_service()
    capacity = ServiceCapacity.objects.get()
    capacity.unit = None  # as the importer leaves a link to a unit that exists nowhere
    capacity.save()
    err = StringIO()

    call_command("export_hsds", str(tmp_path / "out"), stderr=err, verbosity=0)

    assert err.getvalue().splitlines() == [
        f"WARNING: service_capacity {capacity.id} has no unit_id, which HSDS requires: exported as it is, "
        "it will not validate against the specification until the link is set"
    ]
    [exported] = _read_json(tmp_path / "out", "service_capacities.json")
    assert exported["id"] == str(capacity.id) and "unit" not in exported and "unit_id" not in exported
    _header, [row] = _read_csv(tmp_path / "out" / "csv" / "service_capacity.csv")
    assert (row["id"], row["service_id"], row["unit_id"]) == (str(capacity.id), str(capacity.service_id), "")
