"""One command run as a whole process under ``/usr/bin/time``: wall clock, CPU seconds, peak memory, stderr.

The one way the benchmarks that compare whole processes with their peak memory time a run
(:mod:`benchmarks.index_history`, :mod:`benchmarks.report_scale`, :mod:`benchmarks.scan_cli_speed`).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Timed:
    """One run of a command.

    Attributes:
        wall: Seconds from its start to its end.
        cpu: User + system seconds of the command and the children it waited for (and ``/usr/bin/time``'s own,
            about a millisecond).
        peak_mb: The command's own peak resident memory, in MB.
        stderr: What it wrote to stderr (its stdout is discarded).
    """

    wall: float
    cpu: float
    peak_mb: float
    stderr: str


def timed(command: list[str], ok: Collection[int] = (0,), cwd: Path | None = None) -> Timed:
    """Run ``command`` to its end under ``/usr/bin/time``.

    Args:
        command: The command line.
        ok: Exit statuses that are a successful run (``dedupe scan`` exits 1 when it finds something).
        cwd: The folder to run it in (``None``: this process's).

    Returns:
        The run's times, peak memory and stderr.

    Raises:
        RuntimeError: The command exited with a status not in ``ok`` (the message ends with its stderr's tail).
    """
    # Bytecode is written and reused, as after ``pip install`` (which compiles it), for every contestant: a
    # shell that sets PYTHONDONTWRITEBYTECODE would otherwise have each run compile our package anew (the
    # peers' packages in site-packages were compiled when installed).
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONWARNINGS": "ignore"}
    with tempfile.TemporaryDirectory() as folder:
        # The peak is read by /usr/bin/time (~1 ms a run): Linux counts the forking process' own peak into a
        # child's at exec, so wait4 on a child of this script (334 MB after building index_history's scale-10
        # history) gave at least that whatever the command used. stderr goes to a file, not a pipe, which a
        # chatty command would fill while this process waits in wait4.
        peak, errors = Path(folder, "peak"), Path(folder, "stderr")
        with errors.open("wb") as sink:
            began = time.perf_counter()
            process = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", str(peak), *command], env=env,
                                       cwd=cwd, stdout=subprocess.DEVNULL, stderr=sink)
            _, wait_status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        stderr = errors.read_text(errors="replace")
        if process.returncode not in ok:
            raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}:\n{stderr[-2000:]}")
        peak_kb = int(peak.read_text().split()[-1])  # after "Command exited with non-zero status 1" where it did
    return Timed(seconds, usage.ru_utime + usage.ru_stime, peak_kb / 1024, stderr)
