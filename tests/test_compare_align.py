"""Tests of dedupe.compare.align and dedupe.compare.features: array maths only, no model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.compare.align import (
    CLAIM_FEATURES,
    CLAIM_MODEL,
    CLAIM_THRESHOLD,
    PARAPHRASE_THRESHOLD,
    AlignConfig,
    LogisticModel,
    ScoredPair,
    align,
    best_passage,
    claim_features,
    cosine_candidates,
    divergence_score,
    group_pairs,
    paraphrase_probability,
    score_pairs,
)
from dedupe.compare.divergence import specific_counts
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


def test_group_pairs_hold_several_sentences_of_a_document_never_one_sentence_twice() -> None:
    # 2 and 3 are the headline and the lead of document b (never scored against each other): both join.
    pairs = [ScoredPair(0, 1, 0.9, 0.9), ScoredPair(0, 2, 0.9, 0.9), ScoredPair(1, 2, 0.9, 0.9),
             ScoredPair(0, 3, 0.9, 0.8), ScoredPair(1, 3, 0.9, 0.8)]
    assert group_pairs(4, ["a", "c", "b", "b"], pairs, 0.5) == ((0, 1, 2, 3),)
    # 2 and 3 are two clauses of one sentence: only the stronger one joins.
    assert group_pairs(4, ["a", "c", "b", "b"], pairs, 0.5, ["a0", "c0", "b0", "b0"]) == ((0, 1, 2),)


def test_group_pairs_mean_leaves_out_pairs_of_one_document() -> None:
    # 3 links to 0 and 1 at 0.8; its pair with 2 (the same document b) is never scored. Counted as 0, it would
    # drag the mean to (0.8 + 0.8 + 0) / 3 = 0.53 under 0.6; over different documents only it is 0.8.
    pairs = [ScoredPair(0, 1, 0.9, 0.9), ScoredPair(0, 2, 0.9, 0.9), ScoredPair(1, 2, 0.9, 0.9),
             ScoredPair(0, 3, 0.9, 0.8), ScoredPair(1, 3, 0.9, 0.8)]
    assert group_pairs(4, ["a", "c", "b", "b"], pairs, 0.6) == ((0, 1, 2, 3),)
    # An unscored pair of different documents still counts as 0: (0.8 + 0 + 0) / 3 under 0.6.
    pairs = pairs[:3] + [ScoredPair(0, 3, 0.9, 0.8)]
    assert group_pairs(4, ["a", "c", "b", "d"], pairs, 0.6) == ((0, 1, 2),)


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
def test_groups_are_disjoint_and_never_hold_one_sentence_twice(case: tuple[int, list[str], list[float]]) -> None:
    n, sentences, scores = case
    docs = [s.upper() if s in "ab" else "x" for s in sentences]  # documents hold several sentences
    index = [(i, j) for i in range(n) for j in range(i + 1, n)]
    pairs = [ScoredPair(i, j, 0.5, p) for (i, j), p in zip(index, scores) if docs[i] != docs[j]]
    groups = group_pairs(n, docs, pairs, 0.5, sentences)
    members = [i for g in groups for i in g]
    assert len(members) == len(set(members))
    for group in groups:
        assert len({sentences[i] for i in group}) == len(group) >= 2
        assert sum(p.probability for p in pairs if p.first in group and p.second in group) / (
            len(group) * (len(group) - 1) / 2) >= 0.5 / len(group) - 1e-9


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


def test_score_pairs_finds_a_claim_inside_a_longer_sentence() -> None:
    short = "He expressed grave concern over attacks on hospitals, water supplies and other civilian infrastructure"
    long = ("Secretary Kerry expressed grave concern over the deteriorating situation in Syria, particularly for "
            "continued attacks on hospitals, the water supply network, and other civilian infrastructure in Aleppo, "
            "State Department spokesman John Kirby said in a written statement.")
    scored = score_pairs([short, long], [(0, 1, 0.6)])[0]
    whole = paraphrase_probability(pair_features([short], [long], [0.6]))[0]
    assert scored.probability >= CLAIM_THRESHOLD and scored.probability > 2 * whole


def test_the_same_quoted_words_link_two_claims() -> None:
    texts = ["Kerry conveyed the message in a call in which he voiced \"grave concern\" over the assault on Aleppo.",
             "His spokesman said that Kerry \u201cexpressed grave concern\u201d over bombings of hospitals.",
             "Kerry conveyed the message in a call over the assault on Aleppo."]
    quoted, plain = score_pairs(texts, [(0, 1, 0.5), (1, 2, 0.5)])
    assert quoted.probability == 0.9 and plain.probability < CLAIM_THRESHOLD


def test_two_claims_counting_one_specific_thing_link_from_cosine_0_45() -> None:
    # the seeds' doctors (003, 004): one claim, whatever the wording; the figures are then compared
    doctors = ["The rebel area now only has 29 doctors working in three hospitals with functioning emergency "
               "response facilities.", "The Red Cross said that there are now as few as 14 doctors left."]
    linked, apart = score_pairs(doctors, [(0, 1, 0.45)]), score_pairs(doctors, [(0, 1, 0.44)])
    assert linked[0].probability >= 0.5 > apart[0].probability
    # an amount in a unit of measurement counts no thing (ludian's distances: the fact groups' domain)
    distances = ["Its epicenter was in Longtoushan township, 23 kilometers (14 miles) southwest of the city of "
                 "Zhaotong, the Ludian county seat.", "Its epicentre was in Longtoushan township, 14 miles south-west "
                 "of the city of Zhaotong."]
    model = CLAIM_MODEL.probability(claim_features(distances[:1], distances[1:], [0.45]))[0]
    assert score_pairs(distances, [(0, 1, 0.45)])[0].probability == pytest.approx(model)
    assert model < 0.5
    assert specific_counts(distances[0]) == specific_counts(distances[1]) == frozenset()


def test_claim_score_is_number_blind() -> None:
    texts = ["The rebel area now only has 29 doctors left.", "The rebel area now only has as few as 14 doctors left.",
             "The rebel area now only has 29 doctors left."]
    differ, same = score_pairs(texts, [(0, 1, 0.8), (0, 2, 0.8)])
    assert differ.probability == pytest.approx(same.probability)
    features = claim_features(texts[:1], texts[1:2], [0.8])
    assert features.shape == (1, len(CLAIM_FEATURES))


def test_align_groups_identical_claims_across_documents() -> None:
    claim = "Kerry threatened to cut ties with Russia over Aleppo."
    texts = [claim, claim, "Bread prices rose in Paris."]
    emb = _unit([[1, 0], [1, 0], [0, 1]])
    result = align(texts, emb, ["a", "b", "c"])
    assert result.groups == ((0, 1),)


def test_a_counted_claim_joins_a_wording_group_only_as_a_close_paraphrase() -> None:
    claim = "The quake killed 175 people in Yunnan."
    texts, emb, docs = [claim, claim], _unit([[1, 0], [1, 0]]), ["a", "b"]
    assert align(texts, emb, docs, counted=[True, False]).groups == ((0, 1),)
    strict = AlignConfig(counted_threshold=1.0)
    assert align(texts, emb, docs, strict, counted=[True, False]).groups == ()
    assert align(texts, emb, docs, strict, counted=[False, False]).groups == ((0, 1),)
    assert len(align(texts, emb, docs, strict, counted=[True, True]).pairs) == 1  # scored, not linked


def test_statements_of_different_speakers_are_two_claims() -> None:
    # contents (attribution stripped) of "A U.S. official said that ..." and "The State Department said that ...":
    # the claim model links them (p 0.59), but two speakers' statements are two claims (the gold's rule)
    texts = ["the use of such weapons could open Russia up to war crimes charges.",
             "Russia is responsible for the use of such weapons in the city."]
    emb, docs = _unit([[1, 0], [1, 0]]), ["a", "b"]
    official, department = frozenset({"u", "s", "official"}), frozenset({"state", "department"})
    assert align(texts, emb, docs).groups == ((0, 1),)
    assert align(texts, emb, docs, speakers=[official, department]).groups == ()
    assert align(texts, emb, docs, speakers=[official, department]).pairs[0].probability == 0.0
    assert align(texts, emb, docs, speakers=[official, official | department]).groups == ((0, 1),)  # one speaker
    assert align(texts, emb, docs, speakers=[official, frozenset()]).groups == ((0, 1),)  # the other names nobody
    # a count is a fact, whoever reports it (linked here through a permissive counted threshold)
    assert align(texts, emb, docs, AlignConfig(counted_threshold=0.5), counted=[True, False],
                 speakers=[official, department]).groups == ((0, 1),)
    # close paraphrases (counted_threshold or above) stay linked
    same = [texts[0], texts[0]]
    assert align(same, emb, docs, speakers=[official, department]).groups == ((0, 1),)


def test_the_count_rule_and_the_speaker_rule_have_their_own_thresholds() -> None:
    # a counted claim joins a wording group from counted_threshold, while two speakers' statements need
    # speaker_threshold: lowering the first (0.85 -> 0.6, session 14) does not relax the speaker rule
    texts = ["the use of such weapons could open Russia up to war crimes charges.",
             "Russia is responsible for the use of such weapons in the city."]
    emb, docs = _unit([[1, 0], [1, 0]]), ["a", "b"]
    official, department = frozenset({"u", "s", "official"}), frozenset({"state", "department"})
    (pair,) = align(texts, emb, docs).pairs
    assert AlignConfig().counted_threshold < pair.probability < AlignConfig().speaker_threshold
    assert align(texts, emb, docs, counted=[True, False]).groups == ((0, 1),)
    assert align(texts, emb, docs, AlignConfig(counted_threshold=0.0), speakers=[official, department]).groups == ()
    assert align(texts, emb, docs, AlignConfig(speaker_threshold=0.5), speakers=[official, department]).groups \
        == ((0, 1),)


def test_align_config_validation() -> None:
    with pytest.raises(ConfigError, match="counted threshold"):
        AlignConfig(counted_threshold=2.0)
    with pytest.raises(ConfigError, match="speaker threshold"):
        AlignConfig(speaker_threshold=-0.1)
    with pytest.raises(ConfigError, match="align threshold must be in"):
        AlignConfig(threshold=1.5)
    with pytest.raises(ConfigError, match="neighbours"):
        AlignConfig(neighbours=0)


def test_links_all_at_the_threshold_merge_despite_rounding() -> None:
    # a mean of three links of exactly 0.7 is 0.6999999999999998 in floating point; fact groups raise links to it
    pairs = [ScoredPair(i, j, 0.7, 0.7) for i, j in ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))]
    assert group_pairs(4, ["a", "b", "c", "d"], pairs, 0.7) == ((0, 1, 2, 3),)
