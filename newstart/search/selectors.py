"""Reads of search: ranked services for a newcomer's query, in any of the directory's languages.

A search costs a fixed handful of queries whatever the size of the directory or of the result:
vocabulary (document frequencies), concept labels, one scoring query (SUM of integer weights
GROUP BY service, so SQLite and PostgreSQL rank identically), and the data for the final
re-ranking of the best candidates (freshness, distance). Typo correction and the broader-concept
fallback add a query or two only when they are needed. See docs/search.md.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar, cast

from django.db.models import Case, F, IntegerField, Model, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from newstart.directory.geo import haversine_km
from newstart.directory.models import Service, ServiceAtLocation
from newstart.search.labels import TextForm, text_form_from_units, unit_of
from newstart.search.models import MAX_TERM_LENGTH, Concept, ConceptLabel, SearchDeletion, SearchTerm, SearchVocabulary
from newstart.search.services import concept_term
from newstart.search.text import (
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


def _vocabulary(terms: set[str]) -> dict[str, int]:
    """Services per term, for the terms the index or the thesaurus knows (one query)."""
    if not terms:
        return {}
    return {
        term: doc_count
        for term, doc_count, in_labels in SearchVocabulary.objects.filter(term__in=sorted(terms)).values_list(
            "term", "doc_count", "in_labels"
        )
        if doc_count > 0 or in_labels
    }


def _correct(query: _Query, known: dict[str, int]) -> dict[str, int]:
    """Replace unknown alphabetic words by the closest known word (fewest edits, then most services)."""
    unknown = {
        position: fold(token.text)
        for position, token in enumerate(query.tokens)
        if token.script not in ("han", "hangul")
        and correctable(fold(token.text))
        and not any(term in known for term in _query_terms(token))
    }
    if not unknown:
        return known
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
    if not query.corrected:
        return known
    return known | _vocabulary(query.terms() - known.keys())


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


def _score(weights: dict[str, int], base_qs: QuerySet[Service] | None, depth: int) -> list[tuple[uuid.UUID, int]]:
    """The best `depth` services by the sum of posting weight times query weight (one query)."""
    if not weights:
        return []
    terms = sorted(weights)
    per_term = Case(
        *(When(term=term, then=Value(weights[term])) for term in terms), default=Value(0), output_field=IntegerField()
    )
    postings = SearchTerm.objects.filter(term__in=terms)
    if base_qs is not None:
        postings = postings.filter(service_id__in=base_qs.order_by().values("pk"))
    rows = (
        postings.values("service_id")
        .annotate(score=Sum(F("weight") * per_term, output_field=IntegerField()))
        .order_by("-score", "service_id")[:depth]
    )
    return [(row["service_id"], int(row["score"])) for row in rows]


def _rerank(scored: list[tuple[uuid.UUID, int]], near: tuple[float, float] | None, today: dt.date) -> list[SearchHit]:
    """Final order: relevance with a small freshness bonus and, near a point, a distance decay."""
    if not scored:
        return []
    ids = [service_id for service_id, _score in scored]
    assured = dict(Service.objects.filter(id__in=ids).values_list("id", "assured_date"))
    distances: dict[uuid.UUID, float] = {}
    if near is not None:
        for service_id, latitude, longitude in ServiceAtLocation.objects.filter(
            service_id__in=ids, location__has_valid_coordinates=True
        ).values_list("service_id", "location__latitude", "location__longitude"):
            if latitude is None or longitude is None:
                continue
            distance = haversine_km(near[0], near[1], latitude, longitude)
            if service_id not in distances or distance < distances[service_id]:
                distances[service_id] = distance
    hits = []
    for service_id, relevance in scored:
        score = float(relevance)
        verified = assured.get(service_id)
        if verified is not None:
            age = max((today - verified).days, 0)
            score *= 1 + FRESHNESS_WEIGHT * 0.5 ** (age / FRESHNESS_HALF_LIFE_DAYS)
        nearest = distances.get(service_id)
        if near is not None:
            km = nearest if nearest is not None else UNLOCATED_KM
            score *= (1 - DISTANCE_WEIGHT) + DISTANCE_WEIGHT * 0.5 ** (km / DISTANCE_HALF_LIFE_KM)
        hits.append(SearchHit(service_id=service_id, score=round(score, 6), relevance=relevance, distance_km=nearest))
    hits.sort(key=lambda hit: (-hit.score, str(hit.service_id)))
    return hits


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
) -> SearchResult:
    """Services matching `query`, best first.

    `language` is the query's language when known (else detected from its script and words);
    `near` a (latitude, longitude) that nearer services are preferred to; `base_qs` restricts the
    search to some services (filters); `limit` caps the hits (at most MAX_RESULTS). Words that
    match nothing are corrected (`did_you_mean`); when nothing matches, the query's broader concepts
    are searched (`broader`); when even that finds nothing, `suggestions` lists needs to try.
    """
    text = (query or "").strip()[:MAX_QUERY_LENGTH]
    result = SearchResult(query=text, language=language or detect_language(text))
    depth = min(limit or MAX_RESULTS, MAX_RESULTS)
    parsed = _Query(tokens=tokens(text), corrected={})
    if not parsed.tokens:
        return result
    known = _vocabulary(parsed.terms())
    known = _correct(parsed, known)
    if parsed.corrected:
        result.did_you_mean = " ".join(token.text for token in parsed.tokens)

    matches = _concepts(text_form_from_units(unit_of(token) for token in parsed.tokens))
    ordered = sorted(matches.values(), key=lambda match: (-match.strength, match.key))
    result.concepts = [match.key for match in ordered]

    total = Service.objects.count()
    weights: dict[str, int] = {term: _idf(doc_count, total) for term, doc_count in known.items() if doc_count > 0}
    for match in ordered:
        concept_weight = max(1, round(CONCEPT_QUERY_WEIGHT * match.strength))
        weights[concept_term(match.key)] = max(weights.get(concept_term(match.key), 0), concept_weight)
    for match in ordered:
        if match.broader_key and match.broader_key not in matches:
            broader_weight = max(1, round(CONCEPT_QUERY_WEIGHT * match.strength * BROADER_SHARE))
            term = concept_term(match.broader_key)
            weights[term] = max(weights.get(term, 0), broader_weight)

    today = timezone.localdate()
    result.hits = _rerank(_score(weights, base_qs, depth), near, today)
    if not result.hits and matches:
        result.broader, result.hits = _broader_fallback(ordered, base_qs, depth, near, today)
    if not result.hits:
        result.suggested = _suggestions(result.language)
        result.suggestions = [suggestion.text for suggestion in result.suggested]
    return result


def _broader_fallback(
    matches: list[_ConceptMatch],
    base_qs: QuerySet[Service] | None,
    depth: int,
    near: tuple[float, float] | None,
    today: dt.date,
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
        hits = _rerank(_score(weights, base_qs, depth), near, today)
        if hits:
            return frontier, hits
    return [], []


def search_rank_annotate(qs: QuerySet[M], service_ids: Sequence[uuid.UUID], *, field: str = "pk") -> QuerySet[M]:
    """`qs` narrowed to the rows whose `field` (a service id) is one of `service_ids`, each annotated
    with `search_rank`: the position of its service in `service_ids`, 1 for the best. Not ordered."""
    if not service_ids:
        return cast("QuerySet[M]", qs.none().annotate(search_rank=Value(0, output_field=IntegerField())))
    rank = Case(
        *(When(**{field: service_id}, then=Value(position)) for position, service_id in enumerate(service_ids, 1)),
        output_field=IntegerField(),
    )
    return cast("QuerySet[M]", qs.filter(**{f"{field}__in": list(service_ids)}).annotate(search_rank=rank))


def search_ranked_queryset(
    qs: QuerySet[Service],
    query: str,
    *,
    language: str | None = None,
    near: tuple[float, float] | None = None,
) -> tuple[QuerySet[Service], SearchResult | None]:
    """`qs` narrowed to the services matching `query`, best first (each annotated with `search_rank`,
    1 for the best), and what the engine made of the query (`did_you_mean`, `broader`, `suggestions`).

    Only services in `qs` are ranked (apply every other filter first); with `near`, distance counts in
    the ranking. At most MAX_RESULTS services. A blank query leaves `qs` as it is, with no result.
    """
    if not (query or "").strip():
        return qs, None
    result = search_services(query=query, language=language, near=near, base_qs=qs)
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
