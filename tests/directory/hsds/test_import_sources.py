"""import_hsds input handling: zip archives (read in memory, zip-slip refused), folders and files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.apps import apps

from newstart.directory.hsds.import_parse import table_from_file_name
from newstart.directory.hsds.import_report import HsdsImportError
from newstart.directory.hsds.importer import hsds_import
from newstart.directory.models import Organization, Service

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def snapshot() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count() for model in apps.get_app_config("directory").get_models()
    }


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, prefix + path.name)
    return target


def problems(path: Path) -> list[str]:
    with pytest.raises(HsdsImportError) as error:
        hsds_import(path=path)
    return [str(problem) for problem in error.value.problems]


def test_zip_of_a_datapackage(tmp_path):
    report = hsds_import(path=zip_folder(FIXTURES / "good_csv", tmp_path / "data.zip"))

    assert report.counts["service"].created == 2
    assert Organization.objects.get().safe_translation_getter("name", language_code="zh-hans") == "港口新移民中心"


def test_zip_of_a_folder_holding_the_datapackage(tmp_path):
    report = hsds_import(path=zip_folder(FIXTURES / "good_csv", tmp_path / "data.zip", prefix="export-2024/"))

    assert report.counts["service"].created == 2


def test_zip_of_json_files(tmp_path):
    report = hsds_import(path=zip_folder(FIXTURES / "good_json", tmp_path / "json.zip"))

    assert report.counts["service"].created == 2


def test_zip_slip_is_refused_and_nothing_is_extracted(tmp_path):
    archive_path = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.write(FIXTURES / "page.json", "services.json")
        archive.writestr("../../outside.json", "{}")
        archive.writestr("/etc/absolute.json", "{}")
    before = snapshot()

    found = problems(archive_path)

    assert found == [
        "evil.zip, ../../outside.json: the archive names a path outside itself; refusing the archive",
        "evil.zip, /etc/absolute.json: the archive names a path outside itself; refusing the archive",
    ]
    assert snapshot() == before
    assert not (tmp_path.parent / "outside.json").exists()


def test_bad_zip(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")

    assert problems(path)[0].startswith("broken.zip: not a readable zip archive")


def test_datapackage_resource_outside_the_package_is_refused(tmp_path):
    (tmp_path / "datapackage.json").write_text('{"resources": [{"name": "service", "path": "../secrets.csv"}]}')

    assert problems(tmp_path) == [
        "datapackage.json: resource path ../secrets.csv is outside the datapackage; only local files are read"
    ]


def test_datapackage_json_file_stands_for_its_folder():
    report = hsds_import(path=FIXTURES / "good_csv" / "datapackage.json")

    assert report.counts["organization"].created == 1


def test_csv_folder_without_datapackage_is_read_by_file_names(tmp_path):
    (tmp_path / "services.csv").write_text("id,organization_id,name,status\n")
    (tmp_path / "organizations.csv").write_text(
        "id,name,description\n10000000-0000-4000-8000-0000000000a1,Org,Does things\n"
    )

    report = hsds_import(path=tmp_path)

    assert report.counts["organization"].created == 1
    assert [str(warning) for warning in report.warnings] == [
        f"{tmp_path.name}: no datapackage.json; CSV files read by their HSDS file names"
    ]
    assert Service.objects.count() == 0


def test_a_lone_csv_file_is_not_a_dataset(tmp_path):
    path = tmp_path / "services.csv"
    path.write_text("id\n")

    assert "a CSV file alone is not a dataset" in problems(path)[0]


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("service_full.json", "service"),
        ("services.json", "service"),
        ("service_at_location_list.json", "service_at_location"),
        ("service_at_locations.json", "service_at_location"),
        ("service_capacities.json", "service_capacity"),
        ("taxonomy_term_list.json", "taxonomy_term"),
        ("taxonomies.json", "taxonomy"),
        ("addresses.json", "address"),
        ("urls.json", "url"),
        ("meta_table_descriptions.json", "meta_table_description"),
        ("metadata.json", "metadata"),
        ("data.json", None),
    ],
)
def test_table_from_file_name(name, table):
    assert table_from_file_name(name) == table
