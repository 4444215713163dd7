"""``benchmarks.index_add_trace``: the marks of a real ``index add``, each module wrapped as the command imports it."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.index_add_trace import read_marks, trace

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
    assert cpu == sorted(cpu)  # one process: its CPU so far at each mark, never less than at the mark before
    # ... and CPU milliseconds indeed: some spent by the exit, never more than the wall milliseconds since the launch
    # (one thread: five documents merge no segments), which a per-mark delta or a clock other than CPU would break.
    assert 10 < cpu[-1] <= marks[-1][0] + 1 and cpu[0] < cpu[-1]


def test_marks_appended_out_of_time_order_by_several_processes_are_read_in_time_order() -> None:
    # The serial add above writes its marks in time order already: only marks of several processes, one stamped
    # before another's and appended after it, show whether they are sorted.
    log = ["1.5\t40\tinterpreter up\t900\t10", "9.0\t41\tprepare <\t50\t1", "7.25\t40\tos.fork >\t950\t12",
           "8.0\t42\tprepare <\t20\t0", "3.0\t43\tprepare <\t5\t0", "9.0\t40\texit\t990\t30"]
    assert read_marks(log) == [
        (1.5, "writer", "interpreter up", 900, 10), (3.0, "child 3", "prepare <", 5, 0),
        (7.25, "writer", "os.fork >", 950, 12), (8.0, "batch child", "prepare <", 20, 0),
        (9.0, "load child", "prepare <", 50, 1), (9.0, "writer", "exit", 990, 30)]


def test_the_add_imports_the_tree_asked_for_from_any_working_directory(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dedupe").mkdir()
    (tmp_path / "dedupe" / "__init__.py").write_text("raise ImportError('the working directory was imported')\n")
    monkeypatch.chdir(tmp_path)  # a checkout whose dedupe is not the tree's
    names = [what for _, _, what, _, _ in trace(_ROOT / "data", _ROOT, serial=True)]
    assert names[-1] == "exit"
