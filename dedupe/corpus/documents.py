"""What the loader gives the other stages: documents with their provenance, what was skipped, and how inputs
are read (:mod:`dedupe.corpus.load` reads them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from dedupe.corpus.dates import parse_date
from dedupe.errors import ConfigError

#: Formats ``LoadOptions.input_format`` can name for standard input.
INPUT_FORMATS = ("jsonl", "csv", "text")


@dataclass(frozen=True)
class Origin:
    """Where a document came from: a path (``-`` for stdin) and the 1-based line of its record."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True)
class Document:
    """One news document, its text exactly as read, and its provenance.

    Attributes:
        id: Unique id: the record's ``id``, a manifest's id, or the file name without extension.
        outlet: Publisher; falls back to the url host, then the file name.
        title: Headline, empty when unknown.
        url: Source url, empty when unknown.
        date: Publication date when the date text parses, else ``None``.
        text: The text as decoded, line ends untouched, so offsets index into it.
        origin: File and line of the record.
        raw_date: The date text as given (surrounding space removed); empty when there was none.
    """

    id: str
    outlet: str
    title: str
    url: str
    date: dt.date | None
    text: str
    origin: Origin
    raw_date: str = ""

    if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any attribute of a Document
        def __getattr__(self, name: str) -> Any:
            """The date and origin of a document the loader made, made on first use (the scan reads
            neither; parsing the date took a sixth of the time of loading a large JSON Lines file):
            ``date`` parsed from ``raw_date``, ``origin`` from the path and line kept in ``_at``.
            Reached only for a field its instance lacks, which only these two can."""
            fields = self.__dict__
            if name == "date" and "raw_date" in fields:
                value: Any = parse_date(fields["raw_date"])
            elif name == "origin" and "_at" in fields:
                value = origin_at(*fields["_at"])
            else:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            fields[name] = value
            return value

    @property
    def date_text(self) -> str:
        """The date as ISO text, or as given when it did not parse; empty when unknown."""
        return _date_text(self.date, self.raw_date)


