"""The documents of a Spark scan after its first pass: found again by corpus index, where they lie.

The first pass over the corpus (:mod:`dedupe.scan.spark`) reads every document, fingerprints it and keeps
only the fingerprints. The few passes that need documents again (their ids when two id hashes meet, token
hashes for chaining, the occurrences of the findings, Parquet output) ask :meth:`Corpus.select` for the
documents they want: a byte range of a local JSON Lines file (:mod:`dedupe.scan.spark_ranges`) is read
again and only the wanted lines are parsed; records read by Spark (``textFile``, Parquet, whole files) are
taken from their cache. :class:`SparkView` is the local engine's view of the documents built on it.

On a local master the first pass also keeps each partition's documents (id, outlet, text) and token
offsets in a file of the scan's temporary folder (:func:`keep_documents`), which the view reads back instead of
parsing and tokenising its documents again: at Reuters x10 locating the occurrences read nearly every
document a second time. On a cluster (where the driver's folder is not the executors'), or if a file is
missing, the documents are read again as above; both give the same values.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from dedupe.corpus.documents import Document, LoadOptions
from dedupe.corpus.records import Loader
from dedupe.scan.near_dup import CorpusView, Occurrence, make_occurrence
from dedupe.scan.fingerprints import fingerprint_corpus
from dedupe.scan.shingle import I64, U64, Fingerprints
from dedupe.scan.spark_ranges import Range, range_items
from dedupe.scan.spark_read import id_derived
from dedupe.scan.spark_stages import id_hashes as id_hashes_of
from dedupe.scan.units import starts_unit

if TYPE_CHECKING:
    from pyspark import RDD

#: The wanted documents of one partition: their corpus indices and their lines (both ascending).
_Picked = tuple[I64, I64]


class Text(NamedTuple):
    """What the view reads of a kept document (the fields of a :class:`Document` it uses)."""

    id: str
    outlet: str
    text: str


class KeptDocuments(Sequence[Text]):
    """A partition's kept documents; the texts are decoded together when one is first read (one decoding of
    the partition's UTF-8 costs a tenth of decoding each text apart), and never when none is."""

    def __init__(self, ids: list[str], outlets: list[str], texts: bytes, ends: I64) -> None:
        self._ids, self._outlets, self._texts = ids, outlets, texts
        self._bounds = np.concatenate([[0], ends]).tolist()  # in characters
        self._decoded: str | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        index = range(len(self))[index]  # IndexError past the end, as a list
        if self._decoded is None:
            self._decoded = self._texts.decode("utf-8", "surrogatepass")
        return Text(self._ids[index], self._outlets[index], self._decoded[self._bounds[index]:self._bounds[index + 1]])


#: The wanted documents of a partition (:meth:`Corpus.views`): their corpus indices, their rows in the
#: documents that follow, the documents (with ``id``, ``outlet`` and ``text``) and their token offsets
#: when kept by the first pass (``None`` when read again: not tokenised).
Chosen = tuple[list[int], list[int], Sequence[Any], Fingerprints | None]


def keep_documents(folder: str, part: int, documents: Sequence[Document], prints: Fingerprints) -> None:
    """Keep partition ``part``'s documents (id, outlet, text: one UTF-8 string) and their token offsets in
    ``folder``."""
    texts = [d.text for d in documents]
    blob = "".join(texts).encode("utf-8", "surrogatepass")  # any str, lone surrogates too, decoded as they were
    keep_part(folder, "documents", part, ([d.id for d in documents], [d.outlet for d in documents], blob,
                                          np.cumsum([len(t) for t in texts], dtype=np.int64), prints.token_counts,
                                          prints.token_starts, prints.token_ends))


def kept_documents(folder: str | None, part: int, ngram: int) -> tuple[KeptDocuments, Fingerprints] | None:
    """The documents of partition ``part`` that :func:`keep_documents` wrote and their token offsets (a
    :class:`Fingerprints` without shingles), or ``None`` when there is no such file."""
    if folder is None:
        return None
    try:
        ids, outlets, texts, ends, counts, starts, token_ends = kept_part(folder, "documents", part)
    except FileNotFoundError:
        return None
    return KeptDocuments(ids, outlets, texts, ends), Fingerprints(
        ngram, counts, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint64), starts, token_ends)


