"""Facets: what the API's and the navigator's filters ask of a service, indexed as terms.

A filtered search must find the best services among those the filters let through. Checking every
matching service against the filters in SQL costs a probe per service; for a selective filter on a
common word at national scale that is tens of thousands of probes. So the index also lists, for each
service, terms for the answers to the common filters — its languages, whether it is free, its local
areas, its taxonomy terms (and their ancestors), the hours it may be open and the map cells of its
offices. A filter becomes a postings list, intersected with the ranking in numpy before any row
is read.

Facets are a prefilter: never stricter than the filter. The filter itself (the queryset) is still
checked on the services left, which is then one short query, except where a facet is exact (a
language, an area, a taxonomy term, free) or says a service certainly passes ("#openall:", open
throughout the hour every week). Terms start with "#", which no text
produces, so no query word can match them.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newstart.directory.models import CostOption, Language, Schedule, ServiceAtLocation
from newstart.directory.opening import WEEKDAY_CODES, local_moment

FACET_PREFIX = "#"
FREE = "#free"
# Map cells for the radius filter, in two grids: (term prefix, degrees, most cells a radius may
# take in that grid). The fine grid (about 5.5 km north-south) fits a city radius closely; the
# coarse one (about 28 km) covers a region in fewer lists. A radius needing more coarse cells than
# that is not worth a prefilter (the distance check alone decides).
CELL_GRIDS = (("#cellf:", 0.05, 200), ("#cell:", 0.25, 400))
_WEEKLY = ("WEEKLY", "")


def language_facet(code: str) -> str:
    return f"#lang:{code.strip().lower()}"


def area_facet(slug: str) -> str:
    return f"#area:{slug}"


def taxonomy_facet(term_id: uuid.UUID) -> str:
    return f"#tax:{term_id}"


def open_facet(weekday: str, hour: int) -> str:
    """The service may be open at some moment of this hour of the week."""
    return f"#open:{weekday}{hour:02d}"


def open_all_hour_facet(weekday: str, hour: int) -> str:
    """The service is open throughout this hour of the week, every week (whatever the date)."""
    return f"#openall:{weekday}{hour:02d}"


def cell_facets(latitude: float, longitude: float) -> set[str]:
    """The point's map cell in each grid."""
    return {
        f"{prefix}{math.floor(latitude / degrees)}:{math.floor(longitude / degrees)}"
        for prefix, degrees, _most in CELL_GRIDS
    }


def language_facets(code: str, families: dict[str, tuple[str, ...]]) -> set[str]:
    """The facet terms a language filter accepts (any member of its family: "zh" takes Cantonese)."""
    return {language_facet(member) for member in families.get(code.strip().lower(), (code,))}


def open_now_facets(at: dt.datetime) -> set[str]:
    """The facet of the local hour `at` falls in (services that may be open then)."""
    moment = local_moment(at)
    return {open_facet(WEEKDAY_CODES[moment.weekday()], moment.hour)}


def open_now_sure_facets(at: dt.datetime) -> set[str]:
    """The facet of services certainly open at `at` (open throughout its local hour, every week)."""
    moment = local_moment(at)
    return {open_all_hour_facet(WEEKDAY_CODES[moment.weekday()], moment.hour)}


def radius_facets(latitude: float, longitude: float, radius_km: float) -> set[str] | None:
    """The cells a circle touches (from its bounding box), in the finest grid that takes few enough;
    None when too many to be worth it."""
    lat_span = radius_km / 111.0
    lon_span = radius_km / max(111.0 * math.cos(math.radians(min(abs(latitude) + lat_span, 89.9))), 1e-6)
    for prefix, degrees, most in CELL_GRIDS:
        rows = range(math.floor((latitude - lat_span) / degrees), math.floor((latitude + lat_span) / degrees) + 1)
        columns = range(math.floor((longitude - lon_span) / degrees), math.floor((longitude + lon_span) / degrees) + 1)
        if len(rows) * len(columns) <= most:
            return {f"{prefix}{row}:{column}" for row in rows for column in columns}
    return None


# The Schedule fields the opening facets are computed from.
SCHEDULE_RULE = ("freq", "byday", "opens_at", "closes_at", "interval", "valid_from", "valid_to", "dtstart", "until")


def _seconds(moment: dt.time, *, round_up: bool = False) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + (1 if round_up and moment.microsecond else 0)


