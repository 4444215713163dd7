"""The ``dedupe`` command line: a thin Click layer over the library.

Conventions every command follows: ``--format``, ``-o/--output``, ``--quiet``; progress bars on a
terminal's stderr only; exit status 0 on success, 1 when a ``--fail-on`` condition is met, 2 for usage
errors and unreadable input; errors on one line without a traceback unless ``--debug``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dedupe import __version__
from dedupe.corpus.load import Corpus, LoadOptions
from dedupe.errors import ConfigError, DedupeError, InputError
from dedupe.output import to_json
from dedupe.pipeline import PreparedCorpus, StageTimer, prepare, summarize

if TYPE_CHECKING:  # commands import their stages lazily so that `dedupe --help` stays fast
    from dedupe.compare.groups import CompareConfig
    from dedupe.pipeline import ReportConfig, ReportResult

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

EXIT_FINDINGS = 1
EXIT_USAGE = 2


class _InputProblem(click.ClickException):
    """Unreadable input or a bad option value: one line, exit status 2."""

    exit_code = EXIT_USAGE


class _Group(click.Group):
    """Turns library errors into one-line messages; ``--debug`` re-raises them with the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (InputError, ConfigError) as exc:
            if _debug(ctx):
                raise
            raise _InputProblem(str(exc)) from None
        except DedupeError as exc:
            if _debug(ctx):
                raise
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # an internal error still gets one line; --debug shows where
            if _debug(ctx):
                raise
            raise click.ClickException(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)") from None


