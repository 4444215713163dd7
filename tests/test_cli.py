"""The CLI conventions every command follows, checked on ``dedupe info`` through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedupe import SCHEMA_VERSION, __version__
from dedupe.cli import cli

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "data"
FORMATS = Path(__file__).parent / "data" / "formats"
# Bytes without NUL that are not UTF-8 and that no code page reads cleanly.
NOISE = bytes((i * 97 + 13) % 255 + 1 for i in range(400))


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def _info_json(*args: str, stdin: bytes | None = None) -> dict:  # type: ignore[type-arg]
    result = run("info", "--format", "json", *args, stdin=stdin)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- the seed corpus -------------------------------------------------------------------------------

def test_info_text_lists_the_five_seed_documents_with_their_outlets() -> None:
    result = run("info", str(SEEDS))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "5 documents from 5 outlets: 216 paragraphs, 250 sentences, 33856 characters"
    assert lines[1] == "dates: 2013-09-09 to 2016-10-13"
    for outlet in ("The Sun", "Daily Mail", "Reuters", "The Independent", "EA WorldView"):
        assert f"      1  {outlet}" in lines
    assert "  002_70fb1de66b54f918  Reuters  2016-09-28  31 sentences  " \
           "No joint work with Russia till Aleppo assault ends, says US" in lines
    assert lines[-1] == "Skipped inputs: 0"
    assert result.stderr == ""


def test_info_text_counts_agree_with_their_nouns(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "source": "Wire", "text": "One sentence only."}\n'
                      '{"id": "b", "source": "Wire", "text": "A first sentence. And a second one."}\n',
                      encoding="utf-8")
    lines = run("info", str(corpus)).stdout.splitlines()
    assert "  a  Wire  -  1 sentence" in lines and "  b  Wire  -  2 sentences" in lines


def test_info_json_contract_and_determinism() -> None:
    first = run("info", "--format", "json", str(SEEDS))
    second = run("info", "--format", "json", str(SEEDS))
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes
    data = json.loads(first.stdout)
    assert list(data)[:4] == ["schema_version", "tool", "version", "command"]
    assert (data["schema_version"], data["tool"], data["version"], data["command"]) == (
        SCHEMA_VERSION, "dedupe", __version__, "info")
    assert data["summary"] == {
        "documents": 5, "outlets": {"Daily Mail": 1, "EA WorldView": 1, "Reuters": 1, "The Independent": 1,
                                    "The Sun": 1},
        "paragraphs": 216, "sentences": 250, "characters": 33856, "dates": ["2013-09-09", "2016-10-13"],
        "skipped": 0}
    assert data["documents"][3] == {
        "id": "003_c71ec08203a11230", "outlet": "The Independent", "date": "2016-09-28",
        "title": "US warns Russia it will ‘cut ties’ over Syria unless bombing in Aleppo stops", "url": "",
        "origin": str(SEEDS / "003_c71ec08203a11230.txt"), "paragraphs": 27, "sentences": 36, "characters": 4599}
    assert data["skipped"] == []


def test_info_markdown() -> None:
    result = run("info", "--format", "markdown", str(SEEDS))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Corpus summary\n\n5 documents, 5 outlets, 250 sentences, 33856 characters")
    assert "| 004\\_7cde9b3c88a5415a | EA WorldView | 2016-09-29 | 41 | Syria Daily: Kerry repeats" in result.stdout


def test_output_file_and_quiet(tmp_path: Path) -> None:
    target = tmp_path / "info.json"
    result = run("info", "--format", "json", "-o", str(target), str(SEEDS))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"wrote {target}\n"
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["documents"] == 5
    quiet = run("info", "--quiet", "--format", "json", "-o", str(target), str(SEEDS))
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


@pytest.mark.parametrize("command", ["info", "scan", "figures", "compare", "report"])
def test_a_missing_output_folder_is_created(tmp_path: Path, command: str) -> None:
    target = tmp_path / "out" / "deeper" / "result.json"
    extra = {"compare": ["--cache-dir", str(tmp_path / "cache")], "report": ["--skip", "compare"]}.get(command, [])
    result = run(command, "--format", "json", "-o", str(target), str(SEEDS), *extra)
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["command"] == command
    assert [p.name for p in target.parent.iterdir()] == ["result.json"]  # no temporary file left behind


@pytest.mark.parametrize("command", ["info", "scan", "figures", "compare", "report"])
def test_output_that_is_a_folder_is_refused_before_any_work(tmp_path: Path, command: str) -> None:
    # The corpus does not exist either: the output error coming first shows nothing was loaded.
    result = run(command, "-o", str(tmp_path), str(tmp_path / "no-such-corpus"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path}: cannot write: is a directory\n"


def test_output_under_a_file_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run("scan", "-o", str(tmp_path / "file" / "out.txt"), str(tmp_path / "no-such-corpus"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'file' / 'out.txt'}: cannot write: Not a directory\n"


def test_a_failed_run_leaves_the_previous_output_intact(tmp_path: Path) -> None:
    target = tmp_path / "scan.json"
    target.write_text("previous\n", encoding="utf-8")
    target.chmod(0o640)
    (tmp_path / "empty.txt").write_bytes(b"")
    failed = run("scan", "-o", str(target), str(tmp_path / "empty.txt"))
    assert failed.exit_code == 2 and "no documents loaded" in failed.stderr
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert run("scan", "--format", "json", "-q", "-o", str(target), str(SEEDS)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["command"] == "scan"
    assert target.stat().st_mode & 0o777 == 0o640  # the rewritten file keeps its permissions


# --- every input format through the CLI ------------------------------------------------------------

def test_every_format_in_one_folder() -> None:
    data = _info_json(str(FORMATS))
    got = [(d["id"], d["outlet"], d["date"], d["origin"].removeprefix(str(FORMATS) + "/")) for d in data["documents"]]
    assert got == [
        ("a1", "Reuters", "", "array.json:2"),
        ("a2", "AP", "", "array.json:3"),
        ("a3", "BBC", "", "array.json:8"),
        ("c1", "The Sun", "2016-10-13", "multiline.csv:2"),
        ("c2", "Reuters", "2016-09-28", "multiline.csv:3"),
        ("c3", "AP", "2016-09-29", "multiline.csv:7"),
        ("np-1", "dailymail.co.uk", "2013-09-09", "scraped.jsonl:1"),
        ("scraped:2", "EA WorldView", "2016-09-29", "scraped.jsonl:2"),
        ("https://www.reuters.com/article/x", "reuters.com", "", "scraped.jsonl:4"),
        ("scraped:5", "scraped", "last Thursday", "scraped.jsonl:5"),
        ("42", "The Independent", "", "scraped.jsonl:6"),
        ("alpha-doc", "The Guardian", "2016-09-30", "site/alpha.txt"),
        ("beta", "BBC News", "not a date", "site/sub/beta.md"),
    ]
    assert data["skipped"] == []


def test_field_overrides(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "f1", "text": "teaser", "article": "Full text. Two sentences.",
                                "paper": "The Times"}) + "\n", encoding="utf-8")
    doc = _info_json("--text-field", "article", "--source-field", "paper", str(path))["documents"][0]
    assert (doc["outlet"], doc["sentences"], doc["characters"]) == ("The Times", 2, 25)


def test_explicit_manifest_option(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "story.txt").write_text("Body text.", encoding="utf-8")
    manifest = tmp_path / "meta.csv"
    manifest.write_text("file,outlet,date,title\nstory.txt,AFP,2016-09-28,A title\n", encoding="utf-8")
    doc = _info_json("--manifest", str(manifest), str(tmp_path / "texts"))["documents"][0]
    assert (doc["id"], doc["outlet"], doc["date"], doc["title"]) == ("story", "AFP", "2016-09-28", "A title")


@pytest.mark.parametrize(("stdin", "expected"), [
    (b'[{"id": "p1", "text": "Piped JSON.", "outlet": "AP"}]', ("p1", "AP", "-:1")),
    (b"Piped plain text.\r\nSecond line.", ("stdin", "stdin", "-")),
])
def test_stdin_dash(stdin: bytes, expected: tuple[str, str, str]) -> None:
    doc = _info_json("-", stdin=stdin)["documents"][0]
    assert (doc["id"], doc["outlet"], doc["origin"]) == expected


def test_decodings_through_the_cli(tmp_path: Path) -> None:
    text = "Le président a déclaré : « Nous ne céderons pas. » Café — “quoted” words cost 5€.\r\n" * 3
    (tmp_path / "a_utf8.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "b_bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "c_cp1252.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "d_utf16.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (tmp_path / "e_cr.txt").write_bytes(text.replace("\r\n", "\r").encode("utf-8"))
    data = _info_json(str(tmp_path))
    assert [(d["characters"], d["sentences"], d["paragraphs"]) for d in data["documents"]] == [
        (len(text), 3, 3)] * 4 + [(len(text) - 3, 3, 3)]


# --- bad input -------------------------------------------------------------------------------------

def _bad_folder(tmp_path: Path) -> Path:
    (tmp_path / "good.txt").write_text("A good document.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "noise.txt").write_bytes(NOISE)
    (tmp_path / "rows.jsonl").write_text('{"text": "ok", "id": "j1"}\n{"text": broken}\n', encoding="utf-8")
    (tmp_path / "rows.csv").write_text('id,text\nc1,fine\nc2,"\n"\n', encoding="utf-8")
    return tmp_path


def test_bad_inputs_warn_on_stderr_and_are_counted(tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    result = run("info", str(folder))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"warning: {folder / 'empty.txt'}: empty file",
        f"warning: {folder / 'image.txt'}: binary file (NUL bytes)",
        f"warning: {folder / 'noise.txt'}: undecodable: not UTF-8 and no other encoding fits",
        f"warning: {folder / 'rows.csv'}:3: no text (looked for text, maintext, raw_text, content, body)",
        f"warning: {folder / 'rows.jsonl'}:2: invalid JSON: Expecting value (column 10)",
    ]
    # rows.jsonl and rows.csv name no outlet: both fall back to the file name "rows".
    assert result.stdout.startswith("3 documents from 2 outlets")
    assert "Skipped inputs: 5\n" in result.stdout
    assert f"  {folder / 'rows.jsonl'}:2: invalid JSON: Expecting value (column 10)\n" in result.stdout
    data = _info_json(str(folder))
    assert data["summary"]["skipped"] == 5
    assert data["skipped"][3] == {"path": str(folder / "rows.csv"), "line": 3,
                                  "reason": "no text (looked for text, maintext, raw_text, content, body)"}


def test_a_date_nobody_can_parse_is_a_warning_naming_its_file_and_line(tmp_path: Path) -> None:
    # It was dropped silently (review25): the document was taken as undated, which moves it between stories and
    # turns a figure's update into a conflict or an uncertain one, and nothing said so.
    text = "Jets bombed a hospital in eastern Aleppo on Tuesday, killing {} people."
    rows = [{"id": "a", "source": "Wire", "date": "2016-09-28", "text": text.format(40)},
            {"id": "b", "source": "Post", "date": "sometime last week", "text": text.format(12)},
            {"id": "c", "source": "Post", "date": "31/02/2016", "text": text.format(14)},
            {"id": "u", "source": "Post", "date": 1407110400, "text": text.format(15)},  # a Unix time, not 1407-11-04
            {"id": "dotted", "source": "Wire", "date": "04.08.2014", "text": text.format(16)}]  # day first: not 8 April
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    csv_file = tmp_path / "b.csv"
    csv_file.write_text(f'id,source,date,text\nd,Wire,2016-09-29,"{text.format(9)}"\ne,Wire,Tuesday,"{text.format(8)}"\n',
                        encoding="utf-8")
    expected = [f"warning: {jsonl}:2: date 'sometime last week' not understood; taken as undated "
                "(2 more documents of this file too)",
                f"warning: {csv_file}:3: date 'Tuesday' not understood; taken as undated"]
    for command in (["info"], ["figures"], ["report", "--skip", "compare"]):
        result = run(*command, str(jsonl), str(csv_file), "--format", "json", "-q")
        assert result.exit_code == 0, result.output
        assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == expected, command
    assert [d["date"] for d in _info_json(str(jsonl))["documents"]] == ["2016-09-28", "sometime last week",
                                                                         "31/02/2016", "1407110400", "2014-08-04"]


def test_a_csv_row_with_more_cells_than_its_header_is_a_skipped_input_not_a_cut_text(tmp_path: Path) -> None:
    # A comma left unquoted put the rest of the text in a cell without a name, dropped silently (review25): row 2
    # was loaded as "Jets bombed a hospital". A trailing empty cell (a comma ending every row) is no problem.
    corpus = tmp_path / "rows.csv"
    corpus.write_text("id,source,text\n"
                      "a,Wire,Jets bombed a hospital, killing 40 people in eastern Aleppo.\n"
                      'b,Post,"Jets bombed a hospital, killing 12 people in eastern Aleppo.",\n'
                      'c,Post,"Rescuers said 14 people were killed.",,\n', encoding="utf-8")
    reason = "4 cells where the header has 3 (a comma outside quotes?)"
    for command in ("info", "figures"):
        result = run(command, str(corpus), "--format", "json")
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines()[0] == f"warning: {corpus}:2: {reason}", command
        assert json.loads(result.stdout)["skipped"] == [{"path": str(corpus), "line": 2, "reason": reason}]
    assert [d["id"] for d in _info_json(str(corpus))["documents"]] == ["b", "c"]
    assert run("info", str(corpus), "--strict").stderr == f"Error: {corpus}:2: {reason}\n"


def test_strict_stops_at_the_first_problem_with_status_2(tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    result = run("info", "--strict", str(folder))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {folder / 'empty.txt'}: empty file\n"


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "same", "text": "one"}\n', encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,text\nsame,two\n", encoding="utf-8")
    result = run("info", "--strict", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: duplicate document id 'same' at {tmp_path / 'b.csv'}:2 "
                             f"(first seen at {tmp_path / 'a.jsonl'}:1)\n")
    kept = run("info", str(tmp_path))  # without --strict: a warning, both kept under distinct ids
    assert kept.exit_code == 0
    assert kept.stderr == (f"warning: {tmp_path / 'b.csv'}:2: document id 'same' already used at "
                           f"{tmp_path / 'a.jsonl'}:1; kept as 'same~2'\n")


def test_missing_path_is_status_2_without_traceback(tmp_path: Path) -> None:
    result = run("info", str(tmp_path / "absent"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'absent'}: no such file or directory\n"
    assert "Traceback" not in result.output


def test_debug_shows_the_exception(tmp_path: Path) -> None:
    result = run("--debug", "info", str(tmp_path / "absent"))
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "InputError"


def test_nothing_loadable_is_status_2_with_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("info", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"warning: {tmp_path / 'empty.txt'}: empty file",
        f"Error: no documents loaded from {tmp_path} (1 input skipped)",
    ]


def test_usage_errors_are_status_2() -> None:
    assert run("info").exit_code == 2
    assert run("info", "--format", "yaml", str(SEEDS)).exit_code == 2
    assert run("info", "--text-field", " ", str(SEEDS)).exit_code == 2


# --- version, help, module entry, progress ---------------------------------------------------------

def test_version_and_help() -> None:
    version = run("--version")
    assert (version.exit_code, version.stdout) == (0, f"dedupe, version {__version__}\n")
    helped = run("--help")
    assert helped.exit_code == 0
    assert "info" in helped.stdout and "--debug" in helped.stdout
    info_help = run("info", "--help")
    for option in ("--format", "--output", "--quiet", "--text-field", "--source-field", "--manifest", "--strict"):
        assert option in info_help.stdout


def test_a_group_without_its_command_shows_its_help_as_dedupe_alone_does() -> None:
    bare, index = run(), run("index")
    assert bare.exit_code == index.exit_code  # 2 on click >= 8.2 (its help on stderr), 0 before
    assert "Error" not in bare.output + index.output
    assert index.output.splitlines()[0].endswith(" index [OPTIONS] COMMAND [ARGS]...")
    assert "  add     Add documents to INDEX" in index.output


def test_python_dash_m_dedupe() -> None:
    result = subprocess.run([sys.executable, "-m", "dedupe", "--version"], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert (result.returncode, result.stdout) == (0, f"dedupe, version {__version__}\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a pseudo-terminal")
def test_progress_bar_goes_to_a_terminal_stderr_never_into_json(tmp_path: Path) -> None:
    import pty

    controller, terminal = pty.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "dedupe", "info", "--format", "json", str(SEEDS)],
                                stdout=subprocess.PIPE, stderr=terminal, cwd=ROOT, check=False)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert result.returncode == 0
    assert json.loads(result.stdout)["summary"]["documents"] == 5
    assert b"segment" in shown


def _bad_corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "good.jsonl").write_text(
        '{"id": "a", "text": "Ten people were killed in Aleppo on Monday, activists said."}\n'
        "{broken\n"
        '{"id": "b", "text": ""}\n', encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03")
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.mark.parametrize("command", ["scan", "figures"])
def test_every_command_counts_skipped_inputs_in_its_output(tmp_path: Path, command: str) -> None:
    corpus = _bad_corpus(tmp_path / "bad")
    runner = CliRunner()
    result = runner.invoke(cli, [command, str(corpus), "--format", "json", "-q"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [(Path(s["path"]).name, s["line"]) for s in document["skipped"]] == [
        ("binary.txt", None), ("empty.txt", None), ("good.jsonl", 2), ("good.jsonl", 3)]
    text = runner.invoke(cli, [command, str(corpus), "-q"])
    assert text.exit_code == 0
    assert "4 inputs skipped:" in text.stdout
    assert "good.jsonl:2: invalid JSON" in text.stdout
