"""What every HSDS record shares."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _


class HsdsRecord(models.Model):
    """An HSDS object: identified by a UUID, as the specification requires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    # The HSDS table/object name ("service", "organization", …), used by
    # attributes (link_entity) and metadata (resource_type).
    hsds_type: str = ""

    class Meta:
        abstract = True


class SourceLanguageMixin(models.Model):
    """Translated content falls back to the language the record was written in.

    django-parler's fallback list is global (English); a listing written in
    Punjabi must fall back to Punjabi, so the record's own source language comes
    first.
    """

    source_language = models.CharField(
        _("source language"),
        max_length=15,
        default="en",
        help_text=_("The language this record was originally written in; shown when no translation exists."),
    )

    class Meta:
        abstract = True

    def get_fallback_languages(self) -> list[str]:
        fallbacks: list[str] = list(super().get_fallback_languages())  # type: ignore[misc]
        current = getattr(self, "_current_language", None)
        if self.source_language and self.source_language != current and self.source_language not in fallbacks:
            fallbacks.insert(0, self.source_language)
        if settings.PARLER_DEFAULT_LANGUAGE_CODE not in fallbacks and current != settings.PARLER_DEFAULT_LANGUAGE_CODE:
            fallbacks.append(settings.PARLER_DEFAULT_LANGUAGE_CODE)
        return fallbacks

    def _get_translated_model(
        self, language_code: str | None = None, use_fallback: bool = False, auto_create: bool = False, meta: Any = None
    ) -> Any:
        # parler tries only its global fallbacks; put the record's source language before them.
        parent = super()._get_translated_model  # type: ignore[misc]
        if not use_fallback or auto_create or not self.source_language:
            return parent(language_code, use_fallback=use_fallback, auto_create=auto_create, meta=meta)
        for candidate in (language_code, self.source_language):
            try:
                return parent(candidate, use_fallback=False, auto_create=False, meta=meta)
            except ObjectDoesNotExist:
                continue
        return parent(language_code, use_fallback=True, auto_create=False, meta=meta)
