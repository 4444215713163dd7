"""Stage 1: load a corpus of news documents with their provenance.

Inputs are plain-text files (``.txt``/``.md``), JSON Lines or JSON arrays (``.jsonl``/``.json``), CSV
with a header row, any of those compressed (``.gz``, ``.bz2``, ``.xz``, ``.zst``, also found by their magic
bytes; line numbers count lines of the decompressed text), directories of those (searched recursively),
and ``-`` for standard input (its format given by ``LoadOptions.input_format``, else sniffed). A
manifest (``manifest.jsonl``/``manifest.csv`` in a folder, or ``LoadOptions.manifest``) gives outlet,
date, title and url to the text files it names.

Bad input never stops a load: every unreadable file or record becomes a :class:`Skipped` entry with
its path, line and reason, unless ``strict`` is set, in which case the first one raises
:class:`~dedupe.errors.InputError`.

Example:
    >>> corpus = load_corpus(["data/"])          # run from the repository root
    >>> corpus.documents[0].outlet
    'The Sun'
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlparse

from dedupe.corpus.readers import (
    COMPRESSED_SUFFIXES,
    csv_records,
    decode_bytes,
    decompress,
    inner_name,
    json_lines,
    json_lines_cut,
    json_records,
    looks_like_csv,
)
from dedupe.corpus.documents import Corpus, Document, LoadOptions, Skipped
from dedupe.errors import InputError
from dedupe.runtime import ForkedCall, idle_core, paused_gc
from dedupe.native import native

TEXT_SUFFIXES = (".txt", ".md")
JSON_SUFFIXES = (".jsonl", ".json", ".ndjson")
CSV_SUFFIXES = (".csv",)
#: Why a file inside a folder is skipped (the local and the Spark loader say it alike).
NOT_A_CORPUS_FILE = ("not a corpus file (expected .txt, .md, .jsonl, .json or .csv, "
                     f"maybe compressed: {', '.join(COMPRESSED_SUFFIXES)})")
MANIFEST_NAMES = ("manifest.jsonl", "manifest.json", "manifest.csv")
#: A JSON Lines text this long (characters) is read by two processes when a processor is idle
#: (:func:`~dedupe.runtime.idle_core`; Reuters-21578, 19 MB: ~0.15 s less); the result is the same.
FORK_CHARS = 4_000_000
#: The share of such a text this process reads when it has other work to do meanwhile (``load_corpus``'s
#: ``meanwhile``): more than half all the same, since the child's part costs more than its reading (sending it
#: back, replaying it here). Reuters-21578, load average 1.3: loading 0.46 s with 0.3, 0.36 with 0.5, 0.31
#: with 0.6, the scan stage's import included (medians of 5).
MEANWHILE_SHARE = 0.6

#: Field names, in order of preference, as common scrapers (news-please, trafilatura, newspaper) write them.
TEXT_FIELDS = ("text", "maintext", "raw_text", "content", "body")
OUTLET_FIELDS = ("source", "outlet", "source_domain", "sitename", "publisher")
DATE_FIELDS = ("date", "date_publish", "published", "pubdate")
FILE_FIELDS = ("file", "filename", "path", "name")

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
    meanwhile: Callable[[], None] | None = None  # done once while a forked child reads

    def skip(self, path: str, line: int | None, reason: str) -> None:
        item = Skipped(path, line, reason)
        if self.options.strict:
            raise InputError(str(item))
        self.skipped.append(item)

    def add(self, doc: Document, derived: bool = False) -> None:
        """Keep ``doc``; a repeated id is renamed (a derived id to its full path and line, a given id to
        ``ID~2``, ``ID~3``...) with a note, or is an error under ``strict``."""
        if doc.id in self.seen:
            first = self.seen[doc.id].origin
            if self.options.strict:
                raise InputError(f"duplicate document id {doc.id!r} at {doc.origin} (first seen at {first})")
            new_id = str(doc.origin) if derived and str(doc.origin) not in self.seen else self._next_id(doc.id)
            self.notes.append(f"{doc.origin}: document id {doc.id!r} already used at {first}; kept as {new_id!r}")
            doc = replace(doc, id=new_id)
        self.seen[doc.id] = doc
        self.documents.append(doc)

    def _next_id(self, doc_id: str) -> str:
        copy = 2
        while f"{doc_id}~{copy}" in self.seen:
            copy += 1
        return f"{doc_id}~{copy}"


def load_corpus(paths: Iterable[str], options: LoadOptions | None = None, stdin: BinaryIO | None = None,
                meanwhile: Callable[[], None] | None = None) -> Corpus:
    """Load every document found under ``paths``.

    Args:
        paths: Files, directories (recursive, sorted), or ``-`` for ``stdin``.
        options: Field overrides, manifest and strictness.
        stdin: Byte stream read for ``-`` (the CLI passes ``sys.stdin.buffer``).
        meanwhile: The caller's own work (importing its next stage), done here once while a forked child
            reads part of a large JSON Lines file (:data:`MEANWHILE_SHARE`); not done when no child is
            forked. The corpus is the same.

    Returns:
        The corpus, documents in the order found, plus the skipped inputs.

    Raises:
        InputError: A path does not exist, or (``strict``) any input is bad or two documents share an id
            (otherwise the later one is kept under a new id, see ``Corpus.notes``).
    """
    loader = Loader(options or LoadOptions(), meanwhile=meanwhile)
    if loader.options.manifest:
        loader.manifest.update(read_manifest(Path(loader.options.manifest), loader))
    with paused_gc():
        for raw in paths:
            _load_path(raw, loader, stdin)
    return Corpus(tuple(loader.documents), tuple(loader.skipped), tuple(loader.notes))



def _load_path(raw: str, loader: Loader, stdin: BinaryIO | None) -> None:
    if raw == "-":
        if stdin is None:
            raise InputError("-: standard input is not available")
        _load_stdin(stdin.read(), loader)
        return
    path = Path(raw)
    try:
        path.stat()
    except FileNotFoundError:
        raise InputError(f"{raw}: no such file or directory") from None
    except OSError as exc:  # a folder above it that cannot be entered, a name too long...
        raise InputError(f"{raw}: cannot read: {exc.strerror or exc}") from None
    for file in _walk(path, loader):
        _load_file(file, loader)


def _walk(path: Path, loader: Loader) -> Iterator[Path]:
    """Yield the corpus files under ``path`` in sorted order, reading each folder's manifest first.

    Hidden files and folders are ignored; other files of an unknown type, and folders that cannot be
    listed, are reported as skipped.
    """
    if path.is_file():
        _auto_manifest(path.parent, loader)
        yield path
        return

    def unreadable(error: OSError) -> None:
        loader.skip(str(error.filename or path), None, f"cannot read folder: {error.strerror or error}")

    for root, dirs, files in os.walk(path, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        here = Path(root)
        _auto_manifest(here, loader)
        for name in sorted(files):
            if name.startswith(".") or name in MANIFEST_NAMES:
                continue
            if inner_name(name).lower().endswith(TEXT_SUFFIXES + JSON_SUFFIXES + CSV_SUFFIXES):
                yield here / name
            else:
                loader.skip(str(here / name), None, NOT_A_CORPUS_FILE)


def _auto_manifest(folder: Path, loader: Loader) -> None:
    """Read the manifest lying in ``folder`` once, unless an explicit manifest was given."""
    if loader.options.manifest or folder in loader.manifest_folders:
        return
    loader.manifest_folders.add(folder)
    for name in MANIFEST_NAMES:
        if (folder / name).is_file():
            loader.manifest.update(read_manifest(folder / name, loader))


def _load_file(path: Path, loader: Loader) -> None:
    label = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        loader.skip(label, None, f"cannot read: {exc.strerror or exc}")
        return
    text = decode_input(data, label, loader, path.name)
    if text is None:
        return
    inner = path.with_name(inner_name(path.name))  # batch.jsonl.gz is read as batch.jsonl
    load_content(text, label, inner, inner.suffix.lower(), loader)


def load_content(text: str, label: str, path: Path, suffix: str, loader: Loader) -> None:
    """Add the documents of one corpus file's decoded ``text`` (or its skips) to ``loader``.

    Args: ``label``: the file in origins and messages; ``path``: its name (stem: fallback ids; name or stem:
    its manifest entry); ``suffix``: its format's suffix, lower case (JSON, CSV, else plain text).
    """
    if suffix in JSON_SUFFIXES:
        _load_json(text, label, path.stem, loader)
    elif suffix in CSV_SUFFIXES:
        _load_csv(text, label, path.stem, loader)
    else:
        _load_text(text, label, path, loader)


def _load_stdin(data: bytes, loader: Loader) -> None:
    text = decode_input(data, "-", loader, "-")
    if text is None:
        return
    kind = loader.options.input_format or _sniff(text, loader)
    if kind == "jsonl":
        _load_json(text, "-", "stdin", loader)
    elif kind == "csv":
        _load_csv(text, "-", "stdin", loader)
    else:
        add_record(loader, {"id": "stdin", "text": text}, ("-", None), "stdin")


def _sniff(text: str, loader: Loader) -> str:
    """The format of standard input: ``jsonl`` when it starts with a bracket and a record parses, ``csv``
    when its first line is a header naming a text column, else ``text`` (also "[Photo] ...")."""
    if text.lstrip()[:1] in ("{", "[") and any(error is None for _, _, error in json_records(text)):
        return "jsonl"
    return "csv" if looks_like_csv(text, _prefer(loader.options.text_field, TEXT_FIELDS)) else "text"


def decode_input(data: bytes, label: str, loader: Loader, name: str) -> str | None:
    """Decompress (see :func:`~dedupe.corpus.readers.decompress`), then decode: a BOM's encoding, else
    UTF-8, else charset-normalizer's guess.

    Args: ``data``: a file's bytes; ``label``: the file in a skip's message; ``name``: its file name.
    Returns: the text, or ``None`` if skipped (the skip recorded in ``loader``).
    """
    content, reason = decompress(data, name)
    if content is None:
        loader.skip(label, None, reason)
        return None
    text, reason = decode_bytes(content)
    if text is None:
        loader.skip(label, None, reason)
    return text


def _load_text(text: str, label: str, path: Path, loader: Loader) -> None:
    meta = _lower_keys(loader.manifest.get(path.name) or loader.manifest.get(path.stem) or {})
    meta.setdefault("id", path.stem)
    meta["text"] = text
    meta.pop("maintext", None)
    add_record(loader, meta, (label, None), path.stem, text_field="text")


def _load_json(text: str, label: str, stem: str, loader: Loader) -> None:
    share = MEANWHILE_SHARE if loader.meanwhile is not None else 0.5
    cut = json_lines_cut(text, share) if len(text) >= FORK_CHARS and idle_core() else None
    if cut is None:
        seen = _load_records(json_records(text), label, stem, loader)
    else:
        seen = _load_halves(text, cut, label, stem, loader)
    if not seen:
        loader.skip(label, None, "no records (empty JSON array)")


def _load_records(records: Iterable[tuple[int, Any, str | None]], label: str, stem: str, loader: Loader) -> int:
    """Add or skip each JSON record; how many there were."""
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


def _load_halves(text: str, cut: int, label: str, stem: str, loader: Loader) -> int:
    """:func:`_load_records` of JSON Lines cut in two at ``cut``: a forked child reads the later half while
    this process does ``loader.meanwhile`` and reads the first, then its documents and skips are added here
    in order, so ids, notes and ``strict`` come out as from one process (the later half is read here if the
    child fails)."""

    def later() -> bytes:
        recorder = _Recorder(replace(loader.options, strict=False))
        lines = text.count("\n", 0, cut)  # here: the child has time to spare, the writer has not
        _load_records(json_lines(text, cut, len(text), lines), label, stem, recorder)
        return pickle.dumps(recorder.events, protocol=pickle.HIGHEST_PROTOCOL)

    with ForkedCall(later) as child:
        if loader.meanwhile is not None:
            loader.meanwhile()
            loader.meanwhile = None
        seen = _load_records(json_lines(text, 0, cut, 0), label, stem, loader)
        payload = child.result()
    if payload is None:
        return seen + _load_records(json_lines(text, cut, len(text), text.count("\n", 0, cut)), label, stem, loader)
    events = pickle.loads(payload)
    for event in events:
        if len(event) == 3:
            loader.skip(*event)
        else:
            doc_id, outlet, title, url, body, line, raw_date, derived = event
            loader.add(_document(doc_id, outlet, title, url, body, (label, line), raw_date), derived)
    return seen + len(events)


class _Recorder(Loader):
    """A loader in a forked child: what it would add or skip, recorded as tuples to send back."""

    def __init__(self, options: LoadOptions) -> None:
        super().__init__(options)
        self.events: list[tuple[Any, ...]] = []

    def skip(self, path: str, line: int | None, reason: str) -> None:
        self.events.append((path, line, reason))

    def add(self, doc: Document, derived: bool = False) -> None:
        self.events.append((doc.id, doc.outlet, doc.title, doc.url, doc.text, doc.origin.line, doc.raw_date,
                            derived))


def _load_csv(text: str, label: str, stem: str, loader: Loader) -> None:
    """Load a CSV file with a header row; each record's line is the first line of its (maybe multi-line) row."""
    text_names = _prefer(loader.options.text_field, TEXT_FIELDS)
    rows = 0
    for line, record, error in csv_records(text):
        if error:
            loader.skip(label, line, error)
            return
        if rows == 0 and not any(name in record for name in text_names):
            loader.skip(label, 1, f"no text column (looked for {', '.join(text_names)})")
            return
        rows += 1
        add_record(loader, record, (label, line), f"{stem}:{line}")
    if rows == 0:
        loader.skip(label, None, "no records (only a header row)")


