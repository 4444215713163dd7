"""Segmentation speed and agreement: dedupe.segment (pysbd only on hard pieces) vs pysbd everywhere.

Each mode runs as its own process over the same documents (the first ``--docs`` Reuters articles,
plus every article of the other corpora given), and prints the characters segmented per second of
segmentation (median of ``--rounds``) and its whole-process wall clock. "pysbd" is the reference: the
same modules with every paragraph handed to pysbd (``boundaries._fast_starts`` replaced by
``boundaries._pysbd_starts``), which is how dedupe segmented before. Agreement: the documents whose
sentence spans differ between the two modes (target: none). Speed is given per CPU second too (one
process, one core), the fair figure on a shared machine; the speed-up is the ratio of those.

    .venv/bin/python -m benchmarks.segment_speed --corpus /work/shared/corpora/reuters21578.jsonl \\
        --extra /work/shared/corpora/multi-outlet/articles.jsonl --extra data --docs 2000 [--only fast]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from dedupe import boundaries, segment
from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Document

MODES = ("pysbd", "fast")


def documents(corpus: Path, docs: int, extra: list[str]) -> list[Document]:
    """The first ``docs`` documents of ``corpus`` and all those of ``extra``."""
    first = list(load_corpus([str(corpus)]).documents)[:docs]
    return first + (list(load_corpus(extra).documents) if extra else [])


def run_mode(mode: str, docs: list[Document], rounds: int) -> dict[str, object]:
    """Segment ``docs`` ``rounds`` times in this process; spans digest per document and speed."""
    if mode == "pysbd":
        boundaries._fast_starts = boundaries._pysbd_starts  # type: ignore[assignment]
    times, cpu_times = [], []
    spans: dict[str, str] = {}
    for _ in range(rounds):
        began, cpu_began = time.perf_counter(), time.process_time()
        done = [segment.segment_document(doc) for doc in docs]
        times.append(time.perf_counter() - began)
        cpu_times.append(time.process_time() - cpu_began)
    for seg in done:
        key = json.dumps([(s.start, s.end) for s in seg.sentences])
        spans[seg.doc.id] = hashlib.sha1(key.encode()).hexdigest()
    chars = sum(len(doc.text) for doc in docs)
    return {"mode": mode, "chars": chars, "seconds": statistics.median(times),
            "chars_per_s": chars / statistics.median(times),
            "chars_per_cpu_s": chars / statistics.median(cpu_times), "spans": spans}


def main() -> None:
    """Run both modes as subprocesses and print speeds, the ratio and the disagreements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--extra", action="append", default=[])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=MODES, help="run this mode alone (speed only, no agreement)")
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    docs = documents(args.corpus, args.docs, args.extra)
    if args.mode:
        print(json.dumps(run_mode(args.mode, docs, args.rounds)))
        return
    results = {}
    for mode in [args.only] if args.only else MODES:
        began = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "benchmarks.segment_speed", *sys.argv[1:], "--mode", mode],
                             check=True, capture_output=True, text=True).stdout
        results[mode] = json.loads(out)
        print(f"{mode:6s} {results[mode]['chars_per_s'] / 1e3:8.1f} KB/s wall, "
              f"{results[mode]['chars_per_cpu_s'] / 1e3:8.1f} KB per CPU second segmenting "
              f"({results[mode]['chars']} chars, median of {args.rounds}); "
              f"process {time.perf_counter() - began:.1f} s")
    print(f"load average {os.getloadavg()[0]:.1f}")
    if args.only:
        return
    ratio = results["fast"]["chars_per_cpu_s"] / results["pysbd"]["chars_per_cpu_s"]
    differ = sorted(d for d, h in results["fast"]["spans"].items() if results["pysbd"]["spans"].get(d) != h)
    print(f"speed-up {ratio:.2f}x (CPU time); documents whose sentences differ: {len(differ)} of {len(docs)} "
          f"{differ[:10]}")


if __name__ == "__main__":
    main()
