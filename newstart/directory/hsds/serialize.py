"""Directory records as HSDS 3.1 JSON.

Objects are nested as in the specification's examples (examples/*_full.json) and
follow its schemas, which allow no null: empty values are left out, except where
a schema requires the property. Text is in the active language, falling back to
the record's source language, then English. With `translations=True` the
profile's `source_language` and `translations` (every stored translation) are added.

Serializing a page costs a constant number of queries when the page comes from the
`*_queryset_for_hsds` helpers and its attributes and metadata are preloaded with
`preload_hsds_extras` (the API does this per page):

    services = list(service_queryset_for_hsds(Service.objects.filter(...))[:100])
    extras = preload_hsds_extras(services)
    contents = [service_to_hsds(s, extras=extras) for s in services]

Forms of a service (the HSDS API's): `full=True` fully nested (GET /services/{id},
`full=true`); `full=False` the listing form, one-to-one fields plus organization and
program (examples/service_list.json); `minimal=True` only `id` and `last_modified`
(the API's `minimal=true`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from newstart.directory.hsds.metadata import metadata_for_records, metadata_row_to_hsds
from newstart.directory.hsds.profile import SOURCE_LANGUAGE_PROPERTY, TRANSLATABLE_FIELDS, TRANSLATIONS_PROPERTY
from newstart.directory.hsds.tables import TABLES_BY_NAME
from newstart.directory.hsds.values import is_empty, json_value
from newstart.directory.models import (
    Attribute,
    Location,
    Metadata,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
)
from newstart.directory.models.base import HsdsRecord

JsonObject = dict[str, Any]

# Properties each JSON schema requires: written even when empty.
_REQUIRED: dict[str, frozenset[str]] = {
    "address": frozenset({"id", "address_1", "city", "state_province", "postal_code", "country", "address_type"}),
    "location": frozenset({"id", "location_type"}),
    "organization": frozenset({"id", "name", "description"}),
    "organization_identifier": frozenset({"id", "identifier_type", "identifier"}),
    "phone": frozenset({"id", "number"}),
    "program": frozenset({"id", "name", "description"}),
    "service": frozenset({"id", "name", "status"}),
    "service_capacity": frozenset({"id", "available", "updated"}),
    "taxonomy": frozenset({"id", "name", "description"}),
    "taxonomy_term": frozenset({"id", "name", "description"}),
    "unit": frozenset({"id", "name"}),
    "url": frozenset({"id", "url"}),
}

# HSDS column -> model attribute where they differ.
_ATTRIBUTE_FOR_COLUMN: dict[tuple[str, str], str] = {("taxonomy_term", "taxonomy_id"): "taxonomy_detail_id"}

# Which objects may carry attributes and metadata (per their schemas).
_NO_ATTRIBUTES = frozenset({"attribute", "metadata", "meta_table_description", "taxonomy", "taxonomy_term"})
_NO_METADATA = frozenset({"metadata"})


def hsds_columns(hsds_type: str) -> tuple[str, ...]:
    """The one-to-one properties of an HSDS object type, in the specification's order."""
    return tuple(TABLES_BY_NAME[hsds_type].column_names())


def column_value(record: models.Model, hsds_type: str, column: str) -> Any:
    """The model value behind one HSDS column (translated text excepted)."""
    return getattr(record, _ATTRIBUTE_FOR_COLUMN.get((hsds_type, column), column))


# --- Attributes and metadata, preloaded per page ------------------------------------


@dataclass
class HsdsExtras:
    """Attributes and metadata of a set of records, fetched together.

    Records not in the set get neither (nested records other than the top-level
    ones, as in the specification's examples)."""

    attributes: dict[uuid.UUID, list[Attribute]] = field(default_factory=dict)
    metadata: dict[uuid.UUID, list[JsonObject]] = field(default_factory=dict)
    covered: set[uuid.UUID] = field(default_factory=set)
    # Serialized objects shared by several records of a page (an organization nested in each of its services).
    memo: dict[tuple[Any, ...], JsonObject] = field(default_factory=dict)


