"""Is a person likely eligible for a service? A pure function of the service's declared rules,
the person's situation and a date: no database, no clock.

People see one of two verdicts, "likely eligible" or "check eligibility", always with the reasons.
Behind "check eligibility" the assessment also records whether a declared rule rules the person out
(``excluded``), which the eligibility filter uses; the navigator never tells anyone "not eligible".

The IRCC Settlement Program rule for economic-class permanent residents follows IRCC's page
"Eligibility for newcomer services" (canada.ca, .../settle-canada/newcomer-services/eligibility.html)
and its worked examples:

- before 1 April 2026 there is no time limit;
- from 1 April 2026, people who became permanent residents on or before 1 April 2020 are no longer
  eligible ("Example 1");
- people who became permanent residents between 2 April 2020 and 31 March 2027 have 6 years, and
  people who become permanent residents on or after 1 April 2027 have 5 years ("Examples 2 and 3");
- the period runs to the end of the anniversary month (became a PR on 21 June 2021 → until
  30 June 2027; on 4 May 2027 → until 31 May 2032).

Other permanent residents and protected persons have no limit; Canadian citizens are not eligible.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from newstart.eligibility.models import FunderRule, ImmigrationClass, ImmigrationStatus

IRCC_LIMIT_STARTS = dt.date(2026, 4, 1)
# Became a PR on or before this day: no IRCC-funded settlement services from IRCC_LIMIT_STARTS.
IRCC_CUT_OFF_LANDED_BY = dt.date(2020, 4, 1)
# Became a PR on or after this day: 5 years instead of 6.
IRCC_FIVE_YEARS_FOR_LANDINGS_FROM = dt.date(2027, 4, 1)

TEMPORARY_STATUSES = frozenset(
    {
        ImmigrationStatus.TEMPORARY_FOREIGN_WORKER,
        ImmigrationStatus.INTERNATIONAL_STUDENT,
        ImmigrationStatus.OTHER_TEMPORARY_RESIDENT,
    }
)
# Who the Province of BC's settlement program (BCSIS) is for.
BC_PROVINCIAL_STATUSES = TEMPORARY_STATUSES | {
    ImmigrationStatus.REFUGEE_CLAIMANT,
    ImmigrationStatus.NATURALIZED_CITIZEN,
}


class Verdict(models.TextChoices):
    LIKELY_ELIGIBLE = "likely", _("You are likely eligible")
    CHECK = "check", _("Check eligibility")


@dataclass(frozen=True, kw_only=True)
class PersonSituation:
    """What the visitor told us. ``ages``: the people the service would be for (empty: not given)."""

    status: str = ImmigrationStatus.NOT_SURE
    landing_date: dt.date | None = None
    immigration_class: str | None = None
    ages: tuple[int, ...] = ()


@dataclass(frozen=True, kw_only=True)
class EligibilityRules:
    """A service's eligibility, as plain values (built from the records by the selectors)."""

    declared: bool = False
    statuses: tuple[str, ...] = ()
    funder_rule: str = FunderRule.NONE
    minimum_age: float | None = None
    maximum_age: float | None = None
    # The service's own free-text eligibility, and the language it is written in.
    note: str = ""
    note_language: str = ""


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    # Why: each a translatable text, shown under the badge in the visitor's language.
    reasons: tuple[str | Promise, ...] = ()
    # A declared rule rules the person out (shown as "check eligibility"; hidden by the filter).
    excluded: bool = False
    note: str = ""
    note_language: str = ""

    @property
    def likely(self) -> bool:
        return self.verdict == Verdict.LIKELY_ELIGIBLE

    @property
    def label(self) -> str:
        return str(self.verdict.label)


@dataclass
class _Findings:
    problems: list[str | Promise] = field(default_factory=list)
    facts: list[str | Promise] = field(default_factory=list)
    excluded: bool = False

    def problem(self, text: str | Promise, *, excludes: bool) -> None:
        self.problems.append(text)
        self.excluded = self.excluded or excludes


# --- Dates ---------------------------------------------------------------------------------


def anniversary_month_end(landing: dt.date, *, years: int) -> dt.date:
    """The last day of the month in which the `years`-th anniversary of `landing` falls.

    Only the month matters, so 29 February needs no special case: 2020-02-29 + 6 years → 2026-02-28.
    """
    year = landing.year + years
    return dt.date(year, landing.month, calendar.monthrange(year, landing.month)[1])


