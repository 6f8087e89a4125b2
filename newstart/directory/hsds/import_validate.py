"""Checking parsed HSDS records before anything is written.

Occurrences of one record (the same id nested in several places) are merged;
differing values for one id are a problem. Every value is converted to what the
model stores, and every problem is collected, so one run lists them all.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from newstart.directory.hsds.import_parse import Parsed, RawRecord, TranslationRow, is_uuid
from newstart.directory.hsds.import_report import Problem
from newstart.directory.hsds.import_schema import FieldSpec, TableSpec, table_specs
from newstart.directory.models import TaxonomyTerm, coordinates_are_valid

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")
URI_SCHEME_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Fields that name a record's type: when an object states one, it wins over what nesting implies.
_ENTITY_FIELDS = ("link_entity", "resource_type")
QUERY_CHUNK = 500


class Invalid(Exception):
    """A value that cannot be stored; the message is the reason."""


@dataclass
class CleanRecord:
    """One record, merged and converted: what will be written."""

    table: str
    id: uuid.UUID
    location: str  # where it was first seen, for messages
    values: dict[str, Any] = field(default_factory=dict)  # model attname -> value (fields given only)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> translated field -> value
    source_language: str | None = None
    translation_only: bool = False  # only translations were given (translations table, record in the database)


Dataset = dict[str, dict[uuid.UUID, CleanRecord]]


def normalize_language(value: Any) -> str:
    if not isinstance(value, str) or not LANGUAGE_PATTERN.match(value.strip().lower()) or len(value.strip()) > 15:
        raise Invalid(_("%(value)r is not a language code such as en, fr or zh-hans") % {"value": value})
    return value.strip().lower()


def _uri(value: str) -> None:
    parts = urlsplit(value)
    if not parts.scheme or not URI_SCHEME_PATTERN.match(parts.scheme) or any(char.isspace() for char in value):
        raise Invalid(_("%(value)r is not an absolute URI such as https://example.org") % {"value": value})
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        raise Invalid(_("%(value)r has no host name") % {"value": value})


def _number(value: Any, textual: bool) -> float:
    if textual and isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise Invalid(_("%(value)r is not a number") % {"value": value}) from None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        raise Invalid(_("%(value)r is not a number") % {"value": value})
    if not math.isfinite(number):
        raise Invalid(_("%(value)r is not a finite number") % {"value": value})
    return number


def _date(value: Any) -> datetime.date:
    if not isinstance(value, str) or not DATE_PATTERN.match(value.strip()):
        raise Invalid(_("%(value)r is not a date (YYYY-MM-DD)") % {"value": value})
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(_("%(value)r is not a date that exists") % {"value": value}) from None


def _datetime(value: Any) -> datetime.datetime:
    if not isinstance(value, str) or not DATE_PATTERN.match(value.strip()[:10]):
        raise Invalid(_("%(value)r is not a date and time (ISO 8601)") % {"value": value})
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(_("%(value)r is not a date and time (ISO 8601)") % {"value": value}) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _time(value: Any) -> datetime.time:
    if not isinstance(value, str):
        raise Invalid(_("%(value)r is not a time (HH:MM or HH:MM:SS)") % {"value": value})
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return datetime.time.fromisoformat(text)
    except ValueError:
        raise Invalid(_("%(value)r is not a time (HH:MM or HH:MM:SS)") % {"value": value}) from None


def convert(spec: FieldSpec, value: Any, *, textual: bool) -> Any:
    """The value as the model stores it. Raises Invalid with the reason."""
    model_field = spec.model_field
    if textual and isinstance(value, str) and not isinstance(model_field, models.CharField | models.TextField):
        value = value.strip()
    if value is None or value == "":
        if not spec.allows_empty:
            raise Invalid(_("must not be empty"))
        return "" if isinstance(model_field, models.CharField | models.TextField) else None
    if spec.name == "id" or isinstance(model_field, models.ForeignKey | models.UUIDField):
        if not is_uuid(value):
            raise Invalid(_("%(value)r is not a UUID") % {"value": value})
        return uuid.UUID(value)
    if isinstance(model_field, models.CharField | models.TextField):
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            value = str(value)  # an identifier written as a JSON number, as in the specification's tabular.json
        if not isinstance(value, str):
            raise Invalid(_("%(value)r is not text") % {"value": value})
        if spec.column.format == "email":
            try:
                validate_email(value)
            except ValidationError:
                raise Invalid(_("%(value)r is not an email address") % {"value": value}) from None
        elif spec.column.format == "uri":
            _uri(value)
        if spec.column.type == "date":
            # metadata.last_action_date: kept as given, but it must be a date (or a date and time).
            if not DATE_PATTERN.match(value):
                _datetime(value)
            else:
                _date(value)
        if model_field.choices:
            allowed = [str(choice) for choice, _label in model_field.flatchoices]
            if value not in allowed:
                raise Invalid(
                    _("%(value)r is not one of: %(allowed)s") % {"value": value, "allowed": ", ".join(allowed)}
                )
        max_length = model_field.max_length
        if max_length is not None and len(value) > max_length:
            raise Invalid(_("%(length)s characters; at most %(max)s fit") % {"length": len(value), "max": max_length})
        return value
    if isinstance(model_field, models.DecimalField):
        _number(value, textual)  # the type and finiteness
        amount = decimal.Decimal(value.strip() if isinstance(value, str) else repr(value))
        exponent = amount.as_tuple().exponent
        digits = len(amount.as_tuple().digits)
        assert isinstance(exponent, int)  # finite, checked above
        places = max(-exponent, 0)
        whole = digits - places if exponent < 0 else digits + exponent
        max_places = model_field.decimal_places or 0
        max_whole = (model_field.max_digits or 0) - max_places
        if places > max_places or whole > max_whole:
            raise Invalid(
                _("%(value)r does not fit: at most %(places)s decimal places and %(whole)s digits before the point")
                % {"value": value, "places": max_places, "whole": max_whole}
            )
        return amount
    if isinstance(model_field, models.IntegerField):
        number = _number(value, textual)
        if not number.is_integer():
            raise Invalid(_("%(value)r is not a whole number") % {"value": value})
        if abs(number) > 2**31 - 1:
            raise Invalid(_("%(value)r is too large") % {"value": value})
        return int(number)
    if isinstance(model_field, models.FloatField):
        return _number(value, textual)
    if isinstance(model_field, models.DateTimeField):
        return _datetime(value)
    if isinstance(model_field, models.DateField):
        return _date(value)
    if isinstance(model_field, models.TimeField):
        return _time(value)
    raise Invalid(_("cannot be imported"))  # pragma: no cover - every HSDS column is one of the above


def _is_text(spec: FieldSpec) -> bool:
    return isinstance(spec.model_field, models.CharField | models.TextField)


def _comparable(value: Any) -> Any:
    if isinstance(value, str) and is_uuid(value):
        return value.lower()
    if value == "":
        return None
    return value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Validator:
    def __init__(self, parsed: Parsed, language: str) -> None:
        self.parsed = parsed
        self.language = language
        self.specs = table_specs()
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.dataset: Dataset = {name: {} for name in self.specs}
        self.given_ids: dict[str, set[uuid.UUID]] = defaultdict(set)
        self.checked: list[CleanRecord] = []

    def problem(self, location: str, record: str, spec: TableSpec, field_name: str, reason: str) -> None:
        self.problems.append(
            Problem(location, record, f"{spec.name}.{field_name}" if field_name else spec.name, reason)
        )

    def warn(self, location: str, record: str, spec: TableSpec, field_name: str, reason: str) -> None:
        self.warnings.append(
            Problem(location, record, f"{spec.name}.{field_name}" if field_name else spec.name, reason)
        )

    # --- merging -------------------------------------------------------------------------------

    def run(self) -> Dataset:
        groups: dict[tuple[str, str], list[RawRecord]] = defaultdict(list)
        for record in self.parsed.records:
            spec = self.specs[record.table]
            raw_id = record.values.get("id")
            if is_uuid(raw_id):
                groups[(record.table, raw_id.lower())].append(record)
                continue
            reason = _("required") if raw_id in (None, "") else _("%(value)r is not a UUID") % {"value": raw_id}
            self.problem(record.location, record.where, spec, "id", reason)
            # Still check its other values, so one run reports everything.
            self.convert_record(spec, record.where, record.location, self.merge(spec, [record]), [record])
        for table, raw_id in groups:
            # Records with problems of their own still exist: references to them are not reported again.
            self.given_ids[table].add(uuid.UUID(raw_id))
        for (table, raw_id), occurrences in groups.items():
            spec = self.specs[table]
            merged = self.merge(spec, occurrences)
            clean = self.convert_record(spec, raw_id, occurrences[0].location, merged, occurrences)
            if clean is not None:
                self.dataset[table][clean.id] = clean
        self.attach_translation_rows()
        self.check_references()
        self.check_term_codes()
        return self.dataset

    def merge(self, spec: TableSpec, occurrences: list[RawRecord]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        stated_in: dict[str, RawRecord] = {}
        for occurrence in occurrences:
            for name, value in occurrence.values.items():
                if name in merged and _comparable(merged[name]) != _comparable(value):
                    self.problem(
                        occurrence.location,
                        occurrence.label,
                        spec,
                        name,
                        _(
                            "conflicting values for this id: %(first)s (%(first_where)s) "
                            "and %(second)s (%(second_where)s)"
                        )
                        % {
                            "first": _shown(merged[name]),
                            "first_where": f"{stated_in[name].file} {stated_in[name].where}",
                            "second": _shown(value),
                            "second_where": f"{occurrence.file} {occurrence.where}",
                        },
                    )
                elif name not in merged or merged[name] in (None, ""):
                    merged[name] = value
                    stated_in[name] = occurrence
        inferred: dict[str, tuple[str, RawRecord]] = {}
        for occurrence in occurrences:
            for name, value in occurrence.inferred.items():
                if name in merged and merged[name] not in (None, ""):
                    if name in _ENTITY_FIELDS or _comparable(merged[name]) == value:
                        continue
                    self.problem(
                        occurrence.location,
                        occurrence.label,
                        spec,
                        name,
                        _("the record is nested in %(parent)s (%(where)s) but states %(value)s")
                        % {"parent": value, "where": occurrence.where, "value": _shown(merged[name])},
                    )
                elif name in inferred and inferred[name][0] != value:
                    self.problem(
                        occurrence.location,
                        occurrence.label,
                        spec,
                        name,
                        _(
                            "the same id is nested in two different records: %(first)s (%(first_where)s) "
                            "and %(second)s (%(second_where)s)"
                        )
                        % {
                            "first": inferred[name][0],
                            "first_where": inferred[name][1].where,
                            "second": value,
                            "second_where": occurrence.where,
                        },
                    )
                else:
                    inferred[name] = (value, occurrence)
        for name, (value, _occurrence) in inferred.items():
            if name not in merged or merged[name] in (None, ""):
                merged[name] = value
        return merged

    # --- converting ----------------------------------------------------------------------------

    def convert_record(
        self, spec: TableSpec, label: str, location: str, merged: dict[str, Any], occurrences: list[RawRecord]
    ) -> CleanRecord | None:
        textual = occurrences[0].textual
        tabular = occurrences[0].tabular
        errors_before = len(self.problems)
        clean = CleanRecord(spec.name, uuid.UUID(label) if is_uuid(label) else uuid.UUID(int=0), location)
        source_language = self.source_language(spec, label, location, occurrences)
        texts: dict[str, str] = {}
        required = spec.required_names[tabular]
        if not textual:
            # (A CSV file without a required column has been reported once, for the whole file.)
            for name in required - merged.keys():
                self.problem(location, label, spec, name, _("required"))
        for name, raw in merged.items():
            field_spec = spec.fields.get(name)
            if field_spec is None or name == "id":
                continue  # the id was checked when the occurrences were grouped
            if (
                (raw is None or (isinstance(raw, str) and not raw.strip()))
                and name in required
                and not (_is_text(field_spec) and field_spec.allows_empty)
            ):
                self.problem(location, label, spec, name, _("required"))
                continue
            if (raw is None or raw == "") and not field_spec.allows_empty and field_spec.model_field.has_default():
                continue  # an empty cell for a field with a default (last_modified): as if left out
            try:
                value = convert(field_spec, raw, textual=textual)
            except Invalid as error:
                self.problem(location, label, spec, name, str(error))
                continue
            if field_spec.translated:
                texts[name] = value
            elif name != "id":
                clean.values[field_spec.attname] = value
        if spec.name == "schedule":
            self.local_times(spec, clean, label, location)
        if spec.translated_fields:
            clean.source_language = source_language
            clean.texts[source_language] = texts
            self.merge_translations(spec, clean, occurrences)
        self.warn_impossible(spec, clean)
        if not is_uuid(label):
            return None
        # Checked for references too, even with problems of its own, so that one run reports everything.
        self.checked.append(clean)
        return clean if len(self.problems) == errors_before else None

    def local_times(self, spec: TableSpec, clean: CleanRecord, label: str, location: str) -> None:
        """HSDS asks for opening times with a UTC offset ("09:00-05:00"); the model keeps the clock time
        and the offset in the schedule's timezone field (hours), so both are kept."""
        for name in ("opens_at", "closes_at"):
            value = clean.values.get(name)
            if not isinstance(value, datetime.time) or value.tzinfo is None:
                continue
            offset = value.utcoffset()
            hours = offset.total_seconds() / 3600 if offset is not None else 0.0
            clean.values[name] = value.replace(tzinfo=None)
            given = clean.values.get("timezone")
            if given is None:
                clean.values["timezone"] = hours
            elif given != hours:
                self.problem(
                    location,
                    label,
                    spec,
                    name,
                    _("the time's UTC offset (%(offset)s hours) differs from the schedule's timezone (%(timezone)s)")
                    % {"offset": hours, "timezone": given},
                )

    def source_language(self, spec: TableSpec, label: str, location: str, occurrences: list[RawRecord]) -> str:
        given = {
            occurrence.source_language for occurrence in occurrences if occurrence.source_language not in (None, "")
        }
        if not given:
            return self.language
        if len(given) > 1:
            self.problem(
                location,
                label,
                spec,
                "source_language",
                _("conflicting values for this id: %(values)s")
                % {"values": ", ".join(sorted(_shown(value) for value in given))},
            )
            return self.language
        try:
            return normalize_language(given.pop())
        except Invalid as error:
            self.problem(location, label, spec, "source_language", str(error))
            return self.language

    def add_text(self, spec: TableSpec, clean: CleanRecord, language: Any, name: Any, value: Any, label: str) -> None:
        """One translated value for `clean`, from the profile's translations (JSON or table)."""
        try:
            code = normalize_language(language)
        except Invalid as error:
            self.problem(clean.location, label, spec, "translations", str(error))
            return
        if name not in spec.translated_fields:
            self.problem(
                clean.location,
                label,
                spec,
                "translations",
                _("%(lang)s: %(field)r is not a translated field (%(fields)s)")
                % {"lang": code, "field": name, "fields": ", ".join(spec.translated_fields)},
            )
            return
        try:
            text = convert(spec.fields[name], value, textual=False)
        except Invalid as error:
            self.problem(clean.location, label, spec, f"translations.{code}.{name}", str(error))
            return
        known = clean.texts.setdefault(code, {})
        if name in known and known[name] != text:
            self.problem(
                clean.location,
                label,
                spec,
                f"translations.{code}.{name}",
                _("conflicting values for this id: %(first)s and %(second)s")
                % {"first": _shown(known[name]), "second": _shown(text)},
            )
            return
        known[name] = text

    def merge_translations(self, spec: TableSpec, clean: CleanRecord, occurrences: list[RawRecord]) -> None:
        for occurrence in occurrences:
            translations = occurrence.translations
            if translations is None:
                continue
            if not isinstance(translations, dict) or not all(
                isinstance(texts, dict) for texts in translations.values()
            ):
                self.problem(
                    occurrence.location,
                    occurrence.label,
                    spec,
                    "translations",
                    _('must be an object of languages, each an object of fields: {"fr": {"name": "…"}}'),
                )
                continue
            for language, texts in translations.items():
                for name, value in texts.items():
                    self.add_text(spec, clean, language, name, value, occurrence.label)

    def warn_impossible(self, spec: TableSpec, clean: CleanRecord) -> None:
        """Values the specification allows but that cannot be true: imported, with a warning."""
        values = clean.values
        label = str(clean.id)
        if spec.name == "location" and ("latitude" in values or "longitude" in values):
            latitude, longitude = values.get("latitude"), values.get("longitude")
            if (latitude is not None or longitude is not None) and not coordinates_are_valid(latitude, longitude):
                self.warn(
                    clean.location,
                    label,
                    spec,
                    "latitude",
                    _(
                        "latitude %(lat)s, longitude %(lon)s is not a place on Earth: "
                        "imported, but kept out of geographic search"
                    )
                    % {"lat": latitude, "lon": longitude},
                )
        pairs = {
            "service": ("minimum_age", "maximum_age"),
            "service_capacity": ("available", "maximum"),
            "schedule": ("valid_from", "valid_to"),
            "cost_option": ("valid_from", "valid_to"),
        }
        if spec.name in pairs:
            low, high = pairs[spec.name]
            if values.get(low) is not None and values.get(high) is not None and values[low] > values[high]:
                self.warn(
                    clean.location,
                    label,
                    spec,
                    low,
                    _("%(low)s (%(low_value)s) is above %(high)s (%(high_value)s)")
                    % {"low": low, "low_value": values[low], "high": high, "high_value": values[high]},
                )

    # --- across records ------------------------------------------------------------------------

    def attach_translation_rows(self) -> None:
        orphans: dict[tuple[str, uuid.UUID], list[TranslationRow]] = defaultdict(list)
        for row in self.parsed.translation_rows:
            spec = self.specs.get(row.resource_type)
            location = f"{row.file} ({row.where})"
            if spec is None or not spec.translated_fields:
                translated = ", ".join(name for name, table in self.specs.items() if table.translated_fields)
                self.problems.append(
                    Problem(
                        location,
                        row.resource_id,
                        "resource_type",
                        _("%(value)r is not one of: %(allowed)s")
                        % {
                            "value": row.resource_type,
                            "allowed": translated,
                        },
                    )
                )
                continue
            if not is_uuid(row.resource_id):
                self.problems.append(
                    Problem(
                        location, row.where, "resource_id", _("%(value)r is not a UUID") % {"value": row.resource_id}
                    )
                )
                continue
            record_id = uuid.UUID(row.resource_id)
            clean = self.dataset[spec.name].get(record_id)
            if clean is None and record_id in self.given_ids[spec.name]:
                continue  # the record has problems of its own, already reported
            if clean is None:
                orphans[(spec.name, record_id)].append(row)
                continue
            self.add_text(spec, clean, row.language, row.field, row.value, str(record_id))
        by_table: dict[str, set[uuid.UUID]] = defaultdict(set)
        for table, record_id in orphans:
            by_table[table].add(record_id)
        existing = self.existing_ids(by_table)
        for (table, record_id), rows in orphans.items():
            spec = self.specs[table]
            if record_id not in existing[table]:
                for row in rows:
                    self.problems.append(
                        Problem(
                            f"{row.file} ({row.where})",
                            str(record_id),
                            "resource_id",
                            _("no %(table)s with this id in the dataset or the database") % {"table": table},
                        )
                    )
                continue
            clean = CleanRecord(table, record_id, f"{rows[0].file} ({rows[0].where})", translation_only=True)
            for row in rows:
                self.add_text(spec, clean, row.language, row.field, row.value, str(record_id))
            self.dataset[table][record_id] = clean

    def existing_ids(self, wanted: dict[str, set[uuid.UUID]]) -> dict[str, set[uuid.UUID]]:
        """Which of these ids the database holds, per table."""
        found: dict[str, set[uuid.UUID]] = defaultdict(set)
        for table, ids in wanted.items():
            model = self.specs[table].model
            for chunk in _chunks(sorted(ids), QUERY_CHUNK):
                found[table].update(model._default_manager.filter(pk__in=chunk).values_list("pk", flat=True))
        return found

    def check_references(self) -> None:
        pointing: dict[tuple[str, uuid.UUID], list[tuple[CleanRecord, FieldSpec | None]]] = defaultdict(list)
        references = {
            name: [field_spec for field_spec in spec.fields.values() if field_spec.is_reference]
            for name, spec in self.specs.items()
        }
        for clean in self.checked:
            table = clean.table
            spec = self.specs[table]
            for field_spec in references[table]:
                target_id = clean.values.get(field_spec.attname)
                if target_id is not None and target_id not in self.given_ids[field_spec.target]:
                    pointing[(field_spec.target, target_id)].append((clean, field_spec))
            if table == "attribute":
                entity = clean.values.get("link_entity")
                link_id = clean.values.get("link_id")
                if entity in self.specs and link_id is not None and link_id not in self.given_ids[entity]:
                    pointing[(entity, link_id)].append((clean, None))
                elif entity is not None and entity not in self.specs:
                    self.warn(
                        clean.location,
                        str(clean.id),
                        spec,
                        "link_entity",
                        _("%(value)r is not an HSDS table; the link is kept as given") % {"value": entity},
                    )
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for target, target_id in pointing:
            wanted[target].add(target_id)
        existing = self.existing_ids(wanted)
        for (target, target_id), sources in sorted(pointing.items(), key=lambda item: (item[0][0], str(item[0][1]))):
            if target_id in existing[target]:
                continue
            for clean, pointing_field in sources:
                spec = self.specs[clean.table]
                reason = _("no %(table)s %(id)s in the dataset or the database") % {"table": target, "id": target_id}
                if pointing_field is None:
                    self.warn(clean.location, str(clean.id), spec, "link_id", reason + _("; the link is kept as given"))
                elif pointing_field.soft_reference:
                    self.warn(
                        clean.location, str(clean.id), spec, pointing_field.name, reason + _("; the link is left out")
                    )
                    # Stored without the link (also over a link the record had before): the dataset's
                    # statement replaces it, and what it names cannot be stored.
                    clean.values[pointing_field.attname] = None
                else:
                    self.problem(clean.location, str(clean.id), spec, pointing_field.name, reason)

    def check_term_codes(self) -> None:
        """Codes are unique within a taxonomy (a database constraint): report clashes instead of failing on them."""
        spec = self.specs["taxonomy_term"]
        records = [clean for clean in self.dataset["taxonomy_term"].values() if clean.values.get("code")]
        if not records:
            return
        seen: dict[tuple[Any, str], uuid.UUID] = {}
        existing = {
            (row[1], row[2]): row[0]
            for chunk in _chunks(sorted({clean.values["code"] for clean in records}), QUERY_CHUNK)
            for row in TaxonomyTerm.objects.filter(code__in=chunk).values_list("pk", "taxonomy_detail_id", "code")
        }
        for clean in records:
            if clean.values.get("taxonomy_detail_id") is None:
                continue  # without a taxonomy, codes need not be unique
            key = (clean.values["taxonomy_detail_id"], clean.values["code"])
            other = seen.setdefault(key, clean.id)
            if other == clean.id:
                other = existing.get(key, clean.id)
                if other in self.dataset["taxonomy_term"]:
                    continue  # that term is in this import too; its own code is checked there
            if other != clean.id:
                self.problem(
                    clean.location,
                    str(clean.id),
                    spec,
                    "code",
                    _("taxonomy term %(other)s has the same code %(code)r in this taxonomy")
                    % {"other": other, "code": key[1]},
                )


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def dataset_validate(*, parsed: Parsed, language: str) -> tuple[Dataset, list[Problem], list[Problem]]:
    """The records to write, the problems that forbid writing and the warnings."""
    validator = _Validator(parsed, language)
    dataset = validator.run()
    return dataset, validator.problems, validator.warnings
