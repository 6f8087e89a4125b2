"""Keyboard only: home → search → a service → My plan with Tab, Shift+Tab, Enter and Space, and every
focused control shows where the focus is (an outline or a box shadow)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.world import world_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {tag: el.tagName, text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
          href: el.getAttribute('href') || '', name: el.getAttribute('name') || '',
          visible: style.outlineStyle !== 'none' && style.outlineWidth !== '0px' || style.boxShadow !== 'none'};
}"""


def tab_to(page: Any, matches: Any, *, key: str = "Tab") -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focused element matches; every element passed on the way must
    show its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        state = page.evaluate(FOCUS_STATE)
        if state is None:
            continue
        assert state["visible"], f"focus is not visible on {state}"
        if matches(state):
            return state
    raise AssertionError(f"no focusable element matched after {MAX_TABS} presses of {key}")


def test_home_to_search_to_service_to_plan_by_keyboard(live_server: Any, page: Any) -> None:
    world_build()
    page.goto(live_server.url + "/en/", wait_until="domcontentloaded")
    tab_to(page, lambda s: s["name"] == "q")
    page.keyboard.type("job search")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/search/**")
    assert page.locator("h3 a", has_text="Job search help for newcomers").count() == 1

    tab_to(page, lambda s: s["text"] == "Job search help for newcomers")
    # One step back and forth: Shift+Tab leaves the link, Tab returns to it.
    tab_to(page, lambda s: s["text"] != "Job search help for newcomers", key="Shift+Tab")
    tab_to(page, lambda s: s["text"] == "Job search help for newcomers")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/services/**")
    assert page.locator("h1").inner_text() == "Job search help for newcomers"

    # The report form's problem kinds are radio buttons: Space chooses one.
    tab_to(page, lambda s: s["text"] == "Report a problem with this information")
    page.keyboard.press("Space")
    tab_to(page, lambda s: s["name"] == "kind")
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked") is True

    page.goto(live_server.url + "/en/", wait_until="domcontentloaded")
    tab_to(page, lambda s: s["href"].endswith("/en/plan/"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/plan/")
    tab_to(page, lambda s: s["tag"] == "INPUT")
