"""``dedupe info``, ``report``, ``figures`` and ``compare``: options -> one config -> one pipeline call -> render."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dedupe.cli.app import cli
from dedupe.cli.common import emit, exit_on_findings, progress_for, warn
from dedupe.cli.options import (THRESHOLDS, compare_options, corpus_arguments, fail_on_option, figure_options,
                                load_options, model_options, output_option, output_options, scan_options,
                                story_options, threshold_option)
from dedupe.configs import cache_folder, compare_config, figures_config, report_config
from dedupe.output import to_json
from dedupe.runtime import StageTimer
from dedupe.report.render import render_report, render_result


@cli.command()
@corpus_arguments
@output_options(["text", "json", "markdown"])
def info(corpus: tuple[str, ...], text_field: str | None, source_field: str | None, manifest: str | None,
         strict: bool, fmt: str, output: str, quiet: bool) -> None:
    """Print the load summary: documents per outlet, sentences, characters, skipped inputs."""
    from dedupe.pipeline import prepare, summarize
    from dedupe.report.info import info_dict, info_markdown, info_text

    prepared = prepare(corpus, load_options(text_field, source_field, manifest, strict), stdin=sys.stdin.buffer,
                       progress=progress_for(quiet), warn=warn)
    renderers = {"text": info_text, "markdown": info_markdown, "json": lambda s: to_json(info_dict(s))}
    emit(renderers[fmt](summarize(prepared)), output, quiet)


# --- dedupe report -----------------------------------------------------------------------------------

_REPORT_FORMATS = {".html": "html", ".htm": "html", ".json": "json", ".md": "markdown", ".markdown": "markdown"}
_REPORT_FAIL_ON = ("repeat", "reuse", "near-duplicate", "divergence", "conflict")


@cli.command()
@corpus_arguments
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]), default=None,
              help="Output format  [default: from the -o suffix (.html, .json, .md), else text]")
@output_option("Write here instead of standard output (report.html: the self-contained HTML report; "
                "a missing folder is created).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars, summary or notes on stderr.")
@click.option("--skip", type=click.Choice(["scan", "compare", "figures"]), multiple=True,
              help="Leave a stage out (repeatable); --skip compare needs no model.")
@threshold_option(tuple(THRESHOLDS))
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

    \b
    Examples:
      dedupe report data/ -o report.html
      dedupe report data/ --skip compare --format markdown -o report.md
      dedupe report data/ --threshold align=0.3 --threshold 0.7 --fail-on conflict
    """
    from dedupe.pipeline import run_report

    if fmt is None:
        fmt = _REPORT_FORMATS.get(Path(output).suffix.lower(), "text") if output != "-" else "text"
    config = report_config(skip, **stage_options)
    timer = StageTimer()
    result = run_report(corpus, load_options(text_field, source_field, manifest, strict), config,
                        stdin=sys.stdin.buffer, progress=progress_for(quiet), warn=warn, timer=timer)
    document, rendered = timer.run("render", lambda: render_report(result, str(fmt)))
    emit(rendered, output, quiet)
    if not quiet:
        click.echo("time: " + ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in timer.seconds.items()),
                   err=True)
        if fmt != "text":
            from dedupe.report.combined import report_text

            click.echo(report_text(document, output if fmt == "html" and output != "-" else None), err=True, nl=False)
    exit_on_findings(result.findings, fail_on, _REPORT_FAIL_ON)


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
    """Extract casualty and other figures and compare them across outlets within each story.

    \b
    Examples:
      dedupe figures data/
      dedupe figures data/ --measure killed --measure injured --format json -o figures.json
      dedupe figures data/ --one-story --no-other --fail-on conflict
    """
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


# --- dedupe compare ----------------------------------------------------------------------------------

@cli.command("compare")
@corpus_arguments
@output_options(["text", "json", "jsonl", "markdown"])
@story_options
@model_options
@compare_options
@threshold_option(tuple(name for name in THRESHOLDS if name != "scan"))
@fail_on_option("divergence")
def compare_command(corpus: tuple[str, ...], text_field: str | None, source_field: str | None,
                    manifest: str | None, strict: bool, fmt: str, output: str, quiet: bool, story_window: str,
                    one_story: bool, model: str | None, cache_dir: str | None, no_cache: bool,
                    nli_model: str | None, thresholds: tuple[tuple[str, float], ...], fail_on: tuple[str, ...]) -> None:
    """Align claims across outlets within each story: agreement, divergence (with reasons), unique.

    \b
    Examples:
      dedupe compare data/
      dedupe compare data/ --format markdown -o compare.md
      dedupe compare data/ --story-window 7d --threshold align=0.3 --fail-on divergence
    """
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
