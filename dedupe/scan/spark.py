"""``dedupe scan --engine spark``: the scan of :mod:`dedupe.scan.near_dup` on a Spark cluster, same findings.

What runs where (each stage is the local engine's numpy code, applied per partition by
:mod:`dedupe.scan.spark_stages`):

- **distributed**: reading and checking the records (a local JSON Lines file read by the Python workers
  from byte ranges, :mod:`dedupe.scan.spark_ranges`; anything else through Spark, :mod:`dedupe.scan.spark_read`),
  shingles and MinHash signatures in the same pass (``mapPartitions``; only the fingerprints cached, or on a
  local master kept with the documents in files of the scan's folder, :mod:`dedupe.scan.spark_docs`), hashes of the
  ids (documents whose hashes meet are renamed on the driver as the local loader renames them), band keys
  grouped into buckets and candidate pairs and, in the same shuffle, shingle keys counted
  (the repeated ones broadcast as a bitmap), repeated shingles grouped by hash into links and links grouped
  by document pair into shared runs and coverage (two shuffles), exact
  verification of the candidates (Jaccard and containment, two joins against the documents' shingle
  sets), connected components of a large graph of verified pairs (iterative min-label propagation over RDDs,
  checkpointed: :mod:`dedupe.scan.spark_components`; below :data:`_DRIVER_EDGES` pairs, which the driver holds anyway,
  the local union-find), token hashes for chaining and the location of every occurrence (offsets, line, text) inside
  the partitions that hold the documents (:mod:`dedupe.scan.spark_docs`: the kept documents and token offsets on a
  local master, else a range read again, only the wanted lines parsed).
- **on the driver**, over collected results that are small next to the corpus (per-document token counts,
  candidate codes, runs, verified pairs, labels): chaining runs across edits, grouping places into passages
  (which counts boilerplate over the whole corpus), and sorting and numbering the findings with
  :func:`dedupe.scan.near_dup.assemble_findings`, so the findings are the local engine's, byte for byte,
  whatever the number of partitions.
- **with** ``parquet``: the findings are assembled component by component on the executors instead, sorted
  and numbered there and written by them (:mod:`dedupe.scan.spark_write`); the driver gets their counts.

Records exchanged between stages are blocks of numpy arrays addressed to a partition, so Spark moves a few
pickled blocks per task, not a Python object per shingle.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dedupe.corpus.documents import Document, LoadOptions, Skipped
from dedupe.errors import ConfigError, InputError, NothingLoaded
from dedupe.runtime import StageTimer
from dedupe.scan import spark_jvm, spark_stages as st
from dedupe.scan.minhash import lsh_params
from dedupe.scan.near_dup import (
    DocumentPair,
    Finding,
    ScanConfig,
    ScanResult,
    ScanStats,
    assemble_findings,
    pair_clusters as _local_clusters,
)
from dedupe.scan.fingerprints import fingerprint_corpus
from dedupe.scan.passages import RunTable, concat_runs
from dedupe.scan.shingle import U64
from dedupe.scan.spark_components import components
from dedupe.scan.spark_docs import Corpus, SparkView, document_ids, keep_documents, keep_part, kept_ids, kept_part
from dedupe.scan.spark_ranges import byte_ranges, items_of
from dedupe.scan.spark_read import Item, context_of, fallback_notes, list_inputs, read_items, session_of
from dedupe.scan.spark_write import refuse_existing, write_findings
from dedupe.scan.verify import Pair

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql import SparkSession

_DRIVER_EDGES = 1_000_000  # fewer verified pairs than this: their components are found on the driver
# Settings of a local master, unless set: memory (the default 1g spills); the JVM with the quick JIT only
# and one GC thread (a scan's JVM lives a few minutes, where the optimising JIT and parallel GC threads cost
# more CPU than they save: Reuters x1 on local[2], 39 -> 28 CPU seconds for the whole process tree, same
# output; benchmarks/README.md, spark); shuffle files not compressed (they stay on this machine's disk,
# compressing them only costs processor time); no web UI; and the Python daemon that imports the scan's
# modules once before it forks the workers (dedupe.scan.spark_daemon). The JVM options also read Spark's
# classes from a class-data-sharing archive in the user's cache where one was written (dedupe.scan.spark_jvm).
_JAVA_OPTIONS = "spark.driver.extraJavaOptions"
_LOCAL_SETTINGS = {
    "spark.driver.memory": "4g",
    _JAVA_OPTIONS: "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.shuffle.compress": "false",
    "spark.shuffle.spill.compress": "false",
    "spark.ui.enabled": "false",
    "spark.python.daemon.module": "dedupe.scan.spark_daemon",
}


def _keep() -> Any:
    from pyspark import StorageLevel

    return StorageLevel.MEMORY_AND_DISK


@dataclass(frozen=True)
class SparkScan:
    """A Spark scan: the same result as the local engine's, and the inputs skipped while reading.

    Attributes:
        result: Findings, verified pairs and counts (``stats.workers`` is the number of partitions); no
            findings when they were written as Parquet.
        skipped: Unreadable files and records, in corpus order (``path:line: reason``).
        kinds: The count of each kind of finding (also of those written as Parquet).
        notes: The local loader's notes: each repeated id kept under a new one, then one a file whose records'
            text was not in ``--text-field``.
    """

    result: ScanResult
    skipped: tuple[Skipped, ...]
    kinds: Counter[str]
    notes: tuple[str, ...] = ()


def spark_context(master: str | None = None, app_name: str = "dedupe-scan",
                  settings: Mapping[str, str] | None = None, archive: bool = False,
                  quiet: bool = False) -> SparkContext:
    """The active Spark context, or a new one on ``master`` (``None``: ``spark-submit``'s, else ``local[*]``).

    No SQL session is built: JSON Lines and text inputs never need one (building it costs seconds of class
    loading); Parquet input and output make one on this context when they need it. A local master's JVM
    reads the class-data-sharing archive of Spark's classes if there is one (:mod:`dedupe.scan.spark_jvm`).

    Args:
        master: Spark master URL (``local[2]``, ``spark://host:7077``, ``yarn``...).
        app_name: Name of the application.
        settings: Spark settings (``spark.executor.memory``...).
        archive: Whether a local master's new JVM may write that archive when there is none (the caller
            then ends the context with :func:`~dedupe.scan.spark_jvm.stop_soon`, which waits for the JVM to
            write it).
        quiet: Nothing from Spark on stderr (``dedupe scan -q``): a JVM started here gets a scratch file as its
            stderr (:func:`~dedupe.scan.spark_jvm.stderr_kept`: its log4j lines and warnings, and the reason of
            a failed start). Without it, as with dedupe's own progress bars, Spark's progress bar is drawn on a
            terminal only.

    Returns:
        The context; on a local master its Python workers run this interpreter and this copy of dedupe.

    Raises:
        ConfigError: The JVM started here did not start (no Java, ``JAVA_HOME`` naming none...): one line with
            the reason, under ``quiet`` the last meaningful line of its stderr.
    """
    from pyspark import SparkConf, SparkContext
    from pyspark.errors import PySparkRuntimeError

    conf = SparkConf().setAppName(app_name).setAll(list((settings or {}).items()))
    if quiet or not sys.stderr.isatty():
        conf.setIfMissing("spark.ui.showConsoleProgress", "false")
    if master:
        conf.setMaster(master)
    elif SparkContext._active_spark_context is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = "local[*]"  # not under spark-submit, which sets the master itself
        conf.setMaster(master)
    partial = None
    if master and master.startswith("local"):
        if not conf.contains(_JAVA_OPTIONS) and SparkContext._gateway is None:  # the JVM starts here
            extra, partial = spark_jvm.options(archive)
            conf.set(_JAVA_OPTIONS, f"{_LOCAL_SETTINGS[_JAVA_OPTIONS]} {extra}".strip())
        for key, value in _LOCAL_SETTINGS.items():
            conf.setIfMissing(key, value)
        # Python workers import this very copy of dedupe (on a cluster, ship it with --py-files).
        here = str(Path(__file__).resolve().parents[2])
        paths = [here, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        conf.set("spark.executorEnv.PYTHONPATH", os.pathsep.join(paths))
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # read when the context starts
    starting = SparkContext._gateway is None
    spark_jvm.drop_py4j_root_records()
    with spark_jvm.stderr_kept(quiet and starting) as reason:  # the JVM keeps the stderr it starts with
        try:
            sc = SparkContext.getOrCreate(conf)
        except PySparkRuntimeError:
            if not starting or SparkContext._gateway is not None:
                raise
            said = reason()  # -q: its stderr was kept; otherwise the user saw it
            raise ConfigError(f"--engine spark: Java did not start: {said}" if said else
                              "--engine spark: Java did not start (its messages are above)") from None
    if partial is not None:
        setattr(sc, "_dedupe_archive", partial)  # noqa: B010  # written when stop_soon ends the JVM
    return sc


def spark_session(master: str | None = None, app_name: str = "dedupe-scan",
                  settings: Mapping[str, str] | None = None) -> SparkSession:
    """A SQL session on :func:`spark_context` (same arguments)."""
    return session_of(spark_context(master, app_name, settings))


def scan_spark(spark: SparkSession | SparkContext, paths: Sequence[str], config: ScanConfig | None = None,
               options: LoadOptions | None = None, partitions: int | None = None,
               parquet: str | None = None) -> SparkScan:
    """Read a corpus through Spark and scan it there.

    Args:
        spark: The context (or a session on it) to run on.
        paths: Files or folders Spark can reach (JSON Lines, Parquet, text, JSON, CSV).
        config: Scan options; defaults to :class:`ScanConfig()`.
        options: Field overrides, manifest and strictness, as for the local loader.
        partitions: Partitions of the input and of every shuffle (``None``: Spark's default parallelism).
        parquet: Write the findings to this Parquet folder from the executors (:mod:`dedupe.scan.spark_write`)
            instead of collecting them.

    Returns:
        The scan (findings byte-identical to :func:`dedupe.scan.near_dup.scan` on the same documents).

    Raises:
        InputError: A path does not exist, no document was read, ``parquet`` exists, or (``strict``) an input
            is bad or two documents share an id.
    """
    config, options = config or ScanConfig(), options or LoadOptions()
    if "-" in paths:
        raise InputError("-: standard input is not available to --engine spark (give a path Spark can read)")
    if parquet:
        refuse_existing(context_of(spark), parquet)
    sc = context_of(spark)
    parts = partitions or sc.defaultParallelism
    folder = tempfile.mkdtemp(prefix="dedupe-spark-")
    sc.setCheckpointDir(folder)
    persisted: list[Any] = []
    kept = _kept_folder(sc, folder)
    try:
        return _scan(sc, paths, config, options, parts, persisted, parquet, kept)
    finally:
        for rdd in persisted:
            rdd.unpersist()
        shutil.rmtree(folder, ignore_errors=True)


def _kept_folder(sc: SparkContext, folder: str) -> str | None:
    """Where the first pass keeps each partition's documents for the later passes
    (:func:`~dedupe.scan.spark_docs.keep_documents`): a folder in ``folder`` on a local master, whose
    executors see the driver's files; ``None`` elsewhere (the documents are read again)."""
    return os.path.join(folder, "documents") if (sc.master or "").startswith("local") else None


def _scan(sc: SparkContext, paths: Sequence[str], config: ScanConfig, options: LoadOptions, parts: int,
          persisted: list[Any], parquet: str | None, kept: str | None) -> SparkScan:
    timer = StageTimer()
    keep = _keep()
    listing = timer.run("list", lambda: list_inputs(sc, paths, options))
    ranged = timer.run("cut", lambda: byte_ranges(sc, listing.inputs, parts))
    base, read = read_items(sc, listing, options, parts, ranged)
    for rdd in read:  # records Spark read are cached; ranges are read again when their documents are wanted
        persisted.append(rdd.persist(keep))
    quiet = replace(options, strict=False)
    local = base.mapPartitionsWithIndex(
        lambda index, part: _fingerprint(items_of(part, quiet), config.ngram, kept, index)).persist(keep)
    persisted.append(local)
    found, token_counts, shingle_counts, id_hashes, starts, lines = timer.run("read", lambda: _survey(listing, local))
    corpus = Corpus(base, starts, lines, quiet, kept)
    # numbered in corpus order from each partition's first document (a narrow map over the cache)
    blocks = local.mapPartitionsWithIndex(lambda index, part: _numbered_blocks(part, starts[index], kept, index))
    skipped, renamed, renaming = timer.run("check", lambda: _check_input(listing, found, id_hashes, corpus, options))
    corpus = replace(corpus, renamed=renamed)  # every later pass gives the documents under the ids kept
    notes = (*renaming, *fallback_notes(found, options))  # counted in the first pass, as the skips
    if token_counts.size == 0:
        raise NothingLoaded(paths, skipped, notes)
    layout = st.Layout.of(token_counts, shingle_counts, config.min_words, config.ngram)
    shared = sc.broadcast(layout)
    bands, rows = lsh_params(config.threshold, config.num_perm)
    candidates, table = timer.run("minhash", lambda: _candidates(blocks, config, bands, rows, parts,
                                                                 layout.base.size))
    runs, extra = timer.run("passages", lambda: _shared_runs(blocks, shared, table, config, parts)) \
        if table is not None \
        else (RunTable.from_rows([]), np.zeros(0, dtype=np.uint64))
    usable = (shingle_counts > 0) & (token_counts >= config.min_words)
    pairs = timer.run("verify", lambda: _verify(sc, blocks, candidates, extra, usable, config.threshold, parts))
    clusters = timer.run("components", lambda: _clusters_of(sc, pairs, parts))
    if parquet:
        involved = corpus.select(_involved(runs, pairs))
        kinds = timer.run("write", lambda: write_findings(sc, involved, int(token_counts.size), runs, pairs, config,
                                                          parquet, parts))
        findings: tuple[Finding, ...] = ()
        names = document_ids(corpus, {doc for members in clusters for doc in members})
    else:
        view = SparkView(corpus, config.ngram, token_counts)
        findings = timer.run("group", lambda: assemble_findings(view, token_counts, runs, pairs, clusters, config))
        names = _names(findings, clusters)
        kinds = Counter(f.kind for f in findings)
    stats = ScanStats(int(token_counts.size), int(token_counts.sum()), int(shingle_counts.sum()), bands, rows,
                      int(candidates.size), len(pairs), len(runs), parts, timer.seconds)
    named = tuple(DocumentPair(names[a], names[b], jac, con) for a, b, jac, con in pairs)
    return SparkScan(ScanResult(config, findings, named, stats), skipped, kinds, notes)


#: What a partition's documents give in one pass: their fingerprints (numbered from 0 in the partition;
#: ``None`` when kept in a file, or without documents), the inputs skipped there (and its records whose text was
#: not in ``--text-field``, :class:`~dedupe.scan.spark_read.FellBack`), the files it read from,
#: the line of each document, and the tokens, shingles and id hash of each document.
_Summary = tuple[st.Block | None, list[Item], set[int], np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]
#: The tokens, shingles and id hashes of no document (a partition without any), in their types.
_NO_COUNTS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64))


