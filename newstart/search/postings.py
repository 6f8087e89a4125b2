"""The binary form of the index's lists: postings (documents and weights of a term), documents'
term lists (vocabulary ids and weights of a document) and documents' office coordinates.

Both are the same layout: n little-endian int32 keys, ascending, then n uint8 weights. A postings
list is read with one `numpy.frombuffer` and scored with vectorised additions, so a search reads
one row per query term whatever the number of services containing it, and SQLite and PostgreSQL
store the same bytes (identical scores by construction).
"""

from __future__ import annotations

import datetime as dt
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

KEY_DTYPE = np.dtype("<i4")
WEIGHT_DTYPE = np.dtype("u1")
# Bytes per entry: four for the key, one for the weight.
ENTRY_SIZE = KEY_DTYPE.itemsize + WEIGHT_DTYPE.itemsize
MAX_WEIGHT = 255

Keys = npt.NDArray[np.int32]
Weights = npt.NDArray[np.uint8]


def postings_encode(keys: npt.ArrayLike, weights: npt.ArrayLike) -> bytes:
    """The bytes of a list; `keys` must be ascending and unique (see `postings_merge`)."""
    key_array = np.asarray(keys, dtype=KEY_DTYPE)
    weight_array = np.asarray(weights, dtype=WEIGHT_DTYPE)
    if key_array.shape != weight_array.shape:
        raise ValueError("keys and weights differ in length")
    return key_array.tobytes() + weight_array.tobytes()


def postings_decode(blob: bytes | memoryview | None) -> tuple[Keys, Weights]:
    """Keys and weights of a list (read-only views of `blob`, no copy)."""
    if not blob:
        return np.empty(0, dtype=KEY_DTYPE), np.empty(0, dtype=WEIGHT_DTYPE)
    data = bytes(blob) if isinstance(blob, memoryview) else blob
    count = len(data) // ENTRY_SIZE
    if count * ENTRY_SIZE != len(data):
        raise ValueError("a postings list's length must be a multiple of 5 bytes")
    keys = np.frombuffer(data, dtype=KEY_DTYPE, count=count)
    weights = np.frombuffer(data, dtype=WEIGHT_DTYPE, count=count, offset=count * KEY_DTYPE.itemsize)
    return keys, weights


def postings_count(blob: bytes | memoryview | None) -> int:
    return len(blob) // ENTRY_SIZE if blob else 0


def postings_merge(blob: bytes | memoryview | None, changes: dict[int, int]) -> bytes:
    """The list with `changes` applied: key -> new weight, 0 removing the key."""
    keys, weights = postings_decode(blob)
    if changes:
        changed = np.fromiter(changes.keys(), dtype=KEY_DTYPE, count=len(changes))
        new_weights = np.fromiter(changes.values(), dtype=np.int64, count=len(changes))
        keep = ~np.isin(keys, changed)
        added = new_weights > 0
        keys = np.concatenate([keys[keep], changed[added]])
        weights = np.concatenate([weights[keep], new_weights[added].astype(WEIGHT_DTYPE)])
        order = np.argsort(keys, kind="stable")
        keys, weights = keys[order], weights[order]
    return postings_encode(keys, weights)


# A document's office coordinates: (latitude, longitude) pairs of little-endian float64, the same
# doubles on every database (the radius filter must agree with the directory's SQL haversine).
POINT_DTYPE = np.dtype("<f8")


def points_encode(points: Sequence[tuple[float, float]]) -> bytes:
    """The bytes of a document's office coordinates, in the order given."""
    return np.asarray(points, dtype=POINT_DTYPE).reshape(-1, 2).tobytes() if points else b""


def points_decode(data: bytes | memoryview | None) -> npt.NDArray[np.float64]:
    """Office coordinates as an (n, 2) array of latitudes and longitudes."""
    return np.frombuffer(bytes(data or b""), dtype=POINT_DTYPE).reshape(-1, 2)


_EPOCH = 719163  # date(1970, 1, 1).toordinal()


def day_number(value: dt.date | None) -> int | None:
    """A date as days since 1970-01-01 (SearchDocument.assured_day)."""
    return None if value is None else value.toordinal() - _EPOCH


# The index's state, held by the empty term's vocabulary row in place of a postings list: a
# generation every index write raises (the documents and lists it writes carry it), a random stamp
# given when the index is built or first written to, and a number the thesaurus's changes raise.
# Processes holding documents' values, postings lists or the thesaurus in memory compare it with theirs.
_STATE = struct.Struct("<q8sq")
_STATE_BEFORE_THESAURUS = struct.Struct("<q8s")


@dataclass(frozen=True)
class IndexState:
    generation: int
    stamp: bytes
    thesaurus: int = 0

    @classmethod
    def new(cls) -> IndexState:
        """A new index's first state (a fresh random stamp)."""
        return cls(generation=1, stamp=os.urandom(8))

    def next(self, *, thesaurus_changed: bool = False) -> IndexState:
        return IndexState(
            generation=self.generation + 1, stamp=self.stamp, thesaurus=self.thesaurus + int(thesaurus_changed)
        )


def index_state_encode(state: IndexState) -> bytes:
    return _STATE.pack(state.generation, state.stamp, state.thesaurus)


def index_state_decode(blob: bytes | memoryview | None) -> IndexState | None:
    """The state in the empty term's row (None: an index written before states were kept)."""
    data = bytes(blob or b"")
    if len(data) == _STATE.size:
        generation, stamp, thesaurus = _STATE.unpack(data)
        return IndexState(generation=generation, stamp=stamp, thesaurus=thesaurus)
    if len(data) == _STATE_BEFORE_THESAURUS.size:
        generation, stamp = _STATE_BEFORE_THESAURUS.unpack(data)
        return IndexState(generation=generation, stamp=stamp)
    return None
