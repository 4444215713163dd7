"""Run one function in a forked child process while the parent goes on with other work.

The loader and the scan use it to put the second processor core to work on large corpora: the child
inherits everything (the corpus, the fingerprints) without copying, and sends back only its result,
as bytes, through a pipe. A child that fails gives ``None``; callers then do the work themselves, so
the outcome never depends on whether the child ran.

Example:
    >>> with ForkedCall(lambda: b"done") as child:  # doctest: +SKIP
    ...     other_work()
    ...     child.result()
    b'done'
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from types import TracebackType


def can_fork() -> bool:
    """Whether this platform has ``os.fork`` (not Windows)."""
    return hasattr(os, "fork")


class ForkedCall:
    """``function()`` run in a forked child; :meth:`result` waits for the bytes it returned.

    The child leaves with ``os._exit`` (no clean-up, no flushing of the parent's buffers). Leaving the
    ``with`` block without calling :meth:`result` kills and reaps the child.
    """

    def __init__(self, function: Callable[[], bytes]) -> None:
        """Fork and start ``function`` in the child.

        Args:
            function: Work to do in the child; must return bytes.

        Raises:
            OSError: The pipe or the fork could not be made.
        """
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            status = 1
            try:
                os.close(read_end)
                payload = function()
                with os.fdopen(write_end, "wb") as out:
                    out.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid: int | None = pid
        self._read_end = read_end

    def result(self) -> bytes | None:
        """Wait for the child; its bytes, or ``None`` if it failed."""
        if self._pid is None:
            return None
        with os.fdopen(self._read_end, "rb") as source:
            data = source.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return data if status == 0 else None

    def cancel(self) -> None:
        """Kill and reap the child if :meth:`result` was not called."""
        if self._pid is None:
            return
        os.close(self._read_end)
        os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)
        self._pid = None

    def __enter__(self) -> ForkedCall:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.cancel()
