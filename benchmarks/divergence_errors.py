"""Error analysis of reported divergences on the TUNE split only: false ones with their reasons, and missed ones.

Usage:
    .venv/bin/python -m benchmarks.divergence_errors data /work/shared/corpora/multi-outlet/articles.jsonl

Scores as :mod:`benchmarks.claims_quality` does (its gold, its pair matching), but prints, for the tune sets
only, every reported ``divergence`` group that holds no cross-outlet pair of a gold divergence cluster (a false
divergence) with each of its reasons, and every gold divergence cluster that no reported divergence touches.
The held-out sets are never printed: their documents are not even compared.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from benchmarks.claims_quality import _GOLD, cross_pairs, gold_pairs, in_sets, load_gold, sentence_of
from dedupe.compare.groups import CompareConfig, ClaimGroup, compare_corpus
from dedupe.corpus.load import load_corpus
from dedupe.embed.encoder import EmbeddingCache, default_cache_dir, load_encoder
from dedupe.segment import segment_document
from dedupe.stories import group_stories


def _show(group: ClaimGroup) -> str:
    lines = [f"  [{group.status}] {len(group.members)} members, outlets {len(group.outlets)}"]
    lines += [f"    {m.doc_id}: {m.text[:150]!r}" for m in group.members]
    lines += [f"    reason {r.type}: {r.detail[:300]}" for r in group.reasons]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+")
    args = parser.parse_args(argv)
    gold = load_gold(_GOLD)
    tune = gold.split["tune"]
    encoder = load_encoder(None)
    cache = EmbeddingCache(default_cache_dir())
    _, true_div = gold_pairs(gold)
    true_div = [d for d in (in_sets(x, gold, tune) for x in true_div) if d]
    touched = [False] * len(true_div)
    for path in args.corpus:
        loaded = load_corpus([path]).documents
        stories = group_stories(loaded)
        documents = [segment_document(d) for d in loaded if gold.set_of.get(d.id) in tune]
        if not documents:
            continue
        result = compare_corpus(documents, encoder, CompareConfig(), stories=stories, cache=cache)  # type: ignore[arg-type]
        for group in (g for g in result.groups if g.status == "divergence"):
            members = [(m.doc_id, sentence_of(gold, m.doc_id, m.start)) for m in group.members]
            pairs = in_sets(cross_pairs(((d, i) for d, i in members if i is not None), gold), gold, tune)
            hits = [n for n, d in enumerate(true_div) if d & pairs]
            for n in hits:
                touched[n] = True
            print(("REAL" if hits else "FALSE") + "\n" + _show(group))
    clusters = [c for c in gold.clusters if c["status"] == "divergence" and c["set"] in tune]
    for cluster, hit in zip(clusters, touched):
        if not hit:
            print(f"MISSED {cluster['id']}: {cluster['claim']} -- {cluster['conflicts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
