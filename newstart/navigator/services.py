"""Writes of the navigator."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from newstart.directory.models import Service
from newstart.navigator.models import ProblemReport, ProblemReportStatus


def problem_report_create(
    *, service: Service, kind: str, message: str, contact_email: str = "", language: str = ""
) -> ProblemReport:
    return ProblemReport.objects.create(
        service=service, kind=kind, message=message.strip(), contact_email=contact_email.strip(), language=language
    )


@transaction.atomic
def problem_report_resolve(*, reports: Iterable[ProblemReport]) -> int:
    """Mark reports resolved; returns how many changed."""
    ids = [report.pk for report in reports]
    return ProblemReport.objects.filter(pk__in=ids, status=ProblemReportStatus.OPEN).update(
        status=ProblemReportStatus.RESOLVED, resolved_at=timezone.now()
    )


def problem_report_erase_contact(*, reports: Iterable[ProblemReport]) -> int:
    """Erase the contact email of reports (the person's only personal data); returns how many changed."""
    ids = [report.pk for report in reports]
    return ProblemReport.objects.filter(pk__in=ids).exclude(contact_email="").update(contact_email="")
