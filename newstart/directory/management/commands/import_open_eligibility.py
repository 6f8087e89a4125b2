"""manage.py import_open_eligibility PATH — import the Open Eligibility taxonomy XML and map it onto ours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from newstart.directory.management.commands.load_taxonomy import describe_load
from newstart.directory.taxonomies import (
    OPEN_ELIGIBILITY_MAPPING_PATH,
    MappingCoverage,
    TaxonomyDataError,
    taxonomy_import_open_eligibility,
)


def describe_coverage(label: str, coverage: MappingCoverage) -> str:
    return _(
        "%(label)s: %(mapped)s of %(total)s terms map to settlement terms (%(share).1f%%): "
        "%(direct)s directly, %(via_ancestor)s through an ancestor."
    ) % {
        "label": label,
        "mapped": coverage.mapped,
        "total": coverage.total,
        "share": 100 * coverage.share,
        "direct": coverage.direct,
        "via_ancestor": coverage.via_ancestor,
    }


class Command(BaseCommand):
    help = (
        "Import the Open Eligibility taxonomy XML (terms keep their OE ids as codes) and record how its terms map "
        "onto the newstart settlement taxonomy as HSDS attributes. Idempotent; a bad file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Open Eligibility taxonomy.xml")
        parser.add_argument(
            "--mapping",
            type=Path,
            default=OPEN_ELIGIBILITY_MAPPING_PATH,
            help="Mapping JSON (default: the bundled open_eligibility_mapping.json)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = taxonomy_import_open_eligibility(path=Path(options["path"]), mapping_path=Path(options["mapping"]))
        except TaxonomyDataError as exc:
            raise CommandError(str(exc)) from None
        for warning in result.warnings:
            self.stderr.write(_("Warning: %(warning)s") % {"warning": warning})
        self.stdout.write(describe_load(result.settlement))
        self.stdout.write(describe_load(result.load))
        self.stdout.write(
            _("Mappings: %(created)s created, %(removed)s removed, %(unchanged)s unchanged.")
            % {
                "created": result.mappings_created,
                "removed": result.mappings_removed,
                "unchanged": result.mappings_unchanged,
            }
        )
        self.stdout.write(describe_coverage(_("All terms"), result.coverage))
        for section, coverage in sorted(result.coverage_by_section.items()):
            self.stdout.write(describe_coverage(section, coverage))
