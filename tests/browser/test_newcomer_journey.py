"""The issue's acceptance test: a newcomer, in Punjabi, on a phone (360 by 740), finds a free employment
service that is open now near their postal code, sees whether they are likely eligible and why, opens
the service, makes a plan and opens its print view. Every expected text comes from the Punjabi
catalogue (or the Punjabi translations of the data), never hard-coded."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext

from newstart.eligibility.assessment import IRCC_FIVE_YEARS_FOR_LANDINGS_FROM, IRCC_LIMIT_STARTS
from newstart.eligibility.models import ImmigrationClass, ImmigrationStatus
from newstart.navigator.selectors import category_list
from newstart.plans.models import PlanStep
from tests.browser.world import POSTCODE, journey_services_add, world_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
LANGUAGE = "pa"


def pa(message: str) -> str:
    """`message` as the Punjabi catalogue has it; fails when it is not translated."""
    with translation.override(LANGUAGE):
        text = gettext(message)
    assert text != message, f"not translated into Punjabi: {message!r}"
    return text


def pa_label(choice: Any) -> str:
    with translation.override(LANGUAGE):
        return str(choice.label)


def expected_reason(*, landing: dt.date, today: dt.date) -> str:
    """Why an economic-class permanent resident who landed on `landing` is likely eligible for an
    IRCC-funded service, in Punjabi (IRCC's rule: 6 years, 5 for landings from 1 April 2027, to the end
    of the anniversary month; no limit before 1 April 2026)."""
    if today < IRCC_LIMIT_STARTS:
        return pa("Permanent residents can use IRCC-funded settlement services.")
    years = 5 if landing >= IRCC_FIVE_YEARS_FOR_LANDINGS_FROM else 6
    year = landing.year + years
    until = dt.date(year, landing.month, calendar.monthrange(year, landing.month)[1])
    singular = (
        "Economic-class permanent residents can use this service until the end of %(month)s "
        "(%(years)s year after becoming a permanent resident)."
    )
    plural = (
        "Economic-class permanent residents can use this service until the end of %(month)s "
        "(%(years)s years after becoming a permanent resident)."
    )
    with translation.override(LANGUAGE):
        text = ngettext(singular, plural, years)
        month = formats.date_format(until, "YEAR_MONTH_FORMAT")
    assert text != plural, "the reason is not translated into Punjabi"
    return text % {"month": month, "years": years}


def category_name(code: str) -> str:
    """A top-level category's name as the Punjabi pages show it."""
    return next(category.name for category in category_list(language=LANGUAGE) if category.code == code)


