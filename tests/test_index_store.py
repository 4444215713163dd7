"""dedupe.index.store under real processes: kill -9 during ``index add``, and a scan reading while add writes.

Real SQLite files and real ``python -m dedupe`` processes; no mocks. The add runs with small batches
(``--batch-size``) so that a kill lands between, and inside, many transactions.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dedupe.corpus.dates import parse_date
from dedupe.corpus.documents import Document, Origin
from dedupe.corpus.load import load_corpus
from dedupe.errors import InputError
from dedupe.index import Index, IndexParams, open_index
from dedupe.index.keys import document_keys
from dedupe.index.prepare import PreparedBatch, prepare, prepared_batches
from dedupe.index import segments
from dedupe.index.segments import BANDS, PASSAGES
from dedupe.index.texts import PLAIN, trained
from dedupe.index.rows import all_new, one_by_one
from dedupe.scan.config import ScanConfig
from dedupe.scan.fingerprints import fingerprint_corpus
from tests.index_data import full_disk_said, on_small_disk, small_records, write_jsonl

ROOT = Path(__file__).resolve().parent.parent
TRIALS = 20


def _add_command(db: Path, corpus: Path, batch_size: int = 50) -> list[str]:
    return [sys.executable, "-m", "dedupe", "index", "add", str(db), str(corpus), "--batch-size", str(batch_size)]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _state(db: Path) -> tuple[list[tuple[int, str, bytes]], int, int]:
    """Documents (seq, id, digest) in order and the number of band and passage rows."""
    with sqlite3.connect(db) as connection:
        docs = connection.execute("SELECT seq, id, digest FROM docs ORDER BY seq").fetchall()
    with open_index(db) as index:
        bands, passages = (index.key_rows(kind)[0].size for kind in (BANDS, PASSAGES))
    return docs, bands, passages


def _check_whole(db: Path) -> int:
    """Integrity, whole batches, and every document with exactly its keys; returns the documents."""
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if not connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'batches'").fetchone()[0]:
            return 0  # killed before the schema was committed: an empty file, which the rerun fills
        batches = connection.execute("SELECT first_seq, last_seq, documents FROM batches").fetchall()
        seqs = [row[0] for row in connection.execute("SELECT seq FROM docs ORDER BY seq")]
    covered = [seq for first, last, _ in batches for seq in range(first, last + 1)]
    assert covered == seqs  # every document belongs to a committed batch, every batch is complete
    assert sum(n for _, _, n in batches) == len(seqs)
    if not seqs:
        return 0
    with open_index(db) as index:
        stored = index.fetch(seqs)
        keys = document_keys(fingerprint_corpus([s.document.text for s in stored], 5), index.params)
        seq_of = np.array([s.seq for s in stored])
        expected = {("bands", int(k), int(seq_of[d])) for k, d in zip(keys.bands, keys.band_docs)}
        expected |= {("passages", int(k), int(seq_of[d])) for k, d in zip(keys.passages, keys.passage_docs)}
        found = {(table, int(k), int(d)) for table, kind in (("bands", BANDS), ("passages", PASSAGES))
                 for k, d in zip(*index.key_rows(kind))}
    assert found == expected  # no partial document: all its keys, and no key of a missing one
    return len(seqs)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "docs.jsonl", small_records(2000))


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[int, str, bytes]], int, int]:
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    _add_here(db, corpus)
    return _state(db)


def _add_here(db: Path, corpus: Path, batch_size: int = 50) -> None:
    """The same add as the command, in this process (the rerun after a kill)."""
    with open_index(db, IndexParams.from_config(ScanConfig()), create=True) as index:
        index.add(load_corpus([str(corpus)]).documents, batch_size=batch_size)


def _add_span(corpus: Path, db: Path) -> float:
    """Seconds from the first committed batch to the end of one whole add (start-up apart)."""
    process = subprocess.Popen(_add_command(db, corpus), env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _wait_for_first_batch(db, process)
    started = time.monotonic()
    process.wait()
    return time.monotonic() - started


def test_kill_9_during_add_leaves_whole_batches_and_rerun_reaches_the_same_state(
        corpus: Path, reference: tuple[list[tuple[int, str, bytes]], int, int], tmp_path: Path) -> None:
    rng = random.Random(12)
    partial = 0
    span = _add_span(corpus, tmp_path / "timed.db")
    for trial in range(TRIALS):
        db = tmp_path / f"trial{trial}.db"
        process = subprocess.Popen(_add_command(db, corpus), env=_env(), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        _wait_for_first_batch(db, process)  # start-up (imports) takes longer than the add itself
        time.sleep(rng.uniform(0.0, span))  # somewhere inside the add, however fast this machine is now
        process.send_signal(signal.SIGKILL)
        process.wait()
        if db.exists():
            documents = _check_whole(db)
            partial += 0 < documents < len(reference[0])
        _add_here(db, corpus)
        assert _state(db) == reference
    assert partial >= TRIALS // 4  # many kills landed in the middle of the add, not before or after it


#: An add of argv[2] to the index argv[1] in batches of 50 that kills itself with SIGKILL at the argv[3]-th statement
#: of its 16th batch's transaction: the batch whose segments complete a tier and are merged (its inserts of the
#: merged segments, then the merged ones' deletes); argv[3] 0: never (it prints the transaction's statements).
_MERGE_KILLER = """
import os, signal, sys
from dedupe.corpus.load import load_corpus
from dedupe.index import IndexParams, open_index, segments
from dedupe.scan.config import ScanConfig
begun, statements, kill_at = 0, [], int(sys.argv[3])
def traced(sql):
    global begun
    begun += sql.startswith("BEGIN")
    if begun == segments.MERGE_FANOUT and not sql.startswith("PRAGMA"):
        statements.append(sql.split("(")[0].split(" WHERE")[0])
        if len(statements) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
