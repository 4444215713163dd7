"""dedupe.index.schema: a new file records its schema version and parameters, and its first batch its texts'
dictionary; another version, or a file without them, is refused with one line."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from dedupe.errors import ConfigError, InputError
from dedupe.index import schema
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
    assert meta["schema_version"] == str(schema.SCHEMA_VERSION) == "4"
    assert schema.read(_connect(path), path) == schema.Layout(4, PARAMS, None)  # no dictionary before a batch
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
    with pytest.raises(ConfigError, match="index schema version 2, this dedupe reads 3 and 4;"):
        schema.read(_connect(path), path)


def test_a_database_without_meta_is_not_an_index_and_a_new_one_needs_parameters(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    _connect(path).execute("CREATE TABLE t(x)")
    with pytest.raises(InputError, match="not a dedupe index"):
        schema.read(_connect(path), path)
    with pytest.raises(ConfigError, match="needs its parameters"):
        schema.create(_connect(tmp_path / "new.db"), None, tmp_path / "new.db")
