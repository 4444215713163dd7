"""The index's keys as sorted segments: numpy arrays stored as SQLite blobs, merged in tiers.

Each committed batch of ``add`` writes one **segment** per kind of key (band keys, passage keys, shingle
occurrences, the last with repeats, for :mod:`dedupe.index.ranks`): the
batch's ``(key, document)`` rows packed into one 64-bit integer each (the key's top
:data:`~dedupe.index.keys.KEY_BITS` bits, then the document's ``seq`` minus the segment's ``base``),
sorted, as one blob. Writing a segment costs a sort and one blob write, whatever the size of the index,
where inserting the same ~150 rows per article into SQLite B-trees cost 4-10 microseconds a row through
``sqlite3`` and slowed down as the trees outgrew the page cache.

Segments are merged in tiers (an LSM tree): when :data:`MERGE_FANOUT` segments of one kind share a
level, they become one segment of the next level, inside the transaction of the batch that completed
the tier. An index of ``n`` batches holds at most ``(MERGE_FANOUT - 1) * log(n)`` segments per kind, and
each row is rewritten ``log(n)`` times in all. ``remove`` rewrites all segments without the removed
documents' rows (:func:`compact`).

A lookup binary-searches every segment of a kind for the wanted keys (``np.searchsorted``), chunk by
chunk: it reads 8 bytes per stored row, once; :mod:`dedupe.index.range_counts` counts rows the same way
(:func:`read_chunks`). Inside one read transaction (``scan --against`` looks up keys round after round) a
:class:`Reads` keeps the blob handles and a sample of each segment read whole, and a lookup of few keys reads
only the 1 KiB blocks that can hold them.

Table::

    segments(segment INTEGER PRIMARY KEY, kind INTEGER, level INTEGER, rows INTEGER, base INTEGER, packed BLOB)
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np

from dedupe.errors import InputError
from dedupe.index.keys import DOC_BITS, DOC_MASK, document_bounds, merge_rows
from dedupe.scan.shingle import I64, key_spans, sorted_unique

#: Kinds of keys: LSH band keys, passage keys (distinct per document), every shingle occurrence (repeats kept).
BANDS, PASSAGES, SHINGLES = 0, 1, 2
KINDS = (BANDS, PASSAGES, SHINGLES)
#: Segments of one level merged into one segment of the next. 16 rather than 8: each row is rewritten
#: log16(n) rather than log8(n) times, and a lookup searches up to 15 rather than 7 segments a level. Reuters x1
#: (10 batches) then merges nothing: the writer wrote 197 -> 133 MB, its CPU 0.71 -> 0.62 s; at x10 (95 batches,
#: 20 segments a kind instead of 11) the add went 20.6k -> 23.7k docs/s, its peak 830 -> 643 MB, and the check
#: 2.00 -> 2.14 s (target 3 s); benchmarks/README.md, session 13, "Merge fanout".
MERGE_FANOUT = 16
SCHEMA = """
CREATE TABLE segments(segment INTEGER PRIMARY KEY, kind INTEGER NOT NULL, level INTEGER NOT NULL,
                      rows INTEGER NOT NULL, base INTEGER NOT NULL, packed BLOB NOT NULL);
CREATE INDEX segments_kind ON segments(kind, level)
"""
#: Documents a segment can name: ``seq`` minus its base stays below this.
SPAN = 1 << DOC_BITS


class Segment(NamedTuple):
    """A segment's rows as written (a tuple: ``base, packed, last = segment``)."""

    base: int  #: The ``seq`` its rows count from.
    packed: I64  #: Its rows, each ``stored key | seq - base``, sorted.
    last: int  #: The largest ``seq - base`` among them (-1 for none).


# No rows: a merged segment once written (its memory can go), or a segment to come (_plan asks only whether one does).
_EMPTY = Segment(0, np.zeros(0, dtype=np.int64), -1)

