"""Writes of search: the index, kept in step with the directory, and the concept thesaurus.

`search_index_services` (re)indexes some services; the signals in `newstart.search.signals` call it
inside the transaction of every write that changes what a service is found by, so a search never
sees a half-updated service. Bulk loads (importer, demo) write without signals and call
`search_rebuild_index` (or `search_index_services` with the ids they wrote) afterwards.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import multiprocessing
import os
import uuid
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from django.core.management.color import no_style
from django.db import connection, connections, models, transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from newstart.directory.models import Attribute, Organization, Service, TaxonomyTerm
from newstart.search.facets import service_facets
from newstart.search.labels import TextForm, text_form_from_units, word_units
from newstart.search.models import (
    Concept,
    ConceptLabel,
    ConceptLink,
    SearchDeletion,
    SearchDocument,
    SearchVocabulary,
)
from newstart.search.postings import (
    IndexState,
    day_number,
    index_state_decode,
    index_state_encode,
    points_encode,
    postings_count,
    postings_decode,
    postings_encode,
    postings_merge,
)
from newstart.search.text import (
    MAX_TERM_LENGTH,
    correctable,
    deletion_keys,
    fold,
    tokens,
    word_index_terms,
    words,
)

CONCEPTS_PATH = Path(__file__).resolve().parent / "data" / "concepts.json"

ServiceTranslation: Any = Service._parler_meta.root_model  # type: ignore[attr-defined]
OrganizationTranslation: Any = Organization._parler_meta.root_model  # type: ignore[attr-defined]
TaxonomyTermTranslation: Any = TaxonomyTerm._parler_meta.root_model  # type: ignore[attr-defined]

# Weight of a term by the field it occurs in (a term keeps its best field).
SERVICE_FIELD_WEIGHTS: dict[str, int] = {
    "name": 30,
    "alternate_name": 25,
    "description": 10,
    "eligibility_description": 4,
    "application_process": 3,
    "fees_description": 3,
    "alert": 2,
}
ORGANIZATION_NAME_WEIGHT = 15
TAXONOMY_NAME_WEIGHT = 20
# Fields whose text links a service to the concepts whose labels occur in it. Not eligibility:
# "not open to refugee claimants" does not make a service one for refugee claimants.
CONCEPT_TEXT_FIELDS = ("name", "alternate_name", "description")
CONCEPT_LINK_WEIGHTS: dict[str, int] = {
    ConceptLink.TAXONOMY: 30,
    ConceptLink.BROADER_TAXONOMY: 20,
    ConceptLink.TEXT: 10,
}
CONCEPT_TERM_PREFIX = "@"
# Facet terms (newstart.search.facets) are only ever filtered on, never scored.
FACET_WEIGHT = 1
MAPS_TO = "maps_to"
# Services indexed per round trip; IN lists stay below SQLite's parameter limit.
CHUNK_SIZE = 400
# Services per batch of a full rebuild (bigger batches, fewer round trips).
REBUILD_CHUNK_SIZE = 2000
# A rebuild of at least this many services builds documents in parallel processes.
PARALLEL_MIN_SERVICES = 20_000
MAX_REBUILD_WORKERS = 4
# The vocabulary row counting every document: its term is empty, which no text produces.
INDEX_SIZE_TERM = ""
# PostgreSQL advisory lock key taken by every writer of the index (any constant unique to it).
INDEX_LOCK_KEY = 7_302_118_407
_IN_CHUNK = 900
_INSERT_BATCH = 2000
_MAX_TAXONOMY_DEPTH = 10

T = TypeVar("T")

# Set while a bulk write of this module runs: the signals leave the index alone, the writer updates it once.
_signals_paused: contextvars.ContextVar[bool] = contextvars.ContextVar("search_signals_paused", default=False)


@contextmanager
def search_signals_paused() -> Iterator[None]:
    """Within this block, saves do not reindex: for bulk writers that reindex once at the end."""
    token = _signals_paused.set(True)
    try:
        yield
    finally:
        _signals_paused.reset(token)


def search_signals_active() -> bool:
    return not _signals_paused.get()


class ConceptDataError(Exception):
    """A concept file that cannot be loaded; the message names the concept and the problem."""


def concept_term(key: str) -> str:
    """The index term standing for a concept."""
    return f"{CONCEPT_TERM_PREFIX}{key}"


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- What the indexer needs to know besides the services -------------------------------------


@dataclass
class _Label:
    concept_id: int
    normalized: str
    is_compact: bool


@dataclass
class _Thesaurus:
    """The concept labels, arranged so that finding them in a text costs set intersections:
    one-word labels by their word, longer ones by their first two words (then checked as a
    phrase), Han/Hangul labels by their first two characters (then checked as a substring)."""

    keys: dict[int, str] = field(default_factory=dict)
    by_code: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    single: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    phrases: dict[tuple[str, str], list[_Label]] = field(default_factory=lambda: defaultdict(list))
    compact: dict[str, list[_Label]] = field(default_factory=lambda: defaultdict(list))

    def add_label(self, label: _Label, lookup_key: str) -> None:
        if label.is_compact:
            self.compact[lookup_key].append(label)
            return
        units = label.normalized.split(" ")
        if len(units) == 1:
            self.single[units[0]].add(label.concept_id)
        else:
            self.phrases[(units[0], units[1])].append(label)

    def concepts_in(self, form: TextForm) -> set[int]:
        found: set[int] = set()
        for unit in self.single.keys() & form.keys:
            found |= self.single[unit]
        candidates: list[_Label] = []
        if self.phrases and len(form.units) > 1:
            for pair in self.phrases.keys() & set(zip(form.units, form.units[1:], strict=False)):
                candidates.extend(self.phrases[pair])
        if form.has_cjk:
            for key in self.compact.keys() & form.keys:
                candidates.extend(self.compact[key])
        for label in candidates:
            if label.concept_id not in found and form.contains(
                normalized=label.normalized, is_compact=label.is_compact
            ):
                found.add(label.concept_id)
        return found


def _thesaurus_load() -> _Thesaurus:
    thesaurus = _Thesaurus()
    for concept_id, key, codes in Concept.objects.values_list("id", "key", "taxonomy_codes"):
        thesaurus.keys[concept_id] = key
        for code in codes.split(","):
            if code.strip():
                thesaurus.by_code[code.strip().upper()].add(concept_id)
    for concept_id, normalized, lookup_key, is_compact in ConceptLabel.objects.values_list(
        "concept_id", "normalized", "lookup_key", "is_compact"
    ):
        if lookup_key and normalized:
            thesaurus.add_label(_Label(concept_id, normalized, is_compact), lookup_key)
    return thesaurus


@dataclass
class _Taxonomy:
    """Every taxonomy term's code and parent (taxonomies are small: hundreds of terms)."""

    code: dict[uuid.UUID, str] = field(default_factory=dict)
    parent: dict[uuid.UUID, uuid.UUID | None] = field(default_factory=dict)

    def lineage(self, term_id: uuid.UUID) -> list[uuid.UUID]:
        """The term, its parent, its parent's parent … (top last)."""
        line: list[uuid.UUID] = []
        current: uuid.UUID | None = term_id
        while current is not None and current not in line and len(line) <= _MAX_TAXONOMY_DEPTH:
            line.append(current)
            current = self.parent.get(current)
        return line


