"""Near-duplicate documents with rensa used plainly, as a whole program a user would write.

``python -m benchmarks._rensa_plain CORPUS OUT [--threshold T] [--ngram N] [--num-perm K]``

Reads the JSONL with ``json.loads``, shingles each text in Python (the same rule as ours: case-folded
runs of letters and digits, word n-grams joined by spaces, a short text as one shingle), one ``RMinHash``
per document, an ``RMinHashLSH``, a query per document, candidates kept when their estimated Jaccard
reaches the threshold; writes the pairs (document ids) as JSON to ``OUT``. Imports nothing but the
standard library and rensa: what ``benchmarks.scan_cli_speed`` times against ``dedupe scan``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from rensa import RMinHash, RMinHashLSH

_TOKEN = re.compile(r"[^\W_]+")


def shingles(text: str, ngram: int) -> list[str]:
    """Word n-grams of the case-folded letter-and-digit runs (one shingle for a short text)."""
    tokens = _TOKEN.findall(text.casefold())
    if len(tokens) < ngram:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i:i + ngram]) for i in range(len(tokens) - ngram + 1)]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("out")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--ngram", type=int, default=5)
    parser.add_argument("--num-perm", type=int, default=128)
    args = parser.parse_args(argv)
    with open(args.corpus, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    index = RMinHashLSH(threshold=args.threshold, num_perm=args.num_perm, num_bands=16)
    sketches: list[RMinHash | None] = []
    for key, record in enumerate(records):
        grams = shingles(record["text"], args.ngram)
        if not grams:
            sketches.append(None)
            continue
        sketch = RMinHash(num_perm=args.num_perm, seed=1)
        sketch.update(grams)
        index.insert(key, sketch)
        sketches.append(sketch)
    pairs = set()
    for key, sketch in enumerate(sketches):
        if sketch is None:
            continue
        for other in index.query(sketch):
            if other > key and sketch.jaccard(sketches[other]) >= args.threshold:  # type: ignore[union-attr]
                pairs.add((key, other))
    found = [{"a": records[a]["id"], "b": records[b]["id"]} for a, b in sorted(pairs)]
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump({"pairs": found}, out, indent=2)
        out.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