def keep_part(folder: str, name: str, part: int, value: Any) -> None:
    """Pickle ``value`` to the file ``name`` of partition ``part`` in ``folder``, whole or not at all (a
    retried task replaces it with the same bytes)."""
    os.makedirs(folder, exist_ok=True)
    path = _kept_path(folder, name, part)
    partial = f"{path}.{os.getpid()}"
    with open(partial, "wb") as handle:
        pickle.dump(value, handle, protocol=5)
    os.replace(partial, path)


def kept_part(folder: str, name: str, part: int) -> Any:
    """What :func:`keep_part` wrote.

    Raises:
        FileNotFoundError: It wrote nothing there.
    """
    with open(_kept_path(folder, name, part), "rb") as handle:
        return pickle.load(handle)


def _kept_path(folder: str, name: str, part: int) -> str:
    return os.path.join(folder, f"{name}-{part}.pickle")


@dataclass(frozen=True)
class Corpus:
    """Where the documents of a scan lie.

    Attributes:
        base: The corpus by partition (:func:`dedupe.scan.spark_read.read_items`): a byte range to read,
            or the cached items Spark read.
        starts: Corpus index of each partition's first document, and the number of documents last.
        lines: The line of each document of each partition (for re-reading a range).
        options: The loader's options (not ``strict``).
        folder: Where the first pass kept each partition's documents (:func:`keep_documents`; a local master only).
        renamed: The id each document with a repeated id is kept under, by corpus index (:func:`kept_ids`): the
            documents are given under these ids.
    """

    base: RDD[Any]
    starts: list[int]
    lines: list[I64]
    options: LoadOptions
    folder: str | None = None
    renamed: dict[int, str] = field(default_factory=dict)

    def select(self, wanted: Iterable[int]) -> RDD[tuple[int, Document]]:
        """The documents of corpus indices ``wanted``, with their index; partitions holding none are not read."""
        shared = self._picked(wanted)
        starts, options, renamed = self.starts, self.options, self.renamed
        return self.base.mapPartitionsWithIndex(
            lambda part, rows: _chosen(rows, shared.value.get(part), starts[part], options, renamed))

    def views(self, wanted: Iterable[int], ngram: int) -> RDD[Chosen]:
        """The :data:`Chosen` documents of each partition holding some of ``wanted``: those the first pass
        kept, else the wanted ones read again (partitions holding none are not read)."""
        shared = self._picked(wanted)
        starts, options, folder, renamed = self.starts, self.options, self.folder, self.renamed

        def chosen(part: int, rows: Iterable[Any]) -> Iterator[Chosen]:
            picked = shared.value.get(part)
            if picked is None:
                return
            found = kept_documents(folder, part, ngram)
            if found is not None:
                texts, prints = _subset(*found, picked[0] - starts[part])
                indices = picked[0].tolist()
                texts = [t._replace(id=renamed[i]) if i in renamed else t for i, t in zip(indices, texts)]
                yield indices, list(range(picked[0].size)), texts, prints
                return
            read = list(_chosen(rows, picked, starts[part], options, renamed))
            yield [index for index, _ in read], list(range(len(read))), [document for _, document in read], None

        return self.base.mapPartitionsWithIndex(chosen)

    def _picked(self, wanted: Iterable[int]) -> Any:
        """The broadcast :data:`_Picked` of each partition holding some of ``wanted``."""
        chosen = np.unique(np.fromiter(wanted, dtype=np.int64))
        cuts = np.searchsorted(chosen, self.starts).tolist()
        picked: dict[int, _Picked] = {}
        for part, (first, last) in enumerate(zip(cuts, cuts[1:])):
            if last > first:
                indices = chosen[first:last]
                picked[part] = indices, self.lines[part][indices - self.starts[part]]
        return self.base.context.broadcast(picked)


def _subset(documents: KeptDocuments, prints: Fingerprints, rows: I64) -> tuple[list[Text], Fingerprints]:
    """The kept documents of ``rows`` and their token offsets, in that order: only their texts are decoded
    (a view of the whole partition would decode every text for the ids alone)."""
    counts = prints.token_counts[rows]
    ends = np.cumsum(counts)
    take = np.repeat(prints.token_base[rows] - ends + counts, counts) + np.arange(int(ends[-1]) if ends.size else 0)
    return [documents[row] for row in rows.tolist()], Fingerprints(
        prints.ngram, counts, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint64), prints.token_starts[take],
        prints.token_ends[take])