def _taxonomy_load() -> _Taxonomy:
    taxonomy = _Taxonomy()
    for term_id, code, parent_id in TaxonomyTerm.objects.values_list("id", "code", "parent_id"):
        taxonomy.code[term_id] = (code or "").upper()
        taxonomy.parent[term_id] = parent_id
    return taxonomy


@dataclass
class _Context:
    thesaurus: _Thesaurus
    taxonomy: _Taxonomy


# --- Documents --------------------------------------------------------------------------------


def _text_terms(text: str | None) -> Iterator[str]:
    """The index terms of a text (per-word work cached in newstart.search.text)."""
    if not text:
        return iter(())
    return chain.from_iterable(map(word_index_terms, words(text)))


@dataclass
class _Document:
    """What one service is found by: weighted terms and linked concepts."""

    terms: dict[str, int] = field(default_factory=dict)
    concepts: dict[int, tuple[str, int]] = field(default_factory=dict)  # concept id -> (link, weight)
    # What re-ranking reads (SearchDocument.assured_day and .points).
    assured_day: int | None = None
    points: bytes = b""

    def link(self, concept_id: int, link: str) -> None:
        weight = CONCEPT_LINK_WEIGHTS[link]
        if self.concepts.get(concept_id, ("", 0))[1] < weight:
            self.concepts[concept_id] = (link, weight)


