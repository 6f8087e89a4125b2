"""Gap analysis: where newcomers who speak a language cannot reach a category of services in it.

For one settlement category (a top-level code such as LANG) and one home language (e.g. ``pa``):

- **Demand** per local area: the census count of people speaking the language most often at home
  (``home_language``); with no language chosen, the recent immigrants (arrived in the five years
  before the census).
- **Supply**: the category's active services delivered in that language (Language rows; "zh" also
  counts Cantonese and Mandarin), one supply point per located place. A point's value is the
  service's available capacity (ServiceCapacity) split over its places, else 1.
- **Costs**: straight-line (great-circle) distances in km from each area's centroid to each place.
- **Access** (newstart.insights.access, as PySAL access): 2SFCA with the catchment as the cutoff, or
  E2SFCA (the default) with Luo & Qi's step weights 1, 0.68 and 0.22 at a third, two thirds and all
  of the catchment. The default catchment is 3 km (about a 40-minute walk or 15 minutes by bus in
  Vancouver; a local area is 2 to 4 km across).
- **Accessible supply**: the supply within the catchment, weighted as in the access score.
- **Access per 1,000**: the access score (supply per person) times 1,000.
- **Relative access**: the area's score divided by the city's demand-weighted mean score.
- **Gap** ("unserved demand"): ``demand * (1 - min(1, relative access))``: the people of the area
  counted by how far its access falls below the city's average. An area at or above the average
  has no gap; an area reaching nothing counts all its demand. When no area reaches any service the
  gap is the whole demand everywhere. Areas are ranked by gap, then demand, then name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from newstart.directory.geo import EARTH_RADIUS_KM
from newstart.insights.access import Method, access_scores
from newstart.insights.languages import census_language_name
from newstart.insights.models import Indicator
from newstart.insights.selectors import (
    AreaPoint,
    SupplyPoint,
    area_indicator_values,
    indicator_source,
    local_area_points,
    supply_point_list,
)

DEFAULT_CATCHMENT_KM = 3.0
DEFAULT_METHOD: Method = "e2sfca"
GAP_METHODS: tuple[Method, ...] = ("e2sfca", "2sfca")
MIN_CATCHMENT_KM = 0.25
MAX_CATCHMENT_KM = 30.0
# Luo & Qi's enhanced 2SFCA weights, at a third, two thirds and all of the catchment.
STEP_WEIGHTS: tuple[float, float, float] = (1.0, 0.68, 0.22)
# Colour classes of the map and table (0 = no gap ... 4 = the largest gaps).
GAP_CLASSES = 5

COLUMNS: tuple[tuple[str, Any], ...] = (
    ("rank", _("Rank")),
    ("area", _("Area")),
    ("demand", _("Demand (people)")),
    ("accessible_supply", _("Accessible supply")),
    ("access_per_1000", _("Access per 1,000 people")),
    ("relative_access", _("Access relative to the city average")),
    ("gap", _("Gap (unserved demand)")),
)


@dataclass(frozen=True)
class GapParameters:
    category: str
    language: str = ""
    method: Method = DEFAULT_METHOD
    catchment_km: float = DEFAULT_CATCHMENT_KM

    def steps(self) -> dict[float, float]:
        c = self.catchment_km
        return dict(zip((c / 3, 2 * c / 3, c), STEP_WEIGHTS, strict=True))

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "language": self.language,
            "method": self.method,
            "catchment_km": self.catchment_km,
        }

    def demand_label(self) -> str:
        if self.language:
            return str(
                _("People speaking %(language)s most often at home") % {"language": census_language_name(self.language)}
            )
        return str(_("Recent immigrants (arrived in the five years before the census)"))


@dataclass(frozen=True)
class GapRow:
    rank: int
    slug: str
    area: str
    demand: float
    accessible_supply: float
    access_per_1000: float
    relative_access: float | None
    gap: float
    reaches_service: bool
    gap_class: int

    def values(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "area": self.area,
            "slug": self.slug,
            "demand": self.demand,
            "accessible_supply": round(self.accessible_supply, 4),
            "access_per_1000": round(self.access_per_1000, 4),
            "relative_access": None if self.relative_access is None else round(self.relative_access, 4),
            "gap": round(self.gap, 2),
        }


@dataclass
class GapAnalysis:
    parameters: GapParameters
    rows: list[GapRow]
    services: int
    supply_points: int
    unused_supply_points: int
    # Areas without a centroid: not placed, so not analysed.
    unplaced_areas: list[str] = field(default_factory=list)
    year: int | None = None
    source: str = ""
    city_access_per_1000: float = 0.0

    @property
    def has_demand(self) -> bool:
        return any(row.demand > 0 for row in self.rows)

    def as_rows(self) -> list[dict[str, Any]]:
        return [row.values() for row in self.rows]


def haversine_matrix_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) between every point of the first set and every one of the second."""
    p1, p2 = np.radians(lat1)[:, None], np.radians(lat2)[None, :]
    d_phi = p2 - p1
    d_lambda = np.radians(lon2)[None, :] - np.radians(lon1)[:, None]
    a = np.sin(d_phi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(d_lambda / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0))), dtype=np.float64)


def gap_class(gap: float, largest: float) -> int:
    """0 for no gap; 1..GAP_CLASSES-1 in equal steps of the largest gap."""
    if gap <= 0 or largest <= 0:
        return 0
    return min(GAP_CLASSES - 1, 1 + int((GAP_CLASSES - 1) * gap / largest * 0.999999))


