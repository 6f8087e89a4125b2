"""The secretariat edits the search thesaurus here: concepts with their labels in every language."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from newstart.search.models import Concept, ConceptLabel


class ConceptLabelInline(admin.TabularInline):
    model = ConceptLabel
    fields = ("language", "text")
    extra = 1


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ("key", "broader", "taxonomy_codes", "label_count")
    list_select_related = ("broader",)
    search_fields = ("key", "taxonomy_codes", "labels__text")
    autocomplete_fields = ("broader",)
    inlines = (ConceptLabelInline,)

    @admin.display(description=_("labels"))
    def label_count(self, obj: Concept) -> int:
        return obj.labels.count()
