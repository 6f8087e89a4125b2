"""What a result card and a service page show, gathered from prefetched records (no queries here)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext

from newstart.directory.models import Address, Location, Service
from newstart.eligibility.assessment import Assessment
from newstart.navigator.display import (
    OpeningHours,
    cost_options_free,
    fallback_note,
    language_name,
    opening_hours,
    schedules_open_now,
    shown_language,
    tel_href,
)


def short_code(service_id: uuid.UUID) -> str:
    """The service id in 22 URL-safe characters, for short links."""
    return base64.urlsafe_b64encode(service_id.bytes).decode().rstrip("=")


def short_code_parse(code: str) -> uuid.UUID | None:
    try:
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
        return uuid.UUID(bytes=raw)
    except (ValueError, TypeError):
        return None


@dataclass(frozen=True)
class PhoneLink:
    number: str
    href: str
    description: str


@dataclass(frozen=True)
class Place:
    name: str
    address_lines: list[str]
    local_area: str
    latitude: float | None
    longitude: float | None
    accessibility: list[str]
    transportation: str


@dataclass
class ServiceCard:
    service: Service
    url: str
    name: str
    organization_name: str
    # The language the service's text is shown in, and the note when that is not the visitor's.
    text_language: str
    organization_language: str
    fallback_note: str
    languages: list[str]
    open_now: bool | None
    free: bool
    last_verified: dt.date | None
    demo_label: str
    distance_km: float | None
    points: list[tuple[float, float]] = field(default_factory=list)
    # Whether the person is likely eligible, when they told us their situation.
    assessment: Assessment | None = None


def demo_label(service: Service) -> str:
    if service.is_demo:
        return gettext("Demo data: fictional service")
    if service.organization is not None and service.organization.is_demo:
        return gettext("Demo data: fictional organization")
    return ""


def _all_schedules(service: Service) -> list:
    """The service's own schedules and those of its places (prefetched)."""
    schedules = list(service.schedules.all())
    for sal in service.service_at_locations.all():
        schedules.extend(sal.schedules.all())
    return schedules


def _valid_point(location: Location) -> tuple[float, float] | None:
    if location.has_valid_coordinates and location.latitude is not None and location.longitude is not None:
        return (location.latitude, location.longitude)
    return None


def service_card(service: Service, *, language: str, at: dt.datetime) -> ServiceCard:
    service.set_current_language(language)
    organization = service.organization
    text_language = shown_language(service, language)
    organization_language = language
    organization_name = ""
    if organization is not None:
        organization.set_current_language(language)
        organization_language = shown_language(organization, language)
        organization_name = str(organization.safe_translation_getter("name", any_language=True) or "")
    points = [point for sal in service.service_at_locations.all() if (point := _valid_point(sal.location)) is not None]
    return ServiceCard(
        service=service,
        url=reverse("navigator:service", kwargs={"service_id": service.id}),
        name=str(service.safe_translation_getter("name", any_language=True) or ""),
        organization_name=organization_name,
        text_language=text_language,
        organization_language=organization_language,
        fallback_note=fallback_note(shown=text_language, wanted=language),
        languages=sorted({language_name(row.code, row.name) for row in service.languages.all()}),
        open_now=schedules_open_now(_all_schedules(service), at),
        free=cost_options_free(list(service.cost_options.all())),
        last_verified=service.assured_date,
        demo_label=demo_label(service),
        distance_km=getattr(service, "distance_km", None),
        points=points,
    )


@dataclass
class ServicePage:
    card: ServiceCard
    description: str
    eligibility: str
    application_process: str
    fees_description: str
    alert: str
    minimum_age: float | None
    maximum_age: float | None
    documents: list[str]
    documents_language: str
    hours: OpeningHours
    places: list[Place]
    phones: list[PhoneLink]
    email: str
    website: str
    interpretation: str
    organization_description: str
    short_path: str


def _address_lines(address: Address) -> list[str]:
    lines = [address.address_1, address.address_2]
    lines.append(" ".join(part for part in (address.city, address.state_province, address.postal_code) if part))
    return [line for line in lines if line]


def _phones(service: Service) -> list[PhoneLink]:
    seen: set[str] = set()
    phones: list[PhoneLink] = []
    sources = list(service.phones.all())
    for sal in service.service_at_locations.all():
        sources.extend(sal.location.phones.all())
    if service.organization is not None:
        sources.extend(service.organization.phones.all())
    for phone in sources:
        href = tel_href(phone.number, phone.extension)
        if href in seen:
            continue
        seen.add(href)
        number = phone.number
        if phone.extension:
            number = gettext("%(number)s, extension %(extension)s") % {
                "number": phone.number,
                "extension": int(phone.extension),
            }
        phones.append(PhoneLink(number=number, href=href, description=phone.description))
    return phones


def _web_url(url: str) -> str:
    """Only http(s) links are shown: imported data could hold any scheme."""
    url = url.strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


def service_page(service: Service, *, language: str, at: dt.datetime) -> ServicePage:
    card = service_card(service, language=language, at=at)
    places = []
    for sal in service.service_at_locations.all():
        location = sal.location
        lines: list[str] = []
        for address in location.addresses.all():
            lines.extend(_address_lines(address))
        places.append(
            Place(
                name=location.name,
                address_lines=lines,
                local_area=location.local_area.name if location.local_area else "",
                latitude=location.latitude if location.has_valid_coordinates else None,
                longitude=location.longitude if location.has_valid_coordinates else None,
                accessibility=[a.description for a in location.accessibility.all() if a.description],
                transportation=location.transportation,
            )
        )
    organization = service.organization

    def text(field_name: str) -> str:
        return str(service.safe_translation_getter(field_name, any_language=True) or "")

    return ServicePage(
        card=card,
        description=text("description"),
        eligibility=text("eligibility_description"),
        application_process=text("application_process"),
        fees_description=text("fees_description"),
        alert=text("alert"),
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        documents=[doc.document for doc in service.required_documents.all() if doc.document],
        documents_language=service.source_language or "en",
        hours=opening_hours(_all_schedules(service), at),
        places=places,
        phones=_phones(service),
        email=service.email or (organization.email if organization else ""),
        website=_web_url(service.url or (organization.website if organization else "")),
        interpretation=service.interpretation_services,
        organization_description=str(organization.safe_translation_getter("description", any_language=True) or "")
        if organization
        else "",
        short_path=reverse("navigator_short:service", kwargs={"code": short_code(service.id)}),
    )
