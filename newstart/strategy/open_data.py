"""The strategy cycle as open data: one CSV per entity and a README.md describing every column, the
licence (settings.OPEN_DATA_LICENCE) and the generation date, in one zip.

Three scopes, one set of tables:

- ``public``: what the public accountability page may show — public bodies' activities, gaps,
  submitted proposals and meetings; decisions on those proposals; the actions of published
  strategies with their milestones, indicators, indicator values and quarterly status.
- ``partnership``: for the secretariat — every body's records (never drafts), every action, every
  meeting.
- a body (``body_export_zip``): one body's records in one cycle, drafts included, for its members.

No personal data in any scope: no person is named or identified (authors, recorders, members,
attendance, comments and free-text narratives are left out), no email address, no meeting link.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newstart.partnership.models import Body, Meeting, Visibility
from newstart.strategy.licences import OPEN_DATA_LICENCES
from newstart.strategy.models import (
    Action,
    Activity,
    Gap,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Proposal,
    ProposalDecision,
    ProposalStatus,
    StrategyCycle,
)

PUBLIC = "public"
PARTNERSHIP = "partnership"
BODY = "body"
# Proposals the public sees: submitted, in prioritisation or decided (as selectors.proposal_public_list).
PUBLIC_PROPOSAL_STATUSES = (ProposalStatus.SUBMITTED, ProposalStatus.IN_PRIORITISATION, ProposalStatus.DECIDED)


@dataclass(frozen=True)
class Scope:
    kind: str
    body: Body | None = None
    cycle: StrategyCycle | None = None


@dataclass(frozen=True)
class Column:
    name: str
    description: Any  # a lazy translation
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    name: str
    description: Any
    columns: tuple[Column, ...]
    rows: Callable[[Scope], Iterable[Any]]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, (dt.date, Decimal, int)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value)


def _names(items: Iterable[Any]) -> str:
    return "; ".join(sorted(str(item) for item in items))


def _codes(items: Iterable[Any]) -> str:
    return "; ".join(sorted(item.code for item in items))


def _area(obj: Any) -> str:
    return obj.focus_area.code if obj.focus_area_id else ""


# --- What each scope contains ---
def _in_cycle(queryset: QuerySet[Any], scope: Scope, path: str = "cycle") -> QuerySet[Any]:
    return queryset.filter(**{path: scope.cycle}) if scope.cycle is not None else queryset


def _activities(scope: Scope) -> QuerySet[Activity]:
    rows = _in_cycle(Activity.objects.all(), scope)
    if scope.kind == PUBLIC:
        rows = rows.filter(body__visibility=Visibility.PUBLIC)
    elif scope.kind == BODY:
        rows = rows.filter(body=scope.body)
    return (
        rows.select_related("cycle", "body", "focus_area")
        .prefetch_related("organizations", "characteristics", "services")
        .order_by("cycle__slug", "id")
    )


def _gaps(scope: Scope) -> QuerySet[Gap]:
    rows = _in_cycle(Gap.objects.all(), scope)
    if scope.kind == PUBLIC:
        rows = rows.filter(body__visibility=Visibility.PUBLIC)
    elif scope.kind == BODY:
        rows = rows.filter(body=scope.body)
    return (
        rows.select_related("cycle", "body", "focus_area")
        .prefetch_related("characteristics", "evidence")
        .annotate(evidence_total=Count("evidence", distinct=True))
        .order_by("cycle__slug", "id")
    )


def _proposals(scope: Scope) -> QuerySet[Proposal]:
    rows = _in_cycle(Proposal.objects.all(), scope)
    if scope.kind == PUBLIC:
        rows = rows.filter(body__visibility=Visibility.PUBLIC, status__in=PUBLIC_PROPOSAL_STATUSES)
    elif scope.kind == BODY:
        rows = rows.filter(body=scope.body)
    else:
        rows = rows.exclude(status=ProposalStatus.DRAFT)
    return (
        rows.select_related("cycle", "body", "focus_area", "lead_organization", "decision", "priority_action")
        .prefetch_related("partner_organizations", "characteristics", "gaps")
        .order_by("cycle__slug", "id")
    )


def _decisions(scope: Scope) -> QuerySet[ProposalDecision]:
    proposals = _proposals(scope).values("pk")
    return (
        ProposalDecision.objects.filter(proposal__in=proposals)
        .select_related("proposal__cycle", "decided_by")
        .order_by("proposal__cycle__slug", "proposal_id")
    )


def _action_q(scope: Scope, prefix: str = "") -> Q:
    if scope.kind == PUBLIC:
        return Q(**{f"{prefix}strategies__published_at__isnull": False})
    if scope.kind == BODY:
        return Q(**{f"{prefix}proposal__body": scope.body})
    return Q()


def _actions(scope: Scope) -> QuerySet[Action]:
    rows = _in_cycle(Action.objects.filter(_action_q(scope)).distinct(), scope)
    return (
        rows.select_related("cycle", "focus_area", "lead_organization", "proposal")
        .prefetch_related("partner_organizations", "strategies")
        .order_by("cycle__slug", "number")
    )


def _action_ids(scope: Scope) -> list[int]:
    return list(_actions(scope).values_list("pk", flat=True))


def _milestones(scope: Scope) -> QuerySet[Milestone]:
    return (
        Milestone.objects.filter(action_id__in=_action_ids(scope))
        .select_related("action__cycle")
        .order_by("action__cycle__slug", "action__number", "position", "id")
    )


def _progress_updates(scope: Scope) -> QuerySet[ProgressUpdate]:
    return (
        ProgressUpdate.objects.filter(action_id__in=_action_ids(scope))
        .select_related("action__cycle")
        .order_by("action__cycle__slug", "action__number", "year", "quarter")
    )


def _indicators(scope: Scope) -> QuerySet[Indicator]:
    proposals = list(_proposals(scope).values_list("pk", flat=True))
    return (
        Indicator.objects.filter(Q(action_id__in=_action_ids(scope)) | Q(proposal_id__in=proposals))
        .select_related("action__cycle", "proposal__cycle")
        .order_by("id")
    )


def _indicator_values(scope: Scope) -> QuerySet[IndicatorValue]:
    return (
        IndicatorValue.objects.filter(indicator__action_id__in=_action_ids(scope))
        .select_related("indicator__action")
        .order_by("indicator_id", "date")
    )


def _meetings(scope: Scope) -> QuerySet[Meeting]:
    rows = Meeting.objects.all()
    if scope.kind == PUBLIC:
        rows = rows.filter(body__visibility=Visibility.PUBLIC)
    elif scope.kind == BODY:
        rows = rows.filter(body=scope.body)
    return rows.select_related("body").order_by("starts_at", "id")


def _indicator_cycle(indicator: Indicator) -> str:
    owner = indicator.action or indicator.proposal
    return owner.cycle.slug if owner is not None else ""


def _published_versions(action: Action) -> str:
    return "; ".join(str(s.version) for s in sorted(action.strategies.all(), key=lambda s: s.version) if s.published_at)


def _action_number_of(proposal: Proposal) -> Any:
    action = getattr(proposal, "priority_action", None)
    return action.number if action is not None else None


def _outcome(proposal: Proposal) -> str:
    decision = getattr(proposal, "decision", None)
    return decision.outcome if decision is not None else ""


C = Column
CYCLE = C("cycle", gettext_lazy("Short name of the strategy cycle."), lambda r: r.cycle.slug)
BODY_NAME = C("body", gettext_lazy("The partnership body that recorded it."), lambda r: r.body.name)
FOCUS = C("focus_area", gettext_lazy("Code of the partnership's focus area."), _area)
CHARACTERISTICS = C(
    "characteristics",
    gettext_lazy("Codes of the characteristics of a welcoming community, separated by semicolons."),
    lambda r: _codes(r.characteristics.all()),
)
DEMO = C("is_demo", gettext_lazy("true for the fictional demo data."), lambda r: r.is_demo)

TABLES: tuple[Table, ...] = (
    Table(
        "activities",
        gettext_lazy("Existing activities and programmes inventoried by the strategy groups."),
        (
            C("id", gettext_lazy("Identifier of the activity."), lambda r: r.pk),
            CYCLE,
            BODY_NAME,
            C("title", gettext_lazy("Title of the activity."), lambda r: r.title),
            C("description", gettext_lazy("Description of the activity."), lambda r: r.description),
            C(
                "organizations",
                gettext_lazy("Organizations that deliver it, separated by semicolons."),
                lambda r: _names(r.organizations.all()),
            ),
            FOCUS,
            CHARACTERISTICS,
            C("population_served", gettext_lazy("Who the activity serves."), lambda r: r.population_served),
            C("funding", gettext_lazy("Who funds it, and how much if known."), lambda r: r.funding),
            C("reach_count", gettext_lazy("How many it reaches (a number)."), lambda r: r.reach_count),
            C(
                "reach_unit",
                gettext_lazy("What reach_count counts, e.g. participants per year."),
                lambda r: r.reach_unit,
            ),
            C(
                "directory_service_ids",
                gettext_lazy("HSDS ids of the service directory's listings of the activity, separated by semicolons."),
                lambda r: "; ".join(sorted(str(s.pk) for s in r.services.all())),
            ),
            DEMO,
        ),
        _activities,
    ),
    Table(
        "gaps",
        gettext_lazy("The needs and gaps register."),
        (
            C("id", gettext_lazy("Identifier of the gap."), lambda r: r.pk),
            CYCLE,
            BODY_NAME,
            C("title", gettext_lazy("Title of the gap."), lambda r: r.title),
            C("description", gettext_lazy("Description of the gap."), lambda r: r.description),
            C("populations_affected", gettext_lazy("Populations affected."), lambda r: r.populations_affected),
            C("severity", gettext_lazy("Severity from 1 (minor) to 5 (critical)."), lambda r: r.severity),
            C("status", gettext_lazy("open, addressed, monitoring or closed."), lambda r: r.status),
            FOCUS,
            CHARACTERISTICS,
            C(
                "evidence_count",
                gettext_lazy("How many pieces of evidence support the gap."),
                lambda r: r.evidence_total,
            ),
            C(
                "evidence_kinds",
                gettext_lazy(
                    "Kinds of evidence (data, consultation, inventory, lived_experience), separated by semicolons."
                ),
                lambda r: "; ".join(sorted({e.kind for e in r.evidence.all()})),
            ),
            C("recorded_on", gettext_lazy("Date the gap was recorded."), lambda r: timezone.localdate(r.created_at)),
            DEMO,
        ),
        _gaps,
    ),
    Table(
        "proposals",
        gettext_lazy("Proposals for priority actions (the public data holds submitted proposals of public bodies)."),
        (
            C("id", gettext_lazy("Identifier of the proposal."), lambda r: r.pk),
            CYCLE,
            BODY_NAME,
            C("title", gettext_lazy("Title of the proposal."), lambda r: r.title),
            C("problem", gettext_lazy("The need or gap the action answers."), lambda r: r.problem),
            C("action", gettext_lazy("What will be done, by whom, for whom."), lambda r: r.action),
            C(
                "lead_organization",
                gettext_lazy("The organization proposed to lead the action."),
                lambda r: r.lead_organization.name if r.lead_organization_id else "",
            ),
            C(
                "partner_organizations",
                gettext_lazy("Partner organizations, separated by semicolons."),
                lambda r: _names(r.partner_organizations.all()),
            ),
            C("resources", gettext_lazy("Resources needed."), lambda r: r.resources),
            C("timeline", gettext_lazy("Timeline."), lambda r: r.timeline),
            FOCUS,
            CHARACTERISTICS,
            C(
                "gap_ids",
                gettext_lazy("Identifiers of the gaps addressed (gaps.csv), separated by semicolons."),
                lambda r: "; ".join(str(g.pk) for g in sorted(r.gaps.all(), key=lambda g: g.pk)),
            ),
            C(
                "status",
                gettext_lazy("draft, submitted, in_prioritisation, decided or withdrawn."),
                lambda r: r.status,
            ),
            C(
                "submitted_on",
                gettext_lazy("Date submitted."),
                lambda r: timezone.localdate(r.submitted_at) if r.submitted_at else None,
            ),
            C("decision", gettext_lazy("The decision's outcome, if decided (see decisions.csv)."), _outcome),
            C(
                "action_number",
                gettext_lazy("The number of the priority action it became, if accepted (actions.csv)."),
                _action_number_of,
            ),
            DEMO,
        ),
        _proposals,
    ),
    Table(
        "decisions",
        gettext_lazy("The governance body's decisions on proposals."),
        (
            C("proposal_id", gettext_lazy("The proposal decided on (proposals.csv)."), lambda r: r.proposal_id),
            C("cycle", gettext_lazy("Short name of the strategy cycle."), lambda r: r.proposal.cycle.slug),
            C("proposal_title", gettext_lazy("Title of the proposal."), lambda r: r.proposal.title),
            C(
                "outcome",
                gettext_lazy("accepted, accepted_with_changes, deferred or rejected."),
                lambda r: r.outcome,
            ),
            C("reasons", gettext_lazy("The reasons given."), lambda r: r.reasons),
            C("changes", gettext_lazy("Changes required, for an acceptance with changes."), lambda r: r.changes),
            C("decided_on", gettext_lazy("Date of the decision."), lambda r: r.decided_at),
            C("decided_by", gettext_lazy("The deciding body."), lambda r: r.decided_by.name),
        ),
        _decisions,
    ),
    Table(
        "actions",
        gettext_lazy("Priority actions: accepted proposals, numbered within their cycle, with their current state."),
        (
            CYCLE,
            C("number", gettext_lazy("Number of the action within its cycle."), lambda r: r.number),
            C("title", gettext_lazy("Title of the action."), lambda r: r.title),
            C("description", gettext_lazy("What will be done."), lambda r: r.description),
            C(
                "lead_organization",
                gettext_lazy("The organization that leads the action and reports on it."),
                lambda r: r.lead_organization.name if r.lead_organization_id else "",
            ),
            C(
                "partner_organizations",
                gettext_lazy("Partner organizations, separated by semicolons."),
                lambda r: _names(r.partner_organizations.all()),
            ),
            FOCUS,
            C(
                "status",
                gettext_lazy("not_started, on_track, at_risk, delayed, completed or discontinued."),
                lambda r: r.status,
            ),
            C("progress_percent", gettext_lazy("Progress from 0 to 100, as last reported."), lambda r: r.progress),
            C("proposal_id", gettext_lazy("The accepted proposal (proposals.csv)."), lambda r: r.proposal_id),
            C(
                "strategy_versions",
                gettext_lazy("Published strategy versions that contain the action, separated by semicolons."),
                _published_versions,
            ),
            DEMO,
        ),
        _actions,
    ),
    Table(
        "milestones",
        gettext_lazy("Milestones of the priority actions."),
        (
            C("cycle", gettext_lazy("Short name of the strategy cycle."), lambda r: r.action.cycle.slug),
            C("action_number", gettext_lazy("Number of the action (actions.csv)."), lambda r: r.action.number),
            C("title", gettext_lazy("The milestone."), lambda r: r.title),
            C("due_on", gettext_lazy("Date due."), lambda r: r.due_on),
            C("completed_on", gettext_lazy("Date completed; empty while open."), lambda r: r.completed_on),
        ),
        _milestones,
    ),
    Table(
        "progress_updates",
        gettext_lazy("Quarterly status of each priority action, as reported by its lead organization."),
        (
            C("cycle", gettext_lazy("Short name of the strategy cycle."), lambda r: r.action.cycle.slug),
            C("action_number", gettext_lazy("Number of the action (actions.csv)."), lambda r: r.action.number),
            C("year", gettext_lazy("Year of the quarter."), lambda r: r.year),
            C("quarter", gettext_lazy("Quarter, 1 to 4."), lambda r: r.quarter),
            C("status", gettext_lazy("Status reported (as in actions.csv)."), lambda r: r.status),
            C("progress_percent", gettext_lazy("Progress reported, 0 to 100."), lambda r: r.progress),
        ),
        _progress_updates,
    ),
    Table(
        "indicators",
        gettext_lazy("How success is measured: indicators of proposals and of the actions they became."),
        (
            C("id", gettext_lazy("Identifier of the indicator."), lambda r: r.pk),
            C("cycle", gettext_lazy("Short name of the strategy cycle."), _indicator_cycle),
            C("proposal_id", gettext_lazy("The proposal it was written for (proposals.csv)."), lambda r: r.proposal_id),
            C(
                "action_number",
                gettext_lazy("The action it measures (actions.csv), once accepted."),
                lambda r: r.action.number if r.action_id else None,
            ),
            C("name", gettext_lazy("What is measured."), lambda r: r.name),
            C("baseline", gettext_lazy("Value at the start."), lambda r: r.baseline),
            C("target", gettext_lazy("Value aimed for."), lambda r: r.target),
            C("unit", gettext_lazy("Unit of the values, e.g. people, %, days."), lambda r: r.unit),
            C("source", gettext_lazy("Where the values come from."), lambda r: r.source),
        ),
        _indicators,
    ),
    Table(
        "indicator_values",
        gettext_lazy("Measured values of the actions' indicators over time."),
        (
            C("indicator_id", gettext_lazy("The indicator (indicators.csv)."), lambda r: r.indicator_id),
            C("indicator_name", gettext_lazy("What is measured."), lambda r: r.indicator.name),
            C(
                "action_number",
                gettext_lazy("The action the indicator measures (actions.csv)."),
                lambda r: r.indicator.action.number if r.indicator.action_id else None,
            ),
            C("date", gettext_lazy("Date measured."), lambda r: r.date),
            C("value", gettext_lazy("The measured value, in the indicator's unit."), lambda r: r.value),
        ),
        _indicator_values,
    ),
    Table(
        "meetings",
        gettext_lazy("Meetings of the partnership's bodies (the public data holds public bodies' meetings only)."),
        (
            C("id", gettext_lazy("Identifier of the meeting (its calendar id)."), lambda r: r.uid),
            C("body", gettext_lazy("The body that meets."), lambda r: r.body.name),
            C("title", gettext_lazy("Title of the meeting."), lambda r: r.title),
            C("starts_at", gettext_lazy("Start, with the time-zone offset."), lambda r: r.starts_at),
            C("ends_at", gettext_lazy("End, with the time-zone offset."), lambda r: r.ends_at),
            C("status", gettext_lazy("planned, confirmed, held or cancelled."), lambda r: r.status),
            C("place", gettext_lazy("Where it is held, if in person."), lambda r: r.place),
        ),
        _meetings,
    ),
)


def table_csv(table: Table, scope: Scope) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.name for column in table.columns])
    for row in table.rows(scope):
        writer.writerow([_cell(column.value(row)) for column in table.columns])
    return out.getvalue()


def _scope_text(scope: Scope) -> str:
    if scope.kind == PUBLIC:
        return _(
            "Public data: the records of public bodies, submitted proposals and their decisions, and the "
            "actions of published strategies with their tracking."
        )
    if scope.kind == BODY and scope.body is not None:
        cycle = scope.cycle.name if scope.cycle is not None else ""
        return _("The records of %(body)s in the cycle “%(cycle)s”, for its members.") % {
            "body": scope.body.name,
            "cycle": cycle,
        }
    return _("The partnership's records, of every body (drafts excluded), for the secretariat.")


def readme(scope: Scope, *, generated_at: dt.datetime) -> str:
    licence = OPEN_DATA_LICENCES[settings.OPEN_DATA_LICENCE]
    lines = [
        "# " + _("Settlement strategy: open data"),
        "",
        _scope_text(scope),
        "",
        "- " + _("Generated: %(when)s") % {"when": timezone.localtime(generated_at).isoformat(timespec="seconds")},
        "- "
        + _("Licence: %(name)s (%(spdx)s), %(url)s") % {"name": licence.name, "spdx": licence.spdx, "url": licence.url},
        "- "
        + _(
            "Format: one CSV file per entity, UTF-8, comma-separated, first row the column names; dates as "
            "YYYY-MM-DD; an empty cell means no value; lists inside a cell are separated by semicolons."
        ),
        "- "
        + _(
            "No personal data: no person is named or identified and there are no email addresses; authors, "
            "members, attendance, comments and narratives are left out."
        ),
        "",
    ]
    for table in TABLES:
        lines += [
            f"## {table.filename}",
            "",
            str(table.description),
            "",
            "| " + _("column") + " | " + _("description") + " |",
            "|---|---|",
        ]
        lines += [f"| `{column.name}` | {column.description} |" for column in table.columns]
        lines.append("")
    return "\n".join(lines)


def _zip(scope: Scope, *, generated_at: dt.datetime | None = None) -> bytes:
    when = generated_at or timezone.now()
    stamp = timezone.localtime(when).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("README.md", date_time=stamp), readme(scope, generated_at=when))
        for table in TABLES:
            info = zipfile.ZipInfo(table.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, table_csv(table, scope))
    return buffer.getvalue()


def open_data_zip(*, public: bool = True, generated_at: dt.datetime | None = None) -> bytes:
    """Every cycle's open data as a zip: the public scope, or (``public=False``) every body's records
    for the secretariat."""
    return _zip(Scope(PUBLIC if public else PARTNERSHIP), generated_at=generated_at)


def body_export_zip(*, body: Body, cycle: StrategyCycle, generated_at: dt.datetime | None = None) -> bytes:
    """One body's records in one cycle (its drafts included) and its meetings, for its members."""
    return _zip(Scope(BODY, body=body, cycle=cycle), generated_at=generated_at)
