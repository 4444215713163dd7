"""Pick the lexical second route of ``dedupe compare``'s link on the in-domain TRAINING set, never on a gold.

Usage:
    .venv/bin/python -m benchmarks.lexical_route [--train-gold benchmarks/data/claims_train_reuters.json]

The claim model (:data:`dedupe.compare.align.CLAIM_MODEL`, fitted on MRPC / STS) links two claims at probability
``CLAIM_THRESHOLD`` or more. On wire reports its lexical features alone rank same-claim pairs better than the model
(session 16, claims28: ROC AUC containment 0.853, content Jaccard 0.854, the model 0.731). The second route links a
pair also when a lexical measure of its number-masked claim contents reaches ``T``:
``link = model >= CLAIM_THRESHOLD or measure >= T``.

The selection rule (written before the first run, session 17, branch claims29):

1. The pairs: :func:`benchmarks.claim_model.gold_training_pairs` of the training file (every cross-report pair of
   one cluster, every other cross-report claim pair of one event at compare's candidate cut), their features as
   alignment reads them (:func:`benchmarks.claim_model.features_of_vectors`: contents, numbers masked, the shipped
   map's claim cosine), the shipped model's probability.
2. The measures (:data:`MEASURES`): containment, content Jaccard, and their mean; ``T`` on :data:`GRID`
   (0.30, 0.35, ..., 1.00).
3. For each measure, leave one training event out: ``T`` is picked on the other events' pairs by the pooled F1 of the
   OR-rule against the training labels (ties: the larger ``T``), the left-out event's pairs are predicted with it;
   the figure is the pooled out-of-event F1 over every event's pairs.
4. The measure with the best out-of-event F1 (ties: the earlier in :data:`MEASURES`) is the route, its ``T`` the one
   picked on all the events by step 3's rule, provided its out-of-event F1 is above the model alone's F1 at
   ``CLAIM_THRESHOLD`` on the same pairs; otherwise no route.

The tune events of the claims golds only measure the route so picked (``benchmarks.claims_quality --split tune``);
``T`` is not chosen on them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks.claim_model import features_of_vectors, gold_training_pairs
from benchmarks.claims_quality import pair_measures
from dedupe.compare import align
from dedupe.embed.encoder import EmbeddingCache, default_cache_dir, load_encoder

TRAIN = Path(__file__).parent / "data" / "claims_train_reuters.json"
GRID = tuple(float(t) for t in np.round(np.arange(0.30, 1.001, 0.05), 2))
_CONTAINMENT = align.CLAIM_FEATURES.index("containment")
_JACCARD = align.CLAIM_FEATURES.index("content_jaccard")
MEASURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "containment": lambda f: f[:, _CONTAINMENT],
    "content Jaccard": lambda f: f[:, _JACCARD],
    "mean of the two": lambda f: (f[:, _CONTAINMENT] + f[:, _JACCARD]) / 2,
}


def route_scores(linked: np.ndarray, labels: np.ndarray, measure: np.ndarray, threshold: float
                 ) -> tuple[float, float, float]:
    """Pooled P / R / F1 of ``linked | (measure >= threshold)`` against ``labels`` (1 same claim)."""
    hit = linked | (measure >= threshold)
    tp = int((hit & (labels == 1)).sum())
    return pair_measures(tp, int(hit.sum()) - tp, int(labels.sum()) - tp)


def pick_threshold(linked: np.ndarray, labels: np.ndarray, measure: np.ndarray,
                   grid: Sequence[float] = GRID) -> float:
    """The ``T`` of ``grid`` with the best pooled F1 of the OR-rule (:func:`route_scores`); ties: the larger."""
    return max(grid, key=lambda t: (route_scores(linked, labels, measure, t)[2], t))


def out_of_event(linked: np.ndarray, labels: np.ndarray, measure: np.ndarray, events: np.ndarray,
                 grid: Sequence[float] = GRID) -> tuple[np.ndarray, dict[str, float]]:
    """Leave one event out: each event's pairs predicted by the OR-rule with the ``T`` picked on the other events.

    Returns:
        The out-of-event predictions (one bool per pair) and each event's ``T``.
    """
    hit = np.zeros(len(labels), dtype=bool)
    picked = {}
    for event in sorted(set(events.tolist())):
        held = events == event
        picked[event] = pick_threshold(linked[~held], labels[~held], measure[~held], grid)
        hit[held] = linked[held] | (measure[held] >= picked[event])
    return hit, picked


def select(linked: np.ndarray, labels: np.ndarray, feats: np.ndarray, events: np.ndarray,
           grid: Sequence[float] = GRID) -> tuple[str, float] | None:
    """The module's selection rule: print every measure's out-of-event figures, return the route ``(measure, T)``,
    or ``None`` when no measure's out-of-event F1 is above the model alone's."""
    base = route_scores(linked, labels, np.zeros(len(labels)), 1.0)
    print(f"{len(labels)} pairs, {int(labels.sum())} same claim, {len(set(events.tolist()))} events; model alone at "
          f"{align.CLAIM_THRESHOLD}: P {base[0]:.3f} R {base[1]:.3f} F1 {base[2]:.3f}")
    best: tuple[float, str] | None = None
    for name, read in MEASURES.items():
        measure = read(feats)
        hit, picked = out_of_event(linked, labels, measure, events, grid)
        tp = int((hit & (labels == 1)).sum())
        p, r, f1 = pair_measures(tp, int(hit.sum()) - tp, int(labels.sum()) - tp)
        print(f"{name}: out of event P {p:.3f} R {r:.3f} F1 {f1:.3f}; T per left-out event "
              + ", ".join(f"{e} {t:.2f}" for e, t in picked.items()))
        if f1 > base[2] and (best is None or f1 > best[0]):
            best = (f1, name)
    if best is None:
        print("no route: no measure beats the model alone out of event")
        return None
    measure = MEASURES[best[1]](feats)
    threshold = pick_threshold(linked, labels, measure, grid)
    p, r, f1 = route_scores(linked, labels, measure, threshold)
    print(f"route: {best[1]} >= {threshold:.2f} (all events, in sample: P {p:.3f} R {r:.3f} F1 {f1:.3f})")
    return best[1], threshold


def print_curve(linked: np.ndarray, labels: np.ndarray, feats: np.ndarray) -> None:
    """Every measure's in-sample pooled F1 of the OR-rule over :data:`GRID` (for the record, not a selection)."""
    print("in sample, pooled F1 of the OR-rule by T: " + " ".join(f"{t:.2f}" for t in GRID))
    for name, read in MEASURES.items():
        print(f"  {name:<16} " + " ".join(f"{route_scores(linked, labels, read(feats), t)[2]:.3f}" for t in GRID))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the selection on the training set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-gold", type=Path, default=TRAIN)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)
    encoder = load_encoder(None)
    cache = EmbeddingCache(None if args.no_cache else default_cache_dir())
    pairs, events, vectors = gold_training_pairs(args.train_gold, encoder, cache)
    feats = features_of_vectors(pairs, vectors)[0]
    linked = align.CLAIM_MODEL.probability(feats) >= align.CLAIM_THRESHOLD
    select(linked, pairs.labels, feats, events)
    print_curve(linked, pairs.labels, feats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
