"""Taxonomies, their terms, attributes (what links records to terms), and imported metadata."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from newstart.directory.admin.base import DirectoryAdmin, RecordIdSearchMixin, TranslatedDirectoryAdmin
from newstart.directory.admin.editors import EditorAutocompleteMixin
from newstart.directory.models import Attribute, Metadata, MetaTableDescription, Taxonomy, TaxonomyTerm


@admin.register(Taxonomy)
class TaxonomyAdmin(DirectoryAdmin):
    list_display = ("name", "version", "uri")
    search_fields = ("name", "description")


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(EditorAutocompleteMixin, TranslatedDirectoryAdmin):
    editor_lookup_unlimited = True

    list_display = ("code", "name_column", "parent", "taxonomy_detail", "language")
    list_filter = ("taxonomy_detail",)
    list_select_related = ("parent", "taxonomy_detail")
    list_prefetch_related = ("translations", "parent__translations")
    # The autocomplete of a service's categories searches here: by code or by name in any language.
    search_fields = ("code", "translations__name")
    autocomplete_fields = ("parent", "taxonomy_detail")
    ordering = ("code",)

    @admin.display(description=_("name"))
    def name_column(self, obj: TaxonomyTerm) -> str:
        return str(obj.safe_translation_getter("name", any_language=True) or "")


@admin.register(Attribute)
class AttributeAdmin(DirectoryAdmin):
    list_display = ("link_entity", "link_id", "taxonomy_term", "link_type", "value", "label")
    list_filter = ("link_entity",)
    id_search_fields = ("link_id",)
    list_select_related = ("taxonomy_term",)
    list_prefetch_related = ("taxonomy_term__translations",)
    search_fields = ("taxonomy_term__code", "label", "value")
    autocomplete_fields = ("taxonomy_term",)


@admin.register(Metadata)
class MetadataAdmin(RecordIdSearchMixin, admin.ModelAdmin):
    """Change records that came with imported data: kept as received, never edited here."""

    id_search_fields = ("resource_id",)
    show_full_result_count = False
    list_display = ("resource_type", "resource_id", "last_action_type", "last_action_date", "field_name", "updated_by")
    list_filter = ("resource_type", "last_action_type")
    search_fields = ("field_name", "updated_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MetaTableDescription)
class MetaTableDescriptionAdmin(DirectoryAdmin):
    list_display = ("name", "language", "character_set")
    search_fields = ("name",)
