"""Merges of a level-0 tier computed ahead, while ``index add``'s writer waits for its next batch.

The batch that completes a tier of :data:`~dedupe.index.segments.MERGE_FANOUT` level-0 segments merges them
inside its transaction (Reuters x1: the 8th batch, 2.2 M passage and 2.2 M shingle rows), near the end of the
add, where the child that prepares batches has little left to do and the writer's merge is the add's tail.
Yet the writer wrote the tier's first seven segments itself and still holds them: :class:`Premerges` keeps
them, and once a tier is one segment short of full, merges those seven in a thread (the compiled merge
releases the interpreter lock) while the writer commits and waits for the child's next batch. The batch
that completes the tier then merges two parts, the seven merged and its own, instead of reading seven back
and merging eight.

The merged rows are the same either way: a merge is the sorted multiset of every part's rows, each shifted
to the smallest base, whatever the order parts meet in (:func:`~dedupe.index.keys.merge_rows`), so the
statements and the file are as before. A premerge is used only for exactly the segments it was computed from
(their ids, bases and row counts, checked by :mod:`dedupe.index.segments`), and only when no other connection
committed since this one's last commit (``PRAGMA data_version``): another process adding to the index
meanwhile leaves the writer reading the tier back, as before.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence

from dedupe.scan.shingle import I64

Segment = tuple[int, I64]  # (base, packed rows)


class Premerges:
    """The level-0 segments one ``add`` wrote, per kind, and the merge of a tier one short of full.

    Args:
        fanout: Segments of a level merged into one of the next (``segments.MERGE_FANOUT``).
    """

    def __init__(self, fanout: int) -> None:
        self.fanout = fanout
        self.kept: dict[int, dict[int, Segment]] = {}  # kind -> segment id -> (base, packed)
        # kind -> ((segment, base, rows) of each part, the thread, its result once done)
        self.pending: dict[int, tuple[tuple[tuple[int, int, int], ...], threading.Thread, list[Segment]]] = {}
        self.version: int | None = None  # data_version after this connection's last commit
        self.used = 0  # premerges taken by a write (for the tests)

    def keep(self, kind: int, segment: int, rows: Segment) -> None:
        """Note the level-0 segment ``segment`` of ``kind`` just inserted, with its rows."""
        self.kept.setdefault(kind, {})[segment] = rows

    def tier(self, kind: int, stored: Sequence[int], merge: Callable[[list[Segment]], Segment]) -> None:
        """After a write: ``stored`` are the level-0 segments of ``kind`` now (in order). Forget any other
        kept; when the tier is one short of full and every segment of it kept, ``merge`` them in a thread."""
        kept = self.kept.get(kind, {})
        for segment in [s for s in kept if s not in stored]:
            del kept[segment]
        if kind in self.pending:
            self.pending.pop(kind)[1].join()  # not taken: the tier changed otherwise
        if len(stored) != self.fanout - 1 or any(s not in kept for s in stored):
            return
        parts = [kept[s] for s in stored]
        described = tuple((s, base, int(rows.size)) for s, (base, rows) in zip(stored, parts))
        box: list[Segment] = []

        def run() -> None:
            try:
                box.append(merge(parts))
            except OverflowError:  # the write's own merge raises it, as before
                pass

        thread = threading.Thread(target=run, name="dedupe-premerge", daemon=True)
        thread.start()
        self.pending[kind] = (described, thread, box)

    def take(self, kind: int, stored: Sequence[tuple[int, int, int]]) -> Segment | None:
        """The merge computed ahead (waiting for it) of exactly the stored segments ``(segment, base, rows)``
        of ``kind``, else ``None``."""
        pending = self.pending.pop(kind, None)
        if pending is None:
            return None
        pending[1].join()
        if pending[0] != tuple(map(tuple, stored)) or not pending[2]:
            return None
        self.used += 1
        return pending[2][0]

    def committed(self, db: sqlite3.Connection) -> None:
        """After this connection's commit."""
        self.version = _data_version(db)

    def check(self, db: sqlite3.Connection) -> None:
        """Inside the next write transaction: forget everything if another connection committed meanwhile."""
        if self.version is not None and _data_version(db) != self.version:
            self.clear()

    def clear(self) -> None:
        """Forget the kept segments and the premerges (waiting for those running)."""
        for _, thread, _ in self.pending.values():
            thread.join()
        self.pending.clear()
        self.kept.clear()


def _data_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA data_version").fetchone()[0])
