"""Spatial accessibility: two-step floating catchment (2SFCA) and its distance-decay variants.

The definitions follow PySAL's ``access`` package (``access.fca.two_stage_fca`` and
``access.weights``) exactly, so that scores agree with it to 1e-9; the computation is
vectorised with numpy (``np.bincount`` over the cost pairs) instead of pandas merges and
per-pair Python calls.

For demand points i (population) with values ``P_i``, supply points j (services) with values
``S_j`` and travel costs ``c_ij`` (pairs given as triples, from any routing engine, or straight
lines from projected coordinates):

1. Keep the pairs with ``c_ij <= max_cost`` (the cutoff is **inclusive**, as in ``access``);
   with no ``max_cost`` every given pair is kept.
2. Step one, per supply point: ``R_j = S_j / sum_i P_i * w(c_ij)``.
3. Step two, per demand point: ``A_i = sum_j R_j * w(c_ij)``.

The same weight ``w`` applies in both steps, as in ``access``:

- ``2sfca``: ``w = 1`` (the original Luo & Wang method).
- ``e2sfca``: a step function ``{threshold: weight}``; a cost gets the weight of the smallest
  threshold it does not exceed (``cost <= threshold``) and 0 beyond the last one. The default
  is ``access``'s ``{10: 1, 20: 0.68, 30: 0.22}`` (Luo & Qi 2009).
- ``gaussian``: ``w = exp(-c**2 / (2 * sigma**2))`` (no normalising constant: ``w(0) = 1``).
- ``gravity``: ``w = (max(c, min_cost) / scale) ** alpha`` (``alpha`` is not implicitly
  negative; ``-1`` or ``-2`` are usual).

Scores are raw supply-per-demand ratios unless ``normalize=True``, which divides them by
their demand-weighted mean (``access.helpers.normalized_access``).

Awkward cases, decided here (``access`` itself returns NaN or inf or silently counts twice):

- A demand point with no supply point within the cutoff (or only ones with weight 0):
  ``access`` gives NaN; we give score 0 and ``reaches_service=False`` for it.
- A supply point with a positive value and no weighted demand within reach: ``access``
  divides by zero and every demand point reaching it gets inf (or NaN). We leave it out
  (``R_j = 0``) and list its id in ``AccessResult.unused_supply_ids``; callers warn with it.
- The same (origin, destination) pair twice: an error listing the pairs (``access`` would
  count the pair twice).
- Negative, missing (NaN) or infinite costs, negative or missing values, duplicate ids, and
  ids in the costs that are not demand/supply points: errors listing the offending entries.
- Gravity decay with a zero cost and ``min_cost`` 0 and ``alpha < 0`` is infinite: an error
  asking for a positive ``min_cost``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext as _
from scipy.spatial import cKDTree

Method = Literal["2sfca", "e2sfca", "gaussian", "gravity"]
METHODS: tuple[Method, ...] = ("2sfca", "e2sfca", "gaussian", "gravity")

# The step weights of Luo & Qi's enhanced 2SFCA, access's default for enhanced_two_stage_fca.
DEFAULT_STEPS: dict[float, float] = {10.0: 1.0, 20.0: 0.68, 30.0: 0.22}

FloatArray = npt.NDArray[np.float64]
WeightFn = Callable[[FloatArray], FloatArray]

# How many offending entries an error message names before it says "and N more".
_MAX_LISTED = 10


class AccessInputError(ValueError):
    """The inputs cannot give meaningful scores; ``problems`` lists each one."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        details = "; ".join(self.problems)
        super().__init__(f"{message}: {details}" if details else message)


@dataclass(frozen=True)
class AccessResult:
    """One score per demand id, in the order the demand ids were given."""

    ids: npt.NDArray[Any]
    scores: FloatArray
    reaches_service: npt.NDArray[np.bool_]
    unused_supply_ids: npt.NDArray[Any]
    pairs_used: int


# --- Weights ---------------------------------------------------------------------------


