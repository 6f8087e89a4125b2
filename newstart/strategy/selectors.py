"""Reads for the strategy cycle. Every list is filtered to what the person may see, mirroring
newstart.strategy.rules (the rules decide one object; these querysets decide many at once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from newstart.partnership.models import Body, BodyKind, Visibility
from newstart.partnership.rules import is_partnership_staff
from newstart.strategy.models import (
    Action,
    ActionStatus,
    Activity,
    AdvisoryInput,
    Amendment,
    AmendmentStatus,
    Ballot,
    Comment,
    Criterion,
    EquityAnswer,
    EquityQuestion,
    Evidence,
    Gap,
    Indicator,
    Milestone,
    Phase,
    PhaseKind,
    ProgressUpdate,
    Proposal,
    ProposalDecision,
    ProposalStatus,
    Score,
    Strategy,
    StrategyAction,
    StrategyCycle,
    Vote,
    VoteBudget,
)
from newstart.strategy.rules import (
    CONTRIBUTING_ROLES,
    is_advisory_member,
    is_decider_member,
    is_prioritiser,
    member_body_ids,
    strategy_seats,
)

# Proposals that take part in prioritisation and appear in the results.
RANKED_STATUSES: tuple[str, ...] = (ProposalStatus.SUBMITTED, ProposalStatus.IN_PRIORITISATION, ProposalStatus.DECIDED)
OPEN_FOR_INPUT: tuple[str, ...] = (ProposalStatus.SUBMITTED, ProposalStatus.IN_PRIORITISATION)


# --- Cycles and phases ---
def cycle_list() -> QuerySet[StrategyCycle]:
    return StrategyCycle.objects.prefetch_related("phases").order_by("-starts_on", "id")


def cycle_get(*, slug: str) -> StrategyCycle | None:
    return StrategyCycle.objects.prefetch_related("phases").filter(slug=slug).first()


def cycle_current(*, day: dt.date | None = None) -> StrategyCycle | None:
    """The cycle running today (the most recently started), else the latest one."""
    today = day or timezone.localdate()
    running = cycle_list().filter(starts_on__lte=today, ends_on__gte=today).first()
    return running or cycle_list().first()


def cycle_phases(*, cycle: StrategyCycle) -> list[Phase]:
    """The cycle's phases in date order (uses prefetched phases when present)."""
    return sorted(cycle.phases.all(), key=lambda phase: (phase.starts_on, phase.pk))


def cycle_open_phases(*, cycle: StrategyCycle, day: dt.date | None = None) -> list[Phase]:
    today = day or timezone.localdate()
    return [phase for phase in cycle_phases(cycle=cycle) if phase.is_open(today)]


def cycle_allows(*, cycle: StrategyCycle, action: str, day: dt.date | None = None) -> bool:
    """Whether a phase open on ``day`` (today) allows the action."""
    return any(phase.allows(action) for phase in cycle_open_phases(cycle=cycle, day=day))


def phase_for(*, cycle: StrategyCycle, kind: str) -> Phase | None:
    return next((phase for phase in cycle_phases(cycle=cycle) if phase.kind == kind), None)


# --- Bodies a person records for ---
def bodies_for_records(*, user: Any) -> QuerySet[Body]:
    """Bodies a person may record activities, gaps and proposals for: the staff any active body, others
    the bodies where they are chair or member."""
    bodies = Body.objects.filter(active=True)
    if is_partnership_staff(user) or user.is_superuser:
        return bodies.order_by("name")
    return bodies.filter(pk__in=member_body_ids(user, contributing=True)).order_by("name")


def advisory_bodies_for(*, user: Any) -> QuerySet[Body]:
    ids = [
        body_id
        for body_id, (role, kind) in strategy_seats(user).items()
        if kind == BodyKind.ADVISORY_TABLE and role in CONTRIBUTING_ROLES
    ]
    return Body.objects.filter(pk__in=ids).order_by("name")


