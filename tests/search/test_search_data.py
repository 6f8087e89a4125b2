"""The data search runs on and is judged by: the concept thesaurus and the relevance test set.

concepts.json maps what newcomers type, in thirteen languages, to settlement taxonomy codes;
relevance_queries.tsv holds realistic queries with the top-level code a good result must carry.
"""

from __future__ import annotations

import csv
import functools
import json
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CONCEPTS_PATH = REPO / "newstart" / "search" / "data" / "concepts.json"
QUERIES_PATH = REPO / "newstart" / "search" / "data" / "relevance_queries.tsv"
TAXONOMY_PATH = REPO / "newstart" / "directory" / "data" / "settlement_taxonomy.json"
CATALOGUE_PATH = REPO / "newstart" / "directory" / "demo" / "data" / "catalogue.json"

LANGUAGES = ("en", "fr", "zh-hans", "zh-hant", "pa", "tl", "fa", "ar", "es", "ko", "vi", "uk", "hi")
TOP_LEVEL_CODES = (
    "LANG",
    "EMP",
    "CRED",
    "HOUS",
    "HEALTH",
    "CHILD",
    "LEGAL",
    "REFUGEE",
    "CIT",
    "MONEY",
    "FOOD",
    "COMM",
    "CRISIS",
    "ORIENT",
    "INTERP",
)

# Unicode blocks of each language's own script; Latin (acronyms, loanwords, romanised typing) is allowed
# everywhere, any other script nowhere.
SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "gurmukhi": ((0x0A00, 0x0A7F),),
    "devanagari": ((0x0900, 0x097F), (0xA8E0, 0xA8FF)),
    "arabic": ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "hangul": ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F)),
    "han": ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF)),
    "cyrillic": ((0x0400, 0x04FF),),
}
LANGUAGE_SCRIPT = {
    "zh-hans": "han",
    "zh-hant": "han",
    "pa": "gurmukhi",
    "fa": "arabic",
    "ar": "arabic",
    "ko": "hangul",
    "uk": "cyrillic",
    "hi": "devanagari",
}
LATIN_LANGUAGES = ("en", "fr", "tl", "es", "vi")

# Characters whose simplified and traditional forms differ and that are unambiguous in either system:
# a simplified form in zh-hant text (or the reverse) is a mix-up.
SIMPLIFIED_TRADITIONAL = (
    "语語 课課 学學 医醫 国國 证證 请請 帮幫 问問 银銀 钱錢 税稅 儿兒 务務 译譯 师師 补補 劳勞 险險 护護 时時"
    " 门門 车車 电電 话話 线線 顾顧 业業 资資 讯訊 诊診 疗療 难難 关關 约約 费費 贷貸 书書 读讀 写寫 记記 会會 议議"
    " 养養 购購 买買 卖賣 单單 过過 还還 这這 们們 个個 来來 对對 发發 开開 简簡 历歷 庆慶 营營 导導 级級 试試 测測"
    " 计計 划劃 与與 经經 济濟 权權 龄齡 屋屋"
)
SIMPLIFIED_ONLY = frozenset(pair[0] for pair in SIMPLIFIED_TRADITIONAL.split() if pair[0] != pair[1])
TRADITIONAL_ONLY = frozenset(pair[1] for pair in SIMPLIFIED_TRADITIONAL.split() if pair[0] != pair[1])
# Persian writes yeh and keheh; Arabic writes its own yeh and kaf and has no peh, tcheh, jeh or gaf.
ARABIC_ONLY_IN_PERSIAN = frozenset("\u064a\u0643")
PERSIAN_ONLY_IN_ARABIC = frozenset("\u06cc\u06a9\u067e\u0686\u0698\u06af")
# Letters of Russian that Ukrainian does not use.
RUSSIAN_ONLY_IN_UKRAINIAN = frozenset("ыэъёЫЭЪЁ")

MIN_LABELS = 3
MIN_LABELS_TOP_LEVEL = 5
QUERY_COLUMNS = ["lang", "query", "expected"]


@functools.cache
def _concept_file() -> dict[str, Any]:
    return json.loads(CONCEPTS_PATH.read_text(encoding="utf-8"))