class _DocumentBuilder:
    """Turns services into documents, a fixed number of queries per batch of services.

    A term keeps the weight of the best field it occurs in. Fields are applied from the lightest to
    the heaviest with dict updates (the heaviest wins), which keeps the per-term work in C: that and
    the per-word caches of newstart.search.text are what let 100,000 services be indexed in seconds.
    """

    def __init__(self, context: _Context) -> None:
        self.context = context
        self._organization_terms: dict[uuid.UUID, tuple[str, ...]] = {}
        self._taxonomy_terms: dict[uuid.UUID, tuple[str, ...]] = {}

    @staticmethod
    def _name_terms(cache: dict[uuid.UUID, tuple[str, ...]], translations: Any, ids: set[uuid.UUID]) -> None:
        """Fill `cache` with the terms of the names (every translation) of the records `ids` not in it."""
        missing = ids - cache.keys()
        names: dict[uuid.UUID, list[str]] = defaultdict(list)
        for chunk in _chunks(sorted(missing), _IN_CHUNK):
            for master_id, name in translations.objects.filter(master_id__in=chunk).values_list("master_id", "name"):
                names[master_id].append(name)
        for master_id in missing:
            cache[master_id] = tuple(
                dict.fromkeys(chain.from_iterable(_text_terms(name) for name in names.get(master_id, ())))
            )

    def build(self, service_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, _Document]:
        """The documents of the services that exist among `service_ids`."""
        organization_of: dict[uuid.UUID, uuid.UUID | None] = {}
        assured: dict[uuid.UUID, dt.date | None] = {}
        for service_id, organization_id, assured_date in Service.objects.filter(id__in=service_ids).values_list(
            "id", "organization_id", "assured_date"
        ):
            organization_of[service_id] = organization_id
            assured[service_id] = assured_date
        if not organization_of:
            return {}
        ids = list(organization_of)
        # (weight, terms) of every text of each service; applied lightest first. Each text is split
        # into words once, for its terms and (name, description) for the concepts it mentions.
        texts: dict[uuid.UUID, list[tuple[int, Iterable[str]]]] = defaultdict(list)
        concept_words: dict[uuid.UUID, list[str]] = defaultdict(list)
        fields = [
            (position, SERVICE_FIELD_WEIGHTS[name], name in CONCEPT_TEXT_FIELDS)
            for position, name in enumerate(SERVICE_FIELD_WEIGHTS, start=1)
        ]
        for row in ServiceTranslation.objects.filter(master_id__in=ids).values_list(
            "master_id", *SERVICE_FIELD_WEIGHTS
        ):
            service_texts = texts[row[0]]
            for position, weight, for_concepts in fields:
                text = row[position]
                if text:
                    text_words = words(text)
                    service_texts.append((weight, chain.from_iterable(map(word_index_terms, text_words))))
                    if for_concepts:
                        concept_words[row[0]].extend(text_words)

        self._name_terms(
            self._organization_terms,
            OrganizationTranslation,
            {org_id for org_id in organization_of.values() if org_id is not None},
        )

        service_terms: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for link_id, term_id in Attribute.objects.filter(link_entity="service", link_id__in=ids).values_list(
            "link_id", "taxonomy_term_id"
        ):
            service_terms[link_id].add(term_id)
        direct_terms = {term_id for terms in service_terms.values() for term_id in terms}
        # Terms of other taxonomies (Open Eligibility) that map onto the settlement taxonomy.
        mapped: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for chunk in _chunks(sorted(direct_terms), _IN_CHUNK):
            for link_id, target_id in Attribute.objects.filter(
                link_entity="taxonomy_term", link_type=MAPS_TO, link_id__in=chunk
            ).values_list("link_id", "taxonomy_term_id"):
                mapped[link_id].add(target_id)
        self._name_terms(
            self._taxonomy_terms,
            TaxonomyTermTranslation,
            direct_terms | {target for targets in mapped.values() for target in targets},
        )

        thesaurus, taxonomy = self.context.thesaurus, self.context.taxonomy
        facets = service_facets(
            ids,
            {
                service_id: {ancestor for term_id in term_ids for ancestor in taxonomy.lineage(term_id)}
                for service_id, term_ids in service_terms.items()
            },
        )
        documents: dict[uuid.UUID, _Document] = {}
        for service_id, org_id in organization_of.items():
            document = _Document(
                assured_day=day_number(assured[service_id]),
                points=points_encode(facets.points.get(service_id, ())),
            )
            service_texts = texts.get(service_id, [])
            if org_id is not None:
                service_texts.append((ORGANIZATION_NAME_WEIGHT, self._organization_terms.get(org_id, ())))
            terms = set(service_terms.get(service_id, ()))
            for term_id in list(terms):
                terms |= mapped.get(term_id, set())
            for term_id in terms:
                service_texts.append((TAXONOMY_NAME_WEIGHT, self._taxonomy_terms.get(term_id, ())))
                for depth, ancestor in enumerate(taxonomy.lineage(term_id)):
                    code = taxonomy.code.get(ancestor, "")
                    for concept_id in thesaurus.by_code.get(code, ()) if code else ():
                        document.link(concept_id, ConceptLink.TAXONOMY if depth == 0 else ConceptLink.BROADER_TAXONOMY)
            service_texts.sort(key=itemgetter(0))
            doc_terms = document.terms
            for weight, text_terms in service_texts:
                doc_terms.update(dict.fromkeys(text_terms, weight))
            if service_id in concept_words:
                form = text_form_from_units(chain.from_iterable(map(word_units, concept_words[service_id])))
                for concept_id in thesaurus.concepts_in(form):
                    document.link(concept_id, ConceptLink.TEXT)
            for concept_id, (_link, weight) in document.concepts.items():
                doc_terms[concept_term(thesaurus.keys[concept_id])] = weight
            doc_terms.update(dict.fromkeys(facets.terms.get(service_id, ()), FACET_WEIGHT))
            doc_terms.update(facets.openings.get(service_id, {}))
            documents[service_id] = document
        return documents


