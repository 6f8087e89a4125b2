"""Organizations and the records that belong to organizations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from newstart.directory.admin.base import DirectoryAdmin, TranslatedDirectoryAdmin
from newstart.directory.admin.editors import EditorAutocompleteMixin, OrganizationEditorMixin, is_limited
from newstart.directory.admin.inlines import (
    OrganizationContactInline,
    OrganizationIdentifierInline,
    OrganizationLocationInline,
    OrganizationPhoneInline,
    ProgramInline,
)
from newstart.directory.models import Funding, Organization, OrganizationIdentifier, Program, Url


@admin.register(Organization)
class OrganizationAdmin(OrganizationEditorMixin, TranslatedDirectoryAdmin):
    list_display = ("name_column", "language_column", "alternate_name", "email", "website", "is_demo")
    list_filter = ("is_demo", "source_language")
    search_fields = ("translations__name", "alternate_name", "email")
    autocomplete_fields = ("parent_organization",)
    fieldsets = (
        (None, {"fields": ("name", "alternate_name", "description", "source_language", "parent_organization")}),
        (_("Contact"), {"fields": ("email", "website", "logo", "uri")}),
        (_("Legal"), {"fields": ("legal_status", "tax_status", "tax_id", "year_incorporated")}),
        (None, {"fields": ("is_demo",)}),
    )
    inlines = (
        OrganizationLocationInline,
        ProgramInline,
        OrganizationIdentifierInline,
        OrganizationPhoneInline,
        OrganizationContactInline,
    )

    @admin.display(description=_("name"))
    def name_column(self, obj: Organization) -> str:
        return str(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if is_limited(request, Organization):
            # An editor may not move their organization under (or out from under) another one.
            fields += ("parent_organization",)
        return fields


class OrganizationChildAdmin(DirectoryAdmin):
    """A record belonging to an organization: the organization's name is shown in the list."""

    list_select_related: Sequence[str] = ("organization",)
    list_prefetch_related: tuple[str, ...] = ("organization__translations",)
    autocomplete_fields: Sequence[str] = ("organization",)


@admin.register(Program)
class ProgramAdmin(EditorAutocompleteMixin, OrganizationChildAdmin):
    list_display = ("name", "alternate_name", "organization")
    search_fields = ("name", "alternate_name", "organization__translations__name")


@admin.register(OrganizationIdentifier)
class OrganizationIdentifierAdmin(OrganizationChildAdmin):
    list_display = ("identifier", "identifier_type", "identifier_scheme", "organization")
    list_filter = ("identifier_scheme",)
    search_fields = ("identifier", "organization__translations__name")


@admin.register(Funding)
class FundingAdmin(OrganizationChildAdmin):
    list_display = ("__str__", "organization", "service")
    list_select_related = ("organization", "service")
    list_prefetch_related = ("organization__translations", "service__translations")
    search_fields = ("source", "organization__translations__name", "service__translations__name")
    autocomplete_fields = ("organization", "service")


@admin.register(Url)
class UrlAdmin(OrganizationChildAdmin):
    list_display = ("url", "label", "organization", "service")
    list_select_related = ("organization", "service")
    list_prefetch_related = ("organization__translations", "service__translations")
    search_fields = ("url", "label")
    autocomplete_fields = ("organization", "service")
