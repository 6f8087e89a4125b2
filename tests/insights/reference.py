"""Runs PySAL's ``access`` (the reference implementation, a test-only dependency) on plain arrays."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
from access import Access, weights

logging.getLogger("access").setLevel(logging.WARNING)


def reference_scores(
    *,
    demand_ids,
    demand_values,
    supply_ids,
    supply_values,
    origins,
    destinations,
    costs,
    method,
    max_cost=None,
    sigma=None,
    steps=None,
    scale=1.0,
    alpha=-1.0,
    min_cost=0.0,
    normalize=False,
):
    """access's score per demand id (NaN where it has none), in the order of demand_ids."""
    demand = pd.DataFrame({"geoid": demand_ids, "pop": demand_values})
    supply = pd.DataFrame({"geoid": supply_ids, "doc": supply_values})
    cost_df = pd.DataFrame({"origin": origins, "dest": destinations, "cost": costs})
    with warnings.catch_warnings():
        # access's own use of pandas: deprecations and its division by zero in awkward cases.
        warnings.simplefilter("ignore")
        return _run(
            demand, supply, cost_df, method, max_cost, sigma, steps, scale, alpha, min_cost, normalize, demand_ids
        )


def _run(demand, supply, cost_df, method, max_cost, sigma, steps, scale, alpha, min_cost, normalize, demand_ids):
    model = Access(
        demand_df=demand,
        demand_index="geoid",
        demand_value="pop",
        supply_df=supply,
        supply_index="geoid",
        supply_value="doc",
        cost_df=cost_df,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    if method == "2sfca":
        result = model.two_stage_fca(name="ref", max_cost=max_cost, normalize=normalize)
    elif method == "e2sfca":
        weight_fn = None if steps is None else weights.step_fn(steps)
        result = model.enhanced_two_stage_fca(name="ref", max_cost=max_cost, weight_fn=weight_fn, normalize=normalize)
    elif method == "gaussian":
        result = model.two_stage_fca(
            name="ref", max_cost=max_cost, weight_fn=weights.gaussian(sigma), normalize=normalize
        )
    elif method == "gravity":
        result = model.two_stage_fca(
            name="ref",
            max_cost=max_cost,
            weight_fn=weights.gravity(scale=scale, alpha=alpha, min_dist=min_cost),
            normalize=normalize,
        )
    else:
        raise ValueError(method)
    return result["ref_doc"].reindex(pd.Index(demand_ids, name="geoid")).to_numpy(dtype=np.float64)


def assert_matches_reference(result, reference, *, tolerance=1e-9):
    """Ours equals access's scores to ``tolerance``; where access has NaN (no supply in reach) ours
    says 0 and reaches_service=False."""
    no_score = np.isnan(reference)
    assert np.all(np.isfinite(reference[~no_score])), "the reference has inf: an awkward case, not a comparison"
    assert np.max(np.abs(result.scores[~no_score] - reference[~no_score]), initial=0.0) <= tolerance
    # Scores are small ratios (services per person): relative agreement too, so a near miss cannot hide.
    np.testing.assert_allclose(result.scores[~no_score], reference[~no_score], rtol=1e-9, atol=0)
    assert np.all(result.scores[no_score] == 0)
    assert not result.reaches_service[no_score].any()
