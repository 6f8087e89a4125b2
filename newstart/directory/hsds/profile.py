"""newstart's HSDS profile: translations.

HSDS 3.1 carries one language per record. The profile (docs/hsds-profile/) adds
`source_language` and a `translations` object to the translated objects and a
`translations` table to the tabular form. The importer and the exporter both read
these constants, so what one writes the other reads.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings

# HSDS object type -> its translated fields (the django-parler fields of the model).
TRANSLATABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "organization": ("name", "description"),
    "service": (
        "name",
        "alternate_name",
        "description",
        "eligibility_description",
        "fees_description",
        "application_process",
        "alert",
    ),
    "taxonomy_term": ("name", "description"),
}

# The profile's JSON properties on translated objects.
SOURCE_LANGUAGE_PROPERTY = "source_language"
TRANSLATIONS_PROPERTY = "translations"

# The extra table of the tabular form: one row per (record, language, field).
TRANSLATIONS_TABLE = "translation"
TRANSLATIONS_PATH = "translations.csv"
TRANSLATIONS_COLUMNS: tuple[str, ...] = ("resource_type", "resource_id", "language", "field", "value")

# history_change_reason of saves made by the HSDS importer: those changes arrive
# with their own HSDS metadata rows, so no metadata is derived from them.
IMPORT_CHANGE_REASON = "import"


def profile_uri() -> str:
    """The profile's canonical URI (settings.HSDS_PROFILE_URL), as the API's `/` reports it."""
    return str(settings.HSDS_PROFILE_URL)


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON Merge Patch (RFC 7386) to `target` and return the result; the
    inputs are left unchanged. HSDS profiles are written as such patches."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
