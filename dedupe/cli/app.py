"""The group, its error mapping (one line, ``--debug`` for the traceback), exit statuses and :func:`main`."""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from typing import Any, NoReturn

import click

from dedupe import __version__
from dedupe.errors import ConfigError, DedupeError, InputError
from dedupe.output import check_not_input, terminal_safe

EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, as a shell reports a process Ctrl-C stopped
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143
# A group run without a command (``dedupe index``) shows its help as ``dedupe`` alone does: click >= 8.2 raises
# this usage error for it, whose message is the whole help, not a one-line error.
_HELP_WITHOUT_COMMAND: tuple[type[Exception], ...] = tuple(
    getattr(click.exceptions, name) for name in ("NoArgsIsHelpError",) if hasattr(click.exceptions, name))


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process stands (see :func:`main`) so that it stops as on Ctrl-C."""


class InputProblem(click.ClickException):
    """Unreadable input or a bad option value: one line, exit status 2."""

    exit_code = EXIT_USAGE


class _Command(click.Command):
    """A command that refuses, before any work, an ``-o`` path that is one of its inputs (the corpus, the
    manifest, or the index ``scan --against`` reads: its history would be replaced by the findings)."""

    def invoke(self, ctx: click.Context) -> Any:
        inputs = [*ctx.params.get("corpus", ()),
                  *(ctx.params[name] for name in ("manifest", "against") if ctx.params.get(name))]
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
            raise click.exceptions.Exit(_stopped(isinstance(exc, Terminated))) from None
        except (InputError, ConfigError) as exc:
            if _debug(ctx):
                raise
            raise InputProblem(terminal_safe(str(exc))) from None  # it may name a corpus file (--strict)
        except DedupeError as exc:
            if _debug(ctx):
                raise
            raise click.ClickException(terminal_safe(str(exc))) from None
        except _HELP_WITHOUT_COMMAND:
            raise
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


def _stopped(terminated: bool) -> int:
    """Say on stderr, in one line, that Ctrl-C or SIGTERM stopped the command.

    Args:
        terminated: SIGTERM, not Ctrl-C.

    Returns:
        The exit status: 130 for Ctrl-C, 143 for SIGTERM.
    """
    click.echo("terminated" if terminated else "interrupted", err=True)
    return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED


def main() -> None:
    """Console-script entry point: SIGTERM stops a command as Ctrl-C does (status 143). The process then
    leaves by :func:`_leave`."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli(prog_name="dedupe")
    except SystemExit as exc:
        _leave(_after_threads(exc))


def _after_threads(done: SystemExit) -> SystemExit:
    """``done`` once the threads a command left running have ended, or the status of a Ctrl-C or SIGTERM
    that came meanwhile.

    A thread may outlive its command (``scan --engine spark`` stops its Spark context in one while the
    findings are written: :func:`dedupe.scan.spark_jvm.stop_soon`). Left to the interpreter, which joins such
    threads at exit, a Ctrl-C then printed "Exception ignored in: <module 'threading'>" and its traceback,
    the process still ended with status 0, and the thread was abandoned half way (a class archive the JVM
    was writing stayed as a ``.partial`` file). Here the signal gives the command's one line and status at
    once, and the threads are still waited for, since they clean up; a second Ctrl-C or SIGTERM ends the
    process at once, silently, as their default actions do.

    Args:
        done: How the command ended.

    Returns:
        ``done``, or an exit with status 130 (Ctrl-C) or 143 (SIGTERM) when one came while the threads ran.
    """
    others = [thread for thread in threading.enumerate()
              if thread is not threading.current_thread() and not thread.daemon]
    stopped: list[int] = []

    def stop(signum: int, frame: object) -> None:
        # no exception: one raised in a join marks the thread stopped while it still runs (CPython's
        # Thread._wait_for_tstate_lock releases its lock), and the interpreter then leaves without it
        stopped.append(_stopped(signum == signal.SIGTERM))
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    if others:
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
    for thread in others:
        thread.join()
    return SystemExit(stopped[0]) if stopped else done


# What a command kept alive until the process exits (:func:`keep_until_exit`): the last command's only.
_KEPT: list[object] = []


def keep_until_exit(value: object) -> None:
    """Keep ``value`` alive after the command returns, for :func:`_leave` to drop with the process.

    Freeing a large result object by object as the command returns costs what teardown would (Reuters'
    19,043 documents: ~11 ms of an ``index add``, more after forks, whose children share the pages each free
    writes to), and the process ends right after. Only the last value is kept: a process that runs commands
    again (the tests) holds one at most.
    """
    _KEPT[:] = [value]


def _leave(done: SystemExit) -> NoReturn:
    """Exit with ``done``'s status, without the interpreter's teardown when nothing needs it.

    Teardown frees every object one by one (a scan of Reuters-21578 holds 19,043 documents and their
    findings: ~0.1 s), and this process is ending. It is skipped, as mypy does, only when no ``atexit``
    handler was registered (nothing of ours registers one; PySpark, torch and temporary folders do), no
    other thread runs, the status is a number, and the standard streams flush: then nothing is lost, since
    every output file was written and closed (:func:`~dedupe.output.write_atomic`) before this point.

    Raises:
        SystemExit: ``done`` itself, when teardown may be needed.
    """
    count = getattr(atexit, "_ncallbacks", None)  # CPython's; elsewhere exit as usual
    status = 0 if done.code is None else done.code
    if count is None or count() or threading.active_count() > 1 or not isinstance(status, int):
        raise done
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stream: let the interpreter report it as usual
        raise done from None
    os._exit(status)
