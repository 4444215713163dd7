"""The ``dedupe`` command line: a thin Click layer over the library (the only package that imports click).

Conventions every command follows: ``--format``, ``-o/--output``, ``--quiet``; progress bars on a
terminal's stderr only; exit status 0 on success, 1 when a ``--fail-on`` condition is met (one line on
stderr says which), 2 for usage errors and unreadable input (an output path that is one of the inputs
too), 130 on Ctrl-C (SIGINT) and 143 on SIGTERM (no output file written: a previous one stays intact; one that
comes after the output was written, while a Spark context stops, still ends so, the output kept);
errors on one line without a traceback unless ``--debug``.

Modules: ``app`` (the group, error mapping, :func:`main`), ``options`` (shared option decorators),
``common`` (output, progress, ``--fail-on``), and the commands: ``analysis`` (info, report, figures,
compare), ``scan``, ``index``.
"""

from dedupe.cli import analysis, scan, index  # noqa: F401  (importing them registers the commands)
from dedupe.cli.app import cli, main

__all__ = ["cli", "main"]
