"""Services, and the records that belong to services only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newstart.directory.admin.base import DirectoryAdmin, TranslatedDirectoryAdmin
from newstart.directory.admin.editors import SERVICE_PERMISSION, EditorAutocompleteMixin, OrganizationEditorMixin
from newstart.directory.admin.filters import TaxonomyCategoryFilter, VerificationStatusFilter
from newstart.directory.admin.inlines import (
    CostOptionInline,
    RequiredDocumentInline,
    ServiceAreaInline,
    ServiceAtLocationInline,
    ServiceCapacityInline,
    ServiceContactInline,
    ServiceFundingInline,
    ServiceLanguageInline,
    ServicePhoneInline,
    ServiceScheduleInline,
    ServiceUrlInline,
)
from newstart.directory.forms import ServiceAdminForm
from newstart.directory.models import CostOption, RequiredDocument, Service, ServiceCapacity, Unit
from newstart.directory.services import service_mark_verified, service_set_taxonomy_terms
from newstart.eligibility.admin import ServiceEligibilityInline


def organization_name(obj: Any) -> str:
    organization = obj.organization
    return str(organization) if organization is not None else ""


@admin.action(description=_("Mark as verified"), permissions=["change"])
def mark_verified(modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]) -> None:
    count = service_mark_verified(services=queryset, user=request.user)  # type: ignore[arg-type]
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d service marked as verified.",
            "%(count)d services marked as verified.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


class ServiceListMixin:
    """The columns the service lists share (the full list and the verification queue)."""

    list_select_related: Sequence[str] = ("organization",)
    list_prefetch_related: tuple[str, ...] = ("translations", "organization__translations")

    @admin.display(description=_("organization"))
    def organization_column(self, obj: Service) -> str:
        return organization_name(obj)

    @admin.display(description=_("name"))
    def name_column(self, obj: Service) -> str:
        return str(obj)


@admin.register(Service)
class ServiceAdmin(OrganizationEditorMixin, ServiceListMixin, TranslatedDirectoryAdmin):
    editor_permission = SERVICE_PERMISSION
    form = ServiceAdminForm
    list_display = (
        "name_column",
        "organization_column",
        "language_column",
        "status",
        "assured_date",
        "last_modified",
        "is_demo",
    )
    list_filter = (
        "status",
        VerificationStatusFilter,
        TaxonomyCategoryFilter,
        "is_demo",
        "source_language",
    )
    search_fields = ("translations__name", "translations__alternate_name", "email")
    autocomplete_fields = ("organization", "program")
    readonly_fields = ("last_modified",)
    actions = (mark_verified,)
    ordering = ("-last_modified",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "alternate_name",
                    "organization",
                    "program",
                    "status",
                    "categories",
                    "description",
                    "source_language",
                )
            },
        ),
        (
            _("For newcomers"),
            {
                "fields": (
                    "eligibility_description",
                    "fees_description",
                    "application_process",
                    "alert",
                    "minimum_age",
                    "maximum_age",
                    "interpretation_services",
                    "wait_time",
                )
            },
        ),
        (_("Contact"), {"fields": ("url", "email")}),
        (
            _("Verification"),
            {"fields": ("assured_date", "assurer_email", "last_modified", "is_demo")},
        ),
        (
            _("More HSDS fields"),
            {"classes": ("collapse",), "fields": ("fees", "accreditations", "licenses")},
        ),
    )
    inlines = (
        ServicePhoneInline,
        ServiceScheduleInline,
        ServiceLanguageInline,
        CostOptionInline,
        RequiredDocumentInline,
        ServiceAtLocationInline,
        ServiceContactInline,
        ServiceCapacityInline,
        ServiceUrlInline,
        ServiceFundingInline,
        ServiceAreaInline,
        ServiceEligibilityInline,
    )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        # The categories widget must call this admin site's autocomplete view.
        kwargs["form"] = type("ServiceAdminForm", (self.form,), {"admin_site": self.admin_site})
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Service, form: ModelForm[Any], change: bool) -> None:
        # An edit here is a real change to the listing (the importer keeps the source's dates).
        obj.last_modified = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Only a form that shows the categories may change them.
        if "categories" in form.cleaned_data:
            service_set_taxonomy_terms(service=form.instance, terms=form.cleaned_data["categories"])


@admin.register(CostOption)
class CostOptionAdmin(DirectoryAdmin):
    list_display = ("__str__", "service", "amount", "currency", "valid_from", "valid_to")
    list_select_related = ("service",)
    list_prefetch_related = ("service__translations",)
    list_filter = ("currency",)
    search_fields = ("option", "amount_description", "service__translations__name")
    autocomplete_fields = ("service",)


@admin.register(RequiredDocument)
class RequiredDocumentAdmin(DirectoryAdmin):
    list_display = ("__str__", "service", "uri")
    list_select_related = ("service",)
    list_prefetch_related = ("service__translations",)
    search_fields = ("document", "service__translations__name")
    autocomplete_fields = ("service",)


@admin.register(Unit)
class UnitAdmin(EditorAutocompleteMixin, DirectoryAdmin):
    editor_lookup_unlimited = True

    list_display = ("name", "scheme", "identifier", "uri")
    search_fields = ("name", "identifier")


@admin.register(ServiceCapacity)
class ServiceCapacityAdmin(DirectoryAdmin):
    list_display = ("service", "unit", "available", "maximum", "updated")
    list_select_related = ("service", "unit")
    list_prefetch_related = ("service__translations",)
    search_fields = ("description", "service__translations__name", "unit__name")
    autocomplete_fields = ("service", "unit")
