"""CSV files for the access_scores command: points (id,value), costs (origin,dest,cost), scores (id,score)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext as _

from newstart.insights.importers import ImportProblem, decode_text, read_bytes


@dataclass(frozen=True)
class Points:
    ids: npt.NDArray[np.str_]
    values: npt.NDArray[np.float64]


@dataclass(frozen=True)
class Costs:
    origins: npt.NDArray[np.str_]
    destinations: npt.NDArray[np.str_]
    costs: npt.NDArray[np.float64]


def _rows(path: Path, columns: tuple[str, ...], what: str) -> csv.DictReader[str]:
    reader = csv.DictReader(io.StringIO(decode_text(read_bytes(path))))
    found = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in columns if c not in found]
    if missing:
        raise ImportProblem(
            _("%(what)s file %(path)s must have the columns %(columns)s; missing: %(missing)s")
            % {"what": what, "path": path, "columns": ",".join(columns), "missing": ", ".join(missing)}
        )
    reader.fieldnames = found
    return reader


def _number(text: str | None) -> float | None:
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_points(path: Path, *, what: str) -> Points:
    """Demand or supply points: columns id,value; value a number, not negative; ids unique."""
    ids: list[str] = []
    values: list[float] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(_rows(path, ("id", "value"), what), start=2):
        point_id = (row.get("id") or "").strip()
        value = _number(row.get("value"))
        if not point_id:
            problems.append(_("line %(line)s: no id") % {"line": line})
        elif point_id in seen:
            problems.append(
                _("line %(line)s: id %(id)s again (first on line %(first)s)")
                % {"line": line, "id": point_id, "first": seen[point_id]}
            )
        elif value is None or value < 0:
            problems.append(
                _("line %(line)s (id %(id)s): value '%(value)s' is not a number >= 0")
                % {"line": line, "id": point_id, "value": row.get("value") or ""}
            )
        else:
            seen[point_id] = line
            ids.append(point_id)
            values.append(value)
    if problems:
        raise ImportProblem(
            _("%(what)s file %(path)s has rows that do not fit") % {"what": what, "path": path}, problems
        )
    if not ids:
        raise ImportProblem(_("%(what)s file %(path)s has no rows") % {"what": what, "path": path})
    return Points(ids=np.array(ids), values=np.array(values, dtype=np.float64))


def read_costs(path: Path) -> Costs:
    """Travel costs: columns origin,dest,cost; cost a number, not negative, not missing."""
    origins: list[str] = []
    destinations: list[str] = []
    costs: list[float] = []
    problems: list[str] = []
    for line, row in enumerate(_rows(path, ("origin", "dest", "cost"), _("Costs")), start=2):
        origin = (row.get("origin") or "").strip()
        dest = (row.get("dest") or "").strip()
        cost = _number(row.get("cost"))
        if not origin or not dest:
            problems.append(_("line %(line)s: origin and dest are both needed") % {"line": line})
        elif cost is None or cost < 0:
            problems.append(
                _("line %(line)s (%(origin)s -> %(dest)s): cost '%(cost)s' is not a number >= 0")
                % {"line": line, "origin": origin, "dest": dest, "cost": row.get("cost") or ""}
            )
        else:
            origins.append(origin)
            destinations.append(dest)
            costs.append(cost)
    if problems:
        raise ImportProblem(_("Costs file %(path)s has rows that do not fit") % {"path": path}, problems)
    return Costs(origins=np.array(origins), destinations=np.array(destinations), costs=np.array(costs))


def write_scores(path: Path, ids: npt.NDArray[np.str_], scores: npt.NDArray[np.float64]) -> None:
    """id,score; scores with every significant digit (repr of the float)."""
    try:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["id", "score"])
            writer.writerows(zip(ids.tolist(), (repr(float(s)) for s in scores), strict=True))
    except OSError as exc:
        raise ImportProblem(_("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from None


def parse_steps(text: str) -> dict[float, float]:
    """ "10:1,20:0.68,30:0.22" -> {10.0: 1.0, 20.0: 0.68, 30.0: 0.22}."""
    steps: dict[float, float] = {}
    for part in text.split(","):
        threshold, sep, weight = part.partition(":")
        cost, value = _number(threshold), _number(weight)
        if not sep or cost is None or value is None or value < 0:
            raise ImportProblem(
                _("--weights must look like '10:1,20:0.68,30:0.22' (cost:weight, weights >= 0); '%(part)s' does not")
                % {"part": part.strip()}
            )
        steps[cost] = value
    return steps
