"""The share of a large JSON Lines file the loader's process should read: where it and its forked child end together.

    .venv/bin/python -m benchmarks.load_share --corpus /tmp/h10.jsonl --tree . --share 0.45 --share 0.65 --runs 3
    .venv/bin/python -m benchmarks.load_share --corpus /tmp/h1.jsonl --tree . --share 0.3 --share 0.6 --command scan

Runs the load of ``--command`` (``add``: ``dedupe index add``, whose imports are its ``meanwhile`` work; ``scan``:
``dedupe scan``, the same with the scan's imports; ``against``: ``dedupe scan --against``, nothing meanwhile) of
``--corpus`` in a new process with ``--tree`` first on its ``PYTHONPATH``, forked as on an idle machine, the file cut
at each ``--share`` in turn (:func:`dedupe.corpus.load.part_share` replaced), and leaves once the corpus is loaded.
Each run reports the processor milliseconds of this process from the fork until its part is read (the caller's
``meanwhile`` work included), of the child until its records are sent back, the wall milliseconds of the wait for
the child and of the merge of its records, and the load's end from the launch. From the medians at two shares, each
process' time is a fixed part and a part growing with its share of the file; the share where both are equal is the
one :func:`~dedupe.corpus.load.part_share` should give that file (processor time, not wall time: on a machine
others load, wall times swing, processor times much less).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

_COMMANDS = {"add": ["index", "add", "{scratch}/x.db", "{corpus}"], "scan": ["scan", "{corpus}"],
             "against": ["scan", "--against", "{scratch}/none.db", "{corpus}"]}

_DRIVER = """
import os, sys, time
launched = time.perf_counter()
os.getloadavg = lambda: (0.0, 0.0, 0.0)
share, child_file = float(sys.argv[1]), sys.argv[2]
import dedupe.corpus.load as load
import dedupe.pipeline as pipeline
import dedupe.pipeline.load as pipeline_load
load.part_share = lambda size, meanwhile: share
marks, real_exit, real_load, Forked = {}, os._exit, pipeline_load.load_checked, load.ForkedCall

def child_exit(status):
    with open(child_file, "w") as out:
        out.write(f"{1e3 * time.process_time():.1f}")
    real_exit(status)

class Traced(Forked):
    def __init__(self, function, pickled=False):
        marks["fork"] = time.process_time()
        os._exit = child_exit
        super().__init__(function, pickled)
        os._exit = real_exit

    def result(self):
        marks["part"], marks["wait"] = time.process_time(), time.perf_counter()
        view = super().result()
        marks["back"] = time.perf_counter()
        return view

def loaded(*args, **kwargs):
    real_load(*args, **kwargs)
    end = time.perf_counter()
    child = float(open(child_file).read())
    print(1e3 * (marks["part"] - marks["fork"]), child, 1e3 * (marks["back"] - marks["wait"]),
          1e3 * (end - marks["back"]), 1e3 * (end - launched), flush=True)
    real_exit(0)

load.ForkedCall = Traced
pipeline.load_checked = pipeline_load.load_checked = loaded
from dedupe.cli.app import main
sys.argv = ["dedupe", *sys.argv[3:]]
main()
"""
_COLUMNS = ("writer CPU", "child CPU", "wait", "merge", "loaded at")


def run_once(tree: Path, share: float, arguments: list[str], scratch: Path) -> list[float]:
    """One load at ``share``: the figures of :data:`_COLUMNS`, in milliseconds."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    done = subprocess.run([sys.executable, "-c", _DRIVER, str(share), str(scratch / "child"), *arguments], env=env,
                          cwd=scratch, capture_output=True, text=True, check=True)
    return [float(figure) for figure in done.stdout.split()]


def balance(low: float, high: float, at_low: list[float], at_high: list[float]) -> float:
    """The share at which the writer's and the child's processor times (each fixed plus a part of the file's) are
    equal, from their medians at two shares.

    Example:
        >>> balance(0.4, 0.6, [50.0, 70.0], [70.0, 50.0])
        0.5
    """
    writer_slope = (at_high[0] - at_low[0]) / (high - low)  # the writer's milliseconds for the whole file
    child_slope = (at_low[1] - at_high[1]) / (high - low)
    writer_fixed = at_low[0] - low * writer_slope
    child_fixed = at_low[1] - (1 - low) * child_slope
    return (child_fixed + child_slope - writer_fixed) / (writer_slope + child_slope)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="A large JSON Lines file.")
    parser.add_argument("--tree", type=Path, required=True, help="The source tree to run.")
    parser.add_argument("--share", type=float, action="append", required=True, help="A share (twice).")
    parser.add_argument("--runs", type=int, default=5, help="Runs at each share, the shares in turn.")
    parser.add_argument("--command", choices=sorted(_COMMANDS), default="add")
    args = parser.parse_args(argv)
    if len(args.share) != 2:
        parser.error("give --share twice")
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / f"load_share.{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    arguments = [part.format(scratch=scratch, corpus=args.corpus.resolve()) for part in _COMMANDS[args.command]]
    runs: dict[float, list[list[float]]] = {share: [] for share in args.share}
    for _ in range(args.runs):
        for share in args.share:
            runs[share].append(run_once(args.tree.resolve(), share, arguments, scratch))
    print(f"{args.command} {args.corpus.name}, medians of {args.runs} (ms), load average "
          f"{os.getloadavg()[0]:.2f}")
    print("share " + " ".join(f"{column:>10}" for column in _COLUMNS))
    medians = {share: [statistics.median(column) for column in zip(*rows)] for share, rows in runs.items()}
    for share, figures in medians.items():
        print(f"{share:5.2f} " + " ".join(f"{figure:10.1f}" for figure in figures))
    low, high = sorted(args.share)
    print(f"both done together at share {balance(low, high, medians[low], medians[high]):.3f}")


if __name__ == "__main__":
    main()
