"""A strategy cycle and its dated phases.

As in adhocracy+, a phase declares which actions it allows: proposals are submitted only while the
proposals phase is open, scores and votes only during prioritisation, decisions only in the decision
phase. A phase is open when today (in the partnership's time zone) falls within its dates.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class PhaseKind(models.TextChoices):
    INVENTORY = "inventory", _("Inventory of existing activities")
    GAPS = "gaps", _("Gaps and needs")
    PROPOSALS = "proposals", _("Proposals")
    PRIORITISATION = "prioritisation", _("Prioritisation")
    DECISION = "decision", _("Decision")
    STRATEGY = "strategy", _("Strategy")
    TRACKING = "tracking", _("Tracking")


# The phases in their usual order (a phase's position in the cycle).
PHASE_ORDER: tuple[str, ...] = tuple(kind.value for kind in PhaseKind)


class PhaseAction(models.TextChoices):
    """Things people do in a cycle that only some phases allow."""

    ACTIVITY_EDIT = "activity_edit", _("Add and edit inventoried activities")
    GAP_EDIT = "gap_edit", _("Add and edit gaps and evidence")
    PROPOSAL_EDIT = "proposal_edit", _("Write and edit proposal drafts")
    PROPOSAL_SUBMIT = "proposal_submit", _("Submit proposals")
    COMMENT = "comment", _("Comment on proposals")
    AMEND = "amend", _("Propose amendments")
    ADVISORY_INPUT = "advisory_input", _("Record the advisory table's input")
    SCORE = "score", _("Score proposals")
    VOTE = "vote", _("Spend votes")
    DECIDE = "decide", _("Record decisions")
    STRATEGY_PUBLISH = "strategy_publish", _("Publish the strategy")
    PROGRESS_REPORT = "progress_report", _("Report progress")


# Which actions each phase allows (declarative, as adhocracy+'s phase contents). The gaps register
# stays open in every phase: evidence of a need (e.g. from the insights pages) arrives at any time.
PHASE_ACTIONS: dict[str, frozenset[str]] = {
    PhaseKind.INVENTORY: frozenset({PhaseAction.ACTIVITY_EDIT, PhaseAction.GAP_EDIT}),
    PhaseKind.GAPS: frozenset({PhaseAction.ACTIVITY_EDIT, PhaseAction.GAP_EDIT}),
    PhaseKind.PROPOSALS: frozenset(
        {
            PhaseAction.GAP_EDIT,
            PhaseAction.PROPOSAL_EDIT,
            PhaseAction.PROPOSAL_SUBMIT,
            PhaseAction.COMMENT,
            PhaseAction.AMEND,
            PhaseAction.ADVISORY_INPUT,
        }
    ),
    PhaseKind.PRIORITISATION: frozenset(
        {PhaseAction.GAP_EDIT, PhaseAction.SCORE, PhaseAction.VOTE, PhaseAction.COMMENT, PhaseAction.ADVISORY_INPUT}
    ),
    PhaseKind.DECISION: frozenset({PhaseAction.GAP_EDIT, PhaseAction.DECIDE}),
    PhaseKind.STRATEGY: frozenset({PhaseAction.GAP_EDIT, PhaseAction.STRATEGY_PUBLISH}),
    PhaseKind.TRACKING: frozenset({PhaseAction.GAP_EDIT, PhaseAction.PROGRESS_REPORT}),
}

# What is due in each phase, for the dashboards.
PHASE_DUE: dict[str, StrPromise] = {
    PhaseKind.INVENTORY: _("Each strategy group lists the existing activities in its focus area."),
    PhaseKind.GAPS: _("Strategy groups record gaps and needs, with evidence, in the gaps register."),
    PhaseKind.PROPOSALS: _(
        "Members draft and submit priority action proposals; the advisory table gives its input on each."
    ),
    PhaseKind.PRIORITISATION: _("Members score every submitted proposal on each criterion and spend their votes."),
    PhaseKind.DECISION: _("The governance body records its decision on each proposal."),
    PhaseKind.STRATEGY: _("The secretariat assembles and publishes the strategy from the accepted actions."),
    PhaseKind.TRACKING: _("Lead organizations report progress on their actions every quarter."),
}


class StrategyCycle(models.Model):
    """One round of the partnership's strategy work, from inventory to a published, tracked strategy."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True, help_text=_("Used in web addresses."))
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    prioritising_bodies = models.ManyToManyField(
        "partnership.Body",
        verbose_name=_("bodies that prioritise"),
        blank=True,
        related_name="prioritised_strategy_cycles",
        help_text=_("Whose members score proposals and spend votes. Leave empty for every strategy group."),
    )
    governance_body = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("deciding body"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governed_strategy_cycles",
        help_text=_("The governance body that decides on proposals. Leave empty for any governance body."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategy cycle")
        verbose_name_plural = _("strategy cycles")
        ordering = ("-starts_on", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="strategy_cycle_ends_after_start",
                violation_error_message=_("A cycle cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """A dated phase of a cycle. Phases may overlap; an action is allowed if any open phase allows it."""

    cycle = models.ForeignKey(StrategyCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ("cycle", "starts_on", "id")
        constraints = [
            models.UniqueConstraint(fields=("cycle", "kind"), name="strategy_phase_once_per_cycle"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="strategy_phase_ends_after_start",
                violation_error_message=_("A phase cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.get_kind_display()}"

    def is_open(self, day: dt.date | None = None) -> bool:
        today = day or timezone.localdate()
        return self.starts_on <= today <= self.ends_on

    @property
    def allowed_actions(self) -> frozenset[str]:
        return PHASE_ACTIONS.get(self.kind, frozenset())

    def allows(self, action: str) -> bool:
        return action in self.allowed_actions

    @property
    def due(self) -> str:
        return str(PHASE_DUE.get(self.kind, ""))
