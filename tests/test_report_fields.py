"""Tests of dedupe.report.fields: the helpers every renderer shares."""

from __future__ import annotations

from dedupe.report.fields import (int_field, number_field, number_text, shorten, skipped_lines, skipped_markdown,
                                  skipped_where)

_SKIPPED = [{"path": "in/rows.jsonl", "line": 2, "reason": "invalid JSON: Expecting value (column 10)"},
            {"path": "in/a|b.txt", "line": None, "reason": "empty file"}]


def test_a_skipped_input_is_named_by_its_path_and_line() -> None:
    assert [skipped_where(s) for s in _SKIPPED] == ["in/rows.jsonl:2", "in/a|b.txt"]
    assert skipped_lines(_SKIPPED) == ["  in/rows.jsonl:2: invalid JSON: Expecting value (column 10)",
                                       "  in/a|b.txt: empty file"]


def test_the_markdown_table_of_skipped_inputs_escapes_its_cells_and_is_left_out_when_empty() -> None:
    assert skipped_markdown(_SKIPPED) == [
        "", "## Skipped inputs", "", "| where | reason |", "|---|---|",
        "| in/rows.jsonl:2 | invalid JSON: Expecting value (column 10) |", "| in/a\\|b.txt | empty file |"]
    assert skipped_markdown([]) == []


def test_shorten_and_int_field() -> None:
    assert shorten("a  b\nc", 10) == "a b c" and shorten("abcdef", 4) == "abc\u2026"
    assert [int_field(v) for v in (3, True, "3", None)] == [3, 0, 0, 0]


def test_a_number_is_printed_alike_by_every_report() -> None:
    assert [number_text(v) for v in (1400, 1400.0, 2.5, 0.12345, 10**6)] == ["1,400", "1,400", "2.50", "0.12",
                                                                            "1,000,000"]
    # what is no finite number prints as a dash: missing, a boolean, a string, NaN, an infinity
    assert {number_text(v) for v in (None, True, "12", float("nan"), float("inf"))} == {"\u2013"}
    assert number_field(3) == 3.0 and number_field(float("-inf")) is None and number_field(False) is None
