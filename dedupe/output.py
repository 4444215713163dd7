"""Machine-readable output shared by every command: the JSON envelope and deterministic serialisation.

Every JSON document the tool writes starts with ``schema_version``, ``tool`` and ``version``, and is
serialised with a fixed key order and no floating noise (floats rounded to 4 places), so the same
input gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import stat
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dedupe import SCHEMA_VERSION, __version__
from dedupe.errors import ConfigError
from dedupe.lexicon import plural_noun


def envelope(command: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Wrap a command's payload with the schema and tool versions.

    Args:
        command: The command that produced it (``info``, ``scan``...).
        payload: The command's own fields, in the order they should appear.

    Returns:
        A new dict: ``schema_version``, ``tool``, ``version``, ``command``, then the payload.
    """
    return {"schema_version": SCHEMA_VERSION, "tool": "dedupe", "version": __version__,
            "command": command, **payload}


_PLAIN = (str, int, bool, type(None))


def _clean(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:  # exact types first: most values of a large document are strings and ints
        return value
    if kind is dict:  # leaves are tested here, not in a call each (a 7 MB scan has a million of them)
        return {key if type(key) is str else str(key): item if type(item) in _PLAIN else _clean(item)
                for key, item in value.items()}
    if kind is list or kind is tuple:
        return [item if type(item) in _PLAIN else _clean(item) for item in value]
    if isinstance(value, float):
        return clean_float(value)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def cleaned(value: Any) -> Any:
    """``value`` as :func:`to_json` writes it: floats rounded (:func:`clean_float`), tuples as lists.

    Args:
        value: Any JSON-serialisable value; it is not changed.

    Returns:
        A new value (dicts and lists copied).
    """
    return _clean(value)


def clean_float(value: float) -> float | None:
    """A float as every JSON document holds it: rounded to 4 places; ``None`` for NaN and infinities."""
    if math.isnan(value) or math.isinf(value):
        return None
    return round(value, 4)


def to_json(document: dict[str, Any], *, clean: bool = True) -> str:
    """Serialise deterministically (insertion order, 4-decimal floats, UTF-8 text kept), newline-terminated.

    orjson writes it when it is installed (a seventh of the time on a 7 MB scan), else the standard
    library; both give the same bytes (``tests/test_output.py``), and a value orjson refuses (a lone
    surrogate, an integer beyond 64 bits) falls back to the standard library.

    Args:
        document: The document.
        clean: Walk it first to round floats (:func:`clean_float`) and turn tuples into lists; ``False``
            for a document built clean (every float through :func:`clean_float`, only dicts with string
            keys, lists, tuples, strings, ints, bools and ``None``): the same bytes without the walk,
            which took half the time of writing a 7 MB scan. Either way a dataclass instance whose
            fields hold such values is written as the object of its fields in order, as a dict of them
            would be (a scan's occurrences: no dict made for each).
    """
    cleaned = _clean(document) if clean else document
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is in install_requires
        return _stdlib_json(cleaned)
    try:
        return orjson.dumps(cleaned, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except orjson.JSONEncodeError:
        return _stdlib_json(cleaned)


def _stdlib_json(cleaned: Any) -> str:
    """The standard library's rendering of a cleaned document (the reference :func:`to_json` keeps)."""
    return json.dumps(cleaned, ensure_ascii=False, indent=2, default=_fields) + "\n"


def _fields(value: Any) -> dict[str, Any]:
    """A dataclass instance as the standard library writes it here: its fields in order (as orjson does)."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
    return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}


def to_jsonl(records: Iterable[dict[str, Any]]) -> str:
    """One compact JSON object per line, deterministic like :func:`to_json`."""
    return "".join(json.dumps(_clean(r), ensure_ascii=False) + "\n" for r in records)


def md_cell(value: object) -> str:
    """Escape a value from the corpus for Markdown text or a table cell: it shows as written, as text.

    Every character that CommonMark or GitHub's tables give a meaning inside a line is backslash-escaped
    (emphasis, code spans, links and images, raw HTML and entities, table cells, strike-through), and line
    breaks become spaces, so an outlet, a title or a quoted sentence neither breaks a table nor injects a
    link, an image or markup; a list marker that starts it (``- ``, ``+ ``, ``1. ``, ``2) ``) is escaped too, since
    some lines start with a value (``- d1:3 ...``). A directional formatting or control character is shown as its
    code point (:func:`terminal_safe`). ``None`` is the empty string.

    Example:
        >>> md_cell("[x](http://e/) | <b>*1*</b>")
        '\\\\[x\\\\](http://e/) \\\\| \\\\<b\\\\>\\\\*1\\\\*\\\\</b\\\\>'
        >>> md_cell("\\u202eline 1")
        '\\\\[U+202E\\\\]line 1'
    """
    # Line breaks before terminal_safe (it shows "\r" as a code point), code points before escaping (their brackets)
    text = terminal_safe(_MD_LINE_BREAKS.sub(" ", "" if value is None else str(value)))
    return _MD_LIST_MARKER.sub(r"\1\\\2", text.translate(_MD_ESCAPES), count=1)


#: The characters :func:`md_cell` escapes: ASCII punctuation with a meaning inside a Markdown line.
_MD_ESCAPES = str.maketrans({char: "\\" + char for char in "\\`*_[]<>|#!&~"})
_MD_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
#: A list marker at the start of a value: ``-`` or ``+``, or 1 to 9 digits and ``.`` or ``)``, then a blank or the end.
_MD_LIST_MARKER = re.compile(r"\A(\d{1,9}(?=[.)])|(?=[-+]))(.)(?=[ \t]|\Z)")


def bidi_safe(text: str) -> str:
    """``text`` as the report shows it beside its own words: a directional override shown as its code point
    (``[U+202E]``), an embedding or isolate left open closed at the end.

    An override (U+202D, U+202E) reverses every character after it up to its end or the end of the line, so
    one left open in an outlet or a quoted sentence would reverse the report's own words that follow it
    ("line 1" read as "1 enil", "40" as "04"); news text has no use for one. Embeddings and isolates (U+202A, U+202B,
    U+2066-U+2068) write right-to-left text: kept, closed within the value (the full-text view keeps them as read).

    Example:
        >>> bidi_safe("\u202eRTL outlet"), bidi_safe("\u2067abc") == "\u2067abc\u2069"
        ('[U+202E]RTL outlet', True)
    """
    if _BIDI.search(text) is None:
        return text
    text = _OVERRIDE.sub(_code_point, text)
    open_: list[str] = []  # the closers owed, innermost last (UAX #9's stack of embeddings and isolates)
    for char in _BIDI.findall(text):
        if char in "\u202a\u202b":
            open_.append("\u202c")
        elif char == "\u202c":
            if open_ and open_[-1] == "\u202c":  # a PDF inside an isolate closes nothing outside it
                open_.pop()
        elif char != "\u2069":
            open_.append("\u2069")
        elif "\u2069" in open_:  # a PDI closes its isolate and every embedding opened in it
            del open_[len(open_) - 1 - open_[::-1].index("\u2069"):]
    return text + "".join(reversed(open_))


def directional(text: str) -> bool:
    """Whether ``text`` holds a directional formatting character (an embedding, override or isolate, or the end of
    one): even closed, one reorders what it holds, so a url with one reads otherwise than it links."""
    return _BIDI.search(text) is not None


def terminal_safe(text: str) -> str:
    """``text`` as the text outputs (a terminal) show it: every directional formatting character (U+202A-U+202E,
    U+2066-U+2069) and control character but tab and line feed shown as its code point (as :func:`bidi_safe`).

    A terminal line has no value's end at which to close an embedding or isolate left open (the HTML closes each
    per value), and a terminal drawing right-to-left text needs none; a control character instructs the terminal
    (a carriage return draws what follows over the report's words; an escape sequence recolours).

    Example:
        >>> terminal_safe("\u202bline 1\u2067 \u202e40 \\x1b[2J\\rX")
        '[U+202B]line 1[U+2067] [U+202E]40 [U+001B][2J[U+000D]X'
    """
    return _SHOWN.sub(_code_point, text)


def _code_point(found: re.Match[str]) -> str:
    return f"[U+{ord(found.group()):04X}]"


#: The directional formatting characters: embeddings, overrides and their end, isolates and their end.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: What :func:`terminal_safe` shows as a code point: those and the controls but tab and line feed (C0, DEL, C1).
_SHOWN = re.compile(f"{_BIDI.pattern}|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_OVERRIDE = re.compile("[\u202d\u202e]")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun agreeing with it: ``1 document``, ``2 documents``, ``3 stories``.

    Args:
        count: How many.
        noun: The singular.
        nouns: The plural when it is not the regular one (:func:`plural_noun`).

    Returns:
        ``"<count> <noun>"``.
    """
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {nouns if nouns is not None else plural_noun(noun)}"


def check_output(path: str) -> None:
    """Make sure a result can be written to ``path`` before any work starts (``-`` is standard output).

    Nothing is created here: a missing folder of the path is made when the result is written
    (:func:`make_folder`), so that a refused or failed run (an output inside an input folder, a bad option,
    a missing corpus) leaves no empty folder behind, inside an input folder least of all.

    Args:
        path: The ``-o/--output`` value.

    Raises:
        ConfigError: ``path`` is a folder, a file stands where a folder of the path should be, the nearest
            existing folder cannot be written to, or ``path`` is a symbolic link into a missing folder.
    """
    if path == "-":
        return
    target = Path(path)
    if target.is_dir():
        raise ConfigError(f"{path}: cannot write: is a directory")
    if target.is_symlink() and not Path(os.path.realpath(path)).parent.is_dir():  # a link's folders are not made
        raise ConfigError(f"{path}: cannot write: it links to {os.path.realpath(path)}, whose folder does not exist")
    existing = target.parent
    while not existing.exists() and existing != existing.parent:  # the folder the missing ones go into
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"{path}: cannot write: Not a directory")
    writable = os.access(target, os.W_OK) if target.exists() else os.access(existing, os.W_OK | os.X_OK)
    if not writable:
        raise ConfigError(f"{path}: cannot write: Permission denied")


