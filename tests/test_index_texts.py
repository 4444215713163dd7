"""dedupe.index.texts and the texts in the index file: a dictionary trained from a new index's first add, the same in
every process, stored with the first batch (schema 4) and used by every later add and read; version-3 files read and
added to as they are; a damaged or missing dictionary is one line naming the file."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner, Result

from dedupe.cli import cli
from dedupe.corpus.documents import Document, Origin
from dedupe.corpus.load import load_corpus
from dedupe.errors import InputError
from dedupe.index import IndexParams, open_index, schema
from dedupe.index import store as store_module
from dedupe.index.texts import MIN_SAMPLES, PLAIN, SAMPLE_CHARS, SAMPLE_DOCUMENTS, ZSTD_LEVEL, trained
from dedupe.scan.config import ScanConfig
from tests.index_data import corpora, small_records, write_jsonl

ROOT = Path(__file__).resolve().parent.parent
PARAMS = IndexParams.from_config(ScanConfig())


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _documents(count: int, seed: int = 9) -> list[Document]:
    return [Document(id=r["id"], outlet=r["source"], title="", url=r["url"], date=None, text=r["text"],
                     origin=Origin("docs.jsonl", i + 1)) for i, r in enumerate(small_records(count, seed))]


def _meta(db: Path) -> dict[str, object]:
    with sqlite3.connect(db) as connection:
        return dict(connection.execute("SELECT name, value FROM meta").fetchall())


def _frames(db: Path) -> list[bytes]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT text FROM docs ORDER BY seq")]


# --- the codec ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_dictionary", [False, True])
def test_frames_are_those_of_one_compress_call_each_and_read_back(with_dictionary: bool) -> None:
    codec = trained(_documents(200)) if with_dictionary else PLAIN
    texts = [d.text.encode("utf-8") for d in _documents(40, seed=4)] + [b"", b"x", "\u00e9t\u00e9 ".encode() * 5000]
    loaded = zstandard.ZstdCompressionDict(codec.dictionary) if with_dictionary else None
    one_by_one = zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=loaded, write_dict_id=False)
    frames = codec.compress(texts)
    assert frames == [one_by_one.compress(text) for text in texts]
    assert [codec.decompress(frame) for frame in frames] == texts
    assert bool(codec.dictionary) == with_dictionary


def test_a_dictionary_makes_the_frames_of_later_texts_smaller() -> None:
    codec = trained(_documents(SAMPLE_DOCUMENTS))
    later = [d.text.encode("utf-8") for d in _documents(300, seed=11)]  # texts it was not trained on
    assert sum(map(len, codec.compress(later))) < 0.9 * sum(map(len, PLAIN.compress(later)))


def test_the_dictionary_is_trained_from_the_first_documents_cut_short() -> None:
    documents = _documents(SAMPLE_DOCUMENTS + 50)
    first = trained(documents[:SAMPLE_DOCUMENTS]).dictionary
    assert len(first) == 16384
    assert trained(documents).dictionary == first  # documents after the first SAMPLE_DOCUMENTS are not read
    longer = replace(documents[0], text=documents[0].text.ljust(SAMPLE_CHARS, " ") + " tail" * 2000)
    cut = replace(documents[0], text=longer.text[:SAMPLE_CHARS])
    assert trained([longer, *documents[1:]]).dictionary == trained([cut, *documents[1:]]).dictionary
    assert trained(documents[1:SAMPLE_DOCUMENTS + 1]).dictionary != first


def test_too_few_texts_leave_the_index_without_a_dictionary() -> None:
    documents = _documents(MIN_SAMPLES)
    assert trained(documents[:-1]) is PLAIN
    assert trained([*documents[:-1], replace(documents[-1], text="")]) is PLAIN  # an empty text is no sample
    assert trained(documents).dictionary


def test_the_dictionary_is_the_same_in_another_process() -> None:
    script = ("import hashlib\n"
              "from tests.test_index_texts import _documents\n"
              "from dedupe.index.texts import trained\n"
              "print(hashlib.sha256(trained(_documents(500)).dictionary).hexdigest())\n")
    there = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert there.stdout.strip() == hashlib.sha256(trained(_documents(500)).dictionary).hexdigest()


# --- the index file ----------------------------------------------------------------------------------------------


def _add_in_process(db: Path, corpus: Path, child: bool) -> None:
    """``dedupe index add DB CORPUS --batch-size 50`` in a new process, its batches made by a forked child or not."""
    script = ("import sys\n"
              "import dedupe.index.prepare as prepare\n"
              f"prepare.idle_core = lambda: {child}\n"
              "from dedupe.cli import main\n"
              f"sys.argv = ['dedupe', 'index', 'add', {str(db)!r}, {str(corpus)!r}, '--batch-size', '50']\n"
              "main()\n")
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, capture_output=True)


def test_an_index_built_twice_from_the_same_input_is_the_same_file(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "docs.jsonl", small_records(400))
    built = []
    for number, child in enumerate((True, False, True)):
        db = tmp_path / f"i{number}.db"
        _add_in_process(db, corpus, child)
        built.append(hashlib.sha256(db.read_bytes()).hexdigest())
    assert built[0] == built[1] == built[2]
    assert len(_meta(tmp_path / "i0.db")[schema._DICTIONARY]) == 16 + 16384  # type: ignore[arg-type]


def test_a_new_index_stores_its_dictionary_with_the_first_batch_and_keeps_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history, batch = corpora()
    db = tmp_path / "h.db"
    assert run("index", "add", str(db), str(write_jsonl(tmp_path / "h.jsonl", history))).exit_code == 0
    stored = _meta(db)[schema._DICTIONARY]
    assert _meta(db)["schema_version"] == "5" and json.loads(
        run("index", "info", str(db), "--format", "json").stdout)["index_schema_version"] == 5
    assert stored[16:] == trained(load_corpus([str(tmp_path / "h.jsonl")]).documents).dictionary  # type: ignore[index]
    monkeypatch.setattr(store_module, "trained", lambda documents: pytest.fail("a later add trained a dictionary"))
    assert run("index", "add", str(db), str(write_jsonl(tmp_path / "b.jsonl", batch))).exit_code == 0
    assert _meta(db)[schema._DICTIONARY] == stored  # a later add uses it, and trains none
    with open_index(db) as index:
        read = {s.document.id: s.document.text for s in index.fetch_all()}
    assert read == {r["id"]: r["text"] for r in history + batch}
    with pytest.raises(zstandard.ZstdError):  # the frames need the dictionary: it is in use
        zstandard.ZstdDecompressor().decompress(_frames(db)[0])


def _version_3(db: Path, documents: list[Document], monkeypatch: pytest.MonkeyPatch) -> None:
    """An index as dedupe wrote it before schema 4: version 3's tables (schema.tables), every text compressed without
    a dictionary, no dictionary row."""
    with monkeypatch.context() as patched:
        patched.setattr(schema, "create", lambda *args: _create(*args, version=3))
        with open_index(db, PARAMS, create=True) as index:
            index.add(documents, batch_size=50)
    assert _meta(db)["schema_version"] == "3" and schema._DICTIONARY not in _meta(db)


_create = schema.create


def test_a_version_3_index_is_read_and_added_to_as_version_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history, batch = corpora()
    history_path, batch_path = write_jsonl(tmp_path / "h.jsonl", history), write_jsonl(tmp_path / "b.jsonl", batch)
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    _version_3(old, list(load_corpus([str(history_path)]).documents), monkeypatch)
    run("index", "add", str(new), str(history_path))
    assert "(schema 3)" in run("index", "info", str(old)).stdout
    against = [json.loads(run("scan", str(batch_path), "--against", str(db), "--format", "json").stdout)
               for db in (old, new)]
    assert against[0]["findings"] == against[1]["findings"] and against[0]["findings"]
    assert run("index", "add", str(old), str(batch_path)).exit_code == 0
    assert _meta(old)["schema_version"] == "3" and schema._DICTIONARY not in _meta(old)
    plain = zstandard.ZstdDecompressor()
    assert [plain.decompress(frame).decode("utf-8") for frame in _frames(old)] == [
        r["text"] for r in history + batch]  # the added texts too: compressed without a dictionary
    assert run("index", "remove", str(old), "--doc", history[0]["id"]).exit_code == 0
    with open_index(old) as index:
        assert [s.document.text for s in index.fetch_all()] == [r["text"] for r in history[1:] + batch]


@pytest.mark.parametrize("damage", ["cut", "byte", "missing"])
def test_a_damaged_or_missing_dictionary_is_one_line_naming_the_file(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "h.db"
    history, batch = corpora()
    run("index", "add", str(db), str(write_jsonl(tmp_path / "h.jsonl", history)))
    with sqlite3.connect(db) as connection:
        if damage == "missing":
            connection.execute("DELETE FROM meta WHERE name = ?", (schema._DICTIONARY,))
        else:
            value = bytearray(_meta(db)[schema._DICTIONARY])  # type: ignore[arg-type]
            value = value[:5000] if damage == "cut" else value[:9000] + bytes([value[9000] ^ 1]) + value[9001:]
            connection.execute("UPDATE meta SET value = ? WHERE name = ?", (bytes(value), schema._DICTIONARY))
    why = "is missing" if damage == "missing" else "does not match its digest"
    for command in (("index", "info", str(db)), ("scan", str(write_jsonl(tmp_path / "b.jsonl", batch)), "--against",
                                                 str(db)), ("index", "add", str(db), str(tmp_path / "b.jsonl"))):
        result = run(*command)
        assert result.exit_code == 2 and result.stderr == f"Error: {db}: damaged index: its texts' dictionary {why}\n"


def test_two_first_adds_share_the_dictionary_the_first_commit_stored(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    open_index(db, PARAMS, create=True).close()
    first, second = _documents(300), _documents(300, seed=21)
    second = [replace(d, id=f"other-{d.id}") for d in second]
    with open_index(db) as reader, open_index(db) as late:  # opened before any dictionary was stored
        assert reader.texts is None and late.texts is None
        with open_index(db) as early:
            early.add(first, batch_size=100)
        late.add(second, batch_size=100)  # trained its own from ``second``, then found ``first``'s stored
        assert late.texts is not None and late.texts.dictionary == trained(first).dictionary != trained(
            second).dictionary
        assert [s.document.text for s in reader.fetch_all()] == [d.text for d in first + second]


def test_an_unreadable_text_is_one_line_naming_the_file(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with open_index(db, PARAMS, create=True) as index:
        index.add(_documents(200), batch_size=100)
    with sqlite3.connect(db) as connection:  # a frame cut short
        connection.execute("UPDATE docs SET text = substr(text, 1, length(text) / 2) WHERE seq = 1")
    with open_index(db) as index, pytest.raises(InputError) as raised:
        index.fetch([1])
    assert str(raised.value).startswith(f"{db}: damaged index: a stored text cannot be read")