def _with_nested_services(records: Iterable[HsdsRecord]) -> list[HsdsRecord]:
    """The records, and the services nested in them with their attributes and metadata
    (as the specification's examples do): a service at a location's service, and an
    organization's services when they were prefetched (organization_queryset_for_hsds)."""
    found: list[HsdsRecord] = []
    for record in records:
        found.append(record)
        if isinstance(record, ServiceAtLocation):
            found.append(record.service)
        elif isinstance(record, Organization) and "services" in getattr(record, "_prefetched_objects_cache", {}):
            found.extend(record.services.all())
    return found


def preload_hsds_extras(records: Iterable[HsdsRecord]) -> HsdsExtras:
    """Fetch the attributes (with their taxonomy terms) and the metadata of `records`,
    and of the services nested in them, in bulk: a constant number of queries, whatever
    their number."""
    records = _with_nested_services(records)
    extras = HsdsExtras(covered={record.pk for record in records})
    if not records:
        return extras
    entity_by_id = {record.pk: record.hsds_type for record in records}
    attributes = (
        Attribute.objects.filter(link_id__in=list(entity_by_id))
        .select_related("taxonomy_term__taxonomy_detail")
        .prefetch_related("taxonomy_term__translations")
        .order_by("link_id", "id")
    )
    for attribute in attributes:
        if entity_by_id.get(attribute.link_id) == attribute.link_entity:
            extras.attributes.setdefault(attribute.link_id, []).append(attribute)
    extras.metadata = metadata_for_records([r for r in records if r.hsds_type not in _NO_METADATA])
    return extras


def _extras_for(record: HsdsRecord, extras: HsdsExtras | None, *, with_services: bool = False) -> HsdsExtras:
    if extras is not None and record.pk in extras.covered:
        return extras
    records: list[HsdsRecord] = [record]
    if with_services and isinstance(record, Organization):
        records += list(record.services.all())
    fresh = preload_hsds_extras(records)
    if extras is not None:
        fresh.memo = extras.memo
    return fresh


# --- Building blocks -------------------------------------------------------------


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).lower()


def _translation_rows(record: models.Model) -> list[Any]:
    # .all() reads the prefetched translations when the queryset prefetched them.
    return sorted(record.translations.all(), key=lambda row: row.language_code)  # type: ignore[attr-defined]


def translated_text(record: models.Model, rows: Sequence[Any] | None = None) -> dict[str, str]:
    """The translated fields of `record` in the active language, else its source
    language, else English, else any stored language. The fallback is per field: a
    French translation without an eligibility text shows the source-language one
    rather than none. `rows`: its translations, if already at hand."""
    if rows is None:
        rows = _translation_rows(record)
    by_language = {row.language_code: row for row in rows}
    language = _language()
    preferred = (
        language,
        language.split("-")[0],
        getattr(record, "source_language", ""),
        settings.PARLER_DEFAULT_LANGUAGE_CODE,
    )
    ordered = [by_language[code] for code in dict.fromkeys(preferred) if code in by_language]
    ordered += [row for row in rows if row not in ordered]
    fields = TRANSLATABLE_FIELDS[record.hsds_type]  # type: ignore[attr-defined]
    return {name: next((getattr(row, name) for row in ordered if getattr(row, name)), "") for name in fields}


def _flat(
    record: models.Model,
    hsds_type: str,
    *,
    exclude: Iterable[str] = (),
    text: dict[str, str] | None = None,
) -> JsonObject:
    required = _REQUIRED.get(hsds_type, frozenset({"id"}))
    excluded = set(exclude)
    out: JsonObject = {}
    for column in hsds_columns(hsds_type):
        if column in excluded:
            continue
        raw = text[column] if text is not None and column in text else column_value(record, hsds_type, column)
        value = json_value(raw)
        if is_empty(value):
            if column in required:
                out[column] = "" if value is None else value
            continue
        out[column] = value
    return out


