"""Facets: the index's terms for the filters are never stricter than the filters, stay in step with
the rows they come from, and a filtered search gives the filters' own answer."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from newstart.directory.selectors import NearFilter, ServiceFilters, service_list
from newstart.search.facets import WeightedFacet, radius_facets
from newstart.search.services import search_document_terms
from tests.directory.factories import (
    AttributeFactory,
    CostOptionFactory,
    LanguageFactory,
    LocalAreaFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from tests.directory.test_opening import SCHEDULE_KINDS

pytestmark = pytest.mark.django_db

VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")
MONDAY = dt.date(2024, 5, 6)


@pytest.fixture
def directory():
    """Food banks that differ in every filtered respect."""
    sunset = LocalAreaFactory(name="Sunset")
    kitsilano = LocalAreaFactory(name="Kitsilano")
    food = TaxonomyTermFactory(code="FOOD", name="Food")
    hampers = TaxonomyTermFactory(code="FOOD-HAMPER", name="Hampers", parent=food, taxonomy_detail=food.taxonomy_detail)
    services = {}
    services["punjabi"] = ServiceFactory(name="Sunset food bank")
    LanguageFactory(service=services["punjabi"], code="pa-Arab", name="Punjabi")
    LanguageFactory(service=services["punjabi"], code="ur-Arab-PK", name="Urdu")
    CostOptionFactory(service=services["punjabi"], amount=Decimal("0"))
    AttributeFactory(linked=services["punjabi"], taxonomy_term=hampers)
    sal = ServiceAtLocationFactory(
        service=services["punjabi"], location=LocationFactory(local_area=sunset, latitude=49.219, longitude=-123.09)
    )
    ScheduleFactory(service=None, service_at_location=sal, byday="FR", opens_at=dt.time(22), closes_at=dt.time(2))
    services["cantonese"] = ServiceFactory(name="Kitsilano food bank")
    LanguageFactory(service=services["cantonese"], code="yue", name="Cantonese")
    CostOptionFactory(service=services["cantonese"], amount=Decimal("5"))
    AttributeFactory(linked=services["cantonese"], taxonomy_term=food)
    ServiceAtLocationFactory(
        service=services["cantonese"],
        location=LocationFactory(local_area=kitsilano, latitude=49.268, longitude=-123.168),
    )
    ScheduleFactory(service=services["cantonese"], byday="MO,TU", opens_at=dt.time(9, 30), closes_at=dt.time(12))
    services["toronto"] = ServiceFactory(name="Toronto food bank")
    LanguageFactory(service=services["toronto"], code="en")
    ServiceAtLocationFactory(service=services["toronto"], location=LocationFactory(latitude=43.65, longitude=-79.38))
    ScheduleFactory(service=services["toronto"], byday="TU,SA", opens_at=dt.time(0), closes_at=dt.time(0))
    services["online"] = ServiceFactory(name="Online food bank")
    # Hours off the quarter hours, and hours bounded by dates: never "certainly open" from a facet.
    services["odd_hours"] = ServiceFactory(name="Mount Pleasant food bank")
    ScheduleFactory(service=services["odd_hours"], byday="MO", opens_at=dt.time(9, 10), closes_at=dt.time(11, 50))
    ScheduleFactory(
        service=services["odd_hours"],
        byday="FR",
        opens_at=dt.time(20),
        closes_at=dt.time(23),
        valid_to=MONDAY + dt.timedelta(days=3),
    )
    return {"services": services, "sunset": sunset, "food": food, "hampers": hampers}


def moments() -> list[dt.datetime]:
    found = [
        dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour, 30), tzinfo=VANCOUVER)
        for day in range(7)
        for hour in (0, 1, 9, 11, 12, 22, 23)
    ]
    # Within the quarters of an hour, around odd opening hours and date bounds.
    found += [
        dt.datetime.combine(MONDAY + dt.timedelta(days=day), moment, tzinfo=VANCOUVER)
        for day, moment in (
            (0, dt.time(9, 5)),
            (0, dt.time(9, 10)),
            (0, dt.time(9, 14, 59)),
            (0, dt.time(11, 49)),
            (0, dt.time(11, 55)),
            (4, dt.time(21)),
            (11, dt.time(21)),
            (5, dt.time(1, 59, 59)),
        )
    ]
    return found


def filter_variants(directory) -> list[ServiceFilters]:
    codes = ("pa", "pa-arab", "zh", "yue", "en", "fr", "ur", "UR-arab", "ur-arab-pk", "ur-ar")
    variants = [ServiceFilters(language=code) for code in codes]
    variants += [ServiceFilters(local_area=slug) for slug in ("sunset", "kitsilano", "nowhere")]
    variants += [ServiceFilters(free=True), ServiceFilters(free=False)]
    variants += [ServiceFilters(taxonomy_term_id=term.pk) for term in (directory["food"], directory["hampers"])]
    variants += [ServiceFilters(open_now=True, at=moment) for moment in moments()]
    variants += [
        ServiceFilters(near=NearFilter(latitude=lat, longitude=lon, radius_km=km))
        for lat, lon, km in ((49.26, -123.11, 5), (49.26, -123.11, 15), (43.7, -79.4, 30), (49.2, -123.0, 1))
    ]
    # A radius with filters the queryset decides, and one too wide for map cells.
    vancouver = NearFilter(latitude=49.26, longitude=-123.11, radius_km=15)
    variants += [
        ServiceFilters(near=vancouver, free=False),
        ServiceFilters(near=vancouver, language="pa", open_now=True, at=moments()[10]),
        ServiceFilters(near=NearFilter(latitude=49.26, longitude=-123.11, radius_km=5000)),
    ]
    return variants


def holds(facet, terms: dict[str, int]) -> bool:
    """Whether a document with these terms (term -> weight) has the facet."""
    if isinstance(facet, WeightedFacet):
        return bool(terms.get(facet.term, 0) & facet.bits)
    return facet in terms


def test_every_service_a_filter_lets_through_carries_its_facets(directory):
    """The facets are a prefilter: whatever a filter admits, the facet prefilter admits too."""
    from newstart.directory.selectors import _search_facets

    admitted_somewhere = 0
    for filters in filter_variants(directory):
        groups = _search_facets(filters)
        # "Not free" has no facet (the filter decides), nor has a radius too wide for map cells.
        too_wide = filters.near is not None and (filters.near.radius_km or 0) > 1000
        assert groups or filters.free is False or too_wide, filters
        for service in service_list(filters=filters):
            terms = search_document_terms(service_id=service.pk)
            assert all(any(holds(facet, terms) for facet in group) for group in groups), (filters, service)
            admitted_somewhere += 1
    assert admitted_somewhere > 20


def test_a_filtered_search_is_the_filters_answer_ranked(directory):
    for filters in filter_variants(directory):
        expected = set(service_list(filters=filters).values_list("pk", flat=True))
        searched = service_list(filters=ServiceFilters(**{**filters.__dict__, "search": "food bank"}))
        assert {service.pk for service in searched} == expected, filters


def test_facets_follow_the_rows_they_come_from(directory):
    service = directory["services"]["online"]
    assert not {"#free", "#lang:fr"} & search_document_terms(service_id=service.pk).keys()
    LanguageFactory(service=service, code="fr", name="French")
    option = CostOptionFactory(service=service, amount=Decimal("0"))
    schedule = ScheduleFactory(service=service, byday="WE", opens_at=dt.time(13, 30), closes_at=dt.time(15))
    terms = search_document_terms(service_id=service.pk)
    assert {"#lang:fr", "#free", "#open:WE13", "#open:WE14"} <= terms.keys()
    assert "#open:WE15" not in terms
    # Quarter-hour masks: may be open in the last two quarters of 13:00, and certainly then.
    assert terms["#open:WE13"] == 0b1100_1100 and terms["#open:WE14"] == 0b1111_1111
    option.amount = Decimal("2")
    option.save()
    schedule.delete()
    terms = search_document_terms(service_id=service.pk)
    assert "#free" not in terms and "#open:WE13" not in terms
    location = LocationFactory(local_area=directory["sunset"], latitude=49.22, longitude=-123.09)
    ServiceAtLocationFactory(service=service, location=location)
    assert "#area:sunset" in search_document_terms(service_id=service.pk)
    location.latitude = 43.65
    location.longitude = -79.38
    location.save()
    toronto_cells = radius_facets(43.65, -79.38, 1)
    assert toronto_cells and toronto_cells & search_document_terms(service_id=service.pk).keys()


def test_a_radius_takes_the_finest_grid_that_needs_few_cells():
    city = radius_facets(49.0, -123.0, 10) or set()
    assert city and all(term.startswith("#cellf:") for term in city) and len(city) <= 42
    region = radius_facets(49.0, -123.0, 50) or set()
    assert region and all(term.startswith("#cell:") for term in region) and len(region) <= 24
    assert radius_facets(49.0, -123.0, 5000) is None


def test_the_facets_decide_only_for_filters_they_answer_exactly(directory):
    from newstart.directory.selectors import _facets_decide

    assert _facets_decide(ServiceFilters(search="x", language="pa", local_area="sunset", free=True))
    assert _facets_decide(ServiceFilters(search="x", near=NearFilter(latitude=49.2, longitude=-123.1)))
    # The radius is the engine's own check (from the offices' coordinates), not the queryset's.
    assert _facets_decide(ServiceFilters(search="x", near=NearFilter(latitude=49.2, longitude=-123.1, radius_km=5)))
    for filters in (
        ServiceFilters(search="x", free=False),
        ServiceFilters(search="x", open_now=True),
        ServiceFilters(search="x", status="active"),
        ServiceFilters(search="x", taxonomy_id=directory["food"].taxonomy_detail_id),
    ):
        assert not _facets_decide(filters), filters


@pytest.mark.parametrize("variant", SCHEDULE_KINDS, ids=str)
def test_opening_facets_bound_schedule_is_open(variant):
    """An opening facet's "may" bit holds whenever the schedule is open in that quarter of an hour (a
    prefilter); its "sure" bit only when it is open throughout that quarter, every week (a
    candidate with it needs no check)."""
    from newstart.directory.models import Schedule
    from newstart.directory.opening import WEEKDAY_CODES, schedule_is_open
    from newstart.search.facets import QUARTERS, SCHEDULE_RULE, open_facet, opening_facets

    values = {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": dt.time(9), "closes_at": dt.time(17)}
    schedule = Schedule(**{**values, **variant})
    masks = opening_facets([getattr(schedule, name) for name in SCHEDULE_RULE])
    offsets = [dt.timedelta(seconds=second) for second in (0, 1, 449, 450, 899)]
    for day in range(21):
        date = MONDAY - dt.timedelta(days=7) + dt.timedelta(days=day)
        code = WEEKDAY_CODES[date.weekday()]
        for hour in range(24):
            mask = masks.get(open_facet(code, hour), 0)
            for quarter in range(QUARTERS):
                start = dt.datetime(date.year, date.month, date.day, hour, 15 * quarter, tzinfo=VANCOUVER)
                open_at = [schedule_is_open(schedule, start + offset) for offset in offsets]
                if any(open_at):
                    assert mask & (1 << quarter), (variant, date, hour, quarter)
                if mask & (1 << (QUARTERS + quarter)):
                    assert all(open_at), (variant, date, hour, quarter)
    if not variant:
        assert masks[open_facet("MO", 9)] == masks[open_facet("FR", 16)] == 0xFF
        assert open_facet("MO", 17) not in masks and open_facet("SA", 10) not in masks
