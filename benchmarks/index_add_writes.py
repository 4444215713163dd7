"""What ``dedupe index add`` writes to its files: bytes passed to ``pwrite`` per file (the index, its rollback journal,
its WAL), per source tree, from ``strace`` (a diagnostic of I/O, not a speed comparison).

    .venv/bin/python -m benchmarks.index_add_writes --corpus H10.jsonl --tree /work/main --tree /tmp/old

Each tree runs ``python -m dedupe index add`` of ``--corpus`` into a fresh index in a temporary folder, once, under
``strace -f -y -e trace=pwrite64,pwritev,ftruncate`` (every process of the add: the writer, its threads and the
forked children), with ``cwd`` the temporary folder and ``PYTHONPATH`` the tree. This sums the bytes each call wrote
by the file it wrote to (``-y`` names it): ``INDEX``, ``INDEX-journal``, ``INDEX-wal``; and the index file's size at
the end. Needs Debian's ``strace``. Session 20 took its figures of a page cache that spilled (a merged segment
written twice) and of deleted pages scrubbed (each copied into the journal) with this.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# A completed write call as strace prints it: ``pwrite64(3</tmp/x/i.db>, "..."..., 65536, 0) = 65536``.
_CALL = re.compile(r"\b(?:pwrite64|pwritev)\(\d+<([^>]*)>.*\)\s+=\s+(\d+)$")
_SUFFIXES = ("", "-journal", "-wal")


def written(trace: str, index: Path) -> dict[str, int]:
    """Bytes written to the index file and its journal and WAL (keys ``""``, ``"-journal"``, ``"-wal"``) by the calls
    of an ``strace -y`` output; every other file is left out.

    Example:
        >>> written('12 pwrite64(3</d/i.db>, "a"..., 65536, 0) = 65536\\n'
        ...         '12 pwrite64(4</d/i.db-journal>, "b"..., 512, 0) = 512\\n'
        ...         '13 pwritev(5</memfd:slot>, [...], 2, 0) = 900\\n', Path("/d/i.db"))
        {'': 65536, '-journal': 512, '-wal': 0}
    """
    sums: collections.Counter[str] = collections.Counter()
    names = {f"{index}{suffix}": suffix for suffix in _SUFFIXES}
    for line in trace.splitlines():
        match = _CALL.search(line)
        if match and match.group(1) in names:
            sums[names[match.group(1)]] += int(match.group(2))
    return {suffix: sums[suffix] for suffix in _SUFFIXES}


def run_once(tree: Path, corpus: Path) -> tuple[dict[str, int], int]:
    """The bytes written per file (:func:`written`) by one add of ``corpus`` with ``tree``'s dedupe, and the index
    file's size after it."""
    with tempfile.TemporaryDirectory() as folder:
        index, log = Path(folder) / "i.db", Path(folder) / "strace.txt"
        env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
        subprocess.run(["strace", "-f", "-y", "-o", str(log), "-e", "trace=pwrite64,pwritev,ftruncate",
                        sys.executable, "-m", "dedupe", "index", "add", str(index), str(corpus.resolve())],
                       cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL)
        return written(log.read_text(errors="replace"), index.resolve()), index.stat().st_size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="corpus to add (JSON Lines)")
    parser.add_argument("--tree", type=Path, action="append", required=True, help="source tree (repeatable)")
    args = parser.parse_args(argv)
    if shutil.which("strace") is None:
        parser.error("strace is not installed (apt-get install strace)")
    print(f"{'tree':40s} {'index MB':>9s} {'journal MB':>11s} {'WAL MB':>8s} {'file MB':>8s}")
    for tree in args.tree:
        sums, size = run_once(tree, args.corpus)
        print(f"{str(tree):40s} {sums[''] / 1e6:9.1f} {sums['-journal'] / 1e6:11.1f} {sums['-wal'] / 1e6:8.1f} "
              f"{size / 1e6:8.1f}")


if __name__ == "__main__":
    main()
