"""benchmarks.index_add_writes: the bytes an add writes to its index, journal and WAL, from strace's calls."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.index_add_writes import run_once, written

_ROOT = Path(__file__).resolve().parents[1]


def test_the_writes_are_summed_by_the_index_file_they_went_to() -> None:
    trace = ('12 pwrite64(3</d/i.db>, "a"..., 65536, 0) = 65536\n'
             '12 pwrite64(3</d/i.db>, "a"..., 65536, 65536) = 65536\n'
             '12 pwrite64(4</d/i.db-journal>, "b"..., 512, 0) = 512\n'
             '13 pwritev(5</memfd:dedupe-index-slot (deleted)>, [...], 2, 0) = 900\n'
             '13 pwrite64(6</d/other.db>, "c"..., 10, 0) = 10\n'
             '12 pwrite64(3</d/i.db>, "a"..., 65536, 0 <unfinished ...>\n')
    assert written(trace, Path("/d/i.db")) == {"": 131072, "-journal": 512, "-wal": 0}


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_an_add_of_the_seed_corpus_writes_its_index_file() -> None:
    sums, size = run_once(_ROOT, _ROOT / "data")
    assert sums[""] >= size > 0 and sums["-wal"] == 0  # a new index's first add: no WAL, every page written
