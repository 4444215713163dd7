"""The index file's layout: its tables, its schema version, the parameters it was built with and its texts'
dictionary; what says that a file cannot be read as an index (:func:`unreadable`) or written for a full disk
(:func:`written`).

Tables::

    meta(name PRIMARY KEY, value)            schema_version, the IndexParams and (version 4) text_dictionary
    docs(seq INTEGER PRIMARY KEY, id UNIQUE, key, version, outlet, title, url, date,
         origin, digest, text)                text zstd-compressed; seq = order of ingestion, never reused
    segments(...)                             LSH band keys, passage keys and every shingle occurrence
                                              (dedupe.index.keys) as sorted segments (dedupe.index.segments)
    batches(batch INTEGER PRIMARY KEY, first_seq, last_seq, documents)

Version 4 adds one ``meta`` row, ``text_dictionary``: the zstd dictionary every text of the file is compressed
with (:mod:`~dedupe.index.texts`), after its 16-byte digest; an empty dictionary means none. It is written with the
file's first batch (:func:`settle_dictionary`), so a version-4 file that ever held a document has it. A version-3
file (no dictionary: every text compressed alone) is read and added to as it is, and stays version 3.

Version 5 (:func:`tables`) gives ``docs`` no ``AUTOINCREMENT`` (the largest ``seq`` ever given is the last batch's
``last_seq``: ``batches`` rows are never deleted) and indexes ``key`` only where it is not the ``id`` (most documents
are looked up by key through the ``id`` index): an add inserts a document into the table and the ``id``'s index only,
not also into the ``key``'s and ``sqlite_sequence`` (benchmarks/README.md, session 20). Version-4 files keep both, and
are read and added to with the same queries, which their full index of ``key`` serves too.

A file of another schema version, or built with other parameters than a scan's, is refused with a one-line
error (:func:`read`, :func:`~dedupe.index.store.open_index`), never read as this version; so is a version-4 or -5 file
whose dictionary row is damaged or missing.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import zstandard

from dedupe.errors import ConfigError, InputError
from dedupe.index import segments
from dedupe.index.keys import IndexParams
from dedupe.index.texts import PLAIN, TextCodec, digest

# 5: docs without AUTOINCREMENT and key indexed only where it is not the id; 4: the texts' zstd dictionary; 3: every
# shingle occurrence stored too; 2: keys in sorted segments; 1: one B-tree row per key
SCHEMA_VERSION = 5
#: Versions this dedupe reads and adds to (each kept at its own version).
READABLE = (3, 4, 5)
#: Bytes per page of a new index file: a segment is read page by page (one read() each), and 64 KiB pages
#: take a sixteenth of the calls of SQLite's 4 KiB (an index made before keeps its pages).
PAGE = 65536
_DICTIONARY = "text_dictionary"
_DIGEST = 16  # bytes of the dictionary's digest before it
_TABLES = """
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs(seq INTEGER PRIMARY KEY{increment}, id TEXT NOT NULL UNIQUE, key TEXT NOT NULL,
                  version INTEGER NOT NULL, outlet TEXT NOT NULL, title TEXT NOT NULL, url TEXT NOT NULL,
                  date TEXT NOT NULL, origin TEXT NOT NULL, digest BLOB NOT NULL, text BLOB NOT NULL);
CREATE INDEX docs_key ON docs(key, version){where};
CREATE TABLE batches(batch INTEGER PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
                     documents INTEGER NOT NULL);
""" + segments.SCHEMA
# A key that is not its row's id: what version 5 indexes of ``key`` (:func:`tables`); a key equal to its id is found
# through the id's index. Every query of a key says so, which lets SQLite use that partial index.
OWN_KEY = "key != id"
_BY_ID = "SELECT key, version, digest, id FROM docs WHERE id IN ({marks}) AND key = id"


def by_key(renamed: bool) -> str:
    """The query of ``key, version, digest, id`` of every version of the keys in each ``{marks}`` (``?`` marks, the
    keys given once for each): through the id's index alone where no stored id may differ from its key (``renamed``
    false, :func:`any_renamed`: a version-5 file's first add, as a rule)."""
    if not renamed:
        return _BY_ID
    return f"{_BY_ID} UNION ALL SELECT key, version, digest, id FROM docs WHERE key IN ({{marks}}) AND {OWN_KEY}"


