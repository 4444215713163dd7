"""Stage 2: split documents into paragraphs and sentences with exact character offsets.

Every span indexes the original text: ``doc.text[s.start:s.end] == s.text``, and every non-space
character of a document lies in exactly one sentence. Sentence boundaries come from pysbd (a
rule-based segmenter that knows abbreviations such as "U.S.", "Mr" and "Sept."), asked through
:func:`dedupe.boundaries.sentence_starts`; this module decides paragraphs, turns the starts into
sentences with offsets and guarantees the invariants. A long paragraph is fed to pysbd in windows
(its cost grows faster than linearly with the length it is given), so a whole article on one line
costs what it would in lines.

Paragraphs: scraped news puts one paragraph per line, with or without blank lines between. Text that
is hard-wrapped (most lines of similar width, ending mid-sentence, as in wire archives) is joined back
into paragraphs at blank or indented lines instead. A line break that a scraper put inside a sentence
("... the strongest to strike the area in 14 years, occurred" / "at 4:30 p.m. Sunday ...") is no
paragraph end: a line that ends in a lower-case word or a comma, followed by one that opens with a
lower-case word, continues it.

Two sentence ends that pysbd proposes are taken back: after "a.m."/"p.m." when what follows
continues the time ("4:30 p.m. Sunday (Beijing Time)", "10 a.m. EST", "p.m. Beijing time", "p.m. (0830
GMT)"), since a time stated mid-sentence is far more common in news than one that ends it.

Example:
    >>> from dedupe.corpus.documents import Document, Origin
    >>> doc = Document("d", "o", "", "", None, "Mr. Kerry spoke. He left.\\nNext line", Origin("x"))
    >>> [s.text for s in segment_document(doc).sentences]
    ['Mr. Kerry spoke.', 'He left.', 'Next line']
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from dedupe.boundaries import sentence_starts
from dedupe.corpus.documents import Document
from dedupe.lexicon import CALENDAR_WORDS, TIME_ZONES
from dedupe.runtime import Progress, in_two, no_progress

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TERMINAL = re.compile(r"[.!?:;\"'\u201d\u2019)\]]\s*$")
# Paragraphs longer than this go to pysbd window by window (see _window_starts); 2000 characters
# is about where its cost per character starts to grow. A boundary found within _CONTEXT
# characters of a window's cut is decided again with the next window.
_WINDOW = 2000
_CONTEXT = 40
# A paragraph broken inside a sentence: it ends in a lower-case word or a comma, and the next opens with a
# lower-case word ("occurred" / "at 4:30 p.m. ..."; not "iPhone", which is a name).
_OPEN_END = re.compile(r"[a-z,]$")
_LOWER_OPENING = re.compile(r"[a-z][a-z'\-]*(?![\w])")
# A sentence that pysbd ends at a clock time's "a.m."/"p.m." ...
_CLOCK_END = re.compile(r"(?<![\w.])[AaPp]\.[Mm]\.$")
# ... and the words that continue the time after it: a day or month, a time zone, "<Place> time", a bracket.
_TIME_GOES_ON = re.compile(r"[(\[]|(?P<word>[A-Za-z]+)\.?(?:[\s,)]|$)(?:\s*(?P<next>[A-Za-z]+))?")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: offsets into the document text and the 1-based line it starts on."""

    index: int
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document.

    Attributes:
        doc_id: Id of the document it belongs to.
        index: Position among the document's sentences (0-based).
        paragraph: Index of its paragraph.
        start: Offset of its first character in ``doc.text``.
        end: Offset just past its last non-space character.
        line: 1-based line of ``start``.
        text: ``doc.text[start:end]``.
    """

    doc_id: str
    index: int
    paragraph: int
    start: int
    end: int
    line: int
    text: str


@dataclass(frozen=True)
class SegmentedDocument:
    """A document with its paragraphs and sentences."""

    doc: Document
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    line_starts: tuple[int, ...]

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self.line_starts, offset)


def line_starts(text: str) -> tuple[int, ...]:
    """Offsets at which each line starts (``\\n``, ``\\r\\n`` and ``\\r`` all end a line)."""
    return (0,) + tuple(m.end() for m in _LINE_BREAK.finditer(text))


def segment_document(doc: Document) -> SegmentedDocument:
    """Split one document into paragraphs and sentences.

    Args:
        doc: The document; its text is not modified.

    Returns:
        The document with its paragraphs and sentences, in text order.
    """
    return segment_documents([doc])[0]


def segment_documents(docs: Sequence[Document], progress: Progress = no_progress) -> list[SegmentedDocument]:
    """Split documents into paragraphs and sentences, the sentence search shared by two processes.

    The same as :func:`segment_document` on each; on a large corpus (or one large document) the
    paragraphs of the second half of the text are segmented in a forked child on the second core
    (:func:`dedupe.runtime.in_two`), which sends back only offsets.

    Args:
        docs: The documents; their texts are not modified.
        progress: Progress callable over the paragraphs this process segments (all of them, or the
            first half while the child does the second; the child shows none).

    Returns:
        The segmented documents, in input order.
    """
    layouts = []
    jobs: list[tuple[int, int, int]] = []
    for number, doc in enumerate(docs):
        starts = line_starts(doc.text)
        paragraphs = _paragraph_spans(doc.text, starts)
        layouts.append((starts, paragraphs))
        jobs.extend((number, p_start, p_end) for p_start, p_end in paragraphs)

    parent = os.getpid()

    def spans_of(part: Sequence[tuple[int, int, int]]) -> list[list[tuple[int, int]]]:
        shown = progress("segment", part) if os.getpid() == parent else part
        return [sentence_spans(docs[number].text, p_start, p_end) for number, p_start, p_end in shown]

    found = iter(in_two(spans_of, jobs, weight=lambda job: job[2] - job[1]))
    return [_assemble(doc, starts, paragraphs, found) for doc, (starts, paragraphs) in zip(docs, layouts)]


def _assemble(doc: Document, starts: tuple[int, ...], spans: list[tuple[int, int]],
              found: Iterator[list[tuple[int, int]]]) -> SegmentedDocument:
    """The document's paragraphs and sentences, taking each paragraph's sentence spans from ``found``."""
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    for p_start, p_end in spans:
        p_index = len(paragraphs)
        paragraphs.append(Paragraph(p_index, p_start, p_end, bisect.bisect_right(starts, p_start)))
        for s_start, s_end in next(found):
            sentences.append(Sentence(doc.id, len(sentences), p_index, s_start, s_end,
                                      bisect.bisect_right(starts, s_start), doc.text[s_start:s_end]))
    return SegmentedDocument(doc, tuple(paragraphs), tuple(sentences), starts)


def _lines(text: str, starts: tuple[int, ...]) -> Iterator[tuple[int, int]]:
    """(start, end) of each line without its line break."""
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        while end > start and text[end - 1] in "\r\n":
            end -= 1
        yield start, end


def _paragraph_spans(text: str, starts: tuple[int, ...]) -> list[tuple[int, int]]:
    """Paragraph spans trimmed of surrounding whitespace; blank lines never form a paragraph."""
    lines = [(s, e) for s, e in _lines(text, starts)]
    wrapped = _wrap_width(text, lines)
    spans: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    last_line = ""
    for start, end in lines:
        content = text[start:end]
        if not content.strip():
            _flush(spans, current)
            current = None
            continue
        if current is not None and _starts_paragraph(last_line, content, wrapped):
            _flush(spans, current)
            current = None
        current = (current[0], end) if current else (start, end)
        last_line = content
    _flush(spans, current)
    return _join_broken(text, [_trim(text, s, e) for s, e in spans if text[s:e].strip()])


def _join_broken(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a paragraph to the one before it when a line break cut a sentence in two: the one before ends in
    a lower-case word or a comma (no sentence end) and this one opens with a lower-case word at the start of
    its line (an indented line is a table row or a new paragraph: "Shr loss 6.52 dlrs" / "    net loss ...")."""
    return _joined(spans, lambda before, start, end: bool(
        _OPEN_END.search(text, before[1] - 1, before[1]) and _LOWER_OPENING.match(text, start, end)
        and (start == 0 or text[start - 1] in "\r\n")))


