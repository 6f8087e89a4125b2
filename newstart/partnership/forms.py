"""The workspace's forms. They parse and check input; services.py writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from newstart.partnership.models import (
    AttendanceStatus,
    Body,
    Meeting,
    PartnerOrganization,
    Profile,
    Task,
    TaskStatus,
)
from newstart.partnership.roles import INVITATION_ROLE_CHOICES, SECRETARIAT_GROUP
from newstart.partnership.selectors import person_name


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email"), max_length=254, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    error_messages = {
        # The same words whether or not the account exists.
        "invalid_login": _("The email or the password is not right. Both may be case-sensitive."),
        "inactive": _("The email or the password is not right. Both may be case-sensitive."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ("display_name", "preferred_language", "notification_preference")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_name(obj)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    display_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Partnership roles"),
        choices=INVITATION_ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=PartnerOrganization.objects.filter(active=True), required=False
    )
    is_private_person = forms.BooleanField(
        label=_("Takes part as a private person (for example with lived experience)"), required=False
    )
    member_of = forms.ModelMultipleChoiceField(
        label=_("Member of"),
        queryset=Body.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    chair_of = forms.ModelMultipleChoiceField(
        label=_("Chair of"),
        queryset=Body.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(label=_("Language of the invitation email"), choices=())

    def __init__(self, *args: Any, may_grant_secretariat: bool, languages: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages  # type: ignore[attr-defined]
        if not may_grant_secretariat:
            self.fields["roles"].choices = [c for c in INVITATION_ROLE_CHOICES if c[0] != SECRETARIAT_GROUP]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both = set(data.get("member_of") or []) & set(data.get("chair_of") or [])
        if both:
            self.add_error("chair_of", _("Choose either member or chair for each body."))
        if "organization_editor" in (data.get("roles") or []) and not data.get("organization"):
            self.add_error("organization", _("An organization editor needs an organization."))
        return data


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(label=_("Your name as others will see it"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            user = get_user_model()(username=self.email, email=self.email)
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingForm(forms.ModelForm):
    online_url = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = ("title", "starts_at", "ends_at", "place", "online_url", "agenda", "status")
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 8}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("A meeting cannot end before it starts."))
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 14}), required=False)
    held = forms.BooleanField(label=_("The meeting was held"), required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))


class AttendanceForm(forms.Form):
    """One choice per person; field names are ``person_<id>``."""

    def __init__(self, *args: Any, people: list[tuple[Any, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not recorded")), *AttendanceStatus.choices]
        self.people = people
        for person, status in people:
            self.fields[f"person_{person.pk}"] = forms.ChoiceField(
                label=person_name(person), choices=choices, required=False, initial=status
            )

    def statuses(self) -> dict[int, str]:
        return {person.pk: self.cleaned_data.get(f"person_{person.pk}") or "" for person, _status in self.people}


class TaskForm(forms.ModelForm):
    owner = PersonChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False)

    class Meta:
        model = Task
        fields = ("title", "description", "owner", "due_date")
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, owners: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
