"""The self-contained HTML report of ``dedupe report``.

:func:`render_html` turns the combined report (``envelope("report", {"corpus", "scan", "compare",
"figures"})``) and the segmented documents into one HTML file: inline CSS and JS, no request to any
network, readable opened from disk and printed.

Security: corpus text is untrusted. Every value from the report or the documents is escaped with
``html.escape(quote=True)``; no corpus value becomes an attribute other than a quoted, escaped one; the
source url becomes a link only for ``http``/``https`` (and none holding a directional control, closed or not:
:func:`~dedupe.output.directional`); text shows a directional override as its code point
(:func:`~dedupe.output.bidi_safe`); the embedded JSON (the
report less the texts the page already holds: :mod:`dedupe.report.html_data`, whose ``report_from_page`` reads
it back) escapes ``<``, ``>``, ``&`` and U+2028/U+2029 so that it cannot close its ``<script>`` element; and a
Content-Security-Policy allows only the report's own inline script and stylesheet, by their SHA-256
hashes.

Example:
    >>> html = render_html(report_dict(result), prepared.documents)   # doctest: +SKIP
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

from dedupe.output import directional, plural
from dedupe.report.combined import counts
from dedupe.report.html_assets import CSS, JS
from dedupe.report.html_data import page_data
from dedupe.report.html_claims import claims_section, coverage_section, entities_section
from dedupe.report.html_figures import figures_section
from dedupe.report.html_text import DocumentIndex, esc, full_text, snippet
from dedupe.segment import SegmentedDocument
from dedupe.report.fields import int_field, skipped_of, skipped_where

#: Occurrences of one passage shown before the rest are folded away.
SHOWN_OCCURRENCES = 8
#: Characters of a passage, and of context on each side, shown for its second and later occurrences.
LATER_SHOWN_CHARS = 160
LATER_CONTEXT_CHARS = 40
#: Findings of one kind shown with their text in context; the rest are listed as links to their lines.
PASSAGES_IN_FULL = 300
#: A document's text longer than this ends with a link back to the top of the page.
TOP_LINK_CHARS = 2000
_TOP_LINK = '<a class="top-link" href="#top">Back to top</a>'
#: The document list starts folded (a ``<details>`` to open) when it has more rows than this.
TABLE_OPEN_ROWS = 50
# Most severe first (dedupe.scan.near_dup.KINDS): the order of the sections.
_KIND_TITLES = {"repeat": "Printed twice inside one document (scraper faults)",
                "near_duplicate": "Near-duplicate documents", "reuse": "Reused across documents",
                "echo": "Echoes: a phrase used in two different sentences of one document",
                "boilerplate": "Boilerplate"}
_KIND_CLASS = {"repeat": "repeat", "reuse": "reuse", "echo": "repeat"}


def render_html(report: dict[str, Any], documents: Sequence[SegmentedDocument]) -> str:
    """Render the combined report as one self-contained HTML page.

    Args:
        report: The combined report dict (``corpus``, ``scan``, ``compare``, ``figures``; a missing or
            ``None`` stage is shown as not run).
        documents: The segmented documents the report was computed on (their texts, sentence anchors).

    Returns:
        The HTML page. The same inputs give the same bytes.
    """
    index = DocumentIndex(documents)
    corpus = report.get("corpus") or {}
    outlets = _outlets(corpus, documents)
    # Sections that link into the documents run first: they register the highlights of the full text.
    compare = report.get("compare")
    ran = compare is not None or len(outlets) > 1  # compare is left out of a one-outlet corpus
    one_outlet = '<p class="empty">Compare did not run: every document is from one outlet.</p>'
    sections = [
        ("passages", "Repeated passages", _passages(report.get("scan"), index)),
        ("claims", "Claims", claims_section(compare, index) if ran else one_outlet),
        ("coverage", "Coverage", coverage_section(compare, outlets, index) if ran else one_outlet),
        ("figures", "Figures", figures_section(report.get("figures"), index)),
        ("entities", "Entities", entities_section(compare) if ran else one_outlet),
    ]
    counts = _counts(report)
    overview = ("overview", "Overview", _overview(report, counts, outlets, index))
    texts = ("documents", "Documents",
             _document_table(report, index) + _documents(documents, index, _story_of(report)))
    return _page(report, [overview, *sections, texts], counts, page_data(report, documents))


def _page(report: dict[str, Any], sections: list[tuple[str, str, str]], counts: dict[str, int],
          data: dict[str, Any]) -> str:
    nav_counts = {"passages": counts["passages"], "claims": counts["claims"], "figures": counts["figures"],
                  "entities": counts["entities"], "documents": counts["documents"]}
    nav = "".join(
        f'<li><a href="#{key}">{esc(title)}'
        + (f'<span class="count">{nav_counts[key]}</span>' if key in nav_counts else "") + "</a></li>"
        for key, title, _ in sections)
    body = "".join(f'<section class="panel" id="{key}" aria-labelledby="{key}-h"><h2 id="{key}-h">{esc(title)}</h2>'
                   f"{content}</section>" for key, title, content in sections)
    summary = (report.get("corpus") or {}).get("summary", {})
    dates = summary.get("dates")
    subtitle = (f'{plural(summary.get("documents", 0), "document")} from '
                f'{plural(len(summary.get("outlets", {})), "outlet")}'
                + (f" · {dates[0]} to {dates[1]}" if dates else ""))
    csp = (f"default-src 'none'; script-src '{_sha256(JS)}'; style-src '{_sha256(CSS)}'; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    version = f'dedupe {report.get("version", "")}, schema {report.get("schema_version", "")}'
    return ("<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>dedupe report: {esc(subtitle)}</title><style>{CSS}</style></head>"
            '<body><a class="skip" href="#main">Skip to the report</a>'
            '<a class="skip" href="#documents">Skip to the documents</a>'
            f'<header class="top" id="top"><div class="wrap"><h1>News comparison report</h1>'
            f"<p>{esc(subtitle)} · {esc(version)}</p></div></header>"
            f'<nav class="sections" aria-label="Sections"><ul>{nav}</ul></nav>'
            f'<main id="main" class="wrap" tabindex="-1">{body}</main>'
            f'<footer class="wrap">Generated by {esc(version)}. Offsets are character offsets into each '
            "document's text; lines are 1-based. Corpus text is shown as text: nothing in it runs.</footer>"
            f'<script type="application/json" id="dedupe-data">{script_json(data)}</script>'
            f"<script>{JS}</script></body></html>\n")


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028 and U+2029 are escaped.

    Args:
        value: Any JSON-serialisable value.

    Returns:
        Compact JSON whose text cannot end the element (no ``</script>``, no ``<!--``).
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _counts(report: dict[str, Any]) -> dict[str, int]:
    found = counts(report)
    found["passages"] = len((report.get("scan") or {}).get("findings", []))
    found["claims"] = found["divergence"] + found["agreement"] + found["unique"]
    return found


def _overview(report: dict[str, Any], counts: dict[str, int], outlets: list[str], index: DocumentIndex) -> str:
    summary = (report.get("corpus") or {}).get("summary", {})
    dates = summary.get("dates")
    cards = [("documents", counts["documents"], "documents"), ("documents", counts["outlets"], "outlets"),
             ("claims", counts["stories"], "stories"),
             ("passages", counts["repeat"], "repeated units"),
             ("passages", counts["near_duplicate"], "near-duplicate groups"),
             ("passages", counts["reuse"], "reused passages"), ("passages", counts["echo"], "echoes"),
             ("claims", counts["divergence"], "divergences"), ("claims", counts["agreement"], "agreements"),
             ("claims", counts["unique"], "unique claims"), ("figures", counts["conflict"], "figure conflicts"),
             ("figures", counts["update"], "figure updates"), ("figures", counts["consistent"], "consistent figures"),
             ("figures", counts["uncertain"], "uncertain figures"), ("entities", counts["entities"], "entities")]
    if counts["boilerplate"]:
        cards.insert(7, ("passages", counts["boilerplate"], "boilerplate passages"))
    html_cards = "".join(f'<a class="card" href="#{key}"><b>{value}</b><span>{esc(label)}</span></a>'
                         for key, value, label in cards)
    period = f"Dates: {esc(dates[0])} to {esc(dates[1])}. " if dates else ""
    lead = f'<p class="lead">{period}Outlets: {esc(", ".join(outlets)) or "none"}.</p>'
    return f'{lead}<div class="cards">{html_cards}</div>{_skipped(report)}'


def _document_table(report: dict[str, Any], index: DocumentIndex) -> str:
    corpus = report.get("corpus") or {}
    story_of = _story_of(report)
    found = _findings_per_doc(report)
    rows = []
    for doc in corpus.get("documents", []):
        doc_id = str(doc.get("id"))
        anchor = index.doc_anchor(doc_id)
        name = f'<a href="#{anchor}">{esc(doc_id)}</a>' if anchor else esc(doc_id)
        rows.append(f'<tr><td class="id">{name}</td><td>{esc(doc.get("outlet"))}</td>'
                    f'<td class="nowrap">{esc(doc.get("date") or "")}</td>'
                    f'<td class="nowrap">{esc(story_of.get(doc_id, ""))}</td><td>{esc(doc.get("title") or "")}</td>'
                    f'<td class="num">{esc(doc.get("sentences", ""))}</td>'
                    f'<td class="num">{found.get(doc_id, 0)}</td></tr>')
    opened = " open" if len(rows) <= TABLE_OPEN_ROWS else ""
    return (f'<details{opened}><summary>Document list <span class="count">{len(rows)}</span></summary>'
            '<div class="scroll"><table class="documents"><thead><tr><th>id</th><th>outlet</th>'
            '<th>date</th><th>story</th><th>title</th><th class="num">sentences</th><th class="num">findings</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div></details>')


def _skipped(report: dict[str, Any]) -> str:
    skipped = skipped_of(report)
    if not skipped:
        return ""
    items = "".join(f'<li>{esc(skipped_where(s))}: {esc(s.get("reason"))}</li>' for s in skipped)
    return (f'<details><summary>Skipped inputs <span class="count">{len(skipped)}</span></summary>'
            f'<ul>{items}</ul></details>')


def _passages(payload: dict[str, Any] | None, index: DocumentIndex) -> str:
    if payload is None:
        return '<p class="empty">The scan stage did not run.</p>'
    findings = payload.get("findings", [])
    parts = ['<p class="lead">Passages printed more than once: inside one document (a scraper doubling a line), '
             'across documents (wire copy, a shared quote), and whole documents that copy each other. The shared '
             'span is marked in each occurrence; follow a line link to read it in its document.</p>']
    by_kind: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, finding in enumerate(findings):
        by_kind.setdefault(str(finding.get("kind")), []).append((number, finding))
    kinds = [k for k in _KIND_TITLES if k in by_kind] + sorted(k for k in by_kind if k not in _KIND_TITLES)
    for kind in kinds:
        parts.append(f'<h3>{esc(_KIND_TITLES.get(kind, kind))} <span class="count">{len(by_kind[kind])}</span></h3>')
        parts.extend(_passage(number, finding, index) for number, finding in by_kind[kind][:PASSAGES_IN_FULL])
        rest = by_kind[kind][PASSAGES_IN_FULL:]
        if rest:
            rows = "".join(_passage_brief(number, finding, index) for number, finding in rest)
            parts.append(f'<details><summary>{len(rest)} more, as links to their lines</summary>'
                         f'<ul class="brief">{rows}</ul></details>')
    if not findings:
        parts.append('<p class="empty">No repeated or reused passages.</p>')
    return "".join(parts)


def _passage(number: int, finding: dict[str, Any], index: DocumentIndex) -> str:
    kind = str(finding.get("kind", ""))
    occurrences = finding.get("occurrences", [])
    docs = len({str(o.get("doc")) for o in occurrences})
    shown = [_occurrence(o, kind, index, later=number > 0) for number, o in enumerate(occurrences)]
    rest = shown[SHOWN_OCCURRENCES:]
    folded = (f'<details><summary>{len(rest)} more occurrences</summary>{"".join(rest)}</details>' if rest else "")
    similarity = finding.get("similarity")
    sim = f" · similarity {similarity:.2f}" if isinstance(similarity, (int, float)) else ""
    words = finding.get("words")
    sim = (f" · {words} words" if isinstance(words, int) and kind != "near_duplicate" else "") + sim
    return (f'<article class="finding {esc(kind)}" id="passage-{number}"><h3><span class="badge {esc(kind)}">'
            f'{esc(kind.replace("_", " "))}</span><span class="meta">{len(occurrences)} occurrences in {docs} '
            f'document{"s" if docs != 1 else ""}{sim}</span></h3>'
            f'{"".join(shown[:SHOWN_OCCURRENCES])}{folded}</article>')


def _passage_brief(number: int, finding: dict[str, Any], index: DocumentIndex) -> str:
    """A finding past :data:`PASSAGES_IN_FULL` of its kind: one line, a link to each occurrence, no text."""
    kind = str(finding.get("kind", ""))
    links = []
    for occurrence in finding.get("occurrences", []):
        doc_id = str(occurrence.get("doc", ""))
        start, end = int_field(occurrence.get("start")), int_field(occurrence.get("end"))
        label = f'{doc_id} line {occurrence.get("line")}'
        links.append(index.link(doc_id, start, end, label, css=_KIND_CLASS.get(kind, "")))
    words = finding.get("words")
    size = f" ({words} words)" if isinstance(words, int) else ""
    return f'<li id="passage-{number}">{" · ".join(links)}{size}</li>'


def _occurrence(occurrence: dict[str, Any], kind: str, index: DocumentIndex, later: bool) -> str:
    """One occurrence: where it is, its link, and its text in context.

    The occurrences of a finding repeat one passage: the first shows it whole (up to
    :data:`~dedupe.report.html_text.MAX_SHOWN_CHARS`) in :data:`~dedupe.report.html_text.CONTEXT_CHARS`
    of context; a ``later`` one shows :data:`LATER_SHOWN_CHARS` of it in :data:`LATER_CONTEXT_CHARS`, and
    its link leads to the whole passage in its document.
    """
    doc_id = str(occurrence.get("doc", ""))
    start, end = int_field(occurrence.get("start")), int_field(occurrence.get("end"))
    link = index.link(doc_id, start, end, f'line {occurrence.get("line")}', css=_KIND_CLASS.get(kind, ""))
    text = index.text(doc_id)
    if kind == "near_duplicate" and text is not None:
        context = snippet(text, start, min(end, start + 240), width=0) + ("…" if end > start + 240 else "")
    elif text is not None and later:
        context = snippet(text, start, end, width=LATER_CONTEXT_CHARS, longest=LATER_SHOWN_CHARS)
    elif text is not None:
        context = snippet(text, start, end)
    else:
        context = f'<mark class="span">{esc(occurrence.get("text", ""))}</mark>'
    return (f'<div class="occ"><div class="where"><b>{esc(occurrence.get("outlet"))}</b> · {esc(doc_id)} · {link}'
            f' · characters {start}–{end}</div><div class="ctx">{context}</div></div>')


def _documents(documents: Sequence[SegmentedDocument], index: DocumentIndex, story_of: dict[str, str]) -> str:
    parts = ['<p class="lead">The full text of every document as loaded. Passages found more than once are '
             'shaded, figures underlined; a followed link outlines its sentence.</p>']
    for position, document in enumerate(documents):
        doc = document.doc
        facts = [doc.outlet, doc.date_text, story_of.get(doc.id, ""), str(doc.origin)]
        url = _safe_url(doc.url)
        parts.append(
            f'<article class="doc" id="doc-{position}">'
            f'<h3>{esc(doc.id)}{": " + esc(doc.title) if doc.title else ""}</h3>'
            f'<div class="meta">{esc(" · ".join(f for f in facts if f))}'
            + (f' · <a href="{esc(url)}" rel="noopener noreferrer nofollow">{esc(url)}</a>' if url
               else (f" · {esc(doc.url)}" if doc.url else ""))
            + f'</div>{full_text(document, position, index.highlights(doc.id))}'
            + (_TOP_LINK if len(doc.text) > TOP_LINK_CHARS else "") + "</article>")
    return "".join(parts)


def _safe_url(url: str) -> str:
    try:
        parsed = urlparse(url.strip())
    except ValueError:
        return ""
    # A url with directional controls would link elsewhere than it reads: it is shown as text, not linked.
    safe = parsed.scheme in ("http", "https") and parsed.netloc and not directional(url)
    return url.strip() if safe else ""


def _outlets(corpus: dict[str, Any], documents: Sequence[SegmentedDocument]) -> list[str]:
    listed = list((corpus.get("summary") or {}).get("outlets", {}))
    return listed or sorted({d.doc.outlet for d in documents})


def _story_of(report: dict[str, Any]) -> dict[str, str]:
    stories = (report.get("corpus") or {}).get("stories") or (report.get("compare") or {}).get("stories", [])
    return {str(doc): str(s.get("id")) for s in stories for doc in s.get("docs", [])}


def _findings_per_doc(report: dict[str, Any]) -> Counter[str]:
    found: Counter[str] = Counter()
    for finding in (report.get("scan") or {}).get("findings", []):
        found.update({str(o.get("doc")) for o in finding.get("occurrences", [])})
    for claim in (report.get("compare") or {}).get("claims", []):
        if claim.get("status") == "divergence":
            found.update({str(m.get("doc")) for m in claim.get("members", [])})
    figures = (report.get("figures") or {}).get("figures", [])
    for group in (report.get("figures") or {}).get("discrepancies", []):
        if group.get("status") == "conflict":
            found.update({str(figures[i].get("doc")) for i in group.get("figures", [])
                          if isinstance(i, int) and 0 <= i < len(figures)})
    return found
