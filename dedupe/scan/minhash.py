"""MinHash signatures of whole documents and LSH candidate pairs, batched with numpy.

Signatures are **one-permutation MinHash** with densification (Li, Owen & Zhang 2012; Shrivastava &
Li 2014): each shingle hash is mixed once with the seed, its top bits pick one of ``num_perm`` slots
and its low 32 bits compete for the slot's minimum; slots left empty by a short document borrow the
value of the nearest filled slot to the left, salted by the distance, by the same rule for all documents. Two
documents agree on a slot with probability equal to their Jaccard similarity, as with classic MinHash,
but the cost is one hash per shingle instead of ``num_perm``, for the whole corpus in a few numpy calls.

The rows feed datasketch: :func:`lean_minhash` wraps a row as a ``LeanMinHash`` and
:func:`candidate_pairs` with ``backend="datasketch"`` inserts them into a ``MinHashLSH``. The band
parameters are those of ``MinHashLSH``'s optimal-parameter search, computed here without importing
datasketch (:func:`lsh_params`; ``tests/test_minhash.py`` checks they are the same). The default
``backend="numpy"`` bands the same rows with the same ``(bands, rows)`` in bulk, because inserting
one document at a time into ``MinHashLSH`` costs about 160 microseconds per document here, more
than everything else in the scan put together (see ``benchmarks/README.md``); both backends return
the same pairs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from dedupe.native import native
from dedupe.scan.shingle import I64, U64, Fingerprints, mix64, sorted_unique

if TYPE_CHECKING:  # datasketch (which imports scipy, most of a second) is imported only where it is used
    from datasketch import LeanMinHash

U32 = npt.NDArray[np.uint32]

_EMPTY = np.uint32(0xFFFFFFFF)
_LOW32 = np.uint64(0xFFFFFFFF)
_ODD = np.uint64(0xD1B54A32D192ED03)
_BLOCK_SHINGLES = 1 << 18  # 2 MiB of hashes: the temporaries stay in the processor's cache
_SEED_SALT = 0x632BE59BD9B4E019
# MinHashLSH's search weighs a missed pair 19 times more than a needless candidate: every candidate
# is verified exactly afterwards, so a candidate costs microseconds while a miss costs recall.
LSH_WEIGHTS = (0.05, 0.95)
# A band bucket larger than this is linked as a chain instead of all its pairs (union-find still
# joins the whole bucket), so a thousand identical documents do not cost half a million checks.
MAX_BUCKET = 100
# Values of the integrand computed at once by :func:`lsh_params` (8 MiB).
_QUADRATURE_CELLS = 1 << 20
#: Largest signature for which :func:`lsh_params` searches itself: 0.05 s at 128 (as datasketch), 0.6 s
#: at 512 (datasketch 0.45 s after a 0.7-1.6 s import), 50 s at 4096 (datasketch a few seconds).
OWN_SEARCH_MAX = 512


def signatures(prints: Fingerprints, num_perm: int, seed: int) -> U32:
    """One-permutation MinHash signature of every document.

    Args:
        prints: The documents' shingles.
        num_perm: Slots per signature.
        seed: Seed of the hash mixing.

    Returns:
        A ``(documents, num_perm)`` array of values below ``2**32 - 1``; rows of documents without
        shingles are all ``2**32 - 1``.
    """
    docs = prints.token_counts.size
    table = np.empty((docs, num_perm), dtype=np.uint32)
    key = _seed_key(seed)
    module = native()
    if module is not None:  # the same rows by the compiled loop (dedupe.native)
        module.signatures(np.ascontiguousarray(prints.shingles), np.ascontiguousarray(prints.offsets, dtype=np.int64),
                          num_perm, int(key), table)
        return table
    # Blocks of documents keep every temporary array small: large ones cost a page fault per 4 KiB.
    for first, last in _blocks(prints.offsets, _BLOCK_SHINGLES):
        offsets = prints.offsets[first:last + 1]
        table[first:last] = _block_signatures(prints.shingles[offsets[0]:offsets[-1]], np.diff(offsets),
                                              num_perm, key)
    return table


def _block_signatures(shingles: U64, counts: I64, num_perm: int, key: np.uint64) -> U32:
    # Shingle hashes are already well mixed: one xor-multiply per seed is a fresh hash function.
    mixed = (shingles ^ key) * _ODD
    slots = ((mixed >> np.uint64(32)) * np.uint64(num_perm)) >> np.uint64(32)
    cells = np.repeat(np.arange(0, counts.size * num_perm, num_perm, dtype=np.uint64), counts) + slots
    values = ((mixed & _LOW32) >> np.uint64(1)).astype(np.uint32)  # below the empty marker
    flat = np.full(counts.size * num_perm, _EMPTY, dtype=np.uint32)
    np.minimum.at(flat, cells, values)
    _densify(flat, num_perm, counts > 0)
    return flat.reshape(counts.size, num_perm)


def _blocks(offsets: I64, size: int) -> list[tuple[int, int]]:
    """Consecutive document ranges ``[first, last)`` holding about ``size`` shingles each."""
    cuts = np.searchsorted(offsets, np.arange(size, int(offsets[-1]), size)).tolist()
    bounds = sorted({0, *cuts, offsets.size - 1})
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _seed_key(seed: int) -> np.uint64:
    return np.uint64(int(mix64(np.array([(seed ^ _SEED_SALT) & ((1 << 64) - 1)], dtype=np.uint64))[0]))


def _densify(flat: U32, width: int, has_shingles: npt.NDArray[np.bool_]) -> None:
    """Fill each empty slot from the nearest filled slot to its left (circularly), salted by the distance.

    Rotation densification (Shrivastava & Li 2014): the same rule for every document, so two documents
    still agree on a slot with probability equal to their Jaccard similarity.
    """
    filled = flat != _EMPTY
    index = np.int32 if flat.size < 2**31 else np.int64  # half the memory traffic for a block
    latest = np.where(filled, np.arange(flat.size, dtype=index), index(-1))
    np.maximum.accumulate(latest, out=latest)
    filled.reshape(-1, width)[~has_shingles] = True  # rows without shingles stay empty
    empty = np.flatnonzero(~filled)
    row_start = empty // width * width
    source = latest[empty]
    wrapped = source < row_start  # no filled slot to the left in this row: take the row's last one
    source[wrapped] = latest[row_start[wrapped] + width - 1]
    distance = (empty - source + width * wrapped).astype(np.uint32)
    flat[empty] = (flat[source] + distance * np.uint32(0x9E3779B1)) >> np.uint32(1)


@lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` of datasketch's ``MinHashLSH`` parameter search, weighted towards recall.

    The same search as datasketch's ``_optimal_param`` (every ``bands * rows <= num_perm``, the first
    smallest weighted sum of the false positive and false negative areas), without importing it: its
    integrals of polynomials of degree ``bands * rows`` are computed exactly by Gauss-Legendre quadrature
    where datasketch calls ``scipy.integrate.quad``. Above :data:`OWN_SEARCH_MAX` permutations, where
    that costs more than importing datasketch, datasketch's own search runs.

    Args:
        threshold: Jaccard threshold.
        num_perm: Signature length.

    Returns:
        Bands and rows per band, ``bands * rows <= num_perm``.

    Raises:
        ValueError: The search gives fewer than two bands (as ``MinHashLSH`` raises).
    """
    known = KNOWN_PARAMS.get((threshold, num_perm))
    return known if known is not None else search_params(threshold, num_perm)


