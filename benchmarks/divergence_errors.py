"""Error analysis of reported divergences on the TUNE split only: false ones with their reasons, and missed ones.

Usage:
    .venv/bin/python -m benchmarks.divergence_errors data /work/shared/corpora/multi-outlet/articles.jsonl \
        [--event toba-ferry-2018] [--clusters]

Scores as :mod:`benchmarks.claims_quality` does (its gold, its pair matching), but prints, for the tune sets
only, every reported ``divergence`` group that holds no cross-outlet pair of a gold divergence cluster (a false
divergence) with each of its reasons, and every gold divergence cluster that no reported divergence touches.
``--event`` keeps one tune set (repeatable; a held-out set is refused). ``--clusters`` prints, for each gold
divergence cluster, every group compare put its sentences in (any status, the cluster's sentences marked ``*``,
with reasons and updates): where a missed divergence went, and which check did not fire.
The held-out sets are never printed: their documents are left out of the corpus (``claims_quality.tune_only``),
never compared nor grouped into stories with the tune documents.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from benchmarks.claims_quality import (DEFAULT_GOLD, Gold, cross_pairs, gold_pairs, in_sets, load_corpora,
                                      load_gold, run_compare, sentence_of, tune_only)
from dedupe.compare.groups import CompareConfig, ClaimGroup, CompareResult
from dedupe.embed.encoder import EmbeddingCache, default_cache_dir, load_encoder


def _show(group: ClaimGroup, marked: frozenset[tuple[str, int | None]] = frozenset(), gold: Gold | None = None
          ) -> str:
    lines = [f"  [{group.status}] {len(group.members)} members, outlets {len(group.outlets)}"]
    for m in group.members:
        mark = "*" if gold is not None and (m.doc_id, sentence_of(gold, m.doc_id, m.start)) in marked else " "
        lines.append(f"   {mark}{m.doc_id}: {m.text[:150]!r}")
    lines += [f"    reason {r.type}: {r.detail[:300]}" for r in group.reasons]
    lines += [f"    update: {r.detail[:300]}" for r in group.updates]
    return "\n".join(lines)


def _cluster_groups(results: Sequence[CompareResult], gold: Gold, sets: Sequence[str]) -> None:
    """Every gold divergence cluster of ``sets`` with the groups that hold its sentences."""
    for cluster in (c for c in gold.clusters if c["status"] == "divergence" and c["set"] in sets):
        members = frozenset((m["doc"], m["i"]) for m in cluster["members"])
        print(f"CLUSTER {cluster['id']}: {cluster['claim']} -- {cluster['conflicts']}")
        for group in (g for r in results for g in r.groups):
            if any((m.doc_id, sentence_of(gold, m.doc_id, m.start)) in members for m in group.members):
                print(_show(group, members, gold))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+")
    parser.add_argument("--event", action="append", help="a tune set to print alone (repeatable)")
    parser.add_argument("--clusters", action="store_true",
                        help="print the groups that hold each gold divergence cluster's sentences")
    args = parser.parse_args(argv)
    gold = tune_only(load_gold(DEFAULT_GOLD))  # held-out documents out of the corpus, not even grouped into stories
    tune = gold.split["tune"]
    if args.event and not set(args.event) <= set(tune):
        parser.error(f"--event must name tune sets: {', '.join(tune)}")
    sets = args.event or tune
    encoder = load_encoder(None)
    cache = EmbeddingCache(default_cache_dir())
    _, true_div = gold_pairs(gold)
    true_div = [d for d in (in_sets(x, gold, sets) for x in true_div) if d]
    touched = [False] * len(true_div)
    results: list[CompareResult] = []
    run_compare(load_corpora(args.corpus, gold), gold, encoder, cache, CompareConfig(), only=sets, results=results)
    for result in results:
        for group in (g for g in result.groups if g.status == "divergence"):
            members = [(m.doc_id, sentence_of(gold, m.doc_id, m.start)) for m in group.members]
            pairs = in_sets(cross_pairs(((d, i) for d, i in members if i is not None), gold), gold, sets)
            hits = [n for n, d in enumerate(true_div) if d & pairs]
            for n in hits:
                touched[n] = True
            print(("REAL" if hits else "FALSE") + "\n" + _show(group))
    clusters = [c for c in gold.clusters if c["status"] == "divergence" and c["set"] in sets]
    for cluster, hit in zip(clusters, touched):
        if not hit:
            print(f"MISSED {cluster['id']}: {cluster['claim']} -- {cluster['conflicts']}")
    if args.clusters:
        _cluster_groups(results, gold, sets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
