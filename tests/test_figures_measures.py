"""Tests of dedupe.figures.measures: verb inflection and the lexicon built from lemmas."""

from __future__ import annotations

import pytest

from dedupe.figures import measures as m


@pytest.mark.parametrize("lemma, forms", [
    ("reinstate", ("reinstate", "reinstates", "reinstated", "reinstating")),
    ("trap", ("trap", "traps", "trapped", "trapping")),
    ("employ", ("employ", "employs", "employed", "employing")),
    ("slash", ("slash", "slashes", "slashed", "slashing")),
    ("lay off", ("lay off", "lays off", "laid off", "laying off")),
    ("rise", ("rise", "rises", "rose", "risen", "rising")),
    ("carry", ("carry", "carries", "carried", "carrying")),
])
def test_inflect_follows_spelling_rules_and_irregulars(lemma: str, forms: tuple[str, ...]) -> None:
    assert m.inflect(lemma) == forms


def test_participles_of_regular_irregular_and_phrasal_verbs() -> None:
    assert m.participles("reinstate", "shed", "lay off", "recruit") == ("reinstated", "shed", "laid off", "recruited")


@pytest.mark.parametrize("words, table, head, measure", [
    (["reinstated"], m.AGENT, "workers", "hired"),
    (["rehires"], m.AGENT, "workers", "hired"),
    (["generated"], m.PATIENT, "jobs", "hired"),
    (["work", "for"], m.PATIENT, "employees", "employed"),
    (["jailing"], m.AGENT, "people", "arrested"),
    (["addition", "of"], m.NOMINAL, "employees", "hired"),
])
def test_every_inflection_of_a_measure_verb_is_a_trigger(words: list[str], table: tuple[m.Trigger, ...], head: str,
                                                         measure: str) -> None:
    trigger = m.match_at(words, 0, table, head)
    assert trigger is not None and trigger.measure == measure


def test_head_restrictions_still_hold_for_generated_forms() -> None:
    assert m.match_at(["generated"], 0, m.PATIENT, "revenues") is None
    assert m.match_at(["slashes"], 0, m.AGENT, "prices") is None


def test_link_verbs_cover_inflections() -> None:
    assert {"rises", "rose", "risen", "climbs", "tops", "topped", "totalled", "reached"} <= m.LINK_VERBS


def _measures(sentence: str) -> list[tuple[str, str]]:
    from dedupe.figures.extract import parse_sentence
    return [(f.text, f.measure) for f in parse_sentence(sentence)]


@pytest.mark.parametrize("sentence, expected", [
    ("18 people were rescued.", [("18", "rescued")]),
    ("Coast guards rescued 179 people.", [("179", "rescued")]),
    ("21 survivors were found.", [("21", "rescued")]),
    ("At least 60 people were pulled alive from the debris.", [("At least 60", "rescued")]),
    ("Rescuers pulled 12 people alive from the rubble.", [("12", "rescued")]),
    ("Police saved 3 children.", [("3", "rescued")]),
    ("The rescue of 33 miners took weeks.", [("33", "rescued")]),
    ("There were 193 people on board.", [("193", "aboard")]),
    ("The plane had 239 people aboard.", [("239", "aboard")]),
    ("The ferry was carrying 476 passengers.", [("476", "aboard")]),
    ("Of the 476 aboard, 172 were rescued.", [("476", "aboard"), ("172", "rescued")]),
    ("239 people were on board.", [("239", "aboard")]),
    # inside a "with" phrase or a relative clause, "on board" still says where the people are
    ("The boat sank with more than 150 people on board.", [("more than 150", "aboard")]),
    ("A ferry with 80 passengers on board capsized.", [("80", "aboard")]),
    ("The ferry, which had more than 150 people on board, capsized.", [("more than 150", "aboard")]),
    # aboard is a place: what happened to the people aboard wins
    ("The crash killed all 150 people on board.", [("150", "killed")]),
    ("Fire killed 12 people on board the ferry.", [("12", "killed")]),
    ("12 people on board the MV Sinar Bangun ferry were killed.", [("12", "killed")]),
    ("All 150 people aboard died.", [("150", "killed")]),
])
def test_rescued_and_aboard_are_measures(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _measures(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Authorities sent 100 rescue workers.",
    "100 rescuers searched the site.",
    "Rescue efforts involved 500 soldiers.",
    "The plan would save 5,000 jobs.",
    "1,000 soldiers boarded trucks.",
    "The airline carried 20 million passengers last year.",
    "2,000 firefighters were deployed.",
    "The central bank rescued two large banks.",
])
def test_rescuers_saved_jobs_and_passenger_traffic_are_not_rescued_or_aboard(sentence: str) -> None:
    assert all(measure not in ("rescued", "aboard") for _, measure in _measures(sentence))


def test_save_and_carrying_take_people_heads_only() -> None:
    assert m.match_ending_at(["saved"], 1, m.AGENT, "jobs") is None
    assert m.match_ending_at(["carrying"], 1, m.AGENT, "tonnes") is None
    saved = m.match_ending_at(["saved"], 1, m.AGENT, "children")
    assert saved is not None and saved.measure == "rescued"
    assert {"rescued", "aboard"} <= m.HUMAN_MEASURES and "rescued" in m.MEASURES and "aboard" in m.MEASURES
    assert m.PLACE_MEASURES == {"aboard"}


@pytest.mark.parametrize("sentence, expected", [
    ("Rescuers recovered the bodies of three victims.", [("three", "killed")]),
    ("The remains of 12 soldiers were returned home.", [("12", "killed")]),
])
def test_bodies_of_count_the_dead(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _measures(sentence) == expected