def _whole_hours(schedule_rule: Sequence[object]) -> set[str]:
    """The (weekday, hour) slots a schedule is open throughout, whatever the date (a subset of
    schedule_is_open): only a schedule repeating every week without date bounds has any."""
    freq, byday, opens, closes, interval, *bounds = schedule_rule
    if (freq or "") not in _WEEKLY or not isinstance(opens, dt.time) or not isinstance(closes, dt.time):
        return set()
    if (interval if isinstance(interval, int) else 1) > 1 or any(bound is not None for bound in bounds):
        return set()
    start, end = _seconds(opens, round_up=True), _seconds(closes)
    # (days after the listed day, opening second, closing second) of each stretch of the opening.
    stretches = [(0, start, end)] if opens < closes else [(0, start, 24 * 3600), (1, 0, end)]
    days = {code for code in (part.strip().upper() for part in str(byday or "").split(",")) if code in WEEKDAY_CODES}
    slots: set[str] = set()
    for code in days:
        day = WEEKDAY_CODES.index(code)
        for offset, lower, upper in stretches:
            weekday = WEEKDAY_CODES[(day + offset) % 7]
            slots.update(
                open_all_hour_facet(weekday, hour)
                for hour in range(24)
                if lower <= hour * 3600 and (hour + 1) * 3600 <= upper
            )
    return slots


def _open_hours(schedule_rule: Sequence[object]) -> set[str]:
    """The (weekday, hour) slots in which a schedule may be open (a superset of schedule_is_open)."""
    freq, byday, opens, closes, *_rest = schedule_rule
    if (freq or "") not in _WEEKLY or not isinstance(opens, dt.time) or not isinstance(closes, dt.time):
        return set()
    days = {code for code in (part.strip().upper() for part in str(byday or "").split(",")) if code in WEEKDAY_CODES}
    slots: set[str] = set()
    for code in days:
        day = WEEKDAY_CODES.index(code)
        if opens < closes:
            last = closes.hour if (closes.minute or closes.second or closes.microsecond) else closes.hour - 1
            slots.update(open_facet(code, hour) for hour in range(opens.hour, last + 1))
            continue
        # Past midnight, or round the clock: from opening to midnight, then on the next day.
        slots.update(open_facet(code, hour) for hour in range(opens.hour, 24))
        following = WEEKDAY_CODES[(day + 1) % 7]
        last = closes.hour if (closes.minute or closes.second or closes.microsecond) else closes.hour - 1
        slots.update(open_facet(following, hour) for hour in range(last + 1))
    return slots


@dataclass
class ServiceFacets:
    """Each service's facet terms, and the coordinates of its located offices (read with them)."""

    terms: dict[uuid.UUID, set[str]] = field(default_factory=lambda: defaultdict(set))
    points: dict[uuid.UUID, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))


def service_facets(
    service_ids: Sequence[uuid.UUID], taxonomy_terms: dict[uuid.UUID, Iterable[uuid.UUID]]
) -> ServiceFacets:
    """Facet terms of these services (five queries). `taxonomy_terms`: each service's taxonomy terms
    with their ancestors (the taxonomy filter includes the terms below the one asked for)."""
    found = ServiceFacets()
    facets = found.terms
    for service_id, term_ids in taxonomy_terms.items():
        facets[service_id].update(taxonomy_facet(term_id) for term_id in term_ids)
    for service_id, code in Language.objects.filter(service_id__in=service_ids).values_list("service_id", "code"):
        parts = code.strip().lower().split("-") if code else []
        # Every hyphen prefix: the filter takes a code and its regional forms ("pa" finds "pa-Arab-PK",
        # and so does "pa-arab").
        facets[service_id].update(language_facet("-".join(parts[:end])) for end in range(1, len(parts) + 1))
    priced: dict[uuid.UUID, bool] = {}
    for service_id, amount in CostOption.objects.filter(service_id__in=service_ids).values_list("service_id", "amount"):
        priced[service_id] = priced.get(service_id, False) or amount is None or amount != 0
    for service_id, is_priced in priced.items():
        if not is_priced:
            facets[service_id].add(FREE)
    sal_service: dict[uuid.UUID, uuid.UUID] = {}
    for sal_id, service_id, slug, latitude, longitude, valid in ServiceAtLocation.objects.filter(
        service_id__in=service_ids
    ).values_list(
        "id",
        "service_id",
        "location__local_area__slug",
        "location__latitude",
        "location__longitude",
        "location__has_valid_coordinates",
    ):
        sal_service[sal_id] = service_id
        if slug:
            facets[service_id].add(area_facet(slug))
        if valid and latitude is not None and longitude is not None:
            facets[service_id].update(cell_facets(float(latitude), float(longitude)))
            found.points[service_id].append((float(latitude), float(longitude)))
    for service_id, *schedule_rule in Schedule.objects.filter(service_id__in=service_ids).values_list(
        "service_id", *SCHEDULE_RULE
    ):
        facets[service_id].update(_open_hours(schedule_rule) | _whole_hours(schedule_rule))
    for sal_id, *schedule_rule in Schedule.objects.filter(service_at_location_id__in=list(sal_service)).values_list(
        "service_at_location_id", *SCHEDULE_RULE
    ):
        facets[sal_service[sal_id]].update(_open_hours(schedule_rule) | _whole_hours(schedule_rule))
    return found