def _joined(spans: list[tuple[int, int]],
            continues: Callable[[tuple[int, int], int, int], bool]) -> list[tuple[int, int]]:
    """``spans`` with each span joined to the one before it where ``continues(before, start, end)``."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and continues(joined[-1], start, end):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _starts_paragraph(last_line: str, line: str, wrapped: int) -> bool:
    """Whether ``line`` opens a new paragraph after a paragraph whose last line is ``last_line``.

    Unwrapped text (``wrapped`` is 0): every line does. Hard-wrapped text (``wrapped`` is the wrap
    width): an indented line does, and so does a line after a short line that ended a sentence (the
    ragged end of a paragraph).
    """
    if not wrapped or line[:1] in " \t":
        return True
    return bool(_TERMINAL.search(last_line)) and len(last_line.strip()) < 0.7 * wrapped


def _flush(spans: list[tuple[int, int]], current: tuple[int, int] | None) -> None:
    if current is not None:
        spans.append(current)


def _wrap_width(text: str, lines: list[tuple[int, int]]) -> int:
    """The width text is hard-wrapped at (as in wire archives), or 0 when lines are paragraphs.

    Hard-wrapped: no line is wider than 100 characters, and most lines followed by another line of
    the same paragraph end mid-sentence and are at least 40 characters wide. Scraped web text, one
    paragraph per line, has lines ending in punctuation (or short headings) instead.
    """
    widths = [e - s for s, e in lines]
    if len(lines) < 2 or max(widths) > 100:
        return 0
    followed = [text[s:e] for (s, e), (ns, ne) in zip(lines, lines[1:]) if text[s:e].strip() and text[ns:ne].strip()]
    continued = [line for line in followed if len(line.strip()) >= 40 and not _TERMINAL.search(line)]
    if not followed or len(continued) < 0.5 * len(followed):
        return 0
    return max(widths)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans covering every non-space character of ``text[start:end]``, in order.

    pysbd proposes the sentences; each is located in the text from a moving cursor, and a sentence
    runs up to the next one's start (trailing space trimmed), so nothing is lost even where pysbd
    normalises what it returns.
    """
    cuts = _window_starts(text, start, end)
    spans: list[tuple[int, int]] = []
    for i, s in enumerate(cuts):
        e = cuts[i + 1] if i + 1 < len(cuts) else end
        s, e = _trim(text, s, e)
        if s < e:
            spans.append((s, e))
    return _join_clock_times(text, _merge_wordless(text, spans))


