"""How directory records are put into words for the navigator: language names, opening hours,
phone links, free and open-now badges, and which language a record's text is shown in."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Protocol

from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newstart.common.languages import INTERFACE_LANGUAGE_CODES
from newstart.directory.models import CostOption, Schedule
from newstart.directory.opening import WEEKDAY_CODES, local_moment, schedule_is_open, schedule_weekdays

# Languages services are offered in, named in the visitor's language; the filter offers these.
LANGUAGE_NAMES: dict[str, Promise] = {
    "en": _("English"),
    "fr": _("French"),
    "zh": _("Chinese (any)"),
    "yue": _("Cantonese"),
    "cmn": _("Mandarin"),
    "zh-hans": _("Simplified Chinese"),
    "zh-hant": _("Traditional Chinese"),
    "pa": _("Punjabi"),
    "tl": _("Tagalog"),
    "fa": _("Persian (Farsi)"),
    "ar": _("Arabic"),
    "es": _("Spanish"),
    "ko": _("Korean"),
    "vi": _("Vietnamese"),
    "uk": _("Ukrainian"),
    "hi": _("Hindi"),
    "ur": _("Urdu"),
    "so": _("Somali"),
    "ti": _("Tigrinya"),
    "ru": _("Russian"),
    "pt": _("Portuguese"),
    "ja": _("Japanese"),
    "de": _("German"),
    "asl": _("American Sign Language"),
}
# Each language in its own name, shown beside the translated name so people can find their own.
AUTONYMS: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "zh": "中文",
    "yue": "粵語",
    "cmn": "普通话",
    "pa": "ਪੰਜਾਬੀ",
    "tl": "Tagalog",
    "fa": "فارسی",
    "ar": "العربية",
    "es": "Español",
    "ko": "한국어",
    "vi": "Tiếng Việt",
    "uk": "Українська",
    "hi": "हिन्दी",
    "ur": "اردو",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "ru": "Русский",
    "pt": "Português",
    "ja": "日本語",
    "de": "Deutsch",
}
SERVICE_LANGUAGE_FILTER_CODES: tuple[str, ...] = (
    "en", "fr", "zh", "yue", "cmn", "pa", "tl", "fa", "ar", "es", "ko", "vi", "uk", "hi", "ur", "so", "ti", "ru",
    "pt", "ja", "de",
)  # fmt: skip


def language_name(code: str, fallback: str = "") -> str:
    """The language's name in the visitor's language (the record's own name when we do not know it)."""
    base = (code or "").strip().lower()
    name = LANGUAGE_NAMES.get(base) or LANGUAGE_NAMES.get(base.split("-")[0])
    if name is not None:
        return str(name)
    return fallback or code


def language_choice_label(code: str) -> str:
    name = language_name(code)
    autonym = AUTONYMS.get(code)
    if autonym and autonym != name:
        return f"{name} — {autonym}"
    return name


class Translatable(Protocol):
    source_language: str

    def get_available_languages(self) -> list[str]: ...


def shown_language(record: Translatable, language: str) -> str:
    """The language a record's text appears in for a visitor reading `language`: theirs when
    translated, else the record's source language, else English (the directory's fallbacks)."""
    available = set(record.get_available_languages())
    for candidate in (language, record.source_language, "en"):
        if candidate and candidate in available:
            return candidate
    return record.source_language or "en"


def fallback_note(*, shown: str, wanted: str) -> str:
    """The visible note for text that is not in the visitor's language (empty when it is)."""
    if shown == wanted:
        return ""
    return gettext("This information is shown in %(shown)s; no %(wanted)s translation yet.") % {
        "shown": language_name(shown),
        "wanted": language_name(wanted),
    }


def is_interface_language(code: str) -> bool:
    return code in INTERFACE_LANGUAGE_CODES


# --- Costs ----------------------------------------------------------------------------------


def cost_options_free(cost_options: list[CostOption]) -> bool:
    """The project's rule: at least one cost option, and every one of them costs nothing."""
    return bool(cost_options) and all(option.amount is not None and option.amount == 0 for option in cost_options)


# --- Phones -----------------------------------------------------------------------------------


def tel_href(number: str, extension: float | None = None) -> str:
    """An RFC 3966 tel: URI; ten-digit North American numbers get +1."""
    digits = re.sub(r"[^\d+]", "", number)
    if digits and not digits.startswith("+"):
        if len(digits) == 10:
            digits = "+1" + digits
        elif len(digits) == 11 and digits.startswith("1"):
            digits = "+" + digits
    href = f"tel:{digits}"
    if extension:
        href += f";ext={int(extension)}"
    return href


# --- Opening hours ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayHours:
    day: str
    hours: list[str]
    is_today: bool


@dataclass(frozen=True)
class OpeningHours:
    days: list[DayHours]
    # Schedules we cannot put on a weekly table, in their own words.
    notes: list[str]
    open_now: bool | None


def _time_range(opens: dt.time, closes: dt.time) -> str:
    if opens == closes:
        return gettext("open 24 hours")
    return gettext("%(opens)s to %(closes)s") % {
        "opens": formats.time_format(opens),
        "closes": formats.time_format(closes),
    }


def schedules_open_now(schedules: list[Schedule], at: dt.datetime) -> bool | None:
    """Open at `at` by any schedule; None when there are no weekly hours to judge by."""
    weekly = [s for s in schedules if schedule_weekdays(s) and s.opens_at is not None and s.closes_at is not None]
    if not weekly:
        return None
    return any(schedule_is_open(schedule, at) for schedule in weekly)


def opening_hours(schedules: list[Schedule], at: dt.datetime) -> OpeningHours:
    """A week of opening hours in words, Monday first, in the visitor's language and time format."""
    today = WEEKDAY_CODES[local_moment(at).weekday()]
    by_day: dict[str, list[tuple[dt.time, dt.time]]] = {code: [] for code in WEEKDAY_CODES}
    notes: list[str] = []
    for schedule in schedules:
        weekdays = schedule_weekdays(schedule)
        if weekdays and schedule.opens_at is not None and schedule.closes_at is not None:
            for code in weekdays:
                by_day[code].append((schedule.opens_at, schedule.closes_at))
        if schedule.description:
            notes.append(schedule.description)
    days: list[DayHours] = []
    if any(by_day.values()):
        for index, code in enumerate(WEEKDAY_CODES):
            ranges = [_time_range(opens, closes) for opens, closes in sorted(by_day[code])]
            days.append(DayHours(day=str(WEEKDAYS[index]), hours=ranges, is_today=code == today))
    return OpeningHours(days=days, notes=notes, open_now=schedules_open_now(schedules, at))
