"""Tests of benchmarks.claim_encoder_folds: the folds are the claim map's, and a tiny out-of-fold run on the real
MiniLM is deterministic, gives every pair a cosine from an encoder that never saw it, and differs from the plain one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from benchmarks import claim_encoder_folds, train_claim_adapter
from benchmarks.claim_encoder_folds import folds_of, out_of_fold_encoder_cosines
from benchmarks.train_claim_encoder import Settings, Texts, cosines, train
from tests.conftest import ENCODER_FROZEN

torch = pytest.importorskip("torch")

TINY = Settings(frozen=ENCODER_FROZEN, halves=2, batch=4, learning_rate=2e-4)


def test_the_folds_are_the_claim_map_s() -> None:
    # One fold split for both out-of-fold fits (it restated folds_of's own body before, which could not fail).
    assert claim_encoder_folds.folds_of is train_claim_adapter.folds_of
    assert np.bincount(folds_of(8, 2)).tolist() == [4, 4]


def test_a_tiny_out_of_fold_run_is_deterministic_and_reads_each_pair_from_the_other_fold(
        encoder_pairs: Any, base: tuple[Any, Any], texts: Texts) -> None:
    model = base[1]
    first = out_of_fold_encoder_cosines(model, texts, encoder_pairs.labels, TINY, folds=2)
    again = out_of_fold_encoder_cosines(model, texts, encoder_pairs.labels, TINY, folds=2)
    assert first.tobytes() == again.tobytes()
    plain = cosines(model.encoder.layer[TINY.frozen:], texts)
    assert not np.allclose(first, plain, atol=1e-4)
    # fold 0's pairs read the encoder trained on fold 1's pairs only, and not one trained on every pair
    fold = folds_of(len(encoder_pairs.labels), 2)
    held, fit = np.flatnonzero(fold == 0), np.flatnonzero(fold == 1)
    part = Texts(texts.states, texts.first[fit], texts.second[fit])
    upper, _, _ = train(model, part, encoder_pairs.labels[fit], TINY)
    expected = cosines(upper, Texts(texts.states, texts.first[held], texts.second[held]))
    assert first[held] == pytest.approx(expected, abs=1e-6)
    everything, _, _ = train(model, texts, encoder_pairs.labels, TINY)
    assert not np.allclose(first, cosines(everything, texts), atol=1e-4)
