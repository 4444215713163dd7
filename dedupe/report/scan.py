"""Render the result of ``dedupe scan``: JSON (the contract), JSON Lines, terminal text and Markdown.

The JSON document::

    {"schema_version": ..., "tool": "dedupe", "version": ..., "command": "scan",
     "findings": [{"kind": "repeat" | "near_duplicate" | "reuse" | "echo" | "boilerplate", "similarity": 0.0-1.0,
                   "words": INT,
                   "occurrences": [{"doc", "outlet", "start", "end", "line", "text"}, ...],
                   "pairs": [{"a", "b", "jaccard", "containment"}, ...]},      # near_duplicate only
                  ...],
     "summary": {"documents", "tokens", "findings", "repeat", "near_duplicate", "reuse", "echo", "boilerplate",
                 "near_duplicate_pairs", "config": {...}, "lsh": {...}}}

Findings are listed most severe first, in the order of :data:`dedupe.scan.near_dup.KINDS` (then by first
place), in every format. ``text`` is always ``document.text[start:end]``; ``line`` is 1-based.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dedupe.output import clean_float, envelope, md_cell, plural, terminal_safe
from dedupe.scan.near_dup import KINDS, Finding, Occurrence, ScanResult

_TITLES = {"repeat": "Units printed twice inside a document (scraper faults)",
           "near_duplicate": "Near-duplicate documents", "reuse": "Passages shared by documents",
           "echo": "Phrases a document uses in two different units (echoes)",
           "boilerplate": "Boilerplate (in many documents)"}
_SHOWN = 5  # occurrences shown per finding in text and Markdown; JSON has them all
_WIDTH = 160


def scan_dict(result: ScanResult) -> dict[str, Any]:
    """The JSON document of ``dedupe scan`` (see the module docstring), built clean: every float rounded by
    :func:`~dedupe.output.clean_float`, so ``to_json(..., clean=False)`` writes it without a second walk."""
    return envelope("scan", {"findings": [finding_dict(f) for f in result.findings],
                             "summary": _summary(result)})


def scan_json(result: ScanResult) -> dict[str, Any]:
    """:func:`scan_dict` with each occurrence left an :class:`Occurrence`, which
    :func:`~dedupe.output.to_json` writes as the same object (its fields are the JSON's, in order): the
    CLI's ``--format json``, without a dict made per occurrence (19,037 on Reuters-21578)."""
    return envelope("scan", {"findings": [finding_dict(f, as_dicts=False) for f in result.findings],
                             "summary": _summary(result)})


def finding_dict(finding: Finding, as_dicts: bool = True) -> dict[str, Any]:
    """One finding as a JSON object (also one line of ``--format jsonl``); ``as_dicts=False`` leaves its
    occurrences as they are (see :func:`scan_json`)."""
    occurrences = [_occurrence(o) for o in finding.occurrences] if as_dicts else finding.occurrences
    record: dict[str, Any] = {"kind": finding.kind, "similarity": clean_float(finding.similarity),
                              "words": finding.words, "occurrences": occurrences}
    if finding.pairs:
        record["pairs"] = [{"a": p.a, "b": p.b, "jaccard": clean_float(p.jaccard),
                            "containment": clean_float(p.containment)} for p in finding.pairs]
    return record


def scan_jsonl_records(result: ScanResult) -> list[dict[str, Any]]:
    """One record per finding, for ``--format jsonl``."""
    return [finding_dict(f) for f in result.findings]


def _occurrence(occurrence: Occurrence) -> dict[str, Any]:
    return {"doc": occurrence.doc, "outlet": occurrence.outlet, "start": occurrence.start,
            "end": occurrence.end, "line": occurrence.line, "text": occurrence.text}


def _summary(result: ScanResult) -> dict[str, Any]:
    config, stats = result.config, result.stats
    counts = {kind: len(result.of_kind(kind)) for kind in KINDS}
    return {"documents": stats.documents, "tokens": stats.tokens, "findings": len(result.findings), **counts,
            "near_duplicate_pairs": len(result.pairs),
            "config": {"threshold": clean_float(config.threshold), "min_words": config.min_words, "ngram": config.ngram,
                       "num_perm": config.num_perm, "seed": config.seed,
                       "boilerplate_docs": config.boilerplate_docs},
            "lsh": {"bands": stats.bands, "rows": stats.rows, "candidate_pairs": stats.candidate_pairs,
                    "verified_pairs": stats.verified_pairs}}


def scan_text(result: ScanResult) -> str:
    """A terminal report: counts, then each finding with its places and (shortened) text."""
    lines = [_headline(result)]
    for kind in KINDS:
        found = result.of_kind(kind)
        if not found:
            continue
        lines += ["", f"{_TITLES[kind]} ({len(found)})"]
        for finding in found:
            lines.append(f"  {_describe(finding)}")
            lines.extend(f"    {_where(o)}: {_quote(o.text)}" for o in finding.occurrences[:_SHOWN])
            if len(finding.occurrences) > _SHOWN:
                lines.append(f"    ... and {len(finding.occurrences) - _SHOWN} more")
    return terminal_safe("\n".join(lines) + "\n")


def scan_markdown(result: ScanResult) -> str:
    """The same findings as Markdown: one section per kind, one table per finding."""
    lines = ["# Scan: repeated and reused passages", "", _headline(result)]
    for kind in KINDS:
        found = result.of_kind(kind)
        if not found:
            continue
        lines += ["", f"## {_TITLES[kind]} ({len(found)})"]
        for number, finding in enumerate(found, start=1):
            lines += ["", f"**{number}.** {_describe(finding, md_cell)}", "",
                      "| document | outlet | line | characters | text |", "|---|---|---:|---|---|"]
            lines.extend(f"| {md_cell(o.doc)} | {md_cell(o.outlet)} | {o.line} | {o.start}-{o.end} "
                         f"| {md_cell(_quote(o.text))} |" for o in finding.occurrences[:_SHOWN])
            if len(finding.occurrences) > _SHOWN:
                lines.append(f"| ... | | | | {len(finding.occurrences) - _SHOWN} more |")
    return "\n".join(lines) + "\n"


def _headline(result: ScanResult) -> str:
    counts = {kind: len(result.of_kind(kind)) for kind in KINDS}
    return (f"{plural(result.stats.documents, 'document')}, {plural(result.stats.tokens, 'word')}: "
            f"{plural(counts['repeat'], 'repeated unit')}, {plural(counts['near_duplicate'], 'near-duplicate group')}, "
            f"{plural(counts['reuse'], 'reused passage')}, {plural(counts['echo'], 'echo', 'echoes')}, "
            f"{plural(counts['boilerplate'], 'boilerplate passage')}")


def _describe(finding: Finding, shown: Callable[[str], str] = str) -> str:
    """What a finding is, its closest pairs' document ids written by ``shown`` (Markdown: :func:`md_cell`)."""
    documents = len({o.doc for o in finding.occurrences})
    if finding.kind == "near_duplicate":
        best = "; ".join(f"{shown(p.a)} vs {shown(p.b)}: jaccard {p.jaccard:.2f}, containment {p.containment:.2f}"
                         for p in finding.pairs[:3])
        return f"{documents} documents, similarity {finding.similarity:.2f} ({best})"
    where = f"in {documents} documents" if documents > 1 else f"{len(finding.occurrences)} times"
    return f"{finding.words} words {where}, similarity {finding.similarity:.2f}"


def _where(occurrence: Occurrence) -> str:
    return f"{occurrence.doc} ({occurrence.outlet}) line {occurrence.line} [{occurrence.start}:{occurrence.end}]"


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return f'"{flat[:_WIDTH]}..."' if len(flat) > _WIDTH else f'"{flat}"'

