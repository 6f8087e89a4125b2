"""Inline editors for the records that hang off services, organizations and locations.

Each inline shows only the fields that matter under its parent; links to other parents
(a phone's location when shown under a service, …) are edited on the record's own page.
Foreign keys use autocomplete so no page ever lists a whole table.
"""

from __future__ import annotations

from django.contrib import admin

from newstart.directory.admin.editors import EditorInlineMixin
from newstart.directory.models import (
    Accessibility,
    Address,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Url,
)


class DirectoryInline(EditorInlineMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


# --- Under a service -------------------------------------------------------------------


class ServicePhoneInline(DirectoryInline):
    model = Phone
    fk_name = "service"
    fields = ("number", "extension", "type", "description")


class ServiceScheduleInline(DirectoryInline):
    model = Schedule
    fk_name = "service"
    fields = ("freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to", "description")


class ServiceLanguageInline(DirectoryInline):
    model = Language
    fk_name = "service"
    fields = ("name", "code", "note")


class CostOptionInline(DirectoryInline):
    model = CostOption
    fields = ("option", "amount", "currency", "amount_description", "valid_from", "valid_to")


class RequiredDocumentInline(DirectoryInline):
    model = RequiredDocument
    fields = ("document", "uri")


class ServiceAtLocationInline(DirectoryInline):
    model = ServiceAtLocation
    fk_name = "service"
    fields = ("location", "description")
    autocomplete_fields = ("location",)
    verbose_name = ServiceAtLocation._meta.verbose_name
    verbose_name_plural = ServiceAtLocation._meta.verbose_name_plural


class ServiceContactInline(DirectoryInline):
    model = Contact
    fk_name = "service"
    fields = ("name", "title", "department", "email")


class ServiceCapacityInline(DirectoryInline):
    model = ServiceCapacity
    fields = ("unit", "available", "maximum", "description", "updated")
    autocomplete_fields = ("unit",)


class ServiceUrlInline(DirectoryInline):
    model = Url
    fk_name = "service"
    fields = ("label", "url")


class ServiceFundingInline(DirectoryInline):
    model = Funding
    fk_name = "service"
    fields = ("source",)


class ServiceAreaInline(DirectoryInline):
    model = ServiceArea
    fk_name = "service"
    fields = ("name", "description", "extent_type", "uri")


# --- Under an organization ------------------------------------------------------------


class OrganizationLocationInline(DirectoryInline):
    model = Location
    fk_name = "organization"
    fields = ("name", "location_type", "local_area", "latitude", "longitude")
    autocomplete_fields = ("local_area",)


class ProgramInline(DirectoryInline):
    model = Program
    fields = ("name", "alternate_name", "description")


class OrganizationIdentifierInline(DirectoryInline):
    model = OrganizationIdentifier
    fields = ("identifier_scheme", "identifier_type", "identifier")


class OrganizationPhoneInline(DirectoryInline):
    model = Phone
    fk_name = "organization"
    fields = ("number", "extension", "type", "description")


class OrganizationContactInline(DirectoryInline):
    model = Contact
    fk_name = "organization"
    fields = ("name", "title", "department", "email")


# --- Under a location ------------------------------------------------------------------


class AddressInline(DirectoryInline):
    model = Address
    fields = ("address_type", "attention", "address_1", "address_2", "city", "state_province", "postal_code", "country")


class AccessibilityInline(DirectoryInline):
    model = Accessibility
    fields = ("description", "details", "url")


class LocationPhoneInline(DirectoryInline):
    model = Phone
    fk_name = "location"
    fields = ("number", "extension", "type", "description")


class LocationScheduleInline(DirectoryInline):
    model = Schedule
    fk_name = "location"
    fields = ("freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to", "description")


class LocationLanguageInline(DirectoryInline):
    model = Language
    fk_name = "location"
    fields = ("name", "code", "note")


class LocationServiceInline(DirectoryInline):
    model = ServiceAtLocation
    fk_name = "location"
    fields = ("service", "description")
    autocomplete_fields = ("service",)
