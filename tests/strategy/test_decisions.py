"""The governance body's decisions; accepting a proposal makes it a priority action, atomically."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from newstart.strategy import services
from newstart.strategy.models import Action, DecisionOutcome, ProposalDecision, ProposalStatus
from tests.partnership.factories import PartnerOrganizationFactory
from tests.strategy.factories import IndicatorFactory, ProposalFactory, set_phases


@pytest.fixture
def deciding(world):
    set_phases(world.cycle, "decision")
    return world


def _submitted(world, **kwargs):
    return ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.IN_PRIORITISATION, **kwargs)


def _decide(world, proposal, outcome, **kwargs):
    return services.decision_record(
        proposal=proposal,
        user=world.council_chair,
        body=world.council,
        outcome=outcome,
        reasons=kwargs.pop("reasons", "Ranked first; fits the budget."),
        **kwargs,
    )


def test_accepting_creates_a_numbered_priority_action(deciding):
    world = deciding
    lead, partner = PartnerOrganizationFactory(), PartnerOrganizationFactory()
    first = _submitted(world, title="More assessment places", lead_organization=lead)
    first.partner_organizations.set([partner])
    indicator = IndicatorFactory(proposal=first)
    decision = _decide(world, first, DecisionOutcome.ACCEPTED)
    first.refresh_from_db()
    assert first.status == ProposalStatus.DECIDED
    assert decision.decided_by == world.council and decision.recorded_by == world.council_chair
    action = Action.objects.get(proposal=first)
    assert (action.number, action.title, action.cycle) == (1, "More assessment places", world.cycle)
    assert action.lead_organization == lead
    assert list(action.partner_organizations.all()) == [partner]
    indicator.refresh_from_db()
    assert indicator.action == action and indicator.proposal == first
    second = _submitted(world)
    _decide(world, second, DecisionOutcome.ACCEPTED_WITH_CHANGES, changes="Start with one site.")
    assert Action.objects.get(proposal=second).number == 2
    assert "Start with one site." in Action.objects.get(proposal=second).description


@pytest.mark.parametrize("outcome", [DecisionOutcome.DEFERRED, DecisionOutcome.REJECTED])
def test_deferring_or_rejecting_creates_no_action(deciding, outcome):
    proposal = _submitted(deciding)
    _decide(deciding, proposal, outcome)
    assert not Action.objects.exists()
    assert ProposalDecision.objects.get(proposal=proposal).outcome == outcome


def test_accepting_with_changes_needs_the_changes(deciding):
    proposal = _submitted(deciding)
    with pytest.raises(ValidationError) as error:
        _decide(deciding, proposal, DecisionOutcome.ACCEPTED_WITH_CHANGES)
    assert "changes" in error.value.message_dict


def test_reasons_are_required(deciding):
    proposal = _submitted(deciding)
    with pytest.raises(ValidationError) as error:
        _decide(deciding, proposal, DecisionOutcome.REJECTED, reasons="  ")
    assert "reasons" in error.value.message_dict


def test_a_proposal_is_decided_once(deciding):
    proposal = _submitted(deciding)
    _decide(deciding, proposal, DecisionOutcome.ACCEPTED)
    with pytest.raises(ValidationError):
        _decide(deciding, proposal, DecisionOutcome.REJECTED)
    assert ProposalDecision.objects.count() == 1 and Action.objects.count() == 1


def test_drafts_are_not_decided(deciding):
    draft = ProposalFactory(cycle=deciding.cycle, body=deciding.group)
    with pytest.raises(ValidationError):
        _decide(deciding, draft, DecisionOutcome.ACCEPTED)


def test_only_a_governance_body_decides(deciding):
    proposal = _submitted(deciding)
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            proposal=proposal, user=deciding.chair, body=deciding.group, outcome="accepted", reasons="We like it."
        )
    assert "decided_by" in error.value.message_dict


def test_decision_and_action_are_one_transaction(deciding, monkeypatch):
    proposal = _submitted(deciding)

    def broken(**kwargs):
        raise RuntimeError("action could not be created")

    monkeypatch.setattr(services, "action_create_from_proposal", broken)
    with pytest.raises(RuntimeError):
        _decide(deciding, proposal, DecisionOutcome.ACCEPTED)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_PRIORITISATION
    assert not ProposalDecision.objects.exists() and not Action.objects.exists()
