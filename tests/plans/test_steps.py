"""Which steps a situation gets; the default steps and their loader; the steps admin; tokens."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from newstart.common.languages import INTERFACE_LANGUAGE_CODES
from newstart.eligibility.models import ImmigrationStatus
from newstart.plans.models import PlanStep
from newstart.plans.selectors import Situation, plan_step_applies, plan_steps_for
from newstart.plans.services import PlanStepsDataError, plan_steps_data, plan_steps_load
from newstart.plans.tokens import token_hash, token_new, token_well_formed

TODAY = dt.date(2026, 6, 10)


def step(**conditions: object) -> PlanStep:
    return PlanStep(slug="x", **conditions)


def situation(**values: object) -> Situation:
    base: dict[str, object] = {"status": ImmigrationStatus.PERMANENT_RESIDENT, "arrival_date": dt.date(2026, 5, 1)}
    base.update(values)
    return Situation(**base)  # type: ignore[arg-type]


def test_empty_conditions_apply_to_everyone():
    assert plan_step_applies(step(), situation(), today=TODAY)


def test_statuses():
    only = step(statuses=[ImmigrationStatus.REFUGEE_CLAIMANT])
    assert plan_step_applies(only, situation(status=ImmigrationStatus.REFUGEE_CLAIMANT), today=TODAY)
    assert not plan_step_applies(only, situation(), today=TODAY)


def test_needs():
    housing = step(need_categories=["HOUS", "MONEY"])
    assert plan_step_applies(housing, situation(needs=frozenset({"MONEY"})), today=TODAY)
    assert not plan_step_applies(housing, situation(needs=frozenset({"LANG"})), today=TODAY)
    assert not plan_step_applies(housing, situation(), today=TODAY)


@pytest.mark.parametrize(
    ("ages", "applies"),
    [((38, 7), True), ((38, 5), True), ((38, 18), True), ((38, 4), False), ((38, 19), False), ((), False)],
)
def test_household_child_ages(ages, applies):
    school = step(child_age_min=5, child_age_max=18)
    assert plan_step_applies(school, situation(household_ages=ages), today=TODAY) is applies


def test_open_ended_child_age():
    assert plan_step_applies(step(child_age_max=12), situation(household_ages=(0,)), today=TODAY)
    assert plan_step_applies(step(child_age_min=65), situation(household_ages=(70,)), today=TODAY)


@pytest.mark.parametrize(
    ("arrival", "applies"),
    [
        (TODAY - dt.timedelta(days=365), True),  # the 365th day still counts
        (TODAY - dt.timedelta(days=366), False),
        (TODAY, True),
        (TODAY + dt.timedelta(days=1), True),  # not yet arrived, before_arrival
    ],
)
def test_arrived_within_days(arrival, applies):
    first_year = step(arrived_within_days=365, before_arrival=True)
    assert plan_step_applies(first_year, situation(arrival_date=arrival), today=TODAY) is applies


def test_not_yet_arrived():
    after_only = step(before_arrival=False)
    assert not plan_step_applies(after_only, situation(arrival_date=TODAY + dt.timedelta(days=30)), today=TODAY)
    assert plan_step_applies(after_only, situation(arrival_date=TODAY), today=TODAY)


# --- The default steps -------------------------------------------------------------------------------


def test_default_steps_file_is_complete():
    steps = plan_steps_data()
    slugs = [s["slug"] for s in steps]
    for expected in (
        "sin",
        "health-coverage",
        "bank-account",
        "school",
        "child-care",
        "language-assessment",
        "credentials",
        "housing",
        "taxes-benefits",
        "drivers-licence",
        "family-doctor",
        "community",
    ):
        assert expected in slugs
    for raw in steps:
        assert set(raw["title"]) == set(INTERFACE_LANGUAGE_CODES), raw["slug"]
        assert raw["body"]["en"]
        assert raw["taxonomy_codes"]


def test_msp_step_states_the_wait_period_accurately():
    msp = next(s for s in plan_steps_data() if s["slug"] == "health-coverage")
    body = msp["body"]["en"]
    assert "the rest of the month in which you arrive, plus two more months" in body
    assert "premiums" in body and "2020" in body


@pytest.mark.django_db
def test_loading_is_idempotent_and_keeps_the_secretariats_edits(steps):
    assert PlanStep.objects.count() == len(plan_steps_data())
    sin = PlanStep.objects.get(slug="sin")
    assert sin.safe_translation_getter("title", language_code="ko") == "사회보험번호(SIN) 발급받기"
    sin.set_current_language("en")
    sin.title = "Get a SIN (edited)"
    sin.order = 5
    sin.save()
    again = plan_steps_load()
    assert again.created == [] and again.updated == []
    assert len(again.unchanged) == len(plan_steps_data())
    sin = PlanStep.objects.get(slug="sin")
    assert sin.order == 5
    assert sin.safe_translation_getter("title", language_code="en") == "Get a SIN (edited)"
    # A deleted translation comes back; the edited English stays.
    sin.translations.filter(language_code="uk").delete()
    assert plan_steps_load().updated == ["sin"]
    sin = PlanStep.objects.get(slug="sin")
    assert sin.safe_translation_getter("title", language_code="uk") == "Отримайте номер соціального страхування (SIN)"
    assert sin.safe_translation_getter("title", language_code="en") == "Get a SIN (edited)"
    reset = plan_steps_load(reset=True)
    assert reset.updated == ["sin"]
    sin = PlanStep.objects.get(slug="sin")
    assert sin.order == 10
    assert sin.safe_translation_getter("title", language_code="en") == "Get your Social Insurance Number (SIN)"


@pytest.mark.django_db
def test_command_and_bad_files(tmp_path, capsys):
    from newstart.directory.taxonomies import taxonomy_load_settlement

    taxonomy_load_settlement()
    call_command("load_plan_steps")
    assert "created 13" in capsys.readouterr().out
    call_command("load_plan_steps")
    assert "created 0, updated 0, unchanged 13" in capsys.readouterr().out
    bad = tmp_path / "steps.json"
    bad.write_text(
        json.dumps(
            {
                "steps": [
                    {"slug": "a", "title": {"en": "A"}, "statuses": ["tourist"], "taxonomy_codes": ["NOPE"]},
                    {"slug": "a", "title": {"xx": "B"}, "need_categories": ["LANG-LINC"]},
                ]
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(PlanStepsDataError) as error:
        plan_steps_load(path=bad)
    problems = "\n".join(error.value.problems)
    assert "unknown status tourist" in problems
    assert "unknown taxonomy code NOPE" in problems
    assert "step a appears twice" in problems
    assert "needs an English title" in problems
    assert "unknown top-level category LANG-LINC" in problems
    assert "in unknown language xx" in problems
    assert PlanStep.objects.filter(slug="a").count() == 0
    from unittest import mock

    with mock.patch("newstart.plans.services.PLAN_STEPS_PATH", bad), pytest.raises(CommandError):
        call_command("load_plan_steps")


@pytest.mark.django_db
def test_steps_for_a_situation_are_in_order(steps):
    chosen = plan_steps_for(situation=situation(household_ages=(40, 10), needs=frozenset({"HOUS"})), today=TODAY)
    orders = [s.order for s in chosen]
    assert orders == sorted(orders)
    slugs = [s.slug for s in chosen]
    assert "school" in slugs and "housing" in slugs and "child-care" not in slugs
    PlanStep.objects.filter(slug="school").update(is_active=False)
    assert "school" not in [s.slug for s in plan_steps_for(situation=situation(household_ages=(40, 10)), today=TODAY)]


@pytest.mark.django_db
def test_steps_admin(admin_client, steps):
    assert admin_client.get("/admin/plans/planstep/").status_code == 200
    sin = PlanStep.objects.get(slug="sin")
    response = admin_client.get(f"/admin/plans/planstep/{sin.pk}/change/")
    assert response.status_code == 200
    assert "MONEY-SIN" in response.content.decode()
    # Plans hold what newcomers typed: not in the admin at all.
    assert admin_client.get("/admin/plans/plan/").status_code == 404


@pytest.mark.django_db
def test_steps_admin_rejects_unknown_codes(admin_client, steps):
    sin = PlanStep.objects.get(slug="sin")
    response = admin_client.post(
        f"/admin/plans/planstep/{sin.pk}/change/?language=en",
        {
            "title": "Get your SIN",
            "body": "",
            "slug": "sin",
            "order": "10",
            "is_active": "on",
            "statuses": ["permanent_resident"],
            "taxonomy_codes": "MONEY-SIN, NOT-A-CODE",
            "before_arrival": "on",
        },
    )
    assert response.status_code == 200
    assert "Not settlement taxonomy codes: NOT-A-CODE." in response.content.decode()
    response = admin_client.post(
        f"/admin/plans/planstep/{sin.pk}/change/?language=en",
        {
            "title": "Get your SIN",
            "body": "",
            "slug": "sin",
            "order": "10",
            "is_active": "on",
            "statuses": ["permanent_resident"],
            "need_categories": ["MONEY"],
            "taxonomy_codes": "money-sin money-bank",
            "before_arrival": "on",
        },
    )
    assert response.status_code == 302
    sin = PlanStep.objects.get(slug="sin")
    assert sin.taxonomy_codes == ["MONEY-SIN", "MONEY-BANK"]
    assert sin.need_categories == ["MONEY"]


def test_tokens():
    tokens = {token_new() for _ in range(50)}
    assert len(tokens) == 50
    assert all(token_well_formed(token) and len(token) == 43 for token in tokens)  # 256 bits
    assert not token_well_formed("a/b")
    assert len(token_hash("x")) == 64
