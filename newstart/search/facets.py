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
language, an area, a taxonomy term, free) or says a service certainly passes (open throughout a
quarter of an hour every week: the opening facets' weights carry quarter-hour masks). Terms start
with "#", which no text produces, so no query word can match them.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
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
    """An hour of the week; the term's weight says in which of its quarters the service may be open
    (bits 0-3) and in which it is certainly open, throughout and every week (bits 4-7)."""
    return f"#open:{weekday}{hour:02d}"


@dataclass(frozen=True)
class WeightedFacet:
    """A facet term held only where its weight shares a bit with `bits` (see open_facet)."""

    term: str
    bits: int


# A group of facets, any of which a service must have.
Facets = Collection[str | WeightedFacet]


def facet_term(facet: str | WeightedFacet) -> str:
    return facet.term if isinstance(facet, WeightedFacet) else facet


def cell_facets(latitude: float, longitude: float) -> set[str]:
    """The point's map cell in each grid."""
    return {
        f"{prefix}{math.floor(latitude / degrees)}:{math.floor(longitude / degrees)}"
        for prefix, degrees, _most in CELL_GRIDS
    }


def language_facets(code: str, families: dict[str, tuple[str, ...]]) -> set[str]:
    """The facet terms a language filter accepts (any member of its family: "zh" takes Cantonese)."""
    return {language_facet(member) for member in families.get(code.strip().lower(), (code,))}


def _quarter_of(at: dt.datetime) -> tuple[str, int, int]:
    moment = local_moment(at)
    return WEEKDAY_CODES[moment.weekday()], moment.hour, moment.minute // 15


def open_now_facets(at: dt.datetime) -> set[str | WeightedFacet]:
    """Services that may be open at `at`: those whose opening facet for its local hour has the bit of
    its quarter of an hour."""
    weekday, hour, quarter = _quarter_of(at)
    return {WeightedFacet(open_facet(weekday, hour), 1 << quarter)}


def open_now_sure_facets(at: dt.datetime) -> set[str | WeightedFacet]:
    """Services certainly open at `at`: open throughout its quarter of an hour, every week."""
    weekday, hour, quarter = _quarter_of(at)
    return {WeightedFacet(open_facet(weekday, hour), 1 << (QUARTERS + quarter))}


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


QUARTERS = 4  # quarters of an hour, the opening facets' precision
_QUARTER = 900  # seconds


def _seconds(moment: dt.time) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1_000_000


def opening_facets(schedule_rule: Sequence[object]) -> dict[str, int]:
    """The opening facets of a schedule: hour of the week -> bit mask of its quarters in which the
    schedule may be open (bits 0-3: a superset of schedule_is_open) and of those it is open
    throughout whatever the date (bits 4-7: a subset; only a schedule repeating every week without
    date bounds has any). Values of SCHEDULE_RULE, in its order."""
    # Most schedules share their hours (Monday to Friday, 9 to 5): computed once per distinct rule.
    return dict(_opening_facets(tuple(schedule_rule)))


@functools.lru_cache(maxsize=4096)
def _opening_facets(schedule_rule: tuple[object, ...]) -> tuple[tuple[str, int], ...]:
    freq, byday, opens, closes, interval, *bounds = schedule_rule
    if (freq or "") not in _WEEKLY or not isinstance(opens, dt.time) or not isinstance(closes, dt.time):
        return ()
    every_week = (interval if isinstance(interval, int) else 1) <= 1 and all(bound is None for bound in bounds)
    start, end = _seconds(opens), _seconds(closes)
    # (days after the listed day, opening second, closing second) of each stretch of the opening:
    # past midnight (or round the clock, when equal) it runs on into the next day.
    stretches = [(0, start, end)] if opens < closes else [(0, start, 24 * 3600.0), (1, 0.0, end)]
    days = {code for code in (part.strip().upper() for part in str(byday or "").split(",")) if code in WEEKDAY_CODES}
    masks: dict[str, int] = defaultdict(int)
    for code in days:
        day = WEEKDAY_CODES.index(code)
        for offset, lower, upper in stretches:
            weekday = WEEKDAY_CODES[(day + offset) % 7]
            first, last = int(lower // _QUARTER), math.ceil(upper / _QUARTER)
            for index in range(first, min(last, 24 * QUARTERS)):
                hour, quarter = divmod(index, QUARTERS)
                quarter_start = index * _QUARTER
                bits = 1 << quarter  # the stretch meets this quarter
                if every_week and lower <= quarter_start and quarter_start + _QUARTER <= upper:
                    bits |= 1 << (QUARTERS + quarter)
                masks[open_facet(weekday, hour)] |= bits
    return tuple(masks.items())


@dataclass
class ServiceFacets:
    """Each service's facet terms, and the coordinates of its located offices (read with them)."""

    terms: dict[uuid.UUID, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Opening facets with their quarter-hour masks (newstart.search.facets.opening_facets).
    openings: dict[uuid.UUID, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
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

    def add_openings(service_id: uuid.UUID, schedule_rule: Sequence[object]) -> None:
        openings = found.openings[service_id]
        for term, bits in opening_facets(schedule_rule).items():
            openings[term] = openings.get(term, 0) | bits

    for service_id, *schedule_rule in Schedule.objects.filter(service_id__in=service_ids).values_list(
        "service_id", *SCHEDULE_RULE
    ):
        add_openings(service_id, schedule_rule)
    for sal_id, *schedule_rule in Schedule.objects.filter(service_at_location_id__in=list(sal_service)).values_list(
        "service_at_location_id", *SCHEDULE_RULE
    ):
        add_openings(sal_service[sal_id], schedule_rule)
    return found