def _fingerprint(part: Iterable[Item], ngram: int, kept: str | None, index: int) -> Iterator[_Summary]:
    """The :data:`_Summary` of partition ``index``: one block of fingerprints (the local engine's batches).

    With ``kept`` (a local master), the block and the documents with their token offsets are written to
    that folder (:mod:`dedupe.scan.spark_docs`) instead of Spark's cache: three later passes read the
    block, and a cached block crosses from the JVM to a Python worker at each.
    """
    ranks: set[int] = set()
    skips, documents, lines = [], [], []
    for item in part:
        ranks.add(item[0])
        if isinstance(item[3], Document):
            documents.append(item[3])
            lines.append(item[1])
        else:
            skips.append(item)
    block = None
    counts = _NO_COUNTS
    if documents:
        prints = fingerprint_corpus([d.text for d in documents], ngram)
        block = st.fingerprint_block(list(range(len(documents))), [d.id for d in documents], prints)
        counts = (block.prints.token_counts, np.diff(block.prints.offsets), block.id_hashes)
        if kept:
            keep_documents(kept, index, documents, prints)
            keep_part(kept, "block", index, block)
            block = None
    yield block, skips, ranks, np.array(lines, dtype=np.int64), counts


_Survey = tuple[list[Item], np.ndarray, np.ndarray, U64, list[int], list[np.ndarray]]


