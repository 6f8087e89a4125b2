"""The languages newstart speaks.

Interface languages are the ones the navigator is translated into; each carries
its own name in its own script, for the language switcher (Django's own table
names Punjabi in English and does not know Tagalog at all).
"""

from __future__ import annotations

from typing import NamedTuple


class InterfaceLanguage(NamedTuple):
    code: str
    english_name: str
    own_name: str
    bidi: bool


INTERFACE_LANGUAGES: tuple[InterfaceLanguage, ...] = (
    InterfaceLanguage("en", "English", "English", False),
    InterfaceLanguage("fr", "French", "Français", False),
    InterfaceLanguage("zh-hans", "Simplified Chinese", "简体中文", False),
    InterfaceLanguage("zh-hant", "Traditional Chinese", "繁體中文", False),
    InterfaceLanguage("pa", "Punjabi", "ਪੰਜਾਬੀ", False),
    InterfaceLanguage("tl", "Tagalog", "Tagalog", False),
    InterfaceLanguage("fa", "Persian", "فارسی", True),
    InterfaceLanguage("ar", "Arabic", "العربية", True),
    InterfaceLanguage("es", "Spanish", "Español", False),
    InterfaceLanguage("ko", "Korean", "한국어", False),
    InterfaceLanguage("vi", "Vietnamese", "Tiếng Việt", False),
    InterfaceLanguage("uk", "Ukrainian", "Українська", False),
)

INTERFACE_LANGUAGE_CODES: tuple[str, ...] = tuple(lang.code for lang in INTERFACE_LANGUAGES)

# Search also understands queries in these, without an interface translation.
EXTRA_QUERY_LANGUAGE_CODES: tuple[str, ...] = ("hi",)

# Entries Django's LANG_INFO lacks or names poorly; merged into it by the settings.
EXTRA_LANG_INFO: dict[str, dict[str, object]] = {
    lang.code: {"bidi": lang.bidi, "code": lang.code, "name": lang.english_name, "name_local": lang.own_name}
    for lang in INTERFACE_LANGUAGES
}


def own_name(code: str) -> str:
    for lang in INTERFACE_LANGUAGES:
        if lang.code == code:
            return lang.own_name
    return code
