"""Reads for insights: keyword-only ``<entity>_<action>`` functions."""

from __future__ import annotations

from django.db.models import QuerySet

from newstart.insights.models import AreaIndicator


def area_indicator_list(*, indicator: str, year: int | None = None, language: str = "") -> QuerySet[AreaIndicator]:
    """One indicator for every area that has it, in area-name order; the latest year when none is given."""
    facts = AreaIndicator.objects.filter(indicator=indicator, language=language)
    if year is None:
        latest = facts.order_by("-year").values_list("year", flat=True).first()
        if latest is None:
            return facts.none()
        year = latest
    return facts.filter(year=year).select_related("area").order_by("area__name")


def area_indicator_values(*, indicator: str, year: int | None = None, language: str = "") -> dict[str, float]:
    """{area slug: value} for one indicator (see area_indicator_list)."""
    return {
        fact.area.slug: fact.value for fact in area_indicator_list(indicator=indicator, year=year, language=language)
    }
