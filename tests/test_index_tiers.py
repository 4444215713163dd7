"""dedupe.index.tiers: level-0 tiers merged ahead give the file that reading them back gives, and are used only
for exactly the segments they were made from, by the connection that wrote them."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from dedupe.corpus.load import load_corpus
from dedupe.index import IndexParams, open_index, segments, store
from dedupe.index.keys import DOC_BITS
from dedupe.index.tiers import Premerges
from dedupe.scan.config import ScanConfig
from tests.index_data import small_records, write_jsonl

BATCHES = 70  # 8 full level-0 tiers (then one level-1 tier, merged into level 2), 6 segments left


def _add(db: Path, corpus: Path) -> None:
    with open_index(db, IndexParams.from_config(ScanConfig()), create=True) as index:
        index.add(load_corpus([str(corpus)]).documents, batch_size=10)


def _segments(db: Path) -> list[tuple[int, int, int, int, bytes]]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT kind, level, rows, base, packed FROM segments ORDER BY segment").fetchall()


class _Counting(Premerges):
    made: list[Premerges] = []

    def __init__(self, fanout: int) -> None:
        super().__init__(fanout)
        _Counting.made.append(self)


class _Never(Premerges):
    """Merges nothing ahead: every tier read back from the file, as before this module."""

    def take(self, kind: int, stored: object) -> None:  # type: ignore[override]
        super().take(kind, stored)  # type: ignore[arg-type]
        return None


def test_add_with_tiers_merged_ahead_writes_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = write_jsonl(tmp_path / "docs.jsonl", small_records(10 * BATCHES))
    monkeypatch.setattr(store, "Premerges", _Counting)
    _add(tmp_path / "ahead.db", corpus)
    monkeypatch.setattr(store, "Premerges", _Never)
    _add(tmp_path / "back.db", corpus)
    assert _Counting.made[-1].used == len(segments.KINDS) * (BATCHES // segments.MERGE_FANOUT)
    ahead, back = _segments(tmp_path / "ahead.db"), _segments(tmp_path / "back.db")
    levels = [level for kind, level, *_ in ahead if kind == segments.PASSAGES]
    assert levels == [2, *[0] * (BATCHES % segments.MERGE_FANOUT)]
    assert ahead == back
    assert (hashlib.sha256((tmp_path / "ahead.db").read_bytes()).digest()
            == hashlib.sha256((tmp_path / "back.db").read_bytes()).digest())


def _parts(count: int) -> list[tuple[int, np.ndarray]]:
    rng = np.random.default_rng(2)
    return [(1 + 10 * i, np.sort(rng.integers(-50, 50, 40) << DOC_BITS | rng.integers(0, 10, 40)))
            for i in range(count)]


def _merge(parts: list[tuple[int, np.ndarray]]) -> tuple[int, np.ndarray]:
    base = min(b for b, _ in parts)
    return base, np.sort(np.concatenate([rows + (b - base) for b, rows in parts]))


def test_a_tier_one_short_is_merged_ahead_for_exactly_its_segments() -> None:
    premerges = Premerges(4)
    parts = _parts(3)
    for segment, part in enumerate(parts[:2], start=1):
        premerges.keep(segments.BANDS, segment, part)
    premerges.tier(segments.BANDS, [1, 2], _merge)
    assert segments.BANDS not in premerges.pending  # two of four: not yet
    premerges.keep(segments.BANDS, 3, parts[2])
    premerges.tier(segments.BANDS, [1, 2, 3], _merge)
    stored = [(s, base, rows.size) for s, (base, rows) in enumerate(parts, start=1)]
    base, merged = premerges.take(segments.BANDS, stored) or (0, np.zeros(0))
    assert base == 1 and merged.tolist() == _merge(parts)[1].tolist()
    premerges.tier(segments.BANDS, [1, 2, 3], _merge)
    assert premerges.take(segments.BANDS, [(1, 1, 40), (2, 11, 40), (4, 31, 40)]) is None  # another segment
    premerges.tier(segments.BANDS, [1, 2, 3], _merge)
    assert premerges.take(segments.BANDS, [(1, 1, 40), (2, 11, 40), (3, 21, 39)]) is None  # another row count
    premerges.tier(segments.BANDS, [2, 3], _merge)
    assert sorted(premerges.kept[segments.BANDS]) == [2, 3]  # the rest forgotten


def test_a_commit_by_another_connection_drops_what_was_kept(tmp_path: Path) -> None:
    writer = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE t(x)")
    premerges = Premerges(4)
    for segment, part in enumerate(_parts(3), start=1):
        premerges.keep(segments.BANDS, segment, part)
    premerges.tier(segments.BANDS, [1, 2, 3], _merge)
    premerges.committed(writer)
    writer.execute("INSERT INTO t VALUES (1)")  # its own commit changes nothing
    premerges.check(writer)
    assert premerges.pending and premerges.kept
    other = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # a checkpoint changes nothing either
    premerges.check(writer)
    assert premerges.pending and premerges.kept
    other.execute("INSERT INTO t VALUES (2)")
    premerges.check(writer)
    assert not premerges.pending and not premerges.kept
    other.close()
    writer.close()
