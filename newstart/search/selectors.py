"""Reads of search: ranked services for a newcomer's query, in any of the directory's languages.

A search costs a fixed handful of queries whatever the size of the directory or of the result:
vocabulary (document frequencies), concept labels, one scoring query (SUM of integer weights
GROUP BY service, so SQLite and PostgreSQL rank identically), and the data for the final
re-ranking of the best candidates (freshness, distance). Typo correction and the broader-concept
fallback add a query or two only when they are needed. See docs/search.md.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Self, TypeVar, cast

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import F, FloatField, Func, IntegerField, Model, Q, QuerySet, UUIDField, Value
from django.db.models.lookups import In
from django.db.models.sql.where import AND, WhereNode
from django.utils import timezone

from newstart.directory.geo import haversine_km_array
from newstart.directory.models import Service
from newstart.search.db import fetch_binary
from newstart.search.document_values import NO_DATE, DocumentValues, document_values
from newstart.search.facets import FACET_PREFIX, Facets, WeightedFacet, facet_term
from newstart.search.labels import TextForm, text_form_from_units, unit_of
from newstart.search.models import Concept, ConceptLabel, ConceptLink, SearchDeletion, SearchDocument, SearchVocabulary
from newstart.search.postings import IndexState, day_number, index_state_decode, points_decode, postings_decode
from newstart.search.postings_cache import postings_forget, postings_held, postings_held_generations, postings_keep
from newstart.search.services import CONCEPT_LINK_WEIGHTS, CONCEPT_TERM_PREFIX, INDEX_SIZE_TERM, concept_term
from newstart.search.text import (
    MAX_TERM_LENGTH,
    Token,
    bigrams,
    correctable,
    deletion_keys,
    detect_language,
    edit_distance,
    fold,
    max_edit_distance,
    token_forms,
    tokens,
)
from newstart.search.thesaurus_cache import HeldThesaurus, thesaurus_for, thesaurus_held

MAX_QUERY_LENGTH = 200
# Candidates re-ranked by freshness and distance; the most any search returns.
MAX_RESULTS = 1000
# Candidates checked against the filters in the first query, and at most in one query.
FILTER_BATCH = 2000
MAX_FILTER_BATCH = 20_000
_IN_BATCH = 5000
# IDF is scaled by this and rounded, so that scores are exact integers on every database.
IDF_SCALE = 10
# Weight of a concept the query names (times the service's link weight, 10 to 30), scaled by how much of
# the query the label covers; a concept's broader concept counts for BROADER_SHARE of that.
CONCEPT_QUERY_WEIGHT = 100
BROADER_SHARE = 0.25
# Freshness: a listing verified today scores up to 5 % more; the bonus halves every year.
FRESHNESS_WEIGHT = 0.05
FRESHNESS_HALF_LIFE_DAYS = 365.0
# Distance: relevance times (1 - DISTANCE_WEIGHT) + DISTANCE_WEIGHT * 2^(-km / half-life).
DISTANCE_WEIGHT = 0.4
DISTANCE_HALF_LIFE_KM = 5.0
# Services without a located office (online, by phone) are treated as this far away.
UNLOCATED_KM = 5.0

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class SearchHit:
    service_id: uuid.UUID
    score: float
    relevance: int
    distance_km: float | None = None


@dataclass(frozen=True)
class Suggestion:
    """A need to try when nothing was found: a top-level concept, named in the query's language."""

    text: str
    concept: str
    # The concept's first taxonomy code (a top-level settlement category, e.g. "HOUS"), if it has one.
    category: str | None = None
    # The language `text` is in (the query's, else English, else any).
    language: str = "en"


@dataclass(frozen=True)
class _Ranking:
    """Hits as parallel arrays, best first: document numbers, final scores, relevance (the integer
    text and concept score) and km to the nearest located office (NaN: none, or no point given).

    The engine works on document numbers to the end; services' ids are read only for what is shown
    (a page of the ranked queryset) or when `SearchResult.hits` is asked for."""

    numbers: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]
    relevance: npt.NDArray[np.int64]
    distances: npt.NDArray[np.float64]

    @classmethod
    def empty(cls) -> _Ranking:
        return cls(
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.float64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.float64),
        )

    def __len__(self) -> int:
        return len(self.numbers)


@dataclass
class SearchResult:
    """Ranked services (best first) and what the engine understood of the query."""

    query: str
    language: str | None
    # Concept keys the query matched (most specific first).
    concepts: list[str] = field(default_factory=list)
    # The query with misspelt words corrected, when a correction was used.
    did_you_mean: str | None = None
    # Broader concepts searched instead because nothing matched the query itself.
    broader: list[str] = field(default_factory=list)
    # Phrases to try when nothing was found at all (the texts of `suggested`).
    suggestions: list[str] = field(default_factory=list)
    suggested: list[Suggestion] = field(default_factory=list)
    ranking: _Ranking = field(default_factory=_Ranking.empty, repr=False)
    _hits: list[SearchHit] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def document_numbers(self) -> list[int]:
        """The hits' index document numbers, best first."""
        return cast("list[int]", self.ranking.numbers.tolist())

    @property
    def hits(self) -> list[SearchHit]:
        """The hits with their services' ids (one query per 5,000 hits, the first time)."""
        if self._hits is None:
            ranking = self.ranking
            services = _document_services(self.document_numbers)
            self._hits = [
                SearchHit(
                    service_id=services[number],
                    score=score,
                    relevance=relevance,
                    distance_km=None if math.isnan(distance) else distance,
                )
                for number, score, relevance, distance in zip(
                    ranking.numbers.tolist(),
                    ranking.scores.tolist(),
                    ranking.relevance.tolist(),
                    ranking.distances.tolist(),
                    strict=True,
                )
                if number in services
            ]
        return self._hits

    @property
    def service_ids(self) -> list[uuid.UUID]:
        return [hit.service_id for hit in self.hits]