def _concepts() -> list[dict[str, Any]]:
    return _concept_file()["concepts"]


@functools.cache
def _taxonomy_parents() -> dict[str, str | None]:
    terms = json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))["terms"]
    return {term["code"]: term["parent"] for term in terms}


def _top_level(code: str) -> str:
    parents = _taxonomy_parents()
    parent = parents[code]
    while parent is not None:
        code, parent = parent, parents[parent]
    return code


def _ancestors(code: str) -> set[str]:
    parents = _taxonomy_parents()
    found: set[str] = set()
    parent = parents[code]
    while parent is not None:
        found.add(parent)
        parent = parents[parent]
    return found


def _is_main(concept: dict[str, Any]) -> bool:
    """A top-level code itself or one of its direct children."""
    parents = _taxonomy_parents()
    for code in concept["taxonomy"]:
        parent = parents[code]
        if parent is None or parents[parent] is None:
            return True
    return False


@functools.cache
def _queries() -> list[dict[str, str]]:
    lines = QUERIES_PATH.read_text(encoding="utf-8").splitlines()
    data = [line for line in lines if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(data, delimiter="\t", quoting=csv.QUOTE_NONE))


def _script_of(char: str) -> str | None:
    """The script of a letter, "latin", or None for digits, spaces, punctuation and marks of no script."""
    if not unicodedata.category(char).startswith(("L", "M")):
        return None
    point = ord(char)
    for script, ranges in SCRIPT_RANGES.items():
        if any(low <= point <= high for low, high in ranges):
            return script
    if unicodedata.name(char, "").startswith("LATIN"):
        return "latin"
    return "other"


def _scripts(text: str) -> set[str]:
    return {script for script in map(_script_of, text) if script is not None}


def _all_labels() -> list[tuple[str, str, str]]:
    return [(c["key"], lang, label) for c in _concepts() for lang, labels in c["labels"].items() for label in labels]


# concepts.json: shape and taxonomy


def test_concepts_file_is_valid_json_with_the_expected_shape() -> None:
    data = _concept_file()
    assert data["languages"] == list(LANGUAGES)
    assert 60 <= len(data["concepts"]) <= 100
    for concept in data["concepts"]:
        assert set(concept) == {"key", "taxonomy", "broader", "labels"}, concept.get("key")
        assert isinstance(concept["key"], str) and concept["key"].isidentifier(), concept["key"]
        assert concept["taxonomy"] and all(isinstance(code, str) for code in concept["taxonomy"]), concept["key"]
        assert concept["broader"] is None or isinstance(concept["broader"], str), concept["key"]
        assert isinstance(concept["labels"], dict), concept["key"]
        for lang, labels in concept["labels"].items():
            assert lang in LANGUAGES, (concept["key"], lang)
            assert isinstance(labels, list) and all(isinstance(label, str) for label in labels), (concept["key"], lang)


def test_concept_keys_are_unique() -> None:
    duplicated = [key for key, count in Counter(c["key"] for c in _concepts()).items() if count > 1]
    assert duplicated == []


def test_every_taxonomy_code_exists_in_the_settlement_taxonomy() -> None:
    known = _taxonomy_parents()
    unknown = [(c["key"], code) for c in _concepts() for code in c["taxonomy"] if code not in known]
    assert unknown == []


def test_no_concept_lists_a_code_together_with_its_ancestor_or_twice() -> None:
    redundant = []
    for concept in _concepts():
        codes = concept["taxonomy"]
        assert len(codes) == len(set(codes)), concept["key"]
        redundant += [(concept["key"], code) for code in codes if _ancestors(code) & set(codes)]
    assert redundant == []


def test_every_top_level_code_has_a_general_concept() -> None:
    """Generic words ("job", "housing", "lawyer") need a concept that maps to the whole category."""
    general = {c["taxonomy"][0] for c in _concepts() if len(c["taxonomy"]) == 1}
    assert [code for code in TOP_LEVEL_CODES if code not in general] == []


