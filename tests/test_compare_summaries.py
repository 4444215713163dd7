"""Tests of dedupe.compare.summaries: a headline or lead joins the group of its own document's claim it restates."""

from __future__ import annotations

import numpy as np
import pytest

from dedupe.compare.align import AlignConfig, Alignment, align
from dedupe.compare.counts import CountKey
from dedupe.compare.summaries import expand_summaries, summary_flags
from dedupe.errors import ConfigError

TEXTS = ["US threatens to cut ties with Russia over Aleppo",
         "Kerry told Lavrov the United States would suspend its engagement with Moscow on Syria unless the assault on "
         "Aleppo ends.",
         "The US was preparing to suspend its engagement with Moscow on Syria unless Russia ends the assault on "
         "Aleppo, Kerry told Lavrov.",
         "Aid convoys reached eastern Ghouta on Tuesday."]
DOCS = ["a", "a", "b", "b"]
SUMMARY = [True, False, False, False]


def _vectors() -> np.ndarray:
    vectors = np.eye(4, dtype=np.float32)
    vectors[1] = vectors[0] * 0.6 + vectors[1] * 0.8  # the headline and its body claim: cosine 0.6
    vectors[2] = vectors[1] * 0.9 + np.eye(4, dtype=np.float32)[2] * np.sqrt(0.19)  # the two bodies: 0.9
    return vectors


def _expanded(config: AlignConfig | None = None, summary: list[bool] = SUMMARY, **kwargs: object
              ) -> tuple[tuple[int, ...], ...]:
    config = config or AlignConfig()
    alignment = align(TEXTS, _vectors(), DOCS, config, speakers=kwargs.get("speakers"))  # type: ignore[arg-type]
    assert alignment.groups == ((1, 2),)  # the headline alone scores under the threshold with either body claim
    return expand_summaries(alignment, TEXTS, _vectors(), DOCS, summary, config, **kwargs).groups  # type: ignore[arg-type]


def test_a_headline_joins_the_group_of_the_body_claim_it_restates() -> None:
    assert _expanded() == ((0, 1, 2),)
    expanded = expand_summaries(align(TEXTS, _vectors(), DOCS), TEXTS, _vectors(), DOCS, SUMMARY, AlignConfig())
    scored = {(p.first, p.second): p.probability for p in expanded.pairs}
    config = AlignConfig()
    weak = max(config.summary_threshold, config.summary_cross), config.threshold
    assert weak[0] < scored[(0, 1)] < weak[1] and weak[0] < scored[(0, 2)] < weak[1]  # both links weak alone


def test_both_links_are_needed() -> None:
    assert _expanded(AlignConfig(summary_threshold=0.5)) == ((1, 2),)  # the own document's claim
    assert _expanded(AlignConfig(summary_cross=0.5)) == ((1, 2),)  # the other outlets' versions
    assert _expanded(summary=[False] * 4) == ((1, 2),)  # not a headline or lead


def test_counts_figures_and_speakers_keep_a_summary_out() -> None:
    assert _expanded(counted=[True, False, False, False]) == ((1, 2),)
    homes = CountKey("home destroyed", None, False, "things")
    # the body claim's figure is its claim: a headline without the figure does not restate it
    assert _expanded(figures=[frozenset(), frozenset({homes}), frozenset(), frozenset()]) == ((1, 2),)
    assert _expanded(figures=[frozenset({homes}), frozenset({homes}), frozenset(), frozenset()]) == ((0, 1, 2),)
    # the headline quotes someone the other outlet's version does not: two statements
    speakers = [frozenset({"lavrov"}), frozenset(), frozenset({"kirby"}), frozenset()]
    assert _expanded(speakers=speakers) == ((1, 2),)


def test_a_summary_never_anchors_another() -> None:
    # a's lead (0) restates a's body claim (2, p 0.17), grouped with b's (3, 0.18): the lead joins. a's headline (1)
    # restates the lead (p 0.70, and 0.18 with b's claim) but not the body claim (0.05): it stays out, as the lead
    # joined in this pass; were the lead grouped already, the headline would join through it.
    texts = ["Rescuers in Yunnan dug through rubble on Monday as the toll rose.",
             "Quake toll rises in Yunnan as rescuers dig through rubble",
             "Soldiers and volunteers pulled survivors from collapsed homes in Ludian county.",
             "Troops and volunteers pulled survivors out of collapsed houses as the Yunnan quake toll rose."]
    cosines = np.array([[1.0, 0.75, 0.6, 0.5], [0.75, 1.0, 0.3, 0.5], [0.6, 0.3, 1.0, 0.8], [0.5, 0.5, 0.8, 1.0]])
    vectors = np.linalg.cholesky(cosines).astype(np.float32)  # rows with exactly these cosines
    docs, summary = ["a", "a", "a", "b"], [True, True, False, False]
    alignment = align(texts, vectors, docs)
    assert alignment.groups == ((2, 3),)
    assert expand_summaries(alignment, texts, vectors, docs, summary, AlignConfig()).groups == ((0, 2, 3),)
    grouped_lead = Alignment(((0, 2, 3),), alignment.pairs)
    assert expand_summaries(grouped_lead, texts, vectors, docs, summary, AlignConfig()).groups == ((0, 1, 2, 3),)


def test_summary_flags_and_config() -> None:
    assert summary_flags(["a", "a", "a", "b", "b"], 2) == [True, True, False, True, True]
    assert summary_flags(["a", "b"], 0) == [False, False]
    with pytest.raises(ConfigError):
        AlignConfig(summary_claims=-1)
    with pytest.raises(ConfigError):
        AlignConfig(summary_cross=1.5)
