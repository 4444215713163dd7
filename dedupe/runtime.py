"""What every stage may use: a stage timer, the progress protocol, a GC pause, a kept heap, a forked call and shared
arrays.

Nothing here imports a stage, so every stage (and :mod:`dedupe.pipeline`, which runs them) can import it.

``ForkedCall`` runs one function in a forked child process while the parent goes on with other work.
The scan uses it (:mod:`dedupe.scan.verify`) to run the LSH stage beside the passage search on large
corpora: the child inherits everything (the corpus, the fingerprints) without copying, and sends back
only its result, as bytes, through shared memory. A child that fails gives ``None``; callers then do the work
themselves, so the outcome never depends on whether the child ran. ``in_two`` builds on it: a map over many items
whose second half a child computes (segmentation and figure extraction of a large corpus use both cores that way).

Example:
    >>> with ForkedCall(lambda: b"done") as child:
    ...     other_work = sum(range(1000))   # the parent goes on meanwhile
    ...     bytes(child.result())
    b'done'
"""

from __future__ import annotations

import gc
import mmap
import os
import pickle
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import numpy as np

T = TypeVar("T")
Progress = Callable[[str, Sequence[T]], Iterable[T]]


def no_progress(label: str, items: Sequence[T]) -> Iterable[T]:
    """The default progress callable: iterate silently."""
    return items


@dataclass
class StageTimer:
    """Wall-clock seconds per stage, in the order the stages ran."""

    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, stage: str, func: Callable[[], T]) -> T:
        """Run ``func`` and add its duration to ``stage``."""
        began = time.perf_counter()
        try:
            return func()
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - began


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a block that builds many lasting objects.

    Loading or scanning a large corpus creates hundreds of thousands of objects without reference
    cycles (records, documents, findings); each full collection walks all of them again, which took
    a fifth of the time of a scan. Reference counting still frees everything as usual; the
    collector's previous state is restored on leaving, even on an error.

    On leaving, the objects made meanwhile go straight to the oldest generation (``gc.freeze()`` then
    ``gc.unfreeze()``: no walk over them), instead of the youngest, whose next collection would walk
    them all at once (20-25 ms after loading Reuters-21578). They stay collectable by full collections.
    Skipped when objects were frozen before, which ``gc.unfreeze()`` would thaw.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()



# glibc's mallopt parameters and their defaults (malloc.h); a value set by mallopt also turns off glibc's
# dynamic mmap threshold, which leaving :func:`kept_heap` therefore cannot restore.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
_DEFAULT_THRESHOLD = 128 * 1024
#: Allocations up to this size come from the heap inside :func:`kept_heap` (glibc's largest mmap threshold on a
#: 64-bit system: 32 MiB).
KEPT_MMAP_THRESHOLD = 32 * 1024 * 1024
#: Free memory at the top of the heap kept inside :func:`kept_heap` rather than given back to the system.
KEPT_TRIM_THRESHOLD = 512 * 1024 * 1024


@contextmanager
def kept_heap() -> Iterator[bool]:
    """Keep freed memory in the process for a block that allocates and frees many large arrays.

    With glibc's defaults every allocation of 128 KiB or more (most numpy arrays of a scan) is mapped from
    the system and unmapped when freed, and the top of the heap is trimmed as soon as 128 KiB are free there:
    a block that makes such arrays again and again (``scan --against``, round after round) pays a page fault
    for every 4 KiB of each of them, every time. Inside this block allocations up to
    :data:`KEPT_MMAP_THRESHOLD` come from the heap, and up to :data:`KEPT_TRIM_THRESHOLD` of free heap is kept
    for the next ones. glibc's default thresholds are set again on leaving, even on an error. Elsewhere (no
    glibc: musl, macOS, Windows) this does nothing.

    Yields:
        Whether the thresholds were set (glibc found, and it took both values).
    """
    mallopt = _glibc_mallopt()
    if mallopt is None:
        yield False
        return
    done = bool(mallopt(_M_MMAP_THRESHOLD, KEPT_MMAP_THRESHOLD)) & bool(mallopt(_M_TRIM_THRESHOLD, KEPT_TRIM_THRESHOLD))
    try:
        yield done
    finally:
        mallopt(_M_MMAP_THRESHOLD, _DEFAULT_THRESHOLD)
        mallopt(_M_TRIM_THRESHOLD, _DEFAULT_THRESHOLD)


