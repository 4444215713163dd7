"""``dedupe scan`` on the local engine against ``--engine spark`` on ``local[2]``: Reuters x1 and x10, same run.

    .venv/bin/python -m benchmarks.scan_spark --corpus /work/shared/corpora/reuters21578.jsonl
    .venv/bin/python -m benchmarks.scan_spark --corpus /work/shared/corpora/reuters21578.jsonl --scales 1 10 --repeat 3

Each run is a whole ``python -m dedupe scan CORPUS --format json -o OUT`` process (imports, the JVM's start,
reading, writing the JSON), wall clock, runs of the two engines in turns, median kept. Peak memory is the
largest sum of the resident memory of the process tree (the Python driver, the JVM, Spark's Python
workers), sampled every 0.1 s. Shuffle bytes are the shuffle write metrics of every finished task, read from
Spark's event log (``spark.eventLog.enabled`` through ``PYSPARK_SUBMIT_ARGS``). The two JSON outputs are
compared byte for byte.

The x10 corpus is ``benchmarks.scan_reuters``' (each article followed by nine seeded edited copies). The
extrapolation to 40 M articles on 160 cores takes the Spark run's cost per article from the slope between
x1 and x10 (so the fixed cost of starting Spark is counted once, not per article), as core-seconds
(``local[2]``: two cores), divides by 160 cores and adds the fixed cost; it assumes the per-article work
spreads evenly over the cores and leaves out the network, which carries the shuffle bytes reported.

A local master's JVM reads a class-data-sharing archive of Spark's classes from the user's cache, which the
first Spark run writes (:mod:`dedupe.scan.spark_jvm`): where there is none yet, one Spark run writes it
before the timed rounds, and its time is printed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.scan_reuters import scaled_corpus

TEXT_DEDUP = "text-dedup (Spark MinHash, published): 42 M documents in under 40 min on 160 cores"
TARGET_RATIO = 3.0
TARGET_DOCS, TARGET_CORES = 40_000_000, 160
#: ``dedupe scan`` with the engine's kept-documents folder switched off, as on a master that is not ``local``:
#: the later passes read and tokenise the documents again (``--reread``).
REREAD = ("import sys; from dedupe.scan import spark; spark._kept_folder = lambda sc, folder: None; "
          "from dedupe.cli import main; main()")


def tree_sample(root: int) -> tuple[int, dict[int, float]]:
    """Resident bytes of ``root`` and all its descendants, and the CPU seconds (user + system) each of them
    has used so far (from /proc)."""
    parents: dict[int, int] = {}
    sizes: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        sizes[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    family, changed = {root}, True
    while changed:
        grown = family | {pid for pid, parent in parents.items() if parent in family}
        changed, family = grown != family, grown
    return sum(sizes.get(pid, 0) for pid in family), {pid: times[pid] for pid in family if pid in times}


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak MB and CPU seconds of the process tree of ``command``.

    CPU seconds: the user + system time of every process of the tree (the driver, the JVM, Spark's Python
    workers, a forked helper), each as last sampled (every 0.1 s) before it ended.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    used: dict[int, float] = {}

    def sample() -> None:
        while process.poll() is None:
            rss, times = tree_sample(process.pid)
            peak[0] = max(peak[0], rss)
            used.update(times)
            time.sleep(0.1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, errors = process.communicate()
    seconds = time.perf_counter() - start
    watcher.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')[-3000:]}")
    return seconds, peak[0] / 1e6, sum(used.values())


def shuffle_bytes(folder: Path) -> int:
    """Shuffle bytes written by every task of the event logs in ``folder``."""
    total = 0
    for log in (path for path in folder.rglob("*") if path.is_file()):
        with open(log, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if '"SparkListenerTaskEnd"' not in line:
                    continue
                metrics = json.loads(line).get("Task Metrics") or {}
                total += int((metrics.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0))
    return total


def one_run(engine: str, corpus: Path, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One whole ``dedupe scan`` process of ``engine``; its time, memory, output and shuffle bytes."""
    out = folder / f"{engine}.json"
    entry = ["-c", REREAD] if engine == "spark-reread" else ["-m", "dedupe"]
    command = [sys.executable, *entry, "scan", str(corpus), "--format", "json", "-o", str(out), "-q"]
    env = dict(os.environ)
    logs = folder / f"events-{time.monotonic_ns()}"
    if engine.startswith("spark"):
        logs.mkdir()
        command += ["--engine", "spark", "--spark-master", args.master, "--partitions", str(args.partitions)]
        settings = {"spark.eventLog.enabled": "true", "spark.eventLog.dir": logs.as_uri(),
                    "spark.eventLog.compress": "false", "spark.eventLog.rolling.enabled": "false",
                    "spark.ui.showConsoleProgress": "false"}
        env["PYSPARK_SUBMIT_ARGS"] = " ".join(f"--conf {k}={v}" for k, v in settings.items()) + " pyspark-shell"
    seconds, peak, cpu = run(command, env)
    text = out.read_text(encoding="utf-8")
    return {"seconds": seconds, "peak_mb": peak, "cpu": cpu, "output": text,
            "pairs": json.loads(text)["summary"]["near_duplicate_pairs"],
            "shuffle": shuffle_bytes(logs) if engine.startswith("spark") else 0}


