"""Names of the languages the census counts, in the reader's language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from newstart.navigator.display import language_name

# Census home languages the navigator's service-language list does not name.
CENSUS_ONLY_LANGUAGE_NAMES: dict[str, Promise] = {
    "am": _("Amharic"),
    "ta": _("Tamil"),
    "pl": _("Polish"),
    "gu": _("Gujarati"),
    "it": _("Italian"),
    "zh": _("Chinese languages"),
}


def census_language_name(code: str) -> str:
    """The language's name ("Punjabi"); the code itself when newstart does not know it."""
    name = CENSUS_ONLY_LANGUAGE_NAMES.get(code)
    return str(name) if name is not None else language_name(code, fallback=code)
