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
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Self, TypeVar, cast

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import F, Func, IntegerField, Model, Q, QuerySet, UUIDField, Value
from django.db.models.lookups import In
from django.db.models.sql.where import WhereNode
from django.utils import timezone

from newstart.directory.geo import EARTH_RADIUS_KM
from newstart.directory.models import Location, Service, ServiceAtLocation
from newstart.search.labels import TextForm, text_form_from_units, unit_of
from newstart.search.models import Concept, ConceptLabel, ConceptLink, SearchDeletion, SearchDocument, SearchVocabulary
from newstart.search.postings import postings_decode
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


@dataclass
class SearchResult:
    """Ranked services (best first) and what the engine understood of the query."""

    query: str
    language: str | None
    hits: list[SearchHit] = field(default_factory=list)
    # Concept keys the query matched (most specific first).
    concepts: list[str] = field(default_factory=list)
    # The query with misspelt words corrected, when a correction was used.
    did_you_mean: str | None = None
    # Broader concepts searched instead because nothing matched the query itself.
    broader: list[str] = field(default_factory=list)
    # Phrases to try when nothing was found at all (the texts of `suggested`).
    suggestions: list[str] = field(default_factory=list)
    suggested: list[Suggestion] = field(default_factory=list)

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

    def add(self, terms: set[str]) -> None:
        """Look these terms up, and the size of the index the first time (one query)."""
        wanted = sorted(terms - self.looked_up)
        if self.looked_up and not wanted:
            return
        if not self.looked_up:
            wanted.insert(0, INDEX_SIZE_TERM)
        self.looked_up.update(wanted)
        rows = SearchVocabulary.objects.filter(term__in=wanted).values_list(
            "term", "doc_count", "in_labels", "postings"
        )
        for term, doc_count, in_labels, postings in rows:
            if term == INDEX_SIZE_TERM:
                self.total = doc_count
            elif doc_count > 0 or in_labels:
                self.doc_counts[term] = doc_count
                if doc_count > 0:
                    self.postings[term] = bytes(postings)


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


def _concepts(form: TextForm) -> dict[str, _ConceptMatch]:
    """Concepts whose labels occur in the query (one query)."""
    if not form.keys:
        return {}
    matches: dict[str, _ConceptMatch] = {}
    query_length = max(len(form.compact), 1)
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


@dataclass
class _Candidate:
    number: int
    service_id: uuid.UUID
    relevance: int
    assured: dt.date | None = None


class Hits:
    """Ids for the `in_search_hits` lookup: not a list, so that Django passes them on as they are
    instead of preparing each one (thousands per search)."""

    def __init__(self, ids: Iterable[Any]) -> None:
        self.ids = list(ids)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def _document_rows(
    numbers: Sequence[int], *, services: bool = True, dates: bool = False
) -> dict[int, tuple[uuid.UUID | None, dt.date | None]]:
    """Document number -> (its service's id, the service's assured date), each when asked for, in
    one query.

    Plain SQL on the hot path of every search (a thousand rows): through the ORM, building and
    converting the rows took longer than reading them. The two covering indexes
    (search_document_service, service_freshness) mean no table row is read.
    """
    if not numbers:
        return {}
    document = SearchDocument._meta.db_table
    service = Service._meta.db_table
    parameter: list[Any]
    if connection.vendor == "postgresql":
        condition, parameter = "d.id = ANY(%s)", [list(numbers)]
        document_index = service_index = ""
    else:
        condition, parameter = "d.id IN (SELECT value FROM json_each(%s))", [json.dumps(list(numbers))]
        # SQLite's planner prefers the tables' own keys, which read every row: name the covering ones.
        document_index, service_index = " INDEXED BY search_document_service", " INDEXED BY service_freshness"
    columns = ", d.service_id" if services else ", NULL"
    columns += ", s.assured_date" if dates else ", NULL"
    join = f" JOIN {service} s{service_index} ON s.id = d.service_id" if dates else ""
    sql = f"SELECT d.id{columns} FROM {document} d{document_index}{join} WHERE {condition}"  # noqa: S608
    found: dict[int, tuple[uuid.UUID | None, dt.date | None]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, parameter)
        for number, service_id, assured in cursor.fetchall():
            if isinstance(service_id, str):
                service_id = uuid.UUID(hex=service_id)
            if isinstance(assured, str):
                assured = dt.date.fromisoformat(assured)
            found[number] = (service_id, assured)
    return found


def _candidates(numbers: Sequence[int], scores: npt.NDArray[np.int64], *, with_dates: bool = False) -> list[_Candidate]:
    """The services of these documents, in the same order (one query)."""
    found = _document_rows(numbers, dates=with_dates)
    return [
        _Candidate(number, cast("uuid.UUID", found[number][0]), int(scores[number]), found[number][1])
        for number in numbers
        if number in found
    ]


