"""The public site is completely translated: every interface string on every public page, in all
eleven non-English interface languages.

Three checks, from the catalogue to the rendered page:

1. Every catalogue entry used by a public app (navigator, plans, eligibility) has a translation in
   every language: not empty, not fuzzy, with the same placeholders and HTML as the English, and
   the compiled .mo file (what Django actually reads) agrees with the .po file.
2. Every public page, rendered in each language, shows no English interface string: no visible
   text or attribute (title, aria-label, placeholder, alt, button value, data-* messages for
   scripts) equals an English msgid whose translation differs from it. Text inside an element that
   declares another language (lang="en" on a service description that has no translation yet, a
   language's own name in the switcher) is content, not interface, and is skipped.
3. Each page is also compared with its English rendering: a text that appears verbatim on both is
   English that slipped through even without a catalogue entry (a string someone forgot to mark),
   unless it is fixture content, a number, or an allowed proper noun.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from unittest import mock

import polib
import pytest
from django.conf import settings
from django.core.cache import cache as django_cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from newstart.common.languages import INTERFACE_LANGUAGES
from newstart.directory.taxonomies import taxonomy_load_settlement
from newstart.eligibility.models import FunderRule, ImmigrationStatus, ServiceEligibility
from newstart.plans.services import PlanInput, plan_create, plan_steps_load
from tests.directory.factories import AccessibilityFactory, PhoneFactory, RequiredDocumentFactory
from tests.navigator.conftest import VANCOUVER, make_service

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
# The apps behind the public pages, and Django's own strings they show (weekdays, months, form errors:
# newstart/common/django_strings.py).
PUBLIC_APPS = (
    "newstart/navigator/",
    "newstart/plans/",
    "newstart/eligibility/",
    "newstart/common/",
    # The strategy's public accountability page and what it includes (its PDF shares the templates).
    "newstart/strategy/public_views.py",
    "newstart/strategy/templates/strategy/public/",
    "newstart/strategy/templates/strategy/_progress.html",
    "newstart/strategy/templates/strategy/_chart.html",
    "newstart/strategy/templates/strategy/pdf/base.html",
    "newstart/strategy/templates/strategy/pdf/strategy.html",
    "newstart/strategy/reporting.py",
    "newstart/strategy/charts.py",
)
LANGUAGES = tuple(lang.code for lang in INTERFACE_LANGUAGES if lang.code != "en")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=VANCOUVER)  # a Wednesday morning

PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "zh-hans": "nplurals=1; plural=0;",
    "zh-hant": "nplurals=1; plural=0;",
    "pa": "nplurals=2; plural=(n != 1);",
    "tl": "nplurals=2; plural=(n > 1);",
    "fa": "nplurals=2; plural=(n > 1);",
    "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 && n%100<=99 ? 4 : 5;",
    "es": "nplurals=2; plural=(n != 1);",
    "ko": "nplurals=1; plural=0;",
    "vi": "nplurals=1; plural=0;",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
TAG = re.compile(r"<[^>]+>")
LETTERS = re.compile(r"[^\W\d_]")
# Attributes whose values people see or hear (data-* carry messages the scripts show).
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "content")
BUTTON_TYPES = ("submit", "button", "reset")
# Words that are the same in every language here: the brand and proper nouns.
PROPER_NOUNS = {"newstart", "Vancouver", "JavaScript", "IRCC", "PDF", "QR"}


def po_path(language: str) -> Path:
    return LOCALE_DIR / translation.to_locale(language) / "LC_MESSAGES" / "django.po"


@cache
def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(po_path(language)))


def public_entries(language: str) -> list[polib.POEntry]:
    return [
        entry
        for entry in catalogue(language)
        if not entry.obsolete and any(path.startswith(PUBLIC_APPS) for path, _line in entry.occurrences)
    ]


def translations_of(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def normalize(text: str) -> str:
    return " ".join(text.split())


def has_letters(text: str, minimum: int = 3) -> bool:
    return len(LETTERS.findall(text)) >= minimum


def is_prose(value: str) -> bool:
    """A data-* value a script may show (a sentence), not an id, a path or a URL."""
    return " " in value.strip() and has_letters(value) and not value.startswith("/") and "://" not in value


# Not interface text: addresses, phone numbers, e-mail and web addresses from the directory, and the
# map tiles' attribution, which OpenStreetMap asks to keep as it is.
NOT_INTERFACE = re.compile(r"\d|@|://|OpenStreetMap")


# --- 1. The catalogues -----------------------------------------------------------------------


def test_public_apps_have_catalogue_entries() -> None:
    """The public apps' strings are in the catalogue at all (makemessages was run)."""
    entries = public_entries("fr")
    apps = {path.split("/")[1] for entry in entries for path, _line in entry.occurrences}
    assert {"navigator", "plans", "eligibility"} <= apps
    assert len(entries) > 250


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_header(language: str) -> None:
    assert normalize(catalogue(language).metadata["Plural-Forms"]) == PLURAL_FORMS[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_string_is_translated(language: str) -> None:
    nplurals = int(PLURAL_FORMS[language].split(";")[0].split("=")[1])
    problems = []
    for entry in public_entries(language):
        texts = translations_of(entry)
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif not all(text.strip() for text in texts):
            problems.append(f"not translated: {entry.msgid!r}")
        elif entry.msgid_plural and len(texts) != nplurals:
            problems.append(f"{len(texts)} plural forms instead of {nplurals}: {entry.msgid!r}")
        else:
            english = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
            for text in texts:
                # A plural form may leave out the number ("one service"), never add a placeholder.
                if not set(PLACEHOLDER.findall(text)) <= english:
                    problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
                if sorted(TAG.findall(text)) != sorted(TAG.findall(entry.msgid)):
                    problems.append(f"HTML differs: {entry.msgid!r} -> {text!r}")
            if not entry.msgid_plural and set(PLACEHOLDER.findall(texts[0])) != english:
                problems.append(f"placeholders differ: {entry.msgid!r} -> {texts[0]!r}")
    assert not problems, f"{language}: {len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches(language: str) -> None:
    """The committed .mo (what Django reads) carries the .po's public translations: compilemessages ran."""
    mo_path = po_path(language).with_suffix(".mo")
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in public_entries(language):
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            got = compiled.ngettext(key, entry.msgid_plural, 1)
            want = entry.msgstr_plural[compiled.plural(1)]  # type: ignore[attr-defined]
        else:
            got, want = compiled.gettext(key), entry.msgstr
        if got != want:
            stale.append(entry.msgid)
    assert not stale, f"{language}: run compilemessages; stale in django.mo: {stale[:10]}"


# --- 2. The rendered pages -------------------------------------------------------------------


@dataclass
class Shown:
    """What a page shows in its own language: text runs, attribute values, the whole text."""

    texts: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    flow: list[str] = field(default_factory=list)
    other_language: list[tuple[str, str]] = field(default_factory=list)


class ShownParser(HTMLParser):
    """Collects visible text and shown attributes, skipping elements that declare another language."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    HIDDEN = {"script", "style", "template"}

    def __init__(self, page_language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        self.stack: list[tuple[str, str, bool]] = []  # tag, language, hidden
        self.shown = Shown()

    @property
    def language(self) -> str:
        return self.stack[-1][1] if self.stack else self.page_language

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        language = values.get("lang", self.language) if tag != "html" else self.page_language
        if tag not in self.VOID:
            self.stack.append((tag, language, self.hidden or tag in self.HIDDEN))
        if self.hidden and tag in self.HIDDEN:
            return
        own = language.lower() == self.page_language.lower()
        for name, value in values.items():
            shown = name in SHOWN_ATTRIBUTES or (name.startswith("data-") and is_prose(value))
            if tag == "meta" and name == "content" and values.get("name") != "description":
                shown = False
            if tag == "input" and name == "value" and values.get("type") in BUTTON_TYPES:
                shown = True
            if shown and has_letters(value):
                if own:
                    self.shown.attributes.append(normalize(value))
                else:
                    self.shown.other_language.append((language, normalize(value)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        text = normalize(data)
        if not text:
            return
        if self.language.lower() == self.page_language.lower():
            self.shown.texts.append(text)
            self.shown.flow.append(text)
        else:
            self.shown.other_language.append((self.language, text))
            self.shown.flow.append("\n")


def shown_on(html: str, language: str) -> Shown:
    parser = ShownParser(language)
    parser.feed(html)
    parser.close()
    return parser.shown


@dataclass(frozen=True)
class EnglishString:
    msgid: str
    exact: re.Pattern[str]
    fragments: tuple[str, ...]


@cache
def leaked_english(language: str) -> tuple[EnglishString, ...]:
    """The public English strings that this language translates differently (so English is a leak)."""
    strings: dict[str, EnglishString] = {}
    for entry in public_entries(language):
        texts = translations_of(entry)
        for english in filter(None, (entry.msgid, entry.msgid_plural)):
            if normalize(english) in (normalize(text) for text in texts):
                continue  # the same word in this language ("Distance", "Email:")
            plain = TAG.sub(" ", english)
            if not has_letters(PLACEHOLDER.sub("", plain)) or plain.strip() in PROPER_NOUNS:
                continue
            # Spaces around a placeholder stay: "Person %(number)s" must not match "Personne 2".
            parts = [
                r"\s+".join(map(re.escape, part.split(" "))) for part in PLACEHOLDER.split(re.sub(r"\s+", " ", plain))
            ]
            exact = re.compile(r"\s*" + r".+?".join(parts) + r"\s*", re.DOTALL)
            # Pieces long enough to be unmistakable when they turn up inside a longer text.
            fragments = tuple(
                normalize(piece)
                for piece in re.split(PLACEHOLDER.pattern + r"|<[^>]+>", english)
                if len(piece.split()) >= 3 and has_letters(piece, 10)
            )
            strings[english] = EnglishString(english, exact, fragments)
    return tuple(strings.values())


def english_leaks(html: str, language: str) -> list[str]:
    shown = shown_on(html, language)
    flow = " ".join(shown.flow)
    texts = set(shown.texts + shown.attributes)
    leaks: list[str] = []
    for english in leaked_english(language):
        if PLACEHOLDER.search(english.msgid):
            matches = [text for text in texts if english.exact.fullmatch(text)]
        else:
            plain = normalize(TAG.sub(" ", english.msgid))
            matches = [plain] if plain in texts else []
        leaks.extend(f"{english.msgid!r} shown as {text!r}" for text in matches)
        for fragment in english.fragments:
            if fragment in flow:
                leaks.append(f"{english.msgid!r}: found {fragment!r}")
    return sorted(set(leaks))


# --- Fixtures: a demo-like service and a plan --------------------------------------------------

SERVICE_NAME = "Riverside Welcome Hub"
ORGANIZATION_NAME = "Kestrel Newcomer Society"
# Content the fixtures put on the pages (shown in English until someone translates it).
FIXTURE_CONTENT = {
    SERVICE_NAME,
    ORGANIZATION_NAME,
    "Orientation workshops for families new to the city.",
    "Residents of the region.",
    "Phone the front desk.",
    "Bring a photo ID.",
    "Passport or PR card",
    "Ramp at the side door",
    "Interpreters on request.",
}


@pytest.fixture
def clock() -> Iterator[mock.MagicMock]:
    with mock.patch("django.utils.timezone.now", return_value=NOW.astimezone(dt.UTC)) as now:
        yield now


@pytest.fixture
def site(db: Any, clock: mock.MagicMock) -> dict[str, Any]:
    """A demo-like service helping with a plan step, under an IRCC funder rule, and a plan that lists it."""
    django_cache.clear()
    taxonomy_load_settlement()
    plan_steps_load()
    service = make_service(
        SERVICE_NAME,
        organization__name=ORGANIZATION_NAME,
        description="Orientation workshops for families new to the city.",
        eligibility_description="Residents of the region.",
        application_process="Phone the front desk.",
        fees_description="Bring a photo ID.",
        interpretation_services="Interpreters on request.",
        languages=("pa", "ar", "en"),
        free=True,
        hours=("MO,TU,WE,TH,FR", dt.time(9), dt.time(17)),
        category="MONEY-SIN",
        postcode="V5L 3X9",
        latitude=49.27,
        longitude=-123.07,
        assured_date=dt.date(2026, 1, 5),
        minimum_age=18,
        is_demo=True,
    )
    location = service.service_at_locations.get().location
    PhoneFactory(service=service, number="604-555-0142", extension=12)
    AccessibilityFactory(location=location, description="Ramp at the side door")
    RequiredDocumentFactory(service=service, document="Passport or PR card")
    ServiceEligibility.objects.create(
        service=service,
        statuses=[ImmigrationStatus.PERMANENT_RESIDENT, ImmigrationStatus.PROTECTED_PERSON],
        funder_rule=FunderRule.IRCC,
    )
    _plan, token = plan_create(
        data=PlanInput(
            arrival_date=dt.date(2026, 5, 1),
            status=ImmigrationStatus.PERMANENT_RESIDENT,
            landing_date=dt.date(2026, 5, 1),
            immigration_class="economic",
            household_ages=(38, 36, 7),
            languages=("pa", "en"),
            needs=("MONEY", "LANG", "CHILD"),
            postal_code="V5L 3X9",
        )
    )
    return {"service": service, "token": token}


def page_requests(site: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any], int]]:
    """name -> (method, url, data, expected status), with URLs reversed in the active language."""
    service_id = site["service"].id
    token = site["token"]
    return {
        "home": ("get", reverse("navigator:home"), {}, 200),
        "search": ("get", reverse("navigator:search"), {"q": "Riverside", "free": "on", "open_now": "on"}, 200),
        "search-no-results": ("get", reverse("navigator:search"), {"q": "zzzzqqq"}, 200),
        "search-errors": ("get", reverse("navigator:search"), {"postcode": "12345"}, 200),
        "service": ("get", reverse("navigator:service", kwargs={"service_id": service_id}), {}, 200),
        "service-reported": (
            "get",
            reverse("navigator:service", kwargs={"service_id": service_id}),
            {"reported": "1"},
            200,
        ),
        "print": ("get", reverse("navigator:service_print", kwargs={"service_id": service_id}), {}, 200),
        "404-service": (
            "get",
            reverse("navigator:service", kwargs={"service_id": "00000000-0000-4000-8000-000000000000"}),
            {},
            404,
        ),
        "404-page": ("get", reverse("navigator:home") + "no-such-page/", {}, 404),
        "plan-start": ("get", reverse("plans:start"), {}, 200),
        "plan-start-errors": (
            "post",
            reverse("plans:start"),
            {"arrival_date": "15/03/2025", "age_1": "abc", "postal_code": "12345"},
            400,
        ),
        "plan": ("get", reverse("plans:detail", kwargs={"token": token}), {}, 200),
        "plan-print": ("get", reverse("plans:detail", kwargs={"token": token}), {"print": "1"}, 200),
        "plan-delete": ("get", reverse("plans:delete", kwargs={"token": token}), {}, 200),
        "plan-deleted": ("get", reverse("plans:deleted"), {}, 200),
        "plan-not-found": ("get", reverse("plans:detail", kwargs={"token": "x" * 43}), {}, 404),
        # The strategy's public accountability page, before any strategy is published.
        "accountability": ("get", reverse("accountability:home"), {}, 200),
    }


PAGES = (
    "home",
    "search",
    "search-no-results",
    "search-errors",
    "service",
    "service-reported",
    "print",
    "404-service",
    "404-page",
    "plan-start",
    "plan-start-errors",
    "plan",
    "plan-print",
    "plan-delete",
    "plan-deleted",
    "plan-not-found",
    "accountability",
)


def render(client: Client, site: dict[str, Any], name: str, language: str) -> str:
    django_cache.clear()  # no rate limit between renders
    with translation.override(language):
        method, url, data, status = page_requests(site)[name]
    response = getattr(client, method)(url, data)
    assert response.status_code == status, (name, language, response.status_code)
    html: str = response.content.decode()
    assert f'<html lang="{language}"' in html, (name, language)
    return html


def same_as_english(english: Shown, translated: Shown, language: str) -> set[str]:
    """Texts shown in the page's language that are word for word on the English page."""
    allowed = FIXTURE_CONTENT | PROPER_NOUNS | {lang.own_name for lang in INTERFACE_LANGUAGES} | same_words(language)
    return {
        text
        for text in set(translated.texts + translated.attributes) & set(english.texts + english.attributes)
        if has_letters(text)
        and not NOT_INTERFACE.search(text)
        # A language choice, "Mandarin — 普通话": its name here (the same in Tagalog) and its own name.
        and text.split(" — ")[0] not in allowed
    }


@cache
def same_words(language: str) -> frozenset[str]:
    """Public strings this language rightly writes as English does ("Distance" in French)."""
    return frozenset(
        normalize(text)
        for entry in public_entries(language)
        for text in translations_of(entry)
        if normalize(text) in (normalize(entry.msgid), normalize(entry.msgid_plural or ""))
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_are_translated(client: Client, site: dict[str, Any], language: str) -> None:
    """Every public page in this language: no English interface string, seen or heard (checked against
    the catalogue), and nothing word for word as on the English page (catches unmarked strings)."""
    problems = []
    for name in PAGES:
        html = render(client, site, name, language)
        problems += [f"  {name}: {leak}" for leak in english_leaks(html, language)]
        english = shown_on(render(client, site, name, "en"), "en")
        same = same_as_english(english, shown_on(html, language), language)
        problems += [f"  {name}: the same as on the English page: {text!r}" for text in sorted(same)]
    assert not problems, f"{language}: English on public pages:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_switcher_names_are_each_languages_own(client: Client, db: Any, language: str) -> None:
    """The switcher names every language in itself, whatever the page's language (not translated)."""
    with translation.override(language):
        html = client.get(reverse("navigator:home")).content.decode()
    for lang in INTERFACE_LANGUAGES:
        link = rf'lang="{lang.code}" hreflang="{lang.code}"[^>]*>{re.escape(lang.own_name)}</a>'
        assert re.search(link, html), (language, lang.code)


# --- The checks can fail ---------------------------------------------------------------------


def test_english_page_is_caught_as_a_leak(client: Client, site: dict[str, Any]) -> None:
    """The English home and plan pages, claimed as French, are full of leaks: the checker does look."""
    for name in ("home", "plan"):
        english = render(client, site, name, "en")
        as_french = english.replace('<html lang="en"', '<html lang="fr"')
        assert len(english_leaks(as_french, "fr")) >= 5, name
        same = same_as_english(shown_on(english, "en"), shown_on(as_french, "fr"), "fr")
        assert len(same) >= 5, name
    home = english_leaks(render(client, site, "home", "en").replace('<html lang="en"', '<html lang="fr"'), "fr")
    assert any("'What do you need help with?'" in leak for leak in home)
    assert any("'Choose your language'" in leak for leak in home)  # an aria-label


def test_one_missing_translation_is_caught(client: Client, site: dict[str, Any]) -> None:
    """Take one French translation away at render time: the page check names exactly that string."""
    assert english_leaks(render(client, site, "service", "fr"), "fr") == []
    french = trans_real.translation("fr")
    original = french.gettext

    def without_print_view(message: str) -> str:
        return message if message == "Print view" else original(message)

    with mock.patch.object(french, "gettext", without_print_view):
        leaks = english_leaks(render(client, site, "service", "fr"), "fr")
    assert leaks == ["'Print view' shown as 'Print view'"]


def test_content_in_another_language_is_not_a_leak() -> None:
    html = (
        '<html lang="fr"><body><p lang="en">Print view</p><a lang="en" hreflang="en">English</a>'
        '<button aria-label="Print view">x</button><p>Imprimer</p></body></html>'
    )
    assert english_leaks(html, "fr") == ["'Print view' shown as 'Print view'"]
