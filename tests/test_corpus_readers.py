"""Byte decoding and the JSON/CSV record readers behind the corpus loader."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.corpus.readers import csv_records, decode_bytes, decompress, inner_name, json_records, looks_like_csv


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b" \r\n\t", "empty file"),
    (b"\xef\xbb\xbf\n", "empty file"),
    (b"\xff\xfe" + "  ".encode("utf-16-le"), "empty file"),
    (b"GIF89a\x00\x01\x00\x01", "binary file (NUL bytes)"),
    (b"ok\x00ok", "binary file (NUL bytes)"),
    (b"\xef\xbb\xbf\xff\xfe bad", "undecodable: invalid utf-8 after its byte-order mark"),
    (bytes((i * 97 + 13) % 255 + 1 for i in range(400)), "undecodable: not UTF-8 and no other encoding fits"),
])
def test_decode_bytes_reasons(data: bytes, reason: str) -> None:
    assert decode_bytes(data) == (None, reason)


def test_decode_bytes_keeps_line_ends_and_drops_only_the_bom() -> None:
    assert decode_bytes(b"\xef\xbb\xbfa\r\nb\rc\n") == ("a\r\nb\rc\n", "")
    assert decode_bytes(b"\xfe\xff" + "x\r\ny".encode("utf-16-be")) == ("x\r\ny", "")


def test_json_lines_numbers_count_every_line_end() -> None:
    text = '{"a": 1}\r\n\r\n{"a": 2}\r{"a": 3}\n{bad}\n'
    assert list(json_records(text)) == [
        (1, {"a": 1}, None), (3, {"a": 2}, None), (4, {"a": 3}, None),
        (5, None, "invalid JSON: Expecting property name enclosed in double quotes (column 2)")]


def test_json_array_numbers_elements_by_their_first_line() -> None:
    text = '[\r\n {"a": 1},\r\n {\r\n  "a": 2\r\n }, 3]'
    assert list(json_records(text)) == [(2, {"a": 1}, None), (3, {"a": 2}, None), (5, 3, None)]


def test_json_single_pretty_object() -> None:
    assert list(json_records('\n\n{\n "a": [1,\n 2]\n}\n')) == [(3, {"a": [1, 2]}, None)]


def test_csv_records_first_lines_and_normalised_header() -> None:
    text = ' Text ,ID\n"multi\nline",1\n\n"x",2\n'
    assert list(csv_records(text)) == [
        (2, {"text": "multi\nline", "id": "1"}, None), (5, {"text": "x", "id": "2"}, None)]


def test_csv_records_stop_at_an_unterminated_quote_naming_its_row() -> None:
    assert list(csv_records('text,id\nok,1\n"runs on\nb,c\nd,e\n')) == [
        (2, {"text": "ok", "id": "1"}, None),
        (3, None, "invalid CSV: unexpected end of data (rest of the file skipped)")]
    assert list(csv_records('text\n"a" b\n'))[-1] == (
        2, None, "invalid CSV: ',' expected after '\"' (rest of the file skipped)")


def _compressors() -> dict[str, Callable[[bytes], bytes]]:
    import zstandard

    return {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress,
            ".zst": zstandard.ZstdCompressor().compress}


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_decompress_by_suffix_and_by_magic_bytes(suffix: str) -> None:
    data = b'{"id": "a", "text": "x"}\n' * 50
    packed = _compressors()[suffix](data)
    assert decompress(packed, f"batch.jsonl{suffix}") == (data, "")
    assert decompress(packed, "batch.jsonl") == (data, "")  # no suffix: the magic bytes tell
    content, reason = decompress(packed[: len(packed) - 6], f"batch.jsonl{suffix}")
    assert content is None and reason.startswith("corrupt or truncated ")


def test_decompress_leaves_plain_bytes_and_refuses_a_lying_suffix() -> None:
    assert decompress(b"plain text", "a.txt") == (b"plain text", "")
    assert decompress(b"plain text", "a.txt.gz") == (None, "not gzip data (the name ends in .gz, the bytes do not)")
    assert inner_name("batch.jsonl.GZ") == "batch.jsonl" and inner_name("a.txt") == "a.txt"


def test_a_truncated_json_line_says_so() -> None:
    text = '{"id": "a", "text": "cut off he\n{"id": "b", "text": "fine"}\n{"id": 1,}\n{"id": "c", "te'
    assert list(json_records(text)) == [
        (1, None, "truncated or invalid JSON: Unterminated string starting at (column 21)"),
        (2, {"id": "b", "text": "fine"}, None),
        (3, None, "invalid JSON: Expecting property name enclosed in double quotes (column 10)"),
        (4, None, "truncated or invalid JSON: Unterminated string starting at (column 13)")]


def test_a_lone_surrogate_escape_is_a_bad_record_in_every_json_layout() -> None:
    def half(code: str) -> str:
        return f"invalid JSON: \\u{code} escapes half a character (a lone surrogate)"

    pair, bad = '{"id": "p", "text": "\\ud83d\\ude00 ok"}', '{"id": "a\\ud800", "text": "x"}'
    assert list(json_records(f'{pair}\n{bad}\n{{"\\udfff": 1, "text": "y"}}\n{{"text": ["\\udc00"]}}\n')) == [
        (1, {"id": "p", "text": "\U0001f600 ok"}, None), (2, None, half("d800")), (3, None, half("dfff")),
        (4, None, half("dc00"))]
    assert list(json_records(f"[{pair},\n{bad}]")) == [(1, {"id": "p", "text": "\U0001f600 ok"}, None),
                                                        (2, None, half("d800"))]
    assert list(json_records('{\n "id": "a",\n "text": "\\udfff"\n}')) == [(1, None, half("dfff"))]


@pytest.mark.parametrize(("text", "expected"), [
    ("id,text,source\n1,hello,AP\n", True),
    ("\n\nID; Text\n", False),            # one cell: not comma-separated
    ('"id","Body"\r\n1,"x"\r\n', True),
    ("Hello, world, said the text.\nMore.", False),  # prose with commas names no text column
])
def test_looks_like_csv(text: str, expected: bool) -> None:
    assert looks_like_csv(text, ("text", "body")) is expected


def test_a_text_that_begins_like_bzip2_is_text() -> None:
    assert decompress(b"BZhang said the talks would go on.", "note.txt") == (b"BZhang said the talks would go on.", "")
    assert decompress(bz2.compress(b""), "empty") == (b"", "")


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats(allow_nan=True)
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=4), _JSON_VALUES, max_size=4), min_size=1, max_size=4))
def test_json_lines_give_the_standard_librarys_values(records: list[dict[str, object]]) -> None:
    lines = [json.dumps(record, ensure_ascii=bool(i % 2)) for i, record in enumerate(records)]
    read = list(json_records("\n".join(lines) + "\n"))
    assert [(line, repr(value), error) for line, value, error in read] == [
        (i + 1, repr(json.loads(text)), None) for i, text in enumerate(lines)]
