"""WAL checkpoints of an index file in a thread beside the writer (``index add``).

In WAL mode every commit appends its pages to the ``-wal`` file, and a checkpoint copies them into the
database. Run by the writer (SQLite's automatic checkpoint, inside a commit, or the last one when the
connection closes) the copy stops the writing meanwhile: Reuters x1 leaves ~90 MB of WAL whose checkpoint
took 0.1 s of the add's 1.6 s on close. :class:`Checkpointer` runs passive checkpoints on its own connection
in a thread after each commit (``sqlite3`` releases the interpreter lock while SQLite works), so that the
copying overlaps the writing of the next batches, and the writer's last checkpoint finds little left.

A passive checkpoint never blocks the writer and copies only committed pages; the database ends the same
page for page whoever copies them, when. A process killed during a checkpoint leaves a WAL that the next
connection copies again (SQLite's recovery): the index keeps whole batches only.

Example:
    >>> with Checkpointer(path) as wal:   # doctest: +SKIP
    ...     for batch in batches:
    ...         write(batch)               # one transaction
    ...         wal.committed()            # a checkpoint runs in the thread meanwhile
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class Checkpointer:
    """A thread that runs ``PRAGMA wal_checkpoint(PASSIVE)`` on its own connection whenever
    :meth:`committed` was called since its last checkpoint; stopped (and joined) on leaving the ``with`` block.

    Args:
        path: The index file (in WAL mode already).
    """

    def __init__(self, path: str | Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60.0)
        self._wanted = threading.Event()
        self._stopping = False
        self.error: sqlite3.Error | None = None  # the error that stopped the thread, raised on leaving
        self.checkpoints = 0  # checkpoints run
        self._thread = threading.Thread(target=self._run, name="dedupe-wal-checkpoint", daemon=True)

    def __enter__(self) -> Checkpointer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping = True
        self._wanted.set()
        self._thread.join()
        self._connection.close()
        if self.error is not None and exc[0] is None:
            raise self.error

    def committed(self) -> None:
        """Note a commit: the thread checkpoints once it is done with the checkpoint it runs, if any."""
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            try:
                self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.checkpoints += 1
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):  # busy: the next commit's checkpoint
                    self.error = exc
                    return
            except sqlite3.Error as exc:
                self.error = exc
                return
