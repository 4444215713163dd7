"""Out-of-fold claim-encoder cosines of the claim model's training pairs, for fitting the claim model on them.

Usage:
    .venv/bin/python -m benchmarks.claim_encoder_folds --corpus /work/shared/corpora --out FILE.npy
        [--folds 5] [--halves 2] [--learning-rate 5e-5] [--frozen 4]

The claim model (:mod:`benchmarks.claim_model`) is fitted on MRPC train + STS headlines 2013-2015, the very pairs the
claim encoder (:mod:`benchmarks.train_claim_encoder`) is trained on; fitted on the shipped encoder's cosines of them
(in fold), it puts a large weight on a cosine it will never see as good on unseen pairs (session 15: 2.34). Here
each training pair's cosine comes from an encoder trained, as :mod:`benchmarks.train_claim_encoder` trains it, on the
other folds' pairs only: the folds :func:`benchmarks.train_claim_adapter.out_of_fold_cosines` uses for the claim map
(seeded permutation modulo ``--folds``). The embeddings' and the lower ``--frozen`` layers' token states are computed
once and shared by every fold. No validation share, no refit: each fold trains ``--halves`` half epochs on its four
fifths and is read as it ends.

Written: the ``(n,)`` float64 cosines in the training pairs' order (``--out``, ``.npy``). Printed: each fold's time
and the ROC AUC of its held fold's cosines (plain MiniLM and trained), and the SHA-256 of the file.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.claim_model import training_pairs
from benchmarks.train_claim_adapter import FOLDS, SHIPPED, THREADS, auc, folds_of
from benchmarks.train_claim_encoder import Settings, Texts, cosines, load_base, pair_texts, train


def out_of_fold_encoder_cosines(model: Any, texts: Texts, labels: np.ndarray, settings: Settings,
                                folds: int = FOLDS, seed: int = SHIPPED.seed,
                                report: Any = None) -> np.ndarray:
    """Each pair's cosine in an encoder trained on the other folds' pairs.

    Args:
        model: The packaged ``BertModel`` (:func:`benchmarks.train_claim_encoder.load_base`; left unchanged).
        texts: Every training pair's frozen states (:func:`benchmarks.train_claim_encoder.pair_texts`), shared.
        labels: 1 for the same claim, 0 for not.
        settings: How each fold's encoder is trained (its ``frozen`` must be the one ``texts`` was computed with).
        folds: How many folds.
        seed: Seeds the fold assignment (:func:`benchmarks.train_claim_adapter.folds_of`).
        report: Called with ``(fold, seconds, held_auc_plain, held_auc_trained, losses)`` after each fold.

    Returns:
        One cosine per pair (float64).
    """
    fold = folds_of(len(labels), folds, seed)
    result = np.zeros(len(labels))
    plain = model.encoder.layer[settings.frozen:]
    for k in range(folds):
        began = time.perf_counter()
        fit, held = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        upper, losses, _ = train(model, Texts(texts.states, texts.first[fit], texts.second[fit]), labels[fit],
                                 settings)
        held_texts = Texts(texts.states, texts.first[held], texts.second[held])
        result[held] = cosines(upper, held_texts)
        if report is not None and len(set(labels[held].tolist())) == 2:
            report(k, time.perf_counter() - began, auc(labels[held], cosines(plain, held_texts)),
                   auc(labels[held], result[held]), losses)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Train one encoder per fold, write every training pair's out-of-fold cosine."""
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder holding mrpc/ and sts-headlines/")
    parser.add_argument("--out", type=Path, required=True, help="write the cosines here (.npy)")
    parser.add_argument("--folds", type=int, default=FOLDS)
    defaults = Settings(frozen=4, halves=2, learning_rate=5e-5)
    for name in ("frozen", "halves", "batch", "seed"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
    parser.add_argument("--limit", type=int, default=0, help="the first N training pairs only (tests)")
    args = parser.parse_args(argv)
    settings = Settings(args.frozen, args.halves, args.batch, args.learning_rate, seed=args.seed)
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    pairs = training_pairs(args.corpus, args.limit)
    began = time.perf_counter()
    tokenizer, model = load_base()
    texts = pair_texts(pairs, model, tokenizer, settings.frozen)
    print(f"{len(pairs.labels)} training pairs, {len(texts.states)} texts' frozen states in "
          f"{time.perf_counter() - began:.1f} s; {args.folds} folds; {settings}", flush=True)

    def report(k: int, seconds: float, plain: float, trained: float, losses: list[float]) -> None:
        print(f"fold {k}: {seconds:.1f} s, held fold AUC plain {plain} trained {trained}, training loss "
              f"{[round(v, 4) for v in losses]}", flush=True)

    found = out_of_fold_encoder_cosines(model, texts, pairs.labels, settings, args.folds, report=report)
    print(f"out-of-fold AUC {auc(pairs.labels, found)} over {len(found)} pairs")
    np.save(args.out, found)
    print(f"wrote {args.out}: sha256 {hashlib.sha256(args.out.read_bytes()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
