"""Parsing HSDS input into a neutral list of records, one per occurrence.

JSON objects are flattened: every nested object becomes its own record, and the
ids nesting implies (a phone inside a service belongs to that service) are noted
beside the values the object states itself. Nothing is checked here beyond the
shape of the input; the validator checks values.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from django.utils.translation import gettext as _

from newstart.directory.hsds import profile
from newstart.directory.hsds.import_report import Problem
from newstart.directory.hsds.import_schema import Nesting, table_specs
from newstart.directory.hsds.import_sources import Source, SourceError, SourceFile, decode_text
from newstart.directory.hsds.tables import TABLES, TABLES_BY_PATH

UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(UUID_PATTERN.match(value))


@dataclass
class RawRecord:
    """One occurrence of an HSDS record, as given."""

    table: str
    file: str
    where: str  # "line 3" in a CSV file, a JSON path ("$.phones[0]") in a JSON file
    values: dict[str, Any]  # the fields the record states (CSV: text, or None for an empty cell)
    textual: bool  # values are CSV text, to be parsed; otherwise JSON values of the right type
    tabular: bool  # the record is a flat table row (references are not implied by nesting)
    inferred: dict[str, str] = field(default_factory=dict)  # fields implied by nesting
    source_language: Any = None
    translations: Any = None

    @property
    def location(self) -> str:
        return f"{self.file} ({self.where})" if self.textual else self.file

    @property
    def label(self) -> str:
        """The record's id when it has one, else where it is."""
        raw_id = self.values.get("id")
        return raw_id.lower() if is_uuid(raw_id) else self.where


@dataclass
class TranslationRow:
    resource_type: str
    resource_id: str
    language: str
    field: str
    value: str
    file: str
    where: str


@dataclass
class Parsed:
    records: list[RawRecord] = field(default_factory=list)
    translation_rows: list[TranslationRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _csv_rows(file: SourceFile, parsed: Parsed) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    try:
        text = decode_text(file)
    except SourceError as error:
        parsed.problems.extend(error.problems)
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, None)
        if header is None:
            parsed.warnings.append(Problem(file.name, "", "", _("empty file")))
            return None
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as error:
        parsed.problems.append(
            Problem(
                file.name,
                _("line %(line)s") % {"line": reader.line_num},
                "",
                _("not valid CSV (%(error)s)") % {"error": error},
            )
        )
        return None
    header = [name.strip() for name in header]
    duplicates = sorted(name for name, count in Counter(header).items() if count > 1)
    for name in duplicates:
        parsed.problems.append(Problem(file.name, "", name, _("the column appears more than once")))
    if duplicates:
        return None
    return header, rows


def parse_csv(file: SourceFile, table: str, parsed: Parsed) -> None:
    spec = table_specs()[table]
    read = _csv_rows(file, parsed)
    if read is None:
        return
    header, rows = read
    allowed = set(spec.fields)
    if spec.translated_fields:
        allowed.add(profile.SOURCE_LANGUAGE_PROPERTY)
    unknown = [name for name in header if name not in allowed]
    if unknown:
        parsed.warnings.append(
            Problem(file.name, "", ", ".join(unknown), _("not HSDS %(table)s columns; ignored") % {"table": table})
        )
    for name, field_spec in spec.fields.items():
        if name not in header and spec.required(field_spec, tabular=True):
            parsed.problems.append(Problem(file.name, "", f"{table}.{name}", _("required column is missing")))
    for line, row in rows:
        where = _("line %(line)s") % {"line": line}
        if len(row) > len(header):
            parsed.problems.append(
                Problem(
                    file.name,
                    where,
                    "",
                    _("%(cells)s cells but %(columns)s columns") % {"cells": len(row), "columns": len(header)},
                )
            )
            continue
        cells = dict(zip(header, row, strict=False))
        values = {name: (cells[name] or None) for name in header if name in spec.fields}
        record = RawRecord(table, file.name, where, values, textual=True, tabular=True)
        if profile.SOURCE_LANGUAGE_PROPERTY in cells and spec.translated_fields:
            record.source_language = cells[profile.SOURCE_LANGUAGE_PROPERTY] or None
        parsed.records.append(record)


