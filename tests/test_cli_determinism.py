"""The real CLI in fresh processes with different ``PYTHONHASHSEED``: byte-identical outputs.

Running a command twice in one process cannot catch output that follows set or dict-of-set order,
since both runs share one string-hash seed. Here every command runs in two child processes, one with
``PYTHONHASHSEED=0`` and one with ``12345``, and their output files are compared byte for byte.

``scan`` and ``figures`` run as ``python -m dedupe``. The three commands that load the model
(``compare``, ``report`` as JSON and as HTML) run one after another in one child per seed, through the
same entry point (``dedupe.cli.cli``), so the model and torch are imported once per seed, not three times.
``report`` runs every stage (compare included) with ``--model PATH`` naming the packaged model folder;
its JSON run uses ``--no-cache``, after which the default cache folder (``$DEDUPE_CACHE_DIR``) must hold no
embeddings. Every cache folder's ``onnx/`` links to the one ONNX export of the session (the one the
``real_encoder`` fixture uses), so the model is exported at most once, not once per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dedupe.embed.backends import packaged_model_folder
from dedupe.embed.cache import default_cache_dir
from dedupe.report.html_data import report_from_page

ROOT = Path(__file__).resolve().parent.parent
DATA = str(ROOT / "data")
SEEDS = ("0", "12345")
OUTPUTS = ("scan.json", "figures.json", "compare.json", "report.json", "report.html")

#: Runs each argument list of ``sys.argv[1]`` (JSON) through the CLI, as ``python -m dedupe`` would.
DRIVER = """
import json, sys
from dedupe.cli import cli
for args in json.loads(sys.argv[1]):
    cli.main(args=args, prog_name="dedupe", standalone_mode=False)
"""


def _environment(seed: str, default_cache: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT), DEDUPE_CACHE_DIR=str(default_cache))


def _run_both(commands: dict[str, list[str]], folder: Path) -> None:
    """Run ``commands[seed]`` for both seeds at once (two processes); fail with the stderr of a failure."""
    children = {seed: subprocess.Popen(commands[seed], cwd=folder / seed,
                                       env=_environment(seed, folder / "default-cache"),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for seed in SEEDS}
    for seed, child in children.items():
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0, f"PYTHONHASHSEED={seed}: {' '.join(commands[seed])}\n{out}\n{err}"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every output of both seeds, in ``folder/<seed>/<name>``; ``folder/default-cache`` is the unused cache."""
    folder = tmp_path_factory.mktemp("determinism")
    model = str(packaged_model_folder())
    exports = default_cache_dir() / "onnx"
    exports.mkdir(parents=True, exist_ok=True)
    for cache in ("default-cache", *(f"{seed}/cache" for seed in SEEDS)):
        (folder / cache).mkdir(parents=True)
        (folder / cache / "onnx").symlink_to(exports, target_is_directory=True)
    cli = [sys.executable, "-m", "dedupe"]
    for command in ("scan", "figures"):
        _run_both({seed: [*cli, command, DATA, "--format", "json", "-q", "-o", f"{command}.json"] for seed in SEEDS},
                  folder)
    model_commands = [
        ["report", DATA, "--format", "json", "--model", model, "--no-cache", "-q", "-o", "report.json"],
        ["compare", DATA, "--format", "json", "--model", model, "--cache-dir", "cache", "-q", "-o", "compare.json"],
        ["report", DATA, "--format", "html", "--model", model, "--cache-dir", "cache", "-q", "-o", "report.html"],
    ]
    _run_both({seed: [sys.executable, "-c", DRIVER, json.dumps(model_commands)] for seed in SEEDS}, folder)
    return folder


@pytest.mark.parametrize("name", OUTPUTS)
def test_output_is_byte_identical_across_hash_seeds(outputs: Path, name: str) -> None:
    first, second = ((outputs / seed / name).read_bytes() for seed in SEEDS)
    assert len(first) > 1000
    assert first == second


def _report(outputs: Path) -> dict[str, Any]:
    return json.loads((outputs / SEEDS[0] / "report.json").read_text(encoding="utf-8"))


def test_report_runs_compare_and_finds_the_grave_concern_agreement(outputs: Path) -> None:
    claims = _report(outputs)["compare"]["claims"]
    groups = [c for c in claims if c["status"] == "agreement"
              and sum("grave concern" in m["text"] for m in c["members"]) >= 3]
    assert len(groups) == 1
    assert {m["outlet"] for m in groups[0]["members"]} >= {"EA WorldView", "Reuters", "The Independent"}
    texts = {p.name: p.read_text(encoding="utf-8") for p in Path(DATA).glob("*.txt")}
    for member in groups[0]["members"]:
        assert texts[member["doc"] + ".txt"][member["start"]:member["end"]] == member["text"]


def test_report_compare_section_is_the_compare_command(outputs: Path) -> None:
    compare = json.loads((outputs / SEEDS[0] / "compare.json").read_text(encoding="utf-8"))
    assert _report(outputs)["compare"]["claims"] == compare["claims"]


def test_html_embeds_the_json_report(outputs: Path) -> None:
    # The HTML run read its vectors from the cache the compare run wrote; the JSON run had no cache.
    page = (outputs / SEEDS[0] / "report.html").read_text(encoding="utf-8")
    assert report_from_page(page) == _report(outputs)


def test_no_cache_writes_no_embeddings_and_cache_dir_keeps_them(outputs: Path) -> None:
    assert [p.name for p in (outputs / "default-cache").iterdir()] == ["onnx"]
    for seed in SEEDS:
        assert (outputs / seed / "cache" / "embeddings.sqlite3").stat().st_size > 0
