"""manage.py load_concepts — the search thesaurus from newstart/search/data/concepts.json; idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from newstart.search.services import CONCEPTS_PATH, ConceptDataError, concept_load


class Command(BaseCommand):
    help = "Load the multilingual search concepts (thesaurus). Running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=CONCEPTS_PATH, help="The concepts JSON file.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = concept_load(path=options["path"])
        except ConceptDataError as exc:
            raise CommandError(_("Nothing was loaded: %(error)s") % {"error": exc}) from exc
        self.stdout.write(
            _("Concepts created %(created)s, updated %(updated)s; labels added %(added)s, removed %(removed)s.")
            % {
                "created": result.created,
                "updated": result.updated,
                "added": result.labels_created,
                "removed": result.labels_deleted,
            }
        )