def _debug(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("debug"))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedupe")
@click.option("--debug", is_flag=True, help="Show the traceback of errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Find repeated passages, compare claims and check figures across news articles."""
    ctx.obj = {"debug": debug}


def corpus_arguments(func: F) -> F:
    """Add the CORPUS argument and the load options shared by every command."""
    decorators = [
        click.argument("corpus", nargs=-1, required=True, metavar="CORPUS...",
                       type=click.Path(allow_dash=True)),
        click.option("--text-field", help="JSON/CSV field holding the text (tried first)."),
        click.option("--source-field", help="JSON/CSV field holding the outlet (tried first)."),
        click.option("--manifest", type=click.Path(dir_okay=False),
                     help="JSONL/CSV manifest giving id, outlet, date, title, url to text files by name."),
        click.option("--strict", is_flag=True, help="Stop with status 2 at the first bad input."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def output_options(formats: Sequence[str], default: str = "text") -> Callable[[F], F]:
    """Add ``--format``, ``-o/--output`` and ``--quiet`` with the formats a command supports."""
    def wrap(func: F) -> F:
        func = click.option("--quiet", "-q", is_flag=True, help="No progress bars or notes on stderr.")(func)
        func = click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
                            help="Write here instead of standard output.")(func)
        return click.option("--format", "fmt", type=click.Choice(list(formats)), default=default,
                            show_default=True, help="Output format.")(func)
    return wrap


def _stacked(func: F, decorators: Sequence[Callable[[F], F]]) -> F:
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def story_options(func: F) -> F:
    """Add ``--story-window`` and ``--one-story`` (commands that compare within stories)."""
    return _stacked(func, [
        click.option("--story-window", default="30d", show_default=True,
                     help="Largest gap between two reports of one story: 36h, 7d, 2w."),
        click.option("--one-story", is_flag=True, help="Treat the whole corpus as one story."),
    ])


def model_options(func: F) -> F:
    """Add ``--model``, ``--cache-dir`` and ``--no-cache`` (commands that embed sentences)."""
    return _stacked(func, [
        click.option("--model", help="Sentence-transformers model folder or hub name "
                                     "(default: the packaged all-MiniLM-L6-v2)."),
        click.option("--cache-dir", type=click.Path(file_okay=False),
                     help="Embedding cache folder  [default: $DEDUPE_CACHE_DIR or ~/.cache/dedupe]"),
        click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache."),
    ])


def cache_folder(cache_dir: str | None, no_cache: bool) -> Path | None:
    """The embedding cache folder the options ask for; ``None`` when the cache is off."""
    from dedupe.embed.encoder import default_cache_dir

    if no_cache:
        return None
    return Path(cache_dir) if cache_dir else default_cache_dir()


def load_prepared(corpus: Sequence[str], text_field: str | None, source_field: str | None,
                  manifest: str | None, strict: bool, quiet: bool,
                  timer: StageTimer | None = None) -> PreparedCorpus:
    """Load and segment the corpus, printing one warning line per skipped input on stderr."""
    options = LoadOptions(text_field=text_field, source_field=source_field, manifest=manifest, strict=strict)
    prepared = prepare(corpus, options, stdin=sys.stdin.buffer, progress=progress_for(quiet), timer=timer)
    check_loaded(corpus, prepared.corpus)
    return prepared


def check_loaded(paths: Sequence[str], loaded: Corpus) -> None:
    """Print one warning line per skipped input on stderr; no document at all is an input error."""
    for skipped in loaded.skipped:
        click.echo(f"warning: {skipped}", err=True)
    for note in loaded.notes:
        click.echo(f"warning: {note}", err=True)
    if not loaded.documents:
        raise InputError(f"no documents loaded from {', '.join(paths)} ({len(loaded.skipped)} inputs skipped)")


def render_result(fmt: str, result: Any, loaded: Corpus, renderers: dict[str, Callable[[Any], str]],
                  as_dict: Callable[[Any], dict[str, Any]]) -> str:
    """Render a command's result so that skipped inputs are counted in the output itself.

    JSON gains a ``skipped`` list (path, line, reason), as ``dedupe info`` has; text and Markdown end with
    a line per skipped input; JSON Lines stays one finding per line (the warnings are on stderr).
    """
    if fmt == "json":
        skipped = [{"path": s.path, "line": s.line, "reason": s.reason} for s in loaded.skipped]
        return to_json({**as_dict(result), "skipped": skipped})
    text = renderers[fmt](result)
    if loaded.skipped and fmt in ("text", "markdown"):
        bullet = "- " if fmt == "markdown" else "  "
        text += f"\n{len(loaded.skipped)} inputs skipped:\n" + "".join(
            f"{bullet}{s}\n" for s in loaded.skipped)
    return text


def progress_for(quiet: bool) -> Callable[[str, Sequence[T]], Iterable[T]]:
    """A progress callable: a Click bar on a terminal's stderr, otherwise silent iteration."""
    if quiet or not sys.stderr.isatty():
        return lambda label, items: items

    def bar(label: str, items: Sequence[T]) -> Iterable[T]:
        with click.progressbar(items, label=label, file=sys.stderr) as wrapped:
            yield from wrapped
    return bar


def emit(text: str, output: str, quiet: bool) -> None:
    """Write a rendered result to stdout or a file (UTF-8), noting the file on stderr."""
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _InputProblem(f"{output}: cannot write: {exc.strerror or exc}") from None
    if not quiet:
        click.echo(f"wrote {output}", err=True)


@cli.command()
@corpus_arguments
@output_options(["text", "json", "markdown"])
def info(corpus: tuple[str, ...], text_field: str | None, source_field: str | None, manifest: str | None,
         strict: bool, fmt: str, output: str, quiet: bool) -> None:
    """Print the load summary: documents per outlet, sentences, characters, skipped inputs."""
    from dedupe.report.info import info_dict, info_markdown, info_text

    summary = summarize(load_prepared(corpus, text_field, source_field, manifest, strict, quiet))
    renderers = {"text": info_text, "markdown": info_markdown, "json": lambda s: to_json(info_dict(s))}
    emit(renderers[fmt](summary), output, quiet)


# --- analysis commands (scan, compare, figures, report) register below, each in its own block ---


# --- dedupe report (owner: report) -----------------------------------------------------------------

_REPORT_FORMATS = {".html": "html", ".htm": "html", ".json": "json", ".md": "markdown", ".markdown": "markdown"}
_REPORT_FAIL_ON = {"repeat": ("repeat",), "reuse": ("reuse",), "near-duplicate": ("near_duplicate",),
                   "divergence": ("divergence",), "conflict": ("conflict",),
                   "any": ("repeat", "reuse", "near_duplicate", "divergence", "conflict")}


@cli.command()
@corpus_arguments
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]), default=None,
              help="Output format  [default: from the -o suffix (.html, .json, .md), else text]")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write here instead of standard output (report.html: the self-contained HTML report).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars, summary or notes on stderr.")
