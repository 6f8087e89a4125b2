"""The secretariat's admin for the partnership's records (permissions in rules.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from parler.admin import TranslatableAdmin

from newstart.partnership.models import (
    Attendance,
    Body,
    Decision,
    FocusArea,
    Invitation,
    InvitedSeat,
    Meeting,
    MeetingDocument,
    Membership,
    Notice,
    PartnerOrganization,
    Profile,
    Task,
    WelcomingCharacteristic,
)


@admin.register(FocusArea)
class FocusAreaAdmin(TranslatableAdmin):
    list_display = ("__str__", "code", "position", "active")
    list_editable = ("position", "active")


@admin.register(WelcomingCharacteristic)
class WelcomingCharacteristicAdmin(TranslatableAdmin):
    list_display = ("number", "__str__", "code")
    list_display_links = ("number", "__str__")


@admin.register(PartnerOrganization)
class PartnerOrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "directory_organization", "active")
    list_filter = ("active", "focus_areas")
    search_fields = ("name",)
    autocomplete_fields = ("directory_organization", "editors")
    filter_horizontal = ("focus_areas",)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = (
        "display_name",
        "organization",
        "preferred_language",
        "notification_preference",
        "is_private_person",
    )
    list_filter = ("is_private_person", "notification_preference", "preferred_language")
    search_fields = ("display_name", "user__email")
    autocomplete_fields = ("user", "organization")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "focus_area", "visibility", "active")
    list_filter = ("kind", "visibility", "active")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("body", "person", "role", "term_start", "term_end")
    list_filter = ("body", "role")
    autocomplete_fields = ("person",)


class DocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0
    fields = ("title", "original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # uploads go through the workspace, which checks type and size


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ("text",)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "body", "starts_at", "status")
    list_filter = ("body", "status")
    date_hierarchy = "starts_at"
    search_fields = ("title",)
    inlines = (DocumentInline, DecisionInline, AttendanceInline)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "body", "owner", "due_date", "status")
    list_filter = ("status", "body")
    search_fields = ("title",)
    autocomplete_fields = ("owner", "created_by")
    raw_id_fields = ("meeting",)


class InvitedSeatInline(admin.TabularInline):
    model = InvitedSeat
    extra = 0


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from the workspace (only there is the token emailed); here they are read
    and can be withdrawn (deleted)."""

    list_display = ("email", "invited_by", "created_at", "expires_at", "accepted_at")
    readonly_fields = (
        "email",
        "roles",
        "organization",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    )
    exclude = ("token_hash",)
    inlines = (InvitedSeatInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "kind", "created_at", "sent_at")
    list_filter = ("kind",)
    readonly_fields = ("recipient", "kind", "subject", "text", "url", "created_at", "sent_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
