"""Contacts, phones, schedules and languages: records that hang off several kinds of parent."""

from __future__ import annotations

from django.contrib import admin

from newstart.directory.admin.base import DirectoryAdmin
from newstart.directory.models import Contact, Language, Phone, Schedule

# Each of these may belong to a service, a location, an organization or a service at a location.
PARENT_RELATIONS = ("service", "location", "organization", "service_at_location")


@admin.register(Contact)
class ContactAdmin(DirectoryAdmin):
    list_display = ("__str__", "title", "department", "email", "service", "organization", "location")
    list_select_related = ("service", "organization", "location")
    list_prefetch_related = ("service__translations", "organization__translations")
    search_fields = ("name", "title", "department", "email")
    autocomplete_fields = PARENT_RELATIONS


@admin.register(Phone)
class PhoneAdmin(DirectoryAdmin):
    list_display = ("number", "extension", "type", "service", "organization", "location")
    list_filter = ("type",)
    list_select_related = ("service", "organization", "location")
    list_prefetch_related = ("service__translations", "organization__translations")
    search_fields = ("number", "description")
    autocomplete_fields = (*PARENT_RELATIONS, "contact")


@admin.register(Schedule)
class ScheduleAdmin(DirectoryAdmin):
    list_display = ("__str__", "freq", "byday", "opens_at", "closes_at", "service", "location")
    list_filter = ("freq",)
    list_select_related = ("service", "location")
    list_prefetch_related = ("service__translations",)
    search_fields = ("description", "byday", "notes")
    autocomplete_fields = ("service", "location", "service_at_location")


@admin.register(Language)
class LanguageAdmin(DirectoryAdmin):
    list_display = ("__str__", "code", "service", "location", "phone")
    list_filter = ("code",)
    list_select_related = ("service", "location", "phone")
    list_prefetch_related = ("service__translations",)
    search_fields = ("name", "code", "note")
    autocomplete_fields = ("service", "location", "phone")
