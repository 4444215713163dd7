"""What ``index add`` computes before it writes a batch: digests, keys, compressed texts, identity keys and
the rows' fields; up to :data:`SLOTS` batches ahead.

Computing a batch (:func:`prepare`: fingerprints, MinHash band keys, passage keys, zstd) costs about as
much as writing it (identity checks, SQLite inserts, segment merges). With two batches or more and
a processor idle (:func:`dedupe.runtime.idle_core`, the rule every fork of the project follows),
:func:`prepared_batches` computes them in a forked child while this process writes the earlier ones, so the
two halves run on two cores. The child pickles each batch (protocol 5, its arrays out of band) into one of
:data:`SLOTS` unlinked temporary files and sends its number, slot and size down a pipe; the parent maps the
slot (shared, each slot's mapping kept from batch to batch: the batch's arrays are views of the child's pages,
no copy) and hands the slot back over a
second pipe once nothing views it, :data:`HELD` slots at most (a batch received while it holds as many is read
out with one ``preadv``; reading every batch into a fresh ``bytearray`` cost the writer ~40 ms and ~10 k page
faults on Reuters: zero-filled, then copied over). The child takes batches from the
front; when the batch to write next is not ready, the writer prepares the last batch nobody took
instead of waiting, :data:`WRITER_BATCHES` of them at most (in memory until their turn), and a child that
dies leaves the rest to the writer: the batches never depend on it. The cap keeps the two processes even:
since the compiled sorts, preparing a batch costs less than writing it (identity lookups, inserts, merges,
checkpoints), and a writer that prepared whenever it would wait (4 of Reuters' 10 batches) was the process
the add waited for (Reuters, CPU seconds: writer 0.93, child 0.42; with one batch, taken while the child
makes its first, 0.80 and 0.56).
Streaming the ~10 MB of a batch down a pipe instead made each process wait for the other, 64 KiB at a time
(0.24 s of the writer's time on Reuters).
The texts (their digests and zstd frames, ~15 ms a batch) go to whichever process has the time: the child
makes them only while the writer has yet to receive a batch sent before (:meth:`_Slots.writer_behind`: the
batch would wait in its slot anyway) and for the last batch it takes (:meth:`_Slots.last_taken`: it is idle
after it, while the writer still writes it and its own), and leaves them to the writer otherwise, which makes
them as it receives the batch (:func:`with_texts`; the same digests and frames). A child that made them unless
the writer was waiting at that moment (session 12) was, on an idle machine, the process the writer then waited
for: each batch reached a writer that had just finished the last one (Reuters, whole process, own autogroup at
nice -20: wall median 0.92 -> 0.85 s, writer CPU 0.69 -> 0.70, children 0.40 -> 0.36).
The child only reads the documents it inherited and never touches the index file; a parent killed at any
moment leaves it reading an empty pipe or writing into a closed one, and it exits.
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import signal
import struct
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from dedupe.corpus.documents import Document, date_text_of, origin_parts
from dedupe.index.keys import IndexParams, packed_keys
from dedupe.index.texts import TextCodec, digest
from dedupe.native import native
from dedupe.runtime import idle_core, paused_gc, shared_file
from dedupe.scan.fingerprints import fingerprint_corpus
from dedupe.scan.shingle import I64, fingerprint_native

#: Batches the child may prepare ahead of the writer (each held in a slot, an unlinked temporary file).
SLOTS = 4
#: Start of the identity key of a record of stdin without id or url, its text's digest in hex following.
STDIN_KEY = "stdin#"
#: Batches the writer prepares itself while the child runs (the last ones; see the module docstring).
WRITER_BATCHES = 1
#: Slots the writer may hold mapped at once (the batch it writes and the next); a batch received while it holds
#: as many is copied out, so the child always has slots to write into, whatever the caller keeps.
HELD = 2
_TEXT = "text"  # the field of a Document that holds its text (read by the compiled loops: see with_texts)
_SIZE = struct.Struct("<Q")
_MESSAGE = struct.Struct("<QQQ")  # batch number, slot, size
# The fields of the page the two processes share (:class:`_Slots`): one past the child's latest batch, the writer's
# earliest batch, and how many batches the writer received from the child.
_SHARED = ("front", "back", "received")


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
    prints = fingerprint_native(batch, params.ngram, field=_TEXT)  # (see with_texts)
    if prints is None:  # no compiled loops, or a character beyond the Basic Multilingual Plane
        prints = fingerprint_corpus([d.text for d in batch], params.ngram)
    identities, fields = _described(batch)
    prepared = PreparedBatch([], prints.token_counts, *packed_keys(prints, params), [], identities, fields)
    return with_texts(batch, prepared, codec) if texts else prepared


def described(batch: Sequence[Document], token_counts: I64) -> PreparedBatch:
    """What :meth:`~dedupe.index.store.Index.names` reads of a batch to name its documents, without its keys:
    the identities, fields and digests, and ``token_counts`` (the batch's, from fingerprints made elsewhere:
    ``scan --against --add`` names the batch from the check's own).

    Args:
        batch: The documents.
        token_counts: Tokens of each text, as :func:`~dedupe.scan.fingerprints.fingerprint_corpus` counts them.

    Returns:
        A batch with no keys and no texts: to name, never to store.
    """
    identities, fields = _described(batch)
    none = np.zeros(0, dtype=np.int64)
    digests = _digests(batch, identities, [d.text.encode("utf-8") for d in batch])
    return PreparedBatch(digests, token_counts, none, none, none, [], identities, fields)


def _described(batch: Sequence[Document]) -> tuple[list[str], list[tuple[str, str, str, str, str]]]:
    """The identity key (:func:`identity_key`) and the ``docs`` fields of each document, in one pass: its
    origin's text made once for both, neither its ``Origin`` nor its parsed date kept (Reuters, a warm
    process: 0.107 -> 0.075 s)."""
    identities: list[str] = []
    fields: list[tuple[str, str, str, str, str]] = []
    for doc in batch:
        path, line = origin_parts(doc)
        where = path if line is None else f"{path}:{line}"
        identities.append(_identity(doc, path, line, where))
        fields.append((doc.outlet, doc.title, doc.url, date_text_of(doc), where))
    return identities, fields


def with_texts(batch: Sequence[Document], prepared: PreparedBatch, codec: TextCodec) -> PreparedBatch:
    """``prepared`` with the digests and the texts compressed by ``codec`` that :func:`prepare` left out
    (``texts=False``), both from one UTF-8 encoding of each text.

    Here and in :func:`prepare` the compiled loops read each document's text where it is built (its ``__dict__``,
    no reference taken: :func:`~dedupe.scan.shingle.fingerprint_native`), and nothing else reads one but a stdin
    record's identity: a reference taken writes the text's count, and the batch child and the writer, which share
    the texts' pages since the fork, would copy them (Reuters x1: ~4.5 k page faults, each a 4 KiB copy;
    benchmarks/README.md, session 20)."""
    if prepared.texts or not batch:
        return prepared
    raw = _encoded(batch)
    return replace(prepared, digests=_digests(batch, prepared.identities, raw), texts=codec.compress(raw))


def _encoded(batch: Sequence[Document]) -> list[bytes]:
    """Each document's text in UTF-8 (see :func:`with_texts`)."""
    compiled = native()
    if compiled is None:
        return [d.text.encode("utf-8") for d in batch]
    return compiled.utf8_texts(batch if isinstance(batch, (list, tuple)) else list(batch), _TEXT)