@click.option("--skip", type=click.Choice(["scan", "compare", "figures"]), multiple=True,
              help="Leave a stage out (repeatable); --skip compare needs no model.")
@click.option("--threshold", type=float, help="Scan: near-duplicate Jaccard/containment threshold  [default: 0.8]")
@click.option("--min-words", type=int, help="Scan: shortest shared passage worth reporting, in words  [default: 8]")
@story_options
@model_options
@click.option("--fail-on", type=click.Choice(list(_REPORT_FAIL_ON)), multiple=True,
              help="Exit with status 1 when such a finding exists (repeatable).")
def report(corpus: tuple[str, ...], text_field: str | None, source_field: str | None, manifest: str | None,
           strict: bool, fmt: str | None, output: str, quiet: bool, skip: tuple[str, ...], threshold: float | None,
           min_words: int | None, story_window: str, one_story: bool, model: str | None, cache_dir: str | None,
           no_cache: bool, fail_on: tuple[str, ...]) -> None:
    """Run scan, compare and figures in one pass and write one report.

    With -o report.html it writes a self-contained HTML page (passages in context, claims side by side,
    figure charts, full texts) and prints a summary on stderr.
    """
    from dedupe.pipeline import run_report_stages

    if fmt is None:
        fmt = _REPORT_FORMATS.get(Path(output).suffix.lower(), "text") if output != "-" else "text"
    config = _report_config(skip, threshold, min_words, story_window, one_story, model, cache_dir, no_cache)
    timer = StageTimer()
    prepared = load_prepared(corpus, text_field, source_field, manifest, strict, quiet, timer)
    result = run_report_stages(prepared, config, progress=progress_for(quiet), timer=timer)
    document, rendered = timer.run("render", lambda: _render_report(result, str(fmt)))
    if output != "-":
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    emit(rendered, output, quiet)
    if not quiet:
        click.echo("time: " + ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in timer.seconds.items()),
                   err=True)
        if fmt != "text":
            from dedupe.report.combined import report_text

            click.echo(report_text(document, output if fmt == "html" and output != "-" else None), err=True, nl=False)
    _report_exit(document, fail_on)


def _report_config(skip: tuple[str, ...], threshold: float | None, min_words: int | None, story_window: str,
                   one_story: bool, model: str | None, cache_dir: str | None, no_cache: bool) -> ReportConfig:
    """The :class:`dedupe.pipeline.ReportConfig` the options describe (stage defaults where not given)."""
    from dedupe.pipeline import REPORT_STAGES, ReportConfig
    from dedupe.scan.near_dup import ScanConfig
    from dedupe.stories import StoryConfig, parse_window

    defaults = ScanConfig()
    scan = ScanConfig(threshold=defaults.threshold if threshold is None else threshold,
                      min_words=defaults.min_words if min_words is None else min_words)
    return ReportConfig(
        stages=tuple(s for s in REPORT_STAGES if s not in skip), scan=scan,
        stories=StoryConfig(window_days=parse_window(story_window), one_story=one_story), model=model,
        cache_dir=cache_folder(cache_dir, no_cache))


