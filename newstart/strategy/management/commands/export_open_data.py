"""manage.py export_open_data OUT.zip: the strategy cycle's open data (CSV per entity, README, licence)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newstart.strategy.open_data import open_data_zip


class Command(BaseCommand):
    help = (
        "Write the strategy's open data as a zip: one CSV per entity, a README.md describing every column, "
        "the licence and the generation date. No personal data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="Where to write the zip.")
        parser.add_argument(
            "--all-bodies",
            action="store_true",
            help="Include private bodies' records (for the secretariat; still no personal data). "
            "Default: public data only, as on the public accountability page.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"OUT: the folder {out.parent} does not exist.")
        content = open_data_zip(public=not options["all_bodies"])
        out.write_bytes(content)
        scope = "every body's records" if options["all_bodies"] else "public data"
        self.stdout.write(f"Wrote {scope} to {out} ({len(content)} bytes).")