with open_index(sys.argv[1], IndexParams.from_config(ScanConfig()), create=True) as index:
    index.connection.set_trace_callback(traced)
    index.add(load_corpus([sys.argv[2]]).documents, batch_size=50)
print("|".join(statements))
"""


def test_kill_9_inside_a_batch_that_merges_segments_leaves_whole_batches(
        corpus: Path, reference: tuple[list[tuple[int, str, bytes]], int, int], tmp_path: Path) -> None:
    # The random kills above land in one of the add's two merging batches by chance: these land in the first, at its
    # first merged segment's insert, its first, middle and last delete of a merged segment (deleted once every new
    # segment is in: segments.writing_kinds, with secure_delete off: segments.adding).
    counted = subprocess.run([sys.executable, "-c", _MERGE_KILLER, str(tmp_path / "count.db"), str(corpus), "0"],
                             env=_env(), capture_output=True, text=True, check=True)
    statements = counted.stdout.strip().split("|")
    deletes = [n + 1 for n, sql in enumerate(statements) if sql == "DELETE FROM segments"]
    assert len(deletes) == 3 * segments.MERGE_FANOUT  # one tier of each kind merged in this batch
    merged_insert = statements.index("INSERT INTO segments", statements.index("INSERT INTO segments") + 1) + 1
    for point in (merged_insert, deletes[0], deletes[len(deletes) // 2], deletes[-1]):
        db = tmp_path / f"killed{point}.db"
        killed = subprocess.run([sys.executable, "-c", _MERGE_KILLER, str(db), str(corpus), str(point)], env=_env(),
                                capture_output=True, timeout=120)
        assert killed.returncode == -9
        assert _check_whole(db) == (segments.MERGE_FANOUT - 1) * 50  # the merging batch not committed
        _add_here(db, corpus)
        assert _state(db) == reference


@pytest.mark.parametrize("first_add", [False, True], ids=["later add", "first add of a new file"])
def test_scan_against_sees_one_snapshot_while_add_writes(corpus: Path, tmp_path: Path, first_add: bool) -> None:
    # A new file's first add is written without WAL (rollback journal): the reader's open waits for the batch being
    # written and switches the file to WAL, and sees whole batches. Not held up by the reader since (review26), the
    # first add's 100 batches of 20 could all be committed before the reader's first snapshot: batches of 1.
    db = tmp_path / "live.db"
    records = [json.loads(line) for line in corpus.read_text().splitlines()]
    first = write_jsonl(tmp_path / "first.jsonl", records[:200])
    subprocess.run(_add_command(db, first), check=True, env=_env(), capture_output=True)
    if first_add:
        db.unlink()
    writer = subprocess.Popen(_add_command(db, corpus, batch_size=1 if first_add else 20), env=_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        seen = []
        if first_add:
            _wait_for_first_batch(db, writer)
        with open_index(db, IndexParams.from_config(ScanConfig())) as index:
            deadline = time.monotonic() + 60
            while _count(index) <= 200 * (not first_add) and writer.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)  # until the writer has started committing
            for _ in range(5):
                with index.snapshot():
                    before = index.connection.execute("SELECT count(*), max(seq) FROM docs").fetchone()
                    time.sleep(0.2)  # the writer commits several batches meanwhile
                    everything = index.fetch(range(1, before[1] + 50))
                    after = index.connection.execute("SELECT sum(rows) FROM segments").fetchone()
                    batches = index.connection.execute("SELECT sum(documents) FROM batches").fetchone()[0]
                assert len(everything) == before[0] == batches
                seen.append((before[0], after[0]))
        scan = subprocess.run([sys.executable, "-m", "dedupe", "scan", str(first), "--against", str(db),
                               "--format", "json"], env=_env(), capture_output=True, text=True)
        assert scan.returncode == 0, scan.stderr
        assert json.loads(scan.stdout)["against"]["index_documents_read"] >= 200
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0
    assert 200 * (not first_add) < seen[0][0] < len(records)  # the snapshots were taken while the writer committed
    assert _check_whole(db) == len(records)


def _count(index: Index) -> int:
    return int(index.connection.execute("SELECT count(*) FROM docs").fetchone()[0])


def _wait_for_first_batch(db: Path, process: subprocess.Popen[bytes]) -> None:
    """Until the add has committed its first batch (or ended)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:  # never creates the file
                if connection.execute("SELECT count(*) FROM batches").fetchone()[0]:
                    return
        except sqlite3.OperationalError:
            pass  # not created yet
        time.sleep(0.02)


