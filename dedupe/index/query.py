"""``dedupe scan BATCH --against INDEX``: the findings of a batch, with history read from the index.

The index is queried, not loaded: only the stored documents that can take part in a finding with the
batch are read, and the scan's own machinery runs on those plus the batch, history first in ingestion
order, as ``dedupe scan HISTORY BATCH`` orders them: round after round, each round scanning only the
documents it adds against those scanned before (:func:`dedupe.scan.incremental.scan_more`, the same findings
as :func:`dedupe.scan.near_dup.scan` of them all). Findings that
involve no batch document are dropped, so the result is the full rescan's findings that involve the batch.
A small index (at most :data:`READ_ALL` stored shingle occurrences) is read whole and scanned once with
the batch instead: that is the rescan itself, and there it costs less than the lookups.

Which stored documents: those sharing an LSH band key or a passage key with the batch; then, until
nothing new turns up, those sharing a key with the history documents already in a finding with the batch
(the passage keys over a passage's place; every key of a stored document named in a finding, and of those
in a near-duplicate cluster with one), since such neighbours join clusters and passage groups in the full
rescan.

**Equivalence with the full rescan.** The findings are exactly those of ``dedupe scan HISTORY BATCH`` that
involve the batch (tested on a Reuters-21578 split; on Reuters x1 and x10 in the benchmark, 1,137 of 1,137
and 1,184 of 1,184):

* verification is exact, and groups and clusters are followed through history until no lookup finds
  another document: every run of the rescan shares a passage key, every candidate pair a band or passage
  key, so a passage group that involves the batch is read whole, and so are the clusters of its stored
  documents (a passage between two documents of one cluster belongs to the ``near_duplicate`` finding);
* where the rescan's result on some documents depends on all the others, every scan is told what the
  whole gives (:class:`dedupe.index.ranks.History`): the rank of each shingle place in ``history + batch``
  (the rescan links a place only to the ``fanout`` places of its hash just before it in the whole corpus,
  :func:`dedupe.scan.passages.shared_runs`), read from the stored shingle occurrences; and the LSH
  candidates (a bucket of over 100 documents of the whole pairs only neighbours). The loop ends when the
  findings, exact for the documents read, ask for no new document. (Scanning without ranks until the
  documents stop growing, as this module did first, links more places, so it reads more documents in more
  rounds: 10 rounds and 10 k documents on Reuters x10 against 5 rounds and 8 k.)

Exact up to one thing: the index keeps 40 bits of each hash, so two shingles (or band buckets) that agree
on those bits are counted together (see :mod:`dedupe.index.ranks`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from dedupe.corpus.documents import Document
from dedupe.index.keys import IndexParams, document_keys, passage_keys, stored_keys
from dedupe.index.origin import PassageOrigin, passage_origins
from dedupe.index.prepare import described, identity_key
from dedupe.index.ranks import History, documents_of
from dedupe.index.store import Index
from dedupe.index.stored import StoredDocument
from dedupe.runtime import kept_heap, paused_gc
from dedupe.scan.config import ScanConfig
from dedupe.scan.incremental import scan_more
from dedupe.scan.near_dup import Finding, ScanResult, scan
from dedupe.scan.fingerprints import fingerprint_corpus
from dedupe.scan.shingle import I64, Fingerprints, in_sorted, merge_sorted, sorted_unique

#: Lookups at most (``None``: until nothing new turns up, which the equivalence needs). Each round looks up
#: the keys it has not asked before and scans what it read against what it scanned before (each document
#: fingerprinted once per check);
#: on Reuters x10 (190 k articles, batch of 1,000) the loop ends after 5 rounds (8 k documents read). With a
#: bound, findings whose documents were not all reached may differ from the rescan's.
MAX_ROUNDS: int | None = None
#: Stored shingle occurrences up to which a check reads every stored document and scans them with the batch
#: once: the full rescan itself, restricted to the batch. Below this the lookups cost more than they save
#: (Reuters x1, 2.6 M occurrences: 4.1 s in 7 rounds of lookups and scans, against 1.5 s for a rescan of
#: the files), and the scan's memory stays under what a check of a larger index takes (~300 MB).
READ_ALL = 4_000_000
#: Suffix given to a batch document whose id is already in the index (an exact re-scrape or a new version).
RESCRAPE_SUFFIX = "~batch"


@dataclass(frozen=True)
class AgainstResult:
    """What ``scan --against`` reports.

    Attributes:
        result: The findings that involve the batch (history occurrences included), the near-duplicate pairs
            that involve it, and the counts of the scan that produced them.
        batch_ids: Ids of the batch documents as they appear in the findings.
        history: The stored documents named in a finding (id, outlet, date, url available on each).
        origins: For each passage or near-duplicate shared by documents, its probable origin and credits.
        renamed: ``(original id, id in the findings)`` of batch documents whose id was in the index, or (``scan
            --add``) that the add stores under another id than their record's.
        aliases: ``(id in the batch given, id in the findings)`` of the batch documents named otherwise (the
            loader's notes name them so: :meth:`~dedupe.corpus.documents.Corpus.notes_naming`).
        loaded: Stored documents read from the index.
        rounds: Lookups made until no new document turned up.
    """

    result: ScanResult
    batch_ids: frozenset[str]
    history: tuple[Document, ...]
    origins: tuple[PassageOrigin, ...]
    renamed: tuple[tuple[str, str], ...]
    loaded: int
    rounds: int
    aliases: tuple[tuple[str, str], ...] = ()


def scan_against(index: Index, batch: Sequence[Document], config: ScanConfig,
                 max_rounds: int | None = MAX_ROUNDS, read_all: int = READ_ALL,
                 added: Sequence[Document] | None = None) -> AgainstResult:
    """Scan ``batch`` against the documents of ``index`` (see the module docstring).

    Args:
        index: The open index (its parameters equal ``config``'s; :func:`~dedupe.index.store.open_index` checks).
        batch: The new documents, ids distinct.
        config: Scan options.
        max_rounds: Most lookups of neighbours.
        read_all: Most stored shingle occurrences for which every stored document is read and scanned with
            the batch once, instead of the lookups (:data:`READ_ALL`; 0: always look up).
        added: With ``scan --add``: the batch as the add after the check takes it (the same documents in the same
            order, under their records' ids: :meth:`~dedupe.corpus.documents.Corpus.as_given`); each document it
            will store is named by the id it stores it under (:func:`_stored_names`), the id ``index remove``
            takes.

    Returns:
        The batch's findings, with the history documents they name and the passages' origins.
    """
    # The stored documents and findings are many lasting objects without cycles; the rounds make and free the
    # same large arrays again and again.
    with paused_gc(), kept_heap():
        # the batch fingerprinted once: --add names it by the token counts, the lookups key it
        prints = fingerprint_corpus([d.text for d in batch], index.params.ngram) if added is not None else None
        given, (batch, renamed) = batch, _distinct_ids(index, batch, added, prints)
        ids = frozenset(d.id for d in batch)
        with index.snapshot():
            if index.shingle_count()[1] <= read_all:  # a small index: the full rescan itself, restricted
                loaded = {s.seq: s for s in index.fetch_all()}
                every = scan([loaded[seq].document for seq in sorted(loaded)] + list(batch), config, involving=ids)
                result, rounds = _involving(every, ids), 1
            else:
                loaded, result, rounds = _rounds(index, batch, config, ids, max_rounds, prints)
    named = {o.doc for f in result.findings for o in f.occurrences}
    history = [loaded[seq].document for seq in sorted(loaded) if loaded[seq].document.id in named]
    order = [d.id for d in history] + [d.id for d in batch]
    origins = passage_origins(result.findings, {d.id: d for d in (*history, *batch)}, order)
    aliases = tuple((old.id, new.id) for old, new in zip(given, batch) if old.id != new.id)
    return AgainstResult(result, ids, tuple(history), origins, tuple(renamed), len(loaded), rounds, aliases)


def _rounds(index: Index, batch: Sequence[Document], config: ScanConfig, ids: frozenset[str],
            max_rounds: int | None, prints: Fingerprints | None) -> tuple[dict[int, StoredDocument], ScanResult, int]:
    """The lookups and scans of a check, until no new document turns up (inside the caller's snapshot): the
    stored documents read, the findings that involve the batch, and the rounds made (``prints``: the batch's
    fingerprints, if made already)."""
    params = index.params
    if prints is None:
        prints = fingerprint_corpus([d.text for d in batch], params.ngram)
    keys = document_keys(prints, params)
    loaded: dict[int, StoredDocument] = {}
    seq_of: dict[str, int] = {}  # the loaded documents' seqs by id, grown as they are fetched
    wanted = (keys.bands, keys.passages)
    asked = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    places: set[tuple[str, int, int, bool]] = set()
    read = _Prints(params.ngram)
    rounds, result, scanned = 0, None, None
    whole = History(index, np.zeros(0, dtype=np.int64), params)  # keeps what it read, round to round
    whole.keep_band_keys([-1 - place for place in range(len(batch))], keys)  # not made again by its candidates
    while True:
        wanted = (_new_keys(wanted[0], asked[0]), _new_keys(wanted[1], asked[1]))  # each key asked once
        asked = (merge_sorted(asked[0], wanted[0]), merge_sorted(asked[1], wanted[1]))
        found = whole.band_documents(wanted[0]) | index.lookup(np.zeros(0, dtype=np.int64), wanted[1])
        new = found - loaded.keys()
        rounds += 1
        if not new and result is not None:
            break  # the exact findings ask for no other document: they are the rescan's
        fetched = index.fetch(new)
        loaded.update((s.seq, s) for s in fetched)
        seq_of.update((s.document.id, s.seq) for s in fetched)
        read.add([s.document for s in fetched])
        seqs = sorted(loaded)
        history = [loaded[seq].document for seq in seqs]
        whole = whole.reading(np.array(seqs, dtype=np.int64))
        every, scanned = scan_more(scanned, history + list(batch), _joined([read.of([d.id for d in history]), prints]),
                                   whole, config, involving=ids)
        result = _involving(every, ids)
        if max_rounds is not None and rounds >= max_rounds:
            break
        stored = {d.id: d for d in history}
        wanted = _frontier(result.findings, _clustered(every, result, stored), stored, params, places, read,
                           partial(_stored_bands, whole, seq_of, read))
    assert result is not None
    return loaded, result, rounds


def _stored_bands(whole: History, seq_of: dict[str, int], read: _Prints, ids: list[str]) -> I64:
    """The band keys of the stored documents ``ids`` (``seq_of``: the seqs of the documents read, by id), as the
    round's candidates made them (``History._buckets``: every document scanned), else made here."""
    seqs = [seq_of[i] for i in ids]
    id_of = dict(zip(seqs, ids))
    return whole.band_keys(seqs, lambda todo: read.of([id_of[seq] for seq in todo]))


def _new_keys(keys: I64, asked: I64) -> I64:
    """The distinct ``keys`` not in ``asked`` (sorted), sorted."""
    keys = sorted_unique(keys)
    return keys[~in_sorted(keys, asked)]


def _distinct_ids(index: Index, batch: Sequence[Document], added: Sequence[Document] | None,
                  prints: Fingerprints | None) -> tuple[list[Document], list[tuple[str, str]]]:
    """The batch with ids already in the index renamed, and the renamings (original id, new id), in batch order.

    With ``added`` (``scan --add``, see :func:`scan_against`), each document the add will store is first named by
    its stored id. Then a document whose id the index holds (a re-scrape the add leaves unchanged; without
    ``--add``, a new version too) is ``ID~batch``, but a derived id (``batch:1``) of a file the index does not hold
    takes its identity key (the file's full path and line), the id ``add`` stores it under, and ``KEY~batch``
    when the index holds that file's line (``prints``: the batch's fingerprints, with ``added``)."""
    names = _stored_names(index, batch, added, prints) if added is not None and prints is not None else {}
    batch = [replace(d, id=names[d.id][1]) if d.id in names else d for d in batch]
    stored = index.stored_ids([d.id for d in batch])
    keys = {d.id: identity_key(d) for d in batch if d.id in stored}
    held = index.stored_ids([key for doc_id, key in keys.items() if key != doc_id])  # derived ids' own lines
    new_ids = {doc_id: _batch_name(doc_id, key, held) for doc_id, key in keys.items()}
    first = {new: old for old, new in names.values()}  # the record's id of a document named by its stored id
    renamed = [(first.get(d.id, d.id), new_ids.get(d.id, d.id)) for d in batch if d.id in first or d.id in new_ids]
    return [replace(d, id=new_ids[d.id]) if d.id in new_ids else d for d in batch], renamed


def _stored_names(index: Index, batch: Sequence[Document], added: Sequence[Document],
                  prints: Fingerprints) -> dict[str, tuple[str, str]]:
    """``{batch id: (its record's id, the id the add stores it under)}`` of the batch documents that the add after
    the check will store under another id than the batch's: a new version (``KEY~vN``, a repeat within the batch
    too, which the loader named ``ID~2``), a derived id that another folder's file took (its full path and line).
    ``added``: the batch as the add takes it (see :func:`scan_against`); ``prints``: its fingerprints (the token
    counts: which have a word to index)."""
    # the add's own naming, as the index stands: it reads, never writes
    rows = index.names(added, described(added, prints.token_counts))
    return {doc.id: (given.id, stored_id) for doc, given, (stored_id, _, version) in zip(batch, added, rows)
            if version and stored_id != doc.id}


def _batch_name(doc_id: str, key: str, held: set[str]) -> str:
    """The name in a check of a batch document whose id ``doc_id`` the index holds (``key``: its identity;
    ``held``: the identity keys of derived ids that the index holds)."""
    if key == doc_id:
        return doc_id + RESCRAPE_SUFFIX  # its given id or url: a re-scrape or a new version
    return key + RESCRAPE_SUFFIX if key in held else key


def _involving(result: ScanResult, ids: frozenset[str]) -> ScanResult:
    """The result with only the findings and pairs that involve a document of ``ids``."""
    findings = tuple(f for f in result.findings if any(o.doc in ids for o in f.occurrences))
    pairs = tuple(p for p in result.pairs if p.a in ids or p.b in ids)
    return replace(result, findings=findings, pairs=pairs)


def _clustered(every: ScanResult, involving: ScanResult, history: dict[str, Document]) -> set[str]:
    """The stored documents named in a finding with the batch, and those in a near-duplicate cluster with one.

    Whether the rescan keeps a passage between two such documents depends on their clusters (passages
    inside a cluster belong to its ``near_duplicate`` finding), which may run through documents not read yet:
    every key of these documents is looked up, so that their clusters are read whole.
    """
    named = {o.doc for f in involving.findings for o in f.occurrences if o.doc in history}
    links: dict[str, set[str]] = {}
    for pair in every.pairs:
        links.setdefault(pair.a, set()).add(pair.b)
        links.setdefault(pair.b, set()).add(pair.a)
    todo, found = list(named), set(named)
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in found and other in history:
                found.add(other)
                todo.append(other)
    return found


def _frontier(findings: Sequence[Finding], entire: set[str], history: dict[str, Document], params: IndexParams,
              seen: set[tuple[str, int, int, bool]], read: _Prints,
              bands_of: Callable[[list[str]], I64]) -> tuple[I64, I64]:
    """Band and passage keys whose documents may join the findings: every key of the stored documents
    ``entire``, the passage keys over each stored place of a passage; places in ``seen`` (done in an earlier
    round) are skipped, and the new ones added to it. ``bands_of``: the band keys of stored documents (ids)."""
    places = sorted(({(o.doc, o.start, o.end, f.kind == "near_duplicate") for f in findings for o in f.occurrences
                      if o.doc in history} | {(doc, 0, len(history[doc].text), True) for doc in entire}) - seen)
    seen.update(places)
    if not places:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    docs = sorted({doc for doc, *_ in places})
    column = {doc: i for i, doc in enumerate(docs)}
    prints = read.of(docs)
    near = sorted({doc for doc, _, _, whole in places if whole})
    bands = bands_of(near) if near else np.zeros(0, dtype=np.int64)
    windows, owners = passage_keys(prints, params.window)
    reach = _window_spans(prints, owners, params)
    owner = np.array([column[doc] for doc, *_ in places], dtype=np.int64)
    start, end, whole = (np.array(values, dtype=np.int64) for values in list(zip(*places))[1:])
    return bands, stored_keys(windows[_overlapping(owners, reach, owner, start, end, whole.astype(bool))])


def _overlapping(owners: I64, reach: tuple[I64, I64], owner: I64, start: I64, end: I64,
                 whole: np.ndarray) -> np.ndarray:
    """Whether each key (of document ``owners``, over characters ``reach[0] .. reach[1]``) lies in a document
    taken whole or overlaps a place ``start .. end`` of its document (places of documents ``owner``)."""
    chosen = in_sorted(owners, sorted_unique(owner[whole]))
    part = ~whole
    if not part.any():
        return chosen
    # Places by (document, start) as one code; the largest end so far, as a code too, tells whether any place
    # starting before a key's end reaches past its start (codes of earlier documents are all smaller).
    span = np.int64(max(int(end.max()), int(reach[1].max(initial=0))) + 1)
    order = np.argsort(owner[part] * span + start[part], kind="stable")
    starts = (owner[part] * span + start[part])[order]
    reached = np.maximum.accumulate((owner[part] * span + end[part])[order])
    before = np.searchsorted(starts, owners * span + reach[1], side="left") - 1
    hit = (before >= 0) & (reached[np.maximum(before, 0)] > owners * span + reach[0])
    return chosen | hit


def _window_spans(prints: Fingerprints, owners: I64, params: IndexParams) -> tuple[I64, I64]:
    """Character span ``[start, end)`` of each passage key's tokens in its document."""
    # Key j of a document covers its tokens j .. j + window + ngram - 2 (see passage_keys).
    first_key = np.searchsorted(owners, np.arange(prints.token_counts.size))
    rank = np.arange(owners.size) - first_key[owners]
    base = prints.token_base[owners] + rank
    last = np.minimum(base + params.window + params.ngram - 2,
                      prints.token_base[owners] + prints.token_counts[owners] - 1)
    return prints.token_starts[base].astype(np.int64), prints.token_ends[last].astype(np.int64)


class _Prints:
    """The fingerprints of the stored documents read so far: each document fingerprinted once per check."""

    def __init__(self, ngram: int) -> None:
        self.prints = fingerprint_corpus([], ngram)
        self.place: dict[str, int] = {}

    def add(self, documents: Sequence[Document]) -> None:
        """Fingerprint newly read documents."""
        first = len(self.place)
        self.place.update((d.id, first + n) for n, d in enumerate(documents))
        self.prints = _joined([self.prints, fingerprint_corpus([d.text for d in documents], self.prints.ngram)])

    def of(self, ids: Sequence[str]) -> Fingerprints:
        """The fingerprints of the documents ``ids``, in that order."""
        return documents_of(self.prints, np.array([self.place[i] for i in ids], dtype=np.int64))


def _joined(parts: Sequence[Fingerprints]) -> Fingerprints:
    """The documents of ``parts``, one part after the other."""
    shifts = np.cumsum([0] + [int(p.offsets[-1]) for p in parts[:-1]])
    offsets = [parts[0].offsets[:1]] + [p.offsets[1:] + shift for p, shift in zip(parts, shifts)]
    return Fingerprints(parts[0].ngram, np.concatenate([p.token_counts for p in parts]),
                        np.concatenate(offsets).astype(np.int64), np.concatenate([p.shingles for p in parts]),
                        np.concatenate([p.token_starts for p in parts]), np.concatenate([p.token_ends for p in parts]))
