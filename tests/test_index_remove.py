"""``dedupe index remove`` under real processes: the file shrinks after a large removal (VACUUM), a kill -9 at any
point leaves the removal whole, and a scan reading meanwhile keeps its snapshot.

Real SQLite files and real ``python -m dedupe`` processes; no mocks.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dedupe.corpus.load import load_corpus
from dedupe.index import IndexParams, open_index
from dedupe.index.segments import BANDS, PASSAGES
from dedupe.scan.config import ScanConfig
from tests.index_data import full_disk_said, on_small_disk, small_records, write_jsonl

ROOT = Path(__file__).resolve().parent.parent
CUT = "2024-03-22"  # small_records are dated 2024-03-01 .. 28 in turn: three quarters of them are before it
#: A process that removes the documents dated before argv[3] from the index argv[1] and kills itself with SIGKILL
#: at SQLite's argv[2]-th progress step (every 100 virtual machine instructions; 0: never), then prints its
#: steps and the step at which VACUUM began.
_DRIVER = """
import os, signal, sys
from dedupe.index import open_index
steps, vacuum_at, kill_at = 0, 0, int(sys.argv[2])
def step():
    global steps
    steps += 1
    if steps == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return 0
def traced(sql):
    global vacuum_at
    if sql == "VACUUM":
        vacuum_at = steps
with open_index(sys.argv[1]) as index:
    index.connection.set_progress_handler(step, 100)
    index.connection.set_trace_callback(traced)
    index.remove((), sys.argv[3])