def make_folder(path: str) -> None:
    """Create the missing folders of an output ``path`` (checked by :func:`check_output`), just before writing.

    Raises:
        ConfigError: A folder cannot be created.
    """
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where a folder of the path should be
        raise ConfigError(f"{path}: cannot write: Not a directory") from None
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def check_not_input(path: str, inputs: Sequence[str]) -> None:
    """Refuse an output path that is one of the inputs, or lies inside an input folder, before any work.

    Paths are compared resolved (symbolic links, ``..``) and by identity (a hard link is the same file).

    Args:
        path: The ``-o/--output`` value (``-``: standard output, always allowed).
        inputs: The input paths (``-``: standard input).

    Raises:
        ConfigError: Writing ``path`` would overwrite an input, or add a file to an input folder.
    """
    if path == "-":
        return
    target = Path(os.path.realpath(path))
    for raw in inputs:
        if raw == "-":
            continue
        source = Path(os.path.realpath(raw))
        if target == source or (target.is_file() and source.is_file() and os.path.samefile(target, source)):
            raise ConfigError(f"{path}: is the input {raw}; write the output elsewhere")
        if source in target.parents and source.is_dir():
            raise ConfigError(f"{path}: is inside the input folder {raw}; write the output elsewhere")


def write_atomic(path: str, text: str) -> None:
    """Write UTF-8 text to ``path`` through a temporary file renamed over it (missing folders created).

    A failure leaves any previous file intact. The file keeps what a shell's ``>`` keeps: its permissions
    (a new file gets those of the umask), its owner and group (:func:`_keeps_identity`), its hard links. A
    file the rename would part from those (another hard link would keep the old text; another user's file
    this process may write but not give away) is written in place from the whole scratch file
    (:func:`_copy_back`), Ctrl-C and SIGTERM held off until it is whole; so is a file this process may write in a
    folder it may not (no scratch file beside it), its growth reserved first. A symbolic link is followed: its
    target is replaced (beside itself, so the rename stays on its file system), the link kept, and a link into a
    missing folder is refused (:func:`check_output` says so before the work; here: "No such file"). A device or
    a named pipe (``-o /dev/null``) and a file the shell opened (``-o /dev/stdout >> log``,
    ``-o >(gzip > out.gz)``: :func:`_names_descriptor`) are written in place, not replaced.

    Args:
        path: The file to (re)place.
        text: Its new content.

    Raises:
        ConfigError: The file cannot be written.
    """
    if _written_in_place(path):
        _write_through(path, text)
        return
    make_folder(path)  # the path's own folders; a link's target's never (a folder gone must not grow again)
    target = Path(os.path.realpath(path))  # renaming over a link would replace the link with a file
    data = text.encode("utf-8")  # before the scratch file: an unencodable text leaves none behind
    made = _scratch_file(path, target)
    if made is None:  # a file this process may write in a folder it may not (as ``>`` writes it): in place
        try:
            _copy_back(target, data)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
        return
    handle, scratch = made
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)  # whole before the target is touched: a full disk fails here
        if _keeps_identity(scratch, target):
            os.replace(scratch, target)
        else:
            os.unlink(scratch)  # its blocks freed for the target's growth
            _copy_back(target, data)
    except BaseException as exc:  # also Ctrl-C or SIGTERM halfway: no scratch file left behind
        Path(scratch).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise


