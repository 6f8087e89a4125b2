"""The secretariat edits the plan's steps. Plans themselves are not in the admin: they hold what
newcomers typed, and only the person with the private link may see them."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from parler.admin import TranslatableAdmin
from parler.forms import TranslatableModelForm
from simple_history.admin import SimpleHistoryAdmin

from newstart.directory.taxonomies import settlement_taxonomy_data
from newstart.eligibility.models import ImmigrationStatus
from newstart.plans.models import PlanStep


def _taxonomy_codes() -> tuple[list[tuple[str, str]], set[str]]:
    """(top-level categories as choices, every settlement code) from the taxonomy file."""
    data = settlement_taxonomy_data()
    top = [(term.code, f"{term.code} — {term.names.get('en', term.code)}") for term in data.terms if not term.parent]
    return top, {term.code for term in data.terms}


class PlanStepForm(TranslatableModelForm):
    statuses = forms.MultipleChoiceField(
        label=_("Immigration statuses"),
        choices=ImmigrationStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shown to people with these statuses; none ticked: to everyone."),
    )
    need_categories = forms.MultipleChoiceField(
        label=_("Needs"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shown when the person ticks at least one of these needs; none ticked: whatever they tick."),
    )
    taxonomy_codes = forms.CharField(
        label=_("Taxonomy codes of helping services"),
        required=False,
        help_text=_("Settlement taxonomy codes separated by commas, e.g. MONEY-SIN, MONEY-BANK."),
    )

    class Meta:
        model = PlanStep
        fields = (
            "title",
            "body",
            "slug",
            "order",
            "is_active",
            "statuses",
            "need_categories",
            "child_age_min",
            "child_age_max",
            "arrived_within_days",
            "before_arrival",
            "taxonomy_codes",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        top, self._known_codes = _taxonomy_codes()
        self.fields["need_categories"].choices = top  # type: ignore[attr-defined]
        if self.instance.pk and isinstance(self.instance.taxonomy_codes, list):
            self.initial["taxonomy_codes"] = ", ".join(self.instance.taxonomy_codes)

    def clean_taxonomy_codes(self) -> list[str]:
        raw = self.cleaned_data.get("taxonomy_codes") or ""
        codes = [code.upper() for code in re.split(r"[\s,]+", raw) if code]
        unknown = [code for code in codes if code not in self._known_codes]
        if unknown:
            raise forms.ValidationError(_("Not settlement taxonomy codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        return list(dict.fromkeys(codes))


@admin.register(PlanStep)
class PlanStepAdmin(TranslatableAdmin, SimpleHistoryAdmin):
    form = PlanStepForm
    list_display = ("__str__", "order", "is_active", "slug")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("translations__title", "slug")
    ordering = ("order", "slug")
