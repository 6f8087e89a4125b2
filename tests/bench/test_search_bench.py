"""Pure helpers of the search benchmark: percentiles, the query mix, wrk's summary."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from bench.load_test import lua_script, parse_wrk
from bench.search_bench import build_queries, naive_search, percentile, summarize
from tests.directory.factories import ServiceFactory


@pytest.mark.parametrize("q", [0, 1, 25, 50, 90, 95, 99, 100])
def test_percentile_matches_numpy(q):
    values = [5.0, 1.0, 9.5, 3.25, 7.0, 2.0, 8.0, 100.0, 0.5, 4.0, 6.0]
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_of_one_value_and_bad_input():
    assert percentile([4.0], 95) == 4.0
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summarize():
    summary = summarize([float(v) for v in range(1, 101)])
    assert summary["n"] == 100
    assert summary["p50"] == pytest.approx(50.5)
    assert summary["max"] == 100.0


def test_query_mix_is_deterministic_and_mixed():
    queries = build_queries(400)
    assert queries == build_queries(400)
    assert len(queries) == 400
    kinds = Counter(query.kind for query in queries)
    assert kinds == {"keyword": 140, "cross-lingual": 100, "filter": 100, "radius": 60}
    term_ids = {
        code: f"00000000-0000-4000-8000-{index:012d}"
        for index, code in enumerate(
            ["LANG", "EMP", "CRED", "HOUS", "HEALTH", "CHILD", "LEGAL", "REFUGEE", "CIT", "MONEY", "FOOD", "COMM"]
        )
    }
    for query in queries:
        params = parse_qs(urlsplit(query.url(term_ids)).query)
        assert params["search"][0].strip()
        if query.kind == "radius":
            assert {"lat", "lon", "radius_km"} <= params.keys()
        if query.kind == "filter":
            assert params.keys() & {"free", "open_now", "language", "taxonomy_term_id"}
    assert any(not query.params["search"].isascii() for query in queries)  # cross-lingual queries


@pytest.mark.django_db
def test_naive_baseline_matches_any_word_in_name_or_description():
    from newstart.directory.models import Service

    by_name = ServiceFactory(name="Food bank downtown")
    by_description = ServiceFactory(name="Pantry", description="Free groceries every week")
    ServiceFactory(name="Tax clinic", description="Volunteers file returns")
    found = set(naive_search(Service.objects.all(), "groceries FOOD").values_list("id", flat=True))
    assert found == {by_name.id, by_description.id}


def test_wrk_summary_parsing_and_lua_rotation():
    output = 'Running 1s test\nWRKJSON {"requests": 10, "duration_us": 1000000, "status": 0, "p95": 1200}\n'
    assert parse_wrk(output)["p95"] == 1200
    with pytest.raises(ValueError):
        parse_wrk("no summary")
    script = lua_script(["/api/hsds/services?search=food+bank", "/api/hsds/services?search=%E8%AF%AD"])
    assert '"/api/hsds/services?search=food+bank"' in script
    assert "counter % #paths + 1" in script
