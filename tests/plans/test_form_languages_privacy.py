"""The needs check rejects bad input with field errors; every page in every language; nothing personal logged."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.urls import reverse
from django.utils import translation

from newstart.common.languages import INTERFACE_LANGUAGES
from newstart.eligibility.models import ImmigrationStatus
from newstart.plans.forms import PlanForm
from newstart.plans.models import Plan
from newstart.plans.services import plan_steps_data
from newstart.plans.tokens import token_new
from tests.plans.conftest import TODAY
from tests.plans.factories import make_plan, service_at
from tests.plans.test_plan_pages import form_data, token_of

pytestmark = pytest.mark.django_db

BIDI = {"fa", "ar"}


def errors_for(**overrides: object) -> dict[str, list[str]]:
    form = PlanForm(form_data(**overrides), categories=[("CHILD", "Children"), ("LANG", "Language")], today=TODAY)
    assert not form.is_valid()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_valid_form_gives_plan_input():
    form = PlanForm(form_data(), categories=[("CHILD", "Children"), ("LANG", "Language")], today=TODAY)
    assert form.is_valid(), form.errors
    data = form.plan_input()
    assert data.household_ages == (38, 36, 7)
    assert data.postal_code == "V5L 3X9"
    assert data.landing_date == dt.date(2026, 5, 1)


def test_future_landing_date_for_a_permanent_resident_is_refused():
    errors = errors_for(landing_date=(TODAY + dt.timedelta(days=1)).isoformat())
    assert errors == {
        "landing_date": ["The date you became a permanent resident cannot be in the future. Check the year."]
    }


def test_landing_date_today_is_fine_and_required_for_permanent_residents():
    form = PlanForm(form_data(landing_date=TODAY.isoformat()), categories=[("CHILD", "C"), ("LANG", "L")], today=TODAY)
    assert form.is_valid(), form.errors
    assert errors_for(landing_date=None) == {"landing_date": ["Enter the date you became a permanent resident."]}


def test_landing_date_is_ignored_for_other_statuses():
    form = PlanForm(
        form_data(status=ImmigrationStatus.REFUGEE_CLAIMANT, landing_date="2999-01-01", immigration_class="economic"),
        categories=[("CHILD", "C"), ("LANG", "L")],
        today=TODAY,
    )
    assert form.is_valid(), form.errors
    assert form.plan_input().landing_date is None
    assert form.plan_input().immigration_class == ""


@pytest.mark.parametrize("age", ["121", "-1", "7.5", "seven"])
def test_ages_out_of_range_or_not_whole_numbers(age):
    errors = errors_for(age_2=age)
    assert list(errors) == ["age_2"]
    assert errors["age_2"][0] in ("Enter an age from 0 to 120.", "Enter the age as a whole number, for example 7.")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("arrival_date", None, "Enter the date you arrived in Canada, or the date you plan to arrive."),
        ("arrival_date", "15/03/2025x", "Enter the date as year-month-day, for example 2025-03-15."),
        ("arrival_date", "2031-01-01", "Enter a planned arrival date within the next two years."),
        ("arrival_date", "1900-01-01", "Check the year: this date is too long ago."),
        ("status", None, "Choose your immigration status, or “Not sure”."),
        ("status", "tourist", "Select a valid choice. tourist is not one of the available choices."),
        ("postal_code", "12345", "Enter a Canadian postal code, like V5K 0A1, or its first three characters."),
        ("postal_code", "D5K 0A1", "Enter a Canadian postal code, like V5K 0A1, or its first three characters."),
        ("needs", ["NOPE"], "Select a valid choice. NOPE is not one of the available choices."),
    ],
)
def test_bad_input_gets_a_field_error(field, value, message):
    assert errors_for(**{field: value}) == {field: [message]}


def test_postal_code_forward_sortation_area_alone_is_accepted():
    form = PlanForm(form_data(postal_code="v5k"), categories=[("CHILD", "C"), ("LANG", "L")], today=TODAY)
    assert form.is_valid()
    assert form.cleaned_data["postal_code"] == "V5K"


def test_errors_are_tied_to_their_fields_in_the_page(client, steps, clock):
    response = client.post(
        reverse("plans:start"),
        form_data(landing_date="2030-01-01", age_2="130", status=ImmigrationStatus.PERMANENT_RESIDENT),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert Plan.objects.count() == 0
    assert 'role="alert"' in html
    assert '<a href="#id_landing_date">' in html
    assert '<a href="#id_age_2">' in html
    assert 'id="id_landing_date-error"' in html
    assert 'aria-describedby="id_landing_date-help id_landing_date-error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_age_2-error"' in html
    # What was typed is kept, so nothing has to be entered again.
    assert 'value="38"' in html


def test_missing_status_error_is_inside_its_fieldset(client, steps, clock):
    html = client.post(reverse("plans:start"), form_data(status=None)).content.decode()
    fieldset = html.split('<fieldset id="id_status"')[1].split("</fieldset>")[0]
    assert 'aria-describedby=" id_status-error"' in fieldset or 'aria-describedby="id_status-error"' in fieldset
    assert 'id="id_status-error"' in fieldset


@pytest.mark.parametrize("language", [lang.code for lang in INTERFACE_LANGUAGES])
def test_pages_render_in_each_language_with_lang_and_dir(client, steps, clock, language):
    service_at("SIN clinic", code="MONEY-SIN")
    _plan, token = make_plan()
    with translation.override(language):
        urls = [
            reverse("plans:start"),
            reverse("plans:detail", kwargs={"token": token}),
            reverse("plans:detail", kwargs={"token": token}) + "?print=1",
            reverse("plans:delete", kwargs={"token": token}),
            reverse("plans:deleted"),
        ]
    direction = "rtl" if language in BIDI else "ltr"
    for url in urls:
        assert url.startswith(f"/{language}/plan/")
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html, url
        assert html.count("<h1") == 1, url
    plan_html = client.get(urls[1]).content.decode().replace("&#x27;", "'")
    titles = {step["slug"]: step["title"][language] for step in plan_steps_data()}
    assert f'<h3 lang="{language}" dir="auto">{titles["sin"]}</h3>' in plan_html


def test_creating_in_another_language_redirects_in_that_language(client, steps, clock):
    with translation.override("fa"):
        start = reverse("plans:start")
    response = client.post(start, form_data())
    assert response.status_code == 303
    assert response["Location"].startswith("/fa/plan/")


def test_no_personal_data_in_logs(client, steps, clock, caplog):
    caplog.set_level(logging.DEBUG)
    location = client.post(reverse("plans:start"), form_data(postal_code="V5L 3X9")).headers["Location"]
    token = token_of(location)
    client.get(location)
    client.get(location + "?print=1")
    client.post(reverse("plans:start"), form_data(landing_date="2030-01-01"))  # an invalid form
    guessed = token_new()
    client.get(f"/en/plan/{guessed}/")  # a wrong link
    client.put(location)  # a wrong method
    client.post(reverse("plans:delete", kwargs={"token": token}))
    client.get(location)  # gone
    logged = "\n".join(record.getMessage() + repr(getattr(record, "args", "")) for record in caplog.records)
    for secret in (token, guessed, "V5L", "2026-05-01", "2030-01-01"):
        assert secret not in logged, secret
