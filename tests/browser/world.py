"""A small public-site world for the browser tests: services that are free, open all day every day and
classified, with structured eligibility; the default plan steps; a plan; the demo strategy (for the
accountability pages). Built with the factories, so it runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from newstart.directory.models import Service
from newstart.directory.taxonomies import taxonomy_load_settlement
from newstart.eligibility.models import FunderRule, ImmigrationStatus, ServiceEligibility
from newstart.plans.services import PlanInput, plan_create, plan_steps_load
from tests.navigator.conftest import make_service

EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
ALL_DAY = (EVERY_DAY, dt.time(0, 0), dt.time(23, 59))
POSTCODE = "V5Y 1V4"


@dataclass
class World:
    job_help: Service
    linc: Service
    plan_token: str


def world_build(*, with_strategy: bool = False) -> World:
    taxonomy_load_settlement()
    plan_steps_load()
    job_help = make_service(
        "Job search help for newcomers",
        category="EMP-SEARCH",
        free=True,
        hours=ALL_DAY,
        postcode=POSTCODE,
        languages=("en", "pa"),
        description="One-on-one help with résumés, job search and interviews.",
    )
    ServiceEligibility.objects.create(
        service=job_help,
        statuses=[ImmigrationStatus.PERMANENT_RESIDENT, ImmigrationStatus.PROTECTED_PERSON],
    )
    make_service("Paid career coaching", category="EMP-COUNSEL", hours=ALL_DAY, postcode=POSTCODE)
    linc = make_service("LINC English classes", category="LANG-LINC", free=True, hours=ALL_DAY)
    ServiceEligibility.objects.create(service=linc, funder_rule=FunderRule.IRCC)
    make_service("Tenant rights workshop", category="HOUS", free=True)
    _plan, token = plan_create(
        data=PlanInput(
            arrival_date=timezone.localdate() - dt.timedelta(days=30),
            status=ImmigrationStatus.PERMANENT_RESIDENT,
            immigration_class="family",
            landing_date=timezone.localdate() - dt.timedelta(days=30),
            needs=("EMP", "LANG"),
            postal_code="V5Y",
        )
    )
    if with_strategy:
        from newstart.strategy.demo import strategy_demo_load

        strategy_demo_load()
    return World(job_help=job_help, linc=linc, plan_token=token)


@dataclass
class JourneyServices:
    """The newcomer journey's extra services (added to a world_build() world)."""

    employment: Service
    employment_decoys: tuple[Service, ...]
    credentials: Service


def journey_services_add() -> JourneyServices:
    """An IRCC-funded, free employment program open all day every day near POSTCODE (so the open-now,
    free and category filters have something to find at the real current time), decoys each failing
    one filter, and a credential-recognition service for the plan's "credentials" step (the step that
    the "jobs" need brings in)."""
    employment = make_service(
        "Newcomer employment program",
        category="EMP-SEARCH",
        free=True,
        hours=ALL_DAY,
        postcode=POSTCODE,
        languages=("en", "pa"),
        description="Workshops and a job coach for newcomers looking for work.",
    )
    ServiceEligibility.objects.create(
        service=employment,
        statuses=[ImmigrationStatus.PERMANENT_RESIDENT, ImmigrationStatus.PROTECTED_PERSON],
        funder_rule=FunderRule.IRCC,
    )
    no_hours = make_service("Résumé drop-in (hours not listed)", category="EMP-SEARCH", free=True, postcode=POSTCODE)
    credentials = make_service(
        "Credential assessment advice", category="CRED-ASSESS", free=True, hours=ALL_DAY, postcode=POSTCODE
    )
    return JourneyServices(employment=employment, employment_decoys=(no_hours,), credentials=credentials)