print(steps, vacuum_at)
"""

Contents = tuple[list[tuple[int, str, bytes]], list[tuple[int, int]], bytes, bytes]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _contents(db: Path) -> Contents:
    """The documents ``(seq, id, digest)``, the rows the segments hold of each kind (a removed document's too), and
    every band and passage key row of a stored document, after an integrity check."""
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = connection.execute("SELECT seq, id, digest FROM docs ORDER BY seq").fetchall()
        rows = connection.execute("SELECT kind, sum(rows) FROM segments GROUP BY kind ORDER BY kind").fetchall()
    with open_index(db) as index:
        bands, passages = (b"".join(a.tobytes() for a in index.key_rows(kind)) for kind in (BANDS, PASSAGES))
    return docs, rows, bands, passages


def _size(db: Path) -> int:
    return sum(path.stat().st_size for path in (db, Path(f"{db}-wal")) if path.exists())


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of 2,000 short articles (one file: the last connection's checkpoint emptied its WAL)."""
    folder = tmp_path_factory.mktemp("full")
    corpus = write_jsonl(folder / "docs.jsonl", small_records(2000))
    db = folder / "full.db"
    with open_index(db, IndexParams.from_config(ScanConfig()), create=True) as index:
        index.add(load_corpus([str(corpus)]).documents, batch_size=200)
    assert not Path(f"{db}-wal").exists()
    return db


def _copy(full: Path, db: Path) -> Path:
    shutil.copyfile(full, db)
    return db


def _remove(db: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "dedupe", "index", "remove", str(db), *args], env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_large_removal_shrinks_the_file_and_a_small_one_leaves_its_pages_for_later_adds(full: Path,
                                                                                        tmp_path: Path) -> None:
    db = _copy(full, tmp_path / "h.db")
    before = _size(db)
    assert _remove(db, "--doc", "d0") == f"{db}: removed 1 document\n"
    assert _size(db) == before  # one document's pages are free for the next add: no rewrite
    assert _remove(db, "--before", CUT) == f"{db}: removed 1502 documents\n"
    assert _size(db) < 0.4 * before  # a quarter of the documents left; without VACUUM the file kept its size
    docs, _, bands, passages = _contents(db)
    assert len(docs) == 497 and all(seq > 0 for seq, _, _ in docs) and bands and passages


def test_kill_9_anywhere_in_a_removal_leaves_it_whole_and_the_rerun_finishes_it(full: Path, tmp_path: Path) -> None:
    start = _contents(full)
    counted = subprocess.run([sys.executable, "-c", _DRIVER, str(_copy(full, tmp_path / "count.db")), "0", CUT],
                             env=_env(), capture_output=True, text=True, check=True)
    steps, vacuum_at = map(int, counted.stdout.split())
    assert 0 < vacuum_at < steps  # the removal, then the VACUUM, each long enough to be killed in
    end = _contents(tmp_path / "count.db")
    # Kills every tenth of the delete and the segments' rewrite (the last ~15% of it: a tenth lands there), and every
    # sixth of the VACUUM.
    points = [1 + (vacuum_at - 1) * n // 10 for n in range(10)] + [vacuum_at + (steps - vacuum_at) * n // 6
                                                                  for n in range(1, 6)]
    seen = []
    for trial, point in enumerate(points):
        db = _copy(full, tmp_path / f"trial{trial}.db")
        killed = subprocess.run([sys.executable, "-c", _DRIVER, str(db), str(point), CUT], env=_env(),
                                capture_output=True, timeout=120)
        assert killed.returncode == -9
        after = _contents(db)
        assert after in (start, end)  # the documents and their keys all there, or all removed
        seen.append(after == end)
        with open_index(db) as index:
            index.remove((), CUT)
        assert _contents(db) == end
    assert seen == [False] * 10 + [True] * 5  # the removal commits before the VACUUM starts


def test_a_scan_reading_during_a_removal_keeps_its_snapshot(full: Path, tmp_path: Path) -> None:
    db = _copy(full, tmp_path / "h.db")
    before = _size(db)
    with open_index(db) as index:
        with index.snapshot():
            documents = index.fetch_all()
            _remove(db, "--before", CUT)  # the VACUUM runs while this read transaction is open, and does not wait
            assert index.fetch_all() == documents and len(documents) == 2000
            assert sum(seq.size for seq in index.key_rows(PASSAGES)) > 0
        assert len(index.fetch_all()) == 497  # the next snapshot: the removal
        assert _size(db) >= before  # not shrunk while this process reads: its checkpoint could not finish
    assert _size(db) < 0.4 * before  # the last connection's checkpoint: the file shrinks once nobody reads it


def test_a_removal_without_room_for_its_vacuum_stands_and_succeeds(full: Path, tmp_path: Path) -> None:
    # VACUUM writes the file's copy through the WAL. On a disk with room for the removal but not the copy, index remove
    # exited 1 ("internal error: ... database or disk is full") after its removal had committed, so that a rerun
    # removed nothing (review26). The full disk: a tmpfs just large enough for the removal, in a mount namespace of its
    # own (root only: skipped where unshare may not mount).
    probe = _copy(full, tmp_path / "probe.db")
    with open_index(probe) as index:  # the WAL the removal writes, then the VACUUM's
        index._remove_batch([row[0] for row in index.connection.execute("SELECT seq FROM docs WHERE date < ?", (CUT,))])
        removal = Path(f"{probe}-wal").stat().st_size
        index._shrink()
        vacuum = Path(f"{probe}-wal").stat().st_size - removal
    assert vacuum > 100_000
    disk = tmp_path / "disk"
    disk.mkdir()
    room = full.stat().st_size + removal + 2 * 32768 + vacuum // 2  # the file, its removal WAL and -shm, half a copy
    assert _remove_on_small_disk(full, disk, room) == [f"{disk}/x.db: removed 1503 documents", "status 0", "497"]


def test_a_removal_without_room_says_so_in_one_line_and_removes_nothing(full: Path, tmp_path: Path) -> None:
    # It said "internal error: OperationalError: database or disk is full" and exited 1, as an internal error.
    disk = tmp_path / "disk"
    disk.mkdir()
    assert _remove_on_small_disk(full, disk, full.stat().st_size + 65536) == [
        full_disk_said(disk / "x.db", "database or disk is full"), "status 2", "2000"]


def _remove_on_small_disk(full: Path, disk: Path, size: int) -> list[str]:
    """The lines ``index remove --before CUT`` prints on a copy of ``full`` on a disk of ``size`` bytes, its status,
    and the documents left."""
    count = "import sqlite3, sys; print(*sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM docs').fetchone())"
    script = (f"cp {full} {disk}/x.db; python -m dedupe index remove {disk}/x.db --before {CUT}; echo status $?; "
              f"python -c \"{count}\" {disk}/x.db")
    return on_small_disk(disk, size, script).splitlines()


@pytest.mark.parametrize("scrub", ["OFF", "ON", "FAST"])
def test_an_add_leaves_the_connections_scrubbing_as_it_was(tmp_path: Path, scrub: str) -> None:
    # An add frees merged segments unzeroed (segments.adding) and gives the connection its setting back after.
    with open_index(tmp_path / "i.db", IndexParams.from_config(ScanConfig()), create=True) as index:
        index.connection.execute(f"PRAGMA secure_delete={scrub}")
        index.add(load_corpus([str(write_jsonl(tmp_path / "docs.jsonl", small_records(40)))]).documents, 10)
        assert index.connection.execute("PRAGMA secure_delete").fetchone()[0] == ("OFF", "ON", "FAST").index(scrub)


def test_a_removed_text_is_gone_from_the_file_whatever_sqlites_default(tmp_path: Path) -> None:
    # index remove zeroes what it deletes (retention), even on a connection that would not (SQLite builds differ).
    db = tmp_path / "i.db"
    with open_index(db, IndexParams.from_config(ScanConfig()), create=True) as index:
        index.add(load_corpus([str(write_jsonl(tmp_path / "docs.jsonl", small_records(60)))]).documents)
    with open_index(db) as index:
        index.connection.execute("PRAGMA secure_delete=OFF")
        frame = index.connection.execute("SELECT text FROM docs WHERE id = 'd7'").fetchone()[0]
        assert len(frame) > 40 and frame in db.read_bytes()
        assert index.remove(["d7"]) == 1
        assert index.connection.execute("PRAGMA secure_delete").fetchone() == (0,)  # the connection's own, again
        index.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert frame not in db.read_bytes()
