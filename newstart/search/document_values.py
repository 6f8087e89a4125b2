"""The index documents' re-ranking values held in each process's memory: assured days and office
coordinates by document number, as numpy arrays (what Lucene calls doc values).

Re-ranking reads these for up to a thousand hits, and the radius filter for up to tens of thousands
of candidates; read from the database they were a fifth of a search's time (a thousand random rows
of a ~1 GB table, one round trip each time on PostgreSQL). A national directory's values take a few
MB (100,000 services at 150,000 offices: ~4 MB).

Kept in step by the index's state, read with every search's terms (the empty term's row,
`newstart.search.postings.index_state_*`): every index write raises the generation and stamps the
documents it writes with it, so a process that sees a newer generation reads only the documents
written since (`generation > the one it holds`); a new stamp (a rebuilt or emptied index, another
database) makes it read them all. The arrays are only refreshed from committed data, outside any
transaction: a transaction that wrote to the index sees a state no committed one has, and reads its
values from the database instead (`document_values` returns None), and so does one whose writes
could still be rolled back. Deleted documents keep their values here, harmlessly: they are in no
postings list any more, and document numbers are never reused except by a rebuild (new stamp).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import connection

from newstart.directory.geo import haversine_km_array
from newstart.search.db import database_key, fetch_binary
from newstart.search.models import SearchDocument
from newstart.search.postings import POINT_DTYPE, IndexState

# Stands for "never verified" among the assured days (NaN: no such document).
NO_DATE = -(2**40)

Numbers = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DocumentValues:
    """Every document's values at one state of the index: `days[number]` (NaN: no document) and its
    offices' coordinates `points[offsets[number]:offsets[number + 1]]` (latitude, longitude)."""

    state: IndexState
    days: Floats
    offsets: Numbers
    points: Floats

    @property
    def size(self) -> int:
        """One more than the highest document number held."""
        return len(self.days)

    def assured_days(self, numbers: Numbers) -> Floats:
        """Each document's assured date as days since 1970 (NO_DATE: never verified; NaN: gone)."""
        values = np.full(len(numbers), np.nan)
        held = numbers < self.size
        values[held] = self.days[numbers[held]]
        return values

    def nearest_km(self, numbers: Numbers, near: tuple[float, float]) -> Floats:
        """Km from `near` to each document's nearest located office (NaN: none), in numpy."""
        values = np.full(len(numbers), np.nan)
        held = numbers[numbers < self.size]
        positions = np.flatnonzero(numbers < self.size)
        starts = self.offsets[held]
        counts = self.offsets[held + 1] - starts
        located = counts > 0
        if not located.any():
            return values
        starts, counts, positions = starts[located], counts[located], positions[located]
        # The offices of every located document, one after another.
        firsts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        offices = np.repeat(starts - firsts, counts) + np.arange(int(counts.sum()))
        km = haversine_km_array(near[0], near[1], self.points[offices, 0], self.points[offices, 1])
        values[positions] = np.minimum.reduceat(km, firsts)
        return values


def _empty(state: IndexState) -> DocumentValues:
    return DocumentValues(state=state, days=np.zeros(0), offsets=np.zeros(1, dtype=np.int64), points=np.zeros((0, 2)))


def _read(since: int | None) -> tuple[Numbers, Floats, list[bytes]]:
    """Numbers, assured days and coordinates of the documents written after generation `since` (all
    of them when None), in one query."""
    table = SearchDocument._meta.db_table
    sql = f"SELECT id, COALESCE(assured_day, {NO_DATE}), points FROM {table}"  # noqa: S608
    params: list[int] = []
    if since is not None:
        sql += " WHERE generation > %s"
        params.append(since)
    rows = fetch_binary(sql, params)
    numbers = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    days = np.fromiter((row[1] for row in rows), dtype=np.float64, count=len(rows))
    return numbers, days, [bytes(row[2] or b"") for row in rows]


def _merged(
    held: DocumentValues, state: IndexState, numbers: Numbers, days: Floats, blobs: list[bytes]
) -> DocumentValues:
    """`held` with these documents' values replaced (or added)."""
    size = max(held.size, int(numbers.max()) + 1 if len(numbers) else 0)
    new_days = np.full(size, np.nan)
    new_days[: held.size] = held.days
    new_days[numbers] = days

    counts = np.zeros(size, dtype=np.int64)
    counts[: held.size] = np.diff(held.offsets)
    counts[numbers] = [len(blob) // (2 * POINT_DTYPE.itemsize) for blob in blobs]
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    points = np.empty((int(offsets[-1]), 2))
    # Unchanged documents' offices move to their new places.
    old_owner = np.repeat(np.arange(held.size, dtype=np.int64), np.diff(held.offsets))
    kept = ~np.isin(old_owner, numbers)
    within = np.arange(len(held.points)) - held.offsets[old_owner]
    points[offsets[old_owner[kept]] + within[kept]] = held.points[kept]
    # Written documents' offices, from their rows.
    if blobs:
        written = np.frombuffer(b"".join(blobs), dtype=POINT_DTYPE).reshape(-1, 2)
        written_counts = counts[numbers]
        written_owner = np.repeat(numbers, written_counts)
        firsts = np.repeat(np.cumsum(written_counts) - written_counts, written_counts)
        points[offsets[written_owner] + np.arange(len(written)) - firsts] = written
    return DocumentValues(state=state, days=new_days, offsets=offsets, points=points)


_held: dict[str, DocumentValues] = {}
_lock = threading.Lock()


def _same_documents(held: IndexState, state: IndexState) -> bool:
    # The thesaurus's number does not concern documents.
    return held.stamp == state.stamp and held.generation == state.generation


def document_values(state: IndexState) -> DocumentValues | None:
    """The documents' values at index state `state` (read from the empty term's row by the search),
    or None when the caller must read them from the database: inside a transaction that sees a state
    this process does not hold (its own writes, or ones that may still roll back)."""
    held = _held.get(database_key())
    if held is not None and _same_documents(held.state, state):
        return held
    if connection.in_atomic_block:
        return None
    with _lock:
        held = _held.get(database_key())
        if held is not None and _same_documents(held.state, state):
            return held
        if held is None or held.state.stamp != state.stamp or held.state.generation > state.generation:
            base, since = _empty(state), None
        else:
            base, since = held, held.state.generation
        numbers, days, blobs = _read(since)
        values = _merged(base, state, numbers, days, blobs)
        _held[database_key()] = values
        return values


def document_values_forget() -> None:
    """Drop every process-held value (tests)."""
    with _lock:
        _held.clear()