def any_renamed(connection: sqlite3.Connection, version: int) -> bool:
    """Whether a stored document's id may not be its key (a renamed id, a later version): in a version-5 file, whether
    one is (its partial index of such keys says so at once); before, taken to be (a scan of the table to know)."""
    return version < 5 or bool(connection.execute(f"SELECT EXISTS (SELECT 1 FROM docs WHERE {OWN_KEY})").fetchone()[0])


def last_seq(connection: sqlite3.Connection, version: int) -> int:
    """The largest ``seq`` a file of schema ``version`` ever gave (0: none): version 5, the last ``batches`` row's
    (those rows are never deleted); before, ``AUTOINCREMENT``'s."""
    last = connection.execute("SELECT last_seq FROM batches ORDER BY batch DESC LIMIT 1" if version >= 5 else
                              "SELECT seq FROM sqlite_sequence WHERE name = 'docs'").fetchone()
    return int(last[0]) if last else 0


def tables(version: int = SCHEMA_VERSION) -> str:
    """The statements that create the tables of a file of schema ``version`` (3 to 5; 3 and 4 differ in ``meta``
    only): before version 5, ``docs`` has ``AUTOINCREMENT`` and ``key`` an index of every row."""
    old = version < 5
    return _TABLES.format(increment=" AUTOINCREMENT" if old else "", where="" if old else f" WHERE {OWN_KEY}")


@dataclass(frozen=True)
class Layout:
    """What a file's ``meta`` table says.

    Attributes:
        version: Its schema version (one of :data:`READABLE`).
        params: The parameters it was built with.
        texts: How its texts are compressed; ``None``: not settled yet (a version-4 file that never held a
            document: its first add trains the dictionary).
    """

    version: int
    params: IndexParams
    texts: TextCodec | None


def create(connection: sqlite3.Connection, params: IndexParams | None, path: Path,
           version: int = SCHEMA_VERSION) -> Layout:
    """Create the tables of an empty file and record the schema version and ``params``, in one transaction; the
    file's layout (another process's, if it created the file meanwhile). Its dictionary is settled by its first
    batch (:func:`settle_dictionary`).

    ``version``: the schema version of the file made (:data:`SCHEMA_VERSION`; tests make older files with it).

    Raises:
        ConfigError: ``params`` is ``None`` (a new index needs them).
    """
    if params is None:
        raise ConfigError("a new index needs its parameters")
    connection.execute("BEGIN IMMEDIATE")
    if connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'meta'").fetchone()[0]:
        connection.execute("COMMIT")  # another process created it meanwhile
        return read(connection, path)
    for statement in tables(version).split(";"):
        if statement.strip():
            connection.execute(statement)
    values = {"schema_version": version, **params.as_dict()}
    connection.executemany("INSERT INTO meta VALUES (?, ?)", ((k, str(v)) for k, v in values.items()))
    connection.execute("COMMIT")
    return Layout(version, params, PLAIN if version == 3 else None)


def read(connection: sqlite3.Connection, path: Path) -> Layout:
    """The schema version, parameters and texts' dictionary of a file.

    Raises:
        InputError: The file has no ``meta`` table (not a dedupe index), or its dictionary row is damaged or
            missing (version 4).
        ConfigError: Its schema version is not one of :data:`READABLE`.
    """
    try:
        meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
    except sqlite3.OperationalError:
        raise InputError(f"{path}: not a dedupe index (no meta table)") from None
    version = int(meta.get("schema_version", -1))
    if version not in READABLE:
        readable = f"{', '.join(map(str, READABLE[:-1]))} and {READABLE[-1]}"
        raise ConfigError(f"{path}: index schema version {version}, this dedupe reads {readable}; "
                          "build a new index with `dedupe index add`")
    params = IndexParams(**{name: int(meta[name]) for name in IndexParams.__dataclass_fields__})
    if version == 3:
        return Layout(version, params, PLAIN)
    if _DICTIONARY in meta:
        return Layout(version, params, _codec(meta[_DICTIONARY], path))
    if connection.execute("SELECT count(*) FROM batches").fetchone()[0]:  # it held a document (its first batch's row)
        raise InputError(f"{path}: damaged index: its texts' dictionary is missing")
    return Layout(version, params, None)