# Rows read at once by a lookup (1 MiB): each chunk stays in the processor's cache while its rows are searched,
# and the peak memory stays flat, where reading a whole segment (140 MB at 190 k articles) faults in its pages
# (Reuters x10 check: gather 0.65 -> 0.5 s with 8 MiB -> 1 MiB reads).
_CHUNK_ROWS = 1 << 17
# Rows of the merges of one batch's write (all kinds) up to which they run in threads, one a kind (16 M rows:
# 128 MB read, as much written; Reuters x1's merge of 8 tiers at fanout 8: 4.4 M). Larger merges run one kind after the
# other: in threads, x10's merges of level-1 tiers raised the add's peak memory from 1.08 to 1.5 GB.
# Up to as many rows, the transaction's pages are kept in SQLite's cache until its commit, whatever its size
# (:func:`hold_pages`): a merged segment is inserted as a zeroblob and then written (``_insert``), and a cache that
# spills wrote its pages twice, zeros then rows (Reuters x10's add: 1.83 -> 1.04 GB written to the file,
# benchmarks.index_add_writes; benchmarks/README.md, session 20).
_THREADED_ROWS = 1 << 24
# Bytes of a blob read at once into the array of a merge's segments (a bytes object this small reuses memory).
_READ_BYTES = 1 << 16
#: Rows per block of a segment read in part (1 KiB) by a lookup of few keys.
_FENCE = 128
#: A segment is read in blocks only if it takes at most one read per this many fences: a read of a few blocks
#: costs about what reading and searching 2,048 rows in order does (Reuters x10 check, the reads of its last
#: rounds replayed 5 times each: 13 k passage keys 76 -> 64 ms read whole, 1.5 k keys 45 -> 38 ms with its small
#: segments read whole, the shingle groups of 8.6 k keys 70 -> 65 ms; it was 4 when a whole read's searches cost
#: twice what they do with :func:`~dedupe.scan.shingle.key_spans`).
_RUNS_PER_FENCES = 16


def write(db: sqlite3.Connection, kind: int, keys: I64, docs: I64) -> None:
    """Store ``(key, document)`` rows of ``kind`` as a new level-0 segment, then merge full tiers.

    Runs inside the caller's write transaction.

    Args:
        db: The index connection.
        kind: :data:`BANDS`, :data:`PASSAGES` or :data:`SHINGLES`.
        keys: Stored keys (:func:`~dedupe.index.keys.stored_keys`), sorted.
        docs: Document ``seq`` of each key, ascending among equal keys.
    """
    with writing_kinds(db, [(kind, new_segment(keys, docs))]):
        pass


@contextmanager
def writing_kinds(db: sqlite3.Connection, batch: list[tuple[int, Segment | None]]) -> Iterator[None]:
    """:func:`write` of a new segment of each kind of ``batch``, in order, the same statements in the same order
    (so the same file), once the caller's block is done without an error. When the merges the new segments
    complete are small (:data:`_THREADED_ROWS`), the stored rows are read first and each kind's merge is computed
    in a thread of its own while the block runs (the merges release the interpreter lock: at fanout 8, Reuters
    x1's 8th batch merged 2.2 M passage rows and 2.2 M shingle rows while the writer inserted the batch's
    documents); larger ones after the block, one kind after the other, so that one kind's rows at most are held
    at once.

    Args:
        db: The index connection, inside the caller's write transaction (the block may write other tables).
        batch: ``(kind, segment)``: the segment (:func:`new_segment`) of each kind, ``None`` for no rows.
    """
    plans = [_plan(db, kind, segment) for kind, segment in batch]
    threaded = sum(plan.rows() for plan in plans) <= _THREADED_ROWS
    threads = []
    if threaded:
        for plan in plans:
            plan.read(db)
        threads = [threading.Thread(target=plan.merge) for plan in plans if plan.merges]
        for thread in threads:
            thread.start()
    try:
        yield
    finally:
        for thread in threads:
            thread.join()
    merged: list[tuple[int]] = []
    for plan in plans:
        if not threaded:
            plan.read(db)
            plan.merge()
        merged.extend(plan.write(db))
    # The merged segments go once every new one is in: a page freed and filled again in one transaction is first
    # copied into its rollback journal, one freed in an earlier transaction is not (SQLite's free list). The file
    # then holds a merge's worth of free pages until the next batches fill them (Reuters x10: 550 -> 614 MB).
    db.executemany("DELETE FROM segments WHERE segment = ?", merged)


def hold_pages(db: sqlite3.Connection) -> None:
    """Before a batch's write transaction, inside :func:`adding`: keep its pages in SQLite's cache until the commit
    (no spill) when the merges that one more segment of each kind would complete are small (:data:`_THREADED_ROWS`),
    else let the cache spill as it fills. SQLite takes the setting at the start of a transaction only."""
    small = sum(_plan(db, kind, _EMPTY).rows() for kind in KINDS) <= _THREADED_ROWS
    db.execute(f"PRAGMA cache_spill={'OFF' if small else 'ON'}")


