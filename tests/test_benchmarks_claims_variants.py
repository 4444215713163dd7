import json
from pathlib import Path

import pytest

from benchmarks import claims_variants


def _table(path: Path, rows: dict[str, dict[str, list[float]]]) -> Path:
    path.write_text(json.dumps(rows))
    return path


def test_pooled_leaves_each_event_of_both_golds_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # two golds' sweep tables over the same values: the value is picked on the other three events (worst, then mean)
    first = _table(tmp_path / "mo.json", {"0.2": {"a": [1, 1, 0.9], "b": [1, 1, 0.8]},
                                          "0.3": {"a": [1, 1, 0.7], "b": [1, 1, 0.9]}})
    second = _table(tmp_path / "reu.json", {"0.2": {"c": [0.5, 0.1, 0.2], "d": [1, 1, 0.6]},
                                            "0.3": {"c": [0.5, 0.1, 0.1], "d": [1, 1, 0.75]}})
    assert claims_variants.main(["-", "pooled", str(first), str(second)]) == 0
    out = capsys.readouterr().out
    assert "4 events: a, b, c, d" in out
    # c is the worst of any three it is in, so 0.2 is picked whenever c is among the others; left out, c is
    # scored at the value a + b + d pick: worst 0.7 at 0.3 against 0.6 at 0.2, where c has 0.1
    assert "value on a + b + d: 0.3 -> c: P 0.500 R 0.100 F1 0.100" in out
    assert "value on b + c + d: 0.2 -> a: P 1.000 R 1.000 F1 0.900" in out
    assert "leave-one-event-out figure: worst F1 0.100 (P 0.500), mean F1 0.600" in out


def test_the_corpus_paths_come_before_the_variant() -> None:
    with pytest.raises(SystemExit):
        claims_variants.main(["pooled", "x.json"])  # no corpus path named