def _put(out: JsonObject, key: str, value: Any) -> None:
    if not is_empty(value):
        out[key] = value


def _children(manager: Any) -> list[Any]:
    # A stable order on every database (the models have no natural order).
    return sorted(manager.all(), key=lambda child: str(child.pk))


def _translatable(record: HsdsRecord, *, exclude: Iterable[str] = (), translations: bool) -> JsonObject:
    rows = _translation_rows(record)
    out = _flat(record, record.hsds_type, exclude=exclude, text=translated_text(record, rows))
    if translations:
        _add_translations(out, record, rows)
    return out


def _add_translations(out: JsonObject, record: HsdsRecord, rows: Sequence[Any]) -> None:
    fields = TRANSLATABLE_FIELDS[record.hsds_type]
    stored: JsonObject = {}
    for row in rows:
        values = {name: getattr(row, name) for name in fields if getattr(row, name)}
        if values:
            stored[row.language_code] = values
    _put(out, SOURCE_LANGUAGE_PROPERTY, getattr(record, "source_language", ""))
    _put(out, TRANSLATIONS_PROPERTY, stored)


def _add_extras(out: JsonObject, record: HsdsRecord, extras: HsdsExtras, *, translations: bool) -> None:
    if record.pk not in extras.covered:
        return
    if record.hsds_type not in _NO_ATTRIBUTES:
        _put(
            out,
            "attributes",
            [_attribute(a, nested=True, translations=translations) for a in extras.attributes.get(record.pk, [])],
        )
    if record.hsds_type not in _NO_METADATA:
        _put(out, "metadata", extras.metadata.get(record.pk, []))


def _language_obj(language: Any, *, exclude: Iterable[str] = ()) -> JsonObject:
    return _flat(language, "language", exclude=exclude)


def _phone(phone: Any, *, exclude: Iterable[str] = ()) -> JsonObject:
    out = _flat(phone, "phone", exclude=exclude)
    _put(out, "languages", [_language_obj(lang, exclude=("phone_id",)) for lang in _children(phone.languages)])
    return out


def _contact(contact: Any, *, exclude: Iterable[str] = ()) -> JsonObject:
    out = _flat(contact, "contact", exclude=exclude)
    _put(out, "phones", [_phone(phone, exclude=("contact_id",)) for phone in _children(contact.phones)])
    return out


def _capacity(capacity: ServiceCapacity, *, exclude: Iterable[str] = ()) -> JsonObject:
    """A capacity with its unit nested. A capacity without a unit (an import that named a unit
    its dataset lacked) is written without one: the schema requires a unit, so such an
    object does not validate (the export warns about it)."""
    out = _flat(capacity, "service_capacity", exclude=(*exclude, "unit_id"))
    if capacity.unit is not None:
        out["unit"] = _flat(capacity.unit, "unit")
    return out


def _attribute(attribute: Attribute, *, nested: bool, translations: bool) -> JsonObject:
    exclude = ("link_id", "taxonomy_term_id") if nested else ()
    out = _flat(attribute, "attribute", exclude=exclude)
    out["taxonomy_term"] = _term(attribute.taxonomy_term, translations=translations, extras=None)
    return out


def _term(term: TaxonomyTerm, *, translations: bool, extras: HsdsExtras | None) -> JsonObject:
    detail = term.taxonomy_detail
    out = _translatable(term, exclude=("taxonomy_id",) if detail is not None else (), translations=translations)
    if detail is not None:
        out["taxonomy_detail"] = _flat(detail, "taxonomy")
    if extras is not None:
        _add_extras(out, term, extras, translations=translations)
    return out


