"""``dedupe.scan.spark``: the Spark engine (real Spark, ``local[2]``) gives the local engine's findings, byte for byte.

One Spark session serves every test (starting one costs seconds); corpora are small so the whole file
runs in a few minutes. The "Reuters-like" corpus is generated from the seed articles in ``data/``:
sentences recombined and edited into a few thousand articles, with planted near-copies, trimmed copies,
repeated paragraphs and a boilerplate line (the real Reuters corpus is not in CI).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import LoadOptions
from dedupe.errors import InputError
from dedupe.output import to_json
from dedupe.report.scan import scan_dict
from dedupe.scan.config import ScanConfig
from dedupe.scan.near_dup import scan

pytest.importorskip("pyspark")

from dedupe.scan.spark import SparkScan, scan_spark, spark_session  # noqa: E402
from dedupe.scan.spark_components import components  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    session = spark_session("local[2]", "dedupe-tests", {"spark.ui.enabled": "false",
                                                         "spark.ui.showConsoleProgress": "false"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def local_json(paths: list[str], config: ScanConfig | None = None) -> tuple[str, tuple[Any, ...]]:
    loaded = load_corpus(paths)
    return to_json(scan_dict(scan(loaded.documents, config))), loaded.skipped


def spark_json(spark: Any, paths: list[str], partitions: int,
               config: ScanConfig | None = None) -> tuple[str, SparkScan]:
    found = scan_spark(spark, paths, config, partitions=partitions)
    return to_json(scan_dict(found.result)), found


def test_seed_corpus_findings_are_the_local_engines(spark: Any) -> None:
    want, _ = local_json([str(DATA)])
    got, found = spark_json(spark, [str(DATA)], 2)
    assert json.loads(got)["findings"], "the seeds hold findings"
    assert got == want
    assert found.skipped == ()


def planted_folder(folder: Path) -> Path:
    """The seeds plus one article made of a repeated paragraph and a splice of two seed articles."""
    target = folder / "seeds"
    shutil.copytree(DATA, target)
    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))]
    first, second = sorted(texts[0].split("\n"), key=len), sorted(texts[2].split("\n"), key=len)
    paragraph = "A paragraph of our own that the planted article prints twice, word for word, on purpose."
    spliced = "\n\n".join([first[-2], "Our own sentence joins the two halves here, nothing more.", second[-1]])
    (target / "zz_planted.txt").write_text(f"{paragraph}\n\nBetween the two.\n\n{paragraph}\n\n{spliced}\n",
                                           encoding="utf-8")
    return target


def test_planted_repeat_and_splice_are_found_as_locally(spark: Any, tmp_path: Path) -> None:
    folder = planted_folder(tmp_path)
    want, _ = local_json([str(folder)])
    got, _ = spark_json(spark, [str(folder)], 3)
    assert got == want
    kinds = {f["kind"] for f in json.loads(got)["findings"] if any(o["doc"] == "zz_planted" for o in f["occurrences"])}
    assert {"repeat", "reuse"} <= kinds


def reuters_like(path: Path, articles: int = 1600, seed: int = 7) -> Path:
    """JSON Lines of ``articles`` generated articles (see the module docstring); deterministic."""
    rng = random.Random(seed)
    sentences = [s for p in sorted(DATA.glob("*.txt"))
                 for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8")) if len(s.split()) >= 6]
    vocabulary = sorted({w for s in sentences for w in s.split()})
    records: list[dict[str, str]] = []
    for number in range(articles):
        if number % 40 == 39:  # a light edit of an earlier article: a near-duplicate
            text = " ".join(rng.choice(vocabulary) if rng.random() < 0.02 else w
                            for w in rng.choice(records)["text"].split(" "))
        elif number % 40 == 19:  # a trimmed copy (containment)
            text = rng.choice(records)["text"].split("\n\n", 1)[-1]
        else:
            chosen = [" ".join(rng.choice(vocabulary) if rng.random() < 0.4 else w for w in s.split())
                      for s in rng.sample(sentences, 6)]
            if number % 25 == 0:
                chosen.append(chosen[1])  # a repeat inside the article
            if number % 9 == 0:
                chosen.append("Reporting by the newsroom; editing by the desk.")  # boilerplate
            text = "\n\n".join(chosen)
        records.append({"id": f"art{number}", "source": f"Outlet {number % 7}", "text": text})
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = reuters_like(tmp_path_factory.mktemp("reuters") / "articles.jsonl")
    return path, local_json([str(path)])[0]


def test_generated_articles_give_the_local_findings_on_1_2_and_7_partitions(spark: Any,
                                                                          generated: tuple[Path, str]) -> None:
    path, want = generated
    summary = json.loads(want)["summary"]
    assert summary["near_duplicate"] and summary["reuse"] and summary["repeat"] and summary["boilerplate"]
    for partitions in (1, 2, 7):
        got, found = spark_json(spark, [str(path)], partitions)
        assert got == want, f"{partitions} partitions"
        assert found.result.stats.workers == partitions


def test_documents_kept_by_the_first_pass_or_read_again_give_the_same_findings(
        spark: Any, generated: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe.scan import spark as engine

    path, want = generated
    folder = planted_folder(tmp_path)
    planted, _ = local_json([str(folder)])
    kept = tmp_path / "kept"
    monkeypatch.setattr(engine, "_kept_folder", lambda sc, scratch: str(kept))
    assert spark_json(spark, [str(path)], 3)[0] == want
    assert sorted(p.name for p in kept.iterdir()) == [f"{name}-{part}.pickle" for name in ("block", "documents")
                                                      for part in range(3)]
    monkeypatch.setattr(engine, "_kept_folder", lambda sc, scratch: None)  # as on a cluster: read again
    assert spark_json(spark, [str(path)], 3)[0] == want
    assert spark_json(spark, [str(folder)], 2)[0] == planted  # whole files, their records cached by Spark


def through_text_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read JSON Lines as from a file system the workers cannot open (``hdfs://``...): through ``textFile``."""
    from dedupe.scan import spark_ranges

    monkeypatch.setattr(spark_ranges, "local_path", lambda sc, uri: None)


