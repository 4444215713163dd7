"""Choosing a command's renderer by ``--format`` and counting skipped inputs in the output itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dedupe.corpus.documents import Corpus
from dedupe.output import md_cell, plural, terminal_safe, to_json, to_jsonl
from dedupe.pipeline import skipped_records

if TYPE_CHECKING:
    from dedupe.pipeline import ReportResult


def render_result(fmt: str, result: Any, loaded: Corpus, renderers: dict[str, Callable[[Any], str]],
                  as_dict: Callable[[Any], dict[str, Any]], tag: str = "kind", clean: bool = True) -> str:
    """Render a command's result so that skipped inputs are counted in the output itself.

    JSON gains a ``skipped`` list (path, line, reason), as ``dedupe info`` has; text and Markdown end with
    a line per skipped input (text: its directional controls shown, :func:`~dedupe.output.terminal_safe`;
    Markdown: escaped, :func:`~dedupe.output.md_cell`, as a file name may hold ``[x](y)`` or ``<b>``); JSON
    Lines ends with one ``{"kind": "skipped", "path", "line", "reason"}`` record per skipped input (``tag`` names
    the field that tells the command's records apart). ``clean=False``: ``as_dict`` builds its document clean
    (see :func:`~dedupe.output.to_json`).
    """
    if fmt == "json":
        return to_json({**as_dict(result), "skipped": skipped_records(loaded)}, clean=clean)
    text = renderers[fmt](result)
    if loaded.skipped and fmt in ("text", "markdown"):
        shown, bullet = (terminal_safe, "  ") if fmt == "text" else (md_cell, "- ")
        text += f"\n{plural(len(loaded.skipped), 'input')} skipped:\n" + "".join(
            f"{bullet}{shown(str(s))}\n" for s in loaded.skipped)
    if fmt == "jsonl":
        text += to_jsonl({tag: "skipped", **record} for record in skipped_records(loaded))
    return text


def render_report(result: ReportResult, fmt: str) -> tuple[dict[str, Any], str]:
    """The combined report dict and its rendering in ``fmt``."""
    from dedupe.report.combined import report_dict, report_markdown, report_text

    document = report_dict(result)
    if fmt == "html":
        from dedupe.report.html import render_html

        return document, render_html(document, result.prepared.documents)
    if fmt == "json":
        return document, to_json(document)
    if fmt == "markdown":
        return document, report_markdown(document)
    return document, report_text(document, None)
