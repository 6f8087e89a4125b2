"""The documents' re-ranking values a process holds in memory (newstart.search.document_values):
equal to the database's, kept in step with every index write by the index's state, never taken
from a transaction that may roll back."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import numpy as np
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newstart.search.document_values import document_values, document_values_forget
from newstart.search.models import SearchDocument, SearchVocabulary
from newstart.search.postings import IndexState, index_state_decode, index_state_encode
from newstart.search.selectors import _assured_days, _nearest_km, search_services
from newstart.search.services import search_rebuild_index
from tests.directory.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

NEAR = (49.2606, -123.1140)


@pytest.fixture(autouse=True)
def _nothing_held():
    document_values_forget()
    yield
    document_values_forget()


def _state() -> IndexState:
    state = index_state_decode(SearchVocabulary.objects.get(term="").postings)
    assert state is not None
    return state


def _numbers() -> np.ndarray:
    numbers = sorted(SearchDocument.objects.values_list("id", flat=True))
    # And one number no document has.
    return np.array([*numbers, max(numbers) + 7], dtype=np.int64)


def _directory() -> list:
    """Services verified at various dates, with no office, one, several, or one without coordinates."""
    today = timezone.localdate()
    services = [
        ServiceFactory(name=f"Food bank {n}", assured_date=None if n % 3 == 0 else today - dt.timedelta(days=40 * n))
        for n in range(8)
    ]
    offices: dict[int, list[tuple[float | None, float | None]]] = {
        1: [(49.28, -123.12)],
        2: [(49.0, -122.5), (49.25, -123.1), (48.4, -123.4)],
        4: [(None, None)],
        5: [(45.5, -73.6), (49.2606, -123.1140)],
    }
    for index, points in offices.items():
        for latitude, longitude in points:
            ServiceAtLocationFactory(
                service=services[index], location=LocationFactory(latitude=latitude, longitude=longitude)
            )
    return services


def _assert_same_as_database(held) -> None:
    numbers = _numbers()
    np.testing.assert_array_equal(held.assured_days(numbers), _assured_days(numbers, None))
    np.testing.assert_allclose(held.nearest_km(numbers, NEAR), _nearest_km(numbers, NEAR, None), rtol=0, atol=1e-9)


def test_index_state_round_trip():
    state = IndexState.new()
    assert index_state_decode(index_state_encode(state)) == state
    assert index_state_decode(index_state_encode(state.next())) == IndexState(2, state.stamp)
    # An index written before states were kept.
    assert index_state_decode(b"") is None
    assert index_state_decode(None) is None


@pytest.mark.django_db
def test_every_index_write_raises_the_generation_and_stamps_its_documents():
    service = ServiceFactory(name="Food bank")
    before = _state()
    service.name = "Community food bank"
    service.save()
    after = _state()
    # (The service and its translation each reindex it.)
    assert after.stamp == before.stamp and after.generation > before.generation
    assert SearchDocument.objects.get(service=service).generation == after.generation
    search_rebuild_index()
    rebuilt = _state()
    assert rebuilt.stamp != after.stamp
    assert set(SearchDocument.objects.values_list("generation", flat=True)) == {rebuilt.generation}


@pytest.mark.django_db(transaction=True)
def test_held_values_equal_the_database_values():
    _directory()
    held = document_values(_state())
    assert held is not None
    _assert_same_as_database(held)
    # Asked again at the same state: the same arrays, no query.
    with CaptureQueriesContext(connection) as queries:
        assert document_values(_state()) is held
    assert len(queries) == 1  # _state() itself


@pytest.mark.django_db(transaction=True)
def test_held_values_follow_every_write_reading_only_what_changed():
    services = _directory()
    assert document_values(_state()) is not None
    # Move an office, verify a service, remove one, add one with two offices.
    location = services[1].service_at_locations.get().location
    location.latitude, location.longitude = 49.2607, -123.1139
    location.save()
    services[3].assured_date = timezone.localdate()
    services[3].save()
    services[6].delete()
    added = ServiceFactory(name="Food bank new", assured_date=timezone.localdate() - dt.timedelta(days=2))
    for latitude in (49.3, 49.1):
        ServiceAtLocationFactory(service=added, location=LocationFactory(latitude=latitude, longitude=-123.0))

    state = _state()
    with CaptureQueriesContext(connection) as queries:
        held = document_values(state)
    assert held is not None and held.state == state
    assert len(queries) == 1 and "generation >" in queries[0]["sql"]
    _assert_same_as_database(held)


@pytest.mark.django_db(transaction=True)
def test_a_rebuilt_index_is_read_whole_again():
    _directory()
    assert document_values(_state()) is not None
    search_rebuild_index()
    with CaptureQueriesContext(connection) as queries:
        held = document_values(_state())
    assert held is not None
    assert "generation >" not in queries[0]["sql"]
    _assert_same_as_database(held)


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_wrote_to_the_index_reads_the_database():
    services = _directory()
    committed = document_values(_state())
    assert committed is not None
    with transaction.atomic():
        services[2].assured_date = timezone.localdate()
        services[2].save()
        # Its own write is not what this process holds, and must not be held: it may roll back.
        assert document_values(_state()) is None
        transaction.set_rollback(True)
    assert document_values(_state()) is committed
    with transaction.atomic():
        # A transaction that has written nothing sees the state held: the held values serve it.
        assert document_values(_state()) is committed


@pytest.mark.django_db(transaction=True)
def test_searches_rank_the_same_from_held_values_and_from_the_database():
    _directory()
    from_memory = search_services(query="food bank", near=NEAR, within_km=500)
    assert document_values(_state()) is not None
    with mock.patch("newstart.search.selectors.document_values", return_value=None) as held:
        from_database = search_services(query="food bank", near=NEAR, within_km=500)
    assert held.called
    assert from_memory.hits == from_database.hits
    # With an office within 500 km: services 1, 2 and 5 (4's office has no coordinates).
    assert len(from_memory.hits) == 3
