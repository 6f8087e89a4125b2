"""The demo directory's translations: complete, current, and really in each language.

The English source is ``newstart/directory/demo/data/catalogue.json``; every other interface
language has ``translations/<code>.json`` beside it with the same keys and the text fields only.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

import newstart
from newstart.common.languages import INTERFACE_LANGUAGE_CODES

DATA_DIR = Path(newstart.__file__).resolve().parent / "directory" / "demo" / "data"
CATALOGUE_PATH = DATA_DIR / "catalogue.json"
TRANSLATIONS_DIR = DATA_DIR / "translations"

TRANSLATED_LANGUAGES = tuple(code for code in INTERFACE_LANGUAGE_CODES if code != "en")

# The translatable (parler) fields of each record type; only those the catalogue fills in are required.
SERVICE_TEXT_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "alert",
)
ORGANIZATION_TEXT_FIELDS = ("name", "alternate_name", "description")
SECTIONS = {"service_kinds": SERVICE_TEXT_FIELDS, "organizations": ORGANIZATION_TEXT_FIELDS}

# Unicode ranges of the script each non-Latin language is written in.
CJK = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
SCRIPTS: dict[str, tuple[tuple[int, int], ...]] = {
    "zh-hans": CJK,
    "zh-hant": CJK,
    "pa": ((0x0A00, 0x0A7F),),
    "fa": ARABIC,
    "ar": ARABIC,
    "ko": ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F)),
    "uk": ((0x0400, 0x04FF),),
}
# Acronyms (LINC, CLB, MSP), proper names and addresses stay in Latin letters; the rest must not.
MIN_SCRIPT_SHARE_PER_TEXT = 0.5
# Round brackets, ASCII or the full-width ones Chinese uses (U+FF08, U+FF09).
PARENTHESES = re.compile(r"[(\uff08][^()\uff08\uff09]*[)\uff09]")
MIN_SCRIPT_SHARE_PER_FILE = 0.8

# Characters written differently in the two Chinese scripts (simplified, traditional), all common in this text.
SIMPLIFIED_ONLY = "们这为务语说时个会请费医学证书门问东车钱买卖办处习课儿难专业议记录简历帮"
TRADITIONAL_ONLY = "們這為務語說時個會請費醫學證書門問東車錢買賣辦處習課兒難專業議記錄簡歷幫"
# Ukrainian letters Russian lacks, and Russian letters Ukrainian lacks.
UKRAINIAN_ONLY = "іїєґІЇЄҐ"
RUSSIAN_ONLY = "ыэъёЫЭЪЁ"
# Persian writes these forms of kaf and yeh; Arabic writes the others.
PERSIAN_KAF_YEH = "\u06a9\u06cc"
ARABIC_KAF_YEH = "\u0643\u064a"
VIETNAMESE_MARKS = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


def _numbers(text: str) -> list[str]:
    """The digit runs in a text, read in any script's digits (Persian writes ۱۸ for 18)."""
    return ["".join(str(unicodedata.digit(char)) for char in run) for run in re.findall(r"\d+", text)]


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Any]:
    return _load(CATALOGUE_PATH)


class _Translations(dict):
    """Each language's file, read when first asked for, so one missing file fails only its own tests."""

    def __missing__(self, code: str) -> Any:
        self[code] = _load(TRANSLATIONS_DIR / f"{code}.json")
        return self[code]


@pytest.fixture(scope="module")
def translations() -> dict[str, Any]:
    return _Translations()


