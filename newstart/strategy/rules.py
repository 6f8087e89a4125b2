"""Who may do what in the strategy cycle (django-rules; loaded by rules' autodiscovery).

Built on the partnership's roles (newstart.partnership.rules):

- Every workspace participant sees the cycles, their phases and the work of public bodies.
- Activities and gaps belong to the body that recorded them: public bodies' records are read by every
  participant, private ones by the body's members and the staff (secretariat and coordinators). A
  body's contributing members (chair or member, not observers) and the staff edit them.
- A proposal in draft is seen by its author and the proposing body's members only. Once submitted it
  is also read by the staff, the members of the bodies that prioritise and decide, and the advisory
  tables; a public body's submitted proposals by every participant.
- Contributing members of the proposing body edit drafts, submit, and propose amendments; the
  proposal's author or the body's chair accepts or rejects amendments.
- Contributing members of an advisory table record its input; contributing members of the
  prioritising bodies score and vote; the deciding body's chair and the secretariat record decisions.

Phases are not checked here but in the services (``newstart.strategy.services``): a rule says who,
a phase says when. ``phase_allows`` lets templates hide buttons for closed phases.

Seats are read once per request and cached on the user object (``_strategy_seats``).
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from newstart.partnership.models import Body, BodyKind, Membership, MembershipRole
from newstart.partnership.rules import is_participant, is_partnership_staff, is_secretariat
from newstart.strategy.models import (
    Activity,
    AdvisoryInput,
    Amendment,
    Evidence,
    Gap,
    Proposal,
    ProposalStatus,
    StrategyCycle,
)

CONTRIBUTING_ROLES = frozenset({MembershipRole.CHAIR, MembershipRole.MEMBER})
_RANK = {MembershipRole.CHAIR: 0, MembershipRole.MEMBER: 1, MembershipRole.OBSERVER: 2}


def strategy_seats(user: Any) -> dict[int, tuple[str, str]]:
    """The bodies the user sits on today: body id -> (role, body kind); chair beats member beats observer."""
    cached = getattr(user, "_strategy_seats", None)
    if cached is not None:
        return cached
    seats: dict[int, tuple[str, str]] = {}
    if user.is_authenticated:
        rows = (
            Membership.objects.current(timezone.localdate())
            .filter(person=user, body__active=True)
            .values_list("body_id", "role", "body__kind")
        )
        for body_id, role, kind in rows:
            if body_id not in seats or _RANK[role] < _RANK[seats[body_id][0]]:  # type: ignore[index]
                seats[body_id] = (role, kind)
    user._strategy_seats = seats
    return seats


def member_body_ids(user: Any, *, contributing: bool = False) -> set[int]:
    return {
        body_id
        for body_id, (role, _kind) in strategy_seats(user).items()
        if not contributing or role in CONTRIBUTING_ROLES
    }


def prioritising_body_ids(cycle: StrategyCycle) -> set[int]:
    """The bodies whose members score and vote in a cycle (cached on the cycle)."""
    cached = getattr(cycle, "_prioritising_body_ids", None)
    if cached is None:
        chosen = {body.pk for body in cycle.prioritising_bodies.all()}
        if not chosen:
            chosen = set(Body.objects.filter(kind=BodyKind.STRATEGY_GROUP, active=True).values_list("pk", flat=True))
        cached = chosen
        cycle._prioritising_body_ids = cached  # type: ignore[attr-defined]
    return cached


def _cycle_of(obj: Any) -> StrategyCycle | None:
    if isinstance(obj, StrategyCycle):
        return obj
    return getattr(obj, "cycle", None)


def _body_id_of(obj: Any) -> int | None:
    if isinstance(obj, (Activity, Gap, Proposal)):
        return obj.body_id
    if isinstance(obj, Evidence):
        return obj.gap.body_id
    if isinstance(obj, (Amendment, AdvisoryInput)):
        return obj.proposal.body_id
    return None


def _proposal_of(obj: Any) -> Proposal | None:
    if isinstance(obj, Proposal):
        return obj
    if isinstance(obj, (Amendment, AdvisoryInput)):
        return obj.proposal
    return None


# --- Seats ---
@rules.predicate
def is_record_body_member(user: Any, obj: Any) -> bool:
    """A current member (any role) of the body that owns the record."""
    body_id = _body_id_of(obj)
    return body_id is not None and body_id in member_body_ids(user)


@rules.predicate
def is_record_body_contributor(user: Any, obj: Any) -> bool:
    """A current chair or member (not an observer) of the body that owns the record."""
    body_id = _body_id_of(obj)
    return body_id is not None and body_id in member_body_ids(user, contributing=True)


@rules.predicate
def is_record_body_chair(user: Any, obj: Any) -> bool:
    body_id = _body_id_of(obj)
    return body_id is not None and strategy_seats(user).get(body_id, ("", ""))[0] == MembershipRole.CHAIR


@rules.predicate
def is_record_body_public(user: Any, obj: Any) -> bool:
    if isinstance(obj, (Activity, Gap, Proposal)):
        return obj.body.is_public
    if isinstance(obj, Evidence):
        return obj.gap.body.is_public
    return False


@rules.predicate
def is_contributor_anywhere(user: Any) -> bool:
    """A chair or member of at least one body: may start records for the bodies they sit on."""
    return bool(member_body_ids(user, contributing=True))


@rules.predicate
def is_advisory_member(user: Any) -> bool:
    return any(
        kind == BodyKind.ADVISORY_TABLE and role in CONTRIBUTING_ROLES for role, kind in strategy_seats(user).values()
    )


@rules.predicate
def is_prioritiser(user: Any, obj: Any) -> bool:
    """A chair or member of a body that prioritises in the object's cycle."""
    cycle = _cycle_of(obj)
    return cycle is not None and bool(member_body_ids(user, contributing=True) & prioritising_body_ids(cycle))


