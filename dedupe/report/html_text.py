"""Text pieces of the HTML report: escaping, sentence anchors, highlights and the full-text view.

Everything taken from the corpus goes through :func:`esc` (``html.escape`` with ``quote=True``), in text
and in attribute values alike, with its directional formatting characters made harmless
(:func:`~dedupe.output.bidi_safe`); only the full-text view holds each document exactly as read. Anchor ids never
contain corpus text: a document is ``doc-<position>`` and a sentence ``doc-<position>-<start offset>``, so a link
such as ``#doc-3-1207`` names the sentence of the fourth document that starts at character 1207.
"""

from __future__ import annotations

import bisect
import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from dedupe.output import bidi_safe
from dedupe.segment import SegmentedDocument

#: Characters of context shown on each side of a passage.
CONTEXT_CHARS = 160
#: Passages longer than this are shown with their middle elided in the findings (never in the full text).
MAX_SHOWN_CHARS = 900


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute value, its directional controls made harmless."""
    return html.escape(bidi_safe("" if value is None else str(value)), quote=True)


@dataclass(frozen=True)
class Highlight:
    """A span of a document marked in the full-text view.

    Attributes:
        doc: Document id.
        start: First character offset.
        end: Offset past the last character.
        key: Id of the finding occurrence (``h<n>``); links carry it in ``data-h``.
        css: Class of the mark (empty: marked only while it is the current finding).
    """

    doc: str
    start: int
    end: int
    key: str
    css: str


@dataclass
class DocumentIndex:
    """The documents of a report: their position, text, sentence anchors, and the highlights registered.

    Sections register every finding occurrence they show (:meth:`link`) before the full-text view is
    rendered, so that each occurrence is marked in its document and its link names its sentence.
    """

    documents: Sequence[SegmentedDocument]
    _position: dict[str, int] = field(init=False)
    _starts: list[list[int]] = field(init=False)
    _highlights: dict[str, list[Highlight]] = field(init=False)
    _count: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._position = {}
        for i, document in enumerate(self.documents):
            self._position.setdefault(document.doc.id, i)
        self._starts = [[s.start for s in d.sentences] for d in self.documents]
        self._highlights = {}

    def text(self, doc_id: str) -> str | None:
        """The text of a document, ``None`` when the report does not carry it."""
        position = self._position.get(doc_id)
        return None if position is None else self.documents[position].doc.text

    def outlet(self, doc_id: str) -> str:
        """The outlet of a document, empty when unknown."""
        position = self._position.get(doc_id)
        return "" if position is None else self.documents[position].doc.outlet

    def doc_anchor(self, doc_id: str) -> str:
        """Fragment (without ``#``) of a document's full text; empty when unknown."""
        position = self._position.get(doc_id)
        return "" if position is None else f"doc-{position}"

    def sentence_anchor(self, doc_id: str, offset: int) -> str:
        """Fragment of the sentence holding ``offset`` (the last one starting at or before it)."""
        position = self._position.get(doc_id)
        if position is None:
            return ""
        starts = self._starts[position]
        if not starts:
            return f"doc-{position}"
        index = max(bisect.bisect_right(starts, offset) - 1, 0)
        return f"doc-{position}-{starts[index]}"

    def link(self, doc_id: str, start: int, end: int, label: str, css: str = "", label_html: str | None = None,
             title: str = "") -> str:
        """A link to an occurrence's sentence, registering the occurrence as a highlight.

        Args:
            doc_id: Document id.
            start: Start offset of the occurrence.
            end: End offset.
            label: Link text (escaped here).
            css: Class of the highlight in the full text (empty: shown only when followed).
            label_html: Ready-made HTML for the link's content, used instead of ``label``.
            title: Tooltip (escaped here).

        Returns:
            The ``<a>`` element, or the escaped label alone when the document is unknown.
        """
        anchor = self.sentence_anchor(doc_id, start)
        if not anchor:
            return label_html if label_html is not None else esc(label)
        key = f"h{self._count}"
        self._count += 1
        self._highlights.setdefault(doc_id, []).append(Highlight(doc_id, start, end, key, css))
        content = label_html if label_html is not None else esc(label)
        tip = f' title="{esc(title)}"' if title else ""
        return f'<a class="go" href="#{anchor}" data-h="{key}"{tip}>{content}</a>'

    def highlights(self, doc_id: str) -> list[Highlight]:
        """The highlights registered for a document, in registration order."""
        return self._highlights.get(doc_id, [])


def snippet(text: str, start: int, end: int, width: int = CONTEXT_CHARS, longest: int = MAX_SHOWN_CHARS) -> str:
    """An occurrence in its context: escaped text with the occurrence in ``<mark>``.

    Args:
        text: The document text.
        start: Start offset of the occurrence.
        end: End offset.
        width: Characters of context on each side, cut back to a word boundary.
        longest: An occurrence longer than this is shown with its middle elided.

    Returns:
        HTML: ``before<mark>occurrence</mark>after``, with ellipses where the context was cut.
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    before_from = _word_boundary_before(text, max(0, start - width))
    after_to = _word_boundary_after(text, min(len(text), end + width))
    before = ("…" if before_from > 0 else "") + text[before_from:start]
    after = text[end:after_to] + ("…" if after_to < len(text) else "")
    return f'{esc(before)}<mark class="span">{esc(_elide(text[start:end], longest))}</mark>{esc(after)}'


def _elide(span: str, longest: int) -> str:
    if len(span) <= longest:
        return span
    half = longest // 2
    return f"{span[:half]} … [{len(span) - 2 * half} characters] … {span[-half:]}"


def _word_boundary_before(text: str, offset: int) -> int:
    if offset == 0:
        return 0
    space = text.find(" ", offset, offset + 30)
    return space + 1 if space != -1 else offset


def _word_boundary_after(text: str, offset: int) -> int:
    if offset >= len(text):
        return len(text)
    space = text.rfind(" ", max(0, offset - 30), offset)
    return space if space != -1 else offset


def full_text(document: SegmentedDocument, position: int, highlights: Sequence[Highlight]) -> str:
    """A document's full-text view: its text stored once, escaped, with its sentences and marks as data.

    The page's script (:data:`dedupe.report.html_assets.JS`) turns the data into the marked-up text when
    the document is first shown or linked to: each sentence a ``<span id="doc-<position>-<start>">``,
    each highlight a ``mark`` (or a ``span`` when it has no class) carrying the keys of the highlights
    covering it in ``data-h``. So the page costs the escaped text plus a few characters per sentence
    and highlight, not a tag around every sentence of a corpus, and reads as plain text without script.

    Data, all offsets in characters (code points) of the text:

    - ``data-sentences``: per sentence, ``gap,length`` (``gap`` from the previous sentence's end, or
      from 0), separated by spaces;
    - ``data-marks``: per highlight, ``start,end,n,css`` (the key is ``h<n>``; ``css`` may be empty),
      separated by spaces, clamped to the text; empty highlights are left out.

    Args:
        document: The segmented document.
        position: Its position in the report (the ``doc-<position>`` of its anchors).
        highlights: Its registered highlights (keys ``h<n>``).

    Returns:
        The ``<div class="fulltext">`` element; its text content is exactly the document's text.
    """
    text = document.doc.text
    sentences = []
    previous = 0
    for sentence in document.sentences:
        sentences.append(f"{sentence.start - previous},{sentence.end - sentence.start}")
        previous = sentence.end
    marks = []
    for mark in highlights:
        start, end = max(0, min(mark.start, len(text))), max(0, min(mark.end, len(text)))
        if start < end:
            marks.append(f"{start},{end},{mark.key[1:]},{mark.css}")
    # A carriage return as a reference: the HTML parser would turn a raw one into a line feed.
    body = html.escape(text, quote=True).replace("\r", "&#13;")  # exactly as read: not esc
    return (f'<div class="fulltext" data-doc="{position}" data-sentences="{" ".join(sentences)}" '
            f'data-marks="{esc(" ".join(marks))}">{body}</div>')
