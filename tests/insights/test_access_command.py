"""manage.py access_scores end to end, with files in a temporary folder."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from tests.insights.reference import reference_scores
from tests.insights.test_access import random_problem


def _write(path, header, rows):
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _files(tmp_path, problem):
    demand = _write(
        tmp_path / "d.csv", ["id", "value"], zip(problem["demand_ids"], problem["demand_values"], strict=True)
    )
    supply = _write(
        tmp_path / "s.csv", ["id", "value"], zip(problem["supply_ids"], problem["supply_values"], strict=True)
    )
    costs = _write(
        tmp_path / "c.csv",
        ["origin", "dest", "cost"],
        (
            (o, d, repr(float(c)))
            for o, d, c in zip(problem["origins"], problem["destinations"], problem["costs"], strict=True)
        ),
    )
    return ["--demand", str(demand), "--supply", str(supply), "--costs", str(costs)]


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("access_scores", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _scores(path):
    with path.open(newline="") as f:
        reader = csv.reader(f)
        assert next(reader) == ["id", "score"]
        return {row[0]: float(row[1]) for row in reader}


@pytest.mark.parametrize(
    "options",
    [
        {"method": "2sfca", "max_cost": 12.0},
        {"method": "e2sfca", "weights": "10:1,20:0.68,30:0.22"},
        {"method": "gaussian", "max_cost": 30.0, "sigma": 8.0},
        {"method": "gravity", "max_cost": 40.0, "alpha": -2.0, "scale": 10.0, "min_cost": 1.0},
    ],
    ids=lambda o: o["method"],
)
def test_command_matches_access(tmp_path, options):
    problem = random_problem(11, n_demand=150, n_supply=30)
    out_path = tmp_path / "out.csv"
    args = [*_files(tmp_path, problem), "--out", str(out_path)]
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    stdout, stderr = _run(*args)
    assert "150 scores written" in stdout
    case = dict(options)
    if "weights" in case:
        case["steps"] = {float(k): float(v) for k, v in (p.split(":") for p in case.pop("weights").split(","))}
    reference = reference_scores(**problem, **case)
    scores = _scores(out_path)
    assert list(scores) == [str(i) for i in problem["demand_ids"]]  # one row per demand id, in input order
    ours = np.array(list(scores.values()))
    reached = ~np.isnan(reference)
    assert np.max(np.abs(ours[reached] - reference[reached])) <= 1e-9
    assert np.all(ours[~reached] == 0)
    if (~reached).any():
        assert "reach no supply" in stderr
        assert str(problem["demand_ids"][~reached][0]) in stderr


def test_command_reports_unreached_demand_and_unused_supply_on_stderr(tmp_path):
    demand = _write(tmp_path / "d.csv", ["id", "value"], [("a", 10), ("b", 20), ("far", 5)])
    supply = _write(tmp_path / "s.csv", ["id", "value"], [("x", 3), ("lonely", 2)])
    costs = _write(
        tmp_path / "c.csv", ["origin", "dest", "cost"], [("a", "x", 1), ("b", "x", 2), ("far", "lonely", 99)]
    )
    out_path = tmp_path / "out.csv"
    _stdout, stderr = _run(
        "--demand", str(demand), "--supply", str(supply), "--costs", str(costs), "--method", "2sfca",
        "--max-cost", "10", "--out", str(out_path),
    )  # fmt: skip
    assert _scores(out_path) == {"a": 0.1, "b": 0.1, "far": 0.0}
    assert "1 demand points reach no supply within the cutoff (score 0): far" in stderr
    assert "1 supply points have no demand within reach and were left out: lonely" in stderr


def _tiny_files(
    tmp_path, *, demand_rows=None, supply_rows=None, cost_rows=None, cost_header=("origin", "dest", "cost")
):
    demand = _write(tmp_path / "d.csv", ["id", "value"], demand_rows or [("a", 10), ("b", 20)])
    supply = _write(tmp_path / "s.csv", ["id", "value"], supply_rows or [("x", 3)])
    costs = _write(tmp_path / "c.csv", list(cost_header), cost_rows or [("a", "x", 1), ("b", "x", 2)])
    return ["--demand", str(demand), "--supply", str(supply), "--costs", str(costs), "--out", str(tmp_path / "o.csv")]


@pytest.mark.parametrize(
    ("files", "extra", "message"),
    [
        ({"demand_rows": [("a", 10), ("b", "lots"), ("a", 3)]}, [], "line 3 (id b): value 'lots' is not a number"),
        ({"demand_rows": [("a", 10), ("a", 3)]}, [], "line 3: id a again (first on line 2)"),
        ({"supply_rows": [("x", -3)]}, [], "value '-3' is not a number >= 0"),
        ({"cost_rows": [("a", "x", 1), ("b", "x", "")]}, [], "line 3 (b -> x): cost '' is not a number >= 0"),
        ({"cost_rows": [("a", "x", -1)]}, [], "line 2 (a -> x): cost '-1'"),
        ({"cost_rows": [("a", "x", 1), ("zz", "x", 2)]}, [], "not in the demand list: zz"),
        ({"cost_rows": [("a", "y", 1)]}, [], "not in the supply list: y"),
        ({"cost_rows": [("a", "x", 1), ("a", "x", 2)]}, [], "more than once: (a, x)"),
        ({"cost_header": ("from", "to", "cost")}, [], "missing: origin, dest"),
        ({}, ["--sigma", "3"], "--sigma applies to --method gaussian only"),
        ({}, ["--weights", "10:1,oops"], "--weights must look like '10:1,20:0.68,30:0.22'"),
    ],
)
def test_command_bad_input(tmp_path, files, extra, message):
    method = ["--method", "e2sfca"] if extra[:1] == ["--weights"] else ["--method", "2sfca"]
    with pytest.raises(CommandError) as error:
        _run(*_tiny_files(tmp_path, **files), *method, *extra)
    assert message is None or message in str(error.value)
    assert not (tmp_path / "o.csv").exists()


def test_command_gaussian_needs_sigma(tmp_path):
    with pytest.raises(CommandError, match="needs --sigma"):
        _run(*_tiny_files(tmp_path), "--method", "gaussian")


def test_command_missing_file(tmp_path):
    args = _tiny_files(tmp_path)
    args[args.index("--costs") + 1] = str(tmp_path / "absent.csv")
    with pytest.raises(CommandError, match="Cannot read"):
        _run(*args, "--method", "2sfca")
