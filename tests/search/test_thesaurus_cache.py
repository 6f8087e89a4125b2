"""The thesaurus held in a process's memory (newstart.search.thesaurus_cache): a search then costs
one query; every change to concepts or labels is seen by the next search; nothing is held from a
transaction that may roll back."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from newstart.search import thesaurus_cache
from newstart.search.document_values import document_values_forget
from newstart.search.postings_cache import postings_forget_all
from newstart.search.selectors import search_services
from newstart.search.services import concept_load
from newstart.search.thesaurus_cache import thesaurus_forget
from tests.directory.factories import ServiceFactory
from tests.search.factories import ConceptFactory, ConceptLabelFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _nothing_held():
    for forget in (thesaurus_forget, postings_forget_all, document_values_forget):
        forget()
    yield
    for forget in (thesaurus_forget, postings_forget_all, document_values_forget):
        forget()


@pytest.fixture
def food_bank():
    """A service linked to the concept "food" by a label found in its name."""
    concept = ConceptFactory(key="food")
    ConceptLabelFactory(concept=concept, language="en", text="food bank")
    return concept, ServiceFactory(name="Community food bank", description="Groceries every week.")


def test_a_search_costs_one_query_once_the_thesaurus_is_held(food_bank):
    _concept, service = food_bank
    assert search_services(query="food bank").concepts == ["food"]
    with CaptureQueriesContext(connection) as queries:
        result = search_services(query="food bank")
    # The words' and the concept's lists in one query (and nothing else: values and lists are held).
    assert len(queries) == 1, [query["sql"][:80] for query in queries]
    assert result.concepts == ["food"] and result.service_ids == [service.pk]


def test_a_new_label_is_matched_by_the_next_search(food_bank):
    concept, service = food_bank
    assert search_services(query="banco de alimentos").concepts == []
    ConceptLabelFactory(concept=concept, language="es", text="banco de alimentos")
    result = search_services(query="banco de alimentos")
    assert result.concepts == ["food"] and result.service_ids == [service.pk]


def test_a_label_added_in_a_rolled_back_transaction_is_not_held(food_bank):
    concept, _service = food_bank
    search_services(query="food bank")
    held = thesaurus_cache.thesaurus_held()
    with transaction.atomic():
        ConceptLabelFactory(concept=concept, language="fr", text="banque alimentaire")
        # The transaction sees its own label (read from the database, not held).
        assert search_services(query="banque alimentaire").concepts == ["food"]
        assert thesaurus_cache.thesaurus_held() is held
        transaction.set_rollback(True)
    assert search_services(query="banque alimentaire").concepts == []


@pytest.mark.parametrize("reindex", [True, False])
def test_a_thesaurus_file_loaded_is_matched_by_the_next_search(food_bank, tmp_path, reindex):
    _concept, service = food_bank
    assert search_services(query="hungry").concepts == []
    path = tmp_path / "concepts.json"
    path.write_text(json.dumps({"concepts": [{"key": "food", "labels": {"en": ["food bank", "hungry"]}}]}))
    assert concept_load(path=path, reindex=reindex).changed
    result = search_services(query="hungry")
    assert result.concepts == ["food"] and result.service_ids == [service.pk]


def test_a_deleted_broader_concept_is_gone_from_the_thesaurus_held(food_bank):
    concept, _service = food_bank
    needs = ConceptFactory(key="basic_needs")
    concept.broader = needs
    concept.save()
    search_services(query="food bank")
    assert _broader_held("food") == {"basic_needs"}
    # Deleting it sets its narrower concepts' broader concept to NULL, with no signal of their own.
    needs.delete()
    search_services(query="food bank")
    assert _broader_held("food") == {None}


def _broader_held(lookup_key: str) -> set[str | None]:
    held = thesaurus_cache.thesaurus_held()
    assert held is not None
    return {broader for _key, broader, _normalized, _compact in held.labels({lookup_key})}