def _location(location: Location, extras: HsdsExtras, *, exclude: Iterable[str] = ()) -> JsonObject:
    own = ("location_id",)
    out = _flat(location, "location", exclude=exclude)
    _put(out, "languages", [_language_obj(x, exclude=own) for x in _children(location.languages)])
    _put(out, "addresses", [_flat(x, "address", exclude=own) for x in _children(location.addresses)])
    _put(out, "contacts", [_contact(x, exclude=own) for x in _children(location.contacts)])
    _put(out, "accessibility", [_flat(x, "accessibility", exclude=own) for x in _children(location.accessibility)])
    _put(out, "phones", [_phone(x, exclude=own) for x in _children(location.phones)])
    _put(out, "schedules", [_flat(x, "schedule", exclude=own) for x in _children(location.schedules)])
    _add_extras(out, location, extras, translations=False)
    return out


def _organization(
    org: Organization,
    extras: HsdsExtras,
    *,
    full: bool,
    services: str,
    translations: bool,
) -> JsonObject:
    """services: "none", "list" (listing form) or "full" (fully nested)."""
    key = ("organization", org.pk, full, services, translations, _language())
    if key in extras.memo:
        return extras.memo[key]
    out = _translatable(org, translations=translations)
    if full:
        own = ("organization_id",)
        _put(out, "additional_websites", [_flat(x, "url", exclude=own) for x in _children(org.additional_websites)])
        _put(out, "funding", [_flat(x, "funding", exclude=own) for x in _children(org.funding)])
        _put(out, "contacts", [_contact(x, exclude=own) for x in _children(org.contacts)])
        _put(out, "phones", [_phone(x, exclude=own) for x in _children(org.phones)])
        _put(out, "locations", [_location(x, extras, exclude=own) for x in _children(org.locations)])
        _put(out, "programs", [_flat(x, "program", exclude=own) for x in _children(org.programs)])
        _put(
            out,
            "organization_identifiers",
            [_flat(x, "organization_identifier", exclude=own) for x in _children(org.organization_identifiers)],
        )
        if services != "none":
            _put(
                out,
                "services",
                [
                    _service(
                        s,
                        extras,
                        form="full" if services == "full" else "list",
                        organization="none",
                        with_sals=True,
                        translations=translations,
                    )
                    for s in _children(org.services)
                ],
            )
        _add_extras(out, org, extras, translations=translations)
    extras.memo[key] = out
    return out


def _service_at_location(
    sal: ServiceAtLocation,
    extras: HsdsExtras,
    *,
    full: bool,
    with_service: bool,
    translations: bool,
) -> JsonObject:
    # Its location is always nested; its service is nested in it, or it is nested in its service.
    out = _flat(sal, "service_at_location", exclude=("service_id", "location_id"))
    if full:
        own = ("service_at_location_id",)
        _put(out, "service_areas", [_flat(x, "service_area", exclude=own) for x in _children(sal.service_areas)])
        _put(out, "contacts", [_contact(x, exclude=own) for x in _children(sal.contacts)])
        _put(out, "phones", [_phone(x, exclude=own) for x in _children(sal.phones)])
        _put(out, "schedules", [_flat(x, "schedule", exclude=own) for x in _children(sal.schedules)])
        out["location"] = _location(sal.location, extras)
    else:
        out["location"] = _flat(sal.location, "location")
    if with_service:
        out["service"] = _service(
            sal.service,
            extras,
            form="full" if full else "list",
            organization="full" if full else "list",
            with_sals=False,
            translations=translations,
        )
    if full:
        _add_extras(out, sal, extras, translations=translations)
    return out


