"""Tests of dedupe.figures.numbers: number phrases, qualifiers and intervals."""

from __future__ import annotations

import pytest

from dedupe.figures.numbers import find_number_phrases, parse_digits, parse_number
from dedupe.figures.tokens import tokenize


def _phrases(text: str) -> list[tuple[str, object, object, str]]:
    return [(p.text, p.low, p.high, p.qualifier) for p in find_number_phrases(tokenize(text), text)]


@pytest.mark.parametrize("text, expected", [
    ("1,429 people", ("1,429", 1429, 1429, "exact")),
    ("1.2 million", ("1.2 million", 1200000, 1200000, "exact")),
    ("2.66 mln", ("2.66 mln", 2660000, 2660000, "exact")),
    ("nine deaths", ("nine", 9, 9, "exact")),
    ("as high as 80 people", ("as high as 80", None, 80, "up to")),
    ("twenty-one people", ("twenty-one", 21, 21, "exact")),
    ("two hundred and fifty men", ("two hundred and fifty", 250, 250, "exact")),
    ("a dozen people", ("a dozen", 12, 12, "exact")),
    ("between 400 and 500", ("between 400 and 500", 400, 500, "range")),
    ("400-500 people", ("400-500", 400, 500, "range")),
    ("300 to 400 people", ("300 to 400", 300, 400, "range")),
    ("two or three people", ("two or three", 2, 3, "range")),
    ("approximately 500", ("approximately 500", 500, 500, "approximately")),
    ("roughly 70", ("roughly 70", 70, 70, "approximately")),
    ("some 7,000", ("some 7,000", 7000, 7000, "approximately")),
    ("at least 426", ("at least 426", 426, None, "at least")),
    ("more than 250", ("more than 250", 250, None, "more than")),
    ("over 80", ("over 80", 80, None, "more than")),
    ("19,000-plus", ("19,000-plus", 19000, None, "more than")),
    ("nearly 1,400", ("nearly 1,400", None, 1400, "nearly")),
    ("almost 150", ("almost 150", None, 150, "nearly")),
    ("up to 300", ("up to 300", None, 300, "up to")),
    ("as many as 30", ("as many as 30", None, 30, "up to")),
    ("as few as 14", ("as few as 14", None, 14, "as few as")),
    ("fewer than 500", ("fewer than 500", None, 500, "fewer than")),
    ("dozens of people", ("dozens", 12, None, "vague")),
    ("scores of people", ("scores", 20, None, "vague")),
    ("hundreds of civilians", ("hundreds", 100, None, "vague")),
    ("thousands more", ("thousands", 1000, None, "vague")),
    ("hundreds of thousands of people", ("hundreds of thousands", 100000, None, "vague")),
    ("several hundred troops", ("several hundred", 300, 900, "vague")),
])
def test_phrases(text, expected) -> None:  # type: ignore[no-untyped-def]
    assert _phrases(text)[0] == expected


@pytest.mark.parametrize("text", ["16:28", "scores in the test", "hundreds", "between them", "five-year war"])
def test_no_phrase(text) -> None:  # type: ignore[no-untyped-def]
    assert _phrases(text) == []


def test_a_descending_pair_is_not_a_range() -> None:
    assert [p[0] for p in _phrases("a 6-3 decision")] == ["6", "3"]


@pytest.mark.parametrize("text, value", [("1,429", 1429), ("2.5", 2.5), ("09", None), ("1,2", None), ("1.2.3", None),
                                         ("16:28", None)])
def test_parse_digits(text, value) -> None:  # type: ignore[no-untyped-def]
    parsed = parse_digits(text)
    assert (None if parsed is None else float(parsed)) == value


def test_phrase_text_is_cut_from_the_source() -> None:
    text = "between\n  400 and 500"
    assert _phrases(text)[0][0] == text


@pytest.mark.parametrize("text, expected", [
    ("Scores dead in fresh Egypt clashes", ("Scores", 20, None, "vague")),
    ("Dozens still missing after boat sinks", ("Dozens", 12, None, "vague")),
    ("Hundreds evacuated as volcano erupts", ("Hundreds", 100, None, "vague")),
    ("fighting that has killed hundreds.", ("hundreds", 100, None, "vague")),
])
def test_a_vague_plural_standing_alone_is_a_count(text: str, expected: tuple[str, object, object, str]) -> None:
    assert _phrases(text) == [expected]


@pytest.mark.parametrize("text", ["by the hundreds", "in their thousands", "scores in the test", "hundreds"])
def test_a_vague_plural_in_an_idiom_or_as_a_noun_is_not(text: str) -> None:
    assert _phrases(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Death toll in Nepal earthquake tops 8,000", ("8,000", 8000, None, "more than")),
    ("deaths exceeded 1,000", ("1,000", 1000, None, "more than")),
])
def test_a_bounding_verb_qualifies_the_number_but_stays_outside_its_text(
        text: str, expected: tuple[str, object, object, str]) -> None:
    assert _phrases(text) == [expected]


@pytest.mark.parametrize("text, value", [
    ("eight", 8), ("Twenty", 20), ("twenty-one", 21), ("two hundred", 200), ("12", 12), ("1,429", 1429), ("1.5", 1.5),
    ("a few", None), ("several", None), ("dozens", None), ("about 8", None), ("8 or 9", None), ("8 people", None),
    ("09", None), ("", None),
])
def test_parse_number_reads_one_exact_number_and_nothing_else(text: str, value: object) -> None:
    assert parse_number(text) == value