@contextmanager
def adding(db: sqlite3.Connection) -> Iterator[None]:
    """A block of batches written with :func:`writing_kinds` (an add), whose only deletions are merged segments:
    their pages are freed without being zeroed. A SQLite built to scrub deleted content (``SQLITE_SECURE_DELETE``,
    Debian's) copied each freed page into the rollback journal and overwrote it with zeros, for rows that live on
    in the merged segment; with the merged segments deleted after the new ones are in (:func:`writing_kinds`),
    Reuters x10's add wrote 0.49 -> 0.08 GB of journal (benchmarks.index_add_writes; benchmarks/README.md,
    session 20). ``index remove``
    zeroes what it deletes. SQLite's settings (and :func:`hold_pages`') are restored after the block."""
    with scrubbing(db, False):
        try:
            yield
        finally:
            db.execute("PRAGMA cache_spill=ON")  # SQLite's default


@contextmanager
def scrubbing(db: sqlite3.Connection, scrub: bool) -> Iterator[None]:
    """SQLite's ``secure_delete`` (whether deleted content is zeroed) set to ``scrub`` inside the block (:func:`adding`,
    ``index remove``), and back to what it was after: ``FAST`` too, which ``secure_delete=2`` would make ``ON``."""
    was = int(db.execute("PRAGMA secure_delete").fetchone()[0])
    db.execute(f"PRAGMA secure_delete={'ON' if scrub else 'OFF'}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA secure_delete={('OFF', 'ON', 'FAST')[was]}")


def new_segment(keys: I64, docs: I64) -> Segment | None:
    """The level-0 :data:`Segment` of rows ``(stored key, seq)`` (sorted, as :func:`write` takes them), ``None``
    when there are none: ``base`` is the smallest ``seq``, and each row ``key | seq - base``."""
    if not keys.size:
        return None
    base = int(docs.min())
    return Segment(base, keys | (docs - base), int(docs.max()) - base)


def batch_segment(packed: I64, seq_of: I64, every: bool) -> Segment | None:
    """The new segment (:func:`new_segment`) of a batch's rows (the writer's, ``dedupe.index.store``).

    Args:
        packed: The batch's rows, ``stored key | position in the batch``
            (:class:`~dedupe.index.prepare.PreparedBatch`), sorted.
        seq_of: The ``seq`` of each position (-1: not stored).
        every: Every position is stored, at consecutive ``seq``: then the rows only move down by the first
            position they name, and are the batch's own array, not a copy, when that is 0 (the first document
            of a batch has rows, as a rule).

    Returns:
        The segment, ``None`` when no stored document has a row.
    """
    if every:
        if not packed.size:
            return None
        low, high = document_bounds(packed)
        return Segment(int(seq_of[low]), packed - low if low else packed, high - low)
    seqs = seq_of[packed & DOC_MASK]
    keep = seqs >= 0
    return new_segment(packed[keep] & ~DOC_MASK, seqs[keep])


