"""Organization editors in the directory admin: a partner organization's editors change only the listings
of their own organization (its record, its services and the rows under them).

Whoever holds the Django model permission (the secretariat group, superusers, anyone granted it directly)
is untouched by everything here. Everyone else is an editor when the partnership's rules say so
(``partnership.edit_directory_organization`` / ``partnership.edit_directory_service``): they see only their
organizations and services, may change them and the rows inlined under them, but add or delete neither
organizations nor services (a new listing goes through the secretariat, which checks it). Editors need
``is_staff`` to reach the admin; accepting an organization-editor invitation sets it.

Record lookups (autocomplete, the choices a form accepts) are limited the same way, so an editor never
sees, nor links to, another organization's organization, program or location.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from newstart.directory.models import Location, Organization, Program, Service

ORGANIZATION_PERMISSION = "partnership.edit_directory_organization"
SERVICE_PERMISSION = "partnership.edit_directory_service"


def organizations_edited_by(user: Any) -> QuerySet[Organization]:
    """The directory organizations ``user`` edits as an editor of an active partner organization."""
    return Organization.objects.filter(
        partner_organizations__editors=user, partner_organizations__active=True
    ).distinct()


def is_limited(request: HttpRequest, model: type[Model]) -> bool:
    """Whether the user sees only their own organizations' records of ``model`` (no model permission)."""
    user = request.user
    if user.is_superuser:
        return False
    opts = model._meta
    return not user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


def limit_to_editor(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """``queryset`` (organizations, services, programs or locations) cut to the editor's organizations."""
    organizations = organizations_edited_by(user).values("pk")
    model = queryset.model
    if model is Organization:
        return queryset.filter(pk__in=organizations)
    if model is Location:
        # A location of the editor's organization, or one their services are already offered at.
        return queryset.filter(
            Q(organization__in=organizations) | Q(service_at_locations__service__organization__in=organizations)
        ).distinct()
    if model in (Service, Program):
        return queryset.filter(organization__in=organizations)
    return queryset.none()


def is_autocomplete(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and match.url_name == "autocomplete"


class EditorLookupMixin:
    """FK choices offered to editors are limited to their organizations' records."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        remote = db_field.remote_field.model
        if remote in (Organization, Program, Location, Service) and is_limited(request, remote):
            kwargs["queryset"] = limit_to_editor(remote._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class OrganizationEditorMixin(EditorLookupMixin):
    """For OrganizationAdmin and ServiceAdmin: editors view and change their own records only."""

    editor_permission: str = ORGANIZATION_PERMISSION
    model: type[Model]

    def _may_edit(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm(self.editor_permission, obj))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self._may_edit(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or self._may_edit(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or self._may_edit(request, obj)  # type: ignore[misc]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        if is_limited(request, self.model):
            queryset = limit_to_editor(queryset, request.user)
        return queryset

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None and is_limited(request, self.model) and self._may_edit(request):
            # Not theirs (or not there): a plain "not found", never a hint that the record exists.
            raise Http404
        return obj


class EditorAutocompleteMixin:
    """For admins of records editors pick in autocomplete fields (programs, locations, reference data):
    editors may use the autocomplete, limited to their organizations' records, and nothing else."""

    model: type[Model]
    # Reference data everyone may pick from (local areas, units, taxonomy terms); otherwise limited.
    editor_lookup_unlimited: bool = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if super().has_view_permission(request, obj):  # type: ignore[misc]
            return True
        return obj is None and is_autocomplete(request) and bool(request.user.has_perm(ORGANIZATION_PERMISSION))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        if not self.editor_lookup_unlimited and is_limited(request, self.model):
            queryset = limit_to_editor(queryset, request.user)
        return queryset


class EditorInlineMixin(EditorLookupMixin):
    """Inlines under a service or organization: editable by whoever may edit the parent record."""

    parent_model: type[Model]

    def _may_edit_parent(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None:
            return False
        if isinstance(obj, Service):
            return bool(request.user.has_perm(SERVICE_PERMISSION, obj))
        if isinstance(obj, Organization):
            return bool(request.user.has_perm(ORGANIZATION_PERMISSION, obj))
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or self._may_edit_parent(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or self._may_edit_parent(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) or self._may_edit_parent(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) or self._may_edit_parent(request, obj)  # type: ignore[misc]


__all__ = [
    "EditorAutocompleteMixin",
    "EditorInlineMixin",
    "OrganizationEditorMixin",
    "is_limited",
    "limit_to_editor",
    "organizations_edited_by",
]
