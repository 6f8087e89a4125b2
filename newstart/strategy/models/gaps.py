"""The needs and gaps register, with the evidence for each gap."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Severity(models.IntegerChoices):
    MINOR = 1, _("1 · Minor")
    MODERATE = 2, _("2 · Moderate")
    SIGNIFICANT = 3, _("3 · Significant")
    SERIOUS = 4, _("4 · Serious")
    CRITICAL = 5, _("5 · Critical")


class GapStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADDRESSED = "addressed", _("Addressed by a proposal")
    MONITORING = "monitoring", _("Being monitored")
    CLOSED = "closed", _("Closed")


class Gap(models.Model):
    """A need or gap in the community's settlement services."""

    cycle = models.ForeignKey(
        "strategy.StrategyCycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="gaps"
    )
    body = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("recorded by body"),
        on_delete=models.PROTECT,
        related_name="strategy_gaps",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    populations_affected = models.CharField(_("populations affected"), max_length=300, blank=True)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.SIGNIFICANT)
    focus_area = models.ForeignKey(
        "partnership.FocusArea",
        verbose_name=_("focus area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_gaps",
    )
    characteristics = models.ManyToManyField(
        "partnership.WelcomingCharacteristic",
        verbose_name=_("characteristics of a welcoming community"),
        blank=True,
        related_name="strategy_gaps",
    )
    status = models.CharField(_("status"), max_length=12, choices=GapStatus.choices, default=GapStatus.OPEN)
    # Where the gap came from when another part of newstart proposed it, e.g. the insights
    # gap analysis: {"app": "insights", "kind": "service_gap", "url": "...", ...}.
    source_url = models.CharField(_("origin link"), max_length=500, blank=True)
    source = models.JSONField(_("origin"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gap")
        verbose_name_plural = _("gaps")
        ordering = ("-severity", "title", "id")
        indexes = [models.Index(fields=("cycle", "status"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1) & Q(severity__lte=5),
                name="strategy_gap_severity_1_to_5",
                violation_error_message=_("Severity runs from 1 to 5."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class EvidenceKind(models.TextChoices):
    DATA = "data", _("Data")
    CONSULTATION = "consultation", _("Consultation results")
    INVENTORY = "inventory", _("Inventory of activities")
    LIVED_EXPERIENCE = "lived_experience", _("Lived-experience input")


class Evidence(models.Model):
    gap = models.ForeignKey(Gap, verbose_name=_("gap"), on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind of evidence"), max_length=20, choices=EvidenceKind.choices)
    text = models.TextField(_("evidence"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    activity = models.ForeignKey(
        "strategy.Activity",
        verbose_name=_("inventoried activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ("added_at", "id")

    def __str__(self) -> str:
        return self.text[:80]