def _glibc_mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, or ``None`` where this process does not run on glibc."""
    import ctypes

    try:
        if not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"):  # type: ignore[union-attr]
            return None
    except (AttributeError, ValueError, OSError):  # no confstr, or not this name: not glibc
        return None
    try:
        function = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):  # pragma: no cover - a glibc without mallopt
        return None
    function.argtypes, function.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return function  # type: ignore[no-any-return]


def one_blas_thread() -> None:
    """Run OpenBLAS on one thread, unless the user set it: called before numpy is first imported.

    ``dedupe scan`` and ``index add`` do no linear algebra worth a thread (the scan's one matrix product, minhash's
    LSH parameters, is tiny): OpenBLAS's threads, started as numpy is imported, would spin on the second core that
    the forked loader, workers and prepare child use (5.5% of a Reuters scan's samples, a one-off ``perf`` profile).
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def keep_freed_memory() -> None:
    """:func:`kept_heap` for the rest of the process, with room for larger arrays, for a command that allocates and
    frees the same large arrays batch after batch until it exits (``index add``): arrays up to 256 MiB come from the
    heap, not from a mapping of their own, and the heap is neither trimmed below 1 GiB nor grown by less than 64 MiB.
    A page freed and allocated again is then not zeroed and faulted in anew (Reuters x1's add: fewer page faults,
    ``benchmarks.index_add_cpu``; benchmarks/README.md, session 19). The forked children inherit it. A no-op where the
    C library is not glibc."""
    mallopt = _glibc_mallopt()
    if mallopt is not None:
        for option, value in _KEPT_FOR_GOOD:
            mallopt(option, value)


#: What :func:`keep_freed_memory` sets: ``(mallopt option, value)``.
_KEPT_FOR_GOOD = ((_M_MMAP_THRESHOLD, 256 << 20), (_M_TRIM_THRESHOLD, 1 << 30), (_M_TOP_PAD, 64 << 20))


def can_fork() -> bool:
    """Whether this platform has ``os.fork`` (not Windows)."""
    return hasattr(os, "fork")


def idle_core() -> bool:
    """Whether a forked child would likely get a processor of its own: the platform can fork, there are
    two processors or more, and fewer processes than processors were running over the last minute (load
    average). On a machine whose cores are all busy a child only adds processor time: forking is left to
    an explicit request there (``--workers``)."""
    processors = os.cpu_count() or 1
    if processors < 2 or not can_fork():
        return False
    try:
        return os.getloadavg()[0] < processors
    except (AttributeError, OSError):  # pragma: no cover - no load average on this platform
        return True


def shared_file(name: str) -> IO[bytes]:
    """An unlinked file in memory that a forked child shares (``memfd_create``, Linux), else an unlinked temporary
    file (``tempfile`` imported only then: with ``shutil``, ``random``, ``bz2`` and ``lzma``, 4-7 ms).

    Args:
        name: The name the kernel shows for it (``/proc/PID/fd``).
    """
    if hasattr(os, "memfd_create"):
        try:
            return open(os.memfd_create(name), "r+b", buffering=0)
        except OSError:  # a kernel or sandbox that refuses it
            pass
    import tempfile

    return tempfile.TemporaryFile()


#: Map every page of a child's result at once where the platform can (Linux).
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)


class ForkedCall:
    """``function()`` run in a forked child; :meth:`result` waits for the bytes it returned.

    The child writes them into a file in memory (:func:`shared_file`), says so through a pipe and leaves with
    ``os._exit`` (no clean-up, no flushing of the parent's buffers); the parent maps the file once the child has
    said it (a child that fails says nothing: the pipe ends), all its pages at once (``MAP_POPULATE``: one fault a
    page read, 23 k for the 94 MB of Reuters x10's loaded records, cost the parent ~20 ms), and reaps the child
    once it has left (:func:`_reap`): its memory given back took the parent's wait ~20 ms more at x10. (Through a
    pipe, the child waited for the parent to read, 64 KiB at a time, and the parent read into a growing buffer:
    Reuters' 7 MB of loaded records took 9-10 ms and 1,740 page faults of the parent's load.) Leaving the ``with``
    block without calling :meth:`result` kills and reaps the child.
    """

    def __init__(self, function: Callable[[], Any], pickled: bool = False) -> None:
        """Fork and start ``function`` in the child.

        Args:
            function: Work to do in the child; must return bytes, or with ``pickled`` any object that pickles.
            pickled: Whether the child pickles what ``function`` returns straight into the file (for
                :func:`pickle.loads` of :meth:`result`): no copy of the whole pickle in the child's memory first
                (Reuters x10's 94 MB of loaded records: 130 ms against 195 with ``pickle.dumps``, 8 k page faults
                against 31 k).

        Raises:
            OSError: The file or the fork could not be made.
        """
        _reap()
        self._file: IO[bytes] | None = shared_file("dedupe-forked-call")
        self._done, said = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            self._file.close()
            os.close(self._done)
            os.close(said)
            raise
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            status = 1
            try:
                if pickled:
                    with open(self._file.fileno(), "wb", closefd=False) as out:  # buffered: writes every byte
                        pickle.dump(function(), out, protocol=pickle.HIGHEST_PROTOCOL)
                else:
                    view = memoryview(function())
                    while view:
                        view = view[os.write(self._file.fileno(), view):]
                os.write(said, b"1")
                status = 0
            finally:
                os._exit(status)
        os.close(said)  # this process' copy: the pipe ends when the child does
        self._pid: int | None = pid

    def result(self) -> memoryview | None:
        """Wait for the child; the bytes it returned (a read-only view of the memory it wrote them to, no copy),
        or ``None`` if it failed."""
        if self._pid is None or self._file is None:
            return None
        done = os.read(self._done, 1) == b"1"
        if not done:  # it failed: gone, or going
            os.waitpid(self._pid, 0)
        else:
            _EXITING.append(self._pid)
            _reap()
        self._pid = None
        file, self._file = self._file, None
        with file:
            size = os.fstat(file.fileno()).st_size
            if not done:
                return None
            if not size:
                return memoryview(b"")
            return memoryview(mmap.mmap(file.fileno(), size, flags=mmap.MAP_SHARED | _POPULATE, prot=mmap.PROT_READ))

    def cancel(self) -> None:
        """Kill and reap the child if :meth:`result` was not called (else reap it if it has left)."""
        if self._pid is not None:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._done >= 0:
            os.close(self._done)
            self._done = -1
        _reap()  # a child done a while ago has left by now (its processor time then counts as a reaped child's)

    def __enter__(self) -> ForkedCall:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.cancel()


