"""Tests of dedupe.compare.align and dedupe.compare.features: array maths only, no model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.compare.align import (
    PARAPHRASE_THRESHOLD,
    AlignConfig,
    LogisticModel,
    ScoredPair,
    align,
    best_passage,
    cosine_candidates,
    divergence_score,
    group_pairs,
    paraphrase_probability,
    score_pairs,
)
from dedupe.compare.features import FEATURE_NAMES, pair_features
from dedupe.errors import ConfigError


def _unit(rows: list[list[float]]) -> np.ndarray:
    array = np.asarray(rows, dtype=np.float32)
    return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_cosine_candidates_skip_same_document_and_low_cosine() -> None:
    emb = _unit([[1, 0, 0], [1, 0.1, 0], [0.9, 0.1, 0], [0, 0, 1]])
    pairs = cosine_candidates(emb, ["a", "a", "b", "b"], min_cosine=0.5)
    assert [(i, j) for i, j, _ in pairs] == [(0, 2), (1, 2)]
    assert all(c >= 0.5 for _, _, c in pairs)


def test_cosine_candidates_keep_the_nearest_neighbours_only() -> None:
    emb = _unit([[1, 0], [1, 0.05], [1, 0.2], [1, 0.4]])
    pairs = cosine_candidates(emb, ["a", "b", "c", "d"], min_cosine=0.0, neighbours=1)
    assert (0, 1) in [(i, j) for i, j, _ in pairs]
    assert (0, 3) not in [(i, j) for i, j, _ in pairs]


def test_group_pairs_one_claim_per_document() -> None:
    pairs = [ScoredPair(0, 1, 0.9, 0.9), ScoredPair(0, 2, 0.9, 0.8), ScoredPair(1, 2, 0.9, 0.85)]
    assert group_pairs(3, ["a", "b", "b"], pairs, 0.5) == ((0, 1),)


def test_group_pairs_average_linkage_stops_chains() -> None:
    # 0-1 and 1-2 are strong, 0-2 was never scored: the mean over the cross pairs (0.9 + 0) / 2 < 0.5.
    pairs = [ScoredPair(0, 1, 0.9, 0.95), ScoredPair(1, 2, 0.9, 0.9)]
    assert group_pairs(3, ["a", "b", "c"], pairs, 0.5) == ((0, 1),)
    pairs.append(ScoredPair(0, 2, 0.9, 0.6))
    assert group_pairs(3, ["a", "b", "c"], pairs, 0.5) == ((0, 1, 2),)


def test_group_pairs_below_threshold_never_merge() -> None:
    assert group_pairs(2, ["a", "b"], [ScoredPair(0, 1, 0.9, PARAPHRASE_THRESHOLD - 0.01)], PARAPHRASE_THRESHOLD) == ()


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 9).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.sampled_from("abcd"), min_size=n, max_size=n),
    st.lists(st.floats(0, 1), min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2))))
def test_groups_are_disjoint_with_distinct_documents(case: tuple[int, list[str], list[float]]) -> None:
    n, docs, scores = case
    index = [(i, j) for i in range(n) for j in range(i + 1, n)]
    pairs = [ScoredPair(i, j, 0.5, p) for (i, j), p in zip(index, scores)]
    groups = group_pairs(n, docs, pairs, 0.5)
    members = [i for g in groups for i in g]
    assert len(members) == len(set(members))
    for group in groups:
        assert len({docs[i] for i in group}) == len(group) >= 2
        cross = [p.probability for p in pairs if p.first in group and p.second in group]
        assert sum(cross) / len(cross) >= 0.5 - 1e-9


def test_pair_features_shape_and_negation() -> None:
    rows = pair_features(["Russia will stop the bombing."] * 2,
                         ["Russia will not stop the bombing.", "Russia will stop the bombing."], [0.9, 1.0])
    assert rows.shape == (2, len(FEATURE_NAMES))
    negation = FEATURE_NAMES.index("negation_mismatch")
    assert rows[:, negation].tolist() == [1.0, 0.0]


def test_pair_features_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError):
        pair_features(["a"], ["b", "c"], [0.5])


def test_shipped_models_rank_paraphrase_above_topical_and_negation_as_divergent() -> None:
    same = "Kerry expressed grave concern over attacks on hospitals in Aleppo."
    texts = [same, "Kerry voiced grave concern about the attacks on Aleppo's hospitals.",
             "France is preparing a resolution for the UN Security Council.",
             "Kerry did not express concern over attacks on hospitals in Aleppo."]
    feats = pair_features([same] * 3, texts[1:], [0.9, 0.3, 0.9])
    para = paraphrase_probability(feats)
    assert para[0] > PARAPHRASE_THRESHOLD > para[1]
    div = divergence_score(feats)
    assert div[2] > 0.5 > div[0]


def test_logistic_model_probability() -> None:
    model = LogisticModel(mean=(0.0, 0.0), scale=(1.0, 2.0), coef=(1.0, 1.0), intercept=0.0)
    assert model.probability(np.array([[0.0, 0.0]]))[0] == pytest.approx(0.5)
    assert model.probability(np.array([[2.0, -4.0]]))[0] == pytest.approx(0.5)


def test_best_passage_finds_the_matching_part() -> None:
    long = "State Department spokesman John Kirby said that Kerry expressed grave concern over attacks on hospitals."
    assert best_passage("grave concern over attacks", long).startswith("grave concern over attacks")


def test_score_pairs_uses_the_passage_of_a_longer_text() -> None:
    short = "He expressed grave concern over attacks on hospitals, water supplies and other civilian infrastructure"
    long = ("Secretary Kerry expressed grave concern over the deteriorating situation in Syria, particularly for "
            "continued attacks on hospitals, the water supply network, and other civilian infrastructure in Aleppo, "
            "State Department spokesman John Kirby said in a written statement.")
    scored = score_pairs([short, long], [(0, 1, 0.6)])[0]
    whole = paraphrase_probability(pair_features([short], [long], [0.6]))[0]
    assert scored.probability > whole


def test_align_groups_identical_claims_across_documents() -> None:
    claim = "Kerry threatened to cut ties with Russia over Aleppo."
    texts = [claim, claim, "Bread prices rose in Paris."]
    emb = _unit([[1, 0], [1, 0], [0, 1]])
    result = align(texts, emb, ["a", "b", "c"])
    assert result.groups == ((0, 1),)


def test_align_config_validation() -> None:
    with pytest.raises(ConfigError, match="align threshold must be in"):
        AlignConfig(threshold=1.5)
    with pytest.raises(ConfigError, match="neighbours"):
        AlignConfig(neighbours=0)
