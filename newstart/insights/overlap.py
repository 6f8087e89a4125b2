"""Overlap and duplication among the directory's services, for coordination discussions.

A pair of active services is **listed** when all of these hold:

1. **Same category**: they share a taxonomy code, or at least its top-level code (``LANG-LINC`` and
   ``LANG-CONV`` share ``LANG``; codes follow ``<PARENT>-<NAME>``).
2. **Same place**: a location of one is in the same local area as a location of the other, or within
   ``distance_km`` (default 1 km) of it. Services with no located place are not compared.
3. **Same population**: their age ranges overlap (a missing minimum counts as 0, a missing maximum as
   no limit). Eligibility wording is compared as part of the text (4).
4. **Similar enough**: ``similarity = 0.7 * text + 0.3 * category`` is at least ``threshold``
   (default 0.5), where *category* is 1 for a shared leaf code (one with a parent, e.g. LANG-LINC)
   and 0.5 for a shared top-level code only.

**Text similarity across languages.** Each service is compared in every language it has text in
(its parler translations: name, description and eligibility). Per language, the texts of all the
services written in it are turned into TF-IDF vectors of character 3- to 5-grams (within words,
after Unicode NFKC and case folding;
1- to 3-grams for Chinese and Japanese, written without spaces; sublinear term frequency, smoothed IDF, L2 norm — as
scikit-learn's ``TfidfVectorizer(analyzer="char_wb")``, written with numpy/scipy), and the pair's
text similarity is the **mean cosine over the languages both have** (the mean, not the best, so
that one loose translation neither makes nor breaks a pair). Character n-grams work for
every script without a word segmenter (Punjabi, Chinese, Arabic) and tolerate inflection and
spelling variants; comparing within one language at a time avoids comparing a translation with an
original. When two services share no language, the search engine's concept links
(newstart.search's concept links, which are language-independent) give the text similarity instead:
the Jaccard overlap of their concepts.

The listed pairs are ranked by similarity (then text similarity); each says why it is listed.
Precision and recall on a labelled set of pairs are measured in tests/insights/test_overlap.py.
"""

from __future__ import annotations

import math
import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from django.utils.translation import gettext as _
from scipy import sparse

from newstart.directory.models import Attribute, LocalArea, Service, ServiceAtLocation, ServiceStatus
from newstart.insights.gaps import haversine_matrix_km
from newstart.search.selectors import search_service_concepts

DEFAULT_DISTANCE_KM = 1.0
DEFAULT_THRESHOLD = 0.5
TEXT_WEIGHT = 0.7
CATEGORY_WEIGHT = 0.3
NGRAM_SIZES = (3, 4, 5)
# Chinese and Japanese are written without spaces and a character carries a word's meaning: shorter
# n-grams over the whole text.
CJK_NGRAM_SIZES = (1, 2, 3)
CJK_LANGUAGES = ("zh", "yue", "cmn", "ja")


def ngram_sizes(language: str) -> tuple[int, ...]:
    return CJK_NGRAM_SIZES if language.split("-")[0] in CJK_LANGUAGES else NGRAM_SIZES


@dataclass(frozen=True)
class OverlapSettings:
    distance_km: float = DEFAULT_DISTANCE_KM
    threshold: float = DEFAULT_THRESHOLD


@dataclass
class ServiceProfile:
    id: uuid.UUID
    name: str
    organization: str
    codes: frozenset[str]
    areas: dict[int, str]
    points: list[tuple[float, float]]
    min_age: float | None
    max_age: float | None
    texts: dict[str, str] = field(default_factory=dict)
    concepts: frozenset[str] = frozenset()

    @property
    def tops(self) -> frozenset[str]:
        return frozenset(top_code(code) for code in self.codes)


@dataclass(frozen=True)
class OverlapPair:
    first: ServiceProfile
    second: ServiceProfile
    similarity: float
    text_similarity: float
    # The languages the texts were compared in; none when compared through search concepts.
    text_languages: tuple[str, ...]
    shared_codes: tuple[str, ...]
    leaf_match: bool
    place: str
    ages: tuple[float, float | None]
    reasons: tuple[str, ...]

    @property
    def key(self) -> frozenset[uuid.UUID]:
        return frozenset({self.first.id, self.second.id})


def top_code(code: str) -> str:
    return code.split("-", 1)[0]


def is_leaf_code(code: str) -> bool:
    return "-" in code


# --- Reading the directory ---------------------------------------------------------------------


