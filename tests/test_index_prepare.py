"""dedupe.index.prepare: batches computed in the worker thread are the batches computed here; the writer prepares
from the back while the next is not ready, the rest when the worker fails; the worker stays AHEAD batches ahead
at most, leaves the texts to the writer and stops with the block."""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from dedupe.corpus.documents import Document, Origin
from dedupe.corpus.load import load_corpus
from dedupe.index.keys import IndexParams
from dedupe.index.prepare import (AHEAD, WRITER_BATCHES, PreparedBatch, _Worker, identity_key, prepare,
                                  prepared_batches, with_texts)
from dedupe.index.texts import TextCodec, trained
from dedupe.scan.config import ScanConfig
from tests.index_data import small_records

PARAMS = IndexParams.from_config(ScanConfig())
WORKER = "dedupe-index-prepare"  # the worker thread's name


def _documents(count: int) -> list[Document]:
    return [Document(id=r["id"], outlet=r["source"], title="", url=r["url"], date=None, text=r["text"],
                     origin=Origin("docs.jsonl", i + 1)) for i, r in enumerate(small_records(count))]


CODEC = trained(_documents(200))  # a dictionary, as a new index's first add trains it


def _same(one: PreparedBatch, other: PreparedBatch) -> bool:
    rows = ("bands", "passages", "shingles")
    return (one.digests == other.digests and one.texts == other.texts and one.identities == other.identities
            and one.fields == other.fields and np.array_equal(one.token_counts, other.token_counts)
            and all(np.array_equal(getattr(one, name), getattr(other, name)) for name in rows))


def _in_worker() -> bool:
    return threading.current_thread().name == WORKER


@pytest.fixture(autouse=True)
def _idle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dedupe.index.prepare.idle_core", lambda: True)  # as on an idle machine: the worker runs


def _all_the_same(received: list[tuple[Sequence[Document], PreparedBatch]], documents: list[Document],
                  size: int) -> None:
    assert [list(batch) for batch, _ in received] == [documents[i:i + size] for i in range(0, len(documents), size)]
    for batch, prepared in received:
        assert _same(prepared, prepare(batch, PARAMS, CODEC))


def test_batches_of_the_worker_equal_the_batches_prepared_here(monkeypatch: pytest.MonkeyPatch) -> None:
    documents, by_worker = _documents(230), []
    real = prepare

    def counted(batch: Sequence[Document], params: IndexParams, codec: TextCodec, texts: bool = True) -> PreparedBatch:
        by_worker.append(_in_worker())
        return real(batch, params, codec, texts)

    monkeypatch.setattr("dedupe.index.prepare.prepare", counted)
    with prepared_batches(documents, 50, PARAMS, CODEC) as batches:
        received = list(batches)
    monkeypatch.undo()
    assert [len(batch) for batch, _ in received] == [50, 50, 50, 50, 30]
    assert any(by_worker)  # the worker made some of them
    _all_the_same(received, documents, 50)


