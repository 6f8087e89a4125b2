"""The settlement strategy cycle: inventory, gaps, proposals, prioritisation, decisions, the strategy
and its tracking."""

from __future__ import annotations

from simple_history import register

from newstart.strategy.models.cycle import (
    PHASE_ACTIONS,
    PHASE_DUE,
    PHASE_ORDER,
    Phase,
    PhaseAction,
    PhaseKind,
    StrategyCycle,
)
from newstart.strategy.models.decisions import ACCEPTING_OUTCOMES, DecisionOutcome, ProposalDecision
from newstart.strategy.models.gaps import Evidence, EvidenceKind, Gap, GapStatus, Severity
from newstart.strategy.models.inventory import Activity
from newstart.strategy.models.prioritisation import (
    SCORE_MAX,
    SCORE_MIN,
    Ballot,
    Criterion,
    Score,
    Vote,
    VoteBudget,
)
from newstart.strategy.models.proposals import (
    AdvisoryInput,
    AdvisoryPosition,
    AmendableField,
    Amendment,
    AmendmentStatus,
    Comment,
    EquityAnswer,
    EquityQuestion,
    Indicator,
    Proposal,
    ProposalStatus,
)
from newstart.strategy.models.tracking import (
    Action,
    ActionStatus,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Strategy,
    StrategyAction,
)

# Translated text has its own tables (django-parler); give them change history too.
for _translated in (EquityQuestion, Strategy):
    register(_translated._parler_meta.root_model, app="newstart.strategy")  # type: ignore[attr-defined]

# The brief's name for the governance body's decision on a proposal.
Decision = ProposalDecision

__all__ = [
    "ACCEPTING_OUTCOMES",
    "PHASE_ACTIONS",
    "PHASE_DUE",
    "PHASE_ORDER",
    "SCORE_MAX",
    "SCORE_MIN",
    "Action",
    "ActionStatus",
    "Activity",
    "AdvisoryInput",
    "AdvisoryPosition",
    "AmendableField",
    "Amendment",
    "AmendmentStatus",
    "Ballot",
    "Comment",
    "Criterion",
    "Decision",
    "DecisionOutcome",
    "EquityAnswer",
    "EquityQuestion",
    "Evidence",
    "EvidenceKind",
    "Gap",
    "GapStatus",
    "Indicator",
    "IndicatorValue",
    "Milestone",
    "Phase",
    "PhaseAction",
    "PhaseKind",
    "ProgressUpdate",
    "Proposal",
    "ProposalDecision",
    "ProposalStatus",
    "Score",
    "Severity",
    "Strategy",
    "StrategyAction",
    "StrategyCycle",
    "Vote",
    "VoteBudget",
]
