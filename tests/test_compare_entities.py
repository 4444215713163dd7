"""Tests of dedupe.compare.entities: names, spelling variants merged with rapidfuzz, on the seeds and on rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.compare.divergence import entity_conflict
from dedupe.compare.entities import EntityConfig, build_entity_table, find_mentions, normalise
from dedupe.corpus.load import load_corpus
from dedupe.errors import ConfigError

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def seed_table():  # type: ignore[no-untyped-def]
    return build_entity_table([d.text for d in load_corpus([str(DATA)]).documents])


def test_lavrov_spellings_are_one_entity(seed_table) -> None:  # type: ignore[no-untyped-def]
    entity = seed_table.resolve("Sergei Lavrov")
    assert entity is not None and entity.name == "Sergei Lavrov"
    assert {"Sergei Lavrov", "Sergey Lavrov", "Lavrov"} <= set(entity.variants)
    assert seed_table.resolve("Sergey Lavrov") is entity and seed_table.resolve("Lavrov") is entity


def test_al_moallem_spellings_are_one_entity(seed_table) -> None:  # type: ignore[no-untyped-def]
    entity = seed_table.resolve("Walid al-Moallem")
    assert entity is not None
    assert {"Walid al-Moallem", "Walid al-Mouallem", "Walid al-Muallem", "al-Moallem"} <= set(entity.variants)


def test_different_people_stay_apart(seed_table) -> None:  # type: ignore[no-untyped-def]
    assert seed_table.resolve("John Kerry") is not seed_table.resolve("John Kirby")
    assert seed_table.resolve("Kerry") is seed_table.resolve("John Kerry")
    assert seed_table.resolve("Aleppo") is not None and seed_table.resolve("Aleppo").variants == ("Aleppo",)


def test_short_names_one_letter_apart_are_not_merged() -> None:
    table = build_entity_table(["Iran and Iraq met in Geneva.", "Iraq said Iran lied."])
    assert table.resolve("Iran") is not table.resolve("Iraq")


def test_titles_possessives_and_sentence_starts_are_not_names() -> None:
    mentions = find_mentions("Speaking on Monday, Syria's Foreign Minister Walid al-Muallem met Mr Kerry.",
                             frozenset({"speaking"}))
    assert [m.text for m in mentions] == ["Syria", "Walid al-Muallem", "Kerry"]


def test_juxtaposed_names_are_split() -> None:
    table = build_entity_table(["Lavrov spoke. Washington said no. Sergei Lavrov left. Sergei Lavrov came.",
                                "Kerry also told Lavrov Washington was preparing to end talks."])
    found = [(m.text, e.name) for m, e in table.mentions("Kerry also told Lavrov Washington was preparing")]
    assert ("Lavrov", "Sergei Lavrov") in found and ("Washington", "Washington") in found


def test_normalise() -> None:
    assert normalise("Walid al-Mouallem") == "walid mouallem"
    assert normalise("U.S.") == normalise("US")
    assert normalise("O\u2019Brien") == normalise("O'Brien") == "o'brien"


def test_a_typographic_apostrophe_is_no_other_name() -> None:
    # toba-ferry-2018 (tune), WCNC and TRT World quote one relative, one with a curly apostrophe: same words,
    # not "a different actor".
    curly, straight = "I\u2019m afraid my family is dead,\u201d she said, weeping.", \
        "I'm afraid my family is dead,\" she said, weeping."
    table = build_entity_table([curly, straight])
    assert table.resolve("I\u2019m") is table.resolve("I'm")
    assert entity_conflict(curly, straight, table) is None


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=120))
def test_mentions_index_the_text(text: str) -> None:
    for mention in find_mentions(text):
        assert text[mention.start:mention.end] == mention.text


def test_entity_config_validation() -> None:
    with pytest.raises(ConfigError, match="entity ratio"):
        EntityConfig(min_ratio=120)
