"""My plan: the first steps that fit a newcomer's situation, kept at a private link without an account.

A ``PlanStep`` is edited by the secretariat (translated title and body, conditions). A ``Plan`` holds
only what the person typed, under the SHA-256 of a random 256-bit token: the token itself is only in
the link the person keeps, so the database alone cannot open anyone's plan.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields
from simple_history.models import HistoricalRecords

from newstart.eligibility.models import ImmigrationClass, ImmigrationStatus


class PlanStep(TranslatableModel):
    """One step of a settlement plan and the situations it applies to.

    Every condition left empty applies to everyone; a step is in a plan when all its conditions hold.
    """

    translations = TranslatedFields(
        title=models.CharField(_("title"), max_length=200),
        body=models.TextField(_("what to do"), blank=True),
    )
    slug = models.SlugField(
        _("key"), max_length=60, unique=True, help_text=_("A fixed name for the step, used by the default set.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100, help_text=_("Smaller numbers come first."))
    is_active = models.BooleanField(_("shown"), default=True)
    statuses = models.JSONField(
        _("immigration statuses"),
        default=list,
        blank=True,
        help_text=_("The step is shown to people with these statuses; none ticked: to everyone."),
    )
    need_categories = models.JSONField(
        _("needs"),
        default=list,
        blank=True,
        help_text=_(
            "Top-level settlement categories (e.g. HOUS, LANG): the step is shown when the person ticks at "
            "least one of them; empty: whatever they tick."
        ),
    )
    child_age_min = models.PositiveSmallIntegerField(_("household has a child aged at least"), null=True, blank=True)
    child_age_max = models.PositiveSmallIntegerField(_("… and at most"), null=True, blank=True)
    arrived_within_days = models.PositiveIntegerField(
        _("arrived within (days)"),
        null=True,
        blank=True,
        help_text=_("Shown only to people who arrived at most this many days ago (or have not arrived yet)."),
    )
    before_arrival = models.BooleanField(
        _("shown before arrival"), default=True, help_text=_("Shown to people who have not arrived yet.")
    )
    taxonomy_codes = models.JSONField(
        _("taxonomy codes of helping services"),
        default=list,
        blank=True,
        help_text=_("Settlement taxonomy codes (e.g. MONEY-SIN); services under these codes are listed."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return str(self.safe_translation_getter("title", any_language=True) or self.slug)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        for name in ("statuses", "need_categories", "taxonomy_codes"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                errors[name] = str(_('Give a list of codes, e.g. ["HOUS"].'))
        if isinstance(self.statuses, list):
            unknown = [code for code in self.statuses if code not in ImmigrationStatus.values]
            if unknown:
                errors["statuses"] = str(
                    _("Unknown status codes: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
                )
        if (
            self.child_age_min is not None
            and self.child_age_max is not None
            and self.child_age_min > self.child_age_max
        ):
            errors["child_age_max"] = str(_("The highest age must not be below the lowest."))
        if errors:
            raise ValidationError(errors)


class Plan(models.Model):
    """What one person typed into the needs check, reachable only through their private link."""

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), editable=False)
    expires_at = models.DateTimeField(_("expires"), db_index=True, editable=False)
    arrival_date = models.DateField(_("arrival date"))
    status = models.CharField(_("immigration status"), max_length=30, choices=ImmigrationStatus.choices)
    landing_date = models.DateField(_("became a permanent resident on"), null=True, blank=True)
    immigration_class = models.CharField(
        _("immigration class"), max_length=20, choices=ImmigrationClass.choices, blank=True
    )
    household_ages = models.JSONField(_("ages in the household"), default=list, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        # Never the token hash or anything the person typed.
        return str(_("Plan %(id)s") % {"id": self.pk})
