"""Alignment variants measured on the claims gold's tune split, none shipped: the commands behind the tables of
the claims section's fifth pass (session 7) and of session 14's "scores that carry over" in ``benchmarks/README.md``.

Usage:
    .venv/bin/python -m benchmarks.claims_variants DATA MULTI_OUTLET config count_cosine=0.35 [key=value ...]
    .venv/bin/python -m benchmarks.claims_variants DATA MULTI_OUTLET token-link --tau 0.6
    .venv/bin/python -m benchmarks.claims_variants DATA MULTI_OUTLET fit-with-tune --corpus /work/shared/corpora
    .venv/bin/python -m benchmarks.claims_variants DATA MULTI_OUTLET sweep threshold 0.1 0.2 0.3 \
        [--set relative=mutual-probability relative_exempt=0.5 ...] [--table main.json]
    .venv/bin/python -m benchmarks.claims_variants REUTERS sweep threshold 0.1 0.2 0.3 \
        --gold benchmarks/data/claims_gold_reuters.json [--table reuters.json]
    .venv/bin/python -m benchmarks.claims_variants - pooled main.json reuters.json

- ``config``: ``dedupe compare`` with some :class:`dedupe.compare.align.AlignConfig` defaults replaced, or with a
  story-relative link decision (:class:`benchmarks.relative_links.RelativeLinks` keys: margin, CSLS, mutual best).
- ``sweep``: the same, one field taking each of the values given: each tune event's pair precision / recall / F1 at
  each value, each event's best value and its F1 range over the values (how flat), and leave one event out (the
  value picked on the other events as ``claims_quality --fit`` picks the threshold, scored on the one left out):
  whether the best threshold is the same on every event, i.e. whether a score carries over to a new one.
  ``--gold`` names the gold file (its tune split is swept); ``--table`` writes the table as JSON.
- ``pooled``: the events of several sweeps' tables (one per gold file, the same values) read as one tune set: the
  leave-one-event-out figure over all of them (the value picked on the other events, of both gold files).
- ``token-link``: a candidate pair is also linked (its probability raised to the claim threshold) when the
  number-masked shorter claim's content tokens find close tokens in the other: the mean, over the shorter
  text's content word pieces, of the best cosine with the other's content pieces (MiniLM's own contextual token
  vectors, ``encoder.tokens``; BERTScore-style soft containment) is at least ``--tau``.
- ``fit-with-tune``: the claim model fitted on the outside pairs (MRPC train + STS headlines 2013-2015, with their
  out-of-fold claim cosines, as ``benchmarks.claim_model --fit`` fits the shipped one) plus the other tune events'
  candidate pairs (labelled by the gold; their features as compare reads them, :func:`candidate_features`),
  repeated ``--weight`` times; the threshold picked on those events, the one left out scored.

``config``, ``token-link`` and ``fit-with-tune`` print what ``benchmarks.claims_quality --split tune --loeo`` prints
(tune rows only); ``sweep`` compares the tune documents only. The held-out split is never scored here, and every
variant leaves its documents out of the corpus as ``claims_quality --split tune`` does
(:func:`benchmarks.claims_quality.tune_only`): they are not even grouped into stories with the tune documents.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Tokenizer

from benchmarks import claim_model
from benchmarks import claims_quality as quality
from benchmarks import relative_links
from benchmarks.align_quality import fit_model
from benchmarks.relative_links import replaced
from dedupe.compare import align, groups
from dedupe.compare.features import FUNCTION_WORDS, mask_numbers
from dedupe.corpus.documents import Document
from dedupe.embed.backends import packaged_model_folder
from dedupe.embed.claim_space import claim_space_cosines
from dedupe.embed.encoder import EmbeddingCache, default_cache_dir, load_encoder

_Tokens = tuple[np.ndarray, np.ndarray]


@contextmanager
def with_defaults(overrides: Sequence[str]) -> Iterator[None]:
    """:class:`AlignConfig` defaults replaced from ``key=value`` strings for the ``with`` block; keys of
    :class:`benchmarks.relative_links.RelativeLinks` install that story-relative variant of the alignment instead of
    the tool's (keys not given keep the tool's defaults). The tool's defaults and alignment are back after the
    block."""
    values = dict(item.split("=", 1) for item in overrides)
    kinds = {f.name: f.type for f in (*fields(align.AlignConfig), *fields(relative_links.RelativeLinks))}
    unknown = sorted(set(values) - set(kinds))
    if unknown:
        raise SystemExit(f"no AlignConfig or RelativeLinks field {', '.join(unknown)}")
    typed = {k: _typed(kinds[k], v) for k, v in values.items()}
    relative: dict[str, Any] = {k: v for k, v in typed.items() if k in relative_links.FIELDS}
    defaults = tuple(typed.get(f.name, f.default) for f in fields(align.AlignConfig))
    with relative_links.relative_align(relative_links.RelativeLinks(**relative)) as variant, \
            replaced(align.AlignConfig.__init__, "__defaults__", defaults), \
            replaced(groups, "align", variant if relative else groups.align):  # claim cosines too
        yield


def _typed(kind: object, value: str) -> object:
    """``value`` read as the field type ``kind`` names (annotations are strings here)."""
    name = kind if isinstance(kind, str) else getattr(kind, "__name__", "")
    if name == "bool":
        return value.lower() in ("1", "true", "yes")
    return {"int": int, "str": str}.get(name, float)(value)


class SoftContainment:
    """Content-token soft containment of claim pairs, token vectors computed once per text."""

    def __init__(self, encoder: object) -> None:
        self.encoder = encoder
        self.tokenizer = Tokenizer.from_file(str(packaged_model_folder() / "tokenizer.json"))
        self.tokenizer.no_padding()  # as the encoder reads texts (the file pads to 128 pieces)
        self.known: dict[str, _Tokens] = {}

    def vectors(self, texts: Sequence[str]) -> list[_Tokens]:
        """Each text's unit token vectors and which of them belong to content words."""
        new = [t for t in dict.fromkeys(texts) if t not in self.known]
        if new:
            pieces = [e.tokens[1:-1] for e in self.tokenizer.encode_batch(new)]
            for text, names, rows in zip(new, pieces, self.encoder.tokens(new)):  # type: ignore[attr-defined]
                self.known[text] = (rows, content_mask(names))
        return [self.known[t] for t in texts]

    def score(self, a: _Tokens, b: _Tokens) -> float:
        """Mean best cosine of the shorter text's content pieces against the other's (0 when either has none)."""
        (rows_a, mask_a), (rows_b, mask_b) = a, b
        if not mask_a.any() or not mask_b.any():
            return 0.0
        short, long = sorted((rows_a[mask_a], rows_b[mask_b]), key=len)
        return float((short @ long.T).max(axis=1).mean())


