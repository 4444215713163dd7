"""Work after each commit of an add, in a thread beside the writer: WAL checkpoints, or syncs of a new file; the
journal mode of a file (:func:`switch_to_wal`, :func:`close_in_wal`); the rollback of a failed transaction.

In WAL mode every commit appends its pages to the ``-wal`` file, and a checkpoint copies them into the
database. Run by the writer (SQLite's automatic checkpoint, inside a commit, or the last one when the
connection closes) the copy stops the writing meanwhile: Reuters x1 leaves ~90 MB of WAL whose checkpoint
took 0.1 s of the add's 1.6 s on close. :class:`Checkpointer` runs passive checkpoints on its own connection
in a thread after each commit (``sqlite3`` releases the interpreter lock while SQLite works), so that the
copying overlaps the writing of the next batches, and the writer's last checkpoint finds little left.

A passive checkpoint never blocks the writer and copies only committed pages; the database ends the same
page for page whoever copies them, when. A process killed during a checkpoint leaves a WAL that the next
connection copies again (SQLite's recovery): the index keeps whole batches only.

**A new file's first add** (:func:`~dedupe.index.store.open_index`) is written through SQLite's rollback journal,
not the WAL, and switched to WAL when it closes (:func:`close_in_wal`): the journal holds only the few pages a batch
changes (the pages it appends past the file's end need none), where the WAL holds every page and a checkpoint then
copies each into the file a second time (Reuters x1: 55 MB written once, not twice; benchmarks/README.md, session
19). Its commits are not synced one by one: :class:`Syncer` flushes the file in the thread after each commit
(``os.fdatasync``, without the interpreter lock), so that the sync on leaving, which the add waits for, finds only
the last batch left (a flush of Reuters x1's 55 MB takes ~22 ms here, of ~5 MB ~2.4 ms). So a process killed at any
moment still leaves whole batches (the journal reaches the operating system before the pages it protects; the next
open rolls back a batch cut short), but a power cut or system crash *during* a new file's first add can leave that
file unreadable; it held nothing before, and the same add into a new file makes it again. Every later add is in WAL
mode with ``synchronous=NORMAL``: a power cut loses at most the last commits, never the file. A reader that opens
the file during its first add waits for the batch being written, then switches the file to WAL (:func:`switch_to_wal`):
the writer carries on in WAL mode, so that the reader's snapshot never stops its commits, and syncs that WAL too
before it returns (:class:`Syncer`, :func:`close_in_wal`).

Example:
    >>> with Checkpointer(path) as wal:   # doctest: +SKIP
    ...     for batch in batches:
    ...         write(batch)               # one transaction
    ...         wal.committed()            # a checkpoint runs in the thread meanwhile
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Self


class _AfterCommits:
    """A thread that runs :meth:`_work` whenever :meth:`committed` was called since its last run; stopped (and
    joined) on leaving the ``with`` block, where an error that stopped it is raised (unless one is on its way)."""

    _name = "dedupe-after-commits"

    def __init__(self) -> None:
        self._wanted = threading.Event()
        self._stopping = False
        self.error: OSError | sqlite3.Error | None = None  # the error that stopped the thread, raised on leaving
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping = True
        self._wanted.set()
        self._thread.join()
        self._close(exc[0] is None and self.error is None)
        if self.error is not None and exc[0] is None:
            raise self.error

    def committed(self) -> None:
        """Note a commit: the thread runs once more when it is done with the run it is in, if any."""
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            try:
                self._work()
            except (OSError, sqlite3.Error) as exc:
                self.error = exc
                return

    def _work(self) -> None:
        raise NotImplementedError

    def _close(self, finished: bool) -> None:
        """Release what the thread used, once it has stopped (``finished``: the block ended without error)."""


class Checkpointer(_AfterCommits):
    """``PRAGMA wal_checkpoint(PASSIVE)`` on its own connection after commits (a busy database: skipped, the next
    commit's checkpoint copies the pages).

    Args:
        path: The index file (in WAL mode already).
    """

    _name = "dedupe-wal-checkpoint"

    def __init__(self, path: str | Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60.0)
        self.checkpoints = 0  # checkpoints run
        super().__init__()

    def _work(self) -> None:
        try:
            self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.checkpoints += 1
        except sqlite3.OperationalError as exc:
            if not _busy(exc):  # busy: the next commit's checkpoint
                raise

    def _close(self, finished: bool) -> None:
        self._connection.close()


class Syncer(_AfterCommits):
    """``os.fdatasync`` of a database file after commits, and ``os.fsync`` on leaving the block (of its ``-wal`` too,
    where a reader switched the file to WAL meanwhile): once the block is left, every committed page is on the disk
    (a failed sync is raised unless an error is on its way).

    Args:
        path: The database file.
    """

    _name = "dedupe-sync"

    def __init__(self, path: str | Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._path = path
        self.syncs = 0  # syncs run in the thread
        super().__init__()

    def _work(self) -> None:
        os.fdatasync(self._fd)
        self.syncs += 1

    def _close(self, finished: bool) -> None:
        try:
            os.fsync(self._fd)  # the batches committed before an error are kept: synced too
            _fsync_wal(self._path)
        except OSError:
            if finished:
                raise
        finally:
            os.close(self._fd)


def _fsync_wal(path: str | Path) -> None:
    """Sync a database's ``-wal`` file, if it has one: a reader that opened a new file during its first add switched
    it to WAL, and the add's later commits (unsynced, ``synchronous=OFF``) went there instead of into the file."""
    try:
        wal = os.open(f"{path}-wal", os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        os.fsync(wal)
    finally:
        os.close(wal)


def in_wal(connection: sqlite3.Connection) -> bool:
    """Whether a connection's file is in WAL mode (every index file but a new one during its first add)."""
    return bool(connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal")


def after_commits(path: str | Path, connection: sqlite3.Connection) -> Checkpointer | Syncer:
    """What runs after each commit of an add on ``connection`` to ``path``: checkpoints in WAL mode, else syncs."""
    return Checkpointer(path) if in_wal(connection) else Syncer(path)


def switch_to_wal(connection: sqlite3.Connection, wait: bool = True) -> None:
    """Put a file in WAL mode (a no-op for one in WAL already), a new file whose first add is being written between
    two of its batches.

    The switch cannot wait for the writer (it would wait for this reader, which waits for it: SQLite answers busy at
    once), but ``BEGIN IMMEDIATE`` can: it waits for the batch being written, and the switch follows at once, before
    the writer takes the file for its next batch (else again). Read in rollback mode instead, a reader's snapshot
    would stop the writer's next commit until it ends, and fail it after the busy timeout (a scan of over 60 s).

    Args:
        connection: An open connection (autocommit), not in a transaction.
        wait: Wait for the writer (else a file held by one is left in rollback mode, to be switched by the next open).

    Raises:
        sqlite3.OperationalError: The switch failed for another reason than a writer holding the file (a read-only
            file).
    """
    for _ in range(_SWITCH_TRIES if wait else 1):
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise
        if wait:
            try:
                connection.execute("BEGIN IMMEDIATE")  # waits for the writer's commit (its commit waits for no one)
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
                return  # a batch longer than the busy timeout: read as it is
            connection.execute("COMMIT")


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite's error says that another connection holds the file ("database is locked", "... busy")."""
    return "locked" in str(exc) or "busy" in str(exc)


_SWITCH_TRIES = 100  # each after a batch of the writer: a writer that always takes the file back first is read as is


def close_in_wal(connection: sqlite3.Connection) -> None:
    """Close a connection, its file switched to WAL first if it is not (a new file after its first add: the switch's
    own commit synced); a reader that holds the file leaves it in rollback mode, for the next open to switch. Closed
    at ``synchronous=NORMAL``: the checkpoint of the last connection to close syncs the file before it drops the WAL
    (a first add's WAL, where a reader switched the file meanwhile, would be copied and dropped unsynced at OFF)."""
    try:
        connection.execute("PRAGMA synchronous=NORMAL")
        if not in_wal(connection):
            switch_to_wal(connection, wait=False)
    finally:
        connection.close()


def rollback(connection: sqlite3.Connection) -> None:
    """Roll back the transaction an error stopped, unless SQLite has rolled it back itself (a full disk, an I/O
    error): then ``ROLLBACK`` would raise "no transaction is active" in place of the error that stopped it."""
    if connection.in_transaction:
        connection.execute("ROLLBACK")
