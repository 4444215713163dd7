"""``benchmarks.index_history``: each add into a fresh store, the median kept."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks.index_history import _adds, _removed, repeated_adds

# A stand-in for an add that fails (exit 2) unless its store is fresh, then creates it (and its WAL), holding 64 MB
# written (so resident) meanwhile.
_ADD_ONCE = ("import sys, pathlib; p = pathlib.Path(sys.argv[1]); held = b'x' * (64 << 20); "
             "sys.exit(2) if p.exists() else (p.write_text('x'), pathlib.Path(sys.argv[1] + '-wal').write_text('w'))")


def test_every_add_runs_into_a_fresh_store(tmp_path: Path) -> None:
    store = tmp_path / "history.db"
    wal = tmp_path / "history.db-wal"
    runs = repeated_adds([sys.executable, "-c", _ADD_ONCE, str(store)], _removed(store, wal), 3)
    assert len(runs) == 3
    assert all(64 < peak < 64 + 200 for _, peak, _ in runs)  # the peak resident memory in MB: the 64 MB held
    assert store.read_text() == "x" and wal.exists()  # the last add's store is left for the check


def test_without_a_fresh_step_the_second_add_meets_the_first_ones_store(tmp_path: Path) -> None:
    store = tmp_path / "history.db"
    with pytest.raises(RuntimeError, match="exited with 2"):  # the stand-in's refusal: the check above can fail
        repeated_adds([sys.executable, "-c", _ADD_ONCE, str(store)], lambda: None, 2)


def test_adds_give_the_median_the_range_and_the_largest_peak() -> None:
    got = _adds([(0.9, 200.0, 1.2), (0.6, 210.0, 1.0), (0.7, 190.0, 1.1)])
    assert got == {"add": 0.7, "add_min": 0.6, "add_max": 0.9, "add_cpu": 1.1, "add_mb": 210.0}