def content_mask(pieces: Sequence[str]) -> np.ndarray:
    """Word pieces of alphabetic words that are not function words (nor the mask word "several")."""
    words: list[tuple[str, list[int]]] = []
    for k, piece in enumerate(pieces):
        if piece.startswith("##") and words:
            words[-1] = (words[-1][0] + piece[2:], [*words[-1][1], k])
        else:
            words.append((piece, [k]))
    mask = np.zeros(len(pieces), dtype=bool)
    for word, places in words:
        if word.isalpha() and word.lower() not in FUNCTION_WORDS | {"several"}:
            mask[places] = True
    return mask


@contextmanager
def token_link(encoder: object, tau: float) -> Iterator[None]:
    """Raise every candidate pair with soft containment >= ``tau`` to the claim threshold, for the ``with`` block."""
    soft = SoftContainment(encoder)
    plain = align.score_pairs

    def score_pairs(texts: Sequence[str], candidates: Sequence[tuple[int, int, float]],
                    claim_cosines: Sequence[float] | None = None) -> tuple[align.ScoredPair, ...]:
        scored = plain(texts, candidates, claim_cosines)
        tokens = soft.vectors([mask_numbers(t) for t in texts]) if scored else []
        return tuple(replace(p, probability=max(p.probability, align.CLAIM_THRESHOLD))
                     if soft.score(tokens[p.first], tokens[p.second]) >= tau else p for p in scored)

    with replaced(align, "score_pairs", score_pairs):
        yield


