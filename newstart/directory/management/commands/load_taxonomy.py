"""manage.py load_taxonomy — create or update the newstart settlement taxonomy from its data file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from newstart.directory.taxonomies import (
    SETTLEMENT_TAXONOMY_PATH,
    TaxonomyDataError,
    TaxonomyLoadResult,
    taxonomy_load_settlement,
)


def describe_load(result: TaxonomyLoadResult) -> str:
    if result.taxonomy_created:
        state = _("created")
    elif result.taxonomy_updated:
        state = _("updated")
    else:
        state = _("unchanged")
    text = _(
        "%(taxonomy)s (%(state)s): %(created)s terms created, %(updated)s updated, %(unchanged)s unchanged; "
        "%(translations)s translations written."
    ) % {
        "taxonomy": result.taxonomy.name,
        "state": state,
        "created": result.terms_created,
        "updated": result.terms_updated,
        "unchanged": result.terms_unchanged,
        "translations": result.translations_written,
    }
    if result.terms_not_in_file:
        text += " " + _("%(count)s terms in the database are no longer in the file; they were kept.") % {
            "count": result.terms_not_in_file
        }
    return text


class Command(BaseCommand):
    help = "Create or update the newstart settlement taxonomy (names in every interface language). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path", type=Path, default=SETTLEMENT_TAXONOMY_PATH, help="Taxonomy JSON file (default: the bundled one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = taxonomy_load_settlement(path=Path(options["path"]))
        except TaxonomyDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(describe_load(result))