#: Children of :class:`ForkedCall` that said they were done but may not have left yet.
_EXITING: list[int] = []


def _reap() -> None:
    """Reap the :data:`_EXITING` children that have left (the others at a later call: a child that is giving back its
    memory is a zombie a moment, then, until reaped, an entry in the process table)."""
    for pid in list(_EXITING):
        try:
            left = os.waitpid(pid, os.WNOHANG)[0] == pid
        except ChildProcessError:  # reaped already (another waitpid, or SIGCHLD ignored)
            left = True
        if left:
            _EXITING.remove(pid)


class SharedArrays:
    """Room for arrays of given dtypes and largest lengths in anonymous memory that a forked child shares:
    the child :meth:`put` s its arrays there, this process :meth:`get` s them back (views, no copy).

    Example:
        >>> import numpy as np
        >>> shared = SharedArrays((np.int64,), (3,))
        >>> with ForkedCall(lambda: shared.put([np.arange(3)])) as child:
        ...     shared.get(child.result())[0].tolist()
        [0, 1, 2]
    """

    def __init__(self, dtypes: Sequence[type[np.generic]], lengths: Sequence[int]) -> None:
        """Map the room (memory pages are taken only as they are written).

        Args:
            dtypes: The arrays' element types, in order.
            lengths: The most elements each array can hold.
        """
        import mmap

        import numpy  # here: this module stays importable without numpy

        self._numpy = numpy
        self.dtypes = [numpy.dtype(d) for d in dtypes]
        sizes = [-(-length * d.itemsize // 8) * 8 for d, length in zip(self.dtypes, lengths)]  # 8-byte aligned
        self.starts = [sum(sizes[:i]) for i in range(len(sizes))]
        self.memory = mmap.mmap(-1, max(1, sum(sizes)))  # MAP_SHARED: what the child writes, this process sees

    def put(self, arrays: Sequence[np.ndarray]) -> bytes:
        """Copy ``arrays`` in (in the child); their lengths, as bytes for :meth:`get`."""
        for view, array in zip(self._views([a.size for a in arrays]), arrays):
            view[:] = array
        return b"".join(int(a.size).to_bytes(8, "little") for a in arrays)

    def get(self, lengths: bytes | memoryview) -> list[np.ndarray]:
        """The arrays :meth:`put` copied in, as views of the shared memory."""
        return self._views([int.from_bytes(lengths[i:i + 8], "little") for i in range(0, len(lengths), 8)])

    def _views(self, lengths: Sequence[int]) -> list[np.ndarray]:
        return [self._numpy.frombuffer(self.memory, dtype=d, count=n, offset=start)
                for d, n, start in zip(self.dtypes, lengths, self.starts)]


R = TypeVar("R")


def in_two(function: Callable[[Sequence[T]], list[R]], items: Sequence[T], weight: Callable[[T], int] | None = None,
           minimum: int = 200_000) -> list[R]:
    """``function(items)`` with the second half of the items done in a forked child, on a second core.

    ``function`` must map each item on its own, in order (one result per item), so that the halves
    joined are what one call gives. The child's results come back pickled through :class:`ForkedCall`'s shared
    file; when the work is smaller than ``minimum``, no core is idle (:func:`idle_core`), or the child
    fails, this process does it all, so the outcome never depends on the child.

    Args:
        function: Maps a sequence of items to their results, in order.
        items: The items.
        weight: Cost of an item (default 1 each): the halves are cut at half the total weight.
        minimum: Total weight below which no child is started (the fork and the pickling cost more).

    Returns:
        ``function(items)``.
    """
    weights = [weight(item) for item in items] if weight else [1] * len(items)
    total = sum(weights)
    if total < minimum or len(items) < 2 or not idle_core():
        return function(items)
    middle, running = 0, 0
    while middle < len(items) - 1 and running + weights[middle] <= total // 2:
        running += weights[middle]
        middle += 1
    middle = max(middle, 1)
    second = items[middle:]
    with ForkedCall(lambda: function(second), pickled=True) as child:
        first = function(items[:middle])
        data = child.result()
    return first + (pickle.loads(data) if data is not None else function(second))