def _english_texts(catalogue: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    """Every translatable English string, keyed (section, record key, field); documents use field ''."""
    texts: dict[tuple[str, str, str], str] = {}
    for section, fields in SECTIONS.items():
        for key, record in catalogue.get(section, {}).items():
            for field in fields:
                value = record.get(field)
                if isinstance(value, str) and value.strip():
                    texts[(section, key, field)] = value
    for key, value in catalogue.get("documents", {}).items():
        texts[("documents", key, "")] = value
    return texts


def _translated_texts(translation: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    texts: dict[tuple[str, str, str], Any] = {}
    for section in SECTIONS:
        for key, record in translation.get(section, {}).items():
            for field, value in record.items():
                texts[(section, key, field)] = value
    for key, value in translation.get("documents", {}).items():
        texts[("documents", key, "")] = value
    return texts


def _letters(text: str) -> list[str]:
    # Letters and the vowel signs that Gurmukhi, Arabic and Hangul jamo write as combining marks.
    return [char for char in text if unicodedata.category(char)[0] in "LM"]


def _script_share(text: str, ranges: tuple[tuple[int, int], ...]) -> tuple[int, int]:
    # An original name or acronym given in brackets, as in "基斯兰奴 (Kitsilano)", is a gloss, not the text.
    letters = _letters(PARENTHESES.sub("", text))
    in_script = sum(1 for char in letters if any(low <= ord(char) <= high for low, high in ranges))
    return in_script, len(letters)


def test_catalogue_has_text_to_translate(catalogue):
    texts = _english_texts(catalogue)
    assert any(section == "service_kinds" for section, _, _ in texts)
    assert any(section == "organizations" for section, _, _ in texts)


def test_there_is_one_translation_file_per_interface_language():
    files = {path.stem for path in TRANSLATIONS_DIR.glob("*.json")}
    assert files == set(TRANSLATED_LANGUAGES)


@pytest.mark.parametrize("code", TRANSLATED_LANGUAGES)
def test_translation_file_is_a_json_object_of_known_sections(code):
    translation = _load(TRANSLATIONS_DIR / f"{code}.json")
    assert isinstance(translation, dict)
    assert set(translation) <= {"service_kinds", "organizations", "documents"}
    for section in SECTIONS:
        assert all(isinstance(record, dict) for record in translation.get(section, {}).values()), section
    assert all(isinstance(value, str) for value in translation.get("documents", {}).values())


@pytest.mark.parametrize("code", TRANSLATED_LANGUAGES)
def test_translation_has_no_stale_keys(code, catalogue, translations):
    english = _english_texts(catalogue)
    stale = sorted(set(_translated_texts(translations[code])) - set(english))
    assert not stale, f"{code}.json translates text the catalogue no longer has: {stale}"


@pytest.mark.parametrize("code", TRANSLATED_LANGUAGES)
def test_translation_covers_every_text(code, catalogue, translations):
    translated = _translated_texts(translations[code])
    missing = sorted(
        place
        for place in _english_texts(catalogue)
        if not (isinstance(translated.get(place), str) and translated[place].strip())
    )
    assert not missing, f"{code}.json lacks {len(missing)} texts: {missing}"


@pytest.mark.parametrize("code", TRANSLATED_LANGUAGES)
def test_translation_is_not_the_english_text(code, catalogue, translations):
    translated = _translated_texts(translations[code])
    copied = sorted(
        place
        for place, text in _english_texts(catalogue).items()
        # Organisations' names are proper nouns a language may keep; everything else must be translated.
        if not (place[0] == "organizations" and place[2] in {"name", "alternate_name"})
        and translated.get(place, "").strip() == text.strip()
    )
    assert not copied, f"{code}.json repeats the English text of {copied}"


@pytest.mark.parametrize("code", TRANSLATED_LANGUAGES)
def test_translation_keeps_the_numbers(code, catalogue, translations):
    """Phone numbers, ages, amounts and prices survive translation (in Western or the script's own digits)."""
    translated = _translated_texts(translations[code])
    lost = []
    for place, text in _english_texts(catalogue).items():
        for number in _numbers(text):
            if number not in _numbers(translated.get(place, "")):
                lost.append((place, number))
    assert not lost, f"{code}.json drops numbers: {lost}"


@pytest.mark.parametrize("code", sorted(SCRIPTS))
def test_translation_is_written_in_the_languages_script(code, translations):
    ranges = SCRIPTS[code]
    total_in_script = total_letters = 0
    off_script = []
    for place, text in _translated_texts(translations[code]).items():
        in_script, letters = _script_share(text, ranges)
        total_in_script += in_script
        total_letters += letters
        if letters and in_script / letters < MIN_SCRIPT_SHARE_PER_TEXT:
            off_script.append(place)
    assert not off_script, f"{code}.json has texts mostly outside its script: {off_script}"
    assert total_letters
    assert total_in_script / total_letters >= MIN_SCRIPT_SHARE_PER_FILE


def test_share_check_rejects_a_copy_of_the_english_text():
    # The script check above is what catches an untranslated copy; make sure it would.
    in_script, letters = _script_share("Free English classes for newcomers (LINC)", SCRIPTS["pa"])
    assert letters and in_script / letters < MIN_SCRIPT_SHARE_PER_TEXT
    in_script, letters = _script_share("ਨਵੇਂ ਆਏ ਲੋਕਾਂ ਲਈ ਮੁਫ਼ਤ ਅੰਗਰੇਜ਼ੀ ਕਲਾਸਾਂ (LINC)", SCRIPTS["pa"])
    assert in_script / letters >= MIN_SCRIPT_SHARE_PER_TEXT


def test_simplified_and_traditional_chinese_differ(translations):
    simplified = "".join(_translated_texts(translations["zh-hans"]).values())
    traditional = "".join(_translated_texts(translations["zh-hant"]).values())
    assert translations["zh-hans"] != translations["zh-hant"]
    assert not set(simplified) & set(TRADITIONAL_ONLY), "zh-hans uses traditional characters"
    assert not set(traditional) & set(SIMPLIFIED_ONLY), "zh-hant uses simplified characters"
    assert set(simplified) & set(SIMPLIFIED_ONLY)
    assert set(traditional) & set(TRADITIONAL_ONLY)


def test_ukrainian_is_not_russian(translations):
    text = "".join(_translated_texts(translations["uk"]).values())
    assert set(text) & set(UKRAINIAN_ONLY)
    assert not set(text) & set(RUSSIAN_ONLY)


def test_persian_and_arabic_use_their_own_letter_forms(translations):
    persian = "".join(_translated_texts(translations["fa"]).values())
    arabic = "".join(_translated_texts(translations["ar"]).values())
    assert not set(persian) & set(ARABIC_KAF_YEH), "fa uses Arabic kaf/yeh"
    assert not set(arabic) & set(PERSIAN_KAF_YEH), "ar uses Persian keheh/yeh"
    assert set(persian) >= set(PERSIAN_KAF_YEH)
    assert set(arabic) >= set(ARABIC_KAF_YEH)


def test_vietnamese_keeps_its_diacritics(translations):
    for place, text in _translated_texts(translations["vi"]).items():
        if len(text.split()) >= 6:
            assert set(text.lower()) & set(VIETNAMESE_MARKS), f"vi text without diacritics: {place}"
