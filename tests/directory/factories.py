"""factory_boy factories for every directory model.

Shared by every helper's tests: keep names and defaults stable, only add.

Translated models (Organization, Service, TaxonomyTerm) take their translated
fields as plain keyword arguments, written in the record's ``source_language``
(default "en"); further languages go in ``translations``::

    ServiceFactory(name="Food bank", translations={"fr": {"name": "Banque alimentaire"}})

Helpers at the bottom link records the way HSDS does (``link_service_to_term``,
``make_free``, ``add_weekly_schedule``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from newstart.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    LocalArea,
    Location,
    Metadata,
    MetaTableDescription,
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

T = TypeVar("T")


class ModelFactory(DjangoModelFactory[T], Generic[T]):
    """A DjangoModelFactory whose call is typed: to mypy, ServiceFactory() is a Service."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> T: ...  # type: ignore[misc]


class TranslatableFactory(ModelFactory[T], Generic[T]):
    """Creates a parler model with its translated fields in its source language.

    Extra keyword ``translations``: {language_code: {field: value}} for further languages.
    """

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        translations: dict[str, dict[str, Any]] = kwargs.pop("translations", None) or {}
        translated_fields = set(model_class._parler_meta.get_all_fields())
        own_text = {key: kwargs.pop(key) for key in list(kwargs) if key in translated_fields}
        instance = model_class(*args, **kwargs)
        instance.set_current_language(instance.source_language or "en")
        for field, value in own_text.items():
            setattr(instance, field, value)
        for language, values in translations.items():
            instance.set_current_language(language)
            for field, value in values.items():
                setattr(instance, field, value)
        # parler saves every translation set above.
        instance.save()
        instance.set_current_language(instance.source_language or "en")
        return instance


# --- Places ---------------------------------------------------------------------


