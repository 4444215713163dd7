"""A class-data-sharing archive of Spark's classes for a local master's JVM, kept in the user's cache.

Starting a SparkContext loads, verifies and links some thousands of classes from Spark's jars: about two of
the seven processor seconds that a local master's JVM spends before and around its first job on the
development machine. Java's class-data sharing (CDS) maps them, already parsed and verified, from an
archive instead. Java 17 writes such an archive of what a JVM loaded when that JVM exits
(``-XX:ArchiveClassesAtExit``), and a later JVM of the same Java and the same jars reads it
(``-XX:SharedArchiveFile``); a JVM that finds it does not fit (another Java, other jars) runs without it.

- The archive lies in ``<cache>/spark-classes/<key>.jsa`` (``<cache>``: :func:`dedupe.embed.cache.default_cache_dir`;
  ``<key>`` names the Java and the Spark jars), never in the project.
- It is written only by a scan that started its own context (:func:`dedupe.pipeline.run_scan_spark`), which
  then, once the findings are collected, stops the JVM and waits for it (:func:`finish`): the archive is
  written to a file of that process' own and renamed into place whole, so two scans never read one half
  written. That first run pays the writing (a few seconds); later runs start faster.
- The JVM's messages about the archive (it lists the classes it leaves out) are switched off, so a
  user sees nothing of it.
- Setting ``spark.driver.extraJavaOptions`` yourself leaves all of this out (as the other JVM options of a
  local master, :data:`dedupe.scan.spark._LOCAL_SETTINGS`).

The stderr a JVM started under ``scan -q`` keeps is an unnamed scratch file (:func:`stderr_kept`), not the
terminal, so that a failed start still says why (:func:`start_failure`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark import SparkContext

#: The JVM's logging of the archive, off: writing one lists every class it leaves out.
QUIET = "-Xlog:cds=off -Xlog:cds+dynamic=off"
_WAIT = 120  # seconds a stopping JVM gets to write the archive and exit
# What a failed start writes after its reason: the launcher script's own follow-on error (spark-class: "CMD: bad
# array subscript"), Java's closing words, a stack trace's frames.
_FOLLOW_ON = re.compile(r".*: CMD: bad array subscript|Error: Could not create the Java Virtual Machine\.|"
                        r"Error: A fatal exception has occurred\. Program will exit\.|at \S+\(.*\)|\.\.\. \d+ more")
_SCRIPT = re.compile(r"\S+: line \d+: ")  # bash's prefix of a launcher script's error ("/.../spark-class: line 71: ")
_TAIL = 65536  # bytes of the scratch stderr read for the reason


class _Py4JRootRecords(logging.Filter):
    """Drops what py4j logs on the root logger (``logging.exception``): on Ctrl-C or SIGTERM while the driver
    waits on the JVM, two tracebacks on stderr (the signal handler's reentrant cancelAllJobs, then the
    KeyboardInterrupt) before the command's own line, ``-q`` or not. What went wrong still reaches the caller as
    an exception; py4j's own logger (``py4j``) is left as it is."""

    def __init__(self, folder: str) -> None:
        super().__init__()
        self.folder = folder

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.pathname.startswith(self.folder)


def drop_py4j_root_records() -> None:
    """Install :class:`_Py4JRootRecords` on the root logger, once."""
    import py4j

    root = logging.getLogger()
    if not any(isinstance(found, _Py4JRootRecords) for found in root.filters):
        root.addFilter(_Py4JRootRecords(os.path.dirname(os.path.abspath(py4j.__file__)) + os.sep))


def _java() -> Path | None:
    """The Java that Spark's launcher runs (``$JAVA_HOME/bin/java``, else the first on the path), resolved."""
    home = os.environ.get("JAVA_HOME")
    found = os.path.join(home, "bin", "java") if home else shutil.which("java")
    return Path(found).resolve() if found and os.path.exists(found) else None


