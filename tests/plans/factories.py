"""Helpers for My plan's tests: services at a place under a settlement code, plans made the normal way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from newstart.directory.models import Service
from newstart.directory.taxonomies import settlement_term_get
from newstart.eligibility.models import ImmigrationStatus
from newstart.plans.models import Plan
from newstart.plans.services import PlanInput, plan_create
from tests.directory.factories import (
    AddressFactory,
    LanguageFactory,
    LocationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    link_service_to_term,
)

# Near Commercial Drive, Vancouver (V5L / V5N area).
HOME = (49.2700, -123.0700)


def service_at(
    name: str,
    *,
    code: str | None,
    latitude: float = HOME[0],
    longitude: float = HOME[1],
    postal_code: str = "V5L 3X9",
    languages: tuple[str, ...] = ("en",),
    **kwargs: Any,
) -> Service:
    service = ServiceFactory(name=name, **kwargs)
    location = LocationFactory(organization=service.organization, latitude=latitude, longitude=longitude)
    AddressFactory(location=location, postal_code=postal_code)
    ServiceAtLocationFactory(service=service, location=location)
    for language in languages:
        LanguageFactory(service=service, code=language, name=language)
    if code is not None:
        term = settlement_term_get(code=code)
        assert term is not None, code
        link_service_to_term(service, term)
    return service


def make_plan(**overrides: Any) -> tuple[Plan, str]:
    values: dict[str, Any] = {
        "arrival_date": dt.date(2026, 5, 1),
        "status": ImmigrationStatus.PERMANENT_RESIDENT,
        "landing_date": dt.date(2026, 5, 1),
        "immigration_class": "family",
        "household_ages": (38, 36, 7),
        "languages": ("pa", "en"),
        "needs": ("CHILD", "LANG"),
        "postal_code": "V5L 3X9",
    }
    values.update(overrides)
    return plan_create(data=PlanInput(**values))
