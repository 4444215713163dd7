"""Stage 3: repeats inside a document, passages reused across documents, near-duplicate documents.

Word shingles (:mod:`~dedupe.scan.shingle`) -> MinHash signatures and LSH bands
(:mod:`~dedupe.scan.minhash`) -> exact verification (:mod:`~dedupe.scan.verify`) -> shared passages located
(:mod:`~dedupe.scan.passages`) -> findings (:mod:`~dedupe.scan.near_dup`). The options are in
:mod:`~dedupe.scan.config`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dedupe.scan.config import ScanConfig
    from dedupe.scan.near_dup import DocumentPair, Finding, Occurrence, ScanResult, ScanStats, scan

__all__ = ["DocumentPair", "Finding", "Occurrence", "ScanConfig", "ScanResult", "ScanStats", "scan"]


def __getattr__(name: str) -> Any:
    """The names of :mod:`~dedupe.scan.near_dup`, imported on first use: a command imports
    :mod:`~dedupe.scan.config` to check its options before loading, without numpy."""
    if name == "ScanConfig":
        from dedupe.scan.config import ScanConfig

        return ScanConfig
    if name in __all__:
        from dedupe.scan import near_dup

        return getattr(near_dup, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
