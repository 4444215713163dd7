"""Stage 5: claims compared across outlets: agreement, divergence (with reasons), unique.

Claims (:mod:`~dedupe.compare.claims`) -> entity table (:mod:`~dedupe.compare.entities`) -> pair features
(:mod:`~dedupe.compare.features`) -> alignment (:mod:`~dedupe.compare.align`; headlines and leads join the group of
their own document's claim they restate: :mod:`~dedupe.compare.summaries`) -> divergence reasons
(:mod:`~dedupe.compare.divergence`, optional NLI :mod:`~dedupe.compare.nli`) -> claim groups
(:mod:`~dedupe.compare.groups`), with count groups (:mod:`~dedupe.compare.counts`) and fact groups
(:mod:`~dedupe.compare.facts`) beside the wording groups.

The names below are loaded on first use, so that a light submodule (``dedupe.compare.entities``, which
:mod:`dedupe.stories` reads names with) does not pull in the embedding stack.
"""

from __future__ import annotations

from typing import Any

__all__ = ["STATUSES", "ClaimGroup", "CompareConfig", "CompareResult", "compare_corpus"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from dedupe.compare import groups

        return getattr(groups, name)
    raise AttributeError(f"module 'dedupe.compare' has no attribute {name!r}")
