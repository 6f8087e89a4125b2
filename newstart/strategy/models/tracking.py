"""The strategy and its implementation: priority actions, the versioned strategy document,
milestones, indicator values and quarterly progress updates."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields
from simple_history.models import HistoricalRecords


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


class Action(models.Model):
    """A priority action of the strategy: an accepted proposal, numbered within its cycle."""

    cycle = models.ForeignKey(
        "strategy.StrategyCycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="actions"
    )
    proposal = models.OneToOneField(
        "strategy.Proposal",
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="priority_action",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_organization = models.ForeignKey(
        "partnership.PartnerOrganization",
        verbose_name=_("lead organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_strategy_actions",
    )
    partner_organizations = models.ManyToManyField(
        "partnership.PartnerOrganization",
        verbose_name=_("partner organizations"),
        blank=True,
        related_name="strategy_actions",
    )
    focus_area = models.ForeignKey(
        "partnership.FocusArea",
        verbose_name=_("focus area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_actions",
    )
    status = models.CharField(
        _("status"), max_length=15, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("priority action")
        verbose_name_plural = _("priority actions")
        ordering = ("cycle", "number")
        constraints = [
            models.UniqueConstraint(fields=("cycle", "number"), name="strategy_action_number_per_cycle"),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="strategy_action_progress_0_to_100",
                violation_error_message=_("Progress runs from 0 to 100%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Strategy(TranslatableModel):
    """A published version of the community's settlement strategy."""

    cycle = models.ForeignKey(
        "strategy.StrategyCycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="strategies"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    translations = TranslatedFields(
        title=models.CharField(_("title"), max_length=300),
        summary=models.TextField(_("summary"), blank=True),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    actions = models.ManyToManyField(
        Action, verbose_name=_("priority actions"), through="strategy.StrategyAction", related_name="strategies"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ("cycle", "-version")
        constraints = [models.UniqueConstraint(fields=("cycle", "version"), name="strategy_version_per_cycle")]

    def __str__(self) -> str:
        title = self.safe_translation_getter("title", any_language=True) or ""
        return f"{title} (v{self.version})"


class StrategyAction(models.Model):
    """A priority action's place in a strategy version."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.CASCADE, related_name="strategy_actions"
    )
    action = models.ForeignKey(
        Action, verbose_name=_("priority action"), on_delete=models.PROTECT, related_name="strategy_actions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action in a strategy")
        verbose_name_plural = _("actions in a strategy")
        ordering = ("strategy", "position", "id")
        constraints = [models.UniqueConstraint(fields=("strategy", "action"), name="strategy_action_once_per_version")]

    def __str__(self) -> str:
        return f"{self.strategy_id} · {self.action_id}"


class Milestone(models.Model):
    action = models.ForeignKey(
        Action, verbose_name=_("priority action"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=300)
    due_on = models.DateField(_("due"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ("action", "position", "due_on", "id")

    def __str__(self) -> str:
        return self.title


class IndicatorValue(models.Model):
    """A measured value of an indicator on a date."""

    indicator = models.ForeignKey(
        "strategy.Indicator", verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ("indicator", "date", "id")
        constraints = [models.UniqueConstraint(fields=("indicator", "date"), name="strategy_one_value_per_date")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.date}: {self.value}"


class ProgressUpdate(models.Model):
    """The lead organization's quarterly update on a priority action."""

    action = models.ForeignKey(
        Action, verbose_name=_("priority action"), on_delete=models.CASCADE, related_name="progress_updates"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])
    status = models.CharField(_("status"), max_length=15, choices=ActionStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    narrative = models.TextField(_("what happened this quarter"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ("action", "-year", "-quarter")
        constraints = [
            models.UniqueConstraint(fields=("action", "year", "quarter"), name="strategy_one_update_per_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="strategy_update_quarter_1_to_4",
                violation_error_message=_("A quarter is 1, 2, 3 or 4."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="strategy_update_progress_0_to_100",
                violation_error_message=_("Progress runs from 0 to 100%."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} · {self.year} Q{self.quarter}"

    @property
    def quarter_label(self) -> str:
        return f"{self.year} Q{self.quarter}"
