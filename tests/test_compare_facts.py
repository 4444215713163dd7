"""Tests of dedupe.compare.facts: fact keys (counts of things, event parameters) and fact groups."""

from __future__ import annotations

import numpy as np

from dedupe.compare.counts import CountKey
from dedupe.compare.facts import fact_groups, local_times, stated_facts, thing_noun

HOMES = CountKey("home destroyed", None, False, "things")
DAMAGED = CountKey("home damaged", None, False, "things")


def test_counts_of_things_key_their_noun_and_keep_a_specific_point() -> None:
    facts = stated_facts("Meanwhile, more than 12,000 houses had been toppled and 30,000 damaged.")
    assert [(f.key, f.point) for f in facts] == [(HOMES, 12000.0), (DAMAGED, 30000.0)]
    (about,) = stated_facts("About 12,000 homes collapsed in Ludian.")
    assert about.key == HOMES and about.point == 12000.0 and about.text == "About 12,000 homes"
    # vague and small counts are no specific value; counts of people are the count keys' domain
    assert [f.point for f in stated_facts("The quake toppled thousands of homes.")] == [None]
    assert [f.point for f in stated_facts("Only two hospitals work.")] == [None]
    assert stated_facts("At least 175 people were killed.") == ()


def test_event_parameters_are_facts() -> None:
    facts = stated_facts("The magnitude-6.1 quake struck at 4:30 p.m. at a depth of 10 kilometers.")
    assert [(f.key.measure, f.key.kind, f.point) for f in facts] == [
        ("magnitude", "parameter", 6.1), ("time event", "parameter", 990.0), ("depth", "parameter", None)]


def test_times_of_two_happenings_never_link() -> None:
    texts = ["The ferry left the port at 5 p.m.", "The ferry sank at 5 p.m.", "It capsized at 5 p.m."]
    facts = [stated_facts(t) for t in texts]
    vectors = np.ones((3, 3), dtype=np.float32) / np.sqrt(3)  # identical wording: cosine 1
    groups = fact_groups(facts, vectors, ["a", "b", "c"], min_cosine=0.7, same_cosine=0.2)
    assert [(g.key.measure, g.members) for g in groups] == [("time event", (1, 2))]


def test_destroyed_and_damaged_are_two_counts() -> None:
    for text, keys in (
            ("The earthquake led to the collapse of more than 12,000 homes and left 30,000 more damaged.",
             [HOMES, DAMAGED]),
            ("The quake damaged 1,000 houses and destroyed 300.", [DAMAGED, HOMES]),
            ("A strong earthquake toppled thousands of homes.", [HOMES]),
            ("The city has 40,000 homes.", [CountKey("home", None, False, "things")])):
        assert [f.key for f in stated_facts(text)] == keys, text


def test_thing_nouns() -> None:
    assert [thing_noun(w) for w in ("Houses", "homes", "dwellings", "tents", "churches", "ambulances", "status")] == [
        "home", "home", "home", "tent", "church", "ambulance", "status"]


def test_same_specific_value_links_at_a_low_cosine_any_value_only_at_the_high_one() -> None:
    texts = ["More than 12,000 houses had been toppled.", "About 12,000 homes collapsed in Ludian.",
             "About 80,000 homes were flattened.", "The quake struck at a depth of 12 km.",
             "It hit at a depth of 10 kilometers."]
    facts = [stated_facts(t) for t in texts]
    vectors = np.eye(5, dtype=np.float32)
    vectors[1] = (vectors[0] + vectors[1]) / np.sqrt(2)  # cosine 0.71 with the first
    groups = fact_groups(facts, vectors, ["a", "b", "c", "a", "b"], min_cosine=0.8, same_cosine=0.3)
    assert [(g.key.measure, g.members) for g in groups] == [("home destroyed", (0, 1))]
    # without the same value (12,000) the 0.71 is under the link; two depths near-identical in wording link
    vectors[4] = vectors[3]
    groups = fact_groups(facts, vectors, ["a", "b", "c", "a", "b"], min_cosine=0.8, same_cosine=0.75)
    assert [(g.key.measure, g.members) for g in groups] == [("depth", (3, 4))]


def test_two_capacities_link_at_the_low_cosine_whatever_their_values() -> None:
    # toba-ferry-2018 (tune): TRT World, Business Standard, Los Angeles Times; cosines 0.51-0.62 (MiniLM)
    texts = ["The wooden ferry had a capacity of 60 passengers but was overlo",
             "It had a 43-passenger capacity, according to the transport ministry.",
             "The quake struck at a depth of 12 km.", "It hit at a depth of 10 kilometers."]
    facts = [stated_facts(t) for t in texts]
    assert [[(f.key.measure, f.interval) for f in stated] for stated in facts[:2]] == [
        [("passenger", (60.0, 60.0)), ("capacity", (60.0, 60.0))], [("capacity", (43.0, 43.0))]]
    vectors = np.eye(4, dtype=np.float32)
    vectors[1] = vectors[0] * 0.6 + vectors[1] * 0.8  # cosine 0.6
    vectors[3] = vectors[2] * 0.6 + vectors[3] * 0.8
    groups = fact_groups(facts, vectors, ["a", "b", "a", "b"], min_cosine=0.7, same_cosine=0.2)
    assert [(g.key.measure, g.members) for g in groups] == [("capacity", (0, 1))]  # two depths apart do not


def test_an_approximate_value_that_holds_another_is_the_same_value() -> None:
    texts = ["Ludian has a population of about 400,000 people.", "a densely populated region of 429,000 people",
             "More than 12,000 homes collapsed.", "More than 80,000 homes collapsed."]
    facts = [stated_facts(t) for t in texts]
    vectors = np.eye(4, dtype=np.float32)
    vectors[1] = vectors[0] * 0.5 + vectors[1] * np.sqrt(0.75)  # cosine 0.5, under min_cosine
    vectors[3] = vectors[2] * 0.5 + vectors[3] * np.sqrt(0.75)
    groups = fact_groups(facts, vectors, ["a", "b", "a", "b"], min_cosine=0.7, same_cosine=0.2)
    assert [(g.key.measure, g.members) for g in groups] == [("population", (0, 1))]


def test_a_time_in_a_known_zone_moves_to_the_local_time() -> None:
    facts = [stated_facts("The disaster struck Sunday at 0830 UTC."), stated_facts("The quake struck at 4:30 p.m.")]
    (moved,), (local,) = local_times(facts, 480)
    assert moved.key == local.key and moved.key.measure == "time event" and moved.point == local.point == 990.0
    assert moved.interval == (989.0, 991.0) and moved.text == "0830 UTC"
    assert local_times(facts, None) == facts  # no offset known: the zone stays part of the key
    (late,) = local_times([stated_facts("The disaster struck at 2000 GMT.")], 480)[0]
    assert late.point == 240.0  # past midnight, local time