class _Plan:
    """What :func:`writing_kinds` does for one kind: the new level-0 segment and the merges it completes
    (one per full level, in the order :func:`write` made them: each merged segment joins the next level)."""

    def __init__(self, kind: int, new: Segment | None) -> None:
        self.kind = kind
        self.new = new
        self.merges: list[list[tuple[int, int, int]]] = []  # (segment, base, rows) of the stored ones, by level
        # Once read: each merge's stored (base, packed), and the array holding them (and the joining segment)
        self.parts: list[tuple[list[tuple[int, I64]], I64]] = []
        self.merged: list[Segment] = []  # each merge's, once computed

    def rows(self) -> int:
        """Stored rows the merges read."""
        return sum(rows for merge in self.merges for _, _, rows in merge)

    def read(self, db: sqlite3.Connection) -> None:
        """Read the stored segments the merges take."""
        self.parts = []
        joining = 0 if self.new is None else self.new.packed.size  # rows of the segment that joins a merge
        for merge in self.merges:
            rows, stored = _stored_rows(db, [(segment, rows) for segment, _, rows in merge], joining)
            self.parts.append(([(base, part) for (_, base, _), part in zip(merge, stored)], rows))
            joining = rows.size

    def merge(self) -> None:
        """Compute the merges (in a thread: reads nothing from the database)."""
        joining = self.new
        for parts, rows in self.parts:
            if joining is not None:  # copied to the end of the stored rows: the array is the merge's scratch
                rows[rows.size - joining.packed.size:] = joining.packed
                parts = [*parts, (joining.base, rows[rows.size - joining.packed.size:])]
            joining = _merge_parts(parts, rows)
            self.merged.append(joining)
        self.parts = []

    def write(self, db: sqlite3.Connection) -> list[tuple[int]]:
        """The inserts of :func:`write`, the merged segments as computed; the segments they merged, for the caller to
        delete (``(segment,)`` rows)."""
        if self.new is not None:
            _insert(db, self.kind, 0, *self.new)
        level = 0
        gone: list[tuple[int]] = []
        while True:
            tier = db.execute("SELECT segment FROM segments WHERE kind = ? AND level = ? ORDER BY segment",
                              (self.kind, level)).fetchall()
            if len(tier) < MERGE_FANOUT:
                return gone
            planned = [segment for segment, _, _ in self.merges[level]] if level < len(self.merges) else None
            if planned != [row[0] for row in tier[:len(planned or [])]] or level >= len(self.merged):
                raise RuntimeError("segments changed during a batch's write")  # a bug: one writer holds the lock
            gone.extend(tier)
            _insert(db, self.kind, level + 1, *self.merged[level])
            self.merged[level] = _EMPTY  # written: its memory can go
            level += 1


def _plan(db: sqlite3.Connection, kind: int, new: Segment | None) -> _Plan:
    """The merges that adding segment ``new`` to ``kind`` completes, and the stored segments each takes."""
    levels: dict[int, list[tuple[int, int, int]]] = {}
    for segment, level, base, count in db.execute(
            "SELECT segment, level, base, rows FROM segments WHERE kind = ? ORDER BY segment", (kind,)):
        levels.setdefault(level, []).append((segment, base, count))
    plan = _Plan(kind, new)
    joining = new is not None
    for level in range(len(levels) + 1):
        stored = levels.get(level, [])
        if len(stored) + joining < MERGE_FANOUT:
            break
        plan.merges.append(stored)
        joining = True
    return plan


def compact(db: sqlite3.Connection, kind: int) -> None:
    """Merge every segment of ``kind`` into one, without the rows of removed documents (after ``remove``)."""
    every = [row[0] for row in db.execute("SELECT segment FROM segments WHERE kind = ?", (kind,))]
    if not every:
        return
    level = int(db.execute("SELECT max(level) FROM segments WHERE kind = ?", (kind,)).fetchone()[0])
    base, packed, _ = _merged(db, every)
    live = _live(db)
    packed = packed[np.isin((packed & DOC_MASK) + base, live)]
    db.executemany("DELETE FROM segments WHERE segment = ?", ((s,) for s in every))
    if packed.size:
        _insert(db, kind, level, base, packed)


class Reads:
    """What lookups keep for one read transaction, in which segments do not change: an open handle on each
    segment's blob (SQLite reaches a blob's later pages by walking its chain of pages once per handle: 0.1 s
    for the 140 MB of passage keys at 190 k articles), and every :data:`_FENCE`-th row of each segment read
    whole, so that a later lookup of few keys reads only the blocks that can hold them.

    Args:
        db: The index connection, inside the read transaction.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.fences: dict[int, I64] = {}
        self._blobs: dict[int, sqlite3.Blob] = {}

    def blob(self, segment: int) -> sqlite3.Blob:
        """The open handle on ``segment``'s rows."""
        if segment not in self._blobs:
            self._blobs[segment] = self.db.blobopen("segments", "packed", segment, readonly=True)
        return self._blobs[segment]

    def close(self) -> None:
        """Close the handles (before the transaction ends)."""
        for blob in self._blobs.values():
            blob.close()
        self._blobs.clear()
        self.fences.clear()


def lookup(db: sqlite3.Connection, kind: int, wanted: I64, reads: Reads | None = None) -> I64:
    """``seq`` of the documents holding any of ``wanted`` stored keys (sorted, distinct); ``reads``: what
    earlier lookups of the same read transaction kept (:class:`Reads`)."""
    found = [np.zeros(0, dtype=np.int64)]
    wanted = sorted_unique(wanted & ~DOC_MASK)
    if wanted.size:
        found.extend(_matches(chunk, wanted) + base for chunk, base in read_chunks(db, kind, wanted, reads))
    return sorted_unique(np.concatenate(found))


