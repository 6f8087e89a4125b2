"""Implementation tracking: the roll-up arithmetic, quarterly updates by the lead organization only,
indicator values and milestones, and the annual progress report (service, download, command)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from newstart.strategy import reporting, selectors, services
from newstart.strategy.charts import bar_chart, line_chart
from newstart.strategy.models import Action, ActionStatus, IndicatorValue, Milestone, ProgressUpdate
from tests.strategy.factories import ActionFactory, set_phases
from tests.strategy.test_publication_support import LAST_YEAR, focus_area, make_tracked, pdf_text


@pytest.fixture
def tracked(world):
    return make_tracked(world)


def _url(name, setup, *args):
    return reverse(f"strategy:{name}", args=[setup.world.cycle.slug, *args])


def _update(action, user, *, year=LAST_YEAR, quarter=2, status=ActionStatus.ON_TRACK, progress=50):
    return services.progress_update_submit(
        action=action, user=user, year=year, quarter=quarter, status=status, progress=progress, narrative="Done."
    )


def test_rollup_is_the_mean_of_the_actions_overall_and_by_focus_area(world):
    access = focus_area("access", "Access", 1)
    work = focus_area("work", "Work", 2)
    actions = [
        ActionFactory(cycle=world.cycle, focus_area=access, progress=10, status=ActionStatus.ON_TRACK),
        ActionFactory(cycle=world.cycle, focus_area=access, progress=20, status=ActionStatus.AT_RISK),
        ActionFactory(cycle=world.cycle, focus_area=access, progress=40, status=ActionStatus.ON_TRACK),
        ActionFactory(cycle=world.cycle, focus_area=work, progress=100, status=ActionStatus.COMPLETED),
        ActionFactory(cycle=world.cycle, focus_area=None, progress=0),
    ]
    rollup = selectors.tracking_rollup(actions=actions)
    assert rollup.count == 5
    assert rollup.overall == Decimal("34.0")  # (10 + 20 + 40 + 100 + 0) / 5
    assert [(a.label, a.count, a.mean) for a in rollup.by_focus_area] == [
        ("Access", 3, Decimal("23.3")),  # 70 / 3 = 23.33…
        ("Work", 1, Decimal("100.0")),
        ("No focus area", 1, Decimal("0.0")),
    ]
    counts = {row.status: row.count for row in rollup.by_status}
    assert counts == {
        "not_started": 1,
        "on_track": 2,
        "at_risk": 1,
        "delayed": 0,
        "completed": 1,
        "discontinued": 0,
    }
    # Values at another time replace the current ones.
    as_of = {a.pk: (ActionStatus.NOT_STARTED, 0) for a in actions}
    assert selectors.tracking_rollup(actions=actions, as_of=as_of).overall == Decimal("0.0")
    assert selectors.tracking_rollup(actions=[]).overall is None


def test_rounding_is_half_up_to_one_place(world):
    actions = [ActionFactory(cycle=world.cycle, progress=p) for p in (0, 0, 0, 0, 0, 0, 1, 0)]  # 1/8 = 0.125
    assert selectors.tracking_rollup(actions=actions).overall == Decimal("0.1")
    actions = [ActionFactory(cycle=world.cycle, progress=p) for p in (1, 0, 0, 0)]  # 0.25
    assert selectors.tracking_rollup(actions=actions).overall == Decimal("0.3")


def test_the_latest_quarter_sets_the_action_status_and_progress(tracked):
    action = tracked.actions[0]
    _update(action, tracked.lead_member, year=LAST_YEAR, quarter=3, status=ActionStatus.AT_RISK, progress=35)
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.AT_RISK, 35)
    # An earlier quarter, reported late, does not override the latest one.
    _update(action, tracked.lead_member, year=LAST_YEAR, quarter=1, status=ActionStatus.ON_TRACK, progress=15)
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.AT_RISK, 35)
    # The same quarter again replaces its update.
    _update(action, tracked.lead_member, year=LAST_YEAR, quarter=3, status=ActionStatus.ON_TRACK, progress=40)
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.ON_TRACK, 40)
    assert ProgressUpdate.objects.filter(action=action).count() == 2


def test_progress_updates_are_checked(tracked):
    action = tracked.actions[0]
    today = timezone.localdate()
    with pytest.raises(ValidationError) as future:
        _update(action, tracked.lead_member, year=today.year + 1, quarter=1)
    assert "quarter" in future.value.message_dict
    with pytest.raises(ValidationError) as bad:
        services.progress_update_submit(
            action=action, user=None, year=LAST_YEAR, quarter=2, status="nope", progress=101, narrative=" "
        )
    assert {"status", "progress", "narrative"} <= set(bad.value.message_dict)
    set_phases(tracked.world.cycle, "strategy")
    with pytest.raises(ValidationError) as closed:
        _update(action, tracked.lead_member)
    assert closed.value.code == "phase_closed"
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("lead_member", 302),  # works for the lead organization
        ("partner_member", 403),  # works for a partner organization
        ("outsider", 403),
        ("member", 403),
        ("secretariat", 403),  # the lead organization reports, not the staff
        ("stranger", 403),
        ("anonymous", 302),  # to the login page
    ],
)
def test_only_the_lead_organization_reports_progress(tracked, who, expected):
    from tests.partnership.conftest import logged_in

    world = tracked.world
    client = logged_in(getattr(tracked, who)) if who in ("lead_member", "partner_member") else world.client(who)
    url = _url("progress_update", tracked, 1)
    data = {"year": LAST_YEAR, "quarter": 2, "status": "on_track", "progress": 45, "narrative": "Opened the centre."}
    response = client.post(url, data)
    assert response.status_code == expected
    saved = ProgressUpdate.objects.filter(action=tracked.actions[0]).exists()
    assert saved is (who == "lead_member")
    if who == "lead_member":
        assert response["Location"] == _url("action", tracked, 1)
        assert Action.objects.get(pk=tracked.actions[0].pk).progress == 45
        # The lead organization leads action 1 only.
        assert client.post(_url("progress_update", tracked, 2), data).status_code == 403
    if who == "anonymous":
        assert "login" in response["Location"]


def test_progress_form_errors_are_shown(tracked):
    from tests.partnership.conftest import logged_in

    client = logged_in(tracked.lead_member)
    response = client.post(_url("progress_update", tracked, 1), {"year": LAST_YEAR, "quarter": 2, "progress": 300})
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


def test_indicator_values_and_milestones_by_lead_organization_and_staff(tracked):
    from tests.partnership.conftest import logged_in

    world = tracked.world
    indicator = tracked.actions[0].indicators.get()
    lead = logged_in(tracked.lead_member)
    data = {"indicator": indicator.pk, "date": f"{LAST_YEAR}-09-30", "value": "6.00"}
    assert lead.post(_url("indicator_value_add", tracked, 1), data).status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator, date=dt.date(LAST_YEAR, 9, 30)).value == Decimal("6.00")
    assert world.client("member").post(_url("indicator_value_add", tracked, 1), data).status_code == 403
    future = {**data, "date": (timezone.localdate() + dt.timedelta(days=2)).isoformat()}
    lead.post(_url("indicator_value_add", tracked, 1), future)
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 3

    added = world.client("secretariat").post(_url("milestone_add", tracked, 1), {"title": "Lease signed"})
    assert added.status_code == 302
    milestone = Milestone.objects.get(action=tracked.actions[0])
    complete = _url("milestone_complete", tracked, 1, milestone.pk)
    assert logged_in(tracked.partner_member).post(complete).status_code == 403
    assert lead.post(_url("milestone_complete", tracked, 1, milestone.pk)).status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == timezone.localdate()

    page = lead.get(_url("action", tracked, 1))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "Weeks of wait over time" in html
    assert "7.25" in html and "Lease signed" in html
    assert world.client("outsider").get(_url("action", tracked, 1)).status_code == 200
    assert world.client("outsider").get(_url("action", tracked, 99)).status_code == 404


def test_tracking_page_shows_the_rollup(tracked):
    page = tracked.world.client("member").get(_url("tracking", tracked))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Overall progress: 23.3 %" in html  # (10 + 20 + 40) / 3
    assert "Second language assessment centre" in html


@translation.override("en")  # numbers are formatted for the active language
def test_charts_escape_text_and_carry_their_data():
    chart = bar_chart(
        chart_id="c", title="<b>T</b>", items=[("A & B", 3), ("C", 1.5)], label_header="L", value_header="V"
    )
    assert "<b>" not in chart.svg and "&lt;b&gt;" in chart.svg and "A &amp; B" in chart.svg
    assert chart.rows == [("A & B", "3"), ("C", "1.5")]
    empty = line_chart(chart_id="e", title="Empty", points=[], date_header="D", value_header="V")
    assert empty.rows == [] and "<svg" in empty.svg
    line = line_chart(
        chart_id="l",
        title="Line",
        points=[(dt.date(2025, 6, 30), Decimal("2.5")), (dt.date(2025, 3, 31), 1)],
        date_header="D",
        value_header="V",
        target=5,
    )
    assert [row[1] for row in line.rows] == ["1", "2.5"]  # in date order
    assert line.svg.count("<circle") == 2 and "stroke-dasharray" in line.svg


def test_annual_report_uses_the_latest_update_up_to_the_year(tracked):
    first, second, _third = tracked.actions
    set_phases(tracked.world.cycle, "tracking")
    for action, year, quarter, status, progress in (
        (first, LAST_YEAR - 1, 4, "on_track", 20),
        (first, LAST_YEAR, 2, "at_risk", 30),
        (second, LAST_YEAR, 1, "delayed", 5),
    ):
        ProgressUpdate.objects.create(
            action=action, year=year, quarter=quarter, status=status, progress=progress, narrative="Reported."
        )
    actions = selectors.strategy_action_list(strategy=tracked.strategy)
    as_before = selectors.progress_as_of_year(actions=actions, year=LAST_YEAR - 1)
    assert as_before[first.pk] == ("on_track", 20)
    assert as_before[second.pk] == ("not_started", 0)
    context = reporting.annual_report_context(cycle=tracked.world.cycle, year=LAST_YEAR - 1)
    assert context["rollup"].overall == Decimal("6.7")  # (20 + 0 + 0) / 3
    assert context["rollup"].count == 3

    content = reporting.annual_report_pdf(cycle=tracked.world.cycle, year=LAST_YEAR, language="en")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert f"Annual progress report {LAST_YEAR}" in text
    assert f"{LAST_YEAR} Q2" in text and "Second language assessment centre" in text


def test_annual_report_download_and_command(tracked, tmp_path):
    world = tracked.world
    year = timezone.localdate().year
    response = world.client("member").get(_url("annual_report", tracked, year))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert world.client("member").get(_url("annual_report", tracked, 1990)).status_code == 404
    assert world.client("stranger").get(_url("annual_report", tracked, year)).status_code == 403

    out = tmp_path / "report.pdf"
    call_command("annual_report", "--cycle", world.cycle.slug, "--year", str(year), str(out))
    assert out.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="--cycle"):
        call_command("annual_report", "--cycle", "nope", "--year", str(year), str(out))
    with pytest.raises(CommandError, match="--year"):
        call_command("annual_report", "--cycle", world.cycle.slug, "--year", "1990", str(out))


def test_annual_report_needs_a_published_strategy(world):
    with pytest.raises(ValueError, match="no published strategy"):
        reporting.annual_report_pdf(cycle=world.cycle, year=LAST_YEAR)


def test_pages_take_a_fixed_number_of_queries_whatever_the_number_of_actions(tracked):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.strategy.factories import IndicatorFactory

    world = tracked.world
    member = world.client("member")
    pages = [
        (member, _url("tracking", tracked)),
        (member, _url("strategy", tracked)),
        (Client(), "/en/accountability/"),
    ]

    def count() -> list[int]:
        sizes = []
        for client, url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            sizes.append(len(queries))
        return sizes

    before = count()
    for number in range(4, 14):
        action = ActionFactory(
            cycle=world.cycle, number=number, focus_area=tracked.work, lead_organization=tracked.lead
        )
        action.partner_organizations.set([tracked.partner])
        indicator = IndicatorFactory(proposal=None, action=action)
        IndicatorValue.objects.create(indicator=indicator, date=dt.date(LAST_YEAR, 3, 31), value=1)
        Milestone.objects.create(action=action, title="Start")
    set_phases(world.cycle, "strategy")
    services.strategy_publish(cycle=world.cycle, user=world.secretariat, title="Bigger", summary="")
    set_phases(world.cycle, "tracking")
    after = count()
    assert after == before, (before, after)
    assert max(after) <= 40
