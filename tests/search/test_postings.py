"""The binary postings lists: layout, merging, and the index's two lists agreeing."""

from __future__ import annotations

import numpy as np
import pytest

from newstart.search.postings import postings_count, postings_decode, postings_encode, postings_merge


def test_encode_decode_round_trip():
    blob = postings_encode([3, 7, 100_000], [30, 10, 2])
    assert len(blob) == 15
    keys, weights = postings_decode(blob)
    assert keys.tolist() == [3, 7, 100_000] and weights.tolist() == [30, 10, 2]
    assert postings_count(blob) == 3


def test_empty_lists():
    keys, weights = postings_decode(b"")
    assert len(keys) == 0 and len(weights) == 0
    assert postings_count(None) == 0
    assert postings_decode(memoryview(postings_encode([1], [5])))[0].tolist() == [1]


def test_a_list_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="multiple of 5"):
        postings_decode(b"\x00" * 7)
    with pytest.raises(ValueError, match="differ in length"):
        postings_encode([1, 2], [3])


def test_merge_adds_updates_and_removes_keeping_keys_sorted():
    blob = postings_encode([2, 5, 9], [10, 20, 30])
    merged = postings_merge(blob, {5: 0, 9: 4, 1: 7, 12: 3, 40: 0})
    keys, weights = postings_decode(merged)
    assert keys.tolist() == [1, 2, 9, 12]
    assert weights.tolist() == [7, 10, 4, 3]
    assert postings_merge(blob, {}) == blob


def test_merge_matches_a_dictionary_model():
    rng = np.random.default_rng(4)
    model: dict[int, int] = {}
    blob = b""
    for _round in range(30):
        changes = {int(key): int(rng.integers(0, 4)) * 10 for key in rng.integers(0, 60, size=8)}
        blob = postings_merge(blob, changes)
        for key, weight in changes.items():
            if weight:
                model[key] = weight
            else:
                model.pop(key, None)
        keys, weights = postings_decode(blob)
        assert dict(zip(keys.tolist(), weights.tolist(), strict=True)) == model
        assert keys.tolist() == sorted(model)
