"""Tests for dedupe.boundaries: pysbd's sentence starts, with pysbd asked only about hard pieces."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedupe.boundaries import _is_hard, _pysbd_split, _pysbd_starts, sentence_starts
from dedupe.corpus.load import load_corpus
from dedupe.segment import sentence_spans

SEEDS = Path(__file__).parent.parent / "data"


def test_a_quoted_speech_is_split_into_its_sentences() -> None:
    # pysbd keeps the quotation whole; its inner sentence start is added, offsets into the whole text
    text = 'Intro. He said: "We will stay. We will fight." Then he left.'
    starts = sentence_starts(text, 7, len(text))
    assert [text[at:at + 8] for at in starts] == ["He said:", "We will ", "Then he "]
    assert starts[1] == text.index("We will fight")


def test_pysbd_split_gives_what_pysbd_segment_gives() -> None:
    # _pysbd_split calls pysbd's processor directly (an internal API, hence pysbd pinned in setup.cfg) and locates
    # its sentences by str.find; a pysbd whose internals changed must fail here, not fall back silently
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    paragraphs = [p for doc in load_corpus([str(SEEDS)]).documents for p in doc.text.split("\n") if p.strip()]
    assert len(paragraphs) > 50
    for paragraph in paragraphs:
        assert _pysbd_split(paragraph) == [str(s) for s in segmenter.segment(paragraph)]


@pytest.mark.parametrize("piece", [
    "Destinations were the U.S., Covertible currency areas and Japan.",
    "It will buy more U.S.-made parts by Japanese car makers.",
    "We have made tremendous progress ... we will continue to pursue it.",
    "Farmers State Bank, Hart, Tex., were assumed by Hale County State Bank.",
    "He is going to go into that with Mr. Gates and Sen. Jesse Helms next week.",
])
def test_periods_pysbd_never_ends_at_leave_a_piece_easy(piece: str) -> None:
    # _QUIET_END: these pieces are not sent to pysbd, so pysbd must find one sentence in each
    assert not _is_hard(piece)
    assert _pysbd_starts(piece) == [0]


@pytest.mark.parametrize("piece", [
    "Dan Rostenkowski, D-Ill., predicted major trade legislation will be sent.",
    "I have no intention of leaving....This is not a good time for me to leave.",
])
def test_wider_forms_stay_hard(piece: str) -> None:
    # pysbd does split these (found on Reuters-21578), so they must still go to pysbd

    starts = _pysbd_starts(piece)
    assert _is_hard(piece)
    assert len(starts) > 1
    assert [s for s, _ in sentence_spans(piece, 0, len(piece))] == starts


def test_an_abbreviation_outside_a_ticker_stays_quiet() -> None:
    # the two-letter abbreviation rule is off only inside angle brackets, not for the whole piece
    piece = "It sold one mln shares to <SEDI.MI> of Lugano through underwriters R.C. Stamm and Co."
    assert not _is_hard(piece)
    assert _pysbd_starts(piece) == [0]
