"""How fresh the directory's listings are: which services the secretariat must verify again.

A service is *due* when it was never verified (no assured_date) or was last verified before
``settings.DIRECTORY_VERIFY_AFTER_DAYS`` days ago; "today" is the directory's own date
(settings.TIME_ZONE). Defunct services are not listed: nobody needs to re-check a closed listing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from newstart.directory.models import Service, ServiceStatus


class Freshness(StrEnum):
    NEVER = "never"
    OVERDUE = "overdue"
    UP_TO_DATE = "up-to-date"


def verification_cutoff(*, today: dt.date | None = None) -> dt.date:
    """The oldest assured_date that still counts as up to date."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.DIRECTORY_VERIFY_AFTER_DAYS)


def freshness_condition(*, freshness: Freshness, today: dt.date | None = None) -> Q:
    """A filter on Service (or a queryset of its proxies) for one freshness state."""
    cutoff = verification_cutoff(today=today)
    if freshness is Freshness.NEVER:
        return Q(assured_date__isnull=True)
    if freshness is Freshness.OVERDUE:
        return Q(assured_date__lt=cutoff)
    return Q(assured_date__gte=cutoff)


def due_condition(*, today: dt.date | None = None) -> Q:
    """Never verified, or verified too long ago; defunct services excluded."""
    due = freshness_condition(freshness=Freshness.NEVER, today=today) | freshness_condition(
        freshness=Freshness.OVERDUE, today=today
    )
    return due & ~Q(status=ServiceStatus.DEFUNCT)


# Never-verified first, then the longest-unverified; the id keeps pages stable.
DUE_ORDERING = (F("assured_date").asc(nulls_first=True), F("last_modified").asc(), "pk")


def service_verification_overdue(*, today: dt.date | None = None) -> QuerySet[Service]:
    """The services needing verification, never-verified first, then oldest first."""
    return Service.objects.filter(due_condition(today=today)).order_by(*DUE_ORDERING)
