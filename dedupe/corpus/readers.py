"""Byte decoding and record readers for the corpus loader: decompression (gzip, bzip2, xz, zstd), JSON
(array, object, Lines) and CSV.

Pure functions with no knowledge of documents: each reader yields ``(line, record, error)`` with the
1-based line where the record starts, so the loader can report ``path:line: reason``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

#: A file with a NUL among its first bytes (and no UTF-16/32 byte-order mark) is treated as binary.
BINARY_SNIFF = 8192
#: Byte-order marks and their codecs, longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))

Record = tuple[int, Any, str | None]

# The legacy encodings of the WHATWG Encoding Standard (what a web page can be in), as Python codecs.
_WEB_ENCODINGS = (
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874", "cp866",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_10",
    "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u", "mac_roman", "mac_cyrillic",
    "gb18030", "gbk", "big5", "euc_jp", "iso2022_jp", "shift_jis", "euc_kr",
)


#: Compressed file suffixes and the compression each names.
COMPRESSED_SUFFIXES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}
# The magic bytes each compressed format starts with.
_MAGIC = {"gzip": b"\x1f\x8b", "bzip2": b"BZh", "xz": b"\xfd7zXZ\x00", "zstd": b"\x28\xb5\x2f\xfd"}
# After "BZh" and a block-size digit, a bzip2 stream starts a block (pi) or ends (sqrt(pi)): a text that
# happens to begin "BZh" ("BZhang said...") is not taken for one.
_BZIP2_NEXT = (b"1AY&SY", b"\x17rE8P\x90")


def inner_name(name: str) -> str:
    """A file name without its compression suffix: ``batch.jsonl.gz`` -> ``batch.jsonl``."""
    for suffix in COMPRESSED_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def decompress(data: bytes, name: str) -> tuple[bytes | None, str]:
    """The content of a compressed file, found by its magic bytes (whatever its name) or its suffix.

    Args:
        data: The file's bytes.
        name: The file's name (its suffix may name a compression).

    Returns:
        ``(content, "")``: the decompressed bytes, or ``data`` itself when it is not compressed;
        ``(None, reason)`` when a compressed file is corrupt or truncated, or when its suffix names a
        compression its bytes do not start with.
    """
    found = next((kind for kind, magic in _MAGIC.items() if data.startswith(magic)), None)
    if found == "bzip2" and not (data[3:4].isdigit() and data[4:10] in _BZIP2_NEXT):
        found = None
    named = COMPRESSED_SUFFIXES.get("." + name.lower().rsplit(".", 1)[-1]) if "." in name else None
    if found is None:
        if named is not None:
            return None, f"not {named} data (the name ends in .{name.rsplit('.', 1)[-1]}, the bytes do not)"
        return data, ""
    try:
        return _DECOMPRESS[found](data), ""
    except (OSError, EOFError, ValueError) as exc:  # zlib.error and LZMAError are caught as ValueError below
        return None, f"corrupt or truncated {found} data ({exc or type(exc).__name__})"


def _gzip(data: bytes) -> bytes:
    import gzip
    import zlib

    try:
        return gzip.decompress(data)
    except zlib.error as exc:
        raise ValueError(str(exc)) from exc


def _bzip2(data: bytes) -> bytes:
    import bz2

    return bz2.decompress(data)


def _xz(data: bytes) -> bytes:
    import lzma

    try:
        return lzma.decompress(data)
    except lzma.LZMAError as exc:
        raise ValueError(str(exc)) from exc


def _zstd(data: bytes) -> bytes:
    """zstd frames, one after another, decompressed with the ``zstandard`` package."""
    import zstandard

    parts = []
    try:
        while data:
            frame = zstandard.ZstdDecompressor().decompressobj()
            parts.append(frame.decompress(data))
            if not frame.eof:
                raise EOFError("compressed data ended before the end of its frame")
            data = frame.unused_data
    except zstandard.ZstdError as exc:
        raise ValueError(str(exc)) from exc
    return b"".join(parts)


# Each imports its module when called: most corpora are not compressed.
_DECOMPRESS: dict[str, Callable[[bytes], bytes]] = {"gzip": _gzip, "bzip2": _bzip2, "xz": _xz, "zstd": _zstd}


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Decode a file: a byte-order mark's encoding, else UTF-8, else charset-normalizer's guess.

    The byte-order mark is dropped; line ends and everything else are kept exactly.

    Args:
        data: The file's bytes.

    Returns:
        ``(text, "")``, or ``(None, reason)`` for an empty, binary or undecodable file.
    """
    text, reason = _decode(data)
    if text is not None and (not text or text.isspace()):  # not text.strip(), without copying the text
        return None, "empty file"
    if text is not None and "\x00" in text[:BINARY_SNIFF]:
        return None, "binary file (NUL bytes)"
    return text, reason