def _digests(batch: Sequence[Document], identities: Sequence[str], raw: Sequence[bytes]) -> list[bytes]:
    """The digest of each text (``raw``: the texts in UTF-8); a record of stdin whose identity is its digest
    (:func:`identity_key`) has it read back from the key, not computed a second time."""
    # A key made of the digest is the only one that starts with STDIN_KEY and differs from the id: the others are
    # the id itself or an absolute path and line. (The document is read only then: see with_texts.)
    return [bytes.fromhex(key[len(STDIN_KEY):]) if key.startswith(STDIN_KEY) and key != batch[i].id else digest(data)
            for i, (key, data) in enumerate(zip(identities, raw))]


def identity_key(doc: Document) -> str:
    """The identity of a document across runs: its given id or url (the loader makes either its id), else
    its file's absolute path and line, so ``batch.jsonl`` line 1 of two daily folders are two documents; read
    from standard input without either, its text's digest (``stdin#`` and :func:`~dedupe.index.texts.digest`
    in hex): a line of stdin is no place that lasts from one run to the next, so two days' ``stdin:1`` are not
    versions of one document."""
    path, line = origin_parts(doc)
    return _identity(doc, path, line, path if line is None else f"{path}:{line}")


def _identity(doc: Document, path: str, line: int | None, where: str) -> str:
    """:func:`identity_key` of a document with this origin path and line (``where``: the origin's text); its text
    read only for a record of stdin (see :func:`with_texts`)."""
    doc_id = doc.id
    if path == "-":
        if doc_id == "stdin" or doc_id == f"stdin:{line}":  # the loader's names for a record of stdin
            return STDIN_KEY + digest(doc.text.encode("utf-8")).hex()
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
    """``(batch, prepared)`` for each batch of ``batch_size`` documents, in order, computed up to
    :data:`SLOTS` batches ahead in a forked child, and up to :data:`WRITER_BATCHES` from the back here while
    the next is not ready, when there are two batches or more and a processor is idle (see the module
    docstring). The cyclic garbage collector is paused inside the block.

    Args:
        documents: All documents to add.
        batch_size: Documents per batch.
        params: The index parameters.
        codec: How the index compresses its texts (the child uses the one it inherits).

    Yields:
        An iterator over the batches; leaving the block stops the child.
    """
    batches = [documents[first:first + batch_size] for first in range(0, len(documents), batch_size)]
    # A batch's fields, keys and pickles are young objects without cycles, freed by reference counting: the
    # collector's young collections during an add (~50 for Reuters, 5-15 ms of the writer's) walked them for
    # nothing, so it is paused for the whole block, here and (paused before the fork) in the child.
    with paused_gc():
        if len(batches) < 2 or not idle_core():
            yield ((batch, prepare(batch, params, codec)) for batch in batches)
            return
        with _forked(batches, params, codec) as prepared:
            yield prepared