@dataclass
class _Query:
    """The query's tokens after correction, and the index terms it looks for."""

    tokens: list[Token]
    corrected: dict[int, str]  # token position -> corrected word

    def terms(self) -> set[str]:
        found: set[str] = set()
        for token in self.tokens:
            found.update(_query_terms(token))
        return found


def _query_terms(token: Token) -> list[str]:
    if token.script == "han":
        return bigrams(token.text)
    if token.script == "hangul":
        return [token.text, *bigrams(token.text)] if len(token.text) > 2 else [token.text]
    return [term[:MAX_TERM_LENGTH] for term in token_forms(token)]


@dataclass
class _Known:
    """What the index knows of the query's terms: services per term, postings lists, index size."""

    doc_counts: dict[str, int] = field(default_factory=dict)
    postings: dict[str, bytes] = field(default_factory=dict)
    total: int = 0
    looked_up: set[str] = field(default_factory=set)
    # The index's state (None: an index from before states were kept).
    state: IndexState | None = None

    def add(self, terms: set[str]) -> None:
        """Look these terms up, and the size of the index the first time (one query)."""
        wanted = sorted(terms - self.looked_up)
        if self.looked_up and not wanted:
            return
        if not self.looked_up:
            wanted.insert(0, INDEX_SIZE_TERM)
        self.looked_up.update(wanted)
        stamp, held = postings_held_generations(wanted)
        if self.state is not None and stamp != self.state.stamp:
            held = {}  # lists of another index
        from_held: list[str] = []
        read: dict[str, tuple[int, bytes]] = {}
        for term, doc_count, in_labels, generation, postings in _vocabulary_rows(wanted, held):
            if term == INDEX_SIZE_TERM:
                self.total = doc_count
                self.state = index_state_decode(postings)
            elif doc_count > 0 or in_labels:
                self.doc_counts[term] = doc_count
                if doc_count <= 0:
                    continue
                if postings is None:
                    # Not sent: the list held is the current one (unless dropped meanwhile).
                    kept = postings_held(term, generation)
                    if kept is not None:
                        self.postings[term] = kept
                        from_held.append(term)
                        continue
                    again = _vocabulary_rows([term], {})
                    if not again:
                        continue  # gone meanwhile (a rebuild)
                    postings = again[0][4]
                read[term] = (generation, bytes(postings))
                self.postings[term] = read[term][1]
        current = self.state.stamp if self.state is not None else None
        if from_held and stamp != current:
            # The lists held were another index's: read them again.
            postings_forget(current)
            for term, _doc_count, _in_labels, generation, postings in _vocabulary_rows(from_held, {}):
                read[term] = (generation, bytes(postings))
                self.postings[term] = read[term][1]
        if current is not None:
            postings_keep(current, read)


def _vocabulary_rows(terms: list[str], held: dict[str, int]) -> list[tuple[Any, ...]]:
    """(term, doc_count, in_labels, generation, postings) of these terms, in one query; postings are
    None where `held` (term -> generation of the list this process holds) is still the current list."""
    # The table's name is the model's, not input.
    table = SearchVocabulary._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            "SELECT v.term, v.doc_count, v.in_labels, v.generation,"  # noqa: S608
            " CASE WHEN v.generation = h.generation THEN NULL ELSE v.postings END"
            f" FROM {table} v LEFT JOIN unnest(%s::text[], %s::bigint[]) AS h(term, generation) ON h.term = v.term"
            " WHERE v.term = ANY(%s::text[])"
        )
        return fetch_binary(sql, [list(held), list(held.values()), terms])
    sql = (
        "SELECT v.term, v.doc_count, v.in_labels, v.generation,"  # noqa: S608
        " CASE WHEN v.generation = h.value THEN NULL ELSE v.postings END"
        f" FROM {table} v LEFT JOIN json_each(%s) AS h ON h.key = v.term"
        " WHERE v.term IN (SELECT value FROM json_each(%s))"
    )
    return fetch_binary(sql, [json.dumps(held), json.dumps(terms)])


def _correct(query: _Query, known: _Known) -> None:
    """Replace unknown alphabetic words by the closest known word (fewest edits, then most services)."""
    unknown = {
        position: fold(token.text)
        for position, token in enumerate(query.tokens)
        if token.script not in ("han", "hangul")
        and correctable(fold(token.text))
        and not any(term in known.doc_counts for term in _query_terms(token))
    }
    if not unknown:
        return
    keys = sorted({key for word in unknown.values() for key in deletion_keys(word)})
    candidates = list(
        SearchVocabulary.objects.filter(
            Q(doc_count__gt=0) | Q(in_labels=True),
            term__in=SearchDeletion.objects.filter(key__in=keys).values("term"),
        ).values_list("term", "doc_count")
    )
    for position, word in sorted(unknown.items()):
        limit = max_edit_distance(word)
        scored = []
        for term, doc_count in candidates:
            if abs(len(term) - len(word)) > limit:
                continue
            distance = edit_distance(word, term)
            if 0 < distance <= limit:
                scored.append((distance, -doc_count, term))
        if scored:
            best = min(scored)[2]
            query.corrected[position] = best
            query.tokens[position] = Token(best, query.tokens[position].script)
    if query.corrected:
        known.add(query.terms())


