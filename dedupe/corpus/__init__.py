"""Stage 1: load a corpus (files, folders, JSONL/JSON/CSV, stdin, manifests) into :class:`Document` records.

:mod:`dedupe.corpus.readers` decodes bytes and yields records from each format; :mod:`dedupe.corpus.load`
finds and reads the files and :mod:`dedupe.corpus.records` turns their records into documents with provenance
(path and line), counting every skipped input; :mod:`dedupe.corpus.dates` reads their publication dates.
"""

from __future__ import annotations

from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Corpus, Document, LoadOptions, Origin, Skipped

__all__ = ["Corpus", "Document", "LoadOptions", "Origin", "Skipped", "load_corpus"]