# --- Writing rows -----------------------------------------------------------------------------


def _table_sql(model: type[models.Model], columns: Sequence[str]) -> tuple[str, str]:
    quote = connection.ops.quote_name
    column_names = ", ".join(
        quote(model._meta.get_field(name).column)  # type: ignore[union-attr,arg-type]
        for name in columns
    )
    return quote(model._meta.db_table), column_names


def _insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], *, ignore_conflicts: bool = False
) -> None:
    """Insert plain rows quickly (no model instances: the index has millions of values at scale).

    PostgreSQL gets COPY, the fastest way in; with `ignore_conflicts` (rows that may already be
    there) both databases get INSERT … ON CONFLICT DO NOTHING in batches.
    """
    table, column_names = _table_sql(model, columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not ignore_conflicts:
            with cursor.cursor.copy(f"COPY {table} ({column_names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
            return
        conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({column_names}) VALUES ({placeholders}){conflict}"  # noqa: S608
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _INSERT_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _update(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """UPDATE rows by primary key: each row is the new values of `columns`, then the key."""
    table, _names = _table_sql(model, columns)
    quote = connection.ops.quote_name
    assignments = ", ".join(
        f"{quote(model._meta.get_field(name).column)} = %s"  # type: ignore[union-attr,arg-type]
        for name in columns
    )
    key_column = quote(model._meta.pk.column)  # type: ignore[union-attr,arg-type]
    sql = f"UPDATE {table} SET {assignments} WHERE {key_column} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        for batch in _chunks(list(rows), _INSERT_BATCH):
            cursor.executemany(sql, batch)


def _service_key(service_id: uuid.UUID) -> Any:
    """A service id as the database stores it (a UUID on PostgreSQL, 32 hex digits on SQLite)."""
    return Service._meta.pk.get_db_prep_value(service_id, connection)  # type: ignore[union-attr]


def _lock_index() -> None:
    """Serialise writers of the index (PostgreSQL; SQLite has one writer at a time anyway).

    Reindexing read-modify-writes shared postings lists; without this two transactions adding
    services with the same words could overwrite each other's change. Readers are not blocked.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INDEX_LOCK_KEY])


def _deletion_rows(terms: Iterable[str]) -> Iterator[tuple[str, str]]:
    for term in terms:
        if correctable(term):
            for key in sorted(deletion_keys(term)):
                yield (key, term)


class _TermNumbers(dict[str, int]):
    """Numbers terms in the order they are first seen (a missing key gets the next number)."""

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self)
        return number


def _next_index_state(*, thesaurus_changed: bool = False) -> IndexState:
    """The state the index write under way will leave (the generation its documents carry)."""
    held = SearchVocabulary.objects.filter(term=INDEX_SIZE_TERM).values_list("postings", flat=True).first()
    state = index_state_decode(held)
    return IndexState.new() if state is None else state.next(thesaurus_changed=thesaurus_changed)


def search_thesaurus_changed() -> None:
    """Record in the index's state that concepts or labels changed: processes holding the thesaurus
    (newstart.search.thesaurus_cache) read it again. Inside the caller's transaction."""
    with transaction.atomic():
        _lock_index()
        _set_index_size(_next_index_state(thesaurus_changed=True))


def _set_index_size(state: IndexState) -> None:
    """Keep the empty term's row counting the documents and holding the index's state (both read
    with every search's terms)."""
    total = SearchDocument.objects.count()
    blob = index_state_encode(state)
    if not SearchVocabulary.objects.filter(term=INDEX_SIZE_TERM).update(doc_count=total, postings=blob):
        SearchVocabulary.objects.create(term=INDEX_SIZE_TERM, doc_count=total, postings=blob)


# --- Indexing ---------------------------------------------------------------------------------


def _vocabulary_ids(terms: set[str]) -> dict[str, int]:
    """Vocabulary ids of these terms, adding the terms not yet known (with their typo-correction keys)."""
    ids: dict[str, int] = {}
    wanted = sorted(terms)
    for chunk in _chunks(wanted, _IN_CHUNK):
        ids.update(SearchVocabulary.objects.filter(term__in=chunk).values_list("term", "id"))
    new = [term for term in wanted if term not in ids]
    if new:
        _insert(
            SearchVocabulary,
            ("term", "doc_count", "in_labels", "postings", "generation"),
            ((term, 0, False, b"", 0) for term in new),
            ignore_conflicts=True,
        )
        _insert(SearchDeletion, ("key", "term"), _deletion_rows(new), ignore_conflicts=True)
        for chunk in _chunks(new, _IN_CHUNK):
            ids.update(SearchVocabulary.objects.filter(term__in=chunk).values_list("term", "id"))
    return ids


def _index_update(service_ids: Sequence[uuid.UUID], documents: dict[uuid.UUID, _Document], state: IndexState) -> None:
    """Make the index hold `documents` for these services (a service without one leaves the index),
    written at `state` (the documents carry its generation)."""
    existing: dict[uuid.UUID, tuple[int, bytes]] = {
        service_id: (number, bytes(terms))
        for number, service_id, terms in SearchDocument.objects.filter(service_id__in=service_ids).values_list(
            "id", "service_id", "terms"
        )
    }
    new_services = [service_id for service_id in documents if service_id not in existing]
    if new_services:
        _insert(
            SearchDocument,
            ("service", "terms", "points", "generation"),
            ((_service_key(service_id), b"", b"", state.generation) for service_id in new_services),
        )
    numbers = {service_id: number for service_id, (number, _terms) in existing.items()}
    if new_services:
        numbers.update(
            (service_id, number)
            for number, service_id in SearchDocument.objects.filter(service_id__in=new_services).values_list(
                "id", "service_id"
            )
        )
    term_ids = _vocabulary_ids({term for document in documents.values() for term in document.terms})

    changes: dict[int, dict[int, int]] = defaultdict(dict)
    for number, terms in existing.values():
        for vocabulary_id in postings_decode(terms)[0].tolist():
            changes[vocabulary_id][number] = 0
    forward: list[tuple[bytes, int | None, bytes, int, int]] = []
    for service_id, document in documents.items():
        number = numbers[service_id]
        pairs = sorted((term_ids[term], weight) for term, weight in document.terms.items())
        for vocabulary_id, weight in pairs:
            changes[vocabulary_id][number] = weight
        terms = postings_encode([pair[0] for pair in pairs], [pair[1] for pair in pairs])
        forward.append((terms, document.assured_day, document.points, state.generation, number))

    updated: list[tuple[bytes, int, int, int]] = []
    for chunk in _chunks(sorted(changes), _IN_CHUNK):
        for vocabulary_id, postings in SearchVocabulary.objects.filter(id__in=chunk).values_list("id", "postings"):
            merged = postings_merge(postings, changes[vocabulary_id])
            updated.append((merged, postings_count(merged), state.generation, vocabulary_id))
    _update(SearchVocabulary, ("postings", "doc_count", "generation"), updated)
    _update(SearchDocument, ("terms", "assured_day", "points", "generation"), forward)
    gone = [number for service_id, (number, _terms) in existing.items() if service_id not in documents]
    SearchDocument.objects.filter(id__in=gone).delete()


def search_index_services(*, service_ids: Iterable[uuid.UUID]) -> None:
    """(Re)index these services: their documents, the postings lists of their terms and their
    concept links. Ids of services that no longer exist are removed from the index.

    Atomic; a fixed number of queries per 400 services, plus one per 900 terms touched.
    """
    ids = sorted(set(service_ids))
    if not ids:
        return
    with transaction.atomic():
        _lock_index()
        state = _next_index_state()
        builder = _DocumentBuilder(_Context(thesaurus=_thesaurus_load(), taxonomy=_taxonomy_load()))
        for chunk in _chunks(ids, CHUNK_SIZE):
            _index_update(chunk, builder.build(chunk), state)
        _set_index_size(state)


def search_unindex_services(*, service_ids: Iterable[uuid.UUID]) -> None:
    """Remove these services from the index (before they are deleted)."""
    ids = sorted(set(service_ids))
    if not ids:
        return
    with transaction.atomic():
        _lock_index()
        state = _next_index_state()
        for chunk in _chunks(ids, CHUNK_SIZE):
            _index_update(chunk, {}, state)
        _set_index_size(state)


def _label_terms() -> set[str]:
    """The vocabulary forms of every concept label's words (typo correction can reach them)."""
    found: set[str] = set()
    for text in ConceptLabel.objects.values_list("text", flat=True):
        found.update(
            fold(token.text)[:MAX_TERM_LENGTH] for token in tokens(text) if token.script not in ("han", "hangul")
        )
    return found


@dataclass
class _FlatDocuments:
    """The documents of a batch of services as flat arrays (cheap to send between processes):
    per posting, a term number (into `terms`) and a weight; per service, its number of postings."""

    size: int
    services: list[uuid.UUID]
    terms: list[str]
    term_numbers: bytes
    weights: bytes
    lengths: bytes
    assured_days: list[int | None]
    points: list[bytes]


def _flatten(builder: _DocumentBuilder, chunk: Sequence[uuid.UUID]) -> _FlatDocuments:
    documents = builder.build(chunk)
    numbers = _TermNumbers()
    term_numbers, weights, lengths = array("i"), array("B"), array("i")
    services: list[uuid.UUID] = []
    assured_days: list[int | None] = []
    points: list[bytes] = []
    for service_id in chunk:
        document = documents.get(service_id)
        if document is None:
            continue
        services.append(service_id)
        term_numbers.extend(map(numbers.__getitem__, document.terms))
        weights.extend(document.terms.values())
        lengths.append(len(document.terms))
        assured_days.append(document.assured_day)
        points.append(document.points)
    return _FlatDocuments(
        len(chunk),
        services,
        list(numbers),
        term_numbers.tobytes(),
        weights.tobytes(),
        lengths.tobytes(),
        assured_days,
        points,
    )


def _rebuild_workers(services: int) -> int:
    """Processes building documents: one per core for a large directory on a database other
    processes can reach (not an in-memory SQLite database), else this process alone."""
    if services < PARALLEL_MIN_SERVICES or connection.vendor not in ("postgresql", "sqlite"):
        return 1
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_REBUILD_WORKERS))


_worker_builder: _DocumentBuilder | None = None
# Connections inherited from the parent process: kept referenced and never used or closed, since
# closing one would end the parent's own session on the shared socket.
_inherited_connections: list[Any] = []


def _worker_start() -> None:
    global _worker_builder
    for wrapper in connections.all(initialized_only=True):
        if wrapper.connection is not None:
            _inherited_connections.append(wrapper.connection)
            wrapper.connection = None  # the next query connects afresh
    _worker_builder = _DocumentBuilder(_Context(thesaurus=_thesaurus_load(), taxonomy=_taxonomy_load()))


def _worker_flatten(chunk: Sequence[uuid.UUID]) -> _FlatDocuments:
    assert _worker_builder is not None
    return _flatten(_worker_builder, chunk)


def _flat_documents(ids: Sequence[uuid.UUID], workers: int) -> Iterator[_FlatDocuments]:
    """The documents of these services, batch by batch in order; built by `workers` forked
    processes (each with its own database connection) when more than one."""
    chunks = list(_chunks(ids, REBUILD_CHUNK_SIZE))
    if workers <= 1:
        builder = _DocumentBuilder(_Context(thesaurus=_thesaurus_load(), taxonomy=_taxonomy_load()))
        for chunk in chunks:
            yield _flatten(builder, chunk)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start) as pool:
        yield from pool.map(_worker_flatten, chunks)


