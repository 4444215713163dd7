"""Tests of benchmarks.train_claim_encoder: its forward pass is the packaged MiniLM's, a tiny training run on the real
MiniLM is deterministic and lowers its own training loss, and the written layers read back under the model's names."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.train_claim_encoder import (
    Settings,
    Texts,
    best_halves,
    cosines,
    hidden_states,
    layer_tensors,
    mean_pooled,
    read_layers,
    tokenized,
    train,
    write_layers,
)
from tests.conftest import ENCODER_FROZEN

torch = pytest.importorskip("torch")

TINY = Settings(frozen=ENCODER_FROZEN, halves=4, batch=4, learning_rate=2e-4)


def test_a_tiny_run_is_deterministic_and_lowers_its_training_loss(encoder_pairs: Any, base: tuple[Any, Any],
                                                                  texts: Texts) -> None:
    model = base[1]
    first, losses, _ = train(model, texts, encoder_pairs.labels, TINY)
    second, again, _ = train(model, texts, encoder_pairs.labels, TINY)
    assert losses == again
    assert all(torch.equal(a, b) for a, b in zip(first.state_dict().values(), second.state_dict().values()))
    assert losses[-1] < losses[0]
    trained, plain = cosines(first, texts), cosines(model.encoder.layer[TINY.frozen:], texts)
    assert not np.allclose(trained, plain, atol=1e-3)
    # the same pairs move apart: same pairs up, other pairs down, relative to the plain cosine
    assert (trained - plain)[encoder_pairs.labels == 1].mean() > (trained - plain)[encoder_pairs.labels == 0].mean()


def test_on_a_tie_the_kept_layers_are_those_of_the_fewest_half_epochs(encoder_pairs: Any, base: tuple[Any, Any],
                                                                      texts: Texts) -> None:
    # a text with itself (cosine 1) against a text with another: AUC 1 at every half epoch, a tie throughout
    watch = (Texts(texts.states, np.array([0, 0]), np.array([0, 1])), np.array([1, 0]))
    kept, _, scores = train(base[1], texts, encoder_pairs.labels, replace(TINY, keep_best=True), watch)
    assert scores == [1.0] * TINY.halves and best_halves(scores) == 1
    refit, _, _ = train(base[1], texts, encoder_pairs.labels, replace(TINY, halves=best_halves(scores)))
    assert all(torch.equal(a, b) for a, b in zip(kept.state_dict().values(), refit.state_dict().values()))


def test_the_frozen_states_are_minilm_s_own(base: tuple[Any, Any], texts: Texts) -> None:
    tokenizer, model = base
    plain = cosines(model.encoder.layer[TINY.frozen:], texts)
    with torch.no_grad():
        batch = tokenized(tokenizer, ["The quake killed at least 400 people in Yunnan.",
                                      "At least 400 people died when the earthquake struck Yunnan."])
        whole = mean_pooled(hidden_states(model, batch, 6), batch["attention_mask"]).numpy()
    assert plain[0] == pytest.approx(float(whole[0] @ whole[1]), abs=1e-5)


def test_the_forward_pass_is_the_packaged_model_s(encoder_pairs: Any, base: tuple[Any, Any],
                                                  real_encoder: Any) -> None:
    tokenizer, model = base
    texts = [encoder_pairs.first[0], encoder_pairs.second[1], "Quake."]  # padded rows too
    with torch.no_grad():
        batch = tokenized(tokenizer, texts)
        ours = mean_pooled(hidden_states(model, batch, 6), batch["attention_mask"]).numpy()
    assert np.abs(ours - real_encoder.encode(texts)).max() < 1e-4


def test_written_layers_read_back_under_the_model_s_names(encoder_pairs: Any, base: tuple[Any, Any], texts: Texts,
                                                          tmp_path: Path) -> None:
    model = base[1]
    upper, _, _ = train(model, texts, encoder_pairs.labels, Settings(frozen=ENCODER_FROZEN, halves=1, batch=4))
    path = tmp_path / "layers.safetensors"
    digest = write_layers(upper, 5, path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    frozen, tensors = read_layers(path)
    assert frozen == 5
    assert set(tensors) == {k for k in model.state_dict() if k.startswith("encoder.layer.5.")}
    assert all(torch.equal(tensors[k], v) for k, v in layer_tensors(upper, 5).items())
