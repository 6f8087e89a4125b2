"""Writes of search: the index, kept in step with the directory, and the concept thesaurus.

`search_index_services` (re)indexes some services; the signals in `newstart.search.signals` call it
inside the transaction of every write that changes what a service is found by, so a search never
sees a half-updated service. Bulk loads (importer, demo) write without signals and call
`search_rebuild_index` (or `search_index_services` with the ids they wrote) afterwards.
"""

from __future__ import annotations

import contextvars
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _
from tqdm import tqdm

from newstart.directory.models import Attribute, Organization, Service, TaxonomyTerm
from newstart.search.labels import TextForm, text_form
from newstart.search.models import (
    MAX_TERM_LENGTH,
    Concept,
    ConceptLabel,
    ConceptLink,
    SearchDeletion,
    SearchTerm,
    SearchVocabulary,
    ServiceConcept,
)
from newstart.search.text import correctable, deletion_keys, fold, index_terms, tokens

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
MAPS_TO = "maps_to"
# Services indexed per round trip; IN lists stay below SQLite's parameter limit.
CHUNK_SIZE = 400
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
    keys: dict[int, str] = field(default_factory=dict)
    by_code: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    labels_by_key: dict[str, list[_Label]] = field(default_factory=lambda: defaultdict(list))

    def concepts_in(self, form: TextForm) -> set[int]:
        found: set[int] = set()
        for key in form.keys:
            for label in self.labels_by_key.get(key, ()):
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
        if lookup_key:
            thesaurus.labels_by_key[lookup_key].append(_Label(concept_id, normalized, is_compact))
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


@dataclass
class _Document:
    """What one service is found by: weighted terms and linked concepts."""

    terms: dict[str, int] = field(default_factory=dict)
    concepts: dict[int, tuple[str, int]] = field(default_factory=dict)  # concept id -> (link, weight)

    def add_text(self, text: str | None, weight: int) -> None:
        if not text:
            return
        terms = self.terms
        for term in index_terms(text):
            term = term[:MAX_TERM_LENGTH]
            if terms.get(term, 0) < weight:
                terms[term] = weight

    def link(self, concept_id: int, link: str) -> None:
        weight = CONCEPT_LINK_WEIGHTS[link]
        if self.concepts.get(concept_id, ("", 0))[1] < weight:
            self.concepts[concept_id] = (link, weight)


def _documents(service_ids: Sequence[uuid.UUID], context: _Context) -> dict[uuid.UUID, _Document]:
    """The documents of the services that exist among `service_ids` (a fixed number of queries)."""
    organization_of = dict(Service.objects.filter(id__in=service_ids).values_list("id", "organization_id"))
    documents = {service_id: _Document() for service_id in organization_of}
    if not documents:
        return documents
    text_fields = list(SERVICE_FIELD_WEIGHTS)
    concept_texts: dict[uuid.UUID, list[str]] = defaultdict(list)
    for row in ServiceTranslation.objects.filter(master_id__in=list(documents)).values("master_id", *text_fields):
        document = documents[row["master_id"]]
        for name, weight in SERVICE_FIELD_WEIGHTS.items():
            document.add_text(row[name], weight)
        concept_texts[row["master_id"]].extend(row[name] for name in CONCEPT_TEXT_FIELDS if row[name])

    organization_ids = {org_id for org_id in organization_of.values() if org_id is not None}
    organization_names: dict[uuid.UUID, list[str]] = defaultdict(list)
    for org_id, name in OrganizationTranslation.objects.filter(master_id__in=organization_ids).values_list(
        "master_id", "name"
    ):
        organization_names[org_id].append(name)
    for service_id, org_id in organization_of.items():
        for name in organization_names.get(org_id, ()) if org_id else ():
            documents[service_id].add_text(name, ORGANIZATION_NAME_WEIGHT)

    service_terms: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for link_id, term_id in Attribute.objects.filter(link_entity="service", link_id__in=list(documents)).values_list(
        "link_id", "taxonomy_term_id"
    ):
        if link_id in documents:
            service_terms[link_id].add(term_id)
    direct_terms = {term_id for terms in service_terms.values() for term_id in terms}
    # Terms of other taxonomies (Open Eligibility) that map onto the settlement taxonomy.
    mapped: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    if direct_terms:
        for link_id, target_id in Attribute.objects.filter(
            link_entity="taxonomy_term", link_type=MAPS_TO, link_id__in=direct_terms
        ).values_list("link_id", "taxonomy_term_id"):
            mapped[link_id].add(target_id)
    all_terms = direct_terms | {target for targets in mapped.values() for target in targets}
    term_names: dict[uuid.UUID, list[str]] = defaultdict(list)
    if all_terms:
        for term_id, name in TaxonomyTermTranslation.objects.filter(master_id__in=all_terms).values_list(
            "master_id", "name"
        ):
            term_names[term_id].append(name)

    thesaurus, taxonomy = context.thesaurus, context.taxonomy
    for service_id, document in documents.items():
        terms = set(service_terms.get(service_id, ()))
        for term_id in list(terms):
            terms |= mapped.get(term_id, set())
        for term_id in terms:
            for name in term_names.get(term_id, ()):
                document.add_text(name, TAXONOMY_NAME_WEIGHT)
            for depth, ancestor in enumerate(taxonomy.lineage(term_id)):
                code = taxonomy.code.get(ancestor, "")
                for concept_id in thesaurus.by_code.get(code, ()) if code else ():
                    document.link(concept_id, ConceptLink.TAXONOMY if depth == 0 else ConceptLink.BROADER_TAXONOMY)
        for concept_id in thesaurus.concepts_in(text_form("\n".join(concept_texts.get(service_id, ())))):
            document.link(concept_id, ConceptLink.TEXT)
        for concept_id, (_link, weight) in document.concepts.items():
            document.terms[concept_term(thesaurus.keys[concept_id])] = weight
    return documents


