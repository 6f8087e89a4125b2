"""factory_boy factories for the strategy's models. Shared with the other strategy helper's tests:
keep names and defaults stable, only add."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from newstart.partnership.models import BodyKind
from newstart.strategy.models import (
    Action,
    Activity,
    Criterion,
    EquityAnswer,
    EquityQuestion,
    Evidence,
    EvidenceKind,
    Gap,
    Indicator,
    Phase,
    PhaseKind,
    Proposal,
    ProposalStatus,
    StrategyCycle,
    VoteBudget,
)
from tests.directory.factories import ModelFactory
from tests.partnership.factories import BodyFactory, UserFactory


class StrategyCycleFactory(ModelFactory[StrategyCycle]):
    class Meta:
        model = StrategyCycle

    name = factory.Sequence(lambda n: f"Settlement strategy {2025 + n}")
    slug = factory.Sequence(lambda n: f"cycle-{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3000))


class PhaseFactory(ModelFactory[Phase]):
    class Meta:
        model = Phase

    cycle = factory.SubFactory(StrategyCycleFactory)
    kind = PhaseKind.PROPOSALS
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))


def set_phases(cycle: StrategyCycle, *open_kinds: str) -> list[Phase]:
    """Give the cycle all seven phases; the ``open_kinds`` are open today, the others closed (the earlier
    ones in the past, the later ones in the future)."""
    today = timezone.localdate()
    Phase.objects.filter(cycle=cycle).delete()
    phases = []
    for position, kind in enumerate(PhaseKind.values):
        if kind in open_kinds:
            start, end = today - dt.timedelta(days=5), today + dt.timedelta(days=5)
        else:
            # Closed: a fortnight in the past or the future, in the usual order.
            offset = dt.timedelta(days=30 * (position + 1))
            start, end = (
                (today - offset - dt.timedelta(days=14), today - offset)
                if position < 3
                else (
                    today + offset,
                    today + offset + dt.timedelta(days=14),
                )
            )
        phases.append(Phase.objects.create(cycle=cycle, kind=kind, starts_on=start, ends_on=end))
    # Drop any phase list cached on the object.
    if hasattr(cycle, "_prefetched_objects_cache"):
        cycle._prefetched_objects_cache.pop("phases", None)
    return phases


class ActivityFactory(ModelFactory[Activity]):
    class Meta:
        model = Activity

    cycle = factory.SubFactory(StrategyCycleFactory)
    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")


class GapFactory(ModelFactory[Gap]):
    class Meta:
        model = Gap

    cycle = factory.SubFactory(StrategyCycleFactory)
    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"Gap {n}")
    severity = 3


class EvidenceFactory(ModelFactory[Evidence]):
    class Meta:
        model = Evidence

    gap = factory.SubFactory(GapFactory)
    kind = EvidenceKind.DATA
    text = factory.Sequence(lambda n: f"Evidence {n}")


class ProposalFactory(ModelFactory[Proposal]):
    class Meta:
        model = Proposal

    cycle = factory.SubFactory(StrategyCycleFactory)
    body = factory.SubFactory(BodyFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    problem = "Newcomers wait months for language assessment."
    action = "Open a second assessment centre."
    status = ProposalStatus.DRAFT
    submitted_at = factory.LazyAttribute(lambda o: None if o.status == ProposalStatus.DRAFT else timezone.now())


class EnglishTranslatableFactory(ModelFactory[Any]):
    """A parler model whose translated fields are given in English."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        translated = set(model_class._parler_meta.get_all_fields())
        text = {key: kwargs.pop(key) for key in list(kwargs) if key in translated}
        instance = model_class(*args, **kwargs)
        instance.set_current_language("en")
        for key, value in text.items():
            setattr(instance, key, value)
        instance.save()
        return instance


class EquityQuestionFactory(EnglishTranslatableFactory):
    class Meta:
        model = EquityQuestion

    text = factory.Sequence(lambda n: f"Who could be left out by this action? ({n})")


class EquityAnswerFactory(ModelFactory[EquityAnswer]):
    class Meta:
        model = EquityAnswer

    proposal = factory.SubFactory(ProposalFactory)
    question = factory.SubFactory(EquityQuestionFactory)
    answer = "Refugee claimants without a work permit."


class IndicatorFactory(ModelFactory[Indicator]):
    class Meta:
        model = Indicator

    proposal = factory.SubFactory(ProposalFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    baseline = Decimal("10")
    target = Decimal("20")
    unit = "weeks"


class CriterionFactory(ModelFactory[Criterion]):
    class Meta:
        model = Criterion

    cycle = factory.SubFactory(StrategyCycleFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")


class VoteBudgetFactory(ModelFactory[VoteBudget]):
    class Meta:
        model = VoteBudget

    cycle = factory.SubFactory(StrategyCycleFactory)
    votes_per_member = 5


class ActionFactory(ModelFactory[Action]):
    class Meta:
        model = Action

    cycle = factory.SubFactory(StrategyCycleFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority action {n}")


def governance_body(**kwargs: Any) -> Any:
    return BodyFactory(kind=BodyKind.GOVERNANCE_BODY, **kwargs)


def advisory_table(**kwargs: Any) -> Any:
    return BodyFactory(kind=BodyKind.ADVISORY_TABLE, **kwargs)
