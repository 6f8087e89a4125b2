"""Shared set-up for the publication, tracking and open data tests (no tests here): focus areas, a
lead organization with its people, priority actions with indicators, and a published strategy."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from pypdf import PdfReader

from newstart.partnership.models import FocusArea, PartnerOrganization
from newstart.strategy import services
from newstart.strategy.models import Action, IndicatorValue, Strategy
from tests.partnership.factories import PartnerOrganizationFactory, make_person
from tests.strategy.factories import ActionFactory, IndicatorFactory, ProposalFactory, set_phases

# A full year before this one: every quarter of it has passed, whatever today is.
LAST_YEAR = timezone.localdate().year - 1


def focus_area(code: str, name: str, position: int) -> FocusArea:
    area = FocusArea(code=code, position=position)
    area.set_current_language("en")
    area.name = name
    area.save()
    return area


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


@dataclass
class Tracked:
    world: Any
    lead: PartnerOrganization
    partner: PartnerOrganization
    lead_member: Any  # works for the lead organization
    partner_member: Any  # works for a partner organization
    access: FocusArea
    work: FocusArea
    actions: list[Action]
    strategy: Strategy


def make_tracked(world: Any) -> Tracked:
    """For a ``tracked`` fixture: three actions (two in "access", one in "work"), the first led by
    ``lead`` with an indicator and two values, published as version 1; the cycle is in tracking."""
    # The cycle started three years ago, so that last year's quarters can be reported.
    world.cycle.starts_on = dt.date(LAST_YEAR - 2, 1, 1)
    world.cycle.save(update_fields=["starts_on"])
    lead = PartnerOrganizationFactory(name="Lantern Bridge Society")
    partner = PartnerOrganizationFactory(name="Kestrel Academy")
    lead_member = make_person(name="Leah Lead", organization=lead)
    partner_member = make_person(name="Paul Partner", organization=partner)
    access = focus_area("access", "Access to services", 1)
    work = focus_area("work", "Welcoming workplaces", 2)
    proposal = ProposalFactory(cycle=world.cycle, body=world.public_group, title="Assessment centre proposal")
    actions = [
        ActionFactory(
            cycle=world.cycle,
            number=1,
            title="Second language assessment centre",
            lead_organization=lead,
            focus_area=access,
            progress=10,
            proposal=proposal,
        ),
        ActionFactory(cycle=world.cycle, number=2, title="Weekend reception", focus_area=access, progress=20),
        ActionFactory(cycle=world.cycle, number=3, title="Mentoring with employers", focus_area=work, progress=40),
    ]
    actions[0].partner_organizations.set([partner])
    indicator = IndicatorFactory(
        proposal=proposal, action=actions[0], name="Weeks of wait", baseline=Decimal(9), target=Decimal(3)
    )
    IndicatorValue.objects.create(indicator=indicator, date=dt.date(LAST_YEAR, 3, 31), value=Decimal("8.50"))
    IndicatorValue.objects.create(indicator=indicator, date=dt.date(LAST_YEAR, 6, 30), value=Decimal("7.25"))
    set_phases(world.cycle, "strategy")
    strategy = services.strategy_publish(
        cycle=world.cycle, user=world.secretariat, title="Our newcomer strategy", summary="Four areas, three actions."
    )
    set_phases(world.cycle, "tracking")
    return Tracked(world, lead, partner, lead_member, partner_member, access, work, actions, strategy)