def deciding_body_for(*, cycle: StrategyCycle, user: Any) -> Body | None:
    """The governance body a decision is recorded for: the cycle's, else the one the person chairs,
    else (for the secretariat) the first active governance body."""
    if cycle.governance_body_id is not None:
        return cycle.governance_body
    chaired = [
        body_id
        for body_id, (role, kind) in strategy_seats(user).items()
        if kind == BodyKind.GOVERNANCE_BODY and role == "chair"
    ]
    bodies = Body.objects.filter(kind=BodyKind.GOVERNANCE_BODY, active=True).order_by("name")
    if chaired:
        return bodies.filter(pk__in=chaired).first()
    return bodies.first()


# --- Visibility ---
def _sees_everything(user: Any) -> bool:
    return bool(user.is_superuser or is_partnership_staff(user))


def _body_record_q(user: Any) -> Q:
    if _sees_everything(user):
        return Q()
    return Q(body__visibility=Visibility.PUBLIC) | Q(body_id__in=member_body_ids(user))


def _proposal_q(user: Any, cycle: StrategyCycle) -> Q:
    mine = Q(author_id=user.pk) | Q(body_id__in=member_body_ids(user))
    drafts = Q(status=ProposalStatus.DRAFT) & mine
    if user.is_superuser:
        return Q()
    if (
        is_partnership_staff(user)
        or is_prioritiser(user, cycle)
        or is_decider_member(user, cycle)
        or is_advisory_member(user)
    ):
        return ~Q(status=ProposalStatus.DRAFT) | drafts
    return (~Q(status=ProposalStatus.DRAFT) & (Q(body__visibility=Visibility.PUBLIC) | mine)) | drafts


# --- Inventory ---
def activity_list(*, cycle: StrategyCycle, user: Any, body_id: int | None = None) -> QuerySet[Activity]:
    activities = (
        Activity.objects.filter(cycle=cycle)
        .filter(_body_record_q(user))
        .select_related("body", "focus_area")
        .prefetch_related("organizations", "focus_area__translations")
        .order_by("title", "id")
    )
    if body_id is not None:
        activities = activities.filter(body_id=body_id)
    return activities


def activity_get(*, cycle: StrategyCycle, pk: int) -> Activity | None:
    return (
        Activity.objects.filter(cycle=cycle, pk=pk)
        .select_related("body", "focus_area", "created_by")
        .prefetch_related("organizations", "characteristics__translations", "services__translations")
        .first()
    )


# --- Gaps ---
def gap_list(
    *, cycle: StrategyCycle, user: Any, status: str | None = None, min_severity: int | None = None
) -> QuerySet[Gap]:
    gaps = (
        Gap.objects.filter(cycle=cycle)
        .filter(_body_record_q(user))
        .select_related("body", "focus_area")
        .prefetch_related("focus_area__translations")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("-severity", "title", "id")
    )
    if status:
        gaps = gaps.filter(status=status)
    if min_severity:
        gaps = gaps.filter(severity__gte=min_severity)
    return gaps


def gap_get(*, cycle: StrategyCycle, pk: int) -> Gap | None:
    return (
        Gap.objects.filter(cycle=cycle, pk=pk)
        .select_related("body", "focus_area")
        .prefetch_related(
            "characteristics__translations",
            Prefetch("evidence", queryset=Evidence.objects.select_related("activity").order_by("added_at", "id")),
        )
        .first()
    )


def gap_choices(*, cycle: StrategyCycle, user: Any) -> QuerySet[Gap]:
    return gap_list(cycle=cycle, user=user).exclude(status="closed")


# --- Proposals ---
def proposal_list(
    *, cycle: StrategyCycle, user: Any, status: str | None = None, body_id: int | None = None
) -> QuerySet[Proposal]:
    proposals = (
        Proposal.objects.filter(cycle=cycle)
        .filter(_proposal_q(user, cycle))
        .select_related("body", "lead_organization", "author", "decision")
        .annotate(comment_count=Count("comments", distinct=True))
        .order_by("-submitted_at", "-created_at", "id")
    )
    if status:
        proposals = proposals.filter(status=status)
    if body_id is not None:
        proposals = proposals.filter(body_id=body_id)
    return proposals


def proposal_public_list(*, cycle: StrategyCycle) -> QuerySet[Proposal]:
    """Submitted proposals of public bodies: what may be shown outside the workspace."""
    return (
        Proposal.objects.filter(cycle=cycle, body__visibility=Visibility.PUBLIC, status__in=RANKED_STATUSES)
        .select_related("body", "lead_organization", "decision")
        .order_by("title", "id")
    )