def _decode(data: bytes) -> tuple[str | None, str]:
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), ""
            except UnicodeDecodeError:
                return None, f"undecodable: invalid {codec} after its byte-order mark"
    if not data or data.isspace():
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
    first = _first_value(text)
    if text.startswith("[", first):
        yield from _json_array(text)
        return
    if text.startswith("{", first) and _spans_lines(text, first):
        # A pretty-printed single object spans lines; JSON Lines fails here at its second record.
        try:
            yield _checked(_LineCounter(text).line_of(_skip_space(text, 0)), json.loads(text))
            return
        except json.JSONDecodeError:
            pass
    if "\r" in text:
        numbered = enumerate(io.StringIO(text, newline=None), start=1)
        yield from (json_line(number, line) for number, line in numbered if line.strip())
    else:
        yield from json_lines(text, 0, len(text), 0)


def json_lines_cut(text: str, share: float = 0.5) -> int | None:
    """Where :func:`json_records` can be cut in two: the first line start at or after ``share`` of the text
    (the middle by default), when it reads ``text`` as JSON Lines ending with "\\n" (:func:`json_lines`
    then reads each part); ``None`` for a JSON array, a single (pretty-printed) object, "\\r" line ends, or
    a text without a line to cut at."""
    if not opens_json_lines(text):
        return None
    cut = text.find("\n", max(0, int(len(text) * share) - 1)) + 1  # the first line start at or after the share
    return cut if 0 < cut < len(text) else None


def json_lines(text: str, start: int, stop: int, line: int) -> Iterator[Record]:
    """The records of JSON Lines in ``text[start:stop]`` (``start`` and ``stop`` at line starts or the end),
    numbered after ``line`` lines: what :func:`json_records` yields for them when
    :func:`json_lines_cut` gives a cut."""
    return json_pieces(((text, start, stop),), line)


def opens_json_lines(text: str, part: bool = False) -> bool:
    """Whether :func:`json_records` reads a file of ``text`` as JSON Lines with "\\n" line ends, the records of
    :func:`json_lines` (the checks before a file is read in parts).

    Args:
        text: The decoded file, or with ``part`` its first part (ending at a line end).
        part: Whether ``text`` is only the file's first part: then a first ``{`` must close on its own line (the file
            is one object over several lines only when the rest is whitespace, and that object is the one record
            JSON Lines reads, on the same line).

    Returns:
        ``False`` for a JSON array, a single object over several lines, a ``"\\r"``, or whitespace alone.
    """
    first = _first_value(text)
    if first == len(text) or text[first] == "[" or "\r" in text:
        return False
    if text[first] != "{":
        return True
    if part:
        try:
            json.loads(text[first:text.find("\n", first)])
        except ValueError:
            return False
        return True
    if not _spans_lines(text, first):
        return True
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return True
    return False  # one object


def _first_value(text: str) -> int:
    """Where ``text.lstrip()`` starts (``len(text)``: whitespace alone), without copying the text."""
    first = 0
    while first < len(text) and text[first].isspace():
        first += 1
    return first


def _spans_lines(text: str, first: int) -> bool:
    """Whether ``text[first:]`` holds a line end before its trailing whitespace (``"\\n" in text.strip()``)."""
    last = len(text)
    while last > first and text[last - 1].isspace():
        last -= 1
    return text.find("\n", first, last) >= 0


def json_line(number: int, line: str) -> Record:
    """One line of JSON Lines (with its line end) as a record: its value, or why it is not valid JSON."""
    try:
        return _checked(number, json.loads(line))
    except json.JSONDecodeError:
        return number, None, _line_error(line)


def _checked(number: int, value: Any) -> Record:
    """The record of a value the standard library read: its error when a string holds a lone surrogate.

    JSON may escape half of a UTF-16 pair (``"\\ud800"``); Python reads it as a lone surrogate, which no UTF-8
    output can encode (every command failed at its output with an internal error). orjson refuses such a text,
    so only what the standard library reads is checked.
    """
    lone = _lone_surrogate(value)
    if lone is None:
        return number, value, None
    return number, None, f"invalid JSON: \\u{ord(lone):04x} escapes half a character (a lone surrogate)"


def _lone_surrogate(value: Any) -> str | None:
    """The first lone surrogate in the strings of a JSON value (keys included), else ``None``."""
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        return found.group() if found else None
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value if isinstance(value, list) else ()
    return next((lone for lone in map(_lone_surrogate, items) if lone is not None), None)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _line_error(line: str) -> str:
    """Why a line is not JSON; a line that ends before its value does says it is truncated.

    The line end is left out first: inside a cut-off string it would be an "invalid control character".
    """
    body = line.rstrip("\r\n")
    try:
        json.loads(body)
    except json.JSONDecodeError as exc:
        cut = exc.msg.startswith("Unterminated") or exc.pos >= len(body.rstrip(_JSON_SPACE))
        return f"{'truncated or invalid' if cut else 'invalid'} JSON: {exc.msg} (column {exc.colno})"
    return "invalid JSON"  # not reached: the line without its end parsed, so the end was the fault


