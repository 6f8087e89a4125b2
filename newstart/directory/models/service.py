"""HSDS service and the records that hang off it only."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields
from simple_history.models import HistoricalRecords

from newstart.directory.models.base import HsdsRecord, SourceLanguageMixin


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    INACTIVE = "inactive", _("inactive")
    DEFUNCT = "defunct", _("defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")


class Service(SourceLanguageMixin, HsdsRecord, TranslatableModel):
    hsds_type = "service"

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=500),
        alternate_name=models.CharField(_("alternate name"), max_length=500, blank=True),
        description=models.TextField(_("description"), blank=True),
        eligibility_description=models.TextField(_("eligibility"), blank=True),
        fees_description=models.TextField(_("fees"), blank=True),
        application_process=models.TextField(_("application process"), blank=True),
        alert=models.TextField(_("alert"), blank=True),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="services",
    )
    program = models.ForeignKey(
        "directory.Program",
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
    )
    url = models.TextField(_("URL"), blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    interpretation_services = models.TextField(_("interpretation services"), blank=True)
    wait_time = models.TextField(_("wait time"), blank=True)
    fees = models.TextField(_("fees (deprecated HSDS field)"), blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    minimum_age = models.FloatField(_("minimum age"), null=True, blank=True)
    maximum_age = models.FloatField(_("maximum age"), null=True, blank=True)
    assured_date = models.DateField(
        _("last verified"), null=True, blank=True, help_text=_("When the secretariat last confirmed this listing.")
    )
    assurer_email = models.CharField(_("verified by (email)"), max_length=254, blank=True)
    licenses = models.TextField(_("licenses"), blank=True)
    # Kept as given on import (HSDS round-trips); set to now by every edit made here.
    last_modified = models.DateTimeField(_("last modified"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False, help_text=_("Fictional record from the demo."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [
            models.Index(fields=["status", "assured_date"]),
            models.Index(fields=["last_modified"]),
        ]

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.id)


class CostOption(HsdsRecord):
    hsds_type = "cost_option"

    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.CASCADE, related_name="cost_options"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    option = models.TextField(_("option"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=4, null=True, blank=True)
    amount_description = models.TextField(_("amount description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")

    def __str__(self) -> str:
        return self.option or str(self.amount)


class RequiredDocument(HsdsRecord):
    hsds_type = "required_document"

    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="required_documents",
    )
    document = models.TextField(_("document"), blank=True)
    uri = models.TextField(_("URI"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self) -> str:
        return self.document[:80]


class Unit(HsdsRecord):
    hsds_type = "unit"

    name = models.CharField(_("name"), max_length=200)
    scheme = models.CharField(_("scheme"), max_length=200, blank=True)
    identifier = models.CharField(_("identifier"), max_length=200, blank=True)
    uri = models.TextField(_("URI"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class ServiceCapacity(HsdsRecord):
    hsds_type = "service_capacity"

    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.CASCADE, related_name="capacities"
    )
    # Nullable: HSDS requires a unit, but an imported capacity may name a unit its dataset lacks;
    # the link is then left out (with a warning) rather than the dataset refused.
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="capacities"
    )
    available = models.FloatField(_("available"))
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    updated = models.DateTimeField(_("updated"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service capacity")
        verbose_name_plural = _("service capacities")

    def __str__(self) -> str:
        return f"{self.available} {self.unit}" if self.unit is not None else str(self.available)
