"""HSDS organization, program, organization_identifier, funding, url."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields
from simple_history.models import HistoricalRecords

from newstart.directory.models.base import HsdsRecord, SourceLanguageMixin


class Organization(SourceLanguageMixin, HsdsRecord, TranslatableModel):
    hsds_type = "organization"

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=500),
        description=models.TextField(_("description"), blank=True),
    )
    alternate_name = models.CharField(_("alternate name"), max_length=500, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    website = models.TextField(_("website"), blank=True)
    tax_status = models.CharField(_("tax status"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=200, blank=True)
    year_incorporated = models.FloatField(_("year incorporated"), null=True, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=200, blank=True)
    logo = models.TextField(_("logo"), blank=True)
    uri = models.TextField(_("URI"), blank=True)
    parent_organization = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="child_organizations",
    )
    is_demo = models.BooleanField(_("demo data"), default=False, help_text=_("Fictional record from the demo."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.id)


class Program(HsdsRecord):
    hsds_type = "program"

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="programs",
    )
    name = models.CharField(_("name"), max_length=500)
    alternate_name = models.CharField(_("alternate name"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(HsdsRecord):
    hsds_type = "organization_identifier"

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="organization_identifiers",
    )
    identifier_scheme = models.CharField(_("identifier scheme"), max_length=200, blank=True)
    identifier_type = models.CharField(_("identifier type"), max_length=200)
    identifier = models.CharField(_("identifier"), max_length=500)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization identifier")
        verbose_name_plural = _("organization identifiers")

    def __str__(self) -> str:
        return f"{self.identifier_type}: {self.identifier}"


class Funding(HsdsRecord):
    hsds_type = "funding"

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="funding",
    )
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="funding",
    )
    source = models.TextField(_("source"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")

    def __str__(self) -> str:
        return self.source[:80]


class Url(HsdsRecord):
    hsds_type = "url"

    label = models.CharField(_("label"), max_length=500, blank=True)
    url = models.TextField(_("URL"))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="additional_websites",
    )
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="additional_urls",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("URL")
        verbose_name_plural = _("URLs")

    def __str__(self) -> str:
        return self.url
