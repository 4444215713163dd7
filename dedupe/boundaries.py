"""Sentence boundaries inside a paragraph: pysbd's answer, asking pysbd only where it is hard.

:mod:`dedupe.segment` lays a document out in paragraphs and hands each paragraph (window by window)
to :func:`sentence_starts`. pysbd (a rule-based segmenter that knows abbreviations such as "U.S.",
"Mr" and "Sept.") is slow on plain prose, so the paragraph is first cut at *plain* sentence ends,
where pysbd always ends a sentence; only the pieces between that hold another possible end (an
abbreviation, an initial, a number, a quotation) go to pysbd. The rule tables below say which ends
are plain and which pysbd never takes, each checked against pysbd on real corpora;
``benchmarks/segment_speed.py`` checks that the sentences are pysbd's own on whole documents.
A double-quoted passage of several sentences is also split into them (pysbd keeps any quotation whole).

Example:
    >>> text = "Mr. Kerry spoke. He left."
    >>> [text[at:at + 2] for at in sentence_starts(text, 0, len(text))]
    ['Mr', 'He']
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import lru_cache

# pysbd only ever ends a sentence at one of these; a paragraph without any is one sentence.
_SENTENCE_END = re.compile(r"[.!?\u2026\u203c\u2047-\u2049\u3002\uff01\uff1f]")
# A sentence end followed by more text: a quotation without one holds a single sentence.
_INNER_END = re.compile(r"[.!?\u2026][\"'\u2019\u201d)\]]*\s+\S")
# Double-quoted passages (straight, curly, guillemets); single quotes double as apostrophes.
_QUOTED = re.compile(r'"[^"]+"|\u201c[^\u201c\u201d]+\u201d|\u00ab[^\u00ab\u00bb]+\u00bb')
# A plain sentence end (see _fast_starts): a word (not in capitals) or a number of 3+ digits standing
# after a space (_PLAIN_WORD), its end mark, space and a capitalised word, perhaps quoted (_PLAIN_MARK).
# Searched from the end mark, the rarer character, and the word checked after (_plain_ends).
_PLAIN_MARK = re.compile(r"[.!?]\s+(?=[\"\u201c]?[A-Z][a-z ])")
_PLAIN_WORD = re.compile(r"[A-Z][a-z]+|[a-z]{2,}|\d{3,}")
# Anything pysbd could end a sentence at: an end mark, a period unless a letter or digit follows (it
# never ends one at "5.5", "U.S" or "pct.The") or a digit after a letter ("No.1"), a closing quote
# before a capital (not after a comma: pysbd's quotation boundary needs `[^,]"`), a closing
# parenthesis before a capital (pysbd's "(...) Ltd" boundary); except after a two-letter abbreviation
# ("U.S.", not "p.m.") followed by a word that is not one of its sentence starters, outside angle
# brackets (tickers such as "<NVA.A.T>"), and except a lone capital's period (_INITIAL). Ends
# inside a double-quoted, bracketed or dashed span pysbd keeps whole do not count (see _is_hard).
# (The leading look-ahead only makes the search skip other characters faster: 3x.)
_POSSIBLE_END = re.compile(r"(?=[!?.\"\u201d)\u2026\u203c\u2047-\u2049\u3002\uff01\uff1f])"
                           r"(?:[!?\u2026\u203c\u2047-\u2049\u3002\uff01\uff1f]|\.(?![A-Za-z\d])|(?<=[A-Za-z])\.(?=\d)"
                           r"|(?<!,)[\"\u201d]\s+(?=[A-Z])|\)\s+(?=[A-Z]))")
_QUIET_ABBREVIATION = re.compile(r"(?<![\w.])(?![AaPp]\.[Mm]\.)[A-Za-z]\.[A-Za-z](?P<stop>\.) +(?P<next>\w+)")
# Periods pysbd never ends a sentence at, though _POSSIBLE_END counts them: a two-letter abbreviation's
# before a comma or hyphen ("U.S., where", "U.S.-made"), and those of an ellipsis before a lower-case word
# ("progress ... we"). Checked: on every hard piece of Reuters-21578, the multi-outlet corpus and the seeds,
# pysbd splits none of the 757 pieces these make easy (wider forms, "Ill., said" or "leaving....This", it does).
_QUIET_END = re.compile(r"(?<=[A-Za-z]\.[A-Za-z])\.[,\-]|(?:(?<![.])\.\.\.|(?<=[^.]\.)\.\.|(?<=[^.]\.\.)\.)\s+[a-z]")
# A word of pysbd's abbreviation list standing after a space, its period and a comma ("Hart, Tex., were"):
# pysbd does not end a sentence there (checked as _QUIET_END: none of 404 pieces on the same corpora), though
# it does after a hyphen ("D-Ill., predicted").
_ABBREVIATION_COMMA = re.compile(r"(?<!\S)([A-Za-z]+)\.,")
# A title of pysbd's prepositive list ("Mr.", "Sen.", "Gen.") after a space, before a capitalised word: pysbd
# never ends a sentence there (checked as _QUIET_END: none of 193 pieces on the same corpora).
_PREPOSITIVE = re.compile(r"(?<=\s)([A-Za-z]+)\. (?=[A-Z])")
# pysbd's SingleUpperCaseLetterRule: the period of a lone capital (an initial, "Plan B.") before a space,
# perhaps after a comma, is never a sentence end ("I" is: "I. However ..." can end one).
_INITIAL = re.compile(r"(?<=\s)[A-HJ-Z]\.(?=,?\s)")
# Angle brackets (Reuters' tickers): the two-letter abbreviation rule is off inside them. (It used to be off
# for a whole piece holding one; with it on everywhere, pysbd splits none of the 463 pieces of Reuters-21578,
# the multi-outlet corpus and the seeds that this made easy, checked, so the narrower guard is safe there.)
_ANGLED = re.compile(r"<[^<>]*>")
# What ends a piece (closing marks, end marks, and space): no sentence can start inside it.
_TRAILER = frozenset("\"'\u2019\u201d).!?\u2026]")
# Spans pysbd keeps whole (its between-punctuation rules): quotes, brackets, parentheses, dashes.
_GUARDED = tuple(re.compile(p) for p in (
    r"(?<=\s)'(?:[^']|'[a-zA-Z])*'", r"(?<=\s)\u2018(?:[^\u2019]|\u2019[a-zA-Z])*\u2019", r'"[^"]*"',
    r"\u201c[^\u201d]*\u201d", r"\u00ab[^\u00bb]*\u00bb", r"\[[^\]]*\]", r"\([^()]*\)", r"--[^-]*--"))
# The opening mark of each guarded span: a text without it has no such span, and its pattern is not run.
_GUARD_OPENERS = dict(zip(_GUARDED, ("'", "\u2018", '"', "\u201c", "\u00ab", "[", "(", "--")))


def sentence_starts(text: str, start: int, end: int) -> list[int]:
    """Offsets where sentences begin inside ``text[start:end]``, as pysbd would put them.

    pysbd never splits inside a quotation, which keeps ``'"This is great." she said.'`` whole but
    also leaves a quoted speech of five sentences as one; so each quotation is segmented on its own
    too and its inner sentence starts are added.

    Args:
        text: The document text (not modified).
        start: Offset of the paragraph (or window) in ``text``.
        end: Offset just past it.

    Returns:
        Sentence starts in increasing order, offsets into ``text``; the first is always ``start``.
    """
    # pysbd ends a sentence at every line break; a paragraph's inner breaks (hard wrap) are not ends.
    chunk = text[start:end].replace("\r", " ").replace("\n", " ")
    if not _SENTENCE_END.search(chunk):
        return [start]
    found = set(_fast_starts(chunk))
    for quote in _QUOTED.finditer(chunk):
        inner = chunk[quote.start() + 1:quote.end() - 1]
        if _INNER_END.search(inner):
            found.update(quote.start() + 1 + at for at in _fast_starts(inner) if at > 0)
    return [start] + sorted(start + at for at in found if at > 0)


def _fast_starts(chunk: str) -> list[int]:
    """Offsets in ``chunk`` where sentences begin: pysbd's answer, asking pysbd only where it is hard.

    The chunk is cut at *plain* boundaries (see ``_plain_boundaries``), where pysbd always ends a
    sentence. A piece between two cuts with no other possible sentence end is one sentence; only
    pieces that have one (an abbreviation, an initial, a number, a quotation) go to pysbd. News text
    is mostly plain sentences, so this is what makes segmentation fast; benchmarks/segment_speed.py
    checks that the sentences are the same as pysbd's on whole paragraphs.
    """
    cuts = _plain_boundaries(chunk)
    found = [0]
    for i, start in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else len(chunk)
        if start > 0:
            found.append(start)
        piece = chunk[start:end]
        if _is_hard(piece):
            found.extend(start + at for at in _pysbd_starts(piece) if at > 0)
    return found


def _is_hard(piece: str) -> bool:
    """Whether pysbd might end a sentence inside ``piece`` (before its closing marks)."""
    end = len(piece)
    while end and (piece[end - 1] in _TRAILER or piece[end - 1].isspace()):
        end -= 1
    core = piece[:end]
    ends = [m.start() for m in _POSSIBLE_END.finditer(core)]
    if not ends:
        return False
    starters = _sentence_starters()
    angled = [m.span() for m in _ANGLED.finditer(core)] if "<" in core else []
    quiet = {m.start("stop") for m in _QUIET_ABBREVIATION.finditer(core) if m.group("next") not in starters
             and not any(start < m.start("stop") < stop for start, stop in angled)}
    quiet.update(m.end(1) for m in _ABBREVIATION_COMMA.finditer(core) if m.group(1).lower() in _abbreviations())
    quiet.update(m.end(1) for m in _PREPOSITIVE.finditer(core) if m.group(1).lower() in _prepositives())
    ends = [at for at in ends
            if at not in quiet and not _INITIAL.match(core, at - 1) and not _QUIET_END.match(core, at)]
    if not ends:
        return False
    starts, stops = _guarded_spans(core, _GUARDED[2:])  # not single quotes: pysbd does split inside those
    return any(_unguarded(at, starts, stops) for at in ends)


def _unguarded(at: int, starts: list[int], stops: list[int]) -> bool:
    """Whether offset ``at`` lies outside the inside of every guarded span (its closing mark is outside)."""
    i = bisect.bisect_right(starts, at) - 1
    return i < 0 or at >= stops[i] - 1 or at == starts[i]


def _plain_boundaries(chunk: str) -> list[int]:
    """Starts of sentences after a plain end (see ``_PLAIN_END``) whose word is no abbreviation,
    outside any quotation, parenthesis or dash pair (which pysbd never splits)."""
    ends = _plain_ends(chunk)
    if not ends:
        return [0]
    starts, stops = _guarded_spans(chunk)
    inside = [bisect.bisect_left(starts, mark) - 1 for mark, _ in ends]
    return [0] + [after for (mark, after), i in zip(ends, inside) if i < 0 or mark >= stops[i]]


def _plain_ends(chunk: str) -> list[tuple[int, int]]:
    """(offset of the end mark, offset of the next sentence) of every plain end whose word is no abbreviation."""
    abbreviations = _abbreviations()
    ends = []
    for match in _PLAIN_MARK.finditer(chunk):
        mark = begin = match.start()
        while begin and not chunk[begin - 1].isspace():
            begin -= 1
        if _PLAIN_WORD.fullmatch(chunk, begin, mark) and chunk[begin:mark].lower() not in abbreviations:
            ends.append((mark, match.end()))
    return ends


def _guarded_spans(chunk: str, patterns: Sequence[re.Pattern[str]] = _GUARDED) -> tuple[list[int], list[int]]:
    """The union of the spans pysbd keeps whole (``patterns``), as disjoint open intervals: (starts, stops)."""
    starts: list[int] = []
    stops: list[int] = []
    present = [pattern for pattern in patterns if _GUARD_OPENERS[pattern] in chunk]
    for start, stop in sorted(m.span() for pattern in present for m in pattern.finditer(chunk)):
        if stops and start < stops[-1]:
            stops[-1] = max(stops[-1], stop)
        else:
            starts.append(start)
            stops.append(stop)
    return starts, stops


def _pysbd_starts(chunk: str) -> list[int]:
    """Offsets in ``chunk`` where pysbd's sentences begin, located from a moving cursor."""
    found = [0]
    cursor = 0
    for sentence in _pysbd_split(chunk):
        probe = sentence.strip()
        if not probe:
            continue
        at = chunk.find(probe, cursor)
        if at < 0:
            at = chunk.find(probe[:20], cursor)
        if at < 0:
            continue
        if at > found[-1]:
            found.append(at)
        cursor = at + max(1, len(probe) if chunk.startswith(probe, at) else len(probe[:20]))
    return found


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    from pysbd.lang.english import English

    return frozenset(English.Abbreviation.ABBREVIATIONS)