def _service(
    service: Service,
    extras: HsdsExtras,
    *,
    form: str,
    organization: str,
    with_sals: bool,
    translations: bool,
) -> JsonObject:
    """form: "minimal", "list" or "full"; organization: "none", "list" or "full"."""
    if form == "minimal":
        return {"id": str(service.pk), "last_modified": json_value(service.last_modified)}
    # A nested parent replaces its id; a service nested in its organization needs neither.
    exclude = ["program_id"] if service.program is not None else []
    if organization == "none" or service.organization is not None:
        exclude.append("organization_id")
    own = ("service_id",)
    out = _translatable(service, exclude=exclude, translations=translations)
    if form == "full":
        _put(out, "additional_urls", [_flat(x, "url", exclude=own) for x in _children(service.additional_urls)])
        _put(out, "phones", [_phone(x, exclude=own) for x in _children(service.phones)])
        _put(out, "schedules", [_flat(x, "schedule", exclude=own) for x in _children(service.schedules)])
        _put(out, "service_areas", [_flat(x, "service_area", exclude=own) for x in _children(service.service_areas)])
        if with_sals:
            _put(
                out,
                "service_at_locations",
                [
                    _service_at_location(x, extras, full=True, with_service=False, translations=translations)
                    for x in _children(service.service_at_locations)
                ],
            )
        _put(out, "languages", [_language_obj(x, exclude=own) for x in _children(service.languages)])
    if organization != "none" and service.organization is not None:
        out["organization"] = _organization(
            service.organization, extras, full=organization == "full", services="none", translations=translations
        )
    if form == "full":
        _put(out, "funding", [_flat(x, "funding", exclude=own) for x in _children(service.funding)])
        _put(out, "cost_options", [_flat(x, "cost_option", exclude=own) for x in _children(service.cost_options)])
    if service.program is not None:
        out["program"] = _flat(service.program, "program", exclude=("organization_id",))
    if form == "full":
        _put(
            out,
            "required_documents",
            [_flat(x, "required_document", exclude=own) for x in _children(service.required_documents)],
        )
        _put(out, "contacts", [_contact(x, exclude=own) for x in _children(service.contacts)])
        _put(out, "capacities", [_capacity(x, exclude=own) for x in _children(service.capacities)])
        _add_extras(out, service, extras, translations=translations)
    return out


# --- Public serializers ------------------------------------------------------------


def service_to_hsds(
    service: Service,
    *,
    full: bool = True,
    translations: bool = False,
    minimal: bool = False,
    extras: HsdsExtras | None = None,
) -> JsonObject:
    """A service as HSDS: fully nested (examples/service_full.json); with full=False
    the listing form (examples/service_list.json); with minimal=True only id and
    last_modified."""
    if minimal:
        return _service(service, HsdsExtras(), form="minimal", organization="none", with_sals=False, translations=False)
    if full:
        extras = _extras_for(service, extras)
    return _service(
        service,
        extras or HsdsExtras(),
        form="full" if full else "list",
        organization="full" if full else "list",
        with_sals=True,
        translations=translations,
    )


def organization_to_hsds(
    org: Organization,
    *,
    full: bool = True,
    full_service: bool = False,
    translations: bool = False,
    extras: HsdsExtras | None = None,
) -> JsonObject:
    """An organization as HSDS (examples/organization_full.json): its services in the
    listing form, or fully nested with full_service=True. With full=False only its
    one-to-one fields (examples/organization_list.json)."""
    if full:
        extras = _extras_for(org, extras, with_services=full_service)
    return _organization(
        org,
        extras or HsdsExtras(),
        full=full,
        services="full" if full_service else "list",
        translations=translations,
    )


def service_at_location_to_hsds(
    sal: ServiceAtLocation,
    *,
    full: bool = True,
    translations: bool = False,
    extras: HsdsExtras | None = None,
) -> JsonObject:
    """A service at a location as HSDS (examples/service_at_location_full.json), with
    its location and its service nested; full=False gives the listing form
    (examples/service_at_location_list.json)."""
    if full:
        extras = _extras_for(sal, extras)
    return _service_at_location(sal, extras or HsdsExtras(), full=full, with_service=True, translations=translations)


def location_to_hsds(location: Location, *, extras: HsdsExtras | None = None) -> JsonObject:
    """A location as HSDS (examples/location.json), with its languages, addresses,
    contacts, accessibility, phones and schedules."""
    return _location(location, _extras_for(location, extras))


