"""HSDS location, service_at_location, address, accessibility, service_area;
and the partnership's local planning areas."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from newstart.directory.models.base import HsdsRecord


class LocalArea(models.Model):
    """A local planning area of the partnership's city (Vancouver has 22)."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    centroid_latitude = models.FloatField(_("centroid latitude"), null=True, blank=True)
    centroid_longitude = models.FloatField(_("centroid longitude"), null=True, blank=True)
    # A GeoJSON geometry (Polygon or MultiPolygon, WGS84); empty until boundaries are imported.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("local area")
        verbose_name_plural = _("local areas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("physical")
    POSTAL = "postal", _("postal")
    VIRTUAL = "virtual", _("virtual")


def coordinates_are_valid(latitude: float | None, longitude: float | None) -> bool:
    """Whether a point can be placed on Earth. HSDS itself does not forbid the
    impossible (its own example location has latitude 100)."""
    if latitude is None or longitude is None:
        return False
    return -90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0


class Location(HsdsRecord):
    hsds_type = "location"

    location_type = models.CharField(
        _("location type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.TextField(_("URL"), blank=True)
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="locations",
    )
    name = models.CharField(_("name"), max_length=500, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("transportation"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # False when the coordinates are missing or impossible: such a location is
    # kept (and exported as given) but never placed in geographic search.
    has_valid_coordinates = models.BooleanField(_("valid coordinates"), default=False, editable=False)
    external_identifier = models.CharField(_("external identifier"), max_length=500, blank=True)
    external_identifier_type = models.CharField(_("external identifier type"), max_length=200, blank=True)
    local_area = models.ForeignKey(
        LocalArea,
        verbose_name=_("local area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="locations",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        indexes = [
            models.Index(fields=["has_valid_coordinates", "latitude", "longitude"]),
            # Distances to services' offices (the radius filter, distance order) without reading the
            # locations' rows.
            models.Index(fields=["id", "has_valid_coordinates", "latitude", "longitude"], name="location_point"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)

    def save(self, *args: object, **kwargs: object) -> None:
        self.has_valid_coordinates = coordinates_are_valid(self.latitude, self.longitude)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ServiceAtLocation(HsdsRecord):
    hsds_type = "service_at_location"

    service = models.ForeignKey(
        "directory.Service", verbose_name=_("service"), on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")
        indexes = [models.Index(fields=["service", "location"], name="service_at_location_place")]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class AddressType(models.TextChoices):
    PHYSICAL = "physical", _("physical")
    POSTAL = "postal", _("postal")
    VIRTUAL = "virtual", _("virtual")


class Address(HsdsRecord):
    hsds_type = "address"

    location = models.ForeignKey(
        Location, verbose_name=_("location"), null=True, blank=True, on_delete=models.CASCADE, related_name="addresses"
    )
    attention = models.CharField(_("attention"), max_length=500, blank=True)
    address_1 = models.CharField(_("address line 1"), max_length=500)
    address_2 = models.CharField(_("address line 2"), max_length=500, blank=True)
    city = models.CharField(_("city"), max_length=200)
    region = models.CharField(_("region"), max_length=200, blank=True)
    state_province = models.CharField(_("province"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=20)
    country = models.CharField(_("country"), max_length=2)
    address_type = models.CharField(
        _("address type"), max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        indexes = [models.Index(fields=["postal_code"])]

    def __str__(self) -> str:
        return f"{self.address_1}, {self.city}"


class Accessibility(HsdsRecord):
    hsds_type = "accessibility"

    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="accessibility",
    )
    description = models.TextField(_("description"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.TextField(_("URL"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")

    def __str__(self) -> str:
        return self.description[:80]


class ServiceArea(HsdsRecord):
    hsds_type = "service_area"

    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="service_areas",
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        verbose_name=_("service at location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="service_areas",
    )
    name = models.TextField(_("name"), blank=True)
    description = models.TextField(_("description"), blank=True)
    extent = models.TextField(_("extent"), blank=True)
    extent_type = models.CharField(_("extent type"), max_length=50, blank=True)
    uri = models.TextField(_("URI"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self) -> str:
        return self.name[:80]
