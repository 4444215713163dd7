"""Read a corpus into Spark for :mod:`dedupe.scan.spark`, with the local loader's own record checks.

Inputs are listed like :func:`dedupe.corpus.load.load_corpus` lists them (folders recursively, sorted,
hidden names and manifests left out): a path without a scheme on the local file system by the local loader's
own listing (FIFOs, links to nothing and linked folders as it treats them), any other path Spark reaches
(``file:``, ``hdfs://``, ``s3a://``...) through Hadoop's file system API. How each file is read:

- JSON Lines (``.jsonl``, ``.ndjson``) on a local or shared file system (``file:``): by the Python workers
  from byte ranges (:mod:`dedupe.scan.spark_ranges`), or whole (below) where the local loader would not
  read it line by line; elsewhere (``hdfs://``, ``s3a://``...) line by line with ``textFile`` (split across
  tasks). Each line is parsed and checked as the local loader does (``path:line: reason``; UTF-8).
- Parquet (``.parquet``): the same field names as JSON; a row's ``line`` is its 1-based row index.
- Text, JSON and CSV files (``.txt``, ``.md``, ``.json``, ``.csv``): whole, with ``binaryFiles``, through the
  local loader's own decoding and readers, with the folder's manifest.

The result is every document with its index in corpus order (files in listed order, records in file
order), and the skipped inputs in that order.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from dedupe.corpus.documents import Document, LoadOptions, Skipped
from dedupe.corpus.load import (
    CORPUS_SUFFIXES,
    CSV_SUFFIXES,
    JSON_SUFFIXES,
    MANIFEST_NAMES,
    NOT_A_CORPUS_FILE,
    TEXT_SUFFIXES,
    decode_input,
    load_content,
    read_manifest,
    walk_corpus,
)
from dedupe.corpus.records import TEXT_FALLBACK, Loader, add_record
from dedupe.corpus.readers import json_line, inner_name
from dedupe.errors import InputError

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql import SparkSession

LINE_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet",)
#: A record read: ``(file rank, line, order in line, Document, Skipped or FellBack)``.
Item = tuple[int, int, int, Any]
_DERIVED = "_derived"  # the key a Collector sets in a document's __dict__ when its id was derived


@dataclass(frozen=True)
class FellBack:
    """Records of one file read by one task whose text came from ``used``, not ``--text-field``, or with a field
    not read (``kind``): gathered on the driver with the skipped inputs into the local loader's one note a file and
    kind (:meth:`~dedupe.corpus.records.Loader.fell_back`)."""

    path: str
    line: int | None
    used: str
    records: int
    kind: str = TEXT_FALLBACK


@dataclass(frozen=True)
class Input:
    """One corpus file: how it is labelled in messages, where Spark reads it, its rank in corpus order,
    and the manifest entry of its name (text files)."""

    label: str
    uri: str
    rank: int
    manifest: dict[str, Any] | None = None

    @cached_property
    def inner(self) -> PurePosixPath:
        """The label under any compression suffix (``batch.jsonl`` for ``batch.jsonl.gz``), as the local loader
        reads the file: its name is the manifest key, its stem the fallback ids and outlet."""
        return PurePosixPath(inner_name(self.label))

    @cached_property
    def stem(self) -> str:
        """The file name without its extension, under any compression suffix (``batch`` for ``batch.jsonl.gz``:
        fallback ids and outlets; made once: a fallback id is made for every record)."""
        return self.inner.stem

    @property
    def suffix(self) -> str:
        """The format's suffix, under any compression suffix (``.jsonl`` for ``batch.jsonl.gz``)."""
        return self.inner.suffix.lower()

    @property
    def compressed(self) -> bool:
        """Whether the name has a compression suffix: such a file is read whole, as the local loader does."""
        return inner_name(self.label) != self.label


class Collector(Loader):
    """The local loader's record checks without its corpus-wide duplicate check (done over Spark)."""

    def add(self, doc: Document, derived: bool = False) -> None:
        if derived:  # kept on the document: a repeat of a derived id is renamed otherwise (see id_derived)
            doc.__dict__[_DERIVED] = True
        self.documents.append(doc)

    def fallback_items(self, rank: int) -> list[Item]:
        """The records counted by :meth:`fell_back` so far, as one item a file (file ``rank``), placed at
        the first such record's line."""
        return [(rank, line or 0, 1, FellBack(path, line, used, records, kind))
                for (path, kind), (line, used, records) in self.fallbacks.items()]


def id_derived(doc: Document) -> bool:
    """Whether a document a :class:`Collector` gathered took a derived id (its record gave no id: its url, or its
    file's stem and line), which :func:`~dedupe.corpus.records.repeated_id` renames otherwise when repeated."""
    return bool(doc.__dict__.get(_DERIVED, False))


