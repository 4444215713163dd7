"""The documents of a Spark scan after its first pass: found again by corpus index, where they lie.

The first pass over the corpus (:mod:`dedupe.scan.spark`) reads every document, fingerprints it and keeps
only the fingerprints. The few passes that need documents again (their ids when two id hashes meet, token
hashes for chaining, the occurrences of the findings, Parquet output) ask :meth:`Corpus.select` for the
documents they want: a byte range of a local JSON Lines file (:mod:`dedupe.scan.spark_ranges`) is read
again and only the wanted lines are parsed; records read by Spark (``textFile``, Parquet, whole files) are
taken from their cache. :class:`SparkView` is the local engine's view of the documents built on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe.corpus.load import Document, LoadOptions
from dedupe.scan.near_dup import Occurrence, _CorpusView, _occurrence, fingerprint_corpus
from dedupe.scan.shingle import I64, U64, Fingerprints
from dedupe.scan.spark_ranges import Range, range_items
from dedupe.scan.units import starts_unit

if TYPE_CHECKING:
    from pyspark import RDD

#: The wanted documents of one partition: their corpus indices and their lines (both ascending).
_Picked = tuple[I64, I64]


#: The wanted documents of a partition (:meth:`Corpus.views`): their corpus indices and the documents, read
#: again (their wanted lines only, for a range).
Chosen = tuple[list[int], list[Document]]


@dataclass(frozen=True)
class Corpus:
    """Where the documents of a scan lie.

    Attributes:
        base: The corpus by partition (:func:`dedupe.scan.spark_read.read_items`): a byte range to read,
            or the cached items Spark read.
        starts: Corpus index of each partition's first document, and the number of documents last.
        lines: The line of each document of each partition (for re-reading a range).
        options: The loader's options (not ``strict``).
    """

    base: RDD[Any]
    starts: list[int]
    lines: list[I64]
    options: LoadOptions

    def select(self, wanted: Iterable[int]) -> RDD[tuple[int, Document]]:
        """The documents of corpus indices ``wanted``, with their index; partitions holding none are not read."""
        shared = self._picked(wanted)
        starts, options = self.starts, self.options
        return self.base.mapPartitionsWithIndex(
            lambda part, rows: _chosen(rows, shared.value.get(part), starts[part], options))

    def views(self, wanted: Iterable[int]) -> RDD[Chosen]:
        """The :data:`Chosen` documents of each partition holding some of ``wanted`` (partitions holding none
        are not read)."""
        shared = self._picked(wanted)
        starts, options = self.starts, self.options

        def chosen(part: int, rows: Iterable[Any]) -> Iterator[Chosen]:
            read = list(_chosen(rows, shared.value.get(part), starts[part], options))
            if read:
                yield [index for index, _ in read], [document for _, document in read]

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


def _chosen(rows: Iterable[Any], picked: _Picked | None, start: int,
            options: LoadOptions) -> Iterator[tuple[int, Document]]:
    """The picked documents of a partition (numbered from ``start``)."""
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
    engine's :class:`~dedupe.scan.near_dup._CorpusView`, partition by partition)."""

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
            indices, documents = chosen
            counts = np.array([wanted[index] for index in indices], dtype=np.int64)
            none = np.zeros(0, dtype=np.int32)
            prints = Fingerprints(ngram, counts, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint64), none, none)
            found = _CorpusView(documents, prints).token_hashes(range(len(indices)))
            return ((index, found[row]) for row, index in enumerate(indices))

        return dict(self.corpus.views(wanted).flatMap(hashes).collect())

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
            for indices, documents in chosen:
                numbers, spans = wanted.value[part]
                local = {index: row for row, index in enumerate(indices)}
                asked = [(local[doc], first, last) for doc, first, last in spans.tolist()]
                view = _CorpusView(documents, fingerprint_corpus([d.text for d in documents], ngram))
                # plain tuples (unpickling a frozen dataclass sets each field through object.__setattr__), and
                # whether each begins a unit: asked for next, decided here rather than in another pass
                for row, (i, _, _), o in zip(numbers.tolist(), asked, view.occurrences(asked)):
                    yield row, (o.doc, o.outlet, o.start, o.end, o.line, o.text), starts_unit(documents[i].text,
                                                                                              o.start)

        located: list[Any] = [None] * len(places)
        found = self.corpus.views(table[:, 0].tolist()).mapPartitionsWithIndex(locate).collect()
        for row, fields, starts in found:
            located[row] = fields
            self._starts[places[row][0], fields[2]] = starts
        wanted.unpersist()
        return [_occurrence(*fields) for fields in located]

    def unit_starts(self, places: Sequence[tuple[int, int]]) -> list[bool]:
        """Whether each ``(document, character offset)`` begins a unit, decided where the document lies."""
        if all(place in self._starts for place in places):
            return [self._starts[place] for place in places]
        by_doc: dict[int, list[int]] = {}
        for doc, offset in places:
            by_doc.setdefault(doc, []).append(offset)

        def decide(chosen: Chosen) -> Iterator[tuple[tuple[int, int], bool]]:
            for index, document in zip(*chosen):
                for offset in by_doc[index]:
                    yield (index, offset), starts_unit(document.text, offset)

        decided = dict(self.corpus.views(by_doc).flatMap(decide).collect())
        return [decided[place] for place in places]


def document_ids(corpus: Corpus, wanted: set[int]) -> dict[int, str]:
    """Corpus index to document id for the ``wanted`` documents (the paired ones: few next to the corpus)."""
    return dict(corpus.select(wanted).map(lambda row: (row[0], row[1].id)).collect())
