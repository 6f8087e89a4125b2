"""Fixtures for the search tests: the demo directory, indexed, loaded once per module."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.search.relevance_report import RELEVANCE_PROPERTY, show_relevance_tables

__all__ = ["RELEVANCE_PROPERTY"]


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
    """Show the relevance table, unless the relevance_report plugin is registered and does it."""
    if not terminalreporter.config.pluginmanager.hasplugin("tests.search.relevance_report"):
        show_relevance_tables(terminalreporter)
