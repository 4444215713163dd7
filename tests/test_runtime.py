"""dedupe.runtime.ForkedCall: bytes back from a forked child (through memory, or a temporary file), None when it
fails, a clean cancel; SharedArrays."""

from __future__ import annotations

import os

import pytest

from dedupe.runtime import ForkedCall, SharedArrays, can_fork, idle_core

pytestmark = pytest.mark.skipif(not can_fork(), reason="no os.fork on this platform")


def test_the_child_sees_the_parents_data_and_sends_bytes_back() -> None:
    data = list(range(100_000))  # inherited by the child, not sent to it
    with ForkedCall(lambda: str(sum(data)).encode() * 20_000) as child:  # more than a pipe buffer holds
        parent = os.getpid()
        assert child.result() == str(sum(data)).encode() * 20_000
    assert os.getpid() == parent and child.result() is None  # collected once


def test_bytes_come_back_through_a_temporary_file_where_memfd_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(name: str, flags: int = 0) -> int:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "memfd_create", refused, raising=False)
    with ForkedCall(lambda: b"x" * 100_000 + b"end") as child:
        assert child.result() == b"x" * 100_000 + b"end"
    with ForkedCall(lambda: b"") as child:
        assert child.result() == b""


def test_a_failing_child_gives_none() -> None:
    def fails() -> bytes:
        raise ValueError("boom")

    with ForkedCall(fails) as child:
        assert child.result() is None


def test_leaving_the_block_without_the_result_kills_and_reaps_the_child() -> None:
    read_end, write_end = os.pipe()

    def forever() -> bytes:
        os.write(write_end, str(os.getpid()).encode() + b"\n")
        while True:
            pass

    with ForkedCall(forever):
        with os.fdopen(read_end, "rb") as source:
            pid = int(source.readline())
    os.close(write_end)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


def test_a_child_that_said_it_was_done_is_reaped_once_it_has_left_by_the_end_of_the_block() -> None:
    """result() does not wait for the child to leave (its memory given back); the block's end reaps it if it has."""
    import time

    read_end, write_end = os.pipe()
    with ForkedCall(lambda: os.write(write_end, str(os.getpid()).encode() + b"\n") and b"done") as child:
        assert bytes(child.result() or b"") == b"done"
        with os.fdopen(read_end, "rb") as source:
            pid = int(source.readline())
        for _ in range(1000):  # until the child is a zombie (it has left, not been reaped)
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            time.sleep(0.01)
    os.close(write_end)
    with pytest.raises(ChildProcessError):  # reaped by the block
        os.waitpid(pid, os.WNOHANG)


def test_a_signal_while_waiting_for_the_result_leaves_the_block_with_its_own_exception() -> None:
    """SIGTERM's handler raises while result() reads: the child is killed and reaped, and no second close of
    the read end turns the command's 'terminated' into an internal EBADF error."""
    import signal
    import time

    class Stopped(Exception):
        pass

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    def slow() -> bytes:
        time.sleep(30)
        return b"late"

    previous = signal.signal(signal.SIGALRM, stop)
    try:
        started = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(Stopped):
            with ForkedCall(slow) as child:
                child.result()
        assert time.monotonic() - started < 10
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_shared_arrays_come_back_from_a_forked_child() -> None:
    import numpy as np

    shared = SharedArrays((np.int64, np.uint64, np.int32), (5, 1000, 3))
    sent = [np.arange(5), np.arange(1000, dtype=np.uint64) * np.uint64(2**40), np.array([-1, 7], dtype=np.int32)]
    with ForkedCall(lambda: shared.put(sent)) as child:
        lengths = child.result()
    assert lengths is not None
    back = shared.get(lengths)
    assert [a.dtype for a in back] == [np.int64, np.uint64, np.int32]
    assert all(np.array_equal(a, b) for a, b in zip(back, sent))


@pytest.mark.parametrize(("processors", "load", "idle"),
                         [(2, 0.3, True), (2, 1.9, True), (2, 2.5, False), (1, 0.0, False)])
def test_a_core_counts_as_idle_when_fewer_processes_ran_than_there_are_processors(
        monkeypatch: pytest.MonkeyPatch, processors: int, load: float, idle: bool) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: processors)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert idle_core() is idle