def taxonomy_to_hsds(taxonomy: Taxonomy, *, extras: HsdsExtras | None = None) -> JsonObject:
    """A taxonomy as HSDS (examples/taxonomy.json)."""
    out = _flat(taxonomy, "taxonomy")
    _add_extras(out, taxonomy, _extras_for(taxonomy, extras), translations=False)
    return out


def taxonomy_term_to_hsds(
    term: TaxonomyTerm, *, translations: bool = False, extras: HsdsExtras | None = None
) -> JsonObject:
    """A taxonomy term as HSDS (examples/taxonomy_term.json), its taxonomy nested."""
    return _term(term, translations=translations, extras=_extras_for(term, extras))


def record_to_hsds(instance: HsdsRecord, *, translations: bool = False, extras: HsdsExtras | None = None) -> JsonObject:
    """Any HSDS record as its schema describes it: its one-to-one properties (all
    foreign keys included), the objects its schema nests (a phone's languages, a
    contact's phones, a capacity's unit, an attribute's taxonomy term), its
    attributes and metadata."""
    hsds_type = instance.hsds_type
    if isinstance(instance, Service):
        return service_to_hsds(instance, translations=translations, extras=extras)
    if isinstance(instance, Organization):
        return organization_to_hsds(instance, translations=translations, extras=extras)
    if isinstance(instance, ServiceAtLocation):
        return service_at_location_to_hsds(instance, translations=translations, extras=extras)
    if isinstance(instance, Location):
        return location_to_hsds(instance, extras=extras)
    if isinstance(instance, Taxonomy):
        return taxonomy_to_hsds(instance, extras=extras)
    if isinstance(instance, TaxonomyTerm):
        return taxonomy_term_to_hsds(instance, translations=translations, extras=extras)
    if isinstance(instance, Metadata):
        return metadata_row_to_hsds(instance)
    if isinstance(instance, Attribute):
        out = _attribute(instance, nested=False, translations=translations)
    elif isinstance(instance, ServiceCapacity):
        out = _flat(instance, "service_capacity")  # with unit_id: standing alone, it names its unit too
        if instance.unit is not None:
            out["unit"] = _flat(instance.unit, "unit")
    elif hsds_type == "phone":
        out = _phone(instance)
    elif hsds_type == "contact":
        out = _contact(instance)
    else:
        out = _flat(instance, hsds_type)
    _add_extras(out, instance, _extras_for(instance, extras), translations=translations)
    return out


# --- Querysets that serialize in a constant number of queries ----------------------------


def _phone_lookups(prefix: str) -> list[str]:
    return [f"{prefix}phones__languages"]


def _contact_lookups(prefix: str) -> list[str]:
    return [f"{prefix}contacts__phones__languages"]


def _location_lookups(prefix: str) -> list[str]:
    return [
        f"{prefix}languages",
        f"{prefix}addresses",
        *_contact_lookups(prefix),
        f"{prefix}accessibility",
        *_phone_lookups(prefix),
        f"{prefix}schedules",
    ]


def _organization_lookups(prefix: str, *, full: bool) -> list[Any]:
    lookups: list[Any] = [f"{prefix}translations"]
    if full:
        lookups += [
            f"{prefix}additional_websites",
            f"{prefix}funding",
            *_contact_lookups(prefix),
            *_phone_lookups(prefix),
            f"{prefix}locations",
            *_location_lookups(f"{prefix}locations__"),
            f"{prefix}programs",
            f"{prefix}organization_identifiers",
        ]
    return lookups


def _service_at_location_lookups(prefix: str) -> list[Any]:
    return [
        f"{prefix}service_areas",
        *_contact_lookups(prefix),
        *_phone_lookups(prefix),
        f"{prefix}schedules",
        *_location_lookups(f"{prefix}location__"),
    ]


