"""Checking a daily batch against history: ``dedupe index`` vs datasketch ``MinHashLSH`` (Redis, pickle).

    .venv/bin/python -m benchmarks.index_history --corpus /work/shared/corpora/reuters21578.jsonl --scale 10

History is Reuters-21578 made ``--scale`` times larger as the scan scaling run makes it
(:func:`benchmarks.scan_reuters.scaled_corpus`: each article, then seeded edited copies). The batch holds
1,000 articles with known copies of history: 250 exact re-scrapes under new ids, 250 light edits (one word
in 50), 100 with a 40-word passage lifted from a history article into new text, 400 new articles (heavy
rewrites of random Reuters articles, so they share some phrases with history).

Every step is a whole process, timed by wall clock from start to exit (imports, reading the corpus and
writing the output included); peak memory is the process' own maximum resident set (``/usr/bin/time``):

* add: ``dedupe index add`` / datasketch insert (Redis storage, started on a free localhost port and
  stopped by this script) / datasketch in memory then pickled. ``--add-runs`` runs each, every one into a
  fresh store as hyperfine's ``--prepare`` would make it (ours: the index files removed; Redis: ``FLUSHALL``;
  pickle: its state file removed), untimed; the table gives the median add and its range, the ratio is median
  over median. The check and the recall use the last add's store. (Until session 14 each add ran once: the
  same comparison, measured alike on both sides now.)
* check: ``dedupe scan BATCH --against INDEX`` / datasketch queries (Redis; pickle unpickled each run),
  median of ``--repeat`` runs.
* full rescan: ``dedupe scan HISTORY BATCH``, the reference for recall and for equivalence.

Recall: of the full rescan's near-duplicate pairs between the batch and history, the share each method
finds (datasketch: among its LSH candidates, unverified); of the planted copies, the share found.
Equivalence: of the full rescan's findings that involve the batch, the share ``--against`` reports
identically (kind, similarity, every occurrence with its offsets).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import process_time
from benchmarks.scan_reuters import edited, scaled_corpus

TARGET_ADD = 5000
TARGET_ADD_RATIO = 20.0
TARGET_CHECK_SECONDS = 3.0
TARGET_PEAK_MB = 500


def timed(command: list[str]) -> tuple[float, float, float]:
    """:func:`benchmarks.process_time.timed` ``command`` (exit 0 or 1: a scan that found something): its
    wall-clock seconds, peak resident memory in MB and CPU seconds."""
    run = process_time.timed(command, ok=(0, 1))
    return run.wall, run.peak_mb, run.cpu


def repeated_adds(command: list[str], fresh: Callable[[], None], runs: int) -> list[tuple[float, float, float]]:
    """:func:`timed` ``command`` ``runs`` times, each after ``fresh()`` (untimed) made its store empty, as
    hyperfine's ``--prepare`` does."""
    times = []
    for _ in range(runs):
        fresh()
        times.append(timed(command))
    return times


def _adds(runs: list[tuple[float, float, float]]) -> dict[str, float]:
    """The median wall and CPU seconds of repeated adds, their fastest and slowest wall, the largest peak."""
    walls = [s for s, _, _ in runs]
    return {"add": statistics.median(walls), "add_min": min(walls), "add_max": max(walls),
            "add_cpu": statistics.median(c for _, _, c in runs), "add_mb": max(m for _, m, _ in runs)}


def _removed(*paths: Path) -> Callable[[], None]:
    """A ``fresh`` step for :func:`repeated_adds`: remove these files where they exist."""
    def remove() -> None:
        for path in paths:
            path.unlink(missing_ok=True)
    return remove


def _flushed(port: int) -> Callable[[], None]:
    """A ``fresh`` step for :func:`repeated_adds`: empty the Redis server (``FLUSHALL``)."""
    def flush() -> None:
        import redis

        redis.Redis(host="127.0.0.1", port=port).flushall()
    return flush


