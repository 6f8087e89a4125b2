"""The strategy as a document and its progress as a report: what the strategy pages, the public
accountability page and the PDFs (WeasyPrint) show, built once here so that they say the same.

Nothing here writes. Only public information goes into these contexts: published strategies,
their actions, indicators, milestones and quarterly status — no people, no drafts, no body internals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from newstart.strategy import selectors
from newstart.strategy.charts import Chart, bar_chart, line_chart
from newstart.strategy.models import Action, ActionStatus, Indicator, ProgressUpdate, Strategy, StrategyCycle


@dataclass
class ActionRow:
    """An action as a progress report shows it: its status and progress then (now, or at the end of a
    year), and a chart for each indicator."""

    action: Action
    status: str
    progress: int
    indicator_charts: list[tuple[Indicator, Chart]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(ActionStatus(self.status).label)

    @property
    def focus_area_label(self) -> str:
        return selectors.focus_area_label(self.action.focus_area)


def strategy_text(strategy: Strategy) -> tuple[str, str]:
    """The strategy's title and summary in the active language, else English, else any language."""
    title = strategy.safe_translation_getter("title", any_language=True) or ""
    summary = strategy.safe_translation_getter("summary", any_language=True) or ""
    return str(title), str(summary)


def indicator_chart(indicator: Indicator, *, until: dt.date | None = None) -> Chart:
    values = [v for v in indicator.values.all() if until is None or v.date <= until]
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return line_chart(
        chart_id=f"indicator-{indicator.pk}",
        title=_("%(indicator)s over time") % {"indicator": indicator.name},
        points=[(v.date, v.value) for v in values],
        date_header=_("Date"),
        value_header=_("Value") + unit,
        baseline=indicator.baseline,
        target=indicator.target,
        target_label=_("Target"),
        baseline_label=_("Baseline"),
    )


def summary_charts(actions: list[Action], rollup: selectors.Rollup, *, prefix: str) -> list[Chart]:
    """Actions by focus area, mean progress by focus area, and actions by status."""
    return [
        bar_chart(
            chart_id=f"{prefix}-actions-by-area",
            title=_("Priority actions by focus area"),
            items=[(area.label, area.count) for area in rollup.by_focus_area],
            label_header=_("Focus area"),
            value_header=_("Actions"),
        ),
        bar_chart(
            chart_id=f"{prefix}-progress-by-area",
            title=_("Mean progress by focus area"),
            items=[(area.label, area.mean) for area in rollup.by_focus_area],
            label_header=_("Focus area"),
            value_header=_("Mean progress"),
            maximum=100,
            value_suffix=" %",
        ),
        bar_chart(
            chart_id=f"{prefix}-actions-by-status",
            title=_("Priority actions by status"),
            items=[(row.label, row.count) for row in rollup.by_status],
            label_header=_("Status"),
            value_header=_("Actions"),
        ),
    ]


def progress_context(
    *, strategy: Strategy, year: int | None = None, prefix: str = "progress", with_charts: bool = True
) -> dict[str, Any]:
    """The strategy's actions with their status and progress (now, or at the end of ``year``), the
    roll-up, the summary charts and each indicator's chart."""
    actions = selectors.strategy_action_list(strategy=strategy)
    as_of = selectors.progress_as_of_year(actions=actions, year=year) if year is not None else None
    until = dt.date(year, 12, 31) if year is not None else None
    rows = []
    for action in actions:
        status, progress = (as_of or {}).get(action.pk, (action.status, action.progress))
        charts = [(i, indicator_chart(i, until=until)) for i in action.indicators.all()] if with_charts else []
        rows.append(ActionRow(action=action, status=status, progress=progress, indicator_charts=charts))
    rollup = selectors.tracking_rollup(actions=actions, as_of=as_of)
    title, summary = strategy_text(strategy)
    return {
        "strategy": strategy,
        "strategy_title": title,
        "strategy_summary": summary,
        "rows": rows,
        "rollup": rollup,
        "charts": summary_charts(actions, rollup, prefix=prefix),
    }


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template, context)
    # Only data: URLs are fetched: a document never reaches out to the network or the file system.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())


def _language_context() -> dict[str, Any]:
    return {"language": translation.get_language() or "en", "bidi": translation.get_language_bidi()}


def strategy_pdf(*, strategy: Strategy, language: str | None = None) -> bytes:
    """The published strategy as a PDF, in ``language`` (default: the active one)."""
    with translation.override(language or translation.get_language() or "en"):
        context = {
            **progress_context(strategy=strategy, prefix="strategy"),
            **_language_context(),
            "generated_on": timezone.localdate(),
        }
        return _pdf("strategy/pdf/strategy.html", context)


def annual_report_context(*, cycle: StrategyCycle, year: int) -> dict[str, Any]:
    strategy = selectors.strategy_latest(cycle=cycle)
    if strategy is None:
        raise ValueError(_("The cycle “%(cycle)s” has no published strategy to report on.") % {"cycle": cycle.name})
    context = progress_context(strategy=strategy, year=year, prefix=f"report-{year}")
    actions = [row.action for row in context["rows"]]
    updates: dict[int, list[ProgressUpdate]] = {}
    for update in selectors.progress_update_list(actions=actions, year=year):
        updates.setdefault(update.action_id, []).append(update)
    milestones_done = [
        (row.action, milestone)
        for row in context["rows"]
        for milestone in row.action.milestones.all()
        if milestone.completed_on is not None and milestone.completed_on.year == year
    ]
    return {
        **context,
        "cycle": cycle,
        "year": year,
        "updates": [(row, updates.get(row.action.pk, [])) for row in context["rows"]],
        "milestones_done": milestones_done,
    }


def annual_report_pdf(*, cycle: StrategyCycle, year: int, language: str | None = None) -> bytes:
    """The annual progress report of the cycle's published strategy for ``year``, as a PDF: the
    roll-up at the end of the year, each action's quarterly updates, milestones reached and
    indicators. Raises ValueError when the cycle has no published strategy."""
    with translation.override(language or translation.get_language() or "en"):
        context = {
            **annual_report_context(cycle=cycle, year=year),
            **_language_context(),
            "generated_on": timezone.localdate(),
        }
        return _pdf("strategy/pdf/annual_report.html", context)