def service_profiles(*, service_ids: Iterable[uuid.UUID] | None = None) -> list[ServiceProfile]:
    """Active services with their codes, places, ages, texts per language and search concepts."""
    services = Service.objects.filter(status=ServiceStatus.ACTIVE).select_related("organization")
    if service_ids is not None:
        services = services.filter(id__in=list(service_ids))
    services = services.prefetch_related("translations", "organization__translations")
    profiles: dict[uuid.UUID, ServiceProfile] = {}
    for service in services:
        texts: dict[str, str] = {}
        for translation in service.translations.all():
            text = " ".join(
                part
                for part in (translation.name, translation.description, translation.eligibility_description)
                if part
            )
            if text.strip():
                texts[translation.language_code] = text
        organization = service.organization
        profiles[service.pk] = ServiceProfile(
            id=service.pk,
            name=str(service),
            organization=str(organization) if organization is not None else "",
            codes=frozenset(),
            areas={},
            points=[],
            min_age=service.minimum_age,
            max_age=service.maximum_age,
            texts=texts,
        )
    ids = list(profiles)
    codes: dict[uuid.UUID, set[str]] = defaultdict(set)
    for link_id, code in Attribute.objects.filter(link_entity=Service.hsds_type, link_id__in=ids).values_list(
        "link_id", "taxonomy_term__code"
    ):
        if code:
            codes[link_id].add(code)
    area_names = dict(LocalArea.objects.values_list("pk", "name"))
    for service_id, area_id, latitude, longitude, valid in ServiceAtLocation.objects.filter(
        service_id__in=ids
    ).values_list(
        "service_id",
        "location__local_area_id",
        "location__latitude",
        "location__longitude",
        "location__has_valid_coordinates",
    ):
        profile = profiles[service_id]
        if area_id is not None:
            profile.areas[area_id] = area_names.get(area_id, "")
        if valid and latitude is not None and longitude is not None:
            profile.points.append((float(latitude), float(longitude)))
    concepts = search_service_concepts(service_ids=ids)
    for service_id, profile in profiles.items():
        profile.codes = frozenset(codes.get(service_id, ()))
        profile.concepts = frozenset(concepts.get(service_id, {}))
    return sorted(profiles.values(), key=lambda p: (p.name, str(p.id)))


# --- Text similarity ---------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def char_ngrams(text: str, sizes: tuple[int, ...] = NGRAM_SIZES) -> Counter[str]:
    """Character n-grams within words, each word padded with a space on both sides ("char_wb")."""
    grams: Counter[str] = Counter()
    for word in _normalise(text).split(" "):
        padded = f" {word} "
        for size in sizes:
            if len(padded) < size:
                continue
            grams.update(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def tfidf_matrix(texts: Sequence[str], sizes: tuple[int, ...] = NGRAM_SIZES) -> sparse.csr_matrix:
    """Rows = texts, L2-normalised TF-IDF of character n-grams (sublinear tf, smoothed idf)."""
    vocabulary: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    counts: list[float] = []
    for text in texts:
        for gram, count in char_ngrams(text, sizes).items():
            indices.append(vocabulary.setdefault(gram, len(vocabulary)))
            counts.append(1.0 + math.log(count))
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.array(counts, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(texts), len(vocabulary)),
    )
    document_frequency = np.bincount(matrix.indices, minlength=len(vocabulary))
    idf = np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0
    matrix = matrix @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def text_similarities(
    profiles: Sequence[ServiceProfile], pairs: Sequence[tuple[int, int]]
) -> list[tuple[float, tuple[str, ...]]]:
    """(similarity, languages) per pair of profile positions: the mean cosine over the languages both
    have text in, else the Jaccard overlap of their search concepts (no languages)."""
    sums = np.zeros(len(pairs))
    shared: list[list[str]] = [[] for _pair in pairs]
    languages = sorted({language for profile in profiles for language in profile.texts})
    for language in languages:
        members = [i for i, profile in enumerate(profiles) if language in profile.texts]
        row_of = {i: row for row, i in enumerate(members)}
        wanted = [(k, row_of[a], row_of[b]) for k, (a, b) in enumerate(pairs) if a in row_of and b in row_of]
        if not wanted:
            continue
        matrix = tfidf_matrix([profiles[i].texts[language] for i in members], ngram_sizes(language))
        first = np.array([w[1] for w in wanted])
        second = np.array([w[2] for w in wanted])
        cosines = np.asarray(matrix[first].multiply(matrix[second]).sum(axis=1)).ravel()
        for (k, _a, _b), cosine in zip(wanted, cosines, strict=True):
            sums[k] += min(1.0, float(cosine))
            shared[k].append(language)
    results: list[tuple[float, tuple[str, ...]]] = []
    for k, (a, b) in enumerate(pairs):
        if shared[k]:
            results.append((float(sums[k] / len(shared[k])), tuple(shared[k])))
            continue
        one, other = profiles[a].concepts, profiles[b].concepts
        results.append((len(one & other) / len(one | other) if one and other else 0.0, ()))
    return results