@contextmanager
def _forked(batches: list[Sequence[Document]], params: IndexParams,
            codec: TextCodec) -> Iterator[Iterator[tuple[Sequence[Document], PreparedBatch]]]:
    """:func:`prepared_batches` by a forked child and the writer (see the module docstring)."""
    with _Slots(min(SLOTS, len(batches)), len(batches)) as slots:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            _child(slots, batches, params, codec)
        slots.parent_side()
        try:
            yield ((batch, with_texts(batch, slots.next_batch(number, batches, params, codec), codec))
                   for number, batch in enumerate(batches))
        finally:
            slots.close()
            os.kill(pid, signal.SIGKILL)  # done, or stopped early: either way the child has nothing left to do
            os.waitpid(pid, 0)


class _Slots:
    """How the child hands prepared batches to the writer, and how the two share the batches.

    * Slots: unlinked temporary files the child writes batches into, one a slot; ``ready`` (a pipe, child to
      parent) carries ``(batch number, slot, size)`` of each batch written, ``free`` (parent to child) the
      number of each slot the parent is done with (:meth:`_release`), which the child may write again.
    * Sharing: the child takes batches from the front, in order; the writer, when the batch it must write
      next is not ready, prepares the last batch nobody took (:meth:`next_batch`). Each announces what it
      takes in a shared page (``front``: one past the child's latest batch; ``back``: the writer's earliest)
      before it looks at the other's; when both take the same batch, the writer drops the child's copy.
      Every batch is made by :func:`prepare` either way, so the batches are the same whoever makes them.
    """

    def __init__(self, count: int, batches: int) -> None:
        self.files = [shared_file("dedupe-index-slot") for _ in range(count)]
        self.batches = batches
        self.ready_read, self.ready_write = os.pipe()
        self.free_read, self.free_write = os.pipe()
        self.shared = mmap.mmap(-1, len(_SHARED) * _SIZE.size)  # anonymous, shared: the child sees the writer's writes
        self._set("back", batches)
        self.held: dict[int, weakref.ref[np.ndarray]] = {}  # slots whose batch is viewed here (:meth:`_mapped`)
        self.maps: dict[int, mmap.mmap] = {}  # each slot's file mapped here, kept from batch to batch (:meth:`_map`)
        self.own: dict[int, PreparedBatch] = {}  # batches the writer prepared itself, not yet written
        self.helped = 0  # batches the writer took from the back while the child ran
        self.child_gone = False

    def __enter__(self) -> _Slots:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        self.maps.clear()  # each unmapped once no batch views it
        for file in self.files:
            file.close()
        self.shared.close()

    def _get(self, name: str) -> int:
        return int(_SIZE.unpack_from(self.shared, _SHARED.index(name) * _SIZE.size)[0])

    def _set(self, name: str, value: int) -> None:
        _SIZE.pack_into(self.shared, _SHARED.index(name) * _SIZE.size, value)

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

    def take(self, number: int) -> bool:
        """In the child: take batch ``number`` unless the writer took it (or a later one) already."""
        self._set("front", number + 1)
        return number < self._get("back")

    def writer_behind(self, sent: int) -> bool:
        """In the child: whether the writer has yet to receive a batch sent before (``sent``: how many the child
        sent): it then writes that one first, and the batch sent next waits in its slot anyway."""
        return self._get("received") < sent

    def last_taken(self, number: int) -> bool:
        """In the child: whether batch ``number`` is the last it takes (the writer took the next, or there is none):
        its texts then cost no batch of the child's, and the writer has its own batches left to write."""
        return number + 1 >= min(self._get("back"), self.batches)

    def send(self, number: int, prepared: PreparedBatch, free: list[int]) -> None:
        """In the child: write batch ``number`` into a free slot (``free``: those known free; else wait for one)."""
        if not free:
            got = os.read(self.free_read, 1)
            if not got:
                raise RuntimeError("the writer stopped")  # its end of the pipe closed: it died or left early
            free.append(got[0])
        slot = free.pop()
        buffers: list[pickle.PickleBuffer] = []
        head = pickle.dumps(prepared, protocol=5, buffer_callback=buffers.append)
        views = [memoryview(buffer).cast("B") for buffer in buffers]
        sizes = [len(head), *(len(view) for view in views)]
        parts: list[bytes | memoryview] = [_SIZE.pack(len(sizes)), struct.pack(f"<{len(sizes)}Q", *sizes), head,
                                           *views]
        size, fd = sum(map(len, parts)), self.files[slot].fileno()
        if os.fstat(fd).st_size < size:  # a quarter more room: the next batches in this slot fit the writer's mapping
            os.ftruncate(fd, size + size // 4)  # (:meth:`_map`), which a longer one would make it map again
        written = os.pwritev(fd, parts, 0)  # (into a mapping of its own: a page fault a page of each slot, 5 k more)
        if written != size:
            raise OSError("short write of a prepared batch")
        _write_all(self.ready_write, _MESSAGE.pack(number, slot, written))

    def next_batch(self, number: int, batches: list[Sequence[Document]], params: IndexParams,
                   codec: TextCodec) -> PreparedBatch:
        """In the parent: batch ``number``, from the child or prepared here (while it is not ready, or
        when the child stopped: the batches never depend on the child)."""
        while number not in self.own:
            if self.child_gone or select.select([self.ready_read], [], [], 0)[0] or not self._help(number):
                message = self._receive()
                if message is None:
                    self.child_gone = True
                    self.own[number] = prepare(batches[number], params, codec)
                elif message[0] == number:
                    return message[1]
                continue
            last = self._get("back")
            self.own[last] = prepare(batches[last], params, codec)
        return self.own.pop(number)

    def _help(self, number: int) -> bool:
        """Take the last batch nobody took, if it is later than ``number`` and the writer took fewer than
        :data:`WRITER_BATCHES` so far; whether one was taken."""
        last = self._get("back") - 1
        if last <= number or last < self._get("front") or self.helped >= WRITER_BATCHES:
            return False
        self._set("back", last)
        self.helped += 1
        return True  # the child may have taken it meanwhile too: its copy is then dropped (next_batch)

    def _receive(self) -> tuple[int, PreparedBatch] | None:
        """The next batch the child wrote and its number; ``None`` when the child is gone."""
        head = _read_all(self.ready_read, _MESSAGE.size)
        if len(head) != _MESSAGE.size:
            return None
        self._set("received", self._get("received") + 1)
        number, slot, size = _MESSAGE.unpack(head)
        self._release()
        view = memoryview(self._mapped(slot, size) if len(self.held) < HELD else self._copied(slot, size))
        count = _SIZE.unpack_from(view)[0]
        sizes = struct.unpack_from(f"<{count}Q", view, _SIZE.size)
        ends = np.cumsum([_SIZE.size * (1 + count), *sizes]).tolist()
        parts = [view[first:end] for first, end in zip(ends, ends[1:])]
        prepared = pickle.loads(parts[0], buffers=parts[1:])
        if not isinstance(prepared, PreparedBatch):
            raise RuntimeError("a prepared batch was not one")
        return number, prepared

    def _mapped(self, slot: int, size: int) -> memoryview:
        """The slot's first ``size`` bytes, a view of its mapping (:meth:`_map`: the batch's arrays view the child's
        pages, no copy); the slot goes back to the child once nothing views this array (a new one each batch)."""
        if os.fstat(self.files[slot].fileno()).st_size < size:
            raise RuntimeError("a prepared batch was cut short")
        data = np.frombuffer(self._map(slot, size), dtype=np.uint8, count=size)
        self.held[slot] = weakref.ref(data)
        return data.data  # a memoryview of ``data``: its slices, and the arrays made of them, keep ``data`` alive

    def _map(self, slot: int, size: int) -> mmap.mmap:
        """The slot's whole file mapped, shared (what the child writes there, this process reads), ``size`` bytes at
        least: the mapping of its last batch when it is as long, so that the pages it mapped stay mapped. A mapping a
        batch (copy on write, unmapped once the batch was written) cost the writer a page fault every 16 pages of the
        slot and an unmap each batch (Reuters x1: ~3 % of its processor time from the fork on; session 20)."""
        mapping = self.maps.get(slot)
        if mapping is None or len(mapping) < size:
            mapping = self.maps[slot] = mmap.mmap(self.files[slot].fileno(), 0)  # the child's file, as long as it is
        return mapping

    def _copied(self, slot: int, size: int) -> bytearray:
        """The slot's first ``size`` bytes copied out; the slot goes back to the child at once."""
        data = bytearray(size)
        if os.preadv(self.files[slot].fileno(), [data], 0) != size:
            raise RuntimeError("a prepared batch was cut short")
        self._free(slot)
        return data

    def _release(self) -> None:
        """Hand back to the child every held slot nothing views any more (its batch was written and dropped)."""
        for slot, mapping in list(self.held.items()):
            if mapping() is None:
                del self.held[slot]
                self._free(slot)

    def _free(self, slot: int) -> None:
        try:
            _write_all(self.free_write, bytes([slot]))  # the child may write the slot again
        except BrokenPipeError:  # the child is done
            pass


def _child(slots: _Slots, batches: list[Sequence[Document]], params: IndexParams, codec: TextCodec) -> None:
    """Prepare the batches from the front, in order, until one the writer took, and put each into a slot;
    leave with ``os._exit`` (when done, or when the parent is gone: its ends of the pipes closed)."""
    status = 1
    try:
        os.close(slots.ready_read)
        os.close(slots.free_write)
        free = list(range(len(slots.files)))
        for number, batch in enumerate(batches):
            if not slots.take(number):
                break
            prepared = prepare(batch, params, codec, texts=False)  # the writer makes the texts as it receives it...
            if slots.writer_behind(number) or slots.last_taken(number):
                prepared = with_texts(batch, prepared, codec)  # ... unless a batch sent before waits for it, or the
                # child has nothing left to do after this batch: then here
            slots.send(number, prepared, free)
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