def step_weight(steps: Mapping[float, float]) -> WeightFn:
    """``access.weights.step_fn``, vectorised: weight of the first threshold with cost <= threshold."""
    if not steps:
        raise AccessInputError(_("The step weights are empty"))
    thresholds = np.array(sorted(steps), dtype=np.float64)
    values = np.array([steps[k] for k in sorted(steps)] + [0.0], dtype=np.float64)
    if np.any(values < 0) or not np.all(np.isfinite(values)) or not np.all(np.isfinite(thresholds)):
        raise AccessInputError(_("Step weights must be finite and not negative"))

    def weight(cost: FloatArray) -> FloatArray:
        return values[np.searchsorted(thresholds, cost, side="left")]

    return weight


def gaussian_weight(sigma: float) -> WeightFn:
    """``access.weights.gaussian``: ``exp(-c**2 / (2 sigma**2))``, 1 at cost 0."""
    if not np.isfinite(sigma) or sigma == 0:
        raise AccessInputError(_("sigma must be a finite, non-zero number"))
    denominator = 2 * sigma**2

    def weight(cost: FloatArray) -> FloatArray:
        # (c * c) / -d in place: bit for bit access's -x * x / (2 * sigma**2) (IEEE signs are exact).
        result = np.multiply(cost, cost)
        np.divide(result, -denominator, out=result)
        return np.exp(result, out=result)

    return weight