def _survey(listing: Any, local: RDD[_Summary]) -> _Survey:
    """The skipped inputs as items (a JSON Lines file without any line is an empty file, as for the loader),
    tokens, shingles and id hash of every document in corpus order, each partition's first document (and
    the number of documents last) and the line of each of its documents."""
    def brief(summary: _Summary) -> tuple[tuple[np.ndarray, ...], list[Item], set[int]]:
        _, skips, ranks, lines, counts = summary
        return (*counts, lines), skips, ranks

    found: list[Item] = []
    seen: set[int] = set()
    columns: list[tuple[np.ndarray, ...]] = []
    for arrays, skips, ranks in local.map(brief).collect():
        found.extend(skips)
        seen |= ranks
        columns.append(arrays)
    for entry in listing.inputs:
        if entry.rank not in seen and entry.suffix in (".jsonl", ".ndjson"):
            found.append((entry.rank, 0, -1, Skipped(entry.label, None, "empty file")))
    # an empty folder gives no partition, so no columns: the empty arrays' types start every concatenation
    tokens, shingles, hashes = (np.concatenate([none, *(arrays[k] for arrays in columns)])
                                for k, none in enumerate(_NO_COUNTS))
    starts = np.concatenate([[0], np.cumsum([arrays[0].size for arrays in columns])]).astype(int).tolist()
    return (found, tokens.astype(np.int64), shingles.astype(np.int64), hashes.astype(np.uint64), starts,
            [arrays[3] for arrays in columns])


