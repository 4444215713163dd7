"""A passage repeated inside one document: a scraper fault (a unit printed twice) or an echo (a shared phrase).

A scraper that doubles text doubles a *unit* of the page: a line, a caption, a heading, a sentence or a
paragraph, or the start of one spliced onto something else. Each copy of such a passage therefore begins
where a unit begins. A writer who uses the same phrase twice ("a no fly zone or no bombing zone"; a bullet
summary that repeats words of the body; two captions ending "during a press conference with ...") puts it
*inside* two different sentences, so at least one copy begins mid-sentence.

Rule (written before looking at any corpus other than the seeds): a repeated passage is a ``repeat``
(fault) when at least two of its occurrences start a unit; otherwise it is an ``echo``. An occurrence
starts a unit when, walking back from its first character over spaces, tabs, bullets, dashes and quote
marks, one reaches the start of the text, a line break, or sentence-final punctuation (``.`` ``!`` ``?``
``…``) that is not the decimal point of a number. Only the start counts: a summary bullet that ends with
the last words of a body sentence ends both units, yet is an echo.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Characters skipped walking back from a passage to the boundary of its unit.
_LEAD = frozenset(" \t\u00a0-\u2013\u2014\u2022\u00b7\u2023\u25aa\u25cf*>\"'\u201c\u201d\u2018\u2019\u00ab\u00bb([")
#: Characters that end the unit before: line breaks and sentence-final punctuation.
_BOUNDARY = frozenset("\n\r\f\v\u2028\u2029.!?\u2026")


def starts_unit(text: str, offset: int) -> bool:
    """Whether ``text[offset:]`` begins a line, sentence, caption, heading or paragraph.

    Args:
        text: The document text.
        offset: Character offset of the first character of a passage.

    Returns:
        ``True`` when only spaces, bullets, dashes and quote marks stand between ``offset`` and the start
        of the text, a line break, or a sentence end (``3.5``'s point is not one).
    """
    index = offset
    while index > 0 and text[index - 1] in _LEAD:
        index -= 1
    if index == 0:
        return True
    before = text[index - 1]
    if before not in _BOUNDARY:
        return False
    decimal = before == "." and index == offset and offset < len(text) and text[offset].isdigit() \
        and index >= 2 and text[index - 2].isdigit()
    return not decimal


def is_fault(text: str, starts: Iterable[int]) -> bool:
    """Whether a passage repeated in ``text`` at ``starts`` is a doubled unit (a scraper fault).

    Args:
        text: The document text.
        starts: Character offsets of the passage's occurrences in ``text``.

    Returns:
        ``True`` when at least two occurrences start a unit (see the module docstring).
    """
    return sum(starts_unit(text, start) for start in starts) >= 2
