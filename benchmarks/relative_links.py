"""Story-relative link decisions for claim alignment, measured on the claims gold's tune split, none shipped.

An absolute score does not carry over from one story to another: in a disaster story nearly every sentence
mentions the quake, its toll and its province, so unrelated claims sit at high cosine, while in a political
story they do not. These variants, from parallel-corpus mining and cross-lingual retrieval (where the same
"hubness" moves the best threshold from one language pair to the next), judge a pair against each claim's own
neighbourhood in its story:

- the *neighbourhood* of a claim (:func:`neighbourhoods`): the mean cosine of its ``k`` nearest claims of the
  story's other documents;
- the *ratio margin* (:func:`ratio_margin`; Artetxe & Schwenk 2019, "Margin-based parallel corpus mining with
  multilingual sentence embeddings"): ``cos(x, y) / ((r_x + r_y) / 2)``;
- *CSLS* (:func:`csls`; Conneau et al. 2018, "Word translation without parallel data"): ``2 cos(x, y) - r_x - r_y``;
- the *best-match ratio* (:func:`best_match_ratios`): a pair's score over the better of its two claims' best
  scores in the other's document; 1 for a *mutual best match* of the two documents.

:class:`RelativeLinks` says how one of them enters :func:`dedupe.compare.align.align` (as a candidate criterion, a
gate beside the claim model's probability, or the score that replaces it), and :func:`relative_align` is ``align``
with that step between scoring and grouping; ``benchmarks.claims_variants`` installs it in place of the tool's.
Figures: ``benchmarks/README.md``, "Session 14: scores that carry over (branch claims21)".

Example:
    >>> vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    >>> [round(float(r), 2) for r in neighbourhoods(vectors, ["a", "b", "c"], k=1)]
    [0.8, 0.8, 0.6]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields

import numpy as np

from dedupe.compare import align
from dedupe.compare.align import AlignConfig, Alignment, ScoredPair
from dedupe.compare.counts import best_in_documents
from dedupe.embed.claim_space import claim_space, load_claim_map

MODES: tuple[str, ...] = ("none", "margin", "csls", "mutual", "mutual-probability", "mutual-margin", "near-best",
                          "near-best-product", "margin-candidates", "margin-score", "probability-margin", "centred")


def neighbourhoods(vectors: np.ndarray, doc_keys: Sequence[str], k: int) -> np.ndarray:
    """Each claim's mean cosine with its ``k`` nearest claims of other documents (over fewer where the story has
    fewer; 0 where it has none).

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
    rows = np.asarray(vectors, dtype=np.float64)
    sims = rows @ rows.T
    other = keys[:, None] != keys[None, :]
    sims[~other] = -np.inf
    nearest = -np.sort(-sims, axis=1)[:, :k]
    nearest[~np.isfinite(nearest)] = 0.0
    count = np.minimum(other.sum(axis=1), k)
    return np.where(count > 0, nearest.sum(axis=1) / np.maximum(count, 1), 0.0)


