"""dedupe.index.schema: a new file records its schema version and parameters, and its first batch its texts'
dictionary; another version, or a file without them, is refused with one line."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from dedupe.corpus.documents import Document, Origin
from dedupe.errors import ConfigError, InputError
from dedupe.index import open_index, schema
from dedupe.index.keys import IndexParams
from dedupe.index.texts import PLAIN, TextCodec, trained
from dedupe.scan.config import ScanConfig
from tests.test_index_texts import _documents

PARAMS = IndexParams.from_config(ScanConfig())


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_a_new_file_records_the_version_and_parameters_it_was_built_with(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    assert schema.create(_connect(path), PARAMS, path) == schema.Layout(schema.SCHEMA_VERSION, PARAMS, None)
    meta = dict(_connect(path).execute("SELECT name, value FROM meta").fetchall())
    assert meta["schema_version"] == str(schema.SCHEMA_VERSION) == "5"
    assert schema.read(_connect(path), path) == schema.Layout(5, PARAMS, None)  # no dictionary before a batch
    other = replace(PARAMS, ngram=PARAMS.ngram + 1)
    assert schema.create(_connect(path), other, path).params == PARAMS  # created already (another process): its own


def test_the_first_batch_settles_the_dictionary_and_later_ones_find_it(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    schema.create(_connect(path), PARAMS, path)
    ours, theirs = trained(_documents(150)), trained(_documents(150, seed=2))
    connection = _connect(path)
    assert schema.settle_dictionary(connection, ours, path) is ours
    found = schema.settle_dictionary(connection, theirs, path)  # stored already: that one
    assert found.dictionary == ours.dictionary
    texts = schema.read(connection, path).texts
    assert isinstance(texts, TextCodec) and texts.dictionary == ours.dictionary
    empty = tmp_path / "plain.db"
    schema.create(_connect(empty), PARAMS, empty)
    schema.settle_dictionary(_connect(empty), PLAIN, empty)  # a first add too small to train one: none, settled
    texts = schema.read(_connect(empty), empty).texts
    assert texts is not None and texts.dictionary == b""


def test_a_version_3_file_is_read_without_a_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    schema.create(_connect(path), PARAMS, path)
    _connect(path).execute("UPDATE meta SET value = '3' WHERE name = 'schema_version'")
    assert schema.read(_connect(path), path) == schema.Layout(3, PARAMS, PLAIN)


def test_another_schema_version_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    schema.create(_connect(path), PARAMS, path)
    _connect(path).execute("UPDATE meta SET value = '2' WHERE name = 'schema_version'")
    with pytest.raises(ConfigError, match="index schema version 2, this dedupe reads 3, 4 and 5;"):
        schema.read(_connect(path), path)


def test_a_database_without_meta_is_not_an_index_and_a_new_one_needs_parameters(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    _connect(path).execute("CREATE TABLE t(x)")
    with pytest.raises(InputError, match="not a dedupe index"):
        schema.read(_connect(path), path)
    with pytest.raises(ConfigError, match="needs its parameters"):
        schema.create(_connect(tmp_path / "new.db"), None, tmp_path / "new.db")


def _write(path: Path, version: int) -> None:
    """An index file of schema ``version`` as dedupe wrote it (:func:`schema.tables`), with nothing in it."""
    schema.create(_connect(path), PARAMS, path, version=version)


@pytest.mark.parametrize("version", [4, 5])
def test_versions_keys_and_removals_read_alike_and_a_removed_seq_is_never_given_again(tmp_path: Path,
                                                                                      version: int) -> None:
    # Schema 5 has no AUTOINCREMENT and indexes only the keys that are not their row's id (schema.tables); version 4
    # files keep both, and each is read and added to as it is: versions of a key found whether or not the key is an
    # id (a path-and-line key is not), removal by key takes every version, and removing the latest documents never
    # lets a later add give their seq again.
    path = tmp_path / "i.db"
    _write(path, version)
    texts = [" ".join(f"{word}{i}" for i in range(30)) for word in ("alpha", "beta", "gamma", "delta")]

    def add(*docs: tuple[str, int, int | None]) -> tuple[int, tuple[tuple[str, str], ...]]:
        made = [Document(i, "o", "", "", None, texts[t], Origin(str(tmp_path / "b.jsonl"), line))
                for i, t, line in docs]
        with open_index(path) as index:
            done = index.add(made, batch_size=2)
        return done.added, done.new_versions

    assert add(("x", 0, None), ("b:1", 1, 1), ("y", 2, None)) == (3, ())  # b:1: keyed by its path and line
    assert add(("x", 1, None), ("b:1", 2, 1)) == (0, (("x~v2", "x"), ("b:1~v2", "b:1")))
    with open_index(path) as index:
        assert index.stored_ids(["x", "b:1", f"{tmp_path / 'b.jsonl'}:1", "nothing"]) == {
            "x", "b:1", f"{tmp_path / 'b.jsonl'}:1"}
        assert index.remove([f"{tmp_path / 'b.jsonl'}:1"]) == 2  # the key: both versions
        assert index.remove(["x~v2"]) == 1  # the latest seq (5) goes
        assert index.last_seq() == 5
    assert add(("z", 3, None)) == (1, ())
    connection = _connect(path)
    assert connection.execute("SELECT seq, id, key, version FROM docs ORDER BY seq").fetchall() == [
        (1, "x", "x", 1), (3, "y", "y", 1), (6, "z", "z", 1)]
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert schema.read(connection, path).version == version
    increments = connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone()[0]
    assert increments == (version < 5)
