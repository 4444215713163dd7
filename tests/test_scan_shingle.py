"""Tokens and shingles: offsets, folding, scripts without spaces, batch independence."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.scan import shingle
from dedupe.native import native
from dedupe.scan.shingle import fingerprint, in_sorted, key_spans, merge_sorted, sorted_by, sorted_unique, tokenize


def words(text: str) -> list[str]:
    tokens = tokenize(text)
    return [text[s:e] for s, e in zip(tokens.starts.tolist(), tokens.ends.tolist())]


def test_punctuation_quotes_and_dashes_separate_tokens() -> None:
    expected = ["Don", "t", "stop", "now", "e", "mail", "250", "000"]
    assert words("Don\u2019t stop \u2014 now! e-mail, 250,000") == expected


def test_case_quotes_and_dashes_fold_to_the_same_hashes() -> None:
    curly = tokenize("\u201cNo-fly zone\u201d, he SAID")
    straight = tokenize('"no fly zone", he said')
    assert curly.hashes.tolist() == straight.hashes.tolist()


def test_token_hash_is_stable_across_runs() -> None:
    # Hashes depend on the text only (no per-process salt): this value must never change silently.
    assert tokenize("Kerry").hashes.tolist() == tokenize("kerry").hashes.tolist()
    assert tokenize("Kerry").hashes.tolist() == [int(tokenize("KERRY").hashes[0])]
    assert tokenize("Kerry").hashes.tolist() == [13381081013769719333]


def test_chinese_is_one_token_per_character() -> None:
    assert words("北京是中国的首都。Hello") == ["北", "京", "是", "中", "国", "的", "首", "都", "Hello"]


def test_arabic_and_devanagari_words_keep_their_marks() -> None:
    assert words("كَتَبَ الولد") == ["كَتَبَ", "الولد"]
    assert words("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]


def test_line_ends_are_separators_and_offsets_stay_exact() -> None:
    text = "one\r\ntwo\rthree\nfour"
    assert words(text) == ["one", "two", "three", "four"]


def test_astral_characters() -> None:
    assert words("a\U0001F600b \U00020000\U00020001") == ["a", "b", "\U00020000", "\U00020001"]


def test_empty_and_wordless_texts() -> None:
    assert len(tokenize("")) == 0
    assert len(tokenize(" \n\t—!?")) == 0


def test_fingerprint_counts_and_short_documents() -> None:
    prints = fingerprint(["one two three four five six", "just two", "", "a b c d e"], ngram=5)
    assert prints.token_counts.tolist() == [6, 2, 0, 5]
    assert np.diff(prints.offsets).tolist() == [2, 1, 0, 1]
    assert prints.token_starts.tolist()[:3] == [0, 4, 8]


def test_a_short_document_shingle_differs_from_a_longer_one() -> None:
    prints = fingerprint(["alpha beta", "alpha beta gamma"], ngram=5)
    assert prints.of(0).tolist() != prints.of(1).tolist()


ALPHABET = list("ab AB.,\u2019\u201c\n\r-\u4e2d\u0627\u064e\u00df\u0130")
text_strategy = st.text(alphabet=st.sampled_from(ALPHABET), max_size=60)


@settings(max_examples=150, deadline=None)
@given(text_strategy)
def test_tokens_are_ordered_disjoint_and_word_only(text: str) -> None:
    tokens = tokenize(text)
    starts, ends = tokens.starts.tolist(), tokens.ends.tolist()
    assert all(s < e for s, e in zip(starts, ends))
    assert all(e <= s for e, s in zip(ends, starts[1:]))
    for token in words(text):
        assert not any(ch in " .,\u2019\u201c\n\r-" for ch in token)


@settings(max_examples=150, deadline=None)
@given(text_strategy)
def test_a_token_hashes_the_same_wherever_it_stands(text: str) -> None:
    tokens = tokenize(text)
    alone = [int(tokenize(token).hashes[0]) for token in words(text)]
    assert tokens.hashes.tolist() == alone


@settings(max_examples=80, deadline=None)
@given(st.lists(text_strategy, max_size=6), st.integers(min_value=1, max_value=6))
def test_batches_fingerprint_like_single_documents(texts: list[str], ngram: int) -> None:
    batch = fingerprint(texts, ngram)
    for index, text in enumerate(texts):
        single = fingerprint([text], ngram)
        assert batch.of(index).tolist() == single.of(0).tolist()
        assert int(batch.token_counts[index]) == int(single.token_counts[0])


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_texts_take_the_translate_path_with_the_same_tokens(text: str) -> None:
    # "\u00e9" makes the text non-ASCII (the code-point table path); it stands alone after a separator.
    ascii_tokens, table_tokens = tokenize(text), tokenize(text + " \u00e9")
    count = len(ascii_tokens)
    assert len(table_tokens) == count + 1
    assert ascii_tokens.starts.tolist() == table_tokens.starts[:count].tolist()
    assert ascii_tokens.ends.tolist() == table_tokens.ends[:count].tolist()
    assert ascii_tokens.hashes.tolist() == table_tokens.hashes[:count].tolist()


_SIGNED = st.integers(-(2 ** 63), 2 ** 63 - 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(_SIGNED | st.integers(-3, 3), max_size=60), st.lists(_SIGNED | st.integers(-3, 3), max_size=60))
def test_merge_sorted_is_the_sort_of_both(one: list[int], other: list[int]) -> None:
    a, b = np.sort(np.array(one, dtype=np.int64)), np.sort(np.array(other, dtype=np.int64))
    for radix_from in (0, 1 << 30):  # the compiled merge where it is built, and numpy's
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(shingle, "_RADIX_FROM", radix_from)
            assert merge_sorted(a, b).tolist() == sorted(one + other)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2 ** 64 - 1) | st.integers(0, 5), max_size=80),
       st.lists(st.integers(0, 2 ** 64 - 1) | st.integers(0, 5), max_size=20))
def test_in_sorted_is_membership(values: list[int], table: list[int]) -> None:
    for switch in ("1", "0"):  # the compiled hash set where it is built, then numpy's search
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DEDUPE_NATIVE", switch)
            found = in_sorted(np.array(values, dtype=np.uint64), np.array(sorted(set(table)), dtype=np.uint64))
            assert found.tolist() == [v in set(table) for v in values]
            signed = [v - 2 ** 63 for v in values]  # the same on signed keys (their top bits are not the order's)
            keys = np.array(sorted({v - 2 ** 63 for v in table}), dtype=np.int64)
            expected = [v + 2 ** 63 in set(table) for v in signed]
            assert in_sorted(np.array(signed, dtype=np.int64), keys).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2 ** 64 - 1) | st.integers(0, 5), max_size=80))
def test_sorted_by_sorts_in_each_dtype(values: list[int]) -> None:
    unsigned = np.array(values, dtype=np.uint64)
    for array in (unsigned, unsigned.view(np.int64)):
        expected = np.sort(array)
        for radix_from in (0, 1 << 30):  # the compiled sort where it is built, and numpy's
            shingle_radix, shingle._RADIX_FROM = shingle._RADIX_FROM, radix_from
            try:
                assert sorted_by(array.copy()).tolist() == expected.tolist()
                assert sorted_unique(array).tolist() == sorted(set(array.tolist()))
            finally:
                shingle._RADIX_FROM = shingle_radix


@pytest.mark.parametrize("dtype", [np.uint64, np.int64])
@pytest.mark.parametrize("low_bit", [0, 20, 40])
def test_sorted_by_high_bits_keeps_the_order_of_equal_ones(dtype: type, low_bit: int) -> None:
    rng = np.random.default_rng(low_bit)
    size = 3 * shingle._RADIX_FROM  # over the threshold: the compiled sort where it is built
    high = rng.integers(0, 1 << min(20, 64 - low_bit), size, dtype=np.uint64) << np.uint64(64 - min(20, 64 - low_bit))
    values = (high | (np.arange(size, dtype=np.uint64) if low_bit else np.uint64(0))).astype(np.uint64)
    values = values.view(dtype) if dtype is np.int64 else values
    assert sorted_by(values.copy(), low_bit).tolist() == np.sort(values).tolist()


@pytest.mark.skipif(native() is None, reason="without the compiled module key_spans is numpy's searchsorted itself")
@settings(max_examples=300, deadline=None)
@given(st.lists(_SIGNED | st.integers(-5, 5), max_size=80), st.lists(_SIGNED | st.integers(-6, 6), max_size=30),
       st.lists(st.integers(-3, 2 ** 40), max_size=30), st.booleans())
def test_key_spans_are_numpys_searches(values: list[int], first: list[int], widths: list[int], ascending: bool) -> None:
    table = np.sort(np.array(values, dtype=np.int64))
    starts = np.array(sorted(first) if ascending else first, dtype=np.int64)
    # Ends at, after and before their starts (the last only where no overflow: numpy would wrap as well).
    ends = np.array([min(s + w, 2 ** 63 - 1) if s + w >= -(2 ** 63) else s
                     for s, w in zip(starts.tolist(), widths + [0] * len(first))], dtype=np.int64)
    begins, stops = key_spans(table, starts, ends)
    assert begins.tolist() == np.searchsorted(table, starts, side="left").tolist()
    assert stops.tolist() == np.searchsorted(table, ends, side="right").tolist()
