"""``dedupe compare`` through the real CLI: JSON contract, formats, --fail-on, --threshold, --nli-model."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from dedupe.cli import cli
from dedupe.output import terminal_safe

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory, real_encoder) -> str:  # type: ignore[no-untyped-def]
    """One embedding cache for every CLI run of this module, so the seeds are encoded once."""
    return str(tmp_path_factory.mktemp("compare-cache"))


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["compare", str(DATA), "--quiet", *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def seed_json(cache_dir: str) -> dict:  # type: ignore[type-arg]
    code, output = _run("--format", "json", "--cache-dir", cache_dir)
    assert code == 0, output
    return json.loads(output)


def test_json_contract(seed_json: dict) -> None:  # type: ignore[type-arg]
    assert seed_json["command"] == "compare" and "schema_version" in seed_json
    assert [s["docs"] for s in seed_json["stories"]] == [
        ["000_db7ab4d81ef41db1", "002_70fb1de66b54f918", "003_c71ec08203a11230", "004_7cde9b3c88a5415a"],
        ["001_d3aebe4b90fe0be1"]]
    claim = seed_json["claims"][0]
    assert set(claim) >= {"status", "story", "similarity", "members", "reasons"}
    assert set(claim["members"][0]) == {"doc", "outlet", "start", "end", "line", "text"}
    assert {c["status"] for c in seed_json["claims"]} <= {"agreement", "divergence", "unique"}
    lavrov = next(e for e in seed_json["entities"] if e["name"] == "Sergei Lavrov")
    assert {"Sergei Lavrov", "Sergey Lavrov"} <= set(lavrov["variants"])


def test_grave_concern_group_in_json(seed_json: dict) -> None:  # type: ignore[type-arg]
    group = next(c for c in seed_json["claims"] if any(m["doc"].startswith("003") and m["line"] == 13
                                                        for m in c["members"]))
    assert group["status"] == "agreement"
    assert [(m["doc"][:3], m["line"]) for m in group["members"]] == [("002", 9), ("002", 11), ("003", 13), ("004", 17)]


def test_jsonl_is_the_json_claims_and_text_fails_on_nothing(cache_dir: str, seed_json: dict) -> None:  # type: ignore[type-arg]
    code, jsonl = _run("--format", "jsonl", "--cache-dir", cache_dir)
    assert code == 0 and [json.loads(line) for line in jsonl.splitlines()] == seed_json["claims"]
    code, text = _run("--fail-on", "divergence", "--cache-dir", cache_dir)  # the doctors: 29 vs as few as 14
    assert code == 1
    assert "DIVERGENCE" in text and "'29 doctors'" in text and "AGREEMENT" in text
    assert "Only in EA WorldView" in text and "Sergei Lavrov / Sergey Lavrov" in text


def test_each_reason_shows_both_versions_words_where_they_stand(cache_dir: str,
                                                                seed_json: dict) -> None:  # type: ignore[type-arg]
    texts = {p.name.split(".")[0]: p.read_text(encoding="utf-8") for p in DATA.glob("*.txt")}
    doctors = seed_json["claims"][0]  # divergences come first
    assert doctors["status"] == "divergence" and doctors["reasons"] and "updates" in doctors
    for reason in doctors["reasons"]:
        first, second = reason["conflicting"]
        assert first["doc"] != second["doc"] and first["words"] and second["words"]
        for side in (first, second):
            assert [texts[side["doc"]][start:end] for start, end in side["spans"]] == side["words"]
    code, text = _run("--cache-dir", cache_dir)
    # side by side in the text report: doc:line @start-end 'words' | doc:line @start-end 'words'
    start, end = doctors["reasons"][0]["conflicting"][0]["spans"][0]
    assert code == 0 and f"003_c71ec08203a11230:17 @{start}-{end} '29 doctors'  |  004_7cde9b3c88a5415a:" in text
    # every member of a divergence or agreement by outlet, document, line and characters (review25: no characters)
    outlets: dict[str, set[str]] = {}
    for claim in seed_json["claims"]:
        outlets.setdefault(claim["story"], set()).update(claim["outlets"])
    for claim in (c for c in seed_json["claims"] if len(outlets[c["story"]]) > 1):  # else summarised in one line
        for member in claim["members"]:
            where = f"{member['doc']}:{member['line']} @{member['start']}-{member['end']}  "
            assert (f"  {member['outlet']} {where}" if claim["status"] != "unique" else f"\n  {where}") in text
    # one-outlet stories are summarised, not listed; statuses in order of interest within a story
    assert "only Daily Mail covers this story: 85 claims, nothing to compare" in text
    story = text.split("== story-1")[1].split("== story-2")[0]
    assert story.index("DIVERGENCE") < story.index("AGREEMENT") < story.index("Only in")


def _run_2016(*args: str) -> tuple[int, str]:
    """The three 2016 wire/news reports only (file names as outlets): a faster run."""
    files = [str(DATA / name) for name in ("002_70fb1de66b54f918.txt", "003_c71ec08203a11230.txt",
                                           "004_7cde9b3c88a5415a.txt")]
    result = CliRunner().invoke(cli, ["compare", *files, "--quiet", *args])
    return result.exit_code, result.stdout  # stderr says why --fail-on tripped


def test_markdown_fail_on_divergence_and_threshold_override(cache_dir: str) -> None:
    code, markdown = _run_2016("--format", "markdown", "--cache-dir", cache_dir)
    assert code == 0 and markdown.startswith("# Claims compared across outlets") and "grave concern" in markdown
    # With every aligned pair negation-checked (divergence=0) and a low alignment threshold, the
    # "unless Russia takes steps" / "if Russia did not take steps" pair diverges: exit status 1.
    code, output = _run_2016("--fail-on", "divergence", "--threshold", "align=0.2", "--threshold", "divergence=0",
                             "--format", "json", "--cache-dir", cache_dir)
    assert code == 1
    assert any(c["status"] == "divergence" for c in json.loads(output)["claims"])


def test_bad_threshold_is_a_usage_error(cache_dir: str) -> None:
    code, output = _run("--threshold", "bogus=1", "--cache-dir", cache_dir)
    assert code == 2 and "name must be one of" in output
    code, output = _run("--threshold", "align=7", "--cache-dir", cache_dir)
    assert code == 2 and "align threshold must be in [0, 1]" in output


@pytest.fixture(scope="module")
def tiny_nli(tmp_path_factory) -> str:  # type: ignore[no-untyped-def]
    """A tiny randomly initialised BERT saved as a sentence-transformers CrossEncoder (no download)."""
    import torch
    from sentence_transformers import CrossEncoder
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder = tmp_path_factory.mktemp("nli")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"the a kerry russia aleppo grave concern not will".split()]
    (folder / "vocab.txt").write_text("\n".join(words) + "\n")
    labels = {0: "entailment", 1: "neutral", 2: "contradiction"}
    config = BertConfig(vocab_size=len(words), hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=16, max_position_embeddings=64, num_labels=3, id2label=labels,
                        label2id={v: k for k, v in labels.items()})
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(folder / "hf")
    BertTokenizer(str(folder / "vocab.txt")).save_pretrained(folder / "hf")
    CrossEncoder(str(folder / "hf"), device="cpu").save(str(folder / "cross-encoder"))
    return str(folder / "cross-encoder")


def test_nli_model_adds_contradiction_scores(cache_dir: str, tiny_nli: str) -> None:
    from sentence_transformers import CrossEncoder

    from dedupe.compare.nli import contradiction_scores

    pairs = [("kerry grave concern", "kerry not grave concern"), ("the russia", "a aleppo")]
    logits = np.asarray(CrossEncoder(tiny_nli, device="cpu").predict([list(p) for p in pairs]), dtype=np.float64)
    expected = np.exp(logits[:, 2]) / np.exp(logits).sum(axis=1)   # the column labelled "contradiction"
    assert np.allclose(contradiction_scores(tiny_nli, pairs), expected, atol=1e-6)
    code, output = _run_2016("--nli-model", tiny_nli, "--threshold", "nli=0", "--format", "json",
                             "--cache-dir", cache_dir)
    assert code == 0, output
    multi = [c for c in json.loads(output)["claims"] if len(c["outlets"]) > 1]
    assert multi and all(0.0 <= c["nli_contradiction"] <= 1.0 for c in multi)
    assert all(c["status"] == "divergence" and c["reasons"][-1]["type"] == "contradiction" for c in multi)
    assert all("nli_contradiction" not in c for c in json.loads(output)["claims"] if len(c["outlets"]) == 1)


def test_missing_nli_model_is_a_usage_error(cache_dir: str, tmp_path: Path) -> None:
    code, output = _run("--nli-model", str(tmp_path / "nope"), "--cache-dir", cache_dir)
    assert code == 2 and "NLI model folder not found" in output


def test_markdown_shows_corpus_markdown_as_text(cache_dir: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from hostile import MARKDOWN_SKIPPED, markdown_html, markdown_is_only_text, write_markdown_corpus

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["compare", *write_markdown_corpus(tmp_path), "--one-story", "--format",
                                      "markdown", "-q", "--cache-dir", cache_dir])
    assert result.exit_code == 0, result.output
    assert "### divergence" in result.stdout and markdown_is_only_text(result.stdout) == []
    skipped = html.escape(terminal_safe(MARKDOWN_SKIPPED), quote=False)
    assert skipped in markdown_html(result.stdout)  # the skipped input, as text
    row = "| md\\_2:1 | 0-71 | Jets bombed a hospital in eastern Aleppo on Tuesday, killing 12 people. |"
    assert row in result.stdout  # the characters column


def _examples(command: str) -> list[list[str]]:
    """The example command lines of ``dedupe COMMAND --help``, split as a shell splits them."""
    import shlex

    helped = CliRunner().invoke(cli, [command, "--help"]).output
    return [shlex.split(line)[1:] for line in helped.splitlines() if line.startswith("    dedupe ")]


@pytest.mark.parametrize("command", ["compare", "figures", "report"])
def test_help_examples_run_and_every_threshold_states_its_default(command: str, cache_dir: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # review25: none of the three showed an example, and --threshold gave no default for compare's names.
    examples = _examples(command)
    assert len(examples) == 3 and all(example[0] == command for example in examples)
    monkeypatch.chdir(tmp_path)  # the examples name data/ and write their -o files where they run
    (tmp_path / "data").symlink_to(DATA)
    for example in examples:
        extra = ["--cache-dir", cache_dir] if command != "figures" else []
        result = CliRunner().invoke(cli, [*example, *extra])
        assert result.exit_code == 0 or (result.exit_code == 1 and "--fail-on" in result.stderr), (example,
                                                                                                     result.output)
    written = [example[example.index("-o") + 1] for example in examples if "-o" in example]
    assert written and all((tmp_path / name).stat().st_size > 0 for name in written)
    helped = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
    names = ("align", "candidate", "divergence", "nli", "entity") if command != "figures" else ()
    for name in names:
        assert re.search(rf"{name}: [^;]*, default [0-9.]+", helped), name
    assert "tried before text, maintext" in helped
    assert ("default: all): killed, injured" in helped) is (command != "compare")  # --measure lists every measure


def test_an_update_is_located_as_a_reason_is(cache_dir: str, tmp_path: Path) -> None:
    # review25: a toll that rose between reports was given by outlet, document and words only, in the text, the
    # Markdown and the HTML, while a conflict gives each side's line and characters (a document may hold the words
    # in several sentences).
    text = "Jets bombed a hospital in eastern Aleppo on Tuesday, killing {} people, officials said.\n"
    rows = [{"id": "a", "source": "Wire", "date": "2016-09-28", "text": text.format(40)},
            {"id": "b", "source": "Post", "date": "2016-09-30", "text": text.format(52)}]
    corpus = tmp_path / "u.jsonl"
    corpus.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")

    def run(command: str, fmt: str) -> str:
        result = CliRunner().invoke(cli, [command, str(corpus), "-q", "--format", fmt, "--cache-dir", cache_dir])
        assert result.exit_code == 0, result.output
        return result.output

    update = json.loads(run("compare", "json"))["claims"][0]["updates"][0]
    assert [(side["doc"], side["spans"]) for side in update["conflicting"]] == [("a", [[61, 70]]), ("b", [[61, 70]])]
    assert "      a:1 @61-70 '40 people'  |  b:1 @61-70 '52 people'\n" in run("compare", "text")
    assert "(a:1 @61-70 '40 people'  \\|  b:1 @61-70 '52 people')" in run("compare", "markdown")
    page = run("report", "html")
    listed = page[page.index('<li class="update">'):]
    assert listed.index("a @61-70</a> <mark>40 people</mark>") < listed.index("</li>")
