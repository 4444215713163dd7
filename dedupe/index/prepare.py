"""What ``index add`` computes before it writes a batch: digests, keys, compressed texts, identity keys and
the rows' fields; up to :data:`SLOTS` batches ahead.

Computing a batch (:func:`prepare`: fingerprints, MinHash band keys, passage keys, zstd) costs about as
much as writing it (identity checks, SQLite inserts, segment merges). With two batches or more and
a processor idle (:func:`dedupe.runtime.idle_core`, the rule every fork of the project follows),
:func:`prepared_batches` computes them in a forked child while this process writes the earlier ones, so the
two halves run on two cores. The child pickles each batch (protocol 5, its arrays out of band) into one of
:data:`SLOTS` unlinked temporary files in turn and sends its size down a pipe; the parent reads the slot
back with one ``preadv`` and hands the slot back over a second pipe. Streaming the ~10 MB of a batch down a
pipe instead made each process wait for the other, 64 KiB at a time (0.24 s of the writer's time on Reuters).
The child only reads the documents it inherited and never touches the index file; a parent killed at any
moment leaves it reading an empty pipe or writing into a closed one, and it exits.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import signal
import struct
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import zstandard

from dedupe.corpus.documents import Document
from dedupe.index.keys import DocumentKeys, IndexParams, document_keys, shingle_rows
from dedupe.runtime import idle_core
from dedupe.scan.shingle import I64, Fingerprints, fingerprint_native

# zstd level 1 with one compressor for all texts: Reuters to 55.7% in 0.25 CPU s (level 3: 55.4% in 0.29 s; level
# -1: 77% in 0.15 s, the saving not worth the room and the bytes written); zlib's level 1 takes 1.9 s for
# the same ratio (each call sets up and clears a 256 KB state, more than a short article costs to compress).
ZSTD_LEVEL = 1
#: Batches the child may prepare ahead of the writer (each held in a slot, an unlinked temporary file).
SLOTS = 4
_SIZE = struct.Struct("<Q")


@dataclass(frozen=True)
class PreparedBatch:
    """A batch of documents ready to store.

    Attributes:
        digests: Digest of each text (:func:`digest`).
        token_counts: Tokens of each text (0: nothing worth indexing).
        keys: Band and passage keys, by position in the batch.
        texts: Each text, UTF-8 and zstd-compressed.
        shingles: Stored key of every shingle occurrence, sorted, repeats kept
            (:func:`~dedupe.index.keys.shingle_rows`).
        shingle_docs: Position in the batch of each of ``shingles``.
        identities: Identity key of each document (:func:`identity_key`).
        fields: ``(outlet, title, url, date, origin)`` of each document, as the ``docs`` table stores them.
    """

    digests: list[bytes]
    token_counts: I64
    keys: DocumentKeys
    texts: list[bytes]
    shingles: I64
    shingle_docs: I64
    identities: list[str]
    fields: list[tuple[str, str, str, str, str]]


def digest(data: bytes) -> bytes:
    """The identity of a text (UTF-8 bytes): same digest, same text."""
    return hashlib.blake2b(data, digest_size=16).digest()


def prepare(batch: Sequence[Document], params: IndexParams) -> PreparedBatch:
    """Digests, keys and compressed texts of a batch.

    Args:
        batch: The documents.
        params: The index parameters.

    Returns:
        What the index stores for them.
    """
    raw = [d.text.encode("utf-8") for d in batch]
    prints = _fingerprints([d.text for d in batch], params.ngram)
    compress = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress
    return PreparedBatch([digest(data) for data in raw], prints.token_counts, document_keys(prints, params),
                         [compress(data) for data in raw], *shingle_rows(prints),
                         [identity_key(d) for d in batch],
                         [(d.outlet, d.title, d.url, d.date_text, str(d.origin)) for d in batch])


def identity_key(doc: Document) -> str:
    """The identity of a document across runs: its given id or url (the loader makes either its id), else
    its file's absolute path and line, so ``batch.jsonl`` line 1 of two daily folders are two documents."""
    path, line = doc.origin.path, doc.origin.line
    derived = line is not None and doc.id in (f"{_stem(path)}:{line}", f"{path}:{line}")
    return f"{_absolute(path)}:{line}" if derived and path != "-" else doc.id


@lru_cache(maxsize=1024)
def _stem(path: str) -> str:
    return Path(path).stem


@lru_cache(maxsize=1024)
def _absolute(path: str) -> str:
    return str(Path(path).resolve())


def _fingerprints(texts: list[str], ngram: int) -> Fingerprints:
    """The scan's fingerprints of ``texts`` (:func:`~dedupe.scan.near_dup.fingerprint_corpus` with one worker),
    by the compiled loop where it runs: the scan stage it falls back to imports rapidfuzz, which ``add`` never
    uses otherwise."""
    prints = fingerprint_native(texts, ngram)
    if prints is None:
        from dedupe.scan.near_dup import fingerprint_corpus

        prints = fingerprint_corpus(texts, ngram)
    return prints


