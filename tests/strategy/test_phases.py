"""Phases: dated, open when today falls within them, and declaring what they allow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from newstart.strategy import services
from newstart.strategy.models import (
    PHASE_ACTIONS,
    DecisionOutcome,
    EquityQuestion,
    Phase,
    PhaseAction,
    PhaseKind,
    ProposalDecision,
    ProposalStatus,
)
from newstart.strategy.selectors import cycle_allows, cycle_open_phases
from tests.strategy.factories import EquityAnswerFactory, ProposalFactory, set_phases


def test_phase_is_open_within_its_dates_inclusive(world):
    today = timezone.localdate()
    phase = Phase(cycle=world.cycle, kind=PhaseKind.GAPS, starts_on=today, ends_on=today + dt.timedelta(days=1))
    assert phase.is_open(today)
    assert phase.is_open(today + dt.timedelta(days=1))
    assert not phase.is_open(today - dt.timedelta(days=1))
    assert not phase.is_open(today + dt.timedelta(days=2))


def test_phase_declares_actions():
    assert PhaseAction.PROPOSAL_SUBMIT in PHASE_ACTIONS[PhaseKind.PROPOSALS]
    assert PhaseAction.PROPOSAL_SUBMIT not in PHASE_ACTIONS[PhaseKind.PRIORITISATION]
    assert PhaseAction.SCORE in PHASE_ACTIONS[PhaseKind.PRIORITISATION]
    assert PhaseAction.SCORE not in PHASE_ACTIONS[PhaseKind.PROPOSALS]
    assert PhaseAction.DECIDE in PHASE_ACTIONS[PhaseKind.DECISION]
    # Every phase declares its actions.
    assert set(PHASE_ACTIONS) == set(PhaseKind.values)


def test_cycle_allows_follows_the_open_phase(world):
    set_phases(world.cycle, "prioritisation")
    assert [p.kind for p in cycle_open_phases(cycle=world.cycle)] == ["prioritisation"]
    assert cycle_allows(cycle=world.cycle, action=PhaseAction.SCORE)
    assert not cycle_allows(cycle=world.cycle, action=PhaseAction.PROPOSAL_SUBMIT)


def test_phase_cannot_end_before_it_starts(world):
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(
            cycle=world.cycle, kind="gaps", starts_on=today, ends_on=today - dt.timedelta(days=1)
        )  # "gaps" exists already too, but the order check fails either way


def _ready_draft(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.group, author=world.member)
    for question in EquityQuestion.objects.all():
        EquityAnswerFactory(proposal=proposal, question=question)
    return proposal


def test_submit_only_in_the_proposals_phase(world):
    proposal = _ready_draft(world)
    for kind in ("inventory", "gaps", "prioritisation", "decision", "tracking"):
        set_phases(world.cycle, kind)
        with pytest.raises(ValidationError) as error:
            services.proposal_submit(proposal=proposal, user=world.member)
        assert error.value.code == "phase_closed"
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.DRAFT
    set_phases(world.cycle, "proposals")
    services.proposal_submit(proposal=proposal, user=world.member)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.submitted_at is not None


def test_no_open_phase_allows_nothing(world):
    set_phases(world.cycle)
    proposal = _ready_draft(world)
    with pytest.raises(ValidationError):
        services.proposal_submit(proposal=proposal, user=world.member)


def test_score_only_in_prioritisation(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    criterion = world.cycle.criteria.first()
    for kind in ("proposals", "decision"):
        set_phases(world.cycle, kind)
        with pytest.raises(ValidationError) as error:
            services.score_save(proposal=proposal, member=world.member, values={criterion.pk: 4})
        assert error.value.code == "phase_closed"
    assert not proposal.scores.exists()
    set_phases(world.cycle, "prioritisation")
    services.score_save(proposal=proposal, member=world.member, values={criterion.pk: 4})
    assert proposal.scores.get().value == 4


def test_votes_only_in_prioritisation(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        services.vote_allocation_set(cycle=world.cycle, member=world.member, allocation={proposal.pk: 1})
    with pytest.raises(ValidationError):
        services.vote_cast(proposal=proposal, member=world.member)
    assert not proposal.votes.exists()


def test_decisions_only_in_the_decision_phase(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    set_phases(world.cycle, "prioritisation")
    with pytest.raises(ValidationError):
        services.decision_record(
            proposal=proposal,
            user=world.council_chair,
            body=world.council,
            outcome=DecisionOutcome.ACCEPTED,
            reasons="Strong case.",
        )
    assert not ProposalDecision.objects.filter(proposal=proposal).exists()


def test_editing_a_draft_needs_the_proposals_phase(world):
    proposal = _ready_draft(world)
    set_phases(world.cycle, "gaps")
    with pytest.raises(ValidationError):
        services.proposal_update(proposal=proposal, user=world.member, data={"title": "New title"})
    proposal.refresh_from_db()
    assert proposal.title != "New title"
