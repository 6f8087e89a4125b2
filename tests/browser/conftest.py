"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium), never a
browser that Playwright downloads itself. Shared by every browser test in this folder.

- ``chromium``: a headless Chromium, started for one test and closed after it (per test, so that
  Playwright's event loop never outlives the test and other tests' database access is unaffected).
- ``new_context``: makes an isolated browser context (cookies, downloads) — one per person.
- ``page``: a page in a fresh context.

Where Chromium or Playwright is missing, every browser test is skipped with a loud reason.
Mark browser tests ``@pytest.mark.browser``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _skip_loudly(reason: str) -> None:
    banner = "!" * 12
    pytest.skip(f"{banner} BROWSER TEST SKIPPED: {reason} {banner}")


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or CHROMIUM)
    if not executable.exists():
        _skip_loudly(f"Chromium not found at {CHROMIUM}; install Debian's package: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_loudly("the playwright package is not installed (pip install -r requirements/dev.txt)")
    # Playwright's sync API runs an event loop in this thread; the test itself still talks to the
    # database synchronously (set-up, phase changes, checks), which Django allows only with this.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS, headless=True)
    except Exception as error:  # a broken Chromium install: say so rather than fail obscurely
        playwright.stop()
        _skip_loudly(f"Chromium at {executable} did not start: {error}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def new_context(chromium: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = chromium.new_context(accept_downloads=True, locale="en-CA", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., Any]) -> Any:
    return new_context().new_page()


@pytest.fixture(autouse=True)
def _close_connections_opened_in_playwright() -> Iterator[None]:
    """Close the database connections a browser test opened in its own thread.

    With Playwright's sync API running, the test body's database connection belongs to another
    context than the one pytest-django closes (Django keeps connections per asgiref context), so
    it stayed open, idle, until the end of the run, and PostgreSQL then refused to drop the test
    database ("being accessed by other users"). The live server's request threads close their own.
    """
    import threading

    from django.db.backends.signals import connection_created

    opened: list[Any] = []
    here = threading.get_ident()

    def remember(sender: Any, connection: Any, **kwargs: Any) -> None:
        if threading.get_ident() == here:
            opened.append(connection)

    connection_created.connect(remember, weak=False)
    try:
        yield
    finally:
        connection_created.disconnect(remember)
        for wrapper in opened:
            wrapper.close()
