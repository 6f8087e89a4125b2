"""Search at national scale: the search engine through the HSDS API against a naive icontains search.

    python -m bench search                      # full size (100,000 services), SQLite and PostgreSQL
    BENCH_SERVICES=5000 python -m bench search  # a quick run

On each database (a temporary SQLite file; the throwaway PostgreSQL cluster of
scripts/with_throwaway_postgres.py, which this module re-invokes itself under) a synthetic
directory is generated (bench/synthetic.py), the search index is rebuilt and timed, and the same
mixed queries go through `GET /api/hsds/services` in-process (django.test.Client: middleware,
parameter parsing, the selector, serialisation, JSON) twice: as the project runs it (service_list
ranks with newstart.search), and with a naive baseline in the engine's place (icontains over the
translated name and description, OR over the query's words). Filters, pagination and
serialisation are the API's own in both. On PostgreSQL a load test follows (bench/load_test.py).

Each phase runs in its own process, so that the peak memory of the query process is that of a
web worker that only serves searches. Results are written as the "search" section of
docs/performance.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import math
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.machine import describe, load_average
from bench.synthetic import CITIES, DEFAULT_SEED, DEFAULT_SERVICES, City

REPO = Path(__file__).resolve().parent.parent
RELEVANCE_QUERIES = REPO / "newstart" / "search" / "data" / "relevance_queries.tsv"
ENDPOINT = "/api/hsds/services"
QUERY_SEED = 7
DEFAULT_QUERIES = 1000
DEFAULT_BASELINE_QUERIES = 200
TRACEMALLOC_QUERIES = 100
PROFILE_QUERIES = 30
WARMUP_QUERIES = 20
QUICK_SERVICES = 2000
QUICK_QUERIES = 200

TARGET_P95_MS = 50.0
TARGET_SPEEDUP = 20.0
TARGET_INDEX_S = 60.0
TARGET_WORKER_MB = 300.0

# Everyday English searches, besides the taxonomy's and the thesaurus's own wording.
EVERYDAY_QUERIES = (
    "english class",
    "free english classes",
    "job",
    "jobs for newcomers",
    "resume help",
    "food bank",
    "doctor",
    "family doctor",
    "dentist",
    "housing",
    "cheap housing",
    "rent help",
    "lawyer",
    "immigration lawyer",
    "citizenship test",
    "daycare",
    "school registration",
    "tax clinic",
    "bank account",
    "sin number",
    "counselling",
    "mental health",
    "translation",
    "interpreter",
    "refugee claim",
    "shelter",
    "youth programs",
    "seniors",
    "women",
    "volunteer",
    "library",
    "computer class",
    "driver licence",
    "bus pass",
    "winter clothes",
    "furniture",
    "sponsor my parents",
    "work permit",
    "credential assessment",
    "nurse licence",
)
FILTER_LANGUAGES = ("fr", "pa", "zh", "ar", "es", "tl", "fa", "ko", "uk")
RADII_KM = (5.0, 10.0, 25.0, 50.0)


# --- Small pure helpers (unit-tested) ------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class QuerySpec:
    kind: str  # keyword, cross-lingual, filter, radius
    params: dict[str, str]
    taxonomy_code: str | None = None  # resolved to taxonomy_term_id against the database

    def url(self, term_ids: dict[str, str]) -> str:
        params = dict(self.params)
        if self.taxonomy_code is not None:
            params["taxonomy_term_id"] = term_ids[self.taxonomy_code]
        return f"{ENDPOINT}?{urlencode(params)}"


def _relevance_queries() -> list[tuple[str, str]]:
    rows = []
    for line in RELEVANCE_QUERIES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] != "lang":
            rows.append((parts[0], parts[1]))
    return rows


def _english_phrases() -> list[str]:
    taxonomy = json.loads((REPO / "newstart" / "directory" / "data" / "settlement_taxonomy.json").read_text())
    concepts_data = json.loads((REPO / "newstart" / "search" / "data" / "concepts.json").read_text())
    concepts = concepts_data["concepts"] if isinstance(concepts_data, dict) else concepts_data
    phrases = {term["name"]["en"].lower() for term in taxonomy["terms"]}
    phrases.update(label.lower() for concept in concepts for label in concept["labels"].get("en", [])[:3])
    phrases.update(EVERYDAY_QUERIES)
    return sorted(phrases)


def build_queries(count: int, *, seed: int = QUERY_SEED) -> list[QuerySpec]:
    """`count` mixed searches, deterministic: 35 % English keywords, 25 % the relevance set's queries
    (13 languages), 25 % keywords with filters (free, open_now, language, taxonomy), 15 % within a
    radius of a city (weighted by population)."""
    rng = random.Random(seed)
    english = _english_phrases()
    relevance = _relevance_queries()
    tops = ["LANG", "EMP", "CRED", "HOUS", "HEALTH", "CHILD", "LEGAL", "REFUGEE", "CIT", "MONEY", "FOOD", "COMM"]
    kinds = ["keyword"] * 35 + ["cross-lingual"] * 25 + ["filter"] * 25 + ["radius"] * 15
    specs: list[QuerySpec] = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        code = None
        if kind == "cross-lingual":
            language, text = relevance[rng.randrange(len(relevance))]
            params = {"search": text}
            if language in ("fr", "es", "pa", "ar", "zh-hans", "ko", "vi", "uk", "fa", "tl") and rng.random() < 0.5:
                params["lang"] = language
        else:
            params = {"search": rng.choice(english)}
        if kind == "filter":
            for choice in rng.sample(("free", "open_now", "language", "taxonomy"), rng.choice((1, 1, 2))):
                if choice == "free":
                    params["free"] = "true"
                elif choice == "open_now":
                    params["open_now"] = "true"
                elif choice == "language":
                    params["language"] = rng.choice(FILTER_LANGUAGES)
                else:
                    code = rng.choice(tops)
        if kind == "radius":
            city: City = rng.choices(CITIES, weights=[city.population for city in CITIES])[0]
            params["lat"] = f"{city.latitude + rng.uniform(-0.03, 0.03):.5f}"
            params["lon"] = f"{city.longitude + rng.uniform(-0.03, 0.03):.5f}"
            params["radius_km"] = f"{rng.choice(RADII_KM):g}"
        specs.append(QuerySpec(kind=kind, params=params, taxonomy_code=code))
    rng.shuffle(specs)
    return specs


def summarize(latencies_ms: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(latencies_ms),
        "p50": percentile(latencies_ms, 50),
        "p95": percentile(latencies_ms, 95),
        "p99": percentile(latencies_ms, 99),
        "mean": statistics.fmean(latencies_ms),
        "max": max(latencies_ms),
    }


# --- Which search sits behind the API --------------------------------------------------------------


def use_engine() -> str:
    """Say how the HSDS API's `search` reaches the search engine (the project's own code path)."""
    from newstart.directory import selectors

    if hasattr(selectors, "search_ranked_queryset"):
        return "the project's own: selectors.service_list ranks with newstart.search (search_ranked_queryset)"
    return "not available"


def naive_search(qs: Any, query: str) -> Any:
    """The baseline: services whose name or description, in any language, contains any word of `query`."""
    from django.db.models import Q

    from newstart.directory.models import Service

    words = query.split()
    if not words:
        return qs
    condition = Q()
    for word in words:
        condition |= Q(translations__name__icontains=word) | Q(translations__description__icontains=word)
    return qs.filter(id__in=Service.objects.filter(condition).values("id"))


def naive_ranked_queryset(qs: Any, query: str, **_options: Any) -> tuple[Any, None]:
    """The baseline in the engine's place in `service_list`: unranked (every match has rank 0, so id order)."""
    from django.db.models import IntegerField, Value

    return naive_search(qs, query).annotate(search_rank=Value(0, output_field=IntegerField())), None


