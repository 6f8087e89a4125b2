from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import override_settings

from newstart.directory.models import Schedule
from newstart.directory.opening import open_schedule_list, open_schedule_prefilter, schedule_is_open
from tests.directory.factories import ScheduleFactory

VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")
# 2024-05-06 is a Monday.
MONDAY = dt.date(2024, 5, 6)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0, zone: dt.tzinfo = VANCOUVER) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)


def schedule(**kwargs) -> Schedule:
    """An unsaved weekly schedule, Monday to Friday 9 to 5 unless told otherwise."""
    values = {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": dt.time(9), "closes_at": dt.time(17)}
    values.update(kwargs)
    return Schedule(**values)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(MONDAY, 9, 0), True),  # opens_at exactly: open
        (at(MONDAY, 8, 59, 59), False),
        (at(MONDAY, 16, 59, 59), True),
        (at(MONDAY, 17, 0), False),  # closes_at exactly: closed
        (at(MONDAY + dt.timedelta(days=5), 12), False),  # Saturday
        (at(MONDAY + dt.timedelta(days=6), 12), False),  # Sunday
    ],
)
def test_weekday_hours_boundaries(moment, expected):
    assert schedule_is_open(schedule(), moment) is expected


def test_moment_is_read_in_the_directory_time_zone():
    # 16:30 UTC on a Monday in May is 09:30 in Vancouver (PDT, UTC-7).
    assert schedule_is_open(schedule(), dt.datetime(2024, 5, 6, 16, 30, tzinfo=dt.UTC)) is True
    # 00:30 UTC on Tuesday is still Monday 17:30 in Vancouver: closed.
    assert schedule_is_open(schedule(), dt.datetime(2024, 5, 7, 0, 30, tzinfo=dt.UTC)) is False
    # And 23:30 UTC Monday is 16:30 in Vancouver: open.
    assert schedule_is_open(schedule(), dt.datetime(2024, 5, 6, 23, 30, tzinfo=dt.UTC)) is True


@override_settings(TIME_ZONE="Europe/Paris")
def test_time_zone_comes_from_settings():
    # 09:30 in Paris is 07:30 UTC.
    assert schedule_is_open(schedule(), dt.datetime(2024, 5, 6, 7, 30, tzinfo=dt.UTC)) is True


def test_naive_moment_is_local_time():
    assert schedule_is_open(schedule(), dt.datetime(2024, 5, 6, 9, 0)) is True
    assert schedule_is_open(schedule(), dt.datetime(2024, 5, 6, 17, 0)) is False


def test_past_midnight():
    # Friday 22:00 to 02:00.
    friday = MONDAY + dt.timedelta(days=4)
    saturday = friday + dt.timedelta(days=1)
    late = schedule(byday="FR", opens_at=dt.time(22), closes_at=dt.time(2))
    assert schedule_is_open(late, at(friday, 21, 59)) is False
    assert schedule_is_open(late, at(friday, 22, 0)) is True
    assert schedule_is_open(late, at(friday, 23, 59)) is True
    assert schedule_is_open(late, at(saturday, 0, 0)) is True
    assert schedule_is_open(late, at(saturday, 1, 59)) is True
    assert schedule_is_open(late, at(saturday, 2, 0)) is False
    # Saturday night is not listed, so Saturday 23:00 and Sunday 01:00 are closed.
    assert schedule_is_open(late, at(saturday, 23, 0)) is False
    assert schedule_is_open(late, at(saturday + dt.timedelta(days=1), 1, 0)) is False
    # Friday's early hours belong to Thursday night, which is not listed.
    assert schedule_is_open(late, at(friday, 1, 0)) is False


def test_equal_times_mean_round_the_clock():
    always = schedule(byday="MO", opens_at=dt.time(0), closes_at=dt.time(0))
    assert schedule_is_open(always, at(MONDAY, 0, 0)) is True
    assert schedule_is_open(always, at(MONDAY, 23, 59)) is True
    assert schedule_is_open(always, at(MONDAY + dt.timedelta(days=1), 0, 0)) is False


def test_valid_to_yesterday_is_closed_today():
    today = MONDAY + dt.timedelta(days=1)
    ended = schedule(valid_to=MONDAY)
    assert schedule_is_open(ended, at(today, 12)) is False
    assert schedule_is_open(ended, at(MONDAY, 12)) is True


def test_valid_from_tomorrow_is_closed_today():
    assert schedule_is_open(schedule(valid_from=MONDAY + dt.timedelta(days=1)), at(MONDAY, 12)) is False
    assert schedule_is_open(schedule(valid_from=MONDAY), at(MONDAY, 12)) is True


