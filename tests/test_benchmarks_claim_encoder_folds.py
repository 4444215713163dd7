"""Tests of benchmarks.claim_encoder_folds: the folds are the claim map's, and a tiny out-of-fold run on the real
MiniLM is deterministic, gives every pair a cosine from an encoder that never saw it, and differs from the plain one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from benchmarks.align_quality import Pairs
from benchmarks.claim_encoder_folds import folds_of, out_of_fold_encoder_cosines
from benchmarks.train_claim_encoder import Settings, Texts, cosines, load_base, pair_texts, train

torch = pytest.importorskip("torch")

PAIRS = Pairs(
    ["The quake killed at least 400 people in Yunnan.", "Kerry threatened to cut off all contact with Moscow.",
     "The ferry sank with 200 passengers aboard.", "Bank workers went on strike across Brazil.",
     "Officials said the death toll rose to 410.", "The minister resigned on Tuesday.",
     "Rescuers pulled survivors from the rubble.", "Oil prices fell sharply on Monday."],
    ["At least 400 people died when the earthquake struck Yunnan.", "The ferry sank with 200 passengers aboard.",
     "A boat carrying 200 people went down.", "The central bank raised interest rates.",
     "The death toll climbed to 410, officials said.", "Iran launched a new offensive near Basra.",
     "Survivors were pulled out of the rubble by rescue teams.", "The football team won the cup."],
    np.array([1, 0, 1, 0, 1, 0, 1, 0]))
TINY = Settings(frozen=5, halves=2, batch=4, learning_rate=2e-4)


@pytest.fixture(scope="module")
def base() -> tuple[Any, Any]:
    torch.set_num_threads(2)
    return load_base()


@pytest.fixture(scope="module")
def texts(base: tuple[Any, Any]) -> Texts:
    tokenizer, model = base
    return pair_texts(PAIRS, model, tokenizer, TINY.frozen)


def test_the_folds_are_the_claim_map_s() -> None:
    fold = folds_of(8, 2)
    assert fold.tolist() == (np.random.default_rng(0).permutation(8) % 2).tolist()
    assert np.bincount(fold).tolist() == [4, 4]


def test_a_tiny_out_of_fold_run_is_deterministic_and_reads_each_pair_from_the_other_fold(
        base: tuple[Any, Any], texts: Texts) -> None:
    model = base[1]
    first = out_of_fold_encoder_cosines(model, texts, PAIRS.labels, TINY, folds=2)
    again = out_of_fold_encoder_cosines(model, texts, PAIRS.labels, TINY, folds=2)
    assert first.tobytes() == again.tobytes()
    plain = cosines(model.encoder.layer[TINY.frozen:], texts)
    assert not np.allclose(first, plain, atol=1e-4)
    # fold 0's pairs read the encoder trained on fold 1's pairs only, and not one trained on every pair
    fold = folds_of(len(PAIRS.labels), 2)
    held, fit = np.flatnonzero(fold == 0), np.flatnonzero(fold == 1)
    upper, _, _ = train(model, Texts(texts.states, texts.first[fit], texts.second[fit]), PAIRS.labels[fit], TINY)
    expected = cosines(upper, Texts(texts.states, texts.first[held], texts.second[held]))
    assert first[held] == pytest.approx(expected, abs=1e-6)
    everything, _, _ = train(model, texts, PAIRS.labels, TINY)
    assert not np.allclose(first, cosines(everything, texts), atol=1e-4)