def ratio_margin(cosines: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Artetxe & Schwenk's ratio margin of pairs: the cosine over the mean of the two claims' neighbourhoods
    (a mean of 0 or less is read as a tiny positive one).

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


def best_match_ratios(pairs: Sequence[tuple[int, int]], scores: Sequence[float], doc_keys: Sequence[str]
                      ) -> np.ndarray:
    """Each pair's score over the better of its two claims' best scores in the other's document
    (:func:`dedupe.compare.counts.best_in_documents`, as :func:`~dedupe.compare.counts.mutual_best` compares): 1 for
    a mutual best match of the two documents, under 1 where either claim has a better partner there.

    Args:
        pairs: ``(i, j)`` claim pairs of different documents, each once.
        scores: One positive score per pair (higher is closer).
        doc_keys: Document of each claim.

    Example:
        >>> best_match_ratios([(0, 2), (1, 2), (0, 3)], [0.8, 0.4, 0.2], ["a", "a", "b", "b"]).tolist()
        [1.0, 0.5, 0.25]
    """
    best = best_in_documents([(i, j, float(score)) for (i, j), score in zip(pairs, scores)], doc_keys)
    return np.array([float(s) / max(best[(i, doc_keys[j])], best[(j, doc_keys[i])], 1e-12)
                     for (i, j), s in zip(pairs, scores)])


@dataclass(frozen=True)
class RelativeLinks:
    """How a story-relative score enters the alignment.

    Attributes:
        relative: One of :data:`MODES`. ``margin`` / ``csls``: a gate, the pair's ratio margin / CSLS is at least
            ``relative_min``; ``mutual`` / ``mutual-probability``: a gate, the pair is a mutual best match of its
            documents by cosine / by probability; ``mutual-margin``: both gates, mutual best by probability and ratio
            margin at least ``relative_min``; ``near-best``: a gate, its best-match ratio (by probability) is at
            least ``relative_min``; ``near-best-product``: a feature, the probability times the best-match ratio to
            the power ``relative_min``; ``margin-candidates``: the candidates are the pairs with ratio margin at least
            ``relative_min`` (any cosine, ``neighbours`` per claim) instead of those above ``candidate_cosine``;
            ``margin-score`` / ``probability-margin``: the grouping score and its threshold (``relative_min``)
            replace the probability's, the ratio margin of the cosine / the probability over the mean of the two
            claims' ``relative_k`` best probabilities (pairs under the claim threshold score 0); ``centred``: the
            claim model reads :func:`centred_cosines` (no gate).
        relative_k: Neighbourhood size.
        relative_min: The cut on the relative score (see ``relative``).
        relative_exempt: A gated pair whose probability is at least this is kept (a confident link).
        relative_plain: Neighbourhoods in the plain MiniLM space instead of the claim space.
    """

    relative: str = "none"
    relative_k: int = 4
    relative_min: float = 1.0
    relative_exempt: float = 0.85
    relative_plain: bool = False

    def __post_init__(self) -> None:
        if self.relative not in MODES:
            raise ValueError(f"relative must be one of {', '.join(MODES)}")


FIELDS: frozenset[str] = frozenset(f.name for f in fields(RelativeLinks))


def centred_cosines(embeddings: np.ndarray, candidates: Sequence[tuple[int, int, float]], mapped: bool = True,
                    matrix: np.ndarray | None = None) -> list[float]:
    """:func:`dedupe.embed.claim_space.claim_space_cosines` with the story's mean claim vector taken off each claim
    (centring, which lowers hubness: Suzuki et al. 2013): what every claim of a story shares (the quake, the toll,
    the province) no longer counts as similarity. ``embeddings`` are the story's claims, all of them."""
    if not candidates:
        return []
    rows = np.asarray(embeddings, dtype=np.float64)
    if mapped:
        matrix = load_claim_map() if matrix is None else matrix
        if rows.shape[1] == len(matrix):
            rows = claim_space(rows.astype(np.float32), matrix).astype(np.float64)
    if len(rows) > 2:
        rows = rows - rows.mean(axis=0, keepdims=True)
        rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    return [float(rows[i] @ rows[j]) for i, j, _ in candidates]


@contextmanager
def replaced(owner: object, name: str, value: object) -> Iterator[None]:
    """``owner.name`` set to ``value`` for the ``with`` block, and what it was put back after it (an exception
    too): a variant holds for its own run only, never for what the process runs next.

    Example:
        >>> with replaced(align, "CLAIM_THRESHOLD", 0.5):
        ...     align.CLAIM_THRESHOLD
        0.5
        >>> align.CLAIM_THRESHOLD != 0.5
        True
    """
    before = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, before)


@contextmanager
def relative_align(variant: RelativeLinks) -> Iterator[Callable[..., Alignment]]:
    """:func:`dedupe.compare.align.align` with ``variant``'s step between scoring and grouping, for the ``with``
    block; for ``centred`` the claim model reads :func:`centred_cosines` within the block, in summaries too
    (``dedupe.compare.align.claim_space_cosines`` replaced), and the tool's cosines again after it.

    Example:
        >>> tool = align.claim_space_cosines
        >>> with relative_align(RelativeLinks("centred")) as aligned:
        ...     align.claim_space_cosines is centred_cosines
        True
        >>> align.claim_space_cosines is tool
        True
    """
    cosines = centred_cosines if variant.relative == "centred" else align.claim_space_cosines
    with replaced(align, "claim_space_cosines", cosines):
        yield _aligned(variant)


