"""Shared fixtures. Each fixture is a separate, self-contained block; add new ones below."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

# --- fixtures of dedupe.embed.encoder (owner: embed) -------------------------------------------------------

class HashingEncoder:
    """A small deterministic bag-of-words :class:`dedupe.embed.encoder.Encoder` for fast tests (no model).

    Each lower-cased word is hashed into one of ``dim`` buckets with a sign; rows are L2-normalised,
    so texts sharing words have a positive cosine and texts sharing none have cosine 0 (up to
    bucket collisions). An empty or word-less text maps to a fixed unit vector.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.fingerprint = f"hashing-bow-{dim}"
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in zip(rows, texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dim
                row[bucket] += 1.0 if digest[4] & 1 else -1.0
            if not row.any():
                row[0] = 1.0
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def hashing_encoder() -> HashingEncoder:
    """A fresh bag-of-words encoder; ``.calls`` records the texts of every ``encode`` call."""
    return HashingEncoder()


@pytest.fixture(scope="session")
def real_encoder():  # type: ignore[no-untyped-def]
    """The packaged all-MiniLM-L6-v2 (hash-checked), loaded once for the whole test session."""
    from dedupe.embed.encoder import load_encoder

    return load_encoder(None, backend="auto")

# --- end of fixtures of dedupe.embed.encoder -------------------------------------------------------------


# --- fixtures of dedupe.report (owner: report) -------------------------------------------------------------

@dataclass(frozen=True)
class SeedReport:
    """The real combined report of ``data/`` plus the hostile document (``tests/hostile.py``).

    Attributes:
        result: What :func:`dedupe.pipeline.run_report` returned (every stage, the real model, no cache).
        report: Its combined dict, :func:`dedupe.report.combined.report_dict`.
        documents: The segmented documents the report points into.
    """

    result: Any
    report: dict[str, Any]
    documents: tuple[Any, ...]


@pytest.fixture(scope="session")
def seed_report(tmp_path_factory: pytest.TempPathFactory, real_encoder: Any) -> SeedReport:
    """The whole report on the seeds plus the hostile document, run once for the session."""
    from hostile import HOSTILE_RECORD

    from dedupe.pipeline import ReportConfig, run_report
    from dedupe.report.combined import report_dict

    evil = tmp_path_factory.mktemp("hostile") / "evil.jsonl"
    evil.write_text(json.dumps(HOSTILE_RECORD) + "\n", encoding="utf-8")
    data = Path(__file__).resolve().parent.parent / "data"
    result = run_report([str(data), str(evil)], encoder=real_encoder, config=ReportConfig(cache_dir=None))
    return SeedReport(result, report_dict(result), result.prepared.documents)

# --- end of fixtures of dedupe.report ------------------------------------------------------------------------


# --- fixtures of the real corpora (owner: tests) -----------------------------------------------------------

#: The folder of the real corpora (its README lists them); ``DEDUPE_CORPORA`` names another.
CORPORA = Path(os.environ.get("DEDUPE_CORPORA", "/work/shared/corpora"))


@pytest.fixture(scope="session")
def shared_corpus() -> Callable[[str], Path]:
    """The path of a file under :data:`CORPORA` (``"multi-outlet/articles.jsonl"``); the test is skipped, with
    the path it looked for, when the file is not on this machine (session-scoped: module fixtures use it)."""
    def find(relative: str) -> Path:
        path = CORPORA / relative
        if not path.exists():
            pytest.skip(f"{path} is not on this machine (DEDUPE_CORPORA names the folder of the real corpora)")
        return path
    return find

# --- end of fixtures of the real corpora ---------------------------------------------------------------------


# --- fixtures of dedupe.index.segments (owner: index) ------------------------------------------------------

@pytest.fixture()
def segments_db(tmp_path: Path) -> sqlite3.Connection:
    """A SQLite file holding only the segments table and a ``docs(seq)`` table (autocommit)."""
    from dedupe.index import segments

    connection = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    connection.execute("CREATE TABLE docs(seq INTEGER PRIMARY KEY)")
    for statement in segments.SCHEMA.split(";"):
        connection.execute(statement)
    return connection

# --- end of fixtures of dedupe.index.segments --------------------------------------------------------------


# The claim encoder's tiny training runs (tests/test_benchmarks_train_claim_encoder.py, ..._claim_encoder_folds.py):
# eight outside-style pairs, half of them the same claim, and the frozen lower layers' states of their texts, made
# once a run (the runs copy the layers they train: the model is never changed).
ENCODER_FROZEN = 5  # the tiny runs train MiniLM's last layer only


@pytest.fixture(scope="session")
def encoder_pairs() -> Any:
    from benchmarks.align_quality import Pairs

    return Pairs(
        ["The quake killed at least 400 people in Yunnan.", "Kerry threatened to cut off all contact with Moscow.",
         "The ferry sank with 200 passengers aboard.", "Bank workers went on strike across Brazil.",
         "Officials said the death toll rose to 410.", "The minister resigned on Tuesday.",
         "Rescuers pulled survivors from the rubble.", "Oil prices fell sharply on Monday."],
        ["At least 400 people died when the earthquake struck Yunnan.", "The ferry sank with 200 passengers aboard.",
         "A boat carrying 200 people went down.", "The central bank raised interest rates.",
         "The death toll climbed to 410, officials said.", "Iran launched a new offensive near Basra.",
         "Survivors were pulled out of the rubble by rescue teams.", "The football team won the cup."],
        np.array([1, 0, 1, 0, 1, 0, 1, 0]))


@pytest.fixture(scope="session")
def base() -> tuple[Any, Any]:
    """The packaged MiniLM's tokenizer and model, as benchmarks.train_claim_encoder loads them."""
    torch = pytest.importorskip("torch")
    from benchmarks.train_claim_encoder import load_base

    torch.set_num_threads(2)
    return load_base()  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def texts(base: tuple[Any, Any], encoder_pairs: Any) -> Any:
    """The pairs' texts through the frozen lower layers (:data:`ENCODER_FROZEN`)."""
    from benchmarks.train_claim_encoder import pair_texts

    tokenizer, model = base
    return pair_texts(encoder_pairs, model, tokenizer, ENCODER_FROZEN)
