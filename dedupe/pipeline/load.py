"""Stage 1 as every command runs it: load a corpus, tell each skipped input, refuse a corpus without documents.

Light on purpose: ``dedupe index add`` and ``dedupe scan`` read their corpus through :func:`load_checked` without
loading the other commands' configs and results (:mod:`dedupe.pipeline.stages`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import BinaryIO

from dedupe.corpus.documents import Corpus, LoadOptions, Skipped
from dedupe.corpus.load import load_corpus
from dedupe.errors import NothingLoaded

#: Called with each skipped input once the corpus is loaded (the CLI prints a warning line).
Warn = Callable[[Skipped | str], None]  # a skipped input, or a note such as a repeated id kept under a new one


def no_warning(skipped: Skipped | str) -> None:
    """The default :data:`Warn`: skipped inputs are only counted in the result."""


def load_checked(paths: Sequence[str], options: LoadOptions | None = None, stdin: BinaryIO | None = None,
                 warn: Warn = no_warning, meanwhile: Callable[[], None] | None = None, notes: bool = True) -> Corpus:
    """Load a corpus, report each skipped input to ``warn``, and refuse a corpus without documents.

    Args:
        paths: Inputs as for :func:`dedupe.corpus.load.load_corpus`.
        options: Load options.
        stdin: Stream read for ``-``.
        warn: Called with each skipped input, in load order.
        meanwhile: Work done while a forked child reads (:func:`dedupe.corpus.load.load_corpus`).
        notes: Whether the corpus' notes go to ``warn`` too (``False``: the caller warns them once it has named the
            documents, as ``scan --against`` does: :meth:`~dedupe.corpus.documents.Corpus.notes_naming`).

    Returns:
        The loaded corpus (at least one document).

    Raises:
        InputError: As :func:`dedupe.corpus.load.load_corpus`; :class:`~dedupe.errors.NothingLoaded`, no document
            could be loaded.
    """
    corpus = load_corpus(paths, options, stdin, meanwhile)
    warn_all(corpus.skipped, corpus.notes if notes else (), warn)
    if not corpus.documents:
        raise NothingLoaded(paths, corpus.skipped)
    return corpus


def warn_all(skipped: Sequence[Skipped], notes: Sequence[str], warn: Warn) -> None:
    """Report each skipped input, then each load note (repeated ids, ``--text-field`` fallbacks, fields not read),
    to ``warn``."""
    for each in skipped:
        warn(each)
    for note in notes:
        warn(note)


def skipped_records(corpus: Corpus) -> list[dict[str, object]]:
    """The skipped inputs as the JSON output lists them: path, line, reason."""
    return [{"path": s.path, "line": s.line, "reason": s.reason} for s in corpus.skipped]
