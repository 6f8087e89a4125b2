"""Export the whole directory as HSDS 3.1: JSON and a tabular datapackage.

    OUT/json/<objects>.json   one JSON array per HSDS object type, nested as the
                              specification's examples, with the profile's translations
    OUT/csv/datapackage.json  the tabular datapackage: one CSV per HSDS table and the
    OUT/csv/*.csv             profile's translations.csv

Everything is written to a staging directory beside OUT and moved into place at the
end, so a failed export leaves OUT as it was. Records are read in chunks of a fixed
size (keyset pagination), so memory stays bounded whatever the directory's size.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from tqdm import tqdm

from newstart.directory import models as directory_models
from newstart.directory.hsds import profile
from newstart.directory.hsds.metadata import metadata_iter_all
from newstart.directory.hsds.serialize import (
    column_value,
    preload_hsds_extras,
    record_queryset_for_hsds,
    record_to_hsds,
    translated_text,
)
from newstart.directory.hsds.tables import TABLES, Column, Table
from newstart.directory.hsds.values import text_value
from newstart.directory.models.base import HsdsRecord

HSDS_VERSION = "3.1"
DEFAULT_CHUNK_SIZE = 200

# One JSON file per HSDS object type, named in the plural (as the API's paths).
JSON_FILES: tuple[tuple[str, str], ...] = (
    ("organization", "organizations.json"),
    ("program", "programs.json"),
    ("service", "services.json"),
    ("attribute", "attributes.json"),
    ("service_at_location", "service_at_locations.json"),
    ("location", "locations.json"),
    ("phone", "phones.json"),
    ("contact", "contacts.json"),
    ("address", "addresses.json"),
    ("schedule", "schedules.json"),
    ("funding", "funding.json"),
    ("service_area", "service_areas.json"),
    ("required_document", "required_documents.json"),
    ("language", "languages.json"),
    ("accessibility", "accessibility.json"),
    ("taxonomy_term", "taxonomy_terms.json"),
    ("metadata", "metadata.json"),
    ("meta_table_description", "meta_table_descriptions.json"),
    ("cost_option", "cost_options.json"),
    ("organization_identifier", "organization_identifiers.json"),
    ("taxonomy", "taxonomies.json"),
    ("service_capacity", "service_capacities.json"),
    ("unit", "units.json"),
    ("url", "urls.json"),
)

TRANSLATION_COLUMNS: tuple[Column, ...] = (
    Column("resource_type", "string", "", True),
    Column("resource_id", "string", "uuid", True),
    Column("language", "string", "", True),
    Column("field", "string", "", True),
    Column("value", "string", "", True),
)
assert tuple(column.name for column in TRANSLATION_COLUMNS) == profile.TRANSLATIONS_COLUMNS


class HsdsExportError(Exception):
    """The export cannot be written (the message says why)."""


@dataclass
class ExportSummary:
    out_dir: Path
    json_counts: dict[str, int] = field(default_factory=dict)
    csv_counts: dict[str, int] = field(default_factory=dict)
    # Records exported although they lack a link HSDS requires, one line each.
    warnings: list[str] = field(default_factory=list)


# The profile's source_language property becomes a column of the translated tables,
# as the HSDS schema tools put it when they compile the profile's datapackage.
_SOURCE_LANGUAGE_COLUMN = Column(profile.SOURCE_LANGUAGE_PROPERTY, "string", "", False)


def table_columns(table: Table) -> tuple[Column, ...]:
    """The columns the export writes for an HSDS table: the specification's, and the
    profile's source_language on translated tables."""
    columns = table.columns
    if table.name in profile.TRANSLATABLE_FIELDS:
        columns = (*columns, _SOURCE_LANGUAGE_COLUMN)
    return columns


def hsds_models() -> dict[str, type[HsdsRecord]]:
    """The directory model of each HSDS object type."""
    found: dict[str, type[HsdsRecord]] = {}
    for name in directory_models.__all__:
        candidate = getattr(directory_models, name)
        if (
            isinstance(candidate, type)
            and issubclass(candidate, HsdsRecord)
            and candidate.hsds_type
            and not candidate._meta.proxy
        ):
            found[candidate.hsds_type] = candidate
    return found


