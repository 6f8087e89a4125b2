from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newstart.navigator.models import ProblemReport, ProblemReportStatus
from newstart.navigator.services import problem_report_erase_contact, problem_report_resolve


class OpenByDefaultStatusFilter(admin.SimpleListFilter):
    """The secretariat's work list: open reports unless another status is chosen."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [*ProblemReportStatus.choices, (self.ALL, _("All"))]

    def value(self) -> str:
        return super().value() or ProblemReportStatus.OPEN

    def choices(self, changelist: Any) -> Iterator[Any]:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[ProblemReport]) -> QuerySet[ProblemReport]:
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "service", "kind", "status", "short_message", "has_contact")
    list_filter = (OpenByDefaultStatusFilter, "kind")
    list_select_related = ("service",)
    search_fields = ("message",)
    date_hierarchy = "created_at"
    readonly_fields = ("service", "kind", "message", "language", "created_at", "resolved_at")
    fields = ("service", "kind", "message", "language", "contact_email", "created_at", "status", "resolved_at")
    actions = ("mark_resolved", "erase_contact_email")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProblemReport]:
        return super().get_queryset(request).prefetch_related("service__translations")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("message"))
    def short_message(self, report: ProblemReport) -> str:
        return report.message[:80]

    @admin.display(description=_("contact email given"), boolean=True)
    def has_contact(self, report: ProblemReport) -> bool:
        return bool(report.contact_email)

    @admin.action(description=_("Mark selected reports resolved"), permissions=["change"])
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[ProblemReport]) -> None:
        count = problem_report_resolve(reports=queryset)
        self.message_user(
            request,
            ngettext("%(count)d report marked resolved.", "%(count)d reports marked resolved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Erase contact emails of selected reports"), permissions=["change"])
    def erase_contact_email(self, request: HttpRequest, queryset: QuerySet[ProblemReport]) -> None:
        count = problem_report_erase_contact(reports=queryset)
        self.message_user(
            request,
            ngettext("%(count)d contact email erased.", "%(count)d contact emails erased.", count) % {"count": count},
            messages.SUCCESS,
        )