def _cannot_write(path: str, exc: OSError) -> ConfigError:
    """The error for an output ``path`` that ``exc`` stopped being written (raised ``from None`` by the caller)."""
    return ConfigError(f"{path}: cannot write: {exc.strerror or exc}")


def _written_in_place(path: str) -> bool:
    """Whether ``path`` is written in place rather than replaced: it is, or links to, a file that is not a regular
    one (a device, a named pipe), or it names one of this process's open descriptors (:func:`_names_descriptor`)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # missing (or a link to nothing): a new file
        return False
    return not stat.S_ISREG(mode) or _names_descriptor(path)


def _names_descriptor(path: str) -> bool:
    """Whether ``path`` reaches its file through ``/proc/PID/fd`` (``/dev/stdout``, ``/dev/fd/N``): a file the shell
    opened, maybe to append (``>>``), maybe a pipe, whose resolved name is no file to rename over or beside."""
    name = os.path.abspath(path)
    for _ in range(40):  # the links the kernel follows at most
        folder = os.path.realpath(os.path.dirname(name))
        if _DESCRIPTORS.fullmatch(folder):
            return True
        name = os.path.join(folder, os.path.basename(name))
        if not os.path.islink(name):
            return False
        name = os.path.join(folder, os.readlink(name))
    return False


_DESCRIPTORS = re.compile(r"/proc/(?:self|thread-self|\d+)(?:/task/\d+)?/fd")


def _write_through(path: str, text: str) -> None:
    """Write to a file in place (:func:`_written_in_place`), appending: renaming a file over a device would replace
    ``/dev/null`` itself (as root), and a descriptor's file is as the shell opened it (emptied by ``>``, kept by
    ``>>``).

    Raises:
        ConfigError: It cannot be written.
    """
    try:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _scratch_file(path: str, target: Path) -> tuple[int, str] | None:
    """A new, empty, private file beside ``target`` (as ``tempfile.mkstemp`` makes one, without importing
    tempfile, which imports shutil, bz2, lzma and random: a sixtieth of a second at every start).

    Returns:
        Its descriptor and name; ``None`` when the folder refuses a new file but ``target`` is a file this process
        may write (it is then written in place, as ``>`` writes it: :func:`_copy_back`).

    Raises:
        ConfigError: The folder cannot be written, and ``target`` is no file this process may write.
    """
    for _ in range(100):
        scratch = str(target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(scratch, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600), scratch
        except FileExistsError:
            continue
        except OSError as exc:
            if isinstance(exc, PermissionError) and target.is_file() and os.access(target, os.W_OK):
                return None
            raise _cannot_write(path, exc) from None
    raise ConfigError(f"{path}: cannot write: no free name for a scratch file")  # pragma: no cover


def new_file_mode() -> int:
    """The permissions ``open`` gives a new file under the current umask (a scratch file made private gets them
    back before it is renamed into place)."""
    umask = os.umask(0)  # the only way to read it, so it is set back at once
    os.umask(umask)
    return 0o666 & ~umask


def _keeps_identity(scratch: str, target: Path) -> bool:
    """Give ``scratch`` what ``target`` has that ``>`` would keep (mode, owner, group), or say it cannot.

    Returns:
        ``False`` when ``target`` must be written in place instead: it has other hard links, or its owner or
        group is not this process's to give (only root gives a file away); ``True`` once ``scratch`` has its mode,
        owner and group (a new file: the mode of the umask).
    """
    try:
        old = target.stat()
    except FileNotFoundError:
        os.chmod(scratch, new_file_mode())
        return True
    if old.st_nlink > 1:
        return False
    new = os.stat(scratch)
    if (new.st_uid, new.st_gid) != (old.st_uid, old.st_gid):
        try:
            os.chown(scratch, old.st_uid, old.st_gid)
        except PermissionError:
            return False
    os.chmod(scratch, old.st_mode & 0o7777)  # after chown, which clears set-user-ID and set-group-ID bits
    return True


def _copy_back(target: Path, data: bytes) -> None:
    """Write ``data`` over ``target`` in place (its inode, links and owner kept), then cut it to length.

    Not atomic as a rename is, but the space the file grows by is reserved before its first byte is written
    (:func:`_reserve`: a full disk or ``ulimit -f`` stops the run with the file as it was), and Ctrl-C or SIGTERM
    wait until the copy is whole (:func:`_signals_held`); only SIGKILL or a crash midway leaves a mix of the old
    and new text.

    Raises:
        OSError: The file cannot be opened or grown.
    """
    with _signals_held(), open(target, "r+b") as stream:
        _reserve(stream.fileno(), len(data))
        stream.write(data)
        stream.truncate()


def _reserve(descriptor: int, length: int) -> None:
    """Allocate a file's blocks up to ``length`` bytes, or leave it as it was (its old length) and raise.

    Raises:
        OSError: No space (``ENOSPC``, a quota, a file size limit).
    """
    size = os.fstat(descriptor).st_size
    if length <= size or not hasattr(os, "posix_fallocate"):  # not on macOS: the write itself is the check
        return
    try:
        os.posix_fallocate(descriptor, size, length - size)
    except OSError:
        os.ftruncate(descriptor, size)  # a part it allocated before it failed
        raise


@contextmanager
def _signals_held() -> Iterator[None]:
    """Run the block with SIGINT and SIGTERM held: each that arrives is raised again as the block ends.

    Python runs signal handlers in the main thread only; elsewhere the block runs as it is (nothing there is
    interrupted by them).
    """
    import signal

    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = [signal.signal(number, lambda number, _frame: caught.append(number)) for number in held]
    try:
        yield
    finally:
        for number, handler in zip(held, before):
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        for arrived in caught:
            signal.raise_signal(arrived)