def _numbered_blocks(part: Iterable[_Summary], start: int, kept: str | None, index: int) -> Iterator[st.Block]:
    """The block of partition ``index`` (from the summary, else from the ``kept`` folder) with its documents'
    corpus indices, from ``start``."""
    for block, _, _, _, counts in part:
        if block is None and counts[0].size:
            block = kept_part(kept or "", "block", index)
        if block is not None:
            yield replace(block, docs=block.docs + start)


def _check_input(listing: Any, found: list[Item], id_hashes: U64, corpus: Corpus,
                 options: LoadOptions) -> tuple[tuple[Skipped, ...], dict[int, str], list[str]]:
    """Skipped inputs in corpus order, and the ids documents with repeated ids are kept under, with their notes
    (:func:`~dedupe.scan.spark_docs.kept_ids`); when ``strict``, raises on a repeated id, then on the first skip."""
    ordered = tuple(item[3] for item in sorted([*listing.skipped, *found], key=lambda item: item[:3])
                    if isinstance(item[3], Skipped))
    renamed, notes = kept_ids(corpus, id_hashes, options.strict)
    if options.strict and ordered:
        raise InputError(str(ordered[0]))
    return ordered, renamed, notes


def _candidates(blocks: RDD[st.Block], config: ScanConfig, bands: int, rows: int, parts: int,
                documents: int) -> tuple[U64, Any]:
    """LSH candidate pair codes ``a * documents + b``, sorted, without repeats, and (with ``config.passages``)
    the broadcast bitmap of repeated shingle keys.

    Both come from one pass over the cached fingerprints and one shuffle: band records go to the first
    ``parts`` partitions, shingle keys (4 bytes a shingle) to the next ``parts``. The bitmap holds the key of
    every shingle found twice or more in the corpus: most shingles occur once (80% of Reuters', x1 or x10)
    and never cross the passage search's shuffle (32 bytes each). Its size grows with the repeated shingles
    (4 bytes each collected, 2 to 4 broadcast; at most 128 MB, past which more unrepeated shingles pass: the
    same links either way).
    """
    keys = config.passages

    def records(block: st.Block) -> Iterator[st.Routed]:
        yield from st.band_records(block, config.min_words, config.num_perm, config.seed, bands, rows, parts)
        if keys:
            yield from ((parts + part, arrays) for part, arrays in st.key_records(block, parts))

    def found(index: int, part: Iterable[st.Routed]) -> list[tuple[bool, np.ndarray]]:
        return [(True, st.bucket_pairs(part, documents))] if index < parts else [(False, st.repeated_keys(part))]

    routed = blocks.flatMap(records).partitionBy(2 * parts if keys else parts)
    results = routed.mapPartitionsWithIndex(found).collect()
    codes = np.unique(np.concatenate([np.zeros(0, dtype=np.uint64), *(c for band, c in results if band)]))
    if not keys:
        return codes, None
    repeated = np.concatenate([np.zeros(0, dtype=np.uint32), *(k for band, k in results if not band)])
    return codes, blocks.context.broadcast(st.key_table(repeated))


