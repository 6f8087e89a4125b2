"""manage.py export_hsds OUT — the directory as HSDS 3.1 JSON and a tabular datapackage."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from newstart.directory.hsds.export import DEFAULT_CHUNK_SIZE, HsdsExportError, hsds_export


class Command(BaseCommand):
    help = (
        "Export the directory as HSDS 3.1: OUT/json/<objects>.json (nested objects with the translations "
        "profile) and OUT/csv/ (a tabular datapackage with translations.csv). Written atomically."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="Directory to write (new or empty)")
        parser.add_argument(
            "--force", action="store_true", help="Replace json/ and csv/ in OUT even if it is not empty"
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the text fields (default %(default)s); every translation is exported too",
        )
        parser.add_argument(
            "--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, help="Records read at a time (default %(default)s)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] < 1:
            raise CommandError(_("--chunk-size must be at least 1"))
        try:
            summary = hsds_export(
                out_dir=options["out"],
                force=options["force"],
                language=options["language"],
                chunk_size=options["chunk_size"],
                progress=sys.stderr.isatty() and options["verbosity"] > 0,
            )
        except HsdsExportError as error:
            raise CommandError(str(error)) from error
        for line in summary.warnings:
            self.stderr.write(_("WARNING: %(line)s") % {"line": line})
        if options["verbosity"] > 0:
            counts = summary.json_counts
            self.stdout.write(
                _(
                    "Exported %(services)s services, %(organizations)s organizations and %(locations)s locations "
                    "to %(path)s (json/ and csv/)."
                )
                % {
                    "services": counts.get("services.json", 0),
                    "organizations": counts.get("organizations.json", 0),
                    "locations": counts.get("locations.json", 0),
                    "path": summary.out_dir,
                }
            )
