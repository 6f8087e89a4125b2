"""Is it open now? Opening hours from HSDS schedules.

HSDS schedules follow RFC 5545: ``freq`` WEEKLY with ``byday`` ("MO,TU") and a daily
``opens_at``/``closes_at``. A closing time at or before the opening time means the
opening runs past midnight into the next day (22:00 to 02:00); equal times mean round
the clock. ``valid_from``/``valid_to``, ``dtstart``/``until`` and ``interval`` bound
which days count, judged on the day an opening *starts*.

All wall-clock times are read in the directory's time zone (settings.TIME_ZONE), so a
service open 09:00 to 17:00 is open at 09:00 local time on a daylight-saving change day
too. The schedule's own ``timezone`` (a fixed UTC offset in HSDS) is not used: a fixed
offset is wrong for half the year in a zone with daylight saving time.

Schedules that are not weekly (MONTHLY, or no byday) or lack either time are never
reported open: we do not guess.

``schedule_is_open`` decides for one schedule (a service page, a result card).
``open_schedule_list`` is the same rules in SQL, for filtering a national directory by "open
now"; only schedules repeating every n > 1 weeks are decided in Python, among the rows
``open_schedule_prefilter`` keeps (a superset of those open at the moment).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat, Replace, Upper
from django.utils import timezone

from newstart.directory.models import Frequency, Schedule

WEEKDAY_CODES: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKLY_FREQUENCIES = (Frequency.WEEKLY.value, "")


def directory_timezone() -> dt.tzinfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_moment(at: dt.datetime) -> dt.datetime:
    """`at` as wall-clock time in the directory's zone; a naive `at` is taken to be local already."""
    zone = directory_timezone()
    if timezone.is_naive(at):
        return at.replace(tzinfo=zone)
    return at.astimezone(zone)


def schedule_weekdays(schedule: Schedule) -> frozenset[str]:
    """The plain weekday codes of byday (MONTHLY-style entries such as "1MO" are not weekdays)."""
    return frozenset(
        code for code in (part.strip().upper() for part in (schedule.byday or "").split(",")) if code in WEEKDAY_CODES
    )


def _is_weekly(schedule: Schedule) -> bool:
    return (schedule.freq or "") in _WEEKLY_FREQUENCIES and bool(schedule_weekdays(schedule))


def _day_counts(schedule: Schedule, day: dt.date) -> bool:
    """Whether an opening starting on `day` belongs to the schedule (day of week and date bounds)."""
    if WEEKDAY_CODES[day.weekday()] not in schedule_weekdays(schedule):
        return False
    for lower in (schedule.valid_from, schedule.dtstart):
        if lower is not None and day < lower:
            return False
    for upper in (schedule.valid_to, schedule.until):
        if upper is not None and day > upper:
            return False
    interval = schedule.interval or 1
    if interval > 1:
        if schedule.dtstart is None:
            # "Every other week" without a first week cannot be placed.
            return False
        start_week = schedule.dtstart - dt.timedelta(days=schedule.dtstart.weekday())
        this_week = day - dt.timedelta(days=day.weekday())
        if ((this_week - start_week).days // 7) % interval != 0:
            return False
    return True


def schedule_is_open(schedule: Schedule, at: dt.datetime) -> bool:
    """Whether `schedule` says open at the moment `at` (see the module docstring for the rules)."""
    if not _is_weekly(schedule) or schedule.opens_at is None or schedule.closes_at is None:
        return False
    moment = local_moment(at)
    today = moment.date()
    now = moment.time().replace(tzinfo=None)
    opens, closes = schedule.opens_at, schedule.closes_at
    if opens < closes:
        return _day_counts(schedule, today) and opens <= now < closes
    # Past midnight (or round the clock when equal): the evening of a listed day, or the
    # early hours of the day after one.
    if now >= opens and _day_counts(schedule, today):
        return True
    return now < closes and _day_counts(schedule, today - dt.timedelta(days=1))


def open_schedule_prefilter(at: dt.datetime) -> Q:
    """A Q on Schedule keeping every row that may be open at `at` (and few others).

    Exactness comes from ``schedule_is_open``; this only has to be a superset.
    """
    moment = local_moment(at)
    today = moment.date()
    yesterday = today - dt.timedelta(days=1)
    day_codes = WEEKDAY_CODES[today.weekday()], WEEKDAY_CODES[yesterday.weekday()]
    weekday_q = Q()
    for code in day_codes:
        weekday_q |= Q(byday__icontains=code)
    # Time of day, to the second below (a superset): within the hours, or past midnight for hours
    # that close earlier than they open.
    now = moment.time().replace(tzinfo=None, microsecond=0)
    within_hours = Q(opens_at__lt=F("closes_at"), opens_at__lte=now, closes_at__gt=now)
    overnight = Q(closes_at__lte=F("opens_at")) & (Q(opens_at__lte=now) | Q(closes_at__gt=now))
    return (
        Q(freq__in=_WEEKLY_FREQUENCIES, opens_at__isnull=False, closes_at__isnull=False)
        & weekday_q
        & (within_hours | overnight)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=yesterday))
        & (Q(until__isnull=True) | Q(until__gte=yesterday))
    )


def _starts_on(day: dt.date) -> Q:
    """Schedule rows whose opening may start on `day`: a listed weekday (a whole byday entry, not
    "1MO"), within their date bounds (`_day_counts` without the interval)."""
    code = WEEKDAY_CODES[day.weekday()]
    return (
        Q(byday_entries__contains=f",{code},")
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        & (Q(dtstart__isnull=True) | Q(dtstart__lte=day))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        & (Q(until__isnull=True) | Q(until__gte=day))
    )


def open_schedule_list(at: dt.datetime) -> QuerySet[Schedule]:
    """Exactly the schedules open at `at` (`schedule_is_open`), as one query to filter or join with.

    The rules are SQL for schedules repeating every week; the few repeating every n > 1 weeks (their
    week parity counted from dtstart) are decided by `schedule_is_open`. Nothing is read per
    schedule: a national directory has ~100,000.
    """
    moment = local_moment(at)
    today = moment.date()
    yesterday = today - dt.timedelta(days=1)
    now = moment.time().replace(tzinfo=None)
    weekly = (Q(freq__in=_WEEKLY_FREQUENCIES) | Q(freq__isnull=True)) & Q(
        opens_at__isnull=False, closes_at__isnull=False
    )
    daytime = Q(opens_at__lt=F("closes_at"), opens_at__lte=now, closes_at__gt=now) & _starts_on(today)
    overnight = Q(closes_at__lte=F("opens_at")) & (
        (Q(opens_at__lte=now) & _starts_on(today)) | (Q(closes_at__gt=now) & _starts_on(yesterday))
    )
    schedules = Schedule.objects.annotate(
        byday_entries=Concat(Value(","), Replace(Upper("byday"), Value(" "), Value("")), Value(","))
    )
    every_week = Q(interval__isnull=True) | Q(interval__lte=1)
    every_nth_week = [
        schedule.pk
        for schedule in Schedule.objects.filter(interval__gt=1).filter(open_schedule_prefilter(at))
        if schedule_is_open(schedule, at)
    ]
    return schedules.filter(weekly & ((every_week & (daytime | overnight)) | Q(pk__in=every_nth_week)))
