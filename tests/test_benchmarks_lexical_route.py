"""Tests of benchmarks.lexical_route: the OR-rule's figures, its threshold picked on the training events only, and
the route applied to compare's pair scores for a run and not after it."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.lexical_route import lexical_link, out_of_event, pick_threshold, route_scores, select
from dedupe.compare import align

# A claim inside a longer sentence in the same words (2 of its 3 content words), which the claim model scores low.
SHORT = "The ferry had no passenger manifest."
LONG = ("Officials said the old wooden boat, which sank in rough weather on Monday with dozens of motorbikes on its "
        "deck, was operating without a manifest or any passenger tickets.")
OTHER = "Wheat prices rose sharply in Chicago on Monday."


def test_route_scores_count_a_pair_linked_by_either_route() -> None:
    linked = np.array([True, False, False, False])
    labels = np.array([1, 1, 0, 1])
    measure = np.array([0.0, 0.9, 0.8, 0.1])
    assert route_scores(linked, labels, measure, 1.0) == pytest.approx((1.0, 1 / 3, 0.5))
    # at 0.85 the second pair joins (true); at 0.75 the third too (false)
    assert route_scores(linked, labels, measure, 0.85) == pytest.approx((1.0, 2 / 3, 0.8))
    assert route_scores(linked, labels, measure, 0.75) == pytest.approx((2 / 3, 2 / 3, 2 / 3))


def test_pick_threshold_takes_the_best_f1_then_the_larger_threshold() -> None:
    linked = np.zeros(3, dtype=bool)
    labels = np.array([1, 0, 0])
    measure = np.array([0.9, 0.5, 0.1])
    # every T in (0.5, 0.9] gives F1 1: the larger wins the tie
    assert pick_threshold(linked, labels, measure, (0.4, 0.6, 0.8, 1.0)) == 0.8


def test_each_event_is_predicted_with_the_threshold_picked_on_the_others() -> None:
    linked = np.zeros(4, dtype=bool)
    labels = np.array([1, 0, 1, 0])
    events = np.array(["a", "a", "b", "b"])
    # event a alone wants T 0.8 (0.9 same, 0.7 other), event b alone 0.6 (0.6 same, 0.4 other)
    measure = np.array([0.9, 0.7, 0.6, 0.4])
    hit, picked = out_of_event(linked, labels, measure, events, (0.5, 0.6, 0.7, 0.8))
    assert picked == {"a": 0.6, "b": 0.8}
    assert hit.tolist() == [True, True, False, False]


def test_select_keeps_no_route_that_does_not_beat_the_model() -> None:
    labels = np.array([1, 0, 1, 0])
    events = np.array(["a", "a", "b", "b"])
    feats = np.zeros((4, len(align.CLAIM_FEATURES)))
    assert select(labels == 1, labels, feats, events, (0.5, 1.0)) is None
    feats[:, align.CLAIM_FEATURES.index("containment")] = [0.9, 0.2, 0.9, 0.2]
    assert select(np.zeros(4, dtype=bool), labels, feats, events, (0.5, 1.0)) == ("containment", 0.5)


def test_the_route_raises_a_contained_claim_to_the_threshold_for_the_run_only() -> None:
    texts = [SHORT, LONG, OTHER]
    candidates = [(0, 1, 0.4), (0, 2, 0.4)]
    plain = align.score_pairs(texts, candidates)
    assert all(p.probability < align.CLAIM_THRESHOLD for p in plain)
    with lexical_link(0.65):
        contained, apart = align.score_pairs(texts, candidates)
    assert contained.probability == align.CLAIM_THRESHOLD
    assert apart.probability == plain[1].probability
    with lexical_link(0.7):  # the pair's containment is 2/3
        assert align.score_pairs(texts, candidates) == plain
    assert align.score_pairs(texts, candidates) == plain
