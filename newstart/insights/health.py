"""Directory health: is the directory good enough to plan with?

- **Coverage by language**: for each language the census counts at home, the city's speakers and the
  number of active services offered in it ("zh" counts Chinese, Cantonese and Mandarin services), and
  services per 10,000 speakers.
- **Verification freshness**: among services that are not defunct, the share verified within
  ``settings.DIRECTORY_VERIFY_AFTER_DAYS`` days (the secretariat's queue uses the same rule,
  newstart.directory.freshness), and how long ago each was last verified, in bands.
- **Services per 1,000 recent immigrants by area**: active services with at least one location in
  the area, per 1,000 recent immigrants living there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from newstart.directory.models import Language, Service, ServiceAtLocation, ServiceStatus
from newstart.directory.selectors import language_code_q
from newstart.insights.languages import census_language_name
from newstart.insights.models import Indicator
from newstart.insights.selectors import area_indicator_list, home_language_totals

SPEAKERS_PER = 10_000
IMMIGRANTS_PER = 1_000


@dataclass(frozen=True)
class LanguageCoverage:
    code: str
    name: str
    speakers: float
    services: int

    @property
    def per_10000(self) -> float | None:
        return self.services * SPEAKERS_PER / self.speakers if self.speakers > 0 else None


def language_coverage() -> list[LanguageCoverage]:
    """One row per census home language, most spoken first."""
    active = Service.objects.filter(status=ServiceStatus.ACTIVE)
    rows = []
    for total in home_language_totals():
        services = (
            Language.objects.filter(language_code_q(total.code), service__in=active)
            .values("service_id")
            .distinct()
            .count()
        )
        rows.append(LanguageCoverage(total.code, census_language_name(total.code), total.speakers, services))
    return rows


@dataclass(frozen=True)
class AgeBand:
    label: str
    count: int
    within_limit: bool


@dataclass(frozen=True)
class Freshness:
    total: int
    verified_within: int
    limit_days: int
    bands: list[AgeBand]

    @property
    def share_within(self) -> float:
        return self.verified_within / self.total if self.total else 0.0


def _band_edges(limit: int) -> list[int]:
    return sorted({30, 90, limit, 365, 730})


def verification_freshness(*, today: dt.date | None = None) -> Freshness:
    """Share verified within the limit, and the count per age band (days since last verified)."""
    today = today or timezone.localdate()
    limit = settings.DIRECTORY_VERIFY_AFTER_DAYS
    dates = list(Service.objects.exclude(status=ServiceStatus.DEFUNCT).values_list("assured_date", flat=True))
    ages = [(today - day).days for day in dates if day is not None]
    never = len(dates) - len(ages)
    edges = _band_edges(limit)
    bands: list[AgeBand] = []
    low = 0
    for edge in edges:
        count = sum(1 for age in ages if low <= age <= edge)
        bands.append(
            AgeBand(_("%(low)s to %(high)s days") % {"low": low, "high": edge}, count, within_limit=edge <= limit)
        )
        low = edge + 1
    bands.append(AgeBand(_("more than %(days)s days") % {"days": edges[-1]}, sum(1 for a in ages if a >= low), False))
    bands.append(AgeBand(_("never verified"), never, False))
    within = sum(1 for age in ages if age <= limit)
    return Freshness(total=len(dates), verified_within=within, limit_days=limit, bands=bands)


@dataclass(frozen=True)
class AreaServices:
    slug: str
    name: str
    recent_immigrants: float
    services: int

    @property
    def per_1000(self) -> float | None:
        return self.services * IMMIGRANTS_PER / self.recent_immigrants if self.recent_immigrants > 0 else None


def services_per_recent_immigrants() -> list[AreaServices]:
    """Per local area with census facts: active services located there per 1,000 recent immigrants,
    fewest first (the areas to look at)."""
    counts = dict(
        ServiceAtLocation.objects.filter(service__status=ServiceStatus.ACTIVE, location__local_area__isnull=False)
        .values("location__local_area__slug")
        .annotate(services=Count("service_id", distinct=True))
        .values_list("location__local_area__slug", "services")
    )
    rows = [
        AreaServices(fact.area.slug, fact.area.name, fact.value, counts.get(fact.area.slug, 0))
        for fact in area_indicator_list(indicator=Indicator.RECENT_IMMIGRANTS)
    ]
    rows.sort(key=lambda row: (row.per_1000 if row.per_1000 is not None else float("inf"), row.name))
    return rows
