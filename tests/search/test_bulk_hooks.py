"""Bulk writers keep the search index in step: the HSDS importer (its `hsds_imported` signal) and
the demo loader (concepts first, then the demo services indexed with their concept links)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.db import transaction

from newstart.directory.hsds.importer import hsds_import
from newstart.directory.models import Attribute, Service
from newstart.search.models import SearchDocument, SearchVocabulary
from newstart.search.selectors import search_service_concepts, search_services
from newstart.search.services import search_index_postings, search_rebuild_index
from tests.directory.factories import ServiceFactory, TaxonomyTermFactory

pytestmark = pytest.mark.django_db

SERVICE_ID = "5e000000-0000-4000-8000-000000000001"
ORGANIZATION_ID = "5e000000-0000-4000-8000-000000000002"


def write_dataset(folder: Path, *, organization_name: str = "Harbour Newcomer Society", attributes=()) -> Path:
    path = folder / "services.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": SERVICE_ID,
                    "name": "Tenant rights workshop",
                    "description": "Know your lease.",
                    "status": "active",
                    "organization": {"id": ORGANIZATION_ID, "name": organization_name, "description": "Welcome."},
                    "attributes": list(attributes),
                }
            ]
        ),
        encoding="utf-8",
    )
    return path


def found(query: str) -> list[uuid.UUID]:
    return search_services(query=query).service_ids


def index_snapshot() -> tuple[set, set]:
    postings = search_index_postings()
    vocabulary = set(SearchVocabulary.objects.filter(doc_count__gt=0).values_list("term", "doc_count"))
    return postings, vocabulary


def test_an_import_is_indexed_once_it_has_committed(tmp_path, django_capture_on_commit_callbacks):
    # A directory already in use: the import touches a small part of it (reindexed service by service).
    for name in ("Legal clinic", "Food bank", "Youth soccer", "Seniors lunch"):
        ServiceFactory(name=name)
    term = TaxonomyTermFactory(code="HOUS", name="Housing")
    attribute = {"id": "5e000000-0000-4000-8000-000000000003", "taxonomy_term_id": str(term.id)}
    service_id = uuid.UUID(SERVICE_ID)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hsds_import(path=write_dataset(tmp_path, attributes=[attribute]))
    # Written in bulk: no save signals, so nothing is indexed until the import's signal is heard.
    assert found("tenant") == []
    for callback in callbacks:
        callback()

    assert found("tenant rights") == [service_id]
    assert found("harbour") == [service_id]  # its organization's name
    assert found("housing") == [service_id]  # its taxonomy term's name
    # As if the whole index had been rebuilt.
    incremental = index_snapshot()
    search_rebuild_index()
    assert index_snapshot() == incremental


def test_changes_to_an_organization_reindex_its_services(tmp_path, django_capture_on_commit_callbacks):
    ServiceFactory(name="Legal clinic")
    ServiceFactory(name="Food bank")
    with django_capture_on_commit_callbacks(execute=True):
        hsds_import(path=write_dataset(tmp_path))
    assert found("harbour") == [uuid.UUID(SERVICE_ID)]

    # Only the organization changes: its service is reindexed all the same.
    with django_capture_on_commit_callbacks(execute=True):
        report = hsds_import(path=write_dataset(tmp_path, organization_name="Lighthouse Welcome Centre"))
    assert report.counts["service"].unchanged == 1 and report.counts["organization"].updated == 1
    assert found("lighthouse") == [uuid.UUID(SERVICE_ID)]
    assert found("harbour") == []


def test_an_attribute_added_to_a_service_already_there_is_indexed(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hsds_import(path=write_dataset(tmp_path))
    ServiceFactory(name="Legal clinic")
    ServiceFactory(name="Food bank")
    term = TaxonomyTermFactory(code="EMP", name="Employment")
    attribute = {"id": "5e000000-0000-4000-8000-000000000004", "taxonomy_term_id": str(term.id)}
    with django_capture_on_commit_callbacks(execute=True):
        report = hsds_import(path=write_dataset(tmp_path, attributes=[attribute]))
    assert report.counts["attribute"].created == 1 and report.counts["service"].unchanged == 1
    assert found("employment") == [uuid.UUID(SERVICE_ID)]


def test_a_first_import_into_an_empty_directory_rebuilds_the_index(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hsds_import(path=write_dataset(tmp_path))
    assert found("workshop") == [uuid.UUID(SERVICE_ID)]
    assert SearchVocabulary.objects.get(term="workshop").doc_count == 1


def test_a_dry_run_sends_nothing_and_indexes_nothing(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        hsds_import(path=write_dataset(tmp_path), dry_run=True)
    assert callbacks == []
    assert not search_index_postings()


# --- The demo loader ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """`demo_load()` alone, as `manage.py load_demo` runs it; rolled back after the module."""
    from newstart.directory.demo.loader import demo_load

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield demo_load()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def employment_service_ids() -> set[uuid.UUID]:
    return set(
        Attribute.objects.filter(link_entity="service", taxonomy_term__code__startswith="EMP").values_list(
            "link_id", flat=True
        )
    )


@pytest.mark.usefixtures("demo_loaded")
def test_load_demo_links_services_to_concepts_and_a_punjabi_query_finds_work(db):
    demo_services = Service.objects.filter(is_demo=True)
    # Every demo service is indexed, linked to the thesaurus' concepts through its categories.
    assert set(SearchDocument.objects.values_list("service_id", flat=True)) == set(
        demo_services.values_list("pk", flat=True)
    )
    links = search_service_concepts(service_ids=demo_services.values_list("pk", flat=True))
    assert any("employment" in concepts for concepts in links.values())
    # "I need a job", in Gurmukhi and as many write it in Latin letters.
    for query in ("ਨੌਕਰੀ ਚਾਹੀਦੀ", "kam chahida"):
        result = search_services(query=query)
        assert "employment" in result.concepts, query
        assert result.service_ids[0] in employment_service_ids(), query
    # The thesaurus' words are in the vocabulary: not "corrected" into something else.
    assert search_services(query="naukri").did_you_mean is None


@pytest.mark.usefixtures("demo_loaded")
def test_a_second_load_changes_nothing_in_the_thesaurus(db):
    from newstart.directory.demo.loader import demo_load

    again = demo_load()
    assert not again.changed
    assert "search.concept" not in +again.created


def test_load_demo_reports_the_concepts_it_loaded(db, demo_loaded):
    assert demo_loaded.created["search.concept"] > 10
    assert demo_loaded.created["search.conceptlabel"] > 100