def _insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain rows quickly (executemany, no model instances), skipping ones already there.

    The index has millions of small rows at scale; Django's bulk_create spends most of its time
    building model instances for them. ON CONFLICT DO NOTHING is understood by SQLite and PostgreSQL.
    """
    quote = connection.ops.quote_name
    sql = "INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING".format(  # noqa: S608
        table=quote(model._meta.db_table),
        columns=", ".join(quote(model._meta.get_field(name).column) for name in columns),  # type: ignore[union-attr,arg-type]
        values=", ".join(["%s"] * len(columns)),
    )
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= _INSERT_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _deletion_rows(terms: Iterable[str]) -> Iterator[tuple[str, str]]:
    for term in terms:
        if correctable(term):
            for key in sorted(deletion_keys(term)):
                yield (key, term)


# --- Vocabulary -------------------------------------------------------------------------------


def _vocabulary_add(terms: Iterable[str], *, in_labels: bool = False) -> None:
    """Make sure these terms are in the vocabulary (with their typo-correction keys)."""
    wanted = sorted({term for term in terms if term and not term.startswith(CONCEPT_TERM_PREFIX)})
    for chunk in _chunks(wanted, _IN_CHUNK):
        existing = set(SearchVocabulary.objects.filter(term__in=chunk).values_list("term", flat=True))
        new = [term for term in chunk if term not in existing]
        SearchVocabulary.objects.bulk_create(
            [SearchVocabulary(term=term, doc_count=0, in_labels=in_labels) for term in new],
            ignore_conflicts=True,
            batch_size=500,
        )
        _insert(SearchDeletion, ("key", "term"), _deletion_rows(new))
        if in_labels:
            SearchVocabulary.objects.filter(term__in=chunk, in_labels=False).update(in_labels=True)


def _vocabulary_count(old: Counter[str], new: Counter[str]) -> None:
    """Move the services-per-term counts from `old` to `new` (both: term -> services in this batch)."""
    _vocabulary_add(term for term, count in new.items() if count > old.get(term, 0))
    by_delta: dict[int, list[str]] = defaultdict(list)
    for term in old.keys() | new.keys():
        delta = new.get(term, 0) - old.get(term, 0)
        if delta and not term.startswith(CONCEPT_TERM_PREFIX):
            by_delta[delta].append(term)
    for delta, terms in sorted(by_delta.items()):
        for chunk in _chunks(sorted(terms), _IN_CHUNK):
            SearchVocabulary.objects.filter(term__in=chunk).update(doc_count=F("doc_count") + delta)


# --- Indexing ---------------------------------------------------------------------------------


def _index_chunk(service_ids: Sequence[uuid.UUID], context: _Context, *, count_terms: bool) -> None:
    documents = _documents(service_ids, context)
    old_terms: Counter[str] = Counter()
    if count_terms:
        old_terms.update(
            SearchTerm.objects.filter(service_id__in=service_ids)
            .exclude(term__startswith=CONCEPT_TERM_PREFIX)
            .values_list("term", flat=True)
        )
    SearchTerm.objects.filter(service_id__in=service_ids).delete()
    ServiceConcept.objects.filter(service_id__in=service_ids).delete()
    _insert(
        SearchTerm,
        ("term", "service", "weight"),
        (
            (term, service_key, weight)
            for service_id, document in documents.items()
            for service_key in [Service._meta.pk.get_db_prep_value(service_id, connection)]  # type: ignore[union-attr]
            for term, weight in sorted(document.terms.items())
        ),
    )
    ServiceConcept.objects.bulk_create(
        [
            ServiceConcept(service_id=service_id, concept_id=concept_id, link=link, weight=weight)
            for service_id, document in documents.items()
            for concept_id, (link, weight) in document.concepts.items()
        ],
        batch_size=1000,
    )
    if count_terms:
        new_terms: Counter[str] = Counter()
        for document in documents.values():
            new_terms.update(term for term in document.terms if not term.startswith(CONCEPT_TERM_PREFIX))
        _vocabulary_count(old_terms, new_terms)


def search_index_services(*, service_ids: Iterable[uuid.UUID]) -> None:
    """(Re)index these services: their postings, concept links and the vocabulary counts.

    Ids of services that no longer exist are removed from the index. Atomic; a fixed number of
    queries per 400 services.
    """
    ids = sorted(set(service_ids))
    if not ids:
        return
    with transaction.atomic():
        context = _Context(thesaurus=_thesaurus_load(), taxonomy=_taxonomy_load())
        for chunk in _chunks(ids, CHUNK_SIZE):
            _index_chunk(chunk, context, count_terms=True)


def search_unindex_services(*, service_ids: Iterable[uuid.UUID]) -> None:
    """Remove these services from the index (before they are deleted)."""
    ids = sorted(set(service_ids))
    if not ids:
        return
    with transaction.atomic():
        for chunk in _chunks(ids, CHUNK_SIZE):
            old_terms: Counter[str] = Counter(
                SearchTerm.objects.filter(service_id__in=chunk)
                .exclude(term__startswith=CONCEPT_TERM_PREFIX)
                .values_list("term", flat=True)
            )
            SearchTerm.objects.filter(service_id__in=chunk).delete()
            ServiceConcept.objects.filter(service_id__in=chunk).delete()
            _vocabulary_count(old_terms, Counter())


def _label_terms() -> set[str]:
    """The vocabulary forms of every concept label's words (typo correction can reach them)."""
    found: set[str] = set()
    for text in ConceptLabel.objects.values_list("text", flat=True):
        found.update(
            fold(token.text)[:MAX_TERM_LENGTH] for token in tokens(text) if token.script not in ("han", "hangul")
        )
    return found


