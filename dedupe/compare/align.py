"""Stage 5: align claims across outlets: similarity scores and claim groups, on arrays alone.

Two claims state the same claim when the claim model (:data:`CLAIM_MODEL`) gives a probability of at
least ``AlignConfig.threshold``. The claim model is number-blind: its features (:func:`claim_features`)
are read on the texts with their numbers masked (:func:`dedupe.compare.features.mask_numbers`), so two
versions of a claim that give different figures still align, and divergence then compares the figures.
Its features: the cosine in the claim space (:mod:`dedupe.embed.claim_space`: a linear map on the MiniLM
embeddings trained on outside same-claim pairs), how much of the shorter claim's content the longer one
contains (a claim stated inside a longer sentence or compressed into a headline), the content-word Jaccard, and the
MRPC-fitted paraphrase model (:data:`PARAPHRASE_MODEL`) on the masked texts (whole, or the shorter text
against the best-matching passage of the longer). It was fitted on external news pairs only (MRPC train and
STS headlines 2013-2015: ``python -m benchmarks.claim_model --fit``), never on the claims gold, whose tune
split only picks the threshold; the divergence model, fitted on SICK train, scores how likely two aligned
claims contradict each other.

A claim that states a count of people (:mod:`dedupe.compare.counts` groups those by what they count) joins a
wording group only through pairs at ``counted_threshold`` or above, so a toll sentence does not pull the
dead, the injured and the missing into one group.

Two claims that count the same specific thing ("29 doctors" / "as few as 14 doctors") with a cosine of
0.45 or more are one claim (probability at least 0.5): outlets report a count in very different words. Two
claims that give the same quoted words ("grave concern") report one statement (probability at least 0.9).
Two claims that state no count and whose leading attributions name different speakers ("A U.S. official said
that ..." / "The State Department said that ...") report two statements (probability 0) unless they are close
paraphrases: a statement's speaker is part of the claim, while a count is a fact whoever reports it.

Candidates are pairs of claims of different documents with cosine at least ``candidate_cosine`` (kept
low: paraphrases across outlets often sit at 0.3-0.45). Groups form by greedy average linkage: the
strongest pairs merge first, two groups merge only while the mean probability over their cross pairs of
different documents (unscored pairs count as 0) stays at the threshold or above, so a chain of topical
neighbours does not snowball into one group. A group may hold several claims of one document (its
headline, lead and a quote), never two parts of one sentence.

Example:
    >>> import numpy as np
    >>> emb = np.eye(3, dtype=np.float32)
    >>> cosine_candidates(emb, ["a", "b", "c"], min_cosine=0.5)
    []
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from dedupe.compare.divergence import shared_quote, specific_counts
from dedupe.compare.features import FEATURE_NAMES, content_words, mask_numbers, pair_features
from dedupe.embed.claim_space import claim_space_cosines
from dedupe.errors import ConfigError

# Tolerance of the merge mean against its threshold (floating-point rounding of a sum of equal links).
_ROUNDING = 1e-9
# Rows of the cosine matrix are computed in blocks so memory stays bounded on large stories.
_BLOCK = 2048
# A text shorter than this share of its partner is also compared with the partner's best passage.
_PASSAGE_RATIO = 0.75


@dataclass(frozen=True)
class LogisticModel:
    """A standardised logistic regression: ``p = sigmoid(((x - mean) / scale) . coef + intercept)``.

    Attributes:
        mean: Per-feature mean used for standardisation.
        scale: Per-feature standard deviation.
        coef: Per-feature weight.
        intercept: Bias term.
    """

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Probabilities for feature rows of shape ``(n, len(FEATURE_NAMES))``."""
        z = ((np.asarray(features, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale))
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))


