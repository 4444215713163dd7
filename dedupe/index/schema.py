"""The index file's layout: its tables, its schema version and the parameters it was built with.

Tables::

    meta(name PRIMARY KEY, value)            schema_version and the IndexParams
    docs(seq INTEGER PRIMARY KEY AUTOINCREMENT, id UNIQUE, key, version, outlet, title, url, date,
         origin, digest, text)                text zstd-compressed; seq = order of ingestion, never reused
    segments(...)                             LSH band keys, passage keys and every shingle occurrence
                                              (dedupe.index.keys) as sorted segments (dedupe.index.segments)
    batches(batch INTEGER PRIMARY KEY, first_seq, last_seq, documents)

A file of another schema version, or built with other parameters than a scan's, is refused with a one-line
error (:func:`read_params`, :func:`~dedupe.index.store.open_index`), never read as this version.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dedupe.errors import ConfigError, InputError
from dedupe.index import segments
from dedupe.index.keys import IndexParams

SCHEMA_VERSION = 3  # 3: every shingle occurrence stored too; 2: keys in sorted segments; 1: one B-tree row per key
#: Bytes per page of a new index file: a segment is read page by page (one read() each), and 64 KiB pages
#: take a sixteenth of the calls of SQLite's 4 KiB (an index made before keeps its pages).
PAGE = 65536
_TABLES = """
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, key TEXT NOT NULL,
                  version INTEGER NOT NULL, outlet TEXT NOT NULL, title TEXT NOT NULL, url TEXT NOT NULL,
                  date TEXT NOT NULL, origin TEXT NOT NULL, digest BLOB NOT NULL, text BLOB NOT NULL);
CREATE INDEX docs_key ON docs(key, version);
CREATE TABLE batches(batch INTEGER PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
                     documents INTEGER NOT NULL);
""" + segments.SCHEMA


def create(connection: sqlite3.Connection, params: IndexParams | None, path: Path) -> IndexParams:
    """Create the tables of an empty file and record the schema version and ``params``, in one transaction; the
    file's parameters (another process's, if it created the file meanwhile).

    Raises:
        ConfigError: ``params`` is ``None`` (a new index needs them).
    """
    if params is None:
        raise ConfigError("a new index needs its parameters")
    connection.execute("BEGIN IMMEDIATE")
    if connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'meta'").fetchone()[0]:
        connection.execute("COMMIT")  # another process created it meanwhile
        return read_params(connection, path)
    for statement in _TABLES.split(";"):
        if statement.strip():
            connection.execute(statement)
    values = {"schema_version": SCHEMA_VERSION, **params.as_dict()}
    connection.executemany("INSERT INTO meta VALUES (?, ?)", ((k, str(v)) for k, v in values.items()))
    connection.execute("COMMIT")
    return params


def read_params(connection: sqlite3.Connection, path: Path) -> IndexParams:
    """The parameters a file was built with.

    Raises:
        InputError: The file has no ``meta`` table (not a dedupe index).
        ConfigError: Its schema version is not :data:`SCHEMA_VERSION`.
    """
    try:
        meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
    except sqlite3.OperationalError:
        raise InputError(f"{path}: not a dedupe index (no meta table)") from None
    version = int(meta.get("schema_version", -1))
    if version != SCHEMA_VERSION:
        raise ConfigError(f"{path}: index schema version {version}, this dedupe reads {SCHEMA_VERSION}; "
                          "build a new index with `dedupe index add`")
    return IndexParams(**{name: int(meta[name]) for name in IndexParams.__dataclass_fields__})