def _render_report(result: ReportResult, fmt: str) -> tuple[dict[str, Any], str]:
    """The combined report dict and its rendering in ``fmt``."""
    from dedupe.report.combined import report_dict, report_markdown, report_text

    document = report_dict(result)
    if fmt == "html":
        from dedupe.report.html import render_html

        return document, render_html(document, result.prepared.documents)
    if fmt == "json":
        return document, to_json(document)
    if fmt == "markdown":
        return document, report_markdown(document)
    return document, report_text(document, None)


def _report_exit(document: dict[str, Any], fail_on: tuple[str, ...]) -> None:
    """Exit with status 1 when a finding named by ``--fail-on`` exists."""
    from dedupe.report.combined import counts

    found = counts(document)
    if any(found[kind] for option in fail_on for kind in _REPORT_FAIL_ON[option]):
        raise click.exceptions.Exit(EXIT_FINDINGS)


# --- dedupe figures (owner: figures) ---------------------------------------------------------------

@cli.command()
@corpus_arguments
@output_options(["text", "json", "jsonl", "markdown"])
@story_options
@click.option("--measure", "measures", multiple=True,
              help="Only figures with this measure (repeatable): killed, injured, trapped, remaining...")
@click.option("--no-other", is_flag=True, help="Leave out figures whose measure is 'other'.")
@click.option("--approx-tolerance", type=float, default=0.1, show_default=True,
              help="Widening of 'approximately N' on each side when comparing, in [0, 1).")
@click.option("--period-tolerance", type=float, default=2.0, show_default=True,
              help="Days by which the ends of two periods may differ and still be the same period.")
@click.option("--fail-on", type=click.Choice(["conflict", "uncertain", "any"]), multiple=True,
              help="Exit with status 1 when a discrepancy of this status exists (repeatable).")
def figures(corpus: tuple[str, ...], text_field: str | None, source_field: str | None, manifest: str | None,
            strict: bool, fmt: str, output: str, quiet: bool, story_window: str, one_story: bool,
            measures: tuple[str, ...], no_other: bool, approx_tolerance: float, period_tolerance: float,
            fail_on: tuple[str, ...]) -> None:
    """Extract casualty and other figures and compare them across outlets within each story."""
    from dedupe.figures.discrepancies import DiscrepancyConfig, find_discrepancies
    from dedupe.figures.extract import FigureConfig, extract_figures, keep_measures
    from dedupe.report.figures import figures_dict, figures_jsonl, figures_markdown, figures_text
    from dedupe.stories import StoryConfig, group_stories, parse_window

    story_config = StoryConfig(window_days=parse_window(story_window), one_story=one_story)
    compare_config = DiscrepancyConfig(approx_tolerance=approx_tolerance, period_tolerance_days=period_tolerance)
    prepared = load_prepared(corpus, text_field, source_field, manifest, strict, quiet)
    found = keep_measures(extract_figures(prepared.documents, FigureConfig(include_other=not no_other)), measures)
    discrepancies = find_discrepancies(found, group_stories(prepared.corpus.documents, story_config), compare_config)
    renderers: dict[str, Callable[[Any], str]] = {
        "text": lambda r: figures_text(*r), "markdown": lambda r: figures_markdown(*r),
        "jsonl": lambda r: figures_jsonl(*r)}
    emit(render_result(fmt, (found, discrepancies), prepared.corpus, renderers, lambda r: figures_dict(*r)),
         output, quiet)
    wanted = {"conflict": {"conflict"}, "uncertain": {"uncertain"}, "any": {"conflict", "uncertain"}}
    if any(d.status in wanted[option] for option in fail_on for d in discrepancies):
        raise click.exceptions.Exit(EXIT_FINDINGS)


# --- dedupe scan (owner: scan) ---------------------------------------------------------------------

_SCAN_FAIL_ON = {"repeat": ("repeat",), "reuse": ("reuse",), "near-duplicate": ("near_duplicate",),
                 "any": ("repeat", "reuse", "near_duplicate")}


@cli.command("scan")
@corpus_arguments
@click.option("--threshold", type=float, default=0.8, show_default=True,
              help="Jaccard similarity or containment from which two documents are near-duplicates.")