def archive_path() -> Path | None:
    """Where the archive of this Java and this PySpark's jars lies (or would lie); ``None`` without a Java.

    The key hashes the Java's path, the size and time of its ``libjvm.so`` (an update of the JDK changes
    them), and PySpark's version and jars folder.
    """
    import pyspark

    from dedupe.embed.cache import default_cache_dir

    java = _java()
    if java is None:
        return None
    jvm = next(java.parent.parent.glob("lib/*/libjvm.so"), java)
    jars = Path(pyspark.__file__).parent / "jars"
    stamp = [str(java), str(jvm.stat().st_size), str(jvm.stat().st_mtime_ns), pyspark.__version__, str(jars)]
    key = hashlib.sha256("\0".join(stamp).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return default_cache_dir() / "spark-classes" / f"{key}.jsa"


def options(write: bool) -> tuple[str, Path | None]:
    """JVM options that read the archive if it exists, else (``write``) that write it at the JVM's exit.

    Args:
        write: Whether this JVM may write the archive (its caller then calls :func:`finish`).

    Returns:
        The options (empty when neither), and the file being written (``None`` when none is).
    """
    path = archive_path()
    if path is None:
        return "", None
    if path.is_file():
        return f"-XX:SharedArchiveFile={path} {QUIET}", None
    if not write:
        return "", None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # no cache folder to write: run without
        return "", None
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial")
    return f"-XX:ArchiveClassesAtExit={partial} {QUIET}", partial


def finish(sc: SparkContext, partial: Path) -> None:
    """End the stopped context's JVM, wait while it writes the archive, and put the archive in place.

    Args:
        sc: A context whose JVM was started writing to ``partial`` (:func:`options`), stopped.
        partial: The file it writes; renamed to :func:`archive_path` when the JVM ended well, else removed.
    """
    gateway: Any = sc._gateway  # type: ignore[attr-defined]
    process = getattr(gateway, "proc", None)
    try:
        gateway.shutdown()
        type(sc)._gateway = type(sc)._jvm = None  # type: ignore[attr-defined]  # a later context starts a JVM
        if process is not None and process.stdin:  # the JVM leaves when its input closes
            process.stdin.close()
        ended = process is not None and process.wait(_WAIT) == 0
    except (OSError, subprocess.TimeoutExpired):
        ended = False
    final = archive_path()
    if ended and final is not None and partial.is_file() and partial.stat().st_size:
        os.replace(partial, final)
    else:
        partial.unlink(missing_ok=True)


def active_context() -> SparkContext | None:
    """The Spark context of this process, if one is running."""
    from pyspark import SparkContext

    return SparkContext._active_spark_context


def stop_soon(sc: SparkContext) -> threading.Thread:
    """Stop ``sc`` in a thread of its own: the JVM winds down (its scheduler, block manager, shuffle files)
    while this process writes the findings, instead of after it (about a second of a whole ``dedupe scan``
    process on a local master). The interpreter waits for the thread before it exits. A JVM started to
    write the class archive (:func:`spark_context`) is then ended and waited for (:func:`finish`).

    Returns:
        The (started, not daemonic) thread.
    """
    partial = getattr(sc, "_dedupe_archive", None)  # set by dedupe.scan.spark.spark_context

    def stop() -> None:
        sc.stop()
        if partial is not None:
            finish(sc, partial)

    stopping = threading.Thread(target=stop, name="spark-stop")
    stopping.start()
    return stopping


def start_failure(text: str) -> str:
    """Why a JVM did not start, from what it and Spark's launcher wrote on stderr: the last line that is not a
    follow-on of an earlier one (:data:`_FOLLOW_ON`), without bash's script-and-line prefix.

    Args:
        text: The stderr of the failed start.

    Returns:
        The reason, on one line; empty when nothing was written.

    Example:
        >>> start_failure("spark-class: line 71: /x/bin/java: No such file or directory\\n"
        ...               "spark-class: line 97: CMD: bad array subscript\\n")
        '/x/bin/java: No such file or directory'
    """
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line and not _FOLLOW_ON.fullmatch(line):
            return _SCRIPT.sub("", line, count=1)
    return ""


@contextmanager
def stderr_kept(on: bool) -> Iterator[Callable[[], str]]:
    """While the block runs, file descriptor 2 is an unnamed scratch file (``on``), for a JVM started meanwhile.

    The JVM keeps it as its stderr until it ends (its log4j warnings and those of its Python workers go there,
    out of sight as under ``/dev/null``; the file's space is freed with the JVM).

    Args:
        on: Whether to switch; otherwise the block runs as it is.

    Returns:
        A context whose value gives the reason of a failed start (:func:`start_failure` of what was written;
        empty when not ``on``).
    """
    if not on:
        yield lambda: ""
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as scratch:
        try:
            os.dup2(scratch.fileno(), 2)
            yield lambda: start_failure(_tail(scratch.fileno()))
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _tail(descriptor: int) -> str:
    """The last :data:`_TAIL` bytes of a file, as text."""
    size = os.fstat(descriptor).st_size
    return os.pread(descriptor, _TAIL, max(0, size - _TAIL)).decode("utf-8", "replace")