def test_broader_keys_exist_share_a_category_and_have_no_cycles() -> None:
    by_key = {c["key"]: c for c in _concepts()}
    for concept in _concepts():
        broader = concept["broader"]
        if broader is None:
            continue
        assert broader in by_key, f"{concept['key']}: broader {broader!r} is not a concept"
        own = {_top_level(code) for code in concept["taxonomy"]}
        theirs = {_top_level(code) for code in by_key[broader]["taxonomy"]}
        assert own & theirs, f"{concept['key']} and its broader {broader} share no top-level code"
    for concept in _concepts():
        seen = {concept["key"]}
        broader = concept["broader"]
        while broader is not None:
            assert broader not in seen, f"cycle through {concept['key']} and {broader}"
            seen.add(broader)
            broader = by_key[broader]["broader"]


def test_every_code_the_demo_directory_uses_is_named_by_a_specific_concept() -> None:
    """Each demo code is named by a concept, itself or through an ancestor below the top level.

    A concept's codes stand for their whole subtree, so naming INTERP-DOC covers INTERP-DOC-CERT; the general
    top-level concepts do not count, or every code would be trivially covered.
    """
    if not CATALOGUE_PATH.is_file():
        pytest.skip(f"demo catalogue not found at {CATALOGUE_PATH}; skipped")
    catalogue = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    named = {code for c in _concepts() for code in c["taxonomy"] if code not in TOP_LEVEL_CODES}
    used = {code for kind in catalogue["service_kinds"].values() for code in kind["taxonomy"]}
    assert sorted(code for code in used if not ({code} | _ancestors(code)) & named) == []


# concepts.json: labels


def test_every_concept_has_english_and_enough_languages_and_main_concepts_all() -> None:
    for concept in _concepts():
        present = [lang for lang in LANGUAGES if concept["labels"].get(lang)]
        assert "en" in present, concept["key"]
        if _is_main(concept):
            assert present == list(LANGUAGES), f"{concept['key']} lacks {set(LANGUAGES) - set(present)}"
        else:
            assert len(present) >= 10, f"{concept['key']} has labels in only {present}"


def test_every_concept_has_enough_labels_per_language() -> None:
    thin = []
    for concept in _concepts():
        general = any(code in TOP_LEVEL_CODES for code in concept["taxonomy"])
        minimum = MIN_LABELS_TOP_LEVEL if general else MIN_LABELS
        thin += [
            (concept["key"], lang, len(labels)) for lang, labels in concept["labels"].items() if len(labels) < minimum
        ]
    assert thin == []


def test_labels_are_clean_nfc_and_not_repeated_within_a_language() -> None:
    for key, lang, label in _all_labels():
        assert label == label.strip() and label, (key, lang, label)
        assert "  " not in label and "\t" not in label and "\n" not in label, (key, lang, label)
        assert unicodedata.normalize("NFC", label) == label, (key, lang, label)
    for concept in _concepts():
        for lang, labels in concept["labels"].items():
            folded = Counter(label.casefold() for label in labels)
            assert [label for label, n in folded.items() if n > 1] == [], (concept["key"], lang)


def test_latin_script_languages_use_latin_letters_only() -> None:
    wrong = [
        (key, lang, label)
        for key, lang, label in _all_labels()
        if lang in LATIN_LANGUAGES and not _scripts(label) <= {"latin"}
    ]
    assert wrong == []


@pytest.mark.parametrize("lang", sorted(LANGUAGE_SCRIPT))
def test_labels_are_in_the_language_script_or_latin_and_mostly_native(lang: str) -> None:
    script = LANGUAGE_SCRIPT[lang]
    for concept in _concepts():
        labels = concept["labels"].get(lang, [])
        for label in labels:
            scripts = _scripts(label)
            assert scripts <= {script, "latin"}, (concept["key"], lang, label, scripts)
        native = sum(1 for label in labels if script in _scripts(label))
        assert native * 2 > len(labels), f"{concept['key']}/{lang}: only {native} of {len(labels)} labels in {script}"


def test_simplified_and_traditional_chinese_are_not_mixed_up() -> None:
    mixed = [
        (key, lang, label)
        for key, lang, label in _all_labels()
        if (lang == "zh-hans" and TRADITIONAL_ONLY & set(label)) or (lang == "zh-hant" and SIMPLIFIED_ONLY & set(label))
    ]
    assert mixed == []


