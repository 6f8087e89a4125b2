from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newstart.directory.selectors import NearFilter, normalized_postcode
from newstart.eligibility.assessment import PersonSituation
from newstart.eligibility.models import ImmigrationClass, ImmigrationStatus
from newstart.navigator.antispam import form_token_issue
from newstart.navigator.display import SERVICE_LANGUAGE_FILTER_CODES, language_choice_label
from newstart.navigator.models import ProblemKind
from newstart.navigator.selectors import (
    POSTCODE_PATTERN,
    Category,
    NavigatorFilters,
    local_area_list,
    postcode_point,
)

RADIUS_CHOICES = [
    ("", _("Any distance")),
    ("1", _("Within 1 km")),
    ("2", _("Within 2 km")),
    ("5", _("Within 5 km")),
    ("10", _("Within 10 km")),
    ("25", _("Within 25 km")),
]


# The situation's parameters: kept in the query string only, never stored.
SITUATION_PARAMETERS = ("status", "landing_date", "immigration_class")
EARLIEST_LANDING = dt.date(1950, 1, 1)


class SituationForm(forms.Form):
    """The "Your situation" fieldset: optional; with a status, results say whether the person is likely eligible."""

    status = forms.ChoiceField(
        label=_("What is your immigration status?"),
        required=False,
        choices=[("", _("Do not use my situation")), *ImmigrationStatus.choices],
    )
    landing_date = forms.DateField(
        label=_("When did you become a permanent resident?"),
        help_text=_(
            "Only for permanent residents: the “Became P.R. on” date on your Confirmation of Permanent "
            "Residence (COPR). Year-month-day."
        ),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as year-month-day, for example 2025-03-15.")},
    )
    immigration_class = forms.ChoiceField(
        label=_("Which immigration class? (permanent residents only)"),
        required=False,
        choices=[("", _("I don't know")), *ImmigrationClass.choices],
    )

    def clean_landing_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("landing_date")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(
                _("The date you became a permanent resident cannot be in the future. Check the year.")
            )
        if value is not None and value < EARLIEST_LANDING:
            raise forms.ValidationError(_("Check the year: this date is too long ago."))
        return value

    def person(self) -> PersonSituation | None:
        """The person's situation, or None when they gave no status (or the form is not valid)."""
        if not self.is_valid() or not self.cleaned_data.get("status"):
            return None
        data = self.cleaned_data
        is_pr = data["status"] == ImmigrationStatus.PERMANENT_RESIDENT
        return PersonSituation(
            status=data["status"],
            landing_date=data.get("landing_date") if is_pr else None,
            immigration_class=(data.get("immigration_class") or None) if is_pr else None,
        )


class SearchForm(SituationForm):
    """The search page's filters. Every field is optional; an empty form lists every service."""

    q = forms.CharField(label=_("What do you need help with?"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False)
    language = forms.ChoiceField(label=_("Language of service"), required=False)
    postcode = forms.CharField(
        label=_("Near postal code"),
        required=False,
        max_length=10,
        help_text=_("For example V5K or V5K 0A1."),
    )
    area = forms.ChoiceField(label=_("Neighbourhood"), required=False)
    radius = forms.ChoiceField(label=_("Distance"), required=False, choices=RADIUS_CHOICES)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    free = forms.BooleanField(label=_("Free"), required=False)
    eligible_only = forms.BooleanField(label=_("Only services I am likely eligible for"), required=False)

    def __init__(self, *args: Any, categories: list[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("All categories"))] + [
            (c.code, c.name) for c in categories
        ]
        cast(forms.ChoiceField, self.fields["language"]).choices = [("", _("Any language"))] + [
            (code, language_choice_label(code)) for code in SERVICE_LANGUAGE_FILTER_CODES
        ]
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", _("Anywhere"))] + [
            (a.slug, a.name) for a in local_area_list()
        ]
        self.point: tuple[float, float] | None = None

    def clean_postcode(self) -> str:
        value = normalized_postcode(self.cleaned_data.get("postcode") or "")
        if not value:
            return ""
        if not POSTCODE_PATTERN.match(value):
            raise forms.ValidationError(
                _("Enter a Canadian postal code, like V5K 0A1, or its first three characters, like V5K."),
                code="invalid",
            )
        self.point = postcode_point(postcode=value)
        if self.point is None:
            raise forms.ValidationError(
                _(
                    "We do not know where this postal code is. "
                    "Try its first three characters, or choose a neighbourhood."
                ),
                code="unknown",
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if self.point is None and lat is not None and lon is not None:
            self.point = (lat, lon)
        return cleaned

    def filters(self) -> NavigatorFilters:
        """The filters a valid form asks for."""
        data = self.cleaned_data
        near = None
        if self.point is not None:
            radius = float(data["radius"]) if data.get("radius") else None
            near = NearFilter(latitude=self.point[0], longitude=self.point[1], radius_km=radius)
        return NavigatorFilters(
            category=data.get("category") or "",
            language=data.get("language") or "",
            local_area=data.get("area") or "",
            near=near,
            open_now=bool(data.get("open_now")),
            free=bool(data.get("free")),
        )

    def query(self) -> str:
        return (self.cleaned_data.get("q") or "").strip()


class ProblemReportForm(forms.Form):
    """What is wrong with a listing. Nothing personal is asked; an email only if the person wants a reply."""

    kind = forms.ChoiceField(label=_("What is wrong?"), choices=ProblemKind.choices, widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Tell us more (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write personal information about yourself or others."),
    )
    contact_email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        help_text=_("Only if you want a reply. We erase it when we are done."),
    )
    # A honeypot: hidden from people, filled in by many bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, purpose: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.purpose = purpose
        if not self.is_bound:
            self.initial["token"] = form_token_issue(purpose=purpose)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["contact_email"].widget.attrs.update({"autocomplete": "email"})

    def fresh_token(self) -> None:
        """Give a re-shown form a new token, so the person can send it again."""
        data = self.data.copy()  # type: ignore[attr-defined]
        data["token"] = form_token_issue(purpose=self.purpose)
        self.data = data
