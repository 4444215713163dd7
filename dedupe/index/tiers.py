"""The level-0 segments ``index add``'s writer wrote, kept in memory for the merge that completes their tier.

The batch that completes a tier of :data:`~dedupe.index.segments.MERGE_FANOUT` level-0 segments merges them
inside its transaction (Reuters x1: the 8th batch, 2.2 M passage and 2.2 M shingle rows), near the end of the
add, where the child that prepares batches has little left to do and the writer's merge is the add's tail.
The writer wrote the tier's first seven segments itself: :class:`KeptTiers` keeps their rows, and that merge
takes them from memory instead of reading 2 x 15 MB of blobs back through SQLite (Reuters x1: 18 ms of the
8th batch's write, on the path the add waits for).

The rows are the ones the file holds, so the merge and the file are as before. Kept rows are used only for
exactly the segments they were written as (their ids, bases and row counts, checked by
:func:`KeptTiers.take`), and only while no other connection committed since this one's last commit
(``PRAGMA data_version``): another process adding to the index meanwhile leaves the writer reading the tier
back, as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from dedupe.scan.shingle import I64

Segment = tuple[int, I64]  # (base, packed rows)


class KeptTiers:
    """The level-0 segments one ``add`` wrote and that are still stored, per kind."""

    def __init__(self) -> None:
        self.kept: dict[int, dict[int, Segment]] = {}  # kind -> segment id -> (base, packed)
        self.version: int | None = None  # data_version after this connection's last commit
        self.used = 0  # tiers taken from memory (for the tests)

    def keep(self, kind: int, segment: int, rows: Segment) -> None:
        """Note the level-0 segment ``segment`` of ``kind`` just inserted, with its rows."""
        self.kept.setdefault(kind, {})[segment] = rows

    def tier(self, kind: int, stored: Sequence[int]) -> None:
        """After a write: ``stored`` are the level-0 segments of ``kind`` now; forget any other."""
        kept = self.kept.get(kind, {})
        for segment in [s for s in kept if s not in stored]:
            del kept[segment]

    def take(self, kind: int, stored: Sequence[tuple[int, int, int]]) -> list[Segment] | None:
        """The rows of the stored segments ``(segment, base, rows)`` of ``kind``, when every one is kept as
        written (the same base and row count), else ``None``."""
        kept = self.kept.get(kind, {})
        parts = [kept.get(segment) for segment, _, _ in stored]
        if any(part is None or (part[0], int(part[1].size)) != (base, rows)
               for part, (_, base, rows) in zip(parts, stored)):
            return None
        self.used += 1
        return [part for part in parts if part is not None]

    def committed(self, db: sqlite3.Connection) -> None:
        """After this connection's commit."""
        self.version = _data_version(db)

    def check(self, db: sqlite3.Connection) -> None:
        """Inside the next write transaction: forget everything if another connection committed meanwhile."""
        if self.version is not None and _data_version(db) != self.version:
            self.clear()

    def clear(self) -> None:
        """Forget the kept segments."""
        self.kept.clear()


def _data_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA data_version").fetchone()[0])