@dataclass
class _ConceptMatch:
    key: str
    strength: float  # 0 to 1: the share of the query the best label covers
    broader_key: str | None


def _concepts(form: TextForm, held: HeldThesaurus | None) -> dict[str, _ConceptMatch]:
    """Concepts whose labels occur in the query: from the thesaurus `held`, else one query."""
    if not form.keys:
        return {}
    matches: dict[str, _ConceptMatch] = {}
    query_length = max(len(form.compact), 1)
    rows: Iterable[tuple[str, str | None, str, bool]]
    if held is not None:
        rows = held.labels(form.keys)
    else:
        rows = ConceptLabel.objects.filter(lookup_key__in=sorted(form.keys)).values_list(
            "concept__key", "concept__broader__key", "normalized", "is_compact"
        )
    for key, broader_key, normalized, is_compact in rows:
        if not form.contains(normalized=normalized, is_compact=is_compact):
            continue
        strength = min(1.0, len(normalized.replace(" ", "")) / query_length)
        if key not in matches or matches[key].strength < strength:
            matches[key] = _ConceptMatch(key, strength, broader_key)
    return matches


def _query_form(query: _Query) -> TextForm:
    return text_form_from_units(unit_of(token) for token in query.tokens)


def _concept_terms(matches: dict[str, _ConceptMatch]) -> set[str]:
    """The index terms of these concepts and of their broader concepts."""
    keys = {match.key for match in matches.values()} | {
        match.broader_key for match in matches.values() if match.broader_key
    }
    return {concept_term(key) for key in keys}


def _idf(doc_count: int, total: int) -> int:
    return max(1, round(IDF_SCALE * math.log(1 + total / max(doc_count, 1))))


def _scores(weights: dict[str, int], known: _Known) -> npt.NDArray[np.int64]:
    """Every document's score: the sum over the query's terms of the term's weight in the document
    times the term's query weight (integers: identical on every database). Index: document number."""
    lists = [
        (postings_decode(known.postings[term]), weight) for term, weight in weights.items() if term in known.postings
    ]
    size = max((int(keys[-1]) + 1 for (keys, _weights), _weight in lists if len(keys)), default=0)
    scores = np.zeros(size, dtype=np.int64)
    for (keys, term_weights), query_weight in lists:
        # Each postings list holds a document once, so the fancy-indexed addition is exact.
        scores[keys] += term_weights.astype(np.int64) * query_weight
    return scores


def _ranked_documents(scores: npt.NDArray[np.int64], depth: int | None) -> npt.NDArray[np.int64]:
    """Documents with a score, best first (ties by document number: services in id order when the
    index was rebuilt); only the best `depth` when given."""
    found = np.flatnonzero(scores)
    # Score in the high bits, the inverted document number in the low ones: one integer sort key.
    keys = (scores[found] << 32) | (0xFFFFFFFF - found)
    if depth is not None and len(found) > depth:
        best = np.argpartition(-keys, depth - 1)[:depth]
        found, keys = found[best], keys[best]
    return cast("npt.NDArray[np.int64]", found[np.argsort(-keys, kind="stable")])


class Hits:
    """Ids for the `in_search_hits` lookup: not a list, so that Django passes them on as they are
    instead of preparing each one (thousands per search)."""

    def __init__(self, ids: Iterable[Any]) -> None:
        self.ids = list(ids)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def _numbers_condition(numbers: Sequence[int] | Sequence[str], column: str = "d.id") -> tuple[str, list[Any]]:
    """`column IN (numbers)` (or terms) as SQL with one parameter (an array, or a JSON array on SQLite)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(numbers)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(numbers))]  # noqa: S608


def _document_services(numbers: Sequence[int]) -> dict[int, uuid.UUID]:
    """Document number -> its service's id (a query per 5,000 documents)."""
    found: dict[int, uuid.UUID] = {}
    for start in range(0, len(numbers), _IN_BATCH):
        chunk = numbers[start : start + _IN_BATCH]
        found.update(SearchDocument.objects.filter(id__in_search_hits=Hits(chunk)).values_list("id", "service_id"))
    return found


def _aligned(numbers: npt.NDArray[np.int64], rows: list[tuple[Any, ...]]) -> npt.NDArray[np.float64]:
    """The rows' (number, value) pairs as values in the order of `numbers`, the smallest value when a
    number has several and NaN when it has none."""
    values = np.full(len(numbers), np.nan)
    if not rows or not len(numbers):
        return values
    table = np.array(rows, dtype=np.float64)
    order = np.argsort(numbers, kind="stable")
    positions = order[np.searchsorted(numbers[order], table[:, 0].astype(np.int64))]
    # Every row's number is one of `numbers` (the query asked for no others).
    np.fmin.at(values, positions, table[:, 1])
    return values


def _document_values(numbers: npt.NDArray[np.int64], value: str) -> list[tuple[Any, ...]]:
    """(number, `value`: an SQL expression over the row) of these documents, one narrow row each read
    by its key."""
    condition, parameter = _numbers_condition(numbers.tolist(), "id")
    sql = f"SELECT id, {value} FROM {SearchDocument._meta.db_table} WHERE {condition}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, parameter)
        return cursor.fetchall()


