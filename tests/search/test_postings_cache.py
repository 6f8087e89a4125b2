"""Postings lists held in a process's memory (newstart.search.postings_cache): read once, read again
when they change or the index is another, never held from a transaction, bounded in size."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import transaction
from django.test import override_settings

from newstart.search import postings_cache, selectors
from newstart.search.models import SearchVocabulary
from newstart.search.postings_cache import postings_forget_all, postings_held, postings_keep
from newstart.search.selectors import search_services
from newstart.search.services import search_rebuild_index, search_signals_paused
from tests.directory.factories import ServiceFactory


@pytest.fixture(autouse=True)
def _nothing_held():
    postings_forget_all()
    yield
    postings_forget_all()


@pytest.fixture
def vocabulary_reads():
    """Each vocabulary row read: (term, whether its list was sent)."""
    reads: list[tuple[str, bool]] = []
    real = selectors._vocabulary_rows

    def recording(terms, held):
        rows = real(terms, held)
        reads.extend((row[0], row[4] is not None) for row in rows)
        return rows

    with mock.patch.object(selectors, "_vocabulary_rows", recording):
        yield reads


def _sent(reads: list[tuple[str, bool]], term: str) -> list[bool]:
    return [sent for read_term, sent in reads if read_term == term]


@pytest.mark.django_db(transaction=True)
def test_a_list_is_read_once_then_held(vocabulary_reads):
    food = [ServiceFactory(name="Food bank"), ServiceFactory(name="Food hamper")]
    first = search_services(query="food")
    second = search_services(query="food")
    assert set(first.service_ids) == set(second.service_ids) == {service.pk for service in food}
    assert _sent(vocabulary_reads, "food") == [True, False]


@pytest.mark.django_db(transaction=True)
def test_a_changed_list_is_read_again(vocabulary_reads):
    ServiceFactory(name="Food bank")
    search_services(query="food")
    added = ServiceFactory(name="Food hamper")
    assert added.pk in search_services(query="food").service_ids
    assert _sent(vocabulary_reads, "food") == [True, True]


@pytest.mark.django_db(transaction=True)
def test_lists_of_another_index_are_read_again():
    food = ServiceFactory(name="Food bank")
    others = [ServiceFactory(name="Clothing bank"), ServiceFactory(name="Clothing exchange")]
    search_rebuild_index()
    assert search_services(query="food").service_ids == [food.pk]
    with search_signals_paused():
        for service in others:
            service.name = service.name.replace("Clothing", "Food")
            service.save()
    # Rebuilt: every list has the first generation again, but of another index (a new stamp).
    search_rebuild_index()
    assert set(search_services(query="food").service_ids) == {food.pk, *(service.pk for service in others)}


@pytest.mark.django_db(transaction=True)
def test_lists_read_inside_a_transaction_are_not_held():
    ServiceFactory(name="Food bank")
    with transaction.atomic():
        ServiceFactory(name="Food hamper")
        assert len(search_services(query="food").service_ids) == 2
        transaction.set_rollback(True)
    assert postings_cache._held == {}
    assert len(search_services(query="food").service_ids) == 1
    assert postings_cache._held != {}


@override_settings(SEARCH_POSTINGS_CACHE_MB=1)
def test_held_lists_stay_within_their_memory_least_recently_used_out():
    megabyte = 1024 * 1024
    lists = {f"term{n}": (1, bytes(megabyte // 10)) for n in range(8)}
    postings_keep(b"stamp-01", lists)
    assert postings_held("term0", 1) is not None
    postings_keep(b"stamp-01", {f"more{n}": (1, bytes(megabyte // 10)) for n in range(5)})
    held = next(iter(postings_cache._held.values()))
    assert held.size <= megabyte
    # term0 was used after the others were kept: it stays; term1 was the least recently used.
    assert postings_held("term0", 1) is not None and postings_held("term1", 1) is None
    assert postings_held("term0", 2) is None  # another generation is another list
    # One list never takes more than an eighth of the room.
    postings_keep(b"stamp-01", {"huge": (1, bytes(megabyte // 4))})
    assert postings_held("huge", 1) is None
    # Another index's lists replace them all.
    postings_keep(b"stamp-02", {"other": (3, b"x")})
    assert postings_held("term0", 1) is None and postings_held("other", 3) == b"x"


@pytest.mark.django_db(transaction=True)
def test_lists_held_are_not_used_for_an_index_without_a_state(vocabulary_reads):
    service = ServiceFactory(name="Food bank")
    search_services(query="food")
    # An index from before states were kept (no empty term's row): nothing held can be trusted.
    SearchVocabulary.objects.filter(term="").delete()
    assert search_services(query="food").service_ids == [service.pk]
    assert _sent(vocabulary_reads, "food") == [True, False, True]
    assert postings_cache._held == {}
