"""Tests of dedupe.figures.scope through parse_sentence: which count is an incident, a toll over time, a war's."""

from __future__ import annotations

import pytest

from dedupe.figures.extract import parse_sentence


def _scope(sentence: str, phrase: str) -> tuple[str | None, str | None]:
    figure = next(f for f in parse_sentence(sentence) if f.text == phrase)
    return figure.scope, figure.scope_cue


@pytest.mark.parametrize("sentence, phrase, scope", [
    ("Shelling killed five people waiting at a bakery.", "five", ("incident", "shelling")),
    ("The aid convoy was bombed on 19 September, killing 20 people.", "20", ("incident", "convoy")),
    ("At least 175 people were killed after a 6.5-magnitude earthquake jolted Yunnan.", "At least 175",
     ("incident", "earthquake")),
    ("More than 300 people have been killed in the past week, activists said.", "More than 300",
     ("cumulative", None)),
    ("The week-old assault has killed 320 people.", "320", ("cumulative", "assault")),
    ("Air strikes have killed 150 civilians.", "150", ("cumulative", "strikes")),
    ("The five-year war that has killed more than 300,000 people.", "more than 300,000", ("conflict-wide", "war")),
    ("At least 10,000 people have been killed since the war began.", "At least 10,000", ("conflict-wide", "war")),
    ("The rebel area now only has 29 doctors working in three hospitals.", "29", ("current", None)),
    ("At least 122 of the dead were in Ludian.", "At least 122", ("subset", "of the dead")),
    ("Another 179 people have been confirmed dead.", "179", ("subset", "increment")),
    ("250,000 people trapped in the enclave, 100,000 of them children.", "100,000", ("subset", "of them children")),
    ("398 people had been killed, CCTV said.", "398", (None, None)),
])
def test_scopes(sentence: str, phrase: str, scope: tuple[str | None, str | None]) -> None:
    assert _scope(sentence, phrase) == scope


def test_the_war_owns_the_figure_after_it_not_the_attack_before() -> None:
    sentence = "The attack killed 1,200 people, in a civil war that has killed at least 100,000 people."
    assert _scope(sentence, "1,200") == ("incident", "attack")
    assert _scope(sentence, "at least 100,000") == ("conflict-wide", "war")


@pytest.mark.parametrize("sentence, phrase, scope", [
    ("Among the reported deaths, 504 were in the worst-hit Ludian County and 72 in Qiaojia County.", "504",
     ("subset", "among")),
    ("Among the reported deaths, 504 were in the worst-hit Ludian County and 72 in Qiaojia County.", "72",
     ("subset", "among")),
    ("Of the dead, 30 were in the capital.", "30", ("subset", "among")),
    # bodies recovered so far are a part of the toll, not the toll
    ("Rescuers recovered three bodies on Monday.", "three", ("subset", "recovered")),
    ("Three bodies were found near the pier.", "Three", ("subset", "found")),
    ("Divers pulled two bodies from the water.", "two", ("subset", "pulled")),
    ("Rescuers recovered the bodies of three victims.", "three", ("subset", "recovered")),
    ("The bodies of three passengers were retrieved on Tuesday.", "three", ("subset", "retrieved")),
    # the elided second clause of a part is a part too
    ("Thirty of the dead were in Bogo City and 22 in San Remigio.", "22", ("subset", "of the dead")),
    # a correction to the toll is no toll
    ("The toll was revised to 68 after four fatalities were subtracted.", "four", ("subset", "correction")),
    ("Two deaths had been counted twice, officials said.", "Two", ("subset", "correction")),
])
def test_parts_of_the_dead(sentence: str, phrase: str, scope: tuple[str | None, str | None]) -> None:
    assert _scope(sentence, phrase) == scope


@pytest.mark.parametrize("sentence, phrase", [
    ("Among the 175 dead, 30 were children.", "175"),   # the whole before the frame's comma is no part
    ("Three bodies lay in the street.", "Three"),
    ("The quake killed 12 people twice in a decade.", "12"),
    ("Another 179 people have been confirmed dead, bringing the overall toll to close to 600.", "close to 600"),
    ("The toll was revised to 68 after four fatalities were subtracted.", "68"),
])
def test_not_parts(sentence: str, phrase: str) -> None:
    assert _scope(sentence, phrase)[0] != "subset"
