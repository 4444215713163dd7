"""The report embedded in the HTML page, each string stored once: :func:`page_data` and its inverse.

The page carries every document's text (``dedupe.report.html_text.full_text``) and, in a
``<script type="application/json" id="dedupe-data">`` element, the combined report. Stored as is, that
report repeats much of the text: every passage occurrence, claim member and figure holds its ``text``
(the characters ``doc.text[start:end]``), every figure the whole ``sentence`` it stands in, and each of
them its document's ``outlet``. :func:`page_data` leaves out each of those values that the page's
document texts give back exactly, and marks the result with ``"texts_in_page": true``;
:func:`report_from_page` reads a saved page and restores them, so the page still holds the report,
byte for byte as the JSON renderer would write it (floats rounded to 4 places).

Left out, only where the page reproduces the value exactly (otherwise it stays):

- ``text`` of ``scan.findings[].occurrences[]``, ``compare.claims[].members[]`` and
  ``figures.figures[]``: the document's text from ``start`` to ``end``;
- ``sentence`` of ``figures.figures[]``: the text of the document's sentence holding ``start``
  (the page's ``data-sentences``);
- ``outlet`` of all three: the outlet of the document in ``corpus.documents``.

Documents are matched by position: the page's texts are the report's ``corpus.documents`` in order. When
the two lists do not name the same documents in the same order, nothing is left out.
"""

from __future__ import annotations

import bisect
import html
import json
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from dedupe.output import cleaned
from dedupe.segment import SegmentedDocument

#: The top-level key that says the embedded report's texts are in the page.
MARK = "texts_in_page"
_FULLTEXT = re.compile(r'<div class="fulltext" data-doc="(\d+)" data-sentences="([^"]*)"[^>]*>(.*?)</div>', re.S)
_DATA = re.compile(r'<script type="application/json" id="dedupe-data">(.*?)</script>', re.S)

# (stage, list, sub-list or "") holding records with doc/start/end/text.
_PLACES = (("scan", "findings", "occurrences"), ("compare", "claims", "members"), ("figures", "figures", ""))


class _Texts:
    """The documents of a page by id: text, outlet, sentence spans (the first document of an id wins)."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str], outlets: Sequence[str],
                 spans: Sequence[Sequence[tuple[int, int]]]) -> None:
        self.position: dict[str, int] = {}
        for number, doc_id in enumerate(ids):
            self.position.setdefault(doc_id, number)
        self.texts, self.outlets = texts, outlets
        self.starts = [[start for start, _ in s] for s in spans]
        self.spans = spans

    def sentence(self, position: int, offset: int) -> str | None:
        """The text of the sentence of a document that holds ``offset`` (the last starting at or before it)."""
        at = bisect.bisect_right(self.starts[position], offset) - 1
        if at < 0:
            return None
        start, end = self.spans[position][at]
        return self.texts[position][start:end]


def page_data(report: dict[str, Any], documents: Sequence[SegmentedDocument]) -> dict[str, Any]:
    """The report as the page embeds it: floats rounded, each text the page holds left out.

    Args:
        report: The combined report dict.
        documents: The segmented documents whose texts the page shows, in page order.

    Returns:
        A new dict (``report`` is not changed); with ``"texts_in_page": true`` when texts were left out.
    """
    data = cleaned(report)
    listed = [str(d.get("id")) for d in (data.get("corpus") or {}).get("documents", [])]
    if listed != [d.doc.id for d in documents]:
        return data
    texts = _Texts(listed, [d.doc.text for d in documents], [d.doc.outlet for d in documents],
                   [[(s.start, s.end) for s in d.sentences] for d in documents])
    for _, record in _records(data):
        _leave_out(record, texts)
    return {**data, MARK: True}


def report_from_page(page: str) -> dict[str, Any]:
    """The report a saved page embeds, with the texts :func:`page_data` left out restored.

    Args:
        page: The HTML page.

    Returns:
        The report dict, as ``dedupe report -f json`` writes it (less its ``skipped`` list).

    Raises:
        ValueError: The page holds no embedded report.
    """
    found = _DATA.search(page)
    if found is None:
        raise ValueError("no embedded report (dedupe-data) in the page")
    data: dict[str, Any] = json.loads(found.group(1))
    if not data.pop(MARK, False):
        return data
    by_position = {int(m.group(1)): m for m in _FULLTEXT.finditer(page)}
    ordered = [by_position[n] for n in sorted(by_position)]
    documents = data["corpus"]["documents"]
    texts = _Texts([str(d.get("id")) for d in documents],
                   [html.unescape(m.group(3)) for m in ordered], [str(d.get("outlet")) for d in documents],
                   [_spans(m.group(2)) for m in ordered])
    for figure, record in _records(data):
        _restore(record, texts, figure)
    return data


def _records(data: dict[str, Any]) -> Iterator[tuple[bool, dict[str, Any]]]:
    """Every record with a document span: (whether it is a figure, the record)."""
    for stage, key, sub in _PLACES:
        for item in (data.get(stage) or {}).get(key, []):
            if not sub:
                yield True, item
                continue
            yield from ((False, record) for record in item.get(sub, []))


def _leave_out(record: dict[str, Any], texts: _Texts) -> None:
    position = texts.position.get(str(record.get("doc")))
    start, end = record.get("start"), record.get("end")
    if position is None or not isinstance(start, int) or not isinstance(end, int):
        return
    checks: dict[str, Callable[[], str | None]] = {
        "text": lambda: texts.texts[position][start:end] if 0 <= start <= end else None,
        "sentence": lambda: texts.sentence(position, start),
        "outlet": lambda: texts.outlets[position]}
    for key, value in checks.items():
        if key in record and record[key] == value():
            record[key] = _OMITTED
    for key in [k for k, v in record.items() if v is _OMITTED]:
        del record[key]


def _restore(record: dict[str, Any], texts: _Texts, figure: bool) -> None:
    """Put back what :func:`_leave_out` took, in the key order the report writes."""
    position = texts.position.get(str(record.get("doc")))
    if position is None or not isinstance(record.get("start"), int) or not isinstance(record.get("end"), int):
        return
    start, end = record["start"], record["end"]
    restored = {"outlet": texts.outlets[position], "text": texts.texts[position][start:end]}
    if figure:
        restored["sentence"] = texts.sentence(position, start) or ""
    missing = {key: value for key, value in restored.items() if key not in record}
    if missing:
        merged = {**record, **missing}
        record.clear()
        record.update({key: merged[key] for key in _ORDER if key in merged})
        record.update({key: value for key, value in merged.items() if key not in record})


def _spans(items: str) -> list[tuple[int, int]]:
    """Sentence spans from ``data-sentences`` (``gap,length`` pairs)."""
    spans, end = [], 0
    for item in items.split():
        gap, length = map(int, item.split(","))
        spans.append((end + gap, end + gap + length))
        end += gap + length
    return spans


_OMITTED = object()
# Key order of the records as the report writes them (restored records are put back in it).
_ORDER = ("doc", "outlet", "start", "end", "line", "text", "sentence")
