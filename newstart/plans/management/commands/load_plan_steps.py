"""manage.py load_plan_steps — the default steps of My plan. Idempotent; never overwrites edits."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from newstart.directory.taxonomies import TaxonomyDataError
from newstart.plans.services import PlanStepsDataError, plan_steps_load


class Command(BaseCommand):
    help = (
        "Load the default steps of My plan (titles in the twelve interface languages). Steps that exist are "
        "left as the secretariat edited them and only gain missing translations; --reset restores the defaults."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Overwrite the default steps' conditions and texts with the defaults."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = plan_steps_load(reset=options["reset"])
        except (PlanStepsDataError, TaxonomyDataError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Plan steps: created %(created)s, updated %(updated)s, unchanged %(unchanged)s")
            % {"created": len(result.created), "updated": len(result.updated), "unchanged": len(result.unchanged)}
        )
