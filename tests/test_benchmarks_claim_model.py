"""Tests of benchmarks.claim_model: its fit reads pairs as compare scores them and the shipped model was fitted on
today's training pairs; its in-domain training set: its pairs, the weighted fit, leaving one training event out, and
the annotated training file itself (benchmarks/data/claims_train_reuters.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.align_quality import fit_model
from benchmarks.claim_model import (FITTED_ON_SHA256, features, fit_with_gold, gold_training_pairs, input_digest,
                                    out_of_event_scores, pair_contents, training_pairs)
from benchmarks.claims_quality import check_segments, gold_pairs, load_gold
from benchmarks.claims_train_select import gold_ids, near_gold, qualifying
from dedupe.compare import align
from dedupe.compare.claims import ClaimConfig, claim_content
from dedupe.corpus.load import load_corpus
from dedupe.embed.encoder import EmbeddingCache, embed

DATA = Path(__file__).parent.parent / "benchmarks" / "data"
TRAIN = DATA / "claims_train_reuters.json"
# Two events, three reports; sentence texts chosen so that the hashing encoder's cosines are known in order.
SENTENCES = {
    "reuters-1": ("raid", ["Planes killed 22 people in the village.", "The army said nothing about it.",
                           "REUTER"]),
    "reuters-2": ("raid", ["Warplanes killed 23 people in the village on Monday.", "The army said nothing about it.",
                           "Prices of wheat rose sharply in Chicago."]),
    "reuters-3": ("bond", ["The bank issued a bond.", "Each unit holds five shares."]),
    "reuters-4": ("bond", ["The company completed the bond issue.", "Each unit holds five shares and warrants."]),
}
NOT_CLAIMS = {("reuters-1", 2)}


def _write_gold(path: Path) -> Path:
    documents = {doc: {"outlet": f"Reuters {doc[8:]}", "set": event,
                       "sentences": [{"i": i, "start": 0, "end": len(t), "claim": (doc, i) not in NOT_CLAIMS,
                                      "text": t} for i, t in enumerate(texts)]}
                 for doc, (event, texts) in SENTENCES.items()}
    clusters = [{"id": "A", "set": "raid", "claim": "toll", "status": "divergence", "conflicts": [],
                 "members": [{"doc": "reuters-1", "i": 0}, {"doc": "reuters-2", "i": 0}]},
                {"id": "B", "set": "bond", "claim": "units", "status": "agreement", "conflicts": [],
                 "members": [{"doc": "reuters-3", "i": 1}, {"doc": "reuters-4", "i": 1}]}]
    path.write_text(json.dumps({"compare": "annotated documents", "split": {"train": ["raid", "bond"]},
                                "clusters": clusters, "documents": documents}), encoding="utf-8")
    return path


def test_the_fit_reads_each_training_pair_as_compare_scores_it(shared_corpus: Any, real_encoder: Any) -> None:
    pairs = training_pairs(shared_corpus("mrpc").parent, limit=40)  # MRPC train's first 40 pairs
    contents = pair_contents(pairs)
    assert sum(a != t for a, t in zip(contents.first, pairs.first)) >= 3  # some lose their attribution
    fitted_on = features(contents, real_encoder, EmbeddingCache(None))[0]  # the path of --fit's rows
    # compare's path: each claim's content as compare_corpus takes it, embedded, scored as align scores a candidate
    texts = [claim_content(t, ClaimConfig().min_content_words) for t in pairs.first + pairs.second]
    vectors = embed(real_encoder, texts, EmbeddingCache(None))
    n = len(pairs.labels)
    candidates = [(k, n + k, float(vectors[k] @ vectors[n + k])) for k in range(n)]
    compared = [p.probability for p in align.scored_candidates(texts, vectors, candidates, align.AlignConfig())]
    read = align.with_count_rule(texts, candidates, align.CLAIM_MODEL.probability(fitted_on))
    np.testing.assert_allclose(compared, [p.probability for p in read], rtol=0, atol=1e-6)


def test_the_shipped_claim_model_was_fitted_on_todays_training_pairs(shared_corpus: Any) -> None:
    contents = pair_contents(training_pairs(shared_corpus("mrpc").parent))
    # a change to claim_content, the number masking or the paraphrase features moves the fit: run
    # `python -m benchmarks.claim_model --corpus /work/shared/corpora --fit`, measure, paste both digest and constants
    assert input_digest(contents) == FITTED_ON_SHA256, "the shipped CLAIM_MODEL was fitted on other pairs: refit it"


def test_positives_are_every_cluster_pair_and_negatives_the_candidates_compare_would_score(
        tmp_path: Path, hashing_encoder: Any) -> None:
    path = _write_gold(tmp_path / "train.json")
    everything, events, _ = gold_training_pairs(path, hashing_encoder, EmbeddingCache(None), candidate_cosine=-1.0)
    # every cross-report pair of claim sentences of one event: 2 x 3 raid pairs (the REUTER line is no claim),
    # 2 x 2 bond pairs; never a pair of one report or of two events
    assert len(everything.labels) == 10 and sorted(events.tolist()) == ["bond"] * 4 + ["raid"] * 6
    same = {(a, b) for a, b, y in zip(everything.first, everything.second, everything.labels) if y}
    assert same == {("Planes killed 22 people in the village.", "Warplanes killed 23 people in the village on Monday."),
                    ("Each unit holds five shares.", "Each unit holds five shares and warrants.")}
    assert "REUTER" not in everything.first + everything.second
    cut, cut_events, _ = gold_training_pairs(path, hashing_encoder, EmbeddingCache(None), candidate_cosine=0.99)
    # at a cut no pair of different texts reaches, only the identical negative and the positives remain
    assert cut.labels.tolist().count(1) == 2 and cut.labels.tolist().count(0) == 1
    assert ("The army said nothing about it.", "The army said nothing about it.") in zip(cut.first, cut.second)
    assert len(cut_events) == 3


def test_a_row_of_weight_zero_changes_nothing_and_a_weight_counts_as_copies() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(200, 4)), rng.integers(0, 2, 200)
    extra, extra_y = rng.normal(size=(30, 4)) + 2.0, np.ones(30, dtype=int)
    alone = fit_model(x, y, 0.01)
    zero = fit_with_gold((x, y), (extra, extra_y), 0.0, 0.01)
    assert np.allclose(zero.coef, alone.coef, atol=1e-6) and np.allclose(zero.mean, alone.mean)
    assert abs(zero.intercept - alone.intercept) < 1e-6
    three = fit_with_gold((x, y), (extra, extra_y), 3.0, 0.01)
    copies = fit_model(np.vstack([x, extra, extra, extra]), np.concatenate([y, extra_y, extra_y, extra_y]), 0.01)
    assert np.allclose(three.coef, copies.coef, atol=1e-4) and abs(three.intercept - copies.intercept) < 1e-4
    assert three.intercept > alone.intercept + 0.1  # the added positives move the model


def test_each_event_is_scored_by_a_model_that_never_saw_its_pairs() -> None:
    rng = np.random.default_rng(1)
    outside = (rng.normal(size=(100, 4)), rng.integers(0, 2, 100))
    x, events = rng.normal(size=(40, 4)), np.asarray(["a"] * 20 + ["b"] * 20)
    y = rng.integers(0, 2, 40)
    scores = out_of_event_scores(outside, (x, y), events, 10.0, 0.1)
    flipped = y.copy()
    flipped[events == "a"] = 1 - flipped[events == "a"]
    again = out_of_event_scores(outside, (x, flipped), events, 10.0, 0.1)
    assert np.array_equal(scores[events == "a"], again[events == "a"])  # its own labels are never read
    assert not np.allclose(scores[events == "b"], again[events == "b"])  # the other event's are


def test_the_training_file_is_annotated_by_the_gold_rules_and_shares_nothing_with_a_gold() -> None:
    raw = json.loads(TRAIN.read_text(encoding="utf-8"))
    assert raw["rules"] == json.loads((DATA / "claims_gold.json").read_text(encoding="utf-8"))["rules"]
    assert raw["selection"][0].startswith("Selection procedure")
    gold = load_gold(TRAIN)
    assert not set(gold.sentences) & gold_ids()
    assert set(gold.set_of.values()) == set(raw["split"]["train"]) and len(raw["split"]["train"]) == 9
    assert all(isinstance(s["claim"], bool) for ss in gold.sentences.values() for s in ss)
    assert all(gold.outlet[d] == "Reuters " + d.removeprefix("reuters-") for d in gold.outlet)
    for cluster in gold.clusters:
        for m in cluster["members"]:
            sentence = gold.sentences[m["doc"]][m["i"]]
            assert sentence["claim"] and (sentence["start"], sentence["end"]) == (m["start"], m["end"])
            assert gold.set_of[m["doc"]] == cluster["set"]
    pairs, divergences = gold_pairs(gold)
    assert (len(gold.sentences), sum(map(len, gold.sentences.values())), len(gold.clusters), len(pairs),
            len(divergences)) == (29, 199, 31, 55, 9)


def test_the_training_file_is_annotated_as_dedupe_segment_splits_the_real_reports(shared_corpus: Any) -> None:
    reuters = shared_corpus("reuters21578.jsonl")
    assert check_segments(load_gold(TRAIN), [str(reuters)]) == (29, 199)


def test_the_training_pairs_of_the_file_are_read_with_the_real_model(real_encoder: Any) -> None:
    pairs, events, _ = gold_training_pairs(TRAIN, real_encoder, EmbeddingCache(None))
    assert int(pairs.labels.sum()) == 55  # every same-claim pair, whatever its cosine
    assert len(pairs.labels) == 794 and len(set(events.tolist())) == 9  # 739 negatives at cosine >= 0.3


REPORTS = {
    "reuters-1": "Zeta Corp said it bought Omega Inc for 40 mln dlrs. The deal closed on Monday. Omega makes valves "
                 "in Ohio. Zeta said the purchase adds to earnings.\n",
    "reuters-2": "Zeta Corp completed its purchase of Omega Inc, the Ohio valve maker. Zeta paid 40 mln dlrs. "
                 "Omega had sales of ten mln dlrs. The purchase closed Monday.\n",
    "reuters-3": "Omega Inc was bought by Zeta Corp for 40 mln dlrs, Zeta said. Omega's valves are made in Ohio. "
                 "The deal was closed on Monday.\n",
    "reuters-4": "Zeta Corp said it bought Omega Inc for 40 mln dlrs. The deal closed on Monday. Omega makes valves "
                 "in Ohio. Zeta said the purchase adds to earnings.\n",  # an exact repeat of reuters-1
    "reuters-5": "Wheat futures rose two cents in Chicago. Traders cited dry weather in Kansas. Corn was steady.\n",
}


def _documents(tmp_path: Path) -> list[Any]:
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps({"id": d, "source": "Reuters", "date": "7-APR-1987 07:19:19.10", "title": "",
                                        "text": t}) + "\n" for d, t in REPORTS.items()), encoding="utf-8")
    return list(load_corpus([str(path)]).documents)


def test_a_story_qualifies_with_its_distinct_reports_and_not_with_an_excluded_one(tmp_path: Path) -> None:
    documents = _documents(tmp_path)
    stories = qualifying(documents, set())
    assert [[d.id for d in s] for s in stories] == [["reuters-1", "reuters-2", "reuters-3"]]  # the repeat dropped
    assert qualifying(documents, {"reuters-2"}) == []
    assert near_gold(documents, {"reuters-3"}) >= {"reuters-1", "reuters-3"}
    assert "reuters-5" not in near_gold(documents, {"reuters-3"})
