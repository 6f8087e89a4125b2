"""The rules, object by object: owner (author), member, observer, outsider, and the special seats."""

from __future__ import annotations

import pytest

from newstart.partnership.models import Membership
from newstart.strategy.models import ProposalStatus
from tests.partnership.factories import UserFactory
from tests.strategy.factories import GapFactory, ProposalFactory


def fresh(user):
    """The same person without the per-request caches (seats, groups) of an earlier check."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def draft(world):
    return ProposalFactory(cycle=world.cycle, body=world.group, author=world.member)


def test_draft_is_seen_by_its_author_and_body_only(world, draft):
    for who in ("member", "chair", "observer"):
        assert fresh(getattr(world, who)).has_perm("strategy.read_proposal", draft), who
    for who in ("outsider", "public_member", "advisor", "council_chair", "secretariat", "stranger"):
        assert not fresh(getattr(world, who)).has_perm("strategy.read_proposal", draft), who


def test_author_keeps_their_draft_after_leaving_the_body(world, draft):
    Membership.objects.filter(person=world.member).delete()
    member = fresh(world.member)
    assert member.has_perm("strategy.read_proposal", draft)
    assert member.has_perm("strategy.edit_proposal", draft)


def test_who_edits_and_submits_a_draft(world, draft):
    assert fresh(world.member).has_perm("strategy.submit_proposal", draft)
    assert fresh(world.chair).has_perm("strategy.edit_proposal", draft)
    assert not fresh(world.observer).has_perm("strategy.edit_proposal", draft)
    assert not fresh(world.outsider).has_perm("strategy.edit_proposal", draft)
    draft.status = ProposalStatus.SUBMITTED
    assert not fresh(world.member).has_perm("strategy.edit_proposal", draft)


def test_submitted_proposal_of_a_private_body(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    for who in ("member", "observer", "public_member", "advisor", "council_member", "secretariat"):
        assert fresh(getattr(world, who)).has_perm("strategy.read_proposal", proposal), who
    assert not fresh(world.outsider).has_perm("strategy.read_proposal", proposal)
    assert not fresh(UserFactory()).has_perm("strategy.read_proposal", proposal)
    assert fresh(world.advisor).has_perm("strategy.give_advisory_input", proposal)
    assert not fresh(world.member).has_perm("strategy.give_advisory_input", proposal)
    assert fresh(world.public_member).has_perm("strategy.score_proposal", proposal)
    assert not fresh(world.observer).has_perm("strategy.score_proposal", proposal)
    assert not fresh(world.council_member).has_perm("strategy.score_proposal", proposal)


def test_a_public_bodys_submitted_proposals_are_read_by_every_participant(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.public_group, status=ProposalStatus.SUBMITTED)
    assert fresh(world.outsider).has_perm("strategy.read_proposal", proposal)
    assert not fresh(world.outsider).has_perm("strategy.comment_proposal", proposal)
    assert not fresh(UserFactory()).has_perm("strategy.read_proposal", proposal)


def test_who_decides(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    assert fresh(world.council_chair).has_perm("strategy.decide_proposal", proposal)
    assert fresh(world.secretariat).has_perm("strategy.decide_proposal", proposal)
    for who in ("council_member", "chair", "member", "outsider"):
        assert not fresh(getattr(world, who)).has_perm("strategy.decide_proposal", proposal), who


def test_the_cycles_deciding_body_is_the_only_one(world):
    from tests.partnership.factories import make_person, seat
    from tests.strategy.factories import governance_body

    other = governance_body(slug="other-council")
    other_chair = make_person(name="Other chair")
    seat(other_chair, other, "chair")
    proposal_before = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    # Without a deciding body set, any governance body's chair decides.
    assert fresh(other_chair).has_perm("strategy.decide_proposal", proposal_before)
    world.cycle.governance_body = world.council
    world.cycle.save()
    proposal = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    assert not fresh(other_chair).has_perm("strategy.decide_proposal", proposal)
    assert fresh(world.council_chair).has_perm("strategy.decide_proposal", proposal)


def test_gaps_follow_their_body(world):
    private_gap = GapFactory(cycle=world.cycle, body=world.group)
    public_gap = GapFactory(cycle=world.cycle, body=world.public_group)
    assert fresh(world.observer).has_perm("strategy.read_gap", private_gap)
    assert not fresh(world.observer).has_perm("strategy.edit_gap", private_gap)
    assert fresh(world.member).has_perm("strategy.edit_gap", private_gap)
    assert not fresh(world.outsider).has_perm("strategy.read_gap", private_gap)
    assert fresh(world.outsider).has_perm("strategy.read_gap", public_gap)
    assert not fresh(world.outsider).has_perm("strategy.edit_gap", public_gap)
    assert fresh(world.secretariat).has_perm("strategy.edit_gap", private_gap)
