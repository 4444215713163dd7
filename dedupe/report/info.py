"""Render the load summary of ``dedupe info``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from dedupe.output import envelope, md_cell, plural, terminal_safe
from dedupe.report.fields import skipped_lines, skipped_markdown

if TYPE_CHECKING:
    from dedupe.pipeline import CorpusSummary


def info_dict(summary: CorpusSummary) -> dict[str, Any]:
    """The JSON document of ``dedupe info``."""
    return envelope("info", {
        "summary": {
            "documents": summary.documents,
            "outlets": {name: count for name, count in summary.outlets},
            "paragraphs": summary.paragraphs,
            "sentences": summary.sentences,
            "characters": summary.characters,
            "dates": list(summary.dates) if summary.dates else None,
            "skipped": len(summary.skipped),
        },
        "documents": list(summary.per_document),
        "skipped": list(summary.skipped),
    })


def info_text(summary: CorpusSummary) -> str:
    """A terminal summary: totals, documents per outlet, each document, skipped inputs."""
    lines = [f"{plural(summary.documents, 'document')} from {plural(len(summary.outlets), 'outlet')}: "
             f"{plural(summary.paragraphs, 'paragraph')}, {plural(summary.sentences, 'sentence')}, "
             f"{plural(summary.characters, 'character')}"]
    if summary.dates:
        lines.append(f"dates: {summary.dates[0]} to {summary.dates[1]}")
    lines.append("")
    lines.append("Documents per outlet:")
    lines.extend(f"  {count:>5}  {name}" for name, count in summary.outlets)
    lines.append("")
    lines.append("Documents:")
    for doc in summary.per_document:
        lines.append(f"  {doc['id']}  {doc['outlet']}  {doc['date'] or '-'}  "
                     f"{plural(cast(int, doc['sentences']), 'sentence')}  {doc['title'] or ''}".rstrip())
    lines.append("")
    lines.append(f"Skipped inputs: {len(summary.skipped)}")
    lines.extend(skipped_lines(summary.skipped))
    return terminal_safe("\n".join(lines) + "\n")


def info_markdown(summary: CorpusSummary) -> str:
    """The same summary as Markdown tables."""
    lines = ["# Corpus summary", "",
             f"{plural(summary.documents, 'document')}, {plural(len(summary.outlets), 'outlet')}, "
             f"{plural(summary.sentences, 'sentence')}, {plural(summary.characters, 'character')}, "
             f"{plural(len(summary.skipped), 'skipped input')}.", "",
             "| id | outlet | date | sentences | title |", "|---|---|---|---:|---|"]
    for doc in summary.per_document:
        lines.append(f"| {md_cell(doc['id'])} | {md_cell(doc['outlet'])} | {md_cell(doc['date'])} | {doc['sentences']} "
                     f"| {md_cell(doc['title'])} |")
    lines += skipped_markdown(summary.skipped)
    return "\n".join(lines) + "\n"
