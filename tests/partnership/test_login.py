"""Login, logout, password reset and login throttling (django-axes: username + address)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.partnership.conftest import World

pytestmark = pytest.mark.django_db

LOGIN = reverse("partnership:login")
PASSWORD = "correct-horse-battery"


def attempt(client: Client, username: str, password: str, address: str = "203.0.113.5") -> int:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address).status_code


def test_login_and_logout(world: World) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": world.member.username, "password": PASSWORD})
    assert response["Location"] == reverse("partnership:dashboard")
    assert client.get(reverse("partnership:dashboard")).status_code == 200
    client.post(reverse("partnership:logout"))
    assert client.get(reverse("partnership:dashboard")).status_code == 302


def test_wrong_password_and_unknown_account_answer_alike(world: World) -> None:
    known = Client().post(LOGIN, {"username": world.member.username, "password": "wrong"})
    unknown = Client().post(LOGIN, {"username": "nobody@example.org", "password": "wrong"})
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


def test_lockout_after_repeated_failures(world: World, settings) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, world.member.username, "wrong") == 200
    assert attempt(client, world.member.username, "wrong") == 429
    # Locked out: even the right password is refused now, with a message that names no account.
    response = client.post(LOGIN, {"username": world.member.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.get(reverse("partnership:dashboard")).status_code == 302


def test_lockout_is_per_username_and_address(world: World, settings) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, world.member.username, "wrong")
    assert attempt(client, world.member.username, "wrong") == 429
    # The same account from another address, and another account from the same address, still work.
    assert attempt(Client(), world.member.username, PASSWORD, address="198.51.100.7") == 302
    assert attempt(Client(), world.chair.username, PASSWORD) == 302


def test_unknown_accounts_are_locked_out_the_same_way(world: World, settings) -> None:
    client = Client()
    statuses = [attempt(client, "nobody@example.org", "wrong") for _ in range(settings.AXES_FAILURE_LIMIT + 1)]
    assert statuses[-1] == 429


def test_a_success_resets_the_count(world: World, settings) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, world.member.username, "wrong")
    assert attempt(client, world.member.username, PASSWORD) == 302
    client.post(reverse("partnership:logout"))
    assert attempt(client, world.member.username, "wrong") == 200


def test_password_reset_by_email(world: World) -> None:
    client = Client()
    response = client.post(reverse("partnership:password_reset"), {"email": world.member.email})
    assert response["Location"] == reverse("partnership:password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/workspace/password-reset/\S+/)", str(mail.outbox[0].body))
    assert link
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "a-new-long-secret", "new_password2": "a-new-long-secret"}
    )
    assert done["Location"] == reverse("partnership:password_reset_complete")
    world.member.refresh_from_db()
    assert world.member.check_password("a-new-long-secret")


def test_password_reset_for_an_unknown_email_looks_the_same(world: World) -> None:
    response = Client().post(reverse("partnership:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("partnership:password_reset_done")
    assert mail.outbox == []