def test_near_duplicates_only_match_too_through_text_file(spark: Any, generated: tuple[Path, str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    through_text_file(monkeypatch)
    path, _ = generated
    config = ScanConfig(passages=False, threshold=0.7)
    want, _ = local_json([str(path)], config)
    got, _ = spark_json(spark, [str(path)], 3, config)
    assert got == want


@pytest.mark.parametrize("reader", ["ranges", "textFile"])
def test_bad_records_are_reported_as_the_local_loader_reports_them(spark: Any, tmp_path: Path, reader: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if reader == "textFile":
        through_text_file(monkeypatch)
    good = json.dumps({"id": "a", "text": "One two three four five six seven eight nine ten."})
    lines = [good, "{not json", "[1, 2]", json.dumps({"id": "b", "body": " "}), "",
             json.dumps({"text": "Eleven twelve thirteen fourteen fifteen sixteen seventeen."})]
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    want, skipped = local_json([str(tmp_path)])
    got, found = spark_json(spark, [str(tmp_path)], 2)
    assert [str(s) for s in found.skipped] == [str(s) for s in skipped]
    assert any(":2: invalid JSON" in str(s) for s in found.skipped)
    assert got == want


@pytest.mark.parametrize("reader", ["ranges", "textFile"])
def test_text_field_fallbacks_and_fields_not_read_are_warned_as_the_local_loader_warns(
        spark: Any, tmp_path: Path, reader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from dedupe.cli import cli
    from dedupe.scan import spark_ranges

    if reader == "textFile":
        through_text_file(monkeypatch)
    monkeypatch.setattr(spark_ranges, "MIN_RANGE", 1)  # a.jsonl cut in two: each task counts its own records
    words = "one two three four five six seven eight nine ten"
    rows = [{"body": f"A {words}."}, {"story": f"B {words}."}, {"story": " ", "text": f"C {words}."},
            {"story": f"D {words}."}, {"body": f"E {words}."}, {"body": f"F {words}.", "title": ["F"]}]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "b.csv").write_text(f"Story,body\nG {words},\n,H {words}\n", encoding="utf-8")  # read whole
    args = ["scan", str(tmp_path), "--text-field", "Story", "--format", "json"]
    local = CliRunner().invoke(cli, args)
    remote = CliRunner().invoke(cli, [*args, "--engine", "spark", "--partitions", "2"])
    assert (local.exit_code, remote.exit_code) == (0, 0), remote.output
    warned = [line for line in remote.stderr.splitlines() if line.startswith("warning:")]
    assert warned == [f"warning: {tmp_path / 'a.jsonl'}:1: no text in --text-field 'Story'; used 'body' instead "
                      "(3 more records of this file too)",
                      f"warning: {tmp_path / 'a.jsonl'}:6: field 'title' is a JSON array, not text; not read",
                      f"warning: {tmp_path / 'b.csv'}:3: no text in --text-field 'Story'; used 'body' instead"]
    assert warned == [line for line in local.stderr.splitlines() if line.startswith("warning:")]
    assert remote.stdout == local.stdout


def test_ranges_of_local_json_lines_give_the_local_records_lines_and_findings(
        spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe.scan import spark_ranges

    from tests.test_scan_spark_ranges import messy_lines

    monkeypatch.setattr(spark_ranges, "MIN_RANGE", 1)  # a small file cut into one range a partition
    (tmp_path / "a_messy.jsonl").write_bytes(messy_lines())
    seeds = [json.dumps({"text": p.read_text(encoding="utf-8")}) for p in sorted(DATA.glob("*.txt"))]
    (tmp_path / "b_seeds.jsonl").write_text("\r\n".join(seeds + seeds[:2]) + "\r\n", encoding="utf-8")
    (tmp_path / "c_array.jsonl").write_text(json.dumps([json.loads(seeds[1]) | {"id": "arr"}]), encoding="utf-8")
    (tmp_path / "d_latin.jsonl").write_bytes(f"{seeds[3]}\n{{\"id\": \"l\u00e9\", \"text\": \"caf\u00e9 "
                                             f"au lait et encore\"}}\n".encode("cp1252"))
    want, skipped = local_json([str(tmp_path)])
    assert json.loads(want)["findings"]
    for partitions in (2, 7):
        got, found = spark_json(spark, [str(tmp_path)], partitions)
        assert [str(s) for s in found.skipped] == [str(s) for s in skipped]
        assert got == want, f"{partitions} partitions"
    assert any("a_messy.jsonl:" in str(s) for s in skipped)


def test_compressed_inputs_are_read_as_the_local_loader_reads_them(spark: Any, tmp_path: Path) -> None:
    import gzip
    import lzma

    records = [json.dumps({"id": f"seed-{p.stem}", "outlet": p.stem[:3], "text": p.read_text(encoding="utf-8")})
               for p in sorted(DATA.glob("*.txt"))]
    (tmp_path / "batch.jsonl.gz").write_bytes(gzip.compress(("\n".join(records) + "\n{broken\n").encode()))
    copy = json.loads(records[2]) | {"id": "copy"}
    (tmp_path / "copy.jsonl.xz").write_bytes(lzma.compress(json.dumps(copy).encode()))
    want, skipped = local_json([str(tmp_path)])
    got, found = spark_json(spark, [str(tmp_path)], 2)
    assert json.loads(got)["findings"], "the compressed seeds hold findings"
    assert [str(s) for s in found.skipped] == [str(s) for s in skipped]
    assert any("batch.jsonl.gz:6: " in str(s) for s in skipped)
    assert got == want


def test_compressed_inputs_without_ids_take_the_local_fallback_ids(spark: Any, tmp_path: Path) -> None:
    import gzip

    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))]
    lines = "".join(json.dumps({"text": t}) + "\n" for t in texts[:3])  # no id: the file's stem and line
    (tmp_path / "batch.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "story.txt.gz").write_bytes(gzip.compress(texts[2].encode()))  # a text file: its stem
    want, _ = local_json([str(tmp_path)])
    ids = {o["doc"] for f in json.loads(want)["findings"] for o in f["occurrences"]}
    assert {"batch:3", "story"} <= ids, ids
    got, _ = spark_json(spark, [str(tmp_path)], 2)
    assert got == want


def test_strict_stops_at_a_repeated_id_with_the_local_message(spark: Any, tmp_path: Path) -> None:
    record = json.dumps({"id": "same", "text": "Some text of a few words here."})
    path = tmp_path / "dup.jsonl"
    path.write_text(f"{record}\n{record}\n", encoding="utf-8")
    with pytest.raises(InputError) as local:  # without --strict: renamed (test_repeated_ids_are_renamed_...)
        load_corpus([str(path)], LoadOptions(strict=True))
    with pytest.raises(InputError) as remote:
        scan_spark(spark, [str(path)], options=LoadOptions(strict=True), partitions=2)
    assert str(remote.value) == str(local.value)


def test_strict_stops_at_the_first_bad_record(spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Words enough here."}) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2: invalid JSON"):
        scan_spark(spark, [str(path)], options=LoadOptions(strict=True), partitions=2)


def test_parquet_with_the_same_fields_reads_as_the_jsonl(spark: Any, generated: tuple[Path, str],
                                                        tmp_path: Path) -> None:
    path, want = generated
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:400]]
    small = tmp_path / "small.jsonl"
    small.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    folder = tmp_path / "parquet"
    spark.createDataFrame(rows).coalesce(1).write.parquet(str(folder))
    target = next(folder.glob("*.parquet"))
    single = tmp_path / "small.parquet"
    shutil.copy(target, single)
    want_small, _ = local_json([str(small)])
    got, _ = spark_json(spark, [str(single)], 2)
    assert got == want_small