def _demand(parameters: GapParameters) -> tuple[dict[str, float], int | None, str]:
    if parameters.language:
        indicator, language = Indicator.HOME_LANGUAGE, parameters.language
    else:
        indicator, language = Indicator.RECENT_IMMIGRANTS, ""
    year, source = indicator_source(indicator=indicator, language=language)
    return area_indicator_values(indicator=indicator, language=language), year, source


def gap_compute(
    *, parameters: GapParameters, areas: list[AreaPoint], demand: dict[str, float], supply: list[SupplyPoint]
) -> tuple[list[GapRow], int, float]:
    """The ranked rows from plain inputs (no database): rows, unused supply points, city access per 1,000."""
    placed = [a for a in areas if a.latitude is not None and a.longitude is not None]
    demand_values = np.array([max(demand.get(a.slug, 0.0), 0.0) for a in placed], dtype=np.float64)
    supply_values = np.array([s.value for s in supply], dtype=np.float64)
    n_areas, n_points = len(placed), len(supply)
    scores = np.zeros(n_areas)
    accessible = np.zeros(n_areas)
    reaches = np.zeros(n_areas, dtype=bool)
    unused = 0
    if n_areas and n_points:
        distances = haversine_matrix_km(
            np.array([a.latitude for a in placed], dtype=np.float64),
            np.array([a.longitude for a in placed], dtype=np.float64),
            np.array([s.latitude for s in supply], dtype=np.float64),
            np.array([s.longitude for s in supply], dtype=np.float64),
        )
        origin, dest = np.nonzero(distances <= parameters.catchment_km)
        cost = distances[origin, dest]
        steps = parameters.steps() if parameters.method == "e2sfca" else None
        result = access_scores(
            demand_ids=np.arange(n_areas),
            demand_values=demand_values,
            supply_ids=np.arange(n_points),
            supply_values=supply_values,
            origins=origin,
            destinations=dest,
            costs=cost,
            method=parameters.method,
            max_cost=parameters.catchment_km,
            steps=steps,
        )
        scores, reaches, unused = result.scores, result.reaches_service, len(result.unused_supply_ids)
        weights = np.ones_like(cost) if steps is None else _step_weights(cost, steps)
        accessible = np.bincount(origin, weights=supply_values[dest] * weights, minlength=n_areas).astype(np.float64)
    total_demand = float(demand_values.sum())
    mean_score = float((scores * demand_values).sum() / total_demand) if total_demand > 0 else 0.0
    relative = scores / mean_score if mean_score > 0 else None
    gaps = demand_values * (1 - np.minimum(relative, 1.0)) if relative is not None else demand_values.copy()
    largest = float(gaps.max()) if n_areas else 0.0
    order = sorted(range(n_areas), key=lambda i: (-round(float(gaps[i]), 9), -demand_values[i], placed[i].name))
    rows = [
        GapRow(
            rank=rank,
            slug=placed[i].slug,
            area=placed[i].name,
            demand=float(demand_values[i]),
            accessible_supply=float(accessible[i]),
            access_per_1000=float(scores[i] * 1000),
            relative_access=None if relative is None else float(relative[i]),
            gap=float(gaps[i]),
            reaches_service=bool(reaches[i]),
            gap_class=gap_class(float(gaps[i]), largest),
        )
        for rank, i in enumerate(order, start=1)
    ]
    return rows, unused, mean_score * 1000


def _step_weights(cost: np.ndarray, steps: dict[float, float]) -> np.ndarray:
    thresholds = np.array(sorted(steps), dtype=np.float64)
    values = np.array([steps[k] for k in sorted(steps)] + [0.0], dtype=np.float64)
    return np.asarray(values[np.searchsorted(thresholds, cost, side="left")], dtype=np.float64)


def gap_analysis(*, parameters: GapParameters) -> GapAnalysis:
    """The analysis for the parameters, read from the directory and the census facts."""
    areas = local_area_points()
    demand, year, source = _demand(parameters)
    supply = supply_point_list(category=parameters.category, language=parameters.language)
    rows, unused, city = gap_compute(parameters=parameters, areas=areas, demand=demand, supply=supply)
    return GapAnalysis(
        parameters=parameters,
        rows=rows,
        services=len({point.service_id for point in supply}),
        supply_points=len(supply),
        unused_supply_points=unused,
        unplaced_areas=[a.name for a in areas if a.latitude is None or a.longitude is None],
        year=year,
        source=source,
        city_access_per_1000=city,
    )


# --- Downloads ---------------------------------------------------------------------------------


def gap_geojson(*, analysis: GapAnalysis) -> dict[str, Any]:
    """A FeatureCollection: each area's boundary (or its centroid as a Point), properties = the table."""
    areas = {a.slug: a for a in local_area_points()}
    features = []
    for row in analysis.rows:
        area = areas.get(row.slug)
        if area is None:
            continue
        geometry: dict[str, Any]
        if area.boundary:
            geometry = area.boundary
        else:
            geometry = {"type": "Point", "coordinates": [area.longitude, area.latitude]}
        features.append({"type": "Feature", "geometry": geometry, "properties": row.values()})
    return {
        "type": "FeatureCollection",
        "features": features,
        "newstart_parameters": asdict(analysis.parameters),
    }


def map_features(*, analysis: GapAnalysis) -> list[dict[str, Any]]:
    """What the page's map draws: one entry per area, with its polygon or centroid and gap class."""
    areas = {a.slug: a for a in local_area_points()}
    features: list[dict[str, Any]] = []
    for row in analysis.rows:
        area = areas[row.slug]
        features.append(
            {
                "name": row.area,
                "rank": row.rank,
                "gap": round(row.gap),
                "demand": round(row.demand),
                "cls": row.gap_class,
                "boundary": area.boundary,
                "lat": area.latitude,
                "lon": area.longitude,
            }
        )
    return features
