"""Fit the claim model of ``dedupe compare`` on external news pairs, and score it on splits it never saw.

Usage:
    .venv/bin/python -m benchmarks.claim_model --corpus /work/shared/corpora [--fit] [--no-cache] [--in-fold]

The claim model (:data:`dedupe.compare.align.CLAIM_MODEL`) decides whether two claims of one story state
the same claim. It is fitted here on large external data of the same kind, never on the claims gold:

- MRPC train (4,076 sentence pairs from news clusters on one event, label = same meaning);
- STS headlines 2013-2015 (news headline pairs scored 0-5): score >= 4 is the same claim, score <= 2 is
  not, the pairs in between are left out as neither.

Every sentence goes through what alignment reads: :func:`dedupe.compare.claims.claim_content` (attribution
stripped), the all-MiniLM-L6-v2 cosine of the contents (the MRPC paraphrase feature reads it) and their cosine in the
claim space (:mod:`dedupe.embed.claim_space`, the ``cosine`` column), and the number-blind
:func:`dedupe.compare.align.claim_features`. The claim map was fitted on these same training pairs
(``benchmarks.train_claim_adapter``), so the model is fitted on out-of-fold claim cosines: each pair's from a map
fitted as the shipped one on the other four fifths (``--in-fold`` reads the shipped map's instead, for comparison).
The logistic regression is strongly regularised (C=0.01) over the four claim features; the claims gold's tune split
only picks the grouping threshold (``python -m benchmarks.claims_quality ... --fit``).

Printed: ROC AUC and F1 (probability >= 0.5) of the model fitted now and of the shipped one on MRPC test and
on STS headlines 2016 (same score cuts), two splits nothing was fitted on; the cosine alone for reference.
``--fit`` prints the constants to paste into ``dedupe/compare/align.py``, and the digest of the training pairs'
text side (:func:`input_digest`) to paste as :data:`FITTED_ON_SHA256`, with whether it is the shipped model's: when
``claim_content``, the number masking or the paraphrase features change what the fit reads, the shipped constants are
stale (tests/test_benchmarks_claim_model.py fails) until this command is run again and both are pasted.

``--token-features`` also fits and scores the claim model with three token-alignment features added
(BERTScore-style, :func:`token_alignment`: greedy max-cosine matching of MiniLM's own contextual token vectors
of the number-masked contents, ``encoder.tokens``): the share of the shorter text's tokens matched in the longer
(recall), the reverse (precision), and their F. It encodes every text again, token by token (minutes).

``--reuters PATH`` adds Reuters-21578 headline-lead pairs (:mod:`benchmarks.claim_pairs`: a headline with its own
lead, with the closest lead of another article of the same days, and with a later sentence of its own article)
to the training pairs, ``--reuters-articles`` articles' worth; as many other sampled articles' pairs are a third
unseen split ("Reuters headline-lead").

``--train-gold PATH`` adds the cross-report sentence pairs of a hand-annotated TRAINING set of wire reports
(``benchmarks/data/claims_train_reuters.json``, annotated by the claims gold's rules; never a gold, which stays
evaluation-only): :func:`gold_training_pairs`, each pair weighted ``W``. ``W`` and ``C`` are picked among ``--weight``
and ``--c`` by leaving one training event out (:func:`out_of_event_scores`): the pooled out-of-event pair F1 at the
shipped grouping threshold, then the ROC AUC; the model then fitted with every training event is the one printed.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

from benchmarks import claim_pairs
from benchmarks.align_quality import Pairs, fit_model, read_mrpc
from benchmarks.claims_quality import gold_pairs, load_gold, pair_measures
from benchmarks.encode_speed import sts_pairs
from dedupe.compare import align
from dedupe.compare.claims import claim_content
from dedupe.compare.features import mask_numbers
from dedupe.embed.claim_space import paired_claim_cosines
from dedupe.embed.encoder import EmbeddingCache, default_cache_dir, embed, load_encoder

# STS headline scores: at least SAME is the same claim, at most OTHER is not; the pairs between are left out.
SAME, OTHER = 4.0, 2.0
FIT_YEARS, TEST_YEARS = (2013, 2014, 2015), (2016,)
C = 0.01
#: SHA-256 (:func:`input_digest`) of the training pairs' text side that :data:`dedupe.compare.align.CLAIM_MODEL` was
#: fitted on. ``--fit`` prints today's digest beside the constants: paste both, so a change upstream of the features
#: (``claim_content``, number masking, the paraphrase features) that moves the fit fails a test until it is refitted.
FITTED_ON_SHA256 = "99d48992f59767d3f67c5cefcfd1a38f2de7b5b98ab4852b142f376d152f5047"


def read_sts(folder: Path, years: Sequence[int]) -> Pairs:
    """STS headline pairs of ``years`` (read by :func:`benchmarks.encode_speed.sts_pairs`): scored ``SAME`` or
    above (1), ``OTHER`` or below (0); the pairs between are left out."""
    first, second, labels = [], [], []
    for year in years:
        for a, b, score in zip(*sts_pairs(folder, year)):
            if score >= SAME or score <= OTHER:
                first.append(a)
                second.append(b)
                labels.append(int(score >= SAME))
    return Pairs(first, second, np.asarray(labels))


def joined(splits: Sequence[Pairs]) -> Pairs:
    """Several pair sets as one."""
    return Pairs([t for s in splits for t in s.first], [t for s in splits for t in s.second],
                 np.concatenate([s.labels for s in splits]))


def training_pairs(corpus: Path, limit: int = 0) -> Pairs:
    """The outside training pairs (MRPC train, STS headlines of :data:`FIT_YEARS`) of the folder holding mrpc/ and
    sts-headlines/; the first ``limit`` only where it is given (tests)."""
    pairs = joined([read_mrpc(corpus / "mrpc" / "msr_paraphrase_train.txt"),
                    read_sts(corpus / "sts-headlines", FIT_YEARS)])
    return Pairs(pairs.first[:limit], pairs.second[:limit], pairs.labels[:limit]) if limit else pairs


def unseen_splits(corpus: Path) -> dict[str, Pairs]:
    """The outside splits nothing is fitted on, by name: MRPC test and STS headlines of :data:`TEST_YEARS`."""
    return {"MRPC test": read_mrpc(corpus / "mrpc" / "msr_paraphrase_test.txt"),
            f"STS headlines {TEST_YEARS[0]}": read_sts(corpus / "sts-headlines", TEST_YEARS)}


def pair_contents(pairs: Pairs) -> Pairs:
    """Each pair's two texts as alignment reads them (:func:`claim_content`: attribution stripped), labels kept:
    what :func:`pair_vectors`, :func:`features_of_vectors`, :func:`features` and :func:`token_features` take."""
    return Pairs([claim_content(t) for t in pairs.first], [claim_content(t) for t in pairs.second], pairs.labels)


def pair_vectors(contents: Pairs, encoder: object, cache: EmbeddingCache) -> tuple[np.ndarray, np.ndarray]:
    """Unit MiniLM embeddings of each pair's two contents (:func:`pair_contents`), as alignment embeds them."""
    first = embed(encoder, contents.first, cache)  # type: ignore[arg-type]
    second = embed(encoder, contents.second, cache)  # type: ignore[arg-type]
    return first, second


