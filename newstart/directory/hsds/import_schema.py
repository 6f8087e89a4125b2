"""What the importer knows about each HSDS table: its fields, how each maps onto the
model, what type and size each may be, and how nested JSON objects hang together.

Built once from the tabular catalogue (tables.py), the models and the translations
profile, so the parser, the validator and the writer share one description.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from newstart.directory.hsds import profile
from newstart.directory.hsds.tables import TABLES_BY_NAME, Column

# HSDS field -> model field, where the names differ.
_MODEL_FIELD_NAMES: dict[tuple[str, str], str] = {("taxonomy_term", "taxonomy_id"): "taxonomy_detail"}

# The order tables are written in: every table after the tables it points at.
WRITE_ORDER: tuple[str, ...] = (
    "taxonomy",
    "taxonomy_term",
    "organization",
    "program",
    "service",
    "location",
    "service_at_location",
    "contact",
    "phone",
    "language",
    "address",
    "accessibility",
    "schedule",
    "funding",
    "service_area",
    "required_document",
    "cost_option",
    "organization_identifier",
    "unit",
    "service_capacity",
    "url",
    "attribute",
    "metadata",
    "meta_table_description",
)


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the HSDS field name
    attname: str  # the model attribute written (e.g. "organization_id", "taxonomy_detail_id")
    model_field: models.Field[Any, Any]  # the model (or parler translation model) field
    column: Column
    translated: bool
    target: str  # for references, the HSDS table pointed at; "" otherwise
    # A reference to a record that is neither in the dataset nor in the database is "soft"
    # wherever the model can store the record without the link (a nullable foreign key): the
    # link is left out, with a warning, and the record imported. (The specification's own CSV
    # example names an organization, a service, a unit, … that it does not contain.) Where
    # the model needs the link (a service at location's service and location, an attribute's
    # taxonomy term) the missing record is a problem, and nothing is imported.
    soft_reference: bool

    @property
    def is_reference(self) -> bool:
        return bool(self.target)

    @property
    def allows_empty(self) -> bool:
        """Whether an empty value can be stored (a text field that may be blank)."""
        field = self.model_field
        if isinstance(field, models.ForeignKey | models.UUIDField):
            return bool(field.null)
        if isinstance(field, models.CharField | models.TextField):
            return bool(field.blank)
        return bool(field.null)

    @property
    def model_requires(self) -> bool:
        """The model cannot store the record without this field."""
        field = self.model_field
        if field.has_default() or field.null:
            return False
        if isinstance(field, models.CharField | models.TextField):
            return not field.blank
        return True


@dataclass(frozen=True)
class Nesting:
    """A JSON property holding nested objects: service.phones, service.organization, …"""

    key: str
    table: str
    many: bool
    # "child": the nested object points at the parent (phone.service_id = service.id);
    # "parent": the parent points at the nested object (service.organization_id = organization.id);
    # "link": attributes and metadata, which name their record by id and type.
    kind: str
    field: str  # the field set from the nesting, on the child ("child"/"link") or the parent ("parent")


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type[models.Model]
    fields: dict[str, FieldSpec]
    nestings: dict[str, Nesting]
    translated_fields: tuple[str, ...]
    # The fields that must be given, in a table row (True) and in a JSON object (False).
    required_names: dict[bool, frozenset[str]] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        for tabular in (True, False):
            self.required_names[tabular] = frozenset(
                name for name, spec in self.fields.items() if self.required(spec, tabular=tabular)
            )

    @property
    def translation_model(self) -> type[models.Model] | None:
        meta = getattr(self.model, "_parler_meta", None)
        return meta.root_model if meta is not None else None  # type: ignore[no-any-return]

    @property
    def has_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def required(self, field: FieldSpec, *, tabular: bool) -> bool:
        """Whether the field must be given. JSON objects get their references from
        nesting, so there a reference is required only where the model needs it."""
        if field.name == "id":
            return True
        if field.model_requires:
            return True
        if not field.column.required:
            return False
        return tabular or not field.is_reference


def _nestings() -> dict[str, dict[str, Nesting]]:
    def child(key: str, table: str, parent: str) -> Nesting:
        return Nesting(key, table, True, "child", f"{parent}_id")

    nestings: dict[str, list[Nesting]] = {
        "organization": [
            child("additional_websites", "url", "organization"),
            child("funding", "funding", "organization"),
            child("contacts", "contact", "organization"),
            child("phones", "phone", "organization"),
            child("locations", "location", "organization"),
            child("programs", "program", "organization"),
            child("organization_identifiers", "organization_identifier", "organization"),
            # Not in the schema, but the examples' organization_full.json nests them.
            child("services", "service", "organization"),
        ],
        "service": [
            child("additional_urls", "url", "service"),
            child("phones", "phone", "service"),
            child("schedules", "schedule", "service"),
            child("service_areas", "service_area", "service"),
            child("service_at_locations", "service_at_location", "service"),
            child("languages", "language", "service"),
            child("funding", "funding", "service"),
            child("cost_options", "cost_option", "service"),
            child("required_documents", "required_document", "service"),
            child("contacts", "contact", "service"),
            child("capacities", "service_capacity", "service"),
            Nesting("organization", "organization", False, "parent", "organization_id"),
            Nesting("program", "program", False, "parent", "program_id"),
        ],
        "service_at_location": [
            child("service_areas", "service_area", "service_at_location"),
            child("contacts", "contact", "service_at_location"),
            child("phones", "phone", "service_at_location"),
            child("schedules", "schedule", "service_at_location"),
            Nesting("location", "location", False, "parent", "location_id"),
            Nesting("service", "service", False, "parent", "service_id"),
        ],
        "location": [
            child("languages", "language", "location"),
            child("addresses", "address", "location"),
            child("contacts", "contact", "location"),
            child("accessibility", "accessibility", "location"),
            child("phones", "phone", "location"),
            child("schedules", "schedule", "location"),
        ],
        "contact": [child("phones", "phone", "contact")],
        "phone": [child("languages", "language", "phone")],
        "service_capacity": [Nesting("unit", "unit", False, "parent", "unit_id")],
        "attribute": [Nesting("taxonomy_term", "taxonomy_term", False, "parent", "taxonomy_term_id")],
        "taxonomy_term": [Nesting("taxonomy_detail", "taxonomy", False, "parent", "taxonomy_id")],
    }
    result: dict[str, dict[str, Nesting]] = {}
    for table in WRITE_ORDER:
        own = list(nestings.get(table, []))
        if table not in ("attribute", "metadata", "taxonomy", "taxonomy_term"):
            own.append(Nesting("attributes", "attribute", True, "link", "link_id"))
        if table != "metadata":
            own.append(Nesting("metadata", "metadata", True, "link", "resource_id"))
        result[table] = {nesting.key: nesting for nesting in own}
    return result


def _field_spec(table: str, column: Column, model: type[models.Model], translated: tuple[str, ...]) -> FieldSpec:
    name = column.name
    model_name = _MODEL_FIELD_NAMES.get((table, name), name)
    if name in translated:
        translation_model = model._parler_meta.root_model  # type: ignore[attr-defined]
        field = translation_model._meta.get_field(name)
        return FieldSpec(name, name, field, column, True, "", False)
    try:
        field = cast("models.Field[Any, Any]", model._meta.get_field(model_name))
    except FieldDoesNotExist:
        field = cast("models.Field[Any, Any]", model._meta.get_field(model_name.removesuffix("_id")))
    target = ""
    if isinstance(field, models.ForeignKey):
        target = str(getattr(field.related_model, "hsds_type", ""))
    return FieldSpec(name, str(field.attname), field, column, False, target, bool(target) and bool(field.null))


@functools.cache
def table_specs() -> dict[str, TableSpec]:
    """Every HSDS table the directory holds, by name, in writing order."""
    models_by_type = {
        str(getattr(model, "hsds_type", "")): model
        for model in apps.get_app_config("directory").get_models()
        if getattr(model, "hsds_type", "") and not model._meta.proxy
    }
    nestings = _nestings()
    specs: dict[str, TableSpec] = {}
    for name in WRITE_ORDER:
        model = models_by_type[name]
        columns = list(TABLES_BY_NAME[name].columns)
        translated = profile.TRANSLATABLE_FIELDS.get(name, ())
        fields = {column.name: _field_spec(name, column, model, translated) for column in columns}
        specs[name] = TableSpec(name, model, fields, nestings[name], translated)
    return specs


def csv_path(table: str) -> str:
    return TABLES_BY_NAME[table].path
