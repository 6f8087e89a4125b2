"""Reading local-area boundaries and census indicators from files; nothing here writes.

Every reader either returns complete, checked rows or raises ``ImportProblem`` listing every
problem it found (row numbers are 1-based lines of the file), so that the writes in
``services.py`` never start on a file that does not fit.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from newstart.insights.models import LANGUAGE_INDICATORS, Indicator

# The credit Statistics Canada's licence asks for, as printed in the City's file.
VANCOUVER_CENSUS_CREDIT = "Statistics Canada, Census 2016, custom order for City of Vancouver Local Areas"
VANCOUVER_CENSUS_YEAR = 2016

# An error message lists this many problems, then says how many more there are.
MAX_LISTED_PROBLEMS = 20


class ImportProblem(ValueError):
    """The file does not fit; ``problems`` names each bad row or field."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.message = message
        self.problems = list(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [self.message, *(f"  - {p}" for p in self.problems[:MAX_LISTED_PROBLEMS])]
        if len(self.problems) > MAX_LISTED_PROBLEMS:
            lines.append("  - " + _("and %(count)s more") % {"count": len(self.problems) - MAX_LISTED_PROBLEMS})
        return "\n".join(lines)


def area_slug(name: str) -> str:
    """The LocalArea slug for a name as any source spells it ("Arbutus-Ridge ", "Arbutus Ridge")."""
    return slugify(name.strip())


# --- Boundaries ------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaBoundary:
    name: str
    slug: str
    boundary: dict[str, Any]
    centroid_latitude: float
    centroid_longitude: float


def _ring_centroid(ring: Sequence[Sequence[float]]) -> tuple[float, float, float]:
    """Signed area and area-weighted centroid (x, y) of one closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        return 0.0, 0.0, 0.0
    return area, cx / (6 * area), cy / (6 * area)


def polygon_centroid(geometry: dict[str, Any]) -> tuple[float, float]:
    """(longitude, latitude) of the area-weighted centroid of a Polygon or MultiPolygon.

    Planar in degrees, which is accurate enough for areas a few kilometres across.
    """
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    total = sx = sy = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            area, x, y = _ring_centroid([(float(p[0]), float(p[1])) for p in ring])
            area = abs(area) if index == 0 else -abs(area)  # holes subtract
            total += area
            sx += x * area
            sy += y * area
    if total == 0:
        raise ValueError("empty polygon")
    return sx / total, sy / total


def _valid_ring(ring: object) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(p, list)
            and len(p) >= 2
            and all(isinstance(c, int | float) and math.isfinite(c) for c in p[:2])
            and -180 <= p[0] <= 180
            and -90 <= p[1] <= 90
            for p in ring
        )
    )


def _valid_geometry(geometry: object) -> bool:
    if not isinstance(geometry, dict):
        return False
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Polygon":
        return isinstance(coordinates, list) and bool(coordinates) and all(_valid_ring(r) for r in coordinates)
    if geometry.get("type") == "MultiPolygon":
        return (
            isinstance(coordinates, list)
            and bool(coordinates)
            and all(isinstance(p, list) and p and all(_valid_ring(r) for r in p) for p in coordinates)
        )
    return False


def parse_area_boundaries(raw: bytes) -> list[AreaBoundary]:
    """Local areas from a GeoJSON FeatureCollection (the City of Vancouver's local-area-boundary
    format: a ``name`` property and a Polygon/MultiPolygon in WGS84 longitude/latitude)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportProblem(_("The file is not GeoJSON (UTF-8 JSON): %(error)s") % {"error": exc}) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise ImportProblem(_("The file is not a GeoJSON FeatureCollection with a list of features"))
    problems: list[str] = []
    boundaries: list[AreaBoundary] = []
    seen: dict[str, int] = {}
    for number, feature in enumerate(data["features"], start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        name = properties.get("name") if isinstance(properties, dict) else None
        if not isinstance(name, str) or not area_slug(name):
            problems.append(_("feature %(number)s: no 'name' property") % {"number": number})
            continue
        name = name.strip()
        geometry = feature.get("geometry")
        if not _valid_geometry(geometry):
            problems.append(
                _("feature %(number)s (%(name)s): the geometry is not a Polygon or MultiPolygon in longitude/latitude")
                % {"number": number, "name": name}
            )
            continue
        assert isinstance(geometry, dict)
        slug = area_slug(name)
        if slug in seen:
            problems.append(
                _("feature %(number)s (%(name)s): the same area as feature %(other)s")
                % {"number": number, "name": name, "other": seen[slug]}
            )
            continue
        seen[slug] = number
        try:
            longitude, latitude = polygon_centroid(geometry)
        except ValueError:
            problems.append(
                _("feature %(number)s (%(name)s): the polygon has no area") % {"number": number, "name": name}
            )
            continue
        boundaries.append(
            AreaBoundary(
                name=name,
                slug=slug,
                boundary={"type": geometry["type"], "coordinates": geometry["coordinates"]},
                centroid_latitude=latitude,
                centroid_longitude=longitude,
            )
        )
    if problems:
        raise ImportProblem(_("The boundary file has features that do not fit"), problems)
    if not boundaries:
        raise ImportProblem(_("The boundary file has no features"))
    return boundaries


# --- Census indicators -------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    area: str  # a name or slug as the file spells it
    indicator: str
    language: str
    value: float
    year: int
    source: str


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM) if the bytes are UTF-8, else Latin-1 (the City's census files).

    UTF-16 (Excel's "Unicode text") is refused: Latin-1 would decode it into nonsense."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise ImportProblem(_("The file is not in Latin-1 or UTF-8 (it looks like UTF-16); save it as CSV UTF-8"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_number(text: str) -> float | None:
    """A number as census tables print it ("15,295", " 40.3 "); None when it is not one."""
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class CensusRowSpec:
    indicator: str
    language: str
    rows: tuple[tuple[int, str], ...]  # (ID, the variable's label) — summed when more than one


def _rows(*pairs: tuple[int, str]) -> tuple[tuple[int, str], ...]:
    return pairs


# Where home-language rows start relative to the mother-tongue rows (same languages, same order).
_HOME_LANGUAGE_OFFSET = 1013 - 206

# (ISO 639 code, mother-tongue ID, label): the 12 interface languages (Chinese as all Chinese
# languages, Cantonese and Mandarin), Hindi, and the other languages newcomers to Vancouver speak.
_LANGUAGE_ROWS: tuple[tuple[str, int, str], ...] = (
    ("en", 209, "English"),
    ("fr", 210, "French"),
    ("so", 303, "Somali"),
    ("am", 306, "Amharic"),
    ("ar", 307, "Arabic"),
    ("ti", 313, "Tigrigna"),
    ("vi", 318, "Vietnamese"),
    ("tl", 330, "Tagalog (Pilipino, Filipino)"),
    ("ta", 340, "Tamil"),
    ("pl", 358, "Polish"),
    ("ru", 359, "Russian"),
    ("uk", 364, "Ukrainian"),
    ("de", 375, "German"),
    ("gu", 386, "Gujarati"),
    ("hi", 387, "Hindi"),
    ("pa", 393, "Punjabi (Panjabi)"),
    ("ur", 396, "Urdu"),
    ("fa", 400, "Persian (Farsi)"),
    ("it", 404, "Italian"),
    ("pt", 405, "Portuguese"),
    ("es", 407, "Spanish"),
    ("ja", 409, "Japanese"),
    ("ko", 412, "Korean"),
    ("zh", 440, "Chinese languages"),
    ("yue", 441, "Cantonese"),
    ("cmn", 443, "Mandarin"),
)

VANCOUVER_CENSUS_ROWS: tuple[CensusRowSpec, ...] = (
    CensusRowSpec(
        Indicator.POPULATION, "", _rows((1, "Total - Age groups and average age of the population - 100% data"))
    ),
    CensusRowSpec(Indicator.AGE_0_14, "", _rows((2, "0 to 14 years"))),
    CensusRowSpec(Indicator.AGE_15_24, "", _rows((7, "15 to 19 years"), (8, "20 to 24 years"))),
    CensusRowSpec(Indicator.AGE_15_64, "", _rows((6, "15 to 64 years"))),
    CensusRowSpec(
        Indicator.AGE_25_64,
        "",
        _rows(
            (9, "25 to 29 years"),
            (10, "30 to 34 years"),
            (11, "35 to 39 years"),
            (12, "40 to 44 years"),
            (13, "45 to 49 years"),
            (14, "50 to 54 years"),
            (15, "55 to 59 years"),
            (16, "60 to 64 years"),
        ),
    ),
    CensusRowSpec(Indicator.AGE_65_PLUS, "", _rows((17, "65 years and over"))),
    CensusRowSpec(
        Indicator.POPULATION_EXCLUDING_INSTITUTIONAL,
        "",
        _rows((206, "Total - Mother tongue for the total population excluding institutional residents - 100% data")),
    ),
    CensusRowSpec(
        Indicator.POPULATION_PRIVATE_HOUSEHOLDS,
        "",
        _rows(
            (
                2531,
                "Total - Immigrant status and period of immigration for the population in private households"
                " - 25% sample data",
            )
        ),
    ),
    CensusRowSpec(Indicator.IMMIGRANTS, "", _rows((2533, "Immigrants"))),
    CensusRowSpec(Indicator.RECENT_IMMIGRANTS, "", _rows((2540, "2011 to 2016"))),
    CensusRowSpec(Indicator.NON_PERMANENT_RESIDENTS, "", _rows((2541, "Non-permanent residents"))),
    *(CensusRowSpec(Indicator.MOTHER_TONGUE, code, _rows((row, label))) for code, row, label in _LANGUAGE_ROWS),
    *(
        CensusRowSpec(Indicator.HOME_LANGUAGE, code, _rows((row + _HOME_LANGUAGE_OFFSET, label)))
        for code, row, label in _LANGUAGE_ROWS
    ),
)

# Columns of the City's profile that are not local areas: the city and the metropolitan area.
_VANCOUVER_TOTAL_COLUMNS = frozenset({"vancouver-csd", "vancouver-cma"})


def parse_vancouver_census(raw: bytes, *, source: str = VANCOUVER_CENSUS_CREDIT) -> list[IndicatorRow]:
    """Indicators from the City of Vancouver's CensusLocalAreaProfiles2016.csv.

    Latin-1, a few preamble lines, then a header ``ID,Variable,<area>,...`` and one row per census
    variable with thousands separators. Rows are found by ID and their label is checked, so a
    different profile (another census year, another city) fails loudly instead of importing the
    wrong numbers.
    """
    lines = decode_text(raw).splitlines()
    header_at = next((i for i, line in enumerate(lines[:10]) if line.startswith("ID,Variable,")), None)
    if header_at is None:
        raise ImportProblem(
            _(
                "No header line 'ID,Variable,<area>,...' in the first 10 lines: this is not the City of "
                "Vancouver's census local-area profile (CensusLocalAreaProfiles2016.csv)"
            )
        )
    reader = csv.reader(io.StringIO("\n".join(lines[header_at:])))
    header = next(reader)
    area_columns = [
        (index, name.strip())
        for index, name in enumerate(header)
        if index >= 2 and name.strip() and area_slug(name) not in _VANCOUVER_TOTAL_COLUMNS
    ]
    if not area_columns:
        raise ImportProblem(_("The header names no local areas after 'ID,Variable'"))
    by_id: dict[int, tuple[int, list[str]]] = {}
    for offset, row in enumerate(reader):
        if row and row[0].strip().isdigit():
            by_id[int(row[0])] = (header_at + 2 + offset, row)

    problems: list[str] = []
    results: list[IndicatorRow] = []
    for spec in VANCOUVER_CENSUS_ROWS:
        sums = [0.0] * len(area_columns)
        complete = True
        for census_id, label in spec.rows:
            found = by_id.get(census_id)
            if found is None:
                problems.append(_("no row with ID %(id)s (%(label)s)") % {"id": census_id, "label": label})
                complete = False
                continue
            line_number, row = found
            if len(row) < 2 or row[1].strip() != label:
                problems.append(
                    _("line %(line)s: ID %(id)s is '%(found)s', expected '%(label)s'")
                    % {
                        "line": line_number,
                        "id": census_id,
                        "found": row[1].strip() if len(row) > 1 else "",
                        "label": label,
                    }
                )
                complete = False
                continue
            for position, (column, area) in enumerate(area_columns):
                value = parse_number(row[column]) if column < len(row) else None
                if value is None:
                    problems.append(
                        _("line %(line)s (ID %(id)s, %(area)s): '%(value)s' is not a number")
                        % {
                            "line": line_number,
                            "id": census_id,
                            "area": area,
                            "value": row[column] if column < len(row) else "",
                        }
                    )
                    complete = False
                else:
                    sums[position] += value
        if complete:
            results.extend(
                IndicatorRow(
                    area=area,
                    indicator=str(spec.indicator),
                    language=spec.language,
                    value=sums[position],
                    year=VANCOUVER_CENSUS_YEAR,
                    source=source,
                )
                for position, (_column, area) in enumerate(area_columns)
            )
    if problems:
        raise ImportProblem(_("The census file does not fit the City of Vancouver 2016 profile format"), problems)
    return results


TIDY_COLUMNS = ("area", "indicator", "value", "year")
TIDY_OPTIONAL_COLUMNS = ("language", "source")


def parse_tidy_indicators(raw: bytes, *, source: str = "") -> list[IndicatorRow]:
    """Indicators from a tidy CSV: one value per row, columns area, indicator, value, year and
    optionally language (ISO 639 code, for mother_tongue/home_language) and source."""
    reader = csv.DictReader(io.StringIO(decode_text(raw)))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in TIDY_COLUMNS if c not in columns]
    if missing:
        raise ImportProblem(
            _("The header must have the columns %(columns)s; missing: %(missing)s")
            % {"columns": ", ".join(TIDY_COLUMNS), "missing": ", ".join(missing)}
        )
    reader.fieldnames = columns
    known = {choice.value for choice in Indicator}
    problems: list[str] = []
    rows: list[IndicatorRow] = []
    seen: dict[tuple[str, str, str, int], int] = {}
    for line, record in enumerate(reader, start=2):
        area = (record.get("area") or "").strip()
        indicator = (record.get("indicator") or "").strip()
        language = (record.get("language") or "").strip()
        value = parse_number(record.get("value") or "")
        year_text = (record.get("year") or "").strip()
        row_problems: list[str] = []
        if not area_slug(area):
            row_problems.append(_("no area"))
        if indicator not in known:
            row_problems.append(
                _("unknown indicator '%(indicator)s' (known: %(known)s)")
                % {"indicator": indicator, "known": ", ".join(sorted(known))}
            )
        elif indicator in LANGUAGE_INDICATORS and not language:
            row_problems.append(_("%(indicator)s needs a language code") % {"indicator": indicator})
        elif indicator not in LANGUAGE_INDICATORS and language:
            row_problems.append(_("%(indicator)s is not about a language") % {"indicator": indicator})
        if value is None:
            row_problems.append(_("value '%(value)s' is not a number") % {"value": record.get("value") or ""})
        if not (year_text.isdigit() and 1800 <= int(year_text) <= 2200):
            row_problems.append(_("year '%(year)s' is not a year") % {"year": year_text})
        if row_problems:
            problems.append(_("line %(line)s: %(problems)s") % {"line": line, "problems": "; ".join(row_problems)})
            continue
        assert value is not None
        key = (area_slug(area), indicator, language, int(year_text))
        if key in seen:
            problems.append(_("line %(line)s: the same fact as line %(other)s") % {"line": line, "other": seen[key]})
            continue
        seen[key] = line
        row_source = (record.get("source") or "").strip() or source
        rows.append(IndicatorRow(area, indicator, language, value, int(year_text), row_source))
    if problems:
        raise ImportProblem(_("The tidy CSV has rows that do not fit"), problems)
    if not rows:
        raise ImportProblem(_("The tidy CSV has no rows"))
    return rows


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportProblem(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from None


def area_names(rows: Iterable[IndicatorRow]) -> list[str]:
    return sorted({row.area for row in rows})