@rules.predicate
def is_decider_member(user: Any, obj: Any) -> bool:
    """A current member (any role) of the deciding body of the object's cycle."""
    cycle = _cycle_of(obj)
    if cycle is None:
        return False
    seats = strategy_seats(user)
    if cycle.governance_body_id is not None:
        return cycle.governance_body_id in seats
    return any(kind == BodyKind.GOVERNANCE_BODY for _role, kind in seats.values())


@rules.predicate
def is_decider_chair(user: Any, obj: Any) -> bool:
    cycle = _cycle_of(obj)
    if cycle is None:
        return False
    seats = strategy_seats(user)
    if cycle.governance_body_id is not None:
        return seats.get(cycle.governance_body_id, ("", ""))[0] == MembershipRole.CHAIR
    return any(role == MembershipRole.CHAIR and kind == BodyKind.GOVERNANCE_BODY for role, kind in seats.values())


# --- Proposals ---
@rules.predicate
def is_proposal_author(user: Any, obj: Any) -> bool:
    proposal = _proposal_of(obj)
    return proposal is not None and user.is_authenticated and proposal.author_id == user.pk


@rules.predicate
def is_draft(user: Any, obj: Any) -> bool:
    proposal = _proposal_of(obj)
    return proposal is not None and proposal.status == ProposalStatus.DRAFT


@rules.predicate
def is_open_for_input(user: Any, obj: Any) -> bool:
    """Submitted or in prioritisation: not a draft, not yet decided, not withdrawn."""
    proposal = _proposal_of(obj)
    return proposal is not None and proposal.status in (ProposalStatus.SUBMITTED, ProposalStatus.IN_PRIORITISATION)


@rules.predicate
def is_amendment_author(user: Any, amendment: Any) -> bool:
    return isinstance(amendment, Amendment) and user.is_authenticated and amendment.author_id == user.pk


can_read_cycle = is_participant
can_manage_cycle = is_participant & is_partnership_staff

can_read_body_record = is_participant & (is_partnership_staff | is_record_body_member | is_record_body_public)
can_edit_body_record = is_participant & (is_partnership_staff | is_record_body_contributor)
can_create_record = is_participant & (is_partnership_staff | is_contributor_anywhere)

can_read_draft = is_participant & (is_proposal_author | is_record_body_member)
can_read_submitted = is_participant & (
    is_partnership_staff
    | is_record_body_member
    | is_record_body_public
    | is_prioritiser
    | is_decider_member
    | is_advisory_member
)
can_read_proposal = (is_draft & can_read_draft) | (~is_draft & can_read_submitted)
can_edit_proposal = is_participant & is_draft & (is_proposal_author | is_record_body_contributor)
can_submit_proposal = can_edit_proposal
can_withdraw_proposal = is_participant & is_open_for_input & (is_proposal_author | is_record_body_chair)
can_comment_proposal = can_read_proposal & (
    is_record_body_contributor | is_partnership_staff | is_prioritiser | is_advisory_member | is_decider_member
)
can_amend_proposal = can_read_proposal & is_record_body_contributor
can_resolve_amendment = is_participant & (is_proposal_author | is_record_body_chair)
can_give_advisory_input = can_read_proposal & is_open_for_input & is_advisory_member
can_score_proposal = can_read_proposal & is_open_for_input & is_prioritiser
can_vote = is_participant & is_prioritiser
can_read_results = is_participant & (is_partnership_staff | is_prioritiser | is_decider_member)
can_decide = is_participant & (is_secretariat | is_decider_chair)
can_decide_proposal = can_decide & ~is_draft