def _chosen(rows: Iterable[Any], picked: _Picked | None, start: int, options: LoadOptions,
            renamed: dict[int, str]) -> Iterator[tuple[int, Document]]:
    """The picked documents of a partition (numbered from ``start``), those of ``renamed`` under their new ids."""
    for index, document in _picked_documents(rows, picked, start, options):
        yield index, replace(document, id=renamed[index]) if index in renamed else document


def _picked_documents(rows: Iterable[Any], picked: _Picked | None, start: int,
                      options: LoadOptions) -> Iterator[tuple[int, Document]]:
    """The picked documents of a partition (numbered from ``start``) under the ids their records give."""
    if picked is None:
        return
    indices, lines = picked
    keep = set(indices.tolist())
    number = start
    for row in rows:
        if isinstance(row, Range):  # the only row of its partition: only the wanted lines are parsed
            documents = (item[3] for item in range_items(row, options, lines.tolist())
                         if isinstance(item[3], Document))
            yield from zip(indices.tolist(), documents)
        elif isinstance(row[3], Document):
            if number in keep:
                yield number, row[3]
            number += 1


#: A place's row in the places asked for, its occurrence's fields and whether it begins a unit.
_Located = tuple[int, tuple[Any, ...], bool]


class SparkView:
    """Token hashes and occurrences computed inside the partitions holding the documents (the local
    engine's :class:`~dedupe.scan.near_dup.CorpusView`, partition by partition)."""

    def __init__(self, corpus: Corpus, ngram: int, token_counts: np.ndarray) -> None:
        self.corpus = corpus
        self.ngram = ngram
        self.token_counts = token_counts
        self._starts: dict[tuple[int, int], bool] = {}  # unit starts decided while locating occurrences

    def token_hashes(self, docs: Sequence[int]) -> dict[int, U64]:
        """The token hashes of documents ``docs`` (tokenised only: their counts come from the driver)."""
        wanted = {doc: int(self.token_counts[doc]) for doc in docs}
        ngram = self.ngram

        def hashes(chosen: Chosen) -> Iterator[tuple[int, U64]]:
            indices, rows, documents, prints = chosen
            if prints is None:
                counts = np.array([wanted[index] for index in indices], dtype=np.int64)
                none = np.zeros(0, dtype=np.int32)
                prints = Fingerprints(ngram, counts, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint64),
                                      none, none)
            found = CorpusView(documents, prints).token_hashes(rows)
            return ((index, found[row]) for index, row in zip(indices, rows))

        return dict(self.corpus.views(wanted, ngram).flatMap(hashes).collect())

    def occurrences(self, places: Sequence[tuple[int, int, int]]) -> list[Occurrence]:
        """The occurrences spanning tokens ``[first, last)`` of each ``(document, first, last)``, in order."""
        if not places:
            return []
        table = np.array(places, dtype=np.int64).reshape(-1, 3)
        part_of = np.searchsorted(np.array(self.corpus.starts, dtype=np.int64), table[:, 0], side="right") - 1
        # each partition's places as arrays (row in ``places``, document, first, last): a task unpickles
        # four arrays per partition, not a dict of tuples
        wanted = self.corpus.base.context.broadcast(
            {part: (rows, table[rows]) for part in np.unique(part_of).tolist()
             for rows in [np.flatnonzero(part_of == part)]})
        ngram = self.ngram

        def locate(part: int, chosen: Iterable[Chosen]) -> Iterator[_Located]:
            for indices, rows, documents, prints in chosen:
                numbers, spans = wanted.value[part]
                local = dict(zip(indices, rows))
                asked = [(local[doc], first, last) for doc, first, last in spans.tolist()]
                view = CorpusView(documents, prints or fingerprint_corpus([d.text for d in documents], ngram))
                # plain tuples (unpickling a frozen dataclass sets each field through object.__setattr__), and
                # whether each begins a unit: asked for next, decided here rather than in another pass
                for row, (i, _, _), o in zip(numbers.tolist(), asked, view.occurrences(asked)):
                    yield row, (o.doc, o.outlet, o.start, o.end, o.line, o.text), starts_unit(documents[i].text,
                                                                                              o.start)

        located: list[Any] = [None] * len(places)
        found = self.corpus.views(table[:, 0].tolist(), ngram).mapPartitionsWithIndex(locate).collect()
        for row, fields, starts in found:
            located[row] = fields
            self._starts[places[row][0], fields[2]] = starts
        wanted.unpersist()
        return [make_occurrence(*fields) for fields in located]

    def unit_starts(self, places: Sequence[tuple[int, int]]) -> list[bool]:
        """Whether each ``(document, character offset)`` begins a unit, decided where the document lies."""
        if all(place in self._starts for place in places):
            return [self._starts[place] for place in places]
        by_doc: dict[int, list[int]] = {}
        for doc, offset in places:
            by_doc.setdefault(doc, []).append(offset)

        def decide(chosen: Chosen) -> Iterator[tuple[tuple[int, int], bool]]:
            indices, rows, documents, _ = chosen
            for index, row in zip(indices, rows):
                for offset in by_doc[index]:
                    yield (index, offset), starts_unit(documents[row].text, offset)

        decided = dict(self.corpus.views(by_doc, self.ngram).flatMap(decide).collect())
        return [decided[place] for place in places]


