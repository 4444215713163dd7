"""Stage 3: repeated and reused passages and near-duplicate documents (``dedupe scan``).

Works on :class:`~dedupe.corpus.documents.Document` objects directly (no sentence segmentation needed) in five
steps, each timed:

1. **fingerprint**: tokens and word shingles of every document (:mod:`dedupe.scan.fingerprints`,
   :mod:`dedupe.scan.shingle`), in one pass
   of the compiled loop where it is built (:mod:`dedupe.native`; two threads where a processor is idle,
   as for the forks of step 2), else in numpy batches (on a pool of
   processes only when ``workers`` asks for it: shipping the texts out and the shingles back costs more
   than the second core saves, and grows faster than the corpus; a forked child, which inherits the
   texts, takes half the batches of a large corpus, see step 2).
2. **minhash**: one-permutation MinHash signatures and LSH candidate pairs (:mod:`dedupe.scan.minhash`,
   band parameters from datasketch's ``MinHashLSH``).
   On a large corpus (4 M characters or more) with a processor idle, a forked process fingerprints half
   the batches, and another runs this stage and measures its candidates while this one searches the
   passages (:mod:`dedupe.scan.verify`).
3. **passages**: every stretch of at least ``min_words`` tokens shared by two places, by
   seed-and-extend over exact shingle matches, chained across small edits (:mod:`dedupe.scan.passages`).
4. **verify**: every candidate document pair checked exactly on the shingle sets; pairs whose Jaccard
   similarity *or* containment (share of the shorter document found in the longer) reaches the
   threshold are near-duplicates. Candidates come from LSH (Jaccard) and from passage coverage
   (containment, so a trimmed copy is found). Precision is therefore exact.
5. **group**: near-duplicate documents clustered with union-find; shared passages grouped by
   overlap into ``repeat`` (a unit doubled inside one document), ``echo`` (a phrase one document uses in
   two different units), ``reuse`` (several documents) or boilerplate (in ``boilerplate_docs`` documents or
   more, reported once). Passages shared only by documents that
   are near-duplicates of each other are left to the ``near_duplicate`` finding.

Example:
    >>> from dedupe.corpus.load import load_corpus
    >>> result = scan(load_corpus(["data/"]).documents)  # run from the repository root
    >>> result.findings[0].kind  # most severe first: the spliced paragraph of 000, a scraper fault
    'repeat'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from dedupe.corpus.documents import Document
from dedupe.runtime import StageTimer, can_fork, idle_core, paused_gc
from dedupe.native import native
from dedupe.scan.config import ScanConfig
from dedupe.scan.minhash import lsh_params
from dedupe.scan.passages import RunTable, chain_runs, group_runs, shared_runs
from dedupe.scan.fingerprints import fingerprint_corpus, fingerprint_workers, text_batches
from dedupe.scan.shingle import I64, U64, Fingerprints, token_hashes_native, tokenize
from dedupe.scan.units import starts_unit
from dedupe.scan.verify import Pair, lsh_candidates, overlapped, verify
from dedupe.unionfind import UnionFind

#: Finding kinds, most severe first: the order findings are listed in. ``repeat``: a unit of text (line,
#: sentence, caption, heading, paragraph) printed twice in one document, a scraper fault; ``near_duplicate``:
#: a document copied; ``reuse``: a passage shared by documents; ``echo``: a phrase one document uses in two
#: different units (:mod:`dedupe.scan.units`); ``boilerplate``: a passage in ``boilerplate_docs`` documents
#: or more, reported once. Echoes and boilerplate never trigger ``--fail-on any``.
KINDS = ("repeat", "near_duplicate", "reuse", "echo", "boilerplate")
# Corpora of this many characters or more run the LSH stage in a forked process beside the passage
# search (Reuters-21578: passages + minhash + verify 0.15-0.18 s instead of 0.18-0.26 s; a fork costs ~15 ms).
_FORK_CHARS = 4_000_000


@dataclass(frozen=True)
class Occurrence:
    """One place of a finding: ``text == document.text[start:end]``; ``line`` is 1-based."""

    doc: str
    outlet: str
    start: int
    end: int
    line: int
    text: str


@dataclass(frozen=True)
class DocumentPair:
    """Two documents verified as near-duplicates, with their exact similarities on shingle sets.

    Attributes:
        a: Id of the document that comes first in the corpus.
        b: Id of the other document.
        jaccard: Shared shingles over all shingles of the two.
        containment: Shared shingles over the shingles of the smaller document.
    """

    a: str
    b: str
    jaccard: float
    containment: float

    @property
    def similarity(self) -> float:
        """The larger of Jaccard similarity and containment."""
        return max(self.jaccard, self.containment)


@dataclass(frozen=True)
class Finding:
    """A unit doubled in a document (``repeat``), a phrase a document uses twice (``echo``), a passage
    shared by documents (``reuse``), near-duplicate documents (``near_duplicate``, whose occurrences span
    each whole document) or a passage found in many documents (``boilerplate``).

    Attributes:
        kind: One of :data:`KINDS`.
        similarity: 1.0 for a word-for-word passage; the least rapidfuzz similarity of a passage
            chained across edits; the least pair similarity of near-duplicate documents.
        words: Tokens of the longest occurrence.
        occurrences: Every place, in corpus order.
        pairs: For ``near_duplicate``, the verified pairs that join the documents.
    """

    kind: str
    similarity: float
    words: int
    occurrences: tuple[Occurrence, ...]
    pairs: tuple[DocumentPair, ...] = ()


@dataclass(frozen=True)
class ScanStats:
    """Counts and timings of a scan (timings are not part of the deterministic output)."""

    documents: int
    tokens: int
    shingles: int
    bands: int
    rows: int
    candidate_pairs: int
    verified_pairs: int
    shared_runs: int
    workers: int
    seconds: dict[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ScanResult:
    """Everything ``dedupe scan`` reports."""

    config: ScanConfig
    findings: tuple[Finding, ...]
    pairs: tuple[DocumentPair, ...]
    stats: ScanStats

    def of_kind(self, kind: str) -> tuple[Finding, ...]:
        """The findings of one kind."""
        return tuple(f for f in self.findings if f.kind == kind)


class WholeCorpus(Protocol):
    """The larger corpus that scanned documents are part of (``scan --against``: history + batch): what a scan
    of the whole does where its result on some documents depends on the others."""

    def ranks(self, prints: Fingerprints, fresh: np.ndarray | None = None) -> I64:
        """The rank of each shingle among the places of its hash group in the whole
        (:func:`~dedupe.scan.passages.shared_runs`); with ``fresh`` documents, only at the places of the groups
        they hold (:mod:`dedupe.scan.incremental`)."""

    def candidates(self, prints: Fingerprints, usable: np.ndarray) -> I64:
        """The LSH candidate pairs of the scanned documents in the whole (a bucket over
        :data:`~dedupe.scan.minhash.MAX_BUCKET` documents there pairs only neighbours)."""


def scan(documents: Sequence[Document], config: ScanConfig | None = None,
         whole: WholeCorpus | None = None, involving: frozenset[str] | None = None,
         prints: Fingerprints | None = None) -> ScanResult:
    """Find repeats, reuse and near-duplicate documents in a corpus.

    Args:
        documents: The corpus; offsets in the result index each document's ``text``.
        config: Options; defaults to :class:`ScanConfig()`.
        whole: For ``documents`` that are part of a larger corpus (``scan --against``): links passages and
            pairs candidates as a scan of that corpus does.
        involving: Keep only the findings with an occurrence in one of these documents (ids): the others are
            not located, which saves most of the grouping stage when they are many (``scan --against``).
            The pairs are all kept.
        prints: The documents' fingerprints (:func:`~dedupe.scan.fingerprints.fingerprint_corpus` of their texts
            with ``config.ngram``), where the caller has them.

    Returns:
        Findings most severe first (in the order of :data:`KINDS`; then by first place),
        the verified near-duplicate pairs and counts.
    """
    config = config or ScanConfig()
    with paused_gc():
        return _scan(documents, config, whole, involving, prints)


def _scan(documents: Sequence[Document], config: ScanConfig, whole: WholeCorpus | None = None,
          involving: frozenset[str] | None = None, given: Fingerprints | None = None) -> ScanResult:
    timer = StageTimer()
    characters = sum(len(d.text) for d in documents)
    workers = fingerprint_workers(config)
    forks = _forks(characters, config)
    prints = given if given is not None else timer.run(
        "fingerprint", lambda: fingerprint_corpus([d.text for d in documents], config.ngram, workers, fork=forks))
    usable = (np.diff(prints.offsets) > 0) & (prints.token_counts >= config.min_words)
    if config.passages and forks and whole is None:
        candidates, runs, pairs, (bands, rows) = overlapped(timer, prints, usable, config)
    else:
        bands, rows = lsh_params(config.threshold, config.num_perm)
        candidates = timer.run("minhash", lambda: lsh_candidates(prints, usable, bands, rows, config)
                               if whole is None else whole.candidates(prints, usable))
        ranks = whole.ranks(prints) if whole is not None and config.passages else None
        runs = timer.run("passages", lambda: shared_runs(prints, config.min_words, ranks=ranks) if config.passages
                         else RunTable.from_rows([]))
        pairs = timer.run("verify", lambda: verify(prints, usable, candidates, runs, config.threshold))
    view = CorpusView(documents, prints)
    keep = None if involving is None else np.array([d.id in involving for d in documents], dtype=bool)
    findings = timer.run("group", lambda: assemble_findings(view, prints.token_counts, runs, pairs,
                                                            pair_clusters(pairs, len(documents)), config, keep))
    stats = ScanStats(len(documents), int(prints.token_counts.sum()), int(prints.shingles.size), bands, rows,
                      len(candidates), len(pairs), len(runs), workers, timer.seconds)
    named = tuple(DocumentPair(view.ids[a], view.ids[b], jac, con) for a, b, jac, con in pairs)
    return ScanResult(config, findings, named, stats)


def _forks(characters: int, config: ScanConfig) -> bool:
    """Whether a forked process fingerprints half the corpus and runs the LSH stage beside the passage
    search (large corpora, a platform with ``os.fork``, and two processes asked for or, by default, a
    processor idle: :func:`~dedupe.runtime.idle_core`)."""
    if characters < _FORK_CHARS or not can_fork():
        return False
    return config.workers > 1 if config.workers is not None else idle_core()


class CorpusView:
    """The documents with their fingerprints; token hashes (for chaining) computed only when asked."""

    def __init__(self, documents: Sequence[Document], prints: Fingerprints) -> None:
        self.documents = documents
        self.prints = prints
        self.ids = [d.id for d in documents]
        self._hashes: dict[int, U64] = {}

    def token_hashes(self, docs: Sequence[int]) -> dict[int, U64]:
        """The token hashes of documents ``docs``, tokenised in batches."""
        todo = sorted({d for d in docs if d not in self._hashes})
        compiled = token_hashes_native([self.documents[d].text for d in todo])
        if compiled is not None:
            self._hashes.update(zip(todo, compiled))
            todo = []
        for batch in text_batches([self.documents[d].text for d in todo], todo):
            hashes = tokenize("\n".join(self.documents[d].text for d in batch)).hashes
            counts = self.prints.token_counts[batch]
            for doc, part in zip(batch, np.split(hashes, np.cumsum(counts)[:-1])):
                self._hashes[doc] = part
        return {d: self._hashes[d] for d in docs}

    def occurrences(self, places: Sequence[tuple[int, int, int]]) -> list[Occurrence]:
        """The occurrences spanning tokens ``[first, last)`` of each ``(document, first, last)``."""
        if not places:
            return []
        docs, firsts, lasts = (np.array(column, dtype=np.int64) for column in zip(*places))
        base = self.prints.token_base[docs]
        starts = self.prints.token_starts[base + firsts].astype(np.int64)
        ends = self.prints.token_ends[base + lasts - 1].astype(np.int64)
        compiled = native()
        if compiled is not None:  # the same occurrences by the compiled loop (dedupe.native)
            texts = [d.text for d in self.documents]
            lines = np.empty(docs.size, dtype=np.int64)
            compiled.line_numbers(texts, docs, starts, np.lexsort((starts, docs)).astype(np.int64), lines)
            return compiled.occurrences(Occurrence, texts, self.ids, [d.outlet for d in self.documents], docs, starts,
                                        ends, lines)
        columns = docs.tolist(), starts.tolist(), ends.tolist()
        found = []
        for doc, start, end, line in zip(*columns, self._lines(columns[0], columns[1])):
            document = self.documents[doc]
            found.append(make_occurrence(document.id, document.outlet, start, end, line, document.text[start:end]))
        return found

    def unit_starts(self, places: Sequence[tuple[int, int]]) -> list[bool]:
        """Whether each ``(document, character offset)`` begins a unit (:func:`~dedupe.scan.units.starts_unit`)."""
        return [starts_unit(self.documents[doc].text, offset) for doc, offset in places]

    def _lines(self, docs: list[int], starts: list[int]) -> list[int]:
        """Lines of many offsets, counted once over each document in offset order."""
        order = np.lexsort((starts, docs))
        lines = [0] * len(docs)
        text, plain, line, counted = "", True, 1, 0
        previous = -1
        for index in order.tolist():
            doc, start = docs[index], starts[index]
            if doc != previous:
                previous, text, line, counted = doc, self.documents[doc].text, 1, 0
                plain = "\r" not in text
            # Counted on from the previous offset: a token start never splits a "\r\n" pair.
            line += text.count("\n", counted, start)
            if not plain:
                line += text.count("\r", counted, start) - text.count("\r\n", counted, start)
            counted = start
            lines[index] = line
        return lines


def make_occurrence(doc: str, outlet: str, start: int, end: int, line: int, text: str) -> Occurrence:
    """``Occurrence(...)`` without the frozen dataclass' ``object.__setattr__`` per field: a third of the
    cost, for the tens of thousands of occurrences of a large corpus; the instance is the same."""
    occurrence = object.__new__(Occurrence)
    occurrence.__dict__.update(doc=doc, outlet=outlet, start=start, end=end, line=line, text=text)
    return occurrence



class PassageView(Protocol):
    """Where findings are located: token hashes (for chaining) and occurrences of token spans, by
    document index. The local scan reads its documents in memory (``CorpusView``); the Spark engine
    (:mod:`dedupe.scan.spark`) locates them inside the partitions that hold the documents."""

    def token_hashes(self, docs: Sequence[int]) -> Mapping[int, U64]:
        """The token hashes of documents ``docs``."""

    def occurrences(self, places: Sequence[tuple[int, int, int]]) -> list[Occurrence]:
        """The occurrences spanning tokens ``[first, last)`` of each ``(document, first, last)``, in order."""

    def unit_starts(self, places: Sequence[tuple[int, int]]) -> list[bool]:
        """Whether each ``(document, character offset)`` begins a unit (:func:`~dedupe.scan.units.starts_unit`)."""


def assemble_findings(view: PassageView, token_counts: I64, runs: RunTable, pairs: list[Pair],
                      clusters: list[tuple[int, ...]], config: ScanConfig,
                      keep: np.ndarray | None = None) -> tuple[Finding, ...]:
    """The findings of a scan from its shared runs, verified pairs and near-duplicate clusters.

    Args:
        view: Locates occurrences and gives token hashes.
        token_counts: Tokens of every document.
        runs: Shared runs, ordered by first place.
        pairs: Verified pairs, ordered by ``(a, b)``.
        clusters: Connected components of the pairs, each sorted, in corpus order.
        config: The scan's options.
        keep: Per document, whether its findings are wanted (``None``: all are): a finding is kept, and
            located, only when one of its documents is wanted.

    Returns:
        Near-duplicates, then passages (reuse, repeat, boilerplate), each kind by first place.
    """
    cluster_of = _cluster_index(clusters, token_counts.size)
    # Passages shared only by near-duplicates of each other are part of the near_duplicate finding.
    runs = runs.take((runs.a == runs.b) | (cluster_of[runs.a] != cluster_of[runs.b]))
    chained = chain_runs(runs, view.token_hashes, config.ngram, config.threshold)
    groups = group_runs(chained)
    if keep is not None:  # the findings are independent once grouped: the others need not be located
        wanted = set(np.flatnonzero(keep).tolist())
        groups = [group for group in groups if any(doc in wanted for doc, _, _ in group.places)]
        clusters = [members for members in clusters if not wanted.isdisjoint(members)]
        cluster_of = _cluster_index(clusters, token_counts.size)
    whole = [(doc, 0, int(token_counts[doc])) for members in clusters for doc in members]
    located = view.occurrences(whole + [place for group in groups for place in group.places])
    near = _near_findings(located[:len(whole)], token_counts, clusters, cluster_of, pairs)
    spans = []
    taken = len(whole)
    for group in groups:
        spans.append(tuple(located[taken:taken + len(group.places)]))
        taken += len(group.places)
    documents = [group.documents for group in groups]  # a property that sorts: computed once per group
    inside = [(docs[0], o.start) for docs, occurrences in zip(documents, spans) if len(docs) == 1 for o in occurrences]
    starts = iter(view.unit_starts(inside))
    passages = []
    for group, docs, occurrences in zip(groups, documents, spans):
        words = max([end - start for _, start, end in group.places])
        kind = _passage_kind(docs, [next(starts) for _ in occurrences] if len(docs) == 1 else [], config)
        passages.append(_finding(kind, group.similarity, words, occurrences))
    ordered = sorted(passages + list(near), key=lambda f: KINDS.index(f.kind))  # stable: first place within a kind
    return tuple(ordered)


def _cluster_index(clusters: list[tuple[int, ...]], documents: int) -> I64:
    """Each document's place in ``clusters``; a document in none is a cluster of its own (``-1 - doc``)."""
    cluster_of = -1 - np.arange(documents, dtype=np.int64)
    for index, members in enumerate(clusters):
        cluster_of[list(members)] = index
    return cluster_of


