"""dedupe.index.wal: checkpoints in a thread copy committed pages into the database, the same pages; syncs of a new
file run after commits and once more on leaving."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

import pytest

from dedupe.index.wal import Checkpointer, Syncer


def _database(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # only the thread (or the last close) checkpoints
    db.execute("CREATE TABLE t(n INTEGER PRIMARY KEY, blob BLOB)")
    return db


def _fill(db: sqlite3.Connection, wal: Checkpointer | None) -> None:
    for batch in range(20):
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO t VALUES (?, ?)", ((batch * 100 + i, bytes([i % 251]) * 3000) for i in range(100)))
        db.execute("COMMIT")
        if wal is not None:
            wal.committed()


def test_checkpoints_leave_the_database_page_for_page_as_without(tmp_path: Path) -> None:
    hashes = []
    for name, threaded in (("plain.db", False), ("threaded.db", True)):
        path = tmp_path / name
        db = _database(path)
        if threaded:
            with Checkpointer(path) as wal:
                _fill(db, wal)
            assert wal.checkpoints >= 1
        else:
            _fill(db, None)
        db.close()
        assert not Path(f"{path}-wal").exists()
        hashes.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert hashes[0] == hashes[1]


def test_a_checkpoint_copies_the_committed_pages_into_the_database(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    db = _database(path)
    before = path.stat().st_size
    with Checkpointer(path) as wal:
        _fill(db, wal)
    # The thread copied the WAL into the file while the writer's connection was still open.
    assert path.stat().st_size > before + 20 * 100 * 3000 // 2
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 2000
    reader.close()
    db.close()


def test_an_error_of_the_thread_is_raised_on_leaving(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    path.write_bytes(b"not a database, " * 512)
    with pytest.raises(sqlite3.DatabaseError):
        with Checkpointer(path) as wal:
            wal.committed()
            deadline = time.monotonic() + 10
            while wal.error is None and time.monotonic() < deadline:
                time.sleep(0.01)
    assert wal.checkpoints == 0


def test_a_syncer_syncs_after_commits_and_leaves_every_committed_page_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=TRUNCATE")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE t(n INTEGER PRIMARY KEY, blob BLOB)")
    with Syncer(path) as syncer:
        _fill(db, syncer)
    assert syncer.syncs >= 1  # the thread synced while the writer wrote
    assert not Path(f"{path}-wal").exists()
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 2000
    reader.close()
    db.close()


def test_a_failed_sync_is_raised_on_leaving_unless_an_error_is_on_its_way() -> None:
    with pytest.raises(OSError):  # /dev/null cannot be synced (EINVAL): in the thread, then on leaving
        with Syncer("/dev/null") as syncer:
            syncer.committed()
            deadline = time.monotonic() + 10
            while syncer.error is None and time.monotonic() < deadline:
                time.sleep(0.01)
    assert isinstance(syncer.error, OSError)
    with pytest.raises(KeyError):  # the error on its way wins; the failed sync is not raised over it
        with Syncer("/dev/null"):
            raise KeyError("the add's own error")
