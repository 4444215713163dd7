"""The options of the scan stage (:class:`ScanConfig`), apart from the stage itself: a command checks them
before it loads anything, without importing numpy."""

from __future__ import annotations

from dataclasses import dataclass

from dedupe.errors import ConfigError

__all__ = ["BACKENDS", "ScanConfig"]

BACKENDS = ("numpy", "datasketch")


@dataclass(frozen=True)
class ScanConfig:
    """Options of the scan stage.

    Attributes:
        threshold: Jaccard similarity or containment (on shingles) from which two documents are
            near-duplicates; also the least rapidfuzz similarity of a passage chained across edits.
        min_words: Shortest shared passage reported, in tokens (a CJK character counts as one).
        ngram: Tokens per shingle.
        num_perm: MinHash signature length.
        seed: Seed of the MinHash hashing (output is the same for the same seed).
        boilerplate_docs: A passage found in at least this many documents is boilerplate, reported
            once as a finding of kind ``boilerplate``; 0 never treats a passage as boilerplate.
        workers: Processes for fingerprinting (``None``: one); with 1, nothing runs in a forked process or
            a second thread either (``None``: on large corpora, half the fingerprints (a second thread of
            the compiled loop, else a forked child) and the LSH stage do when a processor is idle,
            :func:`~dedupe.runtime.idle_core`).
        backend: ``"numpy"`` bands signatures in bulk; ``"datasketch"`` inserts them in a ``MinHashLSH``.
        passages: Look for shared passages (repeat, reuse, boilerplate, and containment of a trimmed
            copy); ``False`` finds near-duplicate documents by Jaccard similarity only, faster.
    """

    threshold: float = 0.8
    min_words: int = 8
    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    boilerplate_docs: int = 10
    workers: int | None = None
    backend: str = "numpy"
    passages: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.min_words < 1:
            raise ConfigError(f"min-words must be at least 1, got {self.min_words}")
        if not 1 <= self.ngram <= 64:
            raise ConfigError(f"ngram must be in [1, 64], got {self.ngram}")
        if not 2 <= self.num_perm <= 4096:
            raise ConfigError(f"num-perm must be in [2, 4096], got {self.num_perm}")
        if self.boilerplate_docs < 0 or self.boilerplate_docs == 1:
            raise ConfigError(f"boilerplate-docs must be 0 (off) or at least 2, got {self.boilerplate_docs}")
        if self.workers is not None and self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers}")
        if self.backend not in BACKENDS:
            raise ConfigError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