def parse_translations_csv(file: SourceFile, parsed: Parsed) -> None:
    read = _csv_rows(file, parsed)
    if read is None:
        return
    header, rows = read
    missing = [name for name in profile.TRANSLATIONS_COLUMNS if name not in header]
    for name in missing:
        parsed.problems.append(Problem(file.name, "", name, _("required column is missing")))
    if missing:
        return
    unknown = [name for name in header if name not in profile.TRANSLATIONS_COLUMNS]
    if unknown:
        parsed.warnings.append(Problem(file.name, "", ", ".join(unknown), _("not translations columns; ignored")))
    for line, row in rows:
        cells = dict(zip(header, row, strict=False))
        parsed.translation_rows.append(
            TranslationRow(
                resource_type=cells.get("resource_type", "").strip(),
                resource_id=cells.get("resource_id", "").strip(),
                language=cells.get("language", "").strip(),
                field=cells.get("field", "").strip(),
                value=cells.get("value", ""),
                file=file.name,
                where=_("line %(line)s") % {"line": line},
            )
        )


def _table_names() -> list[tuple[str, str]]:
    """(name a file may start with, table), longest first: "service_at_location" before "service"."""
    names: set[tuple[str, str]] = set()
    for table in TABLES:
        stem = table.path.removesuffix(".csv")
        for candidate in (table.name, stem, f"{table.name}s", f"{stem}s"):
            names.add((candidate, table.name))
    names.add(("taxonomies", "taxonomy"))
    names.add(("addresses", "address"))
    names.add(("capacities", "service_capacity"))
    names.add(("service_capacities", "service_capacity"))
    return sorted(names, key=lambda item: (-len(item[0]), item[0]))


def table_from_file_name(name: str) -> str | None:
    """The HSDS table a JSON file holds, judged by its name: service_full.json,
    services.json, service_at_location_list.json, taxonomy_term.json, …"""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower().replace("-", "_")
    for candidate, table in _table_names():
        if stem == candidate or stem.startswith(candidate + "_"):
            return table
    return None


def _table_from_keys(obj: dict[str, Any]) -> str | None:
    """The one table whose fields and nested objects cover every key of `obj`."""
    keys = set(obj) - {profile.SOURCE_LANGUAGE_PROPERTY, profile.TRANSLATIONS_PROPERTY}
    matches = []
    for name, spec in table_specs().items():
        known = set(spec.fields) | set(spec.nestings)
        required = {field_name for field_name, field_spec in spec.fields.items() if field_spec.column.required}
        required = {field_name for field_name in required if not spec.fields[field_name].is_reference}
        if keys <= known and required <= keys:
            matches.append(name)
    return matches[0] if len(matches) == 1 else None


