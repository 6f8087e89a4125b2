"""Every public page passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, in English, Arabic
(right to left) and Punjabi, in Debian's Chromium. axe-core comes from npm (package.json at the
repository root; `make install` runs `npm ci`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from tests.browser.conftest import _skip_loudly
from tests.browser.world import POSTCODE, world_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ("en", "ar", "pa")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG A/AA violations on the page as loaded."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        WCAG_TAGS,
    )


def readable(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{url}:"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"      {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def public_paths(language: str, *, service_id: object, plan_token: str) -> list[str]:
    with translation.override(language):
        return [
            reverse("navigator:home"),
            reverse("navigator:search")
            + f"?q=job&postcode={POSTCODE.replace(' ', '+')}&free=on&status=protected_person",
            reverse("navigator:search") + "?q=zzzzqqq",  # nothing found: the ways forward
            reverse("navigator:service", kwargs={"service_id": service_id}) + "?status=refugee_claimant",
            reverse("navigator:service_print", kwargs={"service_id": service_id}),
            f"/{language}/no-such-page/",
            reverse("plans:start"),
            reverse("plans:detail", kwargs={"token": plan_token}),
            reverse("accountability:home"),
        ]


def test_every_public_page_passes_axe(live_server: Any, page: Any) -> None:
    if not AXE.exists():
        _skip_loudly(f"axe-core is not installed at {AXE}; run `npm ci` (or `make install`)")
    world = world_build(with_strategy=True)
    failures = []
    for language in LANGUAGES:
        for path in public_paths(language, service_id=world.job_help.id, plan_token=world.plan_token):
            page.goto(live_server.url + path)
            violations = axe_violations(page)
            if violations:
                failures.append(readable(path, violations))
    assert not failures, "axe-core found WCAG violations:\n" + "\n".join(failures)


def test_axe_finds_violations_when_there_are_some(page: Any) -> None:
    """The check above can fail: a page with an unlabelled field and an image without text."""
    if not AXE.exists():
        _skip_loudly(f"axe-core is not installed at {AXE}; run `npm ci` (or `make install`)")
    page.set_content("<html><body><main><img src='x.png'><input type='text'></main></body></html>")
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"html-has-lang", "image-alt", "label"} <= found
