"""Alignment and divergence quality: MRPC (same claim?) and SICK (contradiction?), baseline in the same run.

Usage:
    .venv/bin/python -m benchmarks.align_quality --corpus /work/shared/corpora [--fit] [--no-cache]

MRPC: the baseline is all-MiniLM-L6-v2 cosine with the threshold maximising F1 on train; ours is the
logistic model of :mod:`dedupe.compare.align` over :mod:`dedupe.compare.features` (fitted on train in this run,
threshold maximising train accuracy) and the constants the tool ships. SICK: how well a divergence
score separates CONTRADICTION from ENTAILMENT on test (ROC AUC); baseline ``1 - cosine``.
Nothing is fitted on a test split. ``--fit`` prints the fitted constants to paste into dedupe/compare/align.py.

The sentences are embedded by the encoder ``dedupe compare`` embeds claims with by default (:func:`fit_encoder`), and
each pair's features are read as compare reads a claim pair's (:func:`split_rows`): the shipped constants were once
fitted on other vectors (ONNX int8 in batches of 64, session 17's mend21 in benchmarks/README.md) and this command
did not print them again; tests/test_benchmarks_align_quality.py now fails when it would not.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.preprocessing import StandardScaler

from dedupe.compare import align
from dedupe.compare.features import FEATURE_NAMES, pair_features
from dedupe.embed.encoder import EmbeddingCache, Encoder, default_cache_dir, embed, encoder_and_cache
from dedupe.pipeline.stages import CompareRunConfig

TARGETS = {"mrpc_accuracy": 0.75, "mrpc_f1": 0.84, "sick_auc": 0.85}
_THRESHOLDS = np.round(np.linspace(0.0, 1.0, 201), 3)


@dataclass(frozen=True)
class Pairs:
    """Labelled sentence pairs of one split."""

    first: list[str]
    second: list[str]
    labels: np.ndarray


def read_mrpc(path: Path) -> Pairs:
    """MRPC TSV: Quality, #1 ID, #2 ID, #1 String, #2 String (label 1 = paraphrase)."""
    first, second, labels = [], [], []
    with path.open(encoding="utf-8-sig") as handle:
        next(handle)
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 5:
                labels.append(int(parts[0]))
                first.append(parts[3])
                second.append(parts[4])
    return Pairs(first, second, np.asarray(labels))


@dataclass(frozen=True)
class SickPair:
    """One SICK sentence pair with its gold annotations.

    Attributes:
        first: ``sentence_A``.
        second: ``sentence_B``.
        relatedness: ``relatedness_score``, 1 to 5.
        judgment: ``entailment_judgment``: ENTAILMENT, NEUTRAL or CONTRADICTION.
    """

    first: str
    second: str
    relatedness: float
    judgment: str


