"""Each command's run over one load: load -> segment -> scan / compare / figures, each stage under a timer.

:func:`run_scan` (:class:`ScanConfig`), :func:`run_compare` (:class:`CompareRunConfig`) and :func:`run_figures`
(:class:`FiguresConfig`), over :func:`load_checked` and :func:`prepare`; :func:`compare_stage` and
:func:`figures_stage` are the stages themselves, which ``dedupe report`` (:mod:`dedupe.pipeline.report`) runs too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from dedupe.corpus.documents import Corpus, LoadOptions, date_notes
from dedupe.errors import ConfigError, NothingLoaded
from dedupe.pipeline.load import Warn, load_checked, no_warning, skipped_records, warn_all
from dedupe.runtime import Progress, StageTimer, no_progress

if TYPE_CHECKING:  # the stages import heavy libraries (torch, onnxruntime): loaded only when run
    from dedupe.segment import SegmentedDocument
    from dedupe.compare.groups import CompareConfig, CompareResult
    from dedupe.embed.encoder import Encoder
    from dedupe.figures.discrepancies import Discrepancy, DiscrepancyConfig
    from dedupe.figures.extract import Figure, FigureConfig
    from dedupe.scan.config import ScanConfig
    from dedupe.scan.near_dup import ScanResult
    from dedupe.pipeline.report import ReportConfig
    from dedupe.stories import Story, StoryConfig

#: The kinds of finding ``--fail-on`` can name, as :func:`count_findings` counts them.
FINDING_KINDS = ("repeat", "reuse", "near_duplicate", "echo", "boilerplate", "divergence", "conflict", "uncertain")


@dataclass(frozen=True)
class PreparedCorpus:
    """A loaded and segmented corpus: the input of every analysis stage."""

    corpus: Corpus
    documents: tuple[SegmentedDocument, ...]


def prepare(paths: Sequence[str], options: LoadOptions | None = None, stdin: BinaryIO | None = None,
            progress: Progress = no_progress, timer: StageTimer | None = None,
            warn: Warn = no_warning) -> PreparedCorpus:
    """Load and segment a corpus.

    Args:
        paths: Inputs as for :func:`dedupe.corpus.load.load_corpus`.
        options: Load options.
        stdin: Stream read for ``-``.
        progress: Progress callable for the segmentation loop (over paragraphs: see
            :func:`dedupe.segment.segment_documents`).
        timer: Collects the time of each stage when given.
        warn: Called with each skipped input, then each load note, then each file's documents whose date does not
            parse (:func:`~dedupe.corpus.documents.date_notes`).

    Returns:
        The corpus and its segmented documents, in load order.

    Raises:
        InputError: As :func:`load_checked`.
    """
    from dedupe.segment import segment_documents  # here: scan, which does not segment, never imports it

    timer = timer or StageTimer()
    corpus = timer.run("load", lambda: load_checked(paths, options, stdin, warn))
    for note in date_notes(corpus.documents):  # these commands read the dates (scan does not)
        warn(note)
    documents = timer.run("segment", lambda: tuple(segment_documents(corpus.documents, progress)))
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
    dates = sorted(d.doc.date.isoformat() for d in docs if d.doc.date is not None)
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
        skipped=tuple(skipped_records(prepared.corpus)),
    )


def count_findings(scan: ScanResult | None = None, compare: CompareResult | None = None,
                   discrepancies: Sequence[Discrepancy] | None = None) -> Counter[str]:
    """Count each kind of finding of :data:`FINDING_KINDS` in typed stage results (a stage not run counts 0).

    Args:
        scan: Scan findings: ``repeat``, ``reuse``, ``near_duplicate``, ``echo``, ``boilerplate``.
        compare: Claim groups: ``divergence``.
        discrepancies: Figure discrepancies: ``conflict``, ``uncertain``.

    Returns:
        A counter over :data:`FINDING_KINDS` (other kinds and statuses are left out).
    """
    found: Counter[str] = Counter()
    found.update(f.kind for f in (scan.findings if scan else ()))
    found.update(g.status for g in (compare.groups if compare else ()))
    found.update(d.status for d in discrepancies or ())
    return Counter({kind: found[kind] for kind in FINDING_KINDS})


def one_step(progress: Progress, label: str) -> None:
    """Show a stage that has no per-item loop of its own as a one-step bar."""
    for _ in progress(label, (label,)):
        pass


# --- dedupe scan ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScanRun:
    """What ``dedupe scan`` found.

    Attributes:
        corpus: The loaded corpus (scan works on raw text: no segmentation).
        result: The scan findings.
        seconds: Wall-clock seconds per stage, in the order they ran.
        kinds: Count of each kind of finding when they are not in ``result`` (written as Parquet).
    """

    corpus: Corpus
    result: ScanResult
    seconds: dict[str, float]
    kinds: Counter[str] | None = None

    @property
    def findings(self) -> Counter[str]:
        """Count of each kind of finding (:func:`count_findings`)."""
        return count_findings(scan=self.result) if self.kinds is None else self.kinds


def run_scan(paths: Sequence[str], options: LoadOptions | None = None, config: ScanConfig | None = None, *,
             stdin: BinaryIO | None = None, warn: Warn = no_warning, timer: StageTimer | None = None) -> ScanRun:
    """Load a corpus and find repeated and reused passages and near-duplicate documents.

    Args:
        paths: Inputs as for :func:`dedupe.corpus.load.load_corpus`.
        options: Load options.
        config: Scan options (``None``: the defaults).
        stdin: Stream read for ``-``.
        warn: Called with each skipped input.
        timer: Collects the time of each stage when given.

    Returns:
        The :class:`ScanRun`.

    Raises:
        InputError: As :func:`load_checked`.
    """
    timer = timer or StageTimer()
    corpus = timer.run("load", lambda: load_checked(paths, options, stdin, warn, meanwhile=_import_scan))
    from dedupe.scan.near_dup import scan  # imported by now where a forked child read part of the corpus

    result = timer.run("scan", lambda: scan(corpus.documents, config))
    return ScanRun(corpus, result, dict(timer.seconds))


def _import_scan() -> None:
    """Import the scan stage (numpy, rapidfuzz), done while a forked child reads part of the corpus."""
    import dedupe.scan.near_dup  # noqa: F401


def run_scan_spark(paths: Sequence[str], options: LoadOptions | None = None, config: ScanConfig | None = None, *,
                   master: str | None = None, partitions: int | None = None, parquet: str | None = None,
                   warn: Warn = no_warning, timer: StageTimer | None = None, quiet: bool = False) -> ScanRun:
    """:func:`run_scan` on Spark (:mod:`dedupe.scan.spark`): the corpus is read and scanned where Spark runs.

    Args:
        paths: Files or folders Spark can reach.
        options: Load options.
        config: Scan options (``None``: the defaults).
        master: Spark master URL (``None``: spark-submit's, else ``local[*]``).
        partitions: Partitions of the input and of every shuffle (``None``: Spark's default parallelism).
        parquet: Write the findings as Parquet to this path from the executors, instead of collecting them.
        warn: Called with each skipped input, then each load note (``--text-field`` fallbacks).
        timer: Collects the time of each stage when given.
        quiet: Nothing from Spark on stderr (:func:`dedupe.scan.spark.spark_context`).

    Returns:
        The :class:`ScanRun` (its corpus holds the skipped inputs only: the documents stay in Spark).

    Raises:
        ConfigError: PySpark is not installed.
        InputError: As :func:`dedupe.scan.spark.scan_spark`.
    """
    try:
        from dedupe.scan.spark import scan_spark, spark_context
        from dedupe.scan.spark_jvm import active_context, stop_soon
    except ImportError as exc:
        raise ConfigError(f"--engine spark needs PySpark: pip install 'dedupe-news[spark]' ({exc})") from None
    timer = timer or StageTimer()
    started = active_context() is None
    spark = timer.run("spark", lambda: spark_context(master, archive=started, quiet=quiet))
    try:
        found = timer.run("scan", lambda: scan_spark(spark, paths, config, options, partitions, parquet))
    except NothingLoaded as nothing:  # its skipped inputs are warned of before the error, as load_checked
        warn_all(nothing.skipped, nothing.notes, warn)
        raise
    finally:
        if started:  # a context started here ends with the scan, while the findings are written
            stop_soon(spark)
    warn_all(found.skipped, found.notes, warn)
    return ScanRun(Corpus((), found.skipped, found.notes), found.result, dict(timer.seconds),
                   found.kinds if parquet else None)


# --- dedupe compare -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CompareRunConfig:
    """Every setting of ``dedupe compare``: the comparison and the encoder that embeds the sentences.

    Attributes:
        compare: Configuration of the compare stage, stories included (``None``: its defaults).
        model: Sentence-transformers model folder or name; ``None`` for the packaged MiniLM.
        backend: Encoder backend, as :func:`dedupe.embed.encoder.load_encoder` takes it.
        cache_dir: Embedding cache folder; ``None`` disables the cache.
    """

    compare: CompareConfig | None = None
    model: str | None = None
    backend: str = "auto"
    cache_dir: Path | None = None


@dataclass(frozen=True)
class CompareRun:
    """What ``dedupe compare`` found: the prepared corpus and the claim groups."""

    prepared: PreparedCorpus
    result: CompareResult
    seconds: dict[str, float]

    @property
    def findings(self) -> Counter[str]:
        """Count of each kind of finding (:func:`count_findings`)."""
        return count_findings(compare=self.result)


def run_compare(paths: Sequence[str], options: LoadOptions | None = None, config: CompareRunConfig | None = None, *,
                encoder: Encoder | None = None, stdin: BinaryIO | None = None, progress: Progress = no_progress,
                warn: Warn = no_warning, timer: StageTimer | None = None) -> CompareRun:
    """Load and segment a corpus, then align its claims across outlets within each story.

    Args:
        paths: Inputs as for :func:`dedupe.corpus.load.load_corpus`.
        options: Load options.
        config: What to compare and with which encoder (``None``: the defaults).
        encoder: A ready encoder; loaded from ``config.model`` when ``None``.
        stdin: Stream read for ``-``.
        progress: Progress callable for the segmentation loop and the encoding of the claims.
        warn: Called with each skipped input.
        timer: Collects the time of each stage when given.

    Returns:
        The :class:`CompareRun`.

    Raises:
        InputError: As :func:`load_checked`.
        ConfigError: The model or cache cannot be used.
    """
    config = config or CompareRunConfig()
    timer = timer or StageTimer()
    prepared = prepare(paths, options, stdin, progress, timer, warn)
    result = compare_stage(prepared.documents, config, None, encoder, timer, progress)
    return CompareRun(prepared, result, dict(timer.seconds))


def compare_stage(documents: tuple[SegmentedDocument, ...], config: CompareRunConfig | ReportConfig,
             stories: tuple[Story, ...] | None, encoder: Encoder | None, timer: StageTimer,
             progress: Progress = no_progress) -> CompareResult:
    """Run the compare stage, loading the encoder and opening the cache as ``config`` says."""
    from dedupe.compare.groups import compare_corpus
    from dedupe.embed.encoder import EmbeddingCache, encoder_and_cache

    if encoder is None:
        encoder, cache = timer.run("model", lambda: encoder_and_cache(config.model, config.cache_dir,
                                                                      backend=config.backend))
    else:
        cache = EmbeddingCache(config.cache_dir)
    return timer.run("compare", lambda: compare_corpus(documents, encoder, config.compare, stories=stories,
                                                       cache=cache, progress=progress))


# --- dedupe figures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FiguresConfig:
    """Every setting of ``dedupe figures``.

    Attributes:
        extract: What figures are extracted (``None``: the defaults).
        measures: Keep only figures with one of these measures (empty: all).
        discrepancies: How figures are compared (``None``: the defaults).
        stories: How documents are grouped into stories (``None``: the defaults); ``dedupe report``
            uses its own :attr:`ReportConfig.stories` instead, shared by every stage.
    """

    extract: FigureConfig | None = None
    measures: tuple[str, ...] = ()
    discrepancies: DiscrepancyConfig | None = None
    stories: StoryConfig | None = None

    def __post_init__(self) -> None:
        from dedupe.figures.extract import keep_measures

        keep_measures((), self.measures)  # an unknown measure is refused before any work


@dataclass(frozen=True)
class FiguresRun:
    """What ``dedupe figures`` found: the prepared corpus, the figures and their discrepancies."""

    prepared: PreparedCorpus
    figures: tuple[Figure, ...]
    discrepancies: tuple[Discrepancy, ...]
    seconds: dict[str, float]

    @property
    def findings(self) -> Counter[str]:
        """Count of each kind of finding (:func:`count_findings`)."""
        return count_findings(discrepancies=self.discrepancies)


def run_figures(paths: Sequence[str], options: LoadOptions | None = None, config: FiguresConfig | None = None, *,
                stdin: BinaryIO | None = None, progress: Progress = no_progress, warn: Warn = no_warning,
                timer: StageTimer | None = None) -> FiguresRun:
    """Load and segment a corpus, extract its figures and compare them across outlets within each story.

    Args:
        paths: Inputs as for :func:`dedupe.corpus.load.load_corpus`.
        options: Load options.
        config: Figure options (``None``: the defaults).
        stdin: Stream read for ``-``.
        progress: Progress callable for the segmentation loop.
        warn: Called with each skipped input.
        timer: Collects the time of each stage when given.

    Returns:
        The :class:`FiguresRun`.

    Raises:
        InputError: As :func:`load_checked`.
    """
    from dedupe.stories import group_stories

    config = config or FiguresConfig()
    timer = timer or StageTimer()
    prepared = prepare(paths, options, stdin, progress, timer, warn)
    stories = timer.run("stories", lambda: group_stories(prepared.corpus.documents, config.stories))
    found, discrepancies = timer.run("figures", lambda: figures_stage(prepared.documents, stories, config))
    return FiguresRun(prepared, found, discrepancies, dict(timer.seconds))


def figures_stage(documents: tuple[SegmentedDocument, ...], stories: tuple[Story, ...],
             config: FiguresConfig) -> tuple[tuple[Figure, ...], tuple[Discrepancy, ...]]:
    """Extract the figures ``config`` keeps and find their discrepancies within ``stories``."""
    from dedupe.figures.discrepancies import find_discrepancies
    from dedupe.figures.extract import extract_figures, keep_measures

    found = keep_measures(extract_figures(documents, config.extract), config.measures)
    return found, find_discrepancies(found, stories, config.discrepancies)
