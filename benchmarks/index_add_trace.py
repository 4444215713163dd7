"""Where the wall time of one ``dedupe index add`` goes: time stamps of its phases in every process it forks.

    .venv/bin/python -m benchmarks.index_add_trace --corpus /work/shared/corpora/reuters21578.jsonl --tree .

Runs ``dedupe index add`` of ``--corpus`` into a fresh index in one new process (``--tree`` first on its
``PYTHONPATH``; forked as an idle machine would: ``os.getloadavg`` reads 0, or in one process with ``--serial``),
with wrappers around the functions that mark its phases (the load's two parts and the merge of the child's records,
the dictionary's training, each fork, each batch prepared, received and written, the close), each module's wrapped
as the command first imports it (an import hook), so that the command imports what it does when it does. Every
process writes each mark to one shared file, appended: milliseconds since this script launched the process, the
process (writer, load child, batch child), the mark, and that process' page faults and CPU milliseconds so far
(``getrusage``). The library is not changed; the wrappers cost ~1 microsecond a mark, the wrapped functions run ~200
times. Time stamps of one run on a machine others load move by tens of milliseconds: read them for the order of the
phases, which process waits for which, and the faults and CPU between marks, not for a total.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The marked functions, as ``module:name`` or ``module:Class.name`` (each looked up where its callers find it).
MARKED = (
    "dedupe.corpus.load:_load_halves", "dedupe.corpus.load:load_records", "dedupe.runtime:ForkedCall.result",
    "os:fork", "dedupe.index.store:trained", "dedupe.index.store:open_index", "dedupe.index.prepare:prepare",
    "dedupe.index.prepare:with_texts", "dedupe.index.prepare:_Slots._receive", "dedupe.index.store:Index._add_batch",
    "dedupe.index.store:Index.close",
)

_DRIVER = """
import functools, importlib.machinery, os, resource, sys, time
start, log = float(sys.argv[1]), os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND)
if sys.argv[3] == "serial":
    os.cpu_count = lambda: 1
else:
    os.getloadavg = lambda: (0.0, 0.0, 0.0)

def mark(what):
    use = resource.getrusage(resource.RUSAGE_SELF)
    cpu = 1000 * (use.ru_utime + use.ru_stime)
    ms = 1000 * (time.time() - start)
    os.write(log, f"{ms:.1f}\\t{os.getpid()}\\t{what}\\t{use.ru_minflt}\\t{cpu:.0f}\\n".encode())

def marked(function, name):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        mark(name + " <")
        try:
            return function(*args, **kwargs)
        finally:
            mark(name + " >")
    return wrapper

mark("interpreter up")
wanted = {}
for target in sys.argv[6].split(","):
    module, name = target.split(":")
    wanted.setdefault(module, []).append(name)

def patch(owner_module):
    for name in wanted.pop(owner_module.__name__, []):
        *classes, attribute = name.split(".")
        owner = owner_module
        for part in classes:
            owner = getattr(owner, part)
        setattr(owner, attribute, marked(getattr(owner, attribute), name))

class Hook:  # wraps a marked module's functions once it has run, when the command first imports it
    def find_spec(self, fullname, path, target=None):
        if fullname not in wanted:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            patch(module)
        spec.loader.exec_module = exec_module
        return spec

for loaded in [sys.modules[name] for name in wanted if name in sys.modules]:
    patch(loaded)
sys.meta_path.insert(0, Hook())
import dedupe.cli.app
mark("command imported")
done = os._exit
def leave(status):
    mark("exit")
    done(status)
os._exit = leave
sys.argv = ["dedupe", "index", "add", sys.argv[4], sys.argv[5]]
dedupe.cli.app.main()
"""


def trace(corpus: Path, tree: Path, serial: bool) -> list[tuple[float, str, str, int, int]]:
    """The marks of one ``index add`` of ``corpus`` with ``tree``'s dedupe.

    Args:
        corpus: The corpus file or folder.
        tree: The source tree imported first.
        serial: Run in one process (else forked as on an idle machine).

    Returns:
        ``(ms since launch, process, mark, page faults, CPU ms)`` in time order, the processes named ``writer``,
        ``load child``, ``batch child`` (in the order they first mark; other children ``child N``).

    Raises:
        subprocess.CalledProcessError: The add failed.
    """
    with tempfile.TemporaryDirectory() as work:
        log = Path(work, "marks.tsv")
        log.touch()
        env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as after `pip install`: bytecode written once, then reused
        command = [sys.executable, "-c", _DRIVER, repr(time.time()), str(log), "serial" if serial else "parallel",
                   str(Path(work, "index.db")), str(corpus.resolve()), ",".join(MARKED)]
        # Run in the tree: ``-c`` puts the working directory first on the path, before PYTHONPATH, so a run from
        # another checkout imported that checkout's dedupe instead of ``tree``'s.
        subprocess.run(command, env=env, cwd=tree, check=True, stdout=subprocess.DEVNULL)
        return read_marks(log.read_text().splitlines())


def read_marks(lines: list[str]) -> list[tuple[float, str, str, int, int]]:
    """The marks of the shared log, in time order.

    Args:
        lines: The log's lines as appended (``ms, pid, mark, faults, CPU ms``, tab separated): each process's in its
            own order, but a mark stamped before another process's may be appended after it.

    Returns:
        ``(ms since launch, process, mark, page faults, CPU ms)`` sorted by time (a tie keeps the log's order), the
        processes named ``writer``, ``load child``, ``batch child`` in the order they first appear in the log (other
        children ``child N``).
    """
    rows = [line.split("\t") for line in lines]
    names: dict[str, str] = {}
    for _, pid, *_ in rows:
        names.setdefault(pid, ("writer", "load child", "batch child")[len(names)] if len(names) < 3
                         else f"child {len(names)}")
    marks = [(float(ms), names[pid], what, int(faults), int(cpu)) for ms, pid, what, faults, cpu in rows]
    return sorted(marks, key=lambda row: row[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="corpus path")
    parser.add_argument("--tree", type=Path, default=Path("."), help="source tree to import dedupe from")
    parser.add_argument("--serial", action="store_true", help="in one process (else forked, whatever the load)")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    print(f"1-minute load average before: {load:.2f}")
    print(f"{'ms':>7}  {'process':<12} {'mark':<26} {'faults':>7} {'CPU ms':>6}")
    for ms, process, what, faults, cpu in trace(args.corpus, args.tree, args.serial):
        print(f"{ms:7.1f}  {process:<12} {what:<26} {faults:7d} {cpu:6d}")


if __name__ == "__main__":
    main()
