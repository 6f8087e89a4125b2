"""A small city for the Insights page tests: three local areas with census facts, Punjabi and English
language classes, and people in every role (secretariat, researcher, body member, an outsider of the
workspace and an anonymous visitor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client

from newstart.directory.models import LocalArea, Service, TaxonomyTerm
from newstart.directory.taxonomies import settlement_term_get, taxonomy_load_settlement
from newstart.insights.models import AreaIndicator
from newstart.partnership.models import Body, MembershipRole
from newstart.partnership.roles import PartnershipRole
from tests.directory.factories import (
    LanguageFactory,
    LocalAreaFactory,
    LocationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    link_service_to_term,
)
from tests.partnership.conftest import logged_in, verified_client
from tests.partnership.factories import BodyFactory, make_person, seat

# Square-ish polygon around a centre, about 1.5 km across.
HALF = 0.007


def square(latitude: float, longitude: float) -> dict[str, Any]:
    ring = [
        [longitude - HALF, latitude - HALF],
        [longitude + HALF, latitude - HALF],
        [longitude + HALF, latitude + HALF],
        [longitude - HALF, latitude + HALF],
        [longitude - HALF, latitude - HALF],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class City:
    near: LocalArea  # has the Punjabi classes
    middle: LocalArea  # 2 km away
    far: LocalArea  # 8 km away
    punjabi_classes: Service
    english_classes: Service
    linc: TaxonomyTerm
    secretariat: Any
    researcher: Any
    member: Any
    outsider: Any
    body: Body

    def client(self, who: str) -> Client:
        if who == "anonymous":
            return Client()
        user = getattr(self, who)
        return verified_client(user) if who == "secretariat" else logged_in(user)


def fact(area: LocalArea, indicator: str, value: float, language: str = "") -> AreaIndicator:
    return AreaIndicator.objects.create(
        area=area, indicator=indicator, language=language, value=value, year=2016, source="Test census"
    )


def located_service(*, area: LocalArea, term: TaxonomyTerm, languages: list[str], name: str) -> Service:
    service = ServiceFactory(name=name)
    link_service_to_term(service, term)
    for code in languages:
        LanguageFactory(service=service, code=code, name=code)
    location = LocationFactory(
        organization=service.organization,
        latitude=area.centroid_latitude,
        longitude=area.centroid_longitude,
        local_area=area,
    )
    ServiceAtLocationFactory(service=service, location=location)
    return service


def build_city() -> City:
    taxonomy_load_settlement()
    linc = settlement_term_get(code="LANG-LINC")
    assert linc is not None
    near = LocalAreaFactory(
        name="Sunset", slug="sunset", centroid_latitude=49.2190, centroid_longitude=-123.0920, boundary=None
    )
    middle = LocalAreaFactory(
        name="Victoria-Fraserview",
        slug="victoria-fraserview",
        centroid_latitude=49.2190,
        centroid_longitude=-123.0645,  # 2.0 km east
        boundary=square(49.2190, -123.0645),
    )
    far = LocalAreaFactory(
        name="Kitsilano", slug="kitsilano", centroid_latitude=49.2681, centroid_longitude=-123.1616, boundary=None
    )
    for area, punjabi, recent in ((near, 4800, 2000), (middle, 1000, 1500), (far, 20, 900)):
        fact(area, "home_language", punjabi, "pa")
        fact(area, "recent_immigrants", recent)
        fact(area, "home_language", 50, "ko")
    punjabi_classes = located_service(area=near, term=linc, languages=["en", "pa"], name="Punjabi LINC")
    english_classes = located_service(area=far, term=linc, languages=["en"], name="English LINC")
    body = BodyFactory(name="Language Strategy Group", slug="language")
    member = make_person(name="Mina Member")
    seat(member, body, MembershipRole.MEMBER)
    return City(
        near=near,
        middle=middle,
        far=far,
        punjabi_classes=punjabi_classes,
        english_classes=english_classes,
        linc=linc,
        secretariat=make_person(name="Sam Secretariat", roles=[PartnershipRole.SECRETARIAT]),
        researcher=make_person(name="Rae Researcher", roles=[PartnershipRole.RESEARCHER]),
        member=member,
        outsider=make_person(name="Otto Outsider"),
        body=body,
    )
