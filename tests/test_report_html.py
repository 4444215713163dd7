"""The HTML report: escaping, anchors, the range plot, and a real headless Chromium loading it from disk.

The page is rendered from the real combined report of ``data/`` plus a hostile document
(``conftest.py``'s ``seed_report``), not from a hand-kept copy of the JSON contract.

The browser tests need Debian's ``chromium`` and ``chromium-driver`` (``make test`` installs them) and the
``selenium`` package; they are skipped, with the reason, only where those are absent.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hostile import HOSTILE_LINES, HOSTILE_RECORD

from dedupe.corpus.documents import Document, Origin
from dedupe.output import bidi_safe, envelope, to_json
from dedupe.report.html import render_html, script_json
from dedupe.report.html_data import report_from_page
from dedupe.report.html_assets import CSS, JS
from dedupe.report.html_claims import mark_words
from dedupe.report.html_figures import range_plot
from dedupe.report.html_text import Highlight, full_text
from dedupe.segment import segment_document

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, seed_report: Any) -> tuple[str, Path, Any]:
    """The real report (seeds + hostile document) rendered once and written to disk."""
    page = render_html(seed_report.report, seed_report.documents)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(page, encoding="utf-8")
    return page, path, seed_report


class _Collect(HTMLParser):
    """Every element's id, every fragment link, tag counts, and the text of each ``.fulltext``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.fragments: list[str] = []
        self.tags: dict[str, int] = {}
        self.fulltexts: list[str] = []
        self._depth = 0
        self._inside: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.fragments.append(str(values["href"])[1:])
        if self._inside is not None:
            self._depth += 1
        elif values.get("class") == "fulltext":
            self._inside, self._depth = [], 1
            self.ids.extend(f'doc-{values["data-doc"]}-{start}' for start, _ in sentence_spans(values))

    def handle_endtag(self, tag: str) -> None:
        if self._inside is not None:
            self._depth -= 1
            if self._depth == 0:
                self.fulltexts.append("".join(self._inside))
                self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            self._inside.append(data)


def sentence_spans(values: dict[str, str | None]) -> list[tuple[int, int]]:
    """The sentence spans a ``.fulltext`` element's ``data-sentences`` gives (``gap,length`` pairs)."""
    spans, end = [], 0
    for item in (values.get("data-sentences") or "").split():
        gap, length = map(int, item.split(","))
        spans.append((end + gap, end + gap + length))
        end += gap + length
    return spans


def _parse(page: str) -> _Collect:
    collect = _Collect()
    collect.feed(page)
    return collect


def test_hostile_markup_is_only_ever_text(rendered: tuple[str, Path, Any]) -> None:
    page = rendered[0]
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "window.__pwned" not in page.split("<script>", 1)[1]      # our own script never names it
    for raw in ("<img", "<iframe", "<svg onload", "<base", "<link", 'http-equiv="refresh"', "<textarea",
                "<b onmouseover", 'href="javascript:'):
        assert raw not in page, raw
    assert html.escape(HOSTILE_LINES[0], quote=True) in page
    assert "\u2028" not in page.split('id="dedupe-data">', 1)[1].split("</script>", 1)[0]


def test_csp_names_the_hashes_of_the_inline_script_and_style(rendered: tuple[str, Path, Any]) -> None:
    page = rendered[0]
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    digest = {name: base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() for name, text in
              (("script", JS), ("style", CSS))}
    assert policy.startswith("default-src 'none';")
    assert f"script-src 'sha256-{digest['script']}'" in policy
    assert f"style-src 'sha256-{digest['style']}'" in policy
    assert f"<script>{JS}</script>" in page and f"<style>{CSS}</style>" in page
    assert " style=" not in page and " onclick=" not in page


def test_every_fragment_link_has_its_target(rendered: tuple[str, Path, Any]) -> None:
    """Sentence anchors (``doc-P-S``) are made by the script from ``data-sentences``: counted as ids here,
    and the browser tests check that the script makes them."""
    collect = _parse(rendered[0])
    assert len(collect.ids) == len(set(collect.ids))
    missing = sorted(set(collect.fragments) - set(collect.ids))
    assert missing == []
    assert len(collect.fragments) > 40


