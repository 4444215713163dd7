"""``dedupe report`` through the real CLI and ``pipeline.run_report``, on the seed corpus.

The golden checks follow the issue: the report shows the doubled al-Moallem line, the grave-concern
agreement across three outlets and the 29-vs-14 doctors conflict, each linked to its sentence in the
full-text view (the link's target exists and holds the sentence).
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dedupe.cli import cli
from dedupe.errors import ConfigError, InputError
from dedupe.pipeline import REPORT_STAGES, ReportConfig, StageTimer, run_report

DATA = str(Path(__file__).resolve().parent.parent / "data")
MOALLEM = "He added that Syria was ready for 'full cooperation with Russia to remove any pretext for aggression'."
#: What scan reports as shared: the sentence up to its last word (closing quote and full stop left out).
MOALLEM_SPAN = MOALLEM[:-2]


class _Targets(HTMLParser):
    """Maps each element id to the text inside it, and collects every fragment link with its context.

    A document's sentence anchors (``doc-P-S``) are made by the page's script from the ``data-sentences``
    of its ``.fulltext`` (plain text): their text is cut from that text here.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text_of: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []       # (fragment, id of the enclosing article)
        self._open: list[tuple[str, str | None]] = []  # (tag, id)
        self._chunks: dict[str, list[str]] = {}
        self._full: tuple[str, str, list[str]] | None = None   # (position, data-sentences, text chunks)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("meta", "br", "hr", "img", "input", "link", "wbr"):   # void elements never close
            return
        if values.get("class") == "fulltext":
            self._full = (str(values["data-doc"]), str(values.get("data-sentences") or ""), [])
        element_id = values.get("id")
        self._open.append((tag, element_id))
        if element_id:
            self._chunks[element_id] = []
        href = values.get("href") or ""
        if tag == "a" and href.startswith("#"):
            article = next((i for t, i in reversed(self._open) if t == "article" and i), "")
            self.links.append((href[1:], article))

    def handle_endtag(self, tag: str) -> None:
        if self._full is not None:
            position, sentences, chunks = self._full
            text, end = "".join(chunks), 0
            for item in sentences.split():
                gap, length = map(int, item.split(","))
                self.text_of[f"doc-{position}-{end + gap}"] = text[end + gap:end + gap + length]
                end += gap + length
            self._full = None
        while self._open:
            open_tag, element_id = self._open.pop()
            if element_id:
                self.text_of[element_id] = "".join(self._chunks.pop(element_id))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._full is not None:
            self._full[2].append(data)
        for chunks in self._chunks.values():
            chunks.append(data)


def _targets(page: str) -> _Targets:
    parser = _Targets()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def seed_run(seed_report: Any) -> tuple[Any, dict[str, Any], str]:
    """The whole report on the seeds plus the hostile document (real model, no cache; shared with the report
    tests, see ``conftest.py``), its combined dict and its HTML."""
    from dedupe.report.html import render_html

    return seed_report.result, seed_report.report, render_html(seed_report.report, seed_report.documents)


def test_run_report_runs_every_stage_once_on_one_load(seed_run: tuple[Any, dict[str, Any], str]) -> None:
    result, document, _ = seed_run
    assert list(result.seconds)[:3] == ["load", "segment", "stories"]
    assert {"scan", "compare", "figures"} <= set(result.seconds)
    assert [s.doc_ids for s in result.stories][1] == ("001_d3aebe4b90fe0be1",)
    assert list(document) == ["schema_version", "tool", "version", "command", "corpus", "scan", "compare", "figures"]
    assert document["command"] == "report"
    for stage in ("corpus", "scan", "compare", "figures"):
        assert "schema_version" not in document[stage]


def test_golden_doubled_moallem_line_links_to_both_sentences(seed_run: tuple[Any, dict[str, Any], str]) -> None:
    _, document, page = seed_run
    repeats = [f for f in document["scan"]["findings"] if f["kind"] == "repeat"
               and any(o["text"] == MOALLEM_SPAN for o in f["occurrences"])]
    assert len(repeats) == 1
    spans = [(o["line"], o["start"], o["end"]) for o in repeats[0]["occurrences"]]
    assert spans == [(27, 3425, 3525), (28, 3528, 3628)]
    targets = _targets(page)
    number = document["scan"]["findings"].index(repeats[0])
    links = [f for f, article in targets.links if article == f"passage-{number}"]
    assert len(links) == 2
    for fragment in links:
        assert targets.text_of[fragment] == MOALLEM


def test_golden_grave_concern_agreement_across_three_outlets(seed_run: tuple[Any, dict[str, Any], str]) -> None:
    _, document, page = seed_run
    groups = [(n, c) for n, c in enumerate(document["compare"]["claims"]) if c["status"] == "agreement"
              and sum("grave concern" in m["text"] for m in c["members"]) >= 3]
    assert len(groups) == 1
    number, claim = groups[0]
    assert {m["outlet"] for m in claim["members"]} >= {"Reuters", "The Independent", "EA WorldView"}
    targets = _targets(page)
    links = [f for f, article in targets.links if article == f"claim-{number}"]
    assert len(links) == len(claim["members"])
    for fragment, member in zip(links, claim["members"]):
        assert member["text"] in targets.text_of[fragment]


