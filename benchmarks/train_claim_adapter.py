"""Train the claim space: a linear map on the frozen MiniLM embeddings, fitted on outside news pairs only.

Usage:
    .venv/bin/python -m benchmarks.train_claim_adapter --corpus /work/shared/corpora [--out dedupe/embed/claim_map.npy]

The packaged all-MiniLM-L6-v2 cosine ranks "same claim" pairs only a little above "same topic" ones (MRPC test
ROC AUC 0.730). This script learns a ``384 x 384`` matrix ``W``, started at the identity, such that the cosine of
``x W`` and ``y W`` (both rows L2-normalised after the map) separates same-claim pairs from other pairs of one news
event better than the plain cosine. Outside pairs only, read as :mod:`benchmarks.claim_model` reads them: MRPC
train and STS headlines 2013-2015 (score >= 4 same, <= 2 not), every text through
:func:`dedupe.compare.claims.claim_content` (what alignment embeds), embedded once with the packaged model through
the embedding cache. ``--sick`` adds SICK train (ENTAILMENT same, CONTRADICTION / NEUTRAL not).

Loss (full batch, float64, Adam, seeded; 2 threads): logistic loss on ``scale * (cosine - bias)`` of the labelled
pairs (``scale`` and ``bias`` learnt), plus ``--negatives`` times an in-batch ranking loss (each same pair's first
text must pick its partner among the batch's second texts, temperature 0.05), plus ``--decay`` times
``|W - I|^2``, which keeps the map near the plain space. ``--validate`` holds a seeded share of the training pairs
out to choose the number of steps; the map is then refitted on every training pair for that many steps.

Printed: ROC AUC of the plain and of the mapped cosine on the held-out training share, MRPC test and STS headlines
2016 (two splits nothing was fitted on), and with ``--out`` the SHA-256 to paste into
:data:`dedupe.embed.claim_space.CLAIM_MAP_SHA256`.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from benchmarks.align_quality import Pairs, labelled_sick, read_sick_pairs
from benchmarks.claim_model import joined, pair_contents, pair_vectors, training_pairs, unseen_splits
from dedupe.embed.claim_space import paired_claim_cosines
from dedupe.embed.encoder import EmbeddingCache, default_cache_dir, load_encoder

THREADS = 2
#: Folds of :func:`out_of_fold_cosines`.
FOLDS = 5


@dataclass(frozen=True)
class Settings:
    """How the map is fitted.

    Attributes:
        steps: Full-batch Adam steps.
        learning_rate: Adam's step size.
        decay: Weight of ``|W - I|^2`` in the loss.
        negatives: Weight of the in-batch ranking loss of the same pairs.
        seed: Seeds the validation split (the fit itself starts at the identity).
    """

    steps: int = 200
    learning_rate: float = 1e-3
    decay: float = 1e-3
    negatives: float = 0.0
    seed: int = 0


#: How the shipped map was fitted (the steps as the validation share picked them).
SHIPPED = Settings(steps=100)


def read_sick_same(path: Path) -> Pairs:
    """SICK train pairs: ENTAILMENT (1) against CONTRADICTION and NEUTRAL (0)."""
    return labelled_sick(read_sick_pairs(path), lambda row: int(row.judgment == "ENTAILMENT"))


def fit_map(first: np.ndarray, second: np.ndarray, labels: np.ndarray, settings: Settings,
            watch: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, list[float]]:
    """Fit ``W`` (float64, started at the identity) on labelled pairs of unit vectors.

    Args:
        first: ``(n, d)`` first texts' vectors.
        second: ``(n, d)`` second texts' vectors.
        labels: 1 for the same claim, 0 for not.
        settings: Steps, learning rate, decay and in-batch weight.
        watch: Optional validation pairs ``(first, second, labels)``: their mapped-cosine ROC AUC is recorded
            every 25 steps.

    Returns:
        ``W`` as float32, and the validation AUCs recorded (empty without ``watch``).
    """
    import torch

    torch.set_num_threads(THREADS)
    torch.manual_seed(settings.seed)
    a, b = torch.from_numpy(first.astype(np.float64)), torch.from_numpy(second.astype(np.float64))
    y = torch.from_numpy(labels.astype(np.float64))
    dim = a.shape[1]
    identity = torch.eye(dim, dtype=torch.float64)
    weights = identity.clone().requires_grad_(True)
    scale = torch.tensor(10.0, dtype=torch.float64, requires_grad=True)
    bias = torch.tensor(0.6, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([weights, scale, bias], lr=settings.learning_rate)
    same = y > 0.5
    scores: list[float] = []
    for step in range(1, settings.steps + 1):
        optimiser.zero_grad()
        ma = torch.nn.functional.normalize(a @ weights, dim=1)
        mb = torch.nn.functional.normalize(b @ weights, dim=1)
        cosine = (ma * mb).sum(dim=1)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(scale * (cosine - bias), y)
        if settings.negatives:
            logits = ma[same] @ mb[same].T / 0.05
            loss = loss + settings.negatives * torch.nn.functional.cross_entropy(
                logits, torch.arange(int(same.sum()), dtype=torch.long))
        loss = loss + settings.decay * ((weights - identity) ** 2).sum()
        loss.backward()
        optimiser.step()
        if watch is not None and step % 25 == 0:
            matrix = weights.detach().numpy().astype(np.float32)
            scores.append(auc(watch[2], paired_claim_cosines(watch[0], watch[1], matrix)))
    return weights.detach().numpy().astype(np.float32), scores


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC, rounded to 4 decimals."""
    return round(float(roc_auc_score(labels, scores)), 4)