def first_run(corpus: Path, folder: Path, args: argparse.Namespace) -> list[str]:
    """Where no class-data-sharing archive of this Java and Spark exists yet (:mod:`dedupe.scan.spark_jvm`),
    one Spark run that writes it, before the timed rounds (a user's first run pays it once); its time."""
    from dedupe.scan import spark_jvm

    path = spark_jvm.archive_path()
    if path is None or path.is_file():
        return [f"JVM class archive: {path or 'none (no Java found)'} (there already)"]
    done = one_run("spark", corpus, folder, args)
    return [f"first run, which wrote the JVM class archive {path}: {done['seconds']:.1f} s, {done['cpu']:.1f} CPU s "
            f"(not in the table)"]


def measure(corpus: Path, documents: int, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Both engines ``args.repeat`` times in turns; medians, peaks, and whether the outputs agree."""
    runs: dict[str, list[dict[str, Any]]] = {"local": [], "spark": [], **({"spark-reread": []} if args.reread else {})}
    for _ in range(args.repeat):
        for engine in runs:
            runs[engine].append(one_run(engine, corpus, folder, args))
            print(f"  {documents} {engine}: {runs[engine][-1]['seconds']:.1f} s, {runs[engine][-1]['cpu']:.1f} CPU s, "
                  f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    row: dict[str, Any] = {"documents": documents}
    for engine, done in runs.items():
        row[engine] = {"seconds": statistics.median(r["seconds"] for r in done),
                       "cpu": statistics.median(r["cpu"] for r in done),
                       "rounds": [round(r["seconds"], 1) for r in done],
                       "peak_mb": max(r["peak_mb"] for r in done), "pairs": done[-1]["pairs"],
                       "shuffle": done[-1]["shuffle"]}
    outputs = {r["output"] for done in runs.values() for r in done}
    row["identical"] = len(outputs) == 1
    return row


def report(rows: list[dict[str, Any]], args: argparse.Namespace) -> list[str]:
    lines = [f"master {args.master}, {args.partitions} partitions; median of {args.repeat} whole processes; "
             f"load average at the end {os.getloadavg()[0]:.1f}", "",
             "| articles | local s | spark s | spark/local | local CPU s | spark CPU s | CPU spark/local "
             "| local peak MB | spark peak MB | pairs local / spark | identical | shuffle bytes/article |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for row in rows:
        local, spark = row["local"], row["spark"]
        lines.append(f"| {row['documents']:,} | {local['seconds']:.1f} | {spark['seconds']:.1f} | "
                     f"{spark['seconds'] / local['seconds']:.2f}x | {local['cpu']:.1f} | {spark['cpu']:.1f} | "
                     f"{spark['cpu'] / local['cpu']:.2f}x | {local['peak_mb']:.0f} | {spark['peak_mb']:.0f} | "
                     f"{local['pairs']} / {spark['pairs']} | {'yes' if row['identical'] else 'NO'} | "
                     f"{spark['shuffle'] / row['documents']:,.0f} |")
    lines += [""] + per_article(rows) + [""] + extrapolate(rows)
    for row in rows:
        if "spark-reread" in row:
            reread = row["spark-reread"]
            lines.append(f"{row['documents']:,} articles, documents read again as on a cluster: "
                         f"{reread['seconds']:.1f} s, {reread['seconds'] / row['local']['seconds']:.2f}x local, "
                         f"{reread['cpu']:.1f} CPU s, peak {reread['peak_mb']:.0f} MB, "
                         f"shuffle {reread['shuffle'] / row['documents']:,.0f} bytes/article")
    return lines


def per_article(rows: list[dict[str, Any]]) -> list[str]:
    """Wall and CPU microseconds per article of each engine at each corpus size (linear: the same at every
    size, less where a fixed cost is spread over more articles)."""
    return [f"{row['documents']:,} articles: " + "; ".join(
        f"{engine} {row[engine]['seconds'] / row['documents'] * 1e6:.0f} us wall, "
        f"{row[engine]['cpu'] / row['documents'] * 1e6:.0f} us CPU per article" for engine in ("local", "spark"))
        for row in rows]


def extrapolate(rows: list[dict[str, Any]]) -> list[str]:
    """Time per article (slope between the smallest and largest corpus) scaled to 40 M on 160 cores."""
    if len(rows) < 2:
        return []
    small, large = rows[0], rows[-1]
    lines = []
    for engine, cores in (("spark", 2),):
        slope = (large[engine]["seconds"] - small[engine]["seconds"]) / (large["documents"] - small["documents"])
        fixed = max(0.0, small[engine]["seconds"] - slope * small["documents"])
        minutes = (TARGET_DOCS * slope * cores / TARGET_CORES + fixed) / 60
        growth = large[engine]["seconds"] / small[engine]["seconds"]
        lines.append(f"{engine}: {slope * 1e6:.0f} us per article on {cores} cores ({slope * cores * 1e6:.0f} "
                     f"core-us), fixed {fixed:.0f} s; x{large['documents'] / small['documents']:.0f} articles took "
                     f"x{growth:.1f} the time; 40 M articles on 160 cores: about {minutes:.0f} min "
                     f"(shuffle {large['spark']['shuffle'] / large['documents'] * TARGET_DOCS / 1e9:,.0f} GB)")
    lines.append(TEXT_DEDUP)
    ratio = large["spark"]["seconds"] / large["local"]["seconds"]
    lines.append(f"target: spark on {rows[-1]['documents']:,} articles within {TARGET_RATIO:.0f}x of local: "
                 f"{ratio:.2f}x, {'met' if ratio <= TARGET_RATIO else 'NOT met'}; identical findings: "
                 f"{'yes' if all(r['identical'] for r in rows) else 'NO'}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="Reuters-21578 JSONL.")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="Corpus sizes, in copies.")
    parser.add_argument("--repeat", type=int, default=1, help="Runs of each engine, in turns (median time).")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--reread", action="store_true",
                        help="Also time the path of a cluster master (documents read again, not kept in local "
                             "files) on the same local master, in turns with the others.")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    first: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for scale in args.scales:
            corpus = folder / f"reuters-x{scale}.jsonl"
            documents, _ = scaled_corpus(args.corpus, scale, corpus)
            first = first or first_run(corpus, folder, args)
            rows.append(measure(corpus, documents, folder, args))
            corpus.unlink()
    print("\n".join(report(rows, args) + first))


if __name__ == "__main__":
    main(sys.argv[1:])
