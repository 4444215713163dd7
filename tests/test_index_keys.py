"""dedupe.index.keys: the packed rows ``index add`` stores are the keys the check looks up, and the compiled
row loops (packing, radix sort, merge of sorted parts) give numpy's results bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.index import keys
from dedupe.index.keys import (DOC_BITS, DOC_MASK, IndexParams, document_bounds, document_keys, merge_rows,
                               packed_keys, shingle_rows, sort_rows)
from dedupe.native import native
from dedupe.scan.config import ScanConfig
from dedupe.scan.fingerprints import fingerprint_corpus
from tests.index_data import small_records

needs_native = pytest.mark.skipif(native() is None, reason="the compiled extension is not built")
INT64 = st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1)
WORDS = st.lists(st.lists(st.sampled_from(["the", "talks", "resume", "in", "geneva", "on", "monday"]), max_size=30)
                 .map(" ".join), min_size=1, max_size=8)


def _packed(keys: np.ndarray, docs: np.ndarray) -> list[int]:
    return (keys | docs).tolist()


@pytest.mark.parametrize("min_words", [5, 8, 12])
def test_packed_keys_are_the_document_keys_and_shingle_rows(min_words: int) -> None:
    texts = [r["text"] for r in small_records(40)] + ["", "too short", "one two three four five six"]
    params = IndexParams.from_config(ScanConfig(min_words=min_words))
    prints = fingerprint_corpus(texts, params.ngram)
    bands, passages, shingles = packed_keys(prints, params)
    keys = document_keys(prints, params)
    assert bands.tolist() == _packed(keys.bands, keys.band_docs)
    assert passages.tolist() == _packed(keys.passages, keys.passage_docs)
    assert shingles.tolist() == _packed(*shingle_rows(prints))
    assert 0 < passages.size <= shingles.size  # a passage key per window of shingles, repeats dropped


@needs_native
@settings(max_examples=60, deadline=None)
@given(WORDS, st.integers(min_value=5, max_value=12))
def test_compiled_packed_keys_are_numpys(texts: list[str], min_words: int) -> None:
    params = IndexParams.from_config(ScanConfig(min_words=min_words))
    prints = fingerprint_corpus(texts, params.ngram)
    compiled = packed_keys(prints, params)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEDUPE_NATIVE", "0")
        plain = packed_keys(prints, params)
    assert [rows.tolist() for rows in compiled] == [rows.tolist() for rows in plain]


@settings(max_examples=80, deadline=None)
@given(st.lists(INT64, max_size=300))
def test_sort_rows_is_numpys_sort(values: list[int]) -> None:
    rows = np.array(values, dtype=np.int64)
    assert sort_rows(rows.copy()).tolist() == sorted(values)


@needs_native
@pytest.mark.parametrize("doc_order", [False, True])
def test_sort_rows_with_a_scratch_is_numpys_sort(doc_order: bool) -> None:
    rng = np.random.default_rng(5)
    rows = (rng.integers(-2 ** 63, 2 ** 63 - 1, 40_000, dtype=np.int64) & ~np.int64(DOC_MASK)) | np.repeat(
        np.arange(400), 100)  # made document after document
    rows[:500] = rows[500:1000]  # repeats
    scratch = np.full(rows.size + 7, 3, dtype=np.int64)  # longer than needed: its head only is used
    assert np.array_equal(sort_rows(rows.copy(), doc_order, scratch), np.sort(rows))
    with pytest.raises(ValueError, match="scratch"):
        sort_rows(rows.copy(), doc_order, scratch[:rows.size - 1])


def test_sort_rows_sorts_packed_rows_of_a_batch() -> None:
    rng = np.random.default_rng(3)
    rows = (rng.integers(-2 ** 63, 2 ** 63 - 1, 50_000, dtype=np.int64) & ~np.int64(DOC_MASK)) | rng.integers(0, 2000,
                                                                                                           50_000)
    rows[:1000] = rows[1000:2000]  # repeats
    assert np.array_equal(sort_rows(rows.copy()), np.sort(rows))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(min_value=-(2 ** 20), max_value=2 ** 20), max_size=40),
                          st.integers(min_value=0, max_value=9), st.integers(min_value=0, max_value=50)),
                max_size=11))
def test_merge_rows_is_the_sort_of_the_shifted_parts(parts: list[tuple[list[int], int, int]]) -> None:
    arrays = [np.sort(np.array(keys, dtype=np.int64) << DOC_BITS | doc) for keys, doc, _ in parts]
    shifts = [shift for _, _, shift in parts]
    merged, largest = merge_rows(arrays, shifts)
    assert merged.tolist() == sorted(v + s for a, s in zip(arrays, shifts) for v in a.tolist())
    assert largest == max((doc + shift for keys, doc, shift in parts if keys), default=-1)


@needs_native
@pytest.mark.parametrize("parts, spread", [(8, 1 << 40), (8, 3), (5, 1 << 40), (2, 50), (3, 1)])
def test_compiled_merge_rows_is_numpys_on_large_parts(parts: int, spread: int) -> None:
    # Thousands of rows a part (each merge's two chains meet far from either end); a narrow spread of keys makes
    # long runs of ties across parts, where the chains must split the equal rows between them.
    rng = np.random.default_rng(parts * spread)
    arrays = [np.sort(rng.integers(0, spread, int(rng.integers(1, 30_000)), dtype=np.int64) << DOC_BITS
                      | rng.integers(0, 100)) for _ in range(parts)]
    arrays[1] = arrays[1][:0]  # an empty part among them
    shifts = rng.integers(0, 1000, parts).tolist()
    compiled = merge_rows(arrays, shifts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEDUPE_NATIVE", "0")
        plain = merge_rows(arrays, shifts)
    assert np.array_equal(compiled[0], plain[0]) and compiled[1] == plain[1]


@needs_native
@pytest.mark.parametrize("parts", [1, 2, 3, 4, 5, 8, 9])  # 0 to 4 levels: the even ones end with a copy
def test_compiled_merge_rows_with_the_parts_in_its_scratch_is_numpys(parts: int) -> None:
    # The parts lie back to back in the scratch array the merge may overwrite (the segments' tier merges): the
    # merge must read each part before a level writes over it, and leave the result in the array it returns.
    rng = np.random.default_rng(parts)
    sizes = rng.integers(0, 20_000, parts)
    scratch = np.concatenate([np.sort(rng.integers(0, 1 << 12, int(size), dtype=np.int64) << DOC_BITS
                                      | rng.integers(0, 100)) for size in sizes]).astype(np.int64)
    ends = np.cumsum(sizes).tolist()
    arrays = [scratch[first:end] for first, end in zip([0, *ends], ends)]
    copies = [array.copy() for array in arrays]
    shifts = rng.integers(0, 1000, parts).tolist()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEDUPE_NATIVE", "0")
        plain = merge_rows(copies, shifts)
    compiled = merge_rows(arrays, shifts, scratch)
    assert np.array_equal(compiled[0], plain[0]) and compiled[1] == plain[1]
    assert not np.shares_memory(compiled[0], scratch)


def test_merge_rows_refuses_a_scratch_too_short() -> None:
    parts = [np.arange(5, dtype=np.int64) << DOC_BITS, np.arange(3, dtype=np.int64) << DOC_BITS,
             np.arange(4, dtype=np.int64) << DOC_BITS]
    if native() is None:
        pytest.skip("the compiled extension is not built (the numpy merge takes no scratch)")
    with pytest.raises(ValueError, match="scratch"):
        merge_rows(parts, [0, 0, 0], np.zeros(11, dtype=np.int64))


def test_merge_rows_reports_a_shift_that_carries_into_the_keys() -> None:
    part = np.array([5 << DOC_BITS | DOC_MASK], dtype=np.int64)
    assert merge_rows([part, part.copy()], [0, 1])[1] == DOC_MASK + 1


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=-(2 ** 39), max_value=2 ** 39 - 1), st.integers(0, 5000)),
                max_size=300))
def test_sort_rows_in_document_order_sorts_by_key_then_document(pairs: list[tuple[int, int]]) -> None:
    pairs.sort(key=lambda pair: pair[1])  # rows made document after document
    rows = np.array([key << DOC_BITS | doc for key, doc in pairs], dtype=np.int64)
    assert sort_rows(rows.copy(), doc_order=True).tolist() == sorted(rows.tolist())


@pytest.mark.parametrize("chunk_rows", [1 << 20, 128, 1])
def test_document_bounds_are_the_smallest_and_largest_low_bits_across_chunks(
        monkeypatch: pytest.MonkeyPatch, chunk_rows: int) -> None:
    monkeypatch.setattr(keys, "BOUND_ROWS", chunk_rows)
    rng = np.random.default_rng(chunk_rows)
    docs = rng.integers(5, 900, 1000)
    packed = np.sort(np.arange(1000, dtype=np.int64) * (1 << DOC_BITS) | docs)
    assert document_bounds(packed) == (int(docs.min()), int(docs.max()))
    assert document_bounds(packed[:0]) == (-1, -1)
