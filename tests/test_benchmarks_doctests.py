"""The examples in the benchmark modules' docstrings, run with the suite: ``benchmarks/`` is outside the test
paths that ``--doctest-modules`` collects (``setup.cfg``), so they were never run."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
# every benchmark module with an example, found from the sources so that a new one is run too
WITH_EXAMPLES = sorted(p.stem for p in BENCHMARKS.glob("*.py") if ">>>" in p.read_text(encoding="utf-8"))


def test_the_modules_with_examples_are_found() -> None:
    assert {"claim_model", "claim_pairs", "claims_variants", "relative_links"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_the_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(f"benchmarks.{name}"))
    assert result.attempted > 0 and result.failed == 0
