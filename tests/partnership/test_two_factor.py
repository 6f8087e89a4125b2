"""Two-factor authentication is required of the secretariat and coordinators before any workspace page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from newstart.partnership.roles import PartnershipRole
from tests.partnership.conftest import World, logged_in, totp_now, verified_client
from tests.partnership.factories import make_person

pytestmark = pytest.mark.django_db

SETUP = reverse("partnership:two_factor_setup")
VERIFY = reverse("partnership:two_factor_verify")


def login_with_password(user: Any) -> Client:
    client = Client()
    response = client.post(
        reverse("partnership:login"), {"username": user.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("role", [PartnershipRole.SECRETARIAT, PartnershipRole.COORDINATOR])
def test_staff_without_a_device_is_sent_to_enrolment_from_every_page(world: World, role: str) -> None:
    person = make_person(roles=[role])
    client = logged_in(person)
    for url in (
        reverse("partnership:dashboard"),
        reverse("partnership:body", args=[world.private_body.slug]),
        reverse("partnership:meeting", args=[world.meeting.pk]),
        reverse("partnership:invitation_create"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(SETUP + "?next="), url


def test_staff_with_a_device_is_sent_to_verification(world: World) -> None:
    TOTPDevice.objects.create(user=world.secretariat, name="phone", confirmed=True)
    response = logged_in(world.secretariat).get(reverse("partnership:dashboard"))
    assert response["Location"].startswith(VERIFY)


@pytest.mark.parametrize("who", ["chair", "member", "outsider"])
def test_other_people_need_no_second_factor(world: World, who: str) -> None:
    assert logged_in(getattr(world, who)).get(reverse("partnership:dashboard")).status_code == 200


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(world: World) -> None:
    client = login_with_password(world.coordinator)
    page = client.get(SETUP + "?next=/workspace/bodies/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # the secret is in the QR code and the key, not a link
    device = TOTPDevice.objects.get(user=world.coordinator, confirmed=False)
    wrong = client.post(SETUP, {"token": "000000" if totp_now(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.filter(user=world.coordinator, confirmed=True).exists()
    # django-otp throttles a device after a wrong code (brute-force protection); time passes.
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()
    response = client.post(SETUP, {"token": totp_now(device), "next": "/workspace/bodies/"})
    assert response["Location"] == "/workspace/bodies/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("partnership:dashboard")).status_code == 200


def test_verification_after_login(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.secretariat, name="phone", confirmed=True)
    client = login_with_password(world.secretariat)
    assert client.get(reverse("partnership:dashboard")).status_code == 302
    assert client.post(VERIFY, {"token": "12345x"}).status_code == 200
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # django-otp slows down guessing; time passes
    response = client.post(VERIFY, {"token": totp_now(device)})
    assert response["Location"] == reverse("partnership:dashboard")
    assert client.get(reverse("partnership:dashboard")).status_code == 200


def test_a_device_of_someone_else_does_not_verify(world: World) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY

    other_device = TOTPDevice.objects.create(user=world.coordinator, name="phone", confirmed=True)
    client = logged_in(world.secretariat)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = other_device.persistent_id
    session.save()
    assert client.get(reverse("partnership:dashboard")).status_code == 302


def test_feeds_and_logout_stay_open(world: World) -> None:
    client = logged_in(world.secretariat)
    assert client.get(reverse("partnership:feed_public", args=[world.public_body.slug])).status_code == 200
    assert client.post(reverse("partnership:logout"))["Location"] == reverse("partnership:login")


@override_settings(PARTNERSHIP_ADMIN_REQUIRES_2FA=True)
def test_admin_is_guarded_when_configured(world: World) -> None:
    world.secretariat.is_staff = True
    world.secretariat.save()
    assert logged_in(world.secretariat).get("/admin/")["Location"].startswith(SETUP)
    assert verified_client(world.secretariat).get("/admin/").status_code == 200
