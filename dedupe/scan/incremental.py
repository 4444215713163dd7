"""An incremental scan: the documents a round adds scanned against those already scanned (``scan --against``).

``scan --against`` scans the batch with the stored documents it has read, reads their neighbours, and scans
again until no new document turns up (:mod:`dedupe.index.query`). A late round adds a few to a few hundred
documents to thousands; :func:`scan_more` keeps what the scan of the others found (:class:`Scanned`) and
computes only what the new (**fresh**) documents can change. The result is that of
:func:`~dedupe.scan.near_dup.scan` of all the documents at once (``whole`` given), byte for byte:

* LSH candidates: a pair is a candidate by its buckets in the whole alone, so the candidates of the others
  stay candidates, verified as before; the candidates are found again over all the documents (0.06 s of a
  late round's 0.2-0.35 s on Reuters x10), and only the pairs with a fresh document are verified;
* ranks (:meth:`~dedupe.scan.near_dup.WholeCorpus.ranks`): a place's rank depends on the places of its
  hash group only; only the groups fresh documents hold are ranked (no other place can link to them);
* shared runs: a link is a matter of its two places and their ranks, so the runs between two documents
  scanned before stay, and those with a fresh document are made from the places of the hashes fresh
  documents hold (:func:`~dedupe.scan.passages.shared_runs` with ``fresh``);
* verified pairs: a pair is verified on its own candidates and runs; the others' pairs stay.

Grouping (chaining runs, passage groups, clusters, locating occurrences) runs again over all the runs and
pairs: it is cheap next to the rest, and a fresh pair can join any cluster.

Documents keep their relative order from round to round (``scan --against`` orders the stored documents by
``seq``, then the batch): fresh documents may come anywhere, and what was kept is renumbered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedupe.corpus.documents import Document
from dedupe.runtime import StageTimer, paused_gc
from dedupe.scan.config import ScanConfig
from dedupe.scan.fingerprints import fingerprint_workers
from dedupe.scan.minhash import lsh_params
from dedupe.scan.near_dup import (
    CorpusView,
    DocumentPair,
    ScanResult,
    ScanStats,
    WholeCorpus,
    assemble_findings,
    pair_clusters,
)
from dedupe.scan.passages import RunTable, concat_runs, shared_runs
from dedupe.scan.shingle import I64, Fingerprints
from dedupe.scan.verify import Pair, verify


#: Share of the places held by fresh documents from which a round ranks and links every place, as a scan of
#: them all does (Reuters x10 check, round 2: 4.6 k documents added to 3.7 k).
RESCAN_SHARE = 0.25


@dataclass(frozen=True)
class Scanned:
    """What a scan of some documents found, kept for the next round of an incremental scan.

    Attributes:
        ids: The documents' ids, in corpus order.
        runs: Shared runs, ordered by first place.
        pairs: Verified pairs, ordered by ``(a, b)``.
    """

    ids: tuple[str, ...]
    runs: RunTable
    pairs: tuple[Pair, ...]


def scan_more(kept: Scanned | None, documents: Sequence[Document], prints: Fingerprints, whole: WholeCorpus,
              config: ScanConfig | None = None,
              involving: frozenset[str] | None = None) -> tuple[ScanResult, Scanned]:
    """Scan ``documents``, of which those in ``kept`` were scanned before, as part of a larger corpus.

    Args:
        kept: What the scan of the earlier documents found (``None``: none were scanned).
        documents: Every document (ids distinct), earlier and fresh, in corpus order; the earlier ones in their
            earlier order.
        prints: Their fingerprints (:func:`~dedupe.scan.fingerprints.fingerprint_corpus` with ``config.ngram``).
        whole: The larger corpus (:class:`~dedupe.scan.near_dup.WholeCorpus`).
        config: Options; defaults to :class:`ScanConfig()`.
        involving: Keep only the findings with an occurrence in one of these documents (ids).

    Returns:
        ``scan(documents, config, whole, involving, prints)``, and what to keep for the next round.

    Raises:
        ValueError: A document of ``kept`` is missing, or out of its earlier order.
    """
    config = config or ScanConfig()
    with paused_gc():
        return _scan_more(kept, documents, prints, whole, config, involving)


def _scan_more(kept: Scanned | None, documents: Sequence[Document], prints: Fingerprints, whole: WholeCorpus,
               config: ScanConfig, involving: frozenset[str] | None) -> tuple[ScanResult, Scanned]:
    timer = StageTimer()
    ids = tuple(d.id for d in documents)
    earlier = _renumbered(kept, ids)
    fresh = np.ones(len(ids), dtype=bool)
    fresh[earlier] = False
    usable = (np.diff(prints.offsets) > 0) & (prints.token_counts >= config.min_words)
    bands, rows = lsh_params(config.threshold, config.num_perm)
    candidates = timer.run("minhash", lambda: whole.candidates(prints, usable))
    new_candidates = candidates[fresh[candidates[:, 0]] | fresh[candidates[:, 1]]]
    # Where fresh documents hold a large share of the places, ranking and linking them all costs less than
    # choosing the places they can change (the same ranks and runs).
    places = np.diff(prints.offsets)
    partly = kept is not None and int(places[fresh].sum()) < RESCAN_SHARE * int(places.sum())
    runs, new_runs = RunTable.from_rows([]), RunTable.from_rows([])
    if config.passages and partly and kept is not None:
        ranks = timer.run("ranks", lambda: whole.ranks(prints, fresh))
        new_runs = timer.run("passages", lambda: shared_runs(prints, config.min_words, ranks=ranks, fresh=fresh))
        runs = concat_runs(_renamed_runs(kept.runs, earlier), new_runs).ordered()  # stable: ties keep their order
    elif config.passages:
        ranks = timer.run("ranks", lambda: whole.ranks(prints))
        runs = timer.run("passages", lambda: shared_runs(prints, config.min_words, ranks=ranks))
        new_runs = runs.take(fresh[runs.a] | fresh[runs.b])
    new_pairs = timer.run("verify", lambda: verify(prints, usable, new_candidates, new_runs, config.threshold))
    pairs = new_pairs
    if kept is not None:
        pairs = sorted([(int(earlier[a]), int(earlier[b]), j, c) for a, b, j, c in kept.pairs] + new_pairs)
    view = CorpusView(documents, prints)
    keep = None if involving is None else np.array([i in involving for i in ids], dtype=bool)
    findings = timer.run("group", lambda: assemble_findings(view, prints.token_counts, runs, pairs,
                                                            pair_clusters(pairs, len(documents)), config, keep))
    stats = ScanStats(len(documents), int(prints.token_counts.sum()), int(prints.shingles.size), bands, rows,
                      len(candidates), len(pairs), len(runs), fingerprint_workers(config), timer.seconds)
    named = tuple(DocumentPair(ids[a], ids[b], jac, con) for a, b, jac, con in pairs)
    return ScanResult(config, findings, named, stats), Scanned(ids, runs, tuple(pairs))


def _renumbered(kept: Scanned | None, ids: tuple[str, ...]) -> I64:
    """The index in ``ids`` of each document of ``kept``, in its earlier order (ascending)."""
    if kept is None:
        return np.zeros(0, dtype=np.int64)
    place = {doc: i for i, doc in enumerate(ids)}
    missing = [doc for doc in kept.ids if doc not in place]
    if missing:
        raise ValueError(f"document {missing[0]!r} scanned before is missing")
    earlier = np.array([place[doc] for doc in kept.ids], dtype=np.int64)
    if np.any(np.diff(earlier) <= 0):
        raise ValueError("the documents scanned before must keep their order")
    return earlier


def _renamed_runs(runs: RunTable, earlier: I64) -> RunTable:
    """``runs`` with their documents renumbered (in the same order: the rows stay ordered)."""
    return RunTable(earlier[runs.a], runs.a_start, runs.a_end, earlier[runs.b], runs.b_start, runs.b_end,
                    runs.similarity)
