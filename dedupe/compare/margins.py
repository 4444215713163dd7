"""Story-relative link scores: how a claim pair stands against each claim's own neighbourhood in its story.

An absolute cosine does not carry over from one story to another: in a disaster story nearly every sentence
mentions the quake, its toll and its province, so unrelated claims sit at high cosine, while in a political
story they do not. The methods here, from parallel-corpus mining and cross-lingual retrieval (where the same
"hubness" problem moves the best threshold from one language pair to the next), score a pair against how close
each of its claims is to the story in general:

- the *neighbourhood* of a claim (:func:`neighbourhoods`): the mean cosine of its ``k`` nearest claims of the
  story's other documents;
- the *ratio margin* (:func:`ratio_margin`; Artetxe & Schwenk 2019, "Margin-based parallel corpus mining with
  multilingual sentence embeddings"): ``cos(x, y) / ((r_x + r_y) / 2)``;
- *CSLS* (:func:`csls`; Conneau et al. 2018, "Word translation without parallel data"): ``2 cos(x, y) - r_x - r_y``;
- *mutual best match* (:func:`mutual_best`): of each two documents, the pairs whose claims are each other's best
  partner in the other document.

Pure functions over arrays, as :mod:`dedupe.compare.align`.

Example:
    >>> import numpy as np
    >>> vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    >>> [round(float(r), 2) for r in neighbourhoods(vectors, ["a", "b", "c"], k=1)]
    [0.8, 0.8, 0.6]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def neighbourhoods(vectors: np.ndarray, doc_keys: Sequence[str], k: int) -> np.ndarray:
    """Each claim's mean cosine with its ``k`` nearest claims of other documents (fewer where the story has fewer;
    0 where it has none).

    Args:
        vectors: ``(n, dim)`` L2-normalised rows of one story's claims.
        doc_keys: Document of each row.
        k: How many neighbours, at least 1.

    Returns:
        ``(n,)`` float64 means.

    Raises:
        ValueError: If ``k`` is under 1 or the lengths differ.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    if len(vectors) != len(doc_keys):
        raise ValueError("vectors and doc_keys must have the same length")
    if not len(vectors):
        return np.zeros(0)
    keys = np.unique(np.asarray(doc_keys), return_inverse=True)[1]
    sims = np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors, dtype=np.float64).T
    other = keys[:, None] != keys[None, :]
    sims[~other] = -np.inf
    count = np.minimum(other.sum(axis=1), k)
    nearest = -np.sort(-sims, axis=1)[:, :k]
    nearest[~np.isfinite(nearest)] = 0.0
    return np.where(count > 0, nearest.sum(axis=1) / np.maximum(count, 1), 0.0)