def json_pieces(pieces: Iterable[tuple[str, int, int]], number: int) -> Iterator[Record]:
    """The records of JSON Lines in pieces ``(text, start, stop)`` (``text[start:stop]``, each ending at a line end
    but the last, each taken once the records before it are read), numbered after ``number`` lines: :func:`json_lines`
    of the pieces joined, in one generator (a generator a piece cost a tenth more time, counting its lines as much).

    Example:
        >>> [(line, value) for line, value, _ in json_pieces([('{"a": 1}\\n\\n', 0, 10), ('{"a": 2}\\n', 0, 9)], 10)]
        [(11, {'a': 1}), (13, {'a': 2})]

    A line that holds exactly one object or array is parsed in place by the C scanner, without
    copying it out of ``text`` or ``json.loads``' checks (a third less time per record); any other
    line goes through :func:`json_line`, so its value or error message is ``json.loads``'.
    """
    for text, pos, size in pieces:
        while pos < size:
            number += 1
            stop = text.find("\n", pos, size)
            ending = "\n"
            if stop < 0:
                stop, ending = size, ""
            value = _json_at(text, pos, stop)
            if value is not _INVALID:
                yield number, value, None
            elif text[pos:stop].strip():
                yield json_line(number, text[pos:stop] + ending)
            pos = stop + 1


def _orjson_loads() -> Callable[[str], Any] | None:
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is in install_requires
        return None
    return orjson.loads


_ORJSON_LOADS = _orjson_loads()
_FLAT = frozenset((str, int, bool, type(None)))  # what orjson and the standard library read alike
_INVALID = object()
_JSON_SPACE = " \t\n\r"  # what json.loads skips around a value
# The decoder's C scanner (undeclared in typeshed): ``(value, end)`` of the JSON value at an offset.
_SCAN_ONCE: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _json_at(text: str, start: int, stop: int) -> Any:
    """The object or array that fills ``text[start:stop]`` (up to JSON whitespace), else :data:`_INVALID`.

    orjson reads an object first (half the time); its value is kept only when it is the standard library's
    for certain: a flat object of strings, integers, booleans and nulls (orjson reads an integer beyond
    64 bits as a float; it refuses what else the standard library reads differently: NaN, lone
    surrogates, 1e400). Anything else is read by the standard library's scanner.
    """
    if start >= stop or text[start] not in "{[":
        return _INVALID
    if _ORJSON_LOADS is not None and text[start] == "{":
        try:
            value = _ORJSON_LOADS(text[start:stop])
        except ValueError:
            value = None
        if value.__class__ is dict and _FLAT.issuperset(map(type, value.values())):
            return value
    try:
        value, end = _SCAN_ONCE(text, start)
    except (StopIteration, json.JSONDecodeError):
        return _INVALID
    if end > stop or (end < stop and text[end:stop].strip(_JSON_SPACE)):
        return _INVALID
    return value if _lone_surrogate(value) is None else _INVALID  # json_line says why


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
        yield _checked(line, value)
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def looks_like_csv(text: str, text_names: tuple[str, ...]) -> bool:
    """Whether a text is CSV with a header row: its first non-blank line splits into two or more cells,
    one of them a text column name (so a plain article is never taken for a table).

    Args:
        text: The decoded input.
        text_names: Column names that hold a document's text.

    Returns:
        ``True`` when the first line reads as such a header.
    """
    start = 0
    while start < len(text) and text[start] in "\r\n \t":
        start += 1
    end = min((i for i in (text.find("\n", start), text.find("\r", start)) if i >= 0), default=len(text))
    try:
        header = next(csv.reader([text[start:end]]), [])
    except csv.Error:
        return False
    return len(header) >= 2 and any(cell.strip().lower() in text_names for cell in header)


def csv_records(text: str) -> Iterator[Record]:
    """Yield ``(first line, record, error)`` per row of a CSV text with a header row.

    Keys come from the header, stripped and lower-cased; a quoted field may span lines, and the line
    reported is the row's first. Blank rows are ignored. Quoting is strict: a malformed row ends the
    file with one error naming the row's first line. A row with more cells than the header (blank ones
    aside) is an error of that row alone: the cells past the header's have no name, and keeping the row
    without them would cut its text at a comma left unquoted, silently.

    Args:
        text: The decoded file.

    Returns:
        An iterator of records (dicts of strings), ``None`` with the error for a row that has too many cells;
        a malformed file ends with one error.
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
            if any(cell.strip() for cell in row[len(header):]):
                yield line, None, f"{len(row)} cells where the header has {len(header)} (a comma outside quotes?)"
                continue
            yield line, {name: value for name, value in zip(header, row) if name}, None
    except csv.Error as exc:
        yield line, None, f"invalid CSV: {exc} (rest of the file skipped)"
