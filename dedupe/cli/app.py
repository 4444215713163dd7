"""The group, its error mapping (one line, ``--debug`` for the traceback), exit statuses and :func:`main`."""

from __future__ import annotations

import signal
from typing import Any

import click

from dedupe import __version__
from dedupe.errors import ConfigError, DedupeError, InputError
from dedupe.output import check_not_input

EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, as a shell reports a process Ctrl-C stopped
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process stands (see :func:`main`) so that it stops as on Ctrl-C."""


class InputProblem(click.ClickException):
    """Unreadable input or a bad option value: one line, exit status 2."""

    exit_code = EXIT_USAGE


class _Command(click.Command):
    """A command that refuses, before any work, an ``-o`` path that is one of its inputs."""

    def invoke(self, ctx: click.Context) -> Any:
        inputs = [*ctx.params.get("corpus", ()), *([ctx.params["manifest"]] if ctx.params.get("manifest") else [])]
        try:
            check_not_input(str(ctx.params.get("output", "-")), inputs)
        except ConfigError as exc:
            raise InputProblem(str(exc)) from None
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
            raise InputProblem(str(exc)) from None
        except DedupeError as exc:
            if _debug(ctx):
                raise
            raise click.ClickException(str(exc)) from None
        except click.UsageError as exc:  # one line, like every other error
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            raise InputProblem(exc.format_message() + where) from None
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


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def main() -> None:
    """Console-script entry point: SIGTERM stops a command as Ctrl-C does (status 143)."""
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="dedupe")