def read_sick_pairs(path: Path) -> list[SickPair]:
    """Every pair of a SICK TSV (``SICK_train.txt`` or ``SICK_test_annotated.txt``), in file order.

    The one reader of SICK: each benchmark labels these rows its own way through :func:`labelled_sick`.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [SickPair(row["sentence_A"], row["sentence_B"], float(row["relatedness_score"]),
                         row["entailment_judgment"]) for row in csv.DictReader(handle, delimiter="\t")]


def labelled_sick(rows: Iterable[SickPair], label: Callable[[SickPair], int | None]) -> Pairs:
    """The rows ``label`` gives a label (``None`` leaves a row out), in order, as :class:`Pairs`."""
    first, second, labels = [], [], []
    for row in rows:
        value = label(row)
        if value is not None:
            first.append(row.first)
            second.append(row.second)
            labels.append(value)
    return Pairs(first, second, np.asarray(labels))


def read_sick(path: Path) -> Pairs:
    """SICK TSV, ENTAILMENT and CONTRADICTION pairs only (label 1 = contradiction)."""
    def contradiction(row: SickPair) -> int | None:
        return int(row.judgment == "CONTRADICTION") if row.judgment in ("ENTAILMENT", "CONTRADICTION") else None
    return labelled_sick(read_sick_pairs(path), contradiction)


def cosines(pairs: Pairs, vectors: dict[str, np.ndarray]) -> np.ndarray:
    """Cosine of each pair from precomputed unit vectors."""
    a = np.stack([vectors[t] for t in pairs.first])
    b = np.stack([vectors[t] for t in pairs.second])
    return (a * b).sum(axis=1)


def best_threshold(labels: np.ndarray, scores: np.ndarray, metric: str) -> float:
    """The threshold on ``scores`` maximising ``metric`` ("f1" or "accuracy") on these labels."""
    def value(t: float) -> float:
        predicted = scores >= t
        return float(f1_score(labels, predicted) if metric == "f1" else accuracy_score(labels, predicted))
    return float(max(_THRESHOLDS, key=value))


def split_rows(pairs: Pairs, vectors: dict[str, np.ndarray]) -> np.ndarray:
    """The pair features ``--fit`` fits on and the table scores: each pair's :func:`pair_features` with the cosine of
    its two unit vectors, as compare reads a pair of claims (:mod:`dedupe.compare.groups`).

    Args:
        pairs: The pairs.
        vectors: The unit vector of every text of ``pairs`` (:func:`encode_all`).

    Returns:
        The ``(len(pairs.labels), len(FEATURE_NAMES))`` features.
    """
    return pair_features(pairs.first, pairs.second, cosines(pairs, vectors))


def fit_with_threshold(rows: np.ndarray, labels: np.ndarray) -> tuple[align.LogisticModel, float]:
    """What ``--fit`` prints for one model: :func:`fit_model` at C=1 and the threshold maximising train accuracy.

    Args:
        rows: The training split's features (:func:`split_rows`).
        labels: Its labels.

    Returns:
        The model and its threshold.
    """
    model = fit_model(rows, labels)
    return model, best_threshold(labels, model.probability(rows), "accuracy")


def fit_model(features: np.ndarray, labels: np.ndarray, c: float = 1.0,
              weights: np.ndarray | None = None) -> align.LogisticModel:
    """Standardised logistic regression (inverse regularisation ``c``), returned as the tool's constant type.

    ``weights``: one per row (``None``: all 1); the standardisation and the loss both weigh the rows by them, so that
    a row of weight 0 changes nothing.
    """
    scaler = StandardScaler().fit(features, sample_weight=weights)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=c, max_iter=5000).fit((features - scaler.mean_) / scale, labels,
                                                       sample_weight=weights)
    return align.LogisticModel(tuple(float(x) for x in scaler.mean_), tuple(float(x) for x in scale),
                               tuple(float(x) for x in model.coef_[0]), float(model.intercept_[0]))


def classification(labels: np.ndarray, scores: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """Accuracy and F1 at the threshold, and ROC AUC."""
    predicted = scores >= threshold
    return (float(accuracy_score(labels, predicted)), float(f1_score(labels, predicted)),
            float(roc_auc_score(labels, scores)))


def fit_encoder(model: str | None, cache_folder: Path | None) -> tuple[Encoder, EmbeddingCache]:
    """The encoder ``dedupe compare`` embeds claims with (its default backend), and the embedding cache.

    Args:
        model: Model folder or hub name; ``None`` for the packaged all-MiniLM-L6-v2.
        cache_folder: The embedding cache folder; ``None`` disables the cache.

    Returns:
        The encoder and the cache, as ``dedupe compare`` opens them (:func:`encoder_and_cache`).
    """
    return encoder_and_cache(model, cache_folder, backend=CompareRunConfig().backend)


def encode_all(splits: Iterable[Pairs], encoder: Encoder,
               cache: EmbeddingCache) -> tuple[dict[str, np.ndarray], float, int]:
    """Unit vectors of every distinct sentence, the encoding seconds and the sentence count."""
    texts = sorted({t for s in splits for t in s.first + s.second})
    began = time.perf_counter()
    matrix = embed(encoder, texts, cache)
    return dict(zip(texts, matrix)), time.perf_counter() - began, len(texts)


def _literal(name: str, model: align.LogisticModel) -> str:
    def number(value: float) -> str:
        text = f"{value:.6g}"
        return text if any(c in text for c in ".en") else text + ".0"

    def numbers(values: tuple[float, ...]) -> str:
        return "(" + ", ".join(number(v) for v in values) + ",)"
    return (f"{name} = LogisticModel(\n    mean={numbers(model.mean)},\n    scale={numbers(model.scale)},\n"
            f"    coef={numbers(model.coef)},\n    intercept={model.intercept:.6g})")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="Folder holding mrpc/ and sick2014/.")
    parser.add_argument("--model", default=None, help="Sentence-transformers model (default: packaged MiniLM).")
    parser.add_argument("--cache-dir", type=Path, default=None, help="Embedding cache folder.")
    parser.add_argument("--no-cache", action="store_true", help="Encode everything afresh.")
    parser.add_argument("--fit", action="store_true", help="Print the fitted constants for dedupe/compare/align.py.")
    args = parser.parse_args(argv)

    mrpc_train = read_mrpc(args.corpus / "mrpc" / "msr_paraphrase_train.txt")
    mrpc_test = read_mrpc(args.corpus / "mrpc" / "msr_paraphrase_test.txt")
    sick_train = read_sick(args.corpus / "sick2014" / "SICK_train.txt")
    sick_test = read_sick(args.corpus / "sick2014" / "SICK_test_annotated.txt")
    splits = (mrpc_train, mrpc_test, sick_train, sick_test)
    encoder, cache = fit_encoder(args.model, None if args.no_cache else (args.cache_dir or default_cache_dir()))
    vectors, encode_s, sentences = encode_all(splits, encoder, cache)

    began = time.perf_counter()
    cos = [cosines(s, vectors) for s in splits]
    feats = [split_rows(s, vectors) for s in splits]
    feature_s = time.perf_counter() - began
    pairs = sum(len(s.labels) for s in splits)

    rows: list[tuple[str, str, float, float, float, float]] = []
    base_t = best_threshold(mrpc_train.labels, cos[0], "f1")
    rows.append(("MRPC", "cosine (baseline)", base_t, *classification(mrpc_test.labels, cos[1], base_t)))
    para, para_t = fit_with_threshold(feats[0], mrpc_train.labels)
    rows.append(("MRPC", "ours, fitted now", para_t,
                 *classification(mrpc_test.labels, para.probability(feats[1]), para_t)))
    rows.append(("MRPC", "ours, shipped", align.PARAPHRASE_THRESHOLD,
                 *classification(mrpc_test.labels, align.paraphrase_probability(feats[1]), align.PARAPHRASE_THRESHOLD)))

    base_d = best_threshold(sick_train.labels, 1 - cos[2], "accuracy")
    rows.append(("SICK", "1 - cosine (baseline)", base_d, *classification(sick_test.labels, 1 - cos[3], base_d)))
    div, div_t = fit_with_threshold(feats[2], sick_train.labels)
    rows.append(("SICK", "ours, fitted now", div_t,
                 *classification(sick_test.labels, div.probability(feats[3]), div_t)))
    rows.append(("SICK", "ours, shipped", align.DIVERGENCE_THRESHOLD,
                 *classification(sick_test.labels, align.divergence_score(feats[3]), align.DIVERGENCE_THRESHOLD)))

    print(f"pairs: MRPC train {len(mrpc_train.labels)} / test {len(mrpc_test.labels)}; "
          f"SICK E+C train {len(sick_train.labels)} / test {len(sick_test.labels)}")
    print(f"encoding: {sentences} distinct sentences in {encode_s:.1f} s (cache: {'off' if args.no_cache else 'on'})")
    print(f"pair features: {pairs} pairs in {feature_s:.1f} s ({pairs / max(feature_s, 1e-9):.0f} pairs/s)")
    print()
    print(f"{'test set':<6} {'scorer':<22} {'threshold':>9} {'accuracy':>8} {'F1':>6} {'ROC AUC':>8}")
    for data, name, threshold, acc, f1, auc in rows:
        print(f"{data:<6} {name:<22} {threshold:>9.3f} {acc:>8.3f} {f1:>6.3f} {auc:>8.3f}")
    shipped_mrpc, shipped_sick = rows[2], rows[5]
    print()
    print(f"MRPC accuracy {shipped_mrpc[3]:.3f} / target {TARGETS['mrpc_accuracy']} "
          f"= {shipped_mrpc[3] / TARGETS['mrpc_accuracy']:.3f}x; F1 {shipped_mrpc[4]:.3f} / target "
          f"{TARGETS['mrpc_f1']} = {shipped_mrpc[4] / TARGETS['mrpc_f1']:.3f}x")
    print(f"SICK ROC AUC {shipped_sick[5]:.3f} / target {TARGETS['sick_auc']} "
          f"= {shipped_sick[5] / TARGETS['sick_auc']:.3f}x")
    if args.fit:
        print()
        print(f"# features: {', '.join(FEATURE_NAMES)}")
        print(_literal("PARAPHRASE_MODEL", para))
        print(f"PARAPHRASE_THRESHOLD = {para_t}")
        print(_literal("DIVERGENCE_MODEL", div))
        print(f"DIVERGENCE_THRESHOLD = {div_t}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
