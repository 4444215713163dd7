"""Seed-and-extend runs, chaining across edits, grouping by overlap."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.scan import passages
from dedupe.scan.passages import RunTable, chain_runs, coverage, group_runs, shared_runs
from dedupe.scan.shingle import fingerprint, tokenize

SHARED = "the state department said in a written statement that it held moscow responsible"


def filler(seed: int, count: int) -> str:
    rng = random.Random(seed)
    return " ".join(f"x{seed}y{rng.randrange(10**6)}" for _ in range(count))


def hashes_of(texts: list[str]):  # type: ignore[no-untyped-def]
    return lambda docs: {d: tokenize(texts[d]).hashes for d in docs}


def test_a_shared_stretch_is_one_run_with_exact_token_spans() -> None:
    texts = [f"{filler(1, 7)} {SHARED} {filler(2, 5)}", f"{filler(3, 12)} {SHARED}"]
    runs = shared_runs(fingerprint(texts, 5), min_words=8)
    assert runs.rows() == [(0, 7, 20, 1, 12, 25, 1.0)]


def test_runs_shorter_than_min_words_are_dropped() -> None:
    texts = [f"{filler(1, 7)} {SHARED}", f"{filler(3, 12)} {SHARED}"]
    assert len(shared_runs(fingerprint(texts, 5), min_words=14)) == 0
    assert len(shared_runs(fingerprint(texts, 5), min_words=13)) == 1


def test_a_line_printed_twice_is_a_repeat_run() -> None:
    text = f"{filler(1, 3)} {SHARED} {SHARED} {filler(2, 3)}"
    runs = shared_runs(fingerprint([text], 5), min_words=8)
    assert runs.rows() == [(0, 3, 16, 0, 16, 29, 1.0)]


def test_a_tandem_repeat_keeps_one_period() -> None:
    text = " ".join(["alpha beta gamma delta epsilon zeta eta theta iota"] * 6)
    runs = shared_runs(fingerprint([text], 5), min_words=8)
    assert len(runs) >= 1
    assert all(int(a_end) <= int(b_start) for a_end, b_start in zip(runs.a_end, runs.b_start))


def test_chaining_joins_runs_split_by_one_edited_word() -> None:
    long_text = " ".join(f"word{i}" for i in range(40))
    edited = long_text.replace("word20", "changed")
    texts = [long_text, edited]
    runs = shared_runs(fingerprint(texts, 5), min_words=8)
    assert len(runs) == 2
    chained = chain_runs(runs, hashes_of(texts), max_gap=5, threshold=0.8)
    assert len(chained) == 1
    row = chained.rows()[0]
    assert row[:6] == (0, 0, 40, 1, 0, 40)
    assert 0.95 < row[6] < 1.0


def test_chaining_respects_the_threshold() -> None:
    long_text = " ".join(f"word{i}" for i in range(40))
    edited = long_text.replace("word20", "changed")
    texts = [long_text, edited]
    runs = shared_runs(fingerprint(texts, 5), min_words=8)
    assert len(chain_runs(runs, hashes_of(texts), max_gap=5, threshold=0.99)) == 2


def test_a_passage_in_three_documents_is_one_group() -> None:
    texts = [f"{filler(i, 4 + i)} {SHARED} {filler(i + 10, 3)}" for i in range(3)]
    groups = group_runs(shared_runs(fingerprint(texts, 5), min_words=8))
    assert len(groups) == 1
    assert groups[0].documents == (0, 1, 2)
    assert groups[0].places == ((0, 4, 17), (1, 5, 18), (2, 6, 19))


def test_coverage_measures_the_share_of_each_document() -> None:
    texts = [f"{SHARED} {filler(1, 14)}", SHARED]
    prints = fingerprint(texts, 5)
    pairs, share_a, share_b = coverage(shared_runs(prints, min_words=8), prints.token_counts)
    assert pairs.tolist() == [[0, 1]]
    assert share_a.tolist() == [13 / 27] and share_b.tolist() == [1.0]


def test_empty_tables() -> None:
    empty = RunTable.from_rows([])
    assert len(empty) == 0
    assert group_runs(empty) == []
    assert len(shared_runs(fingerprint(["", "one"], 5), min_words=1)) == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abcd"), min_size=0, max_size=40), min_size=1, max_size=4),
       st.integers(min_value=1, max_value=4), st.integers(min_value=1, max_value=10))
def test_every_run_is_an_exact_shared_stretch(docs: list[list[str]], ngram: int, min_words: int) -> None:
    texts = [" ".join(words) for words in docs]
    runs = shared_runs(fingerprint(texts, ngram), min_words=max(min_words, ngram))
    for a, a_start, a_end, b, b_start, b_end, _ in runs.rows():
        assert a_end - a_start == b_end - b_start >= max(min_words, ngram)
        assert docs[a][a_start:a_end] == docs[b][b_start:b_end]
        assert (a, a_start) < (b, b_start)
        assert a != b or a_end <= b_start


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abcd"), min_size=0, max_size=40), min_size=1, max_size=4),
       st.integers(min_value=1, max_value=9))
def test_the_runs_do_not_depend_on_the_chunk_size(docs: list[list[str]], chunk: int) -> None:
    # The passes over every shingle go chunk by chunk (65,536 a chunk): tiny chunks cross every boundary.
    prints = fingerprint([" ".join(words) for words in docs], 3)
    whole = shared_runs(prints, min_words=4).rows()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passages, "_CHUNK", chunk)
        assert shared_runs(prints, min_words=4).rows() == whole


@pytest.mark.parametrize("seed", range(5))
def test_compiled_ranked_links_are_numpys_in_order(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """passages._linked with ranks gives the same links, in the same order, compiled and by numpy."""
    from dedupe.native import native

    if native() is None:
        pytest.skip("the compiled extension is not built")
    rng = np.random.default_rng(seed)
    size, reach, fanout = int(rng.integers(50, 4000)), int(rng.integers(0, 4)), 4
    padded = rng.integers(0, [3, 20, 500, 3, 50][seed], size).astype(np.uint64)
    places = np.sort(rng.choice(np.arange(reach, size - reach), int(rng.integers(0, size - 2 * reach)), replace=False))
    places = places[np.argsort(padded[places], kind="stable")]  # by shingle, as _links sorts them
    ranks = rng.integers(0, 12, size)
    compiled = passages._linked(places, padded, reach, fanout, ranks)
    monkeypatch.setenv("DEDUPE_NATIVE", "0")
    plain = passages._linked(places, padded, reach, fanout, ranks)
    assert [a.tolist() for a in compiled] == [a.tolist() for a in plain]
    assert plain[0].size > 0 or seed == 2