def use_baseline() -> None:
    """Put the naive search where service_list calls the engine."""
    from newstart.directory import selectors

    setattr(selectors, "search_ranked_queryset", naive_ranked_queryset)  # noqa: B010 (a benchmark's swap)


# --- Phases (each in its own process) --------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _setup_django() -> None:
    import django

    django.setup()


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("select sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def phase_generate(services: int, seed: int) -> dict[str, Any]:
    _setup_django()
    from django.core.management import call_command

    from bench.synthetic import synthetic_directory_create
    from newstart.directory.taxonomies import taxonomy_load_settlement

    call_command("migrate", verbosity=0, interactive=False)
    taxonomy_load_settlement()
    try:
        from newstart.search.services import concept_load

        concept_load(reindex=False)
    except ImportError:
        pass
    start = time.perf_counter()
    created = synthetic_directory_create(services=services, seed=seed, progress=True)
    seconds = time.perf_counter() - start
    return {
        "database": _database_version(),
        "generate_s": seconds,
        "counts": asdict(created),
        "rows": created.rows,
        "rss_mb": _peak_rss_mb(),
    }


def phase_index() -> dict[str, Any]:
    _setup_django()
    from django.db import connection

    try:
        from newstart.search.services import search_rebuild_index
    except ImportError:
        return {"available": False}
    start = time.perf_counter()
    result = search_rebuild_index(progress=True)
    seconds = time.perf_counter() - start
    analyze_s = None
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load in production (statistics, and the visibility map
        # that index-only scans need); done now so that plans are those of a settled database.
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        analyze_s = time.perf_counter() - start
    return {
        "available": True,
        "index_s": seconds,
        "analyze_s": analyze_s,
        "services": result.services,
        "postings": result.postings,
        "vocabulary": result.vocabulary,
        "rss_mb": _peak_rss_mb(),
    }


class _SqlTimer:
    """Time and count of the SQL statements run (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.statements = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.statements += 1


def _run_queries(client: Any, urls: Sequence[str], timer: _SqlTimer | None = None) -> list[dict[str, Any]]:
    runs = []
    for url in urls:
        if timer is not None:
            timer.seconds, timer.statements = 0.0, 0
        start = time.perf_counter()
        response = client.get(url)
        body = json.loads(response.content)
        elapsed = time.perf_counter() - start
        runs.append(
            {
                "ms": elapsed * 1000,
                "status": response.status_code,
                "total": body.get("total_items") if isinstance(body, dict) else None,
                "sql_ms": timer.seconds * 1000 if timer else None,
                "statements": timer.statements if timer else None,
            }
        )
    return runs


def term_ids_by_code() -> dict[str, str]:
    from newstart.directory.models import TaxonomyTerm

    return {code: str(term_id) for code, term_id in TaxonomyTerm.objects.values_list("code", "id") if code}


def bench_moment(zone: str) -> dt.datetime:
    """The clock the searches run at: the last Tuesday (today if it is one) at 10:20 in the
    directory's time zone. "Open now" depends on the hour (on a Saturday night few services are
    open, on a weekday morning most are), so every run asks it at the same weekday working hour."""
    import zoneinfo

    today = dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()
    tuesday = today - dt.timedelta(days=(today.weekday() - 1) % 7)
    return dt.datetime.combine(tuesday, dt.time(10, 20), tzinfo=zoneinfo.ZoneInfo(zone))


def phase_queries(queries: int, baseline_queries: int, workdir: Path) -> dict[str, Any]:
    _setup_django()
    from unittest import mock

    from django.conf import settings

    moment = bench_moment(settings.TIME_ZONE)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        result = _phase_queries(queries, baseline_queries, workdir)
    result["clock"] = moment.isoformat()
    return result


def _phase_queries(queries: int, baseline_queries: int, workdir: Path) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    engine = use_engine()
    specs = build_queries(queries)
    term_ids = term_ids_by_code()
    urls = [spec.url(term_ids) for spec in specs]
    client = Client()
    timer = _SqlTimer()
    result: dict[str, Any] = {"engine_used": engine, "queries": len(urls)}
    if engine != "not available":
        warmup = _run_queries(client, urls[:WARMUP_QUERIES])
        # A fresh process's first search also reads every document's values into memory
        # (newstart.search.document_values); later ones read only what changed.
        result["first_query_ms"] = warmup[0]["ms"] if warmup else None
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            runs = _run_queries(client, urls, timer)
            wall = time.perf_counter() - start
        result["engine"] = _phase_summary(runs, specs, wall)
        # Python allocations at their peak while searching (tracemalloc slows Python down: separate pass).
        sample = urls[:: max(1, len(urls) // TRACEMALLOC_QUERIES)][:TRACEMALLOC_QUERIES]
        tracemalloc.start()
        tracemalloc.reset_peak()
        _run_queries(client, sample)
        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1024**2
        result["tracemalloc_queries"] = len(sample)
        tracemalloc.stop()
        result["rss_mb"] = _peak_rss_mb()
        result["profile"] = _profile(client, urls[:PROFILE_QUERIES], workdir / f"profile-{connection.vendor}.txt")
    step = max(1, math.ceil(len(urls) / baseline_queries)) if baseline_queries else 0
    if step:
        subset = list(range(0, len(urls), step))
        use_baseline()
        _run_queries(client, [urls[i] for i in subset[:5]])
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            base_runs = _run_queries(client, [urls[i] for i in subset], timer)
            wall = time.perf_counter() - start
        result["baseline"] = _phase_summary(base_runs, [specs[i] for i in subset], wall)
        if "engine" in result:
            engine_subset = [result["engine"]["runs"][i]["ms"] for i in subset]
            result["engine_on_baseline_subset"] = summarize(engine_subset)
    for key in ("engine", "baseline"):
        if key in result:
            del result[key]["runs"]
    return result


def _phase_summary(runs: list[dict[str, Any]], specs: Sequence[QuerySpec], wall: float) -> dict[str, Any]:
    latencies = [run["ms"] for run in runs]
    by_kind: dict[str, dict[str, float]] = {}
    for kind in ("keyword", "cross-lingual", "filter", "radius"):
        values = [run["ms"] for run, spec in zip(runs, specs, strict=True) if spec.kind == kind]
        if values:
            by_kind[kind] = summarize(values)
    sql = [run["sql_ms"] for run in runs if run["sql_ms"] is not None]
    return {
        "runs": runs,
        "latency": summarize(latencies),
        "by_kind": by_kind,
        "throughput": len(runs) / wall,
        "errors": sum(1 for run in runs if run["status"] != 200),
        "sql_share": sum(sql) / sum(latencies) if sql else None,
        "statements_p50": percentile([run["statements"] for run in runs], 50),
        "mean_total_items": statistics.fmean(run["total"] or 0 for run in runs),
        "empty_share": sum(1 for run in runs if not run["total"]) / len(runs),
    }


# Functions whose cumulative time says where a search's time goes (share of the whole request).
PROFILE_WATCH = {
    "_run_queries": "the request",
    "search_services": "the engine's search_services (scoring, re-ranking)",
    "_score": "of which scoring, filters and candidates",
    "_rerank": "of which re-ranking",
    "search_rank_annotate": "search_rank_annotate (the hits as a queryset)",
    "paginate": "pagination (COUNT and the page query)",
    "service_to_hsds": "HSDS serialisation",
    "execute_sql": "SQL compilation and execution (all)",
}


def _profile(client: Any, urls: Sequence[str], path: Path) -> list[str]:
    """cProfile over some searches: the full listing to `path`, the top functions by own time returned."""
    profiler = cProfile.Profile()
    profiler.enable()
    _run_queries(client, urls)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).strip_dirs()
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
    path.write_text(stream.getvalue())
    cumulative: dict[str, float] = {}
    for (_file, _line, function), (_cc, _nc, _tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if function in PROFILE_WATCH:
            cumulative[function] = max(cumulative.get(function, 0.0), cumtime)
    total = cumulative.get("_run_queries") or 1.0
    return [
        f"{PROFILE_WATCH[function]} {100 * cumulative[function] / total:.0f} %"
        for function in PROFILE_WATCH
        if function in cumulative and function != "_run_queries"
    ]


# --- A session: every phase against one database ---------------------------------------------------


def _child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-a-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # A web worker keeps its database connection (production sets this too).
            "DATABASE_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
        }
    )
    env.update(extra or {})
    return env


def _phase(name: str, out: Path, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.search_bench", "phase", name, "--out", str(out), *args]
    print(f"search bench: {name} ({env.get('DATABASE_URL', '')[:30]}...)", file=sys.stderr, flush=True)
    subprocess.run(command, cwd=REPO, env=env, check=True)
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def session(*, database: str, services: int, queries: int, baseline: int, workdir: Path, load: int) -> Path:
    """Every phase against the database of DATABASE_URL; the results to workdir/<database>.json."""
    env = _child_env()
    results: dict[str, Any] = {"database_kind": database, "services": services}
    results["generate"] = _phase("generate", workdir / f"{database}-generate.json", ["--services", str(services)], env)
    results["index"] = _phase("index", workdir / f"{database}-index.json", [], env)
    results["queries"] = _phase(
        "queries",
        workdir / f"{database}-queries.json",
        ["--queries", str(queries), "--baseline-queries", str(baseline), "--workdir", str(workdir)],
        env,
    )
    if load:
        os.environ.update(env)  # the load test reads the database here (the query URLs) before gunicorn starts
        from bench.load_test import load_test

        results["load"] = load_test(workdir=workdir, queries=queries, duration=load, env=env)
    out = workdir / f"{database}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    return out


# --- The report -----------------------------------------------------------------------------------


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def run(quick: bool) -> str:
    """The registry's entry point: both databases, then the Markdown section."""
    services = _env_int("BENCH_SERVICES", QUICK_SERVICES if quick else DEFAULT_SERVICES)
    queries = _env_int("BENCH_QUERIES", QUICK_QUERIES if quick else DEFAULT_QUERIES)
    baseline = _env_int("BENCH_BASELINE_QUERIES", min(queries, DEFAULT_BASELINE_QUERIES))
    load = _env_int("BENCH_LOAD_SECONDS", 10 if quick else 60)
    load_before = load_average()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newstart-search-bench-") as tmp:
        workdir = Path(tmp)
        common = ["--services", str(services), "--queries", str(queries), "--baseline-queries", str(baseline)]
        common += ["--workdir", str(workdir)]
        sqlite_env = dict(os.environ, DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}")
        subprocess.run(
            [sys.executable, "-m", "bench.search_bench", "session", "--database", "sqlite", *common],
            cwd=REPO,
            env=sqlite_env,
            check=True,
        )
        (workdir / "bench.sqlite3").unlink(missing_ok=True)
        subprocess.run(
            [
                sys.executable,
                str(REPO / "scripts" / "with_throwaway_postgres.py"),
                "--",
                sys.executable,
                "-m",
                "bench.search_bench",
                "session",
                "--database",
                "postgres",
                "--load-seconds",
                str(load),
                *common,
            ],
            cwd=REPO,
            check=True,
        )
        results = {}
        for database in ("sqlite", "postgres"):
            path = workdir / f"{database}.json"
            results[database] = json.loads(path.read_text()) if path.exists() else None
        if os.environ.get("BENCH_KEEP"):
            keep = Path(os.environ["BENCH_KEEP"])
            keep.mkdir(parents=True, exist_ok=True)
            for path in [*workdir.glob("profile-*.txt"), *workdir.glob("*.json"), *workdir.glob("gunicorn.log")]:
                (keep / path.name).write_bytes(path.read_bytes())
    return render(
        results,
        services=services,
        queries=queries,
        minutes=(time.perf_counter() - started) / 60,
        load_before=load_before,
        load_after=load_average(),
    )


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f} ms"


