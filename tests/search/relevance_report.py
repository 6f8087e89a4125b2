"""A pytest plugin showing the search relevance table at the end of a run, also under xdist.

test_relevance records the table as a user property of its report (xdist sends those to the
controller). Register it in the root conftest.py (`pytest_plugins = ["tests.search.relevance_report"]`)
so that the controller of `make test` loads it; tests/search/conftest.py shows it otherwise.
"""

from __future__ import annotations

RELEVANCE_PROPERTY = "search_relevance_table"


def show_relevance_tables(terminalreporter) -> None:
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if name == RELEVANCE_PROPERTY:
                    terminalreporter.write_sep("=", "search relevance (hit@5, MRR) on the demo directory")
                    terminalreporter.write_line(value)


def pytest_terminal_summary(terminalreporter) -> None:
    show_relevance_tables(terminalreporter)