def features_of_vectors(contents: Pairs, vectors: tuple[np.ndarray, np.ndarray],
                        claim_cosines: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Claim features of each pair from its contents and their vectors (:func:`pair_vectors`), and the plain cosines.

    Args:
        contents: The pairs' contents (:func:`pair_contents`).
        vectors: The unit vectors of the first and of the second contents.
        claim_cosines: The cosine column in the claim space; ``None`` reads the shipped map's, as alignment does.

    Returns:
        The ``(n, len(CLAIM_FEATURES))`` features (contents, number-blind) and the ``(n,)`` plain cosines.
    """
    cosines = (vectors[0] * vectors[1]).sum(axis=1)
    if claim_cosines is None:
        claim_cosines = paired_claim_cosines(*vectors)
    return align.claim_features(contents.first, contents.second, [float(c) for c in cosines],
                                [float(c) for c in claim_cosines]), cosines


def features(contents: Pairs, encoder: object, cache: EmbeddingCache) -> tuple[np.ndarray, np.ndarray]:
    """:func:`features_of_vectors` of the contents (:func:`pair_contents`) embedded now, with the shipped map's claim
    cosines."""
    return features_of_vectors(contents, pair_vectors(contents, encoder, cache))


def training_features(contents: Pairs, vectors: tuple[np.ndarray, np.ndarray], in_fold: bool = False) -> np.ndarray:
    """The claim features the claim model is fitted on (``--fit``), of the training pairs' contents and vectors.

    The claim map was fitted on these very pairs, so each pair's claim cosine comes from a map fitted as the shipped
    one on the other four fifths (:func:`benchmarks.train_claim_adapter.out_of_fold_cosines`); ``in_fold`` reads
    the shipped map's instead (``--in-fold``, for comparison).

    Args:
        contents: The training pairs' contents (:func:`pair_contents`), labels kept.
        vectors: Their unit vectors (:func:`pair_vectors`).
        in_fold: Whether to read the shipped map's claim cosines.

    Returns:
        The ``(n, len(CLAIM_FEATURES))`` features.
    """
    if in_fold:
        return features_of_vectors(contents, vectors)[0]
    from benchmarks.train_claim_adapter import out_of_fold_cosines  # it imports this module

    return features_of_vectors(contents, vectors, out_of_fold_cosines(*vectors, contents.labels))[0]


def input_digest(contents: Pairs) -> str:
    """SHA-256 of what the claim model's fit reads of the training texts, the embeddings aside: each pair's label,
    contents (:func:`pair_contents`), number-masked contents, and claim features with every cosine set to 0.5 (the
    containment, the content Jaccard and the masked paraphrase probability), rounded to 6 decimals.

    Args:
        contents: The training pairs' contents.

    Returns:
        The hex digest (:data:`FITTED_ON_SHA256` is the shipped model's).
    """
    halves = np.full(len(contents.labels), 0.5).tolist()
    rows = align.claim_features(contents.first, contents.second, halves)
    digest = hashlib.sha256()
    for a, b, label, row in zip(contents.first, contents.second, contents.labels, rows):
        fields = (str(int(label)), a, b, mask_numbers(a), mask_numbers(b), *(f"{v:.6f}" for v in row))
        digest.update("\0".join(fields).encode() + b"\n")
    return digest.hexdigest()


def token_alignment(first: np.ndarray, second: np.ndarray) -> tuple[float, float, float]:
    """BERTScore-style alignment of two texts' unit token vectors: each token matched to its most similar token
    of the other text; the mean best cosine of the shorter text's tokens (recall), of the longer's (precision),
    and their harmonic mean. ``(0, 0, 0)`` when either text has no token.

    Example:
        >>> same = np.eye(2, dtype=np.float32)
        >>> token_alignment(same[:1], same)
        (1.0, 0.5, 0.6666666666666666)
    """
    if not len(first) or not len(second):
        return 0.0, 0.0, 0.0
    short, long = (first, second) if len(first) <= len(second) else (second, first)
    similarity = short @ long.T
    recall, precision = float(similarity.max(axis=1).mean()), float(similarity.max(axis=0).mean())
    return recall, precision, 2 * recall * precision / max(recall + precision, 1e-9)


def token_features(contents: Pairs, encoder: object) -> np.ndarray:
    """:func:`token_alignment` of each pair's number-masked contents (:func:`pair_contents`), ``(n, 3)``."""
    texts = sorted({mask_numbers(t) for t in contents.first + contents.second})
    vectors: dict[str, np.ndarray] = {}
    for begin in range(0, len(texts), 512):  # kept as float16: the token vectors of MRPC take ~0.4 GB as float32
        chunk = texts[begin:begin + 512]
        vectors.update((t, v.astype(np.float16)) for t, v in zip(chunk, encoder.tokens(chunk)))  # type: ignore[attr-defined]
    rows = [token_alignment(vectors[mask_numbers(a)].astype(np.float32), vectors[mask_numbers(b)].astype(np.float32))
            for a, b in zip(contents.first, contents.second)]
    return np.asarray(rows).reshape(len(contents.labels), 3)


def reuters_splits(path: Path, articles: int, encoder: object, cache: EmbeddingCache,
                   seed: int = claim_pairs.SEED) -> tuple[Pairs, Pairs]:
    """Reuters headline-lead pairs (:func:`benchmarks.claim_pairs.claim_pairs`) of ``2 * articles`` articles
    sampled with ``seed``: the first ``articles`` sampled articles' pairs to train on, the others' to test on."""
    usable = claim_pairs.read_articles(path)[0]
    pairs = claim_pairs.claim_pairs(usable, encoder, cache, 2 * articles, seed)  # type: ignore[arg-type]
    order = list(dict.fromkeys(p.article for p in pairs))
    train = set(order[:articles])
    return (claim_pairs.as_pairs(p for p in pairs if p.article in train),
            claim_pairs.as_pairs(p for p in pairs if p.article not in train))


def gold_training_pairs(path: Path, encoder: object, cache: EmbeddingCache,
                        candidate_cosine: float = align.AlignConfig().candidate_cosine
                        ) -> tuple[Pairs, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The cross-report sentence pairs of a hand-annotated training set (the claims gold's layout and rules).

    Args:
        path: The training file (``benchmarks/data/claims_train_reuters.json``): sentences with their claim flag,
            same-claim clusters, every report its own outlet.
        encoder: The MiniLM encoder (the contents' cosine decides which negative pairs compare would score).
        cache: The embedding cache.
        candidate_cosine: Compare's candidate cut.

    Returns:
        The pairs' contents (:func:`pair_contents`), ordered by sentence keys: 1 for two claim sentences of two
        reports in one cluster (whatever their cosine), 0 for every other pair of claim sentences of two reports of
        one event whose contents have a MiniLM cosine of at least ``candidate_cosine`` (the pairs compare scores);
        each pair's event; and the pairs' vectors (:func:`pair_vectors`, embedded once here for the cut).
    """
    gold = load_gold(path)
    same = gold_pairs(gold)[0]
    texts = {(doc, s["i"]): s["text"] for doc, sentences in gold.sentences.items() for s in sentences if s["claim"]}
    keys = sorted(texts)
    cross = [(a, b) for n, a in enumerate(keys) for b in keys[n + 1:]
             if gold.set_of[a[0]] == gold.set_of[b[0]] and gold.outlet[a[0]] != gold.outlet[b[0]]]
    every = pair_contents(Pairs([texts[a] for a, _ in cross], [texts[b] for _, b in cross],
                                np.asarray([int(pair in same) for pair in cross])))
    first, second = pair_vectors(every, encoder, cache)
    keep = (every.labels == 1) | ((first * second).sum(axis=1) >= candidate_cosine)
    pairs = Pairs([t for t, k in zip(every.first, keep) if k], [t for t, k in zip(every.second, keep) if k],
                  every.labels[keep])
    return pairs, np.asarray([gold.set_of[a[0]] for (a, _), k in zip(cross, keep) if k]), (first[keep], second[keep])


def hit_measures(hit: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    """Pooled pair P / R / F1 (:func:`benchmarks.claims_quality.pair_measures`) of a prediction per pair.

    Args:
        hit: One bool per pair: predicted same claim.
        labels: One label per pair (1 same claim).

    Returns:
        Precision, recall and F1.
    """
    tp = int((hit & (labels == 1)).sum())
    return pair_measures(tp, int(hit.sum()) - tp, int(labels.sum()) - tp)


def fit_with_gold(outside: tuple[np.ndarray, np.ndarray], gold: tuple[np.ndarray, np.ndarray], weight: float,
                  c: float) -> align.LogisticModel:
    """The claim model fitted on the outside pairs (weight 1) and training-gold pairs (weight ``weight``), each
    given as ``(features, labels)``."""
    weights = np.concatenate([np.ones(len(outside[1])), np.full(len(gold[1]), float(weight))])
    return fit_model(np.vstack([outside[0], gold[0]]), np.concatenate([outside[1], gold[1]]), c, weights)


def out_of_event_scores(outside: tuple[np.ndarray, np.ndarray], gold: tuple[np.ndarray, np.ndarray],
                        events: np.ndarray, weight: float, c: float) -> np.ndarray:
    """Each training-gold pair's probability from the model fitted (:func:`fit_with_gold`) on the outside pairs and
    the other events' pairs only: leave one training event out."""
    scores = np.zeros(len(gold[1]))
    for event in sorted(set(events)):
        held = events == event
        model = fit_with_gold(outside, (gold[0][~held], gold[1][~held]), weight, c)
        scores[held] = model.probability(gold[0][held])
    return scores


def pick_weight(outside: tuple[np.ndarray, np.ndarray], gold: tuple[np.ndarray, np.ndarray], events: np.ndarray,
                weights: Sequence[float], cs: Sequence[float], threshold: float) -> tuple[float, float]:
    """Print each ``(W, C)``'s pooled out-of-event figures on the training gold and return the pair with the best
    F1 at ``threshold`` (the grouping threshold), then the best ROC AUC, then the smaller ``W``."""
    print(f"leave one training event out ({len(set(events))} events, {int(gold[1].sum())} of {len(gold[1])} pairs "
          f"same claim), pooled; P / R / F1 at probability {threshold}")
    print(f"{'W':>6} {'C':>6} {'ROC AUC':>8} {'AP':>6} {'P':>6} {'R':>6} {'F1':>6}")
    best: tuple[tuple[float, float, float], tuple[float, float]] | None = None
    for weight in weights:
        for c in cs:
            scores = out_of_event_scores(outside, gold, events, weight, c)
            p, r, f1 = hit_measures(scores >= threshold, gold[1])
            auc = roc_auc_score(gold[1], scores)
            print(f"{weight:6g} {c:6g} {auc:8.3f} {average_precision_score(gold[1], scores):6.3f} "
                  f"{p:6.3f} {r:6.3f} {f1:6.3f}")
            key = (f1, auc, -weight)
            if best is None or key > best[0]:
                best = (key, (weight, c))
    assert best is not None
    print(f"picked: W {best[1][0]:g}, C {best[1][1]:g}")
    return best[1]


def print_feature_aucs(labels: np.ndarray, feats: np.ndarray, cosines: np.ndarray) -> None:
    """Print the ROC AUC of each claim feature alone, the plain MiniLM cosine and the shipped claim model on pairs."""
    scores = {**{name: feats[:, k] for k, name in enumerate(align.CLAIM_FEATURES)}, "MiniLM cosine": cosines,
              "claim model, shipped": align.CLAIM_MODEL.probability(feats)}
    print(f"training-set pairs ({len(labels)}), ROC AUC alone: "
          + ", ".join(f"{name} {roc_auc_score(labels, score):.3f}" for name, score in scores.items()))


def row(name: str, labels: np.ndarray, scores: np.ndarray, threshold: float) -> str:
    """ROC AUC and F1 at ``threshold`` of one scorer on one split."""
    f1 = f1_score(labels, scores >= threshold)
    return f"{name:<40} {roc_auc_score(labels, scores):8.3f} {f1:6.3f}"


def _fmt(values: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in values) + ")"


def main(argv: Sequence[str] | None = None) -> int:
    """Fit on MRPC train + STS headlines 2013-2015, print the unseen-split figures (and the constants)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder holding mrpc/ and sts-headlines/")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--fit", action="store_true", help="print the fitted constants for dedupe/compare/align.py")
    parser.add_argument("--token-features", action="store_true",
                        help="also fit and score the model with token-alignment features (recall, precision, F)")
    parser.add_argument("--in-fold", action="store_true",
                        help="fit on the shipped map's cosines of the training pairs (which it was fitted on) instead "
                             "of out-of-fold ones")
    parser.add_argument("--reuters", type=Path, help="reuters21578.jsonl: add its headline-lead pairs to training")
    parser.add_argument("--reuters-articles", type=int, default=1000, help="Reuters articles sampled for training")
    parser.add_argument("--reuters-seed", type=int, default=claim_pairs.SEED, help="seed of the Reuters sampling")
    parser.add_argument("--train-gold", type=Path,
                        help="a hand-annotated training set (benchmarks/data/claims_train_reuters.json): add its "
                             "cross-report pairs, weighted by the --weight picked leaving one of its events out")
    parser.add_argument("--weight", type=float, nargs="+", default=[0.0, 1.0, 3.0, 10.0, 30.0, 100.0],
                        help="weights W of the training set's pairs to pick from (0: outside pairs alone)")
    parser.add_argument("--c", type=float, nargs="+", default=[C], help="inverse regularisations to pick from")
    args = parser.parse_args(argv)
    train, tests = training_pairs(args.corpus), unseen_splits(args.corpus)
    encoder = load_encoder(None)
    cache = EmbeddingCache(None if args.no_cache else default_cache_dir())
    train = pair_contents(train)
    digest = input_digest(train) if args.fit else ""  # ~1.6 s, printed with --fit only; MRPC / STS pairs alone
    train_features = training_features(train, pair_vectors(train, encoder, cache), args.in_fold)
    if args.reuters is not None:  # the map never saw these pairs: the shipped map's cosines are out of fold
        reuters_train, tests["Reuters headline-lead"] = reuters_splits(args.reuters, args.reuters_articles,
                                                                       encoder, cache, args.reuters_seed)
        reuters_train = pair_contents(reuters_train)
        train_features = np.vstack([train_features, features(reuters_train, encoder, cache)[0]])
        train = joined([train, reuters_train])
    if args.train_gold is not None:  # the map never saw these pairs: the shipped map's cosines are out of fold
        gold, events, gold_vectors = gold_training_pairs(args.train_gold, encoder, cache)
        gold_features, gold_cosines = features_of_vectors(gold, gold_vectors)
        print_feature_aucs(gold.labels, gold_features, gold_cosines)
        outside, annotated = (train_features, train.labels), (gold_features, gold.labels)
        weight, c = pick_weight(outside, annotated, events, args.weight, args.c, align.CLAIM_THRESHOLD)
        model = fit_with_gold(outside, annotated, weight, c)
    else:
        model = fit_model(train_features, train.labels, C)
    tokens = fit_model(np.hstack([train_features, token_features(train, encoder)]), train.labels, C) \
        if args.token_features else None
    print(f"fitted on {len(train.labels)} pairs (MRPC train + STS headlines {FIT_YEARS[0]}-{FIT_YEARS[-1]}"
          f"{' + Reuters headline-lead' if args.reuters else ''}, {train.labels.mean():.2f} positive)"
          f"{f' + {args.train_gold.name}' if args.train_gold else ''}; "
          f"features {', '.join(align.CLAIM_FEATURES)}")
    print(f"{'split / scorer':<40} {'ROC AUC':>8} {'F1@0.5':>6}")
    for name, pairs in tests.items():
        pairs = pair_contents(pairs)
        feats, cosines = features(pairs, encoder, cache)
        print(f"-- {name}: {len(pairs.labels)} pairs, {pairs.labels.mean():.2f} positive")
        print(row("claim model, fitted now", pairs.labels, model.probability(feats), 0.5))
        print(row("claim model, shipped", pairs.labels, align.CLAIM_MODEL.probability(feats), 0.5))
        if tokens is not None:
            aligned = token_features(pairs, encoder)
            print(row("claim model + token alignment, fitted now", pairs.labels,
                      tokens.probability(np.hstack([feats, aligned])), 0.5))
            print(row("token alignment F alone >= 0.8", pairs.labels, aligned[:, 2], 0.8))
        print(row("MiniLM cosine >= 0.5", pairs.labels, cosines, 0.5))
    if args.fit:
        print(f"CLAIM_MODEL = LogisticModel(mean={_fmt(model.mean)}, scale={_fmt(model.scale)},\n"
              f"    coef={_fmt(model.coef)}, intercept={model.intercept:.6g})")
        print(f'FITTED_ON_SHA256 = "{digest}"  (MRPC / STS training pairs; the shipped model\'s: '
              f'{"the same" if digest == FITTED_ON_SHA256 else FITTED_ON_SHA256 + ", not these pairs: refit"})')
    return 0


if __name__ == "__main__":
    sys.exit(main())
