"""The needs check: a short form that works without JavaScript, every error tied to its field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newstart.eligibility.models import ImmigrationClass, ImmigrationStatus
from newstart.plans.services import PlanInput

HOUSEHOLD_ROWS = 6
MAX_AGE = 120
# Arrival dates accepted: from this year, to this many days ahead.
EARLIEST_ARRIVAL = dt.date(1940, 1, 1)
PLANNED_ARRIVAL_MAX_DAYS = 2 * 366
POSTAL_CODE = re.compile(r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])(\d[ABCEGHJ-NPRSTV-Z]\d)?$")

# Languages a visitor may speak, each named in itself (no translation needed, and screen readers
# switch voice with the lang attribute). Codes as the directory's Language rows use them.
SPOKEN_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("fr", "Français"),
    ("zh", "中文"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("tl", "Tagalog"),
    ("fa", "فارسی"),
    ("ar", "العربية"),
    ("es", "Español"),
    ("ko", "한국어"),
    ("vi", "Tiếng Việt"),
    ("uk", "Українська"),
    ("hi", "हिन्दी"),
    ("ur", "اردو"),
    ("ru", "Русский"),
    ("pt", "Português"),
    ("so", "Soomaali"),
    ("ti", "ትግርኛ"),
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d")


def _age_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "min_value": _("Enter an age from 0 to 120."),
            "max_value": _("Enter an age from 0 to 120."),
            "invalid": _("Enter the age as a whole number, for example 7."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_AGE, "class": "age"}),
    )


class PlanForm(forms.Form):
    arrival_date = forms.DateField(
        label=_("When did you arrive in Canada, or when do you plan to arrive?"),
        help_text=_("Year-month-day, for example 2025-03-15."),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Enter the date you arrived in Canada, or the date you plan to arrive."),
            "invalid": _("Enter the date as year-month-day, for example 2025-03-15."),
        },
    )
    status = forms.ChoiceField(
        label=_("What is your immigration status?"),
        choices=ImmigrationStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your immigration status, or “Not sure”.")},
    )
    landing_date = forms.DateField(
        label=_("When did you become a permanent resident?"),
        help_text=_(
            "Only for permanent residents: the “Became P.R. on” date on your Confirmation of Permanent "
            "Residence (COPR). Year-month-day."
        ),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter the date as year-month-day, for example 2025-03-15.")},
    )
    immigration_class = forms.ChoiceField(
        label=_("Which immigration class? (permanent residents only)"),
        choices=[("", _("I don't know")), *ImmigrationClass.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    languages = forms.MultipleChoiceField(
        label=_("Which languages do you speak?"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = forms.MultipleChoiceField(
        label=_("What do you need help with?"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    postal_code = forms.CharField(
        label=_("Your postal code"),
        help_text=_("To list services near you. The first three characters are enough, for example V5K."),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "autocapitalize": "characters", "size": 8}),
    )

    def __init__(
        self, *args: Any, categories: Sequence[tuple[str, str]] = (), today: dt.date | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["needs"].choices = list(categories)  # type: ignore[attr-defined]
        for row in range(1, HOUSEHOLD_ROWS + 1):
            label = _("Your age") if row == 1 else _("Person %(number)s") % {"number": row}
            self.fields[f"age_{row}"] = _age_field(label)

    def age_fields(self) -> list[forms.BoundField]:
        return [self[f"age_{row}"] for row in range(1, HOUSEHOLD_ROWS + 1)]

    def clean_arrival_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["arrival_date"]
        if value < EARLIEST_ARRIVAL:
            raise forms.ValidationError(_("Check the year: this date is too long ago."))
        if value > self.today + dt.timedelta(days=PLANNED_ARRIVAL_MAX_DAYS):
            raise forms.ValidationError(_("Enter a planned arrival date within the next two years."))
        return value

    def clean_postal_code(self) -> str:
        raw: str = self.cleaned_data.get("postal_code") or ""
        code = re.sub(r"[\s-]+", "", raw).upper()
        if not code:
            return ""
        if not POSTAL_CODE.match(code):
            raise forms.ValidationError(_("Enter a Canadian postal code, like V5K 0A1, or its first three characters."))
        return code if len(code) == 3 else f"{code[:3]} {code[3:]}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == ImmigrationStatus.PERMANENT_RESIDENT:
            landing = cleaned.get("landing_date")
            if landing is None and "landing_date" not in self.errors:
                self.add_error("landing_date", _("Enter the date you became a permanent resident."))
            elif landing is not None and landing > self.today:
                self.add_error(
                    "landing_date",
                    _("The date you became a permanent resident cannot be in the future. Check the year."),
                )
            elif landing is not None and landing < EARLIEST_ARRIVAL:
                self.add_error("landing_date", _("Check the year: this date is too long ago."))
        else:
            # Only permanent residents have a landing date and class; anything else typed there is dropped.
            cleaned["landing_date"] = None
            cleaned["immigration_class"] = ""
            self.errors.pop("landing_date", None)
        return cleaned

    def plan_input(self) -> PlanInput:
        data = self.cleaned_data
        ages = tuple(data[f"age_{row}"] for row in range(1, HOUSEHOLD_ROWS + 1) if data.get(f"age_{row}") is not None)
        return PlanInput(
            arrival_date=data["arrival_date"],
            status=data["status"],
            landing_date=data.get("landing_date"),
            immigration_class=data.get("immigration_class") or "",
            household_ages=ages,
            languages=tuple(data.get("languages") or ()),
            needs=tuple(data.get("needs") or ()),
            postal_code=data.get("postal_code") or "",
        )
