"""Small helpers every renderer shares: shortened display text, integer and number fields of a JSON payload, the
list of skipped inputs (``dedupe info`` and ``dedupe report`` print it alike), the entities spelled several ways
(the report's text, Markdown and HTML count and list the same ones), and the outlet a story has alone (the report's
Markdown and HTML summarise the same stories)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dedupe.output import md_cell


def shorten(text: str, limit: int) -> str:
    """``text`` with its whitespace runs made single spaces, cut to ``limit`` characters with an ellipsis.

    Example:
        >>> shorten("Aleppo  was\\nbombed again", 12)
        'Aleppo was …'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "\u2026"


def located(doc: str, line: int, start: int, end: int) -> str:
    """Where a text stands in its document, as the text outputs give it.

    Args:
        doc: The document id.
        line: The line the text starts on.
        start: Its first character's offset in the document.
        end: The offset just past its last character.

    Returns:
        ``doc:line @start-end``.

    Example:
        >>> located("003_c71e", 17, 1874, 1876)
        '003_c71e:17 @1874-1876'
    """
    return f"{doc}:{line} @{start}-{end}"


def int_field(value: Any) -> int:
    """A JSON value as an int: itself when it is one (booleans excluded), else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def number_field(value: Any) -> float | None:
    """A JSON value as a finite float; ``None`` for anything else (missing, a boolean, a string, NaN, infinite)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def number_text(value: Any) -> str:
    """A number as the reports print it: thousands separated, a whole number without decimals, another with two;
    ``"–"`` where :func:`number_field` gives none.

    Example:
        >>> number_text(1400), number_text(2.5), number_text(None)
        ('1,400', '2.50', '–')
    """
    number = number_field(value)
    if number is None:
        return "\u2013"
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"


def skipped_of(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The skipped inputs of a report payload's corpus (none when it has no corpus)."""
    return list((report.get("corpus") or {}).get("skipped", []))


def skipped_where(skipped: Mapping[str, Any]) -> str:
    """Where a skipped input is (an item of a payload's ``skipped`` list): its path, with ``:line`` for a record.

    Example:
        >>> skipped_where({"path": "rows.jsonl", "line": 2}), skipped_where({"path": "empty.txt", "line": None})
        ('rows.jsonl:2', 'empty.txt')
    """
    line = skipped.get("line")
    return f"{skipped.get('path')}" + (f":{line}" if line is not None else "")


def skipped_lines(skipped: Sequence[Mapping[str, Any]]) -> list[str]:
    """The terminal lines of the skipped inputs: ``  where: reason`` each."""
    return [f"  {skipped_where(item)}: {item.get('reason')}" for item in skipped]


def skipped_markdown(skipped: Sequence[Mapping[str, Any]]) -> list[str]:
    """The Markdown section of the skipped inputs (a table of where and why); no lines when none was skipped."""
    if not skipped:
        return []
    return ["", "## Skipped inputs", "", "| where | reason |", "|---|---|",
            *(f"| {md_cell(skipped_where(item))} | {md_cell(str(item.get('reason')))} |" for item in skipped)]


def sole_outlet(claims: Iterable[Mapping[str, Any]]) -> str | None:
    """The one outlet that covers a story alone, from the story's claims (of a ``compare`` payload).

    Args:
        claims: The story's claim groups.

    Returns:
        The outlet when every claim is ``unique`` and all their members are of that one outlet; else ``None``
        (a claim shared by several outlets, several outlets, or no claim).
    """
    outlets: set[str] = set()
    for claim in claims:
        if claim.get("status") != "unique":
            return None
        outlets.update(str(m.get("outlet")) for m in claim.get("members", []))
    return next(iter(outlets)) if len(outlets) == 1 else None


def entities_with_variants(compare: Mapping[str, Any] | None) -> list[tuple[dict[str, Any], list[str]]]:
    """The entities of a ``compare`` payload spelled more than one way, each with its :func:`spelling_variants`.

    Args:
        compare: The ``compare`` payload (``None`` when the stage did not run: no entities).

    Returns:
        ``(entity, spellings)`` pairs in the payload's order, only those with two spellings or more.
    """
    pairs = [(entity, spelling_variants([str(v) for v in entity.get("variants", [])]))
             for entity in (compare or {}).get("entities", [])]
    return [(entity, shown) for entity, shown in pairs if len(shown) > 1]


def spelling_variants(variants: list[str]) -> list[str]:
    """The variants of an entity worth showing as spellings of one name.

    The entity table merges every form that names the same actor (so "Syrians" counts as Syria); the
    report shows only real spelling differences: forms that differ only in letter case
    ("WASHINGTON") and inflections of another form (a plural or demonym: "Syrian", "Syrians",
    "Photos") are left out.

    Args:
        variants: The entity's forms, most frequent first.

    Returns:
        The first form of each group of forms that differ in more than case or inflection, in order.
    """
    folded = [v.casefold() for v in variants]
    stems = set(folded)
    shown: dict[str, str] = {}
    for variant, key in zip(variants, folded):
        stem = next((key[:-len(end)] for end in _INFLECTIONS if key.endswith(end) and key[:-len(end)] in stems), key)
        shown.setdefault(stem, variant)
    return list(shown.values())


_INFLECTIONS = ("ians", "ian", "ans", "an", "ns", "n", "es", "s")
