"""The ``dedupe`` command line: a thin Click layer over the library.

Conventions every command follows: ``--format``, ``-o/--output``, ``--quiet``; progress bars on a
terminal's stderr only; exit status 0 on success, 1 when a ``--fail-on`` condition is met (one line on
stderr says which), 2 for usage errors and unreadable input (an output path that is one of the inputs
too), 130 on Ctrl-C (SIGINT) and 143 on SIGTERM (no output file written: a previous one stays intact);
errors on one line without a traceback unless ``--debug``.
"""

from __future__ import annotations

import dataclasses
import importlib
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dedupe import __version__
from dedupe.corpus.load import INPUT_FORMATS, Corpus, LoadOptions, Skipped
from dedupe.errors import ConfigError, DedupeError, InputError
from dedupe.output import check_not_input, check_output, plural, to_json, write_atomic
from dedupe.pipeline import StageTimer, prepare, skipped_records, summarize

if TYPE_CHECKING:  # commands import their stages lazily so that `dedupe --help` stays fast
    from dedupe.compare.groups import CompareConfig
    from dedupe.pipeline import FiguresConfig, ReportConfig, ReportResult
    from dedupe.scan.near_dup import ScanConfig
    from dedupe.stories import StoryConfig

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, as a shell reports a process Ctrl-C stopped
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process stands (see :func:`main`) so that it stops as on Ctrl-C."""


class _InputProblem(click.ClickException):
    """Unreadable input or a bad option value: one line, exit status 2."""

    exit_code = EXIT_USAGE


class _Command(click.Command):
    """A command that refuses, before any work, an ``-o`` path that is one of its inputs."""

    def invoke(self, ctx: click.Context) -> Any:
        inputs = [*ctx.params.get("corpus", ()), *([ctx.params["manifest"]] if ctx.params.get("manifest") else [])]
        try:
            check_not_input(str(ctx.params.get("output", "-")), inputs)
        except ConfigError as exc:
            raise _InputProblem(str(exc)) from None
        return super().invoke(ctx)


class _Group(click.Group):
    """Turns library errors into one-line messages; ``--debug`` re-raises them with the traceback.
    Ctrl-C and SIGTERM end the command with one line and status 130 or 143."""

    command_class = _Command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            click.echo("terminated" if terminated else "interrupted", err=True)
            raise click.exceptions.Exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED) from None
        except (InputError, ConfigError) as exc:
            if _debug(ctx):
                raise
            raise _InputProblem(str(exc)) from None
        except DedupeError as exc:
            if _debug(ctx):
                raise
            raise click.ClickException(str(exc)) from None
        except click.UsageError as exc:  # one line, like every other error
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            raise _InputProblem(exc.format_message() + where) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
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
    return _stacked(func, [
        # Not checked by Click (a three-line usage error): the loader says what is wrong, on one line.
        click.argument("corpus", nargs=-1, required=True, metavar="CORPUS...",
                       type=click.Path(allow_dash=True, readable=False)),
        click.option("--text-field", help="JSON/CSV field holding the text (tried first)."),
        click.option("--source-field", help="JSON/CSV field holding the outlet (tried first)."),
        click.option("--manifest", type=click.Path(readable=False),
                     help="JSONL/CSV manifest giving id, outlet, date, title, url to text files by name."),
        click.option("--strict", is_flag=True, help="Stop with status 2 at the first bad input."),
        click.option("--input-format", type=click.Choice(INPUT_FORMATS), expose_value=False,
                     callback=_remember_input_format,
                     help="Format of standard input (-)  [default: sniffed: JSON, CSV with a text column, else text]"),
    ])


def _remember_input_format(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Keep ``--input-format`` for :func:`load_options` (every command has it; none passes it on itself)."""
    ctx.meta["dedupe.input_format"] = value