def test_golden_doctors_conflict_29_vs_14(seed_run: tuple[Any, dict[str, Any], str]) -> None:
    _, document, page = seed_run
    figures = document["figures"]["figures"]
    conflicts = [(n, d) for n, d in enumerate(document["figures"]["discrepancies"])
                 if d["status"] == "conflict" and d["what"] == "doctors"]
    assert len(conflicts) == 1
    number, group = conflicts[0]
    assert (group["low"], group["high"]) == (14, 29)
    members = [figures[i] for i in group["figures"]]
    assert {(f["outlet"], f["high"]) for f in members} >= {("The Independent", 29), ("EA WorldView", 14)}
    targets = _targets(page)
    links = [f for f, article in targets.links if article == f"discrepancy-{number}"]
    assert len(links) == len(members)
    for fragment, figure in zip(links, members):
        assert figure["text"] in targets.text_of[fragment]
        assert targets.text_of[fragment] in figure["sentence"] or figure["sentence"] in targets.text_of[fragment]
    section = page.split(f'id="discrepancy-{number}"', 1)[1].split("</article>", 1)[0]
    assert re.search(r'<svg class="range conflict"[^>]*aria-label="[^"]*The Independent: 29', section)


def test_report_config_is_checked_up_front() -> None:
    with pytest.raises(ConfigError, match="unknown stage 'nope'"):
        ReportConfig(stages=("scan", "nope"))
    with pytest.raises(ConfigError, match="at least one"):
        ReportConfig(stages=())
    assert ReportConfig().stages == REPORT_STAGES


def test_run_report_without_documents_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("title\nno text column\n", encoding="utf-8")
    with pytest.raises(InputError, match="no documents loaded"):
        run_report([str(tmp_path)], timer=StageTimer())


def test_run_report_skips_stages_and_reports_progress_per_stage() -> None:
    labels: list[str] = []

    def progress(label: str, items: Any) -> Any:
        labels.append(label)
        return items

    result = run_report([DATA], config=ReportConfig(stages=("scan", "figures")), progress=progress)
    assert result.compare is None and result.scan is not None and result.figures is not None
    assert labels == ["segment", "stories", "scan", "figures"]
    assert "compare" not in result.seconds and "model" not in result.seconds


# --- the command --------------------------------------------------------------------------------------