def test_versions_follow_the_latest_and_any_stored_text_is_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "versions.db"
    texts = [" ".join(f"{word}{i}" for i in range(30)) for word in ("alpha", "beta", "gamma")]

    def add(name: str, rows: list[tuple[str, str]], batch_size: int = 50) -> tuple[int, int, tuple, int]:
        corpus = write_jsonl(tmp_path / f"{name}.jsonl", [{"id": i, "text": t} for i, t in rows])
        with open_index(db, IndexParams.from_config(ScanConfig()), create=True) as index:
            done = index.add(load_corpus([str(corpus)]).documents, batch_size=batch_size)
        return done.added, done.unchanged, done.new_versions, done.skipped

    assert add("a", [("x", texts[0]), ("y", "...")]) == (1, 0, (), 1)
    # a new text of x, then another in the next batch of the same add: each a version of the latest
    assert add("b", [("x", texts[1]), ("z", texts[2]), ("x2", texts[0])], batch_size=2) == (
        2, 0, (("x~v2", "x"),), 0)
    assert add("c", [("x", texts[2])]) == (0, 0, (("x~v3", "x~v2"),), 0)
    # the text of any stored version (here the first) is unchanged; no version 4
    assert add("d", [("x", texts[0]), ("x2", texts[0]), ("z", texts[2])]) == (0, 3, (), 0)
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT id, key, version FROM docs ORDER BY seq").fetchall()
    assert stored == [("x", "x", 1), ("x~v2", "x", 2), ("z", "z", 1), ("x2", "x2", 1), ("x~v3", "x", 3)]


