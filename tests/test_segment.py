"""Segmentation: golden sentences of the seed corpus, news edge cases, and invariants (hypothesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Document, Origin
from dedupe.segment import SegmentedDocument, Sentence, line_starts, segment_document

SEEDS = Path(__file__).parent.parent / "data"


def _doc(text: str, doc_id: str = "d") -> Document:
    return Document(doc_id, "outlet", "", "", None, text, Origin("mem"))


def _sentences(text: str) -> list[str]:
    return [s.text for s in segment_document(_doc(text)).sentences]


@pytest.fixture(scope="module")
def seeds() -> dict[str, SegmentedDocument]:
    return {seg.doc.id[:3]: seg for seg in map(segment_document, load_corpus([str(SEEDS)]).documents)}


def _find(seg: SegmentedDocument, prefix: str) -> list[Sentence]:
    return [s for s in seg.sentences if s.text.startswith(prefix)]


def _span(sentence: Sentence) -> tuple[int, int, int, str]:
    return sentence.start, sentence.end, sentence.line, sentence.text


# --- golden cases from the seed corpus -------------------------------------------------------------

def test_seed_counts(seeds: dict[str, SegmentedDocument]) -> None:
    assert {k: (len(s.paragraphs), len(s.sentences)) for k, s in seeds.items()} == {
        "000": (34, 35), "001": (95, 107), "002": (26, 31), "003": (27, 36), "004": (34, 41)}


def test_doubled_al_moallem_line_is_two_sentences_on_consecutive_lines(seeds: dict[str, SegmentedDocument]) -> None:
    text = "He added that Syria was ready for 'full cooperation with Russia to remove any pretext for aggression'."
    assert [_span(s) for s in _find(seeds["001"], "He added that Syria was ready")] == [
        (3425, 3527, 27, text), (3528, 3630, 28, text)]


def test_bullet_lines_keep_their_marker(seeds: dict[str, SegmentedDocument]) -> None:
    first = seeds["001"].sentences[0]
    assert _span(first) == (0, 76, 1, "- .U.S secretary of state John Kerry lands in London for Syrian crisis talks")
    assert [s.text[:3] for s in seeds["001"].sentences[:10]] == ["- ."] * 10
    bullet = _find(seeds["004"], "• Pictures")[0]
    assert _span(bullet) == (
        95, 172, 6, "• Pictures: Protest in Southern Syria on Anniversary of Russia’s Intervention")


def test_caption_without_final_period_is_one_sentence(seeds: dict[str, SegmentedDocument]) -> None:
    caption = _find(seeds["001"], "Pressure:")[0]
    assert (caption.start, caption.end, caption.line) == (1195, 1398, 15)
    assert caption.text.endswith("Walid al-Mouallem, right")


def test_headings_without_punctuation_are_their_own_sentences(seeds: dict[str, SegmentedDocument]) -> None:
    assert _span(seeds["000"].sentences[0])[:3] == (0, 127, 1)
    assert _span(_find(seeds["004"], "LATEST")[0]) == (85, 91, 4, "LATEST")
    assert _span(_find(seeds["004"], "Russia: We Will")[0]) == (1824, 1856, 33, "Russia: We Will Continue Bombing")


def test_abbreviations_do_not_end_sentences(seeds: dict[str, SegmentedDocument]) -> None:
    us = _find(seeds["001"], "The U.S. Secretary of State issued")[0]
    assert (us.start, us.end, us.line) == (1399, 1570, 16)
    assert us.text.endswith("intervention in Syria.")
    sept = _find(seeds["004"], "See Syria Daily, Sept 29:")[0]
    assert sept.text.endswith("Keeps Bombing Aleppo")


def test_quote_spanning_sentences_is_split_with_its_quote_marks_kept(seeds: dict[str, SegmentedDocument]) -> None:
    para = [s for s in seeds["003"].sentences if s.line == 39]
    assert [s.text for s in para] == [
        "“Today there is no ceasefire and we’re not talking to them right now.",
        "And what’s happening?",
        "The place is being utterly destroyed.",
        "That’s not delusional.",
        "That’s a fact.”",
    ]
    assert (para[0].start, para[-1].end) == (3677, 3845)


def test_quote_running_on_into_the_next_paragraph(seeds: dict[str, SegmentedDocument]) -> None:
    # The Sun: a quotation opened on line 19 without closing, continued on line 20.
    assert [(s.line, s.text[:20]) for s in seeds["000"].sentences if s.line in (19, 20)] == [
        (19, "“We’ve learned over "), (19, "Standing back makes "), (20, "“It’s our cowardice ")]


def test_paragraphs_separated_by_single_and_blank_lines(seeds: dict[str, SegmentedDocument]) -> None:
    # 000 has one paragraph per line; 002 has blank lines between paragraphs.
    assert [p.line for p in seeds["000"].paragraphs[:4]] == [1, 2, 3, 4]
    assert [p.line for p in seeds["002"].paragraphs[:4]] == [1, 3, 5, 7]


# --- news edge cases -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("The U.S. Secretary met Mr. Smith in Sept. 2016. He left at 5 p.m. on Monday. Then he went home.",
     ["The U.S. Secretary met Mr. Smith in Sept. 2016.", "He left at 5 p.m. on Monday.", "Then he went home."]),
    ("Mr Johnson said so. Prices rose 5.93 pct to 1,400 dlrs. Shares of Acme Inc. fell.",
     ["Mr Johnson said so.", "Prices rose 5.93 pct to 1,400 dlrs.", "Shares of Acme Inc. fell."]),
    ('She turned to him, "This is great." she said.', ['She turned to him, "This is great." she said.']),
    ("He said: “We will go. We will win.” Then he left.", ["He said: “We will go.", "We will win.”", "Then he left."]),
    ('"We are not talking about war. We are not going to war," he said.',
     ['"We are not talking about war.', 'We are not going to war," he said.']),
    ("• First bullet\n• Second bullet\n- .Third", ["• First bullet", "• Second bullet", "- .Third"]),
    ("Pressure: Lavrov, left, spoke to reporters", ["Pressure: Lavrov, left, spoke to reporters"]),
    ("Heading\n\nBody sentence one. Body two.", ["Heading", "Body sentence one.", "Body two."]),
    # A line without a word stays its own sentence: every character belongs to one sentence.
    ("* * *\nAfter the separator.", ["* * *", "After the separator."]),
    ("Text. ” \u2014", ["Text. ” \u2014"]),
])
def test_news_cases(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a clock time's "p.m." before what continues the time is no sentence end
    ("The strong quake hit at 4:30 p.m. Sunday (Beijing Time) with a depth of 12 km. It was felt in Kunming.",
     ["The strong quake hit at 4:30 p.m. Sunday (Beijing Time) with a depth of 12 km.", "It was felt in Kunming."]),
    ("The boat sank at about 5:30 p.m. Monday as it sailed to an island.",
     ["The boat sank at about 5:30 p.m. Monday as it sailed to an island."]),
    ("It struck at 4:30 a.m. EST on Friday.", ["It struck at 4:30 a.m. EST on Friday."]),
    ("It struck at 4:30 p.m. Beijing time on Sunday. Next.",
     ["It struck at 4:30 p.m. Beijing time on Sunday.", "Next."]),
    ("It hit at 4:30 p.m. Aug. 3 in Ludian.", ["It hit at 4:30 p.m. Aug. 3 in Ludian."]),
    # ... but it still ends one before a new sentence
    ("The meeting ended at 6 p.m. Officials then left.", ["The meeting ended at 6 p.m.", "Officials then left."]),
    ("He left at 5 p.m. He came back.", ["He left at 5 p.m.", "He came back."]),
])
def test_a_clock_time_inside_a_sentence(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a scraper's line break inside a sentence: lower-case word (or comma), then a lower-case word
    ("The earthquake, the strongest in 14 years, occurred\n\nat 4:30 p.m. Sunday (Beijing Time) in Ludian.",
     ["The earthquake, the strongest in 14 years, occurred\n\nat 4:30 p.m. Sunday (Beijing Time) in Ludian."]),
    ("due to the remoteness of many\nquake-hit villages in the region.",
     ["due to the remoteness of many\nquake-hit villages in the region."]),
    ("The rains, \n\nwhich began on Sunday, stopped.", ["The rains, \n\nwhich began on Sunday, stopped."]),
    # headings and names stay apart
    ("Quake hits southern China\n\nThe quake struck on Sunday.",
     ["Quake hits southern China", "The quake struck on Sunday."]),
    ("Buy the new\n\niPhone today.", ["Buy the new", "iPhone today."]),
    ("The first paragraph ends here.\n\nand the next opens in lower case.",
     ["The first paragraph ends here.", "and the next opens in lower case."]),
])
def test_a_line_break_inside_a_sentence_is_no_paragraph_end(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_hard_wrapped_wire_copy_is_joined_into_paragraphs() -> None:
    text = ("Texas Commerce Bancshares Inc's Texas\nCommerce Bank-Houston said it filed an application with the\n"
            "Comptroller of the Currency in an effort to create the largest\nbanking network in Harris County.\n"
            "    The bank said the network would link 31 banks having\n"
            "13.5 billion dlrs in assets and 7.5 billion dlrs in deposits.")
    seg = segment_document(_doc(text))
    assert [(p.line, p.start, p.end) for p in seg.paragraphs] == [(1, 0, 194), (5, 199, 313)]
    assert [(s.line, s.text.split()[-1]) for s in seg.sentences] == [(1, "County."), (5, "deposits.")]


def test_short_lines_are_not_mistaken_for_hard_wrap() -> None:
    text = "LATEST\nPictures from the protest\nMore stories\nSport"
    assert len(segment_document(_doc(text)).paragraphs) == 4


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_numbers_and_offsets_with_every_line_end(newline: str) -> None:
    text = newline.join(["First line.", "", "Second para. Still second.", "Third"])
    seg = segment_document(_doc(text))
    assert [(s.line, s.text) for s in seg.sentences] == [
        (1, "First line."), (3, "Second para."), (3, "Still second."), (4, "Third")]
    assert all(text[s.start:s.end] == s.text for s in seg.sentences)
    assert seg.line_of(len(text)) == 4
    n = len(newline)
    assert line_starts(text) == (0, 11 + n, 11 + 2 * n, 37 + 3 * n)


def test_long_single_line_is_segmented_across_windows_without_false_breaks() -> None:
    # 40,000 sentences on one line: far longer than one pysbd window; no boundary may appear
    # where a window was cut, and "U.S." must not end a sentence anywhere.
    sentence = "The U.S. envoy said 5 people died in Aleppo on Monday, officials told Reuters. "
    text = sentence * 4000
    got = _sentences(text)
    assert len(got) == 4000
    assert set(got) == {sentence.strip()}


def test_over_long_sentence_is_cut_but_keeps_every_character() -> None:
    text = "word " * 3000  # 15,000 characters without a sentence end
    seg = segment_document(_doc(text))
    assert len(seg.sentences) > 1
    assert "".join(s.text for s in seg.sentences).replace(" ", "") == text.replace(" ", "")


# --- invariants ------------------------------------------------------------------------------------

def _check_invariants(text: str) -> None:
    seg = segment_document(_doc(text))
    owners = [0] * len(text)
    previous_end = 0
    for index, s in enumerate(seg.sentences):
        assert 0 <= previous_end <= s.start < s.end <= len(text)
        assert s.index == index
        assert text[s.start:s.end] == s.text
        assert not s.text[0].isspace() and not s.text[-1].isspace()
        assert s.line == text.count("\n", 0, s.start) + text.count("\r", 0, s.start) \
            - text.count("\r\n", 0, s.start) + 1
        assert seg.paragraphs[s.paragraph].start <= s.start and s.end <= seg.paragraphs[s.paragraph].end
        for i in range(s.start, s.end):
            owners[i] += 1
        previous_end = s.end
    for i, ch in enumerate(text):
        assert owners[i] == (0 if ch.isspace() else 1) or (ch.isspace() and owners[i] == 1), (i, ch)


NEWS_ALPHABET = st.sampled_from(list("aAbZ .,;:!?'\"“”‘’()-–—•…\n\r\t0123456789") +
                                ["Mr. ", "U.S. ", "Sept. ", "\r\n", "\u2028", "\u0301", "\u05d0", "\u0627",
                                 "😀", "\u200b", "\x00", "\x0b", "\x85", "\ufeff", " - .", "“Yes.” "])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NEWS_ALPHABET, max_size=120).map("".join))
def test_invariants_on_news_like_text(text: str) -> None:
    _check_invariants(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_invariants_on_arbitrary_unicode(text: str) -> None:
    _check_invariants(text)


def test_invariants_on_the_seed_corpus(seeds: dict[str, SegmentedDocument]) -> None:
    for seg in seeds.values():
        _check_invariants(seg.doc.text)


def test_an_indented_lower_case_line_is_a_row_of_its_own() -> None:
    assert _sentences("Shr loss 6.52 dlrs vs profit 3.87 dlrs\n    net loss 111.2 mln vs profit 64.2 mln") == [
        "Shr loss 6.52 dlrs vs profit 3.87 dlrs", "net loss 111.2 mln vs profit 64.2 mln"]
