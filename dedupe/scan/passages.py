"""Shared passages: seed-and-extend over exact shingle matches, chained across small edits, grouped.

Every shingle hash that occurs more than once is a seed. Sorting all shingles by hash puts the
occurrences of a seed next to each other; each occurrence is linked to the few occurrences before it
(``fanout``), so a passage printed in a thousand documents costs a thousand links, not half a million
pairs. Two linked shingles on the same diagonal (the same offset between the two places) extend into
a **run**: a maximal stretch of text shared word for word (after folding).

Runs between the same two places that are interrupted by a few edited words are **chained** into one
passage when rapidfuzz's Indel similarity of the two token sequences stays at or above the threshold.
Places that overlap by half or more are then **grouped** (connected components), so a paragraph
printed in five documents is one group with five occurrences.

Everything is numpy over the whole corpus (the links by the compiled loop where it is built,
:mod:`dedupe.native`), except the chaining of the few runs that have a neighbour to chain with.
Positions here are tokens of each document; ``near_dup`` turns them into characters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Indel
from dedupe.native import native
from dedupe.scan.shingle import I64, U64, Fingerprints, in_sorted, sorted_by, sorted_unique
from dedupe.unionfind import components

F64 = npt.NDArray[np.float64]
# Sentinels between documents: unique per position, so they never match anything.
SENTINEL = np.uint64(0xA5A5_5A5A_C3C3_3C3C)
# Elements per chunk of the passes over every shingle: the temporaries stay in the processor's cache
# and are reused, where one array of the corpus' size would cost a page fault per 4 KiB.
_CHUNK = 1 << 16
#: Earlier occurrences of the same shingle each occurrence is linked to (:func:`shared_runs`).
FANOUT = 4
_FIELDS = ("a", "a_start", "a_end", "b", "b_start", "b_end", "similarity")


@dataclass(frozen=True)
class RunTable:
    """Runs, one per row: tokens ``[a_start, a_end)`` of document ``a`` shared with ``[b_start, b_end)`` of ``b``.

    ``(a, a_start) < (b, b_start)``; ``a == b`` for a repeat inside one document. ``similarity`` is 1.0
    for an exact run and rapidfuzz's normalised Indel similarity of the token sequences for a chain.
    """

    a: I64
    a_start: I64
    a_end: I64
    b: I64
    b_start: I64
    b_end: I64
    similarity: F64

    def __len__(self) -> int:
        return int(self.a.size)

    def take(self, index: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> RunTable:
        """The rows selected by an index array or a mask."""
        return RunTable(self.a[index], self.a_start[index], self.a_end[index], self.b[index], self.b_start[index],
                        self.b_end[index], self.similarity[index])

    def ordered(self) -> RunTable:
        """The rows sorted by first place, then second place."""
        return self.take(np.lexsort((self.b_start, self.b, self.a_start, self.a)))

    def rows(self) -> list[tuple[int, int, int, int, int, int, float]]:
        """The rows as Python tuples."""
        return list(zip(*(getattr(self, name).tolist() for name in _FIELDS)))

    @classmethod
    def from_rows(cls, rows: list[tuple[int, int, int, int, int, int, float]]) -> RunTable:
        """A table from ``(a, a_start, a_end, b, b_start, b_end, similarity)`` tuples."""
        columns = list(zip(*rows)) if rows else [()] * len(_FIELDS)
        a, a_start, a_end, b, b_start, b_end = (np.array(c, dtype=np.int64) for c in columns[:6])
        return cls(a, a_start, a_end, b, b_start, b_end, np.array(columns[6], dtype=np.float64))


@dataclass(frozen=True)
class PassageGroup:
    """Places that hold the same passage, ``(document, token start, token end)`` in corpus order."""

    places: tuple[tuple[int, int, int], ...]
    similarity: float

    @property
    def documents(self) -> tuple[int, ...]:
        """The distinct documents of the group, in corpus order."""
        return tuple(sorted({doc for doc, _, _ in self.places}))


def shared_runs(prints: Fingerprints, min_words: int, fanout: int = FANOUT, ranks: I64 | None = None,
                fresh: npt.NDArray[np.bool_] | None = None) -> RunTable:
    """Every maximal stretch of at least ``min_words`` tokens shared by two places of the corpus.

    Args:
        prints: The corpus' shingles.
        min_words: Shortest run worth keeping, in tokens.
        fanout: How many earlier occurrences of the same shingle each occurrence is linked to.
        ranks: For a corpus that is part of a larger one (``scan --against``, :mod:`dedupe.index.ranks`): the
            rank of each shingle (in ``prints.shingles`` order) among the places of its hash group in the
            larger corpus; two places link only if their ranks are at most ``fanout`` apart, as they would
            be linked in a scan of the larger corpus. ``None``: this corpus is the whole.
        fresh: With ``ranks``, whether each document is new to an incremental scan
            (:mod:`dedupe.scan.incremental`): only the runs that involve a fresh document are made, the
            same as those rows of the runs of the whole corpus (a link is a matter of its two places alone).

    Returns:
        The runs, ordered by first place. A stretch repeated back to back inside one document
        (``x x x``) gives one run per repetition, from the first period to each later one.

    Raises:
        ValueError: ``fresh`` without ``ranks``.
    """
    reach = _reach(min_words, prints.ngram)
    if fresh is not None:
        if ranks is None:
            raise ValueError("fresh documents need the ranks of the whole corpus")
        return _fresh_runs(prints, min_words, fanout, ranks, fresh, reach)
    compiled = native() if ranks is None else None
    if compiled is not None:  # the same links by the compiled loops (dedupe.native)
        first, second = _compiled_links(compiled, prints, reach, fanout)
        return link_runs(first, second, _bases(prints, reach + 1), prints, min_words)
    padded, base, positions = _padded(prints, reach + 1)
    placed = None
    if ranks is not None:  # by padded position, as the links see places
        placed = np.zeros(padded.size, dtype=np.int64)
        placed[positions] = ranks
    first, second = _links(prints.shingles, positions, padded, reach, fanout, placed)
    return link_runs(first, second, base, prints, min_words)


def _fresh_runs(prints: Fingerprints, min_words: int, fanout: int, ranks: I64, fresh: npt.NDArray[np.bool_],
                reach: int) -> RunTable:
    """The runs of :func:`shared_runs` that involve a ``fresh`` document, from the places of the hashes that
    fresh documents hold.

    With ranks, a link needs its two places to hold the same hash with ranks at most ``fanout`` apart, and
    a rank counts every place of the hash's group before it in the whole (:mod:`dedupe.index.ranks`), so
    fewer than ``fanout`` places of any hash lie between them in a sort by group: sorted as :func:`_links`
    sorts them, the places of the fresh documents' hashes alone give the same links as all the places.
    """
    padded, base, positions = _padded(prints, reach + 1)
    placed = np.zeros(padded.size, dtype=np.int64)
    placed[positions] = ranks
    owner = np.repeat(np.arange(prints.token_counts.size), np.diff(prints.offsets))
    chosen = np.flatnonzero(in_sorted(prints.shingles, sorted_unique(prints.shingles[fresh[owner]])))
    low = np.uint64((1 << _position_bits(int(padded.size))) - 1)
    keys = positions[chosen].view(np.uint64) | (prints.shingles[chosen] & ~low)  # as _links sorts them
    sorted_by(keys, int(low).bit_length())
    keys &= low
    first, second = _linked(keys.view(np.int64), padded, reach, fanout, placed)
    involved = (fresh[np.searchsorted(base, first, side="right") - 1]
                | fresh[np.searchsorted(base, second, side="right") - 1])
    return link_runs(first[involved], second[involved], base, prints, min_words)


def _compiled_links(compiled: ModuleType, prints: Fingerprints, reach: int, fanout: int) -> tuple[I64, I64]:
    """:func:`_padded` and :func:`_links` by the compiled loops: the layout and keys made in one pass, sorted by
    their hash bits alone with the compiled radix sort (:func:`dedupe.scan.shingle.sorted_by`: the keys come in
    ascending order of the positions below, so that is the sort of the whole keys; Reuters x1, 2.6 M keys: 45-55 ms
    against numpy's 145 ms), then filtered and linked in one pass."""
    pad = reach + 1
    offsets = np.ascontiguousarray(prints.offsets, dtype=np.int64)
    size = int(offsets[-1]) + pad * offsets.size
    bits = _position_bits(size)
    padded, keys = np.empty(size, dtype=np.uint64), np.empty(int(offsets[-1]), dtype=np.uint64)
    compiled.link_keys(prints.shingles, offsets, pad, bits, padded, keys)
    sorted_by(keys, bits)
    firsts, seconds = compiled.shared_links(keys, padded, bits, reach, fanout)
    return np.frombuffer(firsts, dtype=np.int64), np.frombuffer(seconds, dtype=np.int64)


def group_bits(shingles: int, documents: int, min_words: int, ngram: int) -> int:
    """Low bits of a shingle hash that :func:`shared_runs` leaves out when it sorts places by hash (the bits of
    the padded positions of a corpus of ``documents`` holding ``shingles`` shingles): places whose hashes agree
    above them form one group, in which each place is linked to the ``fanout`` places before it."""
    pad = _reach(min_words, ngram) + 1  # as shared_runs pads documents
    return _position_bits(shingles + pad * (documents + 1))


def _reach(min_words: int, ngram: int) -> int:
    """Shingles ahead or behind that a link inside the shortest useful run (``min_words`` tokens) also
    matches: half the shingles of that run. Documents are padded with ``reach + 1`` sentinels."""
    return max(1, min_words - ngram + 1) // 2


def _position_bits(size: int) -> int:
    """Low bits of a sort key that hold a padded position of a layout of ``size`` places."""
    return max(1, size.bit_length())


def _bases(prints: Fingerprints, pad: int) -> I64:
    """The padded position of each document's first shingle (``pad`` unique sentinels around documents)."""
    return prints.offsets[:-1] + pad * (np.arange(prints.offsets.size - 1, dtype=np.int64) + 1)


def _padded(prints: Fingerprints, pad: int) -> tuple[U64, I64, I64]:
    """Shingles laid out with ``pad`` unique sentinels around documents; their bases and positions."""
    counts = np.diff(prints.offsets)
    base = _bases(prints, pad)
    positions = np.repeat(base - prints.offsets[:-1], counts)
    for at in range(0, positions.size, _CHUNK):  # not one arange of the corpus' size: see _CHUNK
        positions[at:at + _CHUNK] += np.arange(at, min(at + _CHUNK, positions.size), dtype=np.int64)
    padded = np.arange(int(prints.offsets[-1]) + pad * (counts.size + 1), dtype=np.uint64)
    padded ^= SENTINEL  # in place: a second array of this size would cost a page fault per 4 KiB
    padded[positions] = prints.shingles
    return padded, base, positions


def _links(shingles: U64, positions: I64, padded: U64, reach: int, fanout: int,
           ranks: I64 | None = None) -> tuple[I64, I64]:
    """Pairs of padded positions holding the same shingle, kept only where a run could pass through.

    ``positions`` is used up: its memory becomes the sort keys.
    """
    bits = _position_bits(int(padded.size))
    low = np.uint64((1 << bits) - 1)
    keys = positions.view(np.uint64)  # positions are not negative
    same = np.empty(max(0, keys.size - 1), dtype=bool)
    for at in range(0, keys.size, _CHUNK):  # the hash's high bits above the position
        keys[at:at + _CHUNK] |= shingles[at:at + _CHUNK] & ~low
    sorted_by(keys, bits)  # the positions below ascend: sorting by the hash alone orders the keys
    for at in range(0, same.size, _CHUNK):  # neighbours apart only under ``low``: the same hash
        stop = min(at + _CHUNK, same.size)
        same[at:stop] = (keys[at + 1:stop + 1] ^ keys[at:stop]) <= low
    shared = np.zeros(keys.size, dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    keys = keys[shared]
    keys &= low
    return _linked(keys.view(np.int64), padded, reach, fanout, ranks)


def _linked(places: I64, padded: U64, reach: int, fanout: int, ranks: I64 | None = None) -> tuple[I64, I64]:
    """Each place linked to the ``fanout`` places before it (``places`` sorted by shingle) that hold the
    same shingle and, where ``reach``, the same shingle ``reach`` ahead or behind: a run could pass through.

    The shingles compared are read once per place, in the order of ``places``, not once per candidate link.
    With ``ranks`` (by padded position), a pair also needs ranks at most ``fanout`` apart: by the compiled loop
    where it is built (one pass a ``k`` over the places read once), in the same order.
    """
    compiled = native() if ranks is not None else None
    if compiled is not None:
        firsts, seconds = compiled.ranked_links(np.ascontiguousarray(places), padded, reach, fanout, ranks)
        return np.frombuffer(firsts, dtype=np.int64), np.frombuffer(seconds, dtype=np.int64)
    held = padded[places]
    rank = ranks[places] if ranks is not None else None
    ahead, behind = (padded[places + reach], padded[places - reach]) if reach else (held, held)
    firsts, seconds = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for k in range(1, min(fanout, places.size - 1) + 1):
        hit = ahead[k:] == ahead[:-k]
        hit |= behind[k:] == behind[:-k]
        hit &= held[k:] == held[:-k]
        if rank is not None:
            hit &= rank[k:] - rank[:-k] <= fanout
        firsts.append(places[:-k][hit])
        seconds.append(places[k:][hit])
    return np.concatenate(firsts), np.concatenate(seconds)


def link_runs(first: I64, second: I64, base: I64, prints: Fingerprints, min_words: int) -> RunTable:
    """Links on one diagonal at consecutive positions become runs; runs under ``min_words`` are dropped."""
    keys = sorted_by(((second - first) << 32) | first)
    heads = np.flatnonzero(np.diff(keys, prepend=-2) != 1)
    counts = np.diff(np.append(heads, keys.size))
    # Most runs are too short to keep; a short run can only matter as the period of a repeat.
    length = counts - 1 + prints.ngram
    useful = (length >= min_words) | ((keys[heads] >> 32) < length)
    heads, counts = heads[useful], counts[useful]
    a_pos = keys[heads] & 0xFFFFFFFF
    b_pos = a_pos + (keys[heads] >> 32)
    a = np.searchsorted(base, a_pos, side="right") - 1
    b = np.searchsorted(base, b_pos, side="right") - 1
    a_start, b_start = a_pos - base[a], b_pos - base[b]
    a_end = np.minimum(a_start + counts - 1 + prints.ngram, prints.token_counts[a])
    b_end = np.minimum(b_start + counts - 1 + prints.ngram, prints.token_counts[b])
    table = RunTable(a, a_start, a_end, b, b_start, b_end, np.ones(a.size))
    periodic = (a == b) & (b_start < a_end)  # a stretch repeated back to back
    plain = table.take(~periodic & (a_end - a_start >= min_words))
    return concat_runs(plain, _periods(table.take(periodic), min_words)).ordered()


def _periods(table: RunTable, min_words: int) -> RunTable:
    """A text repeated back to back (``x x x x``) as its first period paired with each later period.

    The run of a periodic stretch overlaps itself; its shortest period (the smallest diagonal found at
    that start) is the repeated passage, and every full period after the first is an occurrence.
    """
    order = np.lexsort((table.b_start - table.a_start, table.a_start, table.a))
    rows = table.take(order)
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows.a[1:] != rows.a[:-1]) | (rows.a_start[1:] != rows.a_start[:-1])
    rows = rows.take(first)
    period = rows.b_start - rows.a_start
    rows, period = rows.take(period >= min_words), period[period >= min_words]
    copies = (rows.b_end - rows.a_start) // period - 1
    owner = np.repeat(np.arange(len(rows)), copies)
    step = np.arange(owner.size) - np.repeat(np.cumsum(copies) - copies, copies) + 1
    start = rows.a_start[owner]
    later = start + step * period[owner]
    return RunTable(rows.a[owner], start, start + period[owner], rows.a[owner], later, later + period[owner],
                    np.ones(owner.size))


def chain_runs(runs: RunTable, token_hashes: Callable[[list[int]], Mapping[int, U64]], max_gap: int,
               threshold: float) -> RunTable:
    """Join runs between the same two places separated by at most ``max_gap`` edited tokens.

    Args:
        runs: Exact runs.
        token_hashes: Gives the token hashes of the documents asked for (called once).
        max_gap: Largest number of unmatched tokens between two runs, on either side.
        threshold: Smallest Indel similarity of the chained token sequences.

    Returns:
        The runs with chains merged, ordered by first place.
    """
    table = runs.take(np.lexsort((runs.b_start, runs.a_start, runs.b, runs.a)))
    near = _chainable(table, max_gap)
    pairs = np.zeros(len(table), dtype=bool)
    pairs[1:] |= near
    pairs[:-1] |= near
    if not pairs.any():
        return table.ordered()
    candidates = table.take(pairs)
    hashes = token_hashes(sorted_unique(np.concatenate([candidates.a, candidates.b])).tolist())
    joined: list[tuple[int, int, int, int, int, int, float]] = []
    for row in candidates.rows():
        last = joined[-1] if joined else None
        merged = _join(last, row, hashes, max_gap, threshold) if last else None
        if merged is None:
            joined.append(row)
        else:
            joined[-1] = merged
    return concat_runs(table.take(~pairs), RunTable.from_rows(joined)).ordered()


def _chainable(table: RunTable, max_gap: int) -> npt.NDArray[np.bool_]:
    """Whether each row can chain to the row before it (same documents, small gaps on both sides)."""
    a_gap = table.a_start[1:] - table.a_end[:-1]
    b_gap = table.b_start[1:] - table.b_end[:-1]
    same = (table.a[1:] == table.a[:-1]) & (table.b[1:] == table.b[:-1])
    return same & (a_gap >= 0) & (a_gap <= max_gap) & (b_gap >= 0) & (b_gap <= max_gap)


def _join(left: tuple[int, int, int, int, int, int, float], right: tuple[int, int, int, int, int, int, float],
          hashes: Mapping[int, U64], max_gap: int,
          threshold: float) -> tuple[int, int, int, int, int, int, float] | None:
    a, a_start, a_end, b, b_start, b_end, similarity = left
    if right[0] != a or right[3] != b:
        return None
    a_gap, b_gap = right[1] - a_end, right[4] - b_end
    if not (0 <= a_gap <= max_gap and 0 <= b_gap <= max_gap):
        return None
    a_end, b_end = max(a_end, right[2]), max(b_end, right[5])
    if a == b and b_start < a_end:
        return None  # the two places of a repeat would overlap
    score = Indel.normalized_similarity(hashes[a][a_start:a_end].tolist(), hashes[b][b_start:b_end].tolist())
    if score < threshold:
        return None
    return a, a_start, a_end, b, b_start, b_end, min(score, similarity, right[6])


def concat_runs(one: RunTable, other: RunTable) -> RunTable:
    """The rows of ``one``, then those of ``other``."""
    def both(name: str) -> np.ndarray:
        return np.concatenate([getattr(one, name), getattr(other, name)])

    return RunTable(both("a"), both("a_start"), both("a_end"), both("b"), both("b_start"), both("b_end"),
                    both("similarity"))


def group_runs(runs: RunTable, min_overlap: float = 0.5) -> list[PassageGroup]:
    """Group runs whose places overlap by at least ``min_overlap`` of the shorter one.

    Args:
        runs: Runs (exact or chained).
        min_overlap: Share of the shorter of two places of one document that they must have in common.

    Returns:
        One group per passage, overlapping places of a document merged into their union; groups
        ordered by their first place.
    """
    count = len(runs)
    if count == 0:
        return []
    doc = np.concatenate([runs.a, runs.b])
    start = np.concatenate([runs.a_start, runs.b_start])
    end = np.concatenate([runs.a_end, runs.b_end])
    order = np.lexsort((end, start, doc))
    d, s, e = doc[order], start[order], end[order]
    shared = np.minimum(e[1:], e[:-1]) - np.maximum(s[1:], s[:-1])
    shorter = np.minimum(e[1:] - s[1:], e[:-1] - s[:-1])
    link = (d[1:] == d[:-1]) & (shared > 0) & (shared >= min_overlap * shorter)
    own = np.arange(count, dtype=np.int64)
    rows = np.concatenate([own, order[:-1][link]])
    cols = np.concatenate([own + count, order[1:][link]])
    labels = components(2 * count, rows, cols)  # a label is its group's smallest place: unused labels left empty
    similarity = np.ones(int(labels.max()) + 1)
    np.minimum.at(similarity, labels[:count], runs.similarity)
    return _groups(labels, doc, start, end, similarity)


def _groups(labels: I64, doc: I64, start: I64, end: I64, similarity: F64) -> list[PassageGroup]:
    """Merge each group's overlapping places of one document into occurrences; order the groups."""
    order = np.lexsort((start, doc, labels))
    label, d, s, e = labels[order], doc[order], start[order], end[order]
    segment = np.concatenate([[0], np.cumsum((label[1:] != label[:-1]) | (d[1:] != d[:-1]))])
    shift = segment * (int(e.max()) + 1)
    reach = np.maximum.accumulate(e + shift)
    new = np.ones(label.size, dtype=bool)
    new[1:] = (segment[1:] != segment[:-1]) | (s[1:] + shift[1:] >= reach[:-1])
    heads = np.flatnonzero(new)
    ends = np.maximum.reduceat(e, heads)
    group, first_doc, first_start = label[heads], d[heads], s[heads]
    firsts = np.flatnonzero(np.concatenate([[True], group[1:] != group[:-1]]))  # each group's first place
    bounds = np.append(firsts, heads.size).tolist()
    places = list(zip(first_doc.tolist(), first_start.tolist(), ends.tolist()))
    scores = similarity[group[firsts]].tolist()
    # Groups in the order of their first places (a stable sort, as sorting the tuples would give).
    order = np.lexsort((ends[firsts], first_start[firsts], first_doc[firsts])).tolist()
    return [PassageGroup(tuple(places[bounds[i]:bounds[i + 1]]), scores[i]) for i in order]


def coverage(runs: RunTable, token_counts: I64) -> tuple[I64, F64, F64]:
    """Share of each document's tokens inside runs shared with each other document (an upper bound).

    Args:
        runs: Runs between places.
        token_counts: Tokens of each document.

    Returns:
        ``(pairs, share_a, share_b)``: ``(k, 2)`` document pairs ``a < b`` and, for each, the summed
        length of their shared runs over the tokens of ``a`` and of ``b`` (overlapping runs count twice).
    """
    cross = runs.take(runs.a != runs.b)
    if len(cross) == 0:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0), np.zeros(0)
    width = np.int64(token_counts.size)
    codes, inverse = np.unique(cross.a * width + cross.b, return_inverse=True)
    a_len = np.bincount(inverse, weights=cross.a_end - cross.a_start)
    b_len = np.bincount(inverse, weights=cross.b_end - cross.b_start)
    pairs = np.stack([codes // width, codes % width], axis=1)
    return (pairs, a_len / np.maximum(1, token_counts[pairs[:, 0]]),
            b_len / np.maximum(1, token_counts[pairs[:, 1]]))
