"""The secretariat's work queue: services whose listing must be checked again."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from parler.admin import TranslatableAdmin

from newstart.directory.admin.base import RecordIdSearchMixin
from newstart.directory.admin.service import ServiceListMixin, mark_verified
from newstart.directory.freshness import DUE_ORDERING, due_condition
from newstart.directory.models import ServiceVerification


@admin.register(ServiceVerification)
class ServiceVerificationAdmin(ServiceListMixin, RecordIdSearchMixin, TranslatableAdmin):
    """Never-verified services first, then the longest unverified; edits happen on the service's own page."""

    show_full_result_count = False
    list_per_page = 100
    list_display = (
        "service_link",
        "organization_column",
        "assured_date",
        "assurer_email",
        "last_modified",
        "status",
        "is_demo",
    )
    list_display_links = None
    list_filter = ("status", "is_demo")
    search_fields = ("translations__name", "organization__translations__name")
    actions = (mark_verified,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request).filter(due_condition())
        return queryset.prefetch_related(*self.list_prefetch_related).order_by(*DUE_ORDERING)

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return list(DUE_ORDERING)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        days = settings.DIRECTORY_VERIFY_AFTER_DAYS
        context = {
            "subtitle": ngettext(
                "Services never verified, or last verified more than %(days)d day ago.",
                "Services never verified, or last verified more than %(days)d days ago.",
                days,
            )
            % {"days": days},
        }
        context.update(extra_context or {})
        return super().changelist_view(request, extra_context=context)

    @admin.display(description=_("service"))
    def service_link(self, obj: ServiceVerification) -> str:
        url = reverse(f"{self.admin_site.name}:directory_service_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, str(obj))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # One place to edit a service: its own page, with the full form, inlines and history.
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:directory_service_change", args=[object_id]))

    # The queue follows the rights on services themselves.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return user.has_perm("directory.view_service") or user.has_perm("directory.change_service")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("directory.change_service")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
