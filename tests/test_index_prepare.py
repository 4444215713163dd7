"""dedupe.index.prepare: batches computed in a forked child are the batches computed here; a dead child or
parent stops the other."""

from __future__ import annotations

import gc
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from dedupe.corpus.documents import Document, Origin
from dedupe.corpus.load import load_corpus
from dedupe.index.keys import IndexParams
from dedupe.index.prepare import (HELD, SLOTS, WRITER_BATCHES, PreparedBatch, described, identity_key, prepare,
                                  prepared_batches, with_texts)
from dedupe.index.texts import TextCodec, digest, trained
from dedupe.native import native
from dedupe.scan.config import ScanConfig
from dedupe.scan.fingerprints import fingerprint_corpus
from tests.index_data import small_records

PARAMS = IndexParams.from_config(ScanConfig())


def _documents(count: int) -> list[Document]:
    return [Document(id=r["id"], outlet=r["source"], title="", url=r["url"], date=None, text=r["text"],
                     origin=Origin("docs.jsonl", i + 1)) for i, r in enumerate(small_records(count))]


CODEC = trained(_documents(200))  # a dictionary, as a new index's first add trains it (the child inherits it)


def _same(one: PreparedBatch, other: PreparedBatch) -> bool:
    rows = ("bands", "passages", "shingles")
    return (one.digests == other.digests and one.texts == other.texts and one.identities == other.identities
            and one.fields == other.fields and np.array_equal(one.token_counts, other.token_counts)
            and all(np.array_equal(getattr(one, name), getattr(other, name)) for name in rows))


@pytest.fixture(autouse=True)
def _idle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dedupe.index.prepare.idle_core", lambda: True)  # as on an idle machine: the child runs


def test_forked_batches_equal_the_batches_prepared_here() -> None:
    documents = _documents(230)
    with prepared_batches(documents, 50, PARAMS, CODEC) as batches:
        received = list(batches)
    assert [len(batch) for batch, _ in received] == [50, 50, 50, 50, 30]
    for first, (batch, prepared) in zip(range(0, 230, 50), received):
        assert list(batch) == documents[first:first + 50]
        assert _same(prepared, prepare(documents[first:first + 50], PARAMS, CODEC))


@pytest.mark.parametrize("count", [230, 30])  # forked child, and one batch prepared here
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


def test_leaving_early_stops_and_reaps_the_child() -> None:
    if not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists():
        pytest.skip("needs Linux /proc to list a process' children")
    before = _children()
    with prepared_batches(_documents(300), 20, PARAMS, CODEC) as batches:
        next(iter(batches))  # the child is still preparing the rest when the block is left
        assert len(_children() - before) == 1
    assert _children() == before  # killed and reaped: not running, not a zombie