def _passage_kind(documents: tuple[int, ...], unit_starts: Sequence[bool], config: ScanConfig) -> str:
    """The kind of a passage in ``documents``; ``unit_starts`` tells, for a passage inside one document,
    which of its occurrences begin a unit (two that do make it a scraper fault, see :mod:`dedupe.scan.units`)."""
    if config.boilerplate_docs and len(documents) >= config.boilerplate_docs:
        return "boilerplate"
    if len(documents) > 1:
        return "reuse"
    return "repeat" if sum(unit_starts) >= 2 else "echo"


def _finding(kind: str, similarity: float, words: int, occurrences: tuple[Occurrence, ...]) -> Finding:
    """``Finding(kind, similarity, words, occurrences)`` made as :func:`_occurrence` makes an occurrence."""
    finding = object.__new__(Finding)
    finding.__dict__.update(kind=kind, similarity=similarity, words=words, occurrences=occurrences, pairs=())
    return finding


def pair_clusters(pairs: list[Pair], documents: int) -> list[tuple[int, ...]]:
    """Connected components of the verified pairs (union-find), each sorted, in corpus order."""
    sets = UnionFind(documents)
    for a, b, _, _ in pairs:
        sets.union(a, b)
    paired = {doc for a, b, _, _ in pairs for doc in (a, b)}
    return sorted(tuple(group) for group in sets.groups(paired))


def _near_findings(located: list[Occurrence], token_counts: I64, clusters: list[tuple[int, ...]],
                   cluster_of: I64, pairs: list[Pair]) -> tuple[Finding, ...]:
    edges: dict[int, list[Pair]] = {}
    for pair in pairs:
        edges.setdefault(int(cluster_of[pair[0]]), []).append(pair)
    # ``located`` spans each member of each cluster, in order: it names the documents.
    ids = {doc: place.doc for doc, place in zip((d for members in clusters for d in members), located)}
    findings = []
    places = iter(located)
    for index, members in enumerate(clusters):
        occurrences = tuple(next(places) for _ in members)
        named = tuple(DocumentPair(ids[a], ids[b], j, c) for a, b, j, c in edges[index])
        words = int(token_counts[list(members)].max())
        findings.append(Finding("near_duplicate", min(p.similarity for p in named), words, occurrences, named))
    return tuple(findings)
