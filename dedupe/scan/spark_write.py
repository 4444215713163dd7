"""Findings of the Spark engine assembled and written as Parquet by the executors (``-o PATH.parquet``).

The local engine's :func:`~dedupe.scan.near_dup.assemble_findings` turns shared runs, verified pairs and
near-duplicate clusters into findings. Every step of it stays inside one **component** of the graph whose
nodes are documents and whose edges are the shared runs and the verified pairs:

- the near-duplicate clusters are components of the pairs alone, so each lies inside one component;
- chaining joins runs between the same two documents;
- grouping links places of runs that overlap inside one document, so a passage group (and the count of
  its documents that makes it boilerplate) never leaves the component of its first run;
- locating occurrences and deciding whether a place begins a unit read one document each.

So the components are found on the driver (numpy union-find over the numbers it already holds: the runs'
and pairs' document indices), the documents of each component are shuffled to one task beside its runs and
pairs, and that task runs ``assemble_findings`` on them as the local engine would on that sub-corpus. Each
finding carries its place in the local engine's order (kind, then first place); the rows are sorted by it
across the cluster, numbered, and written by the executors. Nothing of a finding reaches the driver but
the count of each kind (for ``--fail-on``).

A component is assembled by one task: a passage printed in most of the corpus joins most documents into
one component, which one executor then assembles (as the local engine does with the whole corpus).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe.corpus.documents import Document
from dedupe.errors import InputError
from dedupe.output import cleaned
from dedupe.report.scan import finding_dict
from dedupe.scan.config import ScanConfig
from dedupe.scan.near_dup import KINDS, Finding, pair_clusters, CorpusView, assemble_findings
from dedupe.scan.fingerprints import fingerprint_corpus
from dedupe.scan.passages import RunTable
from dedupe.scan.shingle import I64
from dedupe.scan.spark_read import session_of
from dedupe.scan.verify import Pair
from dedupe.unionfind import components as union_components

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql.types import StructType

#: What one component's task receives: its documents, or its runs and pairs (from the driver).
_Part = tuple[str, Any]
#: A finding row: its order key ``(kind, first document, first start, first end)`` and the Parquet fields.
Row = tuple[tuple[int, int, int, int], tuple[Any, ...]]
_OCCURRENCE = ("doc", "outlet", "start", "end", "line", "text")
_PAIR = ("a", "b", "jaccard", "containment")


def findings_schema() -> StructType:
    """The Parquet schema: the JSON contract's fields, occurrences and pairs as lists of structs, and the
    finding's place in the JSON order (``number``, from 0)."""
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StringType, StructField, StructType

    occurrence = StructType([StructField(name, StringType() if name in ("doc", "outlet", "text") else LongType())
                             for name in _OCCURRENCE])
    pair = StructType([StructField(name, StringType() if name in ("a", "b") else DoubleType()) for name in _PAIR])
    return StructType([StructField("number", LongType()), StructField("kind", StringType()),
                       StructField("similarity", DoubleType()), StructField("words", LongType()),
                       StructField("occurrences", ArrayType(occurrence)), StructField("pairs", ArrayType(pair))])


def refuse_existing(sc: SparkContext, path: str) -> None:
    """Raise when ``path`` exists where Spark writes (nothing is overwritten).

    Raises:
        InputError: ``path`` exists already.
    """
    jvm_path = sc._jvm.org.apache.hadoop.fs.Path(path)  # type: ignore[attr-defined, union-attr]
    if jvm_path.getFileSystem(sc._jsc.hadoopConfiguration()).exists(jvm_path):  # type: ignore[attr-defined]
        raise InputError(f"{path}: exists already (not overwritten)")


def document_components(runs: RunTable, pairs: Sequence[Pair], documents: int) -> I64:
    """The component of every document in the graph of runs and pairs (its smallest member), -1 for a
    document in neither."""
    a = np.concatenate([runs.a, np.array([p[0] for p in pairs], dtype=np.int64)])
    b = np.concatenate([runs.b, np.array([p[1] for p in pairs], dtype=np.int64)])
    labels = union_components(documents, a, b)
    involved = np.zeros(documents, dtype=bool)
    involved[a], involved[b] = True, True
    return np.where(involved, labels, -1)