def read_chunks(db: sqlite3.Connection, kind: int, wanted: I64,
                reads: Reads | None) -> Iterator[tuple[I64, int]]:
    """The rows of every segment of ``kind`` that can hold ``wanted`` keys, in sorted chunks (:func:`_chunks`).

    Args:
        db: The index connection.
        kind: Kind of keys.
        wanted: Stored keys (low :data:`~dedupe.index.keys.DOC_BITS` bits zero), sorted, distinct.
        reads: What earlier reads of the same read transaction kept (``None``: a :class:`Reads` for this call).

    Returns:
        ``(chunk, base)`` pairs: packed rows, and the base of the segment they come from.
    """
    own = reads is None
    reads = Reads(db) if reads is None else reads
    try:
        for segment, rows, base in db.execute("SELECT segment, rows, base FROM segments WHERE kind = ?",
                                              (kind,)).fetchall():
            yield from ((chunk, base) for chunk in (_chunks(reads, segment, rows, wanted) if rows else ()))
    finally:
        if own:
            reads.close()


def _chunks(reads: Reads, segment: int, rows: int, wanted: I64) -> Iterator[I64]:
    """The rows of a segment that can hold ``wanted`` keys (sorted, distinct), in sorted chunks: the blocks
    that can hold them, or the whole segment chunk by chunk (whose fences ``reads`` then keeps)."""
    blob = reads.blob(segment)
    blocks = _blocks(reads.fences.get(segment), wanted)
    if blocks is not None:
        yield _read_blocks(blob, blocks, rows)
        return
    sample = []
    blob.seek(0)
    for start in range(0, rows, _CHUNK_ROWS):
        chunk = np.frombuffer(blob.read(8 * min(_CHUNK_ROWS, rows - start)), dtype=np.int64)
        sample.append(chunk[::_FENCE].copy())  # _CHUNK_ROWS is a multiple of _FENCE
        yield chunk
    reads.fences[segment] = np.concatenate(sample)


def _blocks(fences: I64 | None, wanted: I64) -> I64 | None:
    """The blocks (of :data:`_FENCE` rows) that can hold rows of ``wanted`` keys, or ``None`` when reading the
    whole segment is as cheap (no fences yet, or more runs of blocks than :data:`_RUNS_PER_FENCES`)."""
    if fences is None or wanted.size * _RUNS_PER_FENCES > fences.size:
        return None
    first = np.maximum(np.searchsorted(fences, wanted, side="left") - 1, 0)
    last = np.searchsorted(fences, wanted | DOC_MASK, side="right")  # exclusive
    blocks = sorted_unique(positions(first, last))
    runs = np.count_nonzero(np.diff(blocks, prepend=-2) != 1)
    return blocks if runs * _RUNS_PER_FENCES <= fences.size else None


def _read_blocks(blob: sqlite3.Blob, blocks: I64, rows: int) -> I64:
    """The rows of ``blocks`` (sorted), read run by run of consecutive blocks, in order: sorted rows."""
    heads = np.flatnonzero(np.diff(blocks, prepend=-2) != 1)
    ends = np.append(heads[1:], blocks.size)
    parts = []
    for head, end in zip(blocks[heads].tolist(), (blocks[ends - 1] + 1).tolist()):
        blob.seek(8 * head * _FENCE)
        parts.append(np.frombuffer(blob.read(8 * (min(end * _FENCE, rows) - head * _FENCE)), dtype=np.int64))
    return np.concatenate(parts)


def _matches(chunk: I64, wanted: I64) -> I64:
    """The documents (offsets from the segment's base) of the rows of ``chunk`` whose key is in ``wanted``."""
    lo, hi = np.searchsorted(wanted, [chunk[0] & ~DOC_MASK, chunk[-1] & ~DOC_MASK], side="left")
    wanted = wanted[lo:hi + 1]  # the keys inside this chunk's range
    first, last = key_spans(chunk, wanted, wanted | DOC_MASK)
    hit = np.flatnonzero(last > first)
    return chunk[positions(first[hit], last[hit])] & DOC_MASK


