"""Byte decoding and the JSON/CSV record readers behind the corpus loader."""

from __future__ import annotations

import pytest

from dedupe.corpus.readers import csv_records, decode_bytes, json_records


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
