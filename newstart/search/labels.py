"""Matching concept labels in text: the same rules for a newcomer's query and a service's text.

A text becomes a sequence of *units*: alphabetic words in their folded, lightly stemmed form, and
Han/Hangul runs as written. A label made of alphabetic words matches as a phrase (its units appear
consecutively); a label with Han or Hangul in it matches as a substring of the text with spaces
removed, since Chinese is written without spaces and Korean spacing varies ("영어수업", "영어 수업").
Each label has a lookup key (its first unit, or its first two Han/Hangul characters) so that only
the labels whose key occurs in the text need checking.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newstart.search.text import MAX_TERM_LENGTH, Token, match_key, script_of, tokens, word_tokens, words

_CJK = ("han", "hangul")


def _unit(token: Token) -> str:
    return token.text if token.script in _CJK else match_key(token)


@dataclass(frozen=True)
class LabelForm:
    normalized: str
    lookup_key: str
    is_compact: bool


def label_match_form(text: str) -> LabelForm:
    """How a label is stored for matching: its units, its lookup key, and whether it matches without spaces."""
    label_tokens = tokens(text)
    if not label_tokens:
        return LabelForm("", "", False)
    units = [_unit(token) for token in label_tokens]
    first = label_tokens[0]
    key = first.text[:2] if first.script in _CJK else units[0]
    is_compact = any(token.script in _CJK for token in label_tokens)
    return LabelForm(" ".join(units)[:300], key[:MAX_TERM_LENGTH], is_compact)


@dataclass
class TextForm:
    """A text (or query) prepared for label matching."""

    units: list[str]
    spaced: str = ""
    compact: str = ""
    keys: set[str] = field(default_factory=set)
    has_cjk: bool = False

    def __post_init__(self) -> None:
        self.spaced = " " + " ".join(self.units) + " "
        self.compact = "".join(self.units)
        self.keys = set(self.units)
        self.has_cjk = _CJK_CHARACTER.search(self.compact) is not None
        if not self.has_cjk:
            return
        # Han/Hangul labels are keyed by their first two characters (or their only one).
        for unit in self.units:
            if unit and _is_cjk_unit(unit):
                self.keys.update(unit[i : i + 2] for i in range(len(unit)))
        # A key may straddle two runs once spaces are removed ("英 语").
        self.keys.update(self.compact[i : i + 2] for i in range(len(self.compact) - 1) if _is_cjk_unit(self.compact[i]))

    def contains(self, *, normalized: str, is_compact: bool) -> bool:
        if not normalized:
            return False
        if is_compact:
            return normalized.replace(" ", "") in self.compact
        return f" {normalized} " in self.spaced


# Han (with kana) and Hangul, as newstart.search.text.script_of classifies them: one search, in C.
_CJK_CHARACTER = re.compile(
    "[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002fa1f\u3040-\u30ff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"
)


def _is_cjk_unit(unit: str) -> bool:
    return script_of(unit[0]) in _CJK


def text_form(text: str) -> TextForm:
    return TextForm([unit for word in words(text) for unit in word_units(word)])


@functools.lru_cache(maxsize=1 << 18)
def word_units(word: str) -> tuple[str, ...]:
    """The matching units of one word of a text (cached: texts repeat a small vocabulary)."""
    return tuple(_unit(token) for token in word_tokens(word))


def text_form_from_units(units: Iterable[str]) -> TextForm:
    return TextForm(list(units))


def unit_of(token: Token) -> str:
    """The matching unit of one query token."""
    return _unit(token)
