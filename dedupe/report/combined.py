"""Render ``dedupe report``: the combined JSON document, a terminal summary and Markdown.

The combined document is ``envelope("report", {"corpus", "scan", "compare", "figures"})`` where each
value is that command's own JSON document without the envelope keys (``None`` for a stage that was not
run). The text and Markdown renderers read that dict, so they work as well on a saved JSON report.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, Any

from dedupe.output import envelope, md_cell, plural, terminal_safe
from dedupe.report.info import info_dict
from dedupe.report.fields import (entities_with_variants, int_field, number_text, shorten, skipped_lines,
                                  skipped_markdown, skipped_of, sole_outlet)

if TYPE_CHECKING:
    from dedupe.pipeline import ReportResult

_ENVELOPE_KEYS = ("schema_version", "tool", "version", "command")
#: Findings listed per kind in the terminal summary.
TOP_FINDINGS = 3


def payload(document: dict[str, Any]) -> dict[str, Any]:
    """A command's JSON document without its envelope keys."""
    return {k: v for k, v in document.items() if k not in _ENVELOPE_KEYS}


def report_dict(result: ReportResult) -> dict[str, Any]:
    """The combined JSON document of ``dedupe report``.

    Args:
        result: What :func:`dedupe.pipeline.run_report` returned.

    Returns:
        ``envelope("report", {"corpus": ..., "scan": ..., "compare": ..., "figures": ...})``; ``corpus`` is
        the ``dedupe info`` document plus ``stories`` (``[{"id", "docs"}]``), the grouping every stage shared.
    """
    scan = compare = figures = None
    if result.scan is not None:
        from dedupe.report.scan import scan_dict

        scan = payload(scan_dict(result.scan))
    if result.compare is not None:
        from dedupe.report.compare import compare_dict

        compare = payload(compare_dict(result.compare))
    if result.figures is not None:
        from dedupe.report.figures import figures_dict

        figures = payload(figures_dict(result.figures, result.discrepancies or ()))
    corpus = payload(info_dict(result.summary))
    corpus["stories"] = [{"id": s.id, "docs": list(s.doc_ids)} for s in result.stories]
    return envelope("report", {"corpus": corpus, "scan": scan, "compare": compare, "figures": figures})


def counts(report: dict[str, Any]) -> dict[str, int]:
    """Counts of each kind of finding in a combined report (a stage not run counts 0)."""
    findings = (report.get("scan") or {}).get("findings", [])
    compare = report.get("compare") or {}
    figures = report.get("figures") or {}
    kinds = Counter(str(f.get("kind")) for f in findings)
    statuses = Counter(str(c.get("status")) for c in compare.get("claims", []))
    groups = Counter(str(d.get("status")) for d in figures.get("discrepancies", []))
    summary = (report.get("corpus") or {}).get("summary", {})
    return {"documents": int(summary.get("documents", 0)), "outlets": len(summary.get("outlets", {})),
            "stories": len((report.get("corpus") or {}).get("stories") or compare.get("stories", [])),
            "repeat": kinds["repeat"], "reuse": kinds["reuse"], "echo": kinds["echo"],
            "near_duplicate": kinds["near_duplicate"], "boilerplate": kinds["boilerplate"],
            "divergence": statuses["divergence"], "agreement": statuses["agreement"],
            "unique": statuses["unique"], "figures": len(figures.get("figures", [])),
            "conflict": groups["conflict"], "consistent": groups["consistent"], "uncertain": groups["uncertain"],
            "update": groups["update"],
            "entities": len(entities_with_variants(compare))}


