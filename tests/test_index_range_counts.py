"""dedupe.index.range_counts: counts and rows of key ranges over real segments, against brute-force sums."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np
import pytest

from dedupe.index import range_counts, segments
from dedupe.index.keys import DOC_BITS

KEY_STEP = 1 << DOC_BITS  # stored keys have their low DOC_BITS bits clear


def _written(db: sqlite3.Connection, repeats: int, steps: Callable[[int], np.ndarray]) -> list[tuple[int, int]]:
    """Shingle rows of ten documents a batch, ``repeats`` rows each, keys ``steps(size) * KEY_STEP``, written as
    MERGE_FANOUT + 2 batches (merged tiers and level-0 segments both); every (key, seq) written."""
    every: list[tuple[int, int]] = []
    for batch in range(segments.MERGE_FANOUT + 2):
        seqs = np.repeat(np.arange(1 + 10 * batch, 11 + 10 * batch), repeats)
        keys = steps(seqs.size) * KEY_STEP
        order = np.lexsort((seqs, keys))
        segments.write(db, segments.SHINGLES, keys[order], seqs[order])
        every += list(zip(keys.tolist(), seqs.tolist()))
    return every


@pytest.mark.parametrize("chunk_rows", [1 << 20, 128])  # one chunk a segment; ranges across chunk bounds
def test_count_before_counts_repeated_rows_of_a_key_range_below_a_document(
        segments_db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, chunk_rows: int) -> None:
    monkeypatch.setattr(segments, "_CHUNK_ROWS", chunk_rows)
    rng = np.random.default_rng(6)
    every = _written(segments_db, 20, lambda size: rng.integers(-40, 40, size))  # repeats kept
    wanted = np.sort(rng.integers(-42, 42, 300)) * KEY_STEP
    before = rng.integers(-5, 120, wanted.size)
    before[::4] = np.iinfo(np.int64).max  # every document (a batch's place): one range over the width
    for width in (1, 2, 4):
        expected = [sum(k <= key < k + width * KEY_STEP and seq < b for key, seq in every)
                    for k, b in zip(wanted.tolist(), before.tolist())]
        assert range_counts.count_before(segments_db, segments.SHINGLES, wanted, before, width).tolist() == expected


@pytest.mark.parametrize("chunk_rows", [1 << 20, 128])  # one chunk a segment; a key's rows across chunks
def test_gather_counts_the_rows_of_each_key_range_and_keeps_those_of_small_ones(
        segments_db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, chunk_rows: int) -> None:
    monkeypatch.setattr(segments, "_CHUNK_ROWS", chunk_rows)
    rng = np.random.default_rng(8)
    every = _written(segments_db, 30, lambda size: np.where(rng.random(size) < 0.3, 0,  # key 0: many rows
                                                            rng.integers(-60, 60, size)))
    for width in (1, 2):
        wanted = np.arange(-64, 64, width) * KEY_STEP
        counts, owners, seqs = range_counts.gather(segments_db, segments.SHINGLES, wanted, width, limit=40)
        rows = [sorted(seq for key, seq in every if k <= key < k + width * KEY_STEP) for k in wanted.tolist()]
        assert counts.tolist() == [len(r) for r in rows]
        assert max(counts) > 40 and 0 < min(c for c in counts if c) <= 40  # some ranges over the limit, some under
        kept = [(owner, seq) for owner, r in enumerate(rows) if len(r) <= 40 for seq in r]
        assert list(zip(owners.tolist(), seqs.tolist())) == kept  # by owner, then seq; none of a large range