def _shared_runs(blocks: RDD[st.Block], layout: Any, table: Any, config: ScanConfig,
                 parts: int) -> tuple[RunTable, U64]:
    """Every shared run of the corpus (ordered by first place) and the pair codes their coverage proposes
    (``table``: the broadcast bitmap of repeated shingle keys, :func:`_candidates`)."""
    def runs_of(part: Iterable[st.Routed]) -> list[tuple[RunTable, U64]]:
        return [st.pair_runs(part, layout.value, config.ngram, config.min_words, config.threshold)]

    def links_of(part: Iterable[st.Routed]) -> Iterator[st.Routed]:
        return st.link_records(*st.links(part, layout.value), layout.value, parts)

    shingles = blocks.flatMap(lambda b: st.shingle_records(b, layout.value, parts, table.value)).partitionBy(parts)
    found = shingles.mapPartitions(links_of).partitionBy(parts).mapPartitions(runs_of).collect()
    table.unpersist()
    runs = RunTable.from_rows([])
    for part, _ in found:
        runs = concat_runs(runs, part)
    extra = np.concatenate([np.zeros(0, dtype=np.uint64), *(codes for _, codes in found)])
    return runs.ordered(), extra


def _verify(sc: SparkContext, blocks: RDD[st.Block], candidates: U64, extra: U64, usable: np.ndarray,
            threshold: float, parts: int) -> list[Pair]:
    """Exact Jaccard and containment of every candidate pair of usable documents: each block sends the
    shingle sets of its documents to the partition of each of their pairs (one shuffle)."""
    documents = np.uint64(usable.size)
    codes = np.unique(np.concatenate([candidates, extra]))
    a, b = (codes // documents).astype(np.int64), (codes % documents).astype(np.int64)
    keep = usable[a] & usable[b]
    a, b = a[keep], b[keep]
    if a.size == 0:
        return []
    shared = sc.broadcast((a, b))
    routed = blocks.flatMap(lambda block: st.set_records(block, *shared.value, parts))
    found = routed.partitionBy(parts).mapPartitions(lambda part: [st.pair_similarities(part)]).collect()
    shared.unpersist()
    pairs: list[Pair] = []
    for index, jaccard, containment in found:
        for i, jac, con in zip(index.tolist(), jaccard.tolist(), containment.tolist()):
            if max(jac, con) >= threshold:
                pairs.append((int(a[i]), int(b[i]), jac, con))
    return sorted(pairs)


def _clusters_of(sc: SparkContext, pairs: list[Pair], parts: int) -> list[tuple[int, ...]]:
    """Connected components of the verified pairs: by min-label propagation on Spark for a large graph;
    below :data:`_DRIVER_EDGES` pairs (which the driver holds already) by the local engine's union-find,
    faster than one Spark job (the same components either way)."""
    if len(pairs) < _DRIVER_EDGES:
        return _local_clusters(pairs, 1 + max((b for _, b, _, _ in pairs), default=-1))
    return components(sc, [(a, b) for a, b, _, _ in pairs], parts)


def _involved(runs: RunTable, pairs: list[Pair]) -> U64:
    """The documents of any run or verified pair (the only ones a finding names)."""
    paired = np.array([doc for a, b, _, _ in pairs for doc in (a, b)], dtype=np.int64)
    return np.unique(np.concatenate([runs.a, runs.b, paired]))


def _names(findings: Sequence[Any], clusters: list[tuple[int, ...]]) -> dict[int, str]:
    """Corpus index to document id for every clustered document (from the near-duplicate findings, whose
    occurrences span each member of each cluster in order)."""
    near = [o.doc for f in findings if f.kind == "near_duplicate" for o in f.occurrences]
    return dict(zip((doc for members in clusters for doc in members), near))
