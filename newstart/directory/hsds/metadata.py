"""HSDS `metadata` for directory records.

A record's metadata is what came with it on import (Metadata rows) followed by
what changed here, derived from the change history (django-simple-history):

- a record created here: ONE entry, last_action_type "create", field_name "id",
  previous_value "" and replacement_value the record's id (its values are the
  record itself; one entry per field made metadata a third of an export);
- a translation added to a record: likewise one "create" entry, field_name
  `translations.<language>`, replacement_value the language code;
- an update: one entry per changed field, with the previous and the new value;
- a deletion: one entry per field that had a value (its last values are kept
  nowhere else).

Saves made by the importer (history_change_reason "import") are skipped, since
their imported metadata already describes them. Changes to translated text are
named after the profile's path to the text: `translations.<language>.<field>`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import models
from django.utils import timezone

from newstart.directory import models as directory_models
from newstart.directory.hsds.profile import IMPORT_CHANGE_REASON, TRANSLATIONS_PROPERTY
from newstart.directory.hsds.values import text_value
from newstart.directory.models import Metadata
from newstart.directory.models.base import HsdsRecord

# Stable ids for derived entries: the same history row always gives the same metadata id.
DERIVED_METADATA_NAMESPACE = uuid.UUID("0b6f1c52-4a0e-5d2e-9a59-5d0f1a7e3c11")

# Model fields that are newstart's own bookkeeping, not HSDS fields.
_NOT_HSDS_FIELDS = frozenset({"id", "is_demo", "has_valid_coordinates", "local_area"})
_TRANSLATION_KEYS = frozenset({"id", "language_code", "master"})

ACTION_CREATE = "create"
ACTION_UPDATE = "update"
ACTION_DELETE = "delete"
_ACTIONS = {"+": ACTION_CREATE, "~": ACTION_UPDATE, "-": ACTION_DELETE}
SYSTEM_USER = "system"


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager = getattr(model, "history", None)
    return manager.model if manager is not None else None


def _translation_history_model(model: type[models.Model]) -> type[models.Model] | None:
    parler_meta = getattr(model, "_parler_meta", None)
    if parler_meta is None:
        return None
    return _history_model(parler_meta.root_model)


def hsds_models_with_history() -> list[type[HsdsRecord]]:
    """Every directory model with an HSDS type and a change history, in a stable order."""
    found = []
    for name in sorted(directory_models.__all__):
        candidate = getattr(directory_models, name)
        if (
            isinstance(candidate, type)
            and issubclass(candidate, HsdsRecord)
            and candidate.hsds_type
            and not candidate._meta.proxy
            and _history_model(candidate) is not None
        ):
            found.append(candidate)
    return found


def _entry(
    *,
    entry_id: uuid.UUID,
    resource_id: Any,
    resource_type: str,
    date: str,
    action: str,
    field_name: str,
    previous_value: str,
    replacement_value: str,
    updated_by: str,
) -> dict[str, Any]:
    return {
        "id": str(entry_id),
        "resource_id": str(resource_id),
        "resource_type": resource_type,
        "last_action_date": date,
        "last_action_type": action,
        "field_name": field_name,
        "previous_value": previous_value,
        "replacement_value": replacement_value,
        "updated_by": updated_by,
    }


def metadata_row_to_hsds(row: Metadata) -> dict[str, Any]:
    """An imported metadata row as HSDS (every field is required by the schema, so all are kept)."""
    return _entry(
        entry_id=row.id,
        resource_id=row.resource_id,
        resource_type=row.resource_type,
        date=row.last_action_date,
        action=row.last_action_type,
        field_name=row.field_name,
        previous_value=row.previous_value,
        replacement_value=row.replacement_value,
        updated_by=row.updated_by,
    )


def _updated_by(history_row: Any) -> str:
    # The username, never an email address: metadata is public.
    user = history_row.history_user
    return user.get_username() if user is not None else SYSTEM_USER


def _tracked(history_model: type[models.Model], excluded: frozenset[str]) -> list[models.Field]:
    return [field for field in history_model.tracked_fields if field.name not in excluded]  # type: ignore[attr-defined]


def _field_label(field: models.Field) -> str:
    # The HSDS name: the column (taxonomy_term.taxonomy_detail is stored as taxonomy_id).
    return str(field.column)


def _derive(
    rows: Sequence[Any],
    *,
    fields: Sequence[models.Field],
    resource_id: Any,
    resource_type: str,
    label: Any,
    created: tuple[str, str],
) -> Iterator[dict[str, Any]]:
    """Metadata entries for the history rows of one record, oldest first. `created`:
    the field name and replacement value of the one entry a creation yields."""
    previous: dict[str, str] = {}
    for row in rows:
        current = {label(field): text_value(getattr(row, field.attname)) for field in fields}
        action = _ACTIONS.get(row.history_type, ACTION_UPDATE)
        if row.history_change_reason != IMPORT_CHANGE_REASON:
            if action == ACTION_CREATE:
                changes = [(created[0], "", created[1])]
            elif action == ACTION_DELETE:
                changes = [(name, value, "") for name, value in current.items() if value]
            else:
                changes = [
                    (name, previous.get(name, ""), value)
                    for name, value in current.items()
                    if value != previous.get(name, "")
                ]
            date = timezone.localdate(row.history_date).isoformat()
            updated_by = _updated_by(row)
            history_label = row._meta.label_lower
            for field_name, old, new in changes:
                yield _entry(
                    entry_id=uuid.uuid5(DERIVED_METADATA_NAMESPACE, f"{history_label}:{row.history_id}:{field_name}"),
                    resource_id=resource_id,
                    resource_type=resource_type,
                    date=date,
                    action=action,
                    field_name=field_name,
                    previous_value=old,
                    replacement_value=new,
                    updated_by=updated_by,
                )
        previous = {} if action == ACTION_DELETE else current


def _grouped(rows: Iterable[Any], key: str) -> Iterator[list[Any]]:
    """Consecutive rows sharing `key` (the rows come ordered by it)."""
    group: list[Any] = []
    for row in rows:
        if group and getattr(group[0], key) != getattr(row, key):
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def _record_history_entries(model: type[HsdsRecord], history_rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    history_model = _history_model(model)
    assert history_model is not None
    fields = _tracked(history_model, _NOT_HSDS_FIELDS)
    for rows in _grouped(history_rows, "id"):
        record_id = str(rows[0].id)
        yield from _derive(
            rows,
            fields=fields,
            resource_id=record_id,
            resource_type=model.hsds_type,
            label=_field_label,
            created=("id", record_id),
        )


def _translation_history_entries(model: type[HsdsRecord], history_rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    history_model = _translation_history_model(model)
    assert history_model is not None
    fields = _tracked(history_model, _TRANSLATION_KEYS)
    for rows in _grouped(history_rows, "id"):
        language = rows[0].language_code

        def label(field: models.Field, language: str = language) -> str:
            return f"{TRANSLATIONS_PROPERTY}.{language}.{field.name}"

        yield from _derive(
            rows,
            fields=fields,
            resource_id=rows[0].master_id,
            resource_type=model.hsds_type,
            label=label,
            created=(f"{TRANSLATIONS_PROPERTY}.{language}", language),
        )


_ORDER = ("id", "history_date", "history_id")


def metadata_for_records(records: Sequence[HsdsRecord]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """HSDS metadata for each record, keyed by record id, in bulk: one query for the
    imported rows plus one per model type (two for translated types), whatever the
    number of records."""
    result: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    ids_by_model: dict[type[HsdsRecord], set[uuid.UUID]] = defaultdict(set)
    for record in records:
        ids_by_model[type(record)._meta.concrete_model].add(record.pk)  # type: ignore[index]
    all_ids = {pk for ids in ids_by_model.values() for pk in ids}
    if not all_ids:
        return {}

    imported = Metadata.objects.filter(resource_id__in=all_ids).order_by("last_action_date", "id")
    for row in imported:
        result[row.resource_id].append(metadata_row_to_hsds(row))

    for model, ids in ids_by_model.items():
        derived: list[dict[str, Any]] = []
        history_model = _history_model(model)
        if history_model is not None:
            rows = history_model._default_manager.filter(id__in=ids).select_related("history_user").order_by(*_ORDER)
            derived.extend(_record_history_entries(model, rows))
        translation_history = _translation_history_model(model)
        if translation_history is not None:
            rows = (
                translation_history._default_manager.filter(master_id__in=ids)
                .select_related("history_user")
                .order_by(*_ORDER)
            )
            derived.extend(_translation_history_entries(model, rows))
        # Record and translation changes interleave by date; sorting is stable, so
        # entries of one change keep their field order.
        derived.sort(key=lambda entry: entry["last_action_date"])
        for entry in derived:
            result[uuid.UUID(entry["resource_id"])].append(entry)
    return dict(result)


def metadata_iter_all(*, chunk_size: int = 2000) -> Iterator[dict[str, Any]]:
    """Every metadata entry of the directory, imported and derived, including those of
    deleted records; streamed so memory stays bounded."""
    for row in Metadata.objects.order_by("resource_id", "last_action_date", "id").iterator(chunk_size=chunk_size):
        yield metadata_row_to_hsds(row)
    for model in hsds_models_with_history():
        history_model = _history_model(model)
        assert history_model is not None
        rows = history_model._default_manager.select_related("history_user").order_by(*_ORDER)
        yield from _record_history_entries(model, rows.iterator(chunk_size=chunk_size))
        translation_history = _translation_history_model(model)
        if translation_history is not None:
            rows = translation_history._default_manager.select_related("history_user").order_by(*_ORDER)
            yield from _translation_history_entries(model, rows.iterator(chunk_size=chunk_size))
