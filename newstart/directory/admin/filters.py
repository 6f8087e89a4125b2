"""List filters for the directory admin."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from newstart.directory.freshness import Freshness, freshness_condition
from newstart.directory.models import Attribute, Service, TaxonomyTerm

# The directory's own taxonomy (see the shared conventions); its top-level terms are the filter's choices.
SETTLEMENT_TAXONOMY_NAME = "newstart settlement taxonomy"


class VerificationStatusFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verification"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            (Freshness.OVERDUE.value, _("overdue")),
            (Freshness.NEVER.value, _("never verified")),
            (Freshness.UP_TO_DATE.value, _("up to date")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        try:
            freshness = Freshness(self.value() or "")
        except ValueError:
            return queryset
        return queryset.filter(freshness_condition(freshness=freshness))


def top_level_categories() -> QuerySet[TaxonomyTerm]:
    """The settlement taxonomy's top-level terms; every taxonomy's top-level terms where it is not loaded."""
    roots = TaxonomyTerm.objects.filter(parent__isnull=True)
    settlement = roots.filter(Q(taxonomy_detail__name=SETTLEMENT_TAXONOMY_NAME) | Q(taxonomy=SETTLEMENT_TAXONOMY_NAME))
    chosen = settlement if settlement.exists() else roots
    return chosen.prefetch_related("translations").order_by("code")


class TaxonomyCategoryFilter(admin.SimpleListFilter):
    """Services listed under a top-level category or any term below it (two levels down)."""

    title = _("category")
    parameter_name = "category"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(str(term.pk), str(term)) for term in top_level_categories()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        try:
            term_id = uuid.UUID(str(value))
        except ValueError:
            return queryset.none()
        terms = TaxonomyTerm.objects.filter(Q(pk=term_id) | Q(parent_id=term_id) | Q(parent__parent_id=term_id))
        linked = Attribute.objects.filter(
            link_entity=Service.hsds_type, link_id=OuterRef("pk"), taxonomy_term__in=terms.values("pk")
        )
        return queryset.filter(Exists(linked))
