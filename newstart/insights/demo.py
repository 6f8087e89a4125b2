"""Demo facts: the 2016 census numbers for Vancouver's 22 local areas.

The numbers were typed in once from the City of Vancouver's CensusLocalAreaProfiles2016.csv into
data/census_2016_local_areas.json (the demo never reads reference data at run time) and are
stored with the credit Statistics Canada asks for.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from newstart.directory.models import LocalArea
from newstart.insights.importers import IndicatorRow, area_slug
from newstart.insights.services import ImportCounts, area_indicator_import

DEMO_CENSUS_FILE = Path(__file__).resolve().parent / "data" / "census_2016_local_areas.json"


def demo_census_rows() -> list[IndicatorRow]:
    """The typed-in facts as indicator rows ("home_language:pa" keys carry the language)."""
    data = json.loads(DEMO_CENSUS_FILE.read_text(encoding="utf-8"))
    rows: list[IndicatorRow] = []
    for area in data["areas"]:
        for key, value in area["facts"].items():
            indicator, _sep, language = key.partition(":")
            rows.append(IndicatorRow(area["name"], indicator, language, float(value), data["year"], data["source"]))
    return rows


@transaction.atomic
def insights_demo_load() -> ImportCounts:
    """Load the demo census facts, creating any of the 22 areas that do not exist yet. Idempotent:
    a second run finds every value in place and changes nothing."""
    rows = demo_census_rows()
    existing = set()
    for slug, name in LocalArea.objects.values_list("slug", "name"):
        existing |= {slug, area_slug(name)}
    for name in sorted({row.area for row in rows}):
        if area_slug(name) not in existing:
            LocalArea.objects.create(slug=area_slug(name), name=name)
    return area_indicator_import(rows=rows)
