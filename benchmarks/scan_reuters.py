"""Near-duplicate documents on Reuters-21578: exact truth, plain datasketch, rensa and ``dedupe scan``.

    .venv/bin/python -m benchmarks.scan_reuters --corpus /work/shared/corpora/reuters21578.jsonl
    .venv/bin/python -m benchmarks.scan_reuters --corpus /work/shared/corpora/reuters21578.jsonl --scale 10

Every method runs in its own process (``benchmarks._scan_methods``), timed from reading the corpus to
its list of pairs, imports left out; ``--repeat`` runs them in turns and keeps each one's median time.
Quality is measured against the exact pairs (Jaccard >= threshold on our word 5-gram shingles, by
sparse matrix products). ``ours`` is what ``dedupe scan`` runs (``load_corpus`` + ``scan``, every
finding located); ``ours-json`` reads the JSONL the way the baselines do; ``ours-docs`` also skips the
passage search (``--no-passages``), so it does the baselines' job only. The baselines keep the LSH
candidates whose *estimated* Jaccard reaches the threshold; ours keeps those whose exact Jaccard does.

``--scale N`` builds a corpus N times larger from the articles (each article followed by N-1 seeded
copies: a few lightly edited, so near-duplicates of it, the rest heavily rewritten) and runs ours on
growing prefixes of it, to show time and memory growing linearly; rensa runs on the largest for scale.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TARGET_SPEEDUP = 2.0
TARGET_RECALL = 0.99
_MAIN_METHODS = ("exact", "datasketch", "rensa", "rensa-batch", "ours", "ours-json", "ours-docs")


def run_method(method: str, corpus: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one method in a fresh process and return what it wrote."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "out.json")
        command = [sys.executable, "-m", "benchmarks._scan_methods", method, corpus, str(out),
                   "--threshold", str(args.threshold), "--ngram", str(args.ngram), "--num-perm", str(args.num_perm)]
        subprocess.run(command, check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
        return dict(json.loads(out.read_text(encoding="utf-8")))


def quality(found: list[list[int]], truth: set[tuple[int, int]]) -> tuple[float, float]:
    """Recall and precision of ``found`` against ``truth``."""
    pairs = {(a, b) for a, b in found}
    hits = len(pairs & truth)
    return hits / max(1, len(truth)), hits / max(1, len(pairs))


def measure(methods: tuple[str, ...], corpus: str, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Run the methods ``args.repeat`` times in turns; keep the median time and the last run's output."""
    runs: dict[str, list[dict[str, Any]]] = {m: [] for m in methods}
    for _ in range(args.repeat):
        for method in methods:
            runs[method].append(run_method(method, corpus, args))
            print(f"  {method}: {runs[method][-1]['seconds']:.2f} s", file=sys.stderr)
    results = {}
    for method, done in runs.items():
        result = done[-1]
        result["rounds"] = [r["seconds"] for r in done]
        result["seconds"] = statistics.median(result["rounds"])
        result["peak_mb"] = max(r["peak_mb"] for r in done)
        results[method] = result
    return results


