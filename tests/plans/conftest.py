"""Fixtures for My plan: the settlement taxonomy and default steps, English active, a movable clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import translation

from newstart.directory.taxonomies import taxonomy_load_settlement
from newstart.plans.services import plan_steps_load

VANCOUVER = zoneinfo.ZoneInfo("America/Vancouver")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=VANCOUVER)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _english_and_clean_cache() -> Iterator[None]:
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def clock() -> Iterator[mock.MagicMock]:
    """django.utils.timezone.now fixed at NOW (a Wednesday in June 2026); set `.return_value` to move it."""
    with mock.patch("django.utils.timezone.now", return_value=NOW.astimezone(dt.UTC)) as now:
        yield now


@pytest.fixture
def steps(db: Any) -> None:
    taxonomy_load_settlement()
    plan_steps_load()