def _assured_days(numbers: npt.NDArray[np.int64], held: DocumentValues | None) -> npt.NDArray[np.float64]:
    """Days since 1970-01-01 of each document's service's assured date (NO_DATE: never verified;
    NaN: the document is gone): from the values this process holds, else in one query of integers
    (SearchDocument.assured_day)."""
    if not len(numbers):
        return np.zeros(0)
    if held is not None:
        return held.assured_days(numbers)
    return _aligned(numbers, _document_values(numbers, f"COALESCE(assured_day, {NO_DATE})"))


def _is_unfiltered(base_qs: QuerySet[Service] | None) -> bool:
    return base_qs is None or (base_qs.model is Service and not base_qs.query.where and not base_qs.query.is_sliced)


@dataclass(frozen=True)
class _Radius:
    """Only services with a located office within `km` of `point`."""

    point: tuple[float, float]
    km: float


def _in_queryset(numbers: npt.NDArray[np.int64], base_qs: QuerySet[Service]) -> npt.NDArray[np.bool_]:
    """Which of these documents' services `base_qs` lets through (one query: a primary-key probe
    each, the directory's filters being correlated EXISTS)."""
    allowed = (
        base_qs.order_by()
        .filter(search_document__id__in_search_hits=Hits(numbers.tolist()))
        .values_list("search_document__id", flat=True)
    )
    return np.isin(numbers, np.fromiter(allowed, dtype=np.int64))


