"""``dedupe scan`` as a user runs it against rensa used plainly: whole processes, output written.

    .venv/bin/python -m benchmarks.scan_cli_speed --corpus /work/shared/corpora/reuters21578.jsonl

Each run is a fresh process timed by wall clock from start to exit, imports, loading and writing the
output included (its processor time, user + system, is shown too: it varies less on a shared machine):

- ours: ``python -m dedupe scan CORPUS --format json -o OUT -q`` (every finding located, written as JSON);
- rensa: ``python -m benchmarks._rensa_plain CORPUS OUT`` (JSONL read with ``json.loads``, shingles in
  Python, ``RMinHash`` + ``RMinHashLSH``, the pairs written as JSON).

One warm-up run of each, then ``--runs`` rounds, ours and rensa one after the other in each round; the
ratio is of the medians, and the median of the round-by-round ratios is printed beside it. Quality:
the near-duplicate pairs (Jaccard >= threshold) each wrote, against the exact pairs (all pairs by sparse
matrix products, ``benchmarks._scan_methods exact``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.process_time import timed

TARGET_SPEEDUP = 2.0
_ROOT = Path(__file__).resolve().parent.parent


def commands(corpus: str, folder: Path) -> dict[str, list[str]]:
    """The command line of each contestant; each writes ``folder/<name>.json``."""
    return {"ours": [sys.executable, "-m", "dedupe", "scan", corpus, "--format", "json", "-o",
                     str(folder / "ours.json"), "-q"],
            "rensa": [sys.executable, "-m", "benchmarks._rensa_plain", corpus, str(folder / "rensa.json")]}


def exact_pairs(corpus: str, threshold: float, folder: Path) -> set[tuple[str, str]]:
    """The exact pairs (document ids) with Jaccard >= ``threshold`` on our shingles."""
    out = folder / "exact.json"
    subprocess.run([sys.executable, "-m", "benchmarks._scan_methods", "exact", corpus, str(out), "--threshold",
                    str(threshold)], check=True, env={**os.environ, "PYTHONPATH": str(_ROOT)}, cwd=_ROOT)
    with open(corpus, encoding="utf-8") as handle:
        ids = [str(json.loads(line)["id"]) for line in handle if line.strip()]
    return {(ids[a], ids[b]) for a, b in json.loads(out.read_text(encoding="utf-8"))["pairs"]}


def found_pairs(name: str, folder: Path, threshold: float) -> set[tuple[str, str]]:
    """The pairs a contestant wrote (ours: the near-duplicate pairs whose Jaccard reaches the threshold)."""
    document: dict[str, Any] = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    if name == "rensa":
        return {(p["a"], p["b"]) for p in document["pairs"]}
    return {(p["a"], p["b"]) for f in document["findings"] if f["kind"] == "near_duplicate"
            for p in f["pairs"] if p["jaccard"] >= threshold}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="Reuters-21578 JSONL (id, source, date, title, text).")
    parser.add_argument("--runs", type=int, default=5, help="Timed rounds after one warm-up round.")
    args = parser.parse_args(argv)
    threshold = 0.8  # dedupe scan's default, given to rensa too
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        runs = commands(args.corpus, folder)
        for command in runs.values():
            timed(command, cwd=_ROOT)  # warm-up: files in the page cache, bytecode compiled and written
        times: dict[str, list[float]] = {contestant: [] for contestant in runs}
        cpu: dict[str, list[float]] = {contestant: [] for contestant in runs}
        for _ in range(args.runs):
            for contestant, command in runs.items():
                run = timed(command, cwd=_ROOT)
                times[contestant].append(run.wall)
                cpu[contestant].append(run.cpu)
        truth = exact_pairs(args.corpus, threshold, folder)
        print(f"corpus: {args.corpus}; {len(truth)} exact pairs with Jaccard >= {threshold}; "
              f"median of {args.runs} rounds after a warm-up\n")
        print("| contestant | median s | runs (s) | median CPU s | pairs | recall | precision |\n"
              "|---|---:|---|---:|---:|---:|---:|")
        for contestant, seconds in times.items():
            pairs = found_pairs(contestant, folder, threshold)
            hits = len(pairs & truth)
            print(f"| {contestant} | {statistics.median(seconds):.2f} | {', '.join(f'{s:.2f}' for s in seconds)} "
                  f"| {statistics.median(cpu[contestant]):.2f} | {len(pairs)} | {hits / max(1, len(truth)):.3f} "
                  f"| {hits / max(1, len(pairs)):.3f} |")
    ratio = statistics.median(times["rensa"]) / statistics.median(times["ours"])
    paired = statistics.median(r / o for r, o in zip(times["rensa"], times["ours"]))
    print(f"\nours: {ratio:.2f}x rensa, whole process (round by round {paired:.2f}x); target {TARGET_SPEEDUP}x: "
          f"{'met' if ratio >= TARGET_SPEEDUP else 'NOT met'}; processor time "
          f"{statistics.median(cpu['rensa']) / statistics.median(cpu['ours']):.2f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
