"""``dedupe report``: load and segment a corpus once, group its stories once, then run scan, compare and figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from dedupe.corpus.documents import LoadOptions
from dedupe.errors import ConfigError
from dedupe.pipeline.load import Warn, no_warning
from dedupe.pipeline.stages import (
    CorpusSummary,
    FiguresConfig,
    PreparedCorpus,
    compare_stage,
    count_findings,
    figures_stage,
    one_step,
    prepare,
    summarize,
)
from dedupe.runtime import Progress, StageTimer, no_progress

if TYPE_CHECKING:  # the stages import heavy libraries (torch, onnxruntime): loaded only when run
    from dedupe.compare.groups import CompareConfig, CompareResult
    from dedupe.embed.encoder import Encoder
    from dedupe.figures.discrepancies import Discrepancy
    from dedupe.figures.extract import Figure
    from dedupe.scan.config import ScanConfig
    from dedupe.scan.near_dup import ScanResult
    from dedupe.stories import Story, StoryConfig

#: The analysis stages ``run_report`` can run, in order.
REPORT_STAGES = ("scan", "compare", "figures")
#: Why ``run_report`` leaves compare out of a corpus with one outlet: every story then has one outlet, so
#: every claim would be "unique" and alignment (the cost of compare: every claim encoded) finds nothing.
ONE_OUTLET_NOTE = "compare not run: every document is from one outlet, so there is nothing to compare across outlets"


@dataclass(frozen=True)
class ReportConfig:
    """What ``dedupe report`` runs, and each stage's own configuration.

    Attributes:
        stages: The analysis stages to run, a subset of :data:`REPORT_STAGES`.
        scan: Configuration of the scan stage (``None``: its defaults).
        compare: Configuration of the compare stage (``None``: its defaults; its stories are replaced by
            the one grouping of :attr:`stories`).
        figures: Configuration of the figures stage (``None``: its defaults; its stories likewise).
        stories: How documents are grouped into stories, once for every stage (``None``: the defaults).
        model: Sentence-transformers model folder or name; ``None`` for the packaged MiniLM.
        backend: Encoder backend, as :func:`dedupe.embed.encoder.load_encoder` takes it.
        cache_dir: Embedding cache folder; ``None`` disables the cache.
    """

    stages: tuple[str, ...] = REPORT_STAGES
    scan: ScanConfig | None = None
    compare: CompareConfig | None = None
    figures: FiguresConfig | None = None
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

    @property
    def findings(self) -> Counter[str]:
        """Count of each kind of finding over the stages that ran (:func:`count_findings`)."""
        return count_findings(self.scan, self.compare, self.discrepancies)


def run_report(paths: Sequence[str], options: LoadOptions | None = None, config: ReportConfig | None = None, *,
               encoder: Encoder | None = None, stdin: BinaryIO | None = None, progress: Progress = no_progress,
               warn: Warn = no_warning, timer: StageTimer | None = None) -> ReportResult:
    """Load and segment a corpus once, then run scan, compare and figures on it.

    The stories are computed once and passed to compare and figures; the sentences are encoded once,
    by compare, through the embedding cache. ``progress`` is called once per stage. Compare is left out
    (``compare`` is ``None``, and ``warn`` gets :data:`ONE_OUTLET_NOTE`) when the corpus has one outlet.

    Args:
        paths: Inputs as for :func:`dedupe.corpus.load.load_corpus`.
        options: Load options.
        config: What to run and how (defaults: every stage with its defaults).
        encoder: A ready :class:`dedupe.embed.encoder.Encoder`; loaded from ``config.model`` when ``None`` and
            compare runs.
        stdin: Stream read for ``-``.
        progress: Progress callable, called with each stage's label, and for the segmentation and encoding loops.
        warn: Called with each skipped input.
        timer: Collects the time of each stage when given.

    Returns:
        The :class:`ReportResult`.

    Raises:
        InputError: As :func:`load_checked`.
        ConfigError: A stage's configuration is invalid.
    """
    from dedupe.scan.near_dup import scan as scan_documents
    from dedupe.stories import group_stories

    config = config or ReportConfig()
    timer = timer or StageTimer()
    prepared = prepare(paths, options, stdin, progress, timer, warn)
    raw = prepared.corpus.documents
    stories = timer.run("stories", lambda: group_stories(raw, config.stories))
    one_step(progress, "stories")
    scan = compare = figures = discrepancies = None
    if "scan" in config.stages:
        scan = timer.run("scan", lambda: scan_documents(raw, config.scan))
        one_step(progress, "scan")
    if "compare" in config.stages and len({doc.outlet for doc in raw}) < 2:
        warn(ONE_OUTLET_NOTE)
    elif "compare" in config.stages:
        compare = compare_stage(prepared.documents, config, stories, encoder, timer, progress)
        one_step(progress, "compare")
    if "figures" in config.stages:
        figures, discrepancies = timer.run("figures", lambda: figures_stage(prepared.documents, stories,
                                                                       config.figures or FiguresConfig()))
        one_step(progress, "figures")
    return ReportResult(prepared, summarize(prepared), stories, scan, compare, figures, discrepancies,
                        dict(timer.seconds))
