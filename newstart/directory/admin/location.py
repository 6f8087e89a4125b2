"""Locations, where services are offered, and the partnership's local areas."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from newstart.directory.admin.base import DirectoryAdmin
from newstart.directory.admin.editors import EditorAutocompleteMixin
from newstart.directory.admin.inlines import (
    AccessibilityInline,
    AddressInline,
    LocationLanguageInline,
    LocationPhoneInline,
    LocationScheduleInline,
    LocationServiceInline,
)
from newstart.directory.models import Accessibility, Address, LocalArea, Location, ServiceArea, ServiceAtLocation


@admin.register(LocalArea)
class LocalAreaAdmin(EditorAutocompleteMixin, DirectoryAdmin):
    editor_lookup_unlimited = True

    list_display = ("name", "slug", "centroid_latitude", "centroid_longitude", "has_boundary")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    # Boundaries are imported GeoJSON, far too large to edit by hand.
    exclude = ("boundary",)

    @admin.display(description=_("boundary"), boolean=True)
    def has_boundary(self, obj: LocalArea) -> bool:
        return bool(getattr(obj, "boundary_present", False))

    def get_queryset(self, request: HttpRequest) -> QuerySet[LocalArea]:
        # The list never needs the (large) boundaries themselves, only whether there is one.
        return (
            super()
            .get_queryset(request)
            .defer("boundary")
            .annotate(boundary_present=ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField()))
        )


@admin.register(Location)
class LocationAdmin(EditorAutocompleteMixin, DirectoryAdmin):
    list_display = (
        "__str__",
        "organization",
        "location_type",
        "local_area",
        "latitude",
        "longitude",
        "has_valid_coordinates",
    )
    list_filter = ("location_type", "has_valid_coordinates", "local_area")
    list_select_related = ("organization", "local_area")
    list_prefetch_related = ("organization__translations",)
    search_fields = ("name", "alternate_name", "addresses__address_1", "addresses__postal_code")
    autocomplete_fields = ("organization", "local_area")
    readonly_fields = ("has_valid_coordinates",)
    inlines = (
        AddressInline,
        AccessibilityInline,
        LocationPhoneInline,
        LocationScheduleInline,
        LocationLanguageInline,
        LocationServiceInline,
    )


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(DirectoryAdmin):
    list_display = ("service", "location")
    list_select_related = ("service", "location")
    list_prefetch_related = ("service__translations",)
    search_fields = ("service__translations__name", "location__name")
    autocomplete_fields = ("service", "location")


@admin.register(Address)
class AddressAdmin(DirectoryAdmin):
    list_display = ("address_1", "city", "state_province", "postal_code", "country", "address_type", "location")
    list_filter = ("address_type", "state_province", "country")
    list_select_related = ("location",)
    search_fields = ("address_1", "address_2", "city", "postal_code", "location__name")
    autocomplete_fields = ("location",)


@admin.register(Accessibility)
class AccessibilityAdmin(DirectoryAdmin):
    list_display = ("__str__", "location", "url")
    list_select_related = ("location",)
    search_fields = ("description", "details", "location__name")
    autocomplete_fields = ("location",)


@admin.register(ServiceArea)
class ServiceAreaAdmin(DirectoryAdmin):
    list_display = ("__str__", "service", "extent_type")
    list_select_related = ("service",)
    list_prefetch_related = ("service__translations",)
    search_fields = ("name", "description", "service__translations__name")
    autocomplete_fields = ("service", "service_at_location")
