"""Where each shingle of a checked corpus stands among the places of its hash in all of history.

The scan's passage search (:func:`dedupe.scan.passages.shared_runs`) links each place of a shingle only
to the ``fanout`` (4) places of the same hash group just before it in the *whole* corpus. ``scan --against``
scans only part of history (the stored documents that share keys with the batch, and the batch), so it
gives the scan each place's **rank** in ``history + batch``: the number of places of its hash group before
it there. Two places then link only if their ranks are at most ``fanout`` apart, exactly the links the full
rescan makes between them, whatever documents were left out.

A rank is the stored shingle occurrences of the group in documents ingested before the place's document
(:meth:`dedupe.index.store.Index.count_before`, over the ``SHINGLES`` segments), plus the places of the
group before it in its own document; for a batch document, every stored occurrence plus the places before
it in the batch. The group is what the rescan sorts by: the hash without its low
:func:`~dedupe.scan.passages.group_bits` bits, which depend on the size of ``history + batch``.

**Limit**: the index keeps the top :data:`~dedupe.index.keys.KEY_BITS` bits of each hash. Below about
16 M shingles (``group_bits`` under 24) the rescan's groups are finer than that, and two different
shingles that agree on those 40 bits are counted together: a rank can then be too high where such a
pair falls in one corpus (about one pair of distinct shingles in 10 M agrees so).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dedupe.index.keys import DOC_BITS, IndexParams, stored_keys
from dedupe.index.store import Index
from dedupe.scan.passages import group_bits
from dedupe.scan.shingle import I64, Fingerprints

#: ``before`` bound of a batch document: after every stored document.
_AFTER_ALL = np.iinfo(np.int64).max


def link_ranks(index: Index, seqs: I64, params: IndexParams) -> Callable[[Fingerprints], I64]:
    """The ranks of the shingles of ``history + batch`` (see the module docstring), as :func:`scan` asks.

    Args:
        index: The open index, inside the snapshot the history was read from.
        seqs: ``seq`` of the stored documents at the head of the scanned corpus, in order; the documents
            after them are the batch.
        params: The index parameters.

    Returns:
        A function of the scanned corpus' fingerprints giving each shingle's rank.
    """
    documents, shingles = index.shingle_count()

    def ranks(prints: Fingerprints) -> I64:
        batch_shingles = int(prints.offsets[-1] - prints.offsets[seqs.size])
        batch_docs = prints.token_counts.size - seqs.size
        low = group_bits(shingles + batch_shingles, documents + batch_docs, params.min_words, params.ngram)
        return _ranks(index, prints, seqs, low)

    return ranks


def _ranks(index: Index, prints: Fingerprints, seqs: I64, low: int) -> I64:
    """Ranks of the shingles of ``prints`` in groups of hashes equal above their ``low`` bits."""
    count = prints.shingles.size
    ranks = np.zeros(count, dtype=np.int64)
    if not count:
        return ranks
    mask = np.uint64((1 << low) - 1)
    # The group in the high bits, the shingle's place in the corpus below (fewer than 2 ** low places): one
    # sort orders the places by group, then document, then text.
    packed = (prints.shingles & ~mask) | np.arange(count, dtype=np.uint64)
    packed.sort()
    order = (packed & mask).view(np.int64)
    groups = (packed & ~mask).view(np.int64)
    docs = np.searchsorted(prints.offsets, order, side="right") - 1
    block = np.minimum(docs, seqs.size)  # each stored document, then the batch as one
    new_group = np.ones(count, dtype=bool)
    new_group[1:] = groups[1:] != groups[:-1]
    new_run = new_group.copy()
    new_run[1:] |= block[1:] != block[:-1]
    heads = np.flatnonzero(new_run)
    sizes = np.diff(np.append(np.flatnonzero(new_group), count))
    shared = np.repeat(sizes > 1, sizes)[heads]  # a group seen once here links to nothing: no rank needed
    heads = heads[shared]
    before = np.full(heads.size, _AFTER_ALL, dtype=np.int64)
    stored_doc = block[heads] < seqs.size
    before[stored_doc] = seqs[block[heads][stored_doc]]
    keys = stored_keys(groups[heads].view(np.uint64))  # sorted, as the groups are
    width = 1 << max(0, low - DOC_BITS)  # groups coarser than a stored key span several keys
    base = np.zeros(heads.size + (~shared).sum(), dtype=np.int64)
    base[np.flatnonzero(shared)] = index.count_before(keys, before, width)
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(count), 0))
    ranks[order] = base[np.cumsum(new_run) - 1] + np.arange(count) - run_start
    return ranks
