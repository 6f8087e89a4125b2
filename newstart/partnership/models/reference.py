"""The partnership's two lenses: the focus areas of its strategy groups and the characteristics of
a welcoming community (Esses et al., 2010). Both are reference data, editable in the admin."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields


class FocusArea(TranslatableModel):
    """One of the partnership's focus areas; each strategy group usually works on one."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=200),
        description=models.TextField(_("description"), blank=True),
    )

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ("position", "code")

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.code)


class WelcomingCharacteristic(TranslatableModel):
    """One of the 17 characteristics of a welcoming community (Esses, Hamilton, Bennett-AbuAyyash and
    Burstein, 2010), the second lens through which needs, activities and proposals are read."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    translations = TranslatedFields(
        name=models.CharField(_("name"), max_length=300),
        description=models.TextField(_("description"), blank=True),
    )

    class Meta:
        verbose_name = _("characteristic of a welcoming community")
        verbose_name_plural = _("characteristics of a welcoming community")
        ordering = ("number",)

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.code)
