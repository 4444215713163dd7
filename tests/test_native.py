"""The compiled loops (``dedupe/scan/_native.c``) give the numpy code's numbers bit for bit, and the scan's
output is byte-identical with and without them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.cli import cli
from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Document, Origin
from dedupe.scan import minhash, passages, shingle, verify
from dedupe.native import native
from dedupe.scan.config import ScanConfig
from dedupe.scan.near_dup import scan
from dedupe.scan.fingerprints import fingerprint_corpus
from dedupe.scan.shingle import Fingerprints, fingerprint, fingerprint_native, token_hashes_native, tokenize

ROOT = Path(__file__).resolve().parent.parent
needs_native = pytest.mark.skipif(native() is None, reason="the compiled extension is not built")
# Letters, digits, marks, punctuation and space of several scripts (Latin with accents and ligatures,
# Greek, Cyrillic, Arabic, Devanagari, CJK and kana, full-width forms), and a few astral characters.
ALPHABET = st.sampled_from(list("ab cD\nE.,-'\u2019\u00e9\u00c9\u0301\ufb01\u00df\u03a3\u03c3\u0416\u0436"
                                "\u0643\u064e\u0915\u093f\u5317\u4eac\u3042\u30a2\uff21\uff41 \t0123"))
TEXTS = st.lists(st.text(ALPHABET, max_size=60), max_size=12)
# Texts of a few words: shingles repeat within and across texts, so passages are found and linked.
WORDY = st.lists(st.lists(st.sampled_from(["the", "Talks", "resume", "in", "Geneva", "\n"]), max_size=40)
                 .map(" ".join), max_size=8)


def same(one: Fingerprints, other: Fingerprints) -> None:
    for name in ("token_counts", "offsets", "shingles", "token_starts", "token_ends"):
        first, second = getattr(one, name), getattr(other, name)
        assert first.dtype == second.dtype, name
        assert first.tolist() == second.tolist(), name


def test_native_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEDUPE_NATIVE", "0")
    assert native() is None
    assert fingerprint_native(["some words here"], 5) is None


@needs_native
@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(1, 6), st.sampled_from([1, 2]))
def test_native_fingerprints_are_numpys(texts: list[str], ngram: int, threads: int) -> None:
    same(fingerprint_native(texts, ngram, threads) or fingerprint(texts, ngram), fingerprint(texts, ngram))


@needs_native
@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_native_token_hashes_are_numpys(texts: list[str]) -> None:
    compiled = token_hashes_native(texts)
    assert compiled is None or [h.tolist() for h in compiled] == [tokenize(t).hashes.tolist() for t in texts]


@needs_native
@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=12))
def test_native_lengths_and_utf8_are_pythons(texts: list[str]) -> None:
    """``texts_length`` and ``utf8_texts`` (what the index's batch child and writer read the texts with, no reference
    taken) give ``sum(map(len, ...))`` and ``str.encode``, surrogates and astral characters included; with a field,
    of the texts that objects hold in their ``__dict__`` under it."""
    compiled = native()
    holders = [Holder(text) for text in texts]
    assert compiled.texts_length(texts) == compiled.texts_length(holders, "body") == sum(map(len, texts))
    try:
        expected = [text.encode("utf-8") for text in texts]
    except UnicodeEncodeError as error:
        for args in ((texts,), (holders, "body")):
            with pytest.raises(UnicodeEncodeError) as raised:
                compiled.utf8_texts(*args)
            assert str(raised.value) == str(error)
        return
    assert compiled.utf8_texts(texts) == compiled.utf8_texts(tuple(holders), "body") == expected


class Holder:
    """An object holding a text in its ``__dict__``, as a document does."""

    def __init__(self, body: str) -> None:
        self.body = body


@needs_native
@settings(max_examples=100, deadline=None)
@given(TEXTS, st.integers(1, 6), st.sampled_from([1, 2]))
def test_native_fingerprints_of_held_texts_are_the_texts(texts: list[str], ngram: int, threads: int) -> None:
    held = fingerprint_native([Holder(text) for text in texts], ngram, threads, field="body")
    plain = fingerprint_native(texts, ngram, threads)
    assert (held is None) == (plain is None)  # None: an astral character
    if held is not None and plain is not None:
        same(held, plain)
    with pytest.raises(TypeError):
        fingerprint_native([Holder("a text")], 2, field="other")


@needs_native
def test_astral_characters_fall_back_to_numpy() -> None:
    texts = ["plain words in a row", "an emoji \U0001F600 and \U00020000 words"]
    assert fingerprint_native(texts, 2) is None
    assert fingerprint_native(texts, 2, threads=2) is None  # in the second thread's half
    assert fingerprint_native(texts[::-1], 2, threads=2) is None  # in the first
    assert token_hashes_native(texts) is None
    same(fingerprint_corpus(texts, 2), fingerprint(texts, 2))


@needs_native
@settings(max_examples=100, deadline=None)
@given(TEXTS, st.sampled_from([2, 16, 128, 200]), st.integers(0, 3))
def test_native_signatures_and_similarities_are_numpys(texts: list[str], width: int, seed: int) -> None:
    prints = fingerprint(texts, 2)
    compiled = minhash.signatures(prints, width, seed)
    usable = np.diff(prints.offsets) > 0
    pairs = [(a, b) for a in range(len(texts)) for b in range(a + 1, len(texts))]
    measured = verify.similarities(prints, usable, pairs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEDUPE_NATIVE", "0")
        assert compiled.tolist() == minhash.signatures(prints, width, seed).tolist()
        assert measured == verify.similarities(prints, usable, pairs)


@needs_native
def test_scan_output_is_byte_identical_without_the_extension(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = []
    for setting in ("1", "0"):
        monkeypatch.setenv("DEDUPE_NATIVE", setting)
        out = tmp_path / f"scan{setting}.json"
        result = CliRunner().invoke(cli, ["scan", str(ROOT / "data"), "--format", "json", "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


@needs_native
def test_line_numbers_are_the_same_with_every_line_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    passage = "the minister said the talks would resume on monday in geneva after a pause"
    texts = [f"Intro line\r\n\r\nSecond\r{passage}\r\nmore\n{passage} end", f"A\rB\r\r\nC\n\n{passage}\r"]
    corpus = tmp_path / "ends.jsonl"
    corpus.write_text("".join(f'{{"id": "d{i}", "text": {json.dumps(t)}}}\n' for i, t in enumerate(texts)),
                      encoding="utf-8")
    found = []
    for setting in ("1", "0"):
        monkeypatch.setenv("DEDUPE_NATIVE", setting)
        result = scan(load_corpus([str(corpus)]).documents)
        found.append([(o.doc, o.start, o.line) for f in result.findings for o in f.occurrences])
    assert found[0] == found[1]
    assert {line for _, _, line in found[0]} == {4, 6}  # after a lone "\r", "\r\n" and "\n" alike


@needs_native
@settings(max_examples=200, deadline=None)
@given(WORDY, st.integers(1, 12), st.integers(1, 6), st.integers(1, 4))
def test_native_shared_runs_are_numpys(texts: list[str], min_words: int, fanout: int, ngram: int) -> None:
    prints = fingerprint(texts, ngram)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shingle, "_RADIX_FROM", 0)  # the compiled sort of passage links at any size, not numpy's
        compiled = passages.shared_runs(prints, min_words, fanout).rows()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEDUPE_NATIVE", "0")
        assert compiled == passages.shared_runs(prints, min_words, fanout).rows()


@needs_native
@settings(max_examples=100, deadline=None)
@given(WORDY)
def test_native_findings_and_occurrences_are_pythons(texts: list[str]) -> None:
    documents = [Document(f"d{i}", f"outlet{i % 2}", "", "", None, text, Origin("x.jsonl", i + 1))
                 for i, text in enumerate(texts)]
    config = ScanConfig(min_words=3, ngram=2, workers=1)
    compiled = scan(documents, config).findings
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEDUPE_NATIVE", "0")
        plain = scan(documents, config).findings
    assert compiled == plain
    assert [list(vars(o).items()) for f in compiled for o in f.occurrences] == \
        [list(vars(o).items()) for f in plain for o in f.occurrences]
    for finding in compiled:
        for o in finding.occurrences:
            assert o.text == documents[int(o.doc[1:])].text[o.start:o.end]