@pytest.mark.parametrize("count", [230, 30])  # worker thread, and one batch prepared here
def test_the_collector_is_paused_inside_the_block_and_restored_after(count: int) -> None:
    assert gc.isenabled()
    with prepared_batches(_documents(count), 50, PARAMS, CODEC) as batches:
        assert not gc.isenabled()  # Index.add and add_to rely on it: neither pauses it itself
        assert len(list(batches)) == -(-count // 50)
    assert gc.isenabled()


def test_texts_left_to_the_writer_are_the_texts_prepare_compresses() -> None:
    documents = _documents(30)
    bare = prepare(documents, PARAMS, CODEC, texts=False)
    assert bare.texts == [] and bare.digests == []
    assert _same(with_texts(documents, bare, CODEC), prepare(documents, PARAMS, CODEC))
    whole = prepare(documents, PARAMS, CODEC)
    assert with_texts(documents, whole, CODEC) is whole  # already there: left as it is


def test_the_worker_leaves_the_texts_to_the_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    documents, compressed_by_worker = _documents(200), []
    real = CODEC.compress

    def counted(texts: list[bytes]) -> list[bytes]:
        compressed_by_worker.append(_in_worker())
        return real(texts)

    monkeypatch.setattr(CODEC, "compress", counted)
    with prepared_batches(documents, 20, PARAMS, CODEC) as batches:
        received = list(batches)
    monkeypatch.undo()
    assert compressed_by_worker == [False] * 10  # each batch's texts, once, by the writer
    _all_the_same(received, documents, 20)


def test_leaving_early_stops_and_joins_the_worker() -> None:
    with prepared_batches(_documents(300), 20, PARAMS, CODEC) as batches:
        next(iter(batches))  # the worker is still preparing the rest when the block is left
        assert WORKER in {thread.name for thread in threading.enumerate()}
    assert WORKER not in {thread.name for thread in threading.enumerate()}


def test_a_failing_worker_leaves_the_batches_to_the_writer_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    documents, made, uncaught = _documents(300), [], []
    real = prepare

    def failing(batch: Sequence[Document], params: IndexParams, codec: TextCodec, texts: bool = True) -> PreparedBatch:
        made.append(_in_worker())
        if _in_worker() and made.count(True) == 2:
            raise MemoryError("the worker's second batch")  # the writer makes this one and the rest itself
        return real(batch, params, codec, texts)

    def add() -> None:
        with prepared_batches(documents, 10, PARAMS, CODEC) as batches:
            received.extend(batches)

    monkeypatch.setattr("dedupe.index.prepare.prepare", failing)
    monkeypatch.setattr(threading, "excepthook", uncaught.append)  # what Python would print of a thread's error
    received: list[tuple[Sequence[Document], PreparedBatch]] = []
    writer = threading.Thread(target=add)  # a writer left waiting for the failed batch would hang the test
    writer.start()
    writer.join(60)
    monkeypatch.undo()
    assert not writer.is_alive() and uncaught == []
    assert made.count(True) == 2 and made.count(False) >= 30 - 1  # the worker's first batch at most is its
    _all_the_same(received, documents, 10)


def test_the_writer_prepares_one_batch_from_the_back_while_the_worker_is_not_ready(
        monkeypatch: pytest.MonkeyPatch) -> None:
    documents = _documents(240)
    made_here: list[int] = []
    real = prepare

    def counted(batch: Sequence[Document], params: IndexParams, codec: TextCodec, texts: bool = True) -> PreparedBatch:
        if _in_worker():
            time.sleep(0.02)  # a slow worker: the writer finds batches not ready
        else:
            made_here.append(documents.index(batch[0]) // 10)
        return real(batch, params, codec, texts)

    monkeypatch.setattr("dedupe.index.prepare.prepare", counted)
    with prepared_batches(documents, 10, PARAMS, CODEC) as batches:
        received = list(batches)
    monkeypatch.undo()
    # From the back, and no more than WRITER_BATCHES while the worker runs (it is only slow); the writer may also
    # make a batch at the front that the worker has not taken yet (its first, as the thread starts).
    assert [number for number in made_here if number >= 24 - 2 * WRITER_BATCHES] == [23][:WRITER_BATCHES]
    _all_the_same(received, documents, 10)


def test_what_the_writer_claims_when_the_next_batch_is_not_ready() -> None:
    worker = _Worker([[]] * 6, PARAMS, CODEC)  # not started: the shared state only
    assert worker._claim(0) == 0 and worker.front == 1  # the worker has not taken it: the writer makes it
    worker.front = 3  # the worker took batches 1 and 2
    assert worker._claim(1) == 5 and worker.back == 5  # the last batch nobody took
    assert worker._claim(1) is None  # WRITER_BATCHES taken from the back: it waits
    worker.back = 4
    assert worker._claim(3) == 3  # the batch after the worker's latest: nobody took it
    worker.gone = True
    assert worker._claim(2) == 2  # the worker stopped: the writer makes what it had taken


def test_the_worker_prepares_at_most_AHEAD_batches_past_the_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    documents, started = _documents(240), []
    real = prepare

    def counted(batch: Sequence[Document], params: IndexParams, codec: TextCodec, texts: bool = True) -> PreparedBatch:
        if _in_worker():
            started.append(documents.index(batch[0]) // 20)
        return real(batch, params, codec, texts)

    monkeypatch.setattr("dedupe.index.prepare.prepare", counted)
    ahead = []
    with prepared_batches(documents, 20, PARAMS, CODEC) as batches:
        for number, _ in enumerate(batches):
            time.sleep(0.02)  # a slow writer: the worker would run to the end
            ahead.append(max(started, default=number) - number)
    assert max(ahead) <= AHEAD


def test_identities_and_fields_are_each_documents_own(tmp_path: Path) -> None:
    """prepare's identity keys and ``docs`` fields, made in one pass from the loader's unmade origins and dates,
    are :func:`identity_key` and the fields read from each document (given ids, url ids, derived ids of two
    folders, dates that parse, that do not, and none)."""
    lines = [{"id": "a1", "text": "One two three.", "date": "26-FEB-1987 15:01:01.79", "title": " T "},
             {"url": "https://x.test/b", "text": "Four five six.", "date": "last Thursday"},
             {"text": "Seven eight nine.", "source": "Wire", "date": "2016-09-28 16:28"},
             {"text": "Ten eleven."}]
    for folder in ("day1", "day2"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "batch.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    documents = list(load_corpus([str(tmp_path)]).documents) + _documents(3)
    prepared = prepare(documents, PARAMS, CODEC)
    made = [Document(d.id, d.outlet, d.title, d.url, d.date, d.text, d.origin, d.raw_date) for d in documents]
    assert prepared.identities == [identity_key(d) for d in made]
    assert prepared.fields == [(d.outlet, d.title, d.url, d.date_text, str(d.origin)) for d in made]
    assert prepared.identities[2] == f"{tmp_path / 'day1' / 'batch.jsonl'}:3"  # derived: the absolute path
    assert prepared.fields[0][3] == "1987-02-26" and prepared.fields[1][3] == "last Thursday"
