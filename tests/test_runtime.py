"""dedupe.runtime.ForkedCall: bytes back from a forked child, None when it fails, a clean cancel."""

from __future__ import annotations

import os

import pytest

from dedupe.runtime import ForkedCall, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="no os.fork on this platform")


def test_the_child_sees_the_parents_data_and_sends_bytes_back() -> None:
    data = list(range(100_000))  # inherited by the child, not sent to it
    with ForkedCall(lambda: str(sum(data)).encode() * 20_000) as child:  # more than a pipe buffer holds
        parent = os.getpid()
        assert child.result() == str(sum(data)).encode() * 20_000
    assert os.getpid() == parent and child.result() is None  # collected once


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
