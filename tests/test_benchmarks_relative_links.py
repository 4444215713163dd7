"""Tests of benchmarks.relative_links (story-relative link decisions) and claims_variants' sweep pick."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.claims_quality import measures
from benchmarks.claims_variants import left_out
from benchmarks.relative_links import (RelativeLinks, best_match_ratios, centred_cosines, csls, neighbourhoods,
                                       ratio_margin, relative_align)
from dedupe.compare.align import AlignConfig, align
from dedupe.embed.encoder import embed

# Tune text (toba-ferry-2018, claims gold): two AP copies (SCMP, WCNC) and Metro TV's own report.
SCMP = ["The Sinar Bangun ferry sank in rough weather at around 5.30pm on Monday, about a mile from the port of "
        "Tigaras, while carrying passengers from the lake’s Samosir Island",
        "Rescuers searching on Tuesday for dozens of people missing after a ferry sank on Indonesia’s Lake Toba have "
        "found bags, jackets, an ID card and other items in the waters but no new survivors.",
        "Distraught relatives have gathered at major ferry docks on the lake, hoping for news of missing family "
        "members."]
WCNC = ["JAKARTA, Indonesia – Rescuers searching Tuesday for dozens of people missing after a ferry sank on "
        "Indonesia’s Lake Toba have found bags, jackets, an ID card and other items in the waters but no new "
        "survivors, casting a tragic pall over holidays marking the end of the Muslim holy month.",
        "Distraught relatives have gathered at major ferry docks on the lake, hoping for news of missing family "
        "members."]
METRO = ["Jakarta: At least 56 people are still missing after a ferry accident in Lake Toba, North Sumatra yesterday "
         "afternoon.",
         "It capsized near Tigaras Port, Simalungun around half an hour later."]
TEXTS = SCMP + WCNC + METRO
DOCS = ["scmp"] * 3 + ["wcnc"] * 2 + ["metro"] * 2


def test_neighbourhoods_are_means_of_the_nearest_claims_of_other_documents() -> None:
    vectors = np.array([[1, 0], [0.6, 0.8], [0.8, 0.6], [0, 1]], dtype=np.float32)
    near = neighbourhoods(vectors, ["a", "a", "b", "c"], k=2)
    # claim 0: its own document's claim 1 is no neighbour; claims 2 (0.8) and 3 (0).
    assert near.round(3).tolist() == [0.4, 0.88, 0.88, 0.7]
    # k above the claims of other documents: the mean over all of them
    assert neighbourhoods(vectors, ["a", "a", "b", "c"], k=9).round(3).tolist() == [0.4, 0.88, 0.787, 0.467]
    assert neighbourhoods(vectors[:2], ["a", "a"], k=2).tolist() == [0.0, 0.0]  # one document: no neighbours
    with pytest.raises(ValueError):
        neighbourhoods(vectors, ["a"], k=2)
    with pytest.raises(ValueError):
        neighbourhoods(vectors, ["a", "b", "c", "d"], k=0)


def test_margin_and_csls_judge_a_cosine_against_the_claims_neighbourhoods() -> None:
    cosines, first, second = np.array([0.6, 0.6]), np.array([0.5, 0.2]), np.array([0.7, 0.2])
    assert ratio_margin(cosines, first, second).round(3).tolist() == [1.0, 3.0]
    assert csls(cosines, first, second).round(3).tolist() == [0.0, 0.8]


def test_best_match_ratios_are_one_for_mutual_best_matches() -> None:
    ratios = best_match_ratios([(0, 2), (1, 2), (0, 3), (1, 3)], [0.8, 0.4, 0.2, 0.1], ["a", "a", "b", "b"])
    # (1, 3) is 3's best in a but not 1's best in b (2 is, at 0.4).
    assert ratios.tolist() == [1.0, 0.5, 0.25, 0.25]


def test_centring_takes_off_what_every_claim_of_the_story_shares() -> None:
    shared = np.array([1.0, 0, 0, 0])
    vectors = np.array([shared + [0, 0.5, 0, 0], shared + [0, 0.5, 0.1, 0], shared + [0, 0, 0, 0.5]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    candidates = [(0, 1, 0.0), (0, 2, 0.0)]
    plain = [float(vectors[i] @ vectors[j]) for i, j, _ in candidates]
    centred = centred_cosines(vectors, candidates, mapped=False)
    assert plain[1] > 0.7 and centred[1] < 0  # the shared topic made them close
    assert centred[0] > 0.5  # the claims that share more than the topic stay close
    assert centred_cosines(vectors[:2], [(0, 1, 0.0)], mapped=False) == pytest.approx([plain[0]])  # two: kept as is


def test_copies_of_one_wire_story_are_mutual_best_matches(real_encoder) -> None:  # type: ignore[no-untyped-def]
    vectors = embed(real_encoder, TEXTS)
    pairs = [(i, j) for i in range(3) for j in range(3, 5)]
    ratios = best_match_ratios(pairs, [float(vectors[i] @ vectors[j]) for i, j in pairs], DOCS)
    assert [pair for pair, r in zip(pairs, ratios) if r == 1.0] == [(1, 3), (2, 4)]


def test_the_variant_without_a_relative_step_is_the_tools_alignment(real_encoder) -> None:  # type: ignore[no-untyped-def]
    vectors = embed(real_encoder, TEXTS)
    for threshold in (0.1, 0.25):
        config = AlignConfig(threshold=threshold)
        with relative_align(RelativeLinks()) as aligned:
            assert aligned(TEXTS, vectors, DOCS, config) == align(TEXTS, vectors, DOCS, config)


def test_a_mutual_best_gate_keeps_weak_links_from_chaining(real_encoder) -> None:  # type: ignore[no-untyped-def]
    vectors = embed(real_encoder, TEXTS)
    with relative_align(RelativeLinks("mutual-probability", relative_exempt=0.5)) as gated:
        # At the shipped threshold both decide alike; at a low one (scores inflated, as in a dense story) the tool
        # chains the search and the relatives at the docks into one group through weak links, the gate does not.
        assert gated(TEXTS, vectors, DOCS, AlignConfig()).groups == align(TEXTS, vectors, DOCS).groups
        low = AlignConfig(threshold=0.1)
        assert any({1, 2} <= set(g) for g in align(TEXTS, vectors, DOCS, low).groups)
        assert not any({1, 2} <= set(g) for g in gated(TEXTS, vectors, DOCS, low).groups)
        assert (2, 4) in gated(TEXTS, vectors, DOCS, low).groups


def test_unknown_modes_are_refused() -> None:
    with pytest.raises(ValueError, match="relative must be one of"):
        RelativeLinks("hubness")


def test_left_out_picks_on_the_other_events_and_measures_pairs() -> None:
    table = {"0.2": {"a": (1.0, 1.0, 0.9), "b": (1.0, 1.0, 0.5), "c": (1.0, 1.0, 0.7)},
             "0.3": {"a": (1.0, 1.0, 0.6), "b": (1.0, 1.0, 0.8), "c": (1.0, 1.0, 0.7)}}
    # leaving a out: 0.3 (worst of b, c 0.7 against 0.5); b out: 0.2 (0.7 against 0.6); c out: 0.3 (0.6 > 0.5)
    assert left_out(table, ["a", "b", "c"]) == [("a", "0.3"), ("b", "0.2"), ("c", "0.3")]
    pair_a, pair_b, pair_c = (("d", 0), ("e", 0)), (("d", 1), ("e", 1)), (("d", 2), ("e", 2))
    assert measures({pair_a, pair_b}, {pair_a, pair_c}) == (0.5, 0.5, 0.5)
    assert measures({pair_a}, {pair_a, pair_b, pair_c}) == (1.0, 1 / 3, 0.5)  # F1 2 tp / (2 tp + fp + fn)
    assert measures(set(), {pair_a}) == (0.0, 0.0, 0.0)
