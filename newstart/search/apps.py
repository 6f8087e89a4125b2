from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _index_missing_documents(using: str = "default", **kwargs: Any) -> None:
    """After migrating, build the index when the directory has services and the index has none
    (a database from before the postings lists, or one restored without its index)."""
    from newstart.directory.models import Service
    from newstart.search.models import SearchDocument
    from newstart.search.services import search_rebuild_index

    if Service.objects.using(using).exists() and not SearchDocument.objects.using(using).exists():
        search_rebuild_index()


class SearchConfig(AppConfig):
    name = "newstart.search"
    label = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Keeps the index in step with every write to the directory and the thesaurus.
        from newstart.search import signals  # noqa: F401

        post_migrate.connect(_index_missing_documents, sender=self, dispatch_uid="search_index_missing_documents")