@click.option("--min-words", type=int, default=8, show_default=True, help="Shortest shared passage reported.")
@click.option("--ngram", type=int, default=5, show_default=True, help="Words per shingle.")
@click.option("--num-perm", type=int, default=128, show_default=True, help="MinHash signature length.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the MinHash hashing.")
@click.option("--boilerplate-docs", type=int, default=10, show_default=True,
              help="A passage in this many documents or more is reported once as boilerplate (0: never).")
@click.option("--workers", type=int, default=None, help="Processes for hashing  [default: 1]")
@click.option("--no-passages", is_flag=True, help="Near-duplicate documents (Jaccard) only: no passage search.")
@click.option("--fail-on", type=click.Choice(list(_SCAN_FAIL_ON)), multiple=True,
              help="Exit with status 1 when such a finding exists (repeatable).")
@click.option("--against", type=click.Path(dir_okay=False),
              help="Index file (dedupe index add) holding the history: report the findings involving CORPUS.")
@click.option("--add", "add_after", is_flag=True, help="With --against: add CORPUS to the index after the check.")
@output_options(["text", "json", "jsonl", "markdown"])
def scan_command(corpus: tuple[str, ...], text_field: str | None, source_field: str | None, manifest: str | None,
                 strict: bool, threshold: float, min_words: int, ngram: int, num_perm: int, seed: int,
                 boilerplate_docs: int, workers: int | None, no_passages: bool, fail_on: tuple[str, ...],
                 against: str | None, add_after: bool, fmt: str, output: str, quiet: bool) -> None:
    """Find repeated and reused passages and near-duplicate documents (MinHash LSH, exact verification).

    With --against INDEX, CORPUS is a new batch checked against everything in the index.
    """
    from dedupe.corpus.load import load_corpus
    from dedupe.output import to_jsonl
    from dedupe.report.scan import scan_dict, scan_jsonl_records, scan_markdown, scan_text
    from dedupe.scan.near_dup import ScanConfig, scan

    config = ScanConfig(threshold=threshold, min_words=min_words, ngram=ngram, num_perm=num_perm, seed=seed,
                        boilerplate_docs=boilerplate_docs, workers=workers, passages=not no_passages)
    options = LoadOptions(text_field=text_field, source_field=source_field, manifest=manifest, strict=strict)
    loaded = load_corpus(corpus, options, sys.stdin.buffer)  # no segmentation: scan works on raw text
    check_loaded(corpus, loaded)
    if add_after and not against:
        raise _InputProblem("--add needs --against INDEX")
    if against:
        result = _scan_against(against, loaded, config, add_after, fmt, output, quiet)
    else:
        result = scan(loaded.documents, config)
        renderers: dict[str, Callable[[Any], str]] = {
            "text": scan_text, "markdown": scan_markdown, "jsonl": lambda r: to_jsonl(scan_jsonl_records(r))}
        emit(render_result(fmt, result, loaded, renderers, scan_dict), output, quiet)
    if any(result.of_kind(kind) for option in fail_on for kind in _SCAN_FAIL_ON[option]):
        raise click.exceptions.Exit(EXIT_FINDINGS)


def _scan_against(path: str, loaded: Corpus, config: Any, add_after: bool, fmt: str, output: str,
                  quiet: bool) -> Any:
    """``scan --against``: check the batch against the index, render, optionally add it; the findings."""
    from dedupe.index import IndexParams, open_index, scan_against
    from dedupe.report.index import against_dict, against_jsonl, against_markdown, against_text

    with open_index(path, IndexParams.from_config(config)) as index:
        checked = scan_against(index, loaded.documents, config)
        renderers: dict[str, Callable[[Any], str]] = {
            "text": against_text, "markdown": against_markdown, "jsonl": against_jsonl}
        emit(render_result(fmt, checked, loaded, renderers, against_dict), output, quiet)
        if add_after:
            from dedupe.report.index import add_text

            click.echo(add_text(path, index.add(loaded.documents)), err=True, nl=False)
    return checked.result