# Fitted by `python -m benchmarks.align_quality --corpus /work/shared/corpora --fit` on MRPC train only
# (C=1, threshold maximising train accuracy), its cosine columns read from the vectors compare embeds claims with;
# see benchmarks/README.md for the test figures. Refitted in session 17 (mend21): the constants shipped in 2f3df04
# had been fitted on ONNX int8 vectors made 64 texts a batch (not the committed script's encoder; the batch's
# activation range scaled each text's), never on compare's float32 vectors, so the command printed other constants
# from 2f3df04 on (MRPC cosine mean 0.787727 then, 0.793791 since). tests/test_benchmarks_align_quality.py checks
# that it prints these.
PARAPHRASE_MODEL = LogisticModel(
    mean=(
        0.793791, 0.840525, 0.748105, 0.721021, 0.508132, 0.163886, 0.262758, 0.775882, 0.538738, 0.850575,
        0.0436703, 0.0500491, 0.671486, 0.664046, 0.477278, 0.369921, 0.625876, 0.572725, 0.776259, 0.649992,
        0.67593, 0.149425,
    ),
    scale=(
        0.141022, 0.099498, 0.100748, 0.115688, 0.178808, 0.370172, 0.440132, 0.393142, 0.357236, 0.100316, 0.20436,
        0.221396, 0.317486, 0.147295, 0.199105, 0.22196, 0.157703, 0.149119, 0.108468, 0.208306, 0.174219, 0.100316,
    ),
    coef=(
        1.03653, 0.16864, 0.314154, 0.768976, 0.411524, -0.0327361, -0.483885, -0.168127, -0.286695, 0.0370413,
        -0.000471131, -0.255773, 0.159531, 0.377877, -0.050752, -0.631093, 0.343445, 0.398746, -0.682543, 0.0896194,
        -0.92106, -0.0370413,
    ),
    intercept=1.0624,
)
PARAPHRASE_THRESHOLD = 0.485


# Fitted by the same command on SICK train only (ENTAILMENT vs CONTRADICTION pairs); the threshold
# maximises train accuracy. Refitted with PARAPHRASE_MODEL in session 17 (mend21), for the same reason.
DIVERGENCE_MODEL = LogisticModel(
    mean=(
        0.828922, 0.894663, 0.806599, 0.778432, 0.680539, 0.0, 0.0, 1.0, 0.895367, 0.866174, 0.313646, 0.320265,
        0.437542, 0.770437, 0.543855, 0.410628, 0.687756, 0.661592, 0.827227, 0.70357, 0.750161, 0.133826,
    ),
    scale=(
        0.128289, 0.119458, 0.129906, 0.161901, 0.270965, 1.0, 1.0, 1.0, 0.305456, 0.125502, 0.463974, 0.480555,
        0.436837, 0.171094, 0.257707, 0.285463, 0.203662, 0.220846, 0.137353, 0.197511, 0.174919, 0.125502,
    ),
    coef=(
        0.970375, -0.63398, 0.0469663, 0.932093, 1.10211, 0.0, 0.0, 0.0, 0.279842, 0.0995852, 1.40184, 1.43496,
        -0.565717, -0.35793, 1.37545, -1.04477, -0.324019, 0.0895792, -0.0468837, -1.85528, -0.739974, -0.0995852,
    ),
    intercept=-1.05347,
)
DIVERGENCE_THRESHOLD = 0.3


CLAIM_FEATURES: tuple[str, ...] = ("cosine", "containment", "content_jaccard", "paraphrase_masked")
# Fitted by `python -m benchmarks.claim_model --corpus /work/shared/corpora --fit` on external news pairs only:
# MRPC train and STS headlines 2013-2015 (score >= 4 same claim, <= 2 not), number-masked, C=0.01; never on
# the claims gold. Its cosine column is the claim-space cosine (dedupe.embed.claim_space, a map fitted on the same
# pairs), read out of fold when fitting (each pair's cosine from a map fitted on the other four fifths). Unseen-split
# figures (MRPC test, STS headlines 2016) are in benchmarks/README.md. Refitted in session 17 (mend20): claims23's
# claim_content fixes (0956c87, 2a588a3) changed 49 of the 10,512 training contents, so the command no longer printed
# session 13's constants (1a1aba5); benchmarks.claim_model.FITTED_ON_SHA256 pins the pairs' text side fitted on.
# Refitted again in session 17 (mend21) after PARAPHRASE_MODEL's refit: its paraphrase_masked column reads that model.
CLAIM_MODEL = LogisticModel(mean=(0.675745, 0.67974, 0.477614, 0.708644),
                            scale=(0.251345, 0.237758, 0.216212, 0.293114),
                            coef=(1.04482, -0.0248443, 0.278144, 0.53992), intercept=0.437491)
