"""Where ``dedupe index add``'s wall time goes, phase by phase: imports, load, add, close (a diagnostic).

    .venv/bin/python -m benchmarks.index_add_phases --corpus /work/shared/corpora/reuters21578.jsonl --runs 4

Each run is a fresh process that does what ``dedupe index add INDEX CORPUS`` does, through the same library
calls (``dedupe.pipeline.load_checked`` with the command's import hook, ``dedupe.index.open_index`` and
``Index.add``), into a fresh index in a temporary folder, and prints the wall seconds of each phase; this prints
the median of each phase over the runs, with the 1-minute load average before and after. It splits one
process's time; it is not a speed comparison (``benchmarks.index_history`` times whole processes against the
peers, ``benchmarks.index_add_cpu`` splits the CPU seconds between the writer and its children).
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

PHASES = ("imports", "load", "open", "add", "close")

_DRIVER = """
import json, os, sys, time
began = time.perf_counter()
from dedupe.runtime import one_blas_thread
one_blas_thread()  # as the command does, before numpy is imported
import click
from dedupe.cli.index import _import_add
from dedupe.cli.options import load_options
from dedupe.pipeline import load_checked
from dedupe.scan.config import ScanConfig
imported = time.perf_counter()
with click.Context(click.Command("add")):  # load_options reads the input format from the command's context
    loaded = load_checked((sys.argv[1],), load_options(None, None, None, False), sys.stdin.buffer,
                          lambda skipped: None, meanwhile=_import_add)
from dedupe.index import IndexParams, open_index
read = time.perf_counter()
with open_index(sys.argv[2], IndexParams.from_config(ScanConfig()), create=True) as index:
    opened = time.perf_counter()
    index.add(loaded.documents)
    added = time.perf_counter()
closed = time.perf_counter()
print(json.dumps([imported - began, read - imported, opened - read, added - opened, closed - added]))
sys.stdout.flush()
os._exit(0)  # as the command leaves (dedupe.cli.app._leave): no teardown
"""


def run_once(corpus: Path) -> list[float]:
    """One fresh process's phase seconds (:data:`PHASES`), bytecode written and reused as a user's runs do."""
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        out = subprocess.run([sys.executable, "-c", _DRIVER, str(corpus), str(Path(folder) / "index.db")],
                             env=env, check=True, capture_output=True, text=True).stdout
    return [float(x) for x in json.loads(out)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="corpus file to add (e.g. Reuters-21578 JSONL)")
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    before = os.getloadavg()[0]
    run_once(args.corpus)  # warm-up: the page cache and the bytecode
    runs = [run_once(args.corpus) for _ in range(args.runs)]
    after = os.getloadavg()[0]
    print(f"{args.corpus}: median of {args.runs} runs after a warm-up; 1-minute load {before:.1f} / {after:.1f}")
    for name, values in zip(PHASES, zip(*runs)):
        print(f"  {name:8} {statistics.median(values):.3f} s  ({', '.join(f'{v:.3f}' for v in values)})")
    print(f"  {'total':8} {statistics.median(sum(r) for r in runs):.3f} s")


if __name__ == "__main__":
    main()
