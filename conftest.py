"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

# Shows the search relevance table at the end of a run, also under xdist (`make test`): the controller
# process, which prints the summary, loads only the root conftest's plugins.
pytest_plugins = ["tests.search.relevance_report"]

SHARED_DIR = Path(__file__).resolve().parent.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """The reference data beside the checkout; tests that need it skip, saying why, when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DIR} (../shared beside the checkout); skipped")
    return SHARED_DIR


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts in English: a request in another language (LocaleMiddleware activates it
    for the thread) must not change what the next test in the same worker reads."""
    translation.activate("en")
    yield
    translation.activate("en")
