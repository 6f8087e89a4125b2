"""Distances on the Earth's surface: the haversine formula, in Python, in numpy and in SQL.

The SQL form uses only Django's portable math functions (Sin, Cos, ASin, Sqrt,
Radians), which work on SQLite and PostgreSQL alike, so no GIS extension is needed.
A bounding box comes first so the database can use the coordinate index before
computing any trigonometry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db.models import ExpressionWrapper, F, FloatField, Q, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
# Half the Earth's circumference: no two points are further apart.
MAX_DISTANCE_KM = math.pi * EARTH_RADIUS_KM


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def haversine_km_array(
    lat: float, lon: float, latitudes: npt.NDArray[np.float64], longitudes: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """haversine_km from (lat, lon) to every point of two arrays of degrees at once (the search
    engine's distances to thousands of offices: the same formula, so it agrees with the SQL filter)."""
    phi1, phis = math.radians(lat), np.radians(latitudes)
    d_lambda = np.radians(longitudes) - math.radians(lon)
    a = np.sin((phis - phi1) / 2) ** 2 + math.cos(phi1) * np.cos(phis) * np.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def distance_km_expression(lat: float, lon: float, *, lat_field: str, lon_field: str) -> ExpressionWrapper:
    """A database expression: distance in km from (lat, lon) to the row's coordinates."""
    lat_ref: Combinable = Radians(F(lat_field))
    lon_ref: Combinable = Radians(F(lon_field))
    origin_lat = Value(math.radians(lat), output_field=FloatField())
    origin_lon = Value(math.radians(lon), output_field=FloatField())
    a = Power(Sin((lat_ref - origin_lat) / 2), 2) + Cos(origin_lat) * Cos(lat_ref) * Power(
        Sin((lon_ref - origin_lon) / 2), 2
    )
    # Rounding can push `a` a hair above 1, and ASin(>1) is an error on PostgreSQL.
    clamped = Least(a, Value(1.0, output_field=FloatField()), output_field=FloatField())
    return ExpressionWrapper(
        ASin(Sqrt(clamped)) * Value(2 * EARTH_RADIUS_KM, output_field=FloatField()), output_field=FloatField()
    )


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float
    # True when the box crosses the 180th meridian: longitudes wrap around.
    wraps: bool = False

    def contains(self, lat: float, lon: float) -> bool:
        if not self.min_lat <= lat <= self.max_lat:
            return False
        if self.wraps:
            return lon >= self.min_lon or lon <= self.max_lon
        return self.min_lon <= lon <= self.max_lon

    def as_q(self, *, lat_field: str, lon_field: str) -> Q:
        lat_q = Q(**{f"{lat_field}__gte": self.min_lat, f"{lat_field}__lte": self.max_lat})
        if self.wraps:
            return lat_q & (Q(**{f"{lon_field}__gte": self.min_lon}) | Q(**{f"{lon_field}__lte": self.max_lon}))
        return lat_q & Q(**{f"{lon_field}__gte": self.min_lon, f"{lon_field}__lte": self.max_lon})


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude box holding every point within radius_km of (lat, lon).

    Near a pole (or for a radius reaching over it) the box spans every longitude.
    """
    angular = radius_km / EARTH_RADIUS_KM
    min_lat = lat - math.degrees(angular)
    max_lat = lat + math.degrees(angular)
    if min_lat <= -90.0 or max_lat >= 90.0 or angular >= math.pi / 2:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # The widest longitude span is reached at the latitude where the circle is tangent to a meridian.
    d_lon = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat)))))
    min_lon, max_lon = lon - d_lon, lon + d_lon
    if min_lon < -180.0:
        return BoundingBox(min_lat, max_lat, min_lon + 360.0, max_lon, wraps=True)
    if max_lon > 180.0:
        return BoundingBox(min_lat, max_lat, min_lon, max_lon - 360.0, wraps=True)
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)
