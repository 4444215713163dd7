"""What ``index add`` computes before it writes a batch: digests, keys, compressed texts; one batch ahead.

Computing a batch (:func:`prepare`: fingerprints, MinHash band keys, passage keys, zstd) costs about as
much as writing it (identity checks, SQLite inserts, segment merges). With two batches or more and
a processor idle (:func:`dedupe.runtime.idle_core`, the rule every fork of the project follows),
:func:`prepared_batches` computes them in a forked child that streams each result
down a pipe while this process writes the previous one, so the two halves run on two cores. The child only
reads the documents it inherited and never touches the index file; a parent killed at any moment leaves
it writing into a closed pipe, and it exits.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import signal
import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import zstandard

from dedupe.corpus.documents import Document
from dedupe.index.keys import DocumentKeys, IndexParams, document_keys, shingle_rows
from dedupe.runtime import idle_core
from dedupe.scan.shingle import I64, Fingerprints, fingerprint_native

# zstd level 1 with one compressor for all texts: Reuters to 55.7% in 0.25 CPU s (level 3: 55.4% in 0.29 s; level
# -1: 77% in 0.15 s, the saving not worth the room and the bytes written); zlib's level 1 takes 1.9 s for
# the same ratio (each call sets up and clears a 256 KB state, more than a short article costs to compress).
ZSTD_LEVEL = 1
_LENGTH = struct.Struct("<Q")


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
    """

    digests: list[bytes]
    token_counts: I64
    keys: DocumentKeys
    texts: list[bytes]
    shingles: I64
    shingle_docs: I64


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
                         [compress(data) for data in raw], *shingle_rows(prints))


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
    """``(batch, prepared)`` for each batch of ``batch_size`` documents, in order, computed one batch ahead
    in a forked child when there are two batches or more and a processor is idle (see the module docstring).

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
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        _child(read_end, write_end, batches, params)
    os.close(write_end)
    source = os.fdopen(read_end, "rb")
    try:
        yield ((batch, _receive(source)) for batch in batches)
    finally:
        source.close()
        os.kill(pid, signal.SIGKILL)  # done, or stopped early: either way the child has nothing left to do
        os.waitpid(pid, 0)


def _child(read_end: int, write_end: int, batches: list[Sequence[Document]], params: IndexParams) -> None:
    """Prepare every batch and send each down the pipe (length, then pickle); leave with ``os._exit``."""
    status = 1
    try:
        os.close(read_end)
        with os.fdopen(write_end, "wb") as out:
            for batch in batches:
                payload = pickle.dumps(prepare(batch, params), protocol=pickle.HIGHEST_PROTOCOL)
                out.write(_LENGTH.pack(len(payload)))
                out.write(payload)
                out.flush()
        status = 0
    finally:
        os._exit(status)


def _receive(source: BinaryIO) -> PreparedBatch:
    """The next batch from the child."""
    head = source.read(_LENGTH.size)
    prepared = pickle.loads(source.read(_LENGTH.unpack(head)[0])) if len(head) == _LENGTH.size else None
    if not isinstance(prepared, PreparedBatch):
        raise RuntimeError("the process preparing the batches stopped early")
    return prepared