def _yes(met: bool | None) -> str:
    return "—" if met is None else ("**met**" if met else "**missed**")


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def render(
    results: dict[str, Any], *, services: int, queries: int, minutes: float, load_before: str, load_after: str
) -> str:
    import django

    versions = [r["generate"]["database"] for r in results.values() if r]
    lines = [
        "## Search",
        "",
        "The search engine (`newstart.search`, postings lists in plain tables scored with numpy) measured end to end "
        "in-process: each query is a `GET /api/hsds/services?search=…` through `django.test.Client` "
        "(middleware, parameters, selector, HSDS serialisation, JSON), page 1 of 20. The baseline is the same "
        "request with a naive search in the engine's place in `selectors.service_list`: `icontains` on the "
        "translated name or description, OR over the query's words (unranked: id order); filters, pagination "
        "and serialisation are identical. Queries: "
        f"{queries} per database, deterministic — 35 % English keywords, 25 % the relevance set's queries "
        "(newstart/search/data/relevance_queries.tsv, 13 languages), 25 % keywords with filters (free, open_now, "
        "language, taxonomy_term_id), 15 % keywords within 5-50 km of a city; 20 warm-up queries first (a "
        "process holds the documents' re-ranking values and its most used postings lists in memory, "
        "`SEARCH_POSTINGS_CACHE_MB`: the measured searches are a warm web worker's; a fresh process's first "
        "search is reported on its own). "
        "The in-process searches run with the clock set to the last Tuesday at 10:20 in the directory's time "
        "zone (`bench_moment`): `open_now` depends on the hour, and this asks it at the same working hour in every "
        "run (the load test runs on the real clock). "
        "The baseline runs on every k-th query (at most "
        f"{DEFAULT_BASELINE_QUERIES}, `BENCH_BASELINE_QUERIES`): it scans every translation and a full run would "
        "take longer than the rest of the benchmark; its p50 is compared with the engine's p50 on the same subset. "
        "Each phase runs in its own process: peak RSS (`ru_maxrss`) of the query process is what a web worker "
        f"serving these searches needs; the tracemalloc peak is over {TRACEMALLOC_QUERIES} searches. "
        "The database connection is kept between requests (`DATABASE_CONN_MAX_AGE=600`). PostgreSQL is "
        "VACUUM ANALYZEd after the bulk load (autovacuum would do so in production); SQLite is used as Django "
        "leaves it.",
        "",
        f"Machine: {describe()}; {_os_name()}; Django {django.get_version()}; {', '.join(versions)}. "
        f"Run on {dt.date.today().isoformat()}, {minutes:.0f} minutes in all; load average (1 min) before / after: "
        f"{load_before} / {load_after} (other work on this shared 2-core machine slows every timing).",
        "",
    ]
    datasets = {name: r["generate"]["counts"] for name, r in results.items() if r}
    if datasets:
        described = [
            ("SQLite and PostgreSQL" if len(set(map(str, datasets.values()))) == 1 and len(datasets) == 2 else name)
            + ": "
            + ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in counts.items())
            for name, counts in (
                [next(iter(datasets.items()))] if len(set(map(str, datasets.values()))) == 1 else datasets.items()
            )
        ]
        lines += [
            f"Dataset (bench/synthetic.py, seed {DEFAULT_SEED}) — " + "; ".join(described) + ". Written as "
            "plain rows (executemany on SQLite, COPY on PostgreSQL) in one transaction, without history rows or "
            "signals (a benchmark database only: a temporary SQLite file, the throwaway PostgreSQL cluster).",
            "",
        ]
    lines += [
        "Reproduce: `make bench` (everything) or `.venv/bin/python -m bench search`; quick run: "
        "`BENCH_SERVICES=5000 BENCH_QUERIES=300 .venv/bin/python -m bench search` (also `BENCH_BASELINE_QUERIES`, "
        "`BENCH_LOAD_SECONDS`, and `BENCH_PG_SERVICES`: PostgreSQL's size, by default BENCH_SERVICES; "
        "`BENCH_KEEP=<dir>` keeps the raw results and cProfile listings).",
        "",
    ]
    for database, title in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
        data = results.get(database)
        lines += [f"### {title}", ""]
        if not data:
            lines += ["Not run (no PostgreSQL server binaries here)." if database == "postgres" else "Not run.", ""]
            continue
        lines += _database_table(data)
    postgres = results.get("postgres")
    if postgres and postgres.get("load"):
        lines += _load_table(postgres["load"], postgres["generate"]["counts"]["services"])
    return "\n".join(lines)