def proposal_get(*, cycle: StrategyCycle, pk: int) -> Proposal | None:
    return (
        Proposal.objects.filter(cycle=cycle, pk=pk)
        .select_related("body", "author", "lead_organization", "focus_area", "cycle", "decision__decided_by")
        .prefetch_related(
            "partner_organizations",
            "characteristics__translations",
            "gaps",
            "indicators",
            Prefetch("equity_answers", queryset=EquityAnswer.objects.select_related("question")),
            Prefetch(
                "comments",
                queryset=Comment.objects.select_related("author__partnership_profile").order_by("created_at", "id"),
            ),
            Prefetch(
                "amendments", queryset=Amendment.objects.select_related("author", "resolved_by").order_by("created_at")
            ),
            Prefetch("advisory_inputs", queryset=AdvisoryInput.objects.select_related("body", "recorded_by")),
        )
        .first()
    )


def equity_questions() -> QuerySet[EquityQuestion]:
    return EquityQuestion.objects.filter(active=True).prefetch_related("translations").order_by("position", "id")


def equity_lens(*, proposal: Proposal) -> list[tuple[EquityQuestion, str]]:
    """Every active question with the proposal's answer ("" when unanswered)."""
    answers = {answer.question_id: answer.answer for answer in proposal.equity_answers.all()}
    return [(question, answers.get(question.pk, "")) for question in equity_questions()]


def amendment_get(*, proposal: Proposal, pk: int) -> Amendment | None:
    return Amendment.objects.filter(proposal=proposal, pk=pk).first()


# --- Prioritisation ---
def criterion_list(*, cycle: StrategyCycle) -> list[Criterion]:
    return list(Criterion.objects.filter(cycle=cycle).order_by("position", "id"))


def scoring_list(*, cycle: StrategyCycle, user: Any) -> list[tuple[Proposal, int]]:
    """Proposals open for scoring that the person may read, with how many criteria they have scored."""
    proposals = list(proposal_list(cycle=cycle, user=user).filter(status__in=OPEN_FOR_INPUT).order_by("title", "id"))
    scored = dict(
        Score.objects.filter(member=user, proposal__in=proposals)
        .values_list("proposal_id")
        .annotate(n=Count("id"))
        .values_list("proposal_id", "n")
    )
    return [(proposal, scored.get(proposal.pk, 0)) for proposal in proposals]


def score_values(*, proposal: Proposal, user: Any) -> dict[int, int]:
    return dict(Score.objects.filter(proposal=proposal, member=user).values_list("criterion_id", "value"))


def vote_budget_get(*, cycle: StrategyCycle) -> VoteBudget | None:
    return VoteBudget.objects.filter(cycle=cycle).first()


@dataclass(frozen=True)
class BallotView:
    votes_available: int
    votes_spent: int
    allocation: dict[int, int]
    max_per_proposal: int | None

    @property
    def votes_left(self) -> int:
        return self.votes_available - self.votes_spent


def ballot_view(*, cycle: StrategyCycle, user: Any) -> BallotView:
    budget = vote_budget_get(cycle=cycle)
    available = budget.votes_per_member if budget else 0
    ballot = Ballot.objects.filter(cycle=cycle, member=user).first() if user.is_authenticated else None
    allocation: dict[int, int] = {}
    if ballot is not None:
        available = ballot.votes_available
        allocation = dict(Vote.objects.filter(ballot=ballot).values_list("proposal_id", "count"))
    return BallotView(
        votes_available=available,
        votes_spent=sum(allocation.values()),
        allocation=allocation,
        max_per_proposal=budget.max_votes_per_proposal if budget else None,
    )


# --- Results: the arithmetic, shown ---
TWO_PLACES = Decimal("0.01")