def write_findings(sc: SparkContext, docs: RDD[tuple[int, Document]], documents: int, runs: RunTable,
                   pairs: Sequence[Pair], config: ScanConfig, path: str, partitions: int) -> Counter[str]:
    """Assemble the findings component by component on the executors and write them as Parquet.

    Args:
        sc: The context.
        docs: The documents of the runs and pairs (at least), with their corpus index.
        documents: Number of documents.
        runs: Shared runs (ordered by first place).
        pairs: Verified pairs, ordered by ``(a, b)``.
        config: The scan's options.
        path: Folder of the Parquet part files (must not exist).
        partitions: Partitions of the shuffle and of the written files.

    Returns:
        The count of each kind of finding.
    """
    from pyspark import StorageLevel

    label_of = document_components(runs, pairs, documents)
    shared = sc.broadcast(label_of)
    by_label = _parts_by_label(runs, pairs, label_of)
    members = docs.flatMap(lambda row: _member(row, shared.value))
    tasks = sc.parallelize(by_label, max(1, min(partitions, len(by_label) or 1)))
    found = members.union(tasks).groupByKey(partitions) \
        .flatMap(lambda group: component_rows(group[1], config)).persist(StorageLevel.MEMORY_AND_DISK)
    try:  # assembled once: counted, sampled for the sort's ranges, sorted, numbered and written from the cache
        counts = found.map(lambda row: row[1][0]).countByValue()
        rows = found.sortBy(lambda row: row[0], numPartitions=partitions).zipWithIndex() \
            .map(lambda numbered: (numbered[1], *numbered[0][1]))
        session_of(sc).createDataFrame(rows, findings_schema(), verifySchema=False).write.parquet(path)
    finally:
        found.unpersist()
        shared.unpersist()
    return Counter({kind: int(counts.get(kind, 0)) for kind in KINDS})


def _member(row: tuple[int, Document], label_of: I64) -> list[tuple[int, _Part]]:
    """A document keyed by its component, if it is in one."""
    index = row[0]
    if index >= label_of.size or label_of[index] < 0:
        return []
    return [(int(label_of[index]), ("doc", row))]


def _parts_by_label(runs: RunTable, pairs: Sequence[Pair], label_of: I64) -> list[tuple[int, _Part]]:
    """The runs and pairs of each component, keyed by its label."""
    order = np.argsort(label_of[runs.a], kind="stable")  # runs stay in their order inside a component
    run_labels = label_of[runs.a][order]
    sorted_runs = runs.take(order)
    cuts = np.flatnonzero(np.diff(run_labels)) + 1
    pieces: dict[int, tuple[RunTable, list[Pair]]] = {}
    for rows in np.split(np.arange(run_labels.size), cuts):
        if rows.size:
            pieces[int(run_labels[rows[0]])] = (sorted_runs.take(rows), [])
    for pair in pairs:
        label = int(label_of[pair[0]])
        pieces.setdefault(label, (RunTable.from_rows([]), []))[1].append(pair)
    return [(label, ("links", piece)) for label, piece in sorted(pieces.items())]


def component_rows(parts: Iterable[_Part], config: ScanConfig) -> Iterator[Row]:
    """The findings of one component, found by the local engine's own assembly over its documents.

    Args:
        parts: The component's documents (``("doc", (index, document))``) and its runs and pairs
            (``("links", (runs, pairs))``), in any order.
        config: The scan's options.

    Returns:
        Each finding's order key (kind, then its first place: corpus index, start, end) and its row.
    """
    chosen: list[tuple[int, Document]] = []
    runs, pairs = RunTable.from_rows([]), []
    for tag, value in parts:
        if tag == "doc":
            chosen.append(value)
        else:
            runs, pairs = value
    chosen.sort(key=lambda row: row[0])
    index = np.array([i for i, _ in chosen], dtype=np.int64)
    documents = [d for _, d in chosen]
    prints = fingerprint_corpus([d.text for d in documents], config.ngram)
    local_runs = RunTable(np.searchsorted(index, runs.a), runs.a_start, runs.a_end, np.searchsorted(index, runs.b),
                          runs.b_start, runs.b_end, runs.similarity)
    local_pairs = [(int(np.searchsorted(index, a)), int(np.searchsorted(index, b)), j, c) for a, b, j, c in pairs]
    found = assemble_findings(CorpusView(documents, prints), prints.token_counts, local_runs, local_pairs,
                              pair_clusters(local_pairs, len(documents)), config)
    corpus_index = {d.id: int(i) for i, d in zip(index.tolist(), documents)}
    return (_row(finding, corpus_index) for finding in found)


def _row(finding: Finding, corpus_index: dict[str, int]) -> Row:
    """A finding's order key and its Parquet fields (without its number): the values of its JSON object."""
    first = finding.occurrences[0]
    key = (KINDS.index(finding.kind), corpus_index[first.doc], first.start, first.end)
    record = cleaned(finding_dict(finding))  # the JSON contract's values (floats rounded as there)
    return key, (record["kind"], float(record["similarity"]), record["words"],
                 [tuple(o[name] for name in _OCCURRENCE) for o in record["occurrences"]],
                 [tuple(p[name] for name in _PAIR) for p in record.get("pairs", ())])