def test_a_document_read_back_is_the_document_added(tmp_path: Path) -> None:
    # Every field comes back, the origin made again from its stored text: a path and line, a path alone, and a path
    # whose last colon is not a line's (``index.stored`` splits at the last colon only before a number).
    texts = [" ".join(f"{word}{i}" for i in range(30)) for word in ("alpha", "beta", "gamma")]
    made = [Document("a", "Reuters", "A title", "https://r.example/a", parse_date("2024-01-02"), texts[0],
                     Origin("in/a.jsonl", 3), "2024-01-02"),
            Document("b", "AP", "", "", None, texts[1], Origin("in/b.txt")),
            Document("c", "c:d", "", "", None, texts[2], Origin("in/c:d.txt"), "early spring")]
    with open_index(tmp_path / "h.db", IndexParams.from_config(ScanConfig()), create=True) as index:
        index.add(made)
        read = [stored.document for stored in index.fetch_all()]
    expected = [Document(d.id, d.outlet, d.title, d.url, d.date, d.text, d.origin, d.date_text) for d in made]
    assert read == expected
    assert [(d.origin.path, d.origin.line, d.date) for d in read] == [
        ("in/a.jsonl", 3, parse_date("2024-01-02")), ("in/b.txt", None, None), ("in/c:d.txt", None, None)]


def test_a_key_twice_in_one_batch_of_a_new_index_is_a_version_or_unchanged(tmp_path: Path) -> None:
    # Index.add takes documents whose ids are distinct as the loader makes them; another caller's repeat of a key
    # inside one batch is read as across batches (a batch of new keys only is stored without the per-document loop).
    texts = [" ".join(f"{word}{i}" for i in range(30)) for word in ("alpha", "beta")]
    docs = [Document("x", "o", "", "", None, texts[0], Origin("a.jsonl", 1)),
            Document("x", "o", "", "", None, texts[1], Origin("a.jsonl", 2)),
            Document("x", "o", "", "", None, texts[0], Origin("a.jsonl", 3))]
    with open_index(tmp_path / "twice.db", IndexParams.from_config(ScanConfig()), create=True) as index:
        done = index.add(docs)
        stored = index.connection.execute("SELECT id, key, version FROM docs ORDER BY seq").fetchall()
    assert (done.added, done.unchanged, done.new_versions, done.skipped) == (1, 1, (("x~v2", "x"),), 0)
    assert stored == [("x", "x", 1), ("x~v2", "x", 2)]


def test_the_fast_path_of_new_rows_returns_what_the_per_document_loop_returns(tmp_path: Path) -> None:
    # Index._new_rows stores a batch of new keys under their own ids without its loop (rows.all_new says when): on every
    # batch, fast path or not, it must return what the loop returns; the near misses (a stored key, a key twice, a
    # text without a token, a derived id) each break one of the fast path's conditions, so a loosened condition
    # sends one of them down the fast path and fails here.
    records = small_records(120)
    docs = [Document(r["id"], r["source"], "", r["url"], None, r["text"], Origin("d.jsonl", n + 1))
            for n, r in enumerate(records)]
    empty = Document("blank", "o", "", "", None, "...", Origin("d.jsonl", 200))
    derived = Document("batch:3", "o", "", "", None, docs[50].text + " more", Origin(str(tmp_path / "batch.jsonl"), 3))
    with open_index(tmp_path / "fast.db", IndexParams.from_config(ScanConfig()), create=True) as index:
        assert _same_rows(index, docs[:40]) is True  # a new index's first batch
        index.add(docs[:40])
        assert _same_rows(index, docs[40:80]) is True  # new keys beside stored ones
        near_misses = [docs[38:60], docs[60:70] + [docs[65]], docs[70:80] + [empty], docs[80:90] + [derived]]
        assert [_same_rows(index, batch) for batch in near_misses] == [False] * 4


def _same_rows(index: Index, batch: list[Document]) -> bool:
    """Whether the fast path applies to ``batch``, after checking that ``_new_rows`` returns what the loop does."""
    prepared = prepare(batch, index.params, PLAIN)  # the keys and identities are what the rows depend on
    ids = [doc.id for doc in batch]
    stored = index._versions(prepared.identities, True)  # (every stored version, whatever the file holds)
    fast = all_new(stored, ids, prepared)
    loop = one_by_one(ids, prepared, stored, True, index.stored_ids)  # (it updates stored)
    assert index._new_rows(batch, prepared) == loop
    return fast