@dataclass
class RebuildResult:
    services: int
    postings: int
    vocabulary: int


def search_rebuild_index(*, progress: bool = False) -> RebuildResult:
    """Rebuild the whole index from the directory and the thesaurus (after bulk loads). Atomic;
    searches see the old index until it commits.

    Documents are built in batches and their postings gathered in flat arrays; numpy then sorts
    them by term into the postings lists, and every table is written in one pass (COPY on
    PostgreSQL).
    """
    # Worker processes read the committed directory: not when the caller's transaction has changes.
    committed_only = not connection.in_atomic_block
    with transaction.atomic():
        _lock_index()
        ids = list(Service.objects.order_by("id").values_list("id", flat=True))
        workers = _rebuild_workers(len(ids)) if committed_only else 1
        numbers = _TermNumbers()
        term_parts: list[np.ndarray] = []
        weight_parts: list[np.ndarray] = []
        length_parts: list[np.ndarray] = []
        indexed: list[uuid.UUID] = []
        assured_days: list[int | None] = []
        points: list[bytes] = []
        with tqdm(total=len(ids), disable=not progress, unit="service", desc="search index") as bar:
            for flat in _flat_documents(ids, workers):
                # The chunk's own term numbers, renumbered into the index's.
                renumber = np.fromiter(map(numbers.__getitem__, flat.terms), dtype=np.int32, count=len(flat.terms))
                term_parts.append(renumber[np.frombuffer(flat.term_numbers, dtype=np.int32)])
                weight_parts.append(np.frombuffer(flat.weights, dtype=np.uint8))
                length_parts.append(np.frombuffer(flat.lengths, dtype=np.int32))
                indexed.extend(flat.services)
                assured_days.extend(flat.assured_days)
                points.extend(flat.points)
                bar.update(flat.size)
        for model in (SearchDocument, SearchDeletion, SearchVocabulary):
            model.objects.all()._raw_delete(model.objects.db)  # type: ignore[attr-defined]

        term_numbers = np.concatenate(term_parts) if term_parts else np.empty(0, np.int32)
        weights = np.concatenate(weight_parts) if weight_parts else np.empty(0, np.uint8)
        document_lengths = np.concatenate(length_parts) if length_parts else np.empty(0, np.int32)
        # Document numbers start at 1, in the order of service ids.
        documents_of = np.repeat(np.arange(1, len(indexed) + 1, dtype=np.int32), document_lengths)
        by_term = np.argsort(term_numbers, kind="stable")
        term_counts = np.bincount(term_numbers, minlength=len(numbers))
        term_ends = np.cumsum(term_counts)
        sorted_documents = documents_of[by_term]
        sorted_weights = weights[by_term]

        label_terms = _label_terms()
        # A rebuilt index is a new one: processes holding documents' values read them all again.
        state = IndexState.new()
        vocabulary = list(numbers)
        vocabulary.extend(sorted(label_terms - numbers.keys()))

        generation = state.generation

        def vocabulary_rows() -> Iterator[tuple[int, str, int, bool, bytes, int]]:
            for index, term in enumerate(vocabulary):
                if index < len(numbers):
                    end = int(term_ends[index])
                    start = end - int(term_counts[index])
                    postings = postings_encode(sorted_documents[start:end], sorted_weights[start:end])
                    yield (index + 1, term, end - start, term in label_terms, postings, generation)
                else:
                    yield (index + 1, term, 0, True, b"", generation)
            yield (len(vocabulary) + 1, INDEX_SIZE_TERM, len(indexed), False, index_state_encode(state), generation)

        def document_rows() -> Iterator[tuple[int, Any, bytes, int | None, bytes, int]]:
            end = 0
            for number, service_id in enumerate(indexed, start=1):
                start, end = end, end + int(document_lengths[number - 1])
                # Vocabulary ids are term numbers + 1.
                yield (
                    number,
                    _service_key(service_id),
                    postings_encode(term_numbers[start:end] + 1, weights[start:end]),
                    assured_days[number - 1],
                    points[number - 1],
                    state.generation,
                )

        _insert(SearchVocabulary, ("id", "term", "doc_count", "in_labels", "postings", "generation"), vocabulary_rows())
        _insert(SearchDocument, ("id", "service", "terms", "assured_day", "points", "generation"), document_rows())
        _insert(SearchDeletion, ("key", "term"), _deletion_rows(vocabulary))
        _after_bulk_write()
    return RebuildResult(services=len(indexed), postings=len(term_numbers), vocabulary=len(vocabulary))


