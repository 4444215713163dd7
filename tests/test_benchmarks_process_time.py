"""``benchmarks.process_time``: one command timed as a whole process, its exit statuses and its stderr."""

from __future__ import annotations

import sys

import pytest

from benchmarks.process_time import timed

# Writes 1 MB to stderr (more than a pipe holds) and 'done', sleeps 0.2 s, exits with the status given.
_CHATTY = ("import sys, time; sys.stderr.write('e' * (1 << 20) + 'done'); sys.stderr.flush(); "
           "print('to stdout'); time.sleep(0.2); sys.exit(int(sys.argv[1]))")


def test_a_run_gives_its_wall_clock_peak_and_whole_stderr() -> None:
    run = timed([sys.executable, "-c", _CHATTY, "0"])
    assert run.stderr == "e" * (1 << 20) + "done"  # all of it, and nothing of stdout
    assert run.wall >= 0.2 and run.wall >= run.cpu > 0  # the sleep is wall-clock time, not CPU time
    assert 1 < run.peak_mb < 200  # a Python process, not this one's peak


def test_exit_statuses_outside_ok_raise_with_the_stderr_tail() -> None:
    assert timed([sys.executable, "-c", _CHATTY, "1"], ok=(0, 1)).stderr.endswith("done")
    with pytest.raises(RuntimeError, match=r"exited with 1:\n(e)+done$"):
        timed([sys.executable, "-c", _CHATTY, "1"])
