"""The rest of the cycle's writes: inventory, gaps and evidence, drafts, the equity lens, amendments,
comments, advisory input, indicators, and moving proposals into prioritisation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from newstart.strategy import services
from newstart.strategy.models import (
    AdvisoryInput,
    AmendmentStatus,
    EquityQuestion,
    EvidenceKind,
    ProposalStatus,
)
from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.partnership.factories import PartnerOrganizationFactory
from tests.strategy.factories import ActivityFactory, GapFactory, ProposalFactory, set_phases


def test_activity_inventory_with_links(world):
    set_phases(world.cycle, "inventory")
    partner = PartnerOrganizationFactory(directory_organization=OrganizationFactory())
    service = ServiceFactory(organization=partner.directory_organization)
    activity = services.activity_create(
        cycle=world.cycle,
        user=world.member,
        data={
            "body": world.group,
            "title": "Conversation circles",
            "organizations": [partner],
            "services": [service],
            "reach_count": 120,
            "reach_unit": "participants a year",
        },
    )
    assert list(activity.organizations.all()) == [partner]
    assert list(activity.services.all()) == [service]
    assert activity.history.count() == 1
    set_phases(world.cycle, "prioritisation")
    with pytest.raises(ValidationError):
        services.activity_update(activity=activity, user=world.member, data={"title": "Changed"})


def test_gap_from_another_page_keeps_its_origin(world):
    gap = services.gap_create(
        cycle=world.cycle,
        user=world.member,
        data={"body": world.group, "title": "No evening classes in the east", "severity": 4},
        source_url="/workspace/insights/gaps/?area=hastings-sunrise",
        source={"app": "insights", "area": "hastings-sunrise"},
    )
    assert gap.source == {"app": "insights", "area": "hastings-sunrise"}
    assert gap.get_severity_display().startswith("4")
    activity = ActivityFactory(cycle=world.cycle, body=world.group)
    evidence = services.evidence_add(
        gap=gap, user=world.member, kind=EvidenceKind.INVENTORY, text="Only daytime classes.", activity=activity
    )
    assert evidence.activity == activity
    other = ActivityFactory(body=world.group)
    with pytest.raises(ValidationError):
        services.evidence_add(gap=gap, user=world.member, kind=EvidenceKind.DATA, text="x", activity=other)


def test_gap_severity_out_of_range_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.gap_create(
            cycle=world.cycle, user=world.member, data={"body": world.group, "title": "x", "severity": 9}
        )
    assert "severity" in error.value.message_dict


def test_draft_with_equity_lens_then_submit(world):
    question = EquityQuestion.objects.get()
    gap = GapFactory(cycle=world.cycle, body=world.group)
    proposal = services.proposal_create(
        cycle=world.cycle,
        user=world.member,
        data={"body": world.group, "title": "Evening classes", "problem": "p", "action": "a", "gaps": [gap]},
    )
    assert proposal.status == ProposalStatus.DRAFT and proposal.author == world.member
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, user=world.member)
    assert error.value.code == "equity_lens_incomplete"
    services.proposal_update(
        proposal=proposal,
        user=world.member,
        data={"title": "Evening classes"},
        equity_answers={question.pk: "Shift workers."},
    )
    services.proposal_submit(proposal=proposal, user=world.member)
    assert proposal.status == ProposalStatus.SUBMITTED
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, user=world.member)
    assert error.value.code == "not_draft"
    with pytest.raises(ValidationError):
        services.proposal_update(proposal=proposal, user=world.member, data={"title": "Sneaky edit"})


def test_gaps_of_another_cycle_cannot_be_linked(world):
    with pytest.raises(ValidationError) as error:
        services.proposal_create(
            cycle=world.cycle,
            user=world.member,
            data={"body": world.group, "title": "t", "problem": "p", "action": "a", "gaps": [GapFactory()]},
        )
    assert "gaps" in error.value.message_dict


def test_amendments_accepted_change_the_text(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    accepted = services.amendment_propose(
        proposal=proposal, user=world.chair, field="action", proposed_text="Open two assessment centres."
    )
    rejected = services.amendment_propose(proposal=proposal, user=world.chair, field="title", proposed_text="Other")
    services.amendment_resolve(amendment=accepted, user=world.member, accept=True)
    services.amendment_resolve(amendment=rejected, user=world.member, accept=False)
    proposal.refresh_from_db()
    assert proposal.action == "Open two assessment centres."
    assert proposal.title != "Other"
    accepted.refresh_from_db()
    assert accepted.status == AmendmentStatus.ACCEPTED and accepted.resolved_by == world.member
    with pytest.raises(ValidationError):
        services.amendment_resolve(amendment=rejected, user=world.member, accept=True)
    with pytest.raises(ValidationError):
        services.amendment_propose(proposal=proposal, user=world.chair, field="nonsense", proposed_text="x")


def test_comments_close_with_the_decision(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    services.comment_add(proposal=proposal, user=world.member, text="  Good idea.  ")
    assert proposal.comments.get().text == "Good idea."
    with pytest.raises(ValidationError):
        services.comment_add(proposal=proposal, user=world.member, text="   ")
    proposal.status = ProposalStatus.DECIDED
    proposal.save()
    with pytest.raises(ValidationError):
        services.comment_add(proposal=proposal, user=world.member, text="Late.")


def test_advisory_input_one_per_table(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    services.advisory_input_save(
        proposal=proposal, body=world.advisory, user=world.advisor, position="concerns", text="A"
    )
    services.advisory_input_save(
        proposal=proposal, body=world.advisory, user=world.advisor, position="support", text="B"
    )
    assert AdvisoryInput.objects.get().text == "B"
    with pytest.raises(ValidationError):
        services.advisory_input_save(
            proposal=proposal, body=world.group, user=world.chair, position="support", text="C"
        )
    draft = ProposalFactory(cycle=world.cycle, body=world.group)
    with pytest.raises(ValidationError):
        services.advisory_input_save(
            proposal=draft, body=world.advisory, user=world.advisor, position="support", text="D"
        )


def test_indicators_change_only_on_drafts(world):
    proposal = ProposalFactory(cycle=world.cycle, body=world.group)
    indicator = services.indicator_add(proposal=proposal, user=world.member, name="Wait time", unit="weeks")
    assert indicator.position == 1
    proposal.status = ProposalStatus.SUBMITTED
    proposal.save()
    with pytest.raises(ValidationError):
        services.indicator_add(proposal=proposal, user=world.member, name="Other")
    with pytest.raises(ValidationError):
        services.indicator_remove(indicator=indicator, user=world.member)


def test_start_prioritisation_moves_submitted_proposals(world):
    submitted = ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED)
    draft = ProposalFactory(cycle=world.cycle, body=world.group)
    assert services.cycle_start_prioritisation(cycle=world.cycle, user=world.secretariat) == 1
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.status == ProposalStatus.IN_PRIORITISATION and draft.status == ProposalStatus.DRAFT
    assert submitted.history.count() == 2
