"""The whole demo: every capability's fictional Vancouver data, loaded in dependency order.

Each app owns its own idempotent loader; this module only sequences them, so that
`manage.py load_demo` stays thin and a second run changes nothing anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass
class DemoStep:
    label: Promise
    run: Callable[[], object]


@dataclass
class DemoReport:
    done: list[str] = field(default_factory=list)


def _insights() -> object:
    from newstart.insights.demo import insights_demo_load

    return insights_demo_load()


def _eligibility() -> object:
    from newstart.eligibility.demo import eligibility_demo_load

    return eligibility_demo_load()


def _plan_steps() -> object:
    from newstart.plans.services import plan_steps_load

    return plan_steps_load()


def _partnership() -> object:
    from newstart.partnership.demo import partnership_demo_load

    return partnership_demo_load()


def _strategy() -> object:
    from newstart.strategy.demo import strategy_demo_load

    return strategy_demo_load()


# After the directory (which loads the taxonomy, the search thesaurus and the local areas).
FOLLOW_UP_STEPS: tuple[DemoStep, ...] = (
    DemoStep(_("census facts for the local areas"), _insights),
    DemoStep(_("who the demo services are for (structured eligibility)"), _eligibility),
    DemoStep(_("settlement plan steps"), _plan_steps),
    DemoStep(_("the partnership: organizations, people, bodies and meetings"), _partnership),
    DemoStep(_("the strategy cycle, the published strategy and its tracking"), _strategy),
)


def demo_follow_up_load() -> DemoReport:
    """Load everything that builds on the demo directory, all or nothing."""
    report = DemoReport()
    with transaction.atomic():
        for step in FOLLOW_UP_STEPS:
            step.run()
            report.done.append(str(step.label))
    return report
