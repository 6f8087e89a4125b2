"""The strategy demo: what it holds (28 accepted actions in the published strategy, across the four
focus areas; every proposal state; two years of tracking), that a second load changes nothing, and
that its open data names nobody."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.apps import apps
from django.utils import timezone

from newstart.strategy import reporting, selectors
from newstart.strategy.demo import DEMO_CYCLE_SLUG, demo_people_names, strategy_demo_load
from newstart.strategy.models import (
    Action,
    Activity,
    Ballot,
    Gap,
    IndicatorValue,
    Milestone,
    PhaseKind,
    ProgressUpdate,
    Proposal,
    ProposalDecision,
    ProposalStatus,
    Score,
    StrategyCycle,
)
from newstart.strategy.open_data import open_data_zip
from tests.strategy.test_open_data import all_cells, read_zip
from tests.strategy.test_publication_support import pdf_text


@pytest.fixture
def demo(db):
    strategy_demo_load()
    return StrategyCycle.objects.get(slug=DEMO_CYCLE_SLUG)


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in apps.get_app_config("strategy").get_models()}


def test_demo_holds_a_whole_cycle_in_tracking(demo):
    cycle = demo
    assert cycle.is_demo
    open_kinds = {phase.kind for phase in selectors.cycle_open_phases(cycle=cycle)}
    assert open_kinds == {PhaseKind.TRACKING}
    assert len(selectors.cycle_phases(cycle=cycle)) == 7
    assert 35 <= Activity.objects.filter(cycle=cycle, is_demo=True).count() <= 45
    gaps = Gap.objects.filter(cycle=cycle, is_demo=True)
    assert 20 <= gaps.count() <= 30
    assert not gaps.filter(evidence__isnull=True).exists()
    proposals = Proposal.objects.filter(cycle=cycle, is_demo=True)
    assert 28 <= proposals.count() <= 40
    assert set(proposals.values_list("status", flat=True)) == set(ProposalStatus.values)
    assert Score.objects.filter(proposal__cycle=cycle).exists()
    assert Ballot.objects.filter(cycle=cycle).exists()
    assert all(b.votes_spent <= b.votes_available for b in Ballot.objects.filter(cycle=cycle))
    assert ProposalDecision.objects.filter(proposal__cycle=cycle).count() == 30


def test_demo_strategy_has_exactly_28_accepted_actions_across_four_focus_areas(demo):
    strategy = selectors.strategy_latest(cycle=demo)
    assert strategy is not None and strategy.is_demo and strategy.version == 1
    actions = selectors.strategy_action_list(strategy=strategy)
    assert len(actions) == 28
    assert all(action.proposal and action.proposal.decision.accepts for action in actions)
    assert Counter(action.focus_area.code for action in actions if action.focus_area) == {
        "access-to-services": 7,
        "intercultural-civic-engagement": 7,
        "welcoming-workplaces": 7,
        "responsive-institutions": 7,
    }
    assert [a.number for a in actions] == list(range(1, 29))
    assert strategy.safe_translation_getter("title", language_code="fr").startswith("Stratégie")


def test_demo_has_two_years_of_tracking(demo):
    actions = list(Action.objects.filter(cycle=demo))
    today = timezone.localdate()
    updates = ProgressUpdate.objects.filter(action__cycle=demo)
    assert updates.count() == 28 * 8
    quarters = sorted(set(updates.values_list("year", "quarter")))
    assert len(quarters) == 8
    assert quarters[-1] < (today.year, (today.month - 1) // 3 + 1)  # the last complete quarter, or earlier
    assert IndicatorValue.objects.filter(indicator__action__cycle=demo).count() == 28 * 8
    assert not IndicatorValue.objects.filter(date__gt=today).exists()
    assert Milestone.objects.filter(action__cycle=demo).count() == 28 * 4
    # Each action's state is its latest quarter's.
    for action in actions:
        latest = updates.filter(action=action).order_by("-year", "-quarter").first()
        assert latest is not None
        assert (action.status, action.progress) == (latest.status, latest.progress)
    overall = selectors.tracking_rollup(actions=actions).overall
    assert overall is not None and 0 < overall <= 100


def test_loading_again_changes_nothing(demo):
    before = _counts()
    result = strategy_demo_load()
    assert not result.changed
    assert _counts() == before
    # Also on a later day: the cycle's own dates decide, not today's.
    result = strategy_demo_load(today=timezone.localdate() + dt.timedelta(days=40))
    assert not result.created["progress updates"] and not result.created["actions"]


def test_demo_open_data_names_nobody(demo):
    names = demo_people_names()
    assert len(names) >= 60
    for public in (True, False):
        tables, _headers, _readme = read_zip(open_data_zip(public=public))
        cells = all_cells(tables)
        assert len(tables["actions.csv"]) == 28
        assert not [cell for cell in cells if "@" in cell]
        # Whole words: "Park" is a demo person's surname and also in "Parks and recreation".
        patterns = [re.compile(rf"\b{re.escape(name)}\b") for name in names]
        offending = {p.pattern for p in patterns for cell in cells if p.search(cell)}
        assert not offending


def test_demo_annual_report(demo):
    year = max(selectors.tracking_years(cycle=demo))
    text = pdf_text(reporting.annual_report_pdf(cycle=demo, year=year, language="en"))
    assert f"Annual progress report {year}" in text
    assert "Cut the wait for language assessment" in text
