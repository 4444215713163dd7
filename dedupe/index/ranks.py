"""What a scan of all of history + batch gives, for a scan of part of it: shingle ranks and LSH candidates.

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

Ranks are counted only where they can change a link: a group whose every stored place was read takes
them from what was read, and in a group of at most ``FANOUT + 1`` places in the whole every pair links
whatever the ranks (there each place gets its place among those read). The rows of a group (the ``seq`` of
each stored place) are read once per check, in one pass of the segments for all the groups a round meets
(:func:`dedupe.index.range_counts.gather`), and kept: every count of the group, in this round (below each run's
document) and in later ones, is then made from them without reading the index again. A group of over
:data:`ROWS_KEPT` places is only counted, and read again for each new bound.

The same holds for the LSH stage: a band bucket of over :data:`~dedupe.scan.minhash.MAX_BUCKET` documents
of the whole pairs only neighbours, so the bucket's size and who lies between two of its documents are read
from the stored band keys (:meth:`History.candidates`); the rows of each bucket are kept the same way, and
answer the next round's lookup of those band keys (:meth:`History.band_documents`).

**Limit**: the index keeps the top :data:`~dedupe.index.keys.KEY_BITS` bits of each hash. Below about
16 M shingles (``group_bits`` under 24) the rescan's groups are finer than that, and two different
shingles that agree on those 40 bits are counted together: a rank can then be too high where such a
pair falls in one corpus (about one pair of distinct shingles in 10 M agrees so).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dedupe.index.keys import DOC_BITS, DOC_MASK, DocumentKeys, IndexParams, document_keys, stored_keys
from dedupe.index.segments import BANDS, SHINGLES, SPAN, positions
from dedupe.index.store import Index
from dedupe.native import native
from dedupe.scan.minhash import MAX_BUCKET
from dedupe.scan.minhash import all_pairs  # the scan's own pairing of a bucket
from dedupe.scan.passages import FANOUT, group_bits
from dedupe.scan.shingle import I64, U64, Fingerprints, in_sorted, key_spans, merge_sorted, sorted_by, sorted_unique

#: ``before`` bound of a batch document: after every stored document.
_AFTER_ALL = np.iinfo(np.int64).max
#: Counts the stored places of hash groups before a document: ``count(groups, before)``.
_Count = Callable[[I64, I64], I64]
#: Rows of one key range a check keeps (a range with more is counted in the index at each new bound). The
#: groups of the scanned documents hold a few rows each (Reuters x10: ~10), common phrases thousands.
ROWS_KEPT = 1024


class History:
    """``history + batch`` as a scan of the whole sees it (:class:`~dedupe.scan.near_dup.WholeCorpus`), for a
    scan of some stored documents and the batch.

    Args:
        index: The open index, inside the snapshot the history was read from.
        seqs: ``seq`` of the stored documents at the head of the scanned corpus, in order; the documents
            after them are the batch.
        params: The index parameters.
    """

    def __init__(self, index: Index, seqs: I64, params: IndexParams) -> None:
        self.index = index
        self.seqs = seqs
        self.params = params
        self.documents, self.shingles = index.shingle_count()
        # The stored rows read so far, kept for the later rounds of the same snapshot: they scan nearly the
        # same documents and ask for nearly the same counts.
        self._shingles = _Rows(index, SHINGLES, 1)
        self._bands = _Rows(index, BANDS, 1)
        # Each scanned document's band keys (by seq; the batch's by -1 - place), made once per check: every
        # round's candidates ask for those of every document scanned.
        self._band_keys: dict[int, I64] = {}

    def reading(self, seqs: I64) -> History:
        """This history for a scan of the stored documents ``seqs`` (and the batch), keeping what was read."""
        other = copy.copy(self)
        other.seqs = seqs
        return other

    def ranks(self, prints: Fingerprints, fresh: np.ndarray | None = None) -> I64:
        """The rank of each shingle of the scanned corpus among the places of its group in the whole.

        With ``fresh`` (whether each scanned document is new to an incremental scan), only the places of the
        groups that fresh documents hold are ranked (0 elsewhere), as a scan of all the documents ranks them
        (a rank depends on the places of its group alone): the only places a link with a fresh document can
        involve.
        """
        batch_shingles = int(prints.offsets[-1] - prints.offsets[self.seqs.size])
        batch_docs = prints.token_counts.size - self.seqs.size
        low = group_bits(self.shingles + batch_shingles, self.documents + batch_docs, self.params.min_words,
                         self.params.ngram)
        width = 1 << max(0, low - DOC_BITS)  # groups coarser than a stored key span several keys
        if width != self._shingles.width:
            self._shingles = _Rows(self.index, SHINGLES, width)
        if fresh is None:
            return _ranks(self._shingles.count, prints, self.seqs, low)
        mask = np.uint64((1 << low) - 1)
        groups = prints.shingles & ~mask
        chosen = np.flatnonzero(in_sorted(groups, sorted_unique(groups[np.repeat(fresh, np.diff(prints.offsets))])))
        return _ranks(self._shingles.count, prints, self.seqs, low, chosen)

    def band_documents(self, keys: I64) -> set[int]:
        """The ``seq`` of every stored document with one of the band ``keys`` (stored keys), from the rows of
        the buckets, which a later round's candidates then count without reading the index again."""
        return self._bands.documents(keys)

    def candidates(self, prints: Fingerprints, usable: np.ndarray) -> I64:
        """The LSH candidate pairs of the scanned documents as the whole gives them: every pair of a band
        bucket of at most :data:`~dedupe.scan.minhash.MAX_BUCKET` documents of the whole, and in a larger
        bucket the pairs of neighbours in it (no stored document of the bucket between them)."""
        bucket, docs = self._buckets(prints)  # the scan's buckets, as the index stores them
        heads = np.flatnonzero(np.diff(bucket, prepend=bucket[:1] - 1) != 0) if bucket.size else bucket
        sizes = np.diff(np.append(heads, bucket.size))
        stored_doc = docs < self.seqs.size
        before = np.where(stored_doc, self.seqs[np.minimum(docs, max(self.seqs.size - 1, 0))], _AFTER_ALL)
        count = self._bands.count
        stored = count(bucket[heads], np.full(heads.size, _AFTER_ALL))
        whole = stored + sizes - np.add.reduceat(stored_doc, heads) if heads.size else stored
        small = (sizes >= 2) & (whole <= MAX_BUCKET)
        pairs = [np.zeros((0, 2), dtype=np.int64), all_pairs(docs, heads[small], sizes[small])]
        # Large buckets: neighbours here that are neighbours in the whole.
        large = np.repeat((sizes >= 2) & (whole > MAX_BUCKET), sizes)
        nxt = np.flatnonzero(large[:-1] & (np.diff(bucket) == 0))
        between = (count(bucket[nxt + 1], before[nxt + 1])
                   - count(bucket[nxt], np.where(stored_doc[nxt], before[nxt] + 1, _AFTER_ALL)))
        pairs.append(np.stack([docs[nxt], docs[nxt + 1]], axis=1)[between == 0])
        joined = np.concatenate(pairs)
        width = np.int64(prints.token_counts.size)
        codes = sorted_unique(joined[:, 0] * width + joined[:, 1])
        return np.stack([codes // width, codes % width], axis=1)

    def keep_band_keys(self, names: list[int], keys: DocumentKeys) -> None:
        """Keep the band keys of documents ``names`` (``seq``; the batch's ``-1 - place``) from ``keys``
        (:func:`~dedupe.index.keys.document_keys` of their fingerprints, in that order), made by the caller."""
        by_doc = np.argsort(keys.band_docs, kind="stable")
        bounds = np.searchsorted(keys.band_docs[by_doc], np.arange(len(names) + 1))
        rows = keys.bands[by_doc]
        for n, name in enumerate(names):
            self._band_keys[name] = rows[bounds[n]:bounds[n + 1]]

    def band_keys(self, seqs: list[int], prints: Callable[[list[int]], Fingerprints]) -> I64:
        """The band keys of documents ``seqs`` (stored; the batch's ``-1 - place``), concatenated: those kept, else
        made from ``prints`` of the others (their fingerprints, in that order) and kept."""
        todo = [seq for seq in seqs if seq not in self._band_keys]
        if todo:
            self.keep_band_keys(todo, document_keys(prints(todo), self.params, passages=False))
        return np.concatenate([np.zeros(0, dtype=np.int64), *(self._band_keys[seq] for seq in seqs)])

    def _buckets(self, prints: Fingerprints) -> tuple[I64, I64]:
        """``document_keys(prints, params, passages=False)``'s band keys and their documents, the keys of each
        document computed once per check (the same rows: a document's keys are its own shingles' alone)."""
        names = np.concatenate([self.seqs, -1 - np.arange(prints.token_counts.size - self.seqs.size)]).tolist()
        place = {name: at for at, name in enumerate(names)}
        rows = self.band_keys(names, lambda todo: documents_of(prints, np.array([place[n] for n in todo],
                                                                                dtype=np.int64)))
        docs = np.repeat(np.arange(len(names), dtype=np.int64), [self._band_keys[name].size for name in names])
        if len(names) >= 1 << DOC_BITS:  # too many documents to pack beside a key: sort the pairs as pairs
            order = np.lexsort((docs, rows))
            return rows[order], docs[order]
        packed = sorted_by(rows | docs)  # a stored key's low bits are zero: the document goes there
        return packed & ~np.int64(DOC_MASK), packed & np.int64(DOC_MASK)


def documents_of(prints: Fingerprints, docs: I64) -> Fingerprints:
    """The fingerprints of documents ``docs`` (places in ``prints``), in that order."""
    counts = np.diff(prints.offsets)[docs]
    tokens = prints.token_base[docs]
    at = positions(tokens, tokens + prints.token_counts[docs])
    return Fingerprints(prints.ngram, prints.token_counts[docs], np.append(0, np.cumsum(counts)),
                        prints.shingles[positions(prints.offsets[docs], prints.offsets[docs] + counts)],
                        prints.token_starts[at], prints.token_ends[at])


class _Rows:
    """Stored rows of one kind counted below a document, by key range (``width`` consecutive keys from a
    stored key), for the rounds of one snapshot: the rows of a range are read once and kept, so that any
    later count of the range is made here; a range of over :data:`ROWS_KEPT` rows is counted in the index,
    and each count kept (by range and bound).

    Args:
        index: The open index, inside a snapshot.
        kind: Kind of keys (:data:`~dedupe.index.segments.SHINGLES` or ``BANDS``).
        width: Keys per range.
    """

    def __init__(self, index: Index, kind: int, width: int) -> None:
        self.index, self.kind, self.width = index, kind, width
        self.coded = index.last_seq() < SPAN - 1  # a code (range | seq) needs seq below 2 ** DOC_BITS - 1
        empty = np.zeros(0, dtype=np.int64)
        self._held, self._large, self._rows = empty, empty, empty  # ranges kept, ranges too large, codes kept
        self._codes, self._values = empty, empty  # counts of large ranges, by range | bound

    def count(self, keys: I64, before: I64) -> I64:
        """For each key range (stored keys, any order), its stored rows in documents below ``before``."""
        keys = stored_keys(keys.view(np.uint64))
        if not self.coded:
            return _count(self.index, keys, before, self.width, self.kind)
        fresh = sorted_unique(keys)
        fresh = fresh[~in_sorted(fresh, self._held) & ~in_sorted(fresh, self._large)]
        if fresh.size:
            self._read(fresh)
        bound = np.minimum(before, SPAN - 1)
        held = in_sorted(keys, self._held)
        counts = np.empty(keys.size, dtype=np.int64)
        # Rows of the range below the bound: from the key's first row to the last below ``key | bound``.
        first, end = key_spans(self._rows, keys[held], (keys[held] | bound[held]) - 1)
        counts[held] = np.where(bound[held] > 0, end - first, 0)
        rest = np.flatnonzero(~held)
        counts[rest] = self._counted(keys[rest], bound[rest])
        return counts

    def documents(self, keys: I64) -> set[int]:
        """The ``seq`` of every stored document with a row in one of the key ranges (stored keys)."""
        if not self.coded:
            return self._lookup(keys)
        fresh = sorted_unique(keys)
        fresh = fresh[~in_sorted(fresh, self._held) & ~in_sorted(fresh, self._large)]
        if fresh.size:
            self._read(fresh)
        held = in_sorted(keys, self._held)
        first = np.searchsorted(self._rows, keys[held], side="left")
        last = np.searchsorted(self._rows, keys[held] | (SPAN - 1), side="left")
        return set((self._rows[positions(first, last)] & (SPAN - 1)).tolist()) | self._lookup(keys[~held])

    def _lookup(self, keys: I64) -> set[int]:
        empty = np.zeros(0, dtype=np.int64)
        return self.index.lookup(*((keys, empty) if self.kind == BANDS else (empty, keys)))

    def _read(self, fresh: I64) -> None:
        """Read the rows of ranges ``fresh`` (sorted, distinct, none read before) in one pass of the segments."""
        counts, owners, seqs = self.index.gather(fresh, self.width, ROWS_KEPT, self.kind)
        small = counts <= ROWS_KEPT
        # Each part is sorted (``fresh`` is, and the rows of each range by seq): merged, not sorted again.
        self._held = merge_sorted(self._held, fresh[small])
        self._rows = merge_sorted(self._rows, fresh[owners] | seqs)
        self._large = merge_sorted(self._large, fresh[~small])
        self._remember(fresh[~small] | (SPAN - 1), counts[~small])

    def _counted(self, keys: I64, bound: I64) -> I64:
        """Counts of large ranges below ``bound``: those counted before, the others counted in the index."""
        codes = keys | bound
        at = np.minimum(np.searchsorted(self._codes, codes), max(self._codes.size - 1, 0))
        known = self._codes[at] == codes if self._codes.size else np.zeros(codes.size, dtype=bool)
        counts = np.zeros(codes.size, dtype=np.int64)
        counts[known] = self._values[at[known]]
        todo = np.flatnonzero(~known)
        counts[todo] = _count(self.index, keys[todo], bound[todo], self.width, self.kind)
        self._remember(codes[todo], counts[todo])
        return counts

    def _remember(self, codes: I64, counts: I64) -> None:
        self._codes, first = np.unique(np.concatenate([self._codes, codes]), return_index=True)
        self._values = np.concatenate([self._values, counts])[first]


def _ranks(counter: _Count, prints: Fingerprints, seqs: I64, low: int, chosen: I64 | None = None) -> I64:
    """Ranks of the shingles of ``prints`` in groups of hashes equal above their ``low`` bits; with ``chosen``
    (sorted places holding every scanned place of their groups), of those places only (0 elsewhere)."""
    ranks = np.zeros(prints.shingles.size, dtype=np.int64)
    count = prints.shingles.size if chosen is None else chosen.size
    if not count:
        return ranks
    mask = np.uint64((1 << low) - 1)
    # The group in the high bits, the shingle's place in the corpus below (fewer than 2 ** low places): one
    # sort orders the places by group, then document, then text.
    if chosen is None:
        packed = (prints.shingles & ~mask) | np.arange(count, dtype=np.uint64)
    else:
        packed = (prints.shingles[chosen] & ~mask) | chosen.astype(np.uint64)
    sorted_by(packed, low)  # the low bits ascend: sorting by group alone orders the whole values
    # Each stored document, then the batch as one block.
    block = np.repeat(np.minimum(np.arange(prints.token_counts.size), seqs.size), np.diff(prints.offsets))
    shared = shared_groups(packed, low, block, seqs.size)
    found = _counts_before(counter, shared, seqs)
    # A place of a group seen once here links to nothing: its rank stays 0.
    _spread(ranks, packed, low, shared, found)
    return ranks


@dataclass(frozen=True)
class SharedGroups:
    """The groups of more than one place among sorted places, and their runs (the places of one group in one
    stored document, or in the batch): what :func:`_ranks` counts.

    Attributes:
        key: Each group's hash bits above ``low`` (int64 view), ascending as unsigned.
        size: Places of the group here.
        stored: Places of the group here in stored documents.
        head: Each run's first position in the sorted places, ascending.
        end: Each run's end (exclusive).
        group: Each run's group (index in ``key``).
        block: Each run's block: its stored document's place among the scanned ones, or the batch's.
        local: Places of the run's group here before the run.
    """

    key: I64
    size: I64
    stored: I64
    head: I64
    end: I64
    group: I64
    block: I64
    local: I64

    def arrays(self) -> tuple[I64, ...]:
        """The arrays, in field order (not copied, as ``dataclasses.astuple`` would)."""
        return self.key, self.size, self.stored, self.head, self.end, self.group, self.block, self.local


def shared_groups(packed: U64, low: int, block: I64, stored: int) -> SharedGroups:
    """The groups and runs of ``packed`` (sorted; hash bits above ``low``, place below) whose group holds more
    than one place, ``block[place]`` being each place's block (``stored`` and above: the batch): by the
    compiled loop where it is built (one pass, where numpy takes fifteen over every place), else by numpy;
    the same arrays either way."""
    compiled = native()
    if compiled is None:
        return _shared_groups(packed, low, block, stored)
    packed, block = np.ascontiguousarray(packed), np.ascontiguousarray(block, dtype=np.int64)
    groups, runs = compiled.shared_groups(packed, low, block, stored)
    made = SharedGroups(*(np.empty(groups, dtype=np.int64) for _ in range(3)),
                        *(np.empty(runs, dtype=np.int64) for _ in range(5)))
    compiled.shared_groups(packed, low, block, stored, *made.arrays())
    return made


def _shared_groups(packed: U64, low: int, block_of: I64, stored: int) -> SharedGroups:
    """:func:`shared_groups` by numpy."""
    mask = np.uint64((1 << low) - 1)
    count = packed.size
    groups = (packed & ~mask).view(np.int64)
    block = block_of[(packed & mask).view(np.int64)]
    new_group = np.ones(count, dtype=bool)
    new_group[1:] = groups[1:] != groups[:-1]
    new_run = new_group.copy()
    new_run[1:] |= block[1:] != block[:-1]
    heads = np.flatnonzero(new_run)
    group_heads = np.flatnonzero(new_group)
    group_of = np.cumsum(new_group)[heads] - 1  # each run's group
    ends = np.append(heads[1:], count)
    sizes = np.diff(np.append(group_heads, count))
    here = np.bincount(group_of, weights=(ends - heads) * (block[heads] < stored),
                       minlength=group_heads.size).astype(np.int64)
    shared = sizes > 1
    kept = shared[group_of]
    renumbered = np.cumsum(shared) - 1
    return SharedGroups(groups[group_heads[shared]], sizes[shared], here[shared], heads[kept], ends[kept],
                        renumbered[group_of[kept]], block[heads[kept]], (heads - group_heads[group_of])[kept])


def _counts_before(count: _Count, shared: SharedGroups, seqs: I64) -> I64:
    """For each run of the shared groups, the stored places of its group in documents before it: ``local``
    (those here) where every stored place of the group is here, else counted in the index."""
    total = count(shared.key, np.full(shared.key.size, _AFTER_ALL, dtype=np.int64))
    whole = total + shared.size - shared.stored
    counted = (total != shared.stored) & (whole > FANOUT + 1)
    runs = np.flatnonzero(counted[shared.group])
    before = np.full(runs.size, _AFTER_ALL, dtype=np.int64)
    stored_doc = shared.block[runs] < seqs.size
    before[stored_doc] = seqs[shared.block[runs][stored_doc]]
    found = shared.local.copy()
    found[runs] = count(shared.key[shared.group[runs]], before)
    return found


def _spread(ranks: I64, packed: U64, low: int, shared: SharedGroups, found: I64) -> None:
    """``ranks[place] = found[run] + places of the run before it``, for every place of the runs ``shared``."""
    compiled = native()
    if compiled is not None:
        compiled.spread_ranks(np.ascontiguousarray(packed), low, shared.head, shared.end, found, ranks)
        return
    lengths = shared.end - shared.head
    at = positions(shared.head, shared.end)
    place = (packed[at] & np.uint64((1 << low) - 1)).view(np.int64)
    ranks[place] = np.repeat(found - shared.head, lengths) + at


def _count(index: Index, keys: I64, before: I64, width: int, kind: int) -> I64:
    """:meth:`Index.count_before` of stored keys in any order."""
    by_key = np.argsort(keys, kind="stable")  # signed order: the groups were sorted unsigned
    counts = np.empty(keys.size, dtype=np.int64)
    counts[by_key] = index.count_before(keys[by_key], before[by_key], width, kind)
    return counts
