"""dedupe.pipeline: every name the package lists resolves, each loaded from its own module on first use."""

from __future__ import annotations

import subprocess
import sys

import dedupe.pipeline as pipeline


def test_every_listed_name_resolves() -> None:
    assert all(getattr(pipeline, name) is not None for name in pipeline.__all__)


def test_loading_a_corpus_does_not_load_the_other_commands_runs() -> None:
    probe = ("import sys; import dedupe.cli; from dedupe.pipeline import load_checked; "
             "print(sorted(m for m in sys.modules if m.startswith('dedupe.pipeline')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['dedupe.pipeline', 'dedupe.pipeline.load']"