def make_batch(source: str, history: Path, target: Path, seed: int = 23) -> dict[str, str]:
    """Write the 1,000-article batch; returns the planted copies (batch id -> history id)."""
    rng = random.Random(seed)
    with open(source, encoding="utf-8") as handle:
        originals = [json.loads(line) for line in handle if line.strip()]
    with open(history, encoding="utf-8") as handle:
        past = [json.loads(line) for line in handle if line.strip()]
    vocabulary = [w for r in originals[:2000] for w in r["text"].split()]
    known: dict[str, str] = {}
    records = []
    for i, record in enumerate(rng.sample(past, 600)):
        words = record["text"].split(" ")
        if i < 250:
            text = record["text"]
        elif i < 500:
            text = " ".join(rng.choice(vocabulary) if rng.random() < 0.02 else w for w in words)
        else:
            start = rng.randrange(0, max(1, len(words) - 40))
            fresh = edited(rng.choice(originals)["text"], random.Random(rng.random()), vocabulary)
            text = f"{' '.join(fresh.split(' ')[:60])} {' '.join(words[start:start + 40])}"
        records.append({"id": f"batch-{i}", "source": "Wire", "text": text})
        if i < 500:
            known[f"batch-{i}"] = record["id"]
    for i in range(600, 1000):
        text = " ".join(rng.choice(vocabulary) if rng.random() < 0.5 else w
                        for w in rng.choice(originals)["text"].split(" "))
        records.append({"id": f"batch-{i}", "source": "Wire", "text": text})
    target.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return known


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return server, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def redis_bytes(port: int) -> int:
    import redis

    return int(redis.Redis(host="127.0.0.1", port=port).info("memory")["used_memory"])


def near_pairs(findings: list[dict[str, Any]], batch: set[str]) -> set[tuple[str, str]]:
    """Near-duplicate pairs ``(batch id, history id)`` of a scan's JSON findings."""
    pairs = set()
    for finding in findings:
        for pair in finding.get("pairs", []):
            a, b = pair["a"], pair["b"]
            if (a in batch) != (b in batch):
                pairs.add((a, b) if a in batch else (b, a))
    return pairs


