"""The service page: everything a person needs to go, in their language; share, print, 404."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from newstart.directory.models import ServiceStatus
from newstart.navigator.presenters import short_code, short_code_parse
from tests.directory.factories import AccessibilityFactory, PhoneFactory, RequiredDocumentFactory
from tests.navigator.conftest import SATURDAY_10AM, make_service

pytestmark = pytest.mark.django_db


def page(client, service, language: str = "en", suffix: str = "") -> str:
    with translation.override(language):
        url = reverse("navigator:service", kwargs={"service_id": service.id})
    response = client.get(url + suffix)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def full_service(taxonomy):
    service = make_service(
        "Newcomer settlement help",
        description="Help with forms and finding housing.",
        eligibility_description="Permanent residents and refugees.",
        application_process="Drop in or call for an appointment.",
        fees_description="No cost.",
        interpretation_services="Interpreters for 20 languages by phone.",
        languages=("pa", "ar"),
        free=True,
        hours=("MO,TU,WE,TH,FR", dt.time(9), dt.time(17)),
        assured_date=dt.date(2026, 1, 5),
        is_demo=True,
    )
    location = service.service_at_locations.get().location
    PhoneFactory(service=service, number="604-555-0142")
    AccessibilityFactory(location=location, description="Step-free entrance")
    RequiredDocumentFactory(service=service, document="Permanent resident card")
    return service


def test_everything_a_person_needs(client, full_service, frozen_clock):
    html = page(client, full_service)
    for text in (
        "Help with forms and finding housing.",
        "Permanent residents and refugees.",
        "Drop in or call for an appointment.",
        "Permanent resident card",
        "No cost.",
        "Interpreters for 20 languages by phone.",
        "Step-free entrance",
        "West 12th Avenue",
        "Vancouver BC V5Y 1V4",
        "Staff speak: Arabic, Punjabi.",
        "Information last verified on Jan. 5, 2026.",
        "Demo data: fictional service",
    ):
        assert text in html, text
    assert '<a href="tel:+16045550142" dir="ltr">604-555-0142</a>' in html
    assert 'data-markers="map-markers"' in html


def test_hours_in_words_in_the_visitors_language(client, full_service, frozen_clock):
    english = page(client, full_service)
    assert '<tr class="today"><th scope="row">Wednesday <span class="today-label">(today)</span></th>' in english
    assert "<td>9 a.m. to 5 p.m.</td>" in english
    assert '<th scope="row">Saturday</th><td>Closed</td>' in english
    french = page(client, full_service, "fr")
    # Weekday names and the time format come from Django's French locale.
    assert "mercredi" in french
    assert "09:00" in french


def test_open_now_badge_follows_the_clock(client, full_service, frozen_clock):
    assert "Open now" in page(client, full_service)
    frozen_clock.return_value = SATURDAY_10AM.astimezone(dt.UTC)
    html = page(client, full_service)
    assert "Closed now" in html
    assert "Open now" not in html


def test_unknown_and_inactive_services_are_404(client, taxonomy):
    inactive = make_service("Gone", status=ServiceStatus.INACTIVE)
    for service_id in (uuid.uuid4(), inactive.id):
        response = client.get(reverse("navigator:service", kwargs={"service_id": service_id}))
        assert response.status_code == 404
        assert "Sorry, we could not find this page" in response.content.decode()
    assert client.get("/en/services/not-a-uuid/").status_code == 404


def test_print_view(client, full_service):
    for html in (
        page(client, full_service, suffix="?print=1"),
        client.get(reverse("navigator:service_print", kwargs={"service_id": full_service.id})).content.decode(),
    ):
        assert 'class="print-view"' in html
        assert "Newcomer settlement help" in html
        assert 'action="/en/services/' not in html  # no report form on paper


def test_share_short_link_opens_in_the_readers_language(client, full_service):
    html = page(client, full_service)
    code = short_code(full_service.id)
    assert f'value="http://testserver/s/{code}/"' in html
    assert short_code_parse(code) == full_service.id
    response = client.get(f"/s/{code}/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 302
    assert response["Location"] == f"/ar/services/{full_service.id}/"
    assert client.get("/s/!!!/").status_code == 404


def test_website_only_for_web_links(client, taxonomy):
    service = make_service("Unsafe link", url="javascript:alert(1)")
    assert service.organization is not None
    service.organization.website = ""
    service.organization.save()
    assert "javascript:" not in page(client, service)
