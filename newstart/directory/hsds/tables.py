"""The HSDS 3.1 tabular format: every table, in the specification"s order, with its
columns, their types and whether they are required.

Written from the specification"s datapackage (Open Referral, CC BY-SA 4.0); the
importer reads tables and the exporter writes them from this one catalogue.
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    name: str
    type: str  # frictionless type: string, number, integer, date, datetime, time, boolean
    format: str  # "uuid", "uri", "email" or ""
    required: bool


class Table(NamedTuple):
    name: str  # the HSDS object name, e.g. "service_at_location"
    path: str  # the CSV file name in a datapackage, e.g. "service_at_location.csv"
    columns: tuple[Column, ...]

    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _c(name: str, type_: str = "string", format_: str = "", required: bool = False) -> Column:
    return Column(name, type_, format_, required)


TABLES: tuple[Table, ...] = (
    Table(
        "organization",
        "organizations.csv",
        (
            _c("id", "string", "uuid", True),
            _c("name", "string", "", True),
            _c("alternate_name"),
            _c("description", "string", "", True),
            _c("email", "string", "email"),
            _c("website", "string", "uri"),
            _c("tax_status"),
            _c("tax_id"),
            _c("year_incorporated", "number"),
            _c("legal_status"),
            _c("logo"),
            _c("uri", "string", "uri"),
            _c("parent_organization_id", "string", "uuid"),
        ),
    ),
    Table(
        "program",
        "programs.csv",
        (
            _c("id", "string", "uuid", True),
            _c("organization_id", "string", "uuid", True),
            _c("name", "string", "", True),
            _c("alternate_name"),
            _c("description", "string", "", True),
        ),
    ),
    Table(
        "service",
        "services.csv",
        (
            _c("id", "string", "uuid", True),
            _c("organization_id", "string", "uuid", True),
            _c("program_id", "string", "uuid"),
            _c("name", "string", "", True),
            _c("alternate_name"),
            _c("description"),
            _c("url", "string", "uri"),
            _c("email", "string", "email"),
            _c("status", "string", "", True),
            _c("interpretation_services"),
            _c("application_process"),
            _c("fees_description"),
            _c("wait_time"),
            _c("fees"),
            _c("accreditations"),
            _c("eligibility_description"),
            _c("minimum_age", "number"),
            _c("maximum_age", "number"),
            _c("assured_date", "date"),
            _c("assurer_email", "string", "email"),
            _c("licenses"),
            _c("alert"),
            _c("last_modified", "datetime"),
        ),
    ),
    Table(
        "attribute",
        "attributes.csv",
        (
            _c("id", "string", "uuid", True),
            _c("link_id", "string", "uuid", True),
            _c("taxonomy_term_id", "string", "uuid", True),
            _c("link_type"),
            _c("link_entity", "string", "", True),
            _c("value"),
            _c("label"),
        ),
    ),
    Table(
        "service_at_location",
        "service_at_location.csv",
        (
            _c("id", "string", "uuid", True),
            _c("service_id", "string", "uuid", True),
            _c("location_id", "string", "uuid", True),
            _c("description"),
        ),
    ),
    Table(
        "location",
        "locations.csv",
        (
            _c("id", "string", "uuid", True),
            _c("location_type", "string", "", True),
            _c("url", "string", "uri"),
            _c("organization_id", "string", "uuid"),
            _c("name"),
            _c("alternate_name"),
            _c("description"),
            _c("transportation"),
            _c("latitude", "number"),
            _c("longitude", "number"),
            _c("external_identifier"),
            _c("external_identifier_type"),
        ),
    ),
    Table(
        "phone",
        "phones.csv",
        (
            _c("id", "string", "uuid", True),
            _c("location_id", "string", "uuid"),
            _c("service_id", "string", "uuid"),
            _c("organization_id", "string", "uuid"),
            _c("contact_id", "string", "uuid"),
            _c("service_at_location_id", "string", "uuid"),
            _c("number", "string", "", True),
            _c("extension", "number"),
            _c("type"),
            _c("description"),
        ),
    ),
    Table(
        "contact",
        "contacts.csv",
        (
            _c("id", "string", "uuid", True),
            _c("organization_id", "string", "uuid"),
            _c("service_id", "string", "uuid"),
            _c("service_at_location_id", "string", "uuid"),
            _c("location_id", "string", "uuid"),
            _c("name"),
            _c("title"),
            _c("department"),
            _c("email", "string", "email"),
        ),
    ),
    Table(
        "address",
        "addresses.csv",
        (
            _c("id", "string", "uuid", True),
            _c("location_id", "string", "uuid"),
            _c("attention"),
            _c("address_1", "string", "", True),
            _c("address_2"),
            _c("city", "string", "", True),
            _c("region"),
            _c("state_province", "string", "", True),
            _c("postal_code", "string", "", True),
            _c("country", "string", "", True),
            _c("address_type", "string", "", True),
        ),
    ),
    Table(
        "schedule",
        "schedules.csv",
        (
            _c("id", "string", "uuid", True),
            _c("service_id", "string", "uuid"),
            _c("location_id", "string", "uuid"),
            _c("service_at_location_id", "string", "uuid"),
            _c("valid_from", "date"),
            _c("valid_to", "date"),
            _c("dtstart", "date"),
            _c("timezone", "number"),
            _c("until", "date"),
            _c("count", "number"),
            _c("wkst"),
            _c("freq"),
            _c("interval", "number"),
            _c("byday"),
            _c("byweekno"),
            _c("bymonthday"),
            _c("byyearday"),
            _c("description"),
            _c("opens_at", "time"),
            _c("closes_at", "time"),
            _c("schedule_link", "string", "uri"),
            _c("attending_type"),
            _c("notes"),
        ),
    ),
    Table(
        "funding",
        "funding.csv",
        (
            _c("id", "string", "uuid", True),
            _c("organization_id", "string", "uuid"),
            _c("service_id", "string", "uuid"),
            _c("source"),
        ),
    ),
    Table(
        "service_area",
        "service_areas.csv",
        (
            _c("id", "string", "uuid", True),
            _c("service_id", "string", "uuid"),
            _c("service_at_location_id", "string", "uuid"),
            _c("name"),
            _c("description"),
            _c("extent"),
            _c("extent_type"),
            _c("uri"),
        ),
    ),
    Table(
        "required_document",
        "required_documents.csv",
        (
            _c("id", "string", "uuid", True),
            _c("service_id", "string", "uuid"),
            _c("document"),
            _c("uri", "string", "uri"),
        ),
    ),
    Table(
        "language",
        "languages.csv",
        (
            _c("id", "string", "uuid", True),
            _c("service_id", "string", "uuid"),
            _c("location_id", "string", "uuid"),
            _c("phone_id", "string", "uuid"),
            _c("name"),
            _c("code"),
            _c("note"),
        ),
    ),
    Table(
        "accessibility",
        "accessibility.csv",
        (
            _c("id", "string", "uuid", True),
            _c("location_id", "string", "uuid"),
            _c("description"),
            _c("details"),
            _c("url", "string", "uri"),
        ),
    ),
    Table(
        "taxonomy_term",
        "taxonomy_terms.csv",
        (
            _c("id", "string", "uuid", True),
            _c("code"),
            _c("name", "string", "", True),
            _c("description", "string", "", True),
            _c("parent_id", "string", "uuid"),
            _c("taxonomy"),
            _c("language"),
            _c("taxonomy_id", "string", "uuid"),
            _c("term_uri", "string", "uri"),
        ),
    ),
    Table(
        "metadata",
        "metadata.csv",
        (
            _c("id", "string", "uuid", True),
            _c("resource_id", "string", "uuid", True),
            _c("resource_type", "string", "", True),
            _c("last_action_date", "date", "", True),
            _c("last_action_type", "string", "", True),
            _c("field_name", "string", "", True),
            _c("previous_value", "string", "", True),
            _c("replacement_value", "string", "", True),
            _c("updated_by", "string", "", True),
        ),
    ),
    Table(
        "meta_table_description",
        "meta_table_descriptions.csv",
        (
            _c("id", "string", "uuid", True),
            _c("name"),
            _c("language"),
            _c("character_set"),
        ),
    ),
    Table(
        "cost_option",
        "cost_options.csv",
        (
            _c("id", "string", "uuid", True),
            _c("service_id", "string", "uuid", True),
            _c("valid_from", "date"),
            _c("valid_to", "date"),
            _c("option"),
            _c("currency"),
            _c("amount", "number"),
            _c("amount_description"),
        ),
    ),
    Table(
        "organization_identifier",
        "organization_identifiers.csv",
        (
            _c("id", "string", "uuid", True),
            _c("organization_id", "string", "uuid", True),
            _c("identifier_scheme"),
            _c("identifier_type", "string", "", True),
            _c("identifier", "string", "", True),
        ),
    ),
    Table(
        "taxonomy",
        "taxonomies.csv",
        (
            _c("id", "string", "uuid", True),
            _c("name", "string", "", True),
            _c("description", "string", "", True),
            _c("uri", "string", "uri"),
            _c("version"),
        ),
    ),
    Table(
        "service_capacity",
        "service_capacity.csv",
        # The specification's datapackage lists only the two ids here; its JSON schema and
        # example CSV carry the full record, which is what HSDS publishers exchange.
        (
            _c("id", "string", "uuid", True),
            _c("service_id", "string", "uuid", True),
            _c("unit_id", "string", "uuid", True),
            _c("available", "number", "", True),
            _c("maximum", "number"),
            _c("description"),
            _c("updated", "datetime", "", True),
        ),
    ),
    Table(
        "unit",
        "units.csv",
        # Empty in the specification's datapackage; columns from the unit schema and example CSV.
        (
            _c("id", "string", "uuid", True),
            _c("name", "string", "", True),
            _c("scheme"),
            _c("identifier"),
            _c("uri", "string", "uri"),
        ),
    ),
    Table(
        "url",
        "url.csv",
        (
            _c("id", "string", "uuid", True),
            _c("label"),
            _c("url", "string", "uri", True),
            _c("organization_id", "string", "uuid"),
            _c("service_id", "string", "uuid"),
        ),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {table.name: table for table in TABLES}
TABLES_BY_PATH: dict[str, Table] = {table.path: table for table in TABLES}