def load_options(text_field: str | None, source_field: str | None, manifest: str | None,
                 strict: bool) -> LoadOptions:
    """The :class:`LoadOptions` the corpus options describe (``--input-format`` read from the context)."""
    input_format = click.get_current_context().meta.get("dedupe.input_format")
    return LoadOptions(text_field=text_field, source_field=source_field, manifest=manifest, strict=strict,
                       input_format=input_format)


def _checked_output(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Check ``-o`` while the options are parsed, before any work (a missing folder is created)."""
    try:
        check_output(value)
    except ConfigError as exc:
        raise _InputProblem(str(exc)) from None
    return value


def _output_option(help_text: str) -> Callable[[F], F]:
    """``-o/--output``, checked up front by :func:`dedupe.output.check_output`."""
    return click.option("--output", "-o", type=click.Path(allow_dash=True), default="-",
                        callback=_checked_output, help=help_text)


def output_options(formats: Sequence[str], default: str = "text") -> Callable[[F], F]:
    """Add ``--format``, ``-o/--output`` and ``--quiet`` with the formats a command supports."""
    def wrap(func: F) -> F:
        return _stacked(func, [
            click.option("--format", "fmt", type=click.Choice(list(formats)), default=default,
                         show_default=True, help="Output format."),
            _output_option("Write here instead of standard output (a missing folder is created)."),
            click.option("--quiet", "-q", is_flag=True, help="No progress bars or notes on stderr."),
        ])
    return wrap


def _stacked(func: F, decorators: Sequence[Callable[[F], F]]) -> F:
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


class _DefaultFrom(click.Option):
    """An option whose default is a field of a config dataclass: ``None`` unless given, so the command
    passes on only what the user set; ``--help`` shows the field's default (imported only then)."""

    def __init__(self, *args: Any, field: str, **kwargs: Any) -> None:
        super().__init__(*args, default=None, **kwargs)
        self.field = field

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        module, config, name = self.field.rsplit(".", 2)
        fields = dataclasses.fields(getattr(importlib.import_module(module), config))
        default = next(f.default for f in fields if f.name == name)
        return record[0], f"{record[1]}  [default: {default if default is not None else 'none'}]"


def _given(**values: Any) -> dict[str, Any]:
    """The options the user set (a :class:`_DefaultFrom` option left out is ``None``)."""
    return {name: value for name, value in values.items() if value is not None}


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


_SCAN = "dedupe.scan.near_dup.ScanConfig."


def scan_options(func: F) -> F:
    """Add the scan stage's options (``scan`` and ``report``); ``--threshold`` is :func:`threshold_option`."""
    return _stacked(func, [
        click.option("--min-words", type=int, cls=_DefaultFrom, field=_SCAN + "min_words",
                     help="Shortest shared passage reported, in words."),
        click.option("--ngram", type=int, cls=_DefaultFrom, field=_SCAN + "ngram", help="Words per shingle."),
        click.option("--num-perm", type=int, cls=_DefaultFrom, field=_SCAN + "num_perm",
                     help="MinHash signature length."),
        click.option("--seed", type=int, cls=_DefaultFrom, field=_SCAN + "seed", help="Seed of the MinHash hashing."),
        click.option("--boilerplate-docs", type=int, cls=_DefaultFrom, field=_SCAN + "boilerplate_docs",
                     help="A passage in this many documents or more is reported once as boilerplate (0: never)."),
        click.option("--workers", type=int, help="Processes for hashing  [default: 1]"),
        click.option("--no-passages", is_flag=True, help="Near-duplicate documents (Jaccard) only: no passage search."),
    ])


def scan_config(thresholds: dict[str, float], min_words: int | None, ngram: int | None, num_perm: int | None,
                seed: int | None, boilerplate_docs: int | None, workers: int | None,
                no_passages: bool) -> ScanConfig:
    """The :class:`dedupe.scan.near_dup.ScanConfig` the scan options describe (its defaults where not given)."""
    from dedupe.scan.near_dup import ScanConfig

    return ScanConfig(**_given(threshold=thresholds.get("scan"), min_words=min_words, ngram=ngram,
                               num_perm=num_perm, seed=seed, boilerplate_docs=boilerplate_docs),
                      workers=workers, passages=not no_passages)


_THRESHOLDS = {
    "scan": "Jaccard similarity or containment from which two documents are near-duplicates (0, 1]; "
            "a bare number is this one",
    "align": "paraphrase probability from which two claims are the same claim [0, 1]",
    "candidate": "embedding cosine from which a pair is scored [-1, 1]",
    "divergence": "divergence score from which a negation conflict is reported [0, 1]",
    "nli": "NLI contradiction probability reported as a conflict [0, 1]",
    "entity": "rapidfuzz ratio from which two spellings are one name [0, 100]",
}


class _Threshold(click.ParamType):
    """``NAME=VALUE`` (or a bare number for the scan threshold) -> ``(name, value)``, names limited to a command's."""

    name = "threshold"

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, float]:
        if isinstance(value, tuple):
            return value
        name, equals, number = str(value).rpartition("=")
        name = name.strip() if equals else "scan"
        if name not in self.names:
            self.fail(f"{value!r}: name must be one of {', '.join(self.names)}", param, ctx)
        try:
            return name, float(number)
        except ValueError:
            self.fail(f"{value!r}: value must be a number", param, ctx)


def threshold_option(names: Sequence[str]) -> Callable[[F], F]:
    """``--threshold`` for the stages a command runs (``scan``: a bare number; compare's: ``NAME=VALUE``)."""
    scan_only = tuple(names) == ("scan",)  # then the help shows ScanConfig's default
    extra: dict[str, Any] = {"cls": _DefaultFrom, "field": _SCAN + "threshold"} if scan_only else {}
    return click.option(
        "--threshold", "thresholds", type=_Threshold(names), multiple=True,
        metavar="VALUE" if scan_only else "NAME=VALUE",
        help="Override a threshold (repeatable; the last wins): " + "; ".join(
            f"{name}: {_THRESHOLDS[name]}" for name in names), **extra)


def compare_options(func: F) -> F:
    """Add the compare stage's own options (``compare`` and ``report``)."""
    return click.option("--nli-model", type=click.Path(file_okay=False),
                        help="Folder of a sentence-transformers CrossEncoder NLI model: adds its contradiction "
                             "score.")(func)


def compare_config(story_window: str, one_story: bool, nli_model: str | None,
                   thresholds: dict[str, float]) -> CompareConfig:
    """The :class:`dedupe.compare.groups.CompareConfig` the options describe (its defaults where not given)."""
    from dedupe.compare.align import AlignConfig
    from dedupe.compare.entities import EntityConfig
    from dedupe.compare.groups import CompareConfig

    return CompareConfig(
        story=story_config(story_window, one_story),
        align=AlignConfig(**_given(threshold=thresholds.get("align"), candidate_cosine=thresholds.get("candidate"))),
        entities=EntityConfig(**_given(min_ratio=thresholds.get("entity"))), nli_model=nli_model,
        **_given(divergence_threshold=thresholds.get("divergence"), nli_threshold=thresholds.get("nli")))


_FIGURES = "dedupe.figures.discrepancies.DiscrepancyConfig."


def figure_options(func: F) -> F:
    """Add the figures stage's options (``figures`` and ``report``)."""
    return _stacked(func, [
        click.option("--measure", "measures", multiple=True,
                     help="Only figures with this measure (repeatable): killed, injured, trapped, remaining..."),
        click.option("--no-other", is_flag=True, help="Leave out figures whose measure is 'other'."),
        click.option("--approx-tolerance", type=float, cls=_DefaultFrom, field=_FIGURES + "approx_tolerance",
                     help="Widening of 'approximately N' on each side when comparing, in [0, 1)."),
        click.option("--period-tolerance", type=float, cls=_DefaultFrom, field=_FIGURES + "period_tolerance_days",
                     help="Days by which two periods may differ and still be the same (the starts of "
                          "two cumulative tolls, else both ends)."),
    ])


def figures_config(story_window: str, one_story: bool, measures: tuple[str, ...], no_other: bool,
                   approx_tolerance: float | None, period_tolerance: float | None) -> FiguresConfig:
    """The :class:`dedupe.pipeline.FiguresConfig` the options describe (stage defaults where not given)."""
    from dedupe.figures.discrepancies import DiscrepancyConfig
    from dedupe.figures.extract import FigureConfig
    from dedupe.pipeline import FiguresConfig

    return FiguresConfig(
        extract=FigureConfig(include_other=not no_other), measures=measures,
        discrepancies=DiscrepancyConfig(**_given(approx_tolerance=approx_tolerance,
                                                 period_tolerance_days=period_tolerance)),
        stories=story_config(story_window, one_story))


def story_config(story_window: str, one_story: bool) -> StoryConfig:
    """The :class:`dedupe.stories.StoryConfig` the story options describe."""
    from dedupe.stories import StoryConfig, parse_window

    return StoryConfig(window_days=parse_window(story_window), one_story=one_story)


def cache_folder(cache_dir: str | None, no_cache: bool) -> Path | None:
    """The embedding cache folder the options ask for; ``None`` when the cache is off."""
    from dedupe.embed.encoder import default_cache_dir

    if no_cache:
        return None
    return Path(cache_dir) if cache_dir else default_cache_dir()


#: What each ``--fail-on`` choice counts (``any``: every kind the command offers, echoes left out);
#: ``near_duplicate`` (as the output spells it) is accepted beside ``near-duplicate``.
_FAIL_ON = {"repeat": "repeat", "reuse": "reuse", "near-duplicate": "near_duplicate",
            "near_duplicate": "near_duplicate", "echo": "echo", "divergence": "divergence", "conflict": "conflict",
            "uncertain": "uncertain"}


def fail_on_option(*choices: str, extra: Sequence[str] = ()) -> Callable[[F], F]:
    """``--fail-on`` with the kinds of finding a command can report, plus ``any`` when it has several
    (``extra`` kinds are offered but left out of ``any``)."""
    spelled = [spelling for choice in choices
               for spelling in ((choice, "near_duplicate") if choice == "near-duplicate" else (choice,))]
    offered = spelled + list(extra) + (["any"] if len(choices) > 1 else [])
    return click.option("--fail-on", type=click.Choice(offered), multiple=True,
                        help="Exit with status 1 when such a finding exists (repeatable).")


def exit_on_findings(found: Counter[str], fail_on: Sequence[str], choices: Sequence[str]) -> None:
    """Exit with status 1, saying why on one stderr line, when a finding named by ``--fail-on`` was counted
    (:func:`count_findings`)."""
    wanted = {_FAIL_ON[c] for option in fail_on for c in (choices if option == "any" else (option,))}
    tripped = [plural(found[kind], f"{kind} finding") for kind in sorted(wanted) if found[kind]]
    if tripped:
        click.echo(f"--fail-on {','.join(fail_on)}: {', '.join(tripped)}", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)


def warn(skipped: Skipped) -> None:
    """Print one warning line for a skipped input on stderr."""
    click.echo(f"warning: {skipped}", err=True)


