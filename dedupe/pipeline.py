"""Run the stages in order, each under a timer: load -> segment -> (scan, compare, figures).

The CLI calls these functions; they never print. A ``progress`` callable lets the caller show a
progress bar: it receives a stage label and a sequence and returns an iterable over the same items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from dedupe.corpus.load import Corpus, Document, LoadOptions, load_corpus
from dedupe.errors import ConfigError, InputError
from dedupe.runtime import Progress, StageTimer, no_progress
from dedupe.segment import SegmentedDocument, segment_document

if TYPE_CHECKING:  # the stages import heavy libraries (torch, onnxruntime): loaded only when run
    from dedupe.compare.groups import CompareConfig, CompareResult
    from dedupe.embed.encoder import Encoder
    from dedupe.figures.discrepancies import Discrepancy
    from dedupe.figures.extract import Figure
    from dedupe.scan.near_dup import ScanConfig, ScanResult
    from dedupe.stories import Story, StoryConfig


@dataclass(frozen=True)
class PreparedCorpus:
    """A loaded and segmented corpus: the input of every analysis stage."""

    corpus: Corpus
    documents: tuple[SegmentedDocument, ...]


def prepare(paths: Sequence[str], options: LoadOptions | None = None, stdin: BinaryIO | None = None,
            progress: Progress = no_progress, timer: StageTimer | None = None) -> PreparedCorpus:
    """Load and segment a corpus.

    Args:
        paths: Inputs as for :func:`dedupe.corpus.load.load_corpus`.
        options: Load options.
        stdin: Stream read for ``-``.
        progress: Progress callable for the segmentation loop.
        timer: Collects the time of each stage when given.

    Returns:
        The corpus and its segmented documents, in load order.

    Raises:
        InputError: As :func:`dedupe.corpus.load.load_corpus`.
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


# --- dedupe report: every stage in one run (owner: report) -------------------------------------------

#: The analysis stages ``run_report`` can run, in order.
REPORT_STAGES = ("scan", "compare", "figures")


@dataclass(frozen=True)
class ReportConfig:
    """What ``dedupe report`` runs, and each stage's own configuration.

    Attributes:
        stages: The analysis stages to run, a subset of :data:`REPORT_STAGES`.
        scan: Configuration of the scan stage (``None``: its defaults).
        compare: Configuration of the compare stage (``None``: its defaults).
        stories: How documents are grouped into stories (``None``: the defaults).
        model: Sentence-transformers model folder or name; ``None`` for the packaged MiniLM.
        backend: Encoder backend, as :func:`dedupe.embed.encoder.load_encoder` takes it.
        cache_dir: Embedding cache folder; ``None`` disables the cache.
    """

    stages: tuple[str, ...] = REPORT_STAGES
    scan: ScanConfig | None = None
    compare: CompareConfig | None = None
    stories: StoryConfig | None = None
    model: str | None = None
    backend: str = "auto"
    cache_dir: Path | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.stages) - set(REPORT_STAGES))
        if unknown:
            raise ConfigError(f"unknown stage {unknown[0]!r}: choose from {', '.join(REPORT_STAGES)}")
        if not self.stages:
            raise ConfigError("stages must name at least one of " + ", ".join(REPORT_STAGES))


@dataclass(frozen=True)
class ReportResult:
    """Everything ``dedupe report`` found in one run.

    Attributes:
        prepared: The loaded and segmented corpus.
        summary: Its load summary (as ``dedupe info``).
        stories: The story grouping every stage shared.
        scan: The scan result, ``None`` when the stage was not run.
        compare: The compare result, ``None`` when not run.
        figures: The extracted figures, ``None`` when not run.
        discrepancies: The figure discrepancies, ``None`` when not run.
        seconds: Wall-clock seconds per stage, in the order they ran.
    """

    prepared: PreparedCorpus
    summary: CorpusSummary
    stories: tuple[Story, ...]
    scan: ScanResult | None
    compare: CompareResult | None
    figures: tuple[Figure, ...] | None
    discrepancies: tuple[Discrepancy, ...] | None
    seconds: dict[str, float]


