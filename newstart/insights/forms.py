"""The forms of the Insights pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from newstart.insights.gaps import (
    DEFAULT_CATCHMENT_KM,
    DEFAULT_METHOD,
    MAX_CATCHMENT_KM,
    MIN_CATCHMENT_KM,
    GapParameters,
)
from newstart.insights.languages import census_language_name
from newstart.insights.overlap import DEFAULT_DISTANCE_KM, DEFAULT_THRESHOLD, OverlapSettings
from newstart.insights.selectors import home_language_totals, settlement_category_list

METHOD_CHOICES = [
    ("e2sfca", _("Enhanced two-step floating catchment (E2SFCA): nearer services count more")),
    ("2sfca", _("Two-step floating catchment (2SFCA): every service in the catchment counts the same")),
]


class GapForm(forms.Form):
    """The gap analysis's parameters (GET)."""

    category = forms.ChoiceField(label=_("Category of services"))
    language = forms.ChoiceField(
        label=_("Home language"),
        required=False,
        help_text=_("Demand is the people speaking it most often at home; with none, the recent immigrants."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=METHOD_CHOICES, initial=DEFAULT_METHOD)
    catchment_km = forms.FloatField(
        label=_("Catchment (km)"),
        min_value=MIN_CATCHMENT_KM,
        max_value=MAX_CATCHMENT_KM,
        initial=DEFAULT_CATCHMENT_KM,
        help_text=_("Services farther than this from an area's centre do not count for it (straight-line distance)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (choice.code, f"{choice.name} ({choice.code})") for choice in settlement_category_list()
        ]
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("Recent immigrants (any language)")),
            *((total.code, census_language_name(total.code)) for total in home_language_totals()),
        ]

    def parameters(self) -> GapParameters:
        data = self.cleaned_data
        return GapParameters(
            category=data["category"],
            language=data["language"] or "",
            method=data["method"] or DEFAULT_METHOD,
            catchment_km=float(data["catchment_km"] if data["catchment_km"] is not None else DEFAULT_CATCHMENT_KM),
        )


def gap_form_data(query: Any) -> dict[str, Any]:
    """The submitted parameters with the defaults filled in for what the query leaves out."""
    return {
        "category": query.get("category", ""),
        "language": query.get("language", ""),
        "method": query.get("method") or DEFAULT_METHOD,
        "catchment_km": query.get("catchment_km") or DEFAULT_CATCHMENT_KM,
    }


class GapRegisterForm(forms.Form):
    """Adds the analysis to the strategy's gaps register: which body records it, and its title."""

    body: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Recorded by"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=300)

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


class OverlapForm(forms.Form):
    distance_km = forms.FloatField(
        label=_("Nearby means within (km)"), min_value=0, max_value=20, initial=DEFAULT_DISTANCE_KM, required=False
    )
    threshold = forms.FloatField(
        label=_("Smallest similarity listed (0 to 1)"),
        min_value=0,
        max_value=1,
        initial=DEFAULT_THRESHOLD,
        required=False,
    )

    def settings(self) -> OverlapSettings:
        data = self.cleaned_data if self.is_valid() else {}
        distance = data.get("distance_km")
        threshold = data.get("threshold")
        return OverlapSettings(
            distance_km=DEFAULT_DISTANCE_KM if distance is None else distance,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        )


class ImportForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            ("import_areas", _("Local-area boundaries (GeoJSON)")),
            ("census_vancouver", _("Census profile (City of Vancouver CSV)")),
            ("census_tidy", _("Indicators (tidy CSV: area,indicator,value,year[,language][,source])")),
        ],
    )
    file = forms.FileField(label=_("File"))
