"""Prioritisation: members score proposals on weighted criteria and spend a limited budget of votes.

The budget is enforced twice: by the services (which lock the member's ballot row) and by the
database, which refuses a ballot whose spent votes exceed the votes available to it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

SCORE_MIN = 0
SCORE_MAX = 5


class Criterion(models.Model):
    """A prioritisation criterion, e.g. "Impact on newcomers" with weight 2."""

    cycle = models.ForeignKey(
        "strategy.StrategyCycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what to consider"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
        help_text=_("How much this criterion counts in the weighted total."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(fields=("cycle", "name"), name="strategy_criterion_name_per_cycle"),
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="strategy_criterion_weight_not_negative",
                violation_error_message=_("A weight cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """One member's score of one proposal on one criterion (0 to 5)."""

    proposal = models.ForeignKey(
        "strategy.Proposal", verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="strategy_scores"
    )
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    updated_at = models.DateTimeField(_("scored"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ("proposal", "criterion", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("member", "proposal", "criterion"), name="strategy_one_score_per_member_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=SCORE_MIN) & Q(value__lte=SCORE_MAX),
                name="strategy_score_0_to_5",
                violation_error_message=_("A score runs from 0 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.criterion_id}: {self.value}"


class VoteBudget(models.Model):
    """How many votes each member may spend in a cycle."""

    cycle = models.OneToOneField(
        "strategy.StrategyCycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="vote_budget"
    )
    votes_per_member = models.PositiveSmallIntegerField(_("votes per member"), default=5)
    max_votes_per_proposal = models.PositiveSmallIntegerField(
        _("most votes on one proposal"),
        null=True,
        blank=True,
        help_text=_("Leave empty to let members put all their votes on one proposal."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote budget")
        verbose_name_plural = _("vote budgets")

    def __str__(self) -> str:
        return f"{self.cycle} · {self.votes_per_member}"


class Ballot(models.Model):
    """A member's votes in a cycle. ``votes_spent`` is the sum of the member's Vote rows, kept by the
    services in the same transaction; the check constraint makes overspending impossible."""

    cycle = models.ForeignKey(
        "strategy.StrategyCycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="ballots"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="strategy_ballots"
    )
    votes_available = models.PositiveSmallIntegerField(_("votes available"))
    votes_spent = models.PositiveSmallIntegerField(_("votes spent"), default=0)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=("cycle", "member"), name="strategy_one_ballot_per_member"),
            models.CheckConstraint(
                condition=Q(votes_spent__lte=models.F("votes_available")),
                name="strategy_ballot_within_budget",
                violation_error_message=_("You cannot spend more votes than your budget."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.votes_spent}/{self.votes_available}"


class Vote(models.Model):
    """Votes a member put on one proposal."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="votes")
    proposal = models.ForeignKey(
        "strategy.Proposal", verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="votes"
    )
    count = models.PositiveSmallIntegerField(_("votes"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ("ballot", "proposal")
        constraints = [
            models.UniqueConstraint(fields=("ballot", "proposal"), name="strategy_one_vote_row_per_proposal"),
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="strategy_vote_at_least_one",
                violation_error_message=_("At least one vote."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.count}"
