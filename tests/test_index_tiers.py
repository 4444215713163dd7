"""dedupe.index.tiers: a tier merged from the segments kept in memory gives the file that reading them back
gives, and kept rows are used only for exactly the segments they were written as, by the connection that
wrote them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from dedupe.corpus.load import load_corpus
from dedupe.index import IndexParams, open_index, segments, store
from dedupe.index.keys import DOC_BITS
from dedupe.index.tiers import KeptTiers, Segment
from dedupe.scan.config import ScanConfig
from tests.index_data import small_records, write_jsonl

BATCHES = 70  # 8 full level-0 tiers (then one level-1 tier, merged into level 2), 6 segments left


def _add(db: Path, corpus: Path) -> None:
    with open_index(db, IndexParams.from_config(ScanConfig()), create=True) as index:
        index.add(load_corpus([str(corpus)]).documents, batch_size=10)


def _segments(db: Path) -> list[tuple[int, int, int, int, bytes]]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT kind, level, rows, base, packed FROM segments ORDER BY segment").fetchall()


class _Counting(KeptTiers):
    made: list[KeptTiers] = []

    def __init__(self) -> None:
        super().__init__()
        _Counting.made.append(self)


class _Never(KeptTiers):
    """Keeps nothing: every tier read back from the file, as before this module."""

    def take(self, kind: int, stored: Sequence[tuple[int, int, int]]) -> list[Segment] | None:
        return None


def test_add_with_kept_tiers_writes_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = write_jsonl(tmp_path / "docs.jsonl", small_records(10 * BATCHES))
    monkeypatch.setattr(store, "KeptTiers", _Counting)
    _add(tmp_path / "kept.db", corpus)
    monkeypatch.setattr(store, "KeptTiers", _Never)
    _add(tmp_path / "back.db", corpus)
    assert _Counting.made[-1].used == len(segments.KINDS) * (BATCHES // segments.MERGE_FANOUT)
    kept, back = _segments(tmp_path / "kept.db"), _segments(tmp_path / "back.db")
    levels = [level for kind, level, *_ in kept if kind == segments.PASSAGES]
    assert levels == [2, *[0] * (BATCHES % segments.MERGE_FANOUT)]
    assert kept == back
    assert (tmp_path / "kept.db").read_bytes() == (tmp_path / "back.db").read_bytes()


def _parts(count: int) -> list[Segment]:
    rng = np.random.default_rng(2)
    return [(1 + 10 * i, np.sort(rng.integers(-50, 50, 40) << DOC_BITS | rng.integers(0, 10, 40)))
            for i in range(count)]


def test_kept_rows_serve_exactly_the_segments_they_were_written_as() -> None:
    kept = KeptTiers()
    parts = _parts(3)
    for segment, part in enumerate(parts, start=1):
        kept.keep(segments.BANDS, segment, part)
    stored = [(s, base, int(rows.size)) for s, (base, rows) in enumerate(parts, start=1)]
    assert kept.take(segments.BANDS, stored) == parts
    assert kept.take(segments.PASSAGES, stored) is None  # another kind
    assert kept.take(segments.BANDS, [*stored[:2], (4, 21, 40)]) is None  # another segment
    assert kept.take(segments.BANDS, [*stored[:2], (3, 21, 39)]) is None  # another row count
    assert kept.take(segments.BANDS, [*stored[:2], (3, 22, 40)]) is None  # another base
    kept.tier(segments.BANDS, [2, 3])
    assert sorted(kept.kept[segments.BANDS]) == [2, 3]  # merged away: forgotten
    assert kept.take(segments.BANDS, stored) is None


def test_a_commit_by_another_connection_drops_what_was_kept(tmp_path: Path) -> None:
    writer = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE t(x)")
    kept = KeptTiers()
    for segment, part in enumerate(_parts(3), start=1):
        kept.keep(segments.BANDS, segment, part)
    kept.committed(writer)
    writer.execute("INSERT INTO t VALUES (1)")  # its own commit changes nothing
    kept.check(writer)
    assert kept.kept[segments.BANDS]
    other = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # a checkpoint changes nothing either
    kept.check(writer)
    assert kept.kept[segments.BANDS]
    other.execute("INSERT INTO t VALUES (2)")
    kept.check(writer)
    assert not kept.kept
    other.close()
    writer.close()
