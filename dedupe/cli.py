"""The ``dedupe`` command line: a thin Click layer over the library.

Conventions every command follows: ``--format``, ``-o/--output``, ``--quiet``; progress bars on a
terminal's stderr only; exit status 0 on success, 1 when a ``--fail-on`` condition is met, 2 for usage
errors and unreadable input; errors on one line without a traceback unless ``--debug``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from dedupe import __version__
from dedupe.corpus import LoadOptions
from dedupe.errors import ConfigError, DedupeError, InputError
from dedupe.output import to_json
from dedupe.pipeline import PreparedCorpus, StageTimer, prepare, summarize

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
    return bool("--debug" in sys.argv or (ctx.obj or {}).get("debug"))


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


def load_prepared(corpus: Sequence[str], text_field: str | None, source_field: str | None,
                  manifest: str | None, strict: bool, quiet: bool,
                  timer: StageTimer | None = None) -> PreparedCorpus:
    """Load and segment the corpus, printing one warning line per skipped input on stderr."""
    options = LoadOptions(text_field=text_field, source_field=source_field, manifest=manifest, strict=strict)
    prepared = prepare(corpus, options, stdin=sys.stdin.buffer, progress=progress_for(quiet), timer=timer)
    for skipped in prepared.corpus.skipped:
        click.echo(f"warning: {skipped}", err=True)
    if not prepared.corpus.documents:
        raise InputError(f"no documents loaded from {', '.join(corpus)} ({len(prepared.corpus.skipped)} inputs skipped)")
    return prepared


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
    Path(output).write_text(text, encoding="utf-8")
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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="dedupe")


if __name__ == "__main__":
    main()
