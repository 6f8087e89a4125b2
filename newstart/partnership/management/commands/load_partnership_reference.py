"""manage.py load_partnership_reference: the focus areas, the 17 characteristics of a welcoming
community and the role groups (also loaded by migration 0002; safe to run again)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from newstart.partnership.reference import reference_load


class Command(BaseCommand):
    help = "Load the partnership's focus areas, welcoming-community characteristics and role groups."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            result = reference_load(apps=apps)
        self.stdout.write(
            f"partnership reference: {result.created} records, {result.translations_created} translations, "
            f"{result.groups_created} groups created"
        )