def _children() -> set[int]:
    """Pids of this process' children (Linux)."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    return {int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()}


def test_a_killed_child_leaves_the_batches_to_the_writer_the_same() -> None:
    if not Path(f"/proc/{os.getpid()}/task").exists():
        pytest.skip("needs Linux /proc to list a process' children")
    documents = _documents(300)
    before = _children()
    received: list[tuple[Sequence[Document], PreparedBatch]] = []
    with prepared_batches(documents, 10, PARAMS, CODEC) as batches:
        for batch, prepared in batches:
            if not received:
                (child,) = _children() - before
                os.kill(child, signal.SIGKILL)  # the batches in the slots stay whole; the writer makes the rest
            received.append((batch, prepared))
    assert len(received) == 30
    for first, (batch, prepared) in zip(range(0, 300, 10), received):
        assert list(batch) == documents[first:first + 10]
        assert _same(prepared, prepare(documents[first:first + 10], PARAMS, CODEC))


def test_the_writer_prepares_batches_from_the_back_while_the_child_is_not_ready(
        monkeypatch: pytest.MonkeyPatch) -> None:
    documents = _documents(240)
    made_here: list[int] = []
    real = prepare

    def counted(batch: Sequence[Document], params: IndexParams, codec: TextCodec, texts: bool = True) -> PreparedBatch:
        if os.getpid() == parent:
            made_here.append(documents.index(batch[0]) // 10)
        else:
            time.sleep(0.02)  # a slow child: the writer finds batches not ready
        return real(batch, params, codec, texts)

    parent = os.getpid()
    monkeypatch.setattr("dedupe.index.prepare.prepare", counted)
    with prepared_batches(documents, 10, PARAMS, CODEC) as batches:
        received = list(batches)
    # from the back, and no more than WRITER_BATCHES while the child runs (it is only slow)
    assert made_here == list(range(23, 23 - WRITER_BATCHES, -1))
    assert [list(batch) for batch, _ in received] == [documents[i:i + 10] for i in range(0, 240, 10)]
    for first, (_, prepared) in zip(range(0, 240, 10), received):
        assert _same(prepared, real(documents[first:first + 10], PARAMS, CODEC))


def test_the_child_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    if not Path(f"/proc/{os.getpid()}/task").exists():
        pytest.skip("needs Linux /proc to list a process' children")
    script = (
        "import os, sys, time\n"
        "import dedupe.index.prepare as p\n"
        "from tests.test_index_prepare import CODEC, PARAMS, _children, _documents\n"
        "p.idle_core = lambda: True\n"
        "with p.prepared_batches(_documents(400), 10, PARAMS, CODEC) as batches:\n"
        "    next(iter(batches))\n"
        "    print(*_children(), flush=True)\n"
        "    time.sleep(60)\n")  # the child fills every slot, then waits for one to be freed
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).parent.parent)
    assert parent.stdout is not None
    (child,) = map(int, parent.stdout.readline().split())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while _state(child) != "Z" and time.monotonic() < deadline:
        time.sleep(0.05)
    gone = _state(child) == "Z"  # exited (gone, or awaiting its new parent's wait)
    if not gone:
        os.kill(child, signal.SIGKILL)  # leave no stray process behind a failed test
    assert gone


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return "Z"


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


def test_a_stdin_record_known_by_its_digest_stores_that_digest() -> None:
    """The digest of a stdin record keyed by its text (``stdin#<hex>``) is read back from its key: the same bytes
    as the text's digest; a given id that merely looks like such a key is not read back."""
    texts = ["The ferry sank on the lake.", "Rates were left unchanged.", "A given id like a digest key."]
    loaded = load_corpus(["-"], stdin=io.BytesIO("".join(json.dumps({"text": t}) + "\n" for t in texts[:2]).encode()))
    given = Document("stdin#00", "", "", "", None, texts[2], Origin("-", 3))
    prepared = prepare([*loaded.documents, given], PARAMS, CODEC)
    assert prepared.digests == [digest(t.encode("utf-8")) for t in texts]
    assert prepared.identities == ["stdin#" + digest(t.encode("utf-8")).hex() for t in texts[:2]] + ["stdin#00"]


def _writer_compressions(monkeypatch: pytest.MonkeyPatch, writer_pause: float, child_pause: float) -> list[int]:
    """How many texts the writer compressed in each of its ``CODEC.compress`` calls while 10 batches went through
    :func:`prepared_batches` (the writer pausing after each batch, the child before sending each), checking that
    the batches are the same as :func:`prepare` makes them."""
    import dedupe.index.prepare as module

    documents = _documents(200)
    parent, made_here = os.getpid(), []
    real_compress, real_prepare = CODEC.compress, module.prepare

    def counted(texts: list[bytes]) -> list[bytes]:
        if os.getpid() == parent:
            made_here.append(len(texts))
        return real_compress(texts)

    def paused(batch: Sequence[Document], params: IndexParams, codec: TextCodec, texts: bool = True) -> PreparedBatch:
        if os.getpid() != parent:
            time.sleep(child_pause)
        return real_prepare(batch, params, codec, texts)

    monkeypatch.setattr(CODEC, "compress", counted)
    monkeypatch.setattr(module, "prepare", paused)
    received = []
    with prepared_batches(documents, 20, PARAMS, CODEC) as batches:
        for _batch, prepared in batches:
            time.sleep(writer_pause)
            received.append(prepared)
    made_while_adding = list(made_here)
    for first, prepared in zip(range(0, 200, 20), received):
        assert _same(prepared, real_prepare(documents[first:first + 20], PARAMS, CODEC))
    return made_while_adding


def test_the_child_makes_the_texts_while_the_writer_is_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer with batches sent and not yet received finds the texts made by the child: it compresses only those
    of the batches it takes from the back. Whether the writer is behind at a given moment is the scheduler's
    call: it is held behind here, so that a loaded machine cannot slow the child and the test fail; the test
    below has the child slow for real."""
    from dedupe.index.prepare import _Slots

    monkeypatch.setattr(_Slots, "writer_behind", lambda self, sent: True)
    assert len(_writer_compressions(monkeypatch, writer_pause=0.05, child_pause=0)) <= WRITER_BATCHES


def test_the_writer_is_behind_while_a_batch_sent_is_not_received() -> None:
    """The child's side of the texts rule: the shared count of batches the writer received against those sent."""
    from dedupe.index.prepare import _Slots

    with _Slots(SLOTS, 5) as slots:
        assert not slots.writer_behind(0)
        slots._set("received", 1)
        assert slots.writer_behind(2) and not slots.writer_behind(1)


def test_a_writer_that_receives_each_batch_as_it_is_sent_makes_the_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer never behind (it writes each batch before the child sends the next: here a child slower than the
    writer, as on an idle machine one whose batches carry their texts) makes every batch's texts itself."""
    assert len(_writer_compressions(monkeypatch, writer_pause=0, child_pause=0.05)) >= 10 - 2


def test_the_child_makes_the_texts_of_the_last_batch_it_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer never behind makes the texts of every batch but the child's last (the child is idle after it):
    nine of ten batches' compressions, whichever batch the writer took from the back."""
    from dedupe.index.prepare import _Slots

    monkeypatch.setattr(_Slots, "writer_behind", lambda self, sent: False)
    assert len(_writer_compressions(monkeypatch, writer_pause=0, child_pause=0.05)) == 10 - 1


def test_the_last_batch_the_child_takes_is_the_one_before_the_writers() -> None:
    from dedupe.index.prepare import _Slots

    with _Slots(SLOTS, 5) as slots:
        assert slots.last_taken(4) and not slots.last_taken(3)
        slots._set("back", 3)  # the writer took batches 3 and 4
        assert slots.last_taken(2) and not slots.last_taken(1)


class _Unread(Document):
    """A document whose ``text`` attribute cannot be read: only its ``__dict__`` holds the text."""

    @property
    def text(self) -> str:  # type: ignore[override]
        raise AssertionError("the text was read as an attribute (a reference taken)")


@pytest.mark.skipif(native() is None, reason="the compiled extension is not built")
def test_a_batch_is_prepared_without_reading_a_text_as_an_attribute() -> None:
    """:func:`prepare` and :func:`with_texts` read each text where the document holds it, by the compiled loops (no
    reference taken: the forked writer and child would copy the texts' pages), never as ``doc.text``; the batch is
    the one plain documents give."""
    documents = _documents(40)
    unread = []
    for doc in documents:
        bare = object.__new__(_Unread)
        bare.__dict__.update(doc.__dict__)  # as the loader makes its documents
        unread.append(bare)
    full = prepare(documents, PARAMS, CODEC)
    assert _same(prepare(unread, PARAMS, CODEC), full)
    assert _same(with_texts(unread, prepare(unread, PARAMS, CODEC, texts=False), CODEC), full)


def test_each_slot_is_mapped_once_for_its_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer keeps each slot's mapping from batch to batch (a mapping a batch cost a page fault every 16 pages of
    it and an unmap); a slot is mapped again only for a batch longer than its file, which the child grows by a quarter
    more than it needs."""
    import mmap

    made: list[int] = []
    real = mmap.mmap

    def counted(fileno: int, length: int, *args: object, **kwargs: object) -> mmap.mmap:
        if fileno >= 0 and os.getpid() == parent:
            made.append(fileno)
        return real(fileno, length, *args, **kwargs)  # type: ignore[arg-type]

    parent = os.getpid()
    monkeypatch.setattr(mmap, "mmap", counted)
    documents = _documents(600)  # 12 batches through 4 slots
    with prepared_batches(documents, 50, PARAMS, CODEC) as batches:
        for batch, prepared in batches:
            assert _same(prepared, prepare(batch, PARAMS, CODEC))
    assert 0 < len(made) <= SLOTS + 2  # (a batch in a slot longer than a quarter more than the slot's first: rare)


def test_slots_in_temporary_files_where_memfd_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(name: str, flags: int = 0) -> int:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "memfd_create", refused)
    documents = _documents(60)
    with prepared_batches(documents, 20, PARAMS, CODEC) as batches:
        received = list(batches)
    for first, (_, prepared) in zip(range(0, 60, 20), received):
        assert _same(prepared, prepare(documents[first:first + 20], PARAMS, CODEC))


def test_mapped_slots_go_back_to_the_child_only_once_nothing_views_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe.index.prepare import _Slots

    copied: list[int] = []
    read_out = _Slots._copied
    monkeypatch.setattr(_Slots, "_copied", lambda self, slot, size: copied.append(slot) or read_out(self, slot, size))
    documents = _documents(600)  # 12 batches through 4 slots: the child writes every slot again
    with prepared_batches(documents, 50, PARAMS, CODEC) as batches:
        for batch, prepared in batches:  # each batch dropped once the next is asked for: every one mapped
            assert _same(prepared, prepare(batch, PARAMS, CODEC))
    assert copied == []
    with prepared_batches(documents, 50, PARAMS, CODEC) as batches:
        kept = list(batches)  # every batch still viewed: the child must not write over a mapped one
    assert len(copied) >= len(kept) - HELD - WRITER_BATCHES
    for first, (_batch, prepared) in zip(range(0, 600, 50), kept):
        assert _same(prepared, prepare(documents[first:first + 50], PARAMS, CODEC))


def test_a_batch_described_for_naming_is_what_the_add_names_it_by() -> None:
    """``scan --against --add`` names its batch from the check's fingerprints (:func:`described`): the identities,
    fields, digests and token counts the add's own :func:`prepare` gives, a stdin digest and a text without a word
    among them."""
    docs = [*_documents(30), Document("stdin#00", "", "", "", None, "!!! ...", Origin("-", 3))]
    docs += load_corpus(["-"], stdin=io.BytesIO(b'{"text": "From standard input, keyed by its digest."}')).documents
    full = prepare(docs, PARAMS, CODEC)
    named = described(docs, fingerprint_corpus([d.text for d in docs], PARAMS.ngram).token_counts)
    assert (named.identities, named.fields, named.digests) == (full.identities, full.fields, full.digests)
    assert np.array_equal(named.token_counts, full.token_counts) and 0 in named.token_counts.tolist()
    assert named.texts == [] and named.bands.size == named.passages.size == named.shingles.size == 0
