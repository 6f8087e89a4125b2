"""Fixtures for the HSDS output tests: fully populated records and the official schemas."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from newstart.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
    Unit,
    Url,
)


def translated(model: Any, source_language: str = "en", texts: dict[str, dict[str, str]] | None = None, **kwargs: Any):
    """Create a parler model with text in several languages: texts={language: {field: value}}."""
    instance = model(source_language=source_language, **kwargs)
    for language, values in (texts or {}).items():
        instance.set_current_language(language)
        for name, value in values.items():
            setattr(instance, name, value)
    instance.save()
    return instance


def build_full_service(n: int = 0) -> Service:
    """A service with every HSDS field and related object populated."""
    parent = translated(Organization, texts={"en": {"name": f"Umbrella {n}", "description": "Parent body."}})
    org = translated(
        Organization,
        parent_organization=parent,
        texts={
            "en": {"name": f"Settlement Society {n}", "description": "Helps newcomers."},
            "fr": {"name": f"Société d'établissement {n}", "description": "Aide les nouveaux arrivants."},
        },
        alternate_name="SSV",
        email="info@example.org",
        website="https://example.org",
        tax_status="charity",
        year_incorporated=1985.0,
        legal_status="Society",
        logo="https://example.org/logo.png",
        uri="https://example.org/org",
    )
    program = Program.objects.create(organization=org, name="Newcomer programs", description="All of them.")
    OrganizationIdentifier.objects.create(
        organization=org, identifier_scheme="CA-CRA", identifier_type="Charity", identifier="1RR"
    )
    Funding.objects.create(organization=org, source="IRCC")
    Url.objects.create(organization=org, label="Blog", url="https://example.org/blog")
    org_contact = Contact.objects.create(organization=org, name="Front desk", email="desk@example.org")
    Phone.objects.create(contact=org_contact, number="604-555-0100")
    Phone.objects.create(organization=org, number="604-555-0101", type="voice")

    service = translated(
        Service,
        texts={
            "en": {
                "name": f"Job search help {n}",
                "alternate_name": "Job club",
                "description": "One-to-one job search help.",
                "eligibility_description": "Permanent residents.",
                "fees_description": "Free.",
                "application_process": "Call us.",
                "alert": "Closed on holidays.",
            },
            "fr": {"name": f"Aide à la recherche d'emploi {n}", "description": "Aide individuelle."},
            "pa": {"name": f"ਨੌਕਰੀ ਦੀ ਖੋਜ {n}"},
        },
        organization=org,
        program=program,
        url="https://example.org/jobs",
        email="jobs@example.org",
        status="active",
        interpretation_services="Punjabi, Arabic",
        wait_time="1 week",
        fees="none",
        accreditations="CARF",
        minimum_age=18.0,
        maximum_age=64.5,
        assured_date=dt.date(2024, 5, 1),
        assurer_email="verifier@example.org",
        licenses="none needed",
        last_modified=timezone.make_aware(dt.datetime(2024, 5, 1, 10, 30)),
    )
    Url.objects.create(service=service, label="Brochure", url="https://example.org/jobs.pdf")
    phone = Phone.objects.create(
        service=service, number="604-555-0102", extension=12.0, type="voice", description="Main"
    )
    Language.objects.create(phone=phone, name="Punjabi", code="pa")
    Schedule.objects.create(
        service=service,
        freq="WEEKLY",
        byday="MO,TU",
        opens_at=dt.time(9),
        closes_at=dt.time(17),
        valid_from=dt.date(2024, 1, 1),
        timezone=-8.0,
        interval=1,
        wkst="MO",
    )
    ServiceArea.objects.create(service=service, name="Vancouver", extent_type="geojson")
    Language.objects.create(service=service, name="English", code="en")
    Language.objects.create(service=service, name="Punjabi", code="pa", note="Some staff")
    Funding.objects.create(service=service, source="IRCC")
    CostOption.objects.create(
        service=service,
        option="Free",
        currency="CAD",
        amount=Decimal("0"),
        valid_from=dt.date(2024, 1, 1),
        amount_description="No charge",
    )
    CostOption.objects.create(service=service, option="Workshop", currency="CAD", amount=Decimal("12.50"))
    RequiredDocument.objects.create(service=service, document="PR card", uri="https://example.org/docs")
    contact = Contact.objects.create(service=service, name="Counsellor", title="Employment counsellor")
    Phone.objects.create(contact=contact, number="604-555-0103")
    unit = Unit.objects.create(name="place", scheme="custom")
    ServiceCapacity.objects.create(
        service=service, unit=unit, available=3.0, maximum=10.0, description="Seats", updated=timezone.now()
    )

    location = Location.objects.create(
        organization=org,
        name="Main office",
        alternate_name="HQ",
        url="https://example.org/office",
        description="Near the SkyTrain",
        transportation="Bus 99",
        latitude=49.2606,
        longitude=-123.114,
        external_identifier="X1",
        external_identifier_type="internal",
    )
    Address.objects.create(
        location=location,
        address_1="1 Main St",
        city="Vancouver",
        state_province="BC",
        postal_code="V5Y 1V4",
        country="CA",
        address_type="physical",
    )
    Accessibility.objects.create(location=location, description="Ramp", url="https://example.org/access")
    Language.objects.create(location=location, name="Arabic", code="ar")
    Phone.objects.create(location=location, number="604-555-0104")
    Schedule.objects.create(location=location, freq="WEEKLY", byday="WE", opens_at=dt.time(10), closes_at=dt.time(12))
    Contact.objects.create(location=location, name="Receptionist")
    sal = ServiceAtLocation.objects.create(service=service, location=location, description="In person")
    ServiceArea.objects.create(service_at_location=sal, name="Downtown")
    Phone.objects.create(service_at_location=sal, number="604-555-0105")
    Schedule.objects.create(service_at_location=sal, freq="WEEKLY", byday="TH", opens_at=dt.time(13))
    Contact.objects.create(service_at_location=sal, name="Site lead")

    taxonomy = Taxonomy.objects.get_or_create(
        name="newstart settlement taxonomy",
        defaults={"description": "Settlement services", "version": "1", "uri": "https://example.org/taxonomy"},
    )[0]
    employment = TaxonomyTerm.objects.filter(code="EMP").first() or translated(
        TaxonomyTerm,
        texts={"en": {"name": "Employment", "description": "Work"}},
        code="EMP",
        taxonomy="newstart settlement taxonomy",
        taxonomy_detail=taxonomy,
    )
    term = TaxonomyTerm.objects.filter(code="EMP-SEARCH").first() or translated(
        TaxonomyTerm,
        texts={"en": {"name": "Job search", "description": "Finding work"}, "fr": {"name": "Recherche d'emploi"}},
        code="EMP-SEARCH",
        parent=employment,
        term_uri="https://example.org/taxonomy/EMP-SEARCH",
        taxonomy="newstart settlement taxonomy",
        taxonomy_detail=taxonomy,
        language="en",
    )
    Attribute.objects.create(
        link_entity="service", link_id=service.id, taxonomy_term=term, label="category", link_type="category", value="1"
    )
    Metadata.objects.create(
        resource_id=service.id,
        resource_type="service",
        last_action_date="2023-01-01",
        last_action_type="create",
        field_name="name",
        previous_value="",
        replacement_value="Job search help",
        updated_by="Importer",
    )
    return service


@pytest.fixture
def full_service(db) -> Service:
    return build_full_service()


# --- The official schemas -----------------------------------------------------------


class HsdsValidator:
    """Validates objects against the HSDS 3.1 schemas, resolving "$ref": "phone.json"."""

    def __init__(self, schema_dir: Path) -> None:
        self.schemas = {
            path.name: json.loads(path.read_text()) for path in schema_dir.glob("*.json") if path.name != "openapi.json"
        }
        self.registry = Registry().with_resources(
            (name, Resource.from_contents(schema, default_specification=DRAFT202012))
            for name, schema in self.schemas.items()
        )

    def validator(self, hsds_type: str) -> Draft202012Validator:
        return Draft202012Validator(
            self.schemas[f"{hsds_type}.json"], registry=self.registry, format_checker=FormatChecker()
        )

    def errors(self, hsds_type: str, obj: Any) -> list[str]:
        return [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in self.validator(hsds_type).iter_errors(obj)
        ]


@pytest.fixture
def hsds_validator(shared_dir: Path) -> HsdsValidator:
    return HsdsValidator(shared_dir / "hsds-3.1" / "schema")
