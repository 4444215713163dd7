"""Byte decoding and record readers for the corpus loader: JSON (array, object, Lines) and CSV.

Pure functions with no knowledge of documents: each reader yields ``(line, record, error)`` with the
1-based line where the record starts, so the loader can report ``path:line: reason``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

#: A file with a NUL among its first bytes (and no UTF-16/32 byte-order mark) is treated as binary.
BINARY_SNIFF = 8192
# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))

Record = tuple[int, Any, str | None]

# The legacy encodings of the WHATWG Encoding Standard (what a web page can be in), as Python codecs.
_WEB_ENCODINGS = (
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874", "cp866",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_10",
    "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u", "mac_roman", "mac_cyrillic",
    "gb18030", "gbk", "big5", "euc_jp", "iso2022_jp", "shift_jis", "euc_kr",
)


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Decode a file: a byte-order mark's encoding, else UTF-8, else charset-normalizer's guess.

    The byte-order mark is dropped; line ends and everything else are kept exactly.

    Args:
        data: The file's bytes.

    Returns:
        ``(text, "")``, or ``(None, reason)`` for an empty, binary or undecodable file.
    """
    text, reason = _decode(data)
    if text is not None and not text.strip():
        return None, "empty file"
    if text is not None and "\x00" in text[:BINARY_SNIFF]:
        return None, "binary file (NUL bytes)"
    return text, reason


def _decode(data: bytes) -> tuple[str | None, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), ""
            except UnicodeDecodeError:
                return None, f"undecodable: invalid {codec} after its byte-order mark"
    if not data.strip():
        return None, "empty file"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:BINARY_SNIFF]:
        return None, "binary file (NUL bytes)"
    text = _detect(data)
    if text is None:
        return None, "undecodable: not UTF-8 and no other encoding fits"
    return text, ""


def _detect(data: bytes) -> str | None:
    """charset-normalizer's reading of non-UTF-8 bytes, among the legacy encodings of web pages.

    Candidates are limited to the WHATWG encodings (DOS and most Mac code pages never label a web
    page, yet charset-normalizer often ranks them first on short texts). Among candidates within
    0.01 chaos of the best, Windows-1252 wins: on short texts charset-normalizer cannot tell it from
    Windows-1250, and it is the legacy default of English-language news sites.
    """
    from charset_normalizer import from_bytes

    matches = from_bytes(data, cp_isolation=list(_WEB_ENCODINGS))
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        if match.chaos <= best.chaos + 0.01 and "cp1252" in match.could_be_from_charset:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                break
    return str(best)


def json_records(text: str) -> Iterator[Record]:
    """Yield ``(line, value, error)`` for a JSON array, a single JSON object, or JSON Lines.

    Args:
        text: The decoded file.

    Returns:
        An iterator; ``error`` is ``None`` when the value parsed, else the reason (and ``value`` is ``None``).
    """
    stripped = text.lstrip()
    if stripped.startswith("["):
        yield from _json_array(text)
        return
    if stripped.startswith("{") and "\n" in stripped.rstrip():
        # A pretty-printed single object spans lines; JSON Lines fails here at its second record.
        try:
            yield _LineCounter(text).line_of(_skip_space(text, 0)), json.loads(text), None
            return
        except json.JSONDecodeError:
            pass
    for number, line in enumerate(io.StringIO(text, newline=None), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), None
        except json.JSONDecodeError as exc:
            yield number, None, f"invalid JSON: {exc.msg} (column {exc.colno})"


class _LineCounter:
    """1-based line numbers of increasing offsets, counted incrementally (linear over a whole file)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1

    def line_of(self, offset: int) -> int:
        part = (self.offset, offset)
        # "\r\n", "\n" and a lone "\r" each end a line, as for JSON Lines and the segmenter.
        self.line += self.text.count("\n", *part) + self.text.count("\r", *part) - self.text.count("\r\n", *part)
        self.offset = offset
        return self.line


def _json_array(text: str) -> Iterator[Record]:
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    lines = _LineCounter(text)
    while True:
        pos = _skip_space(text, pos)
        if pos >= len(text) or text[pos] == "]":
            return
        line = lines.line_of(pos)
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield exc.lineno, None, f"invalid JSON: {exc.msg} (column {exc.colno}); rest of the array skipped"
            return
        yield line, value, None
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def csv_records(text: str) -> Iterator[Record]:
    """Yield ``(first line, record, error)`` per row of a CSV text with a header row.

    Keys come from the header, stripped and lower-cased; a quoted field may span lines, and the line
    reported is the row's first. Blank rows are ignored. Quoting is strict: a malformed row ends the
    file with one error naming the row's first line.

    Args:
        text: The decoded file.

    Returns:
        An iterator of records (dicts of strings); a malformed file ends with one error.
    """
    csv.field_size_limit(2**31 - 1)
    # strict: an unterminated quote is an error, not a field that silently swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    line = 1
    try:
        while True:
            line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                return
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in row]
                continue
            yield line, {name: value for name, value in zip(header, row) if name}, None
    except csv.Error as exc:
        yield line, None, f"invalid CSV: {exc} (rest of the file skipped)"