# The one figure taken from the claims gold: the grouping threshold with the best pair F1 of the worse tune
# event, then the best mean (`python -m benchmarks.claims_quality ... --split tune --loeo --fit`; session 12, with the
# claim-space cosine: seeds / ludian at 0.25: 0.857 / 0.948, at 0.3: 0.857 / 0.944; session 11 picked 0.3 with
# the plain cosine).
CLAIM_THRESHOLD = 0.25
# Two claims of one story that count the same specific thing ("29 doctors", "as few as 14 doctors"; not
# people in general, not periods) with a cosine of at least _SAME_COUNT_COSINE state one claim with
# probability at least _SAME_COUNT, whatever their wording: the numbers are then compared.
_SAME_COUNT = 0.5
_SAME_COUNT_COSINE = 0.45
# Two claims that give the same quoted words ("grave concern", "immediate steps to end the assault on Aleppo")
# report one statement: probability at least _SAME_QUOTE, above ``counted_threshold``, so a quote that also
# states a count links too.
_SAME_QUOTE = 0.9
# Fact groups (dedupe.compare.facts): chosen on the tune split (see benchmarks/README.md, session 11).
FACT_COSINE = 0.7
FACT_SAME_COSINE = 0.2
# Summary claims (dedupe.compare.summaries): chosen on the tune split (see benchmarks/README.md, session 11).
SUMMARY_CLAIMS = 3
SUMMARY_THRESHOLD = 0.075
SUMMARY_CROSS = 0.1


