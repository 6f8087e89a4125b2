"""The concept thesaurus's labels held in each process's memory, by lookup key.

Matching a query's concepts read the candidate labels in a query of its own, between the two reads
of the vocabulary; held in memory, the concepts are matched before any query and their lists read
with the query's words and facets: a search costs one query instead of three (each ~1 ms on
PostgreSQL). The thesaurus is small (a few thousand labels, ~1 MB).

Kept in step by the index's state (`IndexState.thesaurus`, read with every search's terms): every
change to concepts or labels raises it (`search_thesaurus_changed`), and a rebuilt index has a new
stamp. Read only outside a transaction, like the other held values: a transaction's own changes
could roll back and leave their number to other labels.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from newstart.search.db import database_key
from newstart.search.models import ConceptLabel
from newstart.search.postings import IndexState

# (concept key, broader concept key, normalised label, matched without spaces)
LabelRow = tuple[str, str | None, str, bool]


@dataclass(frozen=True)
class HeldThesaurus:
    stamp: bytes
    number: int
    by_key: dict[str, list[LabelRow]]

    def labels(self, keys: set[str]) -> list[LabelRow]:
        """The labels with one of these lookup keys."""
        return [row for key in sorted(keys) for row in self.by_key.get(key, ())]


_held: dict[str, HeldThesaurus] = {}
_lock = threading.Lock()


def thesaurus_held() -> HeldThesaurus | None:
    """The thesaurus this process holds, whatever its state (to guess a query's concepts early)."""
    return _held.get(database_key())


def thesaurus_for(state: IndexState) -> HeldThesaurus | None:
    """The thesaurus at `state`, read once per change (one query); None inside a transaction that
    sees a state this process does not hold (the caller reads the labels it needs)."""
    held = _held.get(database_key())
    if held is not None and held.stamp == state.stamp and held.number == state.thesaurus:
        return held
    if connection.in_atomic_block:
        return None
    by_key: dict[str, list[LabelRow]] = defaultdict(list)
    rows = ConceptLabel.objects.order_by("id").values_list(
        "lookup_key", "concept__key", "concept__broader__key", "normalized", "is_compact"
    )
    for lookup_key, key, broader_key, normalized, is_compact in rows:
        by_key[lookup_key].append((key, broader_key, normalized, is_compact))
    held = HeldThesaurus(stamp=state.stamp, number=state.thesaurus, by_key=dict(by_key))
    with _lock:
        _held[database_key()] = held
    return held


def thesaurus_forget() -> None:
    """Forget the thesaurus held, for every database (tests)."""
    with _lock:
        _held.clear()
