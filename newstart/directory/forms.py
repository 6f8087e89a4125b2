"""Forms for the directory's admin."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from parler.forms import TranslatableModelForm

from newstart.directory.models import Attribute, Service, TaxonomyTerm


class TaxonomyTermChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ServiceAdminForm(TranslatableModelForm):
    """The service form, plus its categories: taxonomy terms stored as HSDS attribute rows."""

    # The admin site whose autocomplete view serves the categories; ServiceAdmin sets its own.
    admin_site: ClassVar[AdminSite] = admin.site

    categories = TaxonomyTermChoiceField(
        label=capfirst(_("categories")),
        queryset=TaxonomyTerm.objects.prefetch_related("translations").order_by("code"),
        required=False,
        help_text=_("Taxonomy terms this service is listed under. Type a code or a name to search."),
    )

    class Meta:
        model = Service
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["categories"]
        # Terms are searched as the user types (the attribute's taxonomy_term field drives
        # the admin's autocomplete view), so the page never lists every term.
        field.widget = AutocompleteSelectMultiple(Attribute._meta.get_field("taxonomy_term"), self.admin_site)
        field.widget.choices = field.choices
        field.widget.is_required = field.required
        if self.instance.pk is not None and not self.instance._state.adding and "categories" not in self.initial:
            self.initial["categories"] = list(
                Attribute.objects.filter(link_entity=Service.hsds_type, link_id=self.instance.pk)
                .values_list("taxonomy_term_id", flat=True)
                .distinct()
            )
