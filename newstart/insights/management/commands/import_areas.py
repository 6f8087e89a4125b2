"""manage.py import_areas PATH — local-area boundaries from GeoJSON (City of Vancouver format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from newstart.insights.importers import ImportProblem, parse_area_boundaries, read_bytes
from newstart.insights.services import local_area_import_boundaries


class Command(BaseCommand):
    help = "Import local-area boundaries (GeoJSON FeatureCollection with a 'name' property), creating missing areas."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="GeoJSON file, e.g. local-area-boundary.geojson")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            boundaries = parse_area_boundaries(read_bytes(options["path"]))
            counts = local_area_import_boundaries(
                boundaries=boundaries,
                progress=lambda items: tqdm(items, desc="areas", disable=not self.stdout.isatty()),
            )
        except ImportProblem as problem:
            raise CommandError(problem.describe()) from None
        self.stdout.write(
            _("%(created)s areas created, %(updated)s updated.")
            % {"created": counts.created, "updated": counts.updated}
        )
