"""Stage 5: claims compared across outlets: agreement, divergence (with reasons), unique.

Claims (:mod:`~dedupe.compare.claims`) -> entity table (:mod:`~dedupe.compare.entities`) -> pair features
(:mod:`~dedupe.compare.features`) -> alignment (:mod:`~dedupe.compare.align`) -> divergence reasons
(:mod:`~dedupe.compare.divergence`, optional NLI :mod:`~dedupe.compare.nli`) -> claim groups
(:mod:`~dedupe.compare.groups`).
"""

from __future__ import annotations

from dedupe.compare.groups import STATUSES, ClaimGroup, CompareConfig, CompareResult, compare_corpus

__all__ = ["STATUSES", "ClaimGroup", "CompareConfig", "CompareResult", "compare_corpus"]
