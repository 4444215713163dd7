"""Documents read back from the index: each ``docs`` row made a :class:`~dedupe.corpus.documents.Document` again,
its text decompressed with the file's codec (:mod:`~dedupe.index.texts`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import zstandard

from dedupe.corpus.documents import Document
from dedupe.corpus.records import make_document
from dedupe.errors import InputError
from dedupe.index.texts import TextCodec

#: The ``docs`` columns a document is read from (and, with its digest, written to), in :data:`Row`'s order.
COLUMNS = "seq, id, key, version, outlet, title, url, date, origin, text"
Row = tuple[int, str, str, int, str, str, str, str, str, bytes]


@dataclass(frozen=True)
class StoredDocument:
    """A document read back from the index.

    Attributes:
        seq: Order of ingestion (1-based).
        key: Identity key (given id, url, or path and line).
        version: 1 for the first text stored under ``key``, then 2, 3...
        document: The document; ``document.id`` is ``key`` for version 1, ``KEY~vN`` after.
    """

    seq: int
    key: str
    version: int
    document: Document


def stored_documents(rows: Iterable[Row], codec: TextCodec, path: Path) -> list[StoredDocument]:
    """The documents of ``docs`` rows (:data:`COLUMNS`) of the index file at ``path``, whose texts ``codec``
    compressed.

    Raises:
        InputError: A stored text cannot be read back (damaged, or not compressed with the file's dictionary).
    """
    try:
        return [_stored(row, codec.decompress) for row in rows]
    except (zstandard.ZstdError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: damaged index: a stored text cannot be read ({exc})") from None


def _stored(row: Row, decompress: Callable[[bytes], bytes]) -> StoredDocument:
    seq, ident, key, version, outlet, title, url, date, origin, text = row
    path, _, line = origin.rpartition(":")
    where = (path, int(line)) if path and line.isdigit() else (origin, None)
    # as the loader makes documents: the date and origin made on first use
    doc = make_document(ident, outlet, title, url, decompress(text).decode("utf-8"), where, date)
    return StoredDocument(seq, key, version, doc)
