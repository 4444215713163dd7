"""A large JSON Lines file read by two processes from its bytes (dedupe.corpus.halves): the same corpus as one
process reads, and the whole-file reading wherever the parts could differ from it."""

from __future__ import annotations

import codecs
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dedupe.corpus import halves as halves_module, load
from dedupe.corpus.documents import Corpus, Document, LoadOptions
from dedupe.corpus.load import PART_SHARE, load_corpus, part_share
from dedupe.corpus.halves import FileHalves
from dedupe.corpus.readers import BINARY_SNIFF, json_lines
from dedupe.errors import InputError


@pytest.fixture(autouse=True, params=["pieces of 1 MiB", "pieces of 97 bytes"])
def _piece(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test with a part read in one piece, and in many (a record over several of its pieces' first size)."""
    if request.param == "pieces of 97 bytes":
        monkeypatch.setattr(halves_module, "_PIECE", 97)


def _records(count: int, start: int = 0) -> list[str]:
    """JSON Lines records with repeated ids, derived ids, a broken line and a record without text."""
    lines = []
    for number in range(start, start + count):
        if number % 97 == 3:
            lines.append('{"id": "cut", "text": "trunc')
        elif number % 89 == 7:
            lines.append(json.dumps({"id": f"r{number}", "text": "  "}))
        elif number % 5 == 0:
            lines.append(json.dumps({"text": f"no id {number} caf\u00e9 " * 30, "date": "26-FEB-1987"}))
        else:
            lines.append(json.dumps({"id": f"r{number % 150}", "source": "Wire", "url": f"https://example.com/{number}",
                                     "text": f"story {number} " * 40}, ensure_ascii=number % 2 == 0))
    return lines


def _write(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.write_text("".join(line + end for line in lines), encoding="utf-8")
    return path


def _both(path: Path, monkeypatch: pytest.MonkeyPatch, options: LoadOptions | None = None) -> tuple[Corpus, Corpus]:
    """The corpus loaded by one process, then by two (forced, as on an idle machine; nothing meanwhile: the file's
    first part, :func:`part_share`, is large enough for its checks)."""
    monkeypatch.setattr(load, "FORK_CHARS", 10**12)
    alone = load_corpus([str(path)], options)
    monkeypatch.setattr(load, "FORK_CHARS", 1)
    monkeypatch.setattr(load, "idle_core", lambda: True)
    return alone, load_corpus([str(path)], options)


def _opened(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether each FileHalves.first gave a part (the file read in two from its bytes)."""
    taken: list[bool] = []
    first = FileHalves.first

    def recorded(self: FileHalves) -> object:
        part = first(self)
        taken.append(part is not None)
        return part

    monkeypatch.setattr(FileHalves, "first", recorded)
    return taken


def test_a_plain_json_lines_file_read_in_two_from_its_bytes_loads_as_in_one(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "big.jsonl", _records(600))
    taken = _opened(monkeypatch)
    alone, split = _both(path, monkeypatch)
    assert taken == [True]
    assert split == alone and len(alone.skipped) > 4 and len(alone.notes) > 100
    assert [d.origin for d in split.documents] == [d.origin for d in alone.documents]
    with pytest.raises(InputError, match=r"big.jsonl:4: truncated or invalid JSON"):
        load_corpus([str(path)], LoadOptions(strict=True))


def test_blank_lines_before_the_first_record_leave_the_file_read_in_two(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "big.jsonl", [" " * 60] * 3 + _records(600))  # in pieces of 97 bytes: blank pieces first
    taken = _opened(monkeypatch)
    alone, split = _both(path, monkeypatch)
    assert taken == [True] and split == alone and len(alone.documents) > 500


def test_text_field_fallbacks_read_in_two_are_noted_as_in_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = [json.dumps({"id": f"r{n}", ("story" if n % 3 else "text"): f"story {n} " * 40}) for n in range(600)]
    path = _write(tmp_path / "big.jsonl", records)
    options = LoadOptions(text_field="story")
    taken = _opened(monkeypatch)
    alone, split = _both(path, monkeypatch, options)
    assert taken == [True] and split == alone
    assert alone.notes == (f"{path}:1: no text in --text-field 'story'; used 'text' instead (199 more records of this "
                           "file too)",)


def test_fields_not_read_in_two_are_noted_as_in_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = [json.dumps({"id": f"r{n}", "text": f"story {n} " * 40, "source": {"name": "AP"} if n % 3 else "AP"})
               for n in range(600)]
    path = _write(tmp_path / "big.jsonl", records)
    taken = _opened(monkeypatch)
    alone, split = _both(path, monkeypatch)
    assert taken == [True] and split == alone
    assert alone.notes == (f"{path}:2: field 'source' is a JSON object, not text; not read (399 more records of this "
                           "file too)",)


def test_the_cut_falls_on_a_line_start_and_the_later_part_counts_the_lines_before_it(tmp_path: Path) -> None:
    lines = _records(600)
    path = _write(tmp_path / "big.jsonl", lines)
    data = path.read_bytes()
    for share in (0.3, 0.45, 0.5):
        halves = FileHalves.open(path, 1, lambda size, share=share: share)
        assert halves is not None
        with halves:
            first_line = data.find(b"\n", int(len(data) * share) - 1) + 1
            assert halves.cut == first_line and data[halves.cut - 1:halves.cut] == b"\n"
            text, at = data.decode("utf-8"), len(data[:halves.cut].decode("utf-8"))
            assert list(halves.later()) == list(json_lines(text, at, len(text), data[:halves.cut].count(b"\n")))
            path.write_bytes(data[:-10])  # cut short by another process: a part read short is an error, not a record
            with pytest.raises(OSError, match="cut short"):
                halves.later()
            path.write_bytes(data)
    assert FileHalves.open(path, len(data) + 1, lambda size: 0.45) is None  # below the size: read whole


@pytest.mark.parametrize("kind", ["not utf-8 later", "not utf-8 first", "crlf", "cr later", "bom", "array",
                                  "one object", "nul", "gzip by magic", "blank first part"])
def test_a_file_the_parts_could_read_otherwise_is_read_whole(kind: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _records(600)
    path = tmp_path / "big.jsonl"
    if kind.startswith("not utf-8"):  # charset detection reads the whole file as cp1252
        where = len(lines) - 3 if kind.endswith("later") else 2
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        data = data.replace(lines[where].encode("utf-8"), lines[where].encode("utf-8").replace(b"story", b"st\xe9ry"))
        path.write_bytes(data)
    elif kind == "crlf":
        _write(path, lines, "\r\n")
    elif kind == "cr later":  # read whole, a lone "\r" ends a line too: the record splits in two
        _write(path, lines[:-2] + ['{"id": "cr", "text": "one", "title": "a"}\r{"text": "two"}'])
    elif kind == "bom":
        path.write_bytes(codecs.BOM_UTF8 + "".join(line + "\n" for line in lines).encode("utf-8"))
    elif kind == "array":
        path.write_text("[\n" + ",\n".join(lines[1:3]) + "\n" + " " * 8 * BINARY_SNIFF + "\n]\n", encoding="utf-8")
    elif kind == "one object":
        body = ",\n".join(f'"k{n}": {json.dumps(line)}' for n, line in enumerate(lines))
        path.write_text("{\n" + body + "\n}\n", encoding="utf-8")
    elif kind == "nul":
        path.write_text('{"id": "a", "text": "x\\u0000"}\n\x00\n' + "".join(line + "\n" for line in lines))
    elif kind == "gzip by magic":
        body = "".join(line + "\n" for line in lines).encode("utf-8")
        path.write_bytes(gzip.compress(body) + b"\n" * 8 * BINARY_SNIFF)
    else:
        _write(path, [" " * 200] * 1000 + lines[:5])
    taken = _opened(monkeypatch)
    alone, split = _both(path, monkeypatch)
    assert split == alone and (alone.documents or alone.skipped)
    assert True not in taken  # refused before a record was read (open gave None, or first did)


def test_a_child_that_fails_leaves_its_part_to_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "big.jsonl", _records(600))
    taken = _opened(monkeypatch)
    alone, _ = _both(path, monkeypatch)

    class Failing(load.Loader):  # the child's recorder: it decodes its part, says so, then fails
        def __init__(self, options: LoadOptions) -> None:
            raise RuntimeError("the child fails")

    monkeypatch.setattr(load, "_Recorder", Failing)
    assert load_corpus([str(path)]) == alone
    assert taken == [True, True]


def test_a_load_asks_once_whether_a_processor_is_idle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the "\r" file's parts are refused and it is read whole, where the text's cut would ask again
    _write(tmp_path / "a.jsonl", _records(300), end="\r\n")
    _write(tmp_path / "b.jsonl", _records(300, start=300))
    asked: list[bool] = []
    monkeypatch.setattr(load, "FORK_CHARS", 1)
    monkeypatch.setattr(load, "idle_core", lambda: asked.append(True) or True)
    taken = _opened(monkeypatch)
    corpus = load_corpus([str(tmp_path)])
    assert asked == [True] and taken == [False, True]
    assert corpus.documents and corpus.documents[0].origin.path.endswith("a.jsonl")


@pytest.mark.parametrize("repeat", ["across the parts", "within the later part", "none"])
def test_the_later_parts_documents_are_added_in_one_go_only_where_no_id_repeats(repeat: str, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [json.dumps({"id": f"r{n}", "text": f"story {n} " * 40}) for n in range(600)]
    if repeat == "across the parts":  # the first record is in this process' part, the last in the child's
        lines[-1] = json.dumps({"id": "r0", "text": "the first id again"})
    elif repeat == "within the later part":
        lines[-1] = json.dumps({"id": "r598", "text": "the id before it again"})
    path = _write(tmp_path / "big.jsonl", lines)
    taken = _opened(monkeypatch)
    alone, split = _both(path, monkeypatch)
    assert taken == [True] and split == alone
    renamed = {"across the parts": ("r0~2", "r0"), "within the later part": ("r598~2", "r598")}.get(repeat)
    assert alone.renamed == ((renamed,) if renamed else ()) and len(alone.notes) == len(alone.renamed)
    added: list[str] = []  # the documents this process adds one by one (its own part's, else the child's too)
    add = load.Loader.add

    def counted(self: load.Loader, doc: Document, derived: bool = False) -> None:
        added.append(doc.id)
        add(self, doc, derived)

    monkeypatch.setattr(load.Loader, "add", counted)
    assert load_corpus([str(path)]) == alone
    assert (len(added) < 600) == (repeat == "none")


@pytest.mark.parametrize("first", ["repeated id", "broken line"])
def test_strict_stops_at_the_later_parts_first_fault_as_in_one(first: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [json.dumps({"id": f"r{n}", "text": f"story {n} " * 40}) for n in range(600)]
    faults = [json.dumps({"id": "r0", "text": "the first id again"}), '{"id": "cut", "text": "trunc']
    lines[-3:-1] = faults if first == "repeated id" else faults[::-1]
    path = _write(tmp_path / "big.jsonl", lines)
    message = r"duplicate document id 'r0' at \S+:598" if first == "repeated id" else r"big.jsonl:598: truncated"
    monkeypatch.setattr(load, "FORK_CHARS", 10**12)
    with pytest.raises(InputError, match=message):
        load_corpus([str(path)], LoadOptions(strict=True))
    monkeypatch.setattr(load, "FORK_CHARS", 1)
    monkeypatch.setattr(load, "idle_core", lambda: True)
    taken = _opened(monkeypatch)
    with pytest.raises(InputError, match=message):
        load_corpus([str(path)], LoadOptions(strict=True))
    assert taken == [True]


def test_this_process_reads_less_of_a_file_the_more_its_meanwhile_work_weighs(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    x1, x10 = 17_203_187, 171_317_675  # Reuters x1 and x10 (benchmarks.scan_reuters.scaled_corpus), as measured
    assert part_share(x1, True) == pytest.approx(0.22, abs=0.02)
    assert part_share(x10, True) == pytest.approx(0.56, abs=0.01)
    assert part_share(x1, False) == part_share(x10, False) == PART_SHARE
    assert part_share(10**13, True) == pytest.approx(PART_SHARE, abs=1e-5)  # the fixed work weighs nothing
    assert part_share(load.FORK_CHARS, True) == 0.1  # the caller's work outweighs the file's: the child reads most
    path = _write(tmp_path / "big.jsonl", _records(3000))
    size, data = path.stat().st_size, path.read_bytes()
    cuts: list[int] = []
    opened = FileHalves.open

    def cut(path: Path, minimum: int, share: Callable[[int], float]) -> FileHalves | None:
        halves = opened(path, minimum, share)
        cuts.append(halves.cut if halves else 0)
        return halves

    alone, split = _both(path, monkeypatch)
    monkeypatch.setattr(FileHalves, "open", cut)
    assert load_corpus([str(path)], meanwhile=lambda: None) == load_corpus([str(path)]) == alone
    assert cuts == [data.find(b"\n", int(size * share) - 1) + 1 for share in (0.1, PART_SHARE)] and 0 not in cuts
