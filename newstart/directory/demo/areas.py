"""Vancouver's 22 local planning areas, as the demo places its fictional offices in them.

Names are spelled as in the City of Vancouver's local-area boundary file; centroids were computed
once from that file's polygons and typed in here, so the demo never reads reference data at run
time (tests/directory/test_demo.py checks them against the file). The forward sortation areas
(first half of a postal code) and streets are real; the street numbers the demo picks from the
ranges are not addresses of anyone in particular.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify


@dataclass(frozen=True)
class DemoStreet:
    name: str
    lowest_number: int
    highest_number: int


@dataclass(frozen=True)
class DemoArea:
    name: str
    # Offices are placed at most this far from the centroid: 80% of the centroid's distance to the
    # area's boundary (capped at 700 m), so every office lies inside its area.
    office_radius_metres: int
    centroid_latitude: float
    centroid_longitude: float
    postal_prefixes: tuple[str, ...]
    streets: tuple[DemoStreet, ...]

    @property
    def slug(self) -> str:
        return slugify(self.name)


def _streets(*streets: tuple[str, int, int]) -> tuple[DemoStreet, ...]:
    return tuple(DemoStreet(name, low, high) for name, low, high in streets)


LOCAL_AREAS: tuple[DemoArea, ...] = (
    DemoArea(
        "Arbutus Ridge",
        490,
        49.24680,
        -123.16167,
        ("V6L", "V6K"),
        _streets(("Arbutus St", 3500, 3990), ("W 16th Ave", 2400, 2790), ("Mackenzie St", 3500, 3890)),
    ),
    DemoArea(
        "Downtown",
        410,
        49.28075,
        -123.11657,
        ("V6B", "V6C", "V6Z"),
        _streets(
            ("W Pender St", 300, 690), ("Seymour St", 600, 890), ("Howe St", 500, 890), ("Granville St", 500, 890)
        ),
    ),
    DemoArea(
        "Dunbar-Southlands",
        420,
        49.23796,
        -123.18955,
        ("V6N", "V6S"),
        _streets(("Dunbar St", 3600, 4490), ("W 41st Ave", 3600, 3890)),
    ),
    DemoArea(
        "Fairview",
        450,
        49.26454,
        -123.13105,
        ("V6H", "V5Z"),
        _streets(("W Broadway", 600, 1490), ("W 10th Ave", 800, 1390), ("Granville St", 2200, 2790)),
    ),
    DemoArea(
        "Grandview-Woodland",
        590,
        49.27644,
        -123.06673,
        ("V5L", "V5N"),
        _streets(("Commercial Dr", 1100, 1990), ("E Hastings St", 1900, 2590), ("Victoria Dr", 1200, 1890)),
    ),
    DemoArea(
        "Hastings-Sunrise",
        700,
        49.27793,
        -123.04027,
        ("V5K",),
        _streets(("E Hastings St", 2600, 3590), ("Nanaimo St", 500, 1490), ("Renfrew St", 500, 990)),
    ),
    DemoArea(
        "Kensington-Cedar Cottage",
        700,
        49.24669,
        -123.07288,
        ("V5N", "V5V"),
        _streets(("Kingsway", 1500, 2390), ("Knight St", 3800, 4790), ("Victoria Dr", 3500, 4490)),
    ),
    DemoArea(
        "Kerrisdale",
        700,
        49.22366,
        -123.15958,
        ("V6M", "V6N"),
        _streets(("W 41st Ave", 2000, 2490), ("W Boulevard", 5500, 5990)),
    ),
    DemoArea(
        "Killarney",
        700,
        49.21702,
        -123.03765,
        ("V5S",),
        _streets(("E 49th Ave", 2900, 3490), ("Kerr St", 6000, 6490)),
    ),
    DemoArea(
        "Kitsilano",
        700,
        49.26754,
        -123.16329,
        ("V6K", "V6J"),
        _streets(("W 4th Ave", 1800, 2690), ("W Broadway", 1800, 2890), ("Macdonald St", 1800, 2590)),
    ),
    DemoArea(
        "Marpole",
        700,
        49.21021,
        -123.12838,
        ("V6P",),
        _streets(("Granville St", 8000, 8590), ("W 70th Ave", 800, 1390)),
    ),
    DemoArea(
        "Mount Pleasant",
        350,
        49.26307,
        -123.09851,
        ("V5T", "V5Y"),
        _streets(("Main St", 2200, 3090), ("E Broadway", 100, 890), ("Kingsway", 100, 590)),
    ),
    DemoArea(
        "Oakridge",
        650,
        49.22640,
        -123.12302,
        ("V5Z", "V6M"),
        _streets(("Cambie St", 5600, 6190), ("W 41st Ave", 200, 790)),
    ),
    DemoArea(
        "Renfrew-Collingwood",
        700,
        49.24734,
        -123.04017,
        ("V5R", "V5M"),
        _streets(("Joyce St", 5000, 5290), ("Kingsway", 3300, 3590), ("Renfrew St", 2400, 2990)),
    ),
    DemoArea(
        "Riley Park",
        700,
        49.24477,
        -123.10315,
        ("V5V", "V5Y"),
        _streets(("Main St", 3800, 4790), ("Fraser St", 3600, 4490), ("E 33rd Ave", 200, 790)),
    ),
    DemoArea(
        "Shaughnessy",
        470,
        49.24568,
        -123.13976,
        ("V6H", "V6M"),
        _streets(("Granville St", 3200, 3990), ("Oak St", 3200, 3990), ("W King Edward Ave", 1000, 1390)),
    ),
    DemoArea(
        "South Cambie",
        300,
        49.24556,
        -123.12180,
        ("V5Z",),
        _streets(("Cambie St", 3400, 4590), ("W King Edward Ave", 300, 590)),
    ),
    DemoArea(
        "Strathcona",
        640,
        49.27822,
        -123.08824,
        ("V6A",),
        _streets(("E Hastings St", 300, 890), ("E Pender St", 200, 590), ("Union St", 600, 890)),
    ),
    DemoArea(
        "Sunset",
        700,
        49.21876,
        -123.09204,
        ("V5X", "V5P"),
        _streets(("Main St", 6200, 6790), ("Fraser St", 6000, 6790), ("E 49th Ave", 100, 790)),
    ),
    DemoArea(
        "Victoria-Fraserview",
        700,
        49.22001,
        -123.06413,
        ("V5P", "V5S"),
        _streets(("Victoria Dr", 5800, 6990), ("E 49th Ave", 1400, 2290), ("E 54th Ave", 1600, 2190)),
    ),
    DemoArea(
        "West End",
        530,
        49.28501,
        -123.13544,
        ("V6E", "V6G"),
        _streets(("Denman St", 1000, 1790), ("Robson St", 1200, 1790), ("Davie St", 1100, 1790)),
    ),
    DemoArea(
        "West Point Grey",
        680,
        49.26840,
        -123.20347,
        ("V6R",),
        _streets(("W 10th Ave", 4300, 4590), ("W 4th Ave", 3600, 4490)),
    ),
)

LOCAL_AREAS_BY_SLUG: dict[str, DemoArea] = {area.slug: area for area in LOCAL_AREAS}