def _checked(
    ranked: npt.NDArray[np.int64],
    base_qs: QuerySet[Service] | None,
    radius: _Radius | None,
    depth: int,
    sure: npt.NDArray[np.bool_] | None = None,
    held: DocumentValues | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64] | None]:
    """The best `depth` ranked documents within `radius` whose services are in `base_qs`, and their
    distances when a radius was checked. Documents marked `sure` are known to be in `base_qs`.

    Candidates are checked in rank order, a batch at a time: the radius from their offices'
    coordinates (one query, distances in numpy), then the filters (one query). The batches grow with
    what the previous ones showed of the checks' selectivity, so the cost follows the number of
    candidates checked, never the size of the directory.
    """
    check = None if _is_unfiltered(base_qs) else base_qs
    if check is None and radius is None:
        return ranked[:depth], None
    passed: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    distances: list[npt.NDArray[np.float64]] = [np.zeros(0)]
    found = position = 0
    # The first batch: enough for the page asked for when the checks let most candidates through.
    batch = min(FILTER_BATCH, depth + depth // 4 + 10)
    while position < len(ranked) and found < depth:
        chunk = ranked[position : position + batch]
        position += batch
        km = np.zeros(0)
        if radius is not None:
            km = _nearest_km(chunk, radius.point, held)
            inside = km <= radius.km  # NaN (no located office) is never inside
            chunk, km = chunk[inside], km[inside]
        if check is not None and len(chunk):
            allowed = np.ones(len(chunk), dtype=bool)
            unsure = ~sure[chunk] if sure is not None else allowed.copy()
            if unsure.any():
                allowed[unsure] = _in_queryset(chunk[unsure], check)
            chunk = chunk[allowed]
            if radius is not None:
                km = km[allowed]
        passed.append(chunk)
        distances.append(km)
        share = max(len(chunk) / batch, 0.01)
        found += len(chunk)
        batch = min(MAX_FILTER_BATCH, max(2 * batch, math.ceil((depth - found) / share * 1.2)))
    numbers = np.concatenate(passed)[:depth]
    return numbers, (np.concatenate(distances)[:depth] if radius is not None else None)


def _facet_mask(size: int, facets: Sequence[Facets], known: _Known) -> npt.NDArray[np.bool_]:
    """By document number (below `size`): whether the document is in every group of facets (any of
    the group's terms; a weighted facet where its weight shares a bit with the facet's)."""
    inside = np.ones(size, dtype=bool)
    for group in facets:
        allowed = np.zeros(size, dtype=bool)
        for facet in group:
            keys, weights = postings_decode(known.postings.get(facet_term(facet)))
            if isinstance(facet, WeightedFacet):
                keys = keys[(weights & facet.bits) != 0]
            allowed[keys[keys < size]] = True
        inside &= allowed
    return inside


def _apply_facets(scores: npt.NDArray[np.int64], facets: Sequence[Facets], known: _Known) -> None:
    """Zero the scores of documents outside the facets: each group (any of its terms) must hold."""
    if facets:
        scores[~_facet_mask(len(scores), facets, known)] = 0


def _search(
    weights: dict[str, int],
    *,
    known: _Known,
    base_qs: QuerySet[Service] | None,
    depth: int,
    facets: Sequence[Facets],
    sure_facets: Sequence[Facets] | None,
    near: tuple[float, float] | None,
    radius: _Radius | None,
    today: dt.date,
) -> _Ranking:
    """The best `depth` services of `base_qs` (within `facets` and `radius`), in their final order."""
    if not weights:
        return _Ranking.empty()
    scores = _scores(weights, known)
    _apply_facets(scores, facets, known)
    unchecked = _is_unfiltered(base_qs) and radius is None
    ranked = _ranked_documents(scores, depth if unchecked else None)
    sure = _facet_mask(len(scores), sure_facets, known) if sure_facets and not unchecked else None
    # The documents' values this process holds, when they are those of the index the search read.
    held = document_values(known.state) if known.state is not None else None
    numbers, distances = _checked(ranked, base_qs, radius, depth, sure, held)
    if distances is None:
        distances = _nearest_km(numbers, near, held) if near is not None else np.full(len(numbers), np.nan)
    return _rerank(numbers, scores[numbers], distances, near is not None, today, held)


def _nearest_km(
    numbers: npt.NDArray[np.int64], near: tuple[float, float], held: DocumentValues | None
) -> npt.NDArray[np.float64]:
    """Km from `near` to each document's service's nearest located office (NaN: none), in the order
    of `numbers`: from the coordinates this process holds, else in one query of the documents'
    coordinates (SearchDocument.points); distances in numpy either way."""
    if not len(numbers):
        return np.zeros(0)
    if held is not None:
        return held.nearest_km(numbers, near)
    rows = [(number, points_decode(points)) for number, points in _document_values(numbers, "points") if points]
    if not rows:
        return np.full(len(numbers), np.nan)
    offices = np.concatenate([points for _number, points in rows])
    owners = np.repeat([number for number, _points in rows], [len(points) for _number, points in rows])
    km = haversine_km_array(near[0], near[1], offices[:, 0], offices[:, 1])
    return _aligned(numbers, list(zip(owners.tolist(), km.tolist(), strict=True)))


def _rerank(
    numbers: npt.NDArray[np.int64],
    relevance: npt.NDArray[np.int64],
    distances: npt.NDArray[np.float64],
    near: bool,
    today: dt.date,
    held: DocumentValues | None,
) -> _Ranking:
    """Final order: relevance with a small freshness bonus and, near a point, a distance decay."""
    if not len(numbers):
        return _Ranking.empty()
    days = _assured_days(numbers, held)
    # A document gone since it was scored (its service deleted meanwhile) is dropped.
    kept = ~np.isnan(days)
    if not kept.all():
        numbers, relevance, distances, days = numbers[kept], relevance[kept], distances[kept], days[kept]
    present = days != NO_DATE
    scores = relevance.astype(np.float64)
    age = np.maximum(cast("int", day_number(today)) - days, 0)
    bonus = 1 + FRESHNESS_WEIGHT * 0.5 ** (age / FRESHNESS_HALF_LIFE_DAYS)
    scores = np.where(present, scores * bonus, scores)
    if near:
        km = np.where(np.isnan(distances), UNLOCATED_KM, distances)
        scores = scores * ((1 - DISTANCE_WEIGHT) + DISTANCE_WEIGHT * 0.5 ** (km / DISTANCE_HALF_LIFE_KM))
    scores = np.round(scores, 6)
    # Equal scores keep the index's order (document numbers), as the cut to `depth` did.
    order = np.lexsort((numbers, -scores))
    return _Ranking(numbers[order], scores[order], relevance[order], distances[order])


def _suggestions(language: str | None) -> list[Suggestion]:
    """The top-level concepts, named in the query's language where they can be (one query)."""
    rows = list(
        ConceptLabel.objects.filter(concept__broader__isnull=True)
        .order_by("concept__key", "id")
        .values_list("concept__key", "concept__taxonomy_codes", "language", "text")
    )
    first: dict[str, dict[str, str]] = defaultdict(dict)
    codes: dict[str, str] = {}
    for key, taxonomy_codes, label_language, text in rows:
        first[key].setdefault(label_language, text)
        codes[key] = taxonomy_codes
    suggestions = []
    for key, labels in first.items():
        label_language = next(code for code in (language or "en", "en", *labels) if code in labels)
        category = next((code.strip().upper() for code in codes[key].split(",") if code.strip()), None)
        suggestions.append(
            Suggestion(text=labels[label_language], concept=key, category=category, language=label_language)
        )
    return suggestions


def search_services(
    *,
    query: str,
    language: str | None = None,
    near: tuple[float, float] | None = None,
    base_qs: QuerySet[Service] | None = None,
    limit: int | None = None,
    facets: Sequence[Facets] = (),
    within_km: float | None = None,
    sure_facets: Sequence[Facets] | None = None,
) -> SearchResult:
    """Services matching `query`, best first.

    `language` is the query's language when known (else detected from its script and words);
    `near` a (latitude, longitude) that nearer services are preferred to, and with `within_km` only
    services with a located office that close are found; `base_qs` restricts the
    search to some services (filters); `facets` are index terms (newstart.search.facets) the services
    `base_qs` lets through are known to have, a quick prefilter (each group: any of its terms), and
    a service in every group of `sure_facets` is known to be in `base_qs` (not checked again);
    `limit` caps the hits (at most MAX_RESULTS). Words that
    match nothing are corrected (`did_you_mean`); when nothing matches, the query's broader concepts
    are searched (`broader`); when even that finds nothing, `suggestions` lists needs to try.
    """
    text = (query or "").strip()[:MAX_QUERY_LENGTH]
    result = SearchResult(query=text, language=language or detect_language(text))
    depth = min(limit or MAX_RESULTS, MAX_RESULTS)
    parsed = _Query(tokens=tokens(text), corrected={})
    if not parsed.tokens:
        return result
    known = _Known()
    facet_terms = {facet_term(facet) for group in (*facets, *(sure_facets or ())) for facet in group}
    # With the thesaurus held, the query's concepts are known before any query: their lists are read
    # with the words' and the facets' (one query in all, unless the thesaurus changed meanwhile).
    held = thesaurus_held()
    guessed = _concepts(_query_form(parsed), held) if held is not None else {}
    known.add(parsed.terms() | facet_terms | _concept_terms(guessed))
    _correct(parsed, known)
    if parsed.corrected:
        result.did_you_mean = " ".join(token.text for token in parsed.tokens)

    held = thesaurus_for(known.state) if known.state is not None else None
    matches = _concepts(_query_form(parsed), held)
    ordered = sorted(matches.values(), key=lambda match: (-match.strength, match.key))
    result.concepts = [match.key for match in ordered]

    # The query's words (concepts and facets are weighed below, or not at all).
    weights: dict[str, int] = {
        term: _idf(doc_count, known.total)
        for term, doc_count in known.doc_counts.items()
        if doc_count > 0 and not term.startswith((FACET_PREFIX, CONCEPT_TERM_PREFIX))
    }
    for match in ordered:
        concept_weight = max(1, round(CONCEPT_QUERY_WEIGHT * match.strength))
        weights[concept_term(match.key)] = max(weights.get(concept_term(match.key), 0), concept_weight)
    for match in ordered:
        if match.broader_key and match.broader_key not in matches:
            broader_weight = max(1, round(CONCEPT_QUERY_WEIGHT * match.strength * BROADER_SHARE))
            term = concept_term(match.broader_key)
            weights[term] = max(weights.get(term, 0), broader_weight)

    known.add({term for term in weights if term.startswith(CONCEPT_TERM_PREFIX)} | facet_terms)
    search = partial(
        _search,
        known=known,
        base_qs=base_qs,
        depth=depth,
        facets=facets,
        sure_facets=sure_facets,
        near=near,
        radius=_Radius(near, within_km) if near is not None and within_km is not None else None,
        today=timezone.localdate(),
    )
    result.ranking = search(weights)
    if not len(result.ranking) and matches:
        result.broader, result.ranking = _broader_fallback(ordered, known, search)
    if not len(result.ranking):
        result.suggested = _suggestions(result.language)
        result.suggestions = [suggestion.text for suggestion in result.suggested]
    return result


def _broader_fallback(
    matches: list[_ConceptMatch], known: _Known, search: Callable[[dict[str, int]], _Ranking]
) -> tuple[list[str], _Ranking]:
    """Climb from the matched concepts to their broader concepts until some service is found."""
    frontier = sorted({match.key for match in matches})
    seen = set(frontier)
    broader_of = dict(Concept.objects.values_list("key", "broader__key"))
    while frontier:
        frontier = sorted({broader_of[key] for key in frontier if broader_of.get(key)} - seen)
        if not frontier:
            break
        seen.update(frontier)
        weights = {concept_term(key): CONCEPT_QUERY_WEIGHT for key in frontier}
        known.add(set(weights))
        ranking = search(weights)
        if len(ranking):
            return frontier, ranking
    return [], _Ranking.empty()


class _PositionIn(Func):
    """The 1-based position of a column's value in a list of service ids or document numbers.

    Compiles to one array parameter on PostgreSQL (array_position) and to a simple CASE over bound
    parameters elsewhere: either costs microseconds to build, where Django's Case(When(...)) with a
    thousand branches took most of a search request's time.
    """

    output_field = IntegerField()

    def __init__(self, field: str, values: Sequence[Any]) -> None:
        super().__init__(F(field))
        self.values = list(values)

    @property
    def identity(self) -> tuple[Any, ...]:
        # Django's identity walks the constructor's arguments value by value in Python (a thousand
        # numbers, each time the query is compiled); a tuple of them hashes in C.
        return (type(self), self.source_expressions[0], tuple(self.values))

    def narrowed(self, values: Sequence[Any]) -> _PositionIn:
        """The same position, among `values` (a page of the hits)."""
        narrowed = copy.copy(self)
        narrowed.values = list(values)
        return narrowed

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column_sql, column_params = compiler.compile(self.source_expressions[0])
        is_uuid = isinstance(self.source_expressions[0].output_field, UUIDField)
        if connection.vendor == "postgresql":
            array_type = "uuid" if is_uuid else "integer"
            return f"array_position(%s::{array_type}[], {column_sql})", [self.values, *column_params]
        branches = " ".join(f"WHEN %s THEN {position}" for position in range(1, len(self.values) + 1))
        if is_uuid:
            prepare = Service._meta.pk.get_db_prep_value  # type: ignore[union-attr]
            params = [prepare(value, connection) for value in self.values]
        else:
            params = [int(value) for value in self.values]
        return f"CASE {column_sql} {branches} END", [*column_params, *params]


class _HitValue(Func):
    """A value the engine computed per hit (a distance), as a column of the ranked rows: one array
    parameter per list on PostgreSQL, a simple CASE over bound parameters elsewhere. None is NULL."""

    output_field = FloatField()

    def __init__(self, field: str, hits: Sequence[Any], values: Sequence[float | None]) -> None:
        super().__init__(F(field))
        self.hits = list(hits)
        self.values = list(values)

    @property
    def identity(self) -> tuple[Any, ...]:
        return (type(self), self.source_expressions[0], tuple(self.hits), tuple(self.values))

    def narrowed(self, hits: Sequence[Any]) -> _HitValue:
        """The same values, for `hits` only (a page)."""
        by_hit = dict(zip(self.hits, self.values, strict=True))
        narrowed = copy.copy(self)
        narrowed.hits = list(hits)
        narrowed.values = [by_hit.get(hit) for hit in hits]
        return narrowed

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column_sql, column_params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            sql = f"(%s::float8[])[array_position(%s::bigint[], {column_sql})]"
            return sql, [self.values, self.hits, *column_params]
        if not self.hits:
            return "NULL", []
        branches = " ".join("WHEN %s THEN %s" for _hit in self.hits)
        params = [param for pair in zip(self.hits, self.values, strict=True) for param in pair]
        return f"CASE {column_sql} {branches} END", [*column_params, *params]


class _InHits(In):
    """`field IN (hits)` with the hits as one parameter: `= ANY(array)` on PostgreSQL, a JSON array read
    by json_each on SQLite. Building it costs the same for 1,000 ids as for one (Django's IN prepares
    every value), and the ranked queryset finds it again to page (SearchRankedQuerySet)."""

    lookup_name = "in_search_hits"

    def get_prep_lookup(self) -> Any:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        is_uuid = isinstance(self.lhs.output_field, UUIDField)
        if connection.vendor == "postgresql":
            return f"{lhs_sql} = ANY(%s::{'uuid' if is_uuid else 'bigint'}[])", [*lhs_params, self.rhs]
        prepare = Service._meta.pk.get_db_prep_value if is_uuid else (lambda value, _connection: int(value))  # type: ignore[union-attr]
        values = json.dumps([prepare(value, connection) for value in self.rhs])
        return f"{lhs_sql} IN (SELECT value FROM json_each(%s))", [*lhs_params, values]  # noqa: S608


UUIDField.register_lookup(_InHits)
IntegerField.register_lookup(_InHits)


def _page_where(where: WhereNode, page: list[Any]) -> WhereNode:
    """The WHERE of a page of hits: the hits lookup narrowed to `page`, and nothing else when the
    lookup is one of the filters ANDed at the top (as `_ranked` puts it): the engine has checked
    every hit against the other filters, whose SQL (open now: a dozen correlated conditions) would
    only cost compiling and running again. Otherwise the whole tree with the lookup narrowed."""
    if where.connector == AND and not where.negated:
        for child in where.children:
            if isinstance(child, _InHits):
                return WhereNode([cast("Any", _InHits(child.lhs, Hits(page)))])
    return cast("WhereNode", _with_hits(where, page))


def _with_hits(node: Any, page: list[Any]) -> Any:
    """A copy of a WHERE tree with its hits lookup narrowed to `page`."""
    if isinstance(node, _InHits):
        return _InHits(node.lhs, Hits(page))
    if isinstance(node, WhereNode):
        copy = node.copy()
        copy.children = [_with_hits(child, page) for child in node.children]
        return copy
    return node


class SearchRankedQuerySet(QuerySet[M]):
    """Search hits in rank order (`search_rank`), which fetch a page without ranking every hit in SQL.

    The query itself is complete (the hits as an IN filter, the rank as an annotation), so anything
    done with it is right. As it came from the search, it counts its hits without a query and a
    slice (a page) narrows both to the page's hits first, because the engine has already checked
    that every hit passes the queryset's filters. Filtering or re-ordering it afterwards turns those
    shortcuts off.
    """

    # The hits (service ids, or index document numbers), best first.
    _search_hits: list[Any] | None = None

    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]
        clone._search_hits = self._search_hits
        return clone

    def _without_shortcut(self, qs: Self) -> Self:
        qs._search_hits = None
        return qs

    def _filter_or_exclude(self, negate: bool, args: Any, kwargs: Any) -> Self:
        return self._without_shortcut(super()._filter_or_exclude(negate, args, kwargs))  # type: ignore[misc]

    def complex_filter(self, filter_obj: Any) -> Self:
        return self._without_shortcut(super().complex_filter(filter_obj))

    def distinct(self, *field_names: Any) -> Self:
        return self._without_shortcut(super().distinct(*field_names))

    def reverse(self) -> Self:
        return self._without_shortcut(super().reverse())

    def order_by(self, *field_names: Any) -> Self:
        qs = super().order_by(*field_names)
        first = field_names[0] if field_names else None
        if not (first == "search_rank" or (isinstance(first, F) and getattr(first, "name", None) == "search_rank")):
            qs = self._without_shortcut(qs)
        return qs

    def count(self) -> int:
        if self._search_hits is not None and self._result_cache is None:
            return len(self._search_hits)
        return super().count()

    def __getitem__(self, k: Any) -> Any:
        hits = self._search_hits
        if hits is None or self._result_cache is not None or not isinstance(k, slice) or k.step is not None:
            return super().__getitem__(k)
        if (k.start or 0) < 0 or (k.stop is not None and k.stop < 0):
            return super().__getitem__(k)  # Django's own message for negative indexing
        page = hits[k]
        if not page:
            return []
        clone = cast("Any", self)._chain()
        clone.query.where = _page_where(clone.query.where, page)
        for name, annotation in clone.query.annotations.items():
            if isinstance(annotation, _PositionIn | _HitValue):
                clone.query.annotations[name] = annotation.narrowed(page)
        rows = list(clone)
        # Positions within the page, back to positions in the whole ranking.
        for row in rows:
            row.search_rank += k.start or 0  # type: ignore[attr-defined]
        return rows


