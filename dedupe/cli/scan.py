"""``dedupe scan``, locally, on Spark or against an index."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any

import click

from dedupe.cli.app import cli
from dedupe.cli.common import emit, exit_on_findings, warn
from dedupe.cli.options import (corpus_arguments, fail_on_option, load_options, output_options, scan_options,
                                threshold_option)
from dedupe.configs import scan_config
from dedupe.corpus.documents import LoadOptions
from dedupe.report.render import render_result
from dedupe.runtime import one_blas_thread


# --- dedupe scan -------------------------------------------------------------------------------------

_SCAN_FAIL_ON = ("repeat", "reuse", "near-duplicate")  # echoes only when asked: --fail-on echo


@cli.command("scan")
@corpus_arguments
@threshold_option(("scan",))
@scan_options
@fail_on_option(*_SCAN_FAIL_ON, extra=("echo",))
@output_options(["text", "json", "jsonl", "markdown"])
@click.option("--against", type=click.Path(dir_okay=False),
              help="Index file (dedupe index add) holding the history: report the findings involving CORPUS.")
@click.option("--add", "add_after", is_flag=True, help="With --against: add CORPUS to the index after the check.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Scan in this process, or on Spark with the same findings (pip install 'dedupe-news[spark]').")
@click.option("--spark-master", help="Spark master URL for --engine spark  [default: spark-submit's, else local[*]]")
@click.option("--partitions", type=click.IntRange(min=1),
              help="Spark partitions of the input and every shuffle  [default: Spark's default parallelism]")
def scan_command(corpus: tuple[str, ...], text_field: str | None, source_field: str | None, manifest: str | None,
                 strict: bool, thresholds: tuple[tuple[str, float], ...], min_words: int | None, ngram: int | None,
                 num_perm: int | None, seed: int | None, boilerplate_docs: int | None, workers: int | None,
                 no_passages: bool, fail_on: tuple[str, ...], fmt: str, output: str, quiet: bool,
                 against: str | None, add_after: bool, engine: str, spark_master: str | None,
                 partitions: int | None) -> None:
    """Find repeated and reused passages and near-duplicate documents (MinHash LSH, exact verification).

    With ``--engine spark``, ``-o PATH.parquet`` writes the findings as Parquet instead of ``--format``.
    With ``--against INDEX``, CORPUS is a new batch checked against everything in the index.
    """
    one_blas_thread()  # before numpy is first imported, below
    from dedupe.output import to_jsonl
    from dedupe.pipeline import run_scan, run_scan_spark

    config = scan_config(dict(thresholds), min_words, ngram, num_perm, seed, boilerplate_docs, workers, no_passages)
    options = load_options(text_field, source_field, manifest, strict)
    parquet = output if output.lower().endswith(".parquet") else None
    if add_after and not against:
        raise click.UsageError("--add needs --against INDEX")
    if against:
        if engine == "spark" or parquet:
            raise click.UsageError("--against runs on the local engine, without -o *.parquet")
        found = _scan_against(against, corpus, options, config, add_after, fmt, output, quiet)
        exit_on_findings(found, fail_on, _SCAN_FAIL_ON)
        return
    if engine == "spark":
        run = run_scan_spark(corpus, options, config, master=spark_master, partitions=partitions, parquet=parquet,
                             warn=warn, quiet=quiet)
    elif parquet or spark_master or partitions:
        raise click.UsageError("-o *.parquet, --spark-master and --partitions need --engine spark")
    else:
        run = run_scan(corpus, options, config, stdin=sys.stdin.buffer, warn=warn)
    # Imported after the run: it imports the scan stage, which run_scan imports while a child loads.
    from dedupe.report.scan import scan_json, scan_jsonl_records, scan_markdown, scan_text

    renderers: dict[str, Callable[[Any], str]] = {
        "text": scan_text, "markdown": scan_markdown, "jsonl": lambda r: to_jsonl(scan_jsonl_records(r))}
    if parquet is None:
        emit(render_result(fmt, run.result, run.corpus, renderers, scan_json, clean=False), output, quiet)
    elif not quiet:
        click.echo(f"wrote {output}", err=True)
    exit_on_findings(run.findings, fail_on, _SCAN_FAIL_ON)


def _scan_against(path: str, corpus: Sequence[str], options: LoadOptions, config: Any, add_after: bool, fmt: str,
                  output: str, quiet: bool) -> Counter[str]:
    """``scan --against``: check the batch against the index, render, optionally add it; the findings counted."""
    from dedupe.index import IndexParams, open_index, scan_against
    from dedupe.output import check_not_input, check_output, make_folder
    from dedupe.pipeline import count_findings, load_checked
    from dedupe.pipeline.load import warn_all
    from dedupe.report.index import add_text, against_dict, against_jsonl, against_markdown, against_text

    if add_after:  # checked as index add checks its file, before the load
        check_not_input(path, corpus)
        check_output(path)
    loaded = load_checked(corpus, options, sys.stdin.buffer, warn, notes=False)  # warned once the check names them
    # --add on a missing index starts it (an empty history): a daily CI job runs the same command on its first day
    with ExitStack() as held:
        try:
            if add_after:
                make_folder(path)
            index = held.enter_context(open_index(path, IndexParams.from_config(config), create=add_after))
            checked = scan_against(index, loaded.documents, config, added=loaded.as_given() if add_after else None)
        except BaseException:  # no check named the documents: the loader's notes as they are, before its error
            warn_all((), loaded.notes, warn)
            raise
        warn_all((), loaded.notes_naming(dict(checked.aliases)), warn)
        renderers: dict[str, Callable[[Any], str]] = {
            "text": against_text, "markdown": against_markdown, "jsonl": against_jsonl}
        emit(render_result(fmt, checked, loaded, renderers, against_dict), output, quiet)
        if add_after:
            click.echo(add_text(path, index.add(loaded.as_given()), len(loaded.skipped)), err=True, nl=False)
    return count_findings(scan=checked.result)