def test_components_match_union_find_on_a_long_chain(spark: Any, tmp_path: Path) -> None:
    spark.sparkContext.setCheckpointDir(str(tmp_path))
    edges = [(i, i + 1) for i in range(0, 12)] + [(100, 90), (90, 95), (200, 201)]
    found = components(spark.sparkContext, edges, 3)
    assert found == [tuple(range(13)), (90, 95, 100), (200, 201)]


def test_components_on_several_partitions_match_union_find(spark: Any, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe.scan import spark_components
    from dedupe.scan.near_dup import pair_clusters

    monkeypatch.setattr(spark_components, "_EDGES_PER_PART", 1)
    spark.sparkContext.setCheckpointDir(str(tmp_path))
    rng = random.Random(4)
    edges = sorted({(min(pair), max(pair)) for pair in (rng.sample(range(100), 2) for _ in range(120))})
    edges += [(i, i + 1) for i in range(200, 206)]  # a path: rounds past a checkpoint (each round is a job)
    want = pair_clusters([(a, b, 1.0, 1.0) for a, b in edges], 207)
    assert len(want) > 3, "several components"
    assert components(spark.sparkContext, edges, 3) == want


def test_scan_with_components_on_spark_gives_the_local_findings(spark: Any, generated: tuple[Path, str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe.scan import spark as engine
    from dedupe.scan import spark_components

    path, want = generated
    monkeypatch.setattr(engine, "_DRIVER_EDGES", 0)  # every graph's components by label propagation
    monkeypatch.setattr(spark_components, "_EDGES_PER_PART", 1)
    called = []
    monkeypatch.setattr(engine, "components", lambda *args: called.append(1) or components(*args))
    for partitions in (2, 7):
        got, _ = spark_json(spark, [str(path)], partitions)
        assert got == want, f"{partitions} partitions"
    assert len(called) == 2


def test_cli_engine_spark_writes_the_local_json_and_parquet(spark: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dedupe.cli import cli

    runner = CliRunner()
    local = runner.invoke(cli, ["scan", str(DATA), "--format", "json"])
    remote = runner.invoke(cli, ["scan", str(DATA), "--format", "json", "--engine", "spark", "--partitions", "3"])
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    target = tmp_path / "findings.parquet"
    written = runner.invoke(cli, ["scan", str(DATA), "--engine", "spark", "-o", str(target), "-q",
                                 "--fail-on", "repeat"])
    assert written.exit_code == 1, written.output  # the seeds hold repeats, counted from the Parquet rows
    assert parquet_findings(spark, target) == json.loads(local.stdout)["findings"]
    again = runner.invoke(cli, ["scan", str(DATA), "--engine", "spark", "-o", str(target), "-q"])
    assert again.exit_code == 2 and "findings.parquet" in again.output  # never overwritten


def parquet_findings(spark: Any, folder: Path) -> list[dict[str, Any]]:
    """The findings of a Parquet folder as JSON objects, in the order of their numbers."""
    rows = [row.asDict(recursive=True) for row in spark.read.parquet(str(folder)).collect()]
    assert sorted(row["number"] for row in rows) == list(range(len(rows)))
    found = []
    for row in sorted(rows, key=lambda r: r["number"]):
        record = {key: row[key] for key in ("kind", "similarity", "words", "occurrences")}
        if row["pairs"]:
            record["pairs"] = row["pairs"]
        found.append(record)
    return found


@pytest.mark.parametrize(("corpus", "partitions"), [("planted", 1), ("planted", 7), ("generated", 3)])
def test_parquet_findings_written_by_the_executors_are_the_local_findings(
        spark: Any, generated: tuple[Path, str], tmp_path: Path, corpus: str, partitions: int) -> None:
    path = generated[0] if corpus == "generated" else planted_folder(tmp_path)  # data/: the CLI test
    want = json.loads(local_json([str(path)])[0])["findings"]
    target = tmp_path / "findings.parquet"
    found = scan_spark(spark, [str(path)], partitions=partitions, parquet=str(target))
    assert found.result.findings == ()  # nothing of a finding was collected
    assert parquet_findings(spark, target) == want
    assert sum(found.kinds.values()) == len(want) and found.kinds["repeat"] == sum(f["kind"] == "repeat" for f in want)
    assert len(list(target.glob("part-*.parquet"))) > 1 or partitions == 1  # written by several tasks


def test_the_parquet_path_never_brings_findings_to_the_driver() -> None:
    import ast
    import inspect

    from dedupe.scan import spark_write

    tree = ast.parse(inspect.getsource(spark_write))
    called = {node.func.attr for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    # not "take": RunTable.take selects rows of numpy arrays
    actions = {"collect", "collectAsMap", "takeOrdered", "top", "first", "toLocalIterator", "toPandas",
               "reduce", "fold", "aggregate", "treeReduce", "foreach"}
    assert called & actions == set()
    assert {"parquet", "countByValue"} <= called  # the rows are written by the executors, only kinds counted


def test_cli_refuses_spark_options_without_the_spark_engine() -> None:
    from click.testing import CliRunner

    from dedupe.cli import cli

    result = CliRunner().invoke(cli, ["scan", str(DATA), "--partitions", "3"])
    assert result.exit_code == 2 and "need --engine spark" in result.output


def cli_both(args: list[str], *spark_args: str) -> tuple[Any, Any]:
    """``dedupe scan ARGS`` run locally and on Spark (the session's context; ``spark_args`` added) through the CLI."""
    from click.testing import CliRunner

    from dedupe.cli import cli

    return CliRunner().invoke(cli, ["scan", *args]), CliRunner().invoke(cli, ["scan", *args, "--engine", "spark",
                                                                               *spark_args])


def test_a_file_named_by_a_relative_path_is_read_as_locally(spark: Any, tmp_path: Path) -> None:
    text = (DATA / "000_db7ab4d81ef41db1.txt").read_text(encoding="utf-8")
    (tmp_path / "news.csv").write_text(f"id,text\na,\"{text}\"\nb,\"{text}\"\n", encoding="utf-8")
    # relative to the working directory the JVM started in (binaryFiles names it file:/tmp/..., the listing ../..)
    relative = os.path.relpath(tmp_path / "news.csv")
    local, remote = cli_both([relative, "--format", "json"])
    assert json.loads(local.stdout)["findings"], "the copy is a finding"
    assert (remote.exit_code, remote.stdout, remote.stderr) == (0, local.stdout, local.stderr)


def test_nothing_loaded_warns_and_fails_as_locally(spark: Any, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()  # no file: no partition
    (tmp_path / "some").mkdir()
    (tmp_path / "some" / "news.csv").write_text("id,story\na,Words of a story here.\n", encoding="utf-8")
    for folder in ("empty", "some"):
        local, remote = cli_both([str(tmp_path / folder), "--format", "json"])
        assert local.exit_code == 2 and "no documents loaded" in local.stderr
        assert (remote.exit_code, remote.stdout, remote.stderr) == (2, "", local.stderr), folder


def test_a_folder_is_listed_as_the_local_loader_lists_it(spark: Any, tmp_path: Path) -> None:
    text = (DATA / "001_d3aebe4b90fe0be1.txt").read_text(encoding="utf-8")
    folder, aside = tmp_path / "corpus", tmp_path / "aside"
    folder.mkdir()
    aside.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (aside / "b.txt").write_text(text, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # skipped locally; Spark's reading of it waited for a writer
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")  # skipped locally; left out by Hadoop's listing
    (folder / "linked").symlink_to(aside, target_is_directory=True)  # not entered locally; entered by Hadoop's
    (folder / "same.txt").symlink_to(aside / "b.txt")  # a linked file is read
    local, remote = cli_both([str(folder), "--format", "json"])
    assert local.exit_code == 0 and "pipe.txt" in local.stderr and "gone.txt" in local.stderr
    assert (remote.exit_code, remote.stdout, remote.stderr) == (0, local.stdout, local.stderr)


def interrupted_scan(source: Path, output: Path, ready: Callable[[], Any],
                     env: dict[str, str] | None = None) -> tuple[int, str, str, Any]:
    """Run ``dedupe scan SOURCE --engine spark -q -o OUTPUT`` as from a terminal, press Ctrl-C once ``ready()``
    gives something (polled), and return the status, stdout, stderr and what ``ready`` gave."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), **(env or {})}
    command = ["scan", str(source), "--engine", "spark", "--spark-master", "local[1]", "-q", "--format", "json", "-o",
               str(output)]
    process = subprocess.Popen([sys.executable, "-m", "dedupe", *command], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as a terminal's
    try:
        deadline = time.monotonic() + 120
        while not (got := ready()):
            assert process.poll() is None and time.monotonic() < deadline, process.stderr
            time.sleep(0.005)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's whole process group, the JVM too
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return process.returncode, out, err, got


def test_ctrl_c_while_spark_works_ends_with_one_line_and_the_previous_output(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"  # named on the command line: Spark reads it as cat would, waiting for a writer
    os.mkfifo(pipe)
    output = tmp_path / "out.json"
    output.write_text("previous\n", encoding="utf-8")

    def writer() -> int | None:  # a writer can open the pipe once Spark reads it: the driver then waits on the JVM
        try:
            return os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return None

    status, out, err, opened = interrupted_scan(pipe, output, writer)
    os.close(opened)
    assert (status, out, err) == (130, "", "interrupted\n")  # py4j logged its traceback before
    assert output.read_text(encoding="utf-8") == "previous\n"


def test_ctrl_c_while_the_spark_context_stops_ends_with_one_line(tmp_path: Path) -> None:
    # the findings are written while a thread stops the context (spark_jvm.stop_soon); a Ctrl-C while the process
    # waited for that thread was "Exception ignored in: <module 'threading'>", its traceback, and status 0, and the
    # thread was abandoned: in an empty cache, the JVM's class archive (written as it exits) stayed ".partial"
    output = tmp_path / "out.json"
    cache = tmp_path / "cache"

    def written() -> bool:  # written, renamed into place, then the command returns: the context still stops
        return output.exists() and time.sleep(0.05) is None  # stopping it and writing the archive take seconds

    status, out, err, _ = interrupted_scan(DATA, output, written, {"DEDUPE_CACHE_DIR": str(cache)})
    assert (status, out, err) == (130, "", "interrupted\n")
    assert json.loads(output.read_text(encoding="utf-8"))["command"] == "scan"  # the findings were written before
    assert [p.suffix for p in (cache / "spark-classes").iterdir()] == [".jsa"]  # the stop was waited for


def repeated_id_corpus(folder: Path, case: str) -> tuple[Path, set[str]]:
    """A corpus whose documents repeat an id (``case``: ``given``, ``derived`` or ``url``), and the new ids the
    local loader gives them (each named by a finding)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))]
    edited = texts[1].replace("the", "a", 3)  # a new version under the same id: a near-duplicate, not the same text
    if case == "given":  # x~2 and y~2 are taken further on and earlier: x~2~2 and y~3, as locally
        rows = [("y~2", texts[3]), ("x", texts[0]), ("x", texts[0]), ("y", texts[1]), ("y", edited),
                ("x~2", texts[2]), ("z", texts[2])]
        path = folder / "scrapes.jsonl"
        path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows), encoding="utf-8")
        return path, {"x~2", "y~3", "x~2~2"}
    if case == "url":  # a url used as id: the repeat takes its path and line
        path = folder / "scrapes.jsonl"
        urls = ["https://example.org/a", "https://example.org/b", "https://example.org/a", "https://example.org/b"]
        path.write_text("".join(json.dumps({"url": u, "text": t}) + "\n"
                                for u, t in zip(urls, [texts[0], texts[1], texts[0], edited])), encoding="utf-8")
        return path, {f"{path}:3", f"{path}:4"}
    for name, batch in (("a", [texts[0], texts[1]]), ("b", [texts[0], edited])):  # batch:1, batch:2 in each
        (folder / name).mkdir()
        (folder / name / "batch.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in batch),
                                                   encoding="utf-8")
    return folder, {f"{folder / 'b' / 'batch.jsonl'}:1", f"{folder / 'b' / 'batch.jsonl'}:2"}


@pytest.mark.parametrize("case", ["given", "derived", "url"])
def test_repeated_ids_are_renamed_as_the_local_loader_renames_them(spark: Any, tmp_path: Path, case: str) -> None:
    """A repeated id inside one scan is a finding (an exact re-scrape, or a new version), not an error: the
    Spark engine gives the local JSON and warnings, byte for byte."""
    path, renamed = repeated_id_corpus(tmp_path, case)
    local, remote = cli_both([str(path), "--format", "json"], "--spark-master", "local[2]", "--partitions", "2")
    named = {o["doc"] for f in json.loads(local.stdout)["findings"] for o in f["occurrences"]}
    assert renamed <= named and local.stderr.count("already used at") == len(renamed), (named, local.stderr)
    assert (remote.exit_code, remote.stdout, remote.stderr) == (0, local.stdout, local.stderr)


def test_repeated_ids_are_renamed_in_documents_read_again_and_in_parquet(spark: Any, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe.scan import spark as engine

    path, _ = repeated_id_corpus(tmp_path, "url")
    want, _ = local_json([str(path)])
    monkeypatch.setattr(engine, "_kept_folder", lambda sc, scratch: None)  # as on a cluster: ranges read again
    assert spark_json(spark, [str(path)], 2)[0] == want
    through_text_file(monkeypatch)  # records cached by Spark: whether an id was derived travels with them
    target = tmp_path / "findings.parquet"
    scan_spark(spark, [str(path)], partitions=2, parquet=str(target))
    assert parquet_findings(spark, target) == json.loads(want)["findings"]
