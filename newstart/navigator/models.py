"""What the public navigator stores: problem reports about listings. No personal data is required;
a contact email is kept only when the person chooses to give one, and the secretariat can erase it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProblemKind(models.TextChoices):
    CONTACT = "contact", _("The phone number, email or address is wrong")
    HOURS = "hours", _("The opening hours are wrong")
    CLOSED = "closed", _("The service has closed or moved")
    DETAILS = "details", _("Other information is wrong or missing")
    OTHER = "other", _("Something else")


class ProblemReportStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")


class ProblemReport(models.Model):
    """A visitor's report that a listing is wrong; it lands in the secretariat's verification work."""

    service = models.ForeignKey(
        "directory.Service", verbose_name=_("service"), on_delete=models.CASCADE, related_name="problem_reports"
    )
    kind = models.CharField(_("kind of problem"), max_length=20, choices=ProblemKind.choices)
    message = models.TextField(_("message"), blank=True)
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Only if the person asked for a reply. Erase it when done.")
    )
    language = models.CharField(_("page language"), max_length=15, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemReportStatus.choices, default=ProblemReportStatus.OPEN
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"
