"""dedupe.index.ranks: each place's rank among the places of its hash group in history + batch, from a real
index file, against the ranks read off the whole corpus."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Document, Origin
from dedupe.index import IndexParams, open_index
from dedupe.index.keys import document_keys
from dedupe.index import ranks as ranks_module
from dedupe.index.ranks import History, shared_groups
from dedupe.native import native
from dedupe.scan import passages
from dedupe.scan.minhash import lsh_params
from dedupe.scan.config import ScanConfig
from dedupe.scan.fingerprints import fingerprint_corpus
from dedupe.scan.shingle import Fingerprints
from dedupe.scan.verify import lsh_candidates
from tests.index_data import corpora, write_jsonl

CONFIG = ScanConfig()
PARAMS = IndexParams.from_config(CONFIG)


def _whole_ranks(documents: list[Document]) -> tuple[np.ndarray, np.ndarray]:
    """Rank of every shingle of ``documents`` among the places of its group, read off the whole corpus, and
    the size of its group there."""
    prints = fingerprint_corpus([d.text for d in documents], CONFIG.ngram)
    low = passages.group_bits(int(prints.shingles.size), len(documents), CONFIG.min_words, CONFIG.ngram)
    groups = (prints.shingles >> np.uint64(low)).tolist()
    seen: dict[int, int] = {}
    ranks = []
    for group in groups:
        ranks.append(seen.get(group, 0))
        seen[group] = ranks[-1] + 1
    return np.array(ranks), np.array([seen[group] for group in groups])


def _links(hashes: np.ndarray, ranks: np.ndarray) -> set[tuple[int, int]]:
    """Pairs of places ``i < j`` of the same shingle whose ranks are at most ``FANOUT`` apart."""
    by_hash: dict[int, list[int]] = {}
    for place, value in enumerate(hashes.tolist()):
        by_hash.setdefault(value, []).append(place)
    return {(i, j) for places in by_hash.values() for n, i in enumerate(places) for j in places[n + 1:]
            if ranks[j] - ranks[i] <= passages.FANOUT}


def test_group_bits_are_the_bits_of_the_scan_layout() -> None:
    prints = fingerprint_corpus(["one two three four five six seven eight nine", "ten eleven"], 5)
    padded, _, _ = passages._padded(prints, max(1, CONFIG.min_words - CONFIG.ngram + 1) // 2 + 1)
    assert passages.group_bits(int(prints.shingles.size), 2, CONFIG.min_words, CONFIG.ngram) == \
        int(padded.size).bit_length()


def test_ranks_of_a_part_of_history_are_its_ranks_in_the_whole(tmp_path: Path) -> None:
    history_records, batch_records = corpora()
    history = list(load_corpus([str(write_jsonl(tmp_path / "h.jsonl", history_records))]).documents)
    batch = list(load_corpus([str(write_jsonl(tmp_path / "b.jsonl", batch_records))]).documents)
    whole, sizes = _whole_ranks(history + batch)
    prints = fingerprint_corpus([d.text for d in history + batch], CONFIG.ngram)
    chosen = sorted(set(range(100, 112)) | set(range(0, 300, 7)))  # the boilerplate documents, and others
    part = [history[i] for i in chosen] + batch
    places = np.concatenate([np.arange(prints.offsets[i], prints.offsets[i + 1])
                             for i in chosen + list(range(len(history), len(history) + len(batch)))])
    with open_index(tmp_path / "h.db", PARAMS, create=True) as index:
        index.add(history, batch_size=64)
        with index.snapshot():
            ranks = History(index, np.array(chosen, dtype=np.int64) + 1, PARAMS).ranks(
                fingerprint_corpus([d.text for d in part], CONFIG.ngram))
    part_prints = fingerprint_corpus([d.text for d in part], CONFIG.ngram)
    values, counts = np.unique(part_prints.shingles, return_counts=True)
    shared = counts[np.searchsorted(values, part_prints.shingles)] > 1  # ranks are given where a link can be
    assert shared.sum() > 500
    # Exact where the group is too large for every place to link to every other; elsewhere any ranks do
    # that keep them within FANOUT: the links are the whole corpus' in both cases.
    large = shared & (sizes[places] > passages.FANOUT + 1)
    assert large.sum() > 300
    assert ranks[large].tolist() == whole[places][large].tolist()
    assert _links(part_prints.shingles, ranks) == _links(part_prints.shingles, whole[places])
    own = _whole_ranks(part)[0]  # the ranks inside the part alone: documents left out do count
    assert np.count_nonzero(own[shared] != whole[places][shared]) > 100
    assert _links(part_prints.shingles, own) != _links(part_prints.shingles, whole[places])


def test_candidates_of_a_part_are_the_whole_corpus_candidates_among_its_documents(tmp_path: Path) -> None:
    # 130 stored copies of one story: one LSH bucket of over MAX_BUCKET documents, where the whole corpus
    # pairs neighbours only; a part holding a few of them must not pair them all.
    words = " ".join(f"w{i}" for i in range(60))
    history = [Document(f"h{i}", "Reuters", "", "", None, f"{words} tail{i}", Origin("h.jsonl", i + 1), "")
               for i in range(130)]
    batch = [Document("b", "AP", "", "", None, f"{words} tail", Origin("b.jsonl", 1), "")]
    bands, rows = lsh_params(CONFIG.threshold, CONFIG.num_perm)
    every = history + batch
    prints = fingerprint_corpus([d.text for d in every], CONFIG.ngram)
    usable = np.diff(prints.offsets) > 0
    whole = {(every[a].id, every[b].id) for a, b in lsh_candidates(prints, usable, bands, rows, CONFIG).tolist()}
    chosen = [0, 1, 5, 50, 51, 128, 129]
    part = [history[i] for i in chosen] + batch
    part_prints = fingerprint_corpus([d.text for d in part], CONFIG.ngram)
    with open_index(tmp_path / "h.db", PARAMS, create=True) as index:
        index.add(history, batch_size=16)
        with index.snapshot():
            found = History(index, np.array(chosen, dtype=np.int64) + 1, PARAMS).candidates(
                part_prints, np.diff(part_prints.offsets) > 0)
    ids = {d.id for d in part}
    assert {(part[a].id, part[b].id) for a, b in found.tolist()} == {p for p in whole if set(p) <= ids}
    assert ("h0", "h1") in whole and ("h0", "h5") not in whole  # neighbours only, in the whole


def test_band_keys_kept_round_to_round_are_the_documents_keys(tmp_path: Path) -> None:
    """The buckets of a later round, made of the band keys each document got in an earlier round (and of
    the new documents'), are those of ``document_keys`` over the documents scanned then."""
    history = [Document(f"h{i}", "Reuters", "", "", None, f"story {i % 7} " + " ".join(f"w{(i * j) % 97}" for j in
                        range(40)), Origin("h.jsonl", i + 1), "") for i in range(60)]
    batch = [Document("b", "AP", "", "", None, history[3].text + " more", Origin("b.jsonl", 1), "")]
    with open_index(tmp_path / "h.db", PARAMS, create=True) as index:
        index.add(history, batch_size=16)
        with index.snapshot():
            whole = History(index, np.zeros(0, dtype=np.int64), PARAMS)
            for chosen in ([3, 10, 40], [1, 3, 7, 10, 33, 40, 59], list(range(60))):
                part = [history[i] for i in chosen] + batch
                prints = fingerprint_corpus([d.text for d in part], CONFIG.ngram)
                keys = document_keys(prints, PARAMS, passages=False)
                made = whole.reading(np.array(chosen, dtype=np.int64) + 1)._buckets(prints)
                assert made[0].tolist() == keys.bands.tolist() and made[1].tolist() == keys.band_docs.tolist()
            # The round's frontier asks for the stored documents' keys again: those kept, none made again ...
            def unread(seqs: list[int]) -> Fingerprints:
                raise AssertionError(f"band keys of {seqs} made again")

            asked = [60, 4, 11]  # seq of history[59], history[3], history[10]
            got = whole.band_keys(asked, unread)
            own = document_keys(fingerprint_corpus([history[s - 1].text for s in asked], CONFIG.ngram), PARAMS,
                                passages=False)
            assert sorted(got.tolist()) == sorted(own.bands.tolist()) and got.size > 0
            # ... and a document no round scanned gets its keys made from its fingerprints, then kept
            fresh = History(index, np.zeros(0, dtype=np.int64), PARAMS)
            prints_of = lambda seqs: fingerprint_corpus([history[s - 1].text for s in seqs], CONFIG.ngram)  # noqa: E731
            assert sorted(fresh.band_keys(asked, prints_of).tolist()) == sorted(own.bands.tolist())
            assert fresh.band_keys(asked, unread).tolist() == fresh.band_keys(asked, prints_of).tolist()



@pytest.mark.parametrize("seed", range(6))
def test_shared_groups_and_spread_ranks_compiled_are_numpys(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled groups and runs of sorted places, and the ranks spread over them, are numpy's and the
    definition's."""
    if native() is None:
        pytest.skip("the compiled extension is not built")
    rng = np.random.default_rng(seed)
    places, low = int(rng.integers(500, 3000)), 12  # places below 2 ** low
    hashes = rng.integers(0, [4, 50, 5000][seed % 3], places, dtype=np.uint64)
    chosen = np.flatnonzero(rng.random(places) < (1.0 if seed % 2 else 0.6))
    packed = np.sort((hashes[chosen] << np.uint64(20)) | chosen.astype(np.uint64))
    block = np.minimum(np.sort(rng.integers(0, 40, places)), 30)  # blocks 30 and above: the batch
    compiled = shared_groups(packed, low, block, 30)
    plain = ranks_module._shared_groups(packed, low, block, 30)
    assert [a.tolist() for a in compiled.arrays()] == [a.tolist() for a in plain.arrays()]
    assert compiled.key.size > 0
    found = rng.integers(0, 100, compiled.head.size)
    expected = np.zeros(places, dtype=np.int64)
    for run, (head, end) in enumerate(zip(plain.head.tolist(), plain.end.tolist())):
        for k in range(head, end):
            expected[int(packed[k]) & ((1 << low) - 1)] = found[run] + k - head
    for switch in ("1", "0"):  # compiled, then numpy
        monkeypatch.setenv("DEDUPE_NATIVE", switch)
        spread = np.zeros(places, dtype=np.int64)
        ranks_module._spread(spread, packed, low, compiled, found)
        assert spread.tolist() == expected.tolist()