def gravity_weight(*, scale: float, alpha: float, min_cost: float = 0.0) -> WeightFn:
    """``access.weights.gravity``: ``(max(c, min_cost) / scale) ** alpha``."""
    if not (np.isfinite(scale) and scale > 0 and np.isfinite(alpha) and np.isfinite(min_cost)):
        raise AccessInputError(_("scale must be a positive number; alpha and min_cost numbers"))

    def weight(cost: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore"):  # inf at cost 0 is reported by fca_scores, naming the fix
            return np.power(np.maximum(cost, min_cost) / scale, alpha)

    return weight


def weight_for(
    method: Method,
    *,
    sigma: float | None = None,
    steps: Mapping[float, float] | None = None,
    scale: float = 1.0,
    alpha: float = -1.0,
    min_cost: float = 0.0,
) -> WeightFn | None:
    """The weight function of a method; None for plain 2SFCA (every pair weighs 1)."""
    if method == "2sfca":
        return None
    if method == "e2sfca":
        return step_weight(DEFAULT_STEPS if steps is None else steps)
    if method == "gaussian":
        if sigma is None:
            raise AccessInputError(_("The gaussian method needs sigma"))
        return gaussian_weight(sigma)
    if method == "gravity":
        return gravity_weight(scale=scale, alpha=alpha, min_cost=min_cost)
    raise AccessInputError(
        _("Unknown method %(method)s; use one of %(methods)s")
        % {
            "method": method,
            "methods": ", ".join(METHODS),
        }
    )


# --- Id handling -----------------------------------------------------------------------


def _listed(items: Sequence[object], total: int | None = None) -> list[str]:
    """At most _MAX_LISTED items as text, then "and N more" (N counted from ``total`` if given)."""
    count = len(items) if total is None else total
    shown = [str(item) for item in items[:_MAX_LISTED]]
    if count > len(shown):
        shown.append(_("and %(count)s more") % {"count": count - len(shown)})
    return shown


def _unique_ids(ids: npt.NDArray[Any], what: str) -> None:
    uniq, counts = np.unique(ids, return_counts=True)
    if len(uniq) != len(ids):
        raise AccessInputError(_("Duplicate %(what)s ids") % {"what": what}, _listed(list(uniq[counts > 1].tolist())))


def _positions(keys: npt.NDArray[Any], ids: npt.NDArray[Any], what: str) -> npt.NDArray[np.int64]:
    """The position in ``ids`` of every key; an error naming the keys that are not ids."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    if keys.dtype.kind in "iu" and ids.dtype.kind in "iu" and len(ids):
        low, high = int(ids.min()), int(ids.max())
        key_low, key_high = int(keys.min()), int(keys.max())
        if high - low <= 4 * len(ids) + 1024 and low <= key_low and key_high <= high:
            # Compact integer ids (the usual case): a lookup table, O(n) instead of a search.
            if low == 0 and high == len(ids) - 1 and np.array_equal(ids, np.arange(len(ids))):
                return keys.astype(np.intp, copy=False)  # ids are their own positions
            table = np.full(high - low + 1, -1, dtype=np.intp)
            table[ids - low] = np.arange(len(ids))
            found = table[keys - low] if low else table[keys]
            if found.min() >= 0:
                return found
    try:
        sorter = np.argsort(ids, kind="stable")
        where = np.searchsorted(ids, keys, sorter=sorter)
    except TypeError:
        raise AccessInputError(
            _("The costs name %(what)s ids of another type than the %(what)s list") % {"what": what}
        ) from None
    where = np.minimum(where, len(ids) - 1) if len(ids) else where
    positions = sorter[where] if len(ids) else np.full(len(keys), -1, dtype=np.int64)
    missing = (ids[positions] != keys) if len(ids) else np.ones(len(keys), dtype=bool)
    if missing.any():
        raise AccessInputError(
            _("The costs name %(what)s ids that are not in the %(what)s list") % {"what": what},
            _listed(np.unique(keys[missing]).tolist()),
        )
    return positions.astype(np.int64)


def _values(values: npt.ArrayLike, ids: npt.NDArray[Any], what: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != ids.shape:
        raise AccessInputError(_("There must be one %(what)s value per %(what)s id") % {"what": what})
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        raise AccessInputError(
            _("%(what)s values must be numbers, not negative") % {"what": what.capitalize()},
            _listed([f"{i}: {v}" for i, v in zip(ids[bad].tolist(), array[bad].tolist(), strict=True)]),
        )
    return array


def _check_duplicate_pairs(
    origin: npt.NDArray[np.int64],
    dest: npt.NDArray[np.int64],
    n_dest: int,
    demand_ids: npt.NDArray[Any],
    supply_ids: npt.NDArray[Any],
) -> None:
    if len(origin) < 2:
        return
    # One integer per pair; 32 bits when they fit, which halves the sort's work.
    n_origin = int(origin.max()) + 1
    key_type = np.int32 if n_origin * n_dest < 2**31 else np.int64
    key: npt.NDArray[np.signedinteger[Any]] = origin.astype(key_type)
    key *= n_dest
    key += dest.astype(key_type, copy=False)
    if np.all(key[1:] > key[:-1]):
        return  # already in (origin, destination) order without repeats: no sort needed
    key.sort()
    repeated = np.unique(key[1:][key[1:] == key[:-1]])
    if len(repeated):
        pairs = [f"({demand_ids[k // n_dest]}, {supply_ids[k % n_dest]})" for k in repeated[:_MAX_LISTED]]
        pairs = _listed(pairs, len(repeated))
        raise AccessInputError(_("The same (origin, destination) pair appears more than once"), pairs)


# --- The computation -------------------------------------------------------------------


def fca_scores(
    *,
    demand: FloatArray,
    supply: FloatArray,
    origin: npt.NDArray[np.integer[Any]],
    dest: npt.NDArray[np.integer[Any]],
    cost: FloatArray,
    weight: WeightFn | None,
    max_cost: float | None = None,
) -> tuple[FloatArray, npt.NDArray[np.bool_], npt.NDArray[np.bool_], int]:
    """The two steps on positions (already checked): scores, reaches_service, unused supply, pairs used."""
    if max_cost is not None:
        keep = cost <= max_cost
        if not keep.all():
            origin, dest, cost = origin[keep], dest[keep], cost[keep]
    w = None if weight is None else weight(cost)
    if w is not None and not np.all(np.isfinite(w)):
        raise AccessInputError(
            _("The weight is infinite for some costs (gravity decay at cost 0: set a positive min_cost)")
        )
    n_demand, n_supply = len(demand), len(supply)
    at_pair = np.take(demand, origin)  # one buffer of one float per pair, reused for both steps
    if w is not None:
        at_pair *= w
    reached_demand = np.bincount(dest, weights=at_pair, minlength=n_supply)
    has_demand = reached_demand > 0
    ratio = np.zeros(n_supply, dtype=np.float64)
    np.divide(supply, reached_demand, out=ratio, where=has_demand)
    np.take(ratio, dest, out=at_pair, mode="clip")  # positions are checked; "raise" would buffer a copy
    if w is not None:
        at_pair *= w
    scores: FloatArray = np.bincount(origin, weights=at_pair, minlength=n_demand).astype(np.float64, copy=False)
    del at_pair
    # Weights are never negative, so a positive weight sum means at least one pair of weight > 0.
    reaches = np.bincount(origin, weights=w, minlength=n_demand) > 0
    unused = ~has_demand & (supply > 0)
    return scores, reaches, unused, len(cost)


def access_scores(
    *,
    demand_ids: npt.ArrayLike,
    demand_values: npt.ArrayLike,
    supply_ids: npt.ArrayLike,
    supply_values: npt.ArrayLike,
    origins: npt.ArrayLike,
    destinations: npt.ArrayLike,
    costs: npt.ArrayLike,
    method: Method = "2sfca",
    max_cost: float | None = None,
    sigma: float | None = None,
    steps: Mapping[float, float] | None = None,
    scale: float = 1.0,
    alpha: float = -1.0,
    min_cost: float = 0.0,
    normalize: bool = False,
) -> AccessResult:
    """Accessibility score of every demand point; see the module docstring for the definitions.

    ``origins`` are demand ids and ``destinations`` supply ids, one travel cost per pair.
    Raises ``AccessInputError`` (a ValueError) listing what is wrong with the inputs.
    """
    weight = weight_for(method, sigma=sigma, steps=steps, scale=scale, alpha=alpha, min_cost=min_cost)
    if max_cost is not None and not (np.isfinite(max_cost) and max_cost >= 0):
        raise AccessInputError(_("max_cost must be a number, not negative"))
    d_ids = np.asarray(demand_ids)
    s_ids = np.asarray(supply_ids)
    _unique_ids(d_ids, "demand")
    _unique_ids(s_ids, "supply")
    demand = _values(demand_values, d_ids, "demand")
    supply = _values(supply_values, s_ids, "supply")

    origin_keys = np.asarray(origins)
    dest_keys = np.asarray(destinations)
    cost = np.asarray(costs, dtype=np.float64)
    if not (origin_keys.shape == dest_keys.shape == cost.shape) or cost.ndim != 1:
        raise AccessInputError(_("origins, destinations and costs must be three lists of the same length"))
    bad_cost = ~np.isfinite(cost) | (cost < 0)
    if bad_cost.any():
        rows = np.flatnonzero(bad_cost)
        raise AccessInputError(
            _("Costs must be numbers, not negative or missing"),
            _listed([f"({origin_keys[r]}, {dest_keys[r]}): {cost[r]}" for r in rows[:_MAX_LISTED]], len(rows)),
        )
    origin = _positions(origin_keys, d_ids, "demand")
    dest = _positions(dest_keys, s_ids, "supply")
    _check_duplicate_pairs(origin, dest, len(s_ids), d_ids, s_ids)

    scores, reaches, unused, pairs_used = fca_scores(
        demand=demand, supply=supply, origin=origin, dest=dest, cost=cost, weight=weight, max_cost=max_cost
    )
    if normalize:
        total = demand.sum()
        mean = (scores * demand).sum() / total if total > 0 else 0.0
        if mean > 0:
            scores = scores / mean
    return AccessResult(
        ids=d_ids, scores=scores, reaches_service=reaches, unused_supply_ids=s_ids[unused], pairs_used=pairs_used
    )


def straight_line_costs(
    *,
    demand_ids: npt.ArrayLike,
    demand_xy: npt.ArrayLike,
    supply_ids: npt.ArrayLike,
    supply_xy: npt.ArrayLike,
    max_cost: float,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any], FloatArray]:
    """(origin id, destination id, distance) for every pair within ``max_cost`` (inclusive).

    Coordinates must be projected (metres, e.g. UTM or a state plane), not longitude/latitude.
    A k-d tree finds the pairs without an all-pairs matrix; pairs at distance 0 are kept.
    """
    d_xy = np.asarray(demand_xy, dtype=np.float64).reshape(-1, 2)
    s_xy = np.asarray(supply_xy, dtype=np.float64).reshape(-1, 2)
    if not (np.all(np.isfinite(d_xy)) and np.all(np.isfinite(s_xy))):
        raise AccessInputError(_("Coordinates must be finite numbers"))
    pairs = cKDTree(d_xy).sparse_distance_matrix(cKDTree(s_xy), max_cost, output_type="ndarray")
    d_ids, s_ids = np.asarray(demand_ids), np.asarray(supply_ids)
    return d_ids[pairs["i"]], s_ids[pairs["j"]], pairs["v"].astype(np.float64)
