"""Who a service is for, declared in a form the navigator can reason about.

Age limits stay on the HSDS service (``Service.minimum_age`` / ``maximum_age``) and the free-text
note stays in ``Service.eligibility_description``; this model adds only what HSDS cannot say:
the immigration statuses a service accepts and the funder rule that governs it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ImmigrationStatus(models.TextChoices):
    PERMANENT_RESIDENT = "permanent_resident", _("Permanent resident")
    PROTECTED_PERSON = "protected_person", _("Protected person (refugee status granted in Canada)")
    REFUGEE_CLAIMANT = "refugee_claimant", _("Refugee claimant (asylum seeker)")
    TEMPORARY_FOREIGN_WORKER = "temporary_foreign_worker", _("Temporary foreign worker (work permit)")
    INTERNATIONAL_STUDENT = "international_student", _("International student (study permit)")
    OTHER_TEMPORARY_RESIDENT = "other_temporary_resident", _("Other temporary resident (for example a visitor)")
    NATURALIZED_CITIZEN = "naturalized_citizen", _("Canadian citizen (naturalized)")
    NOT_SURE = "not_sure", _("Not sure")


class ImmigrationClass(models.TextChoices):
    """The class a permanent resident was admitted in (as on the Confirmation of Permanent Residence)."""

    ECONOMIC = "economic", _("Economic class (for example Express Entry or a Provincial Nominee Program)")
    FAMILY = "family", _("Family class (sponsored by a family member)")
    REFUGEE = "refugee", _("Resettled refugee or protected person")
    OTHER = "other", _("Other (for example humanitarian and compassionate grounds)")


class FunderRule(models.TextChoices):
    NONE = "none", _("No funder rule")
    IRCC = "ircc", _("IRCC Settlement Program (federally funded)")
    BC_PROVINCIAL = "bc_provincial", _("Province of BC program (for example BCSIS)")


class ServiceEligibility(models.Model):
    """The structured eligibility of one service.

    ``statuses`` is a JSON list of ImmigrationStatus codes (empty: every status). The statuses are a
    short, closed list defined in code, so a list in the row keeps a service's whole declaration in one
    record: a page of results needs one query, no join table has to be kept in step with the code, and
    the value exports as it is. Filtering runs the same assessment function as the badges (see
    ``selectors.eligibility_filter``), so no JSON lookups are needed (SQLite has no JSON ``contains``).
    """

    service = models.OneToOneField(
        "directory.Service",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="structured_eligibility",
    )
    statuses = models.JSONField(
        _("immigration statuses accepted"),
        default=list,
        blank=True,
        help_text=_("Leave all unticked when the service is open to every status."),
    )
    funder_rule = models.CharField(
        _("funder rule"),
        max_length=20,
        choices=FunderRule.choices,
        default=FunderRule.NONE,
        help_text=_(
            "IRCC: the federal Settlement Program's eligibility applies (permanent residents, with a time "
            "limit for the economic class; protected persons). Province of BC: programs for temporary "
            "residents, refugee claimants and naturalized citizens."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service eligibility")
        verbose_name_plural = _("service eligibility")

    def __str__(self) -> str:
        return str(self.service)

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.statuses, list):
            raise ValidationError({"statuses": _("Give the statuses as a list of status codes.")})
        known = set(ImmigrationStatus.values)
        unknown = [code for code in self.statuses if code not in known]
        if unknown:
            raise ValidationError(
                {"statuses": _("Unknown status codes: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}}
            )
