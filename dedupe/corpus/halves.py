"""A large JSON Lines file cut in two by its bytes, each part read and decoded by the process that reads it.

The loader reads a large JSON Lines file in two processes (:func:`dedupe.corpus.load.load_corpus`). Reading the
file and decoding it whole before the fork kept the second processor idle meanwhile (Reuters-21578, 19 MB: ~30
ms of the ~160 ms load of ``index add``). :class:`FileHalves` cuts the file at a line start by its bytes instead
and lets each process read (``pread``) and decode its own part: a ``"\\n"`` byte is a line end in UTF-8 and never
part of another character, so the parts are those of the decoded text cut at that line start, and the records
read from them are the same (the loader reads the same records whatever the cut). Each part is read twice, a
piece of about a megabyte at a time ending at a line end, into one buffer: checked first (UTF-8, no ``"\\r"``),
then decoded and its records read, each piece's text freed before the next is decoded, so that the memory of a
part's text is taken once, not for the whole part (Reuters x10, 94 MB a part: 47 k page faults, a fifth of the
child's load, to read and decode one whole). The file is read, not mapped: a mapped file cut short by another
process meanwhile would kill this one (``SIGBUS``); a part read short here sends the file to the whole-file
reading (if no record was read yet), or is an error.

It is taken only where decoding the whole file gives what the parts give: a file compressed by neither its
name nor its bytes, without a byte-order mark, whose parts are both UTF-8 without a ``"\\r"``, and whose first
part passes the checks the whole file would (:func:`~dedupe.corpus.readers.decode_bytes`: no NUL among its first
characters; :func:`~dedupe.corpus.readers.opens_json_lines`: JSON Lines, not a JSON array or one object over
several lines). Otherwise :meth:`FileHalves.first` says so before a record is read, and the caller reads the
file whole, as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from dedupe.corpus.readers import BINARY_SNIFF, BOMS, Record, decompress, inner_name, json_pieces, opens_json_lines

# A file that opens with a byte-order mark (readers.BOMS) is decoded whole.
_BOMS = tuple(bom for bom, _ in BOMS)
_HEAD = 16  # bytes enough to know a compressed file by its magic bytes (decompress looks at ten)
_CHUNK = 65536  # bytes read at a time to find the cut and to count the lines before it (one buffer, reused)
#: Bytes of a part read and decoded at a time (one buffer, and one piece of text freed before the next is decoded,
#: reused): Reuters x10's later part, 94 MB, read and decoded in 35 ms with 770 page faults, whole in 110 ms with 47 k.
_PIECE = 1 << 20


class FileHalves:
    """A JSON Lines file cut at the first line start at or after a share of its bytes.

    Made by :meth:`open` before the fork; after it the forked child reads :meth:`later`, this process
    :meth:`first` (and :meth:`later` too if the child fails). The child tells this process through a pipe once
    it has checked its part, so that :meth:`first` can refuse a file that is not UTF-8 throughout before any of
    its records is read. Close it (``with``) when done.
    """

    def __init__(self, fd: int, size: int, cut: int) -> None:
        self.fd = fd
        self.size = size
        self.cut = cut
        self._owner = os.getpid()
        self._said, self._say = os.pipe()  # the child's word: its part is UTF-8 without a "\r"

    @classmethod
    def open(cls, path: Path, minimum: int, share: Callable[[int], float]) -> FileHalves | None:
        """The file opened and cut, or ``None`` when it must be read whole (see the module docstring).

        Args:
            path: A ``.jsonl`` / ``.json`` / ``.ndjson`` file.
            minimum: Bytes below which the file is read whole (in one process).
            share: The share of its bytes before the cut, given its size.
        """
        if inner_name(path.name) != path.name:  # compressed, by its name
            return None
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:  # the whole-file reading reports an unreadable file
            return None
        try:
            size = os.fstat(fd).st_size
            cut = _line_start(fd, int(size * share(size)), size) if size >= minimum else 0
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

    def later(self) -> Iterator[Record]:
        """The records of the part after the cut, numbered after the lines before it, read a piece at a time
        (:meth:`_records`) once the whole part is known to be UTF-8.

        Raises:
            UnicodeDecodeError: The part is not UTF-8 (in the child: it exits without its word, see :meth:`first`).
            OSError: The part was read short (the file was cut short meanwhile; in the child: the same).
        """
        plain = self._checked(self.cut, self.size)
        if os.getpid() != self._owner and self._say >= 0 and plain:  # the forked child: its part is UTF-8 and
            os.write(self._say, b"1")  # has no "\r" (read whole, a "\r" ends lines too)
        lines, buffer = 0, bytearray(_CHUNK)
        for start in range(0, self.cut, _CHUNK):
            lines += buffer.count(b"\n", 0, os.preadv(self.fd, [memoryview(buffer)[:self.cut - start]], start))
        return self._records(self.cut, self.size, lines)

    def first(self) -> Iterator[Record] | None:
        """The records of the part before the cut (as :meth:`later`), once the child said that its part is UTF-8 too;
        ``None``: the file is not read in two (not UTF-8 throughout, a ``"\\r"``, not JSON Lines as its whole reading
        finds, or read short), nothing read from it."""
        os.close(self._say)  # this process' copy: the pipe ends when the child does
        self._say = -1
        try:
            opens = self._checked(0, self.cut) and self._opens()
        except (OSError, UnicodeDecodeError):
            return None
        if os.read(self._said, 1) != b"1" or not opens:
            return None
        return self._records(0, self.cut, 0)

    def _checked(self, start: int, stop: int) -> bool:
        """Whether the bytes from ``start`` to ``stop`` have no ``"\\r"``, read a piece at a time.

        Raises:
            UnicodeDecodeError: They are not UTF-8.
            OSError: They were read short.
        """
        for buffer, end in self._pieces(start, stop):
            if buffer.find(b"\r", 0, end) >= 0:
                return False
            if not buffer.isascii():  # stale bytes after ``end`` too: then decoded, as rarely as needed
                str(memoryview(buffer)[:end], "utf-8")
        return True

    def _opens(self) -> bool:
        """Whether the part before the cut (UTF-8, checked) passes the checks the whole file's reading would: no NUL
        among its first characters (:func:`~dedupe.corpus.readers.decode_bytes`), and JSON Lines as
        :func:`~dedupe.corpus.readers.opens_json_lines` of the part finds it, which looks at its first line that is not
        whitespace alone (so at the first piece that is not)."""
        head = os.pread(self.fd, 4 * BINARY_SNIFF, 0)  # the first BINARY_SNIFF characters, and maybe a char cut off
        if "\x00" in head.decode("utf-8", "ignore")[:BINARY_SNIFF]:
            return False
        for buffer, end in self._pieces(0, self.cut):
            text = str(memoryview(buffer)[:end], "utf-8")
            if not text.isspace():
                return opens_json_lines(text, part=True)
        return False  # whitespace alone

    def _records(self, start: int, stop: int, lines: int) -> Iterator[Record]:
        """The records of the bytes from ``start`` to ``stop``, numbered after ``lines`` lines, a piece decoded at a
        time (:meth:`_pieces`): what :func:`~dedupe.corpus.readers.json_lines` reads from the part decoded whole."""
        return json_pieces(((text, 0, len(text)) for text in self._texts(start, stop)), lines)

    def _texts(self, start: int, stop: int) -> Iterator[str]:
        """The text of each piece of the bytes from ``start`` to ``stop``.

        Raises:
            OSError: The bytes are no longer UTF-8 or were read short (the file changed since they were checked).
        """
        for buffer, end in self._pieces(start, stop):
            try:
                yield str(memoryview(buffer)[:end], "utf-8")
            except UnicodeDecodeError:
                raise OSError("not UTF-8 any more: the file changed meanwhile") from None

    def _pieces(self, start: int, stop: int) -> Iterator[tuple[bytearray, int]]:
        """The bytes from ``start`` to ``stop`` (line starts or the end) in pieces that end at line ends: ``(buffer,
        bytes of it)``, the buffer the same each time (valid until the next piece), larger for a line that does not
        fit.

        Raises:
            OSError: They were read short (the file was cut short meanwhile).
        """
        buffer = bytearray(_PIECE)
        while start < stop:
            size = os.preadv(self.fd, [memoryview(buffer)[:stop - start]], start)
            end = size if start + size == stop else buffer.rfind(b"\n", 0, size) + 1
            if end == 0 and size < len(buffer):
                raise OSError(f"read {start + size} of {stop} bytes: the file was cut short meanwhile")
            if end == 0:  # a full buffer without a line end: read again into one twice as large
                buffer = bytearray(2 * len(buffer))
                continue
            yield buffer, end
            start += end


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

