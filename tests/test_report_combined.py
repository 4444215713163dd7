"""The combined report's text summary and Markdown, on the hand-built fixture report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from report_fixture import HOSTILE_LINES, combined_report, prepare_corpus

from dedupe.report.combined import counts, payload, report_markdown, report_text


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return combined_report(prepare_corpus(tmp_path_factory.mktemp("combined")))


def test_counts_every_kind_of_finding(report: dict[str, Any]) -> None:
    assert counts(report) == {
        "documents": 6, "outlets": 6, "stories": 2, "repeat": 2, "reuse": 1, "echo": 0, "near_duplicate": 0,
        "boilerplate": 0, "divergence": 1, "agreement": 1, "unique": 2, "figures": 5, "conflict": 1,
        "consistent": 1, "uncertain": 1, "entities": 3}


def test_counts_of_stages_not_run_are_zero(report: dict[str, Any]) -> None:
    found = counts(dict(report, scan=None, compare=None, figures=None))
    assert found["repeat"] == found["divergence"] == found["conflict"] == found["stories"] == 0
    assert found["documents"] == 6


def test_payload_drops_the_envelope() -> None:
    assert payload({"schema_version": "1", "tool": "dedupe", "version": "0", "command": "x", "a": 1}) == {"a": 1}


def test_text_summary_names_the_top_findings_and_the_full_report(report: dict[str, Any]) -> None:
    text = report_text(report, "out/report.html")
    assert text.startswith("6 documents from 6 outlets, 2 stories, 2013-09-09 to 2016-10-13\n")
    assert "  claims:   1 divergence, 1 agreement, 2 unique\n" in text
    assert "divergence     EA WorldView vs The Independent: number: doctors: 29 vs 14" in text
    assert "conflict       functioning doctors: The Independent: 29 doctors; EA WorldView: as few as 14 doctors" in text
    assert "repeat         001_d3aebe4b90fe0be1:27,28  \"He added that Syria" in text
    assert text.endswith("Full report: out/report.html\n")
    assert "rerun with -o report.html" in report_text(report)


def test_markdown_escapes_corpus_markup(report: dict[str, Any]) -> None:
    markdown = report_markdown(report)
    assert markdown.startswith("# News comparison report\n")
    assert re.search(r"(?<!\\)[<>]", markdown) is None
    assert "\\<script\\>window.\\_\\_pwned = 1" in markdown
    assert "| The Independent | 29 doctors | 29 | 29 |" in markdown
    assert HOSTILE_LINES[0] not in markdown


def test_markdown_table_rows_keep_their_columns(report: dict[str, Any]) -> None:
    for line in report_markdown(report).splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            unescaped_bars = line.replace("\\|", "").count("|")
            assert unescaped_bars in (3, 5, 8), line


def test_fixture_report_holds_exact_offsets(tmp_path: Path) -> None:
    prepared = prepare_corpus(tmp_path)
    texts = {d.doc.id: d.doc.text for d in prepared.documents}
    document = combined_report(prepared)
    for finding in document["scan"]["findings"]:
        for o in finding["occurrences"]:
            assert texts[o["doc"]][o["start"]:o["end"]] == o["text"]
