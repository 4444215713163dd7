"""The index file: one SQLite database (stdlib ``sqlite3``, WAL) of documents and their keys.

Its tables, schema version and parameters: :mod:`~dedupe.index.schema`.

Every batch of documents is written in one transaction together with its keys, the segment merges it completes, and its
``batches`` row, so a process killed at any moment leaves whole batches only. Readers see a snapshot (WAL): a scan
against the index while another process adds to it reads the state of one commit throughout. A new file's first add is
written through SQLite's rollback journal, each page once, and leaves the file in WAL mode (:mod:`~dedupe.index.wal`): a
killed process still leaves whole batches; a power cut *during* that first add can leave the new file unreadable (it
held nothing before).

**Identity**: a document's key is its id as loaded (the given ``id``, else the url), else its file's absolute path and
line (:func:`~dedupe.index.prepare.identity_key`). The same key with the same text is ``unchanged``; with another text
it is stored as a new version whose id is ``KEY~vN``.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from dedupe.corpus.documents import Document
from dedupe.errors import ConfigError, InputError
from dedupe.index import range_counts, schema, segments
from dedupe.index.keys import IndexParams
from dedupe.index.prepare import PreparedBatch, prepared_batches, with_texts
from dedupe.index.rows import NewRows, Versions, new_rows
from dedupe.index.schema import index_exists
from dedupe.index.stored import COLUMNS, Row, StoredDocument, stored_documents
from dedupe.index.texts import PLAIN, TextCodec, trained
from dedupe.index.wal import after_commits, close_in_wal, rollback, switch_to_wal

#: Documents per transaction of ``add`` (and per fingerprinting batch).
BATCH_DOCUMENTS = 2000
# KiB of SQLite page cache outside a snapshot (adds; a batch may hold more: segments.hold_pages) and inside one: each
# page is fresh memory, zeroed on first touch (Reuters x1 at 128 MiB: 40.9 k page faults in the writer; 8 MiB: 29.7 k).
_CACHE, _READ_CACHE = -8192, -16384
# Pages of WAL after which a commit copies them into the database (SQLite's default 1,000, 4 MiB); an add lets it grow
# to 65,536, checkpointed in a thread after each commit (dedupe.index.wal): at 1,000 every batch made a copy, each
# with two fsyncs (Reuters x1: 3.4-4.1 s wall; 2.1-3.3 s at 16,384; same CPU).
_CHECKPOINT, _ADD_CHECKPOINT = 1000, 65536
_DATED = "date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"  # an ISO date (info's dates, remove --before)


@dataclass(frozen=True)
class AddResult:
    """What ``add`` did.

    Attributes:
        added: Documents stored under a new key.
        unchanged: Documents whose key and text were already stored.
        new_versions: ``(new id, earlier id)`` of documents stored as a new version of a key.
        skipped: Documents without text worth indexing (no token).
    """

    added: int
    unchanged: int
    new_versions: tuple[tuple[str, str], ...]
    skipped: int


@dataclass(frozen=True)
class IndexInfo:
    """``dedupe index info``: what the index holds.

    Attributes:
        documents: Stored documents (versions count separately).
        outlets: Documents per outlet, most first.
        first_date: Earliest ISO date, empty when none.
        last_date: Latest ISO date, empty when none.
        undated: Documents without an ISO date.
        params: Parameters the index was built with.
        schema_version: Version of the file's layout.
        bytes: Size of the database file and its WAL.
        batches: Committed batches.
    """

    documents: int
    outlets: tuple[tuple[str, int], ...]
    first_date: str
    last_date: str
    undated: int
    params: IndexParams
    schema_version: int
    bytes: int
    batches: int


class Index:
    """An open index file. Use :func:`open_index`; close with :meth:`close` or a ``with`` block."""

    def __init__(self, path: Path, connection: sqlite3.Connection, layout: schema.Layout) -> None:
        self.path = path
        self.connection = connection
        self.params = layout.params
        self.schema_version = layout.version
        self.texts = layout.texts  # None until the first batch of a new file settles its dictionary
        self._reads: segments.Reads | None = None  # kept by lookups inside a snapshot

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite when the last one closes); a new file after its
        first add is switched to WAL first (:func:`~dedupe.index.wal.close_in_wal`).

        Raises:
            InputError: The disk is full (:func:`~dedupe.index.schema.written`): the switch makes the ``-shm``.
        """
        with schema.written(self.path):
            close_in_wal(self.connection)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every query inside sees the index as of one commit."""
        # Reads go through segments once, in order: a larger page cache (128 MiB, add's until session 16) only held
        # pages never read again (and counted in the peak memory of a scan).
        self.connection.execute(f"PRAGMA cache_size={_READ_CACHE}")
        self.connection.execute("BEGIN")
        self.connection.execute("SELECT count(*) FROM batches").fetchone()  # the snapshot starts here
        self._reads = segments.Reads(self.connection)
        try:
            yield
        finally:
            self._reads.close()
            self._reads = None
            self.connection.execute("COMMIT")
            self.connection.execute(f"PRAGMA cache_size={_CACHE}")

    def add(self, documents: Sequence[Document], batch_size: int = BATCH_DOCUMENTS) -> AddResult:
        """Store documents with their keys, one transaction per batch of ``batch_size``.

        Args:
            documents: Documents in ingestion order; an id may repeat (a re-scrape: unchanged, or a new version).
            batch_size: Documents per transaction.

        Returns:
            Counts of added, unchanged, new-version and skipped documents.
        """
        codec = self.texts or trained(documents)  # a new file's first add trains its dictionary
        with prepared_batches(documents, batch_size, self.params, codec) as batches:
            return self._add_prepared(batches, codec)

    def _add_prepared(self, batches: Iterable[tuple[Sequence[Document], PreparedBatch]],
                      codec: TextCodec) -> AddResult:
        """:meth:`add` of batches prepared by :func:`~dedupe.index.prepare.prepared_batches` with this index's
        parameters and ``codec`` (its child is forked before the checkpoint thread starts; its block pauses the
        collector)."""
        added = unchanged = skipped = 0
        versions: list[tuple[str, str]] = []
        self.connection.execute(f"PRAGMA wal_autocheckpoint={_ADD_CHECKPOINT}")
        try:
            with schema.written(self.path), segments.adding(self.connection), after_commits(
                    self.path, self.connection) as after:
                for batch, prepared in batches:
                    counts = self._add_batch(batch, prepared, codec)
                    after.committed()
                    added, unchanged, skipped = added + counts[0], unchanged + counts[1], skipped + counts[3]
                    versions.extend(counts[2])
        finally:
            self.connection.execute(f"PRAGMA wal_autocheckpoint={_CHECKPOINT}")
        return AddResult(added, unchanged, tuple(versions), skipped)

    def _add_batch(self, batch: Sequence[Document], prepared: PreparedBatch,
                   codec: TextCodec) -> tuple[int, int, list[tuple[str, str]], int]:
        db = self.connection
        segments.hold_pages(db)
        db.execute("BEGIN IMMEDIATE")
        settled = self.texts
        try:
            self.texts = settled or schema.settle_dictionary(db, codec, self.path)
            if self.texts.dictionary != codec.dictionary:  # another process's first add stored its own meanwhile
                prepared = with_texts(batch, replace(prepared, digests=[], texts=[]), self.texts)
            new = self._new_rows(batch, prepared)
            self._write(new.rows, prepared, new.stored)
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
            self.texts = settled
            raise
        return len(new.stored) - len(new.versions), new.unchanged, new.versions, new.skipped

    def names(self, batch: Sequence[Document], prepared: PreparedBatch) -> list[tuple[str, str, int]]:
        """``(id, key, version)`` that an add of ``batch`` now would give each document (version 0: not stored);
        reads the index, writes nothing (``scan --against --add`` names the batch so)."""
        return self._new_rows(batch, prepared).rows

    def _new_rows(self, batch: Sequence[Document], prepared: PreparedBatch) -> NewRows:
        """:func:`~dedupe.index.rows.new_rows` of a batch, as the index stands."""
        renamed = schema.any_renamed(self.connection, self.schema_version)
        return new_rows([doc.id for doc in batch], prepared, self._versions(prepared.identities, renamed), renamed,
                        self.stored_ids)

    def _versions(self, keys: Sequence[str], renamed: bool) -> dict[str, Versions]:
        """``(latest version, its id, digests of every version)`` of each of ``keys`` that is stored (``renamed``:
        :func:`~dedupe.index.schema.any_renamed`)."""
        found: dict[str, list[tuple[int, bytes, str]]] = {}
        by_key = schema.by_key(renamed)
        for first in range(0, len(keys), 500):
            chunk = list(keys[first:first + 500])
            query = by_key.format(marks=",".join("?" * len(chunk)))
            for key, version, digest, ident in self.connection.execute(query, chunk * by_key.count("{marks}")):
                found.setdefault(key, []).append((version, digest, ident))
        latest = {key: max(versions) for key, versions in found.items()}
        return {key: (latest[key][0], latest[key][2], tuple(digest for _, digest, _ in versions))
                for key, versions in found.items()}

    def _write(self, rows: list[tuple[str, str, int]], prepared: PreparedBatch, new: list[int]) -> None:
        """Insert the new documents of a batch (``new``: their places in the batch), their keys and the
        batch's row, in batch order (inside the batch's transaction, which holds the write lock)."""
        db = self.connection
        if not new:
            return
        # Sequence numbers are never reused (last_seq): a key of a removed document never names another.
        first = self.last_seq() + 1
        seq_of = np.full(len(rows), -1, dtype=np.int64)
        seq_of[new] = np.arange(first, first + len(new))
        made = [(kind, segments.batch_segment(packed, seq_of, len(new) == len(rows)))
                for kind, packed in ((segments.BANDS, prepared.bands), (segments.PASSAGES, prepared.passages),
                                     (segments.SHINGLES, prepared.shingles))]
        with segments.writing_kinds(db, made):  # the merges the segments complete, computed meanwhile
            db.executemany(f"INSERT INTO docs({COLUMNS}, digest) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           ((first + n, *rows[i], *prepared.fields[i], prepared.texts[i], prepared.digests[i])
                            for n, i in enumerate(new)))
        db.execute("INSERT INTO batches(first_seq, last_seq, documents) VALUES (?, ?, ?)",
                   (first, first + len(new) - 1, len(new)))

    def lookup(self, band_keys: np.ndarray, passage_keys: np.ndarray) -> set[int]:
        """The ``seq`` of every stored document holding one of the keys (stored keys, int64 arrays)."""
        found = set()
        for kind, keys in ((segments.BANDS, band_keys), (segments.PASSAGES, passage_keys)):
            found.update(segments.lookup(self.connection, kind, np.asarray(keys, dtype=np.int64), self._reads).tolist())
        return found

    def shingle_count(self) -> tuple[int, int]:
        """``(documents, shingle occurrences)`` stored: the size of the corpus a full rescan would read."""
        return self.connection.execute("SELECT (SELECT count(*) FROM docs), (SELECT coalesce(sum(rows), 0) FROM "
                                       "segments WHERE kind = ?)", (segments.SHINGLES,)).fetchone()

    def count_before(self, keys: np.ndarray, before: np.ndarray, width: int = 1,
                     kind: int = segments.SHINGLES) -> np.ndarray:
        """For each stored key of ``kind`` (sorted), how many stored rows with a key in
        ``key .. key + width - 1`` lie in documents whose ``seq`` is below ``before``
        (:func:`range_counts.count_before`; shingle occurrences by default)."""
        return range_counts.count_before(self.connection, kind, keys, before, width, self._reads)

    def gather(self, keys: np.ndarray, width: int, limit: int,
               kind: int = segments.SHINGLES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each stored key of ``kind`` (sorted, distinct), the rows with a key in ``key .. key + width - 1``:
        their count, and the rows where at most ``limit`` (:func:`range_counts.gather`)."""
        return range_counts.gather(self.connection, kind, keys, width, limit, self._reads)

    def last_seq(self) -> int:
        """The largest ``seq`` ever given (0 for an empty index)."""
        return schema.last_seq(self.connection, self.schema_version)

    def key_rows(self, kind: int) -> tuple[np.ndarray, np.ndarray]:
        """Every stored ``(key, seq)`` row of one kind (:data:`segments.BANDS` or :data:`segments.PASSAGES`) of a
        stored document, sorted: the logical content of the key segments, whatever their layout."""
        return segments.rows(self.connection, kind)

    def fetch(self, seqs: Iterable[int]) -> list[StoredDocument]:
        """The stored documents ``seqs``, in ingestion order."""
        wanted = sorted(set(seqs))
        found: list[StoredDocument] = []
        for first in range(0, len(wanted), 500):
            chunk = wanted[first:first + 500]
            query = f"SELECT {COLUMNS} FROM docs WHERE seq IN ({','.join('?' * len(chunk))}) ORDER BY seq"
            found.extend(self._read(self.connection.execute(query, chunk)))
        return found

    def fetch_all(self) -> list[StoredDocument]:
        """Every stored document, in ingestion order."""
        return self._read(self.connection.execute(f"SELECT {COLUMNS} FROM docs ORDER BY seq"))

    def _read(self, rows: Iterable[Row]) -> list[StoredDocument]:
        """:func:`~dedupe.index.stored.stored_documents` of ``docs`` rows, with this file's codec."""
        if self.texts is None:  # settled since this file was opened (another process's first add), or still not
            self.texts = schema.read(self.connection, self.path).texts
        return stored_documents(rows, self.texts or PLAIN, self.path)

    def stored_ids(self, ids: Sequence[str]) -> set[str]:
        """Those of ``ids`` that are the id or the identity key of a stored document."""
        found: set[str] = set()
        for first in range(0, len(ids), 400):
            chunk = list(ids[first:first + 400])
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self.connection.execute(
                f"SELECT id FROM docs WHERE id IN ({marks}) UNION "
                f"SELECT key FROM docs WHERE key IN ({marks}) AND {schema.OWN_KEY}",
                chunk + chunk))
        return found & set(ids)

    def info(self) -> IndexInfo:
        """What the index holds (see :class:`IndexInfo`)."""
        db = self.connection
        documents = db.execute("SELECT count(*) FROM docs").fetchone()[0]
        outlets = db.execute("SELECT outlet, count(*) n FROM docs GROUP BY outlet ORDER BY n DESC, outlet").fetchall()
        first, last, count = db.execute(f"SELECT min(date), max(date), count(*) FROM docs WHERE {_DATED}").fetchone()
        batches = db.execute("SELECT count(*) FROM batches").fetchone()[0]
        size = sum(os.path.getsize(p) for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return IndexInfo(documents, tuple((o, n) for o, n in outlets), first or "", last or "", documents - count,
                         self.params, self.schema_version, size, batches)

    def remove(self, ids: Sequence[str] = (), before: str | None = None) -> int:
        """Remove documents by id (or identity key: all its versions) and/or dated before an ISO date (:meth:`_shrink`).

        Args:
            ids: Document ids or keys.
            before: ISO date ``YYYY-MM-DD``; documents with an earlier date go (undated ones stay).

        Returns:
            The number of documents removed.

        Raises:
            ConfigError: ``before`` is not an ISO date.
        """
        seqs = {row[0] for i in ids for row in self.connection.execute(
            f"SELECT seq FROM docs WHERE id = ? OR (key = ? AND {schema.OWN_KEY})", (i, i))}
        if before is not None:
            _check_iso(before)
            dated = self.connection.execute(f"SELECT seq FROM docs WHERE {_DATED} AND date < ?", (before,))
            seqs |= {row[0] for row in dated}
        if seqs:
            with schema.written(self.path), segments.scrubbing(self.connection, True):
                self._remove_batch(sorted(seqs))  # one transaction: the segments are rewritten once
            self._shrink()
        return len(seqs)

    def _shrink(self) -> None:
        """VACUUM (a transaction after the removal's; in WAL a reader keeps its snapshot) when over half the pages
        are free: later adds reuse free pages, so only a large removal is worth rewriting the file for."""
        db = self.connection
        if 2 * db.execute("PRAGMA freelist_count").fetchone()[0] > db.execute("PRAGMA page_count").fetchone()[0]:
            try:
                db.execute("VACUUM")
            except sqlite3.OperationalError as exc:  # no room for the copy: the removal stands, the file its size
                if not schema.no_room(exc):
                    raise

    def _remove_batch(self, seqs: Sequence[int]) -> None:
        """Delete documents (their texts zeroed in the file, whatever SQLite's build does: :meth:`remove` scrubs)
        and their keys, at once."""
        db = self.connection
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("DELETE FROM docs WHERE seq = ?", ((s,) for s in seqs))
            for kind in segments.KINDS:
                segments.compact(db, kind)
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
            raise


def open_index(path: str | Path, params: IndexParams | None = None, create: bool = False) -> Index:
    """Open an index file, creating it when ``create`` and it does not exist.

    Args:
        path: The SQLite file.
        params: Parameters the caller uses; they must equal the file's (``None``: take the file's).
        create: Create the file (with ``params``) when missing.

    Returns:
        The open index.

    Raises:
        InputError: The file is missing (and not ``create``), is not a dedupe index, or its texts' dictionary is
            damaged or missing.
        ConfigError: ``params`` differ from the file's, or its schema version is not one this dedupe reads.
    """
    path = Path(path)
    exists = index_exists(path)
    if not exists and not create:
        what = "empty file, no index yet" if path.exists() else "no such index"
        raise InputError(f"{path}: {what} (create it with `dedupe index add {path} CORPUS...`)")
    connection = sqlite3.connect(path, isolation_level=None, timeout=60.0)
    try:
        # Read before anything is written: another program's database is refused unchanged (WAL rewrites the header).
        empty = not exists or not connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if empty and not create:  # a file left by a process killed before the schema was committed
            raise InputError(f"{path}: empty index (no document was ever committed)")
        stored = None if empty else schema.read(connection, path)
        connection.execute(f"PRAGMA page_size={schema.PAGE}")  # a new file only: before anything is written
        if exists:
            switch_to_wal(connection)
            connection.execute("PRAGMA synchronous=NORMAL")
        else:  # its first add: rollback journal, commits unsynced, the file synced before the add returns (wal.py)
            connection.execute("PRAGMA journal_mode=TRUNCATE")
            connection.execute("PRAGMA synchronous=OFF")
        connection.execute(f"PRAGMA cache_size={_CACHE}")
        if stored is None:
            stored = schema.create(connection, params, path)
    except (sqlite3.DatabaseError, ConfigError, InputError) as exc:
        connection.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise schema.unreadable(path, exc) from None
        raise
    if params is not None and params != stored.params:
        connection.close()
        raise ConfigError(f"{path}: built with other parameters ({'; '.join(stored.params.differences(params))}); "
                          "use the index's parameters or build a new index")
    return Index(path, connection, stored)


def add_to(path: str | Path, documents: Sequence[Document], params: IndexParams | None,
           batch_size: int = BATCH_DOCUMENTS) -> AddResult:
    """Open the index at ``path`` (created when missing) and :meth:`Index.add` ``documents`` to it.

    With ``params`` given and no file yet, the texts' dictionary is trained (:func:`~dedupe.index.texts.trained`)
    and a forked child (:func:`~dedupe.index.prepare.prepared_batches`) makes the first batch while this process
    creates the file, which waits on the disk.

    Args:
        path: The SQLite file.
        documents: Documents in ingestion order; an id may repeat, as in :meth:`Index.add`.
        params: Parameters the caller uses (they must equal the file's); ``None``: take the file's, which
            must exist.
        batch_size: Documents per transaction.

    Returns:
        Counts of added, unchanged, new-version and skipped documents.

    Raises:
        As :func:`open_index`.
    """
    path = Path(path)
    if params is None or index_exists(path):  # its dictionary, if any, is in the file
        with open_index(path, params, create=True) as index:
            return index.add(documents, batch_size)
    codec = trained(documents)
    with (prepared_batches(documents, batch_size, params, codec) as batches,
          open_index(path, params, create=True) as index):
        return index._add_prepared(batches, codec)


def _check_iso(value: str) -> None:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--before must be a date YYYY-MM-DD, got {value!r}") from None