def ircc_economic_limit_years(*, landing: dt.date) -> int:
    """How many years an economic-class permanent resident who landed on `landing` may use IRCC services."""
    return 5 if landing >= IRCC_FIVE_YEARS_FOR_LANDINGS_FROM else 6


def ircc_economic_eligible_until(*, landing: dt.date, on: dt.date) -> dt.date | None:
    """The last day an economic-class PR who landed on `landing` can use IRCC-funded settlement
    services, as the rule stands on `on`; None when no time limit applies on that day."""
    if on < IRCC_LIMIT_STARTS:
        return None
    if landing <= IRCC_CUT_OFF_LANDED_BY:
        return IRCC_LIMIT_STARTS - dt.timedelta(days=1)
    return anniversary_month_end(landing, years=ircc_economic_limit_years(landing=landing))


def month_year(day: dt.date) -> str:
    """ "May 2031" in the active language's own format."""
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def long_date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _age(value: float) -> str:
    return formats.number_format(int(value)) if float(value).is_integer() else formats.number_format(value, 1)


# --- Rules -----------------------------------------------------------------------------------


def _status_label(code: str) -> str:
    try:
        return str(ImmigrationStatus(code).label)
    except ValueError:
        return code


def _check_statuses(rules: EligibilityRules, person: PersonSituation, findings: _Findings) -> None:
    if not rules.statuses:
        return
    accepted = "; ".join(_status_label(code) for code in rules.statuses)
    if person.status == ImmigrationStatus.NOT_SURE:
        findings.problem(_("This service is for: %(statuses)s.") % {"statuses": accepted}, excludes=False)
    elif person.status not in rules.statuses:
        findings.problem(
            _("This service is for: %(statuses)s. It does not list your status.") % {"statuses": accepted},
            excludes=True,
        )


def _ircc_economic(person: PersonSituation, on: dt.date, findings: _Findings) -> None:
    if on < IRCC_LIMIT_STARTS:
        findings.facts.append(_("Permanent residents can use IRCC-funded settlement services."))
        return
    if person.landing_date is None:
        findings.problem(
            _(
                "Economic-class permanent residents can use IRCC-funded settlement services for a limited time: "
                "6 years after becoming a permanent resident, or 5 years for those who become permanent "
                "residents on or after %(date)s. The date is in the “Became P.R. on” field of your "
                "Confirmation of Permanent Residence."
            )
            % {"date": long_date(IRCC_FIVE_YEARS_FOR_LANDINGS_FROM)},
            excludes=False,
        )
        return
    until = ircc_economic_eligible_until(landing=person.landing_date, on=on)
    assert until is not None  # on >= IRCC_LIMIT_STARTS
    if person.landing_date <= IRCC_CUT_OFF_LANDED_BY:
        findings.problem(
            _(
                "Since %(start)s, economic-class permanent residents who became permanent residents on or before "
                "%(cut_off)s can no longer use IRCC-funded settlement services. Many provincially funded "
                "services can still help."
            )
            % {"start": long_date(IRCC_LIMIT_STARTS), "cut_off": long_date(IRCC_CUT_OFF_LANDED_BY)},
            excludes=True,
        )
        return
    years = ircc_economic_limit_years(landing=person.landing_date)
    if on <= until:
        findings.facts.append(
            ngettext_lazy(
                "Economic-class permanent residents can use this service until the end of %(month)s "
                "(%(years)s year after becoming a permanent resident).",
                "Economic-class permanent residents can use this service until the end of %(month)s "
                "(%(years)s years after becoming a permanent resident).",
                "years",
            )
            % {"month": month_year(until), "years": years}
        )
    else:
        findings.problem(
            ngettext_lazy(
                "Economic-class permanent residents can use IRCC-funded settlement services for %(years)s year "
                "after becoming a permanent resident, to the end of that month: for you, until the end of "
                "%(month)s. Many provincially funded services can still help.",
                "Economic-class permanent residents can use IRCC-funded settlement services for %(years)s years "
                "after becoming a permanent resident, to the end of that month: for you, until the end of "
                "%(month)s. Many provincially funded services can still help.",
                "years",
            )
            % {"month": month_year(until), "years": years},
            excludes=True,
        )