def _ranked(qs: QuerySet[M], field: str, hits: list[Any]) -> QuerySet[M]:
    """`qs` narrowed to the rows whose `field` is one of `hits`, ranked by their position there, as a
    SearchRankedQuerySet (the queryset's own class, a manager's custom queryset, keeps its methods)."""
    ranked: Any = qs.filter(**{f"{field}__in_search_hits": Hits(hits)}).annotate(search_rank=_PositionIn(field, hits))
    ranked.__class__ = type("SearchRanked" + ranked.__class__.__name__, (SearchRankedQuerySet, ranked.__class__), {})
    ranked._search_hits = hits
    return cast("QuerySet[M]", ranked)


def _no_hits(qs: QuerySet[M]) -> QuerySet[M]:
    return cast("QuerySet[M]", qs.none().annotate(search_rank=Value(0, output_field=IntegerField())))


def search_rank_annotate(qs: QuerySet[M], service_ids: Sequence[uuid.UUID], *, field: str = "pk") -> QuerySet[M]:
    """`qs` narrowed to the rows whose `field` (a service id) is one of `service_ids`, each annotated
    with `search_rank`: the position of its service in `service_ids`, 1 for the best. Not ordered.

    Filtering on the service's own id (`field="pk"`), the result pages cheaply (SearchRankedQuerySet):
    `service_ids` must then all be in `qs`, as the search engine's hits among `qs` are."""
    if not service_ids:
        return _no_hits(qs)
    ids = list(service_ids)
    if field != "pk":
        return cast("QuerySet[M]", qs.filter(**{f"{field}__in": ids}).annotate(search_rank=_PositionIn(field, ids)))
    return _ranked(qs, "pk", ids)


