"""JSON Lines files that every worker can open (``file:`` paths), read by the Python workers themselves.

Through ``textFile`` every line is read by the JVM, encoded, pickled and sent to a Python worker, and the
documents made from the lines were pickled back into the JVM's cache so that later passes could find
them again: at Reuters x10 (190k articles) that crossing cost more processor time than fingerprinting.
A file on a local or shared file system needs none of it:

- the driver cuts the file into byte ranges at line starts (:func:`cut`), about one per partition;
- one small job reads each range, counts its line breaks (so every range knows the number of its first
  line) and checks that it is UTF-8;
- each task then reads its own range from the file (:func:`range_items`) with the local loader's own
  JSON Lines parser and record checks, numbering lines exactly as the local loader does (``"\\r\\n"`` and
  ``"\\r"`` end lines too, a UTF-8 byte-order mark is dropped);
- a later pass that wants some documents again reads their range and parses only their lines (their
  line numbers come from the first pass), instead of unpickling every document from a cache.

A file whose head the local loader would read otherwise (a JSON array, a pretty-printed object, NUL
bytes) or that is not UTF-8 (its encoding is guessed over the whole file) is left to the whole-file reader
of :mod:`dedupe.scan.spark_read`, which runs the local loader on it; so is anything compressed or on
another file system (``hdfs://``, ``s3a://``: read by ``textFile``).
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from dedupe.corpus.documents import LoadOptions
from dedupe.corpus.readers import BINARY_SNIFF, Record, json_lines
from dedupe.scan.spark_read import LINE_SUFFIXES, Collector, Input, Item, record_item

if TYPE_CHECKING:
    from pyspark import SparkContext

MIN_RANGE = 1 << 16  # bytes: a smaller file is read by one task
MAX_RANGE = 1 << 27  # bytes: a larger file is cut into more ranges than partitions (as HDFS blocks)
_FIRST_LINE = 1 << 24  # the longest first line looked at on the driver


@dataclass(frozen=True)
class Range:
    """Bytes ``[start, stop)`` of a JSON Lines file, from a line start to a line start (or the end).

    Attributes:
        item: The file (its label and rank in corpus order).
        path: Where every worker opens it.
        start: First byte.
        stop: Byte after the last.
        line: Line breaks before ``start`` (its first line is number ``line + 1``).
    """

    item: Input
    path: str
    start: int
    stop: int
    line: int = 0

    def text(self) -> str:
        """The range's text as the local loader reads it: UTF-8 without a byte-order mark, line ends as
        ``"\\n"`` (what universal newlines give)."""
        with open(self.path, "rb") as handle:
            handle.seek(self.start)
            data = handle.read(self.stop - self.start)
        if self.start == 0:
            data = data.removeprefix(codecs.BOM_UTF8)
        text = data.decode("utf-8")
        return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def local_path(sc: SparkContext, uri: str) -> str | None:
    """The path on the local file system of a ``file:`` URI, or of a path without a scheme when that is
    the default file system; ``None`` for any other file system."""
    parsed = urlparse(uri)
    if parsed.scheme:
        return unquote(parsed.path) if parsed.scheme == "file" else None
    jvm: Any = sc._jvm
    system = jvm.org.apache.hadoop.fs.FileSystem.get(sc._jsc.hadoopConfiguration())  # type: ignore[attr-defined]
    return uri if system.getUri().getScheme() == "file" else None


def byte_ranges(sc: SparkContext, inputs: Sequence[Input], partitions: int) -> dict[int, list[Range]]:
    """The ranges of every input read range by range, by rank (one Spark job counts their lines).

    Args:
        sc: The context.
        inputs: The listed files (only local JSON Lines files are looked at).
        partitions: Ranges wanted per file (fewer for a small file, more for a file past
            ``partitions * MAX_RANGE`` bytes).

    Returns:
        The ranges of each local JSON Lines file in file order, each with the number of lines before it; no
        range for such a file that the local loader's whole-file reading must read (see the module).
    """
    local = {item.rank: path for item in inputs
             if not item.compressed and item.suffix in LINE_SUFFIXES and (path := local_path(sc, item.uri))}
    pieces = [piece for item in inputs if item.rank in local
              for piece in file_pieces(item, local[item.rank], partitions)]
    found = numbered(pieces, sc.parallelize(pieces, len(pieces)).map(count).collect()) if pieces else {}
    return {rank: found.get(rank, []) for rank in local}


def numbered(pieces: Sequence[Range], counted: Sequence[tuple[int, bool]]) -> dict[int, list[Range]]:
    """The pieces of files (:func:`file_pieces`) with the lines before each, from each one's :func:`count`, by
    rank; none for a file with a piece that is not UTF-8 (the whole-file reader guesses its encoding)."""
    bad = {piece.item.rank for piece, (_, utf8) in zip(pieces, counted) if not utf8}
    found: dict[int, list[Range]] = {}
    before: dict[int, int] = {}  # line breaks of a file's earlier ranges
    for piece, (breaks, _) in zip(pieces, counted):
        rank = piece.item.rank
        found.setdefault(rank, [])
        if rank not in bad:
            found[rank].append(replace(piece, line=before.get(rank, 0)))
            before[rank] = before.get(rank, 0) + breaks
    return found


def file_pieces(item: Input, path: str | None, partitions: int) -> list[Range]:
    """Ranges of ``item`` (at ``path`` on every worker, if local) without their line counts, or none when it
    is read some other way."""
    if path is None or item.compressed or item.suffix not in LINE_SUFFIXES or not _plain(path):
        return []
    size = os.path.getsize(path)
    wanted = max(min(partitions, size // MIN_RANGE), -(-size // MAX_RANGE), 1)
    return [Range(item, path, start, stop) for start, stop in cut(path, size, wanted)]


def cut(path: str, size: int, pieces: int) -> list[tuple[int, int]]:
    """``[start, stop)`` of about ``pieces`` ranges of equal size, each from a line start ("\\n" ends lines
    here: a lone "\\r" never starts a range) to the next range's."""
    starts = [0]
    with open(path, "rb") as handle:
        for number in range(1, pieces):
            handle.seek(max(starts[-1], size * number // pieces - 1))
            handle.readline()  # to the byte after the next "\n": a line start
            if handle.tell() >= size:
                break
            if handle.tell() > starts[-1]:
                starts.append(handle.tell())
    return [(start, stop) for start, stop in zip(starts, [*starts[1:], size]) if stop > start]


def _plain(path: str) -> bool:
    """Whether the local loader reads the file as plain JSON Lines: no NUL bytes in its head, and its first
    record is one line that parses (not a JSON array, not a pretty-printed object)."""
    with open(path, "rb") as handle:
        head = handle.read(4 * BINARY_SNIFF)
        if b"\x00" in head:
            return False
        handle.seek(0)
        while True:
            line = handle.readline(_FIRST_LINE)
            if not line:
                return True  # blank or empty: read as JSON Lines ("empty file" either way)
            if line.strip():
                break
    first = line.removeprefix(codecs.BOM_UTF8).strip()
    if first.startswith(b"["):
        return False
    try:
        json.loads(first)
    except ValueError:
        return not first.startswith(b"{")  # "{" alone on its line: a pretty-printed object, maybe
    return True


def count(piece: Range) -> tuple[int, bool]:
    """The line breaks of a range (``"\\r\\n"``, ``"\\r"`` or ``"\\n"``), and whether it is UTF-8."""
    with open(piece.path, "rb") as handle:
        handle.seek(piece.start)
        data = handle.read(piece.stop - piece.start)
    breaks = data.count(b"\n")
    returns = data.count(b"\r")
    if returns:
        breaks += returns - data.count(b"\r\n")
    if data.isascii():
        return breaks, True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return breaks, False
    return breaks, True


def range_items(part: Range, options: LoadOptions, lines: Collection[int] | None = None) -> Iterator[Item]:
    """The records of a range as :data:`~dedupe.scan.spark_read.Item` (documents and skipped lines, then its
    records whose text was not in ``--text-field``), checked as the local loader checks them; only those on
    ``lines`` when given."""
    text = part.text()
    records = json_lines(text, 0, len(text), part.line) if lines is None else _lines(text, part.line, sorted(lines))
    collector = Collector(options)
    for number, value, error in records:
        yield record_item(part.item, collector, number, value, error)
    yield from collector.fallback_items(part.item.rank)


def _lines(text: str, before: int, wanted: list[int]) -> Iterator[Record]:
    """The records on the ``wanted`` lines (ascending) of ``text``, whose first line is ``before + 1``."""
    position, number = 0, before
    for line in wanted:
        while number + 1 < line:
            position = text.index("\n", position) + 1
            number += 1
        stop = text.find("\n", position)
        yield from json_lines(text, position, len(text) if stop < 0 else stop + 1, number)


def items_of(part: Iterable[Any], options: LoadOptions) -> Iterator[Item]:
    """The items of a partition of the corpus: its ranges read, its items read by Spark as they are."""
    for element in part:
        if isinstance(element, Range):
            yield from range_items(element, options)
        else:
            yield element
