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
