"""dedupe.scan.incremental: round after round, scan_more gives what one scan of all the documents gives (the
findings, pairs and counts), whichever documents each round adds, against a real index of the history."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from dedupe.corpus.documents import Document
from dedupe.corpus.load import load_corpus
from dedupe.index import IndexParams, open_index
from dedupe.index.ranks import History
from dedupe.scan import incremental
from dedupe.scan.config import ScanConfig
from dedupe.scan.incremental import Scanned, scan_more
from dedupe.scan.near_dup import ScanResult, scan
from dedupe.scan.fingerprints import fingerprint_corpus
from tests.index_data import corpora, write_jsonl

CONFIG = ScanConfig()
PARAMS = IndexParams.from_config(CONFIG)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Document], list[Document], Path]:
    """The planted history (300 articles) in an index, and the batch."""
    folder = tmp_path_factory.mktemp("incremental")
    history_records, batch_records = corpora()
    history = list(load_corpus([str(write_jsonl(folder / "h.jsonl", history_records))]).documents)
    batch = list(load_corpus([str(write_jsonl(folder / "b.jsonl", batch_records))]).documents)
    with open_index(folder / "h.db", PARAMS, create=True) as index:
        index.add(history, batch_size=64)
    return history, batch, folder / "h.db"


def _rounds(seed: int, size: int) -> list[list[int]]:
    """Growing sets of history documents (indices, ascending): some join in each of three rounds, some never,
    the later rounds adding fewer, as the lookups of ``scan --against`` do."""
    rng = random.Random(seed)
    joins = [rng.choices([0, 1, 2, 3], weights=[4, 3, 1, 2])[0] for _ in range(size)]
    for planted in (5, 10, 11, 20, 21, 30, *range(100, 112)):  # the planted relations, in varied rounds
        joins[planted] = rng.randrange(3)
    return [[i for i, join in enumerate(joins) if join <= r] for r in range(3)]


def _one_scan(index_history: History, history: list[Document], batch: list[Document],
              chosen: list[int]) -> ScanResult:
    documents = [history[i] for i in chosen] + batch
    whole = index_history.reading(np.array(chosen, dtype=np.int64) + 1)  # seq: 1 for the first stored
    prints = fingerprint_corpus([d.text for d in documents], CONFIG.ngram)
    return scan(documents, CONFIG, whole, involving=frozenset(d.id for d in batch), prints=prints)


@pytest.mark.parametrize("share", [incremental.RESCAN_SHARE, 2.0])  # 2.0: every later round is incremental
@pytest.mark.parametrize("seed", range(4))
def test_rounds_give_what_one_scan_of_all_the_documents_gives(
        stored: tuple[list[Document], list[Document], Path], seed: int, share: float,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incremental, "RESCAN_SHARE", share)
    history, batch, db = stored
    ids = frozenset(d.id for d in batch)
    kept: Scanned | None = None
    with open_index(db) as index, index.snapshot():
        whole = History(index, np.zeros(0, dtype=np.int64), PARAMS)
        for chosen in _rounds(seed, len(history)):
            documents = [history[i] for i in chosen] + batch
            prints = fingerprint_corpus([d.text for d in documents], CONFIG.ngram)
            got, kept = scan_more(kept, documents, prints, whole.reading(np.array(chosen, dtype=np.int64) + 1),
                                  CONFIG, involving=ids)
            want = _one_scan(History(index, np.zeros(0, dtype=np.int64), PARAMS), history, batch, chosen)
            assert got == want  # findings, pairs and counts (ScanStats leaves the timings out)
            assert kept.ids == tuple(d.id for d in documents)
    kinds = {f.kind for f in got.findings}
    assert {"near_duplicate", "reuse", "boilerplate"} <= kinds  # the planted relations were all reached
    assert got.stats.candidate_pairs > 0 and got.stats.shared_runs > 20


def test_the_documents_scanned_before_must_all_be_there_in_their_order(
        stored: tuple[list[Document], list[Document], Path]) -> None:
    history, batch, db = stored
    with open_index(db) as index, index.snapshot():
        whole = History(index, np.zeros(0, dtype=np.int64), PARAMS)
        first = [history[3], history[7]] + batch
        _, kept = scan_more(None, first, fingerprint_corpus([d.text for d in first], CONFIG.ngram),
                            whole.reading(np.array([4, 8])), CONFIG)
        for documents, seqs in (([history[7], history[3]] + batch, [8, 4]), ([history[3]] + batch, [4])):
            with pytest.raises(ValueError):
                scan_more(kept, documents, fingerprint_corpus([d.text for d in documents], CONFIG.ngram),
                          whole.reading(np.array(seqs)), CONFIG)