def _chunks(qs: models.QuerySet[Any], size: int) -> Iterator[list[Any]]:
    """The records of `qs` in primary-key order, `size` at a time (keyset pagination)."""
    last = None
    while True:
        page = qs.order_by("pk") if last is None else qs.filter(pk__gt=last).order_by("pk")
        batch = list(page[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


class _JsonArrayWriter:
    """Streams a JSON array to a file, one object at a time."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.count = 0
        handle.write("[")

    def write(self, obj: dict[str, Any]) -> None:
        self.handle.write(",\n" if self.count else "\n")
        self.handle.write(json.dumps(obj, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        self.handle.write("\n]\n" if self.count else "]\n")


def _write_json(json_dir: Path, summary: ExportSummary, *, chunk_size: int, tick: Callable[[int], object]) -> None:
    model_by_type = hsds_models()
    for hsds_type, file_name in JSON_FILES:
        with (json_dir / file_name).open("w", encoding="utf-8") as handle:
            writer = _JsonArrayWriter(handle)
            if hsds_type == "metadata":
                for entry in metadata_iter_all(chunk_size=chunk_size * 10):
                    writer.write(entry)
                tick(0)
            else:
                qs = record_queryset_for_hsds(model_by_type[hsds_type]._default_manager.all())
                for batch in _chunks(qs, chunk_size):
                    extras = preload_hsds_extras(batch)
                    for record in batch:
                        writer.write(record_to_hsds(record, translations=True, extras=extras))
                    tick(len(batch))
            writer.close()
            summary.json_counts[file_name] = writer.count


def _cell(record: HsdsRecord, hsds_type: str, column: str) -> Any:
    if column == profile.SOURCE_LANGUAGE_PROPERTY:
        return getattr(record, "source_language", "")
    return column_value(record, hsds_type, column)


def _required_links(table: Table) -> list[str]:
    """The references HSDS requires of a table's records (service_capacity.unit_id, …)."""
    return [
        column.name for column in table.columns if column.required and column.format == "uuid" and column.name != "id"
    ]


def _missing_links_warning(table: Table, record: HsdsRecord, missing: list[str]) -> str:
    # The importer leaves out links to records that exist nowhere (where the model allows it),
    # so such a record can be in the directory; it is exported as it is, but said.
    return _(
        "%(table)s %(id)s has no %(fields)s, which HSDS requires: exported as it is, "
        "it will not validate against the specification until the link is set"
    ) % {"table": table.name, "id": record.pk, "fields": ", ".join(missing)}


def _csv_rows(
    table: Table, model: type[HsdsRecord], *, chunk_size: int, warn: Callable[[str], object]
) -> Iterator[list[str]]:
    columns = [column.name for column in table_columns(table)]
    required_links = _required_links(table)
    translated = set(profile.TRANSLATABLE_FIELDS.get(table.name, ()))
    qs: models.QuerySet[Any] = model._default_manager.all()
    if translated:
        qs = qs.prefetch_related("translations")
    for batch in _chunks(qs, chunk_size):
        for record in batch:
            text = translated_text(record) if translated else {}
            row = [text[name] if name in text else text_value(_cell(record, table.name, name)) for name in columns]
            missing = [name for name in required_links if not row[columns.index(name)]]
            if missing:
                warn(_missing_links_warning(table, record, missing))
            yield row


def _translation_rows(*, chunk_size: int) -> Iterator[list[str]]:
    model_by_type = hsds_models()
    for hsds_type, fields in profile.TRANSLATABLE_FIELDS.items():
        translation_model = model_by_type[hsds_type]._parler_meta.root_model  # type: ignore[attr-defined]
        rows = translation_model._default_manager.order_by("master_id", "language_code").iterator(chunk_size=chunk_size)
        for row in rows:
            for name in fields:
                value = getattr(row, name)
                if value:
                    yield [hsds_type, str(row.master_id), row.language_code, name, value]


def _resource(name: str, path: str, columns: tuple[Column, ...], primary_key: Any) -> dict[str, Any]:
    fields = []
    for column in columns:
        spec: dict[str, Any] = {"name": column.name, "type": column.type}
        if column.format:
            spec["format"] = column.format
        spec["constraints"] = {"required": column.required}
        fields.append(spec)
    schema: dict[str, Any] = {"fields": fields}
    if primary_key:
        schema["primaryKey"] = primary_key
    return {
        "name": name,
        "path": path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def datapackage_descriptor() -> dict[str, Any]:
    """The export's datapackage.json: every HSDS table plus the profile's translations table."""
    resources = [
        _resource(
            table.name,
            table.path,
            table_columns(table),
            "id" if any(c.name == "id" for c in table_columns(table)) else None,
        )
        for table in TABLES
    ]
    resources.append(
        _resource(
            profile.TRANSLATIONS_TABLE,
            profile.TRANSLATIONS_PATH,
            TRANSLATION_COLUMNS,
            ["resource_type", "resource_id", "language", "field"],
        )
    )
    return {
        "name": "newstart-hsds-export",
        "title": "Human Services Data Specification (HSDS) export",
        "profile": "tabular-data-package",
        "hsds_version": HSDS_VERSION,
        "hsds_profile": profile.profile_uri(),
        "created": timezone.now().isoformat(),
        "resources": resources,
    }


def _write_csv_file(path: Path, header: list[str], rows: Iterator[list[str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _metadata_csv_rows(columns: list[str], *, chunk_size: int) -> Iterator[list[str]]:
    for entry in metadata_iter_all(chunk_size=chunk_size):
        yield [str(entry.get(name, "")) for name in columns]


def _write_csv(csv_dir: Path, summary: ExportSummary, *, chunk_size: int, tick: Callable[[int], object]) -> None:
    model_by_type = hsds_models()
    for table in TABLES:
        header = [column.name for column in table_columns(table)]
        if table.name == "metadata":
            rows = _metadata_csv_rows(header, chunk_size=chunk_size * 10)
        else:
            rows = _csv_rows(table, model_by_type[table.name], chunk_size=chunk_size, warn=summary.warnings.append)
        summary.csv_counts[table.path] = _write_csv_file(csv_dir / table.path, header, rows)
        tick(summary.csv_counts[table.path] if table.name != "metadata" else 0)
    summary.csv_counts[profile.TRANSLATIONS_PATH] = _write_csv_file(
        csv_dir / profile.TRANSLATIONS_PATH,
        list(profile.TRANSLATIONS_COLUMNS),
        _translation_rows(chunk_size=chunk_size),
    )
    (csv_dir / "datapackage.json").write_text(
        json.dumps(datapackage_descriptor(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _check_target(out_dir: Path, *, force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise HsdsExportError(_("%(path)s exists and is not a directory.") % {"path": out_dir})
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise HsdsExportError(
            _("%(path)s is not empty; choose an empty or new directory, or use --force to replace its json/ and csv/.")
            % {"path": out_dir}
        )


def _install(staging: Path, out_dir: Path) -> None:
    """Move the finished export into place; only json/ and csv/ of an existing OUT are replaced."""
    if not out_dir.exists():
        (staging / "export").rename(out_dir)
        return
    for part in ("json", "csv"):
        target = out_dir / part
        if target.exists():
            target.rename(staging / f"previous-{part}")
        (staging / "export" / part).rename(target)


def hsds_export(
    *,
    out_dir: Path,
    force: bool = False,
    language: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool = False,
) -> ExportSummary:
    """Write the directory as HSDS JSON and a tabular datapackage to `out_dir`.

    Text is in `language` (default: settings.LANGUAGE_CODE), falling back per record
    to its source language, then English; every stored translation goes in the
    profile's `translations`. Raises HsdsExportError, changing nothing, when `out_dir`
    is not empty (unless `force`) or not a directory."""
    out_dir = out_dir.resolve()
    _check_target(out_dir, force=force)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    model_by_type = hsds_models()
    total = sum(model._default_manager.count() for name, model in model_by_type.items() if name != "metadata") * 2
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-export-", dir=out_dir.parent))
    summary = ExportSummary(out_dir=out_dir)
    try:
        json_dir = staging / "export" / "json"
        csv_dir = staging / "export" / "csv"
        json_dir.mkdir(parents=True)
        csv_dir.mkdir()
        with (
            translation.override(language or settings.LANGUAGE_CODE),
            tqdm(total=total, unit=" records", disable=not progress, desc="HSDS export") as bar,
        ):
            _write_json(json_dir, summary, chunk_size=chunk_size, tick=bar.update)
            _write_csv(csv_dir, summary, chunk_size=chunk_size, tick=bar.update)
        _install(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary
