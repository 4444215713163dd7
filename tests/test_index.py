"""dedupe.index: the SQLite store, scan --against (equivalence with a full rescan), origins, the CLI."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner, Result

from dedupe import SCHEMA_VERSION
from dedupe.cli import cli
from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Corpus, Document, Origin
from dedupe.errors import ConfigError, InputError
from dedupe.index import IndexParams, open_index, scan_against, schema
from dedupe.index.keys import DOC_BITS, document_keys, passage_keys
from dedupe.index.origin import credit_pattern, credit
from dedupe.scan import passages
from dedupe.scan.config import ScanConfig
from dedupe.scan.near_dup import Finding, scan
from dedupe.scan.fingerprints import fingerprint_corpus
from tests.index_data import corpora, reuters_split, write_jsonl

CONFIG = ScanConfig()


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("split")
    history, batch = corpora()
    return write_jsonl(folder / "history.jsonl", history), write_jsonl(folder / "batch.jsonl", batch)


def _load(path: Path) -> Corpus:
    return load_corpus([str(path)])


def _involving(findings: list[dict], batch: set[str]) -> list[dict]:  # type: ignore[type-arg]
    return [f for f in findings if any(o["doc"] in batch for o in f["occurrences"])]


def test_passage_keys_meet_exactly_on_a_shared_stretch_of_min_words() -> None:
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()
    shared = " ".join(words[2:10])  # eight words
    prints = fingerprint_corpus([f"one two three {shared} four", f"{shared} five six", "one two three four"], 5)
    keys, docs = passage_keys(prints, IndexParams.from_config(CONFIG).window)
    by_doc = [set(keys[docs == d].tolist()) for d in range(3)]
    assert len(by_doc[0] & by_doc[1]) == 1
    assert not by_doc[2] & (by_doc[0] | by_doc[1])


def test_band_keys_are_the_scan_candidates(split: tuple[Path, Path]) -> None:
    docs = _load(split[0]).documents[:40]
    prints = fingerprint_corpus([d.text for d in docs], CONFIG.ngram)
    keys = document_keys(prints, IndexParams.from_config(CONFIG))
    sharing = {(int(a), int(b)) for k in set(keys.bands.tolist())
               for a in keys.band_docs[keys.bands == k] for b in keys.band_docs[keys.bands == k] if a < b}
    assert (10, 11) in sharing  # h10 ~ h11 are near-duplicates
    assert scan(docs, CONFIG).stats.candidate_pairs == len(sharing)


def test_scan_against_equals_full_rescan_restricted_to_the_batch(split: tuple[Path, Path], tmp_path: Path) -> None:
    history, batch = _load(split[0]).documents, _load(split[1]).documents
    full = scan(history + batch, CONFIG)
    ids = {d.id for d in batch}
    expected = [f for f in full.findings if any(o.doc in ids for o in f.occurrences)]
    with open_index(tmp_path / "h.db", IndexParams.from_config(CONFIG), create=True) as index:
        index.add(history, batch_size=64)
        checked = scan_against(index, batch, CONFIG, read_all=0)
    assert list(checked.result.findings) == expected
    kinds = {f.kind for f in expected}
    assert kinds == {"near_duplicate", "reuse", "boilerplate"}  # the planted relations are all there
    assert checked.loaded < len(history) // 5  # the index is queried, not loaded


def test_a_small_index_read_whole_gives_the_same_findings(split: tuple[Path, Path], tmp_path: Path) -> None:
    history, batch = _load(split[0]).documents, _load(split[1]).documents
    with open_index(tmp_path / "h.db", IndexParams.from_config(CONFIG), create=True) as index:
        index.add(history, batch_size=64)
        looked_up = scan_against(index, batch, CONFIG, read_all=0)
        read = scan_against(index, batch, CONFIG)  # this index is under READ_ALL: read whole, scanned once
    assert read.loaded == len(history) and read.rounds == 1 and looked_up.rounds > 1
    assert read.result.findings == looked_up.result.findings and read.result.pairs == looked_up.result.pairs
    assert read.history == looked_up.history and read.origins == looked_up.origins


@pytest.fixture(scope="module")
def reuters(tmp_path_factory: pytest.TempPathFactory,
            shared_corpus: Callable[[str], Path]) -> tuple[list[Document], list[Document], Path]:
    """A Reuters-21578 split (330 history articles, 60 batch articles), its history in an index."""
    path = shared_corpus("reuters21578.jsonl")
    folder = tmp_path_factory.mktemp("reuters")
    history, batch = (_load(write_jsonl(folder / name, records))
                      for name, records in zip(("h.jsonl", "b.jsonl"), reuters_split(path)))
    with open_index(folder / "h.db", IndexParams.from_config(CONFIG), create=True) as index:
        index.add(history.documents, batch_size=64)
    return list(history.documents), list(batch.documents), folder / "h.db"


def _rescan_and_check(reuters: tuple[list[Document], list[Document], Path]) -> tuple[list[Finding], list[Finding]]:
    history, batch, db = reuters
    ids = {d.id for d in batch}
    expected = [f for f in scan(history + batch, CONFIG).findings if any(o.doc in ids for o in f.occurrences)]
    with open_index(db) as index:
        return expected, list(scan_against(index, batch, CONFIG, read_all=0).result.findings)


def test_scan_against_equals_the_rescan_on_reuters_without_the_link_limit(
        reuters: tuple[list[Document], list[Document], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # The scan links each shingle occurrence to the 4 occurrences of it before it in the whole corpus
    # (passages.shared_runs, fanout); with that limit out of reach, the findings are the rescan's exactly.
    monkeypatch.setattr(passages.shared_runs, "__defaults__", (1_000_000, None, None))
    expected, checked = _rescan_and_check(reuters)
    assert checked == expected
    assert {f.kind for f in expected} >= {"near_duplicate", "reuse"} and len(expected) > 40


def test_scan_against_equals_the_rescan_on_reuters_with_the_link_limit(
        reuters: tuple[list[Document], list[Document], Path]) -> None:
    # With the scan's own limit, a passage whose shingles occur in more than fanout + 1 places of the whole
    # corpus is cut or grouped by which of those places link; the index gives each place its rank in all of
    # history (dedupe.index.ranks), so the check links exactly the places the rescan links.
    expected, checked = _rescan_and_check(reuters)
    history, batch, _ = reuters
    assert checked == expected
    frequent = _frequent_spans(history + batch, fanout=4)
    capped = [f for f in expected
              if any(any(s < o.end and o.start < e for s, e in frequent.get(o.doc, [])) for o in f.occurrences)]
    assert len(capped) > 5  # the limit is reached on findings of this split: the ranks are needed


def _frequent_spans(documents: list[Document], fanout: int) -> dict[str, list[tuple[int, int]]]:
    """Character spans of the shingles found in more than ``fanout + 1`` places of the corpus, by document."""
    prints = fingerprint_corpus([d.text for d in documents], CONFIG.ngram)
    values, counts = np.unique(prints.shingles, return_counts=True)
    spans: dict[str, list[tuple[int, int]]] = {}
    for i, doc in enumerate(documents):
        shingles = prints.of(i)
        capped = np.flatnonzero(counts[np.searchsorted(values, shingles)] > fanout + 1)
        base = int(prints.token_base[i])
        spans[doc.id] = [(int(prints.token_starts[base + j]), int(prints.token_ends[base + j + CONFIG.ngram - 1]))
                         for j in capped.tolist()]
    return spans


def test_cli_scan_against_json_is_the_rescan_json_of_the_batch(split: tuple[Path, Path], tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    assert run("index", "add", db, str(split[0])).exit_code == 0
    against = run("scan", str(split[1]), "--against", db, "--format", "json")
    rescan = run("scan", str(split[0]), str(split[1]), "--format", "json")
    assert against.exit_code == rescan.exit_code == 0, against.output
    got, full = json.loads(against.stdout), json.loads(rescan.stdout)
    batch = {r["id"] for r in map(json.loads, split[1].read_text().splitlines())}
    assert got["findings"] == _involving(full["findings"], batch)
    assert got["history"]["h5"] == {"outlet": "Reuters", "date": "2024-01-06", "url": "https://reuters.example/h5",
                                    "title": ""}
    lifted = next(o for o in got["origins"] if o["doc"] == "h30")
    assert lifted["reuses"] == [{"doc": "b-lifted", "outlet": "The Sun", "credited": False, "credit": ""}]
    credited = next(o for o in got["origins"] if o["doc"] == "h35")
    assert credited["reuses"][0]["credit"] == "(Reuters)"


def test_fail_on_counts_only_findings_of_the_batch(split: tuple[Path, Path], tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    run("index", "add", db, str(split[0]))
    quiet_batch = write_jsonl(tmp_path / "quiet.jsonl", [{"id": "q", "text": "nothing like the history here at all"}])
    assert run("scan", str(split[0]), "--fail-on", "near-duplicate").exit_code == 1  # h10 ~ h11 in history
    assert run("scan", str(quiet_batch), "--against", db, "--fail-on", "any").exit_code == 0
    assert run("scan", str(split[1]), "--against", db, "--fail-on", "near-duplicate").exit_code == 1


def test_add_counts_unchanged_new_version_and_skipped(tmp_path: Path) -> None:
    db = str(tmp_path / "i.db")
    first = write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "text": "the first text of x here"},
                                               {"id": "y", "text": "another story entirely"}])
    added = run("index", "add", db, str(first)).stdout
    assert added == f"{db}: 2 added, 0 unchanged, 0 new versions, 0 skipped documents\n"
    again = write_jsonl(tmp_path / "b.jsonl", [{"id": "x", "text": "the first text of x here"},
                                               {"id": "y", "text": "another story entirely, updated"},
                                               {"id": "z", "text": "!!! ..."}])
    result = run("index", "add", db, str(again))
    assert result.stdout == (f"{db}: 0 added, 1 unchanged, 1 new version, 1 skipped document\n"
                             "  new version y~v2 of y\n")
    info = json.loads(run("index", "info", db, "--format", "json").stdout)
    assert info["documents"] == 3 and info["batches"] == 2
    # The envelope of every command's JSON (README), the index file's own schema beside it.
    assert list(info)[:4] == ["schema_version", "tool", "version", "command"] and info["command"] == "index info"
    assert info["schema_version"] == SCHEMA_VERSION and info["index_schema_version"] == schema.SCHEMA_VERSION
    assert info["parameters"] == {"ngram": 5, "num_perm": 128, "seed": 1, "bands": 16, "rows": 8, "min_words": 8}


def test_new_version_in_a_scan_is_a_near_duplicate_of_the_earlier_one(tmp_path: Path) -> None:
    db = str(tmp_path / "i.db")
    text = " ".join(f"word{i}" for i in range(60))
    run("index", "add", db, str(write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "text": text}])))
    batch = write_jsonl(tmp_path / "b.jsonl", [{"id": "x", "text": text + " and one more"}])
    checked = json.loads(run("scan", str(batch), "--against", db, "--format", "json").stdout)
    assert checked["against"]["renamed"] == [{"id": "x", "as": "x~batch"}]  # without --add: stored as nothing
    assert {o["doc"] for o in checked["findings"][0]["occurrences"]} == {"x", "x~batch"}
    result = json.loads(run("scan", str(batch), "--against", db, "--format", "json", "--add").stdout)
    assert result["against"]["renamed"] == [{"id": "x", "as": "x~v2"}]  # with --add: the id it is stored under
    assert [f["kind"] for f in result["findings"]][:1] == ["near_duplicate"]
    assert {o["doc"] for o in result["findings"][0]["occurrences"]} == {"x", "x~v2"}
    assert json.loads(run("index", "info", db, "--format", "json").stdout)["documents"] == 2  # --add stored it


def test_scan_add_names_each_document_it_stores_by_the_id_index_remove_takes(tmp_path: Path) -> None:
    # An id repeated inside the batch was reported as the loader's x~2 and stored as x~v2 (and x~batch, a new
    # version of a stored id, as x~v2 too): the report named documents `index remove --doc` did not know.
    db = str(tmp_path / "i.db")
    text = " ".join(f"word{i}" for i in range(60))
    batch = write_jsonl(tmp_path / "b.jsonl", [{"id": "x", "text": text}, {"id": "x", "text": text + " and one more"},
                                               {"id": "x", "text": text}])
    result = run("scan", str(batch), "--against", db, "--add", "--format", "json")
    found = json.loads(result.stdout)
    assert found["against"]["renamed"] == [{"id": "x", "as": "x~v2"}]
    assert found["against"]["batch"] == ["x", "x~3", "x~v2"]  # x~3: a copy of x, unchanged, not stored
    assert {o["doc"] for o in found["findings"][0]["occurrences"]} == {"x", "x~3", "x~v2"}
    assert "\n  new version x~v2 of x\n" in result.stderr
    # the loader's notes name each repeat as the report does (they said "kept as 'x~2'")
    assert [line for line in result.stderr.splitlines() if "already used" in line] == [
        f"warning: {batch}:{n}: document id 'x' already used at {batch}:1; kept as {name!r}"
        for n, name in ((2, "x~v2"), (3, "x~3"))]
    assert _stored(db) == [("x", "x", 1), ("x~v2", "x", 2)]
    # Another day: the stored x again (unchanged: x~batch, not stored) and an edit of it, the index's version 3.
    again = write_jsonl(tmp_path / "c.jsonl", [{"id": "x", "text": text}, {"id": "x", "text": text + " then two"}])
    found = json.loads(run("scan", str(again), "--against", db, "--add", "--format", "json").stdout)
    assert found["against"]["renamed"] == [{"id": "x", "as": "x~batch"}, {"id": "x", "as": "x~v3"}]
    assert _stored(db)[-1] == ("x~v3", "x", 3)
    removed = run("index", "remove", db, "--doc", "x~v3", "--doc", "x~v2")
    assert (removed.stdout, removed.stderr) == (f"{db}: removed 2 documents\n", "")


def test_repeated_id_inside_one_scan_is_a_finding_not_an_error(tmp_path: Path) -> None:
    text = " ".join(f"word{i}" for i in range(40))
    corpus = write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "text": text}, {"id": "x", "text": text}])
    result = run("scan", str(corpus), "--format", "json")
    assert result.exit_code == 0
    assert "kept as 'x~2'" in result.stderr
    found = json.loads(result.stdout)["findings"][0]
    assert found["kind"] == "near_duplicate" and found["pairs"][0]["jaccard"] == 1.0


def test_parameter_mismatch_is_one_line_and_status_2(split: tuple[Path, Path], tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    run("index", "add", db, str(split[1]))
    result = run("scan", str(split[1]), "--against", db, "--ngram", "4")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {db}: built with other parameters (ngram index=5 scan=4); "
                             "use the index's parameters or build a new index\n")
    assert run("index", "add", db, str(split[1]), "--threshold", "0.9").exit_code == 2
    with pytest.raises(ConfigError):
        open_index(db, IndexParams.from_config(ScanConfig(min_words=10)))
    with pytest.raises(InputError):
        open_index(tmp_path / "absent.db")


def test_a_check_that_fails_still_warns_the_load_notes_before_its_error(tmp_path: Path) -> None:
    # scan --against holds the loader's notes back to name each document as its report does (mend27): a check that
    # failed (an index with other parameters, or none) ended without them, and the user lost the warnings.
    db = str(tmp_path / "h.db")
    text = " ".join(f"word{i}" for i in range(60))
    run("index", "add", db, str(write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": text}])))
    batch = write_jsonl(tmp_path / "b.jsonl", [{"id": "x", "text": text}, {"id": "x", "text": f"{text} more"}])
    note = f"warning: {batch}:2: document id 'x' already used at {batch}:1; kept as 'x~2'\n"
    other = run("scan", str(batch), "--against", db, "--ngram", "4", "--add")
    assert (other.exit_code, other.stdout) == (2, "")
    assert other.stderr == note + (f"Error: {db}: built with other parameters (ngram index=5 scan=4); use the index's "
                                   "parameters or build a new index\n")
    missing = run("scan", str(batch), "--against", str(tmp_path / "none.db"))
    assert missing.exit_code == 2 and missing.stderr.startswith(note + f"Error: {tmp_path / 'none.db'}: no such index")


def test_index_add_takes_the_threshold_as_scan_does(split: tuple[Path, Path], tmp_path: Path) -> None:
    for spelled in ("0.7", "scan=0.7"):  # scan --against is given it either way; index add took the bare number only
        db = str(tmp_path / f"{spelled}.db")
        assert run("index", "add", db, str(split[0]), "--threshold", spelled).exit_code == 0
        info = json.loads(run("index", "info", db, "--format", "json").stdout)
        assert (info["parameters"]["bands"], info["parameters"]["rows"]) == (21, 6)
        assert run("scan", str(split[1]), "--against", db, "--threshold", "scan=0.7").exit_code == 0


def test_info_of_an_index_with_no_document_left_gives_no_bytes_per_document(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    run("index", "add", db, str(Path(__file__).resolve().parent.parent / "data" / "002_70fb1de66b54f918.txt"))
    assert run("index", "remove", db, "--doc", "002_70fb1de66b54f918").exit_code == 0
    lines = run("index", "info", db).stdout.splitlines()
    assert lines[0].startswith(f"{db}: 0 documents in 1 batch, ") and lines[0].endswith(" MB")  # not "N bytes per ..."
    assert lines[1] == "outlets (0): none"


def test_counts_agree_with_their_nouns(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    seeds = Path(__file__).resolve().parent.parent / "data"
    run("index", "add", db, str(seeds / "002_70fb1de66b54f918.txt"))  # Reuters
    assert run("index", "info", db).stdout.startswith(f"{db}: 1 document in 1 batch, ")
    # EA WorldView reuses one Reuters passage without credit: its probable origin has one reuse.
    checked = run("scan", str(seeds / "004_7cde9b3c88a5415a.txt"), "--against", db).stdout
    assert "finding 2: first in 002_70fb1de66b54f918 (Reuters, 2016-09-28); 1 reuse, 1 uncredited: " \
           "004_7cde9b3c88a5415a\n" in checked


def test_not_an_index_is_an_input_error(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    seed = str(Path(__file__).resolve().parent.parent / "data" / "002_70fb1de66b54f918.txt")
    before = other.read_bytes()
    for command in (("index", "info", str(other)), ("index", "add", str(other), seed),
                    ("scan", seed, "--against", str(other))):
        result = run(*command)
        assert result.exit_code == 2 and result.stderr.startswith(f"Error: {other}: not a dedupe index")
        assert other.read_bytes() == before  # another program's database is left as it was (not switched to WAL)


def test_an_empty_file_is_no_index_yet_to_every_command(tmp_path: Path) -> None:
    empty = tmp_path / "e.db"
    empty.touch()
    seed = str(Path(__file__).resolve().parent.parent / "data" / "002_70fb1de66b54f918.txt")
    for command in (("index", "info", str(empty)), ("index", "remove", str(empty), "--doc", "x"),
                    ("scan", seed, "--against", str(empty))):
        result = run(*command)
        assert result.exit_code == 2
        assert result.stderr == (f"Error: {empty}: empty file, no index yet "
                                 f"(create it with `dedupe index add {empty} CORPUS...`)\n")
        assert empty.stat().st_size == 0
    # index add creates the index in it, with the default parameters, as for a missing file (not "needs parameters")
    added = run("index", "add", str(empty), seed).stdout
    assert added == f"{empty}: 1 added, 0 unchanged, 0 new versions, 0 skipped documents\n"
    assert run("index", "info", str(empty)).stdout.startswith(f"{empty}: 1 document in 1 batch, ")


def test_scan_add_on_a_missing_index_starts_it_and_a_plain_scan_against_does_not(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "h.db"
    text = "the ferry sank on the lake on monday evening with more than one hundred people aboard the vessel"
    write_jsonl(tmp_path / "day1.jsonl", [{"id": "a", "text": text}])
    write_jsonl(tmp_path / "day2.jsonl", [{"id": "b", "text": text}])
    missing = run("scan", str(tmp_path / "day1.jsonl"), "--against", str(db))
    assert missing.exit_code == 2 and "no such index" in missing.stderr and not db.exists()
    # the same command every day: the first day checks against an empty history, then starts the index
    day1 = run("scan", str(tmp_path / "day1.jsonl"), "--against", str(db), "--add", "--fail-on", "near-duplicate",
               "--format", "json")
    assert day1.exit_code == 0, day1.stderr
    assert json.loads(day1.stdout)["findings"] == []
    assert day1.stderr == f"{db}: 1 added, 0 unchanged, 0 new versions, 0 skipped documents\n"
    day2 = run("scan", str(tmp_path / "day2.jsonl"), "--against", str(db), "--add", "--fail-on", "near-duplicate",
               "--format", "json")
    assert day2.exit_code == 1
    found = json.loads(day2.stdout)["findings"]
    assert [(f["kind"], [o["doc"] for o in f["occurrences"]]) for f in found] == [("near_duplicate", ["a", "b"])]


def test_scan_against_text_tells_batch_from_history_and_names_renamed_ids(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    text = "the ferry sank on the lake on monday evening with more than one hundred people aboard the vessel"
    write_jsonl(tmp_path / "day1.jsonl", [{"id": "a*b", "text": text}, {"id": "c", "text": "an unrelated note " * 3}])
    write_jsonl(tmp_path / "day2.jsonl", [{"id": "a*b", "text": text}, {"id": "d", "text": text + ", officials said"}])
    assert run("index", "add", db, str(tmp_path / "day1.jsonl")).exit_code == 0
    out = run("scan", str(tmp_path / "day2.jsonl"), "--against", db).stdout
    assert "\nAgainst the index: 2 batch documents, 2 stored documents read, 1 of them in the findings\n" \
           "  id a*b is taken (in the index, or earlier in this batch): this batch's document is a*b~batch\n" in out
    markdown = run("scan", str(tmp_path / "day2.jsonl"), "--against", db, "--format", "markdown").stdout
    assert ("- id a\\*b is taken (in the index, or earlier in this batch): this batch's document is a\\*b\\~batch\n"
            in markdown)


def test_stdin_records_without_id_or_url_are_known_by_their_text_across_adds(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    story = "the ferry sank on the lake on monday evening with more than one hundred people aboard the vessel"
    other = "the central bank left its key interest rate unchanged on thursday as inflation slowed in november"
    day1 = json.dumps({"text": story}) + "\n"
    day2 = json.dumps({"text": other}) + "\n" + json.dumps({"text": story}) + "\n"
    assert CliRunner().invoke(cli, ["index", "add", db, "-"], input=day1).stdout == \
        f"{db}: 1 added, 0 unchanged, 0 new versions, 0 skipped documents\n"
    # day 2's stdin:1 is another story (not a new version of day 1's stdin:1); its stdin:2 is day 1's story again
    assert CliRunner().invoke(cli, ["index", "add", db, "-"], input=day2).stdout == \
        f"{db}: 1 added, 1 unchanged, 0 new versions, 0 skipped documents\n"
    plain = CliRunner().invoke(cli, ["index", "add", db, "-"], input=other + " again, officials said")
    assert plain.stdout == f"{db}: 1 added, 0 unchanged, 0 new versions, 0 skipped documents\n"
    with open_index(db) as index:
        keys = sorted(row[0] for row in index.connection.execute("SELECT key FROM docs"))
    assert len(keys) == 3 and all(k.startswith("stdin#") and len(k) == 38 for k in keys)


def test_index_of_an_older_schema_is_a_one_line_error(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    open_index(db, IndexParams.from_config(CONFIG), create=True).close()
    with sqlite3.connect(db) as connection:  # as schema 2 (no shingle occurrences, no ranks) recorded itself
        connection.execute("UPDATE meta SET value = '2' WHERE name = 'schema_version'")
    result = run("index", "info", str(db))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {db}: index schema version 2, this dedupe reads 3, 4 and 5; "
                             "build a new index with `dedupe index add`\n")


def test_remove_by_doc_and_before_date(split: tuple[Path, Path], tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    run("index", "add", db, str(split[0]))
    assert run("index", "remove", db, "--doc", "h5").stdout == f"{db}: removed 1 document\n"
    again = run("index", "remove", db, "--doc", "h5", "--doc", "h6", "--doc", "h5")  # h5 gone: said once, h6 removed
    assert (again.exit_code, again.stdout) == (0, f"{db}: removed 1 document\n")
    assert again.stderr == f"warning: {db}: no document 'h5' (neither an id nor an identity key it holds)\n"
    assert run("index", "remove", db, "--before", "2024-01-03").stdout == f"{db}: removed 22 documents\n"
    info = json.loads(run("index", "info", db, "--format", "json").stdout)
    assert info["documents"] == 300 - 24 and info["first_date"] == "2024-01-03"
    with open_index(db) as index:  # no key is left pointing at a removed document
        live = {row[0] for row in index.connection.execute("SELECT seq FROM docs")}
        for base, blob in index.connection.execute("SELECT base, packed FROM segments"):
            named = (np.frombuffer(blob, dtype=np.int64) & ((1 << DOC_BITS) - 1)) + base
            assert set(named.tolist()) <= live
    found = json.loads(run("scan", str(split[1]), "--against", db, "--format", "json").stdout)
    assert "h5" not in found["history"]
    assert run("index", "remove", db, "--before", "March").exit_code == 2


def test_derived_ids_of_daily_folders_stay_distinct_in_the_index(tmp_path: Path) -> None:
    db = str(tmp_path / "i.db")
    for day in ("d1", "d2"):
        (tmp_path / day).mkdir()
        write_jsonl(tmp_path / day / "batch.jsonl", [{"text": f"story of day {day} with enough words in it"}])
    assert run("index", "add", db, str(tmp_path / "d1")).stdout.startswith(f"{db}: 1 added")
    assert run("index", "add", db, str(tmp_path / "d2")).stdout.startswith(f"{db}: 1 added")


def test_a_derived_id_taken_in_the_index_is_named_in_the_check_as_the_index_stores_it(tmp_path: Path) -> None:
    # Day 2's batch.jsonl line 1 is not day 1's (another file): named `batch:1~batch` it read as a re-scrape, and
    # `index remove --doc batch:1` with the name from the report removed day 1's document.
    db = str(tmp_path / "i.db")
    for day in ("d1", "d2"):
        (tmp_path / day).mkdir()
        write_jsonl(tmp_path / day / "batch.jsonl", [{"text": f"story of day {day} with enough words in it"}])
    run("index", "add", db, str(tmp_path / "d1"))
    result = run("scan", str(tmp_path / "d2"), "--against", db, "--add", "--format", "json")
    where = str((tmp_path / "d2" / "batch.jsonl").resolve()) + ":1"
    assert json.loads(result.stdout)["against"]["renamed"] == [{"id": "batch:1", "as": where}]
    assert [row[0] for row in _stored(db)] == ["batch:1", where]
    # A rerun of the same folder is a re-scrape of what the index stores under that name.
    again = json.loads(run("scan", str(tmp_path / "d2"), "--against", db, "--format", "json").stdout)
    assert again["against"]["renamed"] == [{"id": "batch:1", "as": where + "~batch"}]
    assert {o["doc"] for o in again["findings"][0]["occurrences"]} == {where, where + "~batch"}


def test_an_id_another_identity_holds_in_the_index_is_stored_under_a_free_one(tmp_path: Path) -> None:
    # An id the index holds under another identity key (a derived `batch:1`, stored under its file's line; an `x~v2`
    # given) met a record's: looked up by their keys alone, the record's id (or its key's new version `x~v2`) was
    # inserted again: "internal error: IntegrityError: UNIQUE constraint failed", in a batch of new keys (taken in
    # one go) and one by one (a derived id in the batch) alike. Such an id takes the loader's next free `~2`.
    db, old = str(tmp_path / "i.db"), tmp_path / "old"
    old.mkdir()
    write_jsonl(old / "batch.jsonl", [{"text": f"story {n} of the first day with enough words in it"} for n in (1, 2)])
    adds = [[{"id": "x~v2", "text": "a record whose id looks like a later version of another"}], [],
            [{"id": "batch:1", "text": "a record given the id another file's line has in the index"}],
            [{"text": "a record without an id"}, {"id": "batch:2", "text": "another given a taken id"}],
            [{"id": "x", "text": "the first version of x"}], [{"id": "x", "text": "the second version of x"}]]
    for n, records in enumerate(adds):
        result = run("index", "add", db, str(write_jsonl(tmp_path / f"a{n}.jsonl", records) if records else old))
        assert result.exit_code == 0, result.output
    assert [row[0] for row in _stored(db)] == [
        "x~v2", "batch:1", "batch:2", "batch:1~2", "a3:1", "batch:2~2", "x", "x~v2~2"]
    assert run("index", "remove", db, "--doc", "batch:2~2").stdout == f"{db}: removed 1 document\n"


def _stored(db: str) -> list[tuple[str, str, int]]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT id, key, version FROM docs ORDER BY seq").fetchall()


def test_one_add_of_several_scrapes_keeps_each_identity_as_daily_adds_do(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # A backfill (`index add H archive/`) meets the re-scrapes that daily adds meet one day at a time; the loader's
    # renaming of a repeated id or url (x~2, a path and line) made them other documents, and a derived id of another
    # folder's file (batch:4) was stored under the path as given (relative), not its full path as daily adds do.
    monkeypatch.chdir(tmp_path)
    text = " ".join(f"word{i}" for i in range(40))
    days = [[{"id": "x", "text": text}, {"id": "y", "text": "y " + text}, {"url": "https://u.example/1", "text": text}],
            [{"id": "x", "text": text}, {"id": "y", "text": "y " + text + " corrected"},
             {"url": "https://u.example/1", "text": text + " edited"}]]
    folders = []
    for n, records in enumerate(days):
        (tmp_path / f"d{n}").mkdir()
        write_jsonl(tmp_path / f"d{n}" / "batch.jsonl", records + [{"text": f"feed notice {n} of the day, in words"}])
        folders.append(f"d{n}")
    once, daily = "once.db", "daily.db"
    assert run("index", "add", once, *folders).stdout == (
        f"{once}: 5 added, 1 unchanged, 2 new versions, 0 skipped documents\n  new version y~v2 of y\n"
        "  new version https://u.example/1~v2 of https://u.example/1\n")
    for folder in folders:
        run("index", "add", daily, folder)
    second = f"{tmp_path.resolve() / 'd1' / 'batch.jsonl'}:4"
    assert _stored(once) == _stored(daily) == [
        ("x", "x", 1), ("y", "y", 1), ("https://u.example/1",) * 2 + (1,),
        ("batch:4", f"{tmp_path.resolve() / 'd0' / 'batch.jsonl'}:4", 1), ("y~v2", "y", 2),
        ("https://u.example/1~v2", "https://u.example/1", 2), (second, second, 1)]
    # scan --against --add: a re-scrape inside the batch is a finding of the check, and one document in the index.
    fresh = "fresh.db"
    run("index", "add", fresh, folders[0])
    other = " ".join(f"other{i}" for i in range(40))
    batch = write_jsonl(tmp_path / "b.jsonl", [{"id": "z", "text": other}, {"id": "z", "text": other}])
    result = run("scan", str(batch), "--against", fresh, "--add", "--format", "json")
    assert any({o["doc"] for o in f["occurrences"]} == {"z", "z~2"} for f in json.loads(result.stdout)["findings"])
    assert f"{fresh}: 1 added, 1 unchanged, 0 new versions, 0 skipped documents\n" in result.stderr
    assert [row for row in _stored(fresh) if row[0].startswith("z")] == [("z", "z", 1)]


@pytest.mark.parametrize(("text", "outlet", "found"), [
    ("WASHINGTON (AP) — The senate voted.", "AP", "(AP)"),
    ("Prices rose, according to Reuters data.", "Reuters", "according to Reuters"),
    ("Shares fell 2 pct -Reuters", "Reuters", "-Reuters"),
    ("PARIS, March 3 (AFP) - talks", "Agence France-Presse", "(AFP)"),
    ("The Associated Press reported the fire.", "AP", "Associated Press reported"),
    ("Reutersville mayor spoke.", "Reuters", ""),
    ("According to Reuters, prices rose.", "Reuters", "According to Reuters"),  # a sentence's first words
    ("According to The Associated Press, the bill passed.", "AP", "According to The Associated Press"),
    ("Prices rose on Monday.\nSource: Reuters", "Reuters", "Source: Reuters"),
    ("Via AFP: talks resumed.", "AFP", "Via AFP"),
    ("Data from Thomson-Reuters and an Ipsos-Reuters poll showed it.", "Reuters", ""),  # a name's compound, no sign-off
    ("Shares fell 2 pct.\u2014Reuters", "Reuters", "\u2014Reuters"),
])
def test_credit(text: str, outlet: str, found: str) -> None:
    assert credit(text, outlet) == found


def test_a_credit_inside_the_copied_words_is_the_origin_speaking_not_a_credit(tmp_path: Path) -> None:
    # Reuters writes "told Reuters" of its own reporting (726 of Reuters-21578's 19,043 articles): a copy of such a
    # paragraph carries it without crediting anyone, and was reported as credited.
    quote = ("Jon Rosenbaum, assistant U.S. trade representative and head of Washington's delegation to the talks, "
             "told Reuters on his return from London that the United States is willing to resume the coffee "
             "negotiations as early as April if necessary.")
    db = str(tmp_path / "h.db")
    history = [{"id": "r1", "source": "Reuters", "date": "1987-03-04",
                "text": "Coffee talks in London broke down after producers failed to agree on export quotas. " + quote}]
    run("index", "add", db, str(write_jsonl(tmp_path / "h.jsonl", history)))
    batch = [{"id": "copied", "source": "Daily Ledger", "date": "1987-03-12",
              "text": "Traders were cautious on Friday.\n" + quote + "\nLocal dealers expect calm."},
             {"id": "dateline", "source": "The Sun", "date": "1987-03-12", "text": "LONDON (Reuters) - " + quote},
             {"id": "quoted", "source": "The Post", "date": "1987-03-12",
              "text": quote + " Prices held steady, a broker in New York told Reuters"}]  # its own, last
    checked = json.loads(run("scan", str(write_jsonl(tmp_path / "b.jsonl", batch)), "--against", db,
                             "--format", "json").stdout)
    assert [(r["doc"], r["credited"], r["credit"]) for o in checked["origins"] if o["doc"] == "r1"
            for r in o["reuses"]] == [("copied", False, ""), ("dateline", True, "(Reuters)"),
                                      ("quoted", True, "told Reuters")]


_DEAL = ("The company is in talks to buy its rival for about 2 billion dollars, people familiar with the matter told "
         "Reuters on Tuesday. Dealers, people familiar with the matter told Reuters. Shares of both companies rose "
         "sharply in early trade after the news broke.")


@pytest.mark.parametrize(("text", "found"), [
    # The reuser's own sentence in Reuters' formula: the words before the credit are the origin's, those after not.
    ("Shares rose. Dealers, people familiar with the matter told Reuters the deal could come within weeks.",
     "told Reuters"),
    ("The deal could come within weeks, people familiar with the matter told Reuters.", "told Reuters"),
    # Copied: the origin's words on both sides; before a credit that ends the reuser's sentence, eight of them.
    ("Traders were calm. " + _DEAL, ""),
    ("Traders were calm. The company is in talks to buy its rival for about 2 billion dollars, people familiar "
     "with the matter told Reuters on Tuesday.", ""),
    ("Traders were calm. " + _DEAL.replace(" on Tuesday", "") + " Local dealers expect calm.", ""),
    ("Traders were calm. Dealers, people familiar with the matter told Reuters.", ""),  # a short sentence copied
])
def test_a_credit_in_the_origins_formula_but_the_reusers_own_sentence_counts(text: str, found: str) -> None:
    assert credit(text, "Reuters", _DEAL) == found


_CREDIT_WORDS = ["Reuters", "Reuter", "reuters", "AP", "Associated Press", "AFP", "The Sun", "(", ")", "-", "\u2014",
                 "according to", "the", "reported", "said", "told", "via", "source:", " ", "\n", "LONDON", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CREDIT_WORDS), max_size=12).map("".join),
       st.sampled_from(["Reuters", "AP", "Agence France-Presse", "The Sun", " reuters "]))
def test_credit_pre_check_gives_what_the_pattern_alone_gives(text: str, outlet: str) -> None:
    found = credit_pattern(outlet).search(text)
    assert credit(text, outlet) == (found.group(0).strip() if found else "")


def test_scan_against_pairs_a_large_bucket_as_the_rescan_does(tmp_path: Path) -> None:
    # 130 stored copies of one wire story (edited one word each) and a batch copy: one LSH bucket of over
    # MAX_BUCKET documents, where the rescan pairs neighbours only, and shingles in over fanout + 1 places.
    words = " ".join(f"w{i}" for i in range(60))
    history = [Document(f"h{i}", "Reuters", "", "", None, f"{words} tail{i}", Origin("h.jsonl", i + 1), "")
               for i in range(130)]
    batch = [Document("b", "AP", "", "", None, f"{words} tail", Origin("b.jsonl", 1), "")]
    expected = [f for f in scan(history + batch, CONFIG).findings if any(o.doc == "b" for o in f.occurrences)]
    with open_index(tmp_path / "h.db", IndexParams.from_config(CONFIG), create=True) as index:
        index.add(history[:60], batch_size=16)
        index.add(history[60:], batch_size=16)
        checked = scan_against(index, batch, CONFIG, read_all=0)
    assert list(checked.result.findings) == expected
    assert expected[0].kind == "near_duplicate" and len(expected[0].occurrences) == 131
    assert len(expected[0].pairs) < 131 * 130 // 2  # not every pair: the bucket's neighbours and linked places


_SPANS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 60), st.integers(1, 30)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_SPANS, st.lists(st.tuples(st.integers(0, 4), st.integers(0, 60), st.integers(1, 30), st.booleans()),
                        min_size=1, max_size=12))
def test_frontier_keys_overlapping_places_are_a_scan_of_each_place(
        keys: list[tuple[int, int, int]], places: list[tuple[int, int, int, bool]]) -> None:
    """The keys ``_frontier`` looks up: those of a document taken whole, or over characters that overlap a
    place of their document; the same as testing every place against every key."""
    from dedupe.index.query import _overlapping

    keys = sorted(keys)  # owners ascend, as passage_keys gives them
    owners = np.array([k[0] for k in keys], dtype=np.int64)
    reach = (np.array([k[1] for k in keys], dtype=np.int64), np.array([k[1] + k[2] for k in keys], dtype=np.int64))
    owner, start, end, whole = (np.array(column) for column in zip(*[(d, s, s + w, h) for d, s, w, h in places]))
    chosen = _overlapping(owners, reach, owner.astype(np.int64), start.astype(np.int64), end.astype(np.int64),
                          whole.astype(bool))
    expected = [any(d == k_doc and (h or (k_start < s + w and k_start + k_width > s)) for d, s, w, h in places)
                for k_doc, k_start, k_width in keys]
    assert chosen.tolist() == expected
