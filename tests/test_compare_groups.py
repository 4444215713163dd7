"""Tests of dedupe.compare.groups and .divergence: statuses, reasons, and the seed corpus golden groups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dedupe.compare.divergence import (
    attribution_conflict,
    entity_conflict,
    negation_conflict,
    number_conflict,
    quote_conflict,
)
from dedupe.compare.entities import build_entity_table
from dedupe.compare.groups import CompareConfig, CompareResult, compare_corpus
from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Document, Origin
from dedupe.errors import ConfigError
from dedupe.segment import segment_document
from dedupe.stories import StoryConfig

DATA = Path(__file__).resolve().parent.parent / "data"


def _docs(*items: tuple[str, str, str]) -> list:  # type: ignore[type-arg]
    return [segment_document(Document(i, outlet, "", "", dt.date(2016, 9, 28), text, Origin(i)))
            for i, outlet, text in items]


def test_number_conflict_same_noun_different_values() -> None:
    assert number_conflict("The raids left 29 doctors.", "The raids left 14 doctors.") == \
        (("29 doctors",), ("14 doctors",))
    assert number_conflict("Between 400 and 500 tents were sent.", "Approximately 500 tents were sent.") is None
    assert number_conflict("Six doctors left.", "Six doctors left.") is None


def test_negation_conflict_shows_the_cue_and_its_counterpart() -> None:
    assert negation_conflict("Russia will stop the bombing.", "Russia will not stop the bombing.") == \
        (("stop",), ("will not stop",))
    assert negation_conflict("He did not go.", "She did not go.") is None
    # the negated words are not in the other version: a different statement, not its denial
    assert negation_conflict("There is no forum for such charges.", "Russia faces war crimes charges.") is None


def test_entity_conflict_uses_the_entity_table() -> None:
    table = build_entity_table(["Sergei Lavrov met Kerry in Geneva.", "Sergey Lavrov met Kerry in Moscow.",
                                "Sergei Lavrov spoke."])
    assert entity_conflict("Kerry met Sergei Lavrov in Geneva on Monday.",
                           "Kerry met Sergey Lavrov in Moscow on Monday.", table) == (("Geneva",), ("Moscow",))
    assert entity_conflict("Kerry met Sergei Lavrov in Geneva on Monday.",
                           "Kerry met Sergey Lavrov in Geneva on Monday.", table) is None


def test_entity_conflict_reads_washington_as_the_us_government() -> None:
    table = build_entity_table(["Washington warned Moscow.", "The U.S. warned Russia.", "Paris spoke."])
    assert entity_conflict("On Monday Washington warned Moscow it would act.",
                           "On Monday the U.S. warned Moscow it would act.", table) is None
    assert entity_conflict("On Monday Washington warned Moscow it would act.",
                           "On Monday Paris warned Moscow it would act.", table) == (("Washington",), ("Paris",))


def test_quote_and_attribution_conflicts() -> None:
    table = build_entity_table(["Kerry spoke. Lavrov spoke. Kerry and Lavrov met."])
    assert quote_conflict('Kerry said: "we will not let Aleppo fall today"',
                          'Lavrov said: "we will not let Aleppo fall today"', table) == (("Kerry",), ("Lavrov",))
    assert attribution_conflict("Strikes which allegedly killed 500 civilians.",
                                "Strikes have killed 500 civilians.") == (("allegedly",), ())


def _statuses(result: CompareResult) -> dict[str, list]:  # type: ignore[type-arg]
    found: dict[str, list] = {}  # type: ignore[type-arg]
    for group in result.groups:
        found.setdefault(group.status, []).append(group)
    return found


def test_agreement_divergence_and_unique_with_a_bag_of_words_encoder(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    docs = _docs(
        ("a", "Wire", "Russian jets bombed the main hospital in east Aleppo on Wednesday morning. "
                      "The strikes killed 500 people in the city. Bakers in Paris raised bread prices again."),
        ("b", "Daily", "Russian jets bombed the main hospital in east Aleppo on Wednesday morning. "
                       "The strikes killed 400 people in the city. A new bridge opened in Lisbon yesterday."))
    result = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    statuses = _statuses(result)
    assert [g.members[0].text for g in statuses["agreement"]] == [
        "Russian jets bombed the main hospital in east Aleppo on Wednesday morning."]
    (divergence,) = statuses["divergence"]
    assert [r.type for r in divergence.reasons] == ["number"]
    assert [(w.doc_id, w.words) for w in divergence.reasons[0].conflicting] == [("a", ("500 people",)),
                                                                                 ("b", ("400 people",))]
    assert sorted(g.members[0].doc_id for g in statuses["unique"]) == ["a", "b"]


def test_a_lead_with_two_tolls_sits_in_both_count_groups(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    docs = _docs(
        ("a", "Wire", "The earthquake in Yunnan killed 175 people and injured 1,400 people on Sunday."),
        ("b", "Daily", "The earthquake in Yunnan killed 398 people on Sunday, officials said."),
        ("c", "Post", "The earthquake in Yunnan injured 1,400 people on Sunday, officials said."))
    result = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    shared = {(g.status, tuple(m.doc_id for m in g.members)): g for g in result.groups if g.status != "unique"}
    assert {("agreement", ("a", "c")), ("divergence", ("a", "b"))} <= set(shared)  # the injured; the killed
    killed = shared[("divergence", ("a", "b"))]
    assert [(w.doc_id, w.words) for w in killed.reasons[0].conflicting] == [("a", ("175 people",)),
                                                                             ("b", ("398 people",))]
    assert "number killed" in killed.reasons[0].detail


def test_a_count_of_things_is_named_by_its_plural(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    docs = _docs(("a", "Wire", "The storm in Leyte destroyed 120 churches on Sunday, officials said."),
                 ("b", "Daily", "The storm in Leyte destroyed 80 churches on Sunday, officials said."))
    result = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    details = [r.detail for g in result.groups for r in g.reasons]
    assert any(d.startswith("different figures for the number of churches destroyed:") for d in details), details


def test_a_parameter_is_compared_once_when_two_parameter_groups_hold_the_same_claims(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    docs = _docs(("a", "Wire", "The magnitude 6.1 earthquake struck Ludian at a depth of 12 km, officials said."),
                 ("b", "Daily", "The magnitude 6.1 earthquake struck Ludian at a depth of 10 km, officials said."))
    result = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    depth = [r.detail for g in result.groups for r in g.reasons if "depth" in r.detail]
    assert len(depth) == 1, depth


def test_same_outlet_twice_is_unique(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    text = "Russian jets bombed the main hospital in east Aleppo on Wednesday morning."
    docs = _docs(("a", "Wire", text), ("b", "Wire", text))
    (group,) = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True))).groups
    assert group.status == "unique" and len(group.members) == 2


def test_compare_config_validation() -> None:
    with pytest.raises(ConfigError, match="divergence threshold"):
        CompareConfig(divergence_threshold=2.0)


# --- the seed corpus with the real model --------------------------------------------------------

@pytest.fixture(scope="module")
def seed_result(real_encoder, tmp_path_factory):  # type: ignore[no-untyped-def]
    from dedupe.embed.encoder import EmbeddingCache

    documents = [segment_document(d) for d in load_corpus([str(DATA)]).documents]
    return compare_corpus(documents, real_encoder, cache=EmbeddingCache(tmp_path_factory.mktemp("cache")))


def _group_of(result: CompareResult, doc_prefix: str, start: int):  # type: ignore[no-untyped-def]
    return next(g for g in result.groups if any(m.doc_id.startswith(doc_prefix) and m.start == start
                                                for m in g.members))


def test_seed_grave_concern_is_one_agreement_across_three_outlets(seed_result) -> None:  # type: ignore[no-untyped-def]
    group = _group_of(seed_result, "003", 771)
    assert group.status == "agreement"
    # 002 states it twice: in Kirby's statement and in the clause "in which he voiced grave concern" of its lead,
    # which the claim model scores below the threshold against the others; the quoted "grave concern" links it.
    assert [(m.doc_id[:3], m.start, m.end, m.line) for m in group.members] == [
        ("002", 481, 628, 9), ("002", 630, 927, 11), ("003", 771, 1028, 13), ("004", 804, 909, 17)]
    assert all("grave concern" in m.text for m in group.members)


def _with(result: CompareResult, doc_prefix: str, snippet: str):  # type: ignore[no-untyped-def]
    return next(g for g in result.groups if any(m.doc_id.startswith(doc_prefix) and snippet in m.text
                                                for m in g.members))


@pytest.mark.parametrize(("claim", "versions"), [
    ("phone call", [("002", "in a call to Russian Foreign Minister"), ("003", "in a telephone call"),
                    ("004", "in a phone call to Russia Foreign Minister")]),
    ("immediate steps", [("002", "immediate steps to end the assault on Aleppo"),
                         ("003", "unless Russia takes immediate steps to end the assault on Aleppo")]),
    ("incendiary and bunker-buster bombs", [("002", "hold Russia responsible for this situation"),
                                            ("003", "holds Russia responsible for the use of such weapons"),
                                            ("004", "holds Russia responsible for the use of incendiary")]),
    ("French resolution", [("002", "UN Security Council resolution for a ceasefire"),
                           ("004", "France is preparing a resolution")]),
    ("250,000 under siege", [("000", "save 250,000 people"),
                             ("003", "250,000 people are currently living under siege")]),
    ("400-500 killed", [("003", "after six days of intense"), ("004", "Between 400 and 500 people")]),
    # a headline and a lead join the group of their own document's body claim they summarise
    ("the threat, in 002's headline and lead", [("003", "unless Russia takes immediate steps to end the assault"),
                                                ("002", "No joint work with Russia till Aleppo assault ends"),
                                                ("002", "threatened on Wednesday to halt its diplomacy")]),
])
def test_seed_shared_claims_are_grouped(seed_result, claim: str, versions: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    groups = {id(_with(seed_result, doc, snippet)) for doc, snippet in versions}
    assert len(groups) == 1, claim
    assert _with(seed_result, *versions[0]).status in ("agreement", "divergence")


def test_seed_doctors_divergence_is_found_by_compare(seed_result) -> None:  # type: ignore[no-untyped-def]
    group = _with(seed_result, "003", "29 doctors")
    assert group is _with(seed_result, "004", "as few as 14 doctors left")
    assert group.status == "divergence"
    number = [r for r in group.reasons if r.type == "number"]
    assert number and "'29 doctors'" in number[0].detail and "14 Doctors" in number[0].detail
    assert [w.words for w in number[0].conflicting] == [("29 doctors",), ("14 Doctors",)]
    assert seed_result.groups[0] is group  # divergences come first


def test_seed_2013_article_is_its_own_story(seed_result) -> None:  # type: ignore[no-untyped-def]
    (story_2013,) = [s for s in seed_result.stories if "001_d3aebe4b90fe0be1" in s.doc_ids]
    assert story_2013.doc_ids == ("001_d3aebe4b90fe0be1",)
    for group in seed_result.groups:
        docs = {m.doc_id for m in group.members}
        assert "001_d3aebe4b90fe0be1" not in docs or docs == {"001_d3aebe4b90fe0be1"}


def test_seed_topical_but_different_sentences_are_not_grouped(seed_result) -> None:  # type: ignore[no-untyped-def]
    # "Kerry had previously defended his efforts to reach out to Russia" vs "Kerry has repeated his threat".
    assert _group_of(seed_result, "003", 3304) is not _group_of(seed_result, "004", 175)
    # "Kirby said in a written statement" (grave concern) vs "in a call to Lavrov" are two claims.
    assert _with(seed_result, "002", "in a written statement") is not _with(seed_result, "002", "in a call to")



@pytest.mark.parametrize("doc_prefix, snippet", [("000", "is flying to London"), ("004", "We Will Continue Bombing"),
                                                 ("004", "Federica Mogherini")])
def test_seed_other_statements_stay_out_of_the_us_threat(seed_result, doc_prefix: str,  # type: ignore[no-untyped-def]
                                                         snippet: str) -> None:
    # Same actors and topic, another statement (a trip, Russia's answer, another speaker): never one claim with
    # Kerry's threat or Johnson's appeal (the false groups of the gold-fitted model).
    group = _with(seed_result, doc_prefix, snippet)
    assert group.status == "unique"
    others = ("threatened to cut off", "cut ties", "hoping desperately")
    assert not any(s in m.text for m in group.members for s in others)


def test_seed_entity_table_merges_variants(seed_result) -> None:  # type: ignore[no-untyped-def]
    variants = {e.name: set(e.variants) for e in seed_result.entities}
    assert {"Sergei Lavrov", "Sergey Lavrov"} <= variants["Sergei Lavrov"]
    assert {"Walid al-Moallem", "Walid al-Mouallem", "Walid al-Muallem"} <= variants["Walid al-Moallem"]


def test_seed_members_carry_exact_text(seed_result) -> None:  # type: ignore[no-untyped-def]
    texts = {d.id: d.text for d in load_corpus([str(DATA)]).documents}
    for group in seed_result.groups:
        for member in group.members:
            assert texts[member.doc_id][member.start:member.end] == member.text


def test_a_group_whose_figures_differ_only_by_an_update_is_a_divergence(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    docs = [segment_document(Document(i, outlet, "", "", day, text, Origin(i))) for i, outlet, day, text in (
        ("a", "Wire", dt.date(2014, 8, 3), "The earthquake in Yunnan killed 175 people on Sunday, officials said."),
        ("b", "Daily", dt.date(2014, 8, 7), "The earthquake in Yunnan killed 589 people on Sunday, officials said."))]
    result = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    (group,) = [g for g in result.groups if len(g.members) == 2]
    # the gold's rule: outlets that give different tolls diverge, even where a later report explains it
    assert group.status == "divergence" and not group.reasons
    assert [[w.doc_id for w in r.conflicting] for r in group.updates] == [["a", "b"]]


def test_an_update_between_dated_reports_is_listed_apart_from_the_conflicts(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    docs = [segment_document(Document(i, outlet, "", "", day, text, Origin(i))) for i, outlet, day, text in (
        ("a", "Wire", dt.date(2014, 8, 3), "The earthquake in Yunnan killed 175 people on Sunday, officials said."),
        ("b", "Daily", dt.date(2014, 8, 7), "The earthquake in Yunnan killed 589 people on Sunday, officials said."),
        ("c", "Post", dt.date(2014, 8, 3), "The earthquake in Yunnan killed 380 people on Sunday, officials said."))]
    result = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    (group,) = [g for g in result.groups if len(g.members) == 3]
    assert group.status == "divergence"  # a and c, one day apart by nothing: 175 vs 380 the same day
    assert [[w.doc_id for w in r.conflicting] for r in group.reasons] == [["a", "c"]]
    updates = {tuple(w.doc_id for w in r.conflicting) for r in group.updates}
    assert updates == {("a", "b"), ("c", "b")} and all("a later report" in r.detail for r in group.updates)
    # each side's words are located in its document
    texts = {d.doc.id: d.doc.text for d in docs}
    for reason in group.reasons + group.updates:
        for side in reason.conflicting:
            assert [texts[side.doc_id][s:e] for s, e in side.spans] == list(side.words)


def test_claims_stating_one_specific_fact_in_other_words_are_one_claim(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    docs = _docs(("a", "Wire", "Meanwhile, more than 12,000 houses had been toppled and 30,000 damaged."),
                 ("b", "Daily", "About 12,000 homes collapsed in Ludian, a densely populated county, Xinhua said."))
    result = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    (group,) = [g for g in result.groups if len(g.members) == 2]
    assert group.status == "agreement" and [m.doc_id for m in group.members] == ["a", "b"]


def test_a_parameter_group_reports_the_other_parameters_its_members_give_differently(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    docs = _docs(("a", "Wire", "The magnitude-6.1 quake struck at 4:30 p.m. Sunday with a depth of 12 km."),
                 ("b", "Daily", "Officials said the 6.1-magnitude earthquake occurred at a depth of 10 kilometers "
                                "(6 miles)."))
    result = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    (group,) = [g for g in result.groups if len(g.members) == 2]
    assert group.status == "divergence"
    (reason,) = group.reasons
    assert "depth" in reason.detail
    assert [(w.doc_id, w.words) for w in reason.conflicting] == [("a", ("12 km",)), ("b", ("10 kilometers", "6 miles"))]


def test_a_fact_stated_by_one_outlet_only_is_unique(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    docs = _docs(("a", "Wire", "Meanwhile, more than 12,000 houses had been toppled and 30,000 damaged."),
                 ("b", "Wire", "About 12,000 homes collapsed in Ludian, a densely populated county, Xinhua said."))
    result = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    (group,) = [g for g in result.groups if len(g.members) == 2]
    assert group.status == "unique"


def test_a_time_in_another_zone_joins_the_local_time_once_the_story_gives_the_offset(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    local = ("a", "Wire", "The strong quake hit the county at 4:30 p.m. (08.30 GMT) on Sunday, officials said.")
    zoned = ("b", "Daily", "The disaster struck Sunday at 0830 UTC, according to seismologists in the region.")
    result = compare_corpus(_docs(local, zoned), hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    (group,) = [g for g in result.groups if len(g.members) == 2]
    assert group.status == "agreement" and [m.doc_id for m in group.members] == ["a", "b"]
    # without the conversion nobody gives the offset: 4:30 p.m. and 0830 UTC are not compared
    plain = (local[0], local[1], local[2].replace(" (08.30 GMT)", ""))
    result = compare_corpus(_docs(plain, zoned), hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    assert not [g for g in result.groups if len(g.members) == 2]


def test_the_claim_map_is_read_for_the_packaged_model_only(real_encoder, seed_result) -> None:  # type: ignore[no-untyped-def]
    from dedupe.compare.align import AlignConfig

    class AnotherModel:  # another model of the same width (here: the same vectors under another name)
        fingerprint = "another-model:onnx-v1:l2"

        def encode(self, texts):  # type: ignore[no-untyped-def]
            return real_encoder.encode(texts)

    documents = [segment_document(d) for d in load_corpus([str(DATA)]).documents]
    other = compare_corpus(documents, AnotherModel())
    plain = compare_corpus(documents, real_encoder, CompareConfig(align=AlignConfig(claim_space=False)))
    similarities = [[g.similarity for g in r.groups] for r in (seed_result, other, plain)]
    assert similarities[1] == similarities[2] != similarities[0]