def add_record(loader: Loader, record: dict[str, Any], where: tuple[str, int | None], fallback_id: str,
                text_field: str | None = None) -> None:
    """Turn one JSON/CSV/manifest record into a Document added to ``loader``, or record why it was skipped.

    Args: ``where``: the record's path and line (the document's :class:`Origin`, made on first use);
    ``fallback_id``: the id when the record gives no id or url; ``text_field``: the one text field, if given.
    """
    opts = loader.options
    plain, text_names, names = _layout(tuple(record), text_field, opts.text_field, opts.source_field)
    if not plain:
        record = _lower_keys(record)
    found = _RECORD_FIELDS(record, names) if _RECORD_FIELDS is not None else None
    text, url, given, outlet, title, raw_date = found or _fields(record, names)
    if text is None:
        loader.skip(*where, f"no text (looked for {', '.join(text_names)})")
        return
    url = url or ""
    doc_id = given or url or fallback_id  # identity: given id, else url, else path and line
    outlet = outlet or (_host(url) or fallback_id.split(":")[0]).strip()
    loader.add(_document(doc_id, outlet, title or "", url, text, where, raw_date or ""), derived=not given)


def _fields(record: dict[str, Any], names: tuple[tuple[str, ...], ...]) -> list[str | None]:
    """The text, url, id, outlet, title and date of a record (:func:`_firsts` of each tuple of ``names``), the
    url, outlet, title and date stripped: what the compiled ``record_fields`` gives where it reads the record."""
    text, url, given, outlet, title, raw_date = _firsts(record, names)
    return [text, url and url.strip(), given, outlet and outlet.strip(), title and title.strip(),
            raw_date and raw_date.strip()]