class LocalAreaFactory(ModelFactory[LocalArea]):
    class Meta:
        model = LocalArea
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Local Area {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    centroid_latitude = 49.2606
    centroid_longitude = -123.1140


# --- Organizations ----------------------------------------------------------------


class OrganizationFactory(TranslatableFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    description = factory.LazyAttribute(lambda o: f"{o.name} helps newcomers settle in Vancouver.")
    source_language = "en"
    email = factory.Sequence(lambda n: f"info{n}@example.org")
    website = factory.Sequence(lambda n: f"https://org{n}.example.org")


class ProgramFactory(ModelFactory[Program]):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")


class OrganizationIdentifierFactory(ModelFactory[OrganizationIdentifier]):
    class Meta:
        model = OrganizationIdentifier

    organization = factory.SubFactory(OrganizationFactory)
    identifier_scheme = "CA-CRA"
    identifier_type = "Charity registration number"
    identifier = factory.Sequence(lambda n: f"{100000000 + n}RR0001")


class FundingFactory(ModelFactory[Funding]):
    class Meta:
        model = Funding

    organization = factory.SubFactory(OrganizationFactory)
    source = "Immigration, Refugees and Citizenship Canada"


class UrlFactory(ModelFactory[Url]):
    class Meta:
        model = Url

    label = "More information"
    url = factory.Sequence(lambda n: f"https://example.org/page/{n}")
    organization = factory.SubFactory(OrganizationFactory)


# --- Services -----------------------------------------------------------------------


class ServiceFactory(TranslatableFactory[Service]):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = factory.LazyAttribute(lambda o: f"{o.name}: a settlement service.")
    source_language = "en"
    status = "active"
    last_modified = factory.LazyFunction(timezone.now)


class CostOptionFactory(ModelFactory[CostOption]):
    class Meta:
        model = CostOption

    service = factory.SubFactory(ServiceFactory)
    option = "Free"
    currency = "CAD"
    amount = Decimal("0")


class RequiredDocumentFactory(ModelFactory[RequiredDocument]):
    class Meta:
        model = RequiredDocument

    service = factory.SubFactory(ServiceFactory)
    document = "Permanent resident card"


class UnitFactory(ModelFactory[Unit]):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Unit {n}")


class ServiceCapacityFactory(ModelFactory[ServiceCapacity]):
    class Meta:
        model = ServiceCapacity

    service = factory.SubFactory(ServiceFactory)
    unit = factory.SubFactory(UnitFactory)
    available = 5
    maximum = 10
    updated = factory.LazyFunction(timezone.now)


# --- Locations ----------------------------------------------------------------------


class LocationFactory(ModelFactory[Location]):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Location {n}")
    location_type = "physical"
    # Vancouver City Hall.
    latitude = 49.2606
    longitude = -123.1140


class AddressFactory(ModelFactory[Address]):
    class Meta:
        model = Address

    location = factory.SubFactory(LocationFactory)
    address_1 = factory.Sequence(lambda n: f"{100 + n} West 12th Avenue")
    city = "Vancouver"
    state_province = "BC"
    postal_code = "V5Y 1V4"
    country = "CA"
    address_type = "physical"


class AccessibilityFactory(ModelFactory[Accessibility]):
    class Meta:
        model = Accessibility

    location = factory.SubFactory(LocationFactory)
    description = "Wheelchair accessible entrance"


class ServiceAtLocationFactory(ModelFactory[ServiceAtLocation]):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory, organization=factory.SelfAttribute("..service.organization"))


class ServiceAreaFactory(ModelFactory[ServiceArea]):
    class Meta:
        model = ServiceArea

    service = factory.SubFactory(ServiceFactory)
    name = "City of Vancouver"


# --- Contact, phone, schedule, language -------------------------------------------


class ContactFactory(ModelFactory[Contact]):
    class Meta:
        model = Contact

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class PhoneFactory(ModelFactory[Phone]):
    class Meta:
        model = Phone

    service = factory.SubFactory(ServiceFactory)
    number = factory.Sequence(lambda n: f"604-555-{n % 10000:04d}")


class ScheduleFactory(ModelFactory[Schedule]):
    """Weekdays nine to five, attached to a service."""

    class Meta:
        model = Schedule

    service = factory.SubFactory(ServiceFactory)
    freq = "WEEKLY"
    byday = "MO,TU,WE,TH,FR"
    opens_at = dt.time(9, 0)
    closes_at = dt.time(17, 0)


class LanguageFactory(ModelFactory[Language]):
    class Meta:
        model = Language

    service = factory.SubFactory(ServiceFactory)
    name = "English"
    code = "en"


# --- Taxonomy, attributes, metadata -------------------------------------------------


class TaxonomyFactory(ModelFactory[Taxonomy]):
    class Meta:
        model = Taxonomy

    name = factory.Sequence(lambda n: f"Taxonomy {n}")
    description = factory.LazyAttribute(lambda o: f"The {o.name} taxonomy.")
    version = "1"


class TaxonomyTermFactory(TranslatableFactory[TaxonomyTerm]):
    class Meta:
        model = TaxonomyTerm

    name = factory.Sequence(lambda n: f"Term {n}")
    source_language = "en"
    code = factory.Sequence(lambda n: f"TERM-{n}")
    taxonomy_detail = factory.SubFactory(TaxonomyFactory)
    taxonomy = factory.LazyAttribute(lambda o: o.taxonomy_detail.name if o.taxonomy_detail else "")
    parent = None


class AttributeFactory(ModelFactory[Attribute]):
    """By default links a new service to a new taxonomy term."""

    class Meta:
        model = Attribute
        exclude = ("linked",)

    linked = factory.SubFactory(ServiceFactory)
    link_id = factory.LazyAttribute(lambda o: o.linked.id)
    link_entity = factory.LazyAttribute(lambda o: o.linked.hsds_type)
    taxonomy_term = factory.SubFactory(TaxonomyTermFactory)


class MetadataFactory(ModelFactory[Metadata]):
    class Meta:
        model = Metadata

    resource_id = factory.Faker("uuid4", cast_to=None)
    resource_type = "service"
    last_action_date = "2024-01-01"
    last_action_type = "create"
    field_name = "name"
    replacement_value = "Service"
    updated_by = "importer"


class MetaTableDescriptionFactory(ModelFactory[MetaTableDescription]):
    class Meta:
        model = MetaTableDescription

    name = "service"
    language = "en"
    character_set = "UTF-8"


# --- Helpers ---------------------------------------------------------------------


def link_service_to_term(service: Service, term: TaxonomyTerm) -> Attribute:
    """Classify a service under a taxonomy term (an HSDS attribute row)."""
    return Attribute.objects.create(link_entity="service", link_id=service.id, taxonomy_term=term)


def make_free(service: Service) -> CostOption:
    """The demo's way to mark a service free."""
    return CostOption.objects.create(service=service, option="Free", amount=Decimal("0"), currency="CAD")


def add_weekly_schedule(
    service: Service,
    byday: str = "MO,TU,WE,TH,FR",
    opens_at: dt.time = dt.time(9, 0),
    closes_at: dt.time = dt.time(17, 0),
    **kwargs: Any,
) -> Schedule:
    return Schedule.objects.create(
        service=service, freq="WEEKLY", byday=byday, opens_at=opens_at, closes_at=closes_at, **kwargs
    )