def test_full_text_view_holds_every_document_exactly(rendered: tuple[str, Path, Any]) -> None:
    page, _, seed = rendered
    texts = _parse(page).fulltexts
    assert texts == [d.doc.text for d in seed.documents]


def test_embedded_json_is_the_report(rendered: tuple[str, Path, Any]) -> None:
    page, _, seed = rendered
    assert report_from_page(page) == json.loads(to_json(seed.report))


def test_embedded_json_holds_no_text_the_page_already_has(rendered: tuple[str, Path, Any]) -> None:
    page, _, seed = rendered
    data = json.loads(page.split('<script type="application/json" id="dedupe-data">', 1)[1].split("</script>", 1)[0])
    assert data.pop("texts_in_page") is True
    records = [o for f in data["scan"]["findings"] for o in f["occurrences"]] + data["figures"]["figures"]
    records += [m for c in data["compare"]["claims"] for m in c["members"]]
    assert len(records) > 100
    assert not any({"text", "sentence", "outlet"} & set(r) for r in records)


def test_embedded_json_is_whole_when_the_documents_are_not_the_reports(seed_report: Any) -> None:
    documents = list(reversed(seed_report.documents))
    page = render_html(seed_report.report, documents)
    data = json.loads(page.split('id="dedupe-data">', 1)[1].split("</script>", 1)[0])
    assert "texts_in_page" not in data and data == json.loads(to_json(seed_report.report))
    assert report_from_page(page) == data


def test_rendering_is_deterministic(rendered: tuple[str, Path, Any]) -> None:
    seed = rendered[2]
    assert render_html(seed.report, seed.documents) == rendered[0]


def test_stages_that_did_not_run_are_said_so(seed_report: Any) -> None:
    report = dict(seed_report.report, scan=None, compare=None, figures=None)
    page = render_html(report, seed_report.documents)
    for stage in ("scan", "compare", "figures"):
        assert f"The {stage} stage did not run." in page
    assert _parse(page).fulltexts == [d.doc.text for d in seed_report.documents]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_script_json_cannot_end_its_element(text: str) -> None:
    encoded = script_json({"text": text, "list": [text]})
    assert not set(encoded) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(encoded) == {"text": text, "list": [text]}


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .<>&\"'\n")), max_size=60),
       st.lists(st.tuples(st.integers(-3, 70), st.integers(-3, 70)), max_size=6))
def test_full_text_keeps_every_character_whatever_the_highlights(text: str, spans: list[tuple[int, int]]) -> None:
    document = segment_document(Document("d", "o", "", "", None, text, Origin("x")))
    marks = [Highlight("d", a, b, f"h{i}", "reuse" if i % 2 else "") for i, (a, b) in enumerate(spans)]
    rendered = full_text(document, 0, marks)
    assert _parse(rendered).fulltexts == [text]
    values = dict(re.findall(r'(data-[a-z]+)="([^"]*)"', rendered.split(">", 1)[0]))
    assert sentence_spans(values) == [(s.start, s.end) for s in document.sentences]
    kept = [(max(0, min(a, len(text))), max(0, min(b, len(text))), i) for i, (a, b) in enumerate(spans)]
    assert [tuple(map(int, m.split(",")[:3])) for m in html.unescape(values["data-marks"]).split()] == [
        m for m in kept if m[0] < m[1]]


def test_full_text_costs_the_escaped_text_plus_a_few_characters_a_sentence() -> None:
    text = "Officials said 12 people died. Rescuers searched the area. " * 2000
    document = segment_document(Document("d", "o", "", "", None, text, Origin("x")))
    marks = [Highlight("d", s.start, s.end, f"h{i}", "figure") for i, s in enumerate(document.sentences[::10])]
    size = len(full_text(document, 0, marks))
    assert size < len(text) + 8 * len(document.sentences) + 20 * len(marks) + 200


def test_mark_words_marks_what_differs() -> None:
    marked = mark_words("The Red Cross said there are as few as 14 doctors <left>.", {"14"})
    assert marked == ("The Red Cross said there are as few as <mark class=\"word\">14</mark> doctors "
                      "&lt;left&gt;.")


