"""Verification of candidate document pairs for :mod:`dedupe.scan.near_dup`, and the scan's LSH stage run
beside its passage search in a forked process.

Every candidate pair is checked exactly on the shingle sets: Jaccard similarity and containment (share
of the smaller set found in the larger). With :func:`overlapped`, a forked child finds the LSH
candidates while the parent searches the shared passages; the candidates, and so the verified pairs,
are the same, in the same order, as from the serial stages.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np

from dedupe.runtime import ForkedCall, StageTimer
from dedupe.native import native
from dedupe.scan.minhash import candidate_pairs, lsh_params, signatures
from dedupe.scan.passages import RunTable, coverage, shared_runs
from dedupe.scan.shingle import I64, Fingerprints

if TYPE_CHECKING:
    from dedupe.scan.config import ScanConfig

#: A verified pair: document indices ``a < b``, Jaccard similarity, containment.
Pair = tuple[int, int, float, float]


def lsh_candidates(prints: Fingerprints, usable: np.ndarray, bands: int, rows: int, config: ScanConfig) -> I64:
    """Candidate pairs of documents from MinHash LSH (``(k, 2)`` indices, ``a < b``)."""
    table = signatures(prints, config.num_perm, config.seed)
    return candidate_pairs(table, usable, bands, rows, config.seed, config.backend)


def verify(prints: Fingerprints, usable: np.ndarray, candidates: I64, runs: RunTable,
           threshold: float, known: dict[tuple[int, int], tuple[float, float]] | None = None) -> list[Pair]:
    """Exact Jaccard and containment of LSH candidates and of pairs whose shared runs cover a document.

    Args:
        prints: Fingerprints of the corpus.
        usable: Whether each document has shingles and enough tokens (others are never paired).
        candidates: LSH candidate pairs.
        runs: Shared runs (their coverage proposes trimmed copies).
        threshold: Least Jaccard similarity or containment.
        known: Similarities already computed (:func:`similarities`), by pair.

    Returns:
        The verified pairs ``(a, b, jaccard, containment)``, ordered by ``(a, b)``.
    """
    covered, share_a, share_b = coverage(runs, prints.token_counts)
    extra = covered[np.maximum(share_a, share_b) >= threshold - 0.1]
    pairs = {(a, b) for a, b in np.concatenate([candidates, extra]).tolist()}
    measured = dict(known or {})
    measured.update(similarities(prints, usable, [pair for pair in pairs if pair not in measured]))
    verified = []
    for a, b in sorted(pairs):
        similarity = measured.get((a, b))
        if similarity is not None and max(similarity) >= threshold:
            verified.append((a, b, *similarity))
    return verified


def similarities(prints: Fingerprints, usable: np.ndarray,
                 pairs: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[float, float]]:
    """Jaccard similarity and containment of each pair of usable documents (others are left out)."""
    module = native()
    if module is not None:  # the same numbers by the compiled loop (dedupe.native)
        ordered = [(a, b) for a, b in sorted(pairs) if usable[a] and usable[b]]
        values = np.empty((len(ordered), 2), dtype=np.float64)
        module.similarities(np.ascontiguousarray(prints.shingles), np.ascontiguousarray(prints.offsets, dtype=np.int64),
                            np.array(ordered, dtype=np.int64).reshape(-1, 2), values)
        return {pair: (jaccard, containment) for pair, (jaccard, containment) in zip(ordered, values.tolist())}
    sets: dict[int, np.ndarray] = {}
    return {(a, b): jaccard_containment(_unique(sets, prints, a), _unique(sets, prints, b)) for a, b in sorted(pairs)
            if usable[a] and usable[b]}


def _unique(cache: dict[int, np.ndarray], prints: Fingerprints, doc: int) -> np.ndarray:
    if doc not in cache:
        ordered = np.sort(prints.of(doc))  # np.unique, at a third of its cost on small arrays
        cache[doc] = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if ordered.size else ordered
    return cache[doc]


def jaccard_containment(one: np.ndarray, other: np.ndarray) -> tuple[float, float]:
    """Jaccard similarity and containment of two sorted sets of shingle hashes."""
    shared = int(np.count_nonzero(other.take(np.searchsorted(other, one), mode="clip") == one)) if other.size else 0
    return shared / (one.size + other.size - shared), shared / min(one.size, other.size)


def overlapped(timer: StageTimer, prints: Fingerprints, usable: np.ndarray,
               config: ScanConfig) -> tuple[I64, RunTable, list[Pair], tuple[int, int]]:
    """The LSH candidates, the shared runs and the verified pairs, as the serial stages give them.

    A forked child chooses the LSH bands (datasketch's parameter search: 17 ms), finds the LSH
    candidates and measures their similarities while this process searches the passages; this process
    then measures the pairs the passages propose and verifies them all. If the child fails, its work is
    done here.

    Args:
        timer: Times the stages ``passages``, ``minhash`` (waiting for the child) and ``verify``.
        prints: Fingerprints of the corpus.
        usable: Whether each document has shingles and enough tokens.
        config: The scan's options.

    Returns:
        ``(candidates, runs, pairs, (bands, rows))``: LSH candidate pairs, shared runs, verified pairs
        in order, and the LSH parameters.
    """

    def lsh() -> bytes:
        bands, rows = lsh_params(config.threshold, config.num_perm)
        candidates = lsh_candidates(prints, usable, bands, rows, config).astype(np.int64).reshape(-1, 2)
        measured = similarities(prints, usable, [(a, b) for a, b in candidates.tolist()])
        return pack(candidates, np.array([bands, rows], dtype=np.int64),
                    np.array(list(measured), dtype=np.int64).reshape(-1, 2),
                    np.array(list(measured.values()), dtype=np.float64).reshape(-1, 2))

    known: dict[tuple[int, int], tuple[float, float]] = {}
    with ForkedCall(lsh) as child:
        runs = timer.run("passages", lambda: shared_runs(prints, config.min_words))
        payload = timer.run("minhash", child.result)
    if payload is None:
        bands, rows = lsh_params(config.threshold, config.num_perm)
        candidates = timer.run("minhash", lambda: lsh_candidates(prints, usable, bands, rows, config))
    else:
        candidates, params, measured, values = unpack(payload)
        bands, rows = params.tolist()
        known = {(a, b): (jaccard, containment)
                 for (a, b), (jaccard, containment) in zip(measured.tolist(), values.tolist())}
    pairs = timer.run("verify", lambda: verify(prints, usable, candidates, runs, config.threshold, known))
    return candidates, runs, pairs, (bands, rows)


def pack(*arrays: np.ndarray) -> bytes:
    """Arrays as bytes (``np.save`` one after another)."""
    buffer = io.BytesIO()
    for array in arrays:
        np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def unpack(data: bytes | memoryview) -> list[np.ndarray]:
    """The arrays of :func:`pack`."""
    buffer, arrays = io.BytesIO(data), []
    while buffer.tell() < len(data):
        arrays.append(np.load(buffer, allow_pickle=False))
    return arrays
