"""manage.py rebuild_search_index — rebuild the search index from the directory (after bulk loads)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from newstart.search.services import search_rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search index (postings, concept links, vocabulary) for every service."

    def handle(self, *args: Any, **options: Any) -> None:
        result = search_rebuild_index(progress=self.stdout.isatty())
        self.stdout.write(
            _("Indexed %(services)s services: %(postings)s postings, %(vocabulary)s vocabulary terms.")
            % {"services": result.services, "postings": result.postings, "vocabulary": result.vocabulary}
        )
