"""What every directory admin shares: change history, fast lists, id search, translated text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet, UUIDField
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from parler.admin import TranslatableAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

# At most this many changes to translated text are shown on a record's history page.
TRANSLATION_HISTORY_LIMIT = 200


class RecordIdSearchMixin:
    """A pasted record id finds that record, whatever the other search fields.

    ``id_search_fields`` name further UUID fields searched the same way (e.g. a linked record's id).
    """

    id_search_fields: tuple[str, ...] = ()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
        fields = list(self.id_search_fields)
        if isinstance(queryset.model._meta.pk, UUIDField):
            fields.append("pk")
        if not fields:
            return results, may_have_duplicates
        try:
            record_id = uuid.UUID(search_term.strip())
        except ValueError:
            return results, may_have_duplicates
        matches = Q()
        for name in fields:
            matches |= Q(**{name: record_id})
        return results | queryset.filter(matches), may_have_duplicates


class DirectoryAdmin(RecordIdSearchMixin, SimpleHistoryAdmin):
    """A directory model in the admin: with change history ("History" button, per-change diffs)."""

    # Counting 100,000 unfiltered services on every page load is wasted work.
    show_full_result_count = False
    list_per_page = 50
    # Related rows the list shows (e.g. translated names of parents), fetched once per page.
    list_prefetch_related: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if self.list_prefetch_related:
            queryset = queryset.prefetch_related(*self.list_prefetch_related)
        return queryset


@dataclass
class TranslationChange:
    """One change to a record's text in one language, for the history page."""

    record: Any
    language_code: str
    changes: list[dict[str, Any]] = field(default_factory=list)


class TranslatedDirectoryAdmin(TranslatableAdmin, DirectoryAdmin):
    """A translated model: parler's language tabs plus change history of both the record and its text.

    parler's translations live in their own table with their own history; the history page lists
    those changes (language, who, when, field: old → new) under the record's own changes.
    """

    object_history_template = "admin/directory/translated_object_history.html"
    list_prefetch_related: tuple[str, ...] = ("translations",)

    def translation_changes(self, object_id: str) -> list[TranslationChange]:
        try:
            master_id = uuid.UUID(str(object_id))
        except ValueError:
            return []
        translation_model: type[Model] = self.model._parler_meta.root_model  # type: ignore[attr-defined]
        history_model = translation_model.history.model  # type: ignore[attr-defined]
        records = list(
            history_model.objects.filter(master_id=master_id)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:TRANSLATION_HISTORY_LIMIT]
        )
        records.reverse()
        previous_by_language: dict[str, Any] = {}
        changes: list[TranslationChange] = []
        for record in records:
            entry = TranslationChange(record=record, language_code=record.language_code)
            previous = previous_by_language.get(record.language_code)
            if previous is not None:
                delta = record.diff_against(previous, excluded_fields={"master", "language_code"})
                helper = HistoricalRecordContextHelper(translation_model, record)
                entry.changes = helper.context_for_delta_changes(delta)
            previous_by_language[record.language_code] = record
            changes.append(entry)
        changes.reverse()
        return changes

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {
            "translation_changes": self.translation_changes(object_id),
            "translation_changes_title": _("Changes to the translated text"),
        }
        context.update(extra_context or {})
        return super().history_view(request, object_id, extra_context=context)