# --- Candidates and the detector ---------------------------------------------------------------


def _age_overlap(a: ServiceProfile, b: ServiceProfile) -> tuple[float, float | None] | None:
    low = max(a.min_age or 0.0, b.min_age or 0.0)
    highs = [age for age in (a.max_age, b.max_age) if age is not None]
    high = min(highs) if highs else None
    if high is not None and low > high:
        return None
    return low, high


def _same_place(a: ServiceProfile, b: ServiceProfile, distance_km: float) -> str | None:
    shared = sorted(set(a.areas) & set(b.areas))
    if shared:
        return _("both in %(area)s") % {"area": a.areas[shared[0]]}
    if not a.points or not b.points:
        return None
    one, other = np.array(a.points), np.array(b.points)
    nearest = float(haversine_matrix_km(one[:, 0], one[:, 1], other[:, 0], other[:, 1]).min())
    if nearest <= distance_km:
        return _("%(distance)s km apart") % {"distance": f"{nearest:.1f}"}
    return None


def _ages_text(ages: tuple[float, float | None]) -> str:
    low, high = ages
    if high is None:
        return _("ages %(low)s and over") % {"low": f"{low:g}"} if low else _("all ages")
    return _("ages %(low)s to %(high)s") % {"low": f"{low:g}", "high": f"{high:g}"}


def overlap_pairs(
    profiles: Sequence[ServiceProfile], *, settings: OverlapSettings | None = None, listed_only: bool = True
) -> list[OverlapPair]:
    """Every candidate pair (same category, place and population) with its similarity; only those at
    or above the threshold unless ``listed_only`` is False. Best first."""
    settings = settings or OverlapSettings()
    by_top: dict[str, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        for top in profile.tops:
            by_top[top].append(index)
    candidate_keys: set[tuple[int, int]] = set()
    for members in by_top.values():
        candidate_keys.update(combinations(members, 2))
    candidates: list[tuple[int, int, str, tuple[float, float | None]]] = []
    for a, b in sorted(candidate_keys):
        one, other = profiles[a], profiles[b]
        place = _same_place(one, other, settings.distance_km)
        if place is None:
            continue
        ages = _age_overlap(one, other)
        if ages is None:
            continue
        candidates.append((a, b, place, ages))
    similarities = text_similarities(profiles, [(a, b) for a, b, _p, _g in candidates])
    pairs: list[OverlapPair] = []
    for (a, b, place, ages), (text, languages) in zip(candidates, similarities, strict=True):
        one, other = profiles[a], profiles[b]
        shared = tuple(sorted(one.codes & other.codes))
        leaf = any(is_leaf_code(code) for code in shared)
        similarity = TEXT_WEIGHT * text + CATEGORY_WEIGHT * (1.0 if leaf else 0.5)
        if listed_only and similarity < settings.threshold:
            continue
        shared_tops = sorted(one.tops & other.tops)
        reasons = (
            _("same category: %(codes)s") % {"codes": ", ".join(shared or shared_tops)},
            place,
            _("same population: %(ages)s") % {"ages": _ages_text(ages)},
            (
                _("descriptions %(percent)s%% alike (compared in %(languages)s)")
                % {"percent": round(100 * text), "languages": ", ".join(languages)}
                if languages
                else _("%(percent)s%% of search concepts in common (no shared language)")
                % {"percent": round(100 * text)}
            ),
        )
        pairs.append(
            OverlapPair(
                first=one,
                second=other,
                similarity=similarity,
                text_similarity=text,
                text_languages=languages,
                shared_codes=shared,
                leaf_match=leaf,
                place=place,
                ages=ages,
                reasons=reasons,
            )
        )
    pairs.sort(key=lambda p: (-p.similarity, -p.text_similarity, p.first.name, p.second.name))
    return pairs


def service_overlaps(
    *, settings: OverlapSettings | None = None, service_ids: Iterable[uuid.UUID] | None = None
) -> list[OverlapPair]:
    """The listed pairs of the directory's active services (see the module docstring), best first."""
    return overlap_pairs(service_profiles(service_ids=service_ids), settings=settings)