# The compiled _fields (dedupe/scan/_native.c), where built: a third of the time of add_record.
_RECORD_FIELDS = getattr(native(), "record_fields", None)


@lru_cache(maxsize=256)
def _layout(keys: tuple[Any, ...], text_field: str | None, text_override: str | None,
            outlet_override: str | None) -> tuple[bool, tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """For records with these keys: whether the keys are plain (:func:`_plain_keys`), the text names
    looked for, and the names giving each field (:func:`_field_names`); cached per layout of keys."""
    plain = _plain_keys(keys)
    if not plain:
        keys = tuple(_lower_keys(dict.fromkeys(keys)))
    text_names = (text_field,) if text_field else _prefer(text_override, TEXT_FIELDS)
    return plain, text_names, _field_names(keys, text_names, _prefer(outlet_override, OUTLET_FIELDS))


@lru_cache(maxsize=256)
def _field_names(keys: tuple[str, ...], text_names: tuple[str, ...],
                 outlet_names: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The names among ``keys`` that can give the text, url, id, outlet, title and date, in order of
    preference (names a record lacks are left out; cached per layout of keys)."""
    present = set(keys)
    wanted = (text_names, ("url",), ("id",), outlet_names, ("title",), DATE_FIELDS)
    return tuple(tuple(name for name in names if name in present) for names in wanted)


def _document(doc_id: str, outlet: str, title: str, url: str, text: str, where: tuple[str, int | None],
              raw_date: str) -> Document:
    """``Document(...)`` without the frozen dataclass' eight ``object.__setattr__`` calls (a fifth of
    the time of loading a large JSON Lines file), its date and its origin (from ``where``, its path and
    line) made on first use (``Document.__getattr__``); the instance is otherwise the same."""
    doc = object.__new__(Document)
    doc.__dict__.update(id=doc_id, outlet=outlet, title=title, url=url, text=text, _at=where, raw_date=raw_date)
    return doc


def _lower_keys(record: dict[str, Any]) -> dict[str, Any]:
    """Field names compared without case or surrounding space (the first spelling wins)."""
    lowered: dict[str, Any] = {}
    for key, value in record.items():
        lowered.setdefault(str(key).strip().lower(), value)
    return lowered


@lru_cache(maxsize=256)
def _plain_keys(keys: tuple[Any, ...]) -> bool:
    """Whether record keys are already as :func:`_lower_keys` makes them (then the record is used as it
    is, not copied: nearly every file; cached per layout of keys)."""
    return all(type(key) is str and key == key.strip().lower() for key in keys)


@lru_cache(maxsize=64)
def _prefer(override: str | None, names: tuple[str, ...]) -> tuple[str, ...]:
    if not override:
        return names
    override = override.strip().lower()
    return (override,) + tuple(n for n in names if n != override)


def _first(record: dict[str, Any], names: Iterable[str]) -> str | None:
    """The first of ``names`` whose value is text that is not blank (a number as its text), else ``None``."""
    for name in names:
        value = record.get(name)
        if value is None:
            continue
        if value.__class__ is str:  # the common case first; ``not value.isspace()`` is ``value.strip() != ""``
            if value and not value.isspace():
                return value
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _firsts(record: dict[str, Any], fields: tuple[tuple[str, ...], ...]) -> list[str | None]:
    """:func:`_first` of each tuple of names, with the usual case (one name, a string that is not blank)
    done here, in one call per record."""
    found: list[str | None] = []
    for names in fields:
        if len(names) != 1:
            found.append(_first(record, names) if names else None)
            continue
        value = record.get(names[0])
        found.append(value if value.__class__ is str and value and not value.isspace() else _first(record, names))
    return found


def _host(url: str) -> str:
    host = urlparse(url.strip()).hostname or ""
    return host.removeprefix("www.")


def read_manifest(path: Path, loader: Loader) -> dict[str, dict[str, Any]]:
    """Read a manifest: one record per text file, keyed by its file name (with or without extension); bad
    rows are skipped in ``loader``.

    Raises:
        InputError: ``path`` is not a file.
    """
    if not path.is_file():
        raise InputError(f"{path}: manifest not found")
    text = decode_input(path.read_bytes(), str(path), loader, path.name) or ""
    rows: list[tuple[int, Any]] = []
    if path.suffix.lower() == ".csv":
        records = csv_records(text)
    else:
        records = json_records(text)
    for line, record, error in records:
        if error:
            loader.skip(str(path), line, error)
        else:
            rows.append((line, record))
    entries: dict[str, dict[str, Any]] = {}
    for line, row in rows:
        name = _first(_lower_keys(row), FILE_FIELDS) if isinstance(row, dict) else None
        if name is None:
            loader.skip(str(path), line, f"manifest row names no file (looked for {', '.join(FILE_FIELDS)})")
            continue
        entries[Path(name).name] = row
    return entries
