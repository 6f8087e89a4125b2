"""HSDS taxonomy, taxonomy_term, attribute, metadata, meta_table_description."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields
from simple_history.models import HistoricalRecords

from newstart.directory.models.base import HsdsRecord, SourceLanguageMixin


class Taxonomy(HsdsRecord):
    hsds_type = "taxonomy"

    name = models.CharField(_("name"), max_length=500)
    description = models.TextField(_("description"))
    uri = models.TextField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(SourceLanguageMixin, HsdsRecord, TranslatableModel):
    hsds_type = "taxonomy_term"

    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=500),
        description=models.TextField(_("description"), blank=True),
    )
    code = models.CharField(_("code"), max_length=200, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # HSDS keeps a free-text taxonomy name beside the link to the taxonomy record.
    taxonomy = models.CharField(_("taxonomy name"), max_length=500, blank=True)
    taxonomy_detail = models.ForeignKey(
        Taxonomy,
        verbose_name=_("taxonomy"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="terms",
        db_column="taxonomy_id",
    )
    language = models.CharField(_("language"), max_length=15, blank=True)
    term_uri = models.TextField(_("term URI"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy_detail", "code"], name="unique_term_code_per_taxonomy", condition=~models.Q(code="")
            )
        ]

    def __str__(self) -> str:
        name = self.safe_translation_getter("name", any_language=True) or ""
        return f"{self.code} {name}".strip() or str(self.id)


class Attribute(HsdsRecord):
    """Links any HSDS record (link_entity + link_id) to a taxonomy term, with an optional value.

    This is how HSDS 3.1 classifies services: a service's categories are its attributes.
    """

    hsds_type = "attribute"

    link_id = models.UUIDField(_("linked record id"))
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, verbose_name=_("taxonomy term"), on_delete=models.CASCADE, related_name="attributes"
    )
    link_type = models.CharField(_("link type"), max_length=200, blank=True)
    link_entity = models.CharField(_("linked record type"), max_length=50)
    value = models.TextField(_("value"), blank=True)
    label = models.CharField(_("label"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        indexes = [
            models.Index(fields=["link_entity", "link_id"]),
            models.Index(fields=["taxonomy_term", "link_entity"]),
        ]

    def __str__(self) -> str:
        return f"{self.link_entity}:{self.link_id} → {self.taxonomy_term_id}"


class Metadata(HsdsRecord):
    """A change record received with imported data.

    Changes made in newstart are not stored here: they are derived from the
    change history (django-simple-history) when records are exported or served.
    """

    hsds_type = "metadata"

    resource_id = models.UUIDField(_("resource id"), db_index=True)
    resource_type = models.CharField(_("resource type"), max_length=50)
    last_action_date = models.CharField(_("last action date"), max_length=50)
    last_action_type = models.CharField(_("last action type"), max_length=50)
    field_name = models.CharField(_("field name"), max_length=200)
    previous_value = models.TextField(_("previous value"), blank=True)
    replacement_value = models.TextField(_("replacement value"), blank=True)
    updated_by = models.CharField(_("updated by"), max_length=200)

    class Meta:
        verbose_name = _("metadata")
        verbose_name_plural = _("metadata")

    def __str__(self) -> str:
        return f"{self.resource_type} {self.last_action_type} {self.field_name}"


class MetaTableDescription(HsdsRecord):
    hsds_type = "meta_table_description"

    name = models.CharField(_("name"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=50, blank=True)
    character_set = models.CharField(_("character set"), max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("table description")
        verbose_name_plural = _("table descriptions")

    def __str__(self) -> str:
        return self.name
