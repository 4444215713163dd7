"""``benchmarks.index_add_trace``: the marks of a real ``index add``, each module wrapped as the command imports it."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.index_add_trace import trace

_ROOT = Path(__file__).resolve().parents[1]


def test_an_add_of_the_seed_corpus_marks_its_phases_in_order() -> None:
    marks = trace(_ROOT / "data", _ROOT, serial=True)
    names = [what for _, _, what, _, _ in marks]
    # The index modules are imported inside the command, after the driver starts: marked only through the hook.
    assert names[:2] == ["interpreter up", "command imported"]
    assert names.count("Index._add_batch <") == names.count("Index._add_batch >") == 1  # five documents: one batch
    assert names.index("open_index <") < names.index("Index._add_batch <") < names.index("Index.close >")
    assert names[-1] == "exit"
    assert {process for _, process, _, _, _ in marks} == {"writer"}  # the seed corpus is too small to fork for
    cpu = [ms for _, _, _, _, ms in marks]
    assert cpu == sorted(cpu) and [row[0] for row in marks] == sorted(row[0] for row in marks)


def test_the_add_imports_the_tree_asked_for_from_any_working_directory(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dedupe").mkdir()
    (tmp_path / "dedupe" / "__init__.py").write_text("raise ImportError('the working directory was imported')\n")
    monkeypatch.chdir(tmp_path)  # a checkout whose dedupe is not the tree's
    names = [what for _, _, what, _, _ in trace(_ROOT / "data", _ROOT, serial=True)]
    assert names[-1] == "exit"
