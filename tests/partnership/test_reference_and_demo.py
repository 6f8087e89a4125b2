"""The reference data (focus areas, the 17 characteristics, role groups) and the demo partnership."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from newstart.partnership.demo import DEMO_PASSWORD, partnership_demo_load
from newstart.partnership.models import (
    Body,
    BodyKind,
    FocusArea,
    Meeting,
    Membership,
    PartnerOrganization,
    Profile,
    Task,
    WelcomingCharacteristic,
)
from newstart.partnership.roles import PartnershipRole
from tests.directory.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 18)


def test_reference_command_loads_once_and_keeps_edits() -> None:
    call_command("load_partnership_reference")
    assert FocusArea.objects.count() == 4
    assert WelcomingCharacteristic.objects.count() == 17
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in PartnershipRole}
    first = WelcomingCharacteristic.objects.get(number=1)
    assert first.safe_translation_getter("name", language_code="en") == "Employment opportunities"
    with translation.override("fr"):
        assert str(FocusArea.objects.get(code="welcoming-workplaces")) == "Milieux de travail accueillants et inclusifs"
    first.set_current_language("en")
    first.name = "Jobs"
    first.save()
    call_command("load_partnership_reference")
    assert WelcomingCharacteristic.objects.count() == 17
    assert WelcomingCharacteristic.objects.get(number=1).safe_translation_getter("name", language_code="en") == "Jobs"
    assert WelcomingCharacteristic.objects.get(number=17).code == "media"


def test_demo_loads_the_partnership_idempotently() -> None:
    listing = OrganizationFactory(name="Lantern Bridge Newcomer Society", is_demo=True)
    first = partnership_demo_load(today=TODAY)
    counts = {model: model.objects.count() for model in (Body, Membership, Meeting, Task, Profile, PartnerOrganization)}
    assert counts[Body] == 7
    assert Body.objects.filter(kind=BodyKind.STRATEGY_GROUP).count() == 4
    assert {b.kind for b in Body.objects.all()} >= {
        BodyKind.ADVISORY_TABLE,
        BodyKind.RESEARCH_COMMITTEE,
        BodyKind.GOVERNANCE_BODY,
    }
    assert counts[Profile] == 30 and counts[PartnerOrganization] == 40
    assert PartnerOrganization.objects.get(name="Lantern Bridge Newcomer Society").directory_organization == listing
    assert (
        Meeting.objects.filter(starts_at__date__lt=TODAY).exists()
        and Meeting.objects.filter(starts_at__date__gt=TODAY).exists()
    )
    assert first.changed
    assert mail.outbox == []  # loading sends no email
    second = partnership_demo_load(today=TODAY)
    assert not second.changed
    assert counts == {model: model.objects.count() for model in counts}


def test_demo_links_directory_organizations_loaded_later() -> None:
    partnership_demo_load(today=TODAY)
    listing = OrganizationFactory(name="Wayfinder Settlement Collective", is_demo=True)
    result = partnership_demo_load(today=TODAY)
    assert result.linked_to_directory == 1
    assert PartnerOrganization.objects.get(name="Wayfinder Settlement Collective").directory_organization == listing


def test_demo_people_log_in_and_lived_experience_members_are_private() -> None:
    partnership_demo_load(today=TODAY)
    user_model = get_user_model()
    assert (
        not user_model.objects.exclude(email__endswith="@example.org")
        .filter(partnership_profile__is_demo=True)
        .exists()
    )
    table = Body.objects.get(kind=BodyKind.ADVISORY_TABLE)
    lived = [m.person for m in table.memberships.all() if m.person.partnership_profile.is_private_person]
    assert len(lived) >= 5
    client = Client()
    response = client.post(reverse("partnership:login"), {"username": lived[0].username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("partnership:dashboard")).status_code == 200
