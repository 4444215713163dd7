"""Processor time of the ``dedupe scan`` process itself, apart from its forked children.

    .venv/bin/python -m benchmarks.scan_parent_cpu --corpus /work/shared/corpora/reuters21578.jsonl

On a busy machine the wall clock says little; the parent's processor time is the critical path when a
second core is idle. Each round runs ``python -m dedupe scan CORPUS --format json -o OUT -q`` in a fresh
process twice, with the forks on and off (the load average it sees set to 0, or to the number of
processors, so that :func:`dedupe.runtime.idle_core` says yes or no whatever the machine's load), and
prints user + system seconds of the parent and of its children and the parent's minor page faults, read
with ``resource.getrusage`` when the parent exits; medians (and the parent's minimum) of the rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# Run in the child: report the rusage of that process (not of its forks) at exit.
_PROBE = """
import atexit, json, os, resource, runpy, sys
pid = os.getpid()
load = 0.0 if sys.argv[1] == "on" else float(os.cpu_count() or 1)
os.getloadavg = lambda: (load, load, load)
def report():
    if os.getpid() == pid:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        print(json.dumps([own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime, own.ru_minflt]),
              file=sys.stderr)
atexit.register(report)
sys.argv = ["dedupe"] + sys.argv[2:]
runpy.run_module("dedupe", run_name="__main__", alter_sys=True)
"""


def measure(corpus: str, forks: bool, out: Path) -> tuple[float, float, int]:
    """``(parent s, children s, parent minor faults)`` of one scan."""
    args = ["on" if forks else "off", "scan", corpus, "--format", "json", "-o", str(out), "-q"]
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True)
    parent, children, faults = json.loads(done.stderr.strip().splitlines()[-1])
    return parent, children, faults


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, help="A JSON Lines corpus (Reuters-21578).")
    parser.add_argument("--runs", type=int, default=4, help="Rounds (forks on, then off, in each).")
    options = parser.parse_args()
    rows: dict[bool, list[tuple[float, float, int]]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(options.runs):
            for forks in (True, False):
                rows[forks].append(measure(options.corpus, forks, Path(folder) / "out.json"))
    print("| forks | parent s, median (min) | children s, median | parent minor faults, median |")
    print("|---|---:|---:|---:|")
    for forks, runs in rows.items():
        parent, children, faults = (sorted(column) for column in zip(*runs))
        print(f"| {'on' if forks else 'off'} | {statistics.median(parent):.2f} ({parent[0]:.2f}) | "
              f"{statistics.median(children):.2f} | {statistics.median(faults) / 1000:.1f} k |")


if __name__ == "__main__":
    main()
