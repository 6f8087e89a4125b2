"""Every page as anonymous, a stranger (an account outside the partnership), a participant without
seats, observer, member, chair, advisory table member, governance body chair and member, and the
secretariat: who gets the page, who gets 403/404, and that nothing private leaks into lists."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from newstart.strategy.models import (
    Action,
    Amendment,
    Ballot,
    Comment,
    EquityAnswer,
    EquityQuestion,
    ProposalDecision,
    ProposalStatus,
    Score,
)
from tests.strategy.factories import ActivityFactory, EvidenceFactory, GapFactory, ProposalFactory, set_phases


@dataclass
class Records:
    draft: object
    private_submitted: object
    public_submitted: object
    private_activity: object
    public_activity: object
    private_gap: object
    public_gap: object


@pytest.fixture
def records(world):
    c = world.cycle
    rec = Records(
        draft=ProposalFactory(cycle=c, body=world.group, author=world.member, title="Secret draft"),
        private_submitted=ProposalFactory(
            cycle=c, body=world.group, author=world.chair, title="Private submitted", status=ProposalStatus.SUBMITTED
        ),
        public_submitted=ProposalFactory(
            cycle=c, body=world.public_group, title="Open submitted", status=ProposalStatus.SUBMITTED
        ),
        private_activity=ActivityFactory(cycle=c, body=world.group, title="Secret activity"),
        public_activity=ActivityFactory(cycle=c, body=world.public_group, title="Open activity"),
        private_gap=GapFactory(cycle=c, body=world.group, title="Secret gap"),
        public_gap=GapFactory(cycle=c, body=world.public_group, title="Open gap"),
    )
    EvidenceFactory(gap=rec.private_gap, text="Secret evidence")
    return rec


def url(name, world, *args):
    return reverse(f"strategy:{name}", args=[world.cycle.slug, *args])


ROLES = [
    "anonymous",
    "stranger",
    "outsider",
    "observer",
    "member",
    "chair",
    "public_member",
    "advisor",
    "council_chair",
    "council_member",
    "secretariat",
]


def _expect(world, who, response, allowed):
    if who == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif who == "stranger":
        assert response.status_code == 403
    else:
        assert response.status_code == allowed, (who, response.status_code)


@pytest.mark.parametrize("who", ROLES)
def test_cycle_pages_are_for_participants(world, records, who):
    client = world.client(who)
    for page in (url("cycle", world), url("phase", world, "proposals")):
        _expect(world, who, client.get(page), 200)
    _expect(world, who, client.get(reverse("strategy:home")), 302)


@pytest.mark.parametrize("who", ROLES)
def test_lists_show_only_what_may_be_seen(world, records, who):
    client = world.client(who)
    private_reader = who in ("observer", "member", "chair", "secretariat")
    for page, secret, public in (
        (url("activity_list", world), "Secret activity", "Open activity"),
        (url("gap_list", world), "Secret gap", "Open gap"),
    ):
        response = client.get(page)
        _expect(world, who, response, 200)
        if response.status_code == 200:
            html = response.content.decode()
            assert public in html
            assert (secret in html) == private_reader, (who, page)
    response = client.get(url("proposal_list", world))
    _expect(world, who, response, 200)
    if response.status_code == 200:
        html = response.content.decode()
        assert "Open submitted" in html
        # Drafts: the author and the body only; never the secretariat or anyone else.
        assert ("Secret draft" in html) == (who in ("observer", "member", "chair"))
        sees_private_submitted = who in (
            "observer",
            "member",
            "chair",
            "public_member",
            "advisor",
            "council_chair",
            "council_member",
            "secretariat",
        )
        assert ("Private submitted" in html) == sees_private_submitted, who


@pytest.mark.parametrize("who", ROLES)
def test_detail_pages(world, records, who):
    client = world.client(who)
    private_reader = who in ("observer", "member", "chair", "secretariat")
    for obj, name in ((records.private_activity, "activity"), (records.private_gap, "gap")):
        _expect(world, who, client.get(url(name, world, obj.pk)), 200 if private_reader else 404)
    for obj, name in ((records.public_activity, "activity"), (records.public_gap, "gap")):
        _expect(world, who, client.get(url(name, world, obj.pk)), 200)
    draft_reader = who in ("observer", "member", "chair")
    _expect(world, who, client.get(url("proposal", world, records.draft.pk)), 200 if draft_reader else 404)
    submitted_reader = who not in ("outsider",)
    _expect(
        world, who, client.get(url("proposal", world, records.private_submitted.pk)), 200 if submitted_reader else 404
    )
    _expect(world, who, client.get(url("proposal", world, records.public_submitted.pk)), 200)


def test_private_evidence_and_draft_text_do_not_leak(world, records):
    client = world.client("outsider")
    assert b"Secret evidence" not in client.get(url("gap", world, records.private_gap.pk)).content
    assert client.get(url("gap", world, records.private_gap.pk)).status_code == 404
    response = client.get(url("proposal", world, records.public_submitted.pk))
    assert b"Secret draft" not in response.content and b"Private submitted" not in response.content


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 403), ("observer", 403), ("member", 200), ("chair", 200), ("secretariat", 200)],
)
def test_create_forms(world, records, who, status):
    set_phases(world.cycle, "inventory")
    client = world.client(who)
    for name in ("activity_create", "gap_create", "proposal_create"):
        assert client.get(url(name, world)).status_code == status, name


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("public_member", 404), ("observer", 403), ("member", 200), ("secretariat", 200)],
)
def test_edit_forms_for_body_records(world, records, who, status):
    client = world.client(who)
    assert client.get(url("activity_edit", world, records.private_activity.pk)).status_code == status
    assert client.get(url("gap_edit", world, records.private_gap.pk)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("outsider", 404),
        ("secretariat", 404),
        ("council_chair", 404),
        ("observer", 403),
        ("member", 200),
        ("chair", 200),
    ],
)
def test_draft_edit_form(world, records, who, status):
    assert world.client(who).get(url("proposal_edit", world, records.draft.pk)).status_code == status


def test_member_records_an_activity_and_a_gap_with_evidence(world, records):
    set_phases(world.cycle, "inventory")
    client = world.client("member")
    response = client.post(
        url("activity_create", world),
        {"body": world.group.pk, "title": "Job club", "reach_count": "40", "reach_unit": "people"},
    )
    assert response.status_code == 302
    activity = world.cycle.activities.get(title="Job club")
    assert activity.created_by == world.member and activity.body == world.group
    response = client.post(
        url("gap_create", world), {"body": world.group.pk, "title": "No childcare", "severity": 5, "status": "open"}
    )
    gap = world.cycle.gaps.get(title="No childcare")
    assert response["Location"] == url("gap", world, gap.pk)
    client.post(url("evidence_add", world, gap.pk), {"kind": "lived_experience", "text": "Parents miss classes."})
    assert gap.evidence.get().text == "Parents miss classes."


def test_member_cannot_record_for_a_body_they_do_not_sit_on(world, records):
    set_phases(world.cycle, "inventory")
    response = world.client("member").post(
        url("activity_create", world), {"body": world.public_group.pk, "title": "Not mine"}
    )
    assert response.status_code == 400
    assert not world.cycle.activities.filter(title="Not mine").exists()


def test_activity_form_outside_its_phase_says_so(world, records):
    set_phases(world.cycle, "decision")
    response = world.client("member").post(url("activity_create", world), {"body": world.group.pk, "title": "Late"})
    assert response.status_code == 400
    assert "not open in this phase" in response.content.decode()


def test_proposal_draft_submit_comment_amend_flow(world, records):
    question = EquityQuestion.objects.get()
    client = world.client("member")
    response = client.post(
        url("proposal_create", world),
        {
            "body": world.group.pk,
            "title": "Evening classes",
            "problem": "Shift workers cannot attend.",
            "action": "Run evening classes.",
            f"equity_{question.pk}": "Shift workers, parents.",
        },
    )
    proposal = world.cycle.proposals.get(title="Evening classes")
    assert response.status_code == 302
    assert EquityAnswer.objects.get(proposal=proposal).answer == "Shift workers, parents."
    # The observer reads it but may not submit it; the outsider does not even see it.
    assert world.client("observer").post(url("proposal_submit", world, proposal.pk)).status_code == 403
    assert world.client("outsider").post(url("proposal_submit", world, proposal.pk)).status_code == 404
    client.post(url("indicator_add", world, proposal.pk), {"name": "Evening learners", "target": "200"})
    assert proposal.indicators.get().name == "Evening learners"
    client.post(url("proposal_submit", world, proposal.pk))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    # Everyone entitled comments; the chair proposes an amendment; the author accepts it.
    assert (
        world.client("advisor").post(url("comment_add", world, proposal.pk), {"text": "Add childcare."}).status_code
        == 302
    )
    assert Comment.objects.filter(proposal=proposal).count() == 1
    assert world.client("outsider").post(url("comment_add", world, proposal.pk), {"text": "x"}).status_code == 404
    world.client("chair").post(
        url("amendment_add", world, proposal.pk),
        {"field": "action", "proposed_text": "Run evening classes with childcare."},
    )
    amendment = Amendment.objects.get(proposal=proposal)
    assert (
        world.client("observer")
        .post(url("amendment_resolve", world, proposal.pk, amendment.pk), {"decision": "accept"})
        .status_code
        == 403
    )
    client.post(url("amendment_resolve", world, proposal.pk, amendment.pk), {"decision": "accept"})
    proposal.refresh_from_db()
    assert proposal.action == "Run evening classes with childcare."
    # The advisor's comment shows without their name: they take part as a private person.
    html = world.client("chair").get(url("proposal", world, proposal.pk)).content.decode()
    assert "Add childcare." in html and "Ana Advisor" not in html


def test_submitting_outside_the_phase_shows_a_message(world, records):
    question = EquityQuestion.objects.get()
    EquityAnswer.objects.create(proposal=records.draft, question=question, answer="x")
    set_phases(world.cycle, "prioritisation")
    client = world.client("member")
    response = client.post(url("proposal_submit", world, records.draft.pk), follow=True)
    assert "not open in this phase" in response.content.decode()
    records.draft.refresh_from_db()
    assert records.draft.status == ProposalStatus.DRAFT


@pytest.mark.parametrize(
    ("who", "status"), [("advisor", 200), ("member", 403), ("council_chair", 403), ("outsider", 404)]
)
def test_advisory_input_page(world, records, who, status):
    client = world.client(who)
    assert client.get(url("advisory_input", world, records.private_submitted.pk)).status_code == status


def test_advisor_records_input(world, records):
    client = world.client("advisor")
    response = client.post(
        url("advisory_input", world, records.private_submitted.pk),
        {"body": world.advisory.pk, "position": "support_with_changes", "text": "Offer it in Punjabi too."},
    )
    assert response.status_code == 302
    assert records.private_submitted.advisory_inputs.get().text == "Offer it in Punjabi too."
    # The draft is not theirs to see.
    assert client.get(url("advisory_input", world, records.draft.pk)).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 200), ("chair", 200), ("public_member", 200), ("observer", 403), ("advisor", 403), ("outsider", 403)],
)
def test_scoring_and_voting_pages(world, records, who, status):
    set_phases(world.cycle, "prioritisation")
    client = world.client(who)
    assert client.get(url("score_list", world)).status_code == status
    assert client.get(url("vote", world)).status_code == status
    score_status = status if status == 200 else (404 if who == "outsider" else 403)
    assert client.get(url("proposal_score", world, records.private_submitted.pk)).status_code == score_status


def test_member_scores_and_votes(world, records):
    set_phases(world.cycle, "prioritisation")
    impact, feasibility = world.cycle.criteria.order_by("position")
    client = world.client("member")
    response = client.post(
        url("proposal_score", world, records.private_submitted.pk),
        {f"criterion_{impact.pk}": "5", f"criterion_{feasibility.pk}": "3"},
    )
    assert response.status_code == 302
    assert dict(Score.objects.filter(member=world.member).values_list("criterion__name", "value")) == {
        "Impact": 5,
        "Feasibility": 3,
    }
    bad = client.post(url("proposal_score", world, records.private_submitted.pk), {f"criterion_{impact.pk}": "9"})
    assert bad.status_code == 400
    ok = client.post(
        url("vote", world),
        {f"proposal_{records.private_submitted.pk}": "3", f"proposal_{records.public_submitted.pk}": "2"},
    )
    assert ok.status_code == 302
    over = client.post(
        url("vote", world),
        {f"proposal_{records.private_submitted.pk}": "4", f"proposal_{records.public_submitted.pk}": "2"},
    )
    assert over.status_code == 400 and "You have 5 votes" in over.content.decode()
    assert Ballot.objects.get(member=world.member).votes_spent == 5
    # Drafts are not on the ballot.
    assert f"proposal_{records.draft.pk}" not in client.get(url("vote", world)).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 200),
        ("public_member", 200),
        ("council_member", 200),
        ("secretariat", 200),
        ("observer", 403),
        ("advisor", 403),
        ("outsider", 403),
    ],
)
def test_results_page(world, records, who, status):
    response = world.client(who).get(url("results", world))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Weighted total" in html and "Private submitted" in html and "Secret draft" not in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("council_chair", 200), ("secretariat", 200), ("council_member", 403), ("chair", 403), ("outsider", 404)],
)
def test_decision_form_access(world, records, who, status):
    set_phases(world.cycle, "decision")
    assert world.client(who).get(url("decision", world, records.private_submitted.pk)).status_code == status


def test_council_chair_accepts_and_an_action_is_created(world, records):
    set_phases(world.cycle, "decision")
    response = world.client("council_chair").post(
        url("decision", world, records.private_submitted.pk),
        {"outcome": "accepted", "reasons": "Top ranked.", "decided_at": "2025-06-01"},
    )
    assert response.status_code == 302
    decision = ProposalDecision.objects.get(proposal=records.private_submitted)
    assert decision.decided_by == world.council and str(decision.decided_at) == "2025-06-01"
    assert Action.objects.get(proposal=records.private_submitted).number == 1
    # Drafts are never decided (the secretariat cannot even see them).
    assert world.client("secretariat").get(url("decision", world, records.draft.pk)).status_code == 404


def test_decision_form_outside_the_phase(world, records):
    response = world.client("council_chair").post(
        url("decision", world, records.private_submitted.pk),
        {"outcome": "rejected", "reasons": "No.", "decided_at": "2025-06-01"},
    )
    assert response.status_code == 400
    assert not ProposalDecision.objects.exists()


def test_start_prioritisation_is_for_the_staff(world, records):
    assert world.client("chair").post(url("start_prioritisation", world)).status_code == 403
    assert world.client("secretariat").post(url("start_prioritisation", world)).status_code == 302
    records.private_submitted.refresh_from_db()
    assert records.private_submitted.status == ProposalStatus.IN_PRIORITISATION


def test_unknown_cycle_and_records_are_404(world, records):
    client = world.client("chair")
    assert client.get(reverse("strategy:cycle", args=["nope"])).status_code == 404
    assert client.get(url("proposal", world, 999999)).status_code == 404
    assert client.get(url("phase", world, "nonsense")).status_code == 404


@pytest.mark.parametrize(
    "name", ["cycle", "activity_list", "gap_list", "proposal_list", "score_list", "vote", "results"]
)
def test_list_pages_have_a_query_budget(world, records, name, django_assert_max_num_queries):
    set_phases(world.cycle, "prioritisation")
    for i in range(20):
        ActivityFactory(cycle=world.cycle, body=world.group)
        gap = GapFactory(cycle=world.cycle, body=world.group)
        EvidenceFactory(gap=gap)
        ProposalFactory(cycle=world.cycle, body=world.group, status=ProposalStatus.SUBMITTED, title=f"Bulk {i}")
    client = world.client("chair")
    client.get(url(name, world))  # warm the session and per-process caches
    # Measured: 10 to 16 queries, the same for 5 or 40 records of each kind (session, seats and roles included).
    with django_assert_max_num_queries(20):
        response = client.get(url(name, world))
    assert response.status_code == 200