def run(args: argparse.Namespace) -> list[str]:
    py = [sys.executable, "-m"]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        history, batch_path = folder / "history.jsonl", folder / "batch.jsonl"
        documents, megabytes = scaled_corpus(args.corpus, args.scale, history)
        known = make_batch(args.corpus, history, batch_path)
        batch = {json.loads(line)["id"] for line in batch_path.read_text().splitlines()}
        rows: dict[str, dict[str, float]] = {}
        db = folder / "history.db"
        load = [os.getloadavg()[0]]
        adds = repeated_adds(py + ["dedupe", "index", "add", str(db), str(history)],
                             _removed(db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")),
                             args.add_runs)
        size = sum(p.stat().st_size for p in folder.glob("history.db*"))
        out = folder / "against.json"
        check = [timed(py + ["dedupe", "scan", str(batch_path), "--against", str(db), "--format", "json", "-o",
                             str(out), "-q"]) for _ in range(args.repeat)]
        rows["dedupe index"] = {**_adds(adds), "bytes": size / documents, **_checks(check)}
        load.append(os.getloadavg()[0])
        full_out = folder / "full.json"
        full_s, full_mb, full_cpu = timed(py + ["dedupe", "scan", str(history), str(batch_path), "--format", "json",
                                                "-o", str(full_out), "-q"])
        ours, full = json.loads(out.read_text()), json.loads(full_out.read_text())
        expected = [f for f in full["findings"] if any(o["doc"] in batch for o in f["occurrences"])]
        truth = near_pairs(expected, batch)
        found = {"dedupe index": near_pairs(ours["findings"], batch)}
        if not args.skip_datasketch:
            server, port = start_redis(folder)
            try:
                for method in ("redis", "pickle"):
                    state, result = folder / f"{method}.pickle", folder / f"{method}.json"
                    base = py + ["benchmarks._index_methods", method]
                    tail = [str(state), str(result), "--redis-port", str(port)]
                    fresh = _flushed(port) if method == "redis" else _removed(state)
                    adds = repeated_adds(base + ["add", str(history)] + tail, fresh, args.add_runs)
                    stored = redis_bytes(port) if method == "redis" else state.stat().st_size
                    check = [timed(base + ["check", str(batch_path)] + tail) for _ in range(args.repeat)]
                    label = f"datasketch+{method}"
                    rows[label] = {**_adds(adds), "bytes": stored / documents, **_checks(check)}
                    found[label] = {(a, b) for a, b in json.loads(result.read_text())["candidates"]}
            finally:
                server.terminate()
                server.wait()
        load.append(os.getloadavg()[0])
        return report(rows, found, truth, known, ours["findings"], expected, documents, megabytes,
                      (full_s, full_mb, full_cpu), load, args)


def _checks(runs: list[tuple[float, float, float]]) -> dict[str, float]:
    """Median wall and CPU seconds and the largest peak of repeated checks."""
    return {"check": statistics.median(s for s, _, _ in runs), "check_cpu": statistics.median(c for _, _, c in runs),
            "check_mb": max(m for _, m, _ in runs)}


def report(rows: dict[str, dict[str, float]], found: dict[str, set[tuple[str, str]]], truth: set[tuple[str, str]],
           known: dict[str, str], ours: list[dict[str, Any]], expected: list[dict[str, Any]], documents: int,
           megabytes: float, full: tuple[float, float, float], load: list[float],
           args: argparse.Namespace) -> list[str]:
    lines = [f"history: Reuters-21578 x{args.scale}: {documents} articles, {megabytes:.1f} M characters; "
             f"batch: 1,000 articles ({len(known)} planted copies); add: median of {args.add_runs} runs (range), "
             f"each into a fresh store; check: median of {args.repeat} runs; "
             f"1-minute load average {' / '.join(f'{x:.1f}' for x in load)} (start / after ours / end; "
             f"{os.cpu_count()} cores)", "",
             "| method | add s (range) | add CPU s | add docs/s | docs/CPU s | add peak MB | bytes/article | check s "
             "| check CPU s | check peak MB | recall (rescan pairs) | planted copies found |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, row in rows.items():
        pairs = found[label]
        recall = len(truth & pairs) / max(1, len(truth))
        copies = sum((b, h) in pairs for b, h in known.items()) / max(1, len(known))
        lines.append(f"| {label} | {row['add']:.2f} ({row['add_min']:.2f}-{row['add_max']:.2f}) | {row['add_cpu']:.1f} "
                     f"| {documents / row['add']:,.0f} "
                     f"| {documents / row['add_cpu']:,.0f} | {row['add_mb']:.0f} | {row['bytes']:,.0f} "
                     f"| {row['check']:.2f} | {row['check_cpu']:.2f} | {row['check_mb']:.0f} | {recall:.3f} "
                     f"| {copies:.3f} |")
    same = sum(f in ours for f in expected)
    ours_rate = documents / rows["dedupe index"]["add"]
    lines += ["", f"full rescan (dedupe scan HISTORY BATCH): {full[0]:.1f} s ({full[2]:.1f} CPU s), "
              f"peak {full[1]:.0f} MB; "
              f"near-duplicate pairs with the batch: {len(truth)}",
              f"equivalence: {same} of {len(expected)} rescan findings involving the batch reported identically "
              f"by --against ({len(ours)} reported)",
              f"add: {ours_rate:,.0f} docs/s (target {TARGET_ADD:,}: {_met(ours_rate >= TARGET_ADD)})"]
    if "datasketch+redis" in rows:
        ratio = rows["datasketch+redis"]["add"] / rows["dedupe index"]["add"]
        cpu_ratio = rows["datasketch+redis"]["add_cpu"] / rows["dedupe index"]["add_cpu"]
        lines.append(f"add vs datasketch+redis: {ratio:.1f}x wall, median over median (target {TARGET_ADD_RATIO:.0f}x: "
                     f"{_met(ratio >= TARGET_ADD_RATIO)}); {cpu_ratio:.1f}x in CPU seconds (the Redis server's "
                     "own CPU not counted)")
    check = rows["dedupe index"]
    lines.append(f"check: {check['check']:.2f} s, {check['check_cpu']:.2f} CPU s (target {TARGET_CHECK_SECONDS} s: "
                 f"{_met(check['check'] <= TARGET_CHECK_SECONDS)}), peak {check['check_mb']:.0f} MB "
                 f"(target {TARGET_PEAK_MB}: {_met(check['check_mb'] <= TARGET_PEAK_MB)})")
    return lines


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="Reuters-21578 as JSON Lines.")
    parser.add_argument("--scale", type=int, default=10, help="History = the corpus this many times (10: 190k).")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each check (the median is kept).")
    parser.add_argument("--add-runs", type=int, default=3,
                        help="Runs of each add, each into a fresh store (the median is kept).")
    parser.add_argument("--skip-datasketch", action="store_true", help="Ours only.")
    args = parser.parse_args(argv)
    if args.add_runs < 1 or args.repeat < 1:
        parser.error("--add-runs and --repeat must be at least 1")
    print("\n".join(run(args)))


if __name__ == "__main__":
    main()
