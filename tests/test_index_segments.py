"""dedupe.index.segments: sorted key segments in a real SQLite file, against a brute-force dictionary."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from dedupe.errors import InputError
from dedupe.index import segments
from dedupe.index.keys import DOC_BITS

KEY_STEP = 1 << DOC_BITS  # stored keys have their low DOC_BITS bits clear


def _batch(rng: np.random.Generator, first_seq: int, docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``docs`` documents from ``first_seq``: keys drawn from a small pool (so documents share keys,
    some of them negative), sorted by (key, doc), without repeats."""
    seqs = np.repeat(np.arange(first_seq, first_seq + docs), 30)
    keys = rng.integers(-200, 200, seqs.size) * KEY_STEP
    rows = np.unique(np.stack([keys, seqs], axis=1), axis=0)
    return rows[:, 0].copy(), rows[:, 1].copy()


def _write_batches(segments_db: sqlite3.Connection, count: int) -> dict[int, set[int]]:
    rng = np.random.default_rng(4)
    truth: dict[int, set[int]] = {}
    for batch in range(count):
        keys, seqs = _batch(rng, 1 + 10 * batch, 10)
        segments_db.executemany("INSERT INTO docs VALUES (?)", ((int(s),) for s in np.unique(seqs)))
        segments.write(segments_db, segments.PASSAGES, keys, seqs)
        for key, seq in zip(keys.tolist(), seqs.tolist()):
            truth.setdefault(key, set()).add(seq)
    return truth


def test_lookup_finds_every_document_of_every_key_across_merged_tiers(segments_db: sqlite3.Connection) -> None:
    truth = _write_batches(segments_db, 3 * segments.MERGE_FANOUT + 2)
    levels = [row[0] for row in segments_db.execute("SELECT level FROM segments ORDER BY level")]
    assert levels == [0, 0, 1, 1, 1]  # 26 batches: 3 merged tiers of 8, and 2 batches waiting
    rng = np.random.default_rng(5)
    for _ in range(20):
        wanted = rng.choice(np.arange(-260, 260) * KEY_STEP, 15)
        expected = sorted(set().union(*(truth.get(k, set()) for k in wanted.tolist())))
        assert segments.lookup(segments_db, segments.PASSAGES, wanted).tolist() == expected
    assert segments.lookup(segments_db, segments.BANDS, wanted).tolist() == []  # another kind


def test_rows_are_the_written_rows_whatever_the_layout(segments_db: sqlite3.Connection) -> None:
    truth = _write_batches(segments_db, segments.MERGE_FANOUT + 3)
    keys, seqs = segments.rows(segments_db, segments.PASSAGES)
    assert sorted(zip(keys.tolist(), seqs.tolist())) == sorted((k, s) for k, docs in truth.items() for s in docs)


def test_compact_drops_the_rows_of_removed_documents(segments_db: sqlite3.Connection) -> None:
    truth = _write_batches(segments_db, 5)
    segments_db.execute("DELETE FROM docs WHERE seq % 3 = 0")
    segments.compact(segments_db, segments.PASSAGES)
    assert segments_db.execute("SELECT count(*) FROM segments").fetchone()[0] == 1
    keys, seqs = segments.rows(segments_db, segments.PASSAGES)
    stored = np.frombuffer(segments_db.execute("SELECT packed FROM segments").fetchone()[0], dtype=np.int64)
    assert stored.size == keys.size  # the segment itself holds no removed document, not just the view
    assert sorted(zip(keys.tolist(), seqs.tolist())) == sorted(
        (k, s) for k, docs in truth.items() for s in docs if s % 3)


def test_lookups_in_one_read_transaction_read_few_blocks_and_find_the_same(segments_db: sqlite3.Connection) -> None:
    rng = np.random.default_rng(6)
    seqs = np.repeat(np.arange(1, 2001), 60)
    keys = rng.integers(-50_000, 50_000, seqs.size) * KEY_STEP
    rows = np.unique(np.stack([keys, seqs], axis=1), axis=0)
    segments_db.execute("BEGIN")  # one commit, not one per document
    segments_db.executemany("INSERT INTO docs VALUES (?)", ((int(s),) for s in range(1, 2001)))
    segments.write(segments_db, segments.PASSAGES, rows[:, 0].copy(), rows[:, 1].copy())
    segments_db.execute("COMMIT")
    truth: dict[int, set[int]] = {}
    for key, seq in rows.tolist():
        truth.setdefault(key, set()).add(seq)
    segments_db.execute("BEGIN")
    reads = segments.Reads(segments_db)
    try:
        every = np.arange(-50_000, 50_000, 7) * KEY_STEP  # many keys: the segment is read whole
        assert segments.lookup(segments_db, segments.PASSAGES, every, reads).tolist() == segments.lookup(
            segments_db, segments.PASSAGES, every).tolist()
        fences = next(iter(reads.fences.values()))
        for _ in range(30):
            wanted = rng.choice(np.arange(-50_010, 50_010) * KEY_STEP, 8)
            assert segments._blocks(fences, np.unique(wanted)) is not None  # read in part
            expected = sorted(set().union(*(truth.get(k, set()) for k in wanted.tolist())))
            assert segments.lookup(segments_db, segments.PASSAGES, wanted, reads).tolist() == expected
        edges = np.array([rows[0, 0], rows[-1, 0], rows[segments._FENCE, 0], rows[-segments._FENCE, 0]])
        assert segments.lookup(segments_db, segments.PASSAGES, edges, reads).tolist() == sorted(
            set().union(*(truth[k] for k in edges.tolist())))
    finally:
        reads.close()
        segments_db.execute("COMMIT")


