"""``dedupe scan --engine spark``: the scan of :mod:`dedupe.scan.near_dup` on a Spark cluster, same findings.

What runs where (each stage is the local engine's numpy code, applied per partition by
:mod:`dedupe.scan.spark_stages`):

- **distributed**: reading and checking the records (:mod:`dedupe.scan.spark_read`), duplicate ids,
  shingles and MinHash signatures (``mapPartitions``), band keys grouped into buckets and candidate pairs
  (a shuffle by band key), shingles grouped by hash into links and links grouped by document pair into
  shared runs and coverage (two shuffles), exact verification of the candidates (Jaccard and containment,
  two joins against the documents' shingle sets), connected components of the verified pairs (iterative
  min-label propagation over RDDs, checkpointed), token hashes for chaining and the location of every
  occurrence (offsets, line, text) inside the partitions that hold the documents.
- **on the driver**, over collected results that are small next to the corpus (per-document token counts,
  candidate codes, runs, verified pairs, labels): chaining runs across edits, grouping places into passages
  (which counts boilerplate over the whole corpus), and sorting and numbering the findings with
  :func:`dedupe.scan.near_dup.assemble_findings`, so the findings are the local engine's, byte for byte,
  whatever the number of partitions.

Records exchanged between stages are blocks of numpy arrays addressed to a partition, so Spark moves a few
pickled blocks per task, not a Python object per shingle.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe.corpus.load import Document, LoadOptions, Skipped
from dedupe.errors import InputError
from dedupe.runtime import StageTimer
from dedupe.scan import spark_stages as st
from dedupe.scan.minhash import lsh_params
from dedupe.scan.near_dup import (
    DocumentPair,
    Occurrence,
    ScanConfig,
    ScanResult,
    ScanStats,
    _CorpusView,
    assemble_findings,
    fingerprint_corpus,
)
from dedupe.scan.passages import RunTable, _concat
from dedupe.scan.shingle import U64
from dedupe.scan.spark_read import Item, list_inputs, read_items
from dedupe.scan.verify import Pair

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql import SparkSession

_CHECKPOINT_EVERY = 3  # label-propagation rounds between checkpoints (cuts the lineage)


@dataclass(frozen=True)
class SparkScan:
    """A Spark scan: the same result as the local engine's, and the inputs skipped while reading.

    Attributes:
        result: Findings, verified pairs and counts (``stats.workers`` is the number of partitions).
        skipped: Unreadable files and records, in corpus order (``path:line: reason``).
    """

    result: ScanResult
    skipped: tuple[Skipped, ...]


def spark_session(master: str | None = None, app_name: str = "dedupe-scan") -> SparkSession:
    """The active Spark session, or a new one on ``master`` (``None``: ``spark-submit``'s, else ``local[*]``)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    elif SparkSession.getActiveSession() is None:
        master = "local[*]"
        builder = builder.master(master)
    if master and master.startswith("local"):
        # Python workers import this very copy of dedupe (on a cluster, ship it with --py-files).
        here = str(Path(__file__).resolve().parents[2])
        paths = [here, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        builder = builder.config("spark.executorEnv.PYTHONPATH", os.pathsep.join(paths))
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # read when the context starts
    return builder.getOrCreate()


def scan_spark(spark: SparkSession, paths: Sequence[str], config: ScanConfig | None = None,
               options: LoadOptions | None = None, partitions: int | None = None) -> SparkScan:
    """Read a corpus through Spark and scan it there.

    Args:
        spark: The session to run on.
        paths: Files or folders Spark can reach (JSON Lines, Parquet, text, JSON, CSV).
        config: Scan options; defaults to :class:`ScanConfig()`.
        options: Field overrides, manifest and strictness, as for the local loader.
        partitions: Partitions of the input and of every shuffle (``None``: Spark's default parallelism).

    Returns:
        The scan (findings byte-identical to :func:`dedupe.scan.near_dup.scan` on the same documents).

    Raises:
        InputError: A path does not exist, two documents share an id, no document was read, or
            (``strict``) an input is bad.
    """
    config, options = config or ScanConfig(), options or LoadOptions()
    sc = spark.sparkContext
    parts = partitions or sc.defaultParallelism
    folder = tempfile.mkdtemp(prefix="dedupe-spark-")
    sc.setCheckpointDir(folder)
    persisted: list[Any] = []
    try:
        return _scan(spark, paths, config, options, parts, persisted)
    finally:
        for rdd in persisted:
            rdd.unpersist()
        shutil.rmtree(folder, ignore_errors=True)


def _scan(spark: SparkSession, paths: Sequence[str], config: ScanConfig, options: LoadOptions, parts: int,
          persisted: list[Any]) -> SparkScan:
    timer = StageTimer()
    sc = spark.sparkContext
    listing = list_inputs(spark, paths, options)
    items = read_items(spark, listing, options, parts).persist()
    persisted.append(items)
    docs = items.filter(lambda item: isinstance(item[3], Document)).map(lambda item: item[3]).zipWithIndex() \
        .map(lambda pair: (pair[1], pair[0])).persist()
    persisted.append(docs)
    skipped = timer.run("load", lambda: _skipped(listing, items, docs, options))
    blocks = docs.mapPartitions(lambda rows: _fingerprint(rows, config.ngram)).persist()
    persisted.append(blocks)
    token_counts, shingle_counts = timer.run("fingerprint", lambda: _counts(blocks))
    if token_counts.size == 0:
        raise InputError(f"no documents loaded from {', '.join(paths)} ({len(skipped)} inputs skipped)")
    layout = st.Layout.of(token_counts, shingle_counts, config.min_words, config.ngram)
    shared = sc.broadcast(layout)
    bands, rows = lsh_params(config.threshold, config.num_perm)
    candidates = timer.run("minhash", lambda: _candidates(blocks, config, bands, rows, parts, layout.base.size))
    runs, extra = timer.run("passages", lambda: _shared_runs(blocks, shared, config, parts)) if config.passages \
        else (RunTable.from_rows([]), np.zeros(0, dtype=np.uint64))
    usable = (shingle_counts > 0) & (token_counts >= config.min_words)
    pairs = timer.run("verify", lambda: _verify(sc, blocks, candidates, extra, usable, config.threshold, parts))
    clusters = timer.run("components", lambda: components(sc, [(a, b) for a, b, _, _ in pairs], parts))
    view = SparkView(docs, config.ngram)
    findings = timer.run("group", lambda: assemble_findings(view, token_counts, runs, pairs, clusters, config))
    names = _names(findings, clusters)
    stats = ScanStats(int(token_counts.size), int(token_counts.sum()), int(shingle_counts.sum()), bands, rows,
                      int(candidates.size), len(pairs), len(runs), parts, timer.seconds)
    named = tuple(DocumentPair(names[a], names[b], jac, con) for a, b, jac, con in pairs)
    return SparkScan(ScanResult(config, findings, named, stats), skipped)


def _skipped(listing: Any, items: RDD[Item], docs: RDD[tuple[int, Document]],
             options: LoadOptions) -> tuple[Skipped, ...]:
    """Skipped inputs in corpus order; raises on duplicate ids and, when ``strict``, on the first skip."""
    found = items.filter(lambda item: isinstance(item[3], Skipped)).collect()
    read = set(docs.map(lambda pair: pair[1].origin.path).distinct().collect())
    read |= {item[3].path for item in found}
    for entry in listing.inputs:  # a JSON Lines file with no line at all
        if entry.label not in read and entry.suffix in (".jsonl", ".ndjson"):
            found.append((entry.rank, 0, -1, Skipped(entry.label, None, "empty file")))
    ordered = tuple(listing.skipped) + tuple(item[3] for item in sorted(found, key=lambda item: item[:3]))
    first = _duplicate(docs)
    if first is not None:
        raise InputError(first)
    if options.strict and ordered:
        raise InputError(str(ordered[0]))
    return ordered


def _duplicate(docs: RDD[tuple[int, Document]]) -> str | None:
    """The local loader's message for the first document whose id was seen before, if any."""
    def keep_two(one: list[tuple[int, str]], other: list[tuple[int, str]]) -> list[tuple[int, str]]:
        return sorted(one + other)[:2]

    seen = docs.map(lambda pair: (pair[1].id, [(pair[0], str(pair[1].origin))])).reduceByKey(keep_two) \
        .filter(lambda entry: len(entry[1]) > 1).collect()
    if not seen:
        return None
    doc_id, (first, second) = min(seen, key=lambda entry: entry[1][1][0])
    return f"duplicate document id {doc_id!r} at {second[1]} (first seen at {first[1]})"


def _fingerprint(rows: Iterator[tuple[int, Document]], ngram: int) -> Iterator[st.Block]:
    """One block of fingerprints per partition (the local engine's batches)."""
    indices, texts = [], []
    for index, document in rows:
        indices.append(index)
        texts.append(document.text)
    if indices:
        yield st.fingerprint_block(indices, fingerprint_corpus(texts, ngram))


def _counts(blocks: RDD[st.Block]) -> tuple[np.ndarray, np.ndarray]:
    """Tokens and shingles of every document, by corpus index."""
    collected = blocks.map(lambda b: (b.docs, b.prints.token_counts, np.diff(b.prints.offsets))).collect()
    size = sum(int(docs.size) for docs, _, _ in collected)
    tokens, shingles = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
    for docs, token_counts, shingle_counts in collected:
        tokens[docs], shingles[docs] = token_counts, shingle_counts
    return tokens, shingles


def _candidates(blocks: RDD[st.Block], config: ScanConfig, bands: int, rows: int, parts: int,
                documents: int) -> U64:
    """LSH candidate pair codes ``a * documents + b``, sorted, without repeats."""
    routed = blocks.flatMap(lambda b: st.band_records(b, config.min_words, config.num_perm, config.seed, bands,
                                                      rows, parts))
    found = routed.partitionBy(parts).mapPartitions(lambda part: [st.bucket_pairs(part, documents)]).collect()
    return np.unique(np.concatenate([np.zeros(0, dtype=np.uint64), *found]))


def _shared_runs(blocks: RDD[st.Block], layout: Any, config: ScanConfig, parts: int) -> tuple[RunTable, U64]:
    """Every shared run of the corpus (ordered by first place) and the pair codes their coverage proposes."""
    def runs_of(part: Iterator[st.Routed]) -> list[tuple[RunTable, U64]]:
        return [st.pair_runs(part, layout.value, config.ngram, config.min_words, config.threshold)]

    def links_of(part: Iterator[st.Routed]) -> Iterator[st.Routed]:
        first, second = st.links(part, layout.value)
        return st.link_records(first, second, layout.value, parts)

    shingles = blocks.flatMap(lambda b: st.shingle_records(b, layout.value, parts)).partitionBy(parts)
    found = shingles.mapPartitions(links_of).partitionBy(parts).mapPartitions(runs_of).collect()
    table = RunTable.from_rows([])
    for part, _ in found:
        table = _concat(table, part)
    extra = np.concatenate([np.zeros(0, dtype=np.uint64), *(codes for _, codes in found)])
    return table.ordered(), extra


def _verify(sc: SparkContext, blocks: RDD[st.Block], candidates: U64, extra: U64, usable: np.ndarray,
            threshold: float, parts: int) -> list[Pair]:
    """Exact Jaccard and containment of every candidate pair of usable documents, over two joins."""
    documents = np.uint64(usable.size)
    codes = np.unique(np.concatenate([candidates, extra]))
    a, b = (codes // documents).astype(np.int64), (codes % documents).astype(np.int64)
    keep = usable[a] & usable[b]
    a, b = a[keep], b[keep]
    if a.size == 0:
        return []
    wanted = sc.broadcast(set(np.concatenate([a, b]).tolist()))
    sets = blocks.flatMap(lambda block: st.unique_shingles(block, wanted.value)).partitionBy(parts)
    by_a = sc.parallelize(list(zip(a.tolist(), b.tolist())), parts)
    with_a = by_a.join(sets, parts).map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))

    def score(kv: tuple[int, tuple[tuple[int, U64], U64]]) -> list[Pair]:
        (left, one), other = kv[1]
        jaccard, containment = st.similarity(one, other)
        return [(left, kv[0], jaccard, containment)] if max(jaccard, containment) >= threshold else []

    return sorted(with_a.join(sets, parts).flatMap(score).collect())


def components(sc: SparkContext, edges: list[tuple[int, int]], parts: int) -> list[tuple[int, ...]]:
    """Connected components of an undirected graph by min-label propagation over RDDs.

    Every node takes the smallest label among itself and its neighbours until no label changes; the
    edges are cached and the labels checkpointed every few rounds (a long lineage, or components computed
    on uncached inputs, is what makes GraphFrames' answers wrong).

    Args:
        sc: The Spark context (a checkpoint folder must be set).
        edges: Node pairs.
        parts: Partitions of the edges and labels.

    Returns:
        Each component's nodes sorted, components ordered by their first node (as the local union-find).
    """
    if not edges:
        return []
    both = sc.parallelize(edges, parts).flatMap(lambda e: [(e[0], e[1]), (e[1], e[0])]).partitionBy(parts).cache()
    labels = both.map(lambda e: (e[0], e[0])).reduceByKey(min, parts).cache()
    rounds = 0
    while True:
        rounds += 1
        offered = both.join(labels, parts).map(lambda kv: (kv[1][0], kv[1][1]))
        updated = offered.union(labels).reduceByKey(min, parts).cache()
        if rounds % _CHECKPOINT_EVERY == 0:
            updated.checkpoint()
        changed = updated.join(labels, parts).filter(lambda kv: kv[1][0] != kv[1][1]).count()
        labels.unpersist()
        labels = updated
        if changed == 0:
            break
    groups: dict[int, list[int]] = {}
    for node, label in sorted(labels.collect()):
        groups.setdefault(label, []).append(node)
    both.unpersist()
    labels.unpersist()
    return sorted(tuple(members) for members in groups.values())


def _names(findings: Sequence[Any], clusters: list[tuple[int, ...]]) -> dict[int, str]:
    """Corpus index to document id for every clustered document (from the near-duplicate findings, whose
    occurrences span each member of each cluster in order)."""
    near = [o.doc for f in findings if f.kind == "near_duplicate" for o in f.occurrences]
    return dict(zip((doc for members in clusters for doc in members), near))


class SparkView:
    """Token hashes and occurrences computed inside the partitions holding the documents (the local
    engine's :class:`~dedupe.scan.near_dup._CorpusView`, partition by partition)."""

    def __init__(self, docs: RDD[tuple[int, Document]], ngram: int) -> None:
        self.docs = docs
        self.ngram = ngram

    def token_hashes(self, docs: Sequence[int]) -> dict[int, U64]:
        """The token hashes of documents ``docs``."""
        wanted = self.docs.context.broadcast(set(docs))
        ngram = self.ngram

        def hashes(rows: Iterator[tuple[int, Document]]) -> Iterator[tuple[int, U64]]:
            view, indices = _local_view(rows, wanted.value, ngram)
            if indices:
                yield from ((indices[i], h) for i, h in view.token_hashes(range(len(indices))).items())

        return dict(self.docs.mapPartitions(hashes).collect())

    def occurrences(self, places: Sequence[tuple[int, int, int]]) -> list[Occurrence]:
        """The occurrences spanning tokens ``[first, last)`` of each ``(document, first, last)``, in order."""
        by_doc: dict[int, list[tuple[int, int]]] = {}
        for doc, first, last in places:
            by_doc.setdefault(doc, []).append((first, last))
        wanted = self.docs.context.broadcast(by_doc)
        ngram = self.ngram

        def locate(rows: Iterator[tuple[int, Document]]) -> Iterator[tuple[tuple[int, int, int], Occurrence]]:
            view, indices = _local_view(rows, wanted.value, ngram)
            local = [(i, first, last) for i, doc in enumerate(indices) for first, last in wanted.value[doc]]
            found = view.occurrences(local) if local else []
            yield from (((indices[i], first, last), o) for (i, first, last), o in zip(local, found))

        located = dict(self.docs.mapPartitions(locate).collect())
        return [located[place] for place in places]


def _local_view(rows: Iterator[tuple[int, Document]], wanted: Any, ngram: int) -> tuple[_CorpusView, list[int]]:
    """The local engine's view over the wanted documents of a partition, and their corpus indices."""
    chosen = [(index, document) for index, document in rows if index in wanted]
    documents = [document for _, document in chosen]
    return _CorpusView(documents, fingerprint_corpus([d.text for d in documents], ngram)), [i for i, _ in chosen]
