"""Render the result of ``dedupe compare``: JSON contract, JSON Lines, terminal text and Markdown.

JSON contract (inside :func:`dedupe.output.envelope`)::

    {"summary": {...counts...},
     "stories": [{"id", "docs", "start", "end"}],
     "claims": [{"status", "story", "similarity", "divergence_score", "outlets",
                 "members": [{"doc", "outlet", "start", "end", "line", "text"}],
                 "reasons": [{"type", "detail", "conflicting": [{"doc", "outlet", "line", "words", "spans"}]}],
                 "updates": [...same shape as reasons...]}],
     "entities": [{"name", "variants", "mentions"}]}

``nli_contradiction`` is added to a claim when an NLI model was used. Each side of a reason gives the
conflicting words as written and their ``[start, end]`` character offsets in the document (``text[start:end]``
is the word). ``updates`` lists figures of a toll that rose between reports of different dates, apart from
the conflicts: the outlets still give different figures, so such a group is a ``divergence``, explained.
Fields are unchanged by the number-blind alignment; what changed in meaning: ``members`` may hold several
sentences of one document (headline, lead, quote), ``similarity`` is the mean claim-model probability of the
scored member pairs, and ``claims`` are ordered by story, then status (divergence, agreement, unique), then
most outlets first.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dedupe.compare.divergence import Reason
from dedupe.compare.groups import STATUSES, ClaimGroup, CompareResult
from dedupe.stories import Story
from dedupe.output import envelope, md_cell, plural, terminal_safe, to_jsonl
from dedupe.report.fields import located, shorten

_SHOWN = 160


def compare_dict(result: CompareResult) -> dict[str, Any]:
    """The JSON document of ``dedupe compare``."""
    return envelope("compare", {
        "summary": _summary(result),
        "stories": [{"id": s.id, "docs": list(s.doc_ids), "start": s.start.isoformat() if s.start else None,
                     "end": s.end.isoformat() if s.end else None} for s in result.stories],
        "claims": [claim_record(g) for g in result.groups],
        "entities": [{"name": e.name, "variants": list(e.variants), "mentions": e.mentions} for e in result.entities],
    })


def claim_record(group: ClaimGroup) -> dict[str, Any]:
    """One claim group as a JSON object."""
    record: dict[str, Any] = {
        "status": group.status, "story": group.story, "similarity": group.similarity,
        "divergence_score": group.divergence_score, "outlets": list(group.outlets),
        "members": [{"doc": m.doc_id, "outlet": m.outlet, "start": m.start, "end": m.end, "line": m.line,
                     "text": m.text} for m in group.members],
        "reasons": [_reason_record(r) for r in group.reasons],
        "updates": [_reason_record(r) for r in group.updates],
    }
    if group.nli_contradiction is not None:
        record["nli_contradiction"] = group.nli_contradiction
    return record


def _reason_record(reason: Reason) -> dict[str, Any]:
    return {"type": reason.type, "detail": reason.detail,
            "conflicting": [{"doc": w.doc_id, "outlet": w.outlet, "line": w.line, "words": list(w.words),
                             "spans": [list(span) for span in w.spans]} for w in reason.conflicting]}


def compare_jsonl(result: CompareResult) -> str:
    """One claim group per line (the ``claims`` of the JSON document)."""
    return to_jsonl(claim_record(g) for g in result.groups)


def compare_text(result: CompareResult) -> str:
    """A terminal report: per story (:func:`stories_by_interest`), divergences with reasons, agreements (most
    outlets first), then unique claims per outlet; a story covered by one outlet only is summarised in one line."""
    counts = _summary(result)
    lines = [f"{plural(len(result.stories), 'story')}, {plural(counts['claims'], 'claim')} "
             f"({plural(counts['furniture'], 'furniture sentence')} skipped): "
             f"{plural(counts['divergence'], 'divergence')}, {plural(counts['agreement'], 'agreement')}, "
             f"{counts['unique']} unique"]
    for story in stories_by_interest(result):
        groups = [g for g in result.groups if g.story == story.id]
        lines += ["", f"== {story.id}: {', '.join(story.doc_ids)}"]
        single = _single_outlet(groups)
        if single is not None:
            lines.append(f"  only {single} covers this story: {len(groups)} claims, nothing to compare")
            continue
        for group in groups:
            if group.status != "unique":
                lines += _group_lines(group)
        lines += _unique_lines([g for g in groups if g.status == "unique"])
    if result.entities:
        lines += ["", "Names written several ways:"]
        lines += [f"  {e.name}: {' / '.join(e.variants)}" for e in result.entities]
    return terminal_safe("\n".join(lines) + "\n")


def compare_markdown(result: CompareResult) -> str:
    """The same report as Markdown."""
    counts = _summary(result)
    lines = ["# Claims compared across outlets", "",
             f"{plural(len(result.stories), 'story')}, {plural(counts['claims'], 'claim')}: "
             f"{plural(counts['divergence'], 'divergence')}, {plural(counts['agreement'], 'agreement')}, "
             f"{counts['unique']} unique."]
    for story in stories_by_interest(result):
        lines += ["", f"## {story.id}", "", "Documents: " + ", ".join(md_cell(d) for d in story.doc_ids)]
        for group in (g for g in result.groups if g.story == story.id and g.status != "unique"):
            lines += ["", f"### {group.status} (similarity {group.similarity or 0:.2f})", "",
                      "| outlet | doc:line | characters | text |", "|---|---|---|---|"]
            lines += [f"| {md_cell(m.outlet)} | {md_cell(m.doc_id)}:{m.line} | {m.start}-{m.end} | {md_cell(m.text)} |"
                      for m in group.members]
            lines += [""] + [f"- **{r.type}**: {md_cell(r.detail)} ({md_cell(side_by_side(r))})"
                             for r in group.reasons] if group.reasons else []
            lines += [""] + [f"- *{r.type}*: {md_cell(r.detail)} ({md_cell(side_by_side(r))})"
                             for r in group.updates] if group.updates else []
        single = _single_outlet([g for g in result.groups if g.story == story.id])
        if single is not None:
            lines += ["", f"Only {md_cell(single)} covers this story: nothing to compare."]
            continue
        unique = _by_outlet([g for g in result.groups if g.story == story.id and g.status == "unique"])
        for outlet, groups in unique.items():
            lines += ["", f"### Only in {md_cell(outlet)} ({len(groups)})", ""]
            lines += [f"- {md_cell(g.members[0].doc_id)}:{g.members[0].line} {md_cell(g.members[0].text)}"
                      for g in groups]
    if result.entities:
        lines += ["", "## Names written several ways", "", "| name | variants |", "|---|---|"]
        lines += [f"| {md_cell(e.name)} | {md_cell(' / '.join(e.variants))} |" for e in result.entities]
    return "\n".join(lines) + "\n"


def stories_by_interest(result: CompareResult) -> list[Story]:
    """Stories in order of interest: most divergences, then the claim the most outlets share, then the most
    agreements, then corpus order (a story one outlet alone covers comes last)."""
    def key(numbered: tuple[int, Story]) -> tuple[int, int, int, int]:
        number, story = numbered
        groups = [g for g in result.groups if g.story == story.id]
        shared = [g for g in groups if g.status != "unique"]
        return (-sum(g.status == "divergence" for g in groups), -max((len(g.outlets) for g in shared), default=0),
                -len(shared), number)

    return [story for _, story in sorted(enumerate(result.stories), key=key)]


def _single_outlet(groups: list[ClaimGroup]) -> str | None:
    """The outlet, when every claim of a story comes from one outlet (summarised, not listed)."""
    outlets = {o for g in groups for o in g.outlets}
    return outlets.pop() if len(outlets) == 1 and all(g.status == "unique" for g in groups) else None


def _summary(result: CompareResult) -> dict[str, int]:
    counts = {status: sum(1 for g in result.groups if g.status == status) for status in STATUSES}
    return {"stories": len(result.stories), "claims": result.claims, "furniture": result.furniture, **counts}


def _group_lines(group: ClaimGroup) -> list[str]:
    lines = ["", f"{group.status.upper()}  similarity {group.similarity or 0:.2f}  ({', '.join(group.outlets)})"]
    lines += [f"  {m.outlet} {located(m.doc_id, m.line, m.start, m.end)}  {shorten(m.text, _SHOWN)}"
              for m in group.members]
    for reason in group.reasons:
        lines += [f"  ! {reason.type}: {reason.detail}", f"      {side_by_side(reason)}"]
    for update in group.updates:
        lines += [f"  ~ {update.type}: {update.detail}", f"      {side_by_side(update)}"]
    return lines


def side_by_side(reason: Reason) -> str:
    """Both versions' words of a reason on one line, each with its document, line and character offsets.

    Example: ``003_c71e:17 @1874-1884 '29 doctors'  |  004_7cde:53 @3015-3025 '14 Doctors'``.
    """
    sides = []
    for side in reason.conflicting:
        located = [f"@{start}-{end} '{word}'" for word, (start, end) in zip(side.words, side.spans)] \
            if side.spans else [f"'{word}'" for word in side.words]
        sides.append(f"{side.doc_id}:{side.line} {' '.join(located) or '(not stated)'}")
    return "  |  ".join(sides)


def _unique_lines(groups: list[ClaimGroup]) -> list[str]:
    lines: list[str] = []
    for outlet, members in _by_outlet(groups).items():
        lines += ["", f"Only in {outlet} ({len(members)}):"]
        lines += [f"  {located(m.doc_id, m.line, m.start, m.end)}  {shorten(m.text, _SHOWN)}"
                  for m in (g.members[0] for g in members)]
    return lines


def _by_outlet(groups: list[ClaimGroup]) -> dict[str, list[ClaimGroup]]:
    found: dict[str, list[ClaimGroup]] = defaultdict(list)
    for group in groups:
        found[group.members[0].outlet].append(group)
    return dict(sorted(found.items()))