@dataclass(frozen=True)
class AlignConfig:
    """How claims are aligned.

    Attributes:
        threshold: Smallest claim-model probability for two claims to be the same claim, in [0, 1].
        candidate_cosine: Only pairs with at least this embedding cosine are scored, in [-1, 1].
        neighbours: Most candidates kept per claim (the highest cosines), at least 1.
        count_cosine: Smallest cosine for two claims that count the same thing to share a count group
            (:mod:`dedupe.compare.counts`); above 1 turns count groups off. 0.4 is what the tune split's
            selection rule picks (the worse event, then the mean); 0.3-0.4 find the same tune pairs.
        count_mutual_cosine: Smallest cosine for two claims that count the same thing and are each other's
            closest such claim in the other's document to share a count group (:func:`dedupe.compare.counts.
            count_groups`); above 1 turns that link off. 0.3 (session 14, claims24): the one value that raises
            the six tune events' worst F1 and lowers none (0.25 adds a false seeds pair; 0.35 loses a Reuters one).
        counted_threshold: Smallest claim-model probability for a claim that states a count to join a
            wording group: its counts group it, so it joins by wording only through a link stronger than the
            same-count rule's floor (0.5: two claims counting one specific thing), in [0, 1]. 0.6 (session 14,
            claims24): the six tune events' F1 is the same from 0.6 to 1.0 but for two Reuters pairs of one toll in
            other words (p 0.6-0.75, gold and rule-audit same claim); at 0.5 the same-count floor links join.
        speaker_threshold: Smallest claim-model probability of a close paraphrase, which links two claims naming
            different speakers (see :func:`align`), in [0, 1].
        fact_cosine: Smallest cosine for two claims that state the same fact (a count of things, an event's
            parameter: :mod:`dedupe.compare.facts`) to share a fact group whatever their values; above 1
            turns fact groups off.
        fact_same_cosine: Smallest cosine for two claims that give the same specific value of a fact
            ("12,000 homes", "magnitude 6.1") to share its group.
        summary_claims: How many of a document's first claims (headline, standfirst, lead) are summary claims
            that may join the group of the own document's claim they restate (:mod:`dedupe.compare.summaries`);
            0 turns that off.
        summary_threshold: Smallest claim-model probability of a summary claim with its own document's claim.
        summary_cross: Smallest mean claim-model probability of a summary claim with the members of other
            documents of the group it joins.
        claim_space: Whether the embeddings are the packaged all-MiniLM-L6-v2's, the model the claim map
            (:mod:`dedupe.embed.claim_space`) was fitted on; with another model the claim model reads the plain
            cosine (:func:`dedupe.compare.groups.compare_corpus` sets it from the encoder's fingerprint).
    """

    threshold: float = CLAIM_THRESHOLD
    candidate_cosine: float = 0.3
    neighbours: int = 30
    count_cosine: float = 0.4
    count_mutual_cosine: float = 0.3
    counted_threshold: float = 0.6
    speaker_threshold: float = 0.85
    fact_cosine: float = FACT_COSINE
    fact_same_cosine: float = FACT_SAME_COSINE
    summary_claims: int = SUMMARY_CLAIMS
    summary_threshold: float = SUMMARY_THRESHOLD
    summary_cross: float = SUMMARY_CROSS
    claim_space: bool = True

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ConfigError("align threshold must be in [0, 1]")
        if not -1.0 <= self.candidate_cosine <= 1.0:
            raise ConfigError("candidate cosine must be in [-1, 1]")
        if self.neighbours < 1:
            raise ConfigError("neighbours must be at least 1")
        if not 0.0 <= self.counted_threshold <= 1.0:
            raise ConfigError("counted threshold must be in [0, 1]")
        if not 0.0 <= self.speaker_threshold <= 1.0:
            raise ConfigError("speaker threshold must be in [0, 1]")
        if not -1.0 <= self.fact_same_cosine <= 1.0:
            raise ConfigError("fact same cosine must be in [-1, 1]")
        if self.summary_claims < 0:
            raise ConfigError("summary claims must not be negative")
        if not (0.0 <= self.summary_threshold <= 1.0 and 0.0 <= self.summary_cross <= 1.0):
            raise ConfigError("summary thresholds must be in [0, 1]")


@dataclass(frozen=True)
class ScoredPair:
    """Two claims (indices into the aligned list) with their cosine and paraphrase probability."""

    first: int
    second: int
    cosine: float
    probability: float


@dataclass(frozen=True)
class Alignment:
    """Claim groups of one story.

    Attributes:
        groups: Each a tuple of claim indices (ascending), two or more documents each; groups are
            ordered by their first index. Claims in no group are left out.
        pairs: Every scored candidate pair, ``first < second``.
    """

    groups: tuple[tuple[int, ...], ...]
    pairs: tuple[ScoredPair, ...]


def paraphrase_probability(features: np.ndarray) -> np.ndarray:
    """Probability that each feature row's pair states the same claim (MRPC-fitted model)."""
    return PARAPHRASE_MODEL.probability(features)


def divergence_score(features: np.ndarray) -> np.ndarray:
    """Probability that each feature row's pair contradicts itself (SICK-fitted model)."""
    return DIVERGENCE_MODEL.probability(features)


