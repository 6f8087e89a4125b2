"""eligibility_assess: the IRCC rule on every date boundary, every status, ages, undeclared services.

Pure function: no database. Reasons are checked in English.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from newstart.eligibility.assessment import (
    EligibilityRules,
    PersonSituation,
    Verdict,
    anniversary_month_end,
    eligibility_assess,
    ircc_economic_eligible_until,
)
from newstart.eligibility.models import FunderRule, ImmigrationClass, ImmigrationStatus

D = dt.date
IRCC = EligibilityRules(declared=True, funder_rule=FunderRule.IRCC)
BC = EligibilityRules(declared=True, funder_rule=FunderRule.BC_PROVINCIAL)
OPEN = EligibilityRules(declared=True)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def economic(landing: dt.date) -> PersonSituation:
    return PersonSituation(
        status=ImmigrationStatus.PERMANENT_RESIDENT, landing_date=landing, immigration_class=ImmigrationClass.ECONOMIC
    )


def assess(person: PersonSituation, on: dt.date, rules: EligibilityRules = IRCC):
    return eligibility_assess(service_eligibility=rules, person=person, on=on)


def text(assessment) -> str:
    return " ".join(str(reason) for reason in assessment.reasons)


# --- The anniversary month -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("landing", "years", "end"),
    [
        (D(2021, 5, 10), 5, D(2026, 5, 31)),  # the brief's example: a 31-day month
        (D(2021, 6, 21), 6, D(2027, 6, 30)),  # IRCC's example 2: a 30-day month
        (D(2027, 5, 4), 5, D(2032, 5, 31)),  # IRCC's example 3
        (D(2027, 2, 1), 6, D(2033, 2, 28)),  # February, common year: 28
        (D(2026, 2, 14), 6, D(2032, 2, 29)),  # February, leap year: 29
        (D(2020, 2, 29), 6, D(2026, 2, 28)),  # landed on 29 February, anniversary in a common year
        (D(2028, 2, 29), 5, D(2033, 2, 28)),
        (D(2024, 2, 29), 8, D(2032, 2, 29)),  # leap day to leap year
        (D(2022, 12, 31), 6, D(2028, 12, 31)),
    ],
)
def test_anniversary_month_end(landing, years, end):
    assert anniversary_month_end(landing, years=years) == end


# --- Check dates around 1 April 2026: the limit starts -----------------------------------------


@pytest.mark.parametrize(
    ("on", "verdict"),
    [(D(2026, 3, 31), Verdict.LIKELY_ELIGIBLE), (D(2026, 4, 1), Verdict.CHECK), (D(2026, 4, 2), Verdict.CHECK)],
)
def test_long_ago_economic_pr_loses_eligibility_from_1_april_2026(on, verdict):
    # Landed in 2015: no limit the day before the rule, out from its first day.
    result = assess(economic(D(2015, 7, 1)), on)
    assert result.verdict == verdict
    assert result.excluded is (verdict == Verdict.CHECK)


@pytest.mark.parametrize("on", [D(2026, 3, 31), D(2026, 4, 1), D(2026, 4, 2)])
def test_recent_economic_pr_is_eligible_either_side_of_1_april_2026(on):
    result = assess(economic(D(2023, 9, 15)), on)
    assert result.verdict == Verdict.LIKELY_ELIGIBLE
    assert ircc_economic_eligible_until(landing=D(2023, 9, 15), on=on) == (
        None if on < D(2026, 4, 1) else D(2029, 9, 30)
    )


def test_before_the_rule_there_is_no_time_limit():
    assert ircc_economic_eligible_until(landing=D(2001, 1, 1), on=D(2026, 3, 31)) is None
    result = assess(economic(D(2001, 1, 1)), D(2026, 3, 31))
    assert result.verdict == Verdict.LIKELY_ELIGIBLE
    assert "Permanent residents can use IRCC-funded settlement services." in text(result)


@pytest.mark.parametrize(
    ("landing", "on", "verdict"),
    [
        # IRCC example 1: became a PR on or before 1 April 2020 -> no access from 1 April 2026.
        (D(2020, 4, 1), D(2026, 4, 1), Verdict.CHECK),
        (D(2020, 4, 1), D(2026, 3, 31), Verdict.LIKELY_ELIGIBLE),
        # 2 April 2020: six years to the end of April 2026.
        (D(2020, 4, 2), D(2026, 4, 1), Verdict.LIKELY_ELIGIBLE),
        (D(2020, 4, 2), D(2026, 4, 30), Verdict.LIKELY_ELIGIBLE),
        (D(2020, 4, 2), D(2026, 5, 1), Verdict.CHECK),
        # A March 2020 landing's six years ended on 31 March 2026, before the rule applied.
        (D(2020, 3, 15), D(2026, 4, 1), Verdict.CHECK),
    ],
)
def test_the_2020_cut_off(landing, on, verdict):
    assert assess(economic(landing), on).verdict == verdict


def test_cut_off_reason_names_the_dates():
    result = assess(economic(D(2019, 1, 1)), D(2026, 4, 1))
    assert "Since April 1, 2026" in text(result)
    assert "on or before April 1, 2020" in text(result)
    assert "provincially funded" in text(result)


# --- Check dates around 1 April 2027 --------------------------------------------------------------


@pytest.mark.parametrize("on", [D(2027, 3, 31), D(2027, 4, 1), D(2027, 4, 2)])
def test_landed_before_april_2027_keeps_six_years_across_1_april_2027(on):
    # IRCC's example 2: became a PR on 21 June 2021 -> until 30 June 2027, whatever the check date.
    result = assess(economic(D(2021, 6, 21)), on)
    assert result.verdict == Verdict.LIKELY_ELIGIBLE
    assert "until the end of June 2027 (6 years after becoming a permanent resident)" in text(result)


@pytest.mark.parametrize(
    ("landing", "years", "until"),
    [
        (D(2027, 3, 31), 6, D(2033, 3, 31)),  # the day before: 6 years
        (D(2027, 4, 1), 5, D(2032, 4, 30)),  # from 1 April 2027: 5 years
        (D(2027, 4, 2), 5, D(2032, 4, 30)),
    ],
)
def test_landings_around_1_april_2027(landing, years, until):
    for on in (landing, D(2027, 4, 1) if landing < D(2027, 4, 1) else landing + dt.timedelta(days=1)):
        assert ircc_economic_eligible_until(landing=landing, on=on) == until
    result = assess(economic(landing), landing)
    assert result.verdict == Verdict.LIKELY_ELIGIBLE
    assert f"({years} years after becoming a permanent resident)" in text(result)


# --- The last day of the anniversary month and the day after ------------------------------------


@pytest.mark.parametrize(
    ("landing", "last_day"),
    [
        (D(2027, 1, 31), D(2033, 1, 31)),  # 31-day month (6 years)
        (D(2026, 11, 3), D(2032, 11, 30)),  # 30-day month
        (D(2027, 2, 27), D(2033, 2, 28)),  # 28-day February
        (D(2026, 2, 28), D(2032, 2, 29)),  # 29-day February (leap year)
        (D(2028, 2, 29), D(2033, 2, 28)),  # landed on a leap day (5 years)
        (D(2029, 9, 1), D(2034, 9, 30)),  # 5 years, 30-day month
        (D(2030, 12, 31), D(2035, 12, 31)),  # 5 years, year end
    ],
)
def test_last_day_of_the_anniversary_month_and_the_day_after(landing, last_day):
    on_last = assess(economic(landing), last_day)
    assert on_last.verdict == Verdict.LIKELY_ELIGIBLE, last_day
    assert not on_last.excluded
    after = assess(economic(landing), last_day + dt.timedelta(days=1))
    assert after.verdict == Verdict.CHECK
    assert after.excluded
    assert "for you, until the end of" in text(after)


def test_reason_formats_the_month_in_the_visitors_language():
    landing = D(2025, 5, 10)
    with translation.override("fr"):
        result = assess(economic(landing), D(2026, 6, 1))
        reason = text(result)
    # Django's French month name; the sentence itself falls back to English until translated.
    assert "mai 2031" in reason
    with translation.override("en"):
        assert "until the end of May 2031 (6 years after becoming a permanent resident)." in text(
            assess(economic(landing), D(2026, 6, 1))
        )


def test_economic_pr_without_landing_date_is_asked_to_check():
    person = PersonSituation(status=ImmigrationStatus.PERMANENT_RESIDENT, immigration_class=ImmigrationClass.ECONOMIC)
    result = assess(person, D(2026, 6, 1))
    assert result.verdict == Verdict.CHECK
    assert not result.excluded
    assert "Became P.R. on" in text(result)
    assert assess(person, D(2026, 3, 31)).verdict == Verdict.LIKELY_ELIGIBLE


# --- Other classes and every status ---------------------------------------------------------------


@pytest.mark.parametrize(
    "immigration_class", [ImmigrationClass.FAMILY, ImmigrationClass.REFUGEE, ImmigrationClass.OTHER]
)
@pytest.mark.parametrize("on", [D(2026, 3, 31), D(2026, 4, 1), D(2027, 4, 1), D(2040, 1, 1)])
def test_non_economic_permanent_residents_have_no_limit(immigration_class, on):
    person = PersonSituation(
        status=ImmigrationStatus.PERMANENT_RESIDENT, landing_date=D(2001, 5, 5), immigration_class=immigration_class
    )
    result = assess(person, on)
    assert result.verdict == Verdict.LIKELY_ELIGIBLE
    assert result.reasons


def test_permanent_resident_of_unknown_class_is_asked_after_the_rule_starts():
    person = PersonSituation(status=ImmigrationStatus.PERMANENT_RESIDENT, landing_date=D(2010, 1, 1))
    assert assess(person, D(2026, 3, 31)).verdict == Verdict.LIKELY_ELIGIBLE
    result = assess(person, D(2026, 4, 1))
    assert result.verdict == Verdict.CHECK
    assert not result.excluded


EXPECTED_IRCC = {
    ImmigrationStatus.PERMANENT_RESIDENT: (Verdict.CHECK, False),  # class unknown, after the rule starts
    ImmigrationStatus.PROTECTED_PERSON: (Verdict.LIKELY_ELIGIBLE, False),
    ImmigrationStatus.REFUGEE_CLAIMANT: (Verdict.CHECK, True),
    ImmigrationStatus.TEMPORARY_FOREIGN_WORKER: (Verdict.CHECK, True),
    ImmigrationStatus.INTERNATIONAL_STUDENT: (Verdict.CHECK, True),
    ImmigrationStatus.OTHER_TEMPORARY_RESIDENT: (Verdict.CHECK, True),
    ImmigrationStatus.NATURALIZED_CITIZEN: (Verdict.CHECK, True),
    ImmigrationStatus.NOT_SURE: (Verdict.CHECK, False),
}


def test_every_status_is_covered():
    assert set(EXPECTED_IRCC) == set(ImmigrationStatus)


@pytest.mark.parametrize(("status", "expected"), list(EXPECTED_IRCC.items()))
def test_every_status_under_the_ircc_rule(status, expected):
    result = assess(PersonSituation(status=status), D(2026, 6, 1))
    assert (result.verdict, result.excluded) == expected
    assert result.reasons, "every verdict says why"


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        (ImmigrationStatus.REFUGEE_CLAIMANT, "refugee claimants cannot use it"),
        (ImmigrationStatus.TEMPORARY_FOREIGN_WORKER, "most temporary residents"),
        (ImmigrationStatus.INTERNATIONAL_STUDENT, "most temporary residents"),
        (ImmigrationStatus.OTHER_TEMPORARY_RESIDENT, "most temporary residents"),
        (ImmigrationStatus.NATURALIZED_CITIZEN, "Canadian citizens cannot use it"),
    ],
)
def test_ineligible_statuses_get_the_reason_and_the_provincial_pointer(status, phrase):
    reason = text(assess(PersonSituation(status=status), D(2025, 1, 1)))
    assert phrase in reason
    assert "rovincially funded services" in reason


@pytest.mark.parametrize("status", list(ImmigrationStatus))
def test_every_status_under_the_bc_rule(status):
    result = assess(PersonSituation(status=status), D(2026, 6, 1), rules=BC)
    served = status in {
        ImmigrationStatus.REFUGEE_CLAIMANT,
        ImmigrationStatus.TEMPORARY_FOREIGN_WORKER,
        ImmigrationStatus.INTERNATIONAL_STUDENT,
        ImmigrationStatus.OTHER_TEMPORARY_RESIDENT,
        ImmigrationStatus.NATURALIZED_CITIZEN,
    }
    assert result.likely is served
    assert not result.excluded  # the provincial rule never hides a service: "ask the service"


@pytest.mark.parametrize("status", list(ImmigrationStatus))
def test_no_funder_rule_and_no_status_list_is_open_to_everyone(status):
    assert assess(PersonSituation(status=status), D(2026, 6, 1), rules=OPEN).likely


def test_declared_status_list():
    rules = EligibilityRules(
        declared=True, statuses=(ImmigrationStatus.REFUGEE_CLAIMANT, ImmigrationStatus.PROTECTED_PERSON)
    )
    assert assess(PersonSituation(status=ImmigrationStatus.REFUGEE_CLAIMANT), D(2026, 1, 1), rules).likely
    other = assess(PersonSituation(status=ImmigrationStatus.INTERNATIONAL_STUDENT), D(2026, 1, 1), rules)
    assert other.verdict == Verdict.CHECK and other.excluded
    assert "Refugee claimant (asylum seeker); Protected person" in text(other)
    unsure = assess(PersonSituation(status=ImmigrationStatus.NOT_SURE), D(2026, 1, 1), rules)
    assert unsure.verdict == Verdict.CHECK and not unsure.excluded


# --- Ages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minimum", "maximum", "ages", "verdict", "excluded"),
    [
        (18, 64, (18,), Verdict.LIKELY_ELIGIBLE, False),  # lower bound included
        (18, 64, (64,), Verdict.LIKELY_ELIGIBLE, False),  # upper bound included
        (18, 64, (17,), Verdict.CHECK, True),
        (18, 64, (65,), Verdict.CHECK, True),
        (18, 64, (40, 7), Verdict.LIKELY_ELIGIBLE, False),  # someone in the household fits
        (18, 64, (), Verdict.CHECK, False),  # age not given: check
        (None, 12, (12,), Verdict.LIKELY_ELIGIBLE, False),
        (None, 12, (13,), Verdict.CHECK, True),
        (55, None, (54,), Verdict.CHECK, True),
        (55, None, (90,), Verdict.LIKELY_ELIGIBLE, False),
        (None, None, (), Verdict.LIKELY_ELIGIBLE, False),
    ],
)
def test_age_limits(minimum, maximum, ages, verdict, excluded):
    rules = EligibilityRules(declared=True, minimum_age=minimum, maximum_age=maximum)
    result = assess(PersonSituation(status=ImmigrationStatus.PROTECTED_PERSON, ages=ages), D(2026, 1, 1), rules)
    assert (result.verdict, result.excluded) == (verdict, excluded)


def test_age_reasons():
    def reason(minimum, maximum):
        rules = EligibilityRules(declared=True, minimum_age=minimum, maximum_age=maximum)
        return text(assess(PersonSituation(ages=(30,)), D(2026, 1, 1), rules))

    assert reason(18.0, 64.0) == "This service is for people aged 18 to 64."
    assert reason(55, None) == "This service is for people aged 55 and over."
    assert reason(None, 12) == "This service is for people aged 12 and under."


def test_age_limits_apply_to_undeclared_services_too():
    rules = EligibilityRules(declared=False, maximum_age=12, note="Children only.", note_language="en")
    result = assess(PersonSituation(ages=(30,)), D(2026, 1, 1), rules)
    assert result.verdict == Verdict.CHECK
    assert result.excluded
    assert result.note == "Children only."


def test_undeclared_service_means_check_with_its_own_note():
    rules = EligibilityRules(declared=False, note="For women and their children.", note_language="fr")
    result = assess(PersonSituation(status=ImmigrationStatus.PROTECTED_PERSON), D(2026, 1, 1), rules)
    assert result.verdict == Verdict.CHECK
    assert not result.excluded
    assert (result.note, result.note_language) == ("For women and their children.", "fr")
    assert "Read what the service says" in text(result)
    bare = assess(PersonSituation(), D(2026, 1, 1), EligibilityRules())
    assert bare.verdict == Verdict.CHECK and bare.note == ""
    assert "has not said who it is for" in text(bare)


def test_labels_shown_to_people():
    assert str(Verdict.LIKELY_ELIGIBLE.label) == "You are likely eligible"
    assert str(Verdict.CHECK.label) == "Check eligibility"