def ratio_margin(cosines: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Artetxe & Schwenk's ratio margin of pairs: cosine over the mean of the two claims' neighbourhoods.

    Args:
        cosines: Each pair's cosine.
        first: The first claim's neighbourhood (:func:`neighbourhoods`), per pair.
        second: The second claim's, per pair.

    Returns:
        The margins; a pair whose neighbourhoods are 0 or less gets its cosine over a tiny positive mean.

    Example:
        >>> ratio_margin(np.array([0.6]), np.array([0.5]), np.array([0.7])).round(3).tolist()
        [1.0]
    """
    mean = (np.asarray(first, dtype=np.float64) + np.asarray(second, dtype=np.float64)) / 2
    return np.asarray(cosines, dtype=np.float64) / np.maximum(mean, 1e-6)


def csls(cosines: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """CSLS of pairs (Conneau et al. 2018): ``2 cos - r_first - r_second``.

    Example:
        >>> csls(np.array([0.6]), np.array([0.5]), np.array([0.7])).round(3).tolist()
        [0.0]
    """
    return 2 * np.asarray(cosines, dtype=np.float64) - np.asarray(first) - np.asarray(second)


def mutual_best(pairs: Sequence[tuple[int, int]], scores: Sequence[float], doc_keys: Sequence[str]
                ) -> set[tuple[int, int]]:
    """The pairs whose two claims are each other's best-scoring partner in the other's document.

    Args:
        pairs: ``(i, j)`` claim pairs of different documents, each listed once.
        scores: One score per pair (higher is closer); ties go to the lower partner index.
        doc_keys: Document of each claim.

    Returns:
        The mutual pairs, as given.

    Example:
        >>> sorted(mutual_best([(0, 2), (1, 2), (0, 3)], [0.9, 0.5, 0.4], ["a", "a", "b", "b"]))
        [(0, 2)]
    """
    best: dict[tuple[int, str], tuple[float, int]] = {}
    for (i, j), score in zip(pairs, scores):
        for claim, partner in ((i, j), (j, i)):
            slot = (claim, doc_keys[partner])
            if slot not in best or (-score, partner) < (-best[slot][0], best[slot][1]):
                best[slot] = (float(score), partner)
    return {(i, j) for i, j in pairs
            if best[(i, doc_keys[j])][1] == j and best[(j, doc_keys[i])][1] == i}


__all__ = ["csls", "mutual_best", "neighbourhoods", "ratio_margin"]


RELATIVE_MODES: tuple[str, ...] = ("none", "margin", "csls", "mutual", "mutual-probability", "margin-candidates",
                                   "margin-score", "probability-margin", "near-best")


def best_match_ratios(pairs: Sequence[tuple[int, int]], scores: Sequence[float], doc_keys: Sequence[str]
                      ) -> np.ndarray:
    """Each pair's score over the better of its two claims' best scores in the other's document: 1 for a mutual
    best match, under 1 where either claim has a better partner in the other document.

    Example:
        >>> best_match_ratios([(0, 2), (1, 2), (0, 3)], [0.8, 0.4, 0.2], ["a", "a", "b", "b"]).tolist()
        [1.0, 0.5, 0.25]
    """
    best: dict[tuple[int, str], float] = {}
    for (i, j), score in zip(pairs, scores):
        for claim, partner in ((i, j), (j, i)):
            slot = (claim, doc_keys[partner])
            best[slot] = max(best.get(slot, float("-inf")), float(score))
    return np.array([float(s) / max(best[(i, doc_keys[j])], best[(j, doc_keys[i])], 1e-12)
                     for (i, j), s in zip(pairs, scores)])


def relative_kept(pairs: Sequence[tuple[int, int]], cosines: np.ndarray, probabilities: np.ndarray,
                  vectors: np.ndarray, doc_keys: Sequence[str], mode: str, k: int, minimum: float) -> np.ndarray:
    """Which pairs a story-relative gate keeps (``mode``: one of :data:`RELATIVE_MODES`).

    Args:
        pairs: ``(i, j)`` scored pairs.
        cosines: Their cosines in ``vectors``' space.
        probabilities: Their claim-model probabilities.
        vectors: The story's claim vectors (the space the neighbourhoods are read in).
        doc_keys: Document of each claim.
        mode: ``margin`` / ``csls``: the pair's ratio margin / CSLS is at least ``minimum``; ``mutual``: the pair is a
            mutual best match of its two documents by cosine; ``mutual-probability``: by probability.
        k: Neighbourhood size.
        minimum: Smallest margin or CSLS kept.

    Returns:
        A boolean mask over ``pairs``.
    """
    if mode == "near-best":
        return best_match_ratios(pairs, list(probabilities), doc_keys) >= minimum
    if mode in ("mutual", "mutual-probability"):
        scores = cosines if mode == "mutual" else probabilities
        kept = mutual_best(pairs, list(scores), doc_keys)
        return np.array([p in kept for p in pairs], dtype=bool)
    score = relative_scores(pairs, cosines, vectors, doc_keys, "csls" if mode == "csls" else "margin", k)
    return score >= minimum


def relative_scores(pairs: Sequence[tuple[int, int]], cosines: np.ndarray, vectors: np.ndarray,
                    doc_keys: Sequence[str], kind: str, k: int) -> np.ndarray:
    """Each pair's ratio margin (``kind`` ``margin``) or CSLS (``csls``) against the story's neighbourhoods."""
    near = neighbourhoods(vectors, doc_keys, k)
    first = near[[i for i, _ in pairs]] if pairs else np.zeros(0)
    second = near[[j for _, j in pairs]] if pairs else np.zeros(0)
    return (csls if kind == "csls" else ratio_margin)(np.asarray(cosines), first, second)