def test_batches_whose_first_document_has_no_band_or_passage_key_store_every_key(tmp_path: Path) -> None:
    # A short text (tokens, but fewer than a passage) first in every batch: its batch's band and passage rows
    # start at the second document, and move down by one into the new segment (the rows of the others are the
    # batch's own arrays, not copies); every document keeps exactly its keys, across the tier merges too.
    records = small_records(400)
    for first in range(0, len(records), 20):
        records[first]["text"] = "Talks resume in Geneva."
    db = tmp_path / "short-first.db"
    _add_here(db, write_jsonl(tmp_path / "docs.jsonl", records), batch_size=20)
    assert _check_whole(db) == 400
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT max(level) FROM segments").fetchone()[0] == 1  # 20 batches: merged


def _pragmas(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The settings statements (``PRAGMA name=value``) every SQLite connection opened from now on runs, in order,
    as SQLite traces them (the real connection: only a trace callback is added)."""
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    return statements


def _syncs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files ``os.fsync`` syncs from now on, in order (the real sync, with the file it synced noted)."""
    synced: list[str] = []
    fsync = os.fsync

    def traced_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", traced_fsync)
    return synced


def test_a_new_files_first_add_writes_no_wal_syncs_the_file_and_leaves_it_in_wal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    params = IndexParams.from_config(ScanConfig())
    pragmas = _pragmas(monkeypatch)
    synced = _syncs(monkeypatch)
    documents = load_corpus([str(write_jsonl(tmp_path / "docs.jsonl", small_records(120)))]).documents
    for path in (tmp_path / "new.db", tmp_path / "empty.db"):
        if path.name == "empty.db":
            path.touch()  # a file left empty (a process killed before its first write) is new too
        pragmas.clear()
        synced.clear()
        with open_index(path, params, create=True) as index:
            assert [p for p in pragmas if "journal_mode=" in p or "synchronous=" in p] == [
                "PRAGMA journal_mode=TRUNCATE", "PRAGMA synchronous=OFF"]
            index.add(documents, batch_size=40)
            assert not Path(f"{path}-wal").exists()  # every page written once, into the file itself
            assert index.connection.execute("PRAGMA journal_mode").fetchone() == ("truncate",)
            assert synced == [str(path)]  # synced before the add returned
        assert path.read_bytes()[18:20] == b"\x02\x02"  # closed: the header says WAL to every later reader
        pragmas.clear()
        with open_index(path) as index:  # a file with content: WAL, every commit synced as NORMAL does
            assert [p for p in pragmas if "journal_mode=" in p or "synchronous=" in p] == [
                "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"]
            assert index.connection.execute("PRAGMA synchronous").fetchone() == (1,)
            assert index.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert index.params == params
            synced.clear()
            index.add(documents[:10])  # a later add: checkpoints, not the first add's syncs
            assert synced == []
        assert _check_whole(path) == 120


def test_a_first_add_that_a_reader_switched_to_wal_is_synced_before_it_returns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A reader opening a new file between two batches of its first add switches it to WAL: the add's later commits go
    # to the WAL, unsynced (synchronous=OFF). The add syncs that WAL on leaving, and closes at NORMAL, so that the
    # closing checkpoint syncs the file before it drops the WAL (review26: neither was synced).
    params = IndexParams.from_config(ScanConfig())
    pragmas, synced = _pragmas(monkeypatch), _syncs(monkeypatch)
    documents = load_corpus([str(write_jsonl(tmp_path / "docs.jsonl", small_records(120)))]).documents
    path = tmp_path / "new.db"

    def batches_read_meanwhile(batches: Iterable[tuple[Sequence[Document], PreparedBatch]]) -> Iterator[
            tuple[Sequence[Document], PreparedBatch]]:
        for number, batch in enumerate(batches):
            if number == 1:  # the writer holds no lock between its batches: the reader's open switches the file
                with open_index(path) as reader:
                    assert reader.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            yield batch

    with open_index(path, params, create=True) as writer:
        codec = trained(documents)
        with prepared_batches(documents, 40, params, codec) as batches:
            writer._add_prepared(batches_read_meanwhile(batches), codec)
        assert Path(f"{path}-wal").exists() and synced[-2:] == [str(path), f"{path}-wal"]
        pragmas.clear()
    # The writer's close: its checkpoint syncs the file.
    assert [p for p in pragmas if "synchronous=" in p] == ["PRAGMA synchronous=NORMAL"]
    assert not Path(f"{path}-wal").exists() and path.read_bytes()[18:20] == b"\x02\x02"
    assert _check_whole(path) == 120


def test_a_reader_that_opens_during_a_batch_of_a_first_add_switches_the_file_to_wal(tmp_path: Path) -> None:
    # A reader that found the file held by a first add's batch read it in rollback mode: its snapshot then stopped
    # the writer's next commit until the snapshot ended, and failed the add after 60 s ("database is locked"; review26:
    # a scan --against of over a minute). The open waits for the batch and switches the file between two batches.
    path = tmp_path / "new.db"
    _add_here(path, write_jsonl(tmp_path / "docs.jsonl", small_records(40)))
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=0.5)
    writer.execute("PRAGMA journal_mode=TRUNCATE")  # as during its first add
    writer.execute("BEGIN IMMEDIATE")  # a batch being written
    writer.execute("DELETE FROM docs WHERE seq = 1")
    committed = threading.Timer(0.3, writer.execute, ("COMMIT",))
    committed.start()
    try:
        with open_index(path) as reader:
            assert reader.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            with reader.snapshot():
                assert reader.connection.execute("SELECT count(*) FROM docs").fetchone() == (39,)
                writer.execute("BEGIN IMMEDIATE")  # the next batch commits while the reader reads
                writer.execute("DELETE FROM docs WHERE seq = 2")
                writer.execute("COMMIT")
                assert reader.connection.execute("SELECT count(*) FROM docs").fetchone() == (39,)
    finally:
        committed.join()
        writer.close()


