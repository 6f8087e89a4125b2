"""manage.py recompute_gaps — store the default gap analysis for every category and main language."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from newstart.insights.services import gap_results_recompute
from newstart.insights.tasks import recompute_start


class Command(BaseCommand):
    help = (
        "Recompute the default gap analysis for every settlement category and the main home languages, "
        "storing the results for the Insights overview. --background hands the work to the task worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--background", action="store_true", help="Enqueue it as a background task (progress on the web page)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["background"]:
            progress = recompute_start(user=None)
            self.stdout.write(
                _("Enqueued; progress is on the Background work page (run %(id)s).") % {"id": progress.pk}
            )
            return
        stored = gap_results_recompute(
            progress=lambda items: tqdm(items, desc="analyses", disable=not self.stdout.isatty())
        )
        self.stdout.write(_("%(count)s gap analyses stored.") % {"count": stored})
