"""A large JSON Lines file cut in two by its bytes, each part read and decoded by the process that reads it.

The loader reads a large JSON Lines file in two processes (:func:`dedupe.corpus.load.load_corpus`). Reading the
file and decoding it whole before the fork kept the second processor idle meanwhile (Reuters-21578, 19 MB: ~30
ms of the ~160 ms load of ``index add``). :class:`FileHalves` cuts the file at a line start by its bytes instead
and lets each process read (``pread``) and decode its own part: a ``"\\n"`` byte is a line end in UTF-8 and never
part of another character, so the parts are those of the decoded text cut at that line start, and the records
read from them are the same (the loader reads the same records whatever the cut). The file is read, not mapped:
a mapped file cut short by another process meanwhile would kill this one (``SIGBUS``); a part read short here
sends the file to the whole-file reading.

It is taken only where decoding the whole file gives what the parts give: a file compressed by neither its
name nor its bytes, without a byte-order mark, whose parts are both UTF-8 without a ``"\\r"``, and whose first
part passes the checks the whole file would (:func:`~dedupe.corpus.readers.decode_bytes`: no NUL among its first
characters; :func:`~dedupe.corpus.readers.opens_json_lines`: JSON Lines, not a JSON array or one object over
several lines). Otherwise :meth:`FileHalves.first` says so before a record is read, and the caller reads the
file whole, as before.
"""

from __future__ import annotations

import os
from pathlib import Path

from dedupe.corpus.readers import BINARY_SNIFF, BOMS, decompress, inner_name, opens_json_lines

# A file that opens with a byte-order mark (readers.BOMS) is decoded whole.
_BOMS = tuple(bom for bom, _ in BOMS)
_HEAD = 16  # bytes enough to know a compressed file by its magic bytes (decompress looks at ten)
_CHUNK = 65536  # bytes read at a time to find the cut and to count the lines before it (one buffer, reused)
#: A part, as :func:`~dedupe.corpus.readers.json_lines` reads it: ``(text, start, stop, lines before it)``.
Part = tuple[str, int, int, int]


class FileHalves:
    """A JSON Lines file cut at the first line start at or after a share of its bytes.

    Made by :meth:`open` before the fork; after it the forked child reads :meth:`later`, this process
    :meth:`first` (and :meth:`later` too if the child fails). The child tells this process through a pipe once
    it has decoded its part, so that :meth:`first` can refuse a file that is not UTF-8 throughout before any of
    its records is read. Close it (``with``) when done.
    """

    def __init__(self, fd: int, size: int, cut: int) -> None:
        self.fd = fd
        self.size = size
        self.cut = cut
        self._owner = os.getpid()
        self._said, self._say = os.pipe()  # the child's word: its part is UTF-8 without a "\r"

    @classmethod
    def open(cls, path: Path, minimum: int, share: float) -> FileHalves | None:
        """The file opened and cut, or ``None`` when it must be read whole (see the module docstring).

        Args:
            path: A ``.jsonl`` / ``.json`` / ``.ndjson`` file.
            minimum: Bytes below which the file is read whole (in one process).
            share: The share of its bytes before the cut.
        """
        if inner_name(path.name) != path.name:  # compressed, by its name
            return None
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:  # the whole-file reading reports an unreadable file
            return None
        try:
            size = os.fstat(fd).st_size
            cut = _line_start(fd, int(size * share), size) if size >= minimum else 0
            head = os.pread(fd, _HEAD, 0)
        except OSError:
            cut = 0
        # The first part holds the BINARY_SNIFF characters decode_bytes looks at (four bytes a character at most).
        if (not 4 * BINARY_SNIFF <= cut < size or head.startswith(_BOMS)
                or decompress(head, path.name)[0] is not head):  # a compressed head is not given back as it is
            os.close(fd)
            return None
        return cls(fd, size, cut)

    def __enter__(self) -> FileHalves:
        return self

    def __exit__(self, *exc: object) -> None:
        for fd in (self._said, self._say, self.fd):
            if fd >= 0:
                os.close(fd)
        self._said = self._say = self.fd = -1

    def later(self) -> Part:
        """The part after the cut, decoded, numbered after the lines before it.

        Raises:
            UnicodeDecodeError: The part is not UTF-8 (in the child: it exits without its word, see :meth:`first`).
            OSError: The part was read short (the file was cut short meanwhile; in the child: the same).
        """
        text = self._read(self.cut, self.size).decode("utf-8")
        if os.getpid() != self._owner and self._say >= 0 and "\r" not in text:  # the forked child: its part is
            os.write(self._say, b"1")  # UTF-8 and has no "\r" (read whole, a "\r" ends lines too)
        lines, buffer = 0, bytearray(_CHUNK)
        for start in range(0, self.cut, _CHUNK):
            lines += buffer.count(b"\n", 0, os.preadv(self.fd, [memoryview(buffer)[:self.cut - start]], start))
        return text, 0, len(text), lines

    def first(self) -> Part | None:
        """The part before the cut, decoded, once the child said that its part decoded too; ``None``: the file is not
        read in two (not UTF-8 throughout, a ``"\\r"``, not JSON Lines as its whole reading finds, or read short),
        nothing read from it."""
        os.close(self._say)  # this process' copy: the pipe ends when the child does
        self._say = -1
        try:
            text = self._read(0, self.cut).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if os.read(self._said, 1) != b"1" or "\x00" in text[:BINARY_SNIFF] or not opens_json_lines(text, part=True):
            return None
        return text, 0, len(text), 0

    def _read(self, start: int, stop: int) -> bytes:
        data = os.pread(self.fd, stop - start, start)
        if len(data) != stop - start:
            raise OSError(f"read {len(data)} of {stop - start} bytes: the file was cut short meanwhile")
        return data


def _line_start(fd: int, offset: int, size: int) -> int:
    """The first line start at or after ``offset`` (at least 1): one past the first ``"\\n"`` from ``offset - 1``;
    0 when there is none before the end."""
    position = max(0, offset - 1)
    while position < size:
        chunk = os.pread(fd, _CHUNK, position)
        if not chunk:
            return 0
        found = chunk.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(chunk)
    return 0