def _join_clock_times(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Take back a sentence end after "a.m."/"p.m." when the next words continue the time: "at 4:30 p.m.
    Sunday (Beijing Time) with ...", "10 a.m. EST on Friday", "p.m. Beijing time", "p.m. (0830 GMT)"."""
    return _joined(spans, lambda before, start, end: bool(
        _CLOCK_END.search(text, before[0], before[1]) and _continues_time(text[start:end])))


def _continues_time(sentence: str) -> bool:
    match = _TIME_GOES_ON.match(sentence)
    if match is None:
        return False
    word = (match.group("word") or "").lower()
    following = (match.group("next") or "").lower()
    return match.group("word") is None or word in CALENDAR_WORDS or word in TIME_ZONES or following == "time"


def _merge_wordless(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join pieces without a letter or digit (a bullet "- .", a stray closing quote) to a neighbour.

    A leading piece joins the sentence after it (bullets); any other joins the one before it.
    """
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for s, e in spans:
        if not any(ch.isalnum() for ch in text[s:e]):
            if merged:
                merged[-1] = (merged[-1][0], e)
            elif pending is None:
                pending = s
            continue
        merged.append((pending if pending is not None else s, e))
        pending = None
    if pending is not None:
        merged.append((pending, spans[-1][1]))
    return merged


def _window_starts(text: str, start: int, end: int) -> list[int]:
    """Sentence starts in ``text[start:end]``, segmenting a long paragraph window by window.

    pysbd's abbreviation pass costs time quadratic in the length it is given, so a long paragraph
    (a whole article on one line) is fed in windows of about ``_WINDOW`` characters. Each window
    keeps the sentences pysbd found except the last, which may run on past the window's end and is
    segmented again at the start of the next window; only a sentence longer than a window is cut.
    """
    found = [start]
    while end - found[-1] > _WINDOW:
        pos = found[-1]
        limit = _last_space(text, pos + _WINDOW // 2, pos + _WINDOW)
        starts = sentence_starts(text, pos, limit)
        if len(starts) > 2 and starts[-1] > limit - _CONTEXT:
            starts.pop()  # too close to the cut to trust: decided again with the next window
        found.extend(starts[1:] if len(starts) > 1 else [limit])
    found.extend(sentence_starts(text, found[-1], end)[1:])
    return found


def _last_space(text: str, low: int, high: int) -> int:
    """Offset of the last whitespace in ``text[low:high]``, else ``high`` (a forced cut)."""
    for at in range(high - 1, low - 1, -1):
        if text[at].isspace():
            return at
    return high