def _aligned(variant: RelativeLinks) -> Callable[..., Alignment]:
    """:func:`dedupe.compare.align.align` with ``variant``'s step between scoring and grouping."""

    def aligned(texts: Sequence[str], embeddings: np.ndarray, doc_keys: Sequence[str],
                config: AlignConfig | None = None, sentence_keys: Sequence[str] | None = None,
                counted: Sequence[bool] | None = None, speakers: Sequence[frozenset[str]] | None = None) -> Alignment:
        config = config or AlignConfig()
        space = _space(embeddings, config, variant)
        candidates = align.cosine_candidates(embeddings, doc_keys, config.candidate_cosine, config.neighbours)
        if variant.relative == "margin-candidates":
            wide = align.cosine_candidates(embeddings, doc_keys, -1.0, config.neighbours)
            pairs_ij = [(i, j) for i, j, _ in wide]
            margin = _relative_scores(pairs_ij, space, doc_keys, "margin", variant.relative_k)
            candidates = [c for c, m in zip(wide, margin) if m >= variant.relative_min]
        pairs = align.scored_candidates(texts, embeddings, candidates, config, speakers, counted)
        linked = pairs if counted is None else tuple(  # as align leaves counted claims to their count groups
            p for p in pairs
            if p.probability >= config.counted_threshold or not (counted[p.first] or counted[p.second]))
        threshold = config.threshold
        if variant.relative not in ("none", "margin-candidates", "centred") and linked:
            linked, threshold = _relative(linked, space, doc_keys, config, variant)
        return Alignment(align.group_pairs(len(texts), doc_keys, linked, threshold, sentence_keys), pairs)

    return aligned


def _space(embeddings: np.ndarray, config: AlignConfig, variant: RelativeLinks) -> np.ndarray:
    """The vectors the neighbourhoods are read in: the claim space where the claim model reads it."""
    plain = np.asarray(embeddings, dtype=np.float32)
    if variant.relative_plain or not config.claim_space:
        return plain
    matrix = load_claim_map()
    return claim_space(plain, matrix) if plain.shape[1] == len(matrix) else plain


def _cosines(space: np.ndarray, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    if not pairs:
        return np.zeros(0)
    return (space[[i for i, _ in pairs]].astype(np.float64) * space[[j for _, j in pairs]]).sum(axis=1)


def _relative_scores(pairs: Sequence[tuple[int, int]], space: np.ndarray, doc_keys: Sequence[str], kind: str,
                     k: int) -> np.ndarray:
    near = neighbourhoods(space, doc_keys, k)
    first, second = near[[i for i, _ in pairs]], near[[j for _, j in pairs]]
    return (csls if kind == "csls" else ratio_margin)(_cosines(space, pairs), first, second)


def _relative(pairs: Sequence[ScoredPair], space: np.ndarray, doc_keys: Sequence[str], config: AlignConfig,
              variant: RelativeLinks) -> tuple[tuple[ScoredPair, ...], float]:
    """The pairs as grouping reads them under ``variant``, and the grouping threshold."""
    ij = [(p.first, p.second) for p in pairs]
    probabilities = [p.probability for p in pairs]
    mode = variant.relative
    if mode == "margin-score":
        score = _relative_scores(ij, space, doc_keys, "margin", variant.relative_k)
        return tuple(_with(p, float(s)) for p, s in zip(pairs, score)), variant.relative_min
    if mode == "probability-margin":
        best: dict[int, list[float]] = {}
        for p in pairs:
            best.setdefault(p.first, []).append(p.probability)
            best.setdefault(p.second, []).append(p.probability)
        near = {i: float(np.mean(sorted(v, reverse=True)[:variant.relative_k])) for i, v in best.items()}
        return tuple(_with(p, p.probability / max((near[p.first] + near[p.second]) / 2, 1e-6)
                           if p.probability >= config.threshold else 0.0) for p in pairs), variant.relative_min
    if mode == "near-best-product":
        ratio = best_match_ratios(ij, probabilities, doc_keys)
        return tuple(p if p.probability >= variant.relative_exempt else
                     _with(p, p.probability * float(r) ** variant.relative_min)
                     for p, r in zip(pairs, ratio)), config.threshold
    if mode in ("mutual", "mutual-probability", "near-best"):
        scores = list(_cosines(space, ij)) if mode == "mutual" else probabilities
        kept = best_match_ratios(ij, scores, doc_keys) >= (variant.relative_min if mode == "near-best" else 1.0)
    elif mode == "mutual-margin":
        kept = (best_match_ratios(ij, probabilities, doc_keys) >= 1.0) \
            & (_relative_scores(ij, space, doc_keys, "margin", variant.relative_k) >= variant.relative_min)
    else:
        kept = _relative_scores(ij, space, doc_keys, mode, variant.relative_k) >= variant.relative_min
    return tuple(p if keep or p.probability >= variant.relative_exempt else _with(p, 0.0)
                 for p, keep in zip(pairs, kept)), config.threshold


def _with(pair: ScoredPair, probability: float) -> ScoredPair:
    return ScoredPair(pair.first, pair.second, pair.cosine, probability)


__all__ = ["FIELDS", "MODES", "RelativeLinks", "best_match_ratios", "csls", "neighbourhoods", "ratio_margin",
           "relative_align"]
