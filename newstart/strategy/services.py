"""Writes for the strategy cycle. Each one checks what the phase and the record's state allow and
raises ValidationError with a clear message (naming the field) otherwise; permissions (who) are
checked by the callers with newstart.strategy.rules. Multi-step writes are atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from newstart.common.languages import INTERFACE_LANGUAGE_CODES
from newstart.partnership.models import Body, BodyKind
from newstart.strategy.models import (
    ACCEPTING_OUTCOMES,
    SCORE_MAX,
    SCORE_MIN,
    Action,
    ActionStatus,
    Activity,
    AdvisoryInput,
    AmendableField,
    Amendment,
    AmendmentStatus,
    Ballot,
    Comment,
    Criterion,
    DecisionOutcome,
    EquityAnswer,
    EquityQuestion,
    Evidence,
    Gap,
    Indicator,
    IndicatorValue,
    Milestone,
    PhaseAction,
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
from newstart.strategy.selectors import OPEN_FOR_INPUT, cycle_allows


def _require_phase(cycle: StrategyCycle, action: str) -> None:
    if not cycle_allows(cycle=cycle, action=action):
        label = PhaseAction(action).label
        raise ValidationError(
            _("“%(action)s” is not open in this phase of the cycle.") % {"action": label}, code="phase_closed"
        )


def _assign(instance: Model, data: Mapping[str, Any], m2m: Iterable[str]) -> dict[str, Any]:
    """Set plain fields on the instance; return the many-to-many values to set after saving."""
    later: dict[str, Any] = {}
    for name, value in data.items():
        if name in m2m:
            later[name] = value
        else:
            setattr(instance, name, value)
    return later


def _save_with_m2m(instance: Model, data: Mapping[str, Any], m2m: tuple[str, ...]) -> None:
    later = _assign(instance, data, m2m)
    instance.full_clean(exclude=[*m2m])
    instance.save()
    for name, value in later.items():
        getattr(instance, name).set(value)


# --- Inventory ---
ACTIVITY_M2M = ("organizations", "characteristics", "services")


@transaction.atomic
def activity_create(*, cycle: StrategyCycle, user: Any, data: Mapping[str, Any]) -> Activity:
    _require_phase(cycle, PhaseAction.ACTIVITY_EDIT)
    activity = Activity(cycle=cycle, created_by=user)
    _save_with_m2m(activity, data, ACTIVITY_M2M)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, user: Any, data: Mapping[str, Any]) -> Activity:
    _require_phase(activity.cycle, PhaseAction.ACTIVITY_EDIT)
    _save_with_m2m(activity, data, ACTIVITY_M2M)
    return activity


# --- Gaps ---
GAP_M2M = ("characteristics",)


@transaction.atomic
def gap_create(
    *,
    cycle: StrategyCycle,
    user: Any,
    data: Mapping[str, Any],
    source_url: str = "",
    source: Mapping[str, Any] | None = None,
) -> Gap:
    """Record a gap. ``source_url``/``source`` say where it came from when another part of newstart
    (e.g. the insights gap analysis) proposed it."""
    _require_phase(cycle, PhaseAction.GAP_EDIT)
    gap = Gap(cycle=cycle, created_by=user, source_url=source_url[:500], source=dict(source or {}))
    _save_with_m2m(gap, data, GAP_M2M)
    return gap


@transaction.atomic
def gap_update(*, gap: Gap, user: Any, data: Mapping[str, Any]) -> Gap:
    _require_phase(gap.cycle, PhaseAction.GAP_EDIT)
    _save_with_m2m(gap, data, GAP_M2M)
    return gap


def evidence_add(
    *, gap: Gap, user: Any, kind: str, text: str, link: str = "", activity: Activity | None = None
) -> Evidence:
    _require_phase(gap.cycle, PhaseAction.GAP_EDIT)
    if activity is not None and activity.cycle_id != gap.cycle_id:
        raise ValidationError({"activity": _("The activity belongs to another cycle.")})
    evidence = Evidence(gap=gap, kind=kind, text=text.strip(), link=link, activity=activity, added_by=user)
    evidence.full_clean()
    evidence.save()
    return evidence


# --- Proposals ---
PROPOSAL_M2M = ("partner_organizations", "characteristics", "gaps")


def _check_gaps(cycle: StrategyCycle, data: Mapping[str, Any]) -> None:
    gaps = data.get("gaps") or []
    if any(gap.cycle_id != cycle.pk for gap in gaps):
        raise ValidationError({"gaps": _("Link only gaps of this cycle.")})


def _save_equity_answers(proposal: Proposal, answers: Mapping[int, str]) -> None:
    questions = set(EquityQuestion.objects.filter(pk__in=answers).values_list("pk", flat=True))
    for question_id, text in answers.items():
        if question_id not in questions:
            raise ValidationError(_("Unknown equity lens question %(id)s.") % {"id": question_id})
        EquityAnswer.objects.update_or_create(
            proposal=proposal, question_id=question_id, defaults={"answer": (text or "").strip()}
        )


@transaction.atomic
def proposal_create(
    *,
    cycle: StrategyCycle,
    user: Any,
    data: Mapping[str, Any],
    equity_answers: Mapping[int, str] | None = None,
) -> Proposal:
    _require_phase(cycle, PhaseAction.PROPOSAL_EDIT)
    _check_gaps(cycle, data)
    proposal = Proposal(cycle=cycle, author=user, status=ProposalStatus.DRAFT)
    _save_with_m2m(proposal, data, PROPOSAL_M2M)
    _save_equity_answers(proposal, equity_answers or {})
    return proposal


@transaction.atomic
def proposal_update(
    *, proposal: Proposal, user: Any, data: Mapping[str, Any], equity_answers: Mapping[int, str] | None = None
) -> Proposal:
    _require_phase(proposal.cycle, PhaseAction.PROPOSAL_EDIT)
    if proposal.status != ProposalStatus.DRAFT:
        raise ValidationError(_("Only a draft can be edited; propose an amendment instead."), code="not_draft")
    _check_gaps(proposal.cycle, data)
    _save_with_m2m(proposal, data, PROPOSAL_M2M)
    _save_equity_answers(proposal, equity_answers or {})
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, user: Any) -> Proposal:
    """Draft -> submitted, only while the proposals phase is open and every equity lens question has
    an answer."""
    _require_phase(proposal.cycle, PhaseAction.PROPOSAL_SUBMIT)
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.DRAFT:
        raise ValidationError(_("This proposal has already been submitted."), code="not_draft")
    answered = set(
        EquityAnswer.objects.filter(proposal=locked).exclude(answer="").values_list("question_id", flat=True)
    )
    missing = [str(q) for q in EquityQuestion.objects.filter(active=True) if q.pk not in answered]
    if missing:
        raise ValidationError(
            _("Answer every equity lens question before submitting: %(questions)s") % {"questions": "; ".join(missing)},
            code="equity_lens_incomplete",
        )
    locked.status = ProposalStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    proposal.status, proposal.submitted_at = locked.status, locked.submitted_at
    return locked


def proposal_withdraw(*, proposal: Proposal, user: Any) -> Proposal:
    if proposal.status not in OPEN_FOR_INPUT:
        raise ValidationError(_("Only a submitted proposal can be withdrawn."), code="not_submitted")
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


def indicator_add(
    *,
    proposal: Proposal,
    user: Any,
    name: str,
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    unit: str = "",
    source: str = "",
) -> Indicator:
    _require_phase(proposal.cycle, PhaseAction.PROPOSAL_EDIT)
    if proposal.status != ProposalStatus.DRAFT:
        raise ValidationError(_("Indicators can be changed only while the proposal is a draft."), code="not_draft")
    position = (proposal.indicators.aggregate(top=Max("position"))["top"] or 0) + 1
    indicator = Indicator(
        proposal=proposal,
        name=name.strip(),
        baseline=baseline,
        target=target,
        unit=unit,
        source=source,
        position=position,
    )
    indicator.full_clean()
    indicator.save()
    return indicator


def indicator_remove(*, indicator: Indicator, user: Any) -> None:
    proposal = indicator.proposal
    if proposal is None or proposal.status != ProposalStatus.DRAFT:
        raise ValidationError(_("Indicators can be changed only while the proposal is a draft."), code="not_draft")
    _require_phase(proposal.cycle, PhaseAction.PROPOSAL_EDIT)
    indicator.delete()


def comment_add(*, proposal: Proposal, user: Any, text: str) -> Comment:
    _require_phase(proposal.cycle, PhaseAction.COMMENT)
    if proposal.status in (ProposalStatus.DECIDED, ProposalStatus.WITHDRAWN):
        raise ValidationError(_("This proposal is closed to comments."), code="closed")
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    return Comment.objects.create(proposal=proposal, author=user, text=text.strip())


def amendment_propose(
    *, proposal: Proposal, user: Any, field: str, proposed_text: str, rationale: str = ""
) -> Amendment:
    _require_phase(proposal.cycle, PhaseAction.AMEND)
    if proposal.status in (ProposalStatus.DECIDED, ProposalStatus.WITHDRAWN):
        raise ValidationError(_("This proposal can no longer be amended."), code="closed")
    if field not in AmendableField.values:
        raise ValidationError({"field": _("Choose the part of the proposal to change.")})
    if not proposed_text.strip():
        raise ValidationError({"proposed_text": _("Write the proposed text.")})
    return Amendment.objects.create(
        proposal=proposal, author=user, field=field, proposed_text=proposed_text.strip(), rationale=rationale.strip()
    )


@transaction.atomic
def amendment_resolve(*, amendment: Amendment, user: Any, accept: bool) -> Amendment:
    """Accept (the proposed text replaces the proposal's) or reject an open amendment."""
    locked = Amendment.objects.select_for_update().select_related("proposal").get(pk=amendment.pk)
    if locked.status != AmendmentStatus.OPEN:
        raise ValidationError(_("This amendment has already been accepted or rejected."), code="resolved")
    proposal = locked.proposal
    if proposal.status in (ProposalStatus.DECIDED, ProposalStatus.WITHDRAWN):
        raise ValidationError(_("This proposal can no longer be amended."), code="closed")
    if accept:
        setattr(proposal, locked.field, locked.proposed_text)
        proposal.full_clean(exclude=list(PROPOSAL_M2M))
        proposal.save()
    locked.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.REJECTED
    locked.resolved_by = user
    locked.resolved_at = timezone.now()
    locked.save()
    return locked


@transaction.atomic
def advisory_input_save(*, proposal: Proposal, body: Body, user: Any, position: str, text: str) -> AdvisoryInput:
    """Record (or update) an advisory table's input on a submitted proposal."""
    _require_phase(proposal.cycle, PhaseAction.ADVISORY_INPUT)
    if body.kind != BodyKind.ADVISORY_TABLE:
        raise ValidationError({"body": _("Only an advisory table gives advisory input.")})
    if proposal.status not in OPEN_FOR_INPUT:
        raise ValidationError(_("Advisory input is recorded on submitted proposals only."), code="not_submitted")
    if not text.strip():
        raise ValidationError({"text": _("Write the advisory table's input.")})
    advisory, _created = AdvisoryInput.objects.update_or_create(
        proposal=proposal,
        body=body,
        defaults={"position": position, "text": text.strip(), "recorded_by": user, "recorded_at": timezone.now()},
    )
    return advisory


# --- Prioritisation ---
def cycle_start_prioritisation(*, cycle: StrategyCycle, user: Any) -> int:
    """Move every submitted proposal of the cycle into prioritisation; returns how many moved."""
    moved = 0
    with transaction.atomic():
        # One save per proposal (not a bulk update) so that each keeps its change history.
        for proposal in Proposal.objects.select_for_update().filter(cycle=cycle, status=ProposalStatus.SUBMITTED):
            proposal.status = ProposalStatus.IN_PRIORITISATION
            proposal.save(update_fields=["status", "updated_at"])
            moved += 1
    return moved


@transaction.atomic
def score_save(*, proposal: Proposal, member: Any, values: Mapping[int, int]) -> list[Score]:
    """Save a member's scores of one proposal ({criterion id: 0 to 5}); scores are replaced, not added."""
    _require_phase(proposal.cycle, PhaseAction.SCORE)
    if proposal.status not in OPEN_FOR_INPUT:
        raise ValidationError(_("Only submitted proposals can be scored."), code="not_submitted")
    criteria = {c.pk: c for c in Criterion.objects.filter(cycle_id=proposal.cycle_id)}
    errors: dict[str, str] = {}
    for criterion_id, value in values.items():
        if criterion_id not in criteria:
            errors[f"criterion_{criterion_id}"] = _("This criterion does not belong to the cycle.")
        elif not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            errors[f"criterion_{criterion_id}"] = _("A score runs from %(min)s to %(max)s.") % {
                "min": SCORE_MIN,
                "max": SCORE_MAX,
            }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    saved = []
    for criterion_id, value in values.items():
        score, _created = Score.objects.update_or_create(
            member=member, proposal=proposal, criterion_id=criterion_id, defaults={"value": value, "updated_at": now}
        )
        saved.append(score)
    return saved


def _ballot_locked(cycle: StrategyCycle, member: Any) -> Ballot:
    """The member's ballot for the cycle, locked for this transaction (created from the budget)."""
    budget = VoteBudget.objects.filter(cycle=cycle).first()
    if budget is None:
        raise ValidationError(_("No vote budget has been set for this cycle."), code="no_budget")
    try:
        with transaction.atomic():
            Ballot.objects.get_or_create(
                cycle=cycle, member=member, defaults={"votes_available": budget.votes_per_member}
            )
    except IntegrityError:
        pass  # created by a concurrent request: lock that one
    return Ballot.objects.select_for_update().get(cycle=cycle, member=member)


def _eligible_proposal_ids(cycle: StrategyCycle, proposal_ids: Iterable[int]) -> set[int]:
    return set(
        Proposal.objects.filter(cycle=cycle, pk__in=list(proposal_ids), status__in=OPEN_FOR_INPUT).values_list(
            "pk", flat=True
        )
    )


@transaction.atomic
def vote_allocation_set(*, cycle: StrategyCycle, member: Any, allocation: Mapping[int, int]) -> Ballot:
    """Replace the member's votes with ``allocation`` ({proposal id: votes}); the total may not exceed
    the budget. Submitting the same allocation twice leaves the same votes."""
    _require_phase(cycle, PhaseAction.VOTE)
    wanted = {pid: count for pid, count in allocation.items() if count}
    if any((not isinstance(c, int)) or c < 0 for c in allocation.values()):
        raise ValidationError(_("Votes are whole numbers, 0 or more."), code="invalid")
    budget = VoteBudget.objects.filter(cycle=cycle).first()
    if budget is not None and budget.max_votes_per_proposal is not None:
        if any(c > budget.max_votes_per_proposal for c in wanted.values()):
            raise ValidationError(
                _("At most %(n)s votes on one proposal.") % {"n": budget.max_votes_per_proposal}, code="too_many"
            )
    ineligible = set(wanted) - _eligible_proposal_ids(cycle, wanted)
    if ineligible:
        raise ValidationError(_("Votes can go only to submitted proposals of this cycle."), code="ineligible")
    ballot = _ballot_locked(cycle, member)
    total = sum(wanted.values())
    if total > ballot.votes_available:
        raise ValidationError(
            _("You have %(available)s votes; this allocation spends %(total)s.")
            % {"available": ballot.votes_available, "total": total},
            code="over_budget",
        )
    Vote.objects.filter(ballot=ballot).exclude(proposal_id__in=wanted).delete()
    for proposal_id, count in wanted.items():
        Vote.objects.update_or_create(ballot=ballot, proposal_id=proposal_id, defaults={"count": count})
    ballot.votes_spent = total
    ballot.updated_at = timezone.now()
    ballot.save(update_fields=["votes_spent", "updated_at"])
    return ballot


@transaction.atomic
def vote_cast(*, proposal: Proposal, member: Any, delta: int = 1) -> Ballot:
    """Add (or, with a negative delta, take back) votes on one proposal, within the budget."""
    cycle = proposal.cycle
    _require_phase(cycle, PhaseAction.VOTE)
    if not _eligible_proposal_ids(cycle, [proposal.pk]):
        raise ValidationError(_("Votes can go only to submitted proposals of this cycle."), code="ineligible")
    ballot = _ballot_locked(cycle, member)
    vote = Vote.objects.filter(ballot=ballot, proposal=proposal).first()
    current = vote.count if vote else 0
    new = current + delta
    if new < 0:
        raise ValidationError(_("You have no votes on this proposal to take back."), code="invalid")
    budget = VoteBudget.objects.get(cycle=cycle)
    if delta > 0 and budget.max_votes_per_proposal is not None and new > budget.max_votes_per_proposal:
        raise ValidationError(
            _("At most %(n)s votes on one proposal.") % {"n": budget.max_votes_per_proposal}, code="too_many"
        )
    if ballot.votes_spent + delta > ballot.votes_available:
        raise ValidationError(
            _("You have no votes left (%(available)s in all).") % {"available": ballot.votes_available},
            code="over_budget",
        )
    if new == 0 and vote is not None:
        vote.delete()
    elif vote is None:
        Vote.objects.create(ballot=ballot, proposal=proposal, count=new)
    else:
        vote.count = new
        vote.save(update_fields=["count"])
    ballot.votes_spent += delta
    ballot.updated_at = timezone.now()
    ballot.save(update_fields=["votes_spent", "updated_at"])
    return ballot


# --- Decisions ---
@transaction.atomic
def decision_record(
    *,
    proposal: Proposal,
    user: Any,
    body: Body,
    outcome: str,
    reasons: str,
    changes: str = "",
    decided_at: dt.date | None = None,
) -> ProposalDecision:
    """Record the governance body's decision; accepting (with or without changes) makes the proposal
    a priority action of the cycle, numbered after the last one, with the proposal's indicators."""
    _require_phase(proposal.cycle, PhaseAction.DECIDE)
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status not in OPEN_FOR_INPUT:
        raise ValidationError(_("Only a submitted proposal awaiting a decision can be decided."), code="not_open")
    if body.kind != BodyKind.GOVERNANCE_BODY:
        raise ValidationError({"decided_by": _("Decisions are made by a governance body.")})
    if outcome not in DecisionOutcome.values:
        raise ValidationError({"outcome": _("Choose a decision.")})
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    if outcome == DecisionOutcome.ACCEPTED_WITH_CHANGES and not changes.strip():
        raise ValidationError({"changes": _("Say which changes the acceptance requires.")})
    decision = ProposalDecision.objects.create(
        proposal=locked,
        outcome=outcome,
        reasons=reasons.strip(),
        changes=changes.strip(),
        decided_at=decided_at or timezone.localdate(),
        decided_by=body,
        recorded_by=user,
    )
    locked.status = ProposalStatus.DECIDED
    locked.save(update_fields=["status", "updated_at"])
    if outcome in ACCEPTING_OUTCOMES:
        action_create_from_proposal(proposal=locked, decision=decision)
    proposal.status = locked.status
    return decision


def action_create_from_proposal(*, proposal: Proposal, decision: ProposalDecision) -> Action:
    """The priority action an accepted proposal becomes (called inside decision_record's transaction)."""
    # Lock the cycle row so two decisions at once cannot take the same number.
    StrategyCycle.objects.select_for_update().get(pk=proposal.cycle_id)
    number = (Action.objects.filter(cycle_id=proposal.cycle_id).aggregate(top=Max("number"))["top"] or 0) + 1
    description = proposal.action
    if decision.changes:
        description = f"{description}\n\n{decision.changes}"
    action = Action.objects.create(
        cycle_id=proposal.cycle_id,
        proposal=proposal,
        number=number,
        title=proposal.title,
        description=description,
        lead_organization=proposal.lead_organization,
        focus_area=proposal.focus_area,
    )
    action.partner_organizations.set(proposal.partner_organizations.all())
    for indicator in proposal.indicators.all():
        indicator.action = action
        indicator.save(update_fields=["action"])
    return action


# --- The strategy document ---
def _strategy_language(language: str | None) -> str:
    """A language the strategy's text can be kept in: the given one, else the active one, else English."""
    codes = INTERFACE_LANGUAGE_CODES
    candidate = (language or translation.get_language() or "en").lower()
    return candidate if candidate in codes else "en"


@transaction.atomic
def strategy_publish(
    *, cycle: StrategyCycle, user: Any, title: str, summary: str, language: str | None = None
) -> Strategy:
    """Publish a new version of the cycle's strategy: every priority action of the cycle, in number
    order. Each call makes the next version; earlier versions stay as they were published. The title
    and summary are kept in ``language`` (default: the active language); other languages are added
    with strategy_translation_save."""
    _require_phase(cycle, PhaseAction.STRATEGY_PUBLISH)
    title, summary = title.strip(), summary.strip()
    if not title:
        raise ValidationError({"title": _("Give the strategy a title.")})
    # Lock the cycle so that two publications at once cannot take the same version number.
    StrategyCycle.objects.select_for_update().get(pk=cycle.pk)
    actions = list(Action.objects.filter(cycle=cycle).order_by("number", "id"))
    if not actions:
        raise ValidationError(
            _("The cycle has no priority actions yet: the governance body accepts proposals first."),
            code="no_actions",
        )
    version = (Strategy.objects.filter(cycle=cycle).aggregate(top=Max("version"))["top"] or 0) + 1
    strategy = Strategy(cycle=cycle, version=version, published_at=timezone.now(), is_demo=cycle.is_demo)
    strategy.set_current_language(_strategy_language(language))
    strategy.title = title
    strategy.summary = summary
    strategy.save()
    StrategyAction.objects.bulk_create(
        StrategyAction(strategy=strategy, action=action, position=position)
        for position, action in enumerate(actions, start=1)
    )
    return strategy


@transaction.atomic
def strategy_translation_save(*, strategy: Strategy, user: Any, language: str, title: str, summary: str) -> Strategy:
    """Add or replace the strategy's title and summary in one interface language."""
    if language not in INTERFACE_LANGUAGE_CODES:
        raise ValidationError({"language": _("Choose one of the interface languages.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the strategy a title.")})
    strategy.set_current_language(language)
    strategy.title = title.strip()
    strategy.summary = summary.strip()
    strategy.save()
    return strategy


# --- Tracking: quarterly progress, indicator values, milestones ---
def _current_quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


@transaction.atomic
def progress_update_submit(
    *, action: Action, user: Any, year: int, quarter: int, status: str, progress: int, narrative: str
) -> ProgressUpdate:
    """The lead organization's update for one quarter (a second one for the same quarter replaces
    the first). The latest quarter's status and progress become the action's own."""
    _require_phase(action.cycle, PhaseAction.PROGRESS_REPORT)
    errors: dict[str, str] = {}
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("A quarter is 1, 2, 3 or 4.")
    elif (year, quarter) > _current_quarter(timezone.localdate()):
        errors["quarter"] = _("This quarter has not started yet.")
    if year < action.cycle.starts_on.year or year > action.cycle.ends_on.year:
        errors["year"] = _("The year must fall within the cycle (%(start)s to %(end)s).") % {
            "start": action.cycle.starts_on.year,
            "end": action.cycle.ends_on.year,
        }
    if status not in ActionStatus.values:
        errors["status"] = _("Choose a status.")
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = _("Progress runs from 0 to 100%.")
    if not narrative.strip():
        errors["narrative"] = _("Say what happened this quarter.")
    if errors:
        raise ValidationError(errors)
    locked = Action.objects.select_for_update().get(pk=action.pk)
    update, _created = ProgressUpdate.objects.update_or_create(
        action=locked,
        year=year,
        quarter=quarter,
        defaults={
            "status": status,
            "progress": progress,
            "narrative": narrative.strip(),
            "submitted_by": user,
            "submitted_at": timezone.now(),
        },
    )
    latest = ProgressUpdate.objects.filter(action=locked).order_by("-year", "-quarter").first()
    if latest is not None and (latest.status, latest.progress) != (locked.status, locked.progress):
        locked.status, locked.progress = latest.status, latest.progress
        locked.save(update_fields=["status", "progress"])
    action.status, action.progress = locked.status, locked.progress
    return update


def indicator_value_add(
    *, indicator: Indicator, user: Any, date: dt.date, value: Decimal, note: str = ""
) -> IndicatorValue:
    """Record an indicator's measured value on a date (a second value for the same date replaces it)."""
    if indicator.action_id is None:
        raise ValidationError(_("Values are recorded for the indicators of priority actions only."), code="no_action")
    action = indicator.action
    assert action is not None
    _require_phase(action.cycle, PhaseAction.PROGRESS_REPORT)
    if date > timezone.localdate():
        raise ValidationError({"date": _("A measured value cannot be dated in the future.")})
    record, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        date=date,
        defaults={"value": value, "note": note.strip(), "recorded_by": user, "recorded_at": timezone.now()},
    )
    return record


def milestone_add(*, action: Action, user: Any, title: str, due_on: dt.date | None = None) -> Milestone:
    _require_phase(action.cycle, PhaseAction.PROGRESS_REPORT)
    if not title.strip():
        raise ValidationError({"title": _("Name the milestone.")})
    position = (action.milestones.aggregate(top=Max("position"))["top"] or 0) + 1
    return Milestone.objects.create(action=action, title=title.strip(), due_on=due_on, position=position)


def milestone_complete(*, milestone: Milestone, user: Any, completed_on: dt.date | None = None) -> Milestone:
    _require_phase(milestone.action.cycle, PhaseAction.PROGRESS_REPORT)
    day = completed_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"completed_on": _("A milestone cannot be completed in the future.")})
    milestone.completed_on = day
    milestone.save(update_fields=["completed_on"])
    return milestone
