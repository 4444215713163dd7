"""Errors the library raises for problems the user can fix (bad input, bad options)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the corpus imports this module
    from dedupe.corpus.documents import Skipped


class DedupeError(Exception):
    """Base class of user-facing errors: the CLI prints the message on one line, no traceback."""


class InputError(DedupeError):
    """Unreadable or invalid input (missing file, duplicate ids, ``--strict`` problems, an index on a full disk);
    exit status 2."""


class NothingLoaded(InputError):
    """No document was loaded from the inputs (the local loader's or a Spark scan's): raised with the skipped
    inputs and load notes, which a caller that has not yet warned of them does first
    (:func:`dedupe.pipeline.stages.run_scan_spark`, as :func:`dedupe.pipeline.load.load_checked` does).

    Attributes:
        skipped: Unreadable files and records, in corpus order.
        notes: The load notes (repeated ids, ``--text-field`` fallbacks, fields not read).
    """

    def __init__(self, paths: Sequence[str], skipped: Sequence[Skipped], notes: Sequence[str] = ()) -> None:
        from dedupe.output import plural  # the project's one plural (dedupe.output imports this module)

        super().__init__(f"no documents loaded from {', '.join(paths)} ({plural(len(skipped), 'input')} skipped)")
        self.skipped = tuple(skipped)
        self.notes = tuple(notes)


class ConfigError(DedupeError):
    """An option value out of range or inconsistent; exit status 2."""
