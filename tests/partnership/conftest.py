"""Fixtures for the partnership workspace's tests: people in every role, a private and a public body,
and clients logged in as each (secretariat and coordinators verified with a TOTP device)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from newstart.partnership.models import Body, Meeting, MembershipRole, Task, Visibility
from newstart.partnership.roles import PartnershipRole
from tests.partnership.factories import BodyFactory, MeetingFactory, TaskFactory, make_person, seat


def totp_now(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows right now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def verified_client(user: Any) -> Client:
    """A client logged in as ``user`` and verified with a confirmed TOTP device (django-otp's session key)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class World:
    secretariat: Any
    coordinator: Any
    chair: Any
    member: Any
    outsider: Any
    private_body: Body
    public_body: Body
    meeting: Meeting
    public_meeting: Meeting
    task: Task


@pytest.fixture
def world(db: Any) -> World:
    secretariat = make_person(name="Sam Secretariat", roles=[PartnershipRole.SECRETARIAT])
    coordinator = make_person(name="Cora Coordinator", roles=[PartnershipRole.COORDINATOR])
    chair = make_person(name="Chris Chair")
    member = make_person(name="Mina Member")
    outsider = make_person(name="Otto Outsider")
    private_body = BodyFactory(name="Immigrant Advisory Table", slug="iat", visibility=Visibility.PRIVATE)
    public_body = BodyFactory(name="Access Strategy Group", slug="access", visibility=Visibility.PUBLIC)
    seat(chair, private_body, MembershipRole.CHAIR)
    seat(member, private_body)
    seat(chair, public_body)
    meeting = MeetingFactory(
        body=private_body,
        title="Secret advisory session",
        agenda="Private agenda item",
        online_url="https://meet.example.org/private-room",
    )
    public_meeting = MeetingFactory(
        body=public_body, title="Open strategy meeting", online_url="https://meet.example.org/open"
    )
    task = TaskFactory(
        title="Confidential follow-up", body=private_body, meeting=meeting, owner=member, created_by=chair
    )
    return World(
        secretariat=secretariat,
        coordinator=coordinator,
        chair=chair,
        member=member,
        outsider=outsider,
        private_body=private_body,
        public_body=public_body,
        meeting=meeting,
        public_meeting=public_meeting,
        task=task,
    )
