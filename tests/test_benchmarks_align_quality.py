"""Tests of benchmarks.align_quality: the shipped paraphrase and divergence models are what its ``--fit`` prints, read
through compare's encoder; its SICK reader, which the claim-adapter and cross-encoder scripts share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.align_quality import (Pairs, SickPair, encode_all, fit_encoder, fit_with_threshold, labelled_sick,
                                      read_mrpc, read_sick, read_sick_pairs, split_rows)
from benchmarks.train_claim_adapter import read_sick_same as adapter_sick
from benchmarks.train_cross_encoder import read_sick_same as cross_encoder_sick
from dedupe.compare import align
from dedupe.embed.encoder import EmbeddingCache, Encoder, embed, encoder_and_cache
from dedupe.pipeline.stages import CompareRunConfig

ROWS = [("1", "A man is playing a guitar", "A man is playing an instrument", "4.5", "ENTAILMENT"),
        ("2", "A man is playing a guitar", "Nobody is playing a guitar", "3.6", "CONTRADICTION"),
        ("3", "A dog runs in the park", "A woman is slicing an onion", "1.2", "NEUTRAL"),
        ("4", "A dog runs in the park", "A dog is running outdoors", "3.9", "ENTAILMENT"),
        ("5", "A cat sleeps", "A cat is sleeping on a sofa", "3.4", "NEUTRAL")]
HEADER = ("pair_ID", "sentence_A", "sentence_B", "relatedness_score", "entailment_judgment")


def _compare_encoder() -> Encoder:
    """The encoder ``dedupe compare`` embeds claims with when given no option (as ``compare_stage`` loads it)."""
    config = CompareRunConfig()
    return encoder_and_cache(config.model, config.cache_dir, backend=config.backend)[0]


def test_the_fit_embeds_each_sentence_as_compare_embeds_a_claim(shared_corpus: Any) -> None:
    pairs = read_mrpc(shared_corpus("mrpc/msr_paraphrase_train.txt"))
    texts = pairs.first[:20] + pairs.second[:20]
    fit_vectors = encode_all([Pairs(pairs.first[:20], pairs.second[:20], pairs.labels[:20])],
                             *fit_encoder(None, None))[0]
    compare_vectors = embed(_compare_encoder(), texts, EmbeddingCache(None))
    np.testing.assert_allclose(np.stack([fit_vectors[t] for t in texts]), compare_vectors, rtol=0, atol=1e-6)


def test_the_shipped_paraphrase_and_divergence_models_are_what_fit_prints(shared_corpus: Any) -> None:
    # MRPC train and SICK train read through compare's encoder (about 20 s): when compare's embeddings or the features
    # move, run `python -m benchmarks.align_quality --corpus /work/shared/corpora --fit`, measure, paste, and refit
    # CLAIM_MODEL after it (`python -m benchmarks.claim_model --corpus /work/shared/corpora --fit`)
    corpus = shared_corpus("mrpc").parent
    train = (read_mrpc(corpus / "mrpc" / "msr_paraphrase_train.txt"), read_sick(corpus / "sick2014" / "SICK_train.txt"))
    vectors = encode_all(train, _compare_encoder(), EmbeddingCache(None))[0]
    shipped = ((align.PARAPHRASE_MODEL, align.PARAPHRASE_THRESHOLD),
               (align.DIVERGENCE_MODEL, align.DIVERGENCE_THRESHOLD))
    for pairs, (model, threshold) in zip(train, shipped):
        fitted, fitted_threshold = fit_with_threshold(split_rows(pairs, vectors), pairs.labels)
        # --fit prints 6 significant digits (0.149425 stands for 0.1494254...); the standardisation is the features'
        # own mean and deviation, which the cosine's drift moved by 0.006 (0.787727 -> 0.793791)
        for printed, now in ((model.mean, fitted.mean), (model.scale, fitted.scale)):
            np.testing.assert_allclose(now, printed, rtol=6e-6, atol=1e-9)
        np.testing.assert_allclose((*fitted.coef, fitted.intercept), (*model.coef, model.intercept), rtol=1e-4,
                                   atol=1e-6)
        assert fitted_threshold == threshold


def _sick(tmp_path: Path, newline: str) -> Path:
    path = tmp_path / "SICK.txt"
    path.write_bytes("".join("\t".join(row) + newline for row in [HEADER, *ROWS]).encode("utf-8"))
    return path


def test_every_row_read_in_order_whatever_the_line_ends(tmp_path: Path) -> None:
    for newline in ("\n", "\r\n"):  # SICK_train.txt ends lines with LF, SICK_test_annotated.txt with CRLF
        pairs = read_sick_pairs(_sick(tmp_path, newline))
        assert pairs[1] == SickPair("A man is playing a guitar", "Nobody is playing a guitar", 3.6, "CONTRADICTION")
        assert [p.judgment for p in pairs] == [row[4] for row in ROWS]


def test_each_benchmark_labels_its_own_rows(tmp_path: Path) -> None:
    path = _sick(tmp_path, "\n")
    contradiction = read_sick(path)  # entailment against contradiction; neutral left out
    assert contradiction.second == ["A man is playing an instrument", "Nobody is playing a guitar",
                                    "A dog is running outdoors"]
    assert contradiction.labels.tolist() == [0, 1, 0]
    assert adapter_sick(path).labels.tolist() == [1, 0, 0, 1, 0]  # every row: entailment is the same claim
    same = cross_encoder_sick(path)  # entailment at relatedness >= 4 against neutral below 3
    assert (same.first, same.labels.tolist()) == (["A man is playing a guitar", "A dog runs in the park"], [1, 0])


def test_a_rule_that_keeps_nothing_gives_empty_pairs() -> None:
    pairs = labelled_sick([SickPair("a", "b", 1.0, "NEUTRAL")], lambda row: None)
    assert pairs.first == pairs.second == [] and np.asarray(pairs.labels).size == 0