def table(results: dict[str, dict[str, Any]], documents: int, megabytes: float) -> list[str]:
    truth = {(a, b) for a, b in results["exact"]["pairs"]}
    lines = [f"exact pairs with Jaccard >= threshold: {len(truth)}", "",
             "| method | seconds | docs/s | MB/s | peak MB | pairs | recall | precision | cand. recall "
             "| cand. precision |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for method, result in results.items():
        recall, precision = quality(result["pairs"], truth)
        cand = quality(result["candidates"], truth) if "candidates" in result else None
        cand_text = f"{cand[0]:.3f} | {cand[1]:.3f}" if cand else "- | -"
        seconds = result["seconds"]
        lines.append(f"| {method} | {seconds:.2f} | {documents / seconds:,.0f} | {megabytes / seconds:.1f} | "
                     f"{result['peak_mb']:.0f} | {len(result['pairs'])} | {recall:.3f} | {precision:.3f} "
                     f"| {cand_text} |")
    return lines


def verdict(results: dict[str, dict[str, Any]]) -> list[str]:
    truth = {(a, b) for a, b in results["exact"]["pairs"]}
    rensa = results["rensa"]["seconds"]
    lines = [""]
    for method in ("ours", "ours-json", "ours-docs"):
        if method not in results:
            continue
        recall, precision = quality(results[method]["pairs"], truth)
        speedup = rensa / results[method]["seconds"]
        # The same ratio round by round (rensa and ours run one after the other), which the machine's
        # drifting speed disturbs less than a ratio of medians taken over different moments.
        paired = statistics.median(r / o for r, o in zip(results["rensa"]["rounds"], results[method]["rounds"]))
        lines.append(f"{method}: {speedup:.2f}x rensa's docs/s (target {TARGET_SPEEDUP}x: "
                     f"{'met' if speedup >= TARGET_SPEEDUP else 'NOT met'}; round by round {paired:.2f}x), "
                     f"recall {recall:.3f} (target {TARGET_RECALL}: "
                     f"{'met' if recall >= TARGET_RECALL else 'NOT met'}), "
                     f"precision {precision:.3f} (target 1.0: {'met' if precision == 1.0 else 'NOT met'})")
    if "ours" in results:
        ours = results["ours"]
        lines.append(f"ours: load_corpus {ours['load_seconds']:.2f} s, scan stages "
                     + ", ".join(f"{k} {v:.2f}" for k, v in ours["stages"].items())
                     + f" (workers {ours['workers']}); findings {ours['findings']}")
    return lines


def scaled_corpus(source: str, scale: int, target: Path, seed: int = 11) -> tuple[int, float]:
    """Write ``scale`` copies of every article: the original, then seeded edited copies."""
    rng = random.Random(seed)
    with open(source, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    vocabulary = [w for r in records[:2000] for w in r["text"].split()]
    count, characters = 0, 0
    with open(target, "w", encoding="utf-8") as out:
        for record in records:
            for copy in range(scale):
                text = record["text"] if copy == 0 else edited(record["text"], rng, vocabulary)
                out.write(json.dumps({"id": f"{record['id']}~{copy}", "source": "Reuters", "text": text}) + "\n")
                count, characters = count + 1, characters + len(text)
    return count, characters / 1e6


def edited(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    """A light edit (one word in 50 replaced, so still a near-duplicate) one time in ten, else a heavy one."""
    rate = 0.02 if rng.random() < 0.1 else 0.5
    words = text.split(" ")
    return " ".join(rng.choice(vocabulary) if rng.random() < rate else w for w in words)


def scaling(args: argparse.Namespace) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder, "scaled.jsonl")
        documents, megabytes = scaled_corpus(args.corpus, args.scale, big)
        lines = [f"scaled corpus: {documents} documents, {megabytes:.1f} M characters", "",
                 "| documents | method | seconds | docs/s | peak MB | pairs | recall | precision |",
                 "|---:|---|---:|---:|---:|---:|---:|---:|"]
        rows = big.read_text(encoding="utf-8").splitlines(keepends=True)
        for fraction in args.fractions:
            part = Path(folder, f"part-{fraction}.jsonl")
            size = int(len(rows) * fraction)
            part.write_text("".join(rows[:size]), encoding="utf-8")
            methods = ("exact", "ours-json", "rensa") if fraction == args.fractions[-1] else ("exact", "ours-json")
            results = measure(methods, str(part), args)
            truth = {(a, b) for a, b in results["exact"]["pairs"]}
            for method in methods[1:]:
                result = results[method]
                recall, precision = quality(result["pairs"], truth)
                lines.append(f"| {size} | {method} | {result['seconds']:.2f} | {size / result['seconds']:,.0f} | "
                             f"{result['peak_mb']:.0f} | {len(result['pairs'])} | {recall:.3f} | {precision:.3f} |")
            print("\n".join(lines), file=sys.stderr)
        return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="Reuters-21578 JSONL (id, source, date, title, text).")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--ngram", type=int, default=5)
    parser.add_argument("--num-perm", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each method, in turns (median time).")
    parser.add_argument("--methods", default=",".join(_MAIN_METHODS), help="Comma-separated subset.")
    parser.add_argument("--scale", type=int, default=0,
                        help="Run the scaling test on a corpus this many times larger instead.")
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.1, 0.25, 0.5, 1.0],
                        help="Prefixes of the scaled corpus to time (with --scale).")
    args = parser.parse_args(argv)
    if args.scale:
        print("\n".join(scaling(args)))
        return
    methods = tuple(m for m in args.methods.split(",") if m)
    if "exact" not in methods or "rensa" not in methods:
        parser.error("--methods must include exact and rensa (the truth and the yardstick)")
    with open(args.corpus, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    results = measure(methods, args.corpus, args)
    print(f"corpus: {len(texts)} documents, {megabytes:.1f} MB of text; threshold {args.threshold}, "
          f"{args.ngram}-word shingles, {args.num_perm} permutations; median of {args.repeat} runs\n")
    print("\n".join(table(results, len(texts), megabytes) + verdict(results)))


if __name__ == "__main__":
    main(sys.argv[1:])
