"""A strategy cycle with people in every role: the secretariat, a private strategy group (chair,
member, observer), a public strategy group, the Immigrant Advisory Table, the governance body (chair,
member), a participant without seats, and an account that is not part of the partnership."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from newstart.partnership.models import Body, MembershipRole, Visibility
from newstart.partnership.roles import PartnershipRole
from newstart.strategy.models import StrategyCycle
from tests.partnership.conftest import logged_in, verified_client
from tests.partnership.factories import BodyFactory, UserFactory, make_person, seat
from tests.strategy.factories import (
    CriterionFactory,
    EquityQuestionFactory,
    StrategyCycleFactory,
    VoteBudgetFactory,
    advisory_table,
    governance_body,
    set_phases,
)


@dataclass
class Cycle:
    cycle: StrategyCycle
    group: Body  # a private strategy group
    public_group: Body
    advisory: Body
    council: Body
    secretariat: Any
    chair: Any
    member: Any
    observer: Any
    public_member: Any
    advisor: Any
    council_chair: Any
    council_member: Any
    outsider: Any  # a participant of the workspace with no seat
    stranger: Any  # an account that is not part of the partnership

    def client(self, who: str) -> Client:
        if who == "anonymous":
            return Client()
        user = getattr(self, who)
        return verified_client(user) if who == "secretariat" else logged_in(user)


@pytest.fixture
def world(db: Any) -> Cycle:
    group = BodyFactory(name="Language Strategy Group", slug="language", visibility=Visibility.PRIVATE)
    public_group = BodyFactory(name="Employment Strategy Group", slug="employment", visibility=Visibility.PUBLIC)
    advisory = advisory_table(name="Immigrant Advisory Table", slug="iat", visibility=Visibility.PRIVATE)
    council = governance_body(name="Partnership Council", slug="council", visibility=Visibility.PRIVATE)
    people = {
        "secretariat": make_person(name="Sam Secretariat", roles=[PartnershipRole.SECRETARIAT]),
        "chair": make_person(name="Chris Chair"),
        "member": make_person(name="Mina Member"),
        "observer": make_person(name="Olga Observer"),
        "public_member": make_person(name="Pat Public"),
        "advisor": make_person(name="Ana Advisor", private=True),
        "council_chair": make_person(name="Cam Council"),
        "council_member": make_person(name="Kim Council"),
        "outsider": make_person(name="Otto Outsider"),
        "stranger": UserFactory(),
    }
    seat(people["chair"], group, MembershipRole.CHAIR)
    seat(people["member"], group)
    seat(people["observer"], group, MembershipRole.OBSERVER)
    seat(people["public_member"], public_group)
    seat(people["advisor"], advisory)
    seat(people["council_chair"], council, MembershipRole.CHAIR)
    seat(people["council_member"], council)
    cycle = StrategyCycleFactory(name="Newcomer strategy 2025-2035", slug="2025")
    set_phases(cycle, "proposals")
    EquityQuestionFactory(text="Who could be left out?", position=1)
    CriterionFactory(cycle=cycle, name="Impact", weight=2, position=1)
    CriterionFactory(cycle=cycle, name="Feasibility", weight=1, position=2)
    VoteBudgetFactory(cycle=cycle, votes_per_member=5)
    return Cycle(cycle=cycle, group=group, public_group=public_group, advisory=advisory, council=council, **people)
