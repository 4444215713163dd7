"""Render ``dedupe index`` results and ``dedupe scan --against``.

``scan --against`` JSON is the ``scan`` JSON (same findings contract; history occurrences are ordinary
occurrences with their stored document's id, outlet and exact offsets) plus::

    "against": {"index_documents_read": INT, "rounds": INT, "batch": [ids...],
                "renamed": [{"id", "as"}...]},                 # batch ids already in the index
    "history": {ID: {"outlet", "date", "url", "title"}, ...},  # stored documents named in a finding
    "origins": [{"finding": INT, "doc", "outlet", "date",
                 "reuses": [{"doc", "outlet", "credited", "credit"}...]}...]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dedupe.index.store import AddResult, IndexInfo
from dedupe.output import envelope, md_cell, plural, terminal_safe

# The scan's findings and their rendering (:mod:`dedupe.report.scan`) are imported by the functions that
# render them: ``index add`` and ``index info`` render none, and so do not import the scan stage.
if TYPE_CHECKING:
    from dedupe.index.query import AgainstResult


def add_text(path: str, added: AddResult, skipped_inputs: int = 0) -> str:
    """One line of counts, then one line per new version.

    Args:
        path: The index file.
        added: What the add did; its ``skipped`` are documents loaded without a word to index.
        skipped_inputs: Inputs the loader skipped (lines or files, each warned on stderr with its file and line):
            the counts line ends with ``; N inputs not loaded (see the warnings)`` when there are some.

    Returns:
        The lines, each ending with a newline.
    """
    # Two kinds of skip, each named once: documents loaded without a word to index, and inputs never loaded.
    not_loaded = f"; {plural(skipped_inputs, 'input')} not loaded (see the warnings)" if skipped_inputs else ""
    versions = plural(len(added.new_versions), "new version")
    lines = [f"{path}: {added.added} added, {added.unchanged} unchanged, {versions}, "
             f"{plural(added.skipped, 'skipped document')}{not_loaded}"]
    lines += [f"  new version {new} of {earlier}" for new, earlier in added.new_versions]
    return terminal_safe("\n".join(lines) + "\n")


def info_dict(info: IndexInfo) -> dict[str, Any]:
    """``index info`` as a JSON document: the envelope every command's JSON starts with
    (:func:`~dedupe.output.envelope`: ``schema_version`` of the JSON, tool and version), then what the index
    holds; ``index_schema_version`` is the SQLite file's own schema, which ``scan --against`` checks.

    Args:
        info: What :meth:`Index.info` found.

    Returns:
        ``{schema_version, tool, version, command: "index info", documents, outlets, first_date, last_date,
        undated, parameters, index_schema_version, bytes, batches}``.
    """
    return envelope("index info", {
        "documents": info.documents, "outlets": dict(info.outlets), "first_date": info.first_date,
        "last_date": info.last_date, "undated": info.undated, "parameters": info.params.as_dict(),
        "index_schema_version": info.schema_version, "bytes": info.bytes, "batches": info.batches})


def info_text(path: str, info: IndexInfo) -> str:
    """``index info`` for the terminal."""
    outlets = ", ".join(f"{name or '(none)'} {count}" for name, count in info.outlets[:10])
    more = f" and {len(info.outlets) - 10} more" if len(info.outlets) > 10 else ""
    params = ", ".join(f"{k} {v}" for k, v in info.params.as_dict().items())
    dates = f"{info.first_date} to {info.last_date}" if info.first_date else "none"
    each = f" ({info.bytes / info.documents:.0f} bytes per document)" if info.documents else ""  # none: no such figure
    return terminal_safe(f"{path}: {plural(info.documents, 'document')} in {plural(info.batches, 'batch')}, "
                         f"{info.bytes / 1e6:.1f} MB{each}\n"
                         f"outlets ({len(info.outlets)}): {outlets or 'none'}{more}\n"
                         f"dates: {dates} ({info.undated} undated)\n"
                         f"parameters: {params} (schema {info.schema_version})\n")


def against_dict(checked: AgainstResult) -> dict[str, Any]:
    """The JSON document of ``scan --against`` (see the module docstring)."""
    from dedupe.report.scan import scan_dict
    document = scan_dict(checked.result)
    document["against"] = {"index_documents_read": checked.loaded, "rounds": checked.rounds,
                           "batch": sorted(checked.batch_ids),
                           "renamed": [{"id": old, "as": new} for old, new in checked.renamed]}
    document["history"] = {d.id: {"outlet": d.outlet, "date": d.date_text, "url": d.url, "title": d.title}
                           for d in checked.history}
    document["origins"] = [_origin(o) for o in checked.origins]
    return document


def against_jsonl(checked: AgainstResult) -> str:
    """One finding per line, each with its origin when it has one."""
    from dedupe.output import to_jsonl
    from dedupe.report.scan import scan_jsonl_records

    origins = {o.finding: _origin(o) for o in checked.origins}
    records = scan_jsonl_records(checked.result)
    for index, record in enumerate(records):
        if index in origins:
            record["origin"] = origins[index]
    return to_jsonl(records)


def against_text(checked: AgainstResult) -> str:
    """The scan's text report of the batch's findings, then the origins of shared text."""
    from dedupe.report.scan import scan_text

    return scan_text(checked.result) + terminal_safe("".join(_against_lines(checked, "") + _origin_lines(checked, "")))


def against_markdown(checked: AgainstResult) -> str:
    """The scan's Markdown report of the batch's findings, then the origins of shared text."""
    from dedupe.report.scan import scan_markdown

    return scan_markdown(checked.result) + "".join(_against_lines(checked, "- ") + _origin_lines(checked, "- "))


def _origin(origin: Any) -> dict[str, Any]:
    return {"finding": origin.finding, "doc": origin.doc, "outlet": origin.outlet, "date": origin.date,
            "reuses": [{"doc": r.doc, "outlet": r.outlet, "credited": r.credited, "credit": r.credit}
                       for r in origin.reuses]}


def _against_lines(checked: AgainstResult, bullet: str) -> list[str]:
    """Which documents are the batch's and which the index's, and the batch ids renamed because the index holds
    them, or (``--add``) an earlier document of the batch (the scan's headline counts both kinds of documents)."""
    shown = md_cell if bullet else str
    history = len({o.doc for f in checked.result.findings for o in f.occurrences} - checked.batch_ids)
    lines = [f"\nAgainst the index: {plural(len(checked.batch_ids), 'batch document')}, "
             f"{plural(checked.loaded, 'stored document')} read, {history} of them in the findings\n"]
    bullet = bullet or "  "
    for old, new in checked.renamed[:5]:
        lines.append(f"{bullet}id {shown(old)} is taken (in the index, or earlier in this batch): this batch's "
                     f"document is {shown(new)}\n")
    if len(checked.renamed) > 5:
        lines.append(f"{bullet}and {len(checked.renamed) - 5} more renamed (the JSON lists them)\n")
    return lines


def _origin_lines(checked: AgainstResult, bullet: str) -> list[str]:
    if not checked.origins:
        return []
    lines = [f"\nProbable origins ({len(checked.origins)}; finding numbers count from 1)\n"]
    shown = md_cell if bullet else str  # Markdown: the index's ids, outlets and dates as text
    for origin in checked.origins:
        uncredited = [r for r in origin.reuses if not r.credited]
        names = ", ".join(shown(r.doc) for r in uncredited[:5])
        lines.append(f"{bullet or '  '}finding {origin.finding + 1}: first in {shown(origin.doc)} "
                     f"({shown(origin.outlet)}, {shown(origin.date or 'undated')}); "
                     f"{plural(len(origin.reuses), 'reuse')}, {len(uncredited)} uncredited"
                     + (f": {names}" if names else "") + "\n")
    return lines
