"""Where an in-process Spark scan spends its time: wall and process-tree CPU seconds per stage.

    .venv/bin/python -m benchmarks.spark_stage_cpu --corpus /work/shared/corpora/reuters21578.jsonl --scale 10

A profiling aid, not a speed comparison (that is :mod:`benchmarks.scan_spark`, whole processes): the scan
runs in this process on ``local[2]``, and the CPU seconds of this process and every descendant (the JVM,
the Python workers; :func:`benchmarks.scan_spark.tree_sample`) are sampled around each of the scan's stage
timers. The corpus is Reuters-21578 made ``--scale`` times larger as the scan scaling run makes it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from benchmarks.scan_reuters import scaled_corpus
from benchmarks.scan_spark import tree_sample
from dedupe import runtime
from dedupe.scan import spark
from dedupe.scan.config import ScanConfig

_T = TypeVar("_T")


class TreeCpu:
    """CPU seconds used so far by this process and every descendant seen (a finished worker keeps its last
    sample)."""

    def __init__(self) -> None:
        self._seen: dict[int, float] = {}

    def __call__(self) -> float:
        _, times = tree_sample(os.getpid())
        self._seen.update(times)
        return sum(self._seen.values())


def stage_cpu(cpu: TreeCpu) -> dict[str, float]:
    """Make every :class:`dedupe.runtime.StageTimer` also add each stage's CPU seconds to the returned dict."""
    spent: dict[str, float] = {}
    timed = runtime.StageTimer.run

    def run(self: runtime.StageTimer, stage: str, func: Callable[[], _T]) -> _T:
        before = cpu()
        try:
            return timed(self, stage, func)
        finally:
            spent[stage] = spent.get(stage, 0.0) + cpu() - before

    runtime.StageTimer.run = run  # type: ignore[method-assign]
    return spent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="Reuters-21578 JSONL.")
    parser.add_argument("--scale", type=int, default=10, help="Corpus size, in copies.")
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args(argv)
    cpu = TreeCpu()
    spent = stage_cpu(cpu)
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / f"reuters-x{args.scale}.jsonl"
        scaled_corpus(args.corpus, args.scale, corpus)
        wall, start = time.perf_counter(), cpu()
        context = spark.spark_context("local[2]", settings={"spark.ui.showConsoleProgress": "false"})
        context.setLogLevel("ERROR")
        print(f"context start: {time.perf_counter() - wall:.1f} s wall, {cpu() - start:.1f} CPU s")
        scanned = spark.scan_spark(context, [str(corpus)], ScanConfig(), partitions=args.partitions)
    print(f"pairs {len(scanned.result.pairs)}, findings {len(scanned.result.findings)}")
    print("| stage | wall s | CPU s |\n|---|---:|---:|")
    for stage, seconds in scanned.result.stats.seconds.items():
        print(f"| {stage} | {seconds:.1f} | {spent.get(stage, 0.0):.1f} |")
    print(f"whole process tree: {cpu():.1f} CPU s; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