def cosine_candidates(embeddings: np.ndarray, doc_keys: Sequence[str], min_cosine: float,
                      neighbours: int = 20) -> list[tuple[int, int, float]]:
    """Pairs of rows from different documents whose cosine is at least ``min_cosine``.

    Args:
        embeddings: ``(n, dim)`` L2-normalised rows.
        doc_keys: Document of each row; rows of one document are never paired.
        min_cosine: Smallest cosine kept.
        neighbours: Most pairs kept per row (highest cosine first); a pair is kept if either row keeps it.

    Returns:
        ``(i, j, cosine)`` with ``i < j``, sorted by ``(i, j)``.
    """
    vectors = np.asarray(embeddings, dtype=np.float32)
    keys = np.asarray(_key_ids(doc_keys))
    found: dict[tuple[int, int], float] = {}
    for begin in range(0, len(vectors), _BLOCK):
        block = vectors[begin:begin + _BLOCK] @ vectors.T
        block[keys[begin:begin + _BLOCK, None] == keys[None, :]] = -np.inf
        for offset, row in enumerate(block):
            i = begin + offset
            for j in _top(row, min_cosine, neighbours):
                found[(min(i, j), max(i, j))] = float(row[j])
    return [(i, j, c) for (i, j), c in sorted(found.items())]


def score_pairs(texts: Sequence[str], candidates: Sequence[tuple[int, int, float]],
                claim_cosines: Sequence[float] | None = None) -> tuple[ScoredPair, ...]:
    """Same-claim probability of each candidate pair (claim model over :func:`claim_features`).

    Args:
        texts: Claim texts.
        candidates: ``(i, j, cosine)`` pairs, the plain embedding cosine.
        claim_cosines: Each pair's cosine in the claim space (:func:`claim_space_cosines`), the claim model's cosine
            feature; ``None``: the plain cosine (for texts whose embeddings are not at hand).
    """
    if not candidates:
        return ()
    features = claim_features([texts[i] for i, _, _ in candidates], [texts[j] for _, j, _ in candidates],
                              [c for _, _, c in candidates], claim_cosines)
    return with_count_rule(texts, candidates, CLAIM_MODEL.probability(features))


def with_count_rule(texts: Sequence[str], candidates: Sequence[tuple[int, int, float]],
                    probabilities: Iterable[float]) -> tuple[ScoredPair, ...]:
    """The candidates scored by ``probabilities`` (one per pair), each raised to at least ``_SAME_COUNT`` where
    the cosine reaches ``_SAME_COUNT_COSINE`` and both texts state one specific count, and to at least
    ``_SAME_QUOTE`` where both give the same quoted words (:func:`dedupe.compare.divergence.shared_quote`)."""
    counted = {i: specific_counts(texts[i]) for pair in candidates for i in pair[:2]}
    return tuple(ScoredPair(i, j, c, _linked(texts[i], texts[j], c, float(p), bool(counted[i] & counted[j])))
                 for (i, j, c), p in zip(candidates, probabilities))


def _linked(a: str, b: str, cosine: float, probability: float, same_count: bool) -> float:
    if same_count and cosine >= _SAME_COUNT_COSINE:
        probability = max(probability, _SAME_COUNT)
    if probability < _SAME_QUOTE and shared_quote(a, b) is not None:
        probability = _SAME_QUOTE
    return probability


def claim_features(texts_a: Sequence[str], texts_b: Sequence[str], cosines: Sequence[float],
                   claim_cosines: Sequence[float] | None = None) -> np.ndarray:
    """Number-blind features of claim pairs, columns as :data:`CLAIM_FEATURES`.

    Args:
        texts_a: First claims.
        texts_b: Second claims, paired by position.
        cosines: Embedding cosine of each pair (of the unmasked texts), which the MRPC paraphrase model reads.
        claim_cosines: Each pair's cosine in the claim space, the ``cosine`` column; ``None``: ``cosines``.

    Returns:
        Array of shape ``(n, len(CLAIM_FEATURES))``.
    """
    masked_a, masked_b = [mask_numbers(t) for t in texts_a], [mask_numbers(t) for t in texts_b]
    full = paraphrase_probability(pair_features(masked_a, masked_b, cosines))
    halves = [_short_and_passage(a, b) for a, b in zip(masked_a, masked_b)]
    shorter, passages = [h[0] for h in halves], [h[1] for h in halves]
    partial = paraphrase_probability(pair_features(shorter, passages, cosines))
    best = np.maximum(full, partial)
    column = cosines if claim_cosines is None else claim_cosines
    rows = [(cosine, *_overlap(a, b), p) for a, b, cosine, p in zip(masked_a, masked_b, column, best)]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(CLAIM_FEATURES))


