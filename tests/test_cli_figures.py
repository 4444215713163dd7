"""Tests of the ``dedupe figures`` command through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dedupe.cli import cli

DATA = str(Path(__file__).resolve().parent.parent / "data")


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["figures", DATA, "-q", *args])


def test_json_contract() -> None:
    result = _run("--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["command"], document["schema_version"]) == ("figures", "1.0")
    figure = document["figures"][0]
    assert list(figure) == ["doc", "outlet", "start", "end", "line", "text", "sentence", "low", "high", "qualifier",
                            "measure", "what", "place", "period", "period_range", "attribution", "subset_of",
                            "scope", "scope_cue", "published"]
    assert (figure["scope"], figure["published"]) == ("current", "2016-10-13")
    assert (figure["text"], figure["low"], figure["measure"], figure["line"]) == ("250,000", 250000, "trapped", 11)
    statuses = [(d["measure"], d["status"], d["low"], d["high"]) for d in document["discrepancies"]]
    assert statuses == [("trapped", "consistent", 250000, 250000), ("killed", "consistent", 400, 500),
                        ("remaining", "conflict", 14, 29)]
    conflict = document["discrepancies"][2]
    assert [document["figures"][i]["text"] for i in conflict["figures"]] == ["29", "14", "as few as 14"]
    assert (conflict["scope"], conflict["best"]) == ("current", 14)
    assert [(s["outlet"], s["published"], s["attribution"]) for s in conflict["sources"]] == [
        ("The Independent", "2016-09-28", None), ("EA WorldView", "2016-09-29", "Red Cross"),
        ("EA WorldView", "2016-09-29", "The Red Cross")]
    assert document["summary"]["discrepancies"] == {"consistent": 2, "update": 0, "conflict": 1, "uncertain": 0}


def test_fail_on_conflict_exits_1() -> None:
    assert _run("--fail-on", "conflict").exit_code == 1
    assert _run("--fail-on", "uncertain").exit_code == 0
    assert _run("--fail-on", "conflict", "--measure", "killed").exit_code == 0


def test_text_output_shows_every_outlets_figure() -> None:
    result = _run("--no-other")
    assert result.exit_code == 0
    assert "[CONFLICT] story-1: doctors remaining in Aleppo (current) - low 14, best 14, high 29" in result.output
    assert ('- 2016-09-29  EA WorldView (004_7cde9b3c88a5415a:57 @4140-4152): "as few as 14" = <= 14 (as few as) '
            'doctors; current, per The Red Cross') in result.output
    assert "[other]" not in result.output


def test_jsonl_and_markdown() -> None:
    lines = [json.loads(line) for line in _run("--format", "jsonl").output.splitlines()]
    assert {row["type"] for row in lines} == {"figure", "discrepancy"}
    assert lines[0]["index"] == 0 and lines[-1]["type"] == "discrepancy"
    markdown = _run("--format", "markdown").output
    assert markdown.startswith("# Figures") and "| conflict | story-1 | remaining | doctors |" in markdown


def test_same_input_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert _run("--format", "json", "-o", str(first)).exit_code == 0
    assert _run("--format", "json", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_story_options_and_bad_values() -> None:
    merged = json.loads(_run("--format", "json", "--one-story").output)
    assert {d["story"] for d in merged["discrepancies"]} == {"story-1"}
    # one story, but the 2013 report is three years from the others: its tolls are another event's
    assert not any(merged["figures"][i]["doc"].startswith("001") for d in merged["discrepancies"] for i in d["figures"])
    bad = _run("--story-window", "soon")
    assert bad.exit_code == 2 and "Error" in bad.output
    assert _run("--measure", "eaten").exit_code == 2
    # The error names the option the user typed, not the config field behind it.
    wide = _run("--approx-tolerance", "2")
    assert (wide.exit_code, wide.stderr) == (2, "Error: approx-tolerance must be in [0, 1), got 2.0\n")
    assert _run("--period-tolerance", "-1").stderr == "Error: period-tolerance must not be negative, got -1.0\n"


def test_every_format_points_each_figure_at_its_document_line_and_characters() -> None:
    # review25: the text and Markdown figures gave a document and line but no offsets (Markdown's "All figures" no
    # outlet), report's Markdown figure tables gave the outlet alone, the HTML figure rows no characters.
    from dedupe.output import md_cell

    document = json.loads(_run("--format", "json").output)
    text, markdown = _run().output, _run("--format", "markdown").output
    report_md = CliRunner().invoke(cli, ["report", DATA, "--skip", "compare", "-q", "--format", "markdown"]).output
    report_html = CliRunner().invoke(cli, ["report", DATA, "--skip", "compare", "-q", "--format", "html"]).output
    for f in document["figures"]:
        where = f"{f['doc']}:{f['line']} @{f['start']}-{f['end']}"
        assert f"{f['outlet']} {where} [{f['measure']}] \"{f['text']}\"" in text, where
        assert (f"| {md_cell(f['outlet'])} | {md_cell(f['doc'])} | {f['line']} | {f['start']}-{f['end']} "
                f"| {md_cell(f['text'])} |") in markdown, where
    for group in document["discrepancies"]:
        for i in group["figures"]:
            f = document["figures"][i]
            assert f"({f['doc']}:{f['line']} @{f['start']}-{f['end']}): \"{f['text']}\"" in text
            assert f"({md_cell(f['doc'])}:{f['line']} @{f['start']}-{f['end']}): \"{md_cell(f['text'])}\"" in markdown
            assert (f"| {md_cell(f['outlet'])} | {md_cell(f['doc'])} | {f['line']} | {f['start']}-{f['end']} "
                    f"| {md_cell(f['text'])} |") in report_md
            assert f"{f['doc']}, line {f['line']}</a> · characters {f['start']}–{f['end']}" in report_html
