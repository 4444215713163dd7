"""`dedupe scan` through the real CLI: formats, options, --fail-on exit codes, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from dedupe.cli import cli

DATA = str(Path(__file__).resolve().parent.parent / "data")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["scan", *args])
    return result.exit_code, result.stdout, result.stderr


def test_text_output_lists_the_findings() -> None:
    code, out, _ = run(DATA)
    assert code == 0
    assert out.startswith("5 documents, 5689 words: 4 repeated units, 0 near-duplicate groups, 2 reused passages, "
                          "4 echoes, 0 boilerplate passages\n")
    assert ("001_d3aebe4b90fe0be1 (Daily Mail) line 27 [3425:3525]: \"He added that Syria was ready for 'full "
            "cooperation with Russia to remove any pretext for aggression\"") in out


def test_json_follows_the_contract() -> None:
    code, out, _ = run(DATA, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert [document[k] for k in ("tool", "command")] == ["dedupe", "scan"] and "schema_version" in document
    assert len(document["findings"]) == 10
    repeat = document["findings"][0]
    assert repeat["kind"] == "repeat" and repeat["similarity"] == 1.0
    assert repeat["occurrences"][0] == {
        "doc": "000_db7ab4d81ef41db1", "outlet": "The Sun", "start": 3236, "end": 3337, "line": 23,
        "text": "But he warned it is \u201cvery important not to get hopes up too high, "
                "because you will remember the point"}
    assert document["summary"]["repeat"] == 4 and document["summary"]["echo"] == 4
    assert document["summary"]["config"]["min_words"] == 8


def test_output_is_byte_identical_across_runs() -> None:
    assert run(DATA, "--format", "json")[1] == run(DATA, "--format", "json")[1]


def test_jsonl_has_one_finding_per_line() -> None:
    code, out, _ = run(DATA, "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(records) == 10
    assert [r["kind"] for r in records] == ["repeat"] * 4 + ["reuse"] * 2 + ["echo"] * 4


def test_markdown_has_a_table_per_finding() -> None:
    code, out, _ = run(DATA, "--format", "markdown")
    assert code == 0 and out.startswith("# Scan: repeated and reused passages")
    assert out.count("| document | outlet | line | characters | text |") == 10


def test_options_reach_the_scan() -> None:
    code, out, _ = run(DATA, "--min-words", "15", "--format", "json")
    assert code == 0
    assert [f["words"] for f in json.loads(out)["findings"]] == [20, 17, 18]


def test_fail_on_sets_the_exit_status() -> None:
    assert run(DATA, "--fail-on", "repeat")[0] == 1
    assert run(DATA, "--fail-on", "any")[0] == 1
    assert run(DATA, "--fail-on", "near-duplicate")[0] == 0
    assert run(DATA, "--fail-on", "reuse", "--min-words", "12")[0] == 0


def test_near_duplicates_on_the_command_line(tmp_path: Path) -> None:
    text = Path(DATA, "002_70fb1de66b54f918.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Republished from Reuters.\n" + text, encoding="utf-8")
    code, out, _ = run(str(tmp_path), "--fail-on", "near-duplicate", "--format", "json")
    assert code == 1
    (finding,) = [f for f in json.loads(out)["findings"] if f["kind"] == "near_duplicate"]
    assert [o["doc"] for o in finding["occurrences"]] == ["a", "b"]
    assert finding["pairs"][0]["a"] == "a" and finding["pairs"][0]["containment"] == 1.0


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "scan.json"
    code, out, err = run(DATA, "--format", "json", "-o", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    assert json.loads(target.read_text(encoding="utf-8"))["command"] == "scan"


def test_bad_options_and_inputs_exit_2(tmp_path: Path) -> None:
    code, _, err = run(DATA, "--threshold", "1.5")
    assert code == 2 and "threshold must be in (0, 1]" in err
    assert run(DATA, "--fail-on", "everything")[0] == 2
    code, _, err = run(str(tmp_path))
    assert code == 2 and "no documents loaded" in err
    code, _, err = run(str(tmp_path / "missing"))
    assert code == 2 and "no such file or directory" in err


def test_standard_input() -> None:
    text = "The same long sentence is printed twice by a careless scraper today. " * 2
    result = CliRunner().invoke(cli, ["scan", "-", "--format", "jsonl"], input=text)
    assert result.exit_code == 0
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["kind"] == "repeat" and record["occurrences"][0]["doc"] == "stdin"


def test_no_passages_finds_documents_only(tmp_path: Path) -> None:
    text = Path(DATA, "003_c71ec08203a11230.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text + "\nView comments", encoding="utf-8")
    code, out, _ = run(str(tmp_path), "--no-passages", "--format", "jsonl")
    assert code == 0
    assert [json.loads(line)["kind"] for line in out.splitlines()] == ["near_duplicate"]


def test_findings_are_listed_most_severe_first_in_every_format() -> None:
    order = ["repeat"] * 4 + ["reuse"] * 2 + ["echo"] * 4
    assert [f["kind"] for f in json.loads(run(DATA, "--format", "json")[1])["findings"]] == order
    text = run(DATA)[1]
    titles = ["scraper faults) (4)", "Passages shared by documents (2)", "(echoes) (4)"]
    assert sorted(titles, key=text.index) == titles
    markdown = run(DATA, "--format", "markdown")[1]
    assert sorted(titles, key=markdown.index) == titles
    # The first finding of the text is a fault, not the "no fly zone" echo that comes first in the corpus.
    assert text.index("very important not to get hopes up") < text.index("a no fly zone or no bombing zone")


def test_a_scan_from_the_command_line_imports_nothing_of_the_other_stages(tmp_path: Path) -> None:
    # Start-up is a quarter of a CI job's scan of Reuters-21578: no model, no claims, figures, index or report pages.
    code = ("import sys; from dedupe.cli import cli; "
            f"cli.main(['scan', 'data', '--format', 'json', '-q', '-o', {str(tmp_path / 'out.json')!r}], "
            "standalone_mode=False); "
            "heavy = ('torch', 'sentence_transformers', 'transformers', 'onnxruntime', 'datasketch', 'scipy', "
            "'pysbd', 'pyspark', 'sqlite3', 'zstandard', 'charset_normalizer', 'dateutil'); "
            "ours = ('dedupe.compare', 'dedupe.figures', 'dedupe.embed', 'dedupe.index', 'dedupe.segment', "
            "'dedupe.stories', 'dedupe.report.html', 'dedupe.report.combined'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(ours)))")
    assert _python(code) == "[]" and json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["findings"]


def test_a_scan_checks_its_options_and_inputs_before_importing_the_scan_stage(tmp_path: Path) -> None:
    # numpy and the scan stage are imported while a forked child reads a large corpus (pipeline.run_scan):
    # the options (dedupe.scan.config) and the inputs are checked without them.
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    code = ("import sys; from dedupe.cli import cli\n"
            f"for args in (['scan', 'data', '--threshold', '2'], ['scan', {str(empty)!r}]):\n"
            "    try:\n"
            "        cli.main(args, standalone_mode=False)\n"
            "    except Exception as exc:\n"
            "        print(type(exc).__name__, exc)\n"
            "print('numpy' in sys.modules, 'dedupe.scan.near_dup' in sys.modules)")
    lines = _python(code).splitlines()
    assert "threshold" in lines[0] and "no documents" in lines[1], lines
    assert lines[-1] == "False False"


def _python(code: str) -> str:
    """What a fresh interpreter running ``code`` from the repository root prints (stripped)."""
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parent.parent)
    return found.stdout.strip()