def run_report(paths: Sequence[str], options: LoadOptions | None = None, config: ReportConfig | None = None, *,
               encoder: Encoder | None = None, stdin: BinaryIO | None = None, progress: Progress = no_progress,
               timer: StageTimer | None = None) -> ReportResult:
    """Load and segment a corpus once, then run scan, compare and figures on it.

    Args:
        paths: Inputs as for :func:`dedupe.corpus.load.load_corpus`.
        options: Load options.
        config: What to run and how (defaults: every stage with its defaults).
        encoder: A ready :class:`dedupe.embed.encoder.Encoder`; loaded from ``config.model`` when ``None`` and
            compare runs.
        stdin: Stream read for ``-``.
        progress: Progress callable, called with each stage's label.
        timer: Collects the time of each stage when given.

    Returns:
        The :class:`ReportResult`.

    Raises:
        InputError: As :func:`dedupe.corpus.load.load_corpus`, or no document could be loaded.
        ConfigError: A stage's configuration is invalid.
    """
    timer = timer or StageTimer()
    prepared = prepare(paths, options, stdin, progress, timer)
    if not prepared.documents:
        raise InputError(f"no documents loaded from {', '.join(paths)} ({len(prepared.corpus.skipped)} inputs skipped)")
    return run_report_stages(prepared, config, encoder=encoder, progress=progress, timer=timer)


def run_report_stages(prepared: PreparedCorpus, config: ReportConfig | None = None, *, encoder: Encoder | None = None,
                      progress: Progress = no_progress, timer: StageTimer | None = None) -> ReportResult:
    """Run scan, compare and figures on a prepared corpus, sharing one story grouping and one encoding.

    The stories are computed once and passed to compare and figures; the sentences are encoded once,
    by compare, through the embedding cache. ``progress`` is called once per stage.

    Args:
        prepared: The loaded and segmented corpus (:func:`prepare`).
        config: What to run and how (defaults: every stage with its defaults).
        encoder: A ready encoder; loaded from ``config.model`` when ``None`` and compare runs.
        progress: Progress callable, called with each stage's label.
        timer: Collects the time of each stage when given.

    Returns:
        The :class:`ReportResult`.

    Raises:
        ConfigError: A stage's configuration is invalid.
    """
    config = config or ReportConfig()
    timer = timer or StageTimer()
    raw = tuple(d.doc for d in prepared.documents)
    stories = timer.run("stories", lambda: _report_stories(raw, config, progress))
    scan = compare = figures = discrepancies = None
    if "scan" in config.stages:
        scan = timer.run("scan", lambda: _report_scan(raw, config, progress))
    if "compare" in config.stages:
        compare = _report_compare(prepared.documents, config, stories, encoder, progress, timer)
    if "figures" in config.stages:
        figures, discrepancies = timer.run("figures", lambda: _report_figures(prepared.documents, stories, progress))
    return ReportResult(prepared, summarize(prepared), stories, scan, compare, figures, discrepancies,
                        dict(timer.seconds))


def _one_step(progress: Progress, label: str) -> None:
    """Show a stage that has no per-item loop of its own as a one-step bar."""
    for _ in progress(label, (label,)):
        pass


def _report_stories(documents: tuple[Document, ...], config: ReportConfig, progress: Progress) -> tuple[Story, ...]:
    from dedupe.stories import group_stories

    stories = group_stories(documents, config.stories)
    _one_step(progress, "stories")
    return stories


def _report_scan(documents: tuple[Document, ...], config: ReportConfig, progress: Progress) -> ScanResult:
    from dedupe.scan.near_dup import scan

    result = scan(documents, config.scan)
    _one_step(progress, "scan")
    return result


def _report_compare(documents: tuple[SegmentedDocument, ...], config: ReportConfig, stories: tuple[Story, ...],
                    encoder: Encoder | None, progress: Progress, timer: StageTimer) -> CompareResult:
    from dedupe.compare.groups import compare_corpus
    from dedupe.embed.encoder import EmbeddingCache, encoder_and_cache

    if encoder is None:
        encoder, cache = timer.run("model", lambda: encoder_and_cache(config.model, config.cache_dir,
                                                                      backend=config.backend))
    else:
        cache = EmbeddingCache(config.cache_dir)
    result = timer.run("compare", lambda: compare_corpus(documents, encoder, config.compare, stories=stories,
                                                         cache=cache))
    _one_step(progress, "compare")
    return result


def _report_figures(documents: tuple[SegmentedDocument, ...], stories: tuple[Story, ...],
                    progress: Progress) -> tuple[tuple[Figure, ...], tuple[Discrepancy, ...]]:
    from dedupe.figures.discrepancies import find_discrepancies
    from dedupe.figures.extract import extract_figures

    figures = extract_figures(documents)
    _one_step(progress, "figures")
    return figures, find_discrepancies(figures, stories)
