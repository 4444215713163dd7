"""Counts over key ranges of the index's segments: how many rows of a kind fall in each of many ranges of
consecutive keys, below a document or in all (:func:`count_before`), and those rows themselves where few
(:func:`gather`), for the rank queries of :mod:`dedupe.index.ranks`.

Both read each segment that can hold the keys once, chunk by chunk (:func:`~dedupe.index.segments.read_chunks`),
and search every chunk for all the ranges at once (:func:`~dedupe.scan.shingle.key_spans`).
"""

from __future__ import annotations

import sqlite3

import numpy as np

from dedupe.index.keys import DOC_BITS, DOC_MASK
from dedupe.index.segments import SPAN, Reads, positions, read_chunks
from dedupe.scan.shingle import I64, key_spans, sorted_by, sorted_unique


def count_before(db: sqlite3.Connection, kind: int, keys: I64, before: I64, width: int = 1,
                 reads: Reads | None = None) -> I64:
    """How many stored rows of ``kind`` have a key in ``keys[i] .. keys[i] + width - 1`` (in steps of one key)
    and a document ``seq`` below ``before[i]``, for each ``i``.

    Args:
        db: The index connection.
        kind: Kind of keys (:data:`~dedupe.index.segments.SHINGLES`: repeats count).
        keys: Stored keys (low :data:`~dedupe.index.keys.DOC_BITS` bits zero), sorted.
        before: Exclusive bound on the documents counted, per key.
        width: Consecutive keys counted together from each of ``keys``.
        reads: What earlier reads of the same read transaction kept (:class:`~dedupe.index.segments.Reads`).

    Returns:
        The counts.
    """
    counts = np.zeros(keys.size, dtype=np.int64)
    if not keys.size:
        return counts
    reach = np.int64((width - 1) << DOC_BITS)  # from a key to the last key of its range
    ranges: dict[int, list[tuple[I64, I64, I64]]] = {}
    for chunk, base in read_chunks(db, kind, _spread(keys, width), reads):
        if base not in ranges:
            ranges[base] = _ranges_below(keys, np.clip(before - base, 0, SPAN), width)
        for places, first, last in ranges[base]:
            _count_chunk(chunk, places, first, last, reach, counts)
    return counts


def gather(db: sqlite3.Connection, kind: int, keys: I64, width: int, limit: int,
           reads: Reads | None = None) -> tuple[I64, I64, I64]:
    """The stored rows of ``kind`` with a key in ``keys[i] .. keys[i] + width - 1`` (in steps of one key): how
    many for each ``i``, and the rows themselves where they are at most ``limit``, in one read of the segments.

    Args:
        db: The index connection.
        kind: Kind of keys.
        keys: Stored keys, sorted, distinct, their ranges disjoint.
        width: Consecutive keys taken together from each of ``keys``.
        limit: Most rows kept for one of ``keys`` (the others are only counted).
        reads: What earlier reads of the same read transaction kept (:class:`~dedupe.index.segments.Reads`).

    Returns:
        ``(counts, owners, seqs)``: the rows of each of ``keys``; for each row kept, its place in ``keys`` and
        its document's ``seq`` (sorted by owner, then ``seq``).
    """
    counts = np.zeros(keys.size, dtype=np.int64)
    owners, seqs = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    if not keys.size:
        return counts, owners[0], seqs[0]
    reach = np.int64((width - 1) << DOC_BITS)
    last = (keys + reach) | DOC_MASK
    for chunk, base in read_chunks(db, kind, _spread(keys, width), reads):
        lo = int(np.searchsorted(keys, (chunk[0] & ~DOC_MASK) - reach, side="left"))
        hi = int(np.searchsorted(keys, chunk[-1] & ~DOC_MASK, side="right"))
        first, end = key_spans(chunk, keys[lo:hi], last[lo:hi])
        found = end - first
        counts[lo:hi] += found
        kept = np.flatnonzero((found > 0) & (counts[lo:hi] <= limit))
        owners.append(np.repeat(lo + kept, found[kept]))
        seqs.append((chunk[positions(first[kept], end[kept])] & DOC_MASK) + base)
    owner, seq = np.concatenate(owners), np.concatenate(seqs)
    keep = counts[owner] <= limit  # a key's rows past the limit in a later chunk: none of its rows are kept
    owner, seq = owner[keep], seq[keep]
    span = int(seq.max()) + 1 if seq.size else 1
    if keys.size * span >= 1 << 62:  # (owner, seq) does not fit one integer
        order = np.lexsort((seq, owner))
        return counts, owner[order], seq[order]
    # The segments' rows come sorted per segment: one sort of (owner, seq) as one integer orders them all,
    # at a fraction of the cost of a lexsort of the two columns.
    code = sorted_by(owner * span + seq)
    return counts, code // span, code % span


def _spread(keys: I64, width: int) -> I64:
    """Every key of the ranges of ``width`` keys from each of ``keys``, sorted, distinct."""
    return sorted_unique(np.concatenate([keys + np.int64(step << DOC_BITS) for step in range(width)]))


def _ranges_below(keys: I64, limit: I64, width: int) -> list[tuple[I64, I64, I64]]:
    """The key ranges to count in one segment, as ``(places in keys, first, last)``, ``first`` sorted: for a
    key counted in every document of the segment (``limit`` at least its span), one range over its ``width``
    keys; else one per key, below the document offset ``limit``; none where ``limit`` is 0."""
    live = limit > 0
    whole = live & (limit >= SPAN)
    part = np.flatnonzero(live & ~whole)
    reach = np.int64((width - 1) << DOC_BITS)
    spans = np.flatnonzero(live)
    last = np.where(whole[spans], (keys[spans] + reach) | DOC_MASK, keys[spans] | (limit[spans] - 1))
    ranges = [(spans, keys[spans], last)]
    bound = keys[part] | (limit[part] - 1)
    for step in range(1, width):
        shift = np.int64(step << DOC_BITS)
        ranges.append((part, keys[part] + shift, bound + shift))
    return ranges


def _count_chunk(chunk: I64, places: I64, first: I64, last: I64, reach: np.int64, counts: I64) -> None:
    """Add to ``counts[places]`` the rows of ``chunk`` in ``first[i] .. last[i]`` (``first`` sorted; a range
    spans at most ``reach`` beyond its first key)."""
    lo = int(np.searchsorted(first, (chunk[0] & ~DOC_MASK) - reach, side="left"))  # ranges reaching it
    hi = int(np.searchsorted(first, chunk[-1] & ~DOC_MASK, side="right"))
    begins, ends = key_spans(chunk, first[lo:hi], last[lo:hi])
    counts[places[lo:hi]] += ends - begins
