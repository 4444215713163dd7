"""Train the claim encoder: MiniLM's upper transformer layers fine-tuned as a bi-encoder on outside same-claim pairs.

Usage:
    .venv/bin/python -m benchmarks.train_claim_encoder --corpus /work/shared/corpora [--frozen 4] [--out FILE]

Starts from the packaged all-MiniLM-L6-v2 (offline, its hash checked, as :mod:`dedupe.embed.backends` checks it).
The embeddings and the lower ``--frozen`` layers stay frozen: their token states are computed once per training text
and kept; only the upper layers are trained, read through mean pooling into unit rows, as the sentence-transformers
model reads them. Outside pairs only, read as :mod:`benchmarks.train_claim_adapter` reads them: MRPC train and STS
headlines 2013-2015 (score >= 4 same, <= 2 not), every text through :func:`dedupe.compare.claims.claim_content`.

Loss per batch of ``--batch`` pairs (AdamW, seeded shuffles, dropout as in training MiniLM, 2 threads,
deterministic algorithms): ``--logistic`` times the logistic loss on ``scale * (cosine - bias)`` of the labelled
pairs (``scale`` and ``bias`` learnt), plus ``--ranking`` times an in-batch ranking loss (multiple negatives: each
same pair's first text must pick its partner among the batch's second texts, temperature 0.05). ``--validate``
holds a seeded share of the training pairs out; the validation ROC AUC is read every half epoch and the best point
picked; the layers are then trained again from MiniLM on every training pair for that many half epochs.

Printed: ROC AUC of MiniLM's plain cosine and of the trained encoder's cosine on the validation share, MRPC test and
STS headlines 2016 (two splits nothing was fitted on), and with ``--out`` the file's SHA-256. Only the trained layers
are written (safetensors, float32, or float16 where float32 would pass 15 MB; metadata ``frozen``): loaded over the
packaged model's (:func:`read_layers`), they give the encoder whose vectors are :func:`hidden_states` of all six
layers, :func:`mean_pooled`. Not shipped (session 15, ``benchmarks/README.md``): the encoder ranks the outside
splits better, but in ``dedupe compare``'s claim model it did not win on the tune events.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.align_quality import Pairs
from benchmarks.claim_model import pair_contents, training_pairs, unseen_splits
from benchmarks.train_claim_adapter import THREADS, auc, split
from dedupe.embed.backends import PACKAGED_SHA256, packaged_model_folder, verify_weights

#: Tokens read per text (the sentence-transformers model's ``max_seq_length``).
MAX_TOKENS = 256
#: float32 layers over this many bytes are written as float16.
FLOAT32_LIMIT = 15_000_000
#: Temperature of the in-batch ranking loss.
TEMPERATURE = 0.05


def load_base() -> tuple[Any, Any]:
    """The packaged all-MiniLM-L6-v2 (weights hash checked) as a transformers tokenizer and ``BertModel``, offline,
    in eval mode."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    folder = verify_weights(packaged_model_folder(), PACKAGED_SHA256).folder
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    model = AutoModel.from_pretrained(str(folder), local_files_only=True, attn_implementation="eager")
    return tokenizer, model.eval()


def tokenized(tokenizer: Any, texts: Sequence[str]) -> dict[str, Any]:
    """``texts`` as one padded batch of token ids (``input_ids``, ``attention_mask``), at most :data:`MAX_TOKENS`."""
    return tokenizer(list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt",
                     return_token_type_ids=False)


def hidden_states(model: Any, batch: dict[str, Any], layers: int) -> Any:
    """The token states of a tokenized batch after the embeddings and the first ``layers`` transformer layers."""
    import torch

    ids = batch["input_ids"]
    states = model.embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids))
    return run_layers(model.encoder.layer[:layers], states, batch["attention_mask"])


def run_layers(layers: Sequence[Any], states: Any, mask: Any) -> Any:
    """Token states ``(batch, tokens, dim)`` through ``layers``, padding (``mask`` 0) never attended to."""
    import torch

    additive = (1.0 - mask[:, None, None, :].to(states.dtype)) * torch.finfo(states.dtype).min
    for layer in layers:
        output = layer(states, attention_mask=additive)
        states = output[0] if isinstance(output, tuple) else output
    return states