# --- dedupe compare (owner: compare) ---------------------------------------------------------------

_COMPARE_THRESHOLDS = {
    "align": "paraphrase probability from which two claims are the same claim [0, 1]",
    "candidate": "embedding cosine from which a pair is scored [-1, 1]",
    "divergence": "divergence score from which a negation conflict is reported [0, 1]",
    "nli": "NLI contradiction probability reported as a conflict [0, 1]",
    "entity": "rapidfuzz ratio from which two spellings are one name [0, 100]",
}


@cli.command("compare")
@corpus_arguments
@output_options(["text", "json", "jsonl", "markdown"])
@story_options
@model_options
@click.option("--nli-model", type=click.Path(file_okay=False),
              help="Folder of a sentence-transformers CrossEncoder NLI model: adds its contradiction score.")
@click.option("--threshold", "thresholds", multiple=True, metavar="NAME=VALUE",
              help="Override a threshold (repeatable): "
                   + "; ".join(f"{k}: {v}" for k, v in _COMPARE_THRESHOLDS.items()))
@click.option("--fail-on", type=click.Choice(["divergence"]), multiple=True,
              help="Exit with status 1 when a divergence is found.")
def compare_command(corpus: tuple[str, ...], text_field: str | None, source_field: str | None,
                    manifest: str | None, strict: bool, fmt: str, output: str, quiet: bool, story_window: str,
                    one_story: bool, model: str | None, cache_dir: str | None, no_cache: bool,
                    nli_model: str | None, thresholds: tuple[str, ...], fail_on: tuple[str, ...]) -> None:
    """Align claims across outlets within each story: agreement, divergence (with reasons), unique."""
    from dedupe.compare.groups import compare_corpus
    from dedupe.embed.encoder import encoder_and_cache
    from dedupe.report.compare import compare_dict, compare_jsonl, compare_markdown, compare_text

    config = _compare_config(story_window, one_story, nli_model, _parse_thresholds(thresholds))
    prepared = load_prepared(corpus, text_field, source_field, manifest, strict, quiet)
    encoder, cache = encoder_and_cache(model, cache_folder(cache_dir, no_cache))
    result = compare_corpus(prepared.documents, encoder, config, cache=cache)
    renderers: dict[str, Callable[[Any], str]] = {
        "text": compare_text, "markdown": compare_markdown, "jsonl": compare_jsonl}
    emit(render_result(fmt, result, prepared.corpus, renderers, compare_dict), output, quiet)
    if "divergence" in fail_on and any(g.status == "divergence" for g in result.groups):
        raise click.exceptions.Exit(EXIT_FINDINGS)


def _parse_thresholds(values: tuple[str, ...]) -> dict[str, float]:
    """``("align=0.6", ...)`` -> ``{"align": 0.6}``; a bad name or number is a usage error."""
    parsed: dict[str, float] = {}
    for value in values:
        name, _, number = value.partition("=")
        if name.strip() not in _COMPARE_THRESHOLDS:
            raise click.BadParameter(f"{value!r}: name must be one of {', '.join(_COMPARE_THRESHOLDS)}",
                                     param_hint="--threshold")
        try:
            parsed[name.strip()] = float(number)
        except ValueError:
            raise click.BadParameter(f"{value!r}: value must be a number", param_hint="--threshold") from None
    return parsed


