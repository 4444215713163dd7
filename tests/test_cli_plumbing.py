"""The plumbing a CI job relies on, through the real CLI: inputs and outputs, signals, skipped inputs,
exit statuses and one-line errors (issue 14)."""

from __future__ import annotations

import gzip
import json
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner

from dedupe.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DATA = str(ROOT / "data")
ARTICLE = (ROOT / "data" / "002_70fb1de66b54f918.txt").read_text(encoding="utf-8")


def invoke(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def dedupe_process(*args: str, as_nobody: bool = False, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``python -m dedupe ARGS`` in a fresh process; ``as_nobody``: as user nobody when this runs as root
    (root reads every folder), by util-linux's ``setpriv``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if as_nobody and os.geteuid() == 0 else []
    return subprocess.run([*drop, sys.executable, "-m", "dedupe", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, **kwargs)  # type: ignore[call-overload]


def records(*texts: str) -> bytes:
    return "".join(json.dumps({"id": f"r{i}", "source": "Wire", "text": t}) + "\n"
                   for i, t in enumerate(texts)).encode()


# --- 4. compressed inputs ------------------------------------------------------------------------------

def test_compressed_corpora_are_read_by_suffix_and_magic_bytes_in_folders_too(tmp_path: Path) -> None:
    batch = records(ARTICLE, "A short second article.")
    (tmp_path / "batch.jsonl.gz").write_bytes(gzip.compress(batch))
    (tmp_path / "more.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(records(ARTICLE[:2000])
                                                                                 .replace(b'"r0"', b'"z0"')))
    (tmp_path / "plain.txt.xz").write_bytes(lzma.compress(b"A text file, compressed."))
    code, out, err = invoke("info", str(tmp_path), "--format", "json")
    assert code == 0 and err == ""
    document = json.loads(out)
    assert [d["id"] for d in document["documents"]] == ["r0", "r1", "z0", "plain"]
    # Line numbers are those of the decompressed text: the finding points into the file a user unpacks.
    code, out, _ = invoke("scan", str(tmp_path / "batch.jsonl.gz"), str(tmp_path / "more.jsonl.zst"),
                          "--format", "json")
    found = json.loads(out)
    assert code == 0 and found["findings"][0]["kind"] == "near_duplicate"


def test_a_truncated_archive_and_a_cut_off_json_line_are_one_line_warnings(tmp_path: Path) -> None:
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(records(ARTICLE))[:40])
    (tmp_path / "rows.jsonl").write_bytes(records(ARTICLE) + b'{"id": "x", "text": "cut off he\n')
    code, _, err = invoke("info", str(tmp_path), "-q")
    assert code == 0
    assert err.splitlines() == [
        f"warning: {tmp_path / 'cut.jsonl.gz'}: corrupt or truncated gzip data "
        "(Compressed file ended before the end-of-stream marker was reached)",
        f"warning: {tmp_path / 'rows.jsonl'}:2: truncated or invalid JSON: Unterminated string starting at "
        "(column 21)"]


# --- 3. unreadable subfolders --------------------------------------------------------------------------

@pytest.fixture()
def open_folder() -> Iterator[Path]:
    """A folder under /tmp that user nobody can enter (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_an_unreadable_subfolder_warns_counts_and_fails_under_strict(open_folder: Path) -> None:
    corpus = open_folder / "corpus"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "locked" / "hidden.txt").write_text("never read", encoding="utf-8")
    (corpus / "a.txt").write_text(ARTICLE, encoding="utf-8")
    corpus.chmod(0o755)
    (corpus / "locked").chmod(0)
    try:
        loose = dedupe_process("info", str(corpus), "--format", "json", as_nobody=True)
        strict = dedupe_process("info", str(corpus), "--strict", as_nobody=True)
    finally:
        (corpus / "locked").chmod(0o755)
    assert loose.returncode == 0
    assert loose.stderr == f"warning: {corpus / 'locked'}: cannot read folder: Permission denied\n"
    summary = json.loads(loose.stdout)
    assert summary["summary"]["skipped"] == 1 and summary["skipped"][0]["path"] == str(corpus / "locked")
    assert strict.returncode == 2
    assert strict.stderr == f"Error: {corpus / 'locked'}: cannot read folder: Permission denied\n"