def mean_pooled(states: Any, mask: Any) -> Any:
    """Each text's mean token state over its real tokens, L2-normalised (sentence-transformers' pooling).

    Example:
        >>> import torch
        >>> mean_pooled(torch.tensor([[[3.0, 4.0], [100.0, 0.0]]]), torch.tensor([[1, 0]])).tolist()
        [[0.6000000238418579, 0.800000011920929]]
    """
    import torch

    weights = mask[:, :, None].to(states.dtype)
    summed = (states * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(summed, dim=1)


def read_layers(path: Path) -> tuple[int, dict[str, Any]]:
    """Layers written by :func:`write_layers`: how many lower layers were frozen, and the tensors (float32) under
    the ``BertModel``'s names, to load with ``model.load_state_dict(tensors, strict=False)``."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        frozen = int((handle.metadata() or {})["frozen"])
        return frozen, {name: handle.get_tensor(name).float() for name in handle.keys()}


@dataclass(frozen=True)
class Settings:
    """How the upper layers are trained.

    Attributes:
        frozen: Lower layers kept frozen (of 6).
        halves: Half epochs trained.
        batch: Pairs per step.
        learning_rate: AdamW's step size for the layers (``scale`` and ``bias`` take 100 times it).
        logistic: Weight of the logistic loss on all labelled pairs.
        ranking: Weight of the in-batch ranking loss of the same pairs.
        seed: Seeds the validation split, the shuffles and dropout.
        keep_best: With validation pairs, return the layers of the half epoch with the best validation AUC.
    """

    frozen: int = 4
    halves: int = 6
    batch: int = 32
    learning_rate: float = 3e-5
    logistic: float = 1.0
    ranking: float = 0.0
    seed: int = 0
    keep_best: bool = False


@dataclass(frozen=True)
class Texts:
    """Distinct texts and their frozen token states; ``first`` / ``second`` index each pair's texts."""

    states: list[Any]
    first: np.ndarray
    second: np.ndarray


def frozen_states(model: Any, tokenizer: Any, texts: Sequence[str], frozen: int, batch: int = 64) -> list[Any]:
    """Each text's token states after the embeddings and the ``frozen`` lower layers, computed once
    (texts batched by length, padding cut off)."""
    import torch

    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    states: list[Any] = [None] * len(texts)
    with torch.no_grad():
        for begin in range(0, len(order), batch):
            chosen = order[begin:begin + batch]
            tokens = tokenized(tokenizer, [texts[i] for i in chosen])
            found = hidden_states(model, tokens, frozen)
            for row, index in enumerate(chosen):
                states[index] = found[row, :int(tokens["attention_mask"][row].sum())].clone()
    return states


def pair_texts(pairs: Pairs, model: Any, tokenizer: Any, frozen: int) -> Texts:
    """The pairs' contents (:func:`~benchmarks.claim_model.pair_contents`), each distinct one's frozen states computed
    once."""
    contents = pair_contents(pairs)
    first, second = contents.first, contents.second
    distinct = list(dict.fromkeys(first + second))
    position = {t: i for i, t in enumerate(distinct)}
    return Texts(frozen_states(model, tokenizer, distinct, frozen),
                 np.array([position[t] for t in first]), np.array([position[t] for t in second]))


def encoded(upper: Any, states: Sequence[Any]) -> Any:
    """Unit vectors of texts from their frozen states through the ``upper`` layers (padded batch)."""
    import torch

    width = max(len(s) for s in states)
    padded = torch.zeros(len(states), width, states[0].shape[1])
    mask = torch.zeros(len(states), width, dtype=torch.long)
    for row, s in enumerate(states):
        padded[row, :len(s)] = s
        mask[row, :len(s)] = 1
    return mean_pooled(run_layers(upper, padded, mask), mask)


def vectors(upper: Any, texts: Texts, batch: int = 128) -> np.ndarray:
    """Every distinct text's vector (eval mode, no gradients), batched by length."""
    import torch

    upper.eval()
    order = sorted(range(len(texts.states)), key=lambda i: (len(texts.states[i]), i))
    result = np.zeros((len(order), texts.states[0].shape[1]), dtype=np.float32)
    with torch.no_grad():
        for begin in range(0, len(order), batch):
            chosen = order[begin:begin + batch]
            result[chosen] = encoded(upper, [texts.states[i] for i in chosen]).numpy()
    return result


def cosines(upper: Any, texts: Texts) -> np.ndarray:
    """Each pair's cosine in the encoder ``upper``."""
    found = vectors(upper, texts)
    return (found[texts.first] * found[texts.second]).sum(axis=1)


def train(base: Any, texts: Texts, labels: np.ndarray, settings: Settings,
          watch: tuple[Texts, np.ndarray] | None = None) -> tuple[Any, list[float], list[float]]:
    """Train a copy of ``base``'s upper layers on the pairs ``texts`` indexes.

    Args:
        base: The packaged ``BertModel`` (left unchanged).
        texts: The training pairs' frozen states.
        labels: 1 for the same claim, 0 for not.
        settings: How to train.
        watch: Validation pairs and labels: their ROC AUC is read every half epoch.

    Returns:
        The trained layers (a ``ModuleList``; with ``watch`` and ``settings.keep_best``, as they were at the best
        validation AUC), the mean training loss of each half epoch, and the validation AUCs.
    """
    import torch

    torch.manual_seed(settings.seed)
    upper = copy.deepcopy(base.encoder.layer[settings.frozen:])
    scale = torch.tensor(10.0, requires_grad=True)
    bias = torch.tensor(0.6, requires_grad=True)
    groups: list[dict[str, Any]] = [{"params": list(upper.parameters())},
                                    {"params": [scale, bias], "lr": 100 * settings.learning_rate, "weight_decay": 0.0}]
    optimiser = torch.optim.AdamW(groups, lr=settings.learning_rate)
    shuffles = torch.Generator().manual_seed(settings.seed)
    y = torch.from_numpy(labels.astype(np.float32))
    half = (len(labels) + 1) // 2
    losses: list[float] = []
    scores: list[float] = []
    order = torch.empty(0, dtype=torch.long)
    best: dict[str, Any] = {}
    for step_half in range(settings.halves):
        if step_half % 2 == 0:
            order = torch.randperm(len(labels), generator=shuffles)
        chunk = order[(step_half % 2) * half:(step_half % 2 + 1) * half]
        upper.train()
        total = 0.0
        for begin in range(0, len(chunk), settings.batch):
            picked = chunk[begin:begin + settings.batch].numpy()
            optimiser.zero_grad()
            loss = _loss(upper, texts, picked, y[picked], scale, bias, settings)
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(picked)
        losses.append(total / len(chunk))
        if watch is not None:
            scores.append(auc(watch[1], cosines(upper, watch[0])))
            if settings.keep_best and best_halves(scores) == len(scores):
                best = copy.deepcopy(upper.state_dict())
    if watch is not None and settings.keep_best:
        upper.load_state_dict(best)
    return upper, losses, scores


def best_halves(scores: Sequence[float]) -> int:
    """How many half epochs gave the best validation AUC in ``scores`` (one a half epoch); on a tie the fewest: the
    point ``keep_best`` keeps and the refit trains to.

    Example:
        >>> best_halves([0.81, 0.84, 0.84, 0.83])
        2
    """
    return int(np.argmax(scores)) + 1


def _loss(upper: Any, texts: Texts, picked: np.ndarray, y: Any, scale: Any, bias: Any, settings: Settings) -> Any:
    import torch

    a = encoded(upper, [texts.states[i] for i in texts.first[picked]])
    b = encoded(upper, [texts.states[i] for i in texts.second[picked]])
    cosine = (a * b).sum(dim=1)
    loss = settings.logistic * torch.nn.functional.binary_cross_entropy_with_logits(scale * (cosine - bias), y)
    same = y > 0.5
    if settings.ranking and int(same.sum()) > 1:
        logits = a[same] @ b[same].T / TEMPERATURE
        loss = loss + settings.ranking * torch.nn.functional.cross_entropy(
            logits, torch.arange(int(same.sum()), dtype=torch.long))
    return loss


def layer_tensors(upper: Any, frozen: int) -> dict[str, Any]:
    """The trained layers' tensors under the ``BertModel``'s own names (``encoder.layer.<k>....``), float32 or,
    over :data:`FLOAT32_LIMIT` bytes, float16."""
    tensors = {f"encoder.layer.{frozen + int(name.split('.')[0])}.{name.split('.', 1)[1]}": t.detach().contiguous()
               for name, t in upper.state_dict().items()}
    size = sum(t.numel() * 4 for t in tensors.values())
    return {k: t.half() if size > FLOAT32_LIMIT else t.float() for k, t in tensors.items()}


def write_layers(upper: Any, frozen: int, path: Path) -> str:
    """Write the trained layers (safetensors, metadata ``frozen``) and return the file's SHA-256."""
    from safetensors.torch import save_file

    save_file(layer_tensors(upper, frozen), str(path), metadata={"frozen": str(frozen)})
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    """Train the upper layers on outside pairs, print the unseen-split figures, optionally write them."""
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder holding mrpc/ and sts-headlines/")
    parser.add_argument("--out", type=Path, help="write the trained layers here (.safetensors), print the SHA-256")
    defaults = Settings()
    for name in ("frozen", "halves", "batch", "seed"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    for name in ("learning_rate", "logistic", "ranking"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(defaults, name))
    parser.add_argument("--validate", type=float, default=0.2, help="share of training pairs held out to pick halves")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N training pairs only (tests)")
    parser.add_argument("--no-refit", action="store_true",
                        help="keep (and score, and write) the layers trained on the validation run's share, as they "
                             "were at its best half epoch, without training again on every pair (CPU time)")
    args = parser.parse_args(argv)
    if args.no_refit and args.validate <= 0:
        parser.error("--no-refit needs a validation share")
    settings = Settings(args.frozen, args.halves, args.batch, args.learning_rate, args.logistic, args.ranking,
                        args.seed, keep_best=args.no_refit)
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    train_pairs, tests = training_pairs(args.corpus, args.limit), unseen_splits(args.corpus)
    began = time.perf_counter()
    tokenizer, model = load_base()
    texts = pair_texts(train_pairs, model, tokenizer, settings.frozen)
    print(f"training pairs: {len(train_pairs.labels)} ({train_pairs.labels.mean():.2f} same), {len(texts.states)} "
          f"texts' frozen states in {time.perf_counter() - began:.1f} s; {settings}", flush=True)
    plain = model.encoder.layer[settings.frozen:]
    halves = settings.halves
    if args.validate > 0:
        fit, held = split(len(train_pairs.labels), args.validate, settings.seed)
        fit_texts, held_texts = (Texts(texts.states, texts.first[k], texts.second[k]) for k in (fit, held))
        began = time.perf_counter()
        upper, losses, scores = train(model, fit_texts, train_pairs.labels[fit], settings,
                                      (held_texts, train_pairs.labels[held]))
        halves = best_halves(scores)
        plain_auc = auc(train_pairs.labels[held], cosines(plain, held_texts))
        print(f"validation ({len(held)} pairs): plain cosine AUC {plain_auc}; "
              f"every half epoch {scores} (training loss {[round(v, 4) for v in losses]}); best after {halves} "
              f"half epochs ({time.perf_counter() - began:.1f} s)", flush=True)
    if not args.no_refit:
        began = time.perf_counter()
        upper, losses, _ = train(model, texts, train_pairs.labels, replace(settings, halves=halves))
        print(f"trained on every training pair, {halves} half epochs, {time.perf_counter() - began:.1f} s; "
              f"training loss {[round(v, 4) for v in losses]}", flush=True)
    print(f"{'unseen split':<24} {'pairs':>6} {'plain AUC':>10} {'encoder AUC':>12}")
    for name, pairs in tests.items():
        test_texts = pair_texts(pairs, model, tokenizer, settings.frozen)
        print(f"{name:<24} {len(pairs.labels):>6} {auc(pairs.labels, cosines(plain, test_texts)):>10} "
              f"{auc(pairs.labels, cosines(upper, test_texts)):>12}", flush=True)
    if args.out:
        print(f"wrote {args.out}: sha256 {write_layers(upper, settings.frozen, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