def index_exists(path: str | Path) -> bool:
    """Whether an index is there: the one rule (in :mod:`~dedupe.index.store` and the CLI) that an empty file is no
    index yet.

    Args:
        path: The SQLite file.

    Returns:
        ``True`` when the file exists and is not empty.
    """
    path = Path(path)
    return path.exists() and path.stat().st_size > 0


def unreadable(path: Path, exc: sqlite3.DatabaseError) -> InputError:
    """The error for a file SQLite could not open or read as an index (:func:`~dedupe.index.store.open_index`).

    An index is read in WAL mode, which writes beside the file (its ``-shm``; the journal of a first add cut short is
    rolled back): in a read-only folder, or a file this user may not write, it cannot be read where it is. That is
    said as such, not "not a dedupe index" (it was both for a read-only index until review26).

    Args:
        path: The index file.
        exc: What SQLite raised.

    Returns:
        The error to raise.
    """
    if no_room(exc):  # the -shm of a file in WAL could not be made
        return _full(path, exc)
    code = exc.sqlite_errorcode & 0xFF if isinstance(exc, sqlite3.OperationalError) else None
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY) and not all(
            os.access(where, os.W_OK) for where in (path, path.parent)):
        return InputError(f"{path}: cannot read the index where it is ({exc}): SQLite writes beside an index it reads "
                          "(WAL), and this file or its folder is read-only here; copy it to a folder you can write to")
    return InputError(f"{path}: not a dedupe index ({exc})")


def no_room(exc: BaseException) -> bool:
    """Whether ``exc`` says that the index's disk is full: SQLite's ``SQLITE_FULL``, its ``SQLITE_IOERR_SHMSIZE`` (the
    ``-shm`` beside a file in WAL could not be grown: opening it needs room for 32 KiB), or the system's ``ENOSPC``
    or ``EDQUOT`` (a sync of the file, :mod:`~dedupe.index.wal`)."""
    if isinstance(exc, sqlite3.Error):
        return exc.sqlite_errorcode in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR_SHMSIZE)
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


@contextmanager
def written(path: Path) -> Iterator[None]:
    """Run a block that writes to the index at ``path``: a full disk (:func:`no_room`) is raised as a one-line
    :class:`~dedupe.errors.InputError` that names the file and says what to do, not as SQLite's error.

    A transaction that a full disk stops is rolled back (SQLite's own, or :func:`~dedupe.index.wal.rollback`), so
    the index keeps every commit made before it: an add's earlier batches, none of a removal.

    Raises:
        InputError: The disk is full.
    """
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        if not no_room(exc):
            raise
        raise _full(path, exc) from None


def _full(path: Path, exc: BaseException) -> InputError:
    """The error for the index at ``path`` whose disk is full (``exc``: what said so)."""
    return InputError(f"{path}: the disk is full ({exc}): free some space there, or move the index to a disk with "
                      "room, and run the command again (the index keeps every commit made before; a transaction this "
                      "stopped was rolled back)")


def settle_dictionary(connection: sqlite3.Connection, codec: TextCodec, path: Path) -> TextCodec:
    """Inside the transaction of a version-4 file's first batch: the dictionary stored (another process's first
    add may have stored one meanwhile), else ``codec``'s, stored now."""
    row = connection.execute("SELECT value FROM meta WHERE name = ?", (_DICTIONARY,)).fetchone()
    if row is not None:
        return _codec(row[0], path)
    connection.execute("INSERT INTO meta VALUES (?, ?)", (_DICTIONARY, digest(codec.dictionary) + codec.dictionary))
    return codec


def _codec(value: object, path: Path) -> TextCodec:
    """The codec of a stored dictionary row (digest, then dictionary).

    Raises:
        InputError: The row is not a dictionary with its digest.
    """
    if isinstance(value, bytes) and len(value) >= _DIGEST and digest(value[_DIGEST:]) == value[:_DIGEST]:
        try:
            return TextCodec(value[_DIGEST:])
        except zstandard.ZstdError:
            pass
    raise InputError(f"{path}: damaged index: its texts' dictionary does not match its digest")
