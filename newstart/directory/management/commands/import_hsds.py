"""manage.py import_hsds PATH — HSDS 3.1 data into the directory, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from newstart.directory.hsds.import_report import HsdsImportError, ImportReport, Problem, listing
from newstart.directory.hsds.importer import hsds_import

LISTING_LIMIT = 200


class Command(BaseCommand):
    help = (
        "Import HSDS 3.1 data: a tabular datapackage (a folder or .zip with datapackage.json and CSV files) "
        "or HSDS JSON (a file or a folder of files: objects, lists or API pages). Every record is checked "
        "first; if anything is wrong nothing is written and every problem is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Folder, .zip or .json file to import")
        parser.add_argument(
            "--language",
            default="en",
            help="Language the records are written in, unless they give their own source_language (default en)",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, but write nothing")

    def _warnings(self, warnings: list[Problem]) -> None:
        for line in listing(warnings, limit=LISTING_LIMIT):
            self.stderr.write(_("WARNING: %(line)s") % {"line": line})

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = hsds_import(
                path=options["path"],
                language=options["language"],
                dry_run=options["dry_run"],
                progress=self.stderr.isatty() and options["verbosity"] > 0,
            )
        except HsdsImportError as error:
            self._warnings(error.warnings)
            raise CommandError("\n".join([str(error), *listing(error.problems, limit=LISTING_LIMIT)])) from error
        self._warnings(report.warnings)
        if options["verbosity"] > 0:
            self._summary(report)

    def _summary(self, report: ImportReport) -> None:
        width = max((len(name) for name in report.counts), default=5)
        self.stdout.write(f"{'':<{width}}  {_('created'):>8}  {_('updated'):>8}  {_('unchanged'):>9}")
        for name, counts in report.counts.items():
            self.stdout.write(f"{name:<{width}}  {counts.created:>8}  {counts.updated:>8}  {counts.unchanged:>9}")
        totals = {kind: report.total(kind) for kind in ("created", "updated", "unchanged")}
        if report.dry_run:
            message = _(
                "Dry run: %(created)s records would be created, %(updated)s updated, %(unchanged)s unchanged; "
                "nothing was written."
            )
        else:
            message = _("Imported: %(created)s records created, %(updated)s updated, %(unchanged)s unchanged.")
        self.stdout.write(message % totals)
