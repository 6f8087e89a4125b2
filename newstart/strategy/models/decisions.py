"""The governance body's official answer on each proposal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DecisionOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    ACCEPTED_WITH_CHANGES = "accepted_with_changes", _("Accepted with changes")
    DEFERRED = "deferred", _("Deferred")
    REJECTED = "rejected", _("Rejected")


ACCEPTING_OUTCOMES: frozenset[str] = frozenset({DecisionOutcome.ACCEPTED, DecisionOutcome.ACCEPTED_WITH_CHANGES})


class ProposalDecision(models.Model):
    """The decision on one proposal. (Named apart from partnership.Decision, a meeting's decision.)"""

    proposal = models.OneToOneField(
        "strategy.Proposal", verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("decision"), max_length=25, choices=DecisionOutcome.choices)
    reasons = models.TextField(_("reasons"))
    changes = models.TextField(
        _("changes required"), blank=True, help_text=_("For a proposal accepted with changes: which changes.")
    )
    decided_at = models.DateField(_("decided on"), default=timezone.localdate)
    decided_by = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="strategy_decisions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision on a proposal")
        verbose_name_plural = _("decisions on proposals")
        ordering = ("-decided_at", "id")

    def __str__(self) -> str:
        return f"{self.proposal} · {self.get_outcome_display()}"

    @property
    def accepts(self) -> bool:
        return self.outcome in ACCEPTING_OUTCOMES