def _database_table(data: dict[str, Any]) -> list[str]:
    generate, index, query = data["generate"], data["index"], data["queries"]
    engine, baseline = query.get("engine"), query.get("baseline")
    subset = query.get("engine_on_baseline_subset")
    speedup = baseline["latency"]["p50"] / subset["p50"] if baseline and subset else None
    index_s = index.get("index_s") if index.get("available") else None
    rows = [
        "| measure | engine | naive baseline | target | |",
        "|---|---:|---:|---:|---|",
        f"| index build (search_rebuild_index) | {index_s:,.1f} s | — | ≤ {TARGET_INDEX_S:.0f} s | "
        f"{_yes(index_s <= TARGET_INDEX_S)} |"
        if index_s is not None
        else "| index build | not available | — | ≤ 60 s | — |",
    ]
    if engine:
        latency = engine["latency"]
        rows += [
            f"| p50 latency, all {latency['n']:.0f} queries | {_ms(latency['p50'])} | — | | |",
            f"| p95 latency, all queries | {_ms(latency['p95'])} | — | ≤ {TARGET_P95_MS:.0f} ms | "
            f"{_yes(latency['p95'] <= TARGET_P95_MS)} |",
            f"| p99 latency, all queries | {_ms(latency['p99'])} | — | | |",
        ]
    if baseline:
        b = baseline["latency"]
        rows += [
            f"| p50 on the baseline's {b['n']:.0f} queries | {_ms(subset['p50'] if subset else None)} | "
            f"{_ms(b['p50'])} | ≥ {TARGET_SPEEDUP:.0f}x faster | "
            + (f"{speedup:.2g}x {_yes(speedup >= TARGET_SPEEDUP)} |" if speedup else "— |"),
            f"| p95 / p99 on those queries | {_ms(subset['p95'] if subset else None)} / "
            f"{_ms(subset['p99'] if subset else None)} | {_ms(b['p95'])} / {_ms(b['p99'])} | | |",
        ]
    if engine:
        rows += [
            f"| throughput, one process | {engine['throughput']:,.1f} queries/s | "
            + (f"{baseline['throughput']:,.2f} queries/s" if baseline else "—")
            + " | | |",
            f"| share of time in SQL | {100 * engine['sql_share']:.0f} % | "
            + (f"{100 * baseline['sql_share']:.0f} %" if baseline else "—")
            + " | | |",
            f"| SQL statements per request (p50) | {engine['statements_p50']:.0f} | "
            + (f"{baseline['statements_p50']:.0f}" if baseline else "—")
            + " | | |",
            f"| results per query (mean total_items) / no result | {engine['mean_total_items']:,.0f} / "
            f"{100 * engine['empty_share']:.0f} % | "
            + (f"{baseline['mean_total_items']:,.0f} / {100 * baseline['empty_share']:.0f} %" if baseline else "—")
            + " | | |",
            f"| errors (non-200) | {engine['errors']} | " + (f"{baseline['errors']}" if baseline else "—") + " | 0 | |",
            f"| peak RSS of the query process (ru_maxrss) | {query['rss_mb']:,.0f} MB | — | "
            f"≤ {TARGET_WORKER_MB:.0f} MB | {_yes(query['rss_mb'] <= TARGET_WORKER_MB)} |",
            f"| tracemalloc peak, {query['tracemalloc_queries']} searches | {query['tracemalloc_peak_mb']:,.1f} MB "
            "| — | | |",
        ]
        if query.get("first_query_ms") is not None:
            rows.append(
                f"| a fresh process's first search (reads every document's values) | "
                f"{_ms(query['first_query_ms'])} | — | | |"
            )
    if index_s is not None:
        rows.append(
            f"| index size / peak RSS of the build | {index['postings']:,} postings, {index['vocabulary']:,} terms / "
            f"{index['rss_mb']:,.0f} MB | — | | |"
        )
    rows.append(f"| generating the dataset | {generate['generate_s']:,.0f} s ({generate['rows']:,} rows) | — | | |")
    lines = [*rows, ""]
    if engine:
        lines += [
            f"Engine used: {query['engine_used']}.",
            "",
            "| query kind | n | p50 | p95 | p99 |",
            "|---|---:|---:|---:|---:|",
        ]
        for kind, values in engine["by_kind"].items():
            lines.append(
                f"| {kind} | {values['n']:.0f} | {_ms(values['p50'])} | {_ms(values['p95'])} | {_ms(values['p99'])} |"
            )
        lines += [
            "",
            f"Where the time goes (cProfile over {PROFILE_QUERIES} searches, cumulative share of the request time): "
            + "; ".join(query["profile"])
            + ".",
            "",
        ]
    return lines


