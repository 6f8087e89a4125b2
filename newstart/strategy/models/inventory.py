"""The inventory of existing activities: what partners already do, before anyone proposes more."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Activity(models.Model):
    """An existing activity or programme in the community, inventoried by a strategy group."""

    cycle = models.ForeignKey(
        "strategy.StrategyCycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="activities"
    )
    body = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("inventoried by"),
        on_delete=models.PROTECT,
        related_name="strategy_activities",
        help_text=_("The body that inventoried this activity."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    organizations = models.ManyToManyField(
        "partnership.PartnerOrganization",
        verbose_name=_("organizations"),
        blank=True,
        related_name="strategy_activities",
        help_text=_("The organizations that deliver the activity."),
    )
    focus_area = models.ForeignKey(
        "partnership.FocusArea",
        verbose_name=_("focus area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_activities",
    )
    characteristics = models.ManyToManyField(
        "partnership.WelcomingCharacteristic",
        verbose_name=_("characteristics of a welcoming community"),
        blank=True,
        related_name="strategy_activities",
    )
    population_served = models.CharField(
        _("population served"),
        max_length=300,
        blank=True,
        help_text=_("For example: refugee claimants, international students, newcomer seniors."),
    )
    services = models.ManyToManyField(
        "directory.Service",
        verbose_name=_("directory services"),
        blank=True,
        related_name="strategy_activities",
        help_text=_("The directory listings of this activity, if it has any."),
    )
    funding = models.CharField(
        _("funding"), max_length=300, blank=True, help_text=_("Who funds the activity, and how much if known.")
    )
    reach_count = models.PositiveIntegerField(_("reach"), null=True, blank=True)
    reach_unit = models.CharField(
        _("reach unit"), max_length=100, blank=True, help_text=_("For example: participants per year.")
    )
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
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ("title", "id")
        indexes = [models.Index(fields=("cycle", "body"))]

    def __str__(self) -> str:
        return self.title