def search_ranked_queryset(
    qs: QuerySet[Service],
    query: str,
    *,
    language: str | None = None,
    near: tuple[float, float] | None = None,
    within_km: float | None = None,
    facets: Sequence[Facets] = (),
    facets_decide: bool = False,
    sure_facets: Sequence[Facets] | None = None,
    distance_field: str | None = None,
) -> tuple[QuerySet[Service], SearchResult | None]:
    """`qs` narrowed to the services matching `query`, best first (each annotated with `search_rank`,
    1 for the best), and what the engine made of the query (`did_you_mean`, `broader`, `suggestions`).
    With `near` and `distance_field`, each service is also annotated with the engine's distance to its
    nearest located office under that name (None: it has none).

    Only services in `qs` are ranked (apply every other filter first); with `near`, distance counts in
    the ranking, and with `within_km` only services with a located office that close to `near` are
    found (the engine checks it: `qs` need not). `facets` prefilter (see search_services); with
    `facets_decide` they are exactly `qs`'s filters, and the candidates are not checked against `qs`
    again; a candidate in every group of `sure_facets` is known to pass `qs`'s filters and is not
    checked either. At most MAX_RESULTS services. A blank query leaves `qs` as it is, with no result.
    """
    if not (query or "").strip():
        return qs, None
    # When the facets answer the filters exactly, the candidates need no check against `qs`.
    base_qs = None if facets_decide and facets else qs
    result = search_services(
        query=query,
        language=language,
        near=near,
        within_km=within_km,
        base_qs=base_qs,
        facets=facets,
        sure_facets=sure_facets,
    )
    with_distance = near is not None and distance_field is not None
    if not len(result.ranking):
        no_hits = _no_hits(qs)
        if with_distance:
            no_hits = no_hits.annotate(**{cast("str", distance_field): Value(None, output_field=FloatField())})
        return no_hits, result
    # Hits stay document numbers: only the page shown is turned into services.
    numbers = result.document_numbers
    ranked = _ranked(qs, "search_document__id", numbers)
    if with_distance:
        # The distances the engine ranked by (the directory's own haversine), not an SQL subquery
        # over every office of every row shown.
        distances = [None if math.isnan(km) else km for km in result.ranking.distances.tolist()]
        ranked = ranked.annotate(**{cast("str", distance_field): _HitValue("search_document__id", numbers, distances)})
    return ranked.order_by(F("search_rank")), result