def _after_bulk_write() -> None:
    """PostgreSQL: move the id sequences past the ids written. (Statistics are autovacuum's job: the
    index is read by key, which needs none.)"""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [SearchVocabulary, SearchDocument]):
            cursor.execute(statement)


def search_index_postings(*, service_ids: Iterable[uuid.UUID] | None = None) -> set[tuple[str, uuid.UUID, int]]:
    """The index as (term, service id, weight) triples, read from the postings lists; for checks and
    tests (the whole index is read: not for requests)."""
    services = dict(SearchDocument.objects.values_list("id", "service_id"))
    wanted = set(service_ids) if service_ids is not None else None
    found: set[tuple[str, uuid.UUID, int]] = set()
    for term, postings in SearchVocabulary.objects.exclude(term=INDEX_SIZE_TERM).values_list("term", "postings"):
        keys, weights = postings_decode(postings)
        for number, weight in zip(keys.tolist(), weights.tolist(), strict=True):
            service_id = services[number]
            if wanted is None or service_id in wanted:
                found.add((term, service_id, weight))
    return found


def search_document_terms(*, service_id: uuid.UUID) -> dict[str, int]:
    """The terms one service is indexed under, with their weights (its forward list)."""
    terms = SearchDocument.objects.filter(service_id=service_id).values_list("terms", flat=True).first()
    if terms is None:
        return {}
    keys, weights = postings_decode(terms)
    names = dict(SearchVocabulary.objects.filter(id__in=keys.tolist()).values_list("id", "term"))
    return {names[key]: weight for key, weight in zip(keys.tolist(), weights.tolist(), strict=True)}


