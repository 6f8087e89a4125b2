"""The secretariat declares who a service is for. The lead also inlines ``ServiceEligibilityInline``
into the service admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from newstart.eligibility.models import ImmigrationStatus, ServiceEligibility

# "Not sure" describes a visitor, never a service.
DECLARABLE_STATUSES = [(code, label) for code, label in ImmigrationStatus.choices if code != ImmigrationStatus.NOT_SURE]


class ServiceEligibilityForm(forms.ModelForm):
    statuses = forms.MultipleChoiceField(
        label=_("Immigration statuses accepted"),
        choices=DECLARABLE_STATUSES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when the service is open to every status."),
    )

    class Meta:
        model = ServiceEligibility
        fields = ("service", "statuses", "funder_rule")

    def clean_statuses(self) -> list[str]:
        chosen = set(self.cleaned_data.get("statuses") or [])
        # Stored in the order of the choices, so an unchanged form saves an unchanged value.
        return [code for code, _label in DECLARABLE_STATUSES if code in chosen]


@admin.register(ServiceEligibility)
class ServiceEligibilityAdmin(SimpleHistoryAdmin):
    form = ServiceEligibilityForm
    autocomplete_fields = ("service",)
    list_display = ("service", "funder_rule", "status_list", "updated_at")
    list_filter = ("funder_rule",)
    search_fields = ("service__translations__name",)
    list_select_related = ("service",)

    @admin.display(description=_("statuses accepted"))
    def status_list(self, obj: ServiceEligibility) -> str:
        labels = dict(ImmigrationStatus.choices)
        return ", ".join(str(labels.get(code, code)) for code in obj.statuses) or str(_("every status"))

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).prefetch_related("service__translations")


class ServiceEligibilityInline(admin.StackedInline):
    """For the service admin: ``inlines = [..., ServiceEligibilityInline]``."""

    model = ServiceEligibility
    form = ServiceEligibilityForm
    fields = ("statuses", "funder_rule")
    extra = 0
    max_num = 1
    can_delete = True
    verbose_name = _("structured eligibility")
    verbose_name_plural = _("structured eligibility")
