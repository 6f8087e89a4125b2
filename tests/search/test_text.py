# ruff: noqa: RUF001 - full-width and other-script letters are the point here.
"""Text processing: normalisation, folding, CJK terms, script detection, typo keys."""

from __future__ import annotations

import pytest

from newstart.search.labels import label_match_form, text_form
from newstart.search.text import (
    deletion_keys,
    detect_language,
    edit_distance,
    fold,
    index_terms,
    light_stem,
    normalize,
    tokens,
)


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("علي", "علی"),  # Arabic yeh → Persian yeh
        ("كلاس", "کلاس"),  # Arabic kaf → keheh
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("آموزش", "اموزش"),
        ("عـــربي", "عربی"),  # tatweel
        ("مَدْرَسَة", "مدرسه"),  # harakat
        ("۱۲۳", "123"),  # Persian digits
        ("٤٥٦", "456"),  # Arabic-Indic digits
    ],
)
def test_arabic_and_persian_variants_are_unified(variant, canonical):
    assert normalize(variant) == normalize(canonical) == canonical


def test_persian_half_space_separates_the_parts_of_a_word():
    assert [t.text for t in tokens("کلاس‌های زبان")] == ["کلاس", "های", "زبان"]


def test_case_and_compatibility_forms_are_folded():
    assert normalize("ＥＳＬ Straße") == "esl strasse"


@pytest.mark.parametrize(
    ("word", "folded"),
    [("tiếng", "tieng"), ("Đào", "dao"), ("lớp học", "lop hoc"), ("français", "francais"), ("inglés", "ingles")],
)
def test_latin_diacritics_fold(word, folded):
    assert " ".join(fold(t.text) for t in tokens(word)) == folded


def test_folding_leaves_other_scripts_alone():
    assert fold("ਅੰਗਰੇਜ਼ੀ") == "ਅੰਗਰੇਜ਼ੀ"
    assert fold("кваритра") == "кваритра"


def test_index_keeps_both_the_written_and_the_folded_form():
    terms = set(index_terms("Lớp tiếng Anh"))
    assert {"lớp", "lop", "tiếng", "tieng", "anh"} <= terms


def test_nukta_is_ignored_in_devanagari_and_gurmukhi():
    assert normalize("अंग्रेज़ी") == normalize("अंग्रेजी")
    assert normalize("ਅੰਗਰੇਜ਼ੀ") == normalize("ਅੰਗਰੇਜੀ")


def test_chinese_is_indexed_as_bigrams_and_characters():
    terms = list(index_terms("英语课程"))
    assert terms[:3] == ["英语", "语课", "课程"]
    assert set("英语课程") <= set(terms)


def test_han_is_split_from_latin_in_one_word():
    assert [(t.text, t.script) for t in tokens("ESL课程")] == [("esl", "latin"), ("课程", "han")]


def test_korean_gives_words_and_bigrams():
    terms = set(index_terms("영어를 배우다"))
    assert {"영어를", "영어", "어를", "배우다", "배우"} <= terms


@pytest.mark.parametrize(
    ("word", "stem"),
    [("classes", "class"), ("class", "class"), ("jobs", "job"), ("квартиру", "квартир"), ("квартира", "квартир")],
)
def test_light_stem(word, stem):
    assert light_stem(word) == stem


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("ਅੰਗਰੇਜ਼ੀ ਕਲਾਸ", "pa"),
        ("अंग्रेज़ी क्लास", "hi"),
        ("영어 수업", "ko"),
        ("学英语", "zh-hans"),
        ("學英語", "zh-hant"),
        ("курси англійської", "uk"),
        ("کلاس زبان انگلیسی", "fa"),
        ("دروس اللغة الإنجليزية", "ar"),
        ("lớp tiếng Anh", "vi"),
        ("necesito trabajo", "es"),
        ("je cherche un logement", "fr"),
        ("naghahanap ng trabaho", "tl"),
        ("need a job", "en"),
        ("ESL 课程", "zh-hans"),
        ("", None),
    ],
)
def test_query_language_by_script_and_words(query, language):
    assert detect_language(query) == language


def test_edit_distance_counts_transpositions_as_one():
    assert edit_distance("hosuing", "housing") == 1
    assert edit_distance("englsh", "english") == 1
    assert edit_distance("kitten", "sitting") == 3


def test_a_typo_shares_a_deletion_key_with_the_word():
    assert deletion_keys("hosuing") & deletion_keys("housing")
    assert deletion_keys("englsh") & deletion_keys("english")
    assert not deletion_keys("food", 1) & deletion_keys("wxyz", 1)


def test_labels_match_as_phrases_or_without_spaces():
    phrase = label_match_form("English classes")
    assert text_form("free english class near me").contains(normalized=phrase.normalized, is_compact=False)
    assert not text_form("english for kids classes").contains(normalized=phrase.normalized, is_compact=False)
    han = label_match_form("英语课")
    assert han.is_compact and han.lookup_key == "英语"
    query = text_form("我想上英语课")
    assert han.lookup_key in query.keys
    assert query.contains(normalized=han.normalized, is_compact=True)
    korean = label_match_form("영어 수업")
    assert text_form("무료영어수업").contains(normalized=korean.normalized, is_compact=True)