def test_past_midnight_opening_counts_on_the_day_it_starts():
    # Valid until Friday: Friday night's opening still runs into Saturday morning.
    friday = MONDAY + dt.timedelta(days=4)
    late = schedule(byday="FR", opens_at=dt.time(22), closes_at=dt.time(2), valid_to=friday)
    assert schedule_is_open(late, at(friday + dt.timedelta(days=1), 1)) is True


def test_until_and_dtstart_bound_the_days():
    assert schedule_is_open(schedule(until=MONDAY - dt.timedelta(days=1)), at(MONDAY, 12)) is False
    assert schedule_is_open(schedule(dtstart=MONDAY + dt.timedelta(days=7)), at(MONDAY, 12)) is False


def test_interval_every_other_week():
    fortnightly = schedule(byday="MO", interval=2, dtstart=MONDAY)
    assert schedule_is_open(fortnightly, at(MONDAY, 12)) is True
    assert schedule_is_open(fortnightly, at(MONDAY + dt.timedelta(days=7), 12)) is False
    assert schedule_is_open(fortnightly, at(MONDAY + dt.timedelta(days=14), 12)) is True
    # Without a first occurrence, "every other week" cannot be placed: never reported open.
    assert schedule_is_open(schedule(byday="MO", interval=2), at(MONDAY, 12)) is False


def test_spring_forward_day():
    # 2024-03-10 (a Sunday): clocks go from 02:00 PST to 03:00 PDT.
    sunday = dt.date(2024, 3, 10)
    sundays = schedule(byday="SU", opens_at=dt.time(9), closes_at=dt.time(17))
    # 09:30 PDT is 16:30 UTC; under PST it would have been 08:30 and closed.
    assert schedule_is_open(sundays, dt.datetime(2024, 3, 10, 16, 30, tzinfo=dt.UTC)) is True
    assert schedule_is_open(sundays, dt.datetime(2024, 3, 10, 15, 59, tzinfo=dt.UTC)) is False
    # A night opening across the change: Saturday 22:00 to Sunday 03:00.
    night = schedule(byday="SA", opens_at=dt.time(22), closes_at=dt.time(3))
    # 01:30 PST (09:30 UTC) is open; 03:30 PDT (10:30 UTC) is closed.
    assert schedule_is_open(night, dt.datetime(2024, 3, 10, 9, 30, tzinfo=dt.UTC)) is True
    assert schedule_is_open(night, dt.datetime(2024, 3, 10, 10, 30, tzinfo=dt.UTC)) is False
    assert schedule_is_open(sundays, at(sunday, 9, 0)) is True


def test_fall_back_day():
    # 2024-11-03 (a Sunday): clocks go from 02:00 PDT back to 01:00 PST.
    sundays = schedule(byday="SU", opens_at=dt.time(9), closes_at=dt.time(17))
    # 09:00 PST is 17:00 UTC.
    assert schedule_is_open(sundays, dt.datetime(2024, 11, 3, 17, 0, tzinfo=dt.UTC)) is True
    assert schedule_is_open(sundays, dt.datetime(2024, 11, 3, 16, 59, tzinfo=dt.UTC)) is False
    # 17:00 PST is 01:00 UTC on the 4th.
    assert schedule_is_open(sundays, dt.datetime(2024, 11, 4, 0, 59, tzinfo=dt.UTC)) is True
    assert schedule_is_open(sundays, dt.datetime(2024, 11, 4, 1, 0, tzinfo=dt.UTC)) is False


@pytest.mark.parametrize(
    "kwargs",
    [
        {"freq": "MONTHLY"},
        {"byday": ""},
        {"byday": "1MO,2TU"},
        {"opens_at": None},
        {"closes_at": None},
    ],
)
def test_schedules_we_cannot_read_are_never_open(kwargs):
    assert schedule_is_open(schedule(**kwargs), at(MONDAY, 12)) is False


def test_byday_is_read_leniently():
    assert schedule_is_open(schedule(byday=" mo , tu "), at(MONDAY, 12)) is True
    # No frequency but weekdays given: read as weekly.
    assert schedule_is_open(schedule(freq=""), at(MONDAY, 12)) is True