def test_range_plot_puts_29_right_of_14() -> None:
    svg = range_plot([{"outlet": "The Independent", "text": "29 doctors", "low": 29, "high": 29},
                      {"outlet": "EA WorldView", "text": "as few as 14 doctors", "low": 14, "high": 14}], "conflict")
    centres = [float(x) for x in re.findall(r'<circle class="point" cx="([\d.]+)"', svg)]
    assert len(centres) == 2 and centres[0] > centres[1]
    assert 'class="range conflict"' in svg and "The Independent: 29 doctors" in svg


def test_range_plot_draws_an_open_interval_to_the_edge() -> None:
    svg = range_plot([{"outlet": "A", "text": "more than 250", "low": 250, "high": None}])
    assert 'class="bar open"' in svg and "<path" in svg
    assert range_plot([{"outlet": "A", "text": "some", "low": None, "high": None}]) == ""


# --- in a real browser ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Headless Chromium through chromedriver, with browser and performance logs."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are not installed (make test installs them with apt-get)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (test extra)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1400",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _open(driver: Any, path: Path) -> list[str]:
    """Load a file, returning the urls of the requests the page made."""
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(path.as_uri())
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    return requests


def test_browser_runs_none_of_the_corpus(browser: Any, rendered: tuple[str, Path, Any], tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    requests = _open(browser, rendered[1])
    assert requests == [rendered[1].as_uri()]
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.accept()
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.title.startswith("dedupe report:") and "pwned" not in browser.title
    assert browser.execute_script(
        "return document.querySelectorAll('img, iframe, base, link, textarea, meta[http-equiv=refresh]').length"
    ) == 0
    assert browser.execute_script("return document.scripts.length") == 2
    text = browser.find_element("tag name", "body").text
    for line in HOSTILE_LINES[:7]:
        assert line in text
    assert HOSTILE_RECORD["source"] in text and HOSTILE_RECORD["url"] in text
    assert browser.execute_script("return document.documentElement.classList.contains('js')")
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_browser_shows_every_range_plot_label_whole(browser: Any, tmp_path: Path) -> None:
    """The value labels of the widest figures ("Between 400 and 500", an open "hundreds" at the right
    edge) and the outlet labels lie inside the svg, as Chromium lays them out."""
    svg = range_plot([
        {"outlet": "The Independent", "text": "500", "low": 500, "high": 500},
        {"outlet": "EA WorldView", "text": "Between 400 and 500", "low": 400, "high": 500},
        {"outlet": "EA WorldView", "text": "hundreds", "low": 100, "high": None, "qualifier": "vague"},
        {"outlet": "The Christian Science Monitor", "text": "more than 1,400", "low": 1400, "high": None},
        {"outlet": "Deutsche Welle (DW), via a third-party mirror", "text": "approximately 1,500", "low": 1500,
         "high": 1500},
        {"outlet": "Wire", "text": "AT MOST 1,450 WOUNDED MEN", "low": None, "high": 1450, "qualifier": "up to"},
    ], "consistent")
    page = tmp_path / "plot.html"
    page.write_text(f"<!doctype html><meta charset=utf-8><style>{CSS}</style><body>{svg}</body>", encoding="utf-8")
    _open(browser, page)
    outside = browser.execute_script("""
        const svg = document.querySelector('svg.range').getBoundingClientRect();
        return Array.from(document.querySelectorAll('svg.range text'), t => [t.textContent, t.getBoundingClientRect()])
          .filter(([, r]) => r.left < svg.left - 0.5 || r.right > svg.right + 0.5 || r.width === 0)
          .map(([text, r]) => `${text}: ${r.left.toFixed(1)}-${r.right.toFixed(1)} vs ${svg.left}-${svg.right}`);
    """)
    assert outside == []
    labels = browser.execute_script("return Array.from(document.querySelectorAll('svg.range text.value'), "
                                    "t => t.textContent)")
    assert "Between 400 and 500" in labels and "hundreds" in labels


def test_browser_follows_a_finding_to_its_sentence(browser: Any, rendered: tuple[str, Path, Any]) -> None:
    report = rendered[2].report
    figures = report["figures"]["figures"]
    number, group = next((n, d) for n, d in enumerate(report["figures"]["discrepancies"])
                         if d["status"] == "conflict" and d["what"] == "doctors")
    place = next(k for k, i in enumerate(group["figures"]) if figures[i]["text"] == "as few as 14")
    _open(browser, rendered[1])
    link = browser.find_elements("css selector", f"#discrepancy-{number} a.go")[place]
    browser.execute_script("arguments[0].scrollIntoView()", link)
    link.click()
    target = browser.find_element("id", browser.execute_script("return location.hash.slice(1)"))
    assert "as few as 14 doctors" in target.text and target.is_displayed()
    current = browser.execute_script("return Array.from(document.querySelectorAll('.current'), e => e.textContent)")
    assert "as few as 14" in "".join(current)
    assert "".join(current) in "The Red Cross said that there are now as few as 14 doctors left."
    assert browser.get_log("browser") == []


# Every document built (as for printing): each sentence span's id and text, each highlight's text.
_BUILT = """
window.dispatchEvent(new Event('beforeprint'));
return Array.from(document.querySelectorAll('.fulltext[data-doc]'), box => [
  box.textContent,
  Array.from(box.querySelectorAll('span[id]'), s => [s.id, s.textContent]),
  box.dataset.marks.split(' ').filter(m => m).map(m => 'h' + m.split(',')[2]).map(key =>
    [key, Array.from(box.querySelectorAll('[data-h~="' + key + '"]'), e => e.textContent).join('')])]);
"""


def _expected_views(page: str, documents: list[Any]) -> list[Any]:
    """What each built document must show: its text, its sentences by id, each highlight's exact text."""
    views = []
    for position, document in enumerate(documents):
        text = document.doc.text
        data = page.split(f'class="fulltext" data-doc="{position}" ', 1)[1].split(">", 1)[0]
        marks = [m.split(",") for m in html.unescape(re.search(r'data-marks="([^"]*)"', data).group(1)).split()]
        views.append([text, [[f"doc-{position}-{s.start}", s.text] for s in document.sentences],
                      [[f"h{m[2]}", text[int(m[0]):int(m[1])]] for m in marks]])
    return views


def test_browser_builds_every_sentence_and_highlight_exactly(browser: Any, rendered: tuple[str, Path, Any]) -> None:
    page, path, seed = rendered
    _open(browser, path)
    assert browser.execute_script(_BUILT) == _expected_views(page, list(seed.documents))
    assert browser.get_log("browser") == []


def test_browser_offsets_hold_past_astral_characters_and_carriage_returns(browser: Any, tmp_path: Path) -> None:
    """Offsets are code points, the DOM counts UTF-16 units; a raw CR would become LF in the page."""
    from dedupe.output import envelope

    text = "Caf\u00e9 \U0001F600 says 12 people died.\r\nThen \U0001D11E\U0001F600 3 more were hurt.\r\nEnd."
    document = segment_document(Document("d0", "Outlet", "", "", None, text, Origin("x")))
    start = text.index("3 more")
    occurrence = {"doc": "d0", "outlet": "Outlet", "start": start, "end": start + 6, "line": 2, "text": "3 more"}
    report = envelope("report", {"corpus": {"summary": {"documents": 1, "outlets": {"Outlet": 1}}},
                                 "scan": {"findings": [{"kind": "repeat", "occurrences": [occurrence]}]},
                                 "compare": None, "figures": None})
    page = render_html(report, [document])
    path = tmp_path / "astral.html"
    path.write_text(page, encoding="utf-8")
    _open(browser, path)
    views = browser.execute_script(_BUILT)
    assert views == _expected_views(page, [document])
    assert views[0][2] == [["h0", "3 more"]]
    link = browser.find_element("css selector", "#passages a.go")
    link.click()
    target = browser.find_element("id", browser.execute_script("return location.hash.slice(1)"))
    assert target.get_attribute("textContent") == "Then \U0001D11E\U0001F600 3 more were hurt."
    assert browser.execute_script("return document.querySelector('.current').textContent") == "3 more"


def test_browser_filters_claims_and_keyboard_reaches_the_skip_link(browser: Any,
                                                                   rendered: tuple[str, Path, Any]) -> None:
    from selenium.webdriver.common.keys import Keys

    _open(browser, rendered[1])
    body = browser.find_element("tag name", "body")
    body.send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.text == "Skip to the report" and active.is_displayed()
    active.send_keys(Keys.ENTER)
    assert browser.execute_script("return location.hash") == "#main"
    agreement = [c["status"] for c in rendered[2].report["compare"]["claims"]].index("agreement")
    unique = browser.find_element("css selector", "#claim-list details.finding.unique")
    assert unique.is_displayed()
    button = browser.find_element("css selector", "button[data-filter=agreement]")
    browser.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert browser.find_element("id", f"claim-{agreement}").is_displayed()
    assert not unique.is_displayed()


# --- size grows linearly with the corpus ------------------------------------------------------------

def _synthetic(n: int) -> tuple[dict[str, Any], list[Any]]:
    """``n`` one-outlet documents sharing a boilerplate line, with a claim group per neighbouring pair."""
    from dedupe.output import envelope

    line = "Join our new commenting forum."
    documents = [segment_document(Document(f"d{i}", f"Outlet {i}", "", "", None,
                                           f"Story {i} says {i} people fled. {line}\nMore text {i}.", Origin("x")))
                 for i in range(n)]

    def member(i: int) -> dict[str, Any]:
        text = documents[i].doc.text
        return {"doc": f"d{i}", "outlet": f"Outlet {i}", "start": 0, "end": text.index(".") + 1, "line": 1,
                "text": text[: text.index(".") + 1]}

    boiler = [{"doc": f"d{i}", "outlet": f"Outlet {i}", "start": d.doc.text.index(line),
               "end": d.doc.text.index(line) + len(line), "line": 1, "text": line} for i, d in enumerate(documents)]
    claims = [{"status": "agreement", "story": "story-1", "similarity": 0.8, "members": [member(i), member(i + 1)],
               "reasons": []} for i in range(n - 1)]
    report = envelope("report", {
        "corpus": {"summary": {"documents": n, "outlets": {f"Outlet {i}": 1 for i in range(n)}}, "documents": []},
        "scan": {"findings": [{"kind": "boilerplate", "similarity": 1.0, "occurrences": boiler}]},
        "compare": {"stories": [{"id": "story-1", "docs": [f"d{i}" for i in range(n)]}], "claims": claims,
                    "entities": []},
        "figures": {"figures": [], "discrepancies": []}})
    return report, documents


def test_page_size_grows_linearly_with_documents_outlets_and_claims() -> None:
    sizes = {}
    for n in (40, 160):
        report, documents = _synthetic(n)
        page = render_html(report, documents)
        before, rest = page.split('<table class="matrix">', 1)
        sizes[n] = sum(_parse(before + rest.split("</table>", 1)[1]).tags.values())
    assert 3.5 < sizes[160] / sizes[40] < 4.5


def test_coverage_matrix_keeps_within_its_cell_budget() -> None:
    from dedupe.report.html_claims import MATRIX_CELLS

    report, documents = _synthetic(300)
    page = render_html(report, documents)
    matrix = page.split('<table class="matrix">', 1)[1].split("</table>", 1)[0]
    assert matrix.count("<td") <= MATRIX_CELLS + 2 * 300
    assert "Showing the 30 claims reported by the most outlets, of 299." in page


def test_mark_phrases_marks_named_words_whole_and_merged() -> None:
    from dedupe.report.html_claims import mark_phrases

    text = "Activists say 500 <b>were</b> killed; 5000 fled."
    assert mark_phrases(text, ["500", "activists say", "Activists"]) == (
        '<mark class="word">Activists say</mark> <mark class="word">500</mark> &lt;b&gt;were&lt;/b&gt; killed; '
        "5000 fled.")
    assert mark_phrases(text, []) == html.escape(text, quote=True)


# --- at scale and on a narrow screen ----------------------------------------------------------------

# Text nodes whose box ends past the viewport's right edge, outside a horizontally scrolling table.
_OVERFLOWING_TEXT = """
const limit = document.documentElement.clientWidth + 1, found = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const range = document.createRange(); range.selectNodeContents(node);
  const box = range.getBoundingClientRect();
  if (box.width && box.right > limit && !node.parentElement.closest('.scroll, .skip')) {
    found.push(node.parentElement.tagName + '.' + node.parentElement.className + ': ' + node.textContent.slice(0, 50));
  }
}
return found;
"""


def test_browser_page_fits_400px_without_horizontal_overflow(browser: Any, rendered: tuple[str, Path, Any]) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 400, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    try:
        _open(browser, rendered[1])
        assert browser.execute_script("return window.innerWidth") == 400
        wide = browser.execute_script(_OVERFLOWING_TEXT)
        assert wide == []
        assert browser.execute_script("return document.documentElement.scrollWidth") <= browser.execute_script(
            "return document.documentElement.clientWidth")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_findings_come_before_the_document_list_folded_past_50_rows() -> None:
    from dedupe.report.html import TABLE_OPEN_ROWS

    for n, folded in ((TABLE_OPEN_ROWS, False), (TABLE_OPEN_ROWS + 1, True)):
        report, documents = _synthetic(n)
        report["corpus"]["documents"] = [{"id": f"d{i}", "outlet": f"Outlet {i}"} for i in range(n)]
        page = render_html(report, documents)
        table = page.index('<table class="documents">')
        assert page.index('id="passages"') < page.index('id="claims"') < page.index('id="figures"') < table
        opening = page.rfind("<details", 0, table)
        assert page[opening:page.index(">", opening)] == ("<details" if folded else "<details open")


def test_coverage_matrix_has_a_column_for_every_outlet_of_the_story(rendered: tuple[str, Path, Any]) -> None:
    page, _, seed = rendered
    matrix = page.split('<table class="matrix">', 1)[1].split("</thead>", 1)[0]
    story = next(s for s in seed.report["compare"]["stories"] if len(s["docs"]) > 1)
    outlets = {d.doc.outlet for d in seed.documents if d.doc.id in story["docs"]}
    assert "The Sun" in outlets
    assert {html.unescape(t) for t in re.findall(r'<th class="outlet" scope="col" title="([^"]*)"', matrix)} >= outlets


def test_entity_variants_leave_out_case_and_inflections(rendered: tuple[str, Path, Any]) -> None:
    from dedupe.report.fields import spelling_variants

    assert spelling_variants(["Syria", "Syrian", "Syrians"]) == ["Syria"]
    assert spelling_variants(["PHOTO", "Photos"]) == ["PHOTO"]
    assert spelling_variants(["Washington", "WASHINGTON"]) == ["Washington"]
    assert spelling_variants(["Sergei Lavrov", "Sergey Lavrov", "Lavrov"]) == ["Sergei Lavrov", "Sergey Lavrov",
                                                                               "Lavrov"]
    entities = rendered[0].split('id="entities"', 1)[1].split("</section>", 1)[0]
    assert "Syrians" not in entities and "WASHINGTON" not in entities and "PHOTO" not in entities
    assert "Sergey Lavrov" in entities


def test_a_divergence_shows_both_versions_words_linked_to_their_offsets(rendered: tuple[str, Path, Any]) -> None:
    page, _, report = rendered
    claims = report.report["compare"]["claims"]
    reason = next(r for c in claims for r in c.get("reasons", []) if r["conflicting"][0]["spans"])
    sides = re.search(r'<div class="sides">(.*?)</div>', page)
    assert sides is not None
    for side in reason["conflicting"]:
        (start, end), word = side["spans"][0], side["words"][0]
        assert f'{side["doc"]} @{start}-{end}</a> <mark>{html.escape(word)}</mark>' in sides.group(1)


def test_findings_past_the_limit_are_links_to_every_occurrence(seed_report: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import dedupe.report.html as page_module

    monkeypatch.setattr(page_module, "PASSAGES_IN_FULL", 1)
    page = render_html(seed_report.report, seed_report.documents)
    findings = seed_report.report["scan"]["findings"]
    brief = re.findall(r'<li id="passage-(\d+)">(.*?)</li>', page)
    kinds = {f["kind"] for f in findings}
    assert len(brief) == len(findings) - len(kinds) > 0
    for number, row in brief:
        occurrences = findings[int(number)]["occurrences"]
        assert row.count('<a class="go"') == len(occurrences)
        assert all(o["text"] not in row for o in occurrences if len(o["text"]) > 20)
    collect = _parse(page)
    assert sorted(set(collect.fragments) - set(collect.ids)) == []


def test_a_directional_override_in_the_corpus_reverses_none_of_the_reports_words(browser: Any,
                                                                                  tmp_path: Path) -> None:
    """An outlet ending in an open RIGHT-TO-LEFT OVERRIDE would reverse what follows it on the line ("line 1"
    read as "1 enil"): it is shown as ``[U+202E]``; an open embedding is closed; the full text stays exact."""
    from dedupe.output import envelope

    text = "Jets bombed the city.\nJets bombed the city.\n"
    url = "https://e.com/\u202efdp.exe"
    document = segment_document(Document("d0", "\u202eRTL outlet", "\u202bTitle", url, None, text, Origin("x")))
    occurrences = [{"doc": "d0", "outlet": "\u202eRTL outlet", "start": start, "end": start + 20, "line": line,
                    "text": text[start:start + 20]} for line, start in ((1, 0), (2, 22))]
    report = envelope("report", {"corpus": {"summary": {"documents": 1, "outlets": {"\u202eRTL outlet": 1}}},
                                 "scan": {"findings": [{"kind": "repeat", "occurrences": occurrences}]},
                                 "compare": None, "figures": None})
    page = render_html(report, [document])
    shown = re.sub(r'<script type="application/json".*?</script>', "", page, flags=re.S)  # data, kept as read
    assert "\u202e" not in shown and "[U+202E]RTL outlet" in shown and "\u202bTitle\u202c<" in shown
    assert "https://e.com/[U+202E]fdp.exe" in shown and 'href="https' not in shown
    assert _parse(page).fulltexts == [text]
    path = tmp_path / "bidi.html"
    path.write_text(page, encoding="utf-8")
    _open(browser, path)
    assert browser.execute_script("""
        const node = document.querySelector('#passages a.go').firstChild, range = document.createRange();
        const left = (at) => { range.setStart(node, at); range.setEnd(node, at + 1);
                               return range.getBoundingClientRect().left; };
        return [node.data, left(0) < left(node.length - 1)];""") == ["line 1", True]
    assert [bidi_safe(t) for t in ("\u202ba\u2067b\u202c", "\u2067a\u202bb\u2069c", "\u202ba\u202c\u2069")] == [
        "\u202ba\u2067b\u202c\u2069\u202c", "\u2067a\u202bb\u2069c", "\u202ba\u202c\u2069"]


def test_every_claim_shows_its_line_and_character_offsets(rendered: tuple[str, Path, Any]) -> None:
    page, _, seed = rendered
    claims = seed.report["compare"]["claims"]
    compared = {c["story"] for c in claims if len({m["outlet"] for m in c["members"]}) > 1}
    for claim in (c for c in claims if c["story"] in compared):  # a one-outlet story is summarised, not listed
        for m in claim["members"][:1] if claim["status"] == "unique" else claim["members"]:
            joint = ", " if claim["status"] == "unique" else " · "
            assert f'line {m["line"]}</a>{joint}characters {m["start"]}–{m["end"]}' in page, m


def test_a_url_holding_any_directional_control_is_shown_as_text_not_linked() -> None:
    """A closed embedding (U+202B ... U+202C) passes :func:`bidi_safe` unchanged, yet with one right-to-left letter
    it shows ``https://evil.example/א/google.com`` as ``https://google.com/א/evil.example``: never a link."""
    text = "Jets bombed the city.\n"
    for url in ("https://\u202bevil.example/\u05d0/google.com\u202c", "https://e.com/\u2067\u05d0/x\u2069",
                "https://e.com/\u202ex\u202c"):
        document = segment_document(Document("d0", "Wire", "", url, None, text, Origin("x")))
        report = envelope("report", {"corpus": {"summary": {"documents": 1, "outlets": {"Wire": 1}}},
                                     "scan": None, "compare": None, "figures": None})
        assert "href=\"https" not in render_html(report, [document]), url
    plain = segment_document(Document("d0", "Wire", "", "https://e.com/\u05d0/x", None, text, Origin("x")))
    assert 'href="https://e.com/\u05d0/x"' in render_html(envelope("report", {
        "corpus": {"summary": {"documents": 1, "outlets": {"Wire": 1}}}, "scan": None, "compare": None,
        "figures": None}), [plain])