def test_cli_writes_html_and_says_where(tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    result = CliRunner().invoke(cli, ["report", DATA, "--skip", "compare", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"Full report: {out}" in result.stderr
    assert result.stdout == ""
    assert re.search(r"^time: load [\d.]+s, segment", result.stderr, re.M)


def test_cli_json_holds_the_three_contracts(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", DATA, "--skip", "compare", "--format", "json", "-q"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["command"] == "report" and document["compare"] is None
    assert document["corpus"]["summary"]["documents"] == 5
    assert any(o["text"] == MOALLEM_SPAN for f in document["scan"]["findings"] for o in f["occurrences"])
    assert result.stderr == ""


def test_cli_format_follows_the_output_suffix(tmp_path: Path) -> None:
    runner = CliRunner()
    for name, start in (("r.json", "{"), ("r.md", "# News comparison report"), ("r.txt", "5 documents")):
        result = runner.invoke(cli, ["report", DATA, "--skip", "compare", "-q", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name


def test_cli_text_summary_points_to_the_html_report() -> None:
    result = CliRunner().invoke(cli, ["report", DATA, "--skip", "compare", "-q"])
    assert result.exit_code == 0
    assert result.stdout.startswith("5 documents from 5 outlets, 2 stories, 2013-09-09 to 2016-10-13\n")
    assert "Full report: rerun with -o report.html" in result.stdout


def test_cli_fail_on_exits_1_only_when_found() -> None:
    runner = CliRunner()
    found = runner.invoke(cli, ["report", DATA, "--skip", "compare", "-q", "--fail-on", "repeat"])
    assert found.exit_code == 1
    absent = runner.invoke(cli, ["report", DATA, "--skip", "compare", "-q", "--fail-on", "near-duplicate"])
    assert absent.exit_code == 0


def test_cli_bad_input_and_options_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["report", str(tmp_path / "nothing.txt"), "--skip", "compare"])
    assert missing.exit_code == 2 and "no such file or directory" in missing.output
    window = runner.invoke(cli, ["report", DATA, "--story-window", "soon"])
    assert window.exit_code == 2
    threshold = runner.invoke(cli, ["report", DATA, "--skip", "compare", "--threshold", "2"])
    assert threshold.exit_code == 2 and "threshold" in threshold.output
    stages = runner.invoke(cli, ["report", DATA, "--skip", "scan", "--skip", "compare", "--skip", "figures"])
    assert (stages.exit_code, stages.stderr) == (
        2, "Error: --skip leaves nothing to run: skip at most two of scan, compare, figures\n")


# --- report takes every option of the stages it runs; --fail-on on the typed results ------------------

def _report_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["report", *args, "--format", "json", "-q"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_cli_figure_options_reach_the_figures_stage() -> None:
    code, everything = _report_json(DATA, "--skip", "compare", "--fail-on", "conflict")
    assert code == 1 and any(d["status"] == "conflict" for d in everything["figures"]["discrepancies"])
    code, killed = _report_json(DATA, "--skip", "compare", "--measure", "killed", "--fail-on", "conflict")
    assert code == 0
    assert {f["measure"] for f in killed["figures"]["figures"]} == {"killed"}
    assert len(killed["figures"]["figures"]) < len(everything["figures"]["figures"])
    bad = CliRunner().invoke(cli, ["report", DATA, "--skip", "compare", "--measure", "wounded"])
    assert bad.exit_code == 2 and "unknown measure 'wounded'" in bad.output


def test_cli_scan_options_reach_the_scan_stage() -> None:
    _, default = _report_json(DATA, "--skip", "compare", "--skip", "figures")
    _, longer = _report_json(DATA, "--skip", "compare", "--skip", "figures", "--min-words", "20", "--ngram", "4")
    assert min(len(f["occurrences"][0]["text"].split()) for f in longer["scan"]["findings"]) >= 20
    assert len(longer["scan"]["findings"]) < len(default["scan"]["findings"])


def test_cli_compare_thresholds_reach_the_compare_stage(tmp_path: Path, real_encoder: Any) -> None:
    files = [str(Path(DATA) / name) for name in ("002_70fb1de66b54f918.txt", "003_c71ec08203a11230.txt",
                                                 "004_7cde9b3c88a5415a.txt")]
    cache = ["--cache-dir", str(tmp_path / "cache")]
    code, plain = _report_json(*files, "--skip", "scan", "--skip", "figures", *cache, "--fail-on", "divergence")
    # the doctors: 29 (The Independent) vs as few as 14 (EA WorldView)
    assert code == 1 and any(c["status"] == "divergence" for c in plain["compare"]["claims"])
    # With an alignment threshold no pair reaches, nothing is grouped, so nothing diverges.
    code, strict = _report_json(*files, "--skip", "scan", "--skip", "figures", *cache, "--fail-on", "divergence",
                                "--threshold", "align=0.999")
    assert code == 0 and not any(c["status"] == "divergence" for c in strict["compare"]["claims"])
    bad = CliRunner().invoke(cli, ["report", DATA, "--threshold", "bogus=1"])
    assert bad.exit_code == 2 and "name must be one of" in bad.output


def test_findings_of_the_typed_result_match_the_report_counts(seed_run: tuple[Any, dict[str, Any], str]) -> None:
    from dedupe.report.combined import counts

    result, document, _ = seed_run
    written = counts(document)
    assert result.findings == {kind: written[kind] for kind in result.findings}
    assert result.findings["repeat"] > 0 and result.findings["conflict"] == 1


def test_cli_html_summarises_a_story_one_outlet_covers_instead_of_listing_its_claims(tmp_path: Path) -> None:
    """The Daily Mail article is a story of its own: its 85 unique claims are one line (how many, and the first),
    not a list of every claim under "Reported by one outlet only" as another story's unique claims are."""
    page_path, json_path = tmp_path / "report.html", tmp_path / "report.json"
    for out in (page_path, json_path):
        result = CliRunner().invoke(cli, ["report", DATA, "-q", "-o", str(out)])
        assert result.exit_code == 0, result.output
    claims = [c for c in json.loads(json_path.read_text(encoding="utf-8"))["compare"]["claims"]
              if {m["outlet"] for m in c["members"]} == {"Daily Mail"}]
    assert len(claims) == 85 and {c["story"] for c in claims} == {"story-2"}
    page = page_path.read_text(encoding="utf-8")
    story = page.split('<div class="story"><h3 id="story-story-2">')[1].split("</div>")[0]  # to its first close
    first = html.escape(claims[0]["members"][0]["text"], quote=False)
    assert f"Only Daily Mail covers this story: 85 claims, nothing to compare. It opens: {first}</p>" in story
    assert "Reported by one outlet only" not in story and "<li>" not in story
    section = page.split('<section class="panel" id="claims"')[1].split("</section>")[0]
    listed = [c for c in claims[1:] if html.escape(c["members"][0]["text"], quote=False) in section]
    assert listed == []  # no other claim of the story in the claims section (the full texts hold them all)
    assert "Reported by one outlet only" in section  # the four-outlet story still lists its unique claims