def fallback_notes(found: Iterable[Item], options: LoadOptions) -> list[str]:
    """The local loader's ``--text-field`` and unread field notes (one a file and kind, in corpus order) from the
    :class:`FellBack` items among ``found``."""
    collector = Collector(options)
    for _, _, _, fell in sorted((item for item in found if isinstance(item[3], FellBack)), key=lambda item: item[:3]):
        collector.fell_back(fell.path, fell.line, fell.used, fell.records, fell.kind)
    return collector.fallback_notes()


@dataclass
class _Lister(Collector):
    """Collects the files in order, and each input skipped while listing at its place among them."""

    inputs: list[Input] = field(default_factory=list)
    placed: list[Item] = field(default_factory=list)

    def skip(self, path: str, line: int | None, reason: str) -> None:
        # before the records of the next file: their lines are 0 or more
        self.placed.append((len(self.inputs), -2, len(self.placed), Skipped(path, line, reason)))


@dataclass(frozen=True)
class Listing:
    """The files to read, and the inputs skipped while listing (not a corpus file, bad manifest row), as
    items placed among the files' records."""

    inputs: tuple[Input, ...]
    skipped: tuple[Item, ...]


def context_of(spark: SparkSession | SparkContext) -> SparkContext:
    """The context of a session (a context is its own)."""
    from pyspark import SparkContext

    return spark if isinstance(spark, SparkContext) else spark.sparkContext


def session_of(sc: SparkContext) -> SparkSession:
    """The SQL session on ``sc``, built when first asked for (Parquet in or out): building it costs seconds
    of class loading that JSON Lines never need."""
    from pyspark.sql import SparkSession

    return SparkSession(sc) if SparkSession.getActiveSession() is None else SparkSession.builder.getOrCreate()


def list_inputs(sc: SparkContext, paths: Sequence[str], options: LoadOptions) -> Listing:
    """List the corpus files under ``paths`` in the local loader's order.

    Raises:
        InputError: A path does not exist.
    """
    loader = _Lister(replace(options, strict=False))
    if options.manifest:
        loader.manifest.update(_manifest(sc, options.manifest, options.manifest, loader))
    for raw in paths:
        fs, root = _file_system(sc, raw)
        if not fs.exists(root):
            raise InputError(f"{raw}: no such file or directory")
        if root.toUri().getScheme() is None and fs.getUri().getScheme() == "file":  # as the local loader names it
            _list_local(sc, Path(raw), loader)
        else:  # qualified: a relative file's URI would be unlike binaryFiles' name of it ('file:/cwd/a.csv')
            _walk(sc, fs, fs.makeQualified(root), raw, loader, loader.inputs)
    return Listing(tuple(loader.inputs), tuple(loader.placed))


def _file_system(sc: SparkContext, raw: str) -> tuple[Any, Any]:
    jvm: Any = sc._jvm
    path = jvm.org.apache.hadoop.fs.Path(raw)
    return path.getFileSystem(sc._jsc.hadoopConfiguration()), path  # type: ignore[attr-defined]


def _list_local(sc: SparkContext, root: Path, loader: _Lister) -> None:
    """Files of the local file system listed by the local loader's own :func:`~dedupe.corpus.load.walk_corpus`:
    a FIFO, socket or device in a folder is skipped (Hadoop lists it as a file, and reading it waited for
    good), a linked folder is not entered, and a file that cannot be opened (a link to nothing, no permission:
    Hadoop's listing left it out, silently) is skipped with the local loader's reason."""
    jvm: Any = sc._jvm
    for file in walk_corpus(root, loader, CORPUS_SUFFIXES + PARQUET_SUFFIXES):
        try:  # not blocking: a FIFO named on the command line opens at once
            os.close(os.open(file, os.O_RDONLY | os.O_NONBLOCK))
        except OSError as exc:
            loader.skip(str(file), None, f"cannot read: {exc.strerror or exc}")
            continue
        # through java.io.File: a name holding ':' or '%' is quoted as the Hadoop listing quotes it
        _add_input(jvm.org.apache.hadoop.fs.Path(jvm.java.io.File(os.path.abspath(file)).toURI()), str(file),
                   loader, loader.inputs)


def _walk(sc: SparkContext, fs: Any, path: Any, label: str, loader: Collector, inputs: list[Input]) -> None:
    """Files under ``path`` as ``os.walk`` with sorted names gives them: a folder's files, then its folders."""
    if fs.getFileStatus(path).isFile():
        _folder_manifest(sc, fs, path.getParent(), str(PurePosixPath(label).parent), loader)
        _add_input(path, str(PurePosixPath(label)) if "://" not in label else label, loader, inputs)
        return
    _folder_manifest(sc, fs, path, label, loader)
    entries = sorted(fs.listStatus(path), key=lambda s: s.getPath().getName())
    for status in entries:
        name = status.getPath().getName()
        if status.isFile() and not name.startswith(".") and name not in MANIFEST_NAMES:
            child = _child(label, name)
            if inner_name(name).lower().endswith(TEXT_SUFFIXES + JSON_SUFFIXES + CSV_SUFFIXES + PARQUET_SUFFIXES):
                _add_input(status.getPath(), child, loader, inputs)
            else:
                loader.skip(child, None, NOT_A_CORPUS_FILE)
    for status in entries:
        name = status.getPath().getName()
        if status.isDirectory() and not name.startswith("."):
            _walk(sc, fs, status.getPath(), _child(label, name), loader, inputs)