def report_text(report: dict[str, Any], html_path: str | None = None) -> str:
    """A terminal summary: counts, the top findings of each kind, and where the full report is.

    Args:
        report: The combined report dict.
        html_path: Where the HTML report was written, if it was.

    Returns:
        Newline-terminated text.
    """
    n = counts(report)
    dates = (report.get("corpus") or {}).get("summary", {}).get("dates")
    lines = [f"{plural(n['documents'], 'document')} from {plural(n['outlets'], 'outlet')}, "
             f"{plural(n['stories'], 'story')}"
             + (f", {dates[0]} to {dates[1]}" if dates else ""),
             f"  passages: {n['repeat']} repeated, {plural(n['near_duplicate'], 'near-duplicate group')}, "
             f"{n['reuse']} reused, {plural(n['echo'], 'echo', 'echoes')}"
             + (f", {n['boilerplate']} boilerplate" if n["boilerplate"] else ""),
             f"  claims:   {plural(n['divergence'], 'divergence')}, {plural(n['agreement'], 'agreement')}, "
             f"{n['unique']} unique",
             f"  figures:  {plural(n['figures'], 'figure')}; {plural(n['conflict'], 'conflict')}, "
             f"{plural(n['update'], 'update')}, {n['consistent']} consistent, {n['uncertain']} uncertain",
             f"  entities: {n['entities']} with spelling variants"]
    for stage, label in (("scan", "passages:"), ("compare", "claims:  "), ("figures", "figures: "),
                         ("compare", "entities:")):
        if report.get(stage) is None:
            why = "one outlet" if stage == "compare" and n["outlets"] < 2 else f"--skip {stage}"
            lines = [f"  {label} not run ({why})" if line.startswith(f"  {label}") else line for line in lines]
    top = _top_findings(report)
    if top:
        lines += ["", "Top findings:", *top]
    skipped = skipped_of(report)
    if skipped:
        lines += ["", f"Skipped inputs: {len(skipped)}", *skipped_lines(skipped)]
    lines.append("")
    lines.append(f"Full report: {html_path}" if html_path else
                 "Full report: rerun with -o report.html (a self-contained page: passages in context, claims "
                 "side by side, figure charts)")
    return terminal_safe("\n".join(lines) + "\n")


