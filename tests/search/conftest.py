"""Fixtures for the search tests: the demo directory, indexed, loaded once per module."""

from __future__ import annotations

import pytest
from django.db import transaction

RELEVANCE_PROPERTY = "search_relevance_table"


@pytest.fixture(scope="module")
def indexed_demo(django_db_setup, django_db_blocker):
    """The demo directory with the concept thesaurus, indexed; rolled back after the module.

    Tests using it also take `db`: their own changes roll back to a savepoint inside this one.
    """
    from newstart.directory.demo.loader import demo_load
    from newstart.search.services import concept_load, search_rebuild_index

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo_load()
            concept_load(reindex=False)
            search_rebuild_index()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def pytest_terminal_summary(terminalreporter):
    """Show the relevance table (recorded by test_relevance) at the end of the run, also under xdist."""
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if name == RELEVANCE_PROPERTY:
                    terminalreporter.write_sep("=", "search relevance (hit@5, MRR) on the demo directory")
                    terminalreporter.write_line(value)