def test_a_segment_shorter_than_its_rows_is_a_damaged_file_not_garbage_rows(segments_db: sqlite3.Connection) -> None:
    _write_batches(segments_db, 3)
    segments_db.execute("UPDATE segments SET rows = rows + 1 WHERE segment = (SELECT min(segment) FROM segments)")
    with pytest.raises(InputError, match="a damaged file"):
        segments.rows(segments_db, segments.PASSAGES)


def test_a_segment_spanning_too_many_documents_is_refused(segments_db: sqlite3.Connection) -> None:
    # (a new segment knows its largest document; document_bounds' chunks are tested in tests/test_index_keys.py)
    keys = np.arange(1000, dtype=np.int64) * KEY_STEP
    docs = np.zeros(1000, dtype=np.int64)
    docs[700] = (1 << DOC_BITS) - 1  # one row names a document as far from the base as a segment cannot
    with pytest.raises(OverflowError, match="spans"):
        segments.write(segments_db, segments.PASSAGES, keys, docs + 1)
    assert segments_db.execute("SELECT count(*) FROM segments").fetchone()[0] == 0
    segments.write(segments_db, segments.PASSAGES, keys, np.minimum(docs, (1 << DOC_BITS) - 2) + 1)  # one less fits
    assert segments_db.execute("SELECT rows FROM segments").fetchall() == [(1000,)]


def test_a_segment_naming_a_document_at_the_end_of_its_span_is_refused(segments_db: sqlite3.Connection) -> None:
    span = 1 << DOC_BITS  # documents a segment can name; the last offset (every low bit set) is reserved
    keys = np.array([0, KEY_STEP], dtype=np.int64)
    segments.write(segments_db, segments.PASSAGES, keys, np.array([1, span - 1], dtype=np.int64))  # offsets 0, span - 2
    with pytest.raises(OverflowError):
        segments.write(segments_db, segments.PASSAGES, keys, np.array([1, span], dtype=np.int64))  # offset span - 1
    assert segments.new_segment(keys, np.array([5, 9], dtype=np.int64)).last == 4  # the largest offset, as written


def _written() -> int:
    """Bytes this process has passed to write calls so far (Linux)."""
    with open("/proc/self/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("wchar:"))


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux's /proc/self/io")
def test_a_merge_larger_than_the_page_cache_is_written_to_the_file_once(segments_db: sqlite3.Connection) -> None:
    # A merged segment is inserted as a zeroblob and then written; a page cache that spills in between writes its
    # pages twice, zeros then rows (hold_pages keeps the transaction's pages until the commit instead).
    segments_db.execute("PRAGMA cache_size=-256")  # KiB: far less than the merged segment
    segments_db.execute("PRAGMA journal_mode=OFF")  # only the file's own writes counted
    rng = np.random.default_rng(7)
    seq = 1
    for _ in range(segments.MERGE_FANOUT):
        seqs = np.arange(seq, seq + 200)
        keys = np.sort(rng.integers(0, 1 << 20, (200, 100)), axis=1).ravel() * KEY_STEP
        order = np.lexsort((np.repeat(seqs, 100), keys))
        segments.hold_pages(segments_db)  # as Index.add does before each batch's transaction
        segments_db.execute("BEGIN")
        before = _written()
        with segments.adding(segments_db):
            segments.write(segments_db, segments.SHINGLES, keys[order], np.repeat(seqs, 100)[order])
        segments_db.execute("COMMIT")
        seq += 200
    written = _written() - before
    merged = 8 * segments.MERGE_FANOUT * 200 * 100  # the last batch's transaction writes the merged segment
    assert segments_db.execute("SELECT count(*), max(level) FROM segments").fetchone() == (1, 1)
    assert merged < written < 1.3 * merged


def test_pages_are_held_only_when_the_merges_a_batch_completes_are_small(
        segments_db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_batches(segments_db, segments.MERGE_FANOUT - 1)  # the next segment completes a tier of 15 stored ones
    stored = segments_db.execute("SELECT sum(rows) FROM segments").fetchone()[0]
    for limit, held in ((stored, True), (stored - 1, False)):
        monkeypatch.setattr(segments, "_THREADED_ROWS", limit)
        segments.hold_pages(segments_db)
        assert (segments_db.execute("PRAGMA cache_spill").fetchone()[0] == 0) == held


@pytest.mark.parametrize("setting", ["OFF", "ON", "FAST"])
def test_an_add_gives_sqlites_settings_back_as_they_were(segments_db: sqlite3.Connection, setting: str) -> None:
    # segments.adding frees merged segments unzeroed, then puts secure_delete back: FAST (2) was put back as
    # "secure_delete=2", which SQLite reads as a boolean (ON, 1). cache_spill (hold_pages) goes back to spilling.
    segments_db.execute(f"PRAGMA secure_delete={setting}")
    _write_batches(segments_db, segments.MERGE_FANOUT - 1)
    with pytest.raises(RuntimeError), segments.adding(segments_db):
        segments.hold_pages(segments_db)
        assert segments_db.execute("PRAGMA secure_delete").fetchone() == (0,)
        assert segments_db.execute("PRAGMA cache_spill").fetchone() == (0,)  # (a small merge to come: held)
        raise RuntimeError("an add that fails")
    assert segments_db.execute("PRAGMA secure_delete").fetchone() == (("OFF", "ON", "FAST").index(setting),)
    assert segments_db.execute("PRAGMA cache_spill").fetchone()[0] > 0
