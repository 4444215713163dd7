"""Step 1 of the scan: the fingerprints (tokens and word shingles) of a whole corpus, in batches.

The compiled loop (:mod:`dedupe.native`) fingerprints the texts in one pass where it is built (in two
threads where a second processor is free); otherwise numpy fingerprints batches of about
:data:`_BATCH_CHARS` characters (:func:`~dedupe.scan.shingle.fingerprint`), on a pool of processes only when
``workers`` asks for one, and a forked child takes the later half of the batches of a large corpus where
``fork`` allows it. The result is the same in every case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

import numpy as np

from dedupe.runtime import ForkedCall, SharedArrays, can_fork
from dedupe.scan.config import ScanConfig
from dedupe.scan.shingle import I64, Fingerprints, fingerprint, fingerprint_native

T = TypeVar("T")
# Batches hold about _BATCH_CHARS characters (the same batches whatever the number of workers); batches
# this small keep numpy's temporaries in the processor's cache: fingerprinting is twice as fast as with 1 M.
# Fingerprinting runs on one process unless ScanConfig.workers says otherwise: on the 10x Reuters corpus
# (benchmarks/README.md, scan) a pool of two took 0.5 / 1.3 / 3.6 s at 47 k / 95 k / 190 k documents,
# one process 0.4 / 0.5 / 1.1 s (pickling the texts out and the shingles back, in chunks that grow
# with the corpus, costs more than the second core saves).
_BATCH_CHARS = 100_000


def fingerprint_workers(config: ScanConfig) -> int:
    """Processes for fingerprinting: ``config.workers``, else one (see :data:`_BATCH_CHARS`)."""
    return config.workers if config.workers is not None else 1


def fingerprint_corpus(texts: Sequence[str], ngram: int, workers: int = 1, fork: bool = False) -> Fingerprints:
    """Fingerprint texts in batches of about :data:`_BATCH_CHARS` characters, on ``workers`` processes.

    Args:
        texts: Document texts.
        ngram: Tokens per shingle.
        workers: Processes; the batches and so the result are the same for any number.
        fork: With one worker, a forked child fingerprints the later half of the batches meanwhile (the
            result is the same; the child inherits the texts without copying and sends back arrays).

    Returns:
        The shingles of all texts, in order (by the compiled loop where it is built:
        :func:`~dedupe.scan.shingle.fingerprint_native`, in two threads where ``fork`` or ``workers`` allow
        a second processor).
    """
    prints = fingerprint_native(texts, ngram, threads=2 if fork or workers > 1 else 1)
    if prints is not None:
        return prints
    batches = text_batches(texts, texts)
    capacity = sum(map(len, texts))  # a token holds a character at least, a shingle starts at a token
    if fork and workers == 1 and len(batches) > 1 and can_fork():
        return _concatenate(_forked_parts(batches, ngram), ngram, capacity)
    if workers > 1 and len(batches) > 1:
        import multiprocessing  # here: a pool runs only when workers ask for one
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunk = max(1, len(batches) // (4 * workers))
            return _concatenate(pool.map(fingerprint, batches, [ngram] * len(batches), chunksize=chunk), ngram,
                                capacity)
    return _concatenate((fingerprint(batch, ngram) for batch in batches), ngram, capacity)


def _forked_parts(batches: list[list[str]], ngram: int) -> Iterator[Fingerprints]:
    """The fingerprints of the batches, the first half here, the later half from a forked child (done here
    if the child fails). The child copies its arrays into anonymous shared memory mapped before the fork
    and sends only their lengths: a fifth of the cost of sending 20 MB through the pipe."""
    half = len(batches) // 2
    texts, characters = sum(map(len, batches[half:])), sum(len(text) for batch in batches[half:] for text in batch)
    # Lengths bound the arrays: a document's tokens and shingles each start at one of its characters.
    shared = SharedArrays((np.int64, np.int64, np.uint64, np.int32, np.int32),
                           (texts, texts + 1, characters, characters, characters))

    def later() -> bytes:
        prints = _concatenate((fingerprint(batch, ngram) for batch in batches[half:]), ngram, characters)
        return shared.put((prints.token_counts, prints.offsets, prints.shingles, prints.token_starts,
                           prints.token_ends))

    with ForkedCall(later) as child:
        yield from (fingerprint(batch, ngram) for batch in batches[:half])
        lengths = child.result()
    if lengths is None:
        yield from (fingerprint(batch, ngram) for batch in batches[half:])
    else:
        yield Fingerprints(ngram, *shared.get(lengths))


def text_batches(texts: Sequence[str], items: Sequence[T]) -> list[list[T]]:
    """``items`` cut into consecutive batches whose ``texts`` hold about :data:`_BATCH_CHARS` characters:
    a batch ends with the item that brings it to :data:`_BATCH_CHARS` or more."""
    ends = np.cumsum(np.array(list(map(len, texts)), dtype=np.int64))
    cuts = [0]
    while cuts[-1] < len(items):
        before = int(ends[cuts[-1] - 1]) if cuts[-1] else 0
        cuts.append(int(np.searchsorted(ends, before + _BATCH_CHARS, side="left")) + 1)
    cuts[-1] = min(cuts[-1], len(items))
    return [list(items[a:b]) for a, b in zip(cuts, cuts[1:])]


def _concatenate(parts: Iterable[Fingerprints], ngram: int, capacity: int) -> Fingerprints:
    """The parts one after another, copied as they come into arrays of ``capacity`` (at least the total
    of tokens) trimmed at the end: each part is freed once copied, so its memory serves the next one
    instead of fresh pages (each costs a page fault)."""
    shingles = np.empty(capacity, dtype=np.uint64)
    token_starts, token_ends = np.empty(capacity, dtype=np.int32), np.empty(capacity, dtype=np.int32)
    shingle_counts: list[I64] = []
    token_counts: list[I64] = []
    filled, tokens = 0, 0
    for part in parts:
        size, length = part.shingles.size, part.token_starts.size
        shingles[filled:filled + size] = part.shingles
        token_starts[tokens:tokens + length] = part.token_starts
        token_ends[tokens:tokens + length] = part.token_ends
        shingle_counts.append(np.diff(part.offsets))
        token_counts.append(part.token_counts)
        filled, tokens = filled + size, tokens + length
    if not token_counts:
        return fingerprint([], ngram)
    for array, used in ((shingles, filled), (token_starts, tokens), (token_ends, tokens)):
        array.resize(used, refcheck=False)  # realloc: gives back the pages never touched, copies nothing
    counts = np.concatenate(shingle_counts)
    return Fingerprints(ngram, np.concatenate(token_counts), np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
                        shingles, token_starts, token_ends)
