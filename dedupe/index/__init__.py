"""Stage ``index``: an embedded SQLite index of everything already ingested, to check each new batch against.

:mod:`~dedupe.index.keys` (band and passage keys from the scan's own code) -> :mod:`~dedupe.index.prepare`
(what ``add`` computes, one batch ahead; texts compressed as :mod:`~dedupe.index.texts` says) ->
:mod:`~dedupe.index.store` (the SQLite file, laid out as :mod:`~dedupe.index.schema` says; its keys in sorted
segments, :mod:`~dedupe.index.segments`, counted by key range in :mod:`~dedupe.index.range_counts`; documents
read back by :mod:`~dedupe.index.stored`) ->
:mod:`~dedupe.index.query` (``scan --against``) and :mod:`~dedupe.index.origin` (probable origin of reused text,
credits).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dedupe.index.keys import IndexParams
from dedupe.index.schema import index_exists
from dedupe.index.store import AddResult, Index, IndexInfo, add_to, open_index

if TYPE_CHECKING:
    from dedupe.index.query import AgainstResult, scan_against

__all__ = ["AddResult", "AgainstResult", "Index", "IndexInfo", "IndexParams", "add_to", "index_exists", "open_index",
           "scan_against"]


def __getattr__(name: str) -> Any:
    """``scan_against`` and ``AgainstResult``, imported on first use: ``index add`` never needs the scan's
    passage stage (rapidfuzz) that :mod:`~dedupe.index.query` imports."""
    if name in ("AgainstResult", "scan_against"):
        from dedupe.index import query

        return getattr(query, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
