"""The combined report's counts, text summary and Markdown, on the real report of the seeds plus a hostile
document (``conftest.py``'s ``seed_report``)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from hostile import HOSTILE_LINES, HOSTILE_RECORD, markdown_html
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.report.combined import _md_marked, counts, payload, report_markdown, report_text


@pytest.fixture(scope="module")
def report(seed_report: Any) -> dict[str, Any]:
    return seed_report.report


def test_counts_every_kind_of_finding(report: dict[str, Any]) -> None:
    kinds = Counter(f["kind"] for f in report["scan"]["findings"])
    statuses = Counter(c["status"] for c in report["compare"]["claims"])
    groups = Counter(d["status"] for d in report["figures"]["discrepancies"])
    found = counts(report)
    assert (found["documents"], found["outlets"], found["stories"]) == (6, 6, 3)
    assert {k: found[k] for k in ("repeat", "reuse", "echo", "near_duplicate", "boilerplate")} == {
        "repeat": kinds["repeat"], "reuse": kinds["reuse"], "echo": kinds["echo"],
        "near_duplicate": kinds["near_duplicate"], "boilerplate": kinds["boilerplate"]}
    assert {k: found[k] for k in ("divergence", "agreement", "unique")} == {
        k: statuses[k] for k in ("divergence", "agreement", "unique")}
    assert {k: found[k] for k in ("conflict", "update", "consistent", "uncertain")} == {
        k: groups[k] for k in ("conflict", "update", "consistent", "uncertain")}
    assert found["figures"] == len(report["figures"]["figures"])
    assert 0 < found["entities"] < len(report["compare"]["entities"])  # Syria/Syrian/Syrians is one spelling
    assert found["repeat"] >= 3 and found["reuse"] >= 2 and found["agreement"] >= 1 and found["conflict"] >= 1


def test_counts_of_stages_not_run_are_zero(report: dict[str, Any]) -> None:
    found = counts(dict(report, scan=None, compare=None, figures=None))
    assert found["repeat"] == found["divergence"] == found["conflict"] == found["figures"] == 0
    assert (found["documents"], found["stories"]) == (6, 3)  # the stories belong to the corpus section


def test_payload_drops_the_envelope() -> None:
    assert payload({"schema_version": "1", "tool": "dedupe", "version": "0", "command": "x", "a": 1}) == {"a": 1}


def test_text_summary_names_the_top_findings_and_the_full_report(report: dict[str, Any]) -> None:
    text = report_text(report, "out/report.html")
    found = counts(report)
    assert text.startswith("6 documents from 6 outlets, 3 stories, 2013-09-09 to 2016-10-13\n")
    assert re.search(rf"\n  claims: +{found['divergence']} divergences?, {found['agreement']} agreements?, "
                     rf"{found['unique']} unique\n", text)
    assert "repeat         001_d3aebe4b90fe0be1:27,28  \"He added that Syria" in text
    # Russia held responsible for incendiary and bunker-buster bombs: an agreement of three outlets, led by Reuters'
    # lead clause "and it said it held Russia accountable" (linked since the merge mean leaves out same-document pairs)
    assert re.search(r"\n  agreement +EA WorldView, Reuters, The Independent: .and it said it held Russia accountable",
                     text)
    assert re.search(r"\n  conflict +\w+ doctors: The Independent: 29; EA WorldView: (as few as )?14", text)
    assert text.endswith("Full report: out/report.html\n")
    assert "rerun with -o report.html" in report_text(report)


def test_markdown_escapes_corpus_markup(report: dict[str, Any]) -> None:
    markdown = report_markdown(report)
    assert markdown.startswith("# News comparison report\n")
    assert re.search(r"(?<!\\)[<>]", markdown) is None
    assert "\\<b onmouseover=" in markdown and "window.\\_\\_pwned = 1" in markdown
    assert re.search(r"\n\| The Independent \| 003\\_c71ec08203a11230 \| 17 \| \d+-\d+ \| 29( doctors)? \| 29 \| 29 \|",
                     markdown)  # where the figure stands (review25: its outlet alone)
    assert HOSTILE_LINES[0] not in markdown and HOSTILE_RECORD["source"] not in markdown


def test_markdown_table_rows_keep_their_columns(report: dict[str, Any]) -> None:
    for line in report_markdown(report).splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            unescaped_bars = line.replace("\\|", "").count("|")
            assert unescaped_bars in (3, 6, 11), line


def test_every_finding_holds_exact_offsets(seed_report: Any) -> None:
    texts = {d.doc.id: d.doc.text for d in seed_report.documents}
    report = seed_report.report
    spans = [o for f in report["scan"]["findings"] for o in f["occurrences"]]
    spans += [m for c in report["compare"]["claims"] for m in c["members"]]
    spans += report["figures"]["figures"]
    assert len(spans) > 200
    for span in spans:
        assert texts[span["doc"]][span["start"]:span["end"]] == span["text"]


def test_text_markdown_and_html_count_and_list_the_same_entities(report: dict[str, Any], seed_report: Any) -> None:
    from dedupe.report.html import render_html

    shown = counts(report)["entities"]
    markdown = report_markdown(report).split("## Entity variants")[1]
    page = render_html(report, seed_report.documents)
    entities = page[page.index('id="entities"'):page.index('id="documents"')]
    assert f"entities: {shown} with spelling variants" in report_text(report)
    assert markdown.count("\n| ") - 1 == entities.count("<tr><td>") == shown
    assert f'Entities<span class="count">{shown}</span>' in page and "| Syria |" not in markdown


def test_a_divergence_explained_by_updates_alone_says_why_in_text_and_markdown() -> None:
    """A toll that rose between reports makes a divergence with ``updates`` and no ``reasons`` (as in
    multi-outlet's Ludian quake group of ten outlets): the summary line and the Markdown give the update."""
    detail = "the number killed changed between reports of 2014-08-03 and 2014-08-04 (a later report): DW '381 people'"
    members = [{"doc": f"d{i}", "outlet": f"Outlet {i}", "start": 0, "end": 9, "line": 1, "text": "381 people"}
               for i in range(5)]
    claim = {"status": "divergence", "story": "story-1", "members": members, "reasons": [],
             "updates": [{"type": "update", "detail": detail, "conflicting": []}]}
    report = {"corpus": {"summary": {"documents": 5, "outlets": {f"Outlet {i}": 1 for i in range(5)}}},
              "scan": None, "compare": {"claims": [claim], "entities": [], "stories": []}, "figures": None}
    line = next(x for x in report_text(report).splitlines() if x.startswith("  divergence"))
    assert line.startswith("  divergence     Outlet 0 vs Outlet 1 vs Outlet 2 (+2 outlets): update: the number killed")
    assert f"- **update**: {detail}" in report_markdown(report)


def test_markdown_claims_give_offsets_mark_conflicting_words_and_summarise_one_outlet_stories(
        report: dict[str, Any]) -> None:
    markdown = report_markdown(report)
    claims = report["compare"]["claims"]
    for claim in (c for c in claims if c["status"] != "unique"):
        for m in claim["members"]:
            assert f"| {m['line']} | {m['start']}-{m['end']} | " in markdown, m
    assert re.search(r"\| 17 \| \d+-\d+ \| The rebel area now only has \*\*29 doctors\*\* working", markdown)
    stories = {c["story"] for c in claims}
    alone = [s for s in stories if len({m["outlet"] for c in claims if c["story"] == s for m in c["members"]}) == 1]
    assert alone and all(re.search(rf"\nOnly [^\n]+ covers {s}: \d+ claims, nothing to compare\.\n", markdown)
                         for s in alone)


def _marked_cell(text: str, low: int, high: int) -> str:
    """The HTML of a claims table cell whose text has ``text[low:high]`` marked conflicting."""
    member = {"doc": "d", "start": 0, "text": text}
    claim = {"reasons": [{"conflicting": [{"doc": "d", "spans": [[low, high]]}]}]}
    page = markdown_html(f"| text |\n|---|\n| {_md_marked(member, claim)} |\n")
    return page.split("<td>")[1].split("</td>")[0]


def test_marked_words_with_literal_stars_or_brackets_beside_letters_stay_bold() -> None:
    """Marked whole, ``**40**`` right after a letter rendered with no bold: its opening ``**`` (before an escaped
    star, after a letter) opened nothing and was shown as two more stars."""
    assert _marked_cell("a**40**b", 1, 7) == "a*<strong>*40*</strong>*b"
    assert _marked_cell("He said **40** died", 8, 14) == "He said <strong>**40**</strong> died"
    assert _marked_cell("toll(40)now", 4, 8) == "toll(<strong>40</strong>)now"
    assert _marked_cell("a( )b", 1, 4) == "a( )b"  # nothing in it can be bold: shown as text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a4é *_()\\-.%~`[", min_size=1, max_size=12), st.data())
def test_a_marked_span_renders_as_its_text_with_its_words_in_bold(text: str, data: st.DataObject) -> None:
    low = data.draw(st.integers(0, len(text) - 1))
    high = data.draw(st.integers(low + 1, len(text)))
    cell = _marked_cell(text, low, high)
    shown = cell.replace("<strong>", "").replace("</strong>", "")
    assert shown == text.strip()  # every character as written, none taken as markup
    words = [i for i in range(low, high) if text[i] not in " *_()\\-.%~`["]
    if words:  # the bold holds the span's words, and nothing outside the span
        bold = cell.split("<strong>")[1].split("</strong>")[0]
        assert cell.count("<strong>") == 1 and bold in text[low:high] and text[words[0]:words[-1] + 1] in bold