def document_ids(corpus: Corpus, wanted: set[int]) -> dict[int, str]:
    """Corpus index to document id for the ``wanted`` documents (the paired ones: few next to the corpus)."""
    return dict(corpus.select(wanted).map(lambda row: (row[0], row[1].id)).collect())


def kept_ids(corpus: Corpus, id_hashes: U64, strict: bool) -> tuple[dict[int, str], list[str]]:
    """The id each document with a repeated id is kept under, by corpus index, and the notes saying so, as the
    local loader gives them (:meth:`~dedupe.corpus.records.Loader.add`, in corpus order).

    Only documents whose id hash meets another's are read (repeats are rare): their ids are renamed on the
    driver; a new id that another document of the corpus holds (``x~2`` given further on, a derived id's path
    and line) brings that document in too, and the renaming is done again, until no new id is held elsewhere.

    Args:
        corpus: The scan's documents (under the ids their records give).
        id_hashes: The hash of each document's id (:func:`~dedupe.scan.spark_stages.id_hashes`), in corpus order.
        strict: Raise on the first repeated id instead.

    Returns:
        The new ids by corpus index, and the local loader's note for each.

    Raises:
        InputError: ``strict`` and an id is repeated (the local loader's message).
    """
    order = np.argsort(id_hashes, kind="stable")
    ordered = id_hashes[order]
    same = np.flatnonzero(ordered[1:] == ordered[:-1])
    wanted = set(order[same].tolist()) | set(order[same + 1].tolist())
    named: dict[int, tuple[Document, bool]] = {}
    renamed: dict[int, str] = {}
    notes: list[str] = []
    while wanted:  # the documents come without their text: the renaming reads ids and places only
        named.update(corpus.select(wanted).map(
            lambda pair: (pair[0], (replace(pair[1], text=""), id_derived(pair[1])))).collect())
        renamed, notes = _renamings(named, strict)
        hashes = id_hashes_of(renamed.values())
        cuts = np.searchsorted(ordered, hashes), np.searchsorted(ordered, hashes, side="right")
        wanted = {int(order[i]) for first, last in zip(*cuts) for i in range(first, last)} - named.keys()
    return renamed, notes


def _renamings(named: dict[int, tuple[Document, bool]], strict: bool) -> tuple[dict[int, str], list[str]]:
    """The new ids (by corpus index) and notes the local loader gives the ``named`` documents alone.

    Args:
        named: Documents by corpus index, each with whether its id was derived (:func:`id_derived`).
        strict: Raise on the first repeated id instead.

    Returns:
        The new id of each document renamed, by corpus index, and the notes, from :meth:`Loader.add
        <dedupe.corpus.records.Loader.add>` over the documents in corpus order.

    Raises:
        InputError: ``strict`` and an id is repeated (the local loader's message).
    """
    loader = Loader(LoadOptions(strict=strict))
    indices = sorted(named)
    for index in indices:
        loader.add(*named[index])
    renamed = {index: kept.id for index, kept in zip(indices, loader.documents) if kept.id != named[index][0].id}
    return renamed, loader.notes