def _check_ircc(person: PersonSituation, on: dt.date, findings: _Findings) -> None:
    status = person.status
    if status == ImmigrationStatus.PERMANENT_RESIDENT:
        if person.immigration_class == ImmigrationClass.ECONOMIC:
            _ircc_economic(person, on, findings)
        elif person.immigration_class in ImmigrationClass.values:
            findings.facts.append(_("Permanent residents in your class can use IRCC-funded settlement services."))
        elif on >= IRCC_LIMIT_STARTS:
            findings.problem(
                _(
                    "Permanent residents can use IRCC-funded settlement services; for the economic class only for "
                    "a limited time after becoming a permanent resident. Tell the service your immigration class."
                ),
                excludes=False,
            )
        else:
            findings.facts.append(_("Permanent residents can use IRCC-funded settlement services."))
    elif status == ImmigrationStatus.PROTECTED_PERSON:
        findings.facts.append(_("Protected persons can use IRCC-funded settlement services."))
    elif status == ImmigrationStatus.REFUGEE_CLAIMANT:
        findings.problem(
            _(
                "This service is funded by IRCC for permanent residents and protected persons; refugee claimants "
                "cannot use it. Many provincially funded services do serve refugee claimants."
            ),
            excludes=True,
        )
    elif status in TEMPORARY_STATUSES:
        findings.problem(
            _(
                "This service is funded by IRCC for permanent residents and protected persons; most temporary "
                "residents (workers, students, visitors) cannot use it, unless for example their application "
                "for permanent residence has been approved in principle. Many provincially funded services do "
                "serve temporary residents."
            ),
            excludes=True,
        )
    elif status == ImmigrationStatus.NATURALIZED_CITIZEN:
        findings.problem(
            _(
                "This service is funded by IRCC for permanent residents and protected persons; Canadian citizens "
                "cannot use it. Provincially funded services in BC do serve naturalized citizens."
            ),
            excludes=True,
        )
    else:
        findings.problem(
            _(
                "This service is funded by IRCC: it is for permanent residents and protected persons. "
                "Ask the service whether your status qualifies."
            ),
            excludes=False,
        )


def _check_bc_provincial(person: PersonSituation, findings: _Findings) -> None:
    if person.status in BC_PROVINCIAL_STATUSES:
        findings.facts.append(
            _(
                "This program is funded by the Province of BC for temporary residents, refugee claimants and "
                "naturalized citizens."
            )
        )
    else:
        findings.problem(
            _(
                "This program is funded by the Province of BC for temporary residents, refugee claimants and "
                "naturalized citizens; permanent residents and protected persons usually use federally funded "
                "services. Ask the service."
            ),
            excludes=False,
        )


def _age_range_text(minimum: float | None, maximum: float | None) -> str | Promise:
    if minimum is not None and maximum is not None:
        return _("This service is for people aged %(minimum)s to %(maximum)s.") % {
            "minimum": _age(minimum),
            "maximum": _age(maximum),
        }
    if minimum is not None:
        return _("This service is for people aged %(minimum)s and over.") % {"minimum": _age(minimum)}
    return _("This service is for people aged %(maximum)s and under.") % {"maximum": _age(maximum)}  # type: ignore[arg-type]


def _check_ages(rules: EligibilityRules, ages: Sequence[int], findings: _Findings) -> None:
    minimum, maximum = rules.minimum_age, rules.maximum_age
    if minimum is None and maximum is None:
        return
    text = _age_range_text(minimum, maximum)
    if not ages:
        findings.problem(text, excludes=False)
        return
    fits = [age for age in ages if (minimum is None or age >= minimum) and (maximum is None or age <= maximum)]
    if fits:
        findings.facts.append(text)
    else:
        findings.problem(text, excludes=True)


def eligibility_assess(*, service_eligibility: EligibilityRules, person: PersonSituation, on: dt.date) -> Assessment:
    """The verdict for `person` on day `on`, with its reasons (translatable, dates in the active language)."""
    rules = service_eligibility
    findings = _Findings()
    _check_ages(rules, person.ages, findings)
    if rules.declared:
        _check_statuses(rules, person, findings)
        if rules.funder_rule == FunderRule.IRCC:
            _check_ircc(person, on, findings)
        elif rules.funder_rule == FunderRule.BC_PROVINCIAL:
            _check_bc_provincial(person, findings)
    else:
        text = (
            _("Read what the service says about who it is for, or ask the service.")
            if rules.note
            else _("This service has not said who it is for. Ask the service.")
        )
        findings.problem(text, excludes=False)
    if findings.problems:
        return Assessment(
            verdict=Verdict.CHECK,
            reasons=tuple(findings.problems + findings.facts),
            excluded=findings.excluded,
            note=rules.note,
            note_language=rules.note_language,
        )
    return Assessment(verdict=Verdict.LIKELY_ELIGIBLE, reasons=tuple(findings.facts))
