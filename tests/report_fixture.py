"""A hand-built combined report on the seeds plus a hostile document, shaped like the stage contracts.

It lets the HTML renderer be tested on its own (and in a browser) without running the stages. Offsets
are found in the real texts, so every occurrence satisfies ``text == doc.text[start:end]``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dedupe.output import envelope
from dedupe.pipeline import PreparedCorpus, prepare, summarize
from dedupe.report.info import info_dict
from dedupe.segment import SegmentedDocument

DATA = Path(__file__).resolve().parent.parent / "data"

#: Markup a hostile page could carry; each line must show as text and run nothing.
HOSTILE_LINES = (
    '<script>window.__pwned = 1; document.title = "pwned"; alert("pwned")</script>',
    '<img src=x onerror="window.__pwned=2;alert(2)">',
    '<a href="javascript:window.__pwned=3">click me</a>',
    '</style><script>window.__pwned=4</script>',
    '</script><script>window.__pwned=5</script><!--',
    '<svg onload="window.__pwned=6"></svg>',
    '"><script>window.__pwned=7</script> 12 people were killed.',
    '<iframe src="https://example.com/"></iframe><link rel=stylesheet href="https://example.com/x.css">',
    '\u2028 </textarea> <base href="https://example.com/"> <meta http-equiv="refresh" content="0;url=https://example.com/">',
)
HOSTILE_TEXT = "\n".join(HOSTILE_LINES + HOSTILE_LINES[:1]) + "\n"
HOSTILE_RECORD = {
    "id": 'evil"><script>window.__pwned=9</script>',
    "source": '<b onmouseover="window.__pwned=10">Evil Outlet</b>',
    "title": '</title><script>window.__pwned=11</script>',
    "url": "javascript:window.__pwned=12",
    "date": "2016-09-28",
    "text": HOSTILE_TEXT,
}


def prepare_corpus(tmp_path: Path, hostile: bool = True) -> PreparedCorpus:
    """Load and segment the seeds, plus the hostile document (as a JSONL record) when asked."""
    paths = [str(DATA)]
    if hostile:
        evil = tmp_path / "evil.jsonl"
        evil.write_text(json.dumps(HOSTILE_RECORD) + "\n", encoding="utf-8")
        paths.append(str(evil))
    return prepare(paths)


def occurrence(documents: list[SegmentedDocument] | tuple[SegmentedDocument, ...], doc_prefix: str, needle: str,
               nth: int = 0) -> dict[str, Any]:
    """The ``nth`` occurrence of ``needle`` in the document whose id starts with ``doc_prefix``."""
    document = next(d for d in documents if d.doc.id.startswith(doc_prefix))
    start = -1
    for _ in range(nth + 1):
        start = document.doc.text.index(needle, start + 1)
    end = start + len(needle)
    return {"doc": document.doc.id, "outlet": document.doc.outlet, "start": start, "end": end,
            "line": document.line_of(start), "text": document.doc.text[start:end]}


def sentence_at(documents: tuple[SegmentedDocument, ...], doc_prefix: str, needle: str) -> dict[str, Any]:
    """The sentence holding ``needle`` as a claim member."""
    document = next(d for d in documents if d.doc.id.startswith(doc_prefix))
    offset = document.doc.text.index(needle)
    sentence = next(s for s in document.sentences if s.start <= offset < s.end)
    return {"doc": document.doc.id, "outlet": document.doc.outlet, "start": sentence.start, "end": sentence.end,
            "line": sentence.line, "text": sentence.text}


def combined_report(prepared: PreparedCorpus) -> dict[str, Any]:
    """The combined report dict, as ``dedupe report --format json`` would give it."""
    docs = prepared.documents
    info = {k: v for k, v in info_dict(summarize(prepared)).items()
            if k not in ("schema_version", "tool", "version", "command")}
    moallem = "He added that Syria was ready for 'full cooperation with Russia to remove any pretext for aggression'."
    has_evil = any(d.doc.id.startswith("evil") for d in docs)
    scan_findings: list[dict[str, Any]] = [
        {"kind": "repeat", "similarity": 1.0,
         "occurrences": [occurrence(docs, "001", moallem), occurrence(docs, "001", moallem, 1)]},
        {"kind": "reuse", "similarity": 0.9,
         "occurrences": [occurrence(docs, "002", "grave concern"), occurrence(docs, "003", "grave concern"),
                         occurrence(docs, "004", "grave concern")]},
    ]
    claims: list[dict[str, Any]] = [
        {"status": "agreement", "story": "story-1", "similarity": 0.71,
         "members": [sentence_at(docs, "002", "Secretary Kerry expressed grave concern"),
                     sentence_at(docs, "003", "expressed grave concern"),
                     sentence_at(docs, "004", "He expressed “grave concern”")], "reasons": []},
        {"status": "divergence", "story": "story-1", "similarity": 0.62,
         "members": [sentence_at(docs, "003", "29 doctors"), sentence_at(docs, "004", "as few as 14 doctors")],
         "reasons": [{"type": "number", "detail": "doctors: 29 vs 14"}]},
        {"status": "unique", "story": "story-1", "similarity": 1.0,
         "members": [sentence_at(docs, "000", "Russian Foreign Minister Sergei Lavrov accused")], "reasons": []},
    ]
    figures = [
        dict(occurrence(docs, "003", "29 doctors"), sentence=sentence_at(docs, "003", "29 doctors")["text"],
             low=29, high=29, qualifier=None, measure="functioning", what="doctors", place="east Aleppo",
             period=None, attribution=None, subset_of=None),
        dict(occurrence(docs, "004", "as few as 14 doctors"),
             sentence=sentence_at(docs, "004", "as few as 14 doctors")["text"], low=14, high=14,
             qualifier="as few as", measure="functioning", what="doctors", place="east Aleppo", period=None,
             attribution="the Red Cross said", subset_of=None),
        dict(occurrence(docs, "000", "250,000 people"), sentence="", low=250000, high=250000, qualifier=None,
             measure="besieged", what="people", place="Aleppo", period=None, attribution=None, subset_of=None),
        dict(occurrence(docs, "003", "250,000 people"), sentence="", low=250000, high=None,
             qualifier="more than", measure="besieged", what="people", place="Aleppo", period=None,
             attribution=None, subset_of=None),
    ]
    discrepancies: list[dict[str, Any]] = [
        {"story": "story-1", "measure": "functioning", "what": "doctors", "place": "east Aleppo",
         "status": "conflict", "figures": [0, 1], "low": 14, "high": 29},
        {"story": "story-1", "measure": "besieged", "what": "people", "place": "Aleppo",
         "status": "consistent", "figures": [2, 3], "low": 250000, "high": 250000},
    ]
    entities = [{"name": "Sergei Lavrov", "variants": ["Sergei Lavrov", "Sergey Lavrov"]},
                {"name": "Walid al-Moallem", "variants": ["al-Moallem", "al-Muallem"]}]
    if has_evil:
        evil_id = HOSTILE_RECORD["id"]
        scan_findings.append({"kind": "repeat", "similarity": 1.0,
                              "occurrences": [occurrence(docs, "evil", HOSTILE_LINES[0]),
                                              occurrence(docs, "evil", HOSTILE_LINES[0], 1)]})
        claims.append({"status": "unique", "story": "story-1", "similarity": 1.0,
                       "members": [sentence_at(docs, "evil", "12 people were killed")],
                       "reasons": [{"type": "<script>window.__pwned=13</script>", "detail": "</script>"}]})
        figures.append(dict(occurrence(docs, "evil", "12 people"), sentence=HOSTILE_LINES[6], low=12, high=12,
                            qualifier="<img src=x onerror=window.__pwned=14>", measure="killed",
                            what="</style>people", place=None, period=None, attribution=None, subset_of=None))
        discrepancies.append({"story": "story-1", "measure": "killed", "what": "<svg onload=window.__pwned=15>",
                              "place": None, "status": "uncertain", "figures": [4], "low": 12, "high": 12})
        entities.append({"name": "</script><script>window.__pwned=16</script>", "variants": ["\u2028<!--"]})
        stories = [{"id": "story-1", "docs": ["000_db7ab4d81ef41db1", "002_70fb1de66b54f918",
                                              "003_c71ec08203a11230", "004_7cde9b3c88a5415a", evil_id]},
                   {"id": "story-2", "docs": ["001_d3aebe4b90fe0be1"]}]
    else:
        stories = [{"id": "story-1", "docs": ["000_db7ab4d81ef41db1", "002_70fb1de66b54f918",
                                              "003_c71ec08203a11230", "004_7cde9b3c88a5415a"]},
                   {"id": "story-2", "docs": ["001_d3aebe4b90fe0be1"]}]
    return envelope("report", {
        "corpus": info,
        "scan": {"findings": scan_findings, "summary": {"findings": len(scan_findings)}},
        "compare": {"stories": stories, "claims": claims, "entities": entities},
        "figures": {"figures": figures, "discrepancies": discrepancies},
    })