def fits_the_phone(page: Any) -> None:
    """Nothing on the page is wider than the phone's screen (no sideways scrolling)."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def test_newcomer_finds_free_open_job_help_and_makes_a_plan(live_server: Any, new_context: Callable[..., Any]) -> None:
    from playwright.sync_api import expect  # here: the fixtures have skipped loudly where it is missing

    world = world_build()
    journey = journey_services_add()
    today = timezone.localdate()
    landing = dt.date(today.year - 2, today.month, 1)
    employment_name = category_name("EMP")
    page = new_context(viewport=PHONE).new_page()

    # Home, in Punjabi.
    page.goto(live_server.url + f"/{LANGUAGE}/")
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGE)
    fits_the_phone(page)
    page.get_by_role("link", name=pa("All services"), exact=True).click()
    page.wait_for_url(f"**/{LANGUAGE}/search/**")

    # The search form, filled in by its labels: employment, near a postal code, open now, free.
    page.locator("summary", has_text=pa("Filters")).click()
    page.get_by_label(pa("Category"), exact=True).select_option(label=employment_name)
    page.get_by_label(pa("Near postal code"), exact=True).fill(POSTCODE)
    page.get_by_label(pa("Open now"), exact=True).check()
    page.get_by_label(pa("Free"), exact=True).check()
    page.get_by_role("button", name=pa("Show results"), exact=True).click()
    page.wait_for_url("**category=EMP**")

    cards = page.locator("#results .card")
    expect(cards.locator("h3")).to_have_count(2)
    found = set(cards.locator("h3").all_inner_texts())
    # Not the paid coaching, nor the drop-in without hours, nor LINC or the tenants' workshop.
    assert found == {world.job_help.name, journey.employment.name}
    card = cards.filter(has_text=journey.employment.name)
    expect(card.locator(".badge.open")).to_contain_text(pa("Open now"))
    expect(card.locator(".badge.free")).to_have_text(pa("Free"))
    expect(card.locator(".badge.distance")).to_have_count(1)
    fits_the_phone(page)

    # "Your situation": a permanent resident of the economic class, with the date they landed.
    page.get_by_label(pa("What is your immigration status?"), exact=True).select_option(
        label=pa_label(ImmigrationStatus.PERMANENT_RESIDENT)
    )
    page.get_by_label(pa("When did you become a permanent resident?"), exact=True).fill(landing.isoformat())
    page.get_by_label(pa("Which immigration class? (permanent residents only)"), exact=True).select_option(
        label=pa_label(ImmigrationClass.ECONOMIC)
    )
    page.get_by_role("button", name=pa("Show results"), exact=True).click()
    page.wait_for_url("**status=permanent_resident**")

    likely, reason = pa("You are likely eligible"), expected_reason(landing=landing, today=today)
    verdict = cards.filter(has_text=journey.employment.name).locator(".verdict")
    expect(verdict.locator(".badge")).to_contain_text(likely)
    expect(verdict.locator(".reasons li")).to_have_text([reason])

    # The service's own page keeps the situation: the same verdict and reason.
    cards.locator("h3 a", has_text=journey.employment.name).click()
    page.wait_for_url(f"**/{LANGUAGE}/services/{journey.employment.id}/**")
    expect(page.locator("h1")).to_have_text(journey.employment.name)
    expect(page.locator("article.service header .badge.open")).to_contain_text(pa("Open now"))
    expect(page.locator("article.service header .badge.free")).to_have_text(pa("Free"))
    expect(page.get_by_role("heading", name=pa("For your situation"), exact=True)).to_be_visible()
    expect(page.locator(".verdict .badge")).to_contain_text(likely)
    expect(page.locator(".verdict .reasons li")).to_have_text([reason])
    fits_the_phone(page)

    # My plan: the needs check.
    page.get_by_role("link", name=pa("Newcomer services"), exact=True).click()
    page.get_by_role("link", name=pa("Make my plan"), exact=True).click()
    page.wait_for_url(f"**/{LANGUAGE}/plan/")
    fits_the_phone(page)
    page.get_by_label(pa("When did you arrive in Canada, or when do you plan to arrive?"), exact=True).fill(
        (landing + dt.timedelta(days=3)).isoformat()
    )
    page.get_by_label(pa_label(ImmigrationStatus.PERMANENT_RESIDENT), exact=True).check()
    page.get_by_label(pa("When did you become a permanent resident?"), exact=True).fill(landing.isoformat())
    page.get_by_label(pa_label(ImmigrationClass.ECONOMIC), exact=True).check()
    page.get_by_label(pa("Your age"), exact=True).fill("34")
    with translation.override(LANGUAGE):
        person_2 = gettext("Person %(number)s") % {"number": 2}
    page.get_by_label(person_2, exact=True).fill("31")
    page.get_by_label(employment_name, exact=True).check()
    page.get_by_label(category_name("LANG"), exact=True).check()
    page.get_by_label(pa("Your postal code"), exact=True).fill(POSTCODE)
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name=pa("Show my plan"), exact=True).click()
    assert posted.value.status == 303, (
        f"the needs check was answered with HTTP {posted.value.status}, not a redirect to the plan "
        "(403: Django's CSRF check refused the browser's Origin header)"
    )

    # The private plan page: steps, and services near the postal code under them.
    page.wait_for_url(f"**/{LANGUAGE}/plan/*/")
    expect(page.locator("h1")).to_have_text(pa("My settlement plan"))
    steps = page.locator("ol.steps > li.step")
    titles = [_step_title("credentials"), _step_title("language-assessment")]
    for title in titles:
        expect(steps.locator("h3", has_text=title)).to_have_count(1)
    credentials_step = steps.filter(has=page.locator("h3", has_text=titles[0]))
    nearby = credentials_step.locator(".plan-services .card")
    expect(nearby).to_have_count(1)
    expect(nearby.locator(".name")).to_have_text(journey.credentials.name)
    expect(nearby.locator(".badge.distance")).to_have_count(1)
    language_step = steps.filter(has=page.locator("h3", has_text=titles[1]))
    expect(language_step.locator(".plan-services .card .name")).to_have_text([world.linc.name])
    fits_the_phone(page)
    step_count = steps.count()

    # The print view: the same steps, in the print layout.
    page.get_by_role("link", name=pa("Print or save as PDF"), exact=True).click()
    page.wait_for_url("**print=1")
    expect(page.locator("body")).to_have_class("plan-page print-view")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("ol.steps > li.step")).to_have_count(step_count)
    for title in titles:
        expect(page.locator("ol.steps h3", has_text=title)).to_be_visible()
    expect(page.locator("figure.qr svg")).to_have_count(1)
    expect(page.get_by_role("heading", name=pa("Delete my plan"))).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.locator("#plan-link")).to_be_hidden()
    expect(page.get_by_role("link", name=pa("Back to my plan"))).to_be_hidden()
    expect(page.locator("ol.steps h3", has_text=titles[0])).to_be_visible()


def _step_title(slug: str) -> str:
    step = PlanStep.objects.get(slug=slug)
    step.set_current_language(LANGUAGE)
    title = str(step.safe_translation_getter("title", any_language=False) or "")
    assert title, f"the plan step {slug!r} has no Punjabi title"
    return title