def candidate_features(texts: Sequence[str], embeddings: np.ndarray, candidates: Sequence[tuple[int, int, float]],
                       config: align.AlignConfig) -> np.ndarray:
    """The claim features compare's claim model reads for each candidate pair (:func:`align.scored_candidates`): the
    cosine column in the claim space (:func:`claim_space_cosines`), as ``config.claim_space`` says.

    Args:
        texts: The claims' contents.
        embeddings: Their unit vectors.
        candidates: ``(i, j, plain cosine)`` pairs.
        config: The alignment settings.

    Returns:
        The ``(len(candidates), len(CLAIM_FEATURES))`` features.
    """
    return align.claim_features([texts[i] for i, _, _ in candidates], [texts[j] for _, j, _ in candidates],
                                [c for _, _, c in candidates],
                                claim_space_cosines(embeddings, candidates, config.claim_space))


def tune_pairs(corpora: dict[str, list[Document]], gold: quality.Gold, encoder: object, cache: EmbeddingCache
               ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Claim features and gold labels (same cluster or not) of every candidate pair of each tune event
    (``corpora``: :func:`benchmarks.claims_quality.load_corpora` of the gold's paths)."""
    clusters: dict[tuple[str, int], set[int]] = {}
    for k, cluster in enumerate(gold.clusters):
        for member in cluster["members"]:
            clusters.setdefault((member["doc"], member["i"]), set()).add(k)
    rows: dict[str, list[tuple[np.ndarray, int]]] = {}
    plain = groups.align

    def spy(texts: Sequence[str], embeddings: np.ndarray, doc_keys: Sequence[str], config: align.AlignConfig,
            sentence_keys: Sequence[str], counted: Sequence[bool],
            speakers: Sequence[frozenset[str]] | None = None) -> align.Alignment:
        found = align.cosine_candidates(embeddings, doc_keys, config.candidate_cosine, config.neighbours)
        for (i, j, _), row in zip(found, candidate_features(texts, embeddings, found, config)):
            (doc_a, sa), (doc_b, sb) = (sentence_keys[i].split("\0"), sentence_keys[j].split("\0"))
            event = gold.set_of.get(doc_a)
            if event is not None and gold.set_of.get(doc_b) == event and gold.outlet[doc_a] != gold.outlet[doc_b]:
                same = clusters.get((doc_a, int(sa)), set()) & clusters.get((doc_b, int(sb)), set())
                rows.setdefault(event, []).append((row, int(bool(same))))
        return plain(texts, embeddings, doc_keys, config, sentence_keys, counted, speakers)

    with replaced(groups, "align", spy):
        quality.run_compare(corpora, gold, encoder, cache, groups.CompareConfig(), only=gold.split["tune"])
    return {e: (np.asarray([r for r, _ in v]), np.asarray([y for _, y in v])) for e, v in rows.items()}


def fit_with_tune(args: argparse.Namespace, gold: quality.Gold, encoder: object, cache: EmbeddingCache) -> None:
    """Leave one tune event out: model on outside + the other events' pairs, threshold there, the one out scored."""
    true = quality.gold_pairs(gold)[0]
    corpora = quality.load_corpora(args.paths, gold)
    by_event = tune_pairs(corpora, gold, encoder, cache)
    outside = claim_model.pair_contents(claim_model.training_pairs(args.corpus))
    # as the shipped claim model was fitted: the training pairs' claim cosines out of fold
    outside_x = claim_model.training_features(outside, claim_model.pair_vectors(outside, encoder, cache))
    scored = []
    for test in gold.split["tune"]:
        train = [e for e in gold.split["tune"] if e != test]
        x = np.vstack([by_event[e][0] for e in train])
        y = np.concatenate([by_event[e][1] for e in train])
        model = fit_model(np.vstack([outside_x, *[x] * args.weight]),
                          np.concatenate([outside.labels, *[y] * args.weight]), claim_model.C)
        with replaced(align, "CLAIM_MODEL", model):
            f1s = quality.tune_f1s(corpora, gold, true, encoder, cache)
        threshold, there = quality.best_threshold(f1s, train)
        scored.append(f1s[threshold][test])  # the table holds it, as claims_quality's leave_one_event_out reads it
        print(f"outside + {train} ({int(y.sum())} of {len(y)} pairs same claim, weight {args.weight}): coef "
              f"{np.round(model.coef, 3).tolist()}, threshold {threshold} (F1 there {there:.3f}) -> "
              f"{test}: F1 {scored[-1]:.3f}")
    print(f"leave-one-event-out figure: worst {min(scored):.3f}, mean {np.mean(scored):.3f}")


def sweep(args: argparse.Namespace, gold: quality.Gold, encoder: object, cache: EmbeddingCache) -> None:
    """Each tune event's pair precision / recall / F1 at every value of one field (the others as ``--set`` gives
    them), each event's best value and F1 range, and leave one event out (:func:`left_out`); the table is written
    as JSON to ``args.table`` where given."""
    true = quality.gold_pairs(gold)[0]
    events = gold.split["tune"]
    table: dict[str, dict[str, Measures]] = {}
    corpora = quality.load_corpora(args.paths, gold)
    print(f"{args.field:>16}  " + "  ".join(f"{e[:18]:>18}" for e in events) + "   (P / R / F1)")
    for value in args.values:
        with with_defaults([*args.set, f"{args.field}={value}"]):
            pred = quality.run_compare(corpora, gold, encoder, cache, groups.CompareConfig(), only=events)[0]
        table[value] = {e: quality.measures(quality.in_sets(pred, gold, [e]), quality.in_sets(true, gold, [e]))
                        for e in events}
        print(f"{value:>16}  " + "  ".join("{:.3f}/{:.3f}/{:.3f}".format(*table[value][e]) for e in events))
    if args.table is not None:
        args.table.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    report(table, events, args.field)


def pooled(paths: Sequence[Path]) -> None:
    """Leave one event out over the events of several sweep tables (the values they share), as one tune set."""
    tables = [json.loads(path.read_text()) for path in paths]
    values = [v for v in tables[0] if all(v in t for t in tables[1:])]
    table = {v: {e: tuple(m) for t in tables for e, m in t[v].items()} for v in values}
    events = [e for t in tables for e in t[values[0]]]
    print(f"{len(events)} events: " + ", ".join(events))
    for value in values:
        print(f"{value:>16}  " + "  ".join(f"{table[value][e][2]:.3f}" for e in events))
    report(table, events, "value")


def report(table: dict[str, dict[str, Measures]], events: Sequence[str], field: str) -> None:
    """Each event's best value and F1 range over the table's values, then leave one event out (:func:`left_out`)."""
    values = list(table)
    for event in events:
        f1s = [table[v][event][2] for v in values]
        best = max(values, key=lambda v: (table[v][event][2], float(v)))
        print(f"{event}: best {field} {best} (F1 {table[best][event][2]:.3f}); F1 over the values "
              f"{min(f1s):.3f}-{max(f1s):.3f}")
    held = []
    for test, pick in left_out(table, events):
        train = [e for e in events if e != test]
        held.append(table[pick][test])
        own = max(table[v][test][2] for v in table)
        print(f"{field} on {' + '.join(train)}: {pick} -> {test}: P {held[-1][0]:.3f} R {held[-1][1]:.3f} "
              f"F1 {held[-1][2]:.3f} (its own best {own:.3f})")
    worst = min(held, key=lambda h: h[2])
    print(f"leave-one-event-out figure: worst F1 {worst[2]:.3f} (P {worst[0]:.3f}), "
          f"mean F1 {np.mean([h[2] for h in held]):.3f}")


Measures = tuple[float, float, float]


def left_out(table: dict[str, dict[str, Measures]], events: Sequence[str]) -> list[tuple[str, str]]:
    """For each event left out, the value picked on the others as ``claims_quality --fit`` picks the threshold
    (:func:`benchmarks.claims_quality.best_threshold`): the best worst F1 of those events, then the best mean, then the
    larger value.

    Args:
        table: Precision, recall and F1 of each event at each value (values as written, numbers).
        events: The events.

    Returns:
        ``(event left out, value picked)`` per event.

    Example:
        >>> t = {"0.2": {"a": (1, 1, 0.9), "b": (1, 1, 0.5)}, "0.3": {"a": (1, 1, 0.6), "b": (1, 1, 0.8)}}
        >>> left_out(t, ["a", "b"])
        [('a', '0.3'), ('b', '0.2')]
    """
    f1s = {float(v): {e: m[2] for e, m in row.items()} for v, row in table.items()}
    written = {float(v): v for v in table}
    return [(test, written[quality.best_threshold(f1s, [e for e in events if e != test])[0]]) for test in events]


_VARIANTS = ("config", "token-link", "sweep", "pooled", "fit-with-tune")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     usage="%(prog)s PATH [PATH ...] {" + ",".join(_VARIANTS) + "} ...")
    sub = parser.add_subparsers(dest="variant", required=True)
    sub.add_parser("config").add_argument("overrides", nargs="+", help="AlignConfig key=value")
    sub.add_parser("token-link").add_argument("--tau", type=float, required=True)
    swept = sub.add_parser("sweep")
    swept.add_argument("field", help="the AlignConfig or RelativeLinks field swept")
    swept.add_argument("values", nargs="+", help="its values")
    swept.add_argument("--set", nargs="*", default=[], help="other AlignConfig or RelativeLinks key=value")
    swept.add_argument("--gold", type=Path, default=quality.DEFAULT_GOLD,
                       help="the gold file whose tune split is swept")
    swept.add_argument("--table", type=Path, help="write the table (value -> event -> P, R, F1) as JSON here")
    sub.add_parser("pooled").add_argument("tables", nargs="+", type=Path, help="sweep tables (--table) to pool")
    fit = sub.add_parser("fit-with-tune")
    fit.add_argument("--corpus", type=Path, required=True, help="folder holding mrpc/ and sts-headlines/")
    fit.add_argument("--weight", type=int, default=1, help="times the tune event's pairs are repeated")
    # The corpus paths come first, as many as the gold needs; argparse cannot take a variable number of
    # positionals before a subcommand, so they are split off at the subcommand's name.
    argv = list(sys.argv[1:] if argv is None else argv)
    split = next((k for k, item in enumerate(argv) if item in _VARIANTS), len(argv))
    args = parser.parse_args(argv[split:])
    args.paths = argv[:split]
    if not args.paths:
        parser.error("name the corpus paths before the variant (for pooled: -)")
    if args.variant in ("fit-with-tune", "sweep"):
        # the held-out documents are left out of the corpus, as claims_quality --split tune leaves them
        gold = quality.tune_only(quality.load_gold(args.gold if args.variant == "sweep" else quality.DEFAULT_GOLD))
        run = fit_with_tune if args.variant == "fit-with-tune" else sweep
        run(args, gold, load_encoder(None), EmbeddingCache(default_cache_dir()))
        return 0
    if args.variant == "pooled":
        pooled(args.tables)
        return 0
    if args.variant == "config":
        with with_defaults(args.overrides):
            return quality.main([*args.paths, "--split", "tune", "--loeo"])
    with token_link(load_encoder(None), args.tau):
        return quality.main([*args.paths, "--split", "tune", "--loeo"])


if __name__ == "__main__":
    sys.exit(main())
