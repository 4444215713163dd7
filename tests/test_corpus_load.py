"""Loading corpora: every input format, field names, decoding and bad input (library level)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from dedupe.corpus import records
from dedupe.corpus.dates import parse_date
from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Corpus, Document, LoadOptions, Origin
from dedupe.corpus.readers import json_lines_cut
from dedupe.errors import ConfigError, InputError

DATA = Path(__file__).parent / "data" / "formats"
SEEDS = Path(__file__).parent.parent / "data"


def _load(*paths: Path | str, **options: object) -> Corpus:
    return load_corpus([str(p) for p in paths], LoadOptions(**options))  # type: ignore[arg-type]


def _by_id(corpus: Corpus) -> dict[str, Document]:
    return {doc.id: doc for doc in corpus.documents}


# --- the seed corpus -------------------------------------------------------------------------------

def test_seed_corpus_gets_outlets_dates_and_titles_from_its_manifest() -> None:
    corpus = _load(SEEDS)
    assert [d.id for d in corpus.documents] == [f.stem for f in sorted(SEEDS.glob("*.txt"))]
    assert [d.outlet for d in corpus.documents] == [
        "The Sun", "Daily Mail", "Reuters", "The Independent", "EA WorldView"]
    assert [d.date for d in corpus.documents] == [
        dt.date(2016, 10, 13), dt.date(2013, 9, 9), dt.date(2016, 9, 28), dt.date(2016, 9, 28), dt.date(2016, 9, 29)]
    assert corpus.documents[2].title == "No joint work with Russia till Aleppo assault ends, says US"
    assert corpus.documents[0].url == ""
    assert corpus.skipped == ()


def test_seed_text_is_kept_byte_for_byte() -> None:
    doc = _load(SEEDS / "001_d3aebe4b90fe0be1.txt").documents[0]
    assert doc.text == (SEEDS / "001_d3aebe4b90fe0be1.txt").read_bytes().decode("utf-8")
    assert doc.origin == Origin(str(SEEDS / "001_d3aebe4b90fe0be1.txt"))


def test_a_file_named_directly_still_uses_the_manifest_beside_it() -> None:
    doc = _load(SEEDS / "003_c71ec08203a11230.txt").documents[0]
    assert (doc.outlet, doc.date) == ("The Independent", dt.date(2016, 9, 28))


# --- formats and field names --------------------------------------------------------------------

def test_folder_is_walked_recursively_sorted_hidden_skipped_manifest_applied() -> None:
    corpus = _load(DATA / "site")
    assert [(d.id, d.outlet, d.title, d.date) for d in corpus.documents] == [
        ("alpha-doc", "The Guardian", "Alpha title", dt.date(2016, 9, 30)),
        ("beta", "BBC News", "Beta title", None),
    ]
    assert [(d.raw_date, d.date_text) for d in corpus.documents][1] == ("not a date", "not a date")
    assert corpus.documents[1].origin.path.endswith("site/sub/beta.md")
    assert corpus.skipped == ()


def test_jsonl_scraper_field_names_and_fallbacks() -> None:
    docs = _load(DATA / "scraped.jsonl").documents
    got = [(d.id, d.outlet, d.date, d.origin.line, d.text) for d in docs]
    assert docs[3].raw_date == docs[3].date_text == "last Thursday"  # the date text kept as given
    assert got == [
        ("np-1", "dailymail.co.uk", dt.date(2013, 9, 9), 1, "Kerry spoke in London. He met Hague."),
        ("scraped:2", "EA WorldView", dt.date(2016, 9, 29), 2, "Russia will continue bombing, the Kremlin said."),
        ("https://www.reuters.com/article/x", "reuters.com", None, 4,
         "A wire story without outlet."),  # url as id, url host as outlet, "www." dropped
        ("scraped:5", "scraped", None, 5, "A post with neither outlet nor url."),  # file name
        ("42", "The Independent", None, 6, "Publisher field used."),
    ]
    assert docs[0].url == "https://www.dailymail.co.uk/news/kerry.html"
    assert docs[0].title == "Kerry in London"


def test_json_array_records_carry_the_line_of_their_element() -> None:
    docs = _load(DATA / "array.json").documents
    assert [(d.id, d.outlet, d.origin.line) for d in docs] == [("a1", "Reuters", 2), ("a2", "AP", 3), ("a3", "BBC", 8)]
    assert docs[1].text == "Second element\nspans two lines."


def test_pretty_printed_single_json_object_is_one_document(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text('\n{\n  "text": "Only one.",\n  "outlet": "AP"\n}\n', encoding="utf-8")
    corpus = _load(path)
    assert [(d.id, d.outlet, d.origin.line) for d in corpus.documents] == [("one:2", "AP", 2)]
    assert corpus.skipped == ()


def test_csv_multiline_quoted_field_reports_the_first_line_of_each_record() -> None:
    docs = _load(DATA / "multiline.csv").documents
    assert [(d.id, d.outlet, d.origin.line) for d in docs] == [
        ("c1", "The Sun", 2), ("c2", "Reuters", 3), ("c3", "AP", 7)]
    # CRLF inside the quoted field is kept exactly.
    assert docs[1].text == "First line of a quoted field.\r\nSecond line, with a comma.\r\nThird line."


def test_csv_header_names_are_matched_without_case(tmp_path: Path) -> None:
    path = tmp_path / "caps.csv"
    path.write_text("ID,Article Body,Site\nx1,Some text.,Le Monde\n", encoding="utf-8")
    docs = _load(path, text_field="Article Body", source_field="SITE").documents
    assert [(d.id, d.outlet, d.text) for d in docs] == [("x1", "Le Monde", "Some text.")]


def test_text_and_source_field_overrides_win_over_the_usual_names(tmp_path: Path) -> None:
    path = tmp_path / "custom.jsonl"
    path.write_text(json.dumps({"text": "teaser", "article": "The full article.", "source": "feed",
                                "paper": "The Times"}) + "\n", encoding="utf-8")
    default = _load(path).documents[0]
    assert (default.text, default.outlet) == ("teaser", "feed")
    custom = _load(path, text_field="article", source_field="paper").documents[0]
    assert (custom.text, custom.outlet) == ("The full article.", "The Times")


def test_a_text_field_override_that_gives_no_text_is_noted_once_a_file_with_what_was_used(tmp_path: Path) -> None:
    rows = [{"id": "1", "body": "Body one."}, {"id": "2", "story": "Story two."},
            {"id": "3", "story": " ", "text": "T."}]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    csv = tmp_path / "b.csv"
    csv.write_text("id,Story,body\nc1,Story one.,\nc2,,Body two.\n", encoding="utf-8")
    corpus = _load(jsonl, csv, text_field="Story")
    assert [d.text for d in corpus.documents] == ["Body one.", "Story two.", "T.", "Story one.", "Body two."]
    assert corpus.notes == (f"{jsonl}:1: no text in --text-field 'Story'; used 'body' instead (1 more record of "
                            "this file too)", f"{csv}:3: no text in --text-field 'Story'; used 'body' instead")
    assert _load(jsonl).notes == ()  # without the override the usual names are no fallback


def test_an_outlet_or_title_given_as_a_json_object_or_array_is_warned_once_a_file_and_the_record_kept(
        tmp_path: Path) -> None:
    rows = [{"id": "1", "text": "One.", "source": "AP", "title": "Plain"},
            {"id": "2", "text": "Two.", "source": {"id": "bbc-news", "name": "BBC News"}, "title": "T"},
            {"id": "3", "text": "Three.", "source": "AP", "title": ["One", "Two"]},
            {"id": "4", "text": "Four.", "outlet": ["x"], "url": "https://www.reuters.com/x"},
            {"id": "5", "text": "Five.", "source": {"name": "Ignored"}, "outlet": "Le Monde"}]
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    corpus = _load(path)
    assert [(d.id, d.outlet, d.title) for d in corpus.documents] == [
        ("1", "AP", "Plain"), ("2", "a", "T"), ("3", "AP", ""), ("4", "reuters.com", ""), ("5", "Le Monde", "")]
    assert corpus.notes == (f"{path}:2: field 'source' is a JSON object, not text; not read (3 more records of this "
                            "file too)",)
    # --source-field outlet: record 5's outlet comes first, so its object under "source" was not passed over
    assert _load(path, source_field="outlet").notes[0].endswith("not read (2 more records of this file too)")
    path.write_text(json.dumps(rows[2]) + "\n", encoding="utf-8")
    assert _load(path).notes == (f"{path}:1: field 'title' is a JSON array, not text; not read",)


def test_stdin_json_and_plain_text() -> None:
    json_input = io.BytesIO(b'{"id": "s1", "text": "From a pipe.", "outlet": "AP"}\n')
    corpus = load_corpus(["-"], stdin=json_input)
    assert [(d.id, d.outlet, d.origin) for d in corpus.documents] == [("s1", "AP", Origin("-", 1))]
    text_input = io.BytesIO(b"[Photo] Not JSON at all.\r\nSecond line.")
    doc = load_corpus(["-"], stdin=text_input).documents[0]
    assert (doc.id, doc.outlet, doc.text) == ("stdin", "stdin", "[Photo] Not JSON at all.\r\nSecond line.")


def test_explicit_manifest_applies_to_text_files_by_name(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Body.", encoding="utf-8")
    manifest = tmp_path / "meta.jsonl"
    manifest.write_text(json.dumps({"filename": "story.txt", "outlet": "AFP", "date": "2016-09-28"}) + "\n",
                        encoding="utf-8")
    doc = _load(tmp_path / "story.txt", manifest=str(manifest)).documents[0]
    assert (doc.id, doc.outlet, doc.date) == ("story", "AFP", dt.date(2016, 9, 28))


def test_missing_explicit_manifest_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Body.", encoding="utf-8")
    with pytest.raises(InputError, match="manifest not found"):
        _load(tmp_path, manifest=str(tmp_path / "nope.jsonl"))


@pytest.mark.parametrize(("value", "expected"), [
    ("2016-09-28", dt.date(2016, 9, 28)),
    ("2016-09-28T16:28:00+01:00", dt.date(2016, 9, 28)),
    ("Wednesday 28 September 2016 16:28", dt.date(2016, 9, 28)),
    ("26-FEB-1987 15:01:01.79", dt.date(1987, 2, 26)),
    ("Thursday", None),
    ("September 2016", None),
    ("2016-13-45", None),
    ("20160928", dt.date(2016, 9, 28)),
    ("20160928162800", dt.date(2016, 9, 28)),
    # A Unix time (seconds or milliseconds) was read as YYYYMMDD from its first 8 digits: 1407-11-04 (review25).
    ("1407110400", None),
    ("1407110400123", None),
    ("1407110400.5", None),
    # A YYYYMMDD column written as floats (pandas: a column with a blank cell) is a date, as before (review26).
    ("20140804.0", dt.date(2014, 8, 4)),
    ("201408041000.0", dt.date(2014, 8, 4)),
    ("20140804.5", None),
    # Dotted dates are day first: dateutil read them month first, 4 August as 8 April (review25).
    ("04.08.2014", dt.date(2014, 8, 4)),
    ("4.8.2014 10:30", dt.date(2014, 8, 4)),
    ("31.12.2014", dt.date(2014, 12, 31)),
    ("12.31.2014", dt.date(2014, 12, 31)),  # no 12th day of a 31st month: month first, as dateutil reads it
    # So are dotted dates with a two-digit year: 04.08.14 was 8 April while 04.08.2014 was 4 August (review26).
    ("04.08.14", dt.date(2014, 8, 4)),
    ("4.8.14 10:30", dt.date(2014, 8, 4)),
    ("08.13.14", dt.date(2014, 8, 13)),
    ("31.12.99", dt.date(1999, 12, 31)),
    ("  ", None),
    (None, None),
])
def test_parse_date_parses_or_gives_none(value: str | None, expected: object) -> None:
    assert parse_date(value) == expected


# --- decoding --------------------------------------------------------------------------------------

RUSSIAN = "Министр иностранных дел России Сергей Лавров заявил, что Москва продолжит операцию в Сирии.\n"
TEXT = "Le président a déclaré : « Nous ne céderons pas. » Café, crème brûlée — “quoted” words cost 5€.\r\n" * 3


@pytest.mark.parametrize(("raw", "expected"), [
    (TEXT.encode("utf-8"), TEXT),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), TEXT),
    (TEXT.encode("cp1252"), TEXT),
    ("The café in Zürich said the señor's naïve résumé was fine.\n".encode("latin-1"),
     "The café in Zürich said the señor's naïve résumé was fine.\n"),
    (RUSSIAN.encode("cp1251"), RUSSIAN),
    (b"\xff\xfe" + TEXT.encode("utf-16-le"), TEXT),
    (b"\xfe\xff" + TEXT.encode("utf-16-be"), TEXT),
    (b"One.\rTwo.\rThree.", "One.\rTwo.\rThree."),
], ids=["utf8", "utf8-bom", "cp1252", "latin1", "cp1251", "utf16le-bom", "utf16be-bom", "cr-only"])
def test_decoding_keeps_the_text_exactly(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(raw)
    corpus = _load(path)
    assert corpus.skipped == ()
    assert corpus.documents[0].text == expected


# --- bad input -------------------------------------------------------------------------------------

# Bytes without NUL that are not UTF-8 and that no code page reads cleanly.
NOISE = bytes((i * 97 + 13) % 255 + 1 for i in range(400))


def _bad_folder(tmp_path: Path) -> Path:
    (tmp_path / "good.txt").write_text("A good document.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_bytes(b"  \r\n\n")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "noise.txt").write_bytes(NOISE)
    (tmp_path / "rows.jsonl").write_text('{"text": "ok", "id": "j1"}\n{"text": broken}\n[1, 2]\n{"title": "no text"}\n',
                                         encoding="utf-8")
    (tmp_path / "rows.csv").write_text("id,text\nc1,fine\nc2,\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    return tmp_path


def test_bad_inputs_are_skipped_with_path_line_and_reason(tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    corpus = _load(folder)
    assert sorted(d.id for d in corpus.documents) == ["c1", "good", "j1"]
    got = [(Path(s.path).name, s.line, s.reason.split(" (")[0].split(":")[0]) for s in corpus.skipped]
    assert got == [
        ("blank.md", None, "empty file"),
        ("empty.txt", None, "empty file"),
        ("image.txt", None, "binary file"),
        ("noise.txt", None, "undecodable"),
        ("notes.pdf", None, "not a corpus file"),
        ("rows.csv", 3, "no text"),
        ("rows.jsonl", 2, "invalid JSON"),
        ("rows.jsonl", 3, "expected a JSON object, got list"),
        ("rows.jsonl", 4, "no text"),
    ]
    assert str(corpus.skipped[5]).endswith("rows.csv:3: no text (looked for text, maintext, raw_text, content, body)")


def test_strict_raises_at_the_first_bad_input(tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    with pytest.raises(InputError, match=r"blank\.md: empty file"):
        _load(folder, strict=True)


def test_csv_without_a_text_column_is_one_skip(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text("id,title\n1,a\n2,b\n", encoding="utf-8")
    corpus = _load(path)
    assert [(s.line, s.reason) for s in corpus.skipped] == [
        (1, "no text column (looked for text, maintext, raw_text, content, body)")]


def test_a_csv_whose_rows_are_all_bad_is_skipped_row_by_row_not_as_a_header_alone(tmp_path: Path) -> None:
    # Each bad row is its own skip; "no records (only a header row)" would be false beside them.
    wide, unclosed = tmp_path / "wide.csv", tmp_path / "unclosed.csv"
    wide.write_text("id,text\na,one, two\nb,three, four\n", encoding="utf-8")
    unclosed.write_text('id,text\na,"never closed\n', encoding="utf-8")
    assert [(s.path, s.line, s.reason) for s in _load(wide, unclosed).skipped] == [
        (str(wide), 2, "3 cells where the header has 2 (a comma outside quotes?)"),
        (str(wide), 3, "3 cells where the header has 2 (a comma outside quotes?)"),
        (str(unclosed), 2, "invalid CSV: unexpected end of data (rest of the file skipped)")]


def test_json_array_with_a_broken_element_keeps_the_elements_before_it(tmp_path: Path) -> None:
    path = tmp_path / "arr.json"
    path.write_text('[{"id": "x", "text": "fine"},\n {"id": "y", "text": oops}]', encoding="utf-8")
    corpus = _load(path)
    assert [d.id for d in corpus.documents] == ["x"]
    assert [(s.line, s.reason.split(":")[0]) for s in corpus.skipped] == [(2, "invalid JSON")]


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "same", "text": "one"}\n', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('\n{"id": "same", "text": "two"}\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_corpus([str(tmp_path)], LoadOptions(strict=True))
    assert str(info.value) == (f"duplicate document id 'same' at {tmp_path / 'b.jsonl'}:2 "
                               f"(first seen at {tmp_path / 'a.jsonl'}:1)")
    corpus = _load(tmp_path)
    assert [d.id for d in corpus.documents] == ["same", "same~2"]
    assert corpus.notes == (f"{tmp_path / 'b.jsonl'}:2: document id 'same' already used at "
                            f"{tmp_path / 'a.jsonl'}:1; kept as 'same~2'",)


def test_derived_ids_of_two_folders_do_not_clash(tmp_path: Path) -> None:
    for day in ("day1", "day2"):
        (tmp_path / day).mkdir()
        (tmp_path / day / "batch.jsonl").write_text('{"text": "one"}\n{"url": "https://x.org/a", "text": "b"}\n',
                                                    encoding="utf-8")
    corpus = _load(tmp_path)
    assert [d.id for d in corpus.documents] == ["batch:1", "https://x.org/a", f"{tmp_path / 'day2' / 'batch.jsonl'}:1",
                                                f"{tmp_path / 'day2' / 'batch.jsonl'}:2"]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        _load(tmp_path / "absent")


def test_empty_field_override_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="text-field must not be empty"):
        LoadOptions(text_field=" ")


def test_compressed_files_are_read_in_folders_with_their_line_numbers(tmp_path: Path) -> None:
    import bz2
    import gzip
    import lzma

    rows = b'{"id": "j1", "text": "one"}\n\n{"id": "j2", "text": "two", "outlet": "AP"}\n'
    (tmp_path / "batch.jsonl.gz").write_bytes(gzip.compress(rows))
    (tmp_path / "rows.csv.bz2").write_bytes(bz2.compress(b"id,text\nc1,fine\n"))
    (tmp_path / "note.txt.xz").write_bytes(lzma.compress(b"A plain article."))
    (tmp_path / "broken.jsonl.gz").write_bytes(gzip.compress(rows)[:20])
    (tmp_path / "archive.tar.gz").write_bytes(gzip.compress(b"x"))
    corpus = _load(tmp_path)
    assert [(d.id, str(d.origin)) for d in corpus.documents] == [
        ("j1", f"{tmp_path / 'batch.jsonl.gz'}:1"), ("j2", f"{tmp_path / 'batch.jsonl.gz'}:3"),
        ("note", str(tmp_path / "note.txt.xz")), ("c1", f"{tmp_path / 'rows.csv.bz2'}:2")]
    assert [(Path(s.path).name, s.reason.split(" (")[0]) for s in corpus.skipped] == [
        ("archive.tar.gz", "not a corpus file"), ("broken.jsonl.gz", "corrupt or truncated gzip data")]


def test_a_gzip_file_without_its_suffix_is_found_by_its_magic_bytes(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "batch.jsonl"
    path.write_bytes(gzip.compress(b'{"id": "g", "text": "zipped"}\n'))
    assert [d.text for d in _load(path).documents] == ["zipped"]


def test_stdin_format_is_sniffed_or_given() -> None:
    table = b"id,text,source\nr1,First row.,AP\nr2,Second row.,BBC\n"
    sniffed = load_corpus(["-"], stdin=io.BytesIO(table))
    assert [(d.id, d.outlet, d.origin) for d in sniffed.documents] == [
        ("r1", "AP", Origin("-", 2)), ("r2", "BBC", Origin("-", 3))]
    as_text = load_corpus(["-"], LoadOptions(input_format="text"), stdin=io.BytesIO(table))
    assert [d.text for d in as_text.documents] == [table.decode()]
    lines = b'{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n'
    assert len(load_corpus(["-"], LoadOptions(input_format="jsonl"), stdin=io.BytesIO(lines)).documents) == 2
    with pytest.raises(ConfigError, match="input-format must be one of jsonl, csv, text"):
        LoadOptions(input_format="xml")


def _mixed_jsonl(path: Path, records: int) -> None:
    """JSON Lines with repeated ids across the file, a broken line and a record without text in each half."""
    lines = []
    for number in range(records):
        if number in (3, records - 5):
            lines.append('{"id": "cut", "text": "trunc')
        elif number in (7, records - 9):
            lines.append(json.dumps({"id": f"r{number}", "text": "  "}))
        else:
            lines.append(json.dumps({"id": f"r{number % (records // 2)}", "source": "Wire", "date": "26-FEB-1987",
                                     "url": f"https://example.com/{number}", "text": f"story {number} " * 40}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_large_json_lines_file_read_in_two_processes_loads_as_in_one(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "big.jsonl"
    _mixed_jsonl(source, 400)
    assert json_lines_cut(source.read_text(encoding="utf-8")) is not None
    monkeypatch.setattr("dedupe.corpus.load.FORK_CHARS", 10**12)
    alone = load_corpus([str(source)])
    assert len(alone.skipped) == 4 and len(alone.notes) > 100  # each half has its faults; ids repeat across them
    monkeypatch.setattr("dedupe.corpus.load.FORK_CHARS", 1)
    monkeypatch.setattr("dedupe.corpus.load.idle_core", lambda: True)  # as on an idle machine
    assert load_corpus([str(source)]) == alone
    done: list[bool] = []  # the caller's work, done while the child reads its part
    assert load_corpus([str(source)], meanwhile=lambda: done.append(True)) == alone
    assert done == [True]
    with pytest.raises(InputError, match=r"big.jsonl:4: truncated or invalid JSON"):
        load_corpus([str(source)], LoadOptions(strict=True))


def test_json_lines_are_cut_only_where_json_records_reads_lines() -> None:
    assert json_lines_cut('{"a": 1}\n{"a": 2}\n') == 9
    assert json_lines_cut('{"a": 1}\n{"a": 2}\n{"a": 3}\n', share=0.3) == 9
    assert json_lines_cut('{"a": 1}\n{"a": 2}\n{"a": 3}\n', share=0.4) == 18
    for text in ('[{"a": 1},\n{"a": 2}]\n', '{\n  "a": 1\n}\n', '{"a": 1}\r\n{"a": 2}\r\n', '{"a": 1}\n'):
        assert json_lines_cut(text) is None


def test_a_loaded_documents_date_and_origin_are_made_on_first_use_and_behave_as_fields(tmp_path: Path) -> None:
    import copy
    import dataclasses
    import pickle

    path = tmp_path / "batch.jsonl"
    path.write_text('{"id": "a", "text": "Some words here.", "date": " 26-FEB-1987 15:01:01.79 "}\n'
                    '{"id": "b", "text": "Other words.", "date": "last Thursday"}\n', encoding="utf-8")
    first, second = load_corpus([str(path)]).documents
    assert "date" not in first.__dict__ and "origin" not in first.__dict__  # made on first use
    assert first.date == dt.date(1987, 2, 26) and first.raw_date == "26-FEB-1987 15:01:01.79"
    assert (first.origin, second.origin) == (Origin(str(path), 1), Origin(str(path), 2))
    assert second.date is None and second.date_text == "last Thursday"
    made = Document(first.id, first.outlet, first.title, first.url, dt.date(1987, 2, 26), first.text, first.origin,
                    first.raw_date)
    fresh = load_corpus([str(path)]).documents[0]
    assert fresh == made and hash(fresh) == hash(made)
    assert pickle.loads(pickle.dumps(load_corpus([str(path)]).documents[0])) == made
    assert copy.copy(fresh) == made and dataclasses.replace(fresh, id="c").date == made.date
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = fresh.nothing  # type: ignore[attr-defined]


def test_documents_are_the_same_with_and_without_the_compiled_fields(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    lines = [{"id": "a", "text": "Body one.", "source": " Wire ", "title": "\u2003T\u2003", "date": " 2016-09-28 "},
             {"url": " https://www.x.test/b ", "text": "Body two.", "outlet": "  "},
             {"text": "Body three.", "id": 7, "date": 20160928},
             {"maintext": "Body four.", "text": "   ", "published": "Sept 28, 2016"},
             {"text": ["not", "text"]}, {"title": "no text"}]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    compiled = load_corpus([str(path)])
    monkeypatch.setattr(records, "RECORD_FIELDS", None)
    plain = load_corpus([str(path)])
    assert compiled.skipped == plain.skipped and len(compiled.skipped) == 2
    assert [vars(d) for d in compiled.documents] == [vars(d) for d in plain.documents]
    assert [(d.id, d.outlet, d.title, d.url, d.date_text) for d in plain.documents] == [
        ("a", "Wire", "T", "", "2016-09-28"), ("https://www.x.test/b", "x.test", "", "https://www.x.test/b", ""),
        ("7", "mixed", "", "", "2016-09-28"), ("mixed:4", "mixed", "", "", "2016-09-28")]
