"""Forms for publishing the strategy and tracking its actions. They validate input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newstart.common.languages import INTERFACE_LANGUAGES
from newstart.strategy.models import ActionStatus, Indicator


class DateInput(forms.DateInput):
    input_type = "date"


class StrategyPublishForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Written in your workspace language; add other languages after publishing."),
    )


class StrategyTranslationForm(forms.Form):
    """The strategy's title and summary in one interface language (one form per language tab)."""

    language = forms.ChoiceField(
        label=_("Language"), choices=[(lang.code, lang.own_name) for lang in INTERFACE_LANGUAGES]
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}), required=False)


class ProgressUpdateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=[(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")], coerce=int
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, help_text=_("From 0 to 100."))
    narrative = forms.CharField(
        label=_("What happened this quarter"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown in the annual progress report. Do not name private persons."),
    )

    @classmethod
    def initial_for(cls, *, status: str, progress: int) -> dict[str, Any]:
        today = timezone.localdate()
        return {"year": today.year, "quarter": (today.month - 1) // 3 + 1, "status": status, "progress": progress}


class IndicatorValueForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    date = forms.DateField(label=_("Date measured"), widget=DateInput)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput)
