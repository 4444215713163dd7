"""Render the result of ``dedupe figures``: the figures of each document and the discrepancies across outlets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dedupe.figures.discrepancies import STATUSES, Discrepancy, Source
from dedupe.figures.extract import Figure
from dedupe.output import envelope, md_cell, plural, terminal_safe, to_jsonl
from dedupe.report.fields import located


def figure_record(figure: Figure) -> dict[str, Any]:
    """One figure as the JSON contract writes it."""
    return {
        "doc": figure.doc, "outlet": figure.outlet, "start": figure.start, "end": figure.end, "line": figure.line,
        "text": figure.text, "sentence": figure.sentence, "low": figure.low, "high": figure.high,
        "qualifier": figure.qualifier, "measure": figure.measure, "what": figure.what, "place": figure.place,
        "period": figure.period,
        "period_range": [d.isoformat() for d in figure.period_range] if figure.period_range else None,
        "attribution": figure.attribution, "subset_of": figure.subset_of, "scope": figure.scope,
        "scope_cue": figure.scope_cue, "published": figure.published.isoformat() if figure.published else None,
    }


def discrepancy_record(discrepancy: Discrepancy) -> dict[str, Any]:
    """One discrepancy as the JSON contract writes it."""
    return {
        "story": discrepancy.story, "measure": discrepancy.measure, "what": discrepancy.what,
        "place": discrepancy.place, "status": discrepancy.status, "figures": list(discrepancy.figures),
        "low": discrepancy.low, "best": discrepancy.best, "high": discrepancy.high,
        "outlets": list(discrepancy.outlets), "reason": discrepancy.reason, "scope": discrepancy.scope,
        "sources": [source_record(s) for s in discrepancy.sources],
    }


def source_record(source: Source) -> dict[str, Any]:
    """One source of a discrepancy group (publication order) as the JSON contract writes it."""
    return {"figure": source.figure, "outlet": source.outlet,
            "published": source.published.isoformat() if source.published else None,
            "date_inferred": source.date_inferred, "period": source.period, "attribution": source.attribution}


def figures_dict(figures: Sequence[Figure], discrepancies: Sequence[Discrepancy]) -> dict[str, Any]:
    """The JSON document of ``dedupe figures`` (``envelope("figures", ...)``).

    Args:
        figures: Extracted figures; ``subset_of`` and discrepancy indexes refer to their order.
        discrepancies: Groups from :func:`dedupe.figures.discrepancies.find_discrepancies`.

    Returns:
        ``schema_version``, ``tool``, ``version``, ``command``, ``summary``, ``figures``, ``discrepancies``.
    """
    return envelope("figures", {
        "summary": _summary(figures, discrepancies),
        "figures": [figure_record(f) for f in figures],
        "discrepancies": [discrepancy_record(d) for d in discrepancies],
    })


def figures_jsonl(figures: Sequence[Figure], discrepancies: Sequence[Discrepancy]) -> str:
    """One JSON object per line: ``{"type": "figure", "index": i, ...}``, then ``{"type": "discrepancy", ...}``."""
    rows = [{"type": "figure", "index": i, **figure_record(f)} for i, f in enumerate(figures)]
    rows += [{"type": "discrepancy", **discrepancy_record(d)} for d in discrepancies]
    return to_jsonl(rows)


def _summary(figures: Sequence[Figure], discrepancies: Sequence[Discrepancy]) -> dict[str, Any]:
    return {"figures": len(figures), "documents": len({f.doc for f in figures}),
            "discrepancies": {status: sum(d.status == status for d in discrepancies) for status in STATUSES}}


def _value(figure: Figure) -> str:
    """ "429 (at least)", "400-500", "<= 14 (as few as)"."""
    if figure.qualifier == "range":
        return f"{figure.low}-{figure.high}"
    if figure.low is None:
        return f"<= {figure.high} ({figure.qualifier})"
    if figure.high is None:
        return f">= {figure.low} ({figure.qualifier})"
    return str(figure.low) if figure.qualifier == "exact" else f"{figure.low} ({figure.qualifier})"


def _context(figure: Figure) -> str:
    scope = f"{figure.scope}: {figure.scope_cue}" if figure.scope and figure.scope_cue else figure.scope or ""
    parts = [f"in {figure.place}" if figure.place else "", figure.period or "", scope,
             f"per {figure.attribution}" if figure.attribution else ""]
    return ", ".join(p for p in parts if p)


def _published(source: Source) -> str:
    """ "2014-08-04", "2018-06-21?" (inferred from the weekdays the report names), "undated"."""
    if source.published is None:
        return "undated   "
    return source.published.isoformat() + ("?" if source.date_inferred else " ")


def figures_text(figures: Sequence[Figure], discrepancies: Sequence[Discrepancy]) -> str:
    """A terminal report: discrepancies with every outlet's figure, then the figures of each document."""
    summary = _summary(figures, discrepancies)
    counts = summary["discrepancies"]
    lines = [f"{plural(len(figures), 'figure')} in {plural(summary['documents'], 'document')}; "
             f"{plural(len(discrepancies), 'comparable group')}: "
             + ", ".join(plural(counts[status], status) if status in ("conflict", "update") else
                         f"{counts[status]} {status}" for status in STATUSES), ""]
    for d in discrepancies:
        scope = f" ({d.scope})" if d.scope else ""
        lines.append(f"[{d.status.upper()}] {d.story}: {d.what} {d.measure}{' in ' + d.place if d.place else ''}"
                     f"{scope} - low {d.low}, best {d.best}, high {d.high}")
        lines.append(f"  {d.reason}")
        for source in d.sources:
            f = figures[source.figure]
            lines.append(f"  - {_published(source)} {f.outlet} ({_located(f)}): \"{f.text}\" = {_value(f)} "
                         f"{f.what or ''}{'; ' + _context(f) if _context(f) else ''}")
        lines.append("")
    lines.append("Figures:")
    for i, f in enumerate(figures):
        subset = f" (part of #{f.subset_of})" if f.subset_of is not None else ""
        context = _context(f)
        lines.append(f"  #{i} {f.outlet} {_located(f)} [{f.measure}] \"{f.text}\" = {_value(f)} {f.what or ''}{subset}"
                     f"{'; ' + context if context else ''}")
    return terminal_safe("\n".join(lines) + "\n")


