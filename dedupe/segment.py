"""Stage 2: split documents into paragraphs and sentences with exact character offsets.

Every span indexes the original text: ``doc.text[s.start:s.end] == s.text``, and every non-space
character of a document lies in exactly one sentence. Sentence boundaries come from pysbd (a
rule-based segmenter that knows abbreviations such as "U.S.", "Mr" and "Sept."); this module only
decides paragraphs, maps pysbd's sentences back onto offsets and guarantees the invariants.

Paragraphs: scraped news puts one paragraph per line, with or without blank lines between. Text that
is hard-wrapped (most lines of similar width, ending mid-sentence, as in wire archives) is joined back
into paragraphs at blank or indented lines instead.

Example:
    >>> from dedupe.corpus import Document, Origin
    >>> doc = Document("d", "o", "", "", None, "Mr. Kerry spoke. He left.\\nNext line", Origin("x"))
    >>> [s.text for s in segment_document(doc).sentences]
    ['Mr. Kerry spoke.', 'He left.', 'Next line']
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from dedupe.corpus import Document

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TERMINAL = re.compile(r"[.!?:;\"'\u201d\u2019)\]]\s*$")
# pysbd is linear in practice but slow on huge inputs; paragraphs longer than this are cut at
# whitespace into pieces segmented separately (a sentence longer than this is split anyway).
_MAX_PIECE = 5000


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
    starts = line_starts(doc.text)
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    for p_start, p_end in _paragraph_spans(doc.text, starts):
        p_index = len(paragraphs)
        paragraphs.append(Paragraph(p_index, p_start, p_end, bisect.bisect_right(starts, p_start)))
        for s_start, s_end in sentence_spans(doc.text, p_start, p_end):
            sentences.append(Sentence(doc.id, len(sentences), p_index, s_start, s_end,
                                      bisect.bisect_right(starts, s_start), doc.text[s_start:s_end]))
    return SegmentedDocument(doc, tuple(paragraphs), tuple(sentences), starts)


def segment_corpus(docs: Iterable[Document]) -> list[SegmentedDocument]:
    """Segment every document, keeping their order."""
    return [segment_document(doc) for doc in docs]


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
    wrapped = _looks_hard_wrapped(text, lines)
    spans: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for start, end in lines:
        content = text[start:end]
        if not content.strip():
            current = _flush(spans, current)
            continue
        if current is not None and _starts_paragraph(text, current, content, wrapped):
            current = _flush(spans, current)
        current = (current[0], end) if current else (start, end)
    _flush(spans, current)
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _starts_paragraph(text: str, current: tuple[int, int], line: str, wrapped: bool) -> bool:
    """Whether ``line`` opens a new paragraph after the paragraph ``current``.

    Unwrapped text: every line does. Hard-wrapped text: an indented line does, and so does a line
    after a short line that ended a sentence (the ragged end of a paragraph).
    """
    if not wrapped or line[:1] in " \t":
        return True
    last_line = _LINE_BREAK.split(text[current[0]:current[1]])[-1]
    return bool(_TERMINAL.search(last_line)) and len(last_line.strip()) < 40


def _flush(spans: list[tuple[int, int]], current: tuple[int, int] | None) -> None:
    if current is not None:
        spans.append(current)


def _looks_hard_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """True when most lines are 40-90 characters wide and end mid-sentence (typical of wire archives)."""
    widths = [(e - s, text[s:e]) for s, e in lines if text[s:e].strip()]
    if len(widths) < 4:
        return False
    wide = [t for w, t in widths[:-1] if 40 <= w <= 90]
    if len(wide) < 0.7 * (len(widths) - 1):
        return False
    open_ended = sum(1 for t in wide if not _TERMINAL.search(t))
    return open_ended >= 0.5 * len(wide)


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
    cuts: list[int] = []
    for piece_start, piece_end in _pieces(text, start, end):
        cuts.extend(_sentence_starts(text, piece_start, piece_end))
    spans: list[tuple[int, int]] = []
    for i, s in enumerate(cuts):
        e = cuts[i + 1] if i + 1 < len(cuts) else end
        s, e = _trim(text, s, e)
        if s < e:
            spans.append((s, e))
    return _merge_wordless(text, spans)


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


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long paragraph at whitespace into pieces of at most about ``_MAX_PIECE`` characters."""
    while end - start > _MAX_PIECE:
        cut = text.rfind(" ", start + _MAX_PIECE // 2, start + _MAX_PIECE)
        if cut <= start:
            cut = start + _MAX_PIECE
        yield start, cut
        start = cut
    yield start, end


def _sentence_starts(text: str, start: int, end: int) -> list[int]:
    """Offsets where pysbd's sentences begin inside ``text[start:end]`` (the first is always ``start``)."""
    # pysbd ends a sentence at every line break; a paragraph's inner breaks (hard wrap) are not ends.
    chunk = text[start:end].replace("\r", " ").replace("\n", " ")
    found = [start]
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
        if at > 0 and start + at > found[-1]:
            found.append(start + at)
        cursor = at + max(1, len(probe) if chunk.startswith(probe, at) else len(probe[:20]))
    return found


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _pysbd_split(chunk: str) -> list[str]:
    try:
        return [str(s) for s in _segmenter().segment(chunk)]
    except Exception:  # pysbd has regex edge cases on odd Unicode; one sentence is then the safe answer
        return [chunk]