def _overlap(a: str, b: str) -> tuple[float, float]:
    """Share of the shorter text's content words found in the longer one, and the content-word Jaccard."""
    words_a, words_b = content_words(a), content_words(b)
    short = words_a if len(a) <= len(b) else words_b
    shared = len(words_a & words_b)
    return shared / max(len(short), 1), shared / max(len(words_a | words_b), 1)


def best_passage(short: str, long: str) -> str:
    """The passage of ``long`` that best matches ``short`` (rapidfuzz partial alignment), widened to whole words."""
    found = fuzz.partial_ratio_alignment(short.lower(), long.lower())
    if found is None:
        return long
    start, end = found.dest_start, found.dest_end
    while start > 0 and not long[start - 1].isspace():
        start -= 1
    while end < len(long) and not long[end].isspace():
        end += 1
    return long[start:end]


def _short_and_passage(a: str, b: str) -> tuple[str, str]:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= _PASSAGE_RATIO * len(long):
        return short, long
    return short, best_passage(short, long)


def align(texts: Sequence[str], embeddings: np.ndarray, doc_keys: Sequence[str],
          config: AlignConfig | None = None, sentence_keys: Sequence[str] | None = None,
          counted: Sequence[bool] | None = None, speakers: Sequence[frozenset[str]] | None = None) -> Alignment:
    """Group claims that state the same thing in different documents.

    Args:
        texts: Claim texts.
        embeddings: ``(len(texts), dim)`` L2-normalised embeddings of the texts.
        doc_keys: Document of each claim; claims of one document are never scored against each other.
        config: Thresholds.
        sentence_keys: Sentence of each claim; two claims of one sentence never share a group. ``None``:
            every claim is its own sentence.
        counted: Whether each claim states a count (:mod:`dedupe.compare.counts` groups those); a pair
            with a counted claim links only at ``config.counted_threshold`` or above. ``None``: none does.
        speakers: Who each claim's leading attribution names (:func:`dedupe.compare.claims.lead_speaker`;
            empty: nobody). Two claims that name different speakers and state no count report two
            statements: their probability is 0 unless they are close paraphrases (``speaker_threshold``).
            ``None``: no claim names one.

    Returns:
        The groups and the scored pairs.

    Raises:
        ValueError: If the lengths of texts, embeddings and doc_keys differ.
    """
    config = config or AlignConfig()
    if not len(texts) == len(embeddings) == len(doc_keys):
        raise ValueError("texts, embeddings and doc_keys must have the same length")
    candidates = cosine_candidates(embeddings, doc_keys, config.candidate_cosine, config.neighbours)
    pairs = scored_candidates(texts, embeddings, candidates, config, speakers, counted)
    linked = pairs if counted is None else tuple(
        p for p in pairs if p.probability >= config.counted_threshold or not (counted[p.first] or counted[p.second]))
    return Alignment(group_pairs(len(texts), doc_keys, linked, config.threshold, sentence_keys), pairs)


def scored_candidates(texts: Sequence[str], embeddings: np.ndarray, candidates: Sequence[tuple[int, int, float]],
                      config: AlignConfig, speakers: Sequence[frozenset[str]] | None = None,
                      counted: Sequence[bool] | None = None) -> tuple[ScoredPair, ...]:
    """The candidates scored as :func:`align` scores them: the claim model on their claim-space cosines
    (:func:`dedupe.embed.claim_space.claim_space_cosines`), then the speaker rule where ``speakers`` are given."""
    pairs = score_pairs(texts, candidates, claim_space_cosines(embeddings, candidates, config.claim_space))
    if speakers is None:
        return pairs
    return tuple(_heard(p, speakers, counted, config.speaker_threshold) for p in pairs)