def _located(figure: Figure) -> str:
    """Where a figure stands, as the text outputs give it: ``003_c71e:17 @1874-1876``."""
    return located(figure.doc, figure.line, figure.start, figure.end)


def figures_markdown(figures: Sequence[Figure], discrepancies: Sequence[Discrepancy]) -> str:
    """The same report as Markdown tables."""
    lines = ["# Figures", "",
             f"{plural(len(figures), 'figure')}, {plural(len(discrepancies), 'comparable group')} across outlets.", ""]
    if discrepancies:
        lines += ["## Discrepancies", "", "| status | story | measure | what | place | scope | low / best / high "
                  "| figures, in order of publication | reason |", "|---|---|---|---|---|---|---|---|---|"]
        for d in discrepancies:
            cited = "<br>".join(_cited_md(figures, s) for s in d.sources)
            lines.append(f"| {d.status} | {d.story} | {d.measure} | {md_cell(d.what)} | {md_cell(d.place or '')} "
                         f"| {d.scope or ''} | {d.low} / {d.best} / {d.high} | {cited} | {md_cell(d.reason)} |")
        lines.append("")
    lines += ["## All figures", "", "| # | outlet | doc | line | characters | text | low | high | qualifier | measure "
              "| what | place | period | scope | attribution | part of |",
              "|---:|---|---|---:|---|---|---:|---:|---|---|---|---|---|---|---|---:|"]
    for i, f in enumerate(figures):
        lines.append(f"| {i} | {md_cell(f.outlet)} | {md_cell(f.doc)} | {f.line} | {f.start}-{f.end} "
                     f"| {md_cell(f.text)} | {_blank(f.low)} | {_blank(f.high)} "
                     f"| {f.qualifier} | {f.measure} | {md_cell(f.what or '')} | {md_cell(f.place or '')} "
                     f"| {md_cell(f.period or '')} | {_blank(f.scope)} | {md_cell(f.attribution or '')} "
                     f"| {_blank(f.subset_of)} |")
    return "\n".join(lines) + "\n"


def _cited_md(figures: Sequence[Figure], source: Source) -> str:
    figure = figures[source.figure]
    extra = ", ".join(p for p in (source.period, f"per {source.attribution}" if source.attribution else "") if p)
    return (f"{_published(source).strip()} {md_cell(source.outlet)} ({md_cell(_located(figure))}): "
            f"\"{md_cell(figure.text)}\""
            + (f" ({md_cell(extra)})" if extra else ""))


def _blank(value: object) -> str:
    return "" if value is None else str(value)