def _with_freshness(candidates: list[_Candidate]) -> list[_Candidate]:
    """The candidates with their services' assured dates (one query)."""
    found = _document_rows([candidate.number for candidate in candidates], services=False, dates=True)
    for candidate in candidates:
        candidate.assured = found.get(candidate.number, (None, None))[1]
    return candidates


def _is_unfiltered(base_qs: QuerySet[Service] | None) -> bool:
    return base_qs is None or (base_qs.model is Service and not base_qs.query.where and not base_qs.query.is_sliced)


def _filtered(
    ranked: npt.NDArray[np.int64], scores: npt.NDArray[np.int64], base_qs: QuerySet[Service] | None, depth: int
) -> list[_Candidate]:
    """The best `depth` ranked documents whose services are in `base_qs`.

    Candidates are checked against the filters in rank order, a batch at a time (one query, a
    primary-key probe each: the directory's filters are correlated EXISTS), the batches growing with
    what the previous ones showed of the filters' selectivity. The cost follows the number of
    candidates checked, never the size of the directory.
    """
    if _is_unfiltered(base_qs):
        return _candidates(ranked[:depth].tolist(), scores, with_dates=True)
    assert base_qs is not None
    passed: list[_Candidate] = []
    position = 0
    # The first batch: enough for the page asked for when the filters let most candidates through.
    batch = min(FILTER_BATCH, depth + depth // 4 + 10)
    while position < len(ranked) and len(passed) < depth:
        chunk = _candidates(ranked[position : position + batch].tolist(), scores)
        position += batch
        hits = Hits(candidate.service_id for candidate in chunk)
        allowed = set(base_qs.order_by().filter(pk__in_search_hits=hits).values_list("pk", flat=True))
        passed.extend(candidate for candidate in chunk if candidate.service_id in allowed)
        share = max(len(allowed) / max(len(chunk), 1), 0.01)
        batch = min(MAX_FILTER_BATCH, max(2 * batch, math.ceil((depth - len(passed)) / share * 1.2)))
    return _with_freshness(passed[:depth])


def _apply_facets(scores: npt.NDArray[np.int64], facets: Sequence[Collection[str]], known: _Known) -> None:
    """Zero the scores of documents outside the facets: each group (any of its terms) must hold."""
    for group in facets:
        allowed = np.zeros(len(scores), dtype=bool)
        for term in group:
            keys = postings_decode(known.postings.get(term))[0]
            allowed[keys[keys < len(scores)]] = True
        scores[~allowed] = 0


def _score(
    weights: dict[str, int],
    known: _Known,
    base_qs: QuerySet[Service] | None,
    depth: int,
    facets: Sequence[Collection[str]] = (),
) -> list[_Candidate]:
    """The best `depth` services of `base_qs` (within `facets`) by score."""
    if not weights:
        return []
    scores = _scores(weights, known)
    _apply_facets(scores, facets, known)
    ranked = _ranked_documents(scores, depth if _is_unfiltered(base_qs) else None)
    return _filtered(ranked, scores, base_qs, depth)


def _nearest_km(numbers: Sequence[int], near: tuple[float, float]) -> dict[int, float]:
    """Document number -> km from `near` to its service's nearest located office (one query, plain
    SQL by document number, distances in numpy)."""
    if not numbers:
        return {}
    quote = connection.ops.quote_name
    document, at_location, location = (
        SearchDocument._meta.db_table,
        ServiceAtLocation._meta.db_table,
        Location._meta.db_table,
    )
    parameter: list[Any]
    if connection.vendor == "postgresql":
        condition, parameter = "d.id = ANY(%s)", [list(numbers)]
        document_index = ""
    else:
        condition, parameter = "d.id IN (SELECT value FROM json_each(%s))", [json.dumps(list(numbers))]
        document_index = " INDEXED BY search_document_service"
    sql = (
        f"SELECT d.id, l.{quote('latitude')}, l.{quote('longitude')} FROM {document} d{document_index} "  # noqa: S608
        f"JOIN {at_location} a ON a.service_id = d.service_id JOIN {location} l ON l.id = a.location_id "
        f"WHERE {condition} AND l.has_valid_coordinates AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, parameter)
        rows = cursor.fetchall()
    if not rows:
        return {}
    found = np.array([row[0] for row in rows], dtype=np.int64)
    latitudes = np.radians(np.array([float(row[1]) for row in rows]))
    longitudes = np.radians(np.array([float(row[2]) for row in rows]))
    origin_lat, origin_lon = math.radians(near[0]), math.radians(near[1])
    # Haversine, as newstart.directory.geo.haversine_km, for every office at once.
    a = (
        np.sin((latitudes - origin_lat) / 2) ** 2
        + math.cos(origin_lat) * np.cos(latitudes) * np.sin((longitudes - origin_lon) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    nearest: dict[int, float] = {}
    for number, distance in zip(found.tolist(), km.tolist(), strict=True):
        if number not in nearest or distance < nearest[number]:
            nearest[number] = distance
    return nearest


def _rerank(scored: list[_Candidate], near: tuple[float, float] | None, today: dt.date) -> list[SearchHit]:
    """Final order: relevance with a small freshness bonus and, near a point, a distance decay."""
    if not scored:
        return []
    distances = _nearest_km([candidate.number for candidate in scored], near) if near is not None else {}
    ranked: list[tuple[float, int, SearchHit]] = []
    for candidate in scored:
        relevance = candidate.relevance
        score = float(relevance)
        if candidate.assured is not None:
            age = max((today - candidate.assured).days, 0)
            score *= 1 + FRESHNESS_WEIGHT * 0.5 ** (age / FRESHNESS_HALF_LIFE_DAYS)
        nearest = distances.get(candidate.number)
        if near is not None:
            km = nearest if nearest is not None else UNLOCATED_KM
            score *= (1 - DISTANCE_WEIGHT) + DISTANCE_WEIGHT * 0.5 ** (km / DISTANCE_HALF_LIFE_KM)
        hit = SearchHit(
            service_id=candidate.service_id, score=round(score, 6), relevance=relevance, distance_km=nearest
        )
        ranked.append((-hit.score, candidate.number, hit))
    # Equal scores keep the index's order (document numbers), as the cut to `depth` did.
    ranked.sort(key=itemgetter(0, 1))
    return [hit for _score, _number, hit in ranked]


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
    facets: Sequence[Collection[str]] = (),
) -> SearchResult:
    """Services matching `query`, best first.

    `language` is the query's language when known (else detected from its script and words);
    `near` a (latitude, longitude) that nearer services are preferred to; `base_qs` restricts the
    search to some services (filters); `facets` are index terms (newstart.search.facets) the services
    `base_qs` lets through are known to have, a quick prefilter (each group: any of its terms);
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
    known.add(parsed.terms())
    _correct(parsed, known)
    if parsed.corrected:
        result.did_you_mean = " ".join(token.text for token in parsed.tokens)

    matches = _concepts(text_form_from_units(unit_of(token) for token in parsed.tokens))
    ordered = sorted(matches.values(), key=lambda match: (-match.strength, match.key))
    result.concepts = [match.key for match in ordered]

    weights: dict[str, int] = {
        term: _idf(doc_count, known.total) for term, doc_count in known.doc_counts.items() if doc_count > 0
    }
    for match in ordered:
        concept_weight = max(1, round(CONCEPT_QUERY_WEIGHT * match.strength))
        weights[concept_term(match.key)] = max(weights.get(concept_term(match.key), 0), concept_weight)
    for match in ordered:
        if match.broader_key and match.broader_key not in matches:
            broader_weight = max(1, round(CONCEPT_QUERY_WEIGHT * match.strength * BROADER_SHARE))
            term = concept_term(match.broader_key)
            weights[term] = max(weights.get(term, 0), broader_weight)

    facet_terms = {term for group in facets for term in group}
    known.add({term for term in weights if term.startswith(CONCEPT_TERM_PREFIX)} | facet_terms)
    today = timezone.localdate()
    result.hits = _rerank(_score(weights, known, base_qs, depth, facets), near, today)
    if not result.hits and matches:
        result.broader, result.hits = _broader_fallback(ordered, known, base_qs, depth, near, today, facets)
    if not result.hits:
        result.suggested = _suggestions(result.language)
        result.suggestions = [suggestion.text for suggestion in result.suggested]
    return result


def _broader_fallback(
    matches: list[_ConceptMatch],
    known: _Known,
    base_qs: QuerySet[Service] | None,
    depth: int,
    near: tuple[float, float] | None,
    today: dt.date,
    facets: Sequence[Collection[str]] = (),
) -> tuple[list[str], list[SearchHit]]:
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
        hits = _rerank(_score(weights, known, base_qs, depth, facets), near, today)
        if hits:
            return frontier, hits
    return [], []


class _PositionIn(Func):
    """The 1-based position of a service-id column's value in a list of service ids.

    Compiles to one array parameter on PostgreSQL (array_position) and to a simple CASE over bound
    parameters elsewhere: either costs microseconds to build, where Django's Case(When(...)) with a
    thousand branches took most of a search request's time.
    """

    output_field = IntegerField()

    def __init__(self, field: str, service_ids: Sequence[uuid.UUID]) -> None:
        super().__init__(F(field))
        self.service_ids = list(service_ids)

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column_sql, column_params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"array_position(%s::uuid[], {column_sql})", [self.service_ids, *column_params]
        prepare = Service._meta.pk.get_db_prep_value  # type: ignore[union-attr]
        branches = " ".join(f"WHEN %s THEN {position}" for position in range(1, len(self.service_ids) + 1))
        params = [prepare(service_id, connection) for service_id in self.service_ids]
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


def _with_hits(node: Any, page: list[uuid.UUID]) -> Any:
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
    slice (a page) narrows both to the page's ids first, because the engine has already checked that
    every hit passes the queryset's filters. Filtering or re-ordering it afterwards turns those
    shortcuts off.
    """

    _search_ids: list[uuid.UUID] | None = None

    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]
        clone._search_ids = self._search_ids
        return clone

    def _without_shortcut(self, qs: Self) -> Self:
        qs._search_ids = None
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
        if self._search_ids is not None and self._result_cache is None:
            return len(self._search_ids)
        return super().count()

    def __getitem__(self, k: Any) -> Any:
        ids = self._search_ids
        if ids is None or self._result_cache is not None or not isinstance(k, slice) or k.step is not None:
            return super().__getitem__(k)
        if (k.start or 0) < 0 or (k.stop is not None and k.stop < 0):
            return super().__getitem__(k)  # Django's own message for negative indexing
        page = ids[k]
        if not page:
            return []
        clone = cast("Any", self)._chain()
        clone.query.where = _with_hits(clone.query.where, page)
        rank = clone.query.annotations.get("search_rank")
        if isinstance(rank, _PositionIn):
            narrowed = copy.copy(rank)
            narrowed.service_ids = list(page)
            clone.query.annotations["search_rank"] = narrowed
        rows = list(clone)
        # Positions within the page, back to positions in the whole ranking.
        for row in rows:
            row.search_rank = ids.index(row.pk, k.start or 0) + 1  # type: ignore[attr-defined]
        return rows


def search_rank_annotate(qs: QuerySet[M], service_ids: Sequence[uuid.UUID], *, field: str = "pk") -> QuerySet[M]:
    """`qs` narrowed to the rows whose `field` (a service id) is one of `service_ids`, each annotated
    with `search_rank`: the position of its service in `service_ids`, 1 for the best. Not ordered.

    Filtering on the service's own id (`field="pk"`), the result pages cheaply (SearchRankedQuerySet):
    `service_ids` must then all be in `qs`, as the search engine's hits among `qs` are."""
    if not service_ids:
        return cast("QuerySet[M]", qs.none().annotate(search_rank=Value(0, output_field=IntegerField())))
    ids = list(service_ids)
    rank = _PositionIn(field, ids)
    if field != "pk":
        return cast("QuerySet[M]", qs.filter(**{f"{field}__in": ids}).annotate(search_rank=rank))
    ranked: Any = qs.filter(pk__in_search_hits=Hits(ids)).annotate(search_rank=rank)
    # The queryset's own class (a manager's custom queryset) keeps its methods; the shortcut is added.
    ranked.__class__ = type("SearchRanked" + ranked.__class__.__name__, (SearchRankedQuerySet, ranked.__class__), {})
    ranked._search_ids = ids
    return cast("QuerySet[M]", ranked)


def search_ranked_queryset(
    qs: QuerySet[Service],
    query: str,
    *,
    language: str | None = None,
    near: tuple[float, float] | None = None,
    facets: Sequence[Collection[str]] = (),
    facets_decide: bool = False,
) -> tuple[QuerySet[Service], SearchResult | None]:
    """`qs` narrowed to the services matching `query`, best first (each annotated with `search_rank`,
    1 for the best), and what the engine made of the query (`did_you_mean`, `broader`, `suggestions`).

    Only services in `qs` are ranked (apply every other filter first); with `near`, distance counts in
    the ranking. `facets` prefilter (see search_services); with `facets_decide` they are exactly `qs`'s
    filters, and the candidates are not checked against `qs` again. At most MAX_RESULTS services. A
    blank query leaves `qs` as it is, with no result.
    """
    if not (query or "").strip():
        return qs, None
    # When the facets answer the filters exactly, the candidates need no check against `qs`.
    base_qs = None if facets_decide and facets else qs
    result = search_services(query=query, language=language, near=near, base_qs=base_qs, facets=facets)
    return search_rank_annotate(qs, result.service_ids).order_by(F("search_rank")), result


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