@rules.predicate
def phase_allows(user: Any, obj: tuple[StrategyCycle, str] | None) -> bool:
    """``has_perm("strategy.phase_allows", (cycle, action))``: whether an open phase allows the action."""
    if obj is None:
        return False
    from newstart.strategy.selectors import cycle_allows

    cycle, action = obj
    return cycle_allows(cycle=cycle, action=action)


rules.add_perm("strategy.read_cycle", can_read_cycle)
rules.add_perm("strategy.manage_cycle", can_manage_cycle)
rules.add_perm("strategy.read_activity", can_read_body_record)
rules.add_perm("strategy.create_activity", can_create_record)
rules.add_perm("strategy.edit_activity", can_edit_body_record)
rules.add_perm("strategy.read_gap", can_read_body_record)
rules.add_perm("strategy.create_gap", can_create_record)
rules.add_perm("strategy.edit_gap", can_edit_body_record)
rules.add_perm("strategy.read_proposal", can_read_proposal)
rules.add_perm("strategy.create_proposal", can_create_record)
rules.add_perm("strategy.edit_proposal", can_edit_proposal)
rules.add_perm("strategy.submit_proposal", can_submit_proposal)
rules.add_perm("strategy.withdraw_proposal", can_withdraw_proposal)
rules.add_perm("strategy.comment_proposal", can_comment_proposal)
rules.add_perm("strategy.amend_proposal", can_amend_proposal)
rules.add_perm("strategy.resolve_amendment", can_resolve_amendment)
rules.add_perm("strategy.give_advisory_input", can_give_advisory_input)
rules.add_perm("strategy.score_proposal", can_score_proposal)
rules.add_perm("strategy.vote", can_vote)
rules.add_perm("strategy.read_results", can_read_results)
rules.add_perm("strategy.decide", can_decide)
rules.add_perm("strategy.decide_proposal", can_decide_proposal)
rules.add_perm("strategy.phase_allows", phase_allows)

# --- The admin: the secretariat keeps the strategy's records there ---
ADMIN_MODELS: tuple[str, ...] = (
    "strategycycle",
    "phase",
    "activity",
    "gap",
    "evidence",
    "proposal",
    "equityquestion",
    "equityanswer",
    "indicator",
    "comment",
    "amendment",
    "advisoryinput",
    "criterion",
    "score",
    "votebudget",
    "ballot",
    "vote",
    "proposaldecision",
    "action",
    "strategy",
    "strategyaction",
    "milestone",
    "indicatorvalue",
    "progressupdate",
)
rules.add_perm("strategy", is_secretariat)
for _model in ADMIN_MODELS:
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"strategy.{_action}_{_model}", is_secretariat)


# --- The strategy, its tracking and exports (publication, accountability, open data) ---
def _action_of(obj: Any) -> Any:
    """The priority action behind an action, milestone, progress update, indicator or indicator value."""
    from newstart.strategy.models import Action, Indicator, IndicatorValue, Milestone, ProgressUpdate

    if isinstance(obj, Action):
        return obj
    if isinstance(obj, (Milestone, ProgressUpdate)):
        return obj.action
    if isinstance(obj, Indicator):
        return obj.action
    if isinstance(obj, IndicatorValue):
        return obj.indicator.action
    return None


@rules.predicate
def is_lead_organization_member(user: Any, obj: Any) -> bool:
    """The person belongs to (works for) the action's lead organization, as their profile says."""
    action = _action_of(obj)
    if action is None or action.lead_organization_id is None or not user.is_authenticated:
        return False
    profile = getattr(user, "partnership_profile", None)
    return profile is not None and profile.organization_id == action.lead_organization_id


@rules.predicate
def is_body_member_for_export(user: Any, body: Any) -> bool:
    """A current member (any role) of the body whose records are exported."""
    return isinstance(body, Body) and body.pk in member_body_ids(user)


can_publish_strategy = is_participant & is_partnership_staff
can_report_progress = is_participant & is_lead_organization_member
can_track_action = is_participant & (is_partnership_staff | is_lead_organization_member)
can_export_open_data = is_participant & is_secretariat
can_export_body = is_participant & (is_partnership_staff | is_body_member_for_export)

rules.add_perm("strategy.publish_strategy", can_publish_strategy)
rules.add_perm("strategy.translate_strategy", can_publish_strategy)
rules.add_perm("strategy.report_progress", can_report_progress)
rules.add_perm("strategy.track_action", can_track_action)
rules.add_perm("strategy.export_open_data", can_export_open_data)
rules.add_perm("strategy.export_body", can_export_body)