def _decimal(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class CriterionResult:
    criterion: Criterion
    weight: Decimal
    score_count: int
    score_sum: int
    mean_exact: Fraction | None

    @property
    def mean(self) -> Decimal | None:
        return _decimal(self.mean_exact)

    @property
    def weighted_exact(self) -> Fraction | None:
        return None if self.mean_exact is None else Fraction(self.weight) * self.mean_exact

    @property
    def weighted(self) -> Decimal | None:
        return _decimal(self.weighted_exact)


@dataclass
class ProposalResult:
    proposal: Proposal
    criteria: list[CriterionResult]
    votes: int
    rank: int = 0
    total_exact: Fraction | None = field(default=None)

    @property
    def weight_sum(self) -> Decimal:
        return sum((c.weight for c in self.criteria if c.mean_exact is not None), Decimal(0))

    @property
    def weighted_sum(self) -> Decimal | None:
        parts = [c.weighted_exact for c in self.criteria if c.weighted_exact is not None]
        return _decimal(sum(parts, Fraction(0))) if parts else None

    @property
    def weighted_total(self) -> Decimal | None:
        return _decimal(self.total_exact)


def prioritisation_results(*, cycle: StrategyCycle) -> list[ProposalResult]:
    """Each ranked proposal's mean score per criterion, its weighted total and its votes, ranked.

    mean(c) = sum of the members' scores on c / number of scores on c
    weighted total = Σ weight(c) * mean(c) / Σ weight(c), over the criteria that have scores
    rank: by weighted total (highest first; unscored last), ties broken by votes; equal on both
    share a rank ("1, 2, 2, 4").
    """
    criteria = criterion_list(cycle=cycle)
    proposals = list(
        Proposal.objects.filter(cycle=cycle, status__in=RANKED_STATUSES)
        .select_related("body", "decision")
        .order_by("title", "id")
    )
    sums: dict[tuple[int, int], tuple[int, int]] = {
        (row["proposal_id"], row["criterion_id"]): (row["n"], row["total"])
        for row in Score.objects.filter(proposal__cycle=cycle, criterion__cycle=cycle)
        .values("proposal_id", "criterion_id")
        .annotate(n=Count("id"), total=Sum("value"))
        .order_by()
    }
    votes: dict[int, int] = dict(
        Vote.objects.filter(ballot__cycle=cycle, proposal__cycle=cycle)
        .values("proposal_id")
        .annotate(total=Sum("count"))
        .order_by()
        .values_list("proposal_id", "total")
    )
    results: list[ProposalResult] = []
    for proposal in proposals:
        rows = []
        for criterion in criteria:
            n, total = sums.get((proposal.pk, criterion.pk), (0, 0))
            rows.append(
                CriterionResult(
                    criterion=criterion,
                    weight=criterion.weight,
                    score_count=n,
                    score_sum=total or 0,
                    mean_exact=Fraction(total, n) if n else None,
                )
            )
        result = ProposalResult(proposal=proposal, criteria=rows, votes=votes.get(proposal.pk, 0))
        weights = sum((Fraction(c.weight) for c in rows if c.mean_exact is not None), Fraction(0))
        parts = [c.weighted_exact for c in rows if c.weighted_exact is not None]
        result.total_exact = sum(parts, Fraction(0)) / weights if parts and weights else None
        results.append(result)

    def key(result: ProposalResult) -> tuple[int, Fraction, int]:
        scored = result.total_exact is not None
        return (0 if scored else 1, -(result.total_exact or Fraction(0)), -result.votes)

    results.sort(key=lambda r: (*key(r), r.proposal.title, r.proposal.pk))
    previous: tuple[int, Fraction, int] | None = None
    for position, result in enumerate(results, start=1):
        current = key(result)
        result.rank = results[position - 2].rank if previous == current else position
        previous = current
    return results


# --- Decisions and actions ---
def decision_queue(*, cycle: StrategyCycle) -> QuerySet[Proposal]:
    """Proposals awaiting the governance body's decision."""
    return Proposal.objects.filter(cycle=cycle, status__in=OPEN_FOR_INPUT).select_related("body").order_by("title")


def decision_list(*, cycle: StrategyCycle) -> QuerySet[ProposalDecision]:
    return ProposalDecision.objects.filter(proposal__cycle=cycle).select_related("proposal", "decided_by")


def action_list(*, cycle: StrategyCycle) -> QuerySet[Action]:
    return Action.objects.filter(cycle=cycle).select_related("lead_organization").order_by("number")


# --- Dashboards: what is due in each phase ---
@dataclass(frozen=True)
class DueItem:
    label: str
    count: int
    url_name: str


def dashboard_items(*, cycle: StrategyCycle, user: Any, kind: str) -> list[DueItem]:
    """What the person has to do (or may look at) in a phase of the cycle, with counts."""
    from django.utils.translation import gettext as _

    items: list[DueItem] = []
    my_bodies = member_body_ids(user, contributing=True)
    if kind == PhaseKind.INVENTORY or kind == PhaseKind.GAPS:
        items.append(
            DueItem(
                _("Activities your bodies have inventoried"),
                Activity.objects.filter(cycle=cycle, body_id__in=my_bodies).count(),
                "strategy:activity_list",
            )
        )
        items.append(
            DueItem(
                _("Gaps your bodies recorded without evidence"),
                Gap.objects.filter(cycle=cycle, body_id__in=my_bodies).filter(evidence__isnull=True).count(),
                "strategy:gap_list",
            )
        )
    elif kind == PhaseKind.PROPOSALS:
        items.append(
            DueItem(
                _("Drafts of your bodies not yet submitted"),
                Proposal.objects.filter(cycle=cycle, status=ProposalStatus.DRAFT)
                .filter(Q(author_id=user.pk) | Q(body_id__in=my_bodies))
                .count(),
                "strategy:proposal_list",
            )
        )
        items.append(
            DueItem(
                _("Open amendments to your proposals"),
                Amendment.objects.filter(proposal__cycle=cycle, status=AmendmentStatus.OPEN)
                .filter(Q(proposal__author_id=user.pk))
                .count(),
                "strategy:proposal_list",
            )
        )
        if is_advisory_member(user):
            advisory = list(advisory_bodies_for(user=user).values_list("pk", flat=True))
            items.append(
                DueItem(
                    _("Submitted proposals awaiting your advisory table's input"),
                    Proposal.objects.filter(cycle=cycle, status__in=OPEN_FOR_INPUT)
                    .exclude(advisory_inputs__body_id__in=advisory)
                    .count(),
                    "strategy:proposal_list",
                )
            )
    elif kind == PhaseKind.PRIORITISATION and is_prioritiser(user, cycle):
        criteria = Criterion.objects.filter(cycle=cycle).count()
        rows = scoring_list(cycle=cycle, user=user)
        items.append(
            DueItem(
                _("Proposals you have not fully scored"),
                sum(1 for _p, n in rows if n < criteria),
                "strategy:score_list",
            )
        )
        items.append(DueItem(_("Votes you have left"), ballot_view(cycle=cycle, user=user).votes_left, "strategy:vote"))
    elif kind == PhaseKind.DECISION:
        items.append(
            DueItem(_("Proposals awaiting a decision"), decision_queue(cycle=cycle).count(), "strategy:results")
        )
    elif kind in (PhaseKind.STRATEGY, PhaseKind.TRACKING):
        items.append(DueItem(_("Priority actions"), Action.objects.filter(cycle=cycle).count(), "strategy:cycle"))
    return items


# --- The published strategy and its tracking ---
# (Added for publication, tracking and public accountability; see newstart.strategy.documents,
# newstart.strategy.open_data and the accountability pages.)
def strategy_versions(*, cycle: StrategyCycle) -> QuerySet[Strategy]:
    """The cycle's published strategy versions, newest first."""
    return (
        Strategy.objects.filter(cycle=cycle, published_at__isnull=False)
        .prefetch_related("translations")
        .order_by("-version")
    )


def strategy_latest(*, cycle: StrategyCycle) -> Strategy | None:
    return strategy_versions(cycle=cycle).first()


def strategy_get(*, cycle: StrategyCycle, version: int) -> Strategy | None:
    return strategy_versions(cycle=cycle).filter(version=version).first()


def _action_prefetch(actions: QuerySet[Action]) -> QuerySet[Action]:
    return actions.select_related("lead_organization", "focus_area", "cycle").prefetch_related(
        "focus_area__translations",
        "partner_organizations",
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values").order_by("position", "id")),
        Prefetch("milestones", queryset=Milestone.objects.order_by("position", "due_on", "id")),
    )


def strategy_action_list(*, strategy: Strategy) -> list[Action]:
    """The strategy's actions in their published order, with what the document and the tracking show."""
    positions = dict(StrategyAction.objects.filter(strategy=strategy).values_list("action_id", "position"))
    actions = list(_action_prefetch(Action.objects.filter(pk__in=positions)))
    return sorted(actions, key=lambda action: (positions[action.pk], action.number))


def action_get(*, cycle: StrategyCycle, number: int) -> Action | None:
    return (
        _action_prefetch(Action.objects.filter(cycle=cycle, number=number))
        .prefetch_related(
            Prefetch("progress_updates", queryset=ProgressUpdate.objects.order_by("-year", "-quarter")),
        )
        .first()
    )


def action_is_published(*, action: Action) -> bool:
    return StrategyAction.objects.filter(action=action, strategy__published_at__isnull=False).exists()


def cycle_published_list() -> QuerySet[StrategyCycle]:
    """Cycles with at least one published strategy: what the public accountability pages show."""
    return StrategyCycle.objects.filter(strategies__published_at__isnull=False).distinct().order_by("-starts_on", "id")


def focus_area_label(area: Any) -> str:
    return str(area.safe_translation_getter("name", any_language=True) or area.code) if area else ""


@dataclass(frozen=True)
class AreaProgress:
    code: str
    label: str
    count: int
    mean: Decimal


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class Rollup:
    """Progress rolled up from the actions: overall = the mean of the actions' progress (each action
    counts once, whatever its status), and the same mean within each focus area."""

    count: int
    overall: Decimal | None
    by_focus_area: list[AreaProgress]
    by_status: list[StatusCount]


ONE_PLACE = Decimal("0.1")


def _mean(values: list[int]) -> Decimal:
    exact = Fraction(sum(values), len(values))
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def tracking_rollup(*, actions: list[Action], as_of: Mapping[int, tuple[str, int]] | None = None) -> Rollup:
    """Roll the actions' status and progress up to the strategy. ``as_of`` ({action id: (status,
    progress)}) replaces the actions' current values, e.g. with those at the end of a year."""
    state = {a.pk: (as_of or {}).get(a.pk, (a.status, a.progress)) for a in actions}
    areas: dict[Any, list[int]] = {}
    labels: dict[Any, tuple[int, str, str]] = {}
    for action in actions:
        key = action.focus_area_id
        areas.setdefault(key, []).append(state[action.pk][1])
        if key not in labels:
            area = action.focus_area
            labels[key] = (
                (area.position, area.code, focus_area_label(area)) if area else (10_000, "", gettext("No focus area"))
            )
    by_area = [
        AreaProgress(code=labels[key][1], label=labels[key][2], count=len(values), mean=_mean(values))
        for key, values in sorted(areas.items(), key=lambda item: labels[item[0]][:2])
    ]
    counts = {status: 0 for status in ActionStatus.values}
    for status, _progress in state.values():
        counts[status] = counts.get(status, 0) + 1
    by_status = [StatusCount(status=s, label=str(ActionStatus(s).label), count=counts[s]) for s in ActionStatus.values]
    return Rollup(
        count=len(actions),
        overall=_mean([progress for _status, progress in state.values()]) if actions else None,
        by_focus_area=by_area,
        by_status=by_status,
    )


def progress_as_of_year(*, actions: list[Action], year: int) -> dict[int, tuple[str, int]]:
    """Each action's status and progress at the end of ``year``: its latest quarterly update up to
    then; an action without one had not started."""
    latest: dict[int, tuple[str, int]] = {}
    updates = ProgressUpdate.objects.filter(action__in=actions, year__lte=year).order_by("action_id", "year", "quarter")
    for update in updates:
        latest[update.action_id] = (update.status, update.progress)
    return {action.pk: latest.get(action.pk, (ActionStatus.NOT_STARTED, 0)) for action in actions}


def progress_update_list(*, actions: list[Action], year: int) -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.filter(action__in=actions, year=year).order_by("action__number", "quarter")


def tracking_years(*, cycle: StrategyCycle) -> list[int]:
    """Years with quarterly updates in the cycle, newest first."""
    return sorted(set(ProgressUpdate.objects.filter(action__cycle=cycle).values_list("year", flat=True)), reverse=True)


def body_for_export(*, slug: str) -> Body | None:
    return Body.objects.filter(slug=slug).first()
