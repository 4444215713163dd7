"""Tests of benchmarks.align_quality's SICK reader, which the claim-adapter and cross-encoder scripts share."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.align_quality import SickPair, labelled_sick, read_sick, read_sick_pairs
from benchmarks.train_claim_adapter import read_sick_same as adapter_sick
from benchmarks.train_cross_encoder import read_sick_same as cross_encoder_sick

ROWS = [("1", "A man is playing a guitar", "A man is playing an instrument", "4.5", "ENTAILMENT"),
        ("2", "A man is playing a guitar", "Nobody is playing a guitar", "3.6", "CONTRADICTION"),
        ("3", "A dog runs in the park", "A woman is slicing an onion", "1.2", "NEUTRAL"),
        ("4", "A dog runs in the park", "A dog is running outdoors", "3.9", "ENTAILMENT"),
        ("5", "A cat sleeps", "A cat is sleeping on a sofa", "3.4", "NEUTRAL")]
HEADER = ("pair_ID", "sentence_A", "sentence_B", "relatedness_score", "entailment_judgment")


def _sick(tmp_path: Path, newline: str) -> Path:
    path = tmp_path / "SICK.txt"
    path.write_bytes("".join("\t".join(row) + newline for row in [HEADER, *ROWS]).encode("utf-8"))
    return path


def test_every_row_read_in_order_whatever_the_line_ends(tmp_path: Path) -> None:
    for newline in ("\n", "\r\n"):  # SICK_train.txt ends lines with LF, SICK_test_annotated.txt with CRLF
        pairs = read_sick_pairs(_sick(tmp_path, newline))
        assert pairs[1] == SickPair("A man is playing a guitar", "Nobody is playing a guitar", 3.6, "CONTRADICTION")
        assert [p.judgment for p in pairs] == [row[4] for row in ROWS]


def test_each_benchmark_labels_its_own_rows(tmp_path: Path) -> None:
    path = _sick(tmp_path, "\n")
    contradiction = read_sick(path)  # entailment against contradiction; neutral left out
    assert contradiction.second == ["A man is playing an instrument", "Nobody is playing a guitar",
                                    "A dog is running outdoors"]
    assert contradiction.labels.tolist() == [0, 1, 0]
    assert adapter_sick(path).labels.tolist() == [1, 0, 0, 1, 0]  # every row: entailment is the same claim
    same = cross_encoder_sick(path)  # entailment at relatedness >= 4 against neutral below 3
    assert (same.first, same.labels.tolist()) == (["A man is playing a guitar", "A dog runs in the park"], [1, 0])


def test_a_rule_that_keeps_nothing_gives_empty_pairs() -> None:
    pairs = labelled_sick([SickPair("a", "b", 1.0, "NEUTRAL")], lambda row: None)
    assert pairs.first == pairs.second == [] and np.asarray(pairs.labels).size == 0