def test_a_full_disk_is_the_error_an_add_raises_and_the_index_keeps_its_batches(tmp_path: Path) -> None:
    # SQLite rolls back a transaction that found the disk full itself: the add's ROLLBACK then raised "cannot rollback
    # - no transaction is active" in place of "database or disk is full" (review26; index remove did the same on a
    # nearly full disk). max_page_count is a full disk as SQLite sees it.
    records = small_records(400)
    db = tmp_path / "full.db"
    _add_here(db, write_jsonl(tmp_path / "first.jsonl", records[:200]))
    more = load_corpus([str(write_jsonl(tmp_path / "more.jsonl", records[200:]))]).documents
    with open_index(db) as index:
        pages = index.connection.execute("PRAGMA page_count").fetchone()[0]
        index.connection.execute(f"PRAGMA max_page_count={pages}")
        with pytest.raises(InputError, match=r"the disk is full \(database or disk is full\): free some space"):
            index.add(more, batch_size=200)
    assert _check_whole(db) == 200


def test_a_full_disk_is_one_line_that_says_what_to_do_and_the_rerun_adds_the_rest(tmp_path: Path) -> None:
    # index add on a full disk said "internal error: OperationalError: database or disk is full (rerun with --debug)"
    # and exited 1, as an internal error: an ordinary condition now says so, names the file, and exits 2; the batches
    # committed before stay and the rerun adds the rest. A real full disk: a tmpfs with room for 768 KiB more.
    records = small_records(600)
    db, disk = tmp_path / "h.db", tmp_path / "disk"
    _add_here(db, write_jsonl(tmp_path / "first.jsonl", records[:200]))
    more = write_jsonl(tmp_path / "more.jsonl", records[200:])
    disk.mkdir()
    add = f"python -m dedupe index add {disk}/h.db {more} --batch-size 50"
    said = on_small_disk(disk, db.stat().st_size + 3 * 2**18, f"cp {db} {disk}; {add}; echo status $?; "
                         f"mkdir {tmp_path}/kept; cp {disk}/h.db* {tmp_path}/kept; mount -o remount,size=64m {disk}; "
                         f"{add}; echo $?")
    kept = _check_whole(tmp_path / "kept" / "h.db")  # with its WAL: a checkpoint the full disk stopped is redone
    assert 200 < kept < 600 and kept % 50 == 0  # some batches committed before the disk was full, none cut short
    assert said.splitlines() == [full_disk_said(disk / "h.db", "database or disk is full"), "status 2",
                                 f"{disk}/h.db: {600 - kept} added, {kept - 200} unchanged, 0 new versions, 0 skipped "
                                 "documents", "0"]


