"""Pick the lexical second route of ``dedupe compare``'s link on the in-domain TRAINING set, never on a gold.

Usage:
    .venv/bin/python -m benchmarks.lexical_route [--train-gold benchmarks/data/claims_train_reuters.json]
    .venv/bin/python -m benchmarks.lexical_route --tune CORPUS... [--gold benchmarks/data/claims_gold.json]

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

The tune events of the claims golds only measure the route so picked; ``T`` is not chosen on them. ``--tune`` runs
``dedupe compare`` on a gold's tune events (the held-out sets' documents left out of the corpus, as ``claims_quality
--split tune`` does) without and with the route (:func:`lexical_link`: a candidate pair whose containment reaches
``T`` gets probability at least ``CLAIM_THRESHOLD``, as if ``dedupe.compare.align.score_pairs`` did it; the count and
speaker rules apply after it as to any link) and prints each tune event's figures both ways, and, for error analysis,
the pairs the route adds to compare's groups and those it takes away, with each pair's gold label and the
containment of its two sentences' contents. The route was measured, not shipped (benchmarks/README.md, session 17).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.claim_model import features_of_vectors, gold_training_pairs, hit_measures
from benchmarks.claims_quality import (DEFAULT_GOLD, Gold, gold_pairs, in_sets, load_corpora, load_gold,
                                       run_compare, score, tune_only)
from benchmarks.relative_links import replaced
from dedupe.compare import align
from dedupe.compare.claims import claim_content
from dedupe.compare.groups import CompareConfig
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
    return hit_measures(linked | (measure >= threshold), labels)


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
    base = hit_measures(linked, labels)
    print(f"{len(labels)} pairs, {int(labels.sum())} same claim, {len(set(events.tolist()))} events; model alone at "
          f"{align.CLAIM_THRESHOLD}: P {base[0]:.3f} R {base[1]:.3f} F1 {base[2]:.3f}")
    best: tuple[float, str] | None = None
    for name, read in MEASURES.items():
        measure = read(feats)
        hit, picked = out_of_event(linked, labels, measure, events, grid)
        p, r, f1 = hit_measures(hit, labels)
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


@contextmanager
def lexical_link(containment: float) -> Iterator[None]:
    """For the ``with`` block, every pair :func:`dedupe.compare.align.score_pairs` scores whose containment feature
    (number-masked contents) reaches ``containment`` gets probability at least ``CLAIM_THRESHOLD``."""
    plain = align.score_pairs

    def score_pairs(texts: Sequence[str], candidates: Sequence[tuple[int, int, float]],
                    claim_cosines: Sequence[float] | None = None) -> tuple[align.ScoredPair, ...]:
        scored = plain(texts, candidates, claim_cosines)
        if not scored:
            return scored
        feats = align.claim_features([texts[p.first] for p in scored], [texts[p.second] for p in scored],
                                     [p.cosine for p in scored], claim_cosines)
        return tuple(replace(p, probability=max(p.probability, align.CLAIM_THRESHOLD)) if f[_CONTAINMENT] >= containment
                     else p for p, f in zip(scored, feats))

    with replaced(align, "score_pairs", score_pairs):
        yield


def tune_changes(corpora: list[str], gold_path: Path, containment: float, encoder: object,
                 cache: EmbeddingCache) -> None:
    """Print each tune event's figures without and with the route (:func:`lexical_link` at ``containment``), then
    the tune pairs compare groups with the route and not without it (``+``) and the reverse (``-``), each with its
    gold label (``same`` / ``other``), both sentences and the containment of their claim contents."""
    gold = tune_only(load_gold(gold_path))
    true, true_div = gold_pairs(gold)
    loaded = load_corpora(corpora, gold)
    events = gold.split["tune"]
    found = {}
    for name in ("without", "with"):
        with lexical_link(containment) if name == "with" else nullcontext():
            pred, pred_div = run_compare(loaded, gold, encoder, cache, CompareConfig(), only=events)[:2]
        found[name] = in_sets(pred, gold, events)
        for event in events:
            print(score(pred, pred_div, true, true_div, gold, [event]).row(f"{event} {name}"))
    for sign, pairs in (("+", found["with"] - found["without"]), ("-", found["without"] - found["with"])):
        for a, b in sorted(pairs):
            print(f"{sign} {'same' if (a, b) in true else 'other'} {gold.set_of[a[0]]} "
                  f"containment {_containment(gold, a, b):.2f}\n    {_line(gold, a)}\n    {_line(gold, b)}")


def _line(gold: Gold, key: tuple[str, int]) -> str:
    return f"{key[0]}:{key[1]} {gold.sentences[key[0]][key[1]]['text']!r}"


def _containment(gold: Gold, a: tuple[str, int], b: tuple[str, int]) -> float:
    texts = [claim_content(gold.sentences[k[0]][k[1]]["text"]) for k in (a, b)]
    feats = align.claim_features(texts[:1], texts[1:], [0.0])
    return float(feats[0, _CONTAINMENT])


def main(argv: Sequence[str] | None = None) -> int:
    """Print the selection on the training set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-gold", type=Path, default=TRAIN)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--tune", nargs="+", metavar="CORPUS",
                        help="list the tune pairs the route adds and takes away on --gold's tune events")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--containment", type=float, default=0.65, help="the route's T for --tune (picked: 0.65)")
    args = parser.parse_args(argv)
    encoder = load_encoder(None)
    cache = EmbeddingCache(None if args.no_cache else default_cache_dir())
    if args.tune:
        tune_changes(args.tune, args.gold, args.containment, encoder, cache)
        return 0
    pairs, events, vectors = gold_training_pairs(args.train_gold, encoder, cache)
    feats = features_of_vectors(pairs, vectors)[0]
    linked = align.CLAIM_MODEL.probability(feats) >= align.CLAIM_THRESHOLD
    select(linked, pairs.labels, feats, events)
    print_curve(linked, pairs.labels, feats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
