"""What every command does at its end: warnings, progress bars, writing the output, ``--fail-on`` exits."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import click

from dedupe.cli.app import EXIT_FINDINGS
from dedupe.cli.options import FAIL_ON
from dedupe.corpus.documents import Skipped
from dedupe.output import plural, terminal_safe, write_atomic


T = TypeVar("T")


def exit_on_findings(found: Counter[str], fail_on: Sequence[str], choices: Sequence[str]) -> None:
    """Exit with status 1, saying why on one stderr line, when a finding named by ``--fail-on`` was counted
    (:func:`count_findings`)."""
    wanted = {FAIL_ON[c] for option in fail_on for c in (choices if option == "any" else (option,))}
    tripped = [plural(found[kind], f"{kind} finding") for kind in sorted(wanted) if found[kind]]
    if tripped:
        click.echo(f"--fail-on {','.join(fail_on)}: {', '.join(tripped)}", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)


def warn(skipped: Skipped | str) -> None:
    """Print one warning line for a skipped input (or a load note) on stderr."""
    click.echo(terminal_safe(f"warning: {skipped}"), err=True)


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
