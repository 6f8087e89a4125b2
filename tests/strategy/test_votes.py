"""The vote budget: enforced by the services (atomic, locked ballot) and by the database."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from newstart.strategy import services
from newstart.strategy.models import Ballot, ProposalStatus, Vote, VoteBudget
from newstart.strategy.selectors import ballot_view
from tests.partnership.factories import BodyFactory, UserFactory
from tests.strategy.factories import ProposalFactory, StrategyCycleFactory, VoteBudgetFactory, set_phases


@pytest.fixture
def voting(world):
    set_phases(world.cycle, "prioritisation")
    proposals = [
        ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED, title=f"P{i}")
        for i in range(3)
    ]
    return world, proposals


def _allocation(member, cycle):
    return dict(Vote.objects.filter(ballot__member=member, ballot__cycle=cycle).values_list("proposal_id", "count"))


def test_allocation_within_budget_is_saved(voting):
    world, (a, b, c) = voting
    ballot = services.vote_allocation_set(cycle=world.cycle, member=world.member, allocation={a.pk: 3, b.pk: 2})
    assert (ballot.votes_available, ballot.votes_spent) == (5, 5)
    assert _allocation(world.member, world.cycle) == {a.pk: 3, b.pk: 2}
    # A new allocation replaces the old one.
    services.vote_allocation_set(cycle=world.cycle, member=world.member, allocation={c.pk: 1, a.pk: 0})
    assert _allocation(world.member, world.cycle) == {c.pk: 1}
    assert ballot_view(cycle=world.cycle, user=world.member).votes_left == 4


def test_allocation_over_budget_changes_nothing(voting):
    world, (a, b, _c) = voting
    services.vote_allocation_set(cycle=world.cycle, member=world.member, allocation={a.pk: 2})
    with pytest.raises(ValidationError) as error:
        services.vote_allocation_set(cycle=world.cycle, member=world.member, allocation={a.pk: 3, b.pk: 3})
    assert error.value.code == "over_budget"
    assert "5" in error.value.messages[0] and "6" in error.value.messages[0]
    assert _allocation(world.member, world.cycle) == {a.pk: 2}
    assert Ballot.objects.get(member=world.member).votes_spent == 2


def test_double_submit_of_the_same_allocation_counts_once(voting):
    world, (a, b, _c) = voting
    for _ in range(2):
        services.vote_allocation_set(cycle=world.cycle, member=world.member, allocation={a.pk: 4, b.pk: 1})
    assert Ballot.objects.filter(member=world.member).count() == 1
    assert Ballot.objects.get(member=world.member).votes_spent == 5
    assert _allocation(world.member, world.cycle) == {a.pk: 4, b.pk: 1}


def test_casting_votes_one_by_one_stops_at_the_budget(voting):
    world, (a, b, _c) = voting
    for _ in range(3):
        services.vote_cast(proposal=a, member=world.member)
    services.vote_cast(proposal=b, member=world.member, delta=2)
    with pytest.raises(ValidationError) as error:
        services.vote_cast(proposal=b, member=world.member)
    assert error.value.code == "over_budget"
    assert _allocation(world.member, world.cycle) == {a.pk: 3, b.pk: 2}
    # Taking one back frees it again.
    services.vote_cast(proposal=a, member=world.member, delta=-1)
    services.vote_cast(proposal=b, member=world.member)
    assert _allocation(world.member, world.cycle) == {a.pk: 2, b.pk: 3}
    assert Ballot.objects.get(member=world.member).votes_spent == 5


def test_cannot_take_back_votes_not_given(voting):
    world, (a, _b, _c) = voting
    with pytest.raises(ValidationError):
        services.vote_cast(proposal=a, member=world.member, delta=-1)


def test_most_votes_on_one_proposal(voting):
    world, (a, _b, _c) = voting
    VoteBudget.objects.filter(cycle=world.cycle).update(max_votes_per_proposal=2)
    with pytest.raises(ValidationError) as error:
        services.vote_allocation_set(cycle=world.cycle, member=world.member, allocation={a.pk: 3})
    assert error.value.code == "too_many"
    services.vote_cast(proposal=a, member=world.member, delta=2)
    with pytest.raises(ValidationError):
        services.vote_cast(proposal=a, member=world.member)


def test_votes_go_only_to_submitted_proposals_of_the_cycle(voting):
    world, _proposals = voting
    draft = ProposalFactory(cycle=world.cycle, body=world.group)
    elsewhere = ProposalFactory(body=world.group, status=ProposalStatus.SUBMITTED)
    for target in (draft, elsewhere):
        with pytest.raises(ValidationError) as error:
            services.vote_allocation_set(cycle=world.cycle, member=world.member, allocation={target.pk: 1})
        assert error.value.code == "ineligible"
    with pytest.raises(ValidationError):
        services.vote_cast(proposal=draft, member=world.member)
    assert not Vote.objects.exists()


def test_negative_votes_are_refused(voting):
    world, (a, _b, _c) = voting
    with pytest.raises(ValidationError):
        services.vote_allocation_set(cycle=world.cycle, member=world.member, allocation={a.pk: -1})


def test_the_database_refuses_an_overspent_ballot(voting):
    world, (a, _b, _c) = voting
    services.vote_cast(proposal=a, member=world.member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.filter(member=world.member).update(votes_spent=6)


def test_no_budget_no_votes(voting):
    world, (a, _b, _c) = voting
    VoteBudget.objects.filter(cycle=world.cycle).delete()
    with pytest.raises(ValidationError) as error:
        services.vote_cast(proposal=a, member=world.member)
    assert error.value.code == "no_budget"


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_cannot_overspend():
    """Two requests from one member, each spending 3 of 5 votes, race: exactly one wins."""
    if connection.vendor == "sqlite":
        pytest.skip("needs a database server with row locks and concurrent connections (PostgreSQL); skipped")
    cycle = StrategyCycleFactory()
    set_phases(cycle, "prioritisation")
    VoteBudgetFactory(cycle=cycle, votes_per_member=5)
    body = BodyFactory()
    member = UserFactory()
    proposals = [ProposalFactory(cycle=cycle, body=body, status=ProposalStatus.SUBMITTED) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def spend(proposal):
        try:
            barrier.wait(timeout=10)
            services.vote_cast(proposal=proposal, member=member, delta=3)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code or "error")
        finally:
            connection.close()

    threads = [threading.Thread(target=spend, args=(p,)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "over_budget"]
    ballot = Ballot.objects.get(cycle=cycle, member=member)
    assert ballot.votes_spent == 3
    assert sum(Vote.objects.filter(ballot=ballot).values_list("count", flat=True)) == 3
