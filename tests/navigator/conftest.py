"""Fixtures for the navigator's tests: the settlement taxonomy, a clean cache, a frozen clock, services."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import translation

from newstart.directory.models import LocalArea, Service
from newstart.directory.taxonomies import settlement_term_get, taxonomy_load_settlement
from tests.directory.factories import (
    AddressFactory,
    LanguageFactory,
    LocalAreaFactory,
    LocationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    add_weekly_schedule,
    link_service_to_term,
    make_free,
)

VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")
# A Wednesday, mid-morning in Vancouver.
WEDNESDAY_10AM = dt.datetime(2026, 1, 14, 10, 0, tzinfo=VANCOUVER)
SATURDAY_10AM = dt.datetime(2026, 1, 17, 10, 0, tzinfo=VANCOUVER)


@pytest.fixture(autouse=True)
def _clean_cache_and_english() -> Iterator[None]:
    """Each test starts with an empty cache (rate limits) and English active (for reverse())."""
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def taxonomy(db: Any) -> None:
    taxonomy_load_settlement()


@pytest.fixture
def frozen_clock() -> Iterator[mock.MagicMock]:
    """django.utils.timezone.now fixed at a Wednesday 10:00 in Vancouver; set `.return_value` to move it."""
    with mock.patch("django.utils.timezone.now", return_value=WEDNESDAY_10AM.astimezone(dt.UTC)) as now:
        yield now


def make_service(
    name: str,
    *,
    latitude: float = 49.2606,
    longitude: float = -123.1140,
    postcode: str = "V5Y 1V4",
    area: LocalArea | None = None,
    languages: tuple[str, ...] = ("en",),
    free: bool = False,
    hours: tuple[str, dt.time, dt.time] | None = None,
    category: str | None = None,
    **kwargs: Any,
) -> Service:
    """An active service with one location (address, coordinates) and the given features."""
    service = ServiceFactory(name=name, **kwargs)
    location = LocationFactory(
        organization=service.organization, latitude=latitude, longitude=longitude, local_area=area
    )
    AddressFactory(location=location, postal_code=postcode)
    ServiceAtLocationFactory(service=service, location=location)
    for code in languages:
        LanguageFactory(service=service, code=code, name=code)
    if free:
        make_free(service)
    if hours is not None:
        add_weekly_schedule(service, byday=hours[0], opens_at=hours[1], closes_at=hours[2])
    if category is not None:
        term = settlement_term_get(code=category)
        assert term is not None, category
        link_service_to_term(service, term)
    return service


@pytest.fixture
def area_factory() -> Any:
    return LocalAreaFactory
