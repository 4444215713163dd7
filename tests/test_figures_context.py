"""Tests of dedupe.figures.context: places and attributions."""

from __future__ import annotations

import pytest

from dedupe.figures.context import find_attributions, find_places
from dedupe.figures.tokens import tokenize


@pytest.mark.parametrize("sentence, place", [
    ("21 people killed in neighboring Idlib Province, most", "Idlib Province"),
    ("500 people in opposition areas of Aleppo", "Aleppo"),
    ("Only six of east Aleppo’s 21 hospitals", "east Aleppo"),
    ("on the town of Khan Sheikhoun.", "Khan Sheikhoun"),
    ("14 Doctors Left in Opposition Areas of Aleppo", "Aleppo"),
    ("504 were in the worst-hit Ludian County", "Ludian County"),
    ("tents in quake-affected Qiaojia", "Qiaojia"),
])
def test_places(sentence, place) -> None:  # type: ignore[no-untyped-def]
    assert [m.text for m in find_places(tokenize(sentence), sentence)] == [place]


def test_no_place_in_titles_or_dates() -> None:
    sentence = "US Secretary of State’s ultimatum on Wednesday in the Security Council"
    assert find_places(tokenize(sentence), sentence) == []


@pytest.mark.parametrize("sentence, source", [
    ("strikes which activists say have killed 500 civilians", "activists"),
    ("killed 500 people, the civil defence rescue service said.", "the civil defence rescue service"),
    ("nine deaths confirmed by the Local Coordination Committees.", "the Local Coordination Committees"),
    ("US officials have said this week that they", "US officials"),
    ("according to the U.N. 20 died", "the U.N."),
    ("20 died, the U.N. said, citing health officials.", "the U.N., citing health officials"),
    ("Xinhua and CCTV said that 398 people had been killed, citing rescuers.", "Xinhua and CCTV, citing rescuers"),
    ("Quoting Rafaelito Alejandro, Al Jazeera reported that 60 had died.", "Al Jazeera, citing Rafaelito Alejandro"),
    ("Red Cross: 14 Doctors Left in Opposition Areas of Aleppo", "Red Cross"),
])
def test_attributions(sentence, source) -> None:  # type: ignore[no-untyped-def]
    assert [m.text for m in find_attributions(tokenize(sentence), sentence)] == [source]


@pytest.mark.parametrize("sentence, sources", [
    # a speech word after an article, a possessive or a preposition is a noun or an adjective: no subject before it
    ("He said 49 people were confirmed missing, based on reports from relatives.", ["people were"]),
    ("Among the reported deaths, 504 were in Ludian County.", []),
    ("The boat carried an estimated 150 people, their estimates show.", []),
    ("Officials estimated 150 people were aboard, and media reports said 30 died.", ["Officials", "media",
                                                                                     "media reports"]),
    # ", said" after an appositive or a relative clause: the subject before it, not the reported clause after it
    ("Budiawan, the head of the rescue agency in Medan, said the boat was filled with 150 people.", ["Budiawan"]),
    ("Ma Hao, a student who volunteered, told Xinhua that he pulled out 40 bodies.", ["Ma Hao"]),
    ("The Red Cross, which runs the camp, said 30 people died.", ["The Red Cross"]),
    ("The agency, which runs the port, said 30 people died.", []),  # a name only: not a clause's last words
    # ... unless the words after the verb end the clause: they are its subject
    ("Thirty people died in the blast, the deadliest this year, said police.", ["police"]),
    ("Thirty people died, said the official in Jakarta.", ["the official"]),
    ("Thirty people died in the blast, the deadliest this year, said the official in Jakarta.", ["the official"]),
])
def test_speech_words_that_are_not_verbs_and_appositives(sentence, sources) -> None:  # type: ignore[no-untyped-def]
    assert [m.text for m in find_attributions(tokenize(sentence), sentence)] == sources


def test_pronoun_subjects_are_skipped() -> None:
    sentence = "The State Department said that it told Moscow"
    assert [m.text for m in find_attributions(tokenize(sentence), sentence)] == ["The State Department"]


@pytest.mark.parametrize("sentence, places", [
    ("The minister said at a press conference in Paris that 300 civilians in the city have been killed.", []),
    ("Alejandro told reporters in Manila that 60 had died.", []),
    ("According to the Ministry of Civil Affairs, the quake has also injured more than 1,400 people.", []),
    ("listed 72 deaths, the National Disaster Risk Reduction and Management Council said", []),
    ("more than 2,400 people were injured in Sunday's 6.1 magnitude quake", []),
    ("a 6.5-magnitude earthquake jolted southwest China's Yunnan Province Sunday afternoon", ["Yunnan Province"]),
    ("at least 53 deaths in Qiaojia County of Zhaotong", ["Qiaojia County of Zhaotong"]),
    ("which would make it one of Indonesia's worst maritime disasters", []),
    ("The 6.1-magnitude quake hit Ludian county at about 4.30pm", ["Ludian"]),
])
def test_places_are_where_the_counted_thing_happened(sentence: str, places: list[str]) -> None:
    assert [m.text for m in find_places(tokenize(sentence), sentence)] == places


@pytest.mark.parametrize("sentence, places", [
    ("Leyte had the most deaths with 41, followed by Samar with 12 and Biliran with three.",
     ["Leyte", "Samar", "Biliran"]),
    ("The firm ended the year with 500 employees.", []),
])
def test_a_tally_by_place_names_the_place_before_with(sentence: str, places: list[str]) -> None:
    assert [m.text for m in find_places(tokenize(sentence), sentence)] == places