def search_filter_queryset(
    qs: QuerySet[Service], query: str, *, language: str | None = None, near: tuple[float, float] | None = None
) -> QuerySet[Service]:
    """`qs` narrowed to the services matching `query`, best first (each annotated with `search_rank`,
    1 for the best). At most MAX_RESULTS services; an empty query leaves `qs` as it is."""
    return search_ranked_queryset(qs, query, language=language, near=near)[0]


def concept_label_list(*, keys: Sequence[str], language: str) -> list[str]:
    """How to name these concepts to a reader of `language` (else English, else any label), in the
    order of `keys` (one query)."""
    if not keys:
        return []
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for key, label_language, text in (
        ConceptLabel.objects.filter(concept__key__in=list(keys))
        .order_by("id")
        .values_list("concept__key", "language", "text")
    ):
        labels[key].setdefault(label_language, text)
    names = []
    for key in keys:
        found = labels.get(key)
        if found:
            names.append(found.get(language) or found.get("en") or next(iter(found.values())))
        else:
            names.append(key.replace("_", " "))
    return names


def search_service_concepts(*, service_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, ConceptLink]]:
    """The concepts each of these services is linked to (concept key -> how), from the index: the
    services' "@<concept key>" terms, whose weight says the link (a fixed number of queries per
    5,000 services)."""
    link_of_weight = {weight: ConceptLink(link) for link, weight in CONCEPT_LINK_WEIGHTS.items()}
    concept_terms = dict(
        SearchVocabulary.objects.filter(term__startswith=CONCEPT_TERM_PREFIX).values_list("id", "term")
    )
    ids = sorted(set(service_ids))
    found: dict[uuid.UUID, dict[str, ConceptLink]] = {}
    for start in range(0, len(ids), _IN_BATCH):
        for service_id, terms in SearchDocument.objects.filter(
            service_id__in=ids[start : start + _IN_BATCH]
        ).values_list("service_id", "terms"):
            keys, weights = postings_decode(terms)
            found[service_id] = {
                concept_terms[key][len(CONCEPT_TERM_PREFIX) :]: link_of_weight[weight]
                for key, weight in zip(keys.tolist(), weights.tolist(), strict=True)
                if key in concept_terms
            }
    return found