def test_in_two_maps_the_second_half_in_a_child_with_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe.runtime import in_two

    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))  # as on an idle machine

    parent = os.getpid()
    items = list(range(1, 41))
    done = in_two(lambda part: [(item * item, os.getpid()) for item in part], items, weight=lambda item: item,
                  minimum=0)
    assert [value for value, _ in done] == [item * item for item in items]
    pids = [pid for _, pid in done]
    assert pids[0] == parent and pids[-1] != parent  # the last items were done in the child
    cut = pids.index(pids[-1])
    assert sum(items[:cut]) <= sum(items) // 2 < sum(items[:cut + 1])  # cut at half the weight


def test_in_two_does_it_all_here_below_the_minimum_or_when_the_child_fails() -> None:
    from dedupe.runtime import in_two

    parent = os.getpid()
    assert in_two(lambda part: [os.getpid() for _ in part], list(range(10)), minimum=11) == [parent] * 10

    def fails_in_child(part: object) -> list[int]:
        if os.getpid() != parent:
            raise ValueError("boom")
        return [os.getpid() for _ in part]  # type: ignore[attr-defined]

    assert in_two(fails_in_child, list(range(10)), minimum=0) == [parent] * 10


_MAPPED_BLOCKS = """
import ctypes, sys
from dedupe.runtime import kept_heap

class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

info = ctypes.CDLL(None).mallinfo2
info.restype = Info
before = info().hblks
if sys.argv[1] == "inside":
    with kept_heap():
        buffer = bytearray(16 << 20)
elif sys.argv[1] == "after":
    with kept_heap():
        pass
    buffer = bytearray(16 << 20)
else:
    buffer = bytearray(16 << 20)
print(info().hblks - before)
"""


def _glibc_with_mallinfo2() -> bool:
    import ctypes

    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc") and hasattr(ctypes.CDLL(None), "mallinfo2")
    except (AttributeError, ValueError, OSError):
        return False


def _mapped_blocks(where: str) -> int:
    """Blocks glibc mapped from the system for one 16 MiB allocation, in a fresh process."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _MAPPED_BLOCKS, where], capture_output=True, text=True, check=True)
    return int(done.stdout)


@pytest.mark.skipif(not _glibc_with_mallinfo2(), reason="glibc 2.33 or later only")
def test_kept_heap_serves_large_arrays_from_the_heap_and_restores_the_defaults() -> None:
    assert _mapped_blocks("plain") == 1  # glibc's default: 128 KiB and more is mapped
    assert _mapped_blocks("inside") == 0
    assert _mapped_blocks("after") == 1


def test_kept_heap_is_a_no_op_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe import runtime

    monkeypatch.setattr(runtime, "_glibc_mallopt", lambda: None)
    with runtime.kept_heap() as kept:
        assert kept is False


def test_kept_heap_sets_and_restores_even_on_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe import runtime

    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(runtime, "_glibc_mallopt", lambda: lambda option, value: calls.append((option, value)) or 1)
    with pytest.raises(ValueError), runtime.kept_heap() as kept:
        assert kept is True
        raise ValueError("boom")
    assert calls == [(-3, runtime.KEPT_MMAP_THRESHOLD), (-1, runtime.KEPT_TRIM_THRESHOLD), (-3, 128 * 1024),
                     (-1, 128 * 1024)]


_FAULTS_OF_REALLOCATIONS = """
import ctypes, resource, sys
ctypes.CDLL(None).prctl(41, 1, 0, 0, 0)  # PR_SET_THP_DISABLE: 4 KiB pages, whatever huge pages the kernel has free
import numpy as np
if sys.argv[1] == "kept":
    from dedupe.runtime import keep_freed_memory
    keep_freed_memory()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    array = np.ones(6 << 20)  # 48 MiB: past glibc's largest automatic mmap threshold (32 MiB), a mapping of its own
    del array
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(not hasattr(os, "confstr") or "CS_GNU_LIBC_VERSION" not in os.confstr_names,
                    reason="glibc's malloc only")
def test_keep_freed_memory_reuses_freed_pages_instead_of_faulting_them_in_again() -> None:
    import subprocess
    import sys

    faults = {how: int(subprocess.run([sys.executable, "-c", _FAULTS_OF_REALLOCATIONS, how], check=True,
                                      capture_output=True, text=True).stdout)
              for how in ("default", "kept")}
    # By default each array is mapped anew and every page of it zeroed and faulted in; kept, the first array's pages
    # are faulted in, then the same heap is reused (122,890 vs 12,288 faults here). Huge pages are off: where the
    # kernel had them free, the default's arrays took 251 faults and the test failed (review26: full suite, 534 kept).
    assert faults["kept"] * 4 < faults["default"]
