"""Postings lists held in each process's memory, least recently used first out.

A search reads the postings lists of its words, concepts and facets: half a megabyte on average over
the benchmark's queries, mostly the same few thousand common lists (a word in most services has a
500 KB list). Each vocabulary row carries the generation of the index write that last changed its
list (`SearchVocabulary.generation`); a search sends the generations of the lists it holds and the
database returns only the lists that changed since (one query either way). The generations are
those of one index (its stamp, `newstart.search.postings.IndexState`): a process that finds another
stamp forgets every list it holds.

Only committed lists are kept: a list read inside a transaction may be one of the transaction's own
uncommitted writes, which could roll back and leave its generation to a different list. Reading a
kept list inside a transaction is safe (a committed generation names one list).

The memory is bounded by SEARCH_POSTINGS_CACHE_MB per process (per database).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from newstart.search.db import database_key


@dataclass
class _Held:
    stamp: bytes | None = None
    lists: OrderedDict[str, tuple[int, bytes]] = field(default_factory=OrderedDict)
    size: int = 0


_held: dict[str, _Held] = {}
_lock = threading.Lock()


def _limit() -> int:
    return int(getattr(settings, "SEARCH_POSTINGS_CACHE_MB", 48)) * 1024 * 1024


def postings_held_generations(terms: list[str]) -> tuple[bytes | None, dict[str, int]]:
    """The stamp of the index the lists held are from, and the generation of each of `terms` held."""
    with _lock:
        held = _held.get(database_key())
        if held is None:
            return None, {}
        return held.stamp, {term: held.lists[term][0] for term in terms if term in held.lists}


def postings_held(term: str, generation: int) -> bytes | None:
    """The list of `term` at `generation`, if held (it becomes the most recently used)."""
    with _lock:
        held = _held.get(database_key())
        entry = held.lists.get(term) if held is not None else None
        if entry is None or entry[0] != generation:
            return None
        held.lists.move_to_end(term)  # type: ignore[union-attr]
        return entry[1]


def postings_keep(stamp: bytes, lists: dict[str, tuple[int, bytes]]) -> None:
    """Hold these lists (term -> generation, list) of the index stamped `stamp`, if committed."""
    if connection.in_atomic_block:
        return
    limit = _limit()
    with _lock:
        held = _held.setdefault(database_key(), _Held())
        if held.stamp != stamp:
            held.stamp, held.lists, held.size = stamp, OrderedDict(), 0
        for term, (generation, postings) in lists.items():
            if len(postings) > limit // 8:
                continue  # one list never takes more than an eighth of the room
            previous = held.lists.pop(term, None)
            if previous is not None:
                held.size -= len(previous[1])
            held.lists[term] = (generation, postings)
            held.size += len(postings)
        while held.size > limit and held.lists:
            _term, (_generation, dropped) = held.lists.popitem(last=False)
            held.size -= len(dropped)


def postings_forget(stamp: bytes | None = None) -> None:
    """Forget every list held for this database (or only if held for another index than `stamp`)."""
    with _lock:
        held = _held.get(database_key())
        if held is not None and (stamp is None or held.stamp != stamp):
            del _held[database_key()]


def postings_forget_all() -> None:
    """Forget every list held, for every database (tests)."""
    with _lock:
        _held.clear()