def _heard(pair: ScoredPair, speakers: Sequence[frozenset[str]], counted: Sequence[bool] | None,
           close: float) -> ScoredPair:
    """The pair with probability 0 when its claims quote different speakers (the gold's rule: a statement's speaker
    is part of the claim), unless one states a count (a fact, whoever reports it) or they are close paraphrases."""
    a, b = speakers[pair.first], speakers[pair.second]
    if not a or not b or a & b or pair.probability >= close \
            or (counted is not None and (counted[pair.first] or counted[pair.second])):
        return pair
    return ScoredPair(pair.first, pair.second, pair.cosine, 0.0)


def group_pairs(count: int, doc_keys: Sequence[str], pairs: Sequence[ScoredPair], threshold: float,
                sentence_keys: Sequence[str] | None = None) -> tuple[tuple[int, ...], ...]:
    """Greedy average-linkage groups across documents.

    Args:
        count: Number of claims.
        doc_keys: Document of each claim; only pairs of different documents count in the mean.
        pairs: Scored pairs.
        threshold: Smallest pair probability, and smallest mean cross-pair probability, to merge.
        sentence_keys: Sentence of each claim; groups holding parts of one sentence never merge.

    Returns:
        Groups of two or more claims, each sorted, ordered by first index.
    """
    sentences = sentence_keys if sentence_keys is not None else [str(i) for i in range(count)]
    score = {(p.first, p.second): p.probability for p in pairs}
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    owner = list(range(count))
    for pair in sorted(pairs, key=lambda p: (-p.probability, p.first, p.second)):
        if pair.probability < threshold:
            break
        a, b = owner[pair.first], owner[pair.second]
        if a == b or not _can_merge(members[a], members[b], doc_keys, sentences, score, threshold):
            continue
        keep, gone = min(a, b), max(a, b)
        for i in members[gone]:
            owner[i] = keep
        members[keep] = sorted(members[keep] + members.pop(gone))
    groups = [tuple(m) for m in members.values() if len(m) > 1]
    return tuple(sorted(groups))


def _can_merge(left: list[int], right: list[int], doc_keys: Sequence[str], sentences: Sequence[str],
               score: dict[tuple[int, int], float], threshold: float) -> bool:
    if {sentences[i] for i in left} & {sentences[j] for j in right}:
        return False
    # Same-document pairs are never scored: counting them as 0 would keep a document's headline, lead and quote
    # of one claim from joining the same group, so the mean is over pairs of different documents only.
    cross = [(min(i, j), max(i, j)) for i in left for j in right if doc_keys[i] != doc_keys[j]]
    # A mean of links all at the threshold (fact groups raise a link to it) must not fall under it by rounding.
    return bool(cross) and sum(score.get(pair, 0.0) for pair in cross) / len(cross) >= threshold - _ROUNDING


def _top(row: np.ndarray, min_cosine: float, neighbours: int) -> list[int]:
    eligible = np.flatnonzero(row >= min_cosine)
    if len(eligible) > neighbours:
        order = np.lexsort((eligible, -row[eligible]))
        eligible = np.sort(eligible[order[:neighbours]])
    return [int(j) for j in eligible]


def _key_ids(doc_keys: Sequence[str]) -> list[int]:
    """Small integer per distinct document key, in first-seen order (deterministic)."""
    ids: dict[str, int] = {}
    return [ids.setdefault(key, len(ids)) for key in doc_keys]


__all__ = ["CLAIM_FEATURES", "FEATURE_NAMES", "AlignConfig", "Alignment", "LogisticModel", "ScoredPair", "align",
           "claim_features", "cosine_candidates", "divergence_score", "group_pairs",
           "paraphrase_probability", "score_pairs", "scored_candidates", "with_count_rule"]
