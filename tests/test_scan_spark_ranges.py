"""``dedupe.scan.spark_ranges``: byte ranges of a JSON Lines file read as the local loader reads the whole file.

No Spark here: the ranges are cut, counted and read by the same functions the Spark tasks call (the
Spark scan over ranges is checked against the local engine in ``tests/test_scan_spark.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Document, LoadOptions
from dedupe.scan import spark_ranges
from dedupe.scan.spark_ranges import Range, count, cut, file_pieces, numbered, range_items
from dedupe.scan.spark_read import Input


def messy_lines() -> bytes:
    """JSON Lines with a byte-order mark, "\\r\\n" and lone "\\r" line ends, blank lines, bad records,
    records without ids (named by their line) and non-ASCII text."""
    records = []
    for number in range(60):
        record: dict[str, str] = {"text": f"Article {number} says caf\u00e9 and na\u00efve things, {number * 7} times."}
        if number % 3:
            record["id"] = f"doc{number}"
        records.append(json.dumps(record, ensure_ascii=number % 2 == 0))
    records[10] = "{broken"
    records[20] = "[1, 2]"
    records[30] = json.dumps({"id": "empty", "text": "  "})
    ends = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"]
    body = "".join(record + ends[number % len(ends)] for number, record in enumerate(records))
    return b"\xef\xbb\xbf" + body.encode("utf-8")


def ranges_of(path: Path, partitions: int) -> list[Range]:
    item = Input(str(path), path.resolve().as_uri(), 0)
    pieces = file_pieces(item, str(path), partitions)
    return numbered(pieces, [count(piece) for piece in pieces]).get(0, [])


@pytest.fixture()
def small_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spark_ranges, "MIN_RANGE", 1)  # cut even a small file into many ranges


@pytest.mark.usefixtures("small_ranges")
@pytest.mark.parametrize("partitions", [1, 2, 7, 40])
def test_ranges_read_the_records_and_lines_of_the_local_loader(tmp_path: Path, partitions: int) -> None:
    path = tmp_path / "messy.jsonl"
    path.write_bytes(messy_lines())
    loaded = load_corpus([str(path)])
    ranges = ranges_of(path, partitions)
    assert len(ranges) == partitions
    assert [(r.start, r.stop) for r in ranges] == list(zip([0, *[r.stop for r in ranges[:-1]]],
                                                            [r.stop for r in ranges]))
    items = [item for part in ranges for item in range_items(part, LoadOptions())]
    documents = [item[3] for item in items if isinstance(item[3], Document)]
    assert documents == list(loaded.documents)
    assert [str(item[3]) for item in items if not isinstance(item[3], Document)] == [str(s) for s in loaded.skipped]
    assert {d.id for d in documents} >= {f"messy:{d.origin.line}" for d in documents if not d.id.startswith("doc")}


@pytest.mark.usefixtures("small_ranges")
def test_a_range_read_again_parses_only_the_wanted_lines(tmp_path: Path) -> None:
    path = tmp_path / "messy.jsonl"
    path.write_bytes(messy_lines())
    for part in ranges_of(path, 5):
        every = [item for item in range_items(part, LoadOptions()) if isinstance(item[3], Document)]
        wanted = [item[1] for item in every[1::3]]
        again = list(range_items(part, LoadOptions(), wanted))
        assert again == every[1::3]


def test_cuts_fall_at_line_starts_and_cover_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    data = b"".join(b'{"text": "%s"}\n' % (b"x" * (n % 17)) for n in range(500))
    path.write_bytes(data)
    for pieces in (1, 3, 8, 499, 2000):
        found = cut(str(path), len(data), pieces)
        assert found[0][0] == 0 and found[-1][1] == len(data) and len(found) <= pieces
        assert all(data[start - 1:start] == b"\n" for start, _ in found[1:])
        assert all(stop == start for (_, stop), (start, _) in zip(found, found[1:]))


@pytest.mark.parametrize(("content", "plain"), [
    (b'{"id": "a", "text": "x"}\n', True),
    (b'\n\n{"id": "a", "text": "x"}\n', True),
    (b"{oops\n{}\n", False),  # "{" first, not one line of JSON: read whole, the local loader decides
    (b'[{"id": "a", "text": "x"}]\n', False),  # a JSON array
    (b'{\n  "id": "a",\n  "text": "x"\n}\n', False),  # one pretty-printed object
    (b'{"text": "a\x00b"}\n', False),  # NUL bytes: the local loader calls the file binary
])
def test_only_plain_json_lines_are_cut(tmp_path: Path, content: bytes, plain: bool) -> None:
    path = tmp_path / "file.jsonl"
    path.write_bytes(content)
    assert bool(file_pieces(Input(str(path), path.as_uri(), 0), str(path), 2)) == plain


def test_a_file_that_is_not_utf8_is_left_to_the_whole_file_reader(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"id": "a", "text": "tea"}\n{"id": "b", "text": "caf\u00e9 au lait"}\n'.encode("cp1252"))
    pieces = file_pieces(Input(str(path), path.as_uri(), 0), str(path), 2)
    assert pieces and numbered(pieces, [count(piece) for piece in pieces]) == {0: []}
