"""Screenshots of the navigator's main pages for the documentation (docs/navigator.md), at phone (360 px)
and desktop (1280 px) width, in English and in Arabic (right to left). Not a check: it runs only with
SCREENSHOTS=1, and writes docs/screenshots/<language>-<page>-<width>.png (each clipped to the viewport).

    SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py -q -n 0
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.browser.world import POSTCODE, journey_services_add, world_build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.environ.get("SCREENSHOTS") != "1", reason="screenshots for the docs: set SCREENSHOTS=1"),
]

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {360: {"width": 360, "height": 740}, 1280: {"width": 1280, "height": 800}}
LANGUAGES = ("en", "ar")
MAX_BYTES = 150_000
# Where each page's screenshot starts: the results, and the plan's steps (their tops explain little).
SCROLL_TO = {"search": "#results", "plan": "#steps-title"}


def page_paths(language: str, *, service_id: object, plan_token: str) -> dict[str, str]:
    landing = timezone.localdate() - dt.timedelta(days=400)
    situation = f"status=permanent_resident&immigration_class=economic&landing_date={landing.isoformat()}"
    with translation.override(language):
        return {
            "home": reverse("navigator:home"),
            "search": reverse("navigator:search")
            + f"?category=EMP&postcode={POSTCODE.replace(' ', '+')}&open_now=on&free=on&{situation}",
            "service": reverse("navigator:service", kwargs={"service_id": service_id}) + f"?{situation}",
            "plan": reverse("plans:detail", kwargs={"token": plan_token}),
        }


def test_save_screenshots(live_server: Any, new_context: Callable[..., Any]) -> None:
    world = world_build()
    journey = journey_services_add()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    saved = []
    for width, viewport in VIEWPORTS.items():
        page = new_context(viewport=viewport).new_page()
        for language in LANGUAGES:
            paths = page_paths(language, service_id=journey.employment.id, plan_token=world.plan_token)
            for name, path in paths.items():
                response = page.goto(live_server.url + path)
                assert response is not None and response.status == 200, path
                if name in SCROLL_TO:
                    page.locator(SCROLL_TO[name]).evaluate("(element) => element.scrollIntoView()")
                target = OUTPUT / f"{language}-{name}-{width}.png"
                page.screenshot(path=str(target), full_page=False, animations="disabled", caret="hide")
                saved.append(target)
    for target in saved:
        size = target.stat().st_size
        assert size <= MAX_BYTES, f"{target.name} is {size} bytes; keep screenshots under {MAX_BYTES}"
    assert (OUTPUT / "ar-home-360.png").exists()