def test_an_index_on_a_disk_without_room_for_its_shm_is_said_full_not_no_index(tmp_path: Path) -> None:
    # Reading an index in WAL makes its 32 KiB -shm beside it: on a full disk every command said "not a dedupe index
    # (disk I/O error)".
    db, disk = tmp_path / "h.db", tmp_path / "disk"
    _add_here(db, write_jsonl(tmp_path / "docs.jsonl", small_records(40)))
    disk.mkdir()
    said = on_small_disk(disk, db.stat().st_size + 8192, f"cp {db} {disk}; python -m dedupe index info {disk}/h.db; "
                         "echo status $?")
    assert said.splitlines() == [full_disk_said(disk / "h.db", "disk I/O error"), "status 2"]


def test_an_index_in_a_read_only_folder_is_said_to_be_read_only_not_no_index(tmp_path: Path) -> None:
    # SQLite writes beside an index it reads (WAL's -shm; the journal of a first add cut short is rolled back): in a
    # read-only folder every command said "not a dedupe index (unable to open database file)" (review26). The folder:
    # a read-only bind mount in a mount namespace of its own (root only: skipped where unshare may not mount).
    db = tmp_path / "shelf" / "x.db"
    db.parent.mkdir()
    _add_here(db, write_jsonl(tmp_path / "docs.jsonl", small_records(40)))
    script = (f"mount --bind {db.parent} {db.parent} && mount -o remount,bind,ro {db.parent} || exit 99; "
              f"{sys.executable} -m dedupe index info {db}; echo status $?")
    done = subprocess.run(["unshare", "--mount", "sh", "-c", script], env=_env(), capture_output=True, text=True,
                          timeout=120) if shutil.which("unshare") else None
    if done is None or done.returncode != 0:
        pytest.skip("no mount namespace with a read-only bind mount here (unshare --mount needs root)")
    assert done.stdout == "status 2\n"
    assert done.stderr == (f"Error: {db}: cannot read the index where it is (unable to open database file): SQLite "
                           "writes beside an index it reads (WAL), and this file or its folder is read-only here; "
                           "copy it to a folder you can write to\n")


@contextlib.contextmanager
def _scrubbing(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("PRAGMA secure_delete=ON")  # as SQLite builds that scrub deleted content do (Debian's)
    yield


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux's /proc/self/io")
@pytest.mark.parametrize("undone", ["hold_pages", "adding"])
def test_an_add_whose_batch_merges_segments_writes_fewer_bytes_for_its_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, undone: str) -> None:
    # Index.add holds each batch's pages in SQLite's cache until the commit (segments.hold_pages): with a cache much
    # smaller than a merged segment, a cache that spills writes its pages twice (zeros, then rows). And it frees the
    # merged segments' pages unzeroed once the merged ones are in (segments.adding, writing_kinds): scrubbing copies
    # each into the journal and zeroes it.
    from dedupe.index import segments, store

    rng = random.Random(5)
    words = [f"w{n}" for n in range(5000)]
    documents = [Document(f"d{n}", "o", "", "", None, " ".join(rng.choices(words, k=400)), Origin("d.jsonl", n + 1))
                 for n in range(16 * 40)]
    if undone == "hold_pages":
        monkeypatch.setattr(store, "_CACHE", -64)

    def written(name: str) -> int:
        """Bytes written by the add of the 16th batch, whose transaction merges each kind's tier."""
        with open_index(tmp_path / name, IndexParams.from_config(ScanConfig()), create=True) as index:
            index.add(documents[:-40], batch_size=40)
            with open("/proc/self/io") as io:
                before = next(int(line.split()[1]) for line in io if line.startswith("wchar:"))
            index.add(documents[-40:], batch_size=40)
            with open("/proc/self/io") as io:
                return next(int(line.split()[1]) for line in io if line.startswith("wchar:")) - before

    done = written("done.db")
    monkeypatch.setattr(segments, undone, (lambda db: None) if undone == "hold_pages" else _scrubbing)
    assert done < 0.7 * written("undone.db")
