"""manage.py annual_report --cycle SLUG --year 2026 OUT.pdf: the annual progress report as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newstart.common.languages import INTERFACE_LANGUAGE_CODES
from newstart.strategy import reporting, selectors


class Command(BaseCommand):
    help = "Write the annual progress report of a strategy cycle as a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", required=True, help="The cycle's short name (slug).")
        parser.add_argument("--year", required=True, type=int, help="The year reported on, e.g. 2026.")
        parser.add_argument("--language", default="en", help="Interface language of the report (default: en).")
        parser.add_argument("out", help="Where to write the PDF.")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = selectors.cycle_get(slug=options["cycle"])
        if cycle is None:
            raise CommandError(f"--cycle: no strategy cycle has the short name {options['cycle']!r}.")
        year = options["year"]
        if not cycle.starts_on.year <= year <= cycle.ends_on.year:
            raise CommandError(f"--year: {year} is outside the cycle ({cycle.starts_on.year} to {cycle.ends_on.year}).")
        if options["language"] not in INTERFACE_LANGUAGE_CODES:
            raise CommandError(f"--language: choose one of {', '.join(INTERFACE_LANGUAGE_CODES)}.")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"OUT: the folder {out.parent} does not exist.")
        try:
            pdf = reporting.annual_report_pdf(cycle=cycle, year=year, language=options["language"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        out.write_bytes(pdf)
        self.stdout.write(f"Wrote the {year} annual report of {cycle.slug} to {out} ({len(pdf)} bytes).")
