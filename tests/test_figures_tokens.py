"""Tokens: offsets, kinds, the lower-cased form each token carries, and the folded pre-filter."""

from __future__ import annotations

import re
import string

from dedupe.figures.tokens import folded, tokenize


def test_tokens_carry_their_offsets_kind_and_glue() -> None:
    text = "About 1,200 U.S. troops\u2019 (Reuters) - left."
    tokens = tokenize(text)
    assert all(text[t.start:t.end] == t.text for t in tokens)
    assert [(t.text, t.kind) for t in tokens[:5]] == [("About", "word"), ("1,200", "num"), ("U.S.", "abbr"),
                                                      ("troops", "word"), ("\u2019", "punct")]
    assert [t.text for t in tokens if t.glued_left] == ["\u2019", "Reuters", ")", "."]


def test_folded_keeps_every_letter_an_ignorecase_pattern_reads_as_ascii() -> None:
    # folded rules pattern runs out by substring tests: every character that re.IGNORECASE matches
    # to an ASCII letter must fold to exactly that letter (dotless i, long s, Kelvin sign, dotted capital I)
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for letter in string.ascii_lowercase:
        matched = set(re.compile(letter, re.IGNORECASE).findall(every))
        assert {folded(ch) for ch in matched} == {letter}, letter
    assert {"\u0131", "\u017f", "\u212a", "\u0130"} <= {ch for ch in every if re.match("[isk]", ch, re.IGNORECASE)}


def test_token_lower_is_the_lower_cased_text_with_plain_apostrophes() -> None:
    for text in ("Twenty-SEVEN Workers' U.S. 1,200", "Ünïcode \u0130stanbul men\u2019s \u03a3\u039f\u03a3"):
        assert [t.lower for t in tokenize(text)] == [t.text.lower().replace("\u2019", "'") for t in tokenize(text)]