# --- The thesaurus ------------------------------------------------------------------------------


def _services_for_concepts(concept_ids: Iterable[int]) -> set[uuid.UUID]:
    """The services a change to these concepts may affect: linked now, or classified under their codes,
    or containing the first word of one of their labels."""
    ids = list(concept_ids)
    keys = set(ConceptLabel.objects.filter(concept_id__in=ids).values_list("lookup_key", flat=True))
    # Linked now: the postings of the concepts' own terms.
    keys.update(concept_term(key) for key in Concept.objects.filter(id__in=ids).values_list("key", flat=True))
    affected: set[uuid.UUID] = set()
    codes = {code for concept in Concept.objects.filter(id__in=ids) for code in concept.codes}
    if codes:
        taxonomy = _taxonomy_load()
        code_ids = {term_id for term_id, code in taxonomy.code.items() if code in codes}
        below = {term_id for term_id in taxonomy.code if code_ids.intersection(taxonomy.lineage(term_id))}
        affected |= set(
            Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=below).values_list(
                "link_id", flat=True
            )
        )
    numbers: set[int] = set()
    for chunk in _chunks(sorted(keys), _IN_CHUNK):
        for postings in SearchVocabulary.objects.filter(term__in=chunk).values_list("postings", flat=True):
            numbers.update(postings_decode(postings)[0].tolist())
    for number_chunk in _chunks(sorted(numbers), _IN_CHUNK):
        affected.update(SearchDocument.objects.filter(id__in=number_chunk).values_list("service_id", flat=True))
    return affected


