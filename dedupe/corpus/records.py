"""Records to documents, the part of loading the local and the Spark loader share: :class:`Loader` gathers the
documents, skipped inputs and notes of a load, and :func:`add_record` turns one JSON, CSV or manifest record into a
document (or a skip) with the local loader's checks. How files are found and read is :mod:`dedupe.corpus.load`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any

from dedupe.corpus.documents import Corpus, Document, LoadOptions, Skipped, rename_note
from dedupe.corpus.fields import (
    RECORD_FIELDS,
    fallback_note,
    fields_of,
    host,
    layout,
    lower_keys,
    text_fallback,
    unread_field,
    unread_note,
)
from dedupe.errors import InputError


#: The kinds of note :meth:`Loader.fell_back` counts: text not from ``--text-field``; a field's value not read.
TEXT_FALLBACK, UNREAD = "text", "unread"


@dataclass
class Loader:
    """Accumulates documents and skips while walking the inputs (mutable; the Spark loader's base)."""

    options: LoadOptions
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    seen: dict[str, Document] = field(default_factory=dict)
    manifest: dict[str, dict[str, Any]] = field(default_factory=dict)
    manifest_folders: set[Path] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (id kept, the id it repeats)
    fallbacks: dict[tuple[str, str], list[Any]] = field(default_factory=dict)  # (path, kind): [line, what, records]
    meanwhile: Callable[[], None] | None = None  # done once while a forked child reads
    idle: bool | None = None  # whether a forked child gets a processor of its own (asked once a load, when needed)

    def corpus(self) -> Corpus:
        """What the load gave: documents, skipped inputs, notes (repeated ids, `--text-field` fallbacks, fields not
        read), renamings."""
        return Corpus(tuple(self.documents), tuple(self.skipped), tuple(self.notes + self.fallback_notes()),
                      tuple(self.renamed))

    def manifest_entry(self, name: PurePath) -> dict[str, Any] | None:
        """The manifest entry of a file ``name`` (under any compression suffix): keyed by its name, else its stem."""
        return self.manifest.get(name.name) or self.manifest.get(name.stem)

    def skip(self, path: str, line: int | None, reason: str) -> None:
        """Record why ``path`` (at ``line``) was not loaded; under ``strict``, raise :class:`InputError` instead."""
        item = Skipped(path, line, reason)
        if self.options.strict:
            raise InputError(str(item))
        self.skipped.append(item)

    def fell_back(self, path: str, line: int | None, used: str, records: int = 1, kind: str = TEXT_FALLBACK) -> None:
        """Count ``records`` records of ``path`` whose text came from ``used``, not ``--text-field`` (``kind``
        :data:`TEXT_FALLBACK`), or with a field not read (:data:`UNREAD`, ``used`` as :func:`unread_field` says it):
        one note a file and kind, of the first line counted and its field; the Spark loader counts a file's
        records part by part."""
        self.fallbacks.setdefault((path, kind), [line, used, 0])[2] += records

    def fallback_notes(self) -> list[str]:
        """The note of each file and kind counted by :meth:`fell_back`, in the order first counted."""
        field = str(self.options.text_field)
        return [fallback_note(where, field, used, records) if kind == TEXT_FALLBACK
                else unread_note(where, used, records)
                for (path, kind), (line, used, records) in self.fallbacks.items()
                for where in (f"{path}:{line}" if line is not None else path,)]

    def add(self, doc: Document, derived: bool = False) -> None:
        """Keep ``doc``; a repeated id is renamed by :func:`repeated_id` with a note, or is an error under
        ``strict``."""
        if doc.id in self.seen:
            first = str(self.seen[doc.id].origin)
            new_id, note = repeated_id(doc.id, str(doc.origin), first, derived, self.seen, self.options.strict)
            self.notes.append(note)
            self.renamed.append((new_id, doc.id))
            doc = replace(doc, id=new_id)
        self.seen[doc.id] = doc
        self.documents.append(doc)


def repeated_id(doc_id: str, origin: str, first: str, derived: bool, seen: Container[str],
                strict: bool = False) -> tuple[str, str]:
    """The id a document whose id is already used is kept under, and the note saying so: a derived id (the
    record gave no id: its url, or its file's stem and line) becomes the document's full path and line, unless
    that is used too; otherwise the id takes the first free ``ID~2``, ``ID~3``... The one renaming rule of the
    local loader (:meth:`Loader.add`) and of the Spark scan's driver (:func:`dedupe.scan.spark_docs.kept_ids`).

    Args:
        doc_id: The repeated id.
        origin: Where the document is (``path:line``).
        first: Where the document that used ``doc_id`` first is.
        derived: Whether ``doc_id`` was derived rather than given.
        seen: Every id used so far (renamed ones under their new ids).
        strict: Raise instead of renaming.

    Returns:
        The new id, and the note naming both places.

    Raises:
        InputError: ``strict``: the repeated id, naming both places.
    """
    if strict:
        raise InputError(f"duplicate document id {doc_id!r} at {origin} (first seen at {first})")
    new_id = origin if derived and origin not in seen else free_copy(doc_id, seen.__contains__)
    return new_id, rename_note(origin, doc_id, first, new_id)


def free_copy(doc_id: str, taken: Callable[[str], bool]) -> str:
    """The first of ``ID~2``, ``ID~3``... not ``taken``: the name :func:`repeated_id` gives a repeated id, and the
    index (:meth:`~dedupe.index.store.Index.add`) an id that another document holds there."""
    copy = 2
    while taken(f"{doc_id}~{copy}"):
        copy += 1
    return f"{doc_id}~{copy}"


def load_records(records: Iterable[tuple[int, Any, str | None]], label: str, stem: str, loader: Loader) -> int:
    """Add or skip each JSON record (``(line, value, error)``, as :func:`~dedupe.corpus.readers.json_records`
    yields them) of the file ``label`` (``stem``: its fallback ids); how many there were."""
    seen = 0
    for line, record, error in records:
        seen += 1
        if error:
            loader.skip(label, line, error)
        elif not isinstance(record, dict):
            loader.skip(label, line, f"expected a JSON object, got {type(record).__name__}")
        else:
            add_record(loader, record, (label, line), f"{stem}:{line}")
    return seen


def add_record(loader: Loader, record: dict[str, Any], where: tuple[str, int | None], fallback_id: str,
                text_field: str | None = None) -> None:
    """Turn one JSON/CSV/manifest record into a Document added to ``loader``, or record why it was skipped.

    Args: ``where``: the record's path and line (the document's :class:`Origin`, made on first use);
    ``fallback_id``: the id when the record gives no id or url; ``text_field``: the one text field, if given.
    """
    opts = loader.options
    plain, text_names, names = layout(tuple(record), text_field, opts.text_field, opts.source_field)
    if not plain:
        record = lower_keys(record)
    found = RECORD_FIELDS(record, names) if RECORD_FIELDS is not None else None
    text, url, given, outlet, title, raw_date = found or fields_of(record, names)
    if text is None:
        loader.skip(*where, f"no text (looked for {', '.join(text_names)})")
        return
    # The compiled reader gives None only where a value is not a str: then one may be an object or array.
    if found is None and (unread := unread_field(record, names)) is not None:
        loader.fell_back(*where, unread, kind=UNREAD)
    if opts.text_field and text_field is None and (used := text_fallback(record, text_names)) is not None:
        loader.fell_back(*where, used)
    url = url or ""
    doc_id = given or url or fallback_id  # identity: given id, else url, else path and line
    outlet = outlet or (host(url) or fallback_id.split(":")[0]).strip()
    loader.add(make_document(doc_id, outlet, title or "", url, text, where, raw_date or ""), derived=not given)


def make_document(doc_id: str, outlet: str, title: str, url: str, text: str, where: tuple[str, int | None],
                  raw_date: str) -> Document:
    """``Document(...)`` without the frozen dataclass' eight ``object.__setattr__`` calls (a fifth of
    the time of loading a large JSON Lines file), its date and its origin (from ``where``, its path and
    line) made on first use (``Document.__getattr__``); the instance is otherwise the same."""
    doc = object.__new__(Document)
    doc.__dict__.update(id=doc_id, outlet=outlet, title=title, url=url, text=text, _at=where, raw_date=raw_date)
    return doc
