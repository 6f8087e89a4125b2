# ruff: noqa: RUF001, RUF002 - this module is about letters of many scripts.
"""Text processing for search: normalisation, tokenisation into index terms, and script rules.

The same functions prepare the directory's text for the index and the newcomer's query, so both
sides always agree. Everything here is pure Python and deterministic: no dictionaries to download,
no model to load.

- **Normalisation** (`normalize`): Unicode NFKC and case folding; Arabic-script letter variants made
  one (ي/ی/ى, ك/ک, ة→ه, أ/إ/آ/ٱ→ا, ؤ→و, ئ→ی), tatweel and harakat removed; Arabic-Indic and Persian
  digits made ASCII; the Devanagari/Gurmukhi nukta and the Gurmukhi addak removed and nasal marks
  unified (people type ज for ज़ and ਜ for ਜ਼); the zero-width non-joiner (Persian half-space) becomes a
  space.
- **Latin folding** (`fold`): Latin diacritics removed ("tiếng" → "tieng", "đ" → "d"), because
  newcomers often type without them. The index keeps both forms, so an exact match still counts more.
- **Han text** (Chinese) is indexed as overlapping character bigrams (plus single characters).
  Bigrams need no dictionary, handle words the dictionary does not know (names of agencies, new
  words) and are the standard CJK approach of Lucene's CJKAnalyzer; a segmenter such as jieba would
  add ~20 MB of dictionary for little gain on short service texts.
- **Hangul** (Korean) gives both space-separated words and character bigrams inside each word, so
  "영어를" (English + object particle) still matches "영어".
- **Light inflection folding**: for Latin words the final "s" then "e" dropped from words of four
  letters or more ("classes" → "class", "jobs" → "job", "clases" → "clas"); for Cyrillic words one
  common Ukrainian case ending ("квартиру", "квартира" → "квартир"). Deliberately crude and
  language-independent (the query's language is often unknown; a Snowball stemmer needs it), and
  the concept thesaurus does the real multilingual work.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Longest index term kept; longer "words" (URLs, codes) are cut to this.
MAX_TERM_LENGTH = 64

# --- Normalisation -------------------------------------------------------------------------

_ARABIC_VARIANTS = {
    "ي": "ی",  # Arabic yeh → Persian yeh (one letter for both)
    "ى": "ی",  # alef maksura
    "ئ": "ی",
    "ك": "ک",  # Arabic kaf → keheh
    "ة": "ه",  # teh marbuta
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    "ۀ": "ه",
    "ـ": "",  # tatweel
    "\u200c": " ",  # zero-width non-joiner: the Persian half-space separates parts of a word
    "\u200d": "",
    "\u200f": "",
    "\u200e": "",
}
# Harakat and other Arabic combining marks (fathatan … sukun, superscript alef, Quranic marks).
_ARABIC_MARKS = {chr(code): "" for code in (*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE))}
# Arabic-Indic and extended (Persian/Urdu) digits → ASCII.
_DIGITS = {chr(0x0660 + n): str(n) for n in range(10)} | {chr(0x06F0 + n): str(n) for n in range(10)}
_INDIC = {
    "\u093c": "",  # Devanagari nukta
    "\u0a3c": "",  # Gurmukhi nukta
    "\u0a71": "",  # Gurmukhi addak (gemination), often left out
    "\u0901": "\u0902",  # Devanagari candrabindu → anusvara
    "\u0a70": "\u0a02",  # Gurmukhi tippi → bindi
    "\u0a01": "\u0a02",
}
_TRANSLATE = str.maketrans(_ARABIC_VARIANTS | _ARABIC_MARKS | _DIGITS | _INDIC)
# Latin letters that do not decompose under NFD.
_LATIN_EXTRA = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t"})


def normalize(text: str) -> str:
    """NFKC, case folding and script-specific unification (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    # NFD so that composed nukta letters (ज़ U+095B) expose their nukta for removal.
    text = unicodedata.normalize("NFD", text).translate(_TRANSLATE)
    return unicodedata.normalize("NFC", text)


def fold(token: str) -> str:
    """A Latin token without its diacritics ("lớp" → "lop"); other scripts are left as they are."""
    if not token or not _is_latin(token[0]):
        return token
    decomposed = unicodedata.normalize("NFD", token.translate(_LATIN_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Ukrainian case and number endings, longest first; a stem keeps at least four letters.
_CYRILLIC_ENDINGS = tuple(
    sorted(
        [
            *("ами", "ями", "ого", "ому", "ими", "іми", "ів", "ам", "ям", "ах", "ях", "ою", "ею", "ий", "ій", "ої"),
            *("их", "ім"),
            *"аяуюіиоеьйї",
        ],
        key=len,
        reverse=True,
    )
)


def light_stem(token: str) -> str:
    """A crude inflection folding for Latin and Cyrillic words (see the module docstring)."""
    if token and _is_cyrillic(token[0]):
        for ending in _CYRILLIC_ENDINGS:
            if token.endswith(ending) and len(token) - len(ending) >= 4:
                return token[: -len(ending)]
        return token
    if len(token) < 4 or not _is_latin(token[0]):
        return token
    if token.endswith("ss"):
        return token
    if token.endswith("s"):
        token = token[:-1]
    if token.endswith("e") and len(token) >= 5:
        token = token[:-1]
    return token


# --- Scripts -------------------------------------------------------------------------------


def _is_latin(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("\u00c0" <= ch <= "\u024f") or ("\u1e00" <= ch <= "\u1eff")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
        or 0x3040 <= code <= 0x30FF  # Japanese kana: treated like Han (no spaces)
    )


def _is_hangul(ch: str) -> bool:
    code = ord(ch)
    return 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


def script_of(ch: str) -> str:
    """A coarse script name for one character: latin, cyrillic, arabic, devanagari, gurmukhi,
    han, hangul, digit or other."""
    if ch.isdigit():
        return "digit"
    if _is_latin(ch):
        return "latin"
    if _is_han(ch):
        return "han"
    if _is_hangul(ch):
        return "hangul"
    if _is_cyrillic(ch):
        return "cyrillic"
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return "arabic"
    if 0x0900 <= code <= 0x097F:
        return "devanagari"
    if 0x0A00 <= code <= 0x0A7F:
        return "gurmukhi"
    return "other"


# --- Tokens --------------------------------------------------------------------------------

# A word: letters, combining marks (Indic vowel signs are marks) and digits; apostrophes split
# ("d'anglais" → "d", "anglais"); hyphens split too ("mag-aral" → "mag", "aral").
_WORD = re.compile(r"[\w\u0900-\u097f\u0a00-\u0a7f\u064b-\u065f\u0670]+", re.UNICODE)


@dataclass(frozen=True)
class Token:
    """A word of the text as written (normalised), with the script it is in.

    Han and Hangul runs are one token each; their index terms are bigrams.
    """

    text: str
    script: str


def tokens(text: str) -> list[Token]:
    """The normalised text's words, with Han runs split off from anything else around them."""
    result: list[Token] = []
    for word in _WORD.findall(normalize(text)):
        result.extend(word_tokens(word))
    return result


def words(text: str) -> list[str]:
    """The normalised text's words as the word pattern finds them (before Han runs are split off);
    `word_tokens`, `word_index_terms` and `word_units` take these."""
    return _WORD.findall(normalize(text))


# Texts repeat a small vocabulary (Zipf), so the per-word work is cached: indexing 100,000 services
# then costs a dictionary lookup for most words. Bounded, so a flood of distinct words cannot grow it.
_WORD_CACHE_SIZE = 1 << 18


@functools.lru_cache(maxsize=_WORD_CACHE_SIZE)
def word_tokens(word: str) -> tuple[Token, ...]:
    """One word split where the script changes between Han/Hangul and the rest ("esl课程" → "esl", "课程")."""
    if word.isascii():
        return (Token(word, "latin" if _HAS_ASCII_LETTER.search(word) else "digit"),)
    result: list[Token] = []
    start = 0
    current = _run_kind(word[0])
    for index in range(1, len(word)):
        kind = _run_kind(word[index])
        if kind != current:
            result.append(Token(word[start:index], _token_script(word[start:index])))
            start, current = index, kind
    result.append(Token(word[start:], _token_script(word[start:])))
    return tuple(result)


_HAS_ASCII_LETTER = re.compile(r"[a-z]")


def _run_kind(ch: str) -> str:
    script = script_of(ch)
    return script if script in ("han", "hangul") else "word"


def _token_script(word: str) -> str:
    for ch in word:
        script = script_of(ch)
        if script not in ("digit", "other"):
            return script
    return "digit"


def bigrams(run: str) -> list[str]:
    """Overlapping two-character grams of a Han or Hangul run; the run itself when shorter."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def token_forms(token: Token) -> list[str]:
    """The index terms of one alphabetic token: as written, folded, and lightly stemmed (deduplicated)."""
    exact = token.text
    folded = fold(exact)
    stemmed = light_stem(folded)
    return list(dict.fromkeys((exact, folded, stemmed)))


def index_terms(text: str) -> Iterator[str]:
    """Every index term of a text, in order (with repeats): word forms, Han bigrams and characters,
    Hangul words and bigrams."""
    for word in words(text):
        yield from word_index_terms(word)


@functools.lru_cache(maxsize=_WORD_CACHE_SIZE)
def word_index_terms(word: str) -> tuple[str, ...]:
    """The index terms of one word (see `index_terms`), each cut to MAX_TERM_LENGTH."""
    terms: list[str] = []
    for token in word_tokens(word):
        if token.script == "han":
            terms.extend(bigrams(token.text))
            if len(token.text) > 1:
                terms.extend(token.text)
        elif token.script == "hangul":
            terms.append(token.text)
            if len(token.text) > 2:
                terms.extend(bigrams(token.text))
        else:
            terms.extend(token_forms(token))
    return tuple(term[:MAX_TERM_LENGTH] for term in terms)


def match_key(token: Token) -> str:
    """The form of a token used to compare phrases (concept labels with text): folded and stemmed."""
    return light_stem(fold(token.text))


def compact(text: str) -> str:
    """The normalised text without spaces or punctuation, for substring matching in Han and Hangul."""
    return "".join(token.text for token in tokens(text))


# --- Typo tolerance ------------------------------------------------------------------------

# Deletions are taken from the first PREFIX_LENGTH characters only (as SymSpell does): fewer keys,
# same recall for typos near the start, and the final check uses the whole words.
PREFIX_LENGTH = 7
MIN_CORRECTABLE_LENGTH = 4


def max_edit_distance(term: str) -> int:
    """How many edits a word of this length may be corrected by: none below four letters, one up to
    six, two from seven."""
    if len(term) < MIN_CORRECTABLE_LENGTH:
        return 0
    return 1 if len(term) <= 6 else 2


def correctable(term: str) -> bool:
    """Whether typo correction applies: alphabetic words (not Han/Hangul, not numbers)."""
    if len(term) < MIN_CORRECTABLE_LENGTH:
        return False
    return script_of(term[0]) in ("latin", "cyrillic", "arabic", "devanagari", "gurmukhi")


def deletion_keys(term: str, distance: int | None = None) -> set[str]:
    """The word's prefix with up to `distance` characters deleted (SymSpell's deletion neighbourhood)."""
    if distance is None:
        distance = max_edit_distance(term)
    prefix = term[:PREFIX_LENGTH]
    keys = {prefix}
    frontier = {prefix}
    for _step in range(distance):
        frontier = {word[:i] + word[i + 1 :] for word in frontier for i in range(len(word)) if len(word) > 1}
        keys |= frontier
    return keys


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and transpositions."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


# --- Query language ------------------------------------------------------------------------

_SIMPLIFIED_ONLY = set(
    "们这国会车门时问间钱医难儿买卖务帮动职业证书读给开关个为语课学习过还没说对电话题请认识办觉让军发场"
)
_TRADITIONAL_ONLY = set(
    "們這國會車門時問間錢醫難兒買賣務幫動職業證書讀給開關個為語課學習過還沒說對電話題請認識辦覺讓軍發場"
)
_PERSIAN_LETTERS = set("پچژگ")
_VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
_SPANISH = set("ñ¿¡")
_FRENCH = set("çèêëîïœûù")
_STOPWORDS = {
    "en": {"the", "a", "an", "for", "to", "my", "i", "need", "help", "with", "and", "of", "in", "near", "me", "how"},
    "fr": {"le", "la", "les", "des", "du", "pour", "je", "un", "une", "de", "et", "aide", "besoin", "cherche", "mon"},
    "es": {"el", "los", "las", "para", "necesito", "busco", "un", "una", "ayuda", "con", "y", "mi", "del", "por"},
    "tl": {
        "ng",
        "mga",
        "sa",
        "ako",
        "ko",
        "para",
        "na",
        "ang",
        "kailangan",
        "tulong",
        "paano",
        "trabaho",
        "naghahanap",
    },
    "vi": {"tìm", "cần", "việc", "làm", "giúp", "cho", "của", "và", "tôi", "lớp", "học"},
}


def detect_language(text: str) -> str | None:
    """The query's language by script rules; for Latin text a small heuristic on letters and common
    words (en, fr, es, tl, vi). None for an empty query.

    Gurmukhi → pa, Devanagari → hi, Hangul → ko, Han → zh-hans or zh-hant (by characters only one of
    them uses), Cyrillic → uk, Arabic script → fa with Persian-only letters (پ چ ژ گ) or the Persian
    yeh/keheh as typed, else ar.
    """
    raw = unicodedata.normalize("NFKC", text).casefold()
    counts: dict[str, int] = {}
    for ch in raw:
        script = script_of(ch)
        if script not in ("digit", "other"):
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    # Any Han, Hangul or Indic letter decides: Latin in such queries is usually an acronym ("ESL 课程").
    for script, language in (("hangul", "ko"), ("gurmukhi", "pa"), ("devanagari", "hi")):
        if counts.get(script):
            return language
    if counts.get("han"):
        simplified = sum(ch in _SIMPLIFIED_ONLY for ch in raw)
        traditional = sum(ch in _TRADITIONAL_ONLY for ch in raw)
        return "zh-hant" if traditional > simplified else "zh-hans"
    if counts.get("arabic"):
        if any(ch in _PERSIAN_LETTERS for ch in raw) or "ی" in raw or "ک" in raw:
            return "fa"
        return "ar"
    if counts.get("cyrillic"):
        return "uk"
    return _latin_language(raw)


def _latin_language(raw: str) -> str:
    if any(ch in _VIETNAMESE for ch in raw):
        return "vi"
    words = re.findall(r"\w+", raw)
    scores = {language: sum(word in stopwords for word in words) for language, stopwords in _STOPWORDS.items()}
    if any(ch in _SPANISH for ch in raw) or re.search(r"ción\b|ciones\b", raw):
        scores["es"] += 2
    if any(ch in _FRENCH for ch in raw) or re.search(r"\b[dlj]'", raw):
        scores["fr"] += 2
    if re.search(r"\bmag-|\bpag-", raw):
        scores["tl"] += 2
    best = max(scores.items(), key=lambda item: (item[1], item[0] == "en"))
    return best[0] if best[1] > 0 else "en"
