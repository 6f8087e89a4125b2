"""Relevance on the demo directory: every query of newstart/search/data/relevance_queries.tsv.

A query is a hit when one of its top five services carries a taxonomy term whose top-level code is
one it expects. Fails below hit@5 0.9 overall or 0.8 in any language; the table (hit@5 and mean
reciprocal rank per language) is shown at the end of the test run.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from newstart.directory.models import Attribute, TaxonomyTerm
from newstart.search.selectors import search_services
from tests.search.conftest import RELEVANCE_PROPERTY

QUERIES_PATH = Path(__file__).resolve().parents[2] / "newstart" / "search" / "data" / "relevance_queries.tsv"
MIN_HIT_AT_5 = 0.9
MIN_HIT_AT_5_PER_LANGUAGE = 0.8
TOP = 5


@dataclass(frozen=True)
class RelevanceQuery:
    language: str
    query: str
    expected: frozenset[str]


def relevance_queries() -> list[RelevanceQuery]:
    queries = []
    for line in QUERIES_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        language, query, expected = line.split("\t")[:3]
        if language == "lang":
            continue
        queries.append(RelevanceQuery(language, query, frozenset(code.strip() for code in expected.split("|"))))
    return queries


def top_codes_by_service() -> dict[uuid.UUID, set[str]]:
    parents = dict(TaxonomyTerm.objects.values_list("id", "parent_id"))
    codes = dict(TaxonomyTerm.objects.values_list("id", "code"))

    def top(term_id):
        while parents.get(term_id) is not None:
            term_id = parents[term_id]
        return codes[term_id]

    found: dict[uuid.UUID, set[str]] = defaultdict(set)
    for link_id, term_id in Attribute.objects.filter(link_entity="service").values_list("link_id", "taxonomy_term_id"):
        found[link_id].add(top(term_id))
    return found


def evaluate(queries):
    """Per language: (hits, reciprocal ranks, misses)."""
    service_codes = top_codes_by_service()
    results: dict = defaultdict(lambda: {"hits": 0, "rr": 0.0, "n": 0, "misses": []})
    digest = hashlib.sha256()
    for item in queries:
        result = search_services(query=item.query, language=item.language, limit=20)
        digest.update(repr((item.query, [(hit.service_id.hex, hit.relevance) for hit in result.hits])).encode())
        rank = next(
            (
                position
                for position, service_id in enumerate(result.service_ids, start=1)
                if service_codes.get(service_id, set()) & item.expected
            ),
            None,
        )
        row = results[item.language]
        row["n"] += 1
        if rank is not None:
            row["rr"] += 1 / rank
        if rank is not None and rank <= TOP:
            row["hits"] += 1
        else:
            row["misses"].append(f"{item.query} (expected {'|'.join(sorted(item.expected))}, rank {rank})")
    return results, digest.hexdigest()[:16]


def table(results, digest) -> str:
    lines = [f"{'language':<10}{'queries':>8}{'hit@5':>8}{'MRR':>8}"]
    total_n = total_hits = 0
    total_rr = 0.0
    for language in sorted(results):
        row = results[language]
        lines.append(f"{language:<10}{row['n']:>8}{row['hits'] / row['n']:>8.3f}{row['rr'] / row['n']:>8.3f}")
        total_n += row["n"]
        total_hits += row["hits"]
        total_rr += row["rr"]
    lines.append(f"{'overall':<10}{total_n:>8}{total_hits / total_n:>8.3f}{total_rr / total_n:>8.3f}")
    # The same on SQLite and PostgreSQL: ranked ids and integer relevances of every query.
    lines.append(f"ranking digest {digest} ({connection.vendor})")
    misses = [f"  {language}: {miss}" for language in sorted(results) for miss in results[language]["misses"]]
    if misses:
        lines.append("misses:")
        lines.extend(misses)
    return "\n".join(lines)


def test_relevance_queries_file_is_readable():
    queries = relevance_queries()
    assert queries, QUERIES_PATH
    assert all(item.expected for item in queries)


@pytest.mark.django_db
def test_relevance_on_the_demo_directory(indexed_demo, record_property, capsys):
    results, digest = evaluate(relevance_queries())
    report = table(results, digest)
    record_property(RELEVANCE_PROPERTY, report)
    with capsys.disabled():
        print("\n" + report)
    total = sum(row["n"] for row in results.values())
    overall = sum(row["hits"] for row in results.values()) / total
    assert overall >= MIN_HIT_AT_5, report
    weak = {
        language: row["hits"] / row["n"]
        for language, row in results.items()
        if row["hits"] / row["n"] < MIN_HIT_AT_5_PER_LANGUAGE
    }
    assert not weak, report
