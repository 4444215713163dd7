"""dedupe.pipeline: every name the package lists resolves, each loaded from its own module on first use."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import dedupe.pipeline as pipeline


def test_every_listed_name_resolves() -> None:
    assert all(getattr(pipeline, name) is not None for name in pipeline.__all__)


def _type_checking_imports() -> dict[str, str]:
    """Name -> module of the package's TYPE_CHECKING imports (what mypy reads)."""
    tree = ast.parse(Path(pipeline.__file__).read_text(encoding="utf-8"))
    guarded = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    return {alias.name: str(node.module) for node in guarded.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}


def test_each_name_is_what_type_checkers_read() -> None:
    imported = _type_checking_imports()
    assert sorted(imported) == pipeline.__all__ and "load_checked" in imported
    for name, module in imported.items():
        assert getattr(pipeline, name) is getattr(importlib.import_module(module), name), name
    with pytest.raises(AttributeError, match="run_nothing"):  # an unlisted name does not resolve
        pipeline.run_nothing  # noqa: B018


def test_loading_a_corpus_does_not_load_the_other_commands_runs() -> None:
    probe = ("import sys; import dedupe.cli; from dedupe.pipeline import load_checked; "
             "print(sorted(m for m in sys.modules if m.startswith('dedupe.pipeline')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['dedupe.pipeline', 'dedupe.pipeline.load']"
