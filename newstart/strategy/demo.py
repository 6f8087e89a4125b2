"""The strategy demo: one fictional cycle of the demo partnership, now in its tracking phase.

``strategy_demo_load()`` loads the partnership demo first (newstart.partnership.demo), then a cycle
with dated phases (the tracking phase open today), ~40 inventoried activities, 25 gaps with
evidence, 35 proposals in every state, scores and votes, the governance body's decisions, a published
strategy with exactly 28 accepted actions across the four focus areas, milestones, and two years of
tracking (quarterly updates and indicator values).

Idempotent and deterministic: the cycle has a fixed short name (``DEMO_CYCLE_SLUG``) and every record
a natural key within it; a second load changes nothing. All dates derive from the cycle's tracking
phase, which is placed on the first load so that its eight quarters end with the last complete
quarter before that day. Random choices come from seeded generators. Records that can say so are
marked ``is_demo``. It writes the ORM directly (no phase checks: the demo's past phases are closed).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from newstart.partnership.demo import DIRECTORY_PARTNERS, OTHER_PARTNERS, partnership_demo_load
from newstart.partnership.models import Body, FocusArea, MembershipRole, PartnerOrganization, Profile
from newstart.partnership.models import WelcomingCharacteristic as Characteristic
from newstart.strategy import demo_data as data
from newstart.strategy.models import (
    Action,
    ActionStatus,
    Activity,
    Ballot,
    Criterion,
    DecisionOutcome,
    EquityAnswer,
    EquityQuestion,
    Evidence,
    Gap,
    GapStatus,
    Indicator,
    IndicatorValue,
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

DEMO_CYCLE_SLUG = "demo-strategy"
TRACKED_QUARTERS = 8
SEED = 20_260_101

OUTCOME_STATUS = {
    "accepted": ProposalStatus.DECIDED,
    "changes": ProposalStatus.DECIDED,
    "rejected": ProposalStatus.DECIDED,
    "deferred": ProposalStatus.DECIDED,
    "submitted": ProposalStatus.SUBMITTED,
    "in_prioritisation": ProposalStatus.IN_PRIORITISATION,
    "withdrawn": ProposalStatus.WITHDRAWN,
    "draft": ProposalStatus.DRAFT,
}
DECISION_OUTCOME = {
    "accepted": DecisionOutcome.ACCEPTED,
    "changes": DecisionOutcome.ACCEPTED_WITH_CHANGES,
    "rejected": DecisionOutcome.REJECTED,
    "deferred": DecisionOutcome.DEFERRED,
}


@dataclass
class StrategyDemoResult:
    created: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created)


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_quarters(day: dt.date, quarters: int) -> dt.date:
    index = day.year * 4 + (day.month - 1) // 3 + quarters
    return dt.date(index // 4, 3 * (index % 4) + 1, 1)


def _phase_plan(tracking_start: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """The seven phases back to back, ending with tracking (open until the cycle ends)."""
    lengths = {
        PhaseKind.STRATEGY: 61,
        PhaseKind.DECISION: 45,
        PhaseKind.PRIORITISATION: 45,
        PhaseKind.PROPOSALS: 90,
        PhaseKind.GAPS: 90,
        PhaseKind.INVENTORY: 90,
    }
    plan: dict[str, tuple[dt.date, dt.date]] = {}
    end = tracking_start - dt.timedelta(days=1)
    for kind, days in lengths.items():
        start = end - dt.timedelta(days=days - 1)
        plan[kind] = (start, end)
        end = start - dt.timedelta(days=1)
    plan[PhaseKind.TRACKING] = (tracking_start, dt.date(tracking_start.year + 5, 12, 31))
    return plan


def _cycle(today: dt.date, bodies: dict[str, Body], result: StrategyDemoResult) -> StrategyCycle:
    existing = StrategyCycle.objects.filter(slug=DEMO_CYCLE_SLUG).first()
    if existing is not None:
        return existing
    tracking_start = _add_quarters(_quarter_start(today), -TRACKED_QUARTERS)
    plan = _phase_plan(tracking_start)
    starts, ends = plan[PhaseKind.INVENTORY][0], plan[PhaseKind.TRACKING][1]
    cycle = StrategyCycle.objects.create(
        slug=DEMO_CYCLE_SLUG,
        name=f"Newcomer Settlement Strategy {starts.year} to {ends.year} (demo)",
        description="A fictional strategy cycle of the demo partnership.",
        starts_on=starts,
        ends_on=ends,
        governance_body=bodies["partnership-council"],
        is_demo=True,
    )
    result.created["cycles"] += 1
    return cycle


def _phases(cycle: StrategyCycle, result: StrategyDemoResult) -> dict[str, Phase]:
    phases = {phase.kind: phase for phase in Phase.objects.filter(cycle=cycle)}
    tracking = phases.get(PhaseKind.TRACKING)
    tracking_start = tracking.starts_on if tracking else _phase_plan_anchor(cycle)
    for kind, (start, end) in _phase_plan(tracking_start).items():
        if kind not in phases:
            phases[kind] = Phase.objects.create(cycle=cycle, kind=kind, starts_on=start, ends_on=end)
            result.created["phases"] += 1
    return phases


def _phase_plan_anchor(cycle: StrategyCycle) -> dt.date:
    """The tracking start implied by a cycle created by this module (its start is the inventory's)."""
    candidate = _quarter_start(cycle.starts_on)
    while _phase_plan(candidate)[PhaseKind.INVENTORY][0] < cycle.starts_on:
        candidate = _add_quarters(candidate, 1)
    return candidate


def _day_in(phase: Phase, fraction: float) -> dt.date:
    span = (phase.ends_on - phase.starts_on).days
    return phase.starts_on + dt.timedelta(days=round(span * fraction))


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _equity_questions(result: StrategyDemoResult) -> list[EquityQuestion]:
    questions = list(EquityQuestion.objects.filter(active=True).order_by("position", "id"))
    if questions:
        return questions
    for position, (english, french) in enumerate(data.EQUITY_QUESTIONS, start=1):
        question = EquityQuestion(position=position, active=True)
        question.set_current_language("en")
        question.text = english
        question.set_current_language("fr")
        question.text = french
        question.save()
        questions.append(question)
        result.created["equity questions"] += 1
    return questions


def _members(body: Body) -> list[Any]:
    """A body's chair and members (not observers), chair first, in a stable order."""
    seats = body.memberships.filter(role__in=[MembershipRole.CHAIR, MembershipRole.MEMBER]).select_related("person")
    ordered = sorted(seats, key=lambda seat: (seat.role != MembershipRole.CHAIR, seat.person.username))
    return [seat.person for seat in ordered]


def _activities(
    cycle: StrategyCycle,
    bodies: dict[str, Body],
    orgs: list[PartnerOrganization],
    areas: dict[str, FocusArea],
    characteristics: dict[str, Characteristic],
    phases: dict[str, Phase],
    result: StrategyDemoResult,
) -> dict[str, Activity]:
    existing = {a.title: a for a in Activity.objects.filter(cycle=cycle)}
    for index, (body, title, org, population, reach, unit, codes) in enumerate(data.ACTIVITIES):
        if title in existing:
            continue
        author = _members(bodies[body])[index % 3]
        activity = Activity.objects.create(
            cycle=cycle,
            body=bodies[body],
            title=title,
            description=f"{title}, delivered by {orgs[org].name}. Fictional demo activity.",
            focus_area=areas[data.GROUP_AREA[body]],
            population_served=population,
            funding="IRCC and the City (demo)" if index % 2 else "Provincial grant (demo)",
            reach_count=reach,
            reach_unit=unit,
            created_by=author,
            created_at=_at(_day_in(phases[PhaseKind.INVENTORY], (index % 10) / 10)),
            is_demo=True,
        )
        activity.organizations.set([orgs[org]])
        activity.characteristics.set([characteristics[code] for code in codes if code in characteristics])
        existing[title] = activity
        result.created["activities"] += 1
    return existing


def _gaps(
    cycle: StrategyCycle,
    bodies: dict[str, Body],
    areas: dict[str, FocusArea],
    phases: dict[str, Phase],
    activities: dict[str, Activity],
    result: StrategyDemoResult,
) -> list[Gap]:
    existing = {g.title: g for g in Gap.objects.filter(cycle=cycle)}
    gaps = []
    activity_list = sorted(activities.values(), key=lambda a: a.title)
    for index, (body, title, populations, severity, evidence) in enumerate(data.GAPS):
        gap = existing.get(title)
        if gap is None:
            area = data.GROUP_AREA.get(body, "access-to-services")
            author = _members(bodies[body])[index % 2]
            gap = Gap.objects.create(
                cycle=cycle,
                body=bodies[body],
                title=title,
                description=f"{title}. Fictional demo gap.",
                populations_affected=populations,
                severity=severity,
                focus_area=areas[area],
                status=GapStatus.ADDRESSED,
                created_by=author,
                created_at=_at(_day_in(phases[PhaseKind.GAPS], (index % 6) / 6)),
                is_demo=True,
            )
            for position, (kind, text) in enumerate(evidence):
                Evidence.objects.create(
                    gap=gap,
                    kind=kind,
                    text=text,
                    activity=activity_list[(index + position) % len(activity_list)] if kind == "inventory" else None,
                    added_by=author,
                    added_at=_at(_day_in(phases[PhaseKind.GAPS], 0.9)),
                    is_demo=True,
                )
                result.created["evidence"] += 1
            result.created["gaps"] += 1
        gaps.append(gap)
    return gaps


def _proposals(
    cycle: StrategyCycle,
    bodies: dict[str, Body],
    orgs: list[PartnerOrganization],
    areas: dict[str, FocusArea],
    gaps: list[Gap],
    questions: list[EquityQuestion],
    phases: dict[str, Phase],
    result: StrategyDemoResult,
) -> list[tuple[data.DemoProposal, Proposal]]:
    existing = {p.title: p for p in Proposal.objects.filter(cycle=cycle)}
    gaps_by_body: dict[int, list[Gap]] = {}
    for gap in gaps:
        gaps_by_body.setdefault(gap.body_id, []).append(gap)
    pairs = []
    for index, spec in enumerate(data.PROPOSALS):
        proposal = existing.get(spec.title)
        if proposal is None:
            body = bodies[spec.body]
            status = OUTCOME_STATUS[spec.outcome]
            created = _day_in(phases[PhaseKind.PROPOSALS], (index % 10) / 20)
            submitted = None if status == ProposalStatus.DRAFT else _at(created + dt.timedelta(days=20))
            proposal = Proposal.objects.create(
                cycle=cycle,
                body=body,
                author=_members(body)[index % 2],
                title=spec.title,
                problem=spec.problem,
                action=spec.action,
                lead_organization=orgs[spec.lead],
                resources="Staff time from the partners and a grant to be sought (demo).",
                timeline="Three years from the strategy's publication.",
                focus_area=areas[spec.area or data.GROUP_AREA[spec.body]],
                status=status,
                submitted_at=submitted,
                created_at=_at(created),
                is_demo=True,
            )
            proposal.partner_organizations.set([orgs[i] for i in spec.partners])
            body_gaps = gaps_by_body.get(body.pk, [])
            if body_gaps:
                proposal.gaps.set([body_gaps[index % len(body_gaps)]])
            for question in questions:
                EquityAnswer.objects.create(
                    proposal=proposal,
                    question=question,
                    answer="Newcomers with lived experience reviewed the proposal; outreach in community "
                    "languages reaches those often left out.",
                )
            Indicator.objects.create(
                proposal=proposal,
                name=spec.indicator,
                baseline=Decimal(spec.baseline),
                target=Decimal(spec.target),
                unit=spec.unit,
                source=spec.source,
                position=1,
            )
            result.created["proposals"] += 1
        pairs.append((spec, proposal))
    return pairs


def _prioritisation(
    cycle: StrategyCycle,
    bodies: dict[str, Body],
    pairs: list[tuple[data.DemoProposal, Proposal]],
    phases: dict[str, Phase],
    result: StrategyDemoResult,
) -> None:
    criteria = []
    for position, (name, description, weight) in enumerate(data.CRITERIA, start=1):
        criterion, created = Criterion.objects.get_or_create(
            cycle=cycle,
            name=name,
            defaults={"description": description, "weight": Decimal(weight), "position": position},
        )
        result.created["criteria"] += int(created)
        criteria.append(criterion)
    budget, created = VoteBudget.objects.get_or_create(
        cycle=cycle, defaults={"votes_per_member": 5, "max_votes_per_proposal": 3}
    )
    result.created["vote budgets"] += int(created)
    if Score.objects.filter(proposal__cycle=cycle).exists():
        return
    ranked = [
        (spec, p)
        for spec, p in pairs
        if p.status in (ProposalStatus.DECIDED, ProposalStatus.IN_PRIORITISATION) and spec.outcome != "submitted"
    ]
    prioritisers: dict[int, Any] = {}
    for slug in data.STRATEGY_GROUPS:
        for person in _members(bodies[slug]):
            prioritisers.setdefault(person.pk, person)
    rng = random.Random(SEED)  # noqa: S311 — demo data, not security
    scored_at = _at(_day_in(phases[PhaseKind.PRIORITISATION], 0.5))
    scores = []
    for person in prioritisers.values():
        for spec, proposal in ranked:
            favoured = spec.outcome in ("accepted", "changes")
            for criterion in criteria:
                low = 2 if favoured else 0
                scores.append(
                    Score(
                        proposal=proposal,
                        criterion=criterion,
                        member=person,
                        value=rng.randint(low, 5 if favoured else 3),
                        updated_at=scored_at,
                    )
                )
    Score.objects.bulk_create(scores)
    result.created["scores"] += len(scores)
    for person in prioritisers.values():
        choices = rng.sample(ranked, k=3)
        allocation = {proposal.pk: count for (_spec, proposal), count in zip(choices, (3, 1, 1), strict=True)}
        ballot = Ballot.objects.create(
            cycle=cycle,
            member=person,
            votes_available=budget.votes_per_member,
            votes_spent=sum(allocation.values()),
            updated_at=scored_at,
        )
        Vote.objects.bulk_create(Vote(ballot=ballot, proposal_id=pid, count=n) for pid, n in allocation.items())
        result.created["ballots"] += 1


def _decisions_and_actions(
    cycle: StrategyCycle,
    bodies: dict[str, Body],
    pairs: list[tuple[data.DemoProposal, Proposal]],
    phases: dict[str, Phase],
    result: StrategyDemoResult,
) -> list[Action]:
    council = bodies["partnership-council"]
    chair = _members(council)[0]
    decided_on = _day_in(phases[PhaseKind.DECISION], 0.6)
    actions = {a.proposal_id: a for a in Action.objects.filter(cycle=cycle)}
    ordered = []
    for spec, proposal in pairs:
        if spec.outcome not in DECISION_OUTCOME:
            continue
        outcome = DECISION_OUTCOME[spec.outcome]
        if not ProposalDecision.objects.filter(proposal=proposal).exists():
            ProposalDecision.objects.create(
                proposal=proposal,
                outcome=outcome,
                reasons={
                    DecisionOutcome.ACCEPTED: "Ranked highly by the strategy groups and answers a documented gap.",
                    DecisionOutcome.ACCEPTED_WITH_CHANGES: "Supported, with a narrower first phase.",
                    DecisionOutcome.DEFERRED: "Promising, but the partners need a funder first; revisit next year.",
                    DecisionOutcome.REJECTED: "Ranked low and outside the partnership's mandate.",
                }[outcome],
                changes="Start with two neighbourhoods and report after a year."
                if outcome == DecisionOutcome.ACCEPTED_WITH_CHANGES
                else "",
                decided_at=decided_on,
                decided_by=council,
                recorded_by=chair,
                recorded_at=_at(decided_on, 18),
            )
            result.created["decisions"] += 1
        if outcome not in (DecisionOutcome.ACCEPTED, DecisionOutcome.ACCEPTED_WITH_CHANGES):
            continue
        action = actions.get(proposal.pk)
        if action is None:
            number = (Action.objects.filter(cycle=cycle).aggregate(top=Max("number"))["top"] or 0) + 1
            description = proposal.action
            if outcome == DecisionOutcome.ACCEPTED_WITH_CHANGES:
                description += "\n\nStart with two neighbourhoods and report after a year."
            action = Action.objects.create(
                cycle=cycle,
                proposal=proposal,
                number=number,
                title=proposal.title,
                description=description,
                lead_organization=proposal.lead_organization,
                focus_area=proposal.focus_area,
                created_at=_at(decided_on, 18),
                is_demo=True,
            )
            action.partner_organizations.set(proposal.partner_organizations.all())
            Indicator.objects.filter(proposal=proposal).update(action=action)
            actions[proposal.pk] = action
            result.created["actions"] += 1
        ordered.append(action)
    return sorted(ordered, key=lambda a: a.number)


def _strategy(
    cycle: StrategyCycle, actions: list[Action], phases: dict[str, Phase], result: StrategyDemoResult
) -> Strategy:
    strategy = Strategy.objects.filter(cycle=cycle, version=1).first()
    if strategy is not None:
        return strategy
    strategy = Strategy(
        cycle=cycle,
        version=1,
        published_at=_at(_day_in(phases[PhaseKind.STRATEGY], 0.8), 12),
        is_demo=True,
    )
    for language, title in data.STRATEGY_TITLE.items():
        strategy.set_current_language(language)
        strategy.title = title
        strategy.summary = data.STRATEGY_SUMMARY[language]
    strategy.save()
    StrategyAction.objects.bulk_create(
        StrategyAction(strategy=strategy, action=action, position=position)
        for position, action in enumerate(actions, start=1)
    )
    result.created["strategies"] += 1
    return strategy


def _status_path(rng: random.Random, quarters: int) -> list[tuple[str, int]]:
    """A plausible sequence of (status, progress) over the tracked quarters."""
    kind = rng.choices(["steady", "late", "risk", "done", "fast"], weights=[10, 4, 4, 3, 3])[0]
    path: list[tuple[str, int]] = []
    progress = 0
    for quarter in range(quarters):
        if kind == "late" and quarter < 2:
            path.append((ActionStatus.DELAYED if quarter else ActionStatus.NOT_STARTED, 0))
            continue
        step = {"steady": 10, "late": 12, "risk": 7, "done": 14, "fast": 13}[kind] + rng.randint(-3, 3)
        progress = min(100, progress + max(step, 1))
        if kind == "done" and progress >= 100:
            path.append((ActionStatus.COMPLETED, 100))
            continue
        progress = min(progress, 95)
        status = ActionStatus.ON_TRACK
        if kind == "risk" and quarter >= quarters - 3:
            status = ActionStatus.AT_RISK
        path.append((status, progress))
    return path


def _tracking(
    cycle: StrategyCycle,
    actions: list[Action],
    phases: dict[str, Phase],
    result: StrategyDemoResult,
) -> None:
    start = phases[PhaseKind.TRACKING].starts_on
    quarters = [_add_quarters(start, n) for n in range(TRACKED_QUARTERS)]
    reporters: dict[int, Any] = {}
    for profile in Profile.objects.filter(organization__isnull=False).select_related("user").order_by("user__username"):
        reporters.setdefault(profile.organization_id, profile.user)  # type: ignore[arg-type]
    done_updates = set(ProgressUpdate.objects.filter(action__cycle=cycle).values_list("action_id", "year", "quarter"))
    for action in actions:
        rng = random.Random(f"{SEED}:{action.number}")  # noqa: S311 — demo data, not security
        path = _status_path(rng, len(quarters))
        reporter = reporters.get(action.lead_organization_id)  # type: ignore[arg-type]
        for quarter_start, (status, progress) in zip(quarters, path, strict=True):
            year, quarter = quarter_start.year, (quarter_start.month - 1) // 3 + 1
            if (action.pk, year, quarter) in done_updates:
                continue
            ProgressUpdate.objects.create(
                action=action,
                year=year,
                quarter=quarter,
                status=status,
                progress=progress,
                narrative=rng.choice(data.NARRATIVES[status]),
                submitted_by=reporter,
                submitted_at=_at(_add_quarters(quarter_start, 1) + dt.timedelta(days=10)),
            )
            result.created["progress updates"] += 1
        final_status, final_progress = path[-1]
        if (action.status, action.progress) != (final_status, final_progress):
            action.status, action.progress = final_status, final_progress
            action.save(update_fields=["status", "progress"])
        if not Milestone.objects.filter(action=action).exists():
            for position, title in enumerate(data.MILESTONES, start=1):
                due = _add_quarters(start, 2 * position) - dt.timedelta(days=1)
                reached = final_progress >= 25 * position and due <= quarters[-1] + dt.timedelta(days=90)
                Milestone.objects.create(
                    action=action,
                    title=title,
                    due_on=due,
                    completed_on=due - dt.timedelta(days=rng.randint(0, 20)) if reached else None,
                    position=position,
                )
                result.created["milestones"] += 1
        for indicator in Indicator.objects.filter(action=action):
            if IndicatorValue.objects.filter(indicator=indicator).exists():
                continue
            baseline = indicator.baseline or Decimal(0)
            target = indicator.target or Decimal(0)
            for quarter_start, (_status, progress) in zip(quarters, path, strict=True):
                measured = baseline + (target - baseline) * Decimal(progress) / 100
                jitter = Decimal(rng.randint(-3, 3)) / 100 * abs(target - baseline)
                value = (measured + jitter).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                IndicatorValue.objects.create(
                    indicator=indicator,
                    date=_add_quarters(quarter_start, 1) - dt.timedelta(days=1),
                    value=max(value, Decimal(0)),
                    note="Fictional demo value.",
                    recorded_by=reporter,
                )
                result.created["indicator values"] += 1


@transaction.atomic
def strategy_demo_load(*, today: dt.date | None = None) -> StrategyDemoResult:
    """Load (or complete) the demo strategy cycle. Safe to run again; see the module's docstring."""
    day = today or timezone.localdate()
    partnership_demo_load(today=day)
    result = StrategyDemoResult()
    bodies = {body.slug: body for body in Body.objects.filter(is_demo=True)}
    by_name = {org.name: org for org in PartnerOrganization.objects.all()}
    orgs = [by_name[name] for name in (*DIRECTORY_PARTNERS, *OTHER_PARTNERS)]
    areas = {area.code: area for area in FocusArea.objects.all()}
    characteristics = {c.code: c for c in Characteristic.objects.all()}
    cycle = _cycle(day, bodies, result)
    phases = _phases(cycle, result)
    questions = _equity_questions(result)
    activities = _activities(cycle, bodies, orgs, areas, characteristics, phases, result)
    gaps = _gaps(cycle, bodies, areas, phases, activities, result)
    pairs = _proposals(cycle, bodies, orgs, areas, gaps, questions, phases, result)
    _prioritisation(cycle, bodies, pairs, phases, result)
    actions = _decisions_and_actions(cycle, bodies, pairs, phases, result)
    _strategy(cycle, actions, phases, result)
    _tracking(cycle, actions, phases, result)
    return result


def demo_people_names() -> list[str]:
    """Every demo person's name (first and last), for tests that check exports name nobody."""
    user_model = get_user_model()
    names = []
    for user in user_model.objects.filter(partnership_profile__is_demo=True):
        names += [user.first_name, user.last_name, f"{user.first_name} {user.last_name}"]
    return [name for name in names if name]
