"""Writing validated HSDS records: upsert by id, in bulk, with change history.

Existing rows are fetched in bulk and compared field by field first, so a record
that has not changed is not written and gets no history row: importing the same
data twice changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.utils.translation import gettext as _
from parler import appsettings as parler_settings
from parler.cache import get_translation_cache_key
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from newstart.directory.hsds import profile
from newstart.directory.hsds.import_report import Problem, TableCounts
from newstart.directory.hsds.import_schema import TableSpec, table_specs
from newstart.directory.hsds.import_validate import QUERY_CHUNK, CleanRecord, Dataset
from newstart.directory.models import coordinates_are_valid

BATCH_SIZE = 500


@dataclass
class _Writes:
    """Rows of one model to create and to update."""

    model: type[models.Model]
    history: bool
    creates: list[models.Model] = field(default_factory=list)
    updates: list[models.Model] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)

    def apply(self, advance: Callable[[int], object]) -> None:
        reason = profile.IMPORT_CHANGE_REASON
        for start in range(0, len(self.creates), BATCH_SIZE):
            batch = self.creates[start : start + BATCH_SIZE]
            if self.history:
                bulk_create_with_history(batch, self.model, batch_size=BATCH_SIZE, default_change_reason=reason)
            else:
                self.model._default_manager.bulk_create(batch, batch_size=BATCH_SIZE)
            advance(len(batch))
        if not self.updates:
            return
        fields = sorted(self.update_fields)
        for start in range(0, len(self.updates), BATCH_SIZE):
            batch = self.updates[start : start + BATCH_SIZE]
            if self.history:
                bulk_update_with_history(batch, self.model, fields, batch_size=BATCH_SIZE, default_change_reason=reason)
            else:
                self.model._default_manager.bulk_update(batch, fields, batch_size=BATCH_SIZE)
            advance(len(batch))


@dataclass
class TablePlan:
    spec: TableSpec
    counts: TableCounts
    rows: _Writes
    translations: _Writes | None
    problems: list[Problem] = field(default_factory=list)

    def changed_ids(self) -> set[uuid.UUID]:
        """The records this plan creates or changes, translations included."""
        ids = {row.pk for row in self.rows.creates + self.rows.updates}
        if self.translations is not None:
            ids.update(row.master_id for row in self.translations.creates + self.translations.updates)  # type: ignore[attr-defined]
        return ids

    @property
    def size(self) -> int:
        size = len(self.rows.creates) + len(self.rows.updates)
        if self.translations is not None:
            size += len(self.translations.creates) + len(self.translations.updates)
        return size


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _set_changed(instance: models.Model, values: dict[str, Any]) -> list[str]:
    changed = []
    for attname, value in values.items():
        if getattr(instance, attname) != value:
            setattr(instance, attname, value)
            changed.append(attname)
    return changed


def _plan_table(spec: TableSpec, records: dict[uuid.UUID, CleanRecord]) -> TablePlan:
    model = spec.model
    ids = sorted(records, key=str)
    existing: dict[uuid.UUID, models.Model] = {}
    for chunk in _chunks(ids, QUERY_CHUNK):
        existing.update((row.pk, row) for row in model._default_manager.filter(pk__in=chunk))
    counts = TableCounts()
    rows = _Writes(model, spec.has_history)
    translation_model = spec.translation_model
    translations = _Writes(translation_model, True) if translation_model is not None else None
    existing_texts: dict[tuple[uuid.UUID, str], models.Model] = {}
    if translation_model is not None:
        for chunk in _chunks(ids, QUERY_CHUNK):
            existing_texts.update(
                ((row.master_id, row.language_code), row)  # type: ignore[attr-defined]
                for row in translation_model._default_manager.filter(master_id__in=chunk)
            )
    problems: list[Problem] = []
    required_texts = [name for name in spec.translated_fields if spec.fields[name].model_requires]
    for record_id in ids:
        record = records[record_id]
        values = dict(record.values)
        if spec.translated_fields and record.source_language is not None:
            values["source_language"] = record.source_language
        instance = existing.get(record_id)
        if instance is None:
            instance = model(id=record_id, **values)
            if spec.name == "location":
                instance.has_valid_coordinates = coordinates_are_valid(  # type: ignore[attr-defined]
                    instance.latitude,  # type: ignore[attr-defined]
                    instance.longitude,  # type: ignore[attr-defined]
                )
            instance._change_reason = profile.IMPORT_CHANGE_REASON  # type: ignore[attr-defined]
            rows.creates.append(instance)
            changed = True
        else:
            fields = _set_changed(instance, values)
            if spec.name == "location":
                fields += _set_changed(
                    instance,
                    {
                        "has_valid_coordinates": coordinates_are_valid(
                            instance.latitude,  # type: ignore[attr-defined]
                            instance.longitude,  # type: ignore[attr-defined]
                        )
                    },
                )
            if fields:
                instance._change_reason = profile.IMPORT_CHANGE_REASON  # type: ignore[attr-defined]
                rows.updates.append(instance)
                rows.update_fields.update(fields)
            changed = bool(fields)
        if translations is not None and translation_model is not None:
            for language, texts in record.texts.items():
                if not texts:
                    continue
                text_row = existing_texts.get((record_id, language))
                if text_row is None:
                    missing = [name for name in required_texts if not texts.get(name)]
                    if missing:
                        problems.append(
                            Problem(
                                record.location,
                                str(record_id),
                                f"{spec.name}.translations.{language}",
                                _("a new translation needs %(fields)s") % {"fields": ", ".join(missing)},
                            )
                        )
                        continue
                    text_row = translation_model(master_id=record_id, language_code=language, **texts)
                    text_row._change_reason = profile.IMPORT_CHANGE_REASON  # type: ignore[attr-defined]
                    translations.creates.append(text_row)
                    changed = True
                elif text_fields := _set_changed(text_row, texts):
                    text_row._change_reason = profile.IMPORT_CHANGE_REASON  # type: ignore[attr-defined]
                    translations.updates.append(text_row)
                    translations.update_fields.update(text_fields)
                    changed = True
        if record_id not in existing:
            counts.created += 1
        elif changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
    return TablePlan(spec, counts, rows, translations, problems)


def dataset_plan(*, dataset: Dataset) -> list[TablePlan]:
    """What writing the dataset would change, table by table, in writing order."""
    return [_plan_table(spec, dataset[name]) for name, spec in table_specs().items() if dataset.get(name)]


def _forget_cached_translations(plans: list[TablePlan]) -> None:
    if not parler_settings.PARLER_ENABLE_CACHING:
        return
    keys = [
        get_translation_cache_key(type(row), row.master_id, row.language_code)  # type: ignore[attr-defined]
        for plan in plans
        if plan.translations is not None
        for row in plan.translations.creates + plan.translations.updates
    ]
    if keys:
        cache.delete_many(keys)


def plan_apply(*, plans: list[TablePlan], advance: Callable[[int], object]) -> None:
    """Write the plans in one transaction; parler's cached translations are dropped once it commits."""
    with transaction.atomic():
        for plan in plans:
            plan.rows.apply(advance)
            if plan.translations is not None:
                plan.translations.apply(advance)
        transaction.on_commit(lambda: _forget_cached_translations(plans))
