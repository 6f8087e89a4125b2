"""manage.py import_census PATH [--format vancouver|tidy] — population indicators per local area."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from newstart.insights.importers import (
    VANCOUVER_CENSUS_CREDIT,
    ImportProblem,
    parse_tidy_indicators,
    parse_vancouver_census,
    read_bytes,
)
from newstart.insights.services import area_indicator_import


class Command(BaseCommand):
    help = (
        "Import population indicators per local area: the City of Vancouver's CensusLocalAreaProfiles2016.csv "
        "(--format vancouver, the default) or a tidy CSV with columns area,indicator,value,year[,language][,source]. "
        "All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=["vancouver", "tidy"], default="vancouver")
        parser.add_argument(
            "--source",
            default=None,
            help="Credit stored with the values (default for vancouver: the Statistics Canada credit; "
            "for tidy: the file's source column, else empty).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = read_bytes(options["path"])
            if options["format"] == "vancouver":
                rows = parse_vancouver_census(raw, source=options["source"] or VANCOUVER_CENSUS_CREDIT)
            else:
                rows = parse_tidy_indicators(raw, source=options["source"] or "")
            counts = area_indicator_import(
                rows=rows, progress=lambda items: tqdm(items, desc="values", disable=not self.stdout.isatty())
            )
        except ImportProblem as problem:
            raise CommandError(problem.describe()) from None
        self.stdout.write(
            _("%(created)s values created, %(updated)s updated (%(total)s in the file).")
            % {"created": counts.created, "updated": counts.updated, "total": len(rows)}
        )