def render_result(fmt: str, result: Any, loaded: Corpus, renderers: dict[str, Callable[[Any], str]],
                  as_dict: Callable[[Any], dict[str, Any]], tag: str = "kind") -> str:
    """Render a command's result so that skipped inputs are counted in the output itself.

    JSON gains a ``skipped`` list (path, line, reason), as ``dedupe info`` has; text and Markdown end with
    a line per skipped input; JSON Lines ends with one ``{"kind": "skipped", "path", "line", "reason"}``
    record per skipped input (``tag`` names the field that tells the command's records apart).
    """
    if fmt == "json":
        return to_json({**as_dict(result), "skipped": skipped_records(loaded)})
    text = renderers[fmt](result)
    if loaded.skipped and fmt in ("text", "markdown"):
        bullet = "- " if fmt == "markdown" else "  "
        text += f"\n{plural(len(loaded.skipped), 'input')} skipped:\n" + "".join(
            f"{bullet}{s}\n" for s in loaded.skipped)
    if fmt == "jsonl":
        from dedupe.output import to_jsonl

        text += to_jsonl({tag: "skipped", **record} for record in skipped_records(loaded))
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
    """Write a rendered result to stdout or, atomically, to a file (UTF-8), noting the file on stderr."""
    if output == "-":
        click.echo(text, nl=False)
        return
    write_atomic(output, text)
    if not quiet:
        click.echo(f"wrote {output}", err=True)


@cli.command()
@corpus_arguments
@output_options(["text", "json", "markdown"])
def info(corpus: tuple[str, ...], text_field: str | None, source_field: str | None, manifest: str | None,
         strict: bool, fmt: str, output: str, quiet: bool) -> None:
    """Print the load summary: documents per outlet, sentences, characters, skipped inputs."""
    from dedupe.report.info import info_dict, info_markdown, info_text

    prepared = prepare(corpus, load_options(text_field, source_field, manifest, strict), stdin=sys.stdin.buffer,
                       progress=progress_for(quiet), warn=warn)
    renderers = {"text": info_text, "markdown": info_markdown, "json": lambda s: to_json(info_dict(s))}
    emit(renderers[fmt](summarize(prepared)), output, quiet)


# --- analysis commands: options -> one config -> one pipeline call -> render --------------------------

# --- dedupe report -----------------------------------------------------------------------------------

_REPORT_FORMATS = {".html": "html", ".htm": "html", ".json": "json", ".md": "markdown", ".markdown": "markdown"}
_REPORT_FAIL_ON = ("repeat", "reuse", "near-duplicate", "divergence", "conflict")


@cli.command()
@corpus_arguments
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]), default=None,
              help="Output format  [default: from the -o suffix (.html, .json, .md), else text]")
@_output_option("Write here instead of standard output (report.html: the self-contained HTML report; "
                "a missing folder is created).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars, summary or notes on stderr.")
@click.option("--skip", type=click.Choice(["scan", "compare", "figures"]), multiple=True,
              help="Leave a stage out (repeatable); --skip compare needs no model.")
@threshold_option(tuple(_THRESHOLDS))
@scan_options
@story_options
@model_options
@compare_options
@figure_options
@fail_on_option(*_REPORT_FAIL_ON, extra=("echo",))
def report(corpus: tuple[str, ...], text_field: str | None, source_field: str | None, manifest: str | None,
           strict: bool, fmt: str | None, output: str, quiet: bool, skip: tuple[str, ...],
           fail_on: tuple[str, ...], **stage_options: Any) -> None:
    """Run scan, compare and figures in one pass and write one report.

    With -o report.html it writes a self-contained HTML page (passages in context, claims side by side,
    figure charts, full texts) and prints a summary on stderr. Every option of scan, compare and figures
    applies to its stage here.
    """
    from dedupe.pipeline import run_report

    if fmt is None:
        fmt = _REPORT_FORMATS.get(Path(output).suffix.lower(), "text") if output != "-" else "text"
    config = _report_config(skip, **stage_options)
    timer = StageTimer()
    result = run_report(corpus, load_options(text_field, source_field, manifest, strict), config,
                        stdin=sys.stdin.buffer, progress=progress_for(quiet), warn=warn, timer=timer)
    document, rendered = timer.run("render", lambda: _render_report(result, str(fmt)))
    emit(rendered, output, quiet)
    if not quiet:
        click.echo("time: " + ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in timer.seconds.items()),
                   err=True)
        if fmt != "text":
            from dedupe.report.combined import report_text

            click.echo(report_text(document, output if fmt == "html" and output != "-" else None), err=True, nl=False)
    exit_on_findings(result.findings, fail_on, _REPORT_FAIL_ON)


