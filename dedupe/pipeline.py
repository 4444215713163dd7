"""Run the stages in order, each under a timer: load -> segment -> (scan, compare, figures).

The CLI calls these functions; they never print. A ``progress`` callable lets the caller show a
progress bar: it receives a stage label and a sequence and returns an iterable over the same items.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, TypeVar

from dedupe.corpus import Corpus, LoadOptions, load_corpus
from dedupe.segment import SegmentedDocument, segment_document

T = TypeVar("T")
Progress = Callable[[str, Sequence[T]], Iterable[T]]


def no_progress(label: str, items: Sequence[T]) -> Iterable[T]:
    """The default progress callable: iterate silently."""
    return items


@dataclass
class StageTimer:
    """Wall-clock seconds per stage, in the order the stages ran."""

    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, stage: str, func: Callable[[], T]) -> T:
        """Run ``func`` and add its duration to ``stage``."""
        began = time.perf_counter()
        try:
            return func()
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - began


@dataclass(frozen=True)
class PreparedCorpus:
    """A loaded and segmented corpus: the input of every analysis stage."""

    corpus: Corpus
    documents: tuple[SegmentedDocument, ...]


def prepare(paths: Sequence[str], options: LoadOptions | None = None, stdin: BinaryIO | None = None,
            progress: Progress = no_progress, timer: StageTimer | None = None) -> PreparedCorpus:
    """Load and segment a corpus.

    Args:
        paths: Inputs as for :func:`dedupe.corpus.load_corpus`.
        options: Load options.
        stdin: Stream read for ``-``.
        progress: Progress callable for the segmentation loop.
        timer: Collects the time of each stage when given.

    Returns:
        The corpus and its segmented documents, in load order.

    Raises:
        InputError: As :func:`dedupe.corpus.load_corpus`.
    """
    timer = timer or StageTimer()
    corpus = timer.run("load", lambda: load_corpus(paths, options, stdin))
    documents = timer.run("segment", lambda: tuple(
        segment_document(doc) for doc in progress("segment", corpus.documents)))
    return PreparedCorpus(corpus, documents)


@dataclass(frozen=True)
class CorpusSummary:
    """What ``dedupe info`` reports: counts per outlet, sizes, and skipped inputs."""

    documents: int
    outlets: tuple[tuple[str, int], ...]
    sentences: int
    paragraphs: int
    characters: int
    dates: tuple[str, str] | None
    per_document: tuple[dict[str, object], ...]
    skipped: tuple[dict[str, object], ...]


def summarize(prepared: PreparedCorpus) -> CorpusSummary:
    """Summarise a prepared corpus (outlets sorted by count, then name)."""
    docs = prepared.documents
    outlets = Counter(d.doc.outlet for d in docs)
    dates = sorted(d.doc.date_text for d in docs if d.doc.date_text and not isinstance(d.doc.date, str))
    return CorpusSummary(
        documents=len(docs),
        outlets=tuple(sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))),
        sentences=sum(len(d.sentences) for d in docs),
        paragraphs=sum(len(d.paragraphs) for d in docs),
        characters=sum(len(d.doc.text) for d in docs),
        dates=(dates[0], dates[-1]) if dates else None,
        per_document=tuple({"id": d.doc.id, "outlet": d.doc.outlet, "date": d.doc.date_text,
                            "title": d.doc.title, "url": d.doc.url, "origin": str(d.doc.origin),
                            "paragraphs": len(d.paragraphs), "sentences": len(d.sentences),
                            "characters": len(d.doc.text)} for d in docs),
        skipped=tuple({"path": s.path, "line": s.line, "reason": s.reason} for s in prepared.corpus.skipped),
    )