@dataclass
class RebuildResult:
    services: int
    postings: int
    vocabulary: int


def search_rebuild_index(*, progress: bool = False) -> RebuildResult:
    """Rebuild the whole index from the directory and the thesaurus (after bulk loads). Atomic."""
    with transaction.atomic():
        SearchTerm.objects.all().delete()
        ServiceConcept.objects.all().delete()
        SearchDeletion.objects.all().delete()
        SearchVocabulary.objects.all().delete()
        context = _Context(thesaurus=_thesaurus_load(), taxonomy=_taxonomy_load())
        ids = list(Service.objects.order_by("id").values_list("id", flat=True))
        with tqdm(total=len(ids), disable=not progress, unit="service", desc="search index") as bar:
            for chunk in _chunks(ids, CHUNK_SIZE):
                _index_chunk(chunk, context, count_terms=False)
                bar.update(len(chunk))
        counts = dict(
            SearchTerm.objects.exclude(term__startswith=CONCEPT_TERM_PREFIX)
            .values("term")
            .annotate(services=Count("service_id"))
            .values_list("term", "services")
        )
        label_terms = _label_terms()
        vocabulary = [
            SearchVocabulary(term=term, doc_count=counts.get(term, 0), in_labels=term in label_terms)
            for term in sorted(counts.keys() | label_terms)
        ]
        SearchVocabulary.objects.bulk_create(vocabulary, batch_size=1000)
        _insert(SearchDeletion, ("key", "term"), _deletion_rows(entry.term for entry in vocabulary))
        postings = SearchTerm.objects.count()
    return RebuildResult(services=len(ids), postings=postings, vocabulary=len(vocabulary))


# --- The thesaurus ------------------------------------------------------------------------------


def _services_for_concepts(concept_ids: Iterable[int]) -> set[uuid.UUID]:
    """The services a change to these concepts may affect: linked now, or classified under their codes,
    or containing the first word of one of their labels."""
    ids = list(concept_ids)
    affected = set(ServiceConcept.objects.filter(concept_id__in=ids).values_list("service_id", flat=True))
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
    keys = set(ConceptLabel.objects.filter(concept_id__in=ids).values_list("lookup_key", flat=True))
    if keys:
        affected |= set(SearchTerm.objects.filter(term__in=keys).values_list("service_id", flat=True))
    return affected


def search_concepts_changed(*, concept_ids: Iterable[int], extra_service_ids: Iterable[uuid.UUID] = ()) -> None:
    """Bring the index in line after concepts or their labels changed (the admin's edits)."""
    ids = list(concept_ids)
    with transaction.atomic():
        _vocabulary_add(
            (
                fold(token.text)[:MAX_TERM_LENGTH]
                for text in ConceptLabel.objects.filter(concept_id__in=ids).values_list("text", flat=True)
                for token in tokens(text)
                if token.script not in ("han", "hangul")
            ),
            in_labels=True,
        )
        search_index_services(service_ids=_services_for_concepts(ids) | set(extra_service_ids))


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