def _child(label: str, name: str) -> str:
    return f"{label.rstrip('/')}/{name}" if "://" in label else str(PurePosixPath(label) / name)


def _add_input(path: Any, label: str, loader: Collector, inputs: list[Input]) -> None:
    found = Input(label, str(path.toUri()), len(inputs))
    inputs.append(replace(found, manifest=loader.manifest_entry(found.inner)))  # batch.jsonl's for batch.jsonl.gz


def _folder_manifest(sc: SparkContext, fs: Any, folder: Any, label: str, loader: Collector) -> None:
    """Read the manifest lying in ``folder`` once, unless an explicit manifest was given (as the loader)."""
    if loader.options.manifest or label in loader.manifest_folders:
        return
    loader.manifest_folders.add(label)  # type: ignore[arg-type]  # labels stand for the folders here
    for name in MANIFEST_NAMES:
        candidate = folder.suffix("/" + name)
        if fs.exists(candidate) and fs.getFileStatus(candidate).isFile():
            loader.manifest.update(_manifest(sc, str(candidate.toUri()), _child(label, name), loader))


def _manifest(sc: SparkContext, uri: str, label: str, loader: Collector) -> dict[str, dict[str, Any]]:
    """A manifest read by the local loader's reader (its bytes fetched through Spark)."""
    if "://" not in label and Path(label).is_file():
        return read_manifest(Path(label), loader)
    found = sc.binaryFiles(uri).collect()
    if not found:
        raise InputError(f"{label}: manifest not found")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder, PurePosixPath(label).name)
        copy.write_bytes(found[0][1])
        return read_manifest(copy, loader)


def read_items(sc: SparkContext, listing: Listing, options: LoadOptions, partitions: int,
               ranged: Mapping[int, Sequence[Any]]) -> tuple[RDD[Any], list[RDD[Item]]]:
    """The corpus in corpus order (partition by partition), and the parts of it that must be cached.

    Args:
        sc: The context.
        listing: The files.
        options: Field overrides and manifest (``strict`` is applied later, in corpus order).
        partitions: Partitions wanted per file.
        ranged: The byte ranges of the local JSON Lines files the workers read themselves, by rank
            (:func:`dedupe.scan.spark_ranges.byte_ranges`; none: the file is read whole).

    Returns:
        An RDD whose partitions hold either one such range or the :data:`Item` of records Spark read
        (``textFile``, Parquet, whole files), and the RDDs of the latter, to be persisted: a range is read
        again when its documents are wanted again.
    """
    quiet = replace(options, strict=False)
    parts: list[RDD[Any]] = []
    read: list[RDD[Item]] = []
    pending: list[Input] = []  # consecutive files of one kind, read together
    for item in listing.inputs:
        kind = _kind(item, ranged)
        if pending and (kind != _kind(pending[0], ranged) or kind in ("lines", "parquet")):
            parts.append(_read(sc, pending, quiet, partitions, ranged, read))
            pending = []
        pending.append(item)
    if pending:
        parts.append(_read(sc, pending, quiet, partitions, ranged, read))
    return (sc.union(parts) if parts else sc.emptyRDD()), read


def _kind(item: Input, ranged: Mapping[int, Sequence[Any]]) -> str:
    if item.rank in ranged:  # local JSON Lines: read range by range, or whole by the local loader
        return "ranges" if ranged[item.rank] else "whole"
    if not item.compressed and item.suffix in LINE_SUFFIXES:
        return "lines"
    return "parquet" if not item.compressed and item.suffix in PARQUET_SUFFIXES else "whole"


def _read(sc: SparkContext, inputs: list[Input], options: LoadOptions, partitions: int,
          ranged: Mapping[int, Sequence[Any]], read: list[RDD[Item]]) -> RDD[Any]:
    """One part of the corpus: consecutive ranged files as their ranges (one a partition), or the items of
    one file of records (or of consecutive whole files) read by Spark, added to ``read``."""
    kind = _kind(inputs[0], ranged)
    if kind == "ranges":
        pieces = [piece for item in inputs for piece in ranged[item.rank]]
        return sc.parallelize(pieces, len(pieces))
    if kind == "whole":
        found = _whole_files(sc, inputs, options, partitions)
    else:
        found = (_line_file if kind == "lines" else _parquet_file)(sc, inputs[0], options, partitions)
    read.append(found)
    return found