def split(count: int, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded indices: (fit, validation) with ``share`` of ``count`` in validation."""
    order = np.random.default_rng(seed).permutation(count)
    cut = int(round(count * share))
    return np.sort(order[cut:]), np.sort(order[:cut])


def folds_of(count: int, folds: int = FOLDS, seed: int = SHIPPED.seed) -> np.ndarray:
    """Each pair's fold (seeded permutation modulo ``folds``): the folds of :func:`out_of_fold_cosines`, and of
    :func:`benchmarks.claim_encoder_folds.out_of_fold_encoder_cosines`.

    Example:
        >>> sorted(np.bincount(folds_of(10, 5)).tolist())
        [2, 2, 2, 2, 2]
    """
    return np.random.default_rng(seed).permutation(count) % folds


def out_of_fold_cosines(first: np.ndarray, second: np.ndarray, labels: np.ndarray, folds: int = FOLDS,
                        settings: Settings = SHIPPED) -> np.ndarray:
    """Each training pair's claim-space cosine from a map fitted on the other folds (seeded), for stacking: the
    claim model is fitted on cosines of pairs its map never saw, as it will read unseen pairs.

    Args:
        first: ``(n, d)`` the training pairs' first contents' unit vectors
            (:func:`benchmarks.claim_model.pair_vectors`).
        second: ``(n, d)`` their second contents' unit vectors.
        labels: 1 for the same claim, 0 for not.
        folds: How many folds.
        settings: As the shipped map was fitted.

    Returns:
        One cosine per pair.
    """
    fold = folds_of(len(labels), folds, settings.seed)
    cosines = np.zeros(len(labels))
    for k in range(folds):
        fit, held = fold != k, fold == k
        matrix, _ = fit_map(first[fit], second[fit], labels[fit], settings)
        cosines[held] = paired_claim_cosines(first[held], second[held], matrix)
    return cosines


def main(argv: Sequence[str] | None = None) -> int:
    """Fit the map on outside pairs, print the unseen-split figures, optionally write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder holding mrpc/, sts-headlines/, sick2014/")
    parser.add_argument("--out", type=Path, help="write the map here (float32 .npy) and print its SHA-256")
    parser.add_argument("--steps", type=int, default=Settings.steps)
    parser.add_argument("--learning-rate", type=float, default=Settings.learning_rate)
    parser.add_argument("--decay", type=float, default=Settings.decay)
    parser.add_argument("--negatives", type=float, default=Settings.negatives)
    parser.add_argument("--seed", type=int, default=Settings.seed)
    parser.add_argument("--validate", type=float, default=0.2, help="share of training pairs held out to pick steps")
    parser.add_argument("--sick", action="store_true", help="add SICK train to the training pairs")
    args = parser.parse_args(argv)
    settings = Settings(args.steps, args.learning_rate, args.decay, args.negatives, args.seed)
    train = training_pairs(args.corpus)
    if args.sick:
        train = joined([train, read_sick_same(args.corpus / "sick2014" / "SICK_train.txt")])
    tests = unseen_splits(args.corpus)
    encoder, cache = load_encoder(None), EmbeddingCache(default_cache_dir())
    first, second = pair_vectors(pair_contents(train), encoder, cache)
    print(f"training pairs: {len(train.labels)} ({train.labels.mean():.2f} same); {settings}")
    steps = settings.steps
    if args.validate > 0:
        fit, held = split(len(train.labels), args.validate, settings.seed)
        began = time.perf_counter()
        _, scores = fit_map(first[fit], second[fit], train.labels[fit], settings,
                            (first[held], second[held], train.labels[held]))
        best = int(np.argmax(scores))
        steps = 25 * (best + 1)
        plain = auc(train.labels[held], (first[held] * second[held]).sum(axis=1))
        print(f"validation ({len(held)} pairs): plain cosine AUC {plain}; mapped every 25 steps {scores}; "
              f"best at step {steps} ({time.perf_counter() - began:.1f} s)")
    began = time.perf_counter()
    matrix, _ = fit_map(first, second, train.labels, replace(settings, steps=steps))
    print(f"fitted on every training pair, {steps} steps, {time.perf_counter() - began:.1f} s; "
          f"|W - I| = {np.linalg.norm(matrix - np.eye(len(matrix))):.3f}")
    print(f"{'unseen split':<24} {'pairs':>6} {'plain AUC':>10} {'mapped AUC':>11}")
    for name, pairs in tests.items():
        a, b = pair_vectors(pair_contents(pairs), encoder, cache)
        print(f"{name:<24} {len(pairs.labels):>6} {auc(pairs.labels, (a * b).sum(axis=1)):>10} "
              f"{auc(pairs.labels, paired_claim_cosines(a, b, matrix)):>11}")
    if args.out:
        np.save(args.out, matrix)
        print(f"wrote {args.out}: sha256 {hashlib.sha256(args.out.read_bytes()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
