"""Where ``dedupe index add``'s processor time goes: the writer's and its forked children's, per source tree.

    .venv/bin/python -m benchmarks.index_add_cpu --corpus /work/shared/corpora/reuters21578.jsonl \\
        --tree /work/main --tree . --runs 8 --parallel

Each run is a whole process (``dedupe index add`` of ``--corpus`` into a fresh index, through the command's
entry point), the trees taken in
turn (A/B alternating, so every tree meets the same load), each with its own ``PYTHONPATH``. A run reports
the CPU seconds (user + system) of the writer itself and of the children it reaped (the loader's and the
batch preparer's forks), from ``os.times()`` at its end, and its wall seconds, with the page faults of both
(``getrusage``) and the bytes the writer wrote (``/proc/self/io``); this prints the medians per tree (also of the
user and the system seconds apart: the kernel's share, page faults and writes, is most of the system's) and the
SHA-256 of each tree's index files (the same across runs, or it says so).

On a machine others load, wall seconds swing 2x between identical runs; the split of CPU seconds does not,
and says which process an add waits for (on an idle machine its wall time is about the busier process').
``--parallel`` makes ``os.getloadavg`` report 0 in the runs, so that ``dedupe.runtime.idle_core`` lets the
add fork whatever the load (it runs in one process from a load average of 2 on 2 cores); ``--serial`` makes
``os.cpu_count`` report 1, so that it runs in one process whatever the load (its CPU seconds are then all the
writer's: what an add costs on a busy machine).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# The run leaves as the ``dedupe`` command does (``dedupe.cli.app.main``: ``os._exit`` without the interpreter's
# teardown when nothing needs it); the CPU seconds are taken just before. (Calling ``cli`` and letting its
# SystemExit end the process counted ~0.07 s of teardown, at load 1.3, that the command never spends.)
_DRIVER = """
import os, sys
if {parallel}:
    os.getloadavg = lambda: (0.0, 0.0, 0.0)
if {serial}:
    os.cpu_count = lambda: 1
exit_now, writer = os._exit, os.getpid()

def report(status=0):
    import resource
    times = os.times()
    faults = [resource.getrusage(who).ru_minflt for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    try:
        with open("/proc/self/io") as io:
            written = int(dict(line.split(": ") for line in io.read().splitlines())["write_bytes"])
    except OSError:  # not Linux
        written = -1
    print(times.user, times.system, times.children_user, times.children_system, *faults, written, file=sys.stderr)
    sys.stderr.flush()
    if status:
        exit_now(status)

def leave(status):
    if os.getpid() == writer:  # not in the forked children, which leave by os._exit too
        report(status)
    exit_now(status)

os._exit = leave
sys.argv = ["dedupe", "index", "add", {index!r}, *{corpus!r}, "--batch-size", "{batch_size}"]
from dedupe.cli.app import main
try:
    main()
except SystemExit as done:  # the command would tear the interpreter down (an atexit handler, a thread)
    report(done.code)
"""


@dataclass(frozen=True)
class AddRun:
    """The seconds of one ``index add`` (:func:`run_once`).

    Attributes:
        user: The writer's user CPU seconds (all its threads).
        system: The writer's system CPU seconds.
        children_user: User CPU seconds of the children it reaped (the loader's and the batch preparer's forks).
        children_system: Their system CPU seconds.
        wall: Wall seconds of the whole process, from its start to its exit.
        faults: The writer's page faults (minor: first touches of memory, copies on write).
        children_faults: The children's page faults.
        written: Bytes the writer (all its threads: the WAL's writes, the checkpoints') sent to the file system
            (``write_bytes`` of ``/proc/self/io``; -1 where there is none).
    """

    user: float
    system: float
    children_user: float
    children_system: float
    wall: float
    faults: int = 0
    children_faults: int = 0
    written: int = -1

    @property
    def writer(self) -> float:
        """The writer's CPU seconds."""
        return self.user + self.system

    @property
    def children(self) -> float:
        """The children's CPU seconds."""
        return self.children_user + self.children_system


def run_once(tree: Path, corpus: list[str], index: Path, parallel: bool,
             batch_size: int = 2000, serial: bool = False) -> AddRun:
    """One fresh ``index add`` with ``tree`` first on the path (``parallel``: forked whatever the load; ``serial``: in
    one process whatever the load)."""
    for suffix in ("", "-wal", "-shm", "-journal"):  # -journal: a new file's first add (dedupe.index.wal)
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as after pip install
    env["PYTHONPATH"] = str(tree)
    code = _DRIVER.format(parallel=parallel, serial=serial, index=str(index), corpus=corpus, batch_size=batch_size)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=tree, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=True)
    wall = time.perf_counter() - began
    fields = done.stderr.split()[-7:]
    user, system, children_user, children_system = map(float, fields[:4])
    faults, children_faults, written = map(int, fields[4:])
    return AddRun(user, system, children_user, children_system, wall, faults, children_faults, written)


_FIGURES = ("writer", "children", "wall", "user", "system", "children_user", "children_system", "faults",
            "children_faults", "written")


def index_digest(index: Path) -> str:
    """SHA-256 of the index file (the add leaves no WAL behind)."""
    return hashlib.sha256(index.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", required=True, help="corpus path (repeatable)")
    parser.add_argument("--tree", action="append", required=True, help="source tree to import dedupe from")
    parser.add_argument("--runs", type=int, default=5, help="runs per tree, alternating")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--parallel", action="store_true", help="fork whatever the load (see above)")
    mode.add_argument("--serial", action="store_true",
                      help="one process whatever the load (os.cpu_count reports 1), as at a load of 2 or more")
    parser.add_argument("--batch-size", type=int, default=2000, help="index add's --batch-size")
    args = parser.parse_args(argv)
    trees = [Path(tree).resolve() for tree in args.tree]
    corpus = [str(Path(path).resolve()) for path in args.corpus]
    results: dict[Path, list[AddRun]] = {tree: [] for tree in trees}
    digests: dict[Path, set[str]] = {tree: set() for tree in trees}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.runs):
            for number, tree in enumerate(trees):
                index = Path(folder) / f"tree{number}.db"
                results[tree].append(run_once(tree, corpus, index, args.parallel, args.batch_size, args.serial))
                digests[tree].add(index_digest(index))
            print(f"round done, load average {os.getloadavg()[0]:.2f}", file=sys.stderr)
    print(f"{'tree':40s} {'writer CPU s':>13s} {'children CPU s':>15s} {'wall s':>7s}  index SHA-256")
    for tree, runs in results.items():
        median = {name: statistics.median(getattr(run, name) for run in runs) for name in _FIGURES}
        digest = ", ".join(sorted(d[:16] for d in digests[tree]))
        print(f"{str(tree):40s} {median['writer']:13.2f} {median['children']:15.2f} {median['wall']:7.2f}  {digest}")
        print(f"{'':40s} writer {' '.join(f'{r.writer:.2f}' for r in runs)}; children "
              f"{' '.join(f'{r.children:.2f}' for r in runs)}; wall {' '.join(f'{r.wall:.2f}' for r in runs)}")
        print(f"{'':40s} medians: writer user {median['user']:.2f} system {median['system']:.2f}; children user "
              f"{median['children_user']:.2f} system {median['children_system']:.2f}")
        print(f"{'':40s} medians: page faults writer {median['faults'] / 1e3:.1f} k, children "
              f"{median['children_faults'] / 1e3:.1f} k; writer wrote {median['written'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
