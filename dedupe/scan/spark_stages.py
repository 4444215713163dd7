"""The partition-side work of the Spark scan engine (:mod:`dedupe.scan.spark`): numpy only, no Spark.

Every function here runs inside one Spark task on the arrays of one partition and calls the local
engine's own code (:mod:`~dedupe.scan.shingle`, :mod:`~dedupe.scan.minhash`, :mod:`~dedupe.scan.passages`,
:mod:`~dedupe.scan.verify`), so the two engines compute the same values. Records exchanged between stages
are blocks of numpy arrays addressed to a partition (``(partition, arrays)``): Spark moves one pickled
block per pair of partitions instead of one Python object per shingle.

Positions of shingles are those of the local engine's padded layout (:func:`dedupe.scan.passages.shared_runs`):
document ``d``'s shingle ``j`` sits at ``base[d] + j``, with ``pad`` sentinel positions between documents,
so the links, runs and their order are the local engine's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from dedupe.native import native
from dedupe.scan.minhash import MAX_BUCKET, all_pairs, band_keys, signatures, sorted_bucket_pairs
from dedupe.scan.passages import SENTINEL, RunTable, coverage, link_runs
from dedupe.scan.shingle import I64, U64, Fingerprints, mix64
from dedupe.scan.verify import jaccard_containment

#: A block of arrays addressed to one partition of the next stage.
Routed = tuple[int, tuple[np.ndarray, ...]]
_BAND_SALT = np.uint64(0x9E3779B97F4A7C15)
FANOUT = 4  # as dedupe.scan.passages.shared_runs
_FEW_PARTS = 8  # partitions up to which scatter picks rows by a pass per partition


@dataclass(frozen=True)
class Block:
    """The fingerprints of the documents of one partition.

    Attributes:
        docs: Corpus index of each document, increasing.
        prints: Their shingles (the local engine's :class:`~dedupe.scan.shingle.Fingerprints`, without
            token offsets).
        id_hashes: A 64-bit hash of each document's id (to find repeated ids with one shuffle of numbers).
    """

    docs: I64
    prints: Fingerprints
    id_hashes: U64

    def usable(self, min_words: int) -> np.ndarray:
        """Documents with shingles and at least ``min_words`` tokens (the only ones ever paired)."""
        return (np.diff(self.prints.offsets) > 0) & (self.prints.token_counts >= min_words)


@dataclass(frozen=True)
class Layout:
    """The corpus-wide numbers every partition needs (broadcast once).

    Attributes:
        token_counts: Tokens of every document.
        base: Padded position of every document's first shingle.
        reach: Shingles looked ahead and behind when a link is kept (as the local passage search).
        bits: Low bits of a sort key that hold the position (the rest hold the shingle).
    """

    token_counts: I64
    base: I64
    reach: int
    bits: int

    @classmethod
    def of(cls, token_counts: I64, shingle_counts: I64, min_words: int, ngram: int) -> Layout:
        """The layout of :func:`dedupe.scan.passages.shared_runs` for documents with these counts."""
        span = max(1, min_words - ngram + 1)
        reach = span // 2
        pad = reach + 1
        offsets = np.concatenate([[0], np.cumsum(shingle_counts)]).astype(np.int64)
        base = offsets[:-1] + pad * (np.arange(shingle_counts.size, dtype=np.int64) + 1)
        size = int(offsets[-1]) + pad * (shingle_counts.size + 1)
        return cls(token_counts, base, reach, max(1, size.bit_length()))


def route(values: U64, parts: int) -> I64:
    """The partition of each value (a mixed hash of it, modulo ``parts``)."""
    return (mix64(values.astype(np.uint64)) % np.uint64(parts)).astype(np.int64)


def scatter(target: I64, parts: int, *arrays: np.ndarray) -> Iterator[Routed]:
    """The rows of ``arrays`` grouped by their target partition, one block per non-empty partition (rows in
    their order)."""
    for part, chosen in _grouped(target, parts):
        if chosen.size:
            yield part, tuple(array[chosen] for array in arrays)


def _grouped(target: I64, parts: int) -> Iterator[tuple[int, I64]]:
    """The rows of each partition, ascending: a pass over ``target`` per partition when there are few (a
    stable sort of 8-byte numbers cost more than the rest of a shuffle's map side), else a stable sort of
    the narrowest integers that hold them (radix sorted)."""
    if parts <= _FEW_PARTS:
        yield from ((part, np.flatnonzero(target == part)) for part in range(parts))
        return
    narrow = target.astype(np.uint8 if parts <= 256 else np.uint16 if parts <= 65536 else np.int64)
    order = np.argsort(narrow, kind="stable")
    cuts = np.searchsorted(narrow[order], np.arange(parts + 1)).tolist()
    yield from ((part, order[cuts[part]:cuts[part + 1]]) for part in range(parts))


def gather(blocks: Iterable[Routed], columns: int) -> list[np.ndarray]:
    """The blocks one partition received, concatenated column by column (``columns`` empty arrays if none)."""
    parts = [arrays for _, arrays in blocks]
    if not parts:
        return [np.zeros(0, dtype=np.int64) for _ in range(columns)]
    return [np.concatenate([p[i] for p in parts]) for i in range(columns)]


def fingerprint_block(docs: list[int], ids: list[str], prints: Fingerprints) -> Block:
    """A block from a partition's document indices, ids and fingerprints (token offsets dropped)."""
    none = np.zeros(0, dtype=np.int32)
    return Block(np.array(docs, dtype=np.int64),
                 Fingerprints(prints.ngram, prints.token_counts, prints.offsets, prints.shingles, none, none),
                 id_hashes(ids))


def id_hashes(ids: Iterable[str]) -> U64:
    """A 64-bit hash of each document id (``Block.id_hashes``; the driver hashes the ids it gives repeats alike)."""
    return np.array([int.from_bytes(hashlib.blake2b(i.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                                    "little") for i in ids], dtype=np.uint64)


def band_records(block: Block, min_words: int, num_perm: int, seed: int, bands: int, rows: int,
                 parts: int) -> Iterator[Routed]:
    """``(band, key, document)`` of every usable document and band, routed by band key.

    Args:
        block: Fingerprints of a partition.
        min_words: Least tokens of a usable document.
        num_perm: Signature length.
        seed: Seed of the signatures.
        bands: LSH bands.
        rows: Rows per band.
        parts: Partitions of the next stage.

    Returns:
        Blocks of ``(band, key, document)`` arrays.
    """
    members = np.flatnonzero(block.usable(min_words))
    if members.size == 0:
        return iter(())
    table = signatures(block.prints, num_perm, seed)
    keys = band_keys(table, members, bands, rows)
    band = np.tile(np.arange(bands, dtype=_narrow(bands)), members.size)
    docs = np.repeat(block.docs[members], bands)
    flat = keys.reshape(-1)
    target = route(flat ^ (band.astype(np.uint64) * _BAND_SALT), parts)
    return scatter(target, parts, band, flat, docs.astype(_narrow(int(block.docs[-1]) + 1)))


def _narrow(bound: int) -> type[np.integer]:
    """The narrowest unsigned integer type that holds numbers below ``bound`` (fewer bytes to shuffle; the
    receiver's sorts and pairs give the same order and values)."""
    return next(kind for kind in (np.uint8, np.uint16, np.uint32, np.uint64) if bound <= np.iinfo(kind).max + 1)


def bucket_pairs(blocks: Iterable[Routed], documents: int) -> U64:
    """Candidate pairs of the band buckets of one partition, as codes ``a * documents + b`` (``a < b``).

    Every pair inside a bucket of at most :data:`~dedupe.scan.minhash.MAX_BUCKET` documents, consecutive
    pairs inside a larger one: the local engine's rule.
    """
    band, key, doc = gather(blocks, 3)
    if doc.size == 0:
        return np.zeros(0, dtype=np.uint64)
    order = _by_band_key_doc(band, key, doc)
    band, key, doc = band[order], key[order], doc[order]
    new = np.ones(doc.size, dtype=bool)
    new[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    starts = np.flatnonzero(new)
    sizes = np.diff(np.append(starts, doc.size))
    small = (sizes >= 2) & (sizes <= MAX_BUCKET)
    pairs = [all_pairs(doc, starts[small], sizes[small])]
    for start, size in zip(starts[sizes > MAX_BUCKET].tolist(), sizes[sizes > MAX_BUCKET].tolist()):
        pairs.append(sorted_bucket_pairs(doc[start:start + size]))
    joined = np.concatenate(pairs).astype(np.uint64)
    return np.unique(joined[:, 0] * np.uint64(documents) + joined[:, 1])


def _by_band_key_doc(band: I64, key: U64, doc: I64) -> I64:
    """``np.lexsort((doc, key, band))`` in three stable sorts, at half its cost: by document (a few sorted
    runs, one per block received), then key, then band (small numbers: a radix sort)."""
    order = np.argsort(doc, kind="stable")
    order = order[np.argsort(key[order], kind="stable")]
    bands = band[order]
    return order[np.argsort(bands.astype(np.uint8) if int(bands.max()) < 256 else bands, kind="stable")]


def code_records(codes: U64, parts: int) -> Iterator[Routed]:
    """Pair codes routed by code (so that one partition sees every copy of a code)."""
    return scatter(route(codes, parts), parts, codes)


def key_records(block: Block, parts: int) -> Iterator[Routed]:
    """The low 32 bits of every shingle of the block (its key), routed by key: 4 bytes a shingle, so that
    the corpus' repeated shingles are found before the passage search moves 32 bytes of each."""
    keys = block.prints.shingles.astype(np.uint32)
    return scatter((keys % np.uint32(parts)).astype(np.int64), parts, keys)


def repeated_keys(blocks: Iterable[Routed]) -> np.ndarray:
    """The keys this partition received more than once, sorted (every key of a shingle found twice or more
    in the corpus, and a few more whose keys meet)."""
    (keys,) = gather(blocks, 1)
    keys = np.sort(keys.astype(np.uint32))
    repeated = keys[1:][keys[1:] == keys[:-1]]  # sorted already: its repeats are neighbours
    return repeated[np.append(True, repeated[1:] != repeated[:-1])] if repeated.size else repeated


def key_table(repeated: np.ndarray) -> np.ndarray:
    """A bitmap over the low bits of keys that holds every one of ``repeated``: at least 16 bits a key
    (so about one key in 16 not repeated passes too), from 2**16 to 2**30 bits."""
    size = 1 << min(30, max(16, (int(repeated.size) * 16).bit_length()))
    marks = np.zeros(size, dtype=bool)
    marks[repeated.astype(np.int64) & (size - 1)] = True
    return np.packbits(marks, bitorder="little")


def _in_table(table: np.ndarray, shingles: U64) -> np.ndarray:
    """Whether each shingle's key is in the bitmap of :func:`key_table` (always, for a repeated shingle)."""
    slot = shingles.astype(np.uint32).astype(np.int64) & (table.size * 8 - 1)
    return ((table[slot >> 3] >> (slot & 7).astype(np.uint8)) & 1).astype(bool)


def shingle_records(block: Block, layout: Layout, parts: int, table: np.ndarray | None = None) -> Iterator[Routed]:
    """``(shingle, document, index, ahead, behind)`` of every shingle (with ``table``, only of those whose key
    is in it: the others occur once in the corpus and link nothing), routed by the shingle's high bits.

    ``document`` (its corpus index) and ``index`` (the shingle's in it) are 4-byte numbers: the padded
    position is ``layout.base[document] + index``, and the receiver knows each link's documents without
    looking them up.

    ``ahead`` and ``behind`` are what the local passage search reads at ``position +- reach`` of its padded
    layout: the shingle there, or the sentinel of that position outside the document.
    """
    prints = block.prints
    counts = np.diff(prints.offsets)
    shingles = prints.shingles
    chosen = np.arange(shingles.size, dtype=np.int64)
    firsts = np.repeat(prints.offsets[:-1], counts)
    total = np.repeat(counts, counts)
    docs = np.repeat(block.docs, counts)
    if table is not None:
        kept = np.flatnonzero(_in_table(table, shingles))
        chosen, firsts, total, docs = kept, firsts[kept], total[kept], docs[kept]
    index = chosen - firsts
    position = layout.base[docs] + index
    reach = layout.reach
    ahead = _neighbour(shingles, chosen, position, index + reach < total, reach)
    behind = _neighbour(shingles, chosen, position, index - reach >= 0, -reach)
    mine = shingles[chosen]
    target = ((mine >> np.uint64(layout.bits)) % np.uint64(parts)).astype(np.int64)
    return scatter(target, parts, mine, docs.astype(np.int32), index.astype(np.int32), ahead, behind)


def _neighbour(shingles: U64, chosen: I64, position: I64, inside: np.ndarray, step: int) -> U64:
    """The shingle ``step`` places on from each ``chosen`` one inside its document, else the padded layout's
    sentinel there."""
    index = np.clip(chosen + step, 0, max(0, shingles.size - 1))
    sentinel = (position + step).astype(np.uint64) ^ SENTINEL
    return np.where(inside, shingles[index] if shingles.size else sentinel, sentinel)


def links(blocks: Iterable[Routed], layout: Layout, fanout: int = FANOUT) -> tuple[I64, I64, I64, I64]:
    """Pairs of positions holding the same shingle where a run can pass (the local ``_links``).

    Returns:
        ``(first, second, a, b)``: padded positions, ``first < second``, and their documents.
    """
    shingles, doc, index, ahead, behind = gather(blocks, 5)
    doc = doc.astype(np.int64)
    position = layout.base[doc] + index
    shingles = shingles.astype(np.uint64, copy=False)  # none received: empty int64 columns
    bits = np.uint64(layout.bits)
    keys = ((shingles >> bits) << bits) | position.astype(np.uint64)
    order = np.argsort(keys)
    hashes = keys[order] >> bits
    same = hashes[1:] == hashes[:-1]
    shared = np.zeros(hashes.size, dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    order, hashes = order[shared], hashes[shared]
    firsts, seconds = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for k in range(1, min(fanout, hashes.size - 1) + 1):
        hit = hashes[k:] == hashes[:-k]
        firsts.append(order[:-k][hit])
        seconds.append(order[k:][hit])
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    if layout.reach:
        near = ahead[first] == ahead[second]
        later = np.flatnonzero(~near)
        near[later] = behind[first[later]] == behind[second[later]]
        first, second = first[near], second[near]
    keep = shingles[first] == shingles[second]
    first, second = first[keep], second[keep]
    return position[first], position[second], doc[first], doc[second]


def link_records(first: I64, second: I64, a: I64, b: I64, layout: Layout, parts: int) -> Iterator[Routed]:
    """Links (positions ``first``, ``second`` in documents ``a``, ``b``) routed by their pair of documents (so
    each pair's runs are found in one partition)."""
    documents = np.uint64(layout.base.size)
    narrow = _narrow(1 << layout.bits)  # positions are below 2 ** bits
    target = route(a.astype(np.uint64) * documents + b.astype(np.uint64), parts)
    return scatter(target, parts, first.astype(narrow), second.astype(narrow))


def pair_runs(blocks: Iterable[Routed], layout: Layout, ngram: int, min_words: int,
              threshold: float) -> tuple[RunTable, U64]:
    """The runs of the document pairs of one partition, and the pairs their coverage proposes.

    Returns:
        ``(runs, codes)``: runs ordered by first place (the local ``shared_runs`` rows of these pairs),
        and the codes ``a * documents + b`` of pairs whose runs cover ``threshold - 0.1`` of a document.
    """
    first, second = gather(blocks, 2)
    shape = Fingerprints(ngram, layout.token_counts, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint64),
                         np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))
    table = link_runs(first.astype(np.int64), second.astype(np.int64), layout.base, shape, min_words)
    covered, share_a, share_b = coverage(table, layout.token_counts)
    extra = covered[np.maximum(share_a, share_b) >= threshold - 0.1].astype(np.uint64)
    return table, extra[:, 0] * np.uint64(layout.base.size) + extra[:, 1]


def set_records(block: Block, a: I64, b: I64, parts: int) -> Iterator[Routed]:
    """The distinct shingles of the block's documents in pairs ``(a[i], b[i])``, routed by pair.

    Returns:
        Blocks of ``(pair, side, lengths, shingles)``: pair index ``i``, 0 for ``a`` and 1 for ``b``, the
        number of distinct shingles and all of them concatenated.
    """
    pairs, sides, sets = [], [], []
    distinct: dict[int, U64] = {}  # a document's set, made once however many pairs it is in
    for side, docs in enumerate((a, b)):
        row = np.searchsorted(block.docs, docs)
        inside = np.flatnonzero((row < block.docs.size) & (block.docs[np.minimum(row, block.docs.size - 1)] == docs))
        for pair, local in zip(inside.tolist(), row[inside].tolist()):
            pairs.append(pair)
            sides.append(side)
            if local not in distinct:
                distinct[local] = np.unique(block.prints.of(local))
            sets.append(distinct[local])
    if not pairs:
        return iter(())
    pair_array = np.array(pairs, dtype=np.int64)
    lengths = np.array([s.size for s in sets], dtype=np.int64)
    target = route(pair_array.astype(np.uint64), parts)
    starts = np.concatenate([[0], np.cumsum(lengths)])
    flat = np.concatenate(sets)
    return ((part, (pair_array[rows], np.array(sides)[rows], lengths[rows],
                    np.concatenate([flat[starts[r]:starts[r + 1]] for r in rows.tolist()])))
            for part, (rows,) in scatter(target, parts, np.arange(len(pairs))))


def pair_similarities(blocks: Iterable[Routed]) -> tuple[I64, np.ndarray, np.ndarray]:
    """Jaccard similarity and containment of every pair whose two sets this partition received.

    Returns:
        ``(pairs, jaccard, containment)``, pairs by index.
    """
    pair, side, lengths, flat = gather(blocks, 4)
    starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    rows: dict[tuple[int, int], int] = {(p, s): row for row, (p, s) in enumerate(zip(pair.tolist(), side.tolist()))}
    found = sorted({p for p, _ in rows})
    both = np.array([(rows[p, 0], rows[p, 1]) for p in found], dtype=np.int64).reshape(-1, 2)
    flat = flat.astype(np.uint64)
    module = native()
    if module is not None and found:  # the local engine's compiled loop (dedupe.scan.verify.similarities): same numbers
        scores = np.empty((len(found), 2), dtype=np.float64)
        module.similarities(flat, starts, both, scores)
    else:
        scores = np.array([jaccard_containment(flat[starts[a]:starts[a + 1]], flat[starts[b]:starts[b + 1]])
                           for a, b in both.tolist()], dtype=np.float64).reshape(-1, 2)
    return np.array(found, dtype=np.int64), scores[:, 0].copy(), scores[:, 1].copy()
