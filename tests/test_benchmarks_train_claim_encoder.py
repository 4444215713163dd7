"""Tests of benchmarks.train_claim_encoder: its forward pass is the packaged MiniLM's, a tiny training run on the real
MiniLM is deterministic and lowers its own training loss, and the written layers read back under the model's names."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.align_quality import Pairs
from benchmarks.train_claim_encoder import (
    Settings,
    Texts,
    cosines,
    hidden_states,
    layer_tensors,
    load_base,
    mean_pooled,
    pair_texts,
    read_layers,
    tokenized,
    train,
    write_layers,
)

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
TINY = Settings(frozen=5, halves=4, batch=4, learning_rate=2e-4)


@pytest.fixture(scope="module")
def base() -> tuple[Any, Any]:
    torch.set_num_threads(2)
    return load_base()


@pytest.fixture(scope="module")
def texts(base: tuple[Any, Any]) -> Texts:
    tokenizer, model = base
    return pair_texts(PAIRS, model, tokenizer, TINY.frozen)


def test_a_tiny_run_is_deterministic_and_lowers_its_training_loss(base: tuple[Any, Any], texts: Texts) -> None:
    model = base[1]
    first, losses, _ = train(model, texts, PAIRS.labels, TINY)
    second, again, _ = train(model, texts, PAIRS.labels, TINY)
    assert losses == again
    assert all(torch.equal(a, b) for a, b in zip(first.state_dict().values(), second.state_dict().values()))
    assert losses[-1] < losses[0]
    trained, plain = cosines(first, texts), cosines(model.encoder.layer[TINY.frozen:], texts)
    assert not np.allclose(trained, plain, atol=1e-3)
    # the same pairs move apart: same pairs up, other pairs down, relative to the plain cosine
    assert (trained - plain)[PAIRS.labels == 1].mean() > (trained - plain)[PAIRS.labels == 0].mean()


def test_the_frozen_states_are_minilm_s_own(base: tuple[Any, Any], texts: Texts) -> None:
    tokenizer, model = base
    plain = cosines(model.encoder.layer[TINY.frozen:], texts)
    with torch.no_grad():
        batch = tokenized(tokenizer, ["The quake killed at least 400 people in Yunnan.",
                                      "At least 400 people died when the earthquake struck Yunnan."])
        whole = mean_pooled(hidden_states(model, batch, 6), batch["attention_mask"]).numpy()
    assert plain[0] == pytest.approx(float(whole[0] @ whole[1]), abs=1e-5)


def test_the_forward_pass_is_the_packaged_model_s(base: tuple[Any, Any], real_encoder: Any) -> None:
    tokenizer, model = base
    texts = [PAIRS.first[0], PAIRS.second[1], "Quake."]  # padded rows too
    with torch.no_grad():
        batch = tokenized(tokenizer, texts)
        ours = mean_pooled(hidden_states(model, batch, 6), batch["attention_mask"]).numpy()
    assert np.abs(ours - real_encoder.encode(texts)).max() < 1e-4


def test_written_layers_read_back_under_the_model_s_names(base: tuple[Any, Any], texts: Texts,
                                                           tmp_path: Path) -> None:
    model = base[1]
    upper, _, _ = train(model, texts, PAIRS.labels, Settings(frozen=5, halves=1, batch=4))
    path = tmp_path / "layers.safetensors"
    digest = write_layers(upper, 5, path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    frozen, tensors = read_layers(path)
    assert frozen == 5
    assert set(tensors) == {k for k in model.state_dict() if k.startswith("encoder.layer.5.")}
    assert all(torch.equal(tensors[k], v) for k, v in layer_tensors(upper, 5).items())
