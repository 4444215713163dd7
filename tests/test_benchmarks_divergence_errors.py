"""Tests of benchmarks.divergence_errors: the tune split only, its held-out documents not even loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import divergence_errors
from tests.test_benchmarks_claims_quality import record_loads, two_events, write_gold


def test_the_held_out_documents_are_left_out_of_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    # real model: the held-out wheat reports are not loaded, so not grouped into stories with the tune reports
    path, gold = two_events(tmp_path, annotated_only=True)
    write_gold(gold, tmp_path / "gold.json")
    monkeypatch.setattr(divergence_errors, "DEFAULT_GOLD", tmp_path / "gold.json")
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path / "cache"))
    loaded = record_loads(monkeypatch)
    assert divergence_errors.main([str(path), "--clusters"]) == 0
    assert loaded == ["reuters-1", "reuters-2"]
    assert "Wheat" not in capsys.readouterr().out
    with pytest.raises(SystemExit):
        divergence_errors.main([str(path), "--event", "wheat"])  # a held-out set is refused
