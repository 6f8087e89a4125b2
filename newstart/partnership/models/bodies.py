"""The partnership's standing bodies and who sits on them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    STRATEGY_GROUP = "strategy_group", _("Strategy group")
    ADVISORY_TABLE = "advisory_table", _("Advisory table")
    RESEARCH_COMMITTEE = "research_committee", _("Research committee")
    GOVERNANCE_BODY = "governance_body", _("Governance body")
    OTHER = "other", _("Other")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class Body(models.Model):
    """A standing body of the partnership: a strategy group, an advisory table, a committee, a council."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True, help_text=_("Used in web addresses."))
    kind = models.CharField(_("kind"), max_length=30, choices=BodyKind.choices, default=BodyKind.OTHER)
    focus_area = models.ForeignKey(
        "partnership.FocusArea",
        verbose_name=_("focus area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bodies",
    )
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
        help_text=_(
            "A public body's meetings appear in its public calendar and every workspace member can read them; "
            "a private body is seen by its members and the secretariat only."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


def current_on(day: dt.date) -> Q:
    """Memberships whose term covers ``day``."""
    return Q(term_start__lte=day) & (Q(term_end__isnull=True) | Q(term_end__gte=day))


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, day: dt.date | None = None) -> MembershipQuerySet:
        return self.filter(current_on(day or timezone.localdate()))


class Membership(models.Model):
    """A person's seat on a body for a term; current when the term covers today."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    term_start = models.DateField(_("term start"), default=timezone.localdate)
    term_end = models.DateField(_("term end"), null=True, blank=True, help_text=_("Empty while the term is open."))

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ("body", "role", "term_start")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="partnership_membership_term_order",
                violation_error_message=_("The term cannot end before it starts."),
            )
        ]
        indexes = [models.Index(fields=("person", "body"))]

    def __str__(self) -> str:
        return f"{self.body} · {self.get_role_display()}"

    def is_current(self, day: dt.date | None = None) -> bool:
        today = day or timezone.localdate()
        return self.term_start <= today and (self.term_end is None or self.term_end >= today)
