"""benchmarks.load_share: the share at which the loader's two processes take the same processor time."""

from __future__ import annotations

import pytest

from benchmarks.load_share import balance


def test_the_balance_is_where_the_two_lines_of_processor_time_cross() -> None:
    # the writer 50 ms + 100 a file (its imports), the child 10 ms + 120 a file: equal at (10 + 120 - 50) / 220
    writer, child = (lambda s: 50 + 100 * s), (lambda s: 10 + 120 * (1 - s))
    assert balance(0.3, 0.6, [writer(0.3), child(0.3)], [writer(0.6), child(0.6)]) == pytest.approx(80 / 220)
    assert balance(0.4, 0.6, [50.0, 70.0], [70.0, 50.0]) == pytest.approx(0.5)