def _report_config(skip: tuple[str, ...], thresholds: tuple[tuple[str, float], ...], min_words: int | None,
                   ngram: int | None, num_perm: int | None, seed: int | None, boilerplate_docs: int | None,
                   workers: int | None, no_passages: bool, story_window: str, one_story: bool, model: str | None,
                   cache_dir: str | None, no_cache: bool, nli_model: str | None, measures: tuple[str, ...],
                   no_other: bool, approx_tolerance: float | None, period_tolerance: float | None) -> ReportConfig:
    """The :class:`dedupe.pipeline.ReportConfig` the options describe (stage defaults where not given)."""
    from dedupe.pipeline import REPORT_STAGES, ReportConfig

    given = dict(thresholds)
    return ReportConfig(
        stages=tuple(s for s in REPORT_STAGES if s not in skip),
        scan=scan_config(given, min_words, ngram, num_perm, seed, boilerplate_docs, workers, no_passages),
        compare=compare_config(story_window, one_story, nli_model, given),
        figures=figures_config(story_window, one_story, measures, no_other, approx_tolerance, period_tolerance),
        stories=story_config(story_window, one_story), model=model, cache_dir=cache_folder(cache_dir, no_cache))


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


# --- dedupe figures ----------------------------------------------------------------------------------

_FIGURES_FAIL_ON = ("conflict", "uncertain")


@cli.command()
@corpus_arguments
@output_options(["text", "json", "jsonl", "markdown"])
@story_options
@figure_options
@fail_on_option(*_FIGURES_FAIL_ON)
def figures(corpus: tuple[str, ...], text_field: str | None, source_field: str | None, manifest: str | None,
            strict: bool, fmt: str, output: str, quiet: bool, story_window: str, one_story: bool,
            measures: tuple[str, ...], no_other: bool, approx_tolerance: float | None, period_tolerance: float | None,
            fail_on: tuple[str, ...]) -> None:
    """Extract casualty and other figures and compare them across outlets within each story."""
    from dedupe.pipeline import run_figures
    from dedupe.report.figures import figures_dict, figures_jsonl, figures_markdown, figures_text

    config = figures_config(story_window, one_story, measures, no_other, approx_tolerance, period_tolerance)
    run = run_figures(corpus, load_options(text_field, source_field, manifest, strict), config,
                      stdin=sys.stdin.buffer, progress=progress_for(quiet), warn=warn)
    renderers: dict[str, Callable[[Any], str]] = {
        "text": lambda r: figures_text(*r), "markdown": lambda r: figures_markdown(*r),
        "jsonl": lambda r: figures_jsonl(*r)}
    emit(render_result(fmt, (run.figures, run.discrepancies), run.prepared.corpus, renderers,
                       lambda r: figures_dict(*r), tag="type"), output, quiet)
    exit_on_findings(run.findings, fail_on, _FIGURES_FAIL_ON)


# --- dedupe scan -------------------------------------------------------------------------------------

_SCAN_FAIL_ON = ("repeat", "reuse", "near-duplicate")  # echoes only when asked: --fail-on echo


@cli.command("scan")
@corpus_arguments
@threshold_option(("scan",))
@scan_options
@fail_on_option(*_SCAN_FAIL_ON, extra=("echo",))
@output_options(["text", "json", "jsonl", "markdown"])
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Scan in this process, or on Spark with the same findings (pip install 'dedupe-news[spark]').")
@click.option("--spark-master", help="Spark master URL for --engine spark  [default: spark-submit's, else local[*]]")
@click.option("--partitions", type=click.IntRange(min=1),
              help="Spark partitions of the input and every shuffle  [default: Spark's default parallelism]")