def _top_findings(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    findings = (report.get("scan") or {}).get("findings", [])
    for kind in ("repeat", "near_duplicate", "reuse"):
        of_kind = [f for f in findings if f.get("kind") == kind and f.get("occurrences")]
        # The longest passages first: a doubled sentence matters more than a repeated phrase.
        for finding in sorted(of_kind, key=lambda f: -len(str(f["occurrences"][0].get("text", ""))))[:TOP_FINDINGS]:
            occurrences = finding["occurrences"]
            lines_of: dict[str, list[str]] = {}
            for o in occurrences:
                lines_of.setdefault(str(o.get("doc")), []).append(str(o.get("line")))
            where = "; ".join(f"{doc}:{','.join(at)}" for doc, at in list(lines_of.items())[:4])
            more = f" (+{len(lines_of) - 4} documents)" if len(lines_of) > 4 else ""
            text = shorten(str(occurrences[0].get("text", "")), 70)
            lines.append(f"  {kind:<14} {where}{more}  \"{text}\"")
    claims = (report.get("compare") or {}).get("claims", [])
    for claim in [c for c in claims if c.get("status") == "divergence"][:TOP_FINDINGS]:
        named = sorted({str(m.get("outlet")) for m in claim.get("members", [])})
        outlets = " vs ".join(named[:3]) + (f" (+{len(named) - 3} outlets)" if len(named) > 3 else "")
        reasons = "; ".join(f"{r.get('type')}: {r.get('detail')}" for r in _explanations(claim))
        lines.append(f"  {'divergence':<14} {outlets}: {shorten(reasons, 80)}")
    for claim in sorted((c for c in claims if c.get("status") == "agreement"),
                        key=lambda c: -len({m.get("outlet") for m in c.get("members", [])}))[:TOP_FINDINGS]:
        members = claim.get("members", [])
        outlets = ", ".join(sorted({str(m.get("outlet")) for m in members}))
        text = shorten(str(members[0].get("text", "")) if members else "", 60)
        lines.append(f"  {'agreement':<14} {outlets}: \"{text}\"")
    lines.extend(_top_conflicts(report))
    return lines


def _top_conflicts(report: dict[str, Any]) -> list[str]:
    figures = (report.get("figures") or {}).get("figures", [])
    lines = []
    groups = [d for d in (report.get("figures") or {}).get("discrepancies", []) if d.get("status") == "conflict"]
    for group in groups[:TOP_FINDINGS]:
        said = "; ".join(f"{figures[i].get('outlet')}: {figures[i].get('text')}" for i in group.get("figures", [])
                         if isinstance(i, int) and 0 <= i < len(figures))
        lines.append(f"  {'conflict':<14} {group.get('measure')} {group.get('what')}: {shorten(said, 90)}")
    return lines


def report_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown an editor can paste: overview, passages, claims, figure discrepancies.

    Args:
        report: The combined report dict.

    Returns:
        Newline-terminated Markdown; corpus text is escaped so it cannot add markup or links.
    """
    n = counts(report)
    lines = ["# News comparison report", "",
             f"{plural(n['documents'], 'document')}, {plural(n['outlets'], 'outlet')}, "
             f"{plural(n['stories'], 'story')}. "
             f"Passages: {n['repeat']} repeated, {plural(n['near_duplicate'], 'near-duplicate group')}, "
             f"{n['reuse']} reused, {plural(n['echo'], 'echo', 'echoes')}. "
             f"Claims: {plural(n['divergence'], 'divergence')}, {plural(n['agreement'], 'agreement')}, "
             f"{n['unique']} unique. "
             f"Figures: {plural(n['conflict'], 'conflict')}, {plural(n['update'], 'update')}, "
             f"{n['consistent']} consistent, {n['uncertain']} uncertain.", ""]
    lines += _md_passages(report) + _md_claims(report) + _md_figures(report) + _md_entities(report)
    lines += skipped_markdown(skipped_of(report))
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_passages(report: dict[str, Any]) -> list[str]:
    findings = (report.get("scan") or {}).get("findings", [])
    if not findings:
        return []
    lines = ["## Repeated and reused passages", ""]
    for finding in findings:
        lines.append(f"- **{finding.get('kind')}** (similarity {number_text(finding.get('similarity'))})")
        for o in finding.get("occurrences", []):
            lines.append(f"  - {md_cell(o.get('outlet'))}, {md_cell(o.get('doc'))} line {o.get('line')} "
                         f"[{o.get('start')}:{o.get('end')}]: {md_cell(shorten(str(o.get('text', '')), 300))}")
    return lines + [""]


def _md_claims(report: dict[str, Any]) -> list[str]:
    claims = [c for c in (report.get("compare") or {}).get("claims", []) if c.get("status") != "unique"]
    alone = _md_single_outlet(report)
    if not claims:
        return ["## Claims across outlets", "", *alone] if alone else []
    lines = ["## Claims across outlets", ""]
    for claim in sorted(claims, key=lambda c: c.get("status") != "divergence"):
        explained = [f"- **{md_cell(r.get('type'))}**: {md_cell(r.get('detail'))}" for r in _explanations(claim)]
        lines += [f"### {claim.get('status')} ({claim.get('story')})", "", *explained, *([""] if explained else []),
                  "| outlet | document | line | characters | text |", "|---|---|---:|---|---|"]
        lines += [f"| {md_cell(m.get('outlet'))} | {md_cell(m.get('doc'))} | {m.get('line')} "
                  f"| {m.get('start')}-{m.get('end')} | {_md_marked(m, claim)} |" for m in claim.get("members", [])]
        lines.append("")
    return lines + alone


def _md_single_outlet(report: dict[str, Any]) -> list[str]:
    """One line per story that one outlet alone covers (nothing to compare), as the HTML and compare's text say."""
    stories: dict[str, list[dict[str, Any]]] = {}
    for claim in (report.get("compare") or {}).get("claims", []):
        stories.setdefault(str(claim.get("story")), []).append(claim)
    return [f"Only {md_cell(outlet)} covers {md_cell(story)}: {plural(len(claims), 'claim')}, nothing to compare.\n"
            for story, claims in stories.items() if (outlet := sole_outlet(claims)) is not None]


def _md_marked(member: dict[str, Any], claim: dict[str, Any]) -> str:
    """A member's text escaped, with the conflicting words its group's reasons and updates locate in it in bold."""
    text, start = str(member.get("text", "")), int_field(member.get("start"))
    spans = sorted({(int_field(s[0]) - start, int_field(s[1]) - start)
                    for r in _explanations(claim) for side in r.get("conflicting") or []
                    if isinstance(side, dict) and side.get("doc") == member.get("doc")
                    for s in side.get("spans", []) if isinstance(s, list) and len(s) == 2})
    pieces, at = [], 0
    for low, high in spans:
        if 0 <= at <= low < high <= len(text):  # inside the sentence, after the previous mark
            low, high = _md_strong(text, low, high)
            if low < high:
                pieces += [md_cell(text[at:low]), f"**{md_cell(text[low:high])}**"]
                at = high
    return "".join(pieces) + md_cell(text[at:])


def _md_strong(text: str, low: int, high: int) -> tuple[int, int]:
    """The part of ``text[low:high]`` that ``**`` around it makes bold in CommonMark, its other edges shown as text.

    A ``**`` opens only before a character that is no space, and before punctuation only after a space or
    punctuation; it closes in mirror image. So ``a**40**b`` marked whole (its escaped ``\\*`` are punctuation
    after the letter ``a``) showed its stars and no bold: the stars stay outside the bold, ``40`` is bold.
    """
    while low < high and not _md_flanks(text, low, low - 1):
        low += 1
    while high > low and not _md_flanks(text, high - 1, high):
        high -= 1
    return low, high


def _md_flanks(text: str, inner: int, outer: int) -> bool:
    """Whether a ``**`` between ``text[outer]`` (outside the bold; a space past either end) and ``text[inner]``
    (its first or last character) delimits bold, each character classed as :func:`md_cell` writes it."""
    written = md_cell(text[inner]) or " "
    near = md_cell(text[outer]) if 0 <= outer < len(text) else " "
    inside = _md_class(written[0] if inner < outer else written[-1])
    outside = _md_class((near or " ")[-1] if outer < inner else (near or " ")[0])
    return inside == "other" or (inside == "punctuation" and outside != "other")


def _md_class(char: str) -> str:
    """CommonMark's class of a character beside a delimiter: space, punctuation (Unicode P and S), or other."""
    if char.isspace():
        return "space"
    return "punctuation" if unicodedata.category(char)[0] in "PS" else "other"


def _explanations(claim: dict[str, Any]) -> list[dict[str, Any]]:
    """What explains a claim group: its reasons, then its updates (a divergence may have only updates: a toll
    that rose between reports)."""
    return [r for r in [*claim.get("reasons", []), *claim.get("updates", [])] if isinstance(r, dict)]


def _md_figures(report: dict[str, Any]) -> list[str]:
    figures = (report.get("figures") or {}).get("figures", [])
    groups = (report.get("figures") or {}).get("discrepancies", [])
    if not groups:
        return []
    lines = ["## Figures across outlets", ""]
    for group in groups:
        lines += [f"### {group.get('status')}: {md_cell(group.get('measure'))} {md_cell(group.get('what'))}"
                  f" ({md_cell(group.get('place') or 'place unknown')}; range {number_text(group.get('low'))} to "
                  f"{number_text(group.get('high'))})", "",
                  "| outlet | document | line | characters | figure | low | high | qualifier | period | attribution |",
                  "|---|---|---:|---|---|---:|---:|---|---|---|"]
        for i in group.get("figures", []):
            if isinstance(i, int) and 0 <= i < len(figures):
                f = figures[i]
                lines.append(f"| {md_cell(f.get('outlet'))} | {md_cell(f.get('doc'))} | {md_cell(f.get('line'))} | "
                             f"{md_cell(f.get('start'))}-{md_cell(f.get('end'))} | "
                             f"{md_cell(f.get('text'))} | {number_text(f.get('low'))} | "
                             f"{number_text(f.get('high'))} | {md_cell(f.get('qualifier') or '')} | "
                             f"{md_cell(f.get('period') or '')} | {md_cell(f.get('attribution') or '')} |")
        lines.append("")
    return lines


def _md_entities(report: dict[str, Any]) -> list[str]:
    entities = entities_with_variants(report.get("compare"))
    if not entities:
        return []
    return ["## Entity variants", "", "| entity | variants |", "|---|---|",
            *(f"| {md_cell(e.get('name'))} | {md_cell(', '.join(shown))} |" for e, shown in entities), ""]

