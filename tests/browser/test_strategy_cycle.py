"""One whole strategy cycle in a real browser (Debian's Chromium via Playwright), on pytest-django's
live server: a member proposes an action, two others score it and vote, the governance body's chair
accepts it, the secretariat (verified with a TOTP code) publishes the strategy and downloads it as a
PDF, the lead organization reports progress, and the public accountability page shows it.

Between the steps the test moves the cycle's dated phases, as time would."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from newstart.partnership.models import BodyKind, MembershipRole, Visibility
from newstart.partnership.roles import PartnershipRole
from newstart.strategy.models import Action, ProgressUpdate, ProposalStatus
from tests.partnership.conftest import totp_now
from tests.partnership.factories import BodyFactory, PartnerOrganizationFactory, make_person, seat
from tests.strategy.factories import (
    CriterionFactory,
    EquityQuestionFactory,
    StrategyCycleFactory,
    VoteBudgetFactory,
    set_phases,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # tests.partnership.factories.UserFactory's password
TITLE = "Evening language assessment centre"


def log_in(context: Any, base: str, user: Any, *, device: TOTPDevice | None = None) -> Any:
    page = context.new_page()
    page.goto(f"{base}/workspace/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if device is not None:
        page.goto(f"{base}/workspace/")
        page.wait_for_url(re.compile(r".*/verify.*"))
        page.fill("input[name=token]", totp_now(device))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    assert "/login/" not in page.url, "the login did not succeed"
    return page


def submit(page: Any) -> None:
    with page.expect_navigation():
        page.click("main form button[type=submit] >> nth=-1")


def test_a_whole_cycle_in_the_browser(live_server: Any, new_context: Any, tmp_path: Path) -> None:
    base = live_server.url
    # --- The partnership: a public strategy group, the council, a lead organization, the secretariat.
    group = BodyFactory(name="Access Strategy Group", slug="access", visibility=Visibility.PUBLIC)
    council = BodyFactory(name="Partnership Council", slug="council", kind=BodyKind.GOVERNANCE_BODY)
    lead_org = PartnerOrganizationFactory(name="Lantern Bridge Newcomer Society")
    proposer = make_person(name="Priya Proposer")
    scorer, voter = make_person(name="Sam Scorer"), make_person(name="Vic Voter")
    chair = make_person(name="Cam Chair")
    reporter = make_person(name="Lee Lead", organization=lead_org)
    secretariat = make_person(name="Sue Secretariat", roles=[PartnershipRole.SECRETARIAT])
    device = TOTPDevice.objects.create(user=secretariat, name="phone", confirmed=True)
    for person in (proposer, scorer, voter):
        seat(person, group)
    seat(chair, council, MembershipRole.CHAIR)
    cycle = StrategyCycleFactory(name="Newcomer strategy", slug="2026", governance_body=council)
    EquityQuestionFactory(text="Who could be left out?", position=1)
    impact = CriterionFactory(cycle=cycle, name="Impact", weight=2, position=1)
    feasibility = CriterionFactory(cycle=cycle, name="Feasibility", weight=1, position=2)
    VoteBudgetFactory(cycle=cycle, votes_per_member=5)
    workspace = f"{base}/workspace/strategy/{cycle.slug}"

    # --- A member proposes an action and submits it.
    set_phases(cycle, "proposals")
    page = log_in(new_context(), base, proposer)
    page.goto(f"{workspace}/proposals/new/")
    page.select_option("#id_body", label=group.name)
    page.fill("#id_title", TITLE)
    page.fill("#id_problem", "Newcomers who work days wait nine weeks for an assessment.")
    page.fill("#id_action", "Open the assessment centre on weekday evenings.")
    page.select_option("#id_lead_organization", label=lead_org.name)
    page.fill("textarea[name^=equity_]", "Shift workers and parents; outreach through employers.")
    submit(page)
    assert TITLE in page.content()
    with page.expect_navigation():
        page.click("text=Submit the proposal")
    assert "The proposal was submitted." in page.content()
    proposal = cycle.proposals.get(title=TITLE)
    assert proposal.status == ProposalStatus.SUBMITTED

    # --- Two other members score it and vote.
    set_phases(cycle, "prioritisation")
    for person, votes in ((scorer, 3), (voter, 2)):
        page = log_in(new_context(), base, person)
        page.goto(f"{workspace}/proposals/{proposal.pk}/score/")
        page.check(f"input[name=criterion_{impact.pk}][value='5']")
        page.check(f"input[name=criterion_{feasibility.pk}][value='4']")
        submit(page)
        assert "Your scores were saved." in page.content()
        page.goto(f"{workspace}/prioritisation/votes/")
        page.fill(f"#id_proposal_{proposal.pk}", str(votes))
        submit(page)
        assert "Your votes were saved." in page.content()
    page.goto(f"{workspace}/results/")
    assert TITLE in page.content()

    # --- The governance body's chair accepts it.
    set_phases(cycle, "decision")
    page = log_in(new_context(), base, chair)
    page.goto(f"{workspace}/proposals/{proposal.pk}/decision/")
    page.check("input[name=outcome][value=accepted]")
    page.fill("#id_reasons", "Ranked first by the strategy group.")
    submit(page)
    assert "The decision was recorded." in page.content()
    action = Action.objects.get(cycle=cycle, proposal=proposal)

    # --- The secretariat publishes the strategy and downloads it as a PDF.
    set_phases(cycle, "strategy")
    page = log_in(new_context(), base, secretariat, device=device)
    page.goto(f"{workspace}/strategy/")
    page.fill("#id_title", "Newcomer Strategy 2026")
    page.fill("#id_summary", "One action, for a start.")
    with page.expect_navigation():
        page.click("main button:has-text('Publish')")
    assert "Version 1 of the strategy was published." in page.content()
    with page.expect_download() as download_info:
        page.click("text=Download as PDF")
    pdf_path = tmp_path / "strategy.pdf"
    download_info.value.save_as(pdf_path)
    content = pdf_path.read_bytes()
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
    assert TITLE in text and "Newcomer Strategy 2026" in text

    # --- The lead organization reports this quarter's progress.
    set_phases(cycle, "tracking")
    page = log_in(new_context(), base, reporter)
    page.goto(f"{workspace}/actions/{action.number}/")
    with page.expect_navigation():
        page.click("text=Report this quarter's progress")
    page.select_option("#id_status", "on_track")
    page.fill("#id_progress", "40")
    page.fill("#id_narrative", "The first evening sessions opened.")
    submit(page)
    assert "Your quarterly update was saved." in page.content()
    assert ProgressUpdate.objects.filter(action=action, progress=40).exists()

    # --- The public accountability page, without logging in, shows it.
    page = new_context().new_page()
    page.goto(f"{base}/en/accountability/")
    public = page.content()
    assert "Newcomer Strategy 2026" in public
    assert TITLE in public
    row = page.locator(f"#action-{action.number}")
    assert "On track" in row.inner_text() and "40 %" in row.inner_text()
    for private in ("Priya Proposer", "Lee Lead", "@example.org", "The first evening sessions opened."):
        assert private not in public
