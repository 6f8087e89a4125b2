"""Email invitations: hashed single-use tokens that expire; accepting creates or links the account."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newstart.partnership.models import Invitation, Membership, MembershipRole
from newstart.partnership.roles import ORGANIZATION_EDITOR, PartnershipRole
from newstart.partnership.services import SeatOffer, invitation_accept, invitation_create, invitation_token_hash
from tests.partnership.conftest import World, logged_in, verified_client
from tests.partnership.factories import PartnerOrganizationFactory, make_person

pytestmark = pytest.mark.django_db
User = get_user_model()


def invite(world: World, **kwargs: Any) -> tuple[Invitation, str]:
    defaults: dict[str, Any] = {
        "email": "New.Person@Example.org",
        "invited_by": world.secretariat,
        "seats": [SeatOffer(body=world.private_body, role=MembershipRole.MEMBER)],
    }
    defaults.update(kwargs)
    return invitation_create(**defaults)


def accept_url(token: str) -> str:
    return reverse("partnership:invitation_accept", args=[token])


def test_secretariat_sends_an_invitation_from_the_workspace(world: World, django_capture_on_commit_callbacks) -> None:
    client = verified_client(world.secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnership:invitation_create"),
            {
                "email": "guest@example.org",
                "display_name": "Gus Guest",
                "roles": [PartnershipRole.RESEARCHER],
                "member_of": [world.private_body.pk],
                "language": "fr",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="guest@example.org")
    assert invitation.roles == [PartnershipRole.RESEARCHER]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["guest@example.org"]
    token = re.search(r"/workspace/invitation/([^/\s]+)/", str(mail.outbox[0].body)).group(1)  # type: ignore[union-attr]
    # Only the hash is kept; the token is in the email alone.
    assert invitation.token_hash == invitation_token_hash(token)
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert "Immigrant Advisory Table" in mail.outbox[0].body


def test_coordinators_cannot_offer_the_secretariat_role(world: World) -> None:
    client = verified_client(world.coordinator)
    response = client.post(
        reverse("partnership:invitation_create"),
        {"email": "x@example.org", "roles": [PartnershipRole.SECRETARIAT], "language": "en"},
    )
    assert response.status_code == 200 and not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["chair", "member", "outsider"])
def test_others_cannot_invite(world: World, who: str) -> None:
    client = logged_in(getattr(world, who))
    assert client.get(reverse("partnership:invitation_create")).status_code == 403
    client.post(reverse("partnership:invitation_create"), {"email": "x@example.org", "language": "en"})
    assert not Invitation.objects.exists()


def test_accepting_creates_the_account_with_its_roles_and_seats(world: World) -> None:
    partner = PartnerOrganizationFactory()
    invitation, token = invite(
        world,
        roles=[PartnershipRole.OBSERVER, ORGANIZATION_EDITOR],
        organization=partner,
        seats=[SeatOffer(body=world.private_body, role=MembershipRole.CHAIR)],
        is_private_person=True,
    )
    client = Client()
    assert client.get(accept_url(token)).status_code == 200
    response = client.post(
        accept_url(token), {"display_name": "Nia New", "password1": "long-enough-pass", "password2": "long-enough-pass"}
    )
    assert response["Location"] == reverse("partnership:dashboard")
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password("long-enough-pass")
    profile: Any = user.partnership_profile
    assert (profile.display_name, profile.organization, profile.is_private_person) == ("Nia New", partner, True)
    assert set(user.groups.values_list("name", flat=True)) == {PartnershipRole.OBSERVER}
    assert list(partner.editors.all()) == [user]
    assert Membership.objects.current().get(person=user).role == MembershipRole.CHAIR
    assert client.get(reverse("partnership:body", args=[world.private_body.slug])).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None


def test_a_token_works_once(world: World) -> None:
    _invitation, token = invite(world)
    data = {"display_name": "Nia", "password1": "long-enough-pass", "password2": "long-enough-pass"}
    Client().post(accept_url(token), data)
    again = Client().post(accept_url(token), {**data, "password1": "other-long-pass", "password2": "other-long-pass"})
    assert again.status_code == 410
    assert User.objects.filter(email="new.person@example.org").count() == 1
    assert User.objects.get(email="new.person@example.org").check_password("long-enough-pass")


def test_an_expired_token_is_refused(world: World) -> None:
    invitation, token = invite(world)
    invitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    invitation.save()
    response = Client().post(
        accept_url(token), {"display_name": "N", "password1": "long-enough-pass", "password2": "long-enough-pass"}
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_a_wrong_token_is_not_found(world: World) -> None:
    invite(world)
    assert Client().get(accept_url("not-the-token")).status_code == 404


def test_weak_or_mismatched_passwords_are_refused(world: World) -> None:
    _invitation, token = invite(world)
    weak = Client().post(accept_url(token), {"display_name": "N", "password1": "password", "password2": "password"})
    assert weak.status_code == 200 and weak.context["form"].errors["password1"]
    mismatch = Client().post(
        accept_url(token), {"display_name": "N", "password1": "long-enough-pass", "password2": "long-enough-pazz"}
    )
    assert mismatch.context["form"].errors["password2"]
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_an_existing_account_accepts_while_logged_in(world: World) -> None:
    _invitation, token = invite(world, email=world.outsider.email)
    # Not logged in: the account exists, so a password cannot be set through the invitation.
    refused = Client().post(
        accept_url(token), {"display_name": "O", "password1": "long-enough-pass", "password2": "long-enough-pass"}
    )
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert logged_in(world.chair).post(accept_url(token)).status_code == 403  # someone else's invitation
    response = logged_in(world.outsider).post(accept_url(token))
    assert response["Location"] == reverse("partnership:dashboard")
    assert Membership.objects.current().filter(person=world.outsider, body=world.private_body).exists()
    world.outsider.refresh_from_db()
    assert world.outsider.check_password("correct-horse-battery")


def test_service_refuses_a_second_acceptance_directly(world: World) -> None:
    from newstart.partnership.services import InvitationUnusable

    invitation, _token = invite(world)
    invitation_accept(invitation=invitation, password="long-enough-pass", display_name="A")
    with pytest.raises(InvitationUnusable):
        invitation_accept(invitation=invitation, user=make_person())