def rows(db: sqlite3.Connection, kind: int) -> tuple[I64, I64]:
    """Every stored ``(key, document)`` row of ``kind`` of a stored document, sorted (for tests and checks)."""
    every = [row[0] for row in db.execute("SELECT segment FROM segments WHERE kind = ?", (kind,))]
    if not every:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    base, packed, _ = _merged(db, every)
    docs = (packed & DOC_MASK) + base
    keep = np.isin(docs, _live(db))
    return packed[keep] & ~DOC_MASK, docs[keep]


def positions(first: I64, last: I64) -> I64:
    """The positions ``first[i] .. last[i] - 1`` of every range, concatenated."""
    sizes = last - first
    return np.repeat(first - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))


def _stored_rows(db: sqlite3.Connection, stored: list[tuple[int, int]], room: int = 0) -> tuple[I64, list[I64]]:
    """The rows of each stored ``(segment, rows)``, read into one array, :data:`_READ_BYTES` at a time: numpy
    takes a large array in huge pages, where a bytes object a segment was first touched 4 KiB at a time (~2 us
    a page on this machine; Reuters x1's 7 level-0 segments of a kind: 9-12 -> 4-6 ms); returns the array (with
    ``room`` rows more at its end, left as they are: a merge's scratch) and each segment's rows in it."""
    rows = np.empty(sum(count for _, count in stored) + room, dtype=np.int64)
    into = rows.data.cast("B")
    parts, at = [], 0
    for segment, count in stored:
        with db.blobopen("segments", "packed", segment, readonly=True) as blob:
            if len(blob) != 8 * count:
                raise InputError(f"index segment {segment} holds {len(blob)} bytes, not {count} rows: a damaged file")
            for start in range(8 * at, 8 * (at + count), _READ_BYTES):
                piece = blob.read(_READ_BYTES)
                into[start:start + len(piece)] = piece
        parts.append(rows[at:at + count])
        at += count
    return rows, parts


def _merged(db: sqlite3.Connection, segments: list[int]) -> Segment:
    """The rows of ``segments`` packed against their smallest base, sorted."""
    stored = [db.execute("SELECT base, rows FROM segments WHERE segment = ?", (s,)).fetchone() for s in segments]
    rows, parts = _stored_rows(db, [(segment, count) for segment, (_, count) in zip(segments, stored)])
    return _merge_parts([(base, part) for (base, _), part in zip(stored, parts)], rows)


def _merge_parts(parts: list[tuple[int, I64]], scratch: I64 | None = None) -> Segment:
    """``(base, packed)`` segments as one, packed against their smallest base, sorted; ``scratch``: an array as
    long as the parts together, given up by the caller, which may hold them (:func:`merge_rows`)."""
    base = min(b for b, _ in parts)
    # The document's offset from the new base goes into a row's low bits, without carry into the key.
    packed, largest = merge_rows([rows for _, rows in parts], [own - base for own, _ in parts], scratch)
    if largest >= SPAN:
        raise OverflowError(f"segments to merge span {SPAN} documents or more")
    return Segment(base, packed, largest)


def _insert(db: sqlite3.Connection, kind: int, level: int, base: int, packed: I64, last: int | None = None) -> None:
    # The row is inserted with a zeroblob, then the rows are written into its pages from the array: a blob bound
    # as a parameter is copied twice before it reaches the pages (the bound value, then the record), each copy in
    # memory first touched (Reuters x1's merged segments: 17 MB a kind). The same pages, the same file.
    # ``last``: the largest document offset of the rows, where the caller knows it (else a pass over them).
    if (document_bounds(packed)[1] if last is None else last) >= SPAN - 1:
        raise OverflowError(f"a segment spans {SPAN} documents or more")
    rows = np.ascontiguousarray(packed, dtype=np.int64)
    segment = db.execute("INSERT INTO segments(kind, level, rows, base, packed) VALUES (?, ?, ?, ?, zeroblob(?))",
                         (kind, level, int(rows.size), base, rows.nbytes)).lastrowid
    if segment is None:
        raise RuntimeError("an inserted segment has no rowid")  # never: every INSERT sets it
    if rows.size:
        with db.blobopen("segments", "packed", segment) as blob:
            blob.write(rows.data.cast("B"))


def _live(db: sqlite3.Connection) -> I64:
    return np.array([row[0] for row in db.execute("SELECT seq FROM docs ORDER BY seq")], dtype=np.int64)
