"""dedupe.index.schema: a new file records its schema version and parameters; another version, or a file without
them, is refused with one line."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from dedupe.errors import ConfigError, InputError
from dedupe.index import schema
from dedupe.index.keys import IndexParams
from dedupe.scan.config import ScanConfig

PARAMS = IndexParams.from_config(ScanConfig())


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_a_new_file_records_the_version_and_parameters_it_was_built_with(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    assert schema.create(_connect(path), PARAMS, path) == PARAMS
    meta = dict(_connect(path).execute("SELECT name, value FROM meta").fetchall())
    assert meta["schema_version"] == str(schema.SCHEMA_VERSION)
    assert schema.read_params(_connect(path), path) == PARAMS
    other = replace(PARAMS, ngram=PARAMS.ngram + 1)
    assert schema.create(_connect(path), other, path) == PARAMS  # created already (another process): its own kept


def test_another_schema_version_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    schema.create(_connect(path), PARAMS, path)
    _connect(path).execute("UPDATE meta SET value = '2' WHERE name = 'schema_version'")
    with pytest.raises(ConfigError, match=f"index schema version 2, this dedupe reads {schema.SCHEMA_VERSION};"):
        schema.read_params(_connect(path), path)


def test_a_database_without_meta_is_not_an_index_and_a_new_one_needs_parameters(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    _connect(path).execute("CREATE TABLE t(x)")
    with pytest.raises(InputError, match="not a dedupe index"):
        schema.read_params(_connect(path), path)
    with pytest.raises(ConfigError, match="needs its parameters"):
        schema.create(_connect(tmp_path / "new.db"), None, tmp_path / "new.db")
