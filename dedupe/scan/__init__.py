"""Stage 3: repeats inside a document, passages reused across documents, near-duplicate documents.

Word shingles (:mod:`~dedupe.scan.shingle`) -> MinHash signatures and LSH bands
(:mod:`~dedupe.scan.minhash`) -> exact verification (:mod:`~dedupe.scan.verify`) -> shared passages located
(:mod:`~dedupe.scan.passages`) -> findings (:mod:`~dedupe.scan.near_dup`).
"""

from __future__ import annotations

from dedupe.scan.near_dup import DocumentPair, Finding, Occurrence, ScanConfig, ScanResult, ScanStats, scan

__all__ = ["DocumentPair", "Finding", "Occurrence", "ScanConfig", "ScanResult", "ScanStats", "scan"]