def search_concepts_changed(*, concept_ids: Iterable[int], extra_service_ids: Iterable[uuid.UUID] = ()) -> None:
    """Bring the index in line after concepts or their labels changed (the admin's edits)."""
    ids = list(concept_ids)
    with transaction.atomic():
        _lock_index()
        label_terms = {
            fold(token.text)[:MAX_TERM_LENGTH]
            for text in ConceptLabel.objects.filter(concept_id__in=ids).values_list("text", flat=True)
            for token in tokens(text)
            if token.script not in ("han", "hangul")
        }
        _vocabulary_ids(label_terms)
        for chunk in _chunks(sorted(label_terms), _IN_CHUNK):
            SearchVocabulary.objects.filter(term__in=chunk, in_labels=False).update(in_labels=True)
        search_index_services(service_ids=_services_for_concepts(ids) | set(extra_service_ids))
        search_thesaurus_changed()


@dataclass
class ConceptLoadResult:
    created: int = 0
    updated: int = 0
    labels_created: int = 0
    labels_deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.labels_created or self.labels_deleted)


def _read_concepts(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConceptDataError(_("%(path)s cannot be read: %(error)s") % {"path": path, "error": exc}) from exc
    concepts = data.get("concepts") if isinstance(data, dict) else data
    if not isinstance(concepts, list):
        raise ConceptDataError(_("%(path)s: expected a list of concepts") % {"path": path})
    problems: list[str] = []
    keys: set[str] = set()
    for index, concept in enumerate(concepts):
        if not isinstance(concept, dict) or not isinstance(concept.get("key"), str) or not concept["key"]:
            problems.append(_("concept %(index)s: no key") % {"index": index + 1})
            continue
        key = concept["key"]
        if key in keys:
            problems.append(_("concept %(key)s: key used twice") % {"key": key})
        keys.add(key)
        if not isinstance(concept.get("labels"), dict):
            problems.append(_("concept %(key)s: labels must map languages to lists of phrases") % {"key": key})
        if not isinstance(concept.get("taxonomy", []), list):
            problems.append(_("concept %(key)s: taxonomy must be a list of codes") % {"key": key})
    for concept in concepts:
        broader = concept.get("broader") if isinstance(concept, dict) else None
        if broader and broader not in keys:
            problems.append(
                _("concept %(key)s: broader concept %(broader)s does not exist")
                % {"key": concept.get("key"), "broader": broader}
            )
    if problems:
        raise ConceptDataError("\n  ".join([_("%(path)s has problems:") % {"path": path}, *problems]))
    return concepts


def concept_load(*, path: Path = CONCEPTS_PATH, reindex: bool = True) -> ConceptLoadResult:
    """Load the thesaurus from its JSON file, idempotently: concepts by key, labels by (language, text).

    Labels missing from the file are removed from concepts the file has; concepts the file does not
    have (added in the admin) are left alone. Raises ConceptDataError and changes nothing when the
    file is inconsistent. With `reindex`, services affected by a change are reindexed.
    """
    concepts = _read_concepts(path)
    result = ConceptLoadResult()
    with transaction.atomic():
        with search_signals_paused():
            changed = _concepts_write(concepts, result)
        if changed and reindex:
            search_concepts_changed(concept_ids=changed)
        elif result.changed:
            search_thesaurus_changed()
    return result


def _concepts_write(concepts: list[dict[str, Any]], result: ConceptLoadResult) -> set[int]:
    changed: set[int] = set()
    existing = {concept.key: concept for concept in Concept.objects.prefetch_related("labels")}
    for entry in concepts:
        codes = ", ".join(str(code).strip().upper() for code in entry.get("taxonomy", []))
        concept = existing.get(entry["key"])
        if concept is None:
            concept = Concept.objects.create(key=entry["key"], taxonomy_codes=codes)
            existing[concept.key] = concept
            result.created += 1
            changed.add(concept.pk)
        elif concept.taxonomy_codes != codes:
            concept.taxonomy_codes = codes
            concept.save(update_fields=["taxonomy_codes"])
            result.updated += 1
            changed.add(concept.pk)
    for entry in concepts:
        concept = existing[entry["key"]]
        broader = existing[entry["broader"]] if entry.get("broader") else None
        if concept.broader_id != (broader.pk if broader else None):
            concept.broader = broader
            concept.save(update_fields=["broader"])
            result.updated += 1
        wanted = {
            (language, text.strip())
            for language, texts in entry["labels"].items()
            for text in texts
            if isinstance(text, str) and text.strip()
        }
        have = {(label.language, label.text): label for label in concept.labels.all()}
        new_labels = [
            ConceptLabel(concept=concept, language=language, text=text).with_match_form()
            for language, text in sorted(wanted - have.keys())
        ]
        ConceptLabel.objects.bulk_create(new_labels, batch_size=500)
        stale = [have[key].pk for key in have.keys() - wanted]
        ConceptLabel.objects.filter(pk__in=stale).delete()
        result.labels_created += len(new_labels)
        result.labels_deleted += len(stale)
        if new_labels or stale:
            changed.add(concept.pk)
    return changed
