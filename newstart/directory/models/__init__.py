"""The directory's models: HSDS 3.1 objects, field names as in the specification."""

from __future__ import annotations

from simple_history import register

from newstart.directory.models.contact import Contact, Frequency, Language, Phone, Schedule, Weekday
from newstart.directory.models.location import (
    Accessibility,
    Address,
    AddressType,
    LocalArea,
    Location,
    LocationType,
    ServiceArea,
    ServiceAtLocation,
    coordinates_are_valid,
)
from newstart.directory.models.organization import Funding, Organization, OrganizationIdentifier, Program, Url
from newstart.directory.models.service import (
    CostOption,
    RequiredDocument,
    Service,
    ServiceCapacity,
    ServiceStatus,
    Unit,
)
from newstart.directory.models.taxonomy import Attribute, Metadata, MetaTableDescription, Taxonomy, TaxonomyTerm
from newstart.directory.models.verification import ServiceVerification

# Translated text has its own tables (django-parler); give them change history too.
for _translated in (Organization, Service, TaxonomyTerm):
    register(_translated._parler_meta.root_model, app="newstart.directory")  # type: ignore[attr-defined]

__all__ = [
    "Accessibility",
    "Address",
    "AddressType",
    "Attribute",
    "Contact",
    "CostOption",
    "Frequency",
    "Funding",
    "Language",
    "LocalArea",
    "Location",
    "LocationType",
    "MetaTableDescription",
    "Metadata",
    "Organization",
    "OrganizationIdentifier",
    "Phone",
    "Program",
    "RequiredDocument",
    "Schedule",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceCapacity",
    "ServiceStatus",
    "ServiceVerification",
    "Taxonomy",
    "TaxonomyTerm",
    "Unit",
    "Url",
    "Weekday",
    "coordinates_are_valid",
]