def _compare_config(story_window: str, one_story: bool, nli_model: str | None,
                    overrides: dict[str, float]) -> CompareConfig:
    """The :class:`dedupe.compare.groups.CompareConfig` the options describe."""
    from dedupe.compare.align import AlignConfig
    from dedupe.compare.entities import EntityConfig
    from dedupe.compare.groups import CompareConfig
    from dedupe.stories import StoryConfig, parse_window

    defaults, align_defaults = CompareConfig(), AlignConfig()
    return CompareConfig(
        story=StoryConfig(window_days=parse_window(story_window), one_story=one_story),
        align=AlignConfig(threshold=overrides.get("align", align_defaults.threshold),
                          candidate_cosine=overrides.get("candidate", align_defaults.candidate_cosine)),
        entities=EntityConfig(min_ratio=overrides.get("entity", EntityConfig().min_ratio)),
        divergence_threshold=overrides.get("divergence", defaults.divergence_threshold),
        nli_model=nli_model, nli_threshold=overrides.get("nli", defaults.nli_threshold))


# --- dedupe index (owner: index) -------------------------------------------------------------------

@cli.group("index")
def index_group() -> None:
    """Keep an index of everything ingested, to check each new batch with `scan --against`."""


@index_group.command("add")
@click.argument("index_path", metavar="INDEX", type=click.Path(dir_okay=False))
@corpus_arguments
@click.option("--threshold", type=float, help="Near-duplicate threshold (sets the LSH bands)  [default: 0.8]")
@click.option("--min-words", type=int, help="Shortest shared passage, in words  [default: 8]")
@click.option("--ngram", type=int, help="Words per shingle  [default: 5]")
@click.option("--num-perm", type=int, help="MinHash signature length  [default: 128]")
@click.option("--seed", type=int, help="Seed of the MinHash hashing  [default: 1]")
@click.option("--batch-size", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Documents per transaction.")
def index_add(index_path: str, corpus: tuple[str, ...], text_field: str | None, source_field: str | None,
              manifest: str | None, strict: bool, threshold: float | None, min_words: int | None, ngram: int | None,
              num_perm: int | None, seed: int | None, batch_size: int) -> None:
    """Add documents to INDEX (created when missing); prints added / unchanged / new-version / skipped."""
    from dedupe.corpus.load import load_corpus
    from dedupe.index import IndexParams, open_index
    from dedupe.report.index import add_text
    from dedupe.scan.near_dup import ScanConfig

    given: dict[str, Any] = {"threshold": threshold, "min_words": min_words, "ngram": ngram, "num_perm": num_perm,
                             "seed": seed}
    wanted = IndexParams.from_config(ScanConfig(**{k: v for k, v in given.items() if v is not None}))
    options = LoadOptions(text_field=text_field, source_field=source_field, manifest=manifest, strict=strict)
    loaded = load_corpus(corpus, options, sys.stdin.buffer)
    check_loaded(corpus, loaded)
    exists = Path(index_path).exists()
    params = wanted if not exists or any(v is not None for v in given.values()) else None
    with open_index(index_path, params, create=True) as index:
        click.echo(add_text(index_path, index.add(loaded.documents, batch_size)), nl=False)


@index_group.command("info")
@click.argument("index_path", metavar="INDEX", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
def index_info(index_path: str, fmt: str) -> None:
    """Print what INDEX holds: documents, outlets, dates, parameters, size."""
    from dedupe.index import open_index
    from dedupe.report.index import info_dict, info_text

    with open_index(index_path) as index:
        found = index.info()
    click.echo(to_json(info_dict(found)) if fmt == "json" else info_text(index_path, found), nl=False)


@index_group.command("remove")
@click.argument("index_path", metavar="INDEX", type=click.Path(dir_okay=False))
@click.option("--doc", "docs", multiple=True, help="Id (or identity key: every version) to remove (repeatable).")
@click.option("--before", help="Remove documents dated before this day (YYYY-MM-DD); undated ones stay.")
def index_remove(index_path: str, docs: tuple[str, ...], before: str | None) -> None:
    """Remove documents from INDEX by id or by date (retention)."""
    from dedupe.index import open_index

    if not docs and before is None:
        raise _InputProblem("give --doc ID or --before DATE")
    with open_index(index_path) as index:
        removed = index.remove(docs, before)
    click.echo(f"{index_path}: removed {removed} documents\n", nl=False)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="dedupe")


if __name__ == "__main__":
    main()
