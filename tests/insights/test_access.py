"""Spatial accessibility against PySAL's access (the reference), and the awkward cases."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from newstart.insights.access import (
    DEFAULT_STEPS,
    AccessInputError,
    access_scores,
    gaussian_weight,
    gravity_weight,
    step_weight,
    straight_line_costs,
)
from tests.insights.reference import assert_matches_reference, reference_scores

# Each case: method and its parameters; costs are straight-line distances on a 100 x 100 square.
CASES = [
    {"method": "2sfca", "max_cost": 15.0},
    {"method": "2sfca", "max_cost": 40.0},
    {"method": "2sfca", "max_cost": None},
    {"method": "e2sfca", "max_cost": None},
    {"method": "e2sfca", "max_cost": 25.0, "steps": {5.0: 1.0, 12.0: 0.5, 25.0: 0.1}},
    {"method": "e2sfca", "max_cost": 30.0, "steps": {30.0: 1.0, 10.0: 0.3}},
    {"method": "gaussian", "max_cost": 20.0, "sigma": 5.0},
    {"method": "gaussian", "max_cost": 60.0, "sigma": 25.0},
    {"method": "gaussian", "max_cost": None, "sigma": 10.0},
    {"method": "gravity", "max_cost": 30.0, "scale": 10.0, "alpha": -1.0, "min_cost": 1.0},
    {"method": "gravity", "max_cost": 50.0, "scale": 1.0, "alpha": -2.0, "min_cost": 2.5},
    {"method": "2sfca", "max_cost": 20.0, "normalize": True},
    {"method": "gaussian", "max_cost": 30.0, "sigma": 8.0, "normalize": True},
]


def random_problem(seed, *, n_demand=400, n_supply=80, drop_pairs=0.3, integer_costs=False):
    rng = np.random.default_rng(seed)
    demand_xy = rng.uniform(0, 100, (n_demand, 2))
    supply_xy = rng.uniform(0, 100, (n_supply, 2))
    demand_ids = rng.permutation(np.arange(1000, 1000 + 3 * n_demand, 3))  # not positions: ids get mapped
    supply_ids = rng.permutation(np.arange(50, 50 + 7 * n_supply, 7))
    origin = np.repeat(np.arange(n_demand), n_supply)  # every pair...
    dest = np.tile(np.arange(n_supply), n_demand)
    keep = rng.random(len(origin)) >= drop_pairs  # a routing engine does not give every pair
    origin, dest = origin[keep], dest[keep]
    order = rng.permutation(len(origin))  # and not in any particular order
    origin, dest = origin[order], dest[order]
    cost = np.hypot(*(demand_xy[origin] - supply_xy[dest]).T)
    if integer_costs:
        cost = np.round(cost)  # many costs exactly on the cutoff and the step thresholds
    return {
        "demand_ids": demand_ids,
        "demand_values": rng.integers(0, 5000, n_demand).astype(float),
        "supply_ids": supply_ids,
        "supply_values": rng.integers(0, 12, n_supply).astype(float),
        "origins": demand_ids[origin],
        "destinations": supply_ids[dest],
        "costs": cost,
    }


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
@pytest.mark.parametrize("seed", [1, 2])
def test_scores_match_access_on_random_data(case, seed):
    problem = random_problem(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # access divides by zero in awkward corners
        reference = reference_scores(**problem, **case)
    if np.isinf(reference).any():
        pytest.fail("random problem produced an unreachable supply point; choose another seed")
    result = access_scores(**problem, **case)
    assert_matches_reference(result, reference)
    assert np.isnan(reference).sum() == (~result.reaches_service).sum() or case["method"] == "e2sfca"


@pytest.mark.parametrize("case", [CASES[0], CASES[4], CASES[5], CASES[6]], ids=["2sfca", "e2sfca", "e2sfca-2", "gauss"])
def test_cutoff_and_steps_are_inclusive_like_access(case):
    # Integer costs put many pairs exactly on max_cost and on the step thresholds.
    problem = random_problem(7, integer_costs=True)
    assert np.isin(problem["costs"], [15.0, 25.0, 30.0, 5.0, 12.0, 20.0, 10.0]).sum() > 100
    reference = reference_scores(**problem, **case)
    assert_matches_reference(access_scores(**problem, **case), reference)


def test_small_cutoff_leaves_demand_unreached_as_access_leaves_nan():
    problem = random_problem(3, n_demand=300, n_supply=15, drop_pairs=0.0)
    reference = reference_scores(**problem, method="2sfca", max_cost=8.0)
    result = access_scores(**problem, method="2sfca", max_cost=8.0)
    assert np.isnan(reference).sum() > 50  # the case really occurs
    assert_matches_reference(result, reference)
    assert np.array_equal(~result.reaches_service, np.isnan(reference))


def test_weights_match_access_weight_functions():
    from access import weights

    costs = np.array([0.0, 0.5, 1.0, 9.99, 10.0, 10.01, 20.0, 29.0, 30.0, 30.5, 100.0])
    for ours, theirs in [
        (step_weight(DEFAULT_STEPS), weights.step_fn({10: 1, 20: 0.68, 30: 0.22})),
        (step_weight({20.0: 0.5, 10.0: 2.0}), weights.step_fn({20: 0.5, 10: 2.0})),
        (gaussian_weight(7.5), weights.gaussian(7.5)),
        (gravity_weight(scale=20.0, alpha=-2.0, min_cost=1.0), weights.gravity(20, -2, 1)),
        (gravity_weight(scale=3.0, alpha=0.5), weights.gravity(3, 0.5)),
    ]:
        assert np.array_equal(ours(costs), np.array([theirs(c) for c in costs], dtype=float))


def _tiny(**changes):
    problem = {
        "demand_ids": ["a", "b", "c"],
        "demand_values": [100.0, 200.0, 300.0],
        "supply_ids": ["s1", "s2", "s3"],
        "supply_values": [10.0, 5.0, 2.0],
        "origins": ["a", "a", "b", "c", "c"],
        "destinations": ["s1", "s2", "s1", "s3", "s2"],
        "costs": [1.0, 5.0, 2.0, 50.0, 3.0],
    }
    problem.update(changes)
    return problem


def test_tiny_example_by_hand():
    # s1 serves a and b (demand 300): 10/300; s2 serves a and c (400): 5/400; s3 is beyond the cutoff.
    result = access_scores(**_tiny(), method="2sfca", max_cost=10.0)
    assert result.scores == pytest.approx([10 / 300 + 5 / 400, 10 / 300, 5 / 400], abs=1e-15)
    assert result.reaches_service.tolist() == [True, True, True]
    assert result.unused_supply_ids.tolist() == ["s3"]  # 2 services there, nobody within 10
    assert result.pairs_used == 4


def test_demand_reaching_no_supply_scores_zero_and_is_flagged():
    result = access_scores(**_tiny(), method="2sfca", max_cost=1.5)
    assert result.scores.tolist() == [10 / 100, 0.0, 0.0]
    assert result.reaches_service.tolist() == [True, False, False]


def test_steps_beyond_the_last_threshold_do_not_count_as_reaching():
    result = access_scores(**_tiny(), method="e2sfca", steps={2.5: 1.0})
    assert result.reaches_service.tolist() == [True, True, False]  # c's nearest supply is at cost 3
    assert result.scores[2] == 0


def test_supply_with_no_reachable_demand_is_left_out_not_infinite():
    # s2 is reached only by a demand point with value 0: access divides 5 by 0 and gives inf.
    problem = _tiny(demand_values=[100.0, 200.0, 0.0], origins=["a", "b", "c"], destinations=["s1", "s1", "s2"])
    problem["costs"] = [1.0, 1.0, 1.0]
    reference = reference_scores(**problem, method="2sfca")
    assert np.isinf(reference[2])
    result = access_scores(**problem, method="2sfca")
    assert result.scores.tolist() == [10 / 300, 10 / 300, 0.0]
    assert set(result.unused_supply_ids.tolist()) == {"s2", "s3"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"costs": [1.0, -5.0, 2.0, 50.0, 3.0]}, "(a, s2): -5.0"),
        ({"costs": [1.0, float("nan"), 2.0, 50.0, 3.0]}, "(a, s2): nan"),
        ({"costs": [1.0, float("inf"), 2.0, 50.0, 3.0]}, "(a, s2): inf"),
        ({"origins": ["a", "a", "b", "c", "a"]}, "(a, s2)"),
        ({"origins": ["a", "a", "x", "c", "c"]}, "x"),
        ({"destinations": ["s1", "s2", "s9", "s3", "s2"]}, "s9"),
        ({"demand_ids": ["a", "b", "b"]}, "b"),
        ({"demand_values": [100.0, -1.0, 300.0]}, "b: -1.0"),
        ({"supply_values": [10.0, float("nan"), 2.0]}, "s2: nan"),
        ({"costs": [1.0, 5.0]}, "same length"),
    ],
)
def test_bad_inputs_are_errors_naming_the_entries(changes, message):
    with pytest.raises(AccessInputError) as error:
        access_scores(**_tiny(**changes), method="2sfca")
    assert message in str(error.value)


def test_duplicate_pairs_are_found_in_sorted_and_unsorted_input():
    ids = np.arange(5)
    with pytest.raises(AccessInputError, match=r"\(3, 1\)"):
        access_scores(
            demand_ids=ids,
            demand_values=np.ones(5),
            supply_ids=ids,
            supply_values=np.ones(5),
            origins=[0, 1, 3, 3, 4],
            destinations=[0, 0, 1, 1, 2],
            costs=[1.0, 1.0, 1.0, 2.0, 1.0],
        )
    result = access_scores(
        demand_ids=ids,
        demand_values=np.ones(5),
        supply_ids=ids,
        supply_values=np.ones(5),
        origins=[4, 0, 3, 1, 3],
        destinations=[2, 0, 1, 0, 2],
        costs=[1.0, 1.0, 1.0, 2.0, 1.0],
    )
    assert result.reaches_service.tolist() == [True, True, False, True, True]


def test_gravity_at_cost_zero_needs_a_minimum_cost():
    with pytest.raises(AccessInputError, match="min_cost"):
        access_scores(**_tiny(costs=[0.0, 5.0, 2.0, 50.0, 3.0]), method="gravity", alpha=-1.0)
    result = access_scores(**_tiny(costs=[0.0, 5.0, 2.0, 50.0, 3.0]), method="gravity", alpha=-1.0, min_cost=0.5)
    assert np.all(np.isfinite(result.scores))


def test_parameters_are_checked():
    with pytest.raises(AccessInputError, match="sigma"):
        access_scores(**_tiny(), method="gaussian")
    with pytest.raises(AccessInputError, match="sigma"):
        access_scores(**_tiny(), method="gaussian", sigma=0.0)
    with pytest.raises(AccessInputError, match="max_cost"):
        access_scores(**_tiny(), method="2sfca", max_cost=-1.0)
    with pytest.raises(AccessInputError, match="negative"):
        access_scores(**_tiny(), method="e2sfca", steps={10.0: -1.0})


def test_straight_line_costs_are_every_pair_within_the_cutoff_inclusive():
    rng = np.random.default_rng(5)
    demand_xy = np.round(rng.uniform(0, 50, (200, 2)))
    supply_xy = np.round(rng.uniform(0, 50, (40, 2)))
    supply_xy[0] = demand_xy[0]  # distance 0 is a pair too
    origins, dests, costs = straight_line_costs(
        demand_ids=np.arange(200) + 10,
        demand_xy=demand_xy,
        supply_ids=np.arange(40) + 500,
        supply_xy=supply_xy,
        max_cost=10.0,
    )
    full = np.hypot(*(demand_xy[:, None, :] - supply_xy[None, :, :]).transpose(2, 0, 1))
    expected = {(i + 10, j + 500): full[i, j] for i, j in zip(*np.nonzero(full <= 10.0), strict=True)}
    got = {(int(o), int(d)): c for o, d, c in zip(origins, dests, costs, strict=True)}
    assert got.keys() == expected.keys()
    assert (10, 500) in got and got[(10, 500)] == 0.0
    assert any(v == 10.0 for v in expected.values())  # the cutoff itself is included
    assert all(abs(got[k] - expected[k]) < 1e-12 for k in expected)


def _chicago_points(path):
    features = json.loads(path.read_text())["features"]
    ids = np.array([f["properties"]["geoid"] for f in features], dtype=np.int64)
    xy = np.array([f["geometry"]["coordinates"][:2] for f in features], dtype=np.float64)
    return ids, xy, [f["properties"] for f in features]


CHICAGO_CASES = [
    {"method": "2sfca", "max_cost": 10_000.0},
    {"method": "2sfca", "max_cost": 25_000.0},
    {"method": "e2sfca", "max_cost": 15_000.0, "steps": {5_000.0: 1.0, 10_000.0: 0.68, 15_000.0: 0.22}},
    {"method": "gaussian", "max_cost": 20_000.0, "sigma": 5_000.0},
    {"method": "gravity", "max_cost": 20_000.0, "scale": 1_000.0, "alpha": -1.0, "min_cost": 100.0},
]


@pytest.mark.shared
@pytest.mark.parametrize("case", CHICAGO_CASES, ids=lambda c: c["method"] + "-" + str(int(c["max_cost"])))
def test_chicago_tracts_match_access(shared_dir, case):
    """Chicago census tracts (population and doctors, EPSG:2790 metres); costs are the straight-line
    distances between tract points, computed by numpy for both implementations."""
    folder = shared_dir / "data" / "chicago-med"
    demand_ids, demand_xy, demand_props = _chicago_points(folder / "chicago_metro_pop.geojson")
    supply_ids, supply_xy, supply_props = _chicago_points(folder / "chicago_metro_docs_dentists.geojson")
    distance = np.hypot(*(demand_xy[:, None, :] - supply_xy[None, :, :]).transpose(2, 0, 1))
    i, j = np.nonzero(distance <= 30_000.0)
    problem = {
        "demand_ids": demand_ids,
        "demand_values": np.array([p["pop"] for p in demand_props], dtype=float),
        "supply_ids": supply_ids,
        "supply_values": np.array([p["doc"] for p in supply_props], dtype=float),
        "origins": demand_ids[i],
        "destinations": supply_ids[j],
        "costs": distance[i, j],
    }
    reference = reference_scores(**problem, **case)
    assert np.isfinite(reference).sum() > 1500
    assert_matches_reference(access_scores(**problem, **case), reference)
    # The same answer from costs our k-d tree finds.
    origins, dests, costs = straight_line_costs(
        demand_ids=demand_ids, demand_xy=demand_xy, supply_ids=supply_ids, supply_xy=supply_xy, max_cost=30_000.0
    )
    problem.update(origins=origins, destinations=dests, costs=costs)
    assert_matches_reference(access_scores(**problem, **case), reference)