@contextmanager
def prepared_batches(documents: Sequence[Document], batch_size: int,
                     params: IndexParams) -> Iterator[Iterator[tuple[Sequence[Document], PreparedBatch]]]:
    """``(batch, prepared)`` for each batch of ``batch_size`` documents, in order, computed up to
    :data:`SLOTS` batches ahead in a forked child when there are two batches or more and a processor is idle
    (see the module docstring).

    Args:
        documents: All documents to add.
        batch_size: Documents per batch.
        params: The index parameters.

    Yields:
        An iterator over the batches; leaving the block stops the child.

    Raises:
        RuntimeError: The child died before sending every batch.
    """
    batches = [documents[first:first + batch_size] for first in range(0, len(documents), batch_size)]
    if len(batches) < 2 or not idle_core():
        yield ((batch, prepare(batch, params)) for batch in batches)
        return
    with _Slots(min(SLOTS, len(batches)), len(batches)) as slots:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            _child(slots, batches, params)
        slots.parent_side()
        try:
            yield ((batch, slots.receive(number)) for number, batch in enumerate(batches))
        finally:
            slots.close()
            os.kill(pid, signal.SIGKILL)  # done, or stopped early: either way the child has nothing left to do
            os.waitpid(pid, 0)


class _Slots:
    """Unlinked temporary files the child writes prepared batches into, in turn, and two pipes: ``ready``
    (child to parent: the size of the batch just written, 8 bytes) and ``free`` (parent to child: one byte
    when a slot's batch has been read and the slot may be written again)."""

    def __init__(self, count: int, batches: int) -> None:
        self.files = [tempfile.TemporaryFile() for _ in range(count)]
        self.batches = batches
        self.ready_read, self.ready_write = os.pipe()
        self.free_read, self.free_write = os.pipe()

    def __enter__(self) -> _Slots:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        for file in self.files:
            file.close()

    def parent_side(self) -> None:
        """Close the ends of the pipes the parent does not use."""
        os.close(self.ready_write)
        os.close(self.free_read)
        self.ready_write = self.free_read = -1

    def close(self) -> None:
        """Close the pipes (the other process then reads an end of file, or fails to write, and stops)."""
        for name in ("ready_read", "ready_write", "free_read", "free_write"):
            if getattr(self, name) >= 0:
                os.close(getattr(self, name))
                setattr(self, name, -1)

    def send(self, number: int, prepared: PreparedBatch) -> None:
        """In the child: write batch ``number`` into its slot once the parent has read the slot's last batch."""
        if number >= len(self.files) and os.read(self.free_read, 1) != b"x":
            raise RuntimeError("the writer stopped")  # its end of the pipe closed: it died or left early
        buffers: list[pickle.PickleBuffer] = []
        head = pickle.dumps(prepared, protocol=5, buffer_callback=buffers.append)
        views = [memoryview(buffer).cast("B") for buffer in buffers]
        sizes = [len(head), *(len(view) for view in views)]
        fd = self.files[number % len(self.files)].fileno()
        written = os.pwritev(fd, [_SIZE.pack(len(sizes)), struct.pack(f"<{len(sizes)}Q", *sizes), head, *views], 0)
        if written != _SIZE.size * (1 + len(sizes)) + sum(sizes):
            raise OSError("short write of a prepared batch")
        _write_all(self.ready_write, _SIZE.pack(written))

    def receive(self, number: int) -> PreparedBatch:
        """In the parent: batch ``number``, read from its slot (which is then free again)."""
        head = _read_all(self.ready_read, _SIZE.size)
        if len(head) != _SIZE.size:
            raise RuntimeError("the process preparing the batches stopped early")
        data = bytearray(_SIZE.unpack(head)[0])
        if os.preadv(self.files[number % len(self.files)].fileno(), [data], 0) != len(data):
            raise RuntimeError("a prepared batch was cut short")
        if number + len(self.files) < self.batches:  # copied out: the child may write the slot's next batch
            _write_all(self.free_write, b"x")
        view = memoryview(data)
        count = _SIZE.unpack_from(view)[0]
        sizes = struct.unpack_from(f"<{count}Q", view, _SIZE.size)
        ends = np.cumsum([_SIZE.size * (1 + count), *sizes]).tolist()
        parts = [view[first:end] for first, end in zip(ends, ends[1:])]
        prepared = pickle.loads(parts[0], buffers=parts[1:])
        if not isinstance(prepared, PreparedBatch):
            raise RuntimeError("a prepared batch was not one")
        return prepared


def _child(slots: _Slots, batches: list[Sequence[Document]], params: IndexParams) -> None:
    """Prepare every batch and put each into its slot; leave with ``os._exit`` (when done, or when the parent
    is gone: its ends of the pipes closed)."""
    status = 1
    try:
        os.close(slots.ready_read)
        os.close(slots.free_write)
        for number, batch in enumerate(batches):
            slots.send(number, prepare(batch, params))
        status = 0
    finally:
        os._exit(status)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_all(fd: int, size: int) -> bytes:
    """``size`` bytes from a pipe, fewer only at its end."""
    parts = []
    while size:
        part = os.read(fd, size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)