@dataclass(frozen=True)
class Skipped:
    """An input that was not loaded, with the reason, for the warning and the load summary."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Corpus:
    """The loaded documents, in input order, and everything that was skipped."""

    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()  # repeated ids kept under new ids, records not read from --text-field
    renamed: tuple[tuple[str, str], ...] = ()  # (id kept, the id it repeats) of each document kept under a new id

    def as_given(self) -> list[Document]:
        """The documents under the ids their records give, repeats included: what an index stores.

        The loader keeps a repeated id under a new one (``x~2``; a url or a derived ``batch:4`` its path and line) so
        that a scan names both copies; an index keys a document by its given id or url (else its file's full path
        and line), and a repeat is ``unchanged`` or a new version of it, so one add of several scrapes stores what
        adding them one by one does.

        Returns:
            The documents in load order, each renamed one under the id it repeats.
        """
        if not self.renamed:
            return list(self.documents)
        given = dict(self.renamed)
        return [replace(doc, id=given[doc.id]) if doc.id in given else doc for doc in self.documents]

    def notes_naming(self, names: Mapping[str, str]) -> tuple[str, ...]:
        """The notes, each document kept under a new id named as ``names`` names it (``scan --against --add``:
        the id its report and the index give it, ``x~v2`` for the loader's ``x~2``), so that the notes and the
        report name a document alike.

        Args:
            names: ``{id the loader kept: its name}`` of documents named otherwise.

        Returns:
            :attr:`notes`, the ones of :attr:`renamed` documents in ``names`` made again (:func:`rename_note`).
        """
        by_id = {doc.id: doc for doc in self.documents} if names else {}
        swapped: dict[str, str] = {}
        for kept, repeats in self.renamed:
            if kept in names:
                origin, first = str(by_id[kept].origin), str(by_id[repeats].origin)
                swapped[rename_note(origin, repeats, first, kept)] = rename_note(origin, repeats, first, names[kept])
        return tuple(swapped.get(note, note) for note in self.notes)


@dataclass(frozen=True)
class LoadOptions:
    """How to read inputs.

    Attributes:
        text_field: JSON/CSV field holding the text, tried before the usual names.
        source_field: JSON/CSV field holding the outlet, tried before the usual names.
        manifest: Explicit manifest (JSONL/CSV) giving metadata to text files by name.
        strict: Raise on the first skipped input instead of warning.
        input_format: Format of standard input (one of :data:`INPUT_FORMATS`; ``jsonl`` also reads a JSON
            array or object); ``None`` sniffs it: JSON, else CSV whose header names a text column, else text.
    """

    text_field: str | None = None
    source_field: str | None = None
    manifest: str | None = None
    strict: bool = False
    input_format: str | None = None

    def __post_init__(self) -> None:
        for name in ("text_field", "source_field"):
            value = getattr(self, name)
            if value is not None and not value.strip():
                raise ConfigError(f"{name.replace('_', '-')} must not be empty")
        if self.input_format is not None and self.input_format not in INPUT_FORMATS:
            raise ConfigError(f"input-format must be one of {', '.join(INPUT_FORMATS)}, got {self.input_format!r}")


def origin_parts(doc: Document) -> tuple[str, int | None]:
    """``(doc.origin.path, doc.origin.line)``, without making the :class:`Origin` of a document the loader made
    (it keeps the path and line apart until ``origin`` is read; ``index add`` needs only their text).

    Example:
        >>> origin_parts(Document("a", "o", "", "", None, "Text.", Origin("a.jsonl", 3)))
        ('a.jsonl', 3)
    """
    at = doc.__dict__.get("_at")
    if at is None:
        return doc.origin.path, doc.origin.line
    return at  # type: ignore[no-any-return]


def date_text_of(doc: Document) -> str:
    """``doc.date_text``, without keeping the parsed date on a document the loader made (a caller that only
    stores the text, as ``index add`` does, skips ``Document.__getattr__``)."""
    fields = doc.__dict__
    if "date" in fields:
        return doc.date_text
    return _date_text(parse_date(fields["raw_date"]), fields["raw_date"])


def rename_note(origin: str, doc_id: str, first: str, kept_as: str) -> str:
    """The load note of a document at ``origin`` whose id ``doc_id`` the one at ``first`` took: kept as ``kept_as``.

    Example:
        >>> rename_note("b.jsonl:2", "x", "a.jsonl:1", "x~2")
        "b.jsonl:2: document id 'x' already used at a.jsonl:1; kept as 'x~2'"
    """
    return f"{origin}: document id {doc_id!r} already used at {first}; kept as {kept_as!r}"


def date_notes(documents: Iterable[Document]) -> list[str]:
    """The warning of each file holding documents whose date was given but does not parse, in load order.

    Such a document is taken as undated (stories are then formed without its date, and a figure's publication date
    is inferred or unknown), so the user is told which and why: the file's first one, its date as given, and how
    many more of that file there are.

    Args:
        documents: Loaded documents.

    Returns:
        One note a file, e.g. ``a.jsonl:2: date 'last week' not understood; taken as undated``.

    Example:
        >>> docs = [Document(i, "o", "", "", parse_date(raw), "Text.", Origin("a.jsonl", n), raw) for i, n, raw in
        ...         (("x", 1, "2016-09-28"), ("y", 2, "last week"), ("z", 3, "31/02/2016"))]
        >>> date_notes(docs)[0]
        "a.jsonl:2: date 'last week' not understood; taken as undated (1 more document of this file too)"
    """
    from dedupe.output import plural  # the project's one plural; imported only when a note is written

    firsts: dict[str, tuple[Document, list[int]]] = {}
    for doc in documents:
        if doc.date is None and doc.raw_date:
            firsts.setdefault(origin_parts(doc)[0], (doc, [0]))[1][0] += 1
    return [f"{doc.origin}: date {doc.raw_date!r} not understood; taken as undated"
            + (f" ({plural(count - 1, 'more document')} of this file too)" if count > 1 else "")
            for doc, (count,) in firsts.values()]


def _date_text(date: dt.date | None, raw: str) -> str:
    """A date as ISO text, or ``raw`` (the text as given) when it did not parse."""
    return date.isoformat() if date is not None else raw


def origin_at(path: str, line: int | None) -> Origin:
    """``Origin(path, line)`` made as the loader makes a document's (without the dataclass' checks)."""
    origin = object.__new__(Origin)
    origin.__dict__.update(path=path, line=line)
    return origin