class _JsonWalker:
    def __init__(self, file: SourceFile, parsed: Parsed) -> None:
        self.file = file
        self.parsed = parsed
        self.unknown: Counter[tuple[str, str]] = Counter()

    def problem(self, where: str, reason: str) -> None:
        self.parsed.problems.append(Problem(self.file.name, where, "", reason))

    def walk(
        self,
        obj: dict[str, Any],
        table: str,
        where: str,
        parent: tuple[str, str] | None,
        via: Nesting | None,
        tabular: bool,
    ) -> None:
        spec = table_specs()[table]
        record = RawRecord(table, self.file.name, where, {}, textual=False, tabular=tabular)
        for key, value in obj.items():
            if key in spec.fields:
                record.values[key] = value
            elif key in spec.nestings and not tabular:
                continue
            elif spec.translated_fields and key == profile.SOURCE_LANGUAGE_PROPERTY:
                record.source_language = value
            elif spec.translated_fields and key == profile.TRANSLATIONS_PROPERTY:
                record.translations = value
            else:
                self.unknown[(table, key)] += 1
        raw_id = obj.get("id")
        own_id = raw_id.lower() if is_uuid(raw_id) else None
        if via is not None and parent is not None and parent[1]:
            parent_table, parent_id = parent
            if via.kind == "child":
                record.inferred[via.field] = parent_id
            elif via.kind == "link":
                record.inferred[via.field] = parent_id
                record.inferred["link_entity" if table == "attribute" else "resource_type"] = parent_table
        if not tabular:
            for key, nesting in spec.nestings.items():
                value = obj.get(key)
                if value is None:
                    continue
                path = f"{where}.{key}"
                if nesting.many:
                    if not isinstance(value, list):
                        self.problem(path, _("must be a list of objects"))
                        continue
                    for index, item in enumerate(value):
                        if isinstance(item, dict):
                            self.walk(item, nesting.table, f"{path}[{index}]", (table, own_id or ""), nesting, False)
                        else:
                            self.problem(f"{path}[{index}]", _("must be an object"))
                elif isinstance(value, dict):
                    child_id = value.get("id")
                    if is_uuid(child_id):
                        record.inferred[nesting.field] = child_id.lower()
                    self.walk(value, nesting.table, path, (table, own_id or ""), nesting, False)
                else:
                    self.problem(path, _("must be an object"))
        self.parsed.records.append(record)

    def run(self) -> None:
        try:
            data = json.loads(decode_text(self.file))
        except SourceError as error:
            self.parsed.problems.extend(error.problems)
            return
        except json.JSONDecodeError as error:
            self.problem(
                "",
                _("not valid JSON (line %(line)s, column %(column)s: %(error)s)")
                % {
                    "line": error.lineno,
                    "column": error.colno,
                    "error": error.msg,
                },
            )
            return
        if isinstance(data, dict) and data and all(isinstance(key, str) and key in TABLES_BY_PATH for key in data):
            # The specification's tabular.json: CSV tables as JSON, keyed by file name.
            for key, rows in data.items():
                self.items(rows, TABLES_BY_PATH[key].name, f"$.{key}", tabular=True)
        elif isinstance(data, dict) and isinstance(data.get("contents"), list):
            self.items(data["contents"], table_from_file_name(self.file.name), "$.contents", tabular=False)
        elif isinstance(data, list):
            self.items(data, table_from_file_name(self.file.name), "$", tabular=False)
        elif isinstance(data, dict) and "id" in data:
            table = table_from_file_name(self.file.name) or _table_from_keys(data)
            if table is None:
                self.problem("$", _("cannot tell which HSDS object this is; name the file after it, e.g. service.json"))
            else:
                self.walk(data, table, "$", None, None, False)
        elif isinstance(data, dict) and "openapi_url" in data:
            self.parsed.warnings.append(Problem(self.file.name, "", "", _("an API description, not records; skipped")))
        else:
            self.problem("$", _('expected an HSDS object, a list of objects or a page with "contents"'))
        for (table, key), count in sorted(self.unknown.items()):
            self.parsed.warnings.append(
                Problem(
                    self.file.name,
                    "",
                    f"{table}.{key}",
                    _("not an HSDS field; ignored (%(count)s times)") % {"count": count},
                )
            )

    def items(self, items: Any, table: str | None, where: str, *, tabular: bool) -> None:
        if not isinstance(items, list):
            self.problem(where, _("must be a list of objects"))
            return
        for index, item in enumerate(items):
            path = f"{where}[{index}]"
            if not isinstance(item, dict):
                self.problem(path, _("must be an object"))
                continue
            item_table = table or _table_from_keys(item)
            if item_table is None:
                self.problem(
                    path, _("cannot tell which HSDS object this is; name the file after it, e.g. services.json")
                )
                continue
            self.walk(item, item_table, path, None, None, tabular)


def parse_json(file: SourceFile, parsed: Parsed) -> None:
    _JsonWalker(file, parsed).run()


def source_parse(*, source: Source) -> Parsed:
    """Every record occurrence in the input, in input order."""
    parsed = Parsed(warnings=list(source.warnings))
    if source.kind == "tabular":
        for table, file in source.tables.items():
            parse_csv(file, table, parsed)
        if source.translations is not None:
            parse_translations_csv(source.translations, parsed)
    else:
        for file in source.json_files:
            parse_json(file, parsed)
    return parsed