def _service_lookups(prefix: str, *, full: bool, organization: str, with_sals: bool) -> list[Any]:
    lookups: list[Any] = [f"{prefix}translations"]
    if organization != "none":
        lookups += _organization_lookups(f"{prefix}organization__", full=organization == "full")
    if full:
        lookups += [
            f"{prefix}additional_urls",
            *_phone_lookups(prefix),
            f"{prefix}schedules",
            f"{prefix}service_areas",
            f"{prefix}languages",
            f"{prefix}funding",
            f"{prefix}cost_options",
            f"{prefix}required_documents",
            *_contact_lookups(prefix),
            Prefetch(f"{prefix}capacities", queryset=ServiceCapacity.objects.select_related("unit")),
        ]
        if with_sals:
            lookups += [
                Prefetch(
                    f"{prefix}service_at_locations", queryset=ServiceAtLocation.objects.select_related("location")
                ),
                *_service_at_location_lookups(f"{prefix}service_at_locations__"),
            ]
    return lookups


def service_queryset_for_hsds(qs: QuerySet[Service], *, full: bool = True) -> QuerySet[Service]:
    """`qs` with everything service_to_hsds(full=...) reads, fetched in a constant number of queries."""
    return qs.select_related("organization", "program").prefetch_related(
        *_service_lookups("", full=full, organization="full" if full else "list", with_sals=True)
    )


def organization_queryset_for_hsds(
    qs: QuerySet[Organization], *, full: bool = True, full_service: bool = False
) -> QuerySet[Organization]:
    """`qs` with everything organization_to_hsds(full=..., full_service=...) reads."""
    lookups = _organization_lookups("", full=full)
    if full:
        lookups += [
            Prefetch("services", queryset=Service.objects.select_related("program")),
            *_service_lookups("services__", full=full_service, organization="none", with_sals=True),
        ]
    return qs.prefetch_related(*lookups)


def service_at_location_queryset_for_hsds(
    qs: QuerySet[ServiceAtLocation], *, full: bool = True
) -> QuerySet[ServiceAtLocation]:
    """`qs` with everything service_at_location_to_hsds(full=...) reads."""
    lookups: list[Any] = _service_lookups(
        "service__", full=full, organization="full" if full else "list", with_sals=False
    )
    if full:
        lookups += [
            "service_areas",
            *_contact_lookups(""),
            *_phone_lookups(""),
            "schedules",
            *_location_lookups("location__"),
        ]
    return qs.select_related("service__organization", "service__program", "location").prefetch_related(*lookups)


def location_queryset_for_hsds(qs: QuerySet[Location]) -> QuerySet[Location]:
    """`qs` with everything location_to_hsds reads."""
    return qs.prefetch_related(*_location_lookups(""))


def taxonomy_term_queryset_for_hsds(qs: QuerySet[TaxonomyTerm]) -> QuerySet[TaxonomyTerm]:
    """`qs` with everything taxonomy_term_to_hsds reads."""
    return qs.select_related("taxonomy_detail").prefetch_related("translations")


def record_queryset_for_hsds(qs: QuerySet[Any]) -> QuerySet[Any]:
    """`qs` (of any HSDS model) with everything record_to_hsds reads."""
    model = qs.model
    if model is Service:
        return service_queryset_for_hsds(qs)
    if model is Organization:
        return organization_queryset_for_hsds(qs)
    if model is ServiceAtLocation:
        return service_at_location_queryset_for_hsds(qs)
    if model is Location:
        return location_queryset_for_hsds(qs)
    if model is TaxonomyTerm:
        return taxonomy_term_queryset_for_hsds(qs)
    if model is Attribute:
        return qs.select_related("taxonomy_term__taxonomy_detail").prefetch_related("taxonomy_term__translations")
    if model is ServiceCapacity:
        return qs.select_related("unit")
    hsds_type = getattr(model, "hsds_type", "")
    if hsds_type == "phone":
        return qs.prefetch_related("languages")
    if hsds_type == "contact":
        return qs.prefetch_related(*_phone_lookups(""))
    return qs
