"""Claim alignment and divergence quality of ``dedupe compare`` against hand-annotated gold, baseline in one run.

Usage:
    .venv/bin/python -m benchmarks.claims_quality data /work/shared/corpora/multi-outlet/articles.jsonl \
        [--gold benchmarks/data/claims_gold.json] [--no-cache] [--fit] [--split tune]

``--fit`` picks the grouping threshold with the best pair F1 of the worse tune event (then the best mean), prints it for
``dedupe/compare/align.py``, then scores with it. The claim model itself is not fitted on this gold: it is fitted
on external news pairs (MRPC train, STS headlines 2013-2015) by ``python -m benchmarks.claim_model``.
``--split tune`` computes and prints the tune split only, so that design variants are compared without
looking at the held-out split: the held-out sets' documents are left out of the corpus (``tune_only``), never
compared, embedded or grouped into stories; ``--misses`` and ``--false-pairs`` list tune pairs only either way.
``--loeo`` (leave one event out, tune split only) prints each tune event's pair F1 and the selection figure:
the worse of the tune events (and their mean), not the pooled tune F1, so that a change is kept only when it
holds on each event. With ``--fit`` it also leaves each tune event out in turn: the threshold picked on the
others, the one left out scored (only those documents are compared while scanning, to keep the scan short).

The gold (``benchmarks/data/claims_gold.json``, annotation rules at its top) lists every sentence of the
annotated documents (document id, ``dedupe.segment`` offsets, text) and every cross-outlet same-claim cluster
with its status. Each corpus path is compared as the tool compares it (stories included), with the default
settings, each annotated document under the gold's outlet for it. A gold whose ``"compare"`` is ``"annotated
documents"`` (``benchmarks/data/claims_gold_reuters.json``: two events of a 19,043-article wire, each report its
own outlet) has only its documents taken from the corpus, stories included. The result is scored per set of
the gold (the seeds and one set per event), then per split: ``tune`` (the sets tuning was allowed to look at) and
``heldout`` (never tuned on).

Pair measures count unordered pairs of sentences of two different outlets: a gold pair is two sentences of
one gold cluster; a predicted pair is two sentences whose claims share a group of two or more outlets. Pairs
that touch a sentence outside the annotated documents are ignored.
Divergence: a gold divergence cluster is *found* when a reported ``divergence`` group holds sentences of two
outlets from it; a reported divergence is *real* when two of its sentences of different outlets lie in one
gold divergence cluster.
Baseline: all-MiniLM-L6-v2 cosine between every two sentences of different outlets of one set, no model and
no grouping, at the threshold with the best pair F1 on the tune split (and, for reference, the best threshold
on each split itself, an oracle figure); a gold without a tune split has the oracle row only.
``--check`` loads the gold and its documents and checks that every annotated sentence is the document's
``dedupe.segment`` sentence of that index and offsets; it computes no figure.

Held-out gold of Reuters reports:
    .venv/bin/python -m benchmarks.claims_quality /work/shared/corpora/reuters21578.jsonl \
        --gold benchmarks/data/claims_gold_reuters.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

import numpy as np

from dedupe.compare import align
from dedupe.compare.claims import Claim, claim_content, lead_speaker
from dedupe.compare.counts import stated_counts
from dedupe.compare.groups import CompareConfig, CompareResult, compare_corpus
from dedupe.corpus.documents import Document
from dedupe.corpus.load import load_corpus
from dedupe.embed.claim_space import paired_claim_cosines
from dedupe.embed.encoder import EmbeddingCache, default_cache_dir, embed, load_encoder
from dedupe.segment import segment_document
from dedupe.stories import group_stories

DEFAULT_GOLD = Path(__file__).parent / "data" / "claims_gold.json"  # the multi-outlet gold
Pair = tuple[tuple[str, int], tuple[str, int]]


@dataclass(frozen=True)
class Gold:
    """The annotation: sentences per document, clusters, which set each document belongs to, the split."""

    sentences: dict[str, list[dict]]  # type: ignore[type-arg]
    outlet: dict[str, str]
    set_of: dict[str, str]
    clusters: list[dict]  # type: ignore[type-arg]
    split: dict[str, list[str]]
    annotated_only: bool = False  # compare only the annotated documents of each corpus path (not every document)
    hidden: frozenset[str] = frozenset()  # documents left out of the corpus (the held-out ones under --split tune)


@dataclass(frozen=True)
class Scores:
    """Pair and divergence figures of one method on one split."""

    tp: int
    fp: int
    fn: int
    div_found: int
    div_gold: int
    div_real: int
    div_reported: int

    def row(self, name: str) -> str:
        p, r, f = pair_measures(self.tp, self.fp, self.fn)
        div = (f"{self.div_found}/{self.div_gold} found, {self.div_real}/{self.div_reported} real"
               if self.div_gold >= 0 else "-")
        return f"{name:<34} {p:6.3f} {r:6.3f} {f:6.3f}   {self.tp:4d} {self.fp:4d} {self.fn:4d}   {div}"


def pair_measures(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Pair precision, recall and F1 of ``tp`` true, ``fp`` false and ``fn`` missed pairs (0 where undefined).

    F1 is ``2 tp / (2 tp + fp + fn)`` (the harmonic mean of precision and recall), one division of two counts:
    two equal ratios give the same float, so that the threshold searches' ties (:func:`best_threshold`) are ties.
    """
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def load_gold(path: Path) -> Gold:
    """Read the gold file."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    docs = raw["documents"]
    return Gold({d: v["sentences"] for d, v in docs.items()}, {d: v["outlet"] for d, v in docs.items()},
                {d: v["set"] for d, v in docs.items()}, raw["clusters"], raw["split"],
                raw.get("compare", "all documents") == "annotated documents")


def load_documents(path: str, gold: Gold) -> list[Document]:
    """The documents of one corpus path as the benchmark compares them: each annotated document under the gold's
    outlet for it (a wire's separate reports are separate outlets there), and only the annotated documents when
    the gold says so (``Gold.annotated_only``)."""
    documents = [d for d in load_corpus([path]).documents
                 if d.id not in gold.hidden and (not gold.annotated_only or d.id in gold.outlet)]
    return [replace(d, outlet=gold.outlet[d.id]) if gold.outlet.get(d.id, d.outlet) != d.outlet else d
            for d in documents]


def load_corpora(paths: Sequence[str], gold: Gold) -> dict[str, list[Document]]:
    """:func:`load_documents` of each corpus path, by path: loaded once, compared as often as a caller needs."""
    return {path: load_documents(path, gold) for path in paths}


def tune_only(gold: Gold) -> Gold:
    """The gold without its held-out sets: their documents are left out of the corpus (never compared, embedded
    or grouped into stories) and their annotation is dropped, so that ``--split tune`` computes nothing on them."""
    held = set(gold.split["heldout"])
    keep = {d for d, s in gold.set_of.items() if s not in held}
    return Gold({d: v for d, v in gold.sentences.items() if d in keep}, {d: gold.outlet[d] for d in keep},
                {d: gold.set_of[d] for d in keep}, [c for c in gold.clusters if c["set"] not in held],
                {**gold.split, "heldout": []}, gold.annotated_only, frozenset(gold.set_of) - keep)


def check_segments(gold: Gold, paths: Sequence[str]) -> tuple[int, int]:
    """Every annotated sentence is ``dedupe.segment``'s sentence of that index, offsets and text, in a document of
    ``paths``, and every sentence of an annotated document is annotated; the documents and sentences checked.

    Raises:
        SystemExit: naming the first document or sentence that does not match.
    """
    found = {d.id: d for path in paths for d in load_documents(path, gold) if d.id in gold.sentences}
    for doc, sentences in gold.sentences.items():
        if doc not in found:
            raise SystemExit(f"gold document {doc} is not in {', '.join(paths)}")
        spans = [(s.start, s.end, s.text) for s in segment_document(found[doc]).sentences]
        if [(s["start"], s["end"], s["text"]) for s in sentences] != spans or \
                [s["i"] for s in sentences] != list(range(len(spans))):
            raise SystemExit(f"gold document {doc} is not annotated sentence by sentence as dedupe.segment splits it")
    return len(found), sum(len(s) for s in gold.sentences.values())


def check_offsets(gold: Gold, texts: dict[str, str]) -> None:
    """Every annotated document is loaded and every annotated sentence is ``text[start:end]`` of it (the labels
    point at the text); a document in none of the corpus paths is an error, not a zero score."""
    for doc, sentences in gold.sentences.items():
        if doc not in texts:
            raise SystemExit(f"gold document {doc} is in none of the corpus paths given: give the corpus that holds it")
        for s in sentences:
            if texts[doc][s["start"]:s["end"]] != s["text"]:
                raise SystemExit(f"gold sentence {doc}:{s['i']} does not match the document text")


def cross_pairs(members: Iterable[tuple[str, int]], gold: Gold) -> set[Pair]:
    """Unordered pairs of (doc, sentence) from two different outlets, both in annotated documents."""
    kept = sorted({m for m in members if m[0] in gold.sentences})
    return {(a, b) for a, b in combinations(kept, 2) if gold.outlet[a[0]] != gold.outlet[b[0]]}


def gold_pairs(gold: Gold) -> tuple[set[Pair], list[set[Pair]]]:
    """All gold same-claim pairs, and the pair set of each divergence cluster."""
    pairs: set[Pair] = set()
    divergences = []
    for cluster in gold.clusters:
        found = cross_pairs(((m["doc"], m["i"]) for m in cluster["members"]), gold)
        pairs |= found
        if cluster["status"] == "divergence":
            divergences.append(found)
    return pairs, divergences


def sentence_of(gold: Gold, doc: str, offset: int) -> int | None:
    """Index of the gold sentence of ``doc`` that holds ``offset``."""
    for s in gold.sentences.get(doc, []):
        if s["start"] <= offset < s["end"]:
            return int(s["i"])
    return None


def predicted(result: CompareResult, gold: Gold) -> tuple[set[Pair], list[set[Pair]]]:
    """Pairs grouped by compare, and the pair set of each reported divergence group."""
    pairs: set[Pair] = set()
    divergences = []
    for group in result.groups:
        members = [(m.doc_id, sentence_of(gold, m.doc_id, m.start)) for m in group.members]
        found = cross_pairs(((d, i) for d, i in members if i is not None), gold)
        pairs |= found
        if group.status == "divergence":
            divergences.append(found)
    return pairs, divergences


def in_sets(pairs: set[Pair], gold: Gold, sets: Sequence[str]) -> set[Pair]:
    return {p for p in pairs if gold.set_of[p[0][0]] in sets and gold.set_of[p[1][0]] in sets}


def score(pred: set[Pair], pred_div: list[set[Pair]], true: set[Pair], true_div: list[set[Pair]],
          gold: Gold, sets: Sequence[str]) -> Scores:
    """Pair counts and divergence counts restricted to the documents of ``sets``."""
    p, t = in_sets(pred, gold, sets), in_sets(true, gold, sets)
    pd = [d for d in (in_sets(x, gold, sets) for x in pred_div) if d]
    td = [d for d in (in_sets(x, gold, sets) for x in true_div) if d]
    found = sum(1 for d in td if any(d & x for x in pd))
    real = sum(1 for x in pd if any(d & x for d in td))
    return Scores(len(p & t), len(p - t), len(t - p), found, len(td), real, len(pd))


def cosine_pairs(gold: Gold, texts: dict[str, str], vectors: dict[tuple[str, int], np.ndarray],
                 threshold: float) -> set[Pair]:
    """Cross-outlet sentence pairs of one set whose cosine is at least ``threshold``."""
    keys = sorted(vectors)
    matrix = np.stack([vectors[k] for k in keys])
    sims = matrix @ matrix.T
    found: set[Pair] = set()
    for a, b in zip(*np.nonzero(np.triu(sims >= threshold, 1))):
        ka, kb = keys[a], keys[b]
        if gold.outlet[ka[0]] != gold.outlet[kb[0]] and gold.set_of[ka[0]] == gold.set_of[kb[0]]:
            found.add((ka, kb))
    return found


def measures(pred: set[Pair], true: set[Pair]) -> tuple[float, float, float]:
    """Pair precision, recall and F1 of predicted pairs against true ones (:func:`pair_measures`)."""
    tp = len(pred & true)
    return pair_measures(tp, len(pred) - tp, len(true) - tp)


def f1(pred: set[Pair], true: set[Pair]) -> float:
    """Pair F1 of predicted pairs against true ones (:func:`measures`)."""
    return measures(pred, true)[2]


def run_compare(corpora: dict[str, list[Document]], gold: Gold, encoder: object, cache: EmbeddingCache,
                config: CompareConfig, only: Sequence[str] | None = None, results: list[CompareResult] | None = None
                ) -> tuple[set[Pair], list[set[Pair]], dict[str, str], list[str]]:
    """Compare each corpus path's documents (:func:`load_corpora`) as the tool does; predicted pairs, divergence
    pair sets, texts and timings.

    ``only``: compare only the documents of these gold sets (``None``: every document); stories are always
    grouped over every document, as the tool groups them. ``results``: each path's result is appended there.
    """
    pred: set[Pair] = set()
    pred_div: list[set[Pair]] = []
    texts: dict[str, str] = {}
    seconds = []
    for path, loaded in corpora.items():
        stories = group_stories(loaded, config.story)  # of every document, so that ``only`` keeps them
        documents = [segment_document(d) for d in loaded if only is None or gold.set_of.get(d.id) in only]
        if not documents:
            continue
        texts.update({d.doc.id: d.doc.text for d in documents})
        begin = time.perf_counter()
        result = compare_corpus(documents, encoder, config, stories=stories, cache=cache)  # type: ignore[arg-type]
        seconds.append(f"{path}: {len(documents)} documents, {len(result.stories)} stories, "
                       f"{time.perf_counter() - begin:.1f} s")
        if results is not None:
            results.append(result)
        found, found_div = predicted(result, gold)
        pred |= found
        pred_div += found_div
    return pred, pred_div, texts, seconds


def sentence_vectors(gold: Gold, corpora: dict[str, list[Document]], encoder: object, cache: EmbeddingCache
                     ) -> tuple[dict[str, str], dict[tuple[str, int], np.ndarray]]:
    """Document texts of the corpora (:func:`load_corpora`) and the embedding of every annotated sentence found in
    them."""
    texts = {d.id: d.text for documents in corpora.values() for d in documents}
    check_offsets(gold, texts)
    keys = [(d, s["i"]) for d, ss in gold.sentences.items() if d in texts for s in ss]
    matrix = embed(encoder, [gold.sentences[d][i]["text"] for d, i in keys], cache)  # type: ignore[arg-type]
    return texts, dict(zip(keys, matrix))


def tune_f1s(corpora: dict[str, list[Document]], gold: Gold, true: set[Pair], encoder: object,
             cache: EmbeddingCache) -> dict[float, dict[str, float]]:
    """Each grid threshold's pair F1 on each tune event, from one compare of the tune events' documents of the
    ``corpora`` (:func:`load_corpora`) per threshold: the fit and every leave-one-event-out fold read their
    thresholds from it."""
    table, events = {}, gold.split["tune"]
    for threshold in np.round(np.arange(0.05, 0.61, 0.05), 2):
        config = CompareConfig(align=align.AlignConfig(threshold=float(threshold)))
        pred = run_compare(corpora, gold, encoder, cache, config, only=events)[0]
        table[float(threshold)] = {e: f1(in_sets(pred, gold, [e]), in_sets(true, gold, [e])) for e in events}
    return table


def fit(f1s: dict[float, dict[str, float]], gold: Gold) -> CompareConfig:
    """Pick the grouping threshold on the tune split (the claim model is external: ``benchmarks.claim_model``)."""
    threshold, tune_f1 = best_threshold(f1s, gold.split["tune"])
    print(f"CLAIM_THRESHOLD = {threshold}  # worst tune event's pair F1 {tune_f1:.3f}")
    return CompareConfig(align=align.AlignConfig(threshold=threshold))


def best_threshold(f1s: dict[float, dict[str, float]], sets: Sequence[str]) -> tuple[float, float]:
    """The grouping threshold of :func:`tune_f1s` with the best worst-set pair F1 on ``sets`` (then the best mean),
    and that worst F1: a threshold is picked for every event, not for the largest."""
    best = ((-1.0, 0.0), 0.0)
    for threshold, per_set in f1s.items():
        per = [per_set[s] for s in sets]
        best = max(best, ((min(per), float(np.mean(per))), threshold))
    return best[1], best[0][0]


def leave_one_event_out(f1s: dict[float, dict[str, float]], events: Sequence[str]) -> None:
    """Leave each tune event out in turn: pick the grouping threshold on the others, score the one left out;
    print the worst as the figure."""
    held_f1 = []
    for test in events:
        train = [e for e in events if e != test]
        threshold, train_f1 = best_threshold(f1s, train)
        held_f1.append(f1s[threshold][test])
        print(f"threshold on {' + '.join(train)} ({threshold}, worst F1 there {train_f1:.3f}) -> {test}: "
              f"F1 {held_f1[-1]:.3f}")
    print(f"leave-one-event-out figure: worst {min(held_f1):.3f}, mean {np.mean(held_f1):.3f}")


def loeo_figure(pred: set[Pair], true: set[Pair], gold: Gold) -> str:
    """Each tune event's pair F1 with the shipped model, and their worst and mean (the selection figure)."""
    per = {e: f1(in_sets(pred, gold, [e]), in_sets(true, gold, [e])) for e in gold.split["tune"]}
    listed = ", ".join(f"{e} {v:.3f}" for e, v in per.items())
    worst, mean = min(per.values()), float(np.mean(list(per.values())))
    return f"selection figure (per tune event: {listed}): worst {worst:.3f}, mean {mean:.3f}"


def print_misses(pred: set[Pair], true: set[Pair], gold: Gold, vectors: dict[tuple[str, int], np.ndarray]) -> None:
    """Every missed tune pair: both sentences, their cosine and claim-model probability (for error analysis)."""
    missed = sorted(in_sets(true - pred, gold, gold.split["tune"]))
    text = {k: gold.sentences[k[0]][k[1]]["text"] for pair in missed for k in pair}
    cosines = [float(vectors[a] @ vectors[b]) for a, b in missed]
    mapped = [float(c) for c in paired_claim_cosines(np.array([vectors[a] for a, _ in missed]),  # as alignment reads it
                                                     np.array([vectors[b] for _, b in missed]))]
    probs = align.CLAIM_MODEL.probability(align.claim_features([text[a] for a, _ in missed],
                                                                [text[b] for _, b in missed], cosines, mapped))
    for (a, b), c, p in zip(missed, cosines, probs):
        print(f"MISS cos {c:.2f} p {p:.2f} | {a[0]}:{a[1]} {text[a]!r}\n{'':<15}| {b[0]}:{b[1]} {text[b]!r}")


def print_false_pairs(pred: set[Pair], true: set[Pair], gold: Gold, vectors: dict[tuple[str, int], np.ndarray]
                      ) -> None:
    """Every false tune pair (grouped by compare, not a gold same-claim pair): both sentences and their cosine."""
    false = sorted(in_sets(pred - true, gold, gold.split["tune"]))
    for a, b in false:
        first, second = gold.sentences[a[0]][a[1]]["text"], gold.sentences[b[0]][b[1]]["text"]
        print(f"FALSE cos {float(vectors[a] @ vectors[b]):.2f} | {a[0]}:{a[1]} {first!r}\n{'':<16}| {b[0]}:{b[1]} "
              f"{second!r}")


def miss_causes(results: Sequence[CompareResult], missed: set[Pair], gold: Gold, encoder: object,
                cache: EmbeddingCache, config: align.AlignConfig) -> Counter[str]:
    """Why each missed gold pair was missed, read from its best claim pair (the cause latest in the pipeline).

    Causes, earliest first: ``no claim`` (a sentence gave no claim), ``other story``, ``candidate cut``
    (cosine under ``candidate_cosine``, or not among either claim's ``neighbours``), ``score under threshold``,
    ``count rule`` (a claim that states a count, linked under ``counted_threshold``), ``grouping`` (scored
    above the threshold, yet average linkage kept the claims apart).
    """
    causes: Counter[str] = Counter()
    by_sentence: dict[tuple[str, int | None], list[tuple[int, int]]] = {}
    pair_cause: dict[tuple[int, int, int], str] = {}
    for r, result in enumerate(results):
        for s, story in enumerate(result.stories):
            claims = sorted({c for g in result.groups if g.story == story.id for c in g.members},
                            key=lambda c: (story.doc_ids.index(c.doc_id), c.start))
            for i, claim in enumerate(claims):
                by_sentence.setdefault((claim.doc_id, sentence_of(gold, claim.doc_id, claim.start)), []).append(
                    (r * 1000 + s, i))
            pair_cause.update(_story_causes(r * 1000 + s, claims, encoder, cache, config))
    order = ("no claim", "other story", "candidate cut", "score under threshold", "count rule", "grouping")
    for a, b in missed:
        found = [pair_cause.get((sa, min(i, j), max(i, j)), "grouping") if sa == sb else "other story"
                 for sa, i in by_sentence.get(a, []) for sb, j in by_sentence.get(b, [])]
        causes[max(found, key=order.index) if found else "no claim"] += 1
    return causes


def _story_causes(key: int, claims: Sequence[Claim], encoder: object, cache: EmbeddingCache,
                  config: align.AlignConfig) -> dict[tuple[int, int, int], str]:
    """The cause of every cross-document claim pair of one story left ungrouped (grouped pairs: absent)."""
    contents = [claim_content(c.text) for c in claims]
    vectors = embed(encoder, contents, cache)  # type: ignore[arg-type]
    docs = [c.doc_id for c in claims]
    result = align.align(contents, vectors, docs, config, [f"{c.doc_id}\0{c.sentence}" for c in claims],
                         [bool(stated_counts(c.text)) for c in claims], [lead_speaker(c.text) for c in claims])
    scored = {(p.first, p.second): p.probability for p in result.pairs}
    together = {pair for g in result.groups for pair in combinations(g, 2)}
    causes = {}
    for i, j in combinations(range(len(claims)), 2):
        if docs[i] == docs[j] or (i, j) in together:
            continue
        probability = scored.get((i, j))
        counted = bool(stated_counts(claims[i].text) or stated_counts(claims[j].text))
        causes[(key, i, j)] = ("candidate cut" if probability is None else "score under threshold"
                               if probability < config.threshold else "count rule"
                               if counted and probability < config.counted_threshold else "grouping")
    return causes


def _fmt(values: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in values) + ")"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+", help="corpus paths holding the annotated documents")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--fit", action="store_true", help="pick the grouping threshold on the tune split and print it")
    parser.add_argument("--loeo", action="store_true",
                        help="print the tune events' worst pair F1 (with --fit: threshold per event)")
    parser.add_argument("--misses", action="store_true", help="print the missed tune pairs (error analysis)")
    parser.add_argument("--false-pairs", action="store_true", help="print the false tune pairs (error analysis)")
    parser.add_argument("--causes", action="store_true",
                        help="count the missed tune pairs by cause (candidate cut, score, count rule, grouping...)")
    parser.add_argument("--split", choices=("all", "tune"), default="all",
                        help="'tune' computes and prints the tune split only (held-out documents not even loaded)")
    parser.add_argument("--check", action="store_true",
                        help="only check that the gold's sentences are dedupe.segment's (no figure computed)")
    args = parser.parse_args(argv)
    gold = load_gold(args.gold)
    if args.check:
        documents, sentences = check_segments(gold, args.corpus)
        print(f"gold: {args.gold}: {documents} documents, {sentences} sentences, as dedupe.segment splits them")
        return 0
    held, clusters = gold.split["heldout"], len(gold.clusters)  # of the file, for the header
    if args.split == "tune":
        gold = tune_only(gold)
    if not gold.split["tune"] and (args.fit or args.loeo or args.misses or args.false_pairs or args.causes):
        parser.error("--fit, --loeo, --misses, --false-pairs and --causes need a gold with a tune split")
    encoder = load_encoder(None)
    cache = EmbeddingCache(None if args.no_cache else default_cache_dir())
    true, true_div = gold_pairs(gold)
    corpora = load_corpora(args.corpus, gold)
    texts, vectors = sentence_vectors(gold, corpora, encoder, cache)
    f1s = tune_f1s(corpora, gold, true, encoder, cache) if args.fit else {}
    if args.fit and args.loeo:
        leave_one_event_out(f1s, gold.split["tune"])
    config = fit(f1s, gold) if args.fit else CompareConfig()
    results: list[CompareResult] = []
    pred, pred_div, _, seconds = run_compare(corpora, gold, encoder, cache, config, results=results)
    tune = gold.split["tune"]
    grid = np.round(np.arange(0.30, 0.951, 0.01), 2)
    by_t = {float(t): cosine_pairs(gold, texts, vectors, float(t)) for t in grid}
    t_tune = (max(by_t, key=lambda t: (f1(in_sets(by_t[t], gold, tune), in_sets(true, gold, tune)), -t))
              if tune else None)
    print(f"gold: {args.gold} ({clusters} clusters); tune = {' + '.join(tune)}; "
          f"held out (never tuned on) = {' + '.join(held)}")
    print(f"{'':<34} {'prec':>6} {'rec':>6} {'F1':>6}   {'tp':>4} {'fp':>4} {'fn':>4}   divergences")
    splits = [("tune", tune), ("heldout", gold.split["heldout"])] + [(s, [s]) for s in tune + gold.split["heldout"]]
    for name, sets in splits:
        if not sets:
            continue
        print(f"-- {name}")
        print(score(pred, pred_div, true, true_div, gold, sets).row("dedupe compare"))
        if t_tune is not None:
            print(score(by_t[t_tune], [], true, [], gold, sets).row(f"MiniLM cosine >= {t_tune:.2f} (tune)")
                  .rsplit("   ", 1)[0] + "   -")
        if name == "heldout":
            t_best = max(by_t, key=lambda t: (f1(in_sets(by_t[t], gold, sets), in_sets(true, gold, sets)), -t))
            print(score(by_t[t_best], [], true, [], gold, sets).row(f"MiniLM cosine >= {t_best:.2f} (oracle)")
                  .rsplit("   ", 1)[0] + "   -")
    if args.misses:
        print_misses(pred, true, gold, vectors)
    if args.false_pairs:
        print_false_pairs(pred, true, gold, vectors)
    if args.causes:
        missed = in_sets(true - pred, gold, tune)
        for event in tune:
            causes = miss_causes(results, in_sets(missed, gold, [event]), gold, encoder, cache, config.align)
            print(f"missed {event} pairs by cause: " + ", ".join(f"{k} {v}" for k, v in causes.most_common()))
    if args.loeo:
        print(loeo_figure(pred, true, gold))
    print("compare time (models loaded, embeddings cached or not):", "; ".join(seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
