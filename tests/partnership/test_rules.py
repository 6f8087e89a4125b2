"""The partnership's rules, each as owner, member and outsider."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from newstart.partnership import rules as prules
from newstart.partnership.models import MembershipRole
from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.partnership.conftest import World
from tests.partnership.factories import PartnerOrganizationFactory, TaskFactory, UserFactory, make_person, seat

pytestmark = pytest.mark.django_db


def fresh(user: Any) -> Any:
    """The user as a new request would see it (rules cache memberships on the user object)."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize(
    ("who", "read", "manage"),
    [
        ("secretariat", True, True),
        ("coordinator", True, True),
        ("chair", True, True),
        ("member", True, False),
        ("outsider", False, False),
    ],
)
def test_private_body(world: World, who: str, read: bool, manage: bool) -> None:
    user = fresh(getattr(world, who))
    assert user.has_perm("partnership.read_body", world.private_body) is read
    assert user.has_perm("partnership.manage_body", world.private_body) is manage
    assert user.has_perm("partnership.read_meeting", world.meeting) is read
    assert user.has_perm("partnership.manage_meeting", world.meeting) is manage


@pytest.mark.parametrize("who", ["secretariat", "chair", "member", "outsider"])
def test_public_body_is_read_by_every_participant_but_managed_by_its_staff(world: World, who: str) -> None:
    user = fresh(getattr(world, who))
    assert user.has_perm("partnership.read_body", world.public_body)
    # The chair of the private body is a plain member of the public one.
    assert user.has_perm("partnership.manage_body", world.public_body) is (who == "secretariat")


def test_people_outside_the_partnership_read_nothing(world: World) -> None:
    stranger = UserFactory()  # an account without a profile or any role
    assert not stranger.has_perm("partnership.access_workspace")
    assert not stranger.has_perm("partnership.read_body", world.public_body)
    assert not AnonymousUser().has_perm("partnership.read_body", world.public_body)


def test_inactive_people_lose_access(world: World) -> None:
    world.member.is_active = False
    world.member.save()
    assert not fresh(world.member).has_perm("partnership.read_body", world.private_body)


def test_a_term_that_ended_ends_access(world: World) -> None:
    former = make_person()
    today = timezone.localdate()
    seat(
        former,
        world.private_body,
        term_start=today.replace(year=today.year - 2),
        term_end=today.replace(year=today.year - 1),
    )
    assert not fresh(former).has_perm("partnership.read_body", world.private_body)


def test_a_chair_whose_term_is_over_no_longer_manages(world: World) -> None:
    former_chair = make_person()
    today = timezone.localdate()
    seat(
        former_chair,
        world.private_body,
        MembershipRole.CHAIR,
        term_start=today.replace(year=today.year - 2),
        term_end=today.replace(year=today.year - 1),
    )
    seat(former_chair, world.private_body, MembershipRole.MEMBER, term_start=today)
    user = fresh(former_chair)
    assert user.has_perm("partnership.read_body", world.private_body)
    assert not user.has_perm("partnership.manage_body", world.private_body)


@pytest.mark.parametrize(
    ("who", "read", "update"),
    [
        ("member", True, True),  # owner
        ("chair", True, True),  # author and chair
        ("secretariat", True, True),
        ("outsider", False, False),
    ],
)
def test_task_in_a_private_body(world: World, who: str, read: bool, update: bool) -> None:
    user = fresh(getattr(world, who))
    assert user.has_perm("partnership.read_task", world.task) is read
    assert user.has_perm("partnership.update_task", world.task) is update


def test_a_plain_member_reads_but_does_not_update_others_tasks(world: World) -> None:
    other = make_person()
    seat(other, world.private_body)
    assert fresh(other).has_perm("partnership.read_task", world.task)
    assert not fresh(other).has_perm("partnership.update_task", world.task)


def test_task_without_a_body_is_for_its_owner_author_and_staff(world: World) -> None:
    task = TaskFactory(owner=world.member, created_by=world.secretariat)
    assert fresh(world.member).has_perm("partnership.read_task", task)
    assert fresh(world.secretariat).has_perm("partnership.read_task", task)
    assert not fresh(world.chair).has_perm("partnership.read_task", task)
    assert not fresh(world.outsider).has_perm("partnership.read_task", task)


@pytest.mark.parametrize(
    ("who", "allowed"), [("secretariat", True), ("coordinator", True), ("chair", False), ("outsider", False)]
)
def test_inviting_people(world: World, who: str, allowed: bool) -> None:
    assert fresh(getattr(world, who)).has_perm("partnership.invite_people") is allowed


class TestDirectoryOrganizationEditing:
    def test_editor_edits_only_their_own_organization(self, world: World) -> None:
        own_listing, other_listing = OrganizationFactory(), OrganizationFactory()
        partner = PartnerOrganizationFactory(directory_organization=own_listing)
        editor = make_person(organization=partner)
        partner.editors.add(editor)
        assert prules.can_edit_directory_organization(editor, own_listing)
        assert not prules.can_edit_directory_organization(editor, other_listing)
        assert editor.has_perm("partnership.edit_directory_organization", own_listing)
        assert editor.has_perm("partnership.edit_directory_service", ServiceFactory(organization=own_listing))
        assert not editor.has_perm("partnership.edit_directory_service", ServiceFactory(organization=other_listing))

    def test_a_colleague_who_is_not_an_editor_cannot(self, world: World) -> None:
        listing = OrganizationFactory()
        partner = PartnerOrganizationFactory(directory_organization=listing)
        colleague = make_person(organization=partner)
        assert not prules.can_edit_directory_organization(colleague, listing)
        assert not prules.can_edit_directory_organization(colleague, None)

    def test_secretariat_edits_every_organization(self, world: World) -> None:
        assert prules.can_edit_directory_organization(world.secretariat, OrganizationFactory())

    def test_an_inactive_partnership_ends_the_right(self, world: World) -> None:
        listing = OrganizationFactory()
        partner = PartnerOrganizationFactory(directory_organization=listing, active=False)
        editor = make_person()
        partner.editors.add(editor)
        assert not prules.can_edit_directory_organization(editor, listing)
        assert not prules.can_edit_directory_organization(AnonymousUser(), listing)