@pytest.mark.django_db
def test_prefilter_keeps_every_open_schedule_and_drops_others():
    weekdays = ScheduleFactory()
    friday_night = ScheduleFactory(byday="FR", opens_at=dt.time(22), closes_at=dt.time(2))
    weekend = ScheduleFactory(byday="SA,SU")
    expired = ScheduleFactory(valid_to=MONDAY - dt.timedelta(days=3))
    monthly = ScheduleFactory(freq="MONTHLY", byday="1MO")
    saturday_1am = at(MONDAY + dt.timedelta(days=5), 1)
    candidates = set(Schedule.objects.filter(open_schedule_prefilter(saturday_1am)))
    assert friday_night in candidates
    assert weekdays not in candidates  # Friday is listed, but not at 1 am
    assert expired not in candidates
    assert monthly not in candidates
    assert set(open_schedule_list(saturday_1am).values_list("pk", flat=True)) == {friday_night.pk}
    assert set(open_schedule_list(at(MONDAY, 10)).values_list("pk", flat=True)) == {weekdays.pk}
    assert set(open_schedule_list(at(MONDAY + dt.timedelta(days=6), 10)).values_list("pk", flat=True)) == {weekend.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("hour", range(24))
def test_prefilter_agrees_with_schedule_is_open_around_the_week(hour):
    schedules = [
        ScheduleFactory(),
        ScheduleFactory(byday="FR,SA", opens_at=dt.time(20), closes_at=dt.time(4)),
        ScheduleFactory(byday="SU", opens_at=dt.time(0), closes_at=dt.time(0)),
        ScheduleFactory(byday="WE", valid_from=MONDAY, valid_to=MONDAY + dt.timedelta(days=2)),
    ]
    for day_offset in range(8):
        moment = at(MONDAY + dt.timedelta(days=day_offset), hour, 30)
        expected = {s.pk for s in schedules if schedule_is_open(s, moment)}
        assert set(open_schedule_list(moment).values_list("pk", flat=True)) == expected
        candidates = set(Schedule.objects.filter(open_schedule_prefilter(moment)).values_list("pk", flat=True))
        assert expected <= candidates  # the prefilter keeps every open schedule


# Every kind of schedule the opening rules treat differently (a weekly 9-to-5 unless told otherwise:
# see `schedule`); the search facets are tested against the same kinds.
SCHEDULE_KINDS: list[dict[str, object]] = [
    {},
    {"byday": " mo , tu "},
    {"byday": "1MO,2TU"},
    {"byday": "MO,1TU"},
    {"byday": "SA,SU", "opens_at": dt.time(10), "closes_at": dt.time(14)},
    {"byday": "FR", "opens_at": dt.time(22), "closes_at": dt.time(2)},
    {"byday": "TU", "opens_at": dt.time(0), "closes_at": dt.time(0)},
    {"byday": "WE", "opens_at": dt.time(9, 0, 1), "closes_at": dt.time(11, 59, 59)},
    {"byday": "TH", "opens_at": dt.time(8, 30), "closes_at": dt.time(12, 0, 0, 500)},
    {"freq": ""},
    {"freq": "MONTHLY"},
    {"opens_at": None},
    {"valid_from": MONDAY + dt.timedelta(days=2)},
    {"valid_to": MONDAY + dt.timedelta(days=1)},
    {"until": MONDAY + dt.timedelta(days=3)},
    {"dtstart": MONDAY + dt.timedelta(days=4)},
    {"dtstart": MONDAY - dt.timedelta(days=30)},
    {"interval": 2, "dtstart": MONDAY - dt.timedelta(days=7)},
    {"interval": 2, "dtstart": MONDAY},
    {"interval": 2},
    {"interval": 1, "byday": "MO,WE,FR", "opens_at": dt.time(9, 30), "closes_at": dt.time(12, 15)},
]


@pytest.mark.django_db
def test_the_sql_rules_agree_with_schedule_is_open():
    """open_schedule_list (SQL, for the API's open_now filter) and schedule_is_open (Python) agree on
    every kind of schedule at every hour of a week, at the edges of the hours too."""
    variants = SCHEDULE_KINDS
    schedules = [ScheduleFactory(**kwargs) for kwargs in variants]
    moments = [at(MONDAY + dt.timedelta(days=day), hour) for day in range(8) for hour in range(0, 24, 3)]
    moments += [at(MONDAY, 9), at(MONDAY, 16, 59, 59), at(MONDAY, 17), at(MONDAY, 9, 30), at(MONDAY, 12, 15)]
    moments += [at(MONDAY + dt.timedelta(days=4), 22), at(MONDAY + dt.timedelta(days=5), 1, 59, 59)]
    for moment in moments:
        expected = {item.pk for item in schedules if schedule_is_open(item, moment)}
        assert set(open_schedule_list(moment).values_list("pk", flat=True)) == expected, moment
    assert any(schedule_is_open(item, moment) for item in schedules for moment in moments)