def scan_command(corpus: tuple[str, ...], text_field: str | None, source_field: str | None, manifest: str | None,
                 strict: bool, thresholds: tuple[tuple[str, float], ...], min_words: int | None, ngram: int | None,
                 num_perm: int | None, seed: int | None, boilerplate_docs: int | None, workers: int | None,
                 no_passages: bool, fail_on: tuple[str, ...], fmt: str, output: str, quiet: bool, engine: str,
                 spark_master: str | None, partitions: int | None) -> None:
    """Find repeated and reused passages and near-duplicate documents (MinHash LSH, exact verification).

    With ``--engine spark``, ``-o PATH.parquet`` writes the findings as Parquet instead of ``--format``.
    """
    from dedupe.output import to_jsonl
    from dedupe.pipeline import run_scan, run_scan_spark
    from dedupe.report.scan import scan_dict, scan_jsonl_records, scan_markdown, scan_text

    config = scan_config(dict(thresholds), min_words, ngram, num_perm, seed, boilerplate_docs, workers, no_passages)
    options = load_options(text_field, source_field, manifest, strict)
    parquet = output if output.lower().endswith(".parquet") else None
    if engine == "spark":
        run = run_scan_spark(corpus, options, config, master=spark_master, partitions=partitions, parquet=parquet,
                             warn=warn)
    elif parquet or spark_master or partitions:
        raise click.UsageError("-o *.parquet, --spark-master and --partitions need --engine spark")
    else:
        run = run_scan(corpus, options, config, stdin=sys.stdin.buffer, warn=warn)
    renderers: dict[str, Callable[[Any], str]] = {
        "text": scan_text, "markdown": scan_markdown, "jsonl": lambda r: to_jsonl(scan_jsonl_records(r))}
    if parquet is None:
        emit(render_result(fmt, run.result, run.corpus, renderers, scan_dict), output, quiet)
    elif not quiet:
        click.echo(f"wrote {output}", err=True)
    exit_on_findings(run.findings, fail_on, _SCAN_FAIL_ON)


# --- dedupe compare ----------------------------------------------------------------------------------

@cli.command("compare")
@corpus_arguments
@output_options(["text", "json", "jsonl", "markdown"])
@story_options
@model_options
@compare_options
@threshold_option(tuple(name for name in _THRESHOLDS if name != "scan"))
@fail_on_option("divergence")
def compare_command(corpus: tuple[str, ...], text_field: str | None, source_field: str | None,
                    manifest: str | None, strict: bool, fmt: str, output: str, quiet: bool, story_window: str,
                    one_story: bool, model: str | None, cache_dir: str | None, no_cache: bool,
                    nli_model: str | None, thresholds: tuple[tuple[str, float], ...], fail_on: tuple[str, ...]) -> None:
    """Align claims across outlets within each story: agreement, divergence (with reasons), unique."""
    from dedupe.pipeline import CompareRunConfig, run_compare
    from dedupe.report.compare import compare_dict, compare_jsonl, compare_markdown, compare_text

    config = CompareRunConfig(compare=compare_config(story_window, one_story, nli_model, dict(thresholds)),
                              model=model, cache_dir=cache_folder(cache_dir, no_cache))
    run = run_compare(corpus, load_options(text_field, source_field, manifest, strict), config,
                      stdin=sys.stdin.buffer, progress=progress_for(quiet), warn=warn)
    renderers: dict[str, Callable[[Any], str]] = {
        "text": compare_text, "markdown": compare_markdown, "jsonl": compare_jsonl}
    emit(render_result(fmt, run.result, run.prepared.corpus, renderers, compare_dict), output, quiet)
    exit_on_findings(run.findings, fail_on, ("divergence",))


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def main() -> None:
    """Console-script entry point: SIGTERM stops a command as Ctrl-C does (status 143)."""
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="dedupe")


if __name__ == "__main__":
    main()