def _load_table(load: dict[str, Any], services: int) -> list[str]:
    if load.get("error"):
        return ["### Under load (PostgreSQL)", "", f"Not completed: {load['error']}", ""]
    return [
        "### Under load (PostgreSQL)",
        "",
        f"gunicorn {load['gunicorn']} with {load['workers']} sync workers on 127.0.0.1, on the PostgreSQL database "
        f"above ({services:,} services, the engine behind the API); wrk {load['wrk']} with {load['connections']} "
        f"connections and {load['threads']} threads for {load['duration_s']} s, rotating over the {load['urls']} "
        "query URLs of the in-process run. wrk, the workers and PostgreSQL share the machine's 2 cores.",
        "",
        "| requests | throughput | p50 | p95 | p99 | max | non-2xx | socket errors / timeouts | worker peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {load['requests']:,} | {load['throughput']:,.1f} requests/s | {_ms(load['p50_ms'])} | "
        f"{_ms(load['p95_ms'])} | {_ms(load['p99_ms'])} | {_ms(load['max_ms'])} | {load['non_2xx']} | "
        f"{load['socket_errors']} / {load['timeouts']} | {load['worker_peak_rss_mb']:,.0f} MB |",
        "",
    ]


# --- Command line ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench")
    sub = parser.add_subparsers(dest="command", required=True)
    phase = sub.add_parser("phase", help="one phase, in this process, against DATABASE_URL")
    phase.add_argument("name", choices=("generate", "index", "queries"))
    phase.add_argument("--out", type=Path, required=True)
    phase.add_argument("--services", type=int, default=DEFAULT_SERVICES)
    phase.add_argument("--queries", type=int, default=DEFAULT_QUERIES)
    phase.add_argument("--baseline-queries", type=int, default=DEFAULT_BASELINE_QUERIES)
    phase.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    sess = sub.add_parser("session", help="every phase against DATABASE_URL")
    sess.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    sess.add_argument("--services", type=int, default=DEFAULT_SERVICES)
    sess.add_argument("--queries", type=int, default=DEFAULT_QUERIES)
    sess.add_argument("--baseline-queries", type=int, default=DEFAULT_BASELINE_QUERIES)
    sess.add_argument("--workdir", type=Path, required=True)
    sess.add_argument("--load-seconds", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "session":
        services = args.services
        if args.database == "postgres":
            services = _env_int("BENCH_PG_SERVICES", services)
        session(
            database=args.database,
            services=services,
            queries=args.queries,
            baseline=args.baseline_queries,
            workdir=args.workdir,
            load=args.load_seconds,
        )
        return 0
    if args.name == "generate":
        data = phase_generate(args.services, DEFAULT_SEED)
    elif args.name == "index":
        data = phase_index()
    else:
        data = phase_queries(args.queries, args.baseline_queries, args.workdir)
    args.out.write_text(json.dumps(data, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