def _line_file(sc: Any, item: Input, options: LoadOptions, partitions: int) -> RDD[Item]:
    return numbered_lines(sc, item.uri, partitions).mapPartitions(lambda rows: _json_lines(rows, item, options))


def numbered_lines(sc: SparkContext, uri: str, partitions: int) -> RDD[tuple[str, int]]:
    """The lines of a text file with their 0-based number, numbered in the JVM.

    PySpark's own ``zipWithIndex`` counts each partition's lines in Python first: every line crosses into
    a Python worker once only to be counted. The JVM's counts its lines where they are read, and the pairs
    are pickled for Python by Spark's own ``SerDeUtil`` (as ``sequenceFile`` pairs are).
    """
    from pyspark import RDD

    jvm: Any = sc._jvm
    zipped = sc.textFile(uri, minPartitions=partitions)._jrdd.rdd().zipWithIndex()
    return RDD(jvm.org.apache.spark.api.python.SerDeUtil.pairRDDToPython(zipped, 1024).toJavaRDD(), sc)


def _json_lines(rows: Iterable[tuple[str, int]], item: Input, options: LoadOptions) -> Iterator[Item]:
    """Records of JSON Lines, checked as the local loader checks them."""
    collector = Collector(options)
    for text, index in rows:
        number = index + 1
        if number == 1:
            text = text.removeprefix("\ufeff")
        if text.strip():
            yield record_item(item, collector, *json_line(number, text))
    yield from collector.fallback_items(item.rank)


def record_item(item: Input, collector: Collector, number: int, value: Any, error: str | None) -> Item:
    """The item of a parsed JSON Lines record on line ``number``: its document, or why it was skipped."""
    if error:
        return item.rank, number, 0, Skipped(item.label, number, error)
    if not isinstance(value, dict):
        return item.rank, number, 0, Skipped(item.label, number, f"expected a JSON object, got {type(value).__name__}")
    return item.rank, number, 0, _record(collector, value, (item.label, number), f"{item.stem}:{number}")


def _record(collector: Collector, record: dict[str, Any], where: tuple[str, int], fallback_id: str) -> Any:
    """The document of one record, or why it was skipped (the local loader's checks)."""
    add_record(collector, record, where, fallback_id)
    found = collector.documents or collector.skipped
    value = found.pop()
    return value


def _parquet_file(sc: SparkContext, item: Input, options: LoadOptions, partitions: int) -> RDD[Item]:
    frame = session_of(sc).read.parquet(item.uri).select("*", "_metadata.row_index")

    def rows(part: Iterable[Any]) -> Iterator[Item]:
        collector = Collector(options)
        for row in part:
            record = row.asDict()
            number = int(record.pop("row_index")) + 1
            yield item.rank, number, 0, _record(collector, record, (item.label, number), f"{item.stem}:{number}")
        yield from collector.fallback_items(item.rank)

    return frame.rdd.mapPartitions(rows).sortBy(lambda found: found[1], numPartitions=partitions)


def _whole_files(sc: Any, inputs: list[Input], options: LoadOptions, partitions: int) -> RDD[Item]:
    """Text, JSON and CSV files read whole by the local loader's own functions, in listed order."""
    by_uri = {item.uri: item for item in inputs}
    files = sc.binaryFiles(",".join(item.uri for item in inputs))

    def read(pair: tuple[str, bytes]) -> list[Item]:
        item = by_uri[_normal(pair[0], by_uri)]
        return _whole_file(item, pair[1], options)

    return files.flatMap(read).sortBy(lambda found: found[:3], numPartitions=partitions)


def _normal(uri: str, known: dict[str, Input]) -> str:
    """``uri`` as listed (Hadoop may write ``file:/x`` for ``file:///x``)."""
    if uri in known:
        return uri
    tail = uri.split(":", 1)[-1].lstrip("/")
    return next(key for key in known if key.split(":", 1)[-1].lstrip("/") == tail)


def _whole_file(item: Input, data: bytes, options: LoadOptions) -> list[Item]:
    """The local loader's reading of one file, as items (skipped inputs keep their place)."""
    collector = Collector(options)
    if item.manifest is not None:
        collector.manifest[item.inner.name] = item.manifest
    text = decode_input(data, item.label, collector, PurePosixPath(item.label).name)
    if text is not None:
        load_content(text, item.label, Path(item.inner), item.suffix, collector)  # batch.jsonl.gz as batch.jsonl
    found: list[Item] = [(item.rank, (d.origin.line or 0), i, d) for i, d in enumerate(collector.documents)]
    skips = [(item.rank, (s.line or 0), -1, s) for s in collector.skipped]
    return sorted(found + skips + collector.fallback_items(item.rank), key=lambda entry: entry[:3])