#: :func:`search_params` of the scan's defaults, kept so that a run with them skips the search (its
#: quadrature costs 10-20 ms at every start of ``dedupe scan`` and ``dedupe index``); a test checks
#: that the search still gives them.
KNOWN_PARAMS = {(0.8, 128): (16, 8)}


def search_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """:func:`lsh_params` by the search itself (see there).

    Args:
        threshold: Jaccard threshold.
        num_perm: Signature length.

    Returns:
        Bands and rows per band.

    Raises:
        ValueError: The search gives fewer than two bands.
    """
    if num_perm > OWN_SEARCH_MAX:
        from datasketch import MinHashLSH

        index = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
        return index.b, index.r
    nodes, weights = gauss_legendre(num_perm // 2 + 1)  # exact to degree num_perm + 1
    below, above = _interval(nodes, weights, 0.0, threshold), _interval(nodes, weights, threshold, 1.0)
    bands = np.array([b for b in range(1, num_perm + 1) for _ in range(num_perm // b)], dtype=np.float64)
    rows = np.array([r for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=np.float64)
    false_positive = _area(below, bands, rows)
    false_negative = (1.0 - threshold) - _area(above, bands, rows)
    error = false_positive * LSH_WEIGHTS[0] + false_negative * LSH_WEIGHTS[1]
    best = int(np.argmin(error))  # the first of equal errors, as datasketch's strict ``<`` keeps
    if bands[best] < 2:
        raise ValueError("The number of bands are too small (b < 2)")
    return int(bands[best]), int(rows[best])


def gauss_legendre(count: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Nodes and weights of ``count``-point Gauss-Legendre quadrature on ``[-1, 1]``.

    Newton's method on the three-term recurrence of the Legendre polynomials (the nodes and weights of
    ``numpy.polynomial.legendre.leggauss`` to rounding, without importing ``numpy.polynomial``, which
    imports ``numpy.ma``: a tenth of a second at start-up).

    Args:
        count: Number of nodes (at least 1); exact for polynomials of degree ``2 * count - 1``.

    Returns:
        Nodes in decreasing order and their weights.
    """
    nodes = np.cos(np.pi * (np.arange(1, count + 1) - 0.25) / (count + 0.5))
    for _ in range(100):
        value, derivative = _legendre(count, nodes)
        step = value / derivative
        nodes = nodes - step
        if np.max(np.abs(step)) < 1e-15:
            break
    _, derivative = _legendre(count, nodes)
    return nodes, 2.0 / ((1.0 - nodes * nodes) * derivative * derivative)


def _legendre(degree: int, points: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The Legendre polynomial of ``degree`` and its derivative at ``points`` (none at +-1)."""
    before, value = np.ones_like(points), points.copy()
    for k in range(2, degree + 1):
        before, value = value, ((2 * k - 1) * points * value - (k - 1) * before) / k
    return value, degree * (points * value - before) / (points * points - 1.0)


def _interval(nodes: npt.NDArray[np.float64], weights: npt.NDArray[np.float64], low: float,
              high: float) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Gauss-Legendre nodes and weights moved from ``[-1, 1]`` to ``[low, high]``."""
    half = (high - low) / 2
    return low + half * (nodes + 1.0), weights * half


def _area(quadrature: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]], bands: npt.NDArray[np.float64],
          rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The integral of ``1 - (1 - s**rows)**bands`` over the quadrature's interval, for each pair."""
    points, weights = quadrature
    step = max(1, _QUADRATURE_CELLS // points.size)  # pairs at a time: the temporaries stay small
    areas = [(1.0 - (1.0 - points[None, :] ** rows[i:i + step, None]) ** bands[i:i + step, None]) @ weights
             for i in range(0, bands.size, step)]
    return np.concatenate(areas)


def lean_minhash(row: U32, seed: int) -> LeanMinHash:
    """A signature row as a datasketch ``LeanMinHash`` (to query a ``MinHashLSH`` or estimate Jaccard)."""
    from datasketch import LeanMinHash
    return LeanMinHash(seed=seed, hashvalues=row, scheme="affine32")


def candidate_pairs(table: U32, usable: npt.NDArray[np.bool_], bands: int, rows: int, seed: int,
                    backend: str = "numpy") -> I64:
    """Document pairs that share at least one LSH band.

    Args:
        table: Signatures, one row per document.
        usable: Which rows take part (documents with shingles and enough words).
        bands: Number of bands.
        rows: Rows per band.
        seed: Seed of the signatures (recorded in the ``LeanMinHash`` objects).
        backend: ``"numpy"`` (bulk banding) or ``"datasketch"`` (a real ``MinHashLSH``).

    Returns:
        ``(k, 2)`` array of document indices ``a < b``, sorted, without repeats.
    """
    members = np.flatnonzero(usable)
    if backend == "datasketch":
        pairs = [sorted_bucket_pairs(bucket) for bucket in _datasketch_buckets(table, members, bands, rows, seed)]
    else:
        pairs = _numpy_pairs(table, members, bands, rows)
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    joined = np.concatenate(pairs)
    codes = sorted_unique(joined[:, 0] * np.int64(table.shape[0]) + joined[:, 1])
    return np.stack([codes // table.shape[0], codes % table.shape[0]], axis=1)


def _numpy_pairs(table: U32, members: I64, bands: int, rows: int) -> list[I64]:
    """The pairs of every band bucket holding two or more documents (as :func:`sorted_bucket_pairs` gives
    them), one ``(k, 2)`` array per band, the buckets of a band found with one sort of its keys."""
    keys = band_keys(table, members, bands, rows)
    pairs: list[I64] = []
    for band in range(bands):
        order = np.argsort(keys[:, band])  # the order inside a bucket does not matter: pairs are sorted
        ordered = keys[order, band]
        starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
        sizes = np.diff(np.append(starts, order.size))
        small = (sizes >= 2) & (sizes <= MAX_BUCKET)
        pairs.append(all_pairs(members[order], starts[small], sizes[small]))
        for start, size in zip(starts[sizes > MAX_BUCKET].tolist(), sizes[sizes > MAX_BUCKET].tolist()):
            pairs.append(sorted_bucket_pairs(np.sort(members[order[start:start + size]])))
    return pairs


def all_pairs(ordered: I64, starts: I64, sizes: I64) -> I64:
    """Every pair ``(a, b)``, ``a < b``, inside each bucket ``ordered[start:start + size]``, vectorised."""
    rank = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    position = np.repeat(starts, sizes) + rank
    partners = np.repeat(sizes, sizes) - 1 - rank  # later members of the same bucket
    first = np.repeat(position, partners)
    step = np.arange(first.size) - np.repeat(np.cumsum(partners) - partners, partners) + 1
    a, b = ordered[first], ordered[first + step]
    return np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)


def band_keys(table: U32, members: I64, bands: int, rows: int) -> U64:
    """The LSH band keys of the signatures ``table[members]``: ``(members, bands)`` 64-bit keys; two
    documents share a bucket of band ``i`` exactly when their keys in column ``i`` are equal (also used by
    :mod:`dedupe.index` to store and look up buckets and by the Spark engine). Each band's ``rows`` values
    ``v`` folded as ``(((v0 * M + v1) * M + ...) + v_last) * M``, i.e. ``sum(v_i * M**(rows - i))`` modulo
    2**64, then mixed; computed for all bands at once over blocks of documents (row-wise, cache-friendly)."""
    powers = np.cumprod(np.full(rows, _ODD, dtype=np.uint64))[::-1].copy()  # M**rows ... M**1
    weights = np.tile(powers, bands)
    keys = np.empty((members.size, bands), dtype=np.uint64)
    step = max(1, _BLOCK_SHINGLES // max(1, bands * rows))
    for first in range(0, members.size, step):
        block = table[members[first:first + step], :bands * rows].astype(np.uint64)
        block *= weights
        keys[first:first + step] = mix64(block.reshape(-1, bands, rows).sum(axis=2, dtype=np.uint64))
    return keys


def _datasketch_buckets(table: U32, members: I64, bands: int, rows: int, seed: int) -> list[I64]:
    """The same buckets read from a real ``MinHashLSH`` holding one ``LeanMinHash`` per document."""
    from datasketch import MinHashLSH
    index = MinHashLSH(num_perm=table.shape[1], params=(bands, rows))
    with index.insertion_session() as session:
        for doc in members.tolist():
            session.insert(doc, lean_minhash(table[doc], seed), check_duplication=False)
    buckets: list[I64] = []
    for hashtable in index.hashtables:
        for key in hashtable.keys():
            keys = hashtable.get(key)
            if len(keys) > 1:
                buckets.append(np.array(sorted(keys), dtype=np.int64))
    return buckets


def sorted_bucket_pairs(bucket: I64) -> I64:
    """All pairs of a bucket, or consecutive pairs only for a bucket over :data:`MAX_BUCKET`."""
    if bucket.size > MAX_BUCKET:
        return np.stack([bucket[:-1], bucket[1:]], axis=1)
    first, second = np.triu_indices(bucket.size, k=1)
    return np.stack([bucket[first], bucket[second]], axis=1)