def test_persian_and_arabic_use_their_own_letters() -> None:
    mixed = [
        (key, lang, label)
        for key, lang, label in _all_labels()
        if (lang == "fa" and ARABIC_ONLY_IN_PERSIAN & set(label))
        or (lang == "ar" and PERSIAN_ONLY_IN_ARABIC & set(label))
    ]
    assert mixed == []


def test_ukrainian_labels_have_no_russian_letters() -> None:
    wrong = [
        (key, label) for key, lang, label in _all_labels() if lang == "uk" and RUSSIAN_ONLY_IN_UKRAINIAN & set(label)
    ]
    assert wrong == []


def test_vietnamese_has_labels_with_and_without_diacritics() -> None:
    """Phones often type Vietnamese without its diacritics; both forms must find the concept."""
    for concept in _concepts():
        labels = concept["labels"]["vi"]
        assert any(not label.isascii() for label in labels), concept["key"]
        assert any(label.isascii() for label in labels), f"{concept['key']}: no vi label typed without diacritics"


def test_main_concepts_have_everyday_phrasings_beyond_the_taxonomy_name() -> None:
    """The thesaurus must add words to the taxonomy's own term names, not repeat them."""
    terms = {t["code"]: t["name"] for t in json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))["terms"]}
    for concept in _concepts():
        names = {terms[code].get(lang, "").casefold() for code in concept["taxonomy"] for lang in LANGUAGES}
        for lang, labels in concept["labels"].items():
            extra = [label for label in labels if label.casefold() not in names]
            assert len(extra) >= MIN_LABELS - 1, (concept["key"], lang)


# relevance_queries.tsv


def test_relevance_queries_parse_with_header_and_three_columns() -> None:
    lines = QUERIES_PATH.read_text(encoding="utf-8").splitlines()
    content = [line for line in lines if line.strip() and not line.startswith("#")]
    assert content[0].split("\t") == QUERY_COLUMNS
    for number, line in enumerate(content[1:], start=2):
        fields = line.split("\t")
        assert len(fields) == 3, f"data line {number}: {line!r}"
        assert all(field == field.strip() and field for field in fields), f"data line {number}: {line!r}"


def test_relevance_queries_cover_every_language() -> None:
    queries = _queries()
    assert len(queries) >= 200
    per_language = Counter(q["lang"] for q in queries)
    assert set(per_language) == set(LANGUAGES)
    assert {lang: n for lang, n in per_language.items() if n < 15} == {}


def test_relevance_queries_expect_top_level_codes_each_several_times() -> None:
    counts: Counter[str] = Counter()
    for query in _queries():
        codes = query["expected"].split("|")
        assert codes and all(code in TOP_LEVEL_CODES for code in codes), query
        assert len(codes) == len(set(codes)), query
        counts.update(codes)
    assert {code: counts[code] for code in TOP_LEVEL_CODES if counts[code] < 5} == {}


def test_relevance_queries_are_unique_per_language() -> None:
    pairs = Counter((q["lang"], unicodedata.normalize("NFC", q["query"]).casefold()) for q in _queries())
    assert [pair for pair, n in pairs.items() if n > 1] == []


def test_relevance_queries_are_typed_in_their_language_script() -> None:
    """Mixed queries ("ESL class 附近") are fine; a query in a foreign script is a mislabelled row."""
    for lang, script in LANGUAGE_SCRIPT.items():
        texts = [row["query"] for row in _queries() if row["lang"] == lang]
        for text in texts:
            assert _scripts(text) <= {script, "latin"}, (lang, text)
        native = sum(1 for text in texts if script in _scripts(text))
        assert native * 2 > len(texts), f"{lang}: only {native} of {len(texts)} queries in {script}"
    for row in _queries():
        if row["lang"] in LATIN_LANGUAGES:
            assert _scripts(row["query"]) <= {"latin"}, row


def test_every_expected_code_is_offered_by_the_demo_directory() -> None:
    if not CATALOGUE_PATH.is_file():
        pytest.skip(f"demo catalogue not found at {CATALOGUE_PATH}; skipped")
    catalogue = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    offered = {_top_level(code) for kind in catalogue["service_kinds"].values() for code in kind["taxonomy"]}
    expected = {code for query in _queries() for code in query["expected"].split("|")}
    assert sorted(expected - offered) == []
