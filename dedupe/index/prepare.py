"""What ``index add`` computes before it writes a batch: digests, keys, compressed texts, identity keys and
the rows' fields; up to :data:`AHEAD` batches ahead, in a thread.

Computing a batch (:func:`prepare`: fingerprints, MinHash band keys, passage keys, zstd) costs about as much as
writing it (identity checks, SQLite inserts, segment merges). With two batches or more and a processor idle
(:func:`dedupe.runtime.idle_core`), :func:`prepared_batches` computes them in a worker thread while this thread
writes the earlier ones. The two share the interpreter lock, but most of either side's time is spent without it:
the compiled loops (``fingerprint``, ``signatures``, the sorts and packed rows of :mod:`dedupe.scan._native`), zstd
and SQLite release it, so on two cores the add runs about as a forked child did, on ~50 ms less processor time:
no copy-on-write faults of the documents both processes touched, no pickled batches (Reuters x1, whole process:
benchmarks/README.md, session 18, indexadd26).
The worker takes batches from the front, in order, :data:`AHEAD` at most ahead of the writer, and leaves their
texts (digests and zstd frames) to the writer, which makes them as it takes each batch (:func:`with_texts`): the
worker, running only Python and compiled loops, is then never the thread the writer waits for after the first
batch, and zstd's frames, made without the lock, overlap the worker's next batch. When the batch to write next is
not ready (the first, while the worker makes it), the writer prepares the last batch nobody took instead of
waiting, :data:`WRITER_BATCHES` of them at most (in memory until their turn), and a worker that fails leaves the
rest to the writer: the batches never depend on it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from dedupe.corpus.documents import Document, date_text_of, origin_parts
from dedupe.index.keys import IndexParams, packed_keys
from dedupe.index.texts import TextCodec, digest
from dedupe.runtime import idle_core, paused_gc
from dedupe.scan.fingerprints import fingerprint_corpus
from dedupe.scan.shingle import I64

#: Batches the worker thread may prepare ahead of the writer (held in memory until the writer takes them).
AHEAD = 4
#: Batches the writer prepares itself while the worker runs (the last ones; see the module docstring).
WRITER_BATCHES = 1


@dataclass(frozen=True)
class PreparedBatch:
    """A batch of documents ready to store.

    Attributes:
        digests: Digest of each text (:func:`~dedupe.index.texts.digest`).
        token_counts: Tokens of each text (0: nothing worth indexing).
        bands: Band keys, each row ``stored key | position in the batch``, sorted
            (:func:`~dedupe.index.keys.packed_keys`).
        passages: Passage keys, the same way.
        shingles: Every shingle occurrence, the same way, repeats kept.
        texts: Each text, UTF-8 and compressed (:meth:`~dedupe.index.texts.TextCodec.compress`).
        identities: Identity key of each document (:func:`identity_key`).
        fields: ``(outlet, title, url, date, origin)`` of each document, as the ``docs`` table stores them.
    """

    digests: list[bytes]
    token_counts: I64
    bands: I64
    passages: I64
    shingles: I64
    texts: list[bytes]
    identities: list[str]
    fields: list[tuple[str, str, str, str, str]]


def prepare(batch: Sequence[Document], params: IndexParams, codec: TextCodec, texts: bool = True) -> PreparedBatch:
    """Digests, keys and compressed texts of a batch.

    Args:
        batch: The documents.
        params: The index parameters.
        codec: How the index compresses its texts.
        texts: Digest and compress the texts (``False``: ``digests`` and ``texts`` left empty, for
            :func:`with_texts` to fill where there is time for them).

    Returns:
        What the index stores for them.
    """
    prints = fingerprint_corpus([d.text for d in batch], params.ngram)
    identities, fields = _described(batch)
    prepared = PreparedBatch([], prints.token_counts, *packed_keys(prints, params), [], identities, fields)
    return with_texts(batch, prepared, codec) if texts else prepared


def _described(batch: Sequence[Document]) -> tuple[list[str], list[tuple[str, str, str, str, str]]]:
    """The identity key (:func:`identity_key`) and the ``docs`` fields of each document, in one pass: its
    origin's text made once for both, neither its ``Origin`` nor its parsed date kept (Reuters, a warm
    process: 0.107 -> 0.075 s)."""
    identities: list[str] = []
    fields: list[tuple[str, str, str, str, str]] = []
    for doc in batch:
        path, line = origin_parts(doc)
        where = path if line is None else f"{path}:{line}"
        identities.append(_identity(doc.id, path, line, where, doc.text))
        fields.append((doc.outlet, doc.title, doc.url, date_text_of(doc), where))
    return identities, fields


def with_texts(batch: Sequence[Document], prepared: PreparedBatch, codec: TextCodec) -> PreparedBatch:
    """``prepared`` with the digests and the texts compressed by ``codec`` that :func:`prepare` left out
    (``texts=False``), both from one UTF-8 encoding of each text."""
    if prepared.texts or not batch:
        return prepared
    raw = [d.text.encode("utf-8") for d in batch]
    return replace(prepared, digests=[digest(data) for data in raw], texts=codec.compress(raw))


def identity_key(doc: Document) -> str:
    """The identity of a document across runs: its given id or url (the loader makes either its id), else
    its file's absolute path and line, so ``batch.jsonl`` line 1 of two daily folders are two documents; read
    from standard input without either, its text's digest (``stdin#`` and :func:`~dedupe.index.texts.digest`
    in hex): a line of stdin is no place that lasts from one run to the next, so two days' ``stdin:1`` are not
    versions of one document."""
    path, line = origin_parts(doc)
    return _identity(doc.id, path, line, path if line is None else f"{path}:{line}", doc.text)


def _identity(doc_id: str, path: str, line: int | None, where: str, text: str) -> str:
    """:func:`identity_key` of a document with this id, origin path and line (``where``: the origin's text)."""
    if path == "-":
        if doc_id == "stdin" or doc_id == f"stdin:{line}":  # the loader's names for a record of stdin
            return "stdin#" + digest(text.encode("utf-8")).hex()
        return doc_id
    if line is None or (doc_id != where and doc_id != f"{_stem(path)}:{line}"):
        return doc_id
    return f"{_absolute(path)}:{line}"


@lru_cache(maxsize=1024)
def _stem(path: str) -> str:
    return Path(path).stem


@lru_cache(maxsize=1024)
def _absolute(path: str) -> str:
    return str(Path(path).resolve())


@contextmanager
def prepared_batches(documents: Sequence[Document], batch_size: int, params: IndexParams,
                     codec: TextCodec) -> Iterator[Iterator[tuple[Sequence[Document], PreparedBatch]]]:
    """``(batch, prepared)`` for each batch of ``batch_size`` documents, in order, computed up to :data:`AHEAD`
    batches ahead in a worker thread, and up to :data:`WRITER_BATCHES` from the back here while the next is not
    ready, when there are two batches or more and a processor is idle (see the module docstring). The cyclic
    garbage collector is paused inside the block.

    Args:
        documents: All documents to add.
        batch_size: Documents per batch.
        params: The index parameters.
        codec: How the index compresses its texts.

    Yields:
        An iterator over the batches; leaving the block stops the worker (after the batch it is preparing).
    """
    batches = [documents[first:first + batch_size] for first in range(0, len(documents), batch_size)]
    # A batch's fields, keys and texts are young objects without cycles, freed by reference counting: the
    # collector's young collections during an add (~50 for Reuters, 5-15 ms of the writer's) walked them for
    # nothing, so it is paused for the whole block (in every thread: the collector is the process').
    with paused_gc():
        if len(batches) < 2 or not idle_core():
            yield ((batch, prepare(batch, params, codec)) for batch in batches)
            return
        with _Worker(batches, params, codec) as worker:
            yield ((batch, with_texts(batch, worker.next_batch(number), codec)) for number, batch in enumerate(batches))


class _Worker:
    """The worker thread of :func:`prepared_batches`, and how it shares the batches with the writer.

    The worker takes batches from the front, in order (``front``: the next one), :data:`AHEAD` at most past the
    writer's; the writer, when the batch it must write next is not ready, prepares the last batch nobody took
    (``back``: its earliest). Both take a batch under one lock (:attr:`changed`) and prepare it outside it, so
    no batch is prepared twice; every batch is made by :func:`prepare` either way, so the batches are the same
    whoever makes them.

    Args:
        batches: The batches, in order.
        params: The index parameters.
        codec: How the index compresses its texts (the writer's batches from the back are made with their texts).
    """

    def __init__(self, batches: list[Sequence[Document]], params: IndexParams, codec: TextCodec) -> None:
        self.batches, self.params, self.codec = batches, params, codec
        self.changed = threading.Condition()  # notified whenever a batch is taken or made, or the worker stops
        self.front, self.back = 0, len(batches)
        self.ready: dict[int, PreparedBatch] = {}  # made, not yet taken by the writer
        self.taken = 0  # batches the writer took so far (in order: the next it asks for)
        self.helped = 0  # batches the writer took from the back
        self.stopping = self.gone = False
        self._thread = threading.Thread(target=self._run, name="dedupe-index-prepare")

    def __enter__(self) -> _Worker:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()
        self._thread.join()

    def _run(self) -> None:
        """In the worker: prepare (without texts) each batch :meth:`_take` gives, until it gives none."""
        try:
            while (number := self._take()) is not None:
                prepared = prepare(self.batches[number], self.params, self.codec, texts=False)
                with self.changed:
                    self.ready[number] = prepared
                    self.changed.notify_all()
        except Exception:  # the writer prepares the batches left itself (next_batch), and meets the error there
            pass
        finally:
            with self.changed:
                self.gone = True
                self.changed.notify_all()

    def _take(self) -> int | None:
        """In the worker: the next batch from the front, once fewer than :data:`AHEAD` wait for the writer;
        ``None`` when the writer took it (or stops the worker)."""
        with self.changed:
            while not self.stopping and self.front < self.back and self.front - self.taken >= AHEAD:
                self.changed.wait()
            if self.stopping or self.front >= self.back:
                return None
            self.front += 1
            return self.front - 1

    def next_batch(self, number: int) -> PreparedBatch:
        """In the writer: batch ``number`` (the batches are asked for in order), from the worker or prepared here
        (see :meth:`_claim`)."""
        while True:
            with self.changed:
                mine = None
                while number not in self.ready and (mine := self._claim(number)) is None:
                    self.changed.wait()
                if mine is None:
                    self.taken += 1
                    self.changed.notify_all()
                    return self.ready.pop(number)
            prepared = prepare(self.batches[mine], self.params, self.codec)
            with self.changed:
                self.ready[mine] = prepared

    def _claim(self, number: int) -> int | None:
        """The batch the writer prepares itself, now that batch ``number`` is not ready, taken under the lock:
        ``number`` when the worker did not take it or has stopped, else the last batch nobody took if it comes
        after ``number`` and the writer took fewer than :data:`WRITER_BATCHES` from the back; ``None``: wait."""
        if number >= self.front or self.gone:
            self.front = max(self.front, number + 1)
            return number
        last = self.back - 1
        if last <= number or last < self.front or self.helped >= WRITER_BATCHES:
            return None
        self.back, self.helped = last, self.helped + 1
        return last