@lru_cache(maxsize=1)
def _prepositives() -> frozenset[str]:
    from pysbd.lang.english import English

    return frozenset(English.Abbreviation.PREPOSITIVE_ABBREVIATIONS)


@lru_cache(maxsize=1)
def _sentence_starters() -> frozenset[str]:
    from pysbd.lang.english import English

    return frozenset(English.AbbreviationReplacer.SENTENCE_STARTERS)


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _pysbd_split(chunk: str) -> list[str]:
    """pysbd's sentences of ``chunk``: what ``Segmenter.segment`` returns, without its regexes.

    ``segment`` locates each sentence in the text with a regular expression compiled from the
    sentence itself (``escape(sentence) + "\\s*"``), which was half of pysbd's cost here;
    :func:`_locate` finds the same matches with ``str.find``.
    """
    try:
        return _locate(chunk, _segmenter().processor(chunk).process())
    except Exception:  # pysbd has regex edge cases on odd Unicode; one sentence is then the safe answer
        return [chunk]


def _locate(text: str, sentences: list[str]) -> list[str]:
    """pysbd's ``sentences_with_char_spans``: each sentence with the space after it, as found in ``text``.

    For each sentence the first non-overlapping occurrence (with its trailing space) ending past the
    previous one is kept; a sentence not found is dropped, as pysbd drops it.
    """
    found: list[str] = []
    prior_end = 0
    for sentence in sentences:
        if not sentence:
            continue  # an empty pattern matches everywhere; pysbd's processor never yields one
        at = text.find(sentence)
        while at >= 0:
            end = at + len(sentence)
            while end < len(text) and text[end].isspace():
                end += 1
            if end > prior_end:
                found.append(text[at:end])
                prior_end = end
                break
            at = text.find(sentence, end)
    return found
