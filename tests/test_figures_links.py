"""Tests of dedupe.figures.links: figures that take their noun or measure from a neighbour."""

from __future__ import annotations

import pytest

from dedupe.figures.extract import parse_sentence


def _read(sentence: str) -> list[tuple[str, str, str | None]]:
    return [(f.text, f.measure, f.what) for f in parse_sentence(sentence)]


def test_the_first_conjunct_takes_the_predicate_after_the_second() -> None:
    assert _read("The official said that two Iraqis and two Saudis detained after the attack gave information.") == [
        ("two", "arrested", "iraqis"), ("two", "arrested", "saudis")]


def test_among_links_a_subject_to_the_group_it_belongs_to() -> None:
    assert _read("Three other police officers were among five people who were seriously injured.") == [
        ("Three", "injured", "officers"), ("five", "injured", "people")]


def test_an_elliptic_number_is_read_again_with_the_previous_noun() -> None:
    assert _read("Pacific Northwest has more than 800 employees, and Wells Fargo has 2,400 in Washington.") == [
        ("more than 800", "employed", "employees"), ("2,400", "employed", "employees")]


def test_a_number_before_a_singular_noun_is_not_elliptic() -> None:
    found = _read("The fire, in which one worker was killed, damaged the 32,000 hydrocracker and the spokesman said.")
    assert found == [("one", "killed", "worker")]


@pytest.mark.parametrize("sentence, expected", [
    ("Renault will reduce its workforce there to 5,500 by June from a current 6,810.",
     [("5,500", "employed", "people"), ("6,810", "employed", "people")]),
    ("The number of probable cases dropped to 64 on Tuesday from 66 on Monday.",
     [("64", "other", "cases"), ("66", "other", "cases")]),
])
def test_both_ends_of_a_change_count_the_same_thing(sentence: str,
                                                    expected: list[tuple[str, str, str | None]]) -> None:
    assert _read(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    # the noun is given by the opening frame; the elided second clause ("and 72 in ...") is a second part
    ("Among the reported deaths, 504 were in the worst-hit Ludian County and 72 in Qiaojia County.",
     [("504", "killed", "people"), ("72", "killed", "people")]),
    ("Of the dead, 30 were in the capital.", [("30", "killed", "people")]),
    ("Among the injured, 40 were in serious condition.", [("40", "injured", "people")]),
])
def test_a_bare_number_after_an_opening_among_the_dead_counts_them(sentence: str,
                                                                    expected: list[tuple[str, str, str]]) -> None:
    assert _read(sentence) == expected


def test_a_frame_noun_that_counts_no_people_names_no_figure() -> None:
    assert _read("Among the proposals, 12 were rejected.") == []


def test_the_frame_noun_gives_its_own_measure() -> None:
    assert _read("Among the victims, 12 were foreigners.") == [("12", "killed", "people")]


@pytest.mark.parametrize("sentence, parts", [
    ("Of the 504 dead, 300 were in Ludian County.", [None, 0]),
    ("Of the 1,400 injured, 300 were in Ludian and 200 in Qiaojia.", [None, 0, 0]),
    # a count of another thing is no part of the frame's figure
    ("Of the 476 aboard, 172 were rescued.", [None, None]),
])
def test_a_bare_number_after_a_framed_figure_is_a_part_of_it(sentence: str, parts: list[int | None]) -> None:
    assert [f.subset_of for f in parse_sentence(sentence)] == parts


def test_a_capacity_is_no_count_of_those_aboard() -> None:
    assert _read("The boat was carrying more than 150 passengers, far above its capacity of 43.") == [
        ("more than 150", "aboard", "passengers"), ("43", "other", "passengers")]


def test_a_place_right_after_the_figure_is_its_own() -> None:
    found = parse_sentence("Of the 589 dead, 504 were in Ludian County, 72 in Qiaojia County and 13 elsewhere.")
    assert [(f.text, f.place) for f in found][1:3] == [("504", "Ludian County"), ("72", "Qiaojia County")]
