"""Stage ``index``: an embedded SQLite index of everything already ingested, to check each new batch against.

:mod:`~dedupe.index.keys` (band and passage keys from the scan's own code) -> :mod:`~dedupe.index.prepare`
(what ``add`` computes, one batch ahead) -> :mod:`~dedupe.index.store` (the SQLite file; its keys in sorted
segments, :mod:`~dedupe.index.segments`) -> :mod:`~dedupe.index.query` (``scan --against``) and
:mod:`~dedupe.index.origin` (probable origin of reused text, credits).
"""

from __future__ import annotations

from dedupe.index.keys import IndexParams
from dedupe.index.query import AgainstResult, scan_against
from dedupe.index.store import AddResult, Index, IndexInfo, open_index

__all__ = ["AddResult", "AgainstResult", "Index", "IndexInfo", "IndexParams", "open_index", "scan_against"]
