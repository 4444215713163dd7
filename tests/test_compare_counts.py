import datetime as dt

import numpy as np

from dedupe.compare.counts import CountKey, count_conflict, count_groups, count_keys, count_update, mutual_best, \
    referred_counts, stated_counts

KILLED = CountKey("killed", None, False)


def test_tolls_of_one_sentence_are_separate_keys_with_their_words() -> None:
    counts = stated_counts("Xinhua said at least 175 people were killed in the quake, with 181 missing.")
    assert [(c.key.measure, c.text) for c in counts] == [("killed", "at least 175 people"), ("missing", "181")]
    assert counts[0].interval == (175.0, float("inf"))


def test_history_is_not_the_story_count() -> None:
    text = "In 1970, a 7.7-magnitude earthquake killed at least 15,000 people in Yunnan."
    assert count_keys(text, dt.date(2014, 8, 4)) == frozenset()
    assert count_keys("The quake killed at least 398 people on Sunday.", dt.date(2014, 8, 4)) == {KILLED}


def test_a_local_place_is_its_own_count() -> None:
    (key,) = count_keys("As of 8:00 p.m., 122 residents had been killed in Ludian County.")
    assert key == CountKey("killed", "ludian", False)
    assert count_keys("Nobody counted anything here.") == frozenset()
    # the head of "Qiaojia County of Zhaotong" is the county before "of", not the city after it
    (key,) = count_keys("At least 120 people were killed in Qiaojia County of Zhaotong.")
    assert key == CountKey("killed", "qiaojia", False)
    # a place after the event ("in Sunday's quake in ... Ludian County") is where it struck: the event's toll
    (key,) = count_keys("More than 2,400 people were injured in Sunday's 6.1 magnitude quake in the farming region "
                        "of Ludian County.")
    assert key == CountKey("injured", None, False)
    # the figures stage reads "in Qiaojia county" as the place "Qiaojia": the word after it makes it local
    assert count_keys("It said another 49 people died and 102 were injured in Qiaojia county.") == {
        CountKey("killed", "qiaojia", False), CountKey("injured", "qiaojia", False)}
    assert count_keys("102 were injured in Yunnan province.") == {CountKey("injured", None, False)}
    (key,) = count_keys("At least 122 of the dead were in Ludian after the quake.")
    assert key == CountKey("killed", "ludian", False)


def test_groups_link_same_key_above_the_cosine_and_one_precise_figure_below_it() -> None:
    texts = ["The quake killed 175 people.", "The toll rose to 398 dead.", "Officials said 250,000 people were "
             "trapped.", "The mayor appealed to save 250,000 people trapped in the city.", "Nine people were injured."]
    counts = [stated_counts(t) for t in texts]
    vectors = np.eye(5, dtype=np.float32)
    vectors[1] = vectors[0]  # the two tolls are near-identical, the two siege sentences far apart
    groups = count_groups(counts, vectors, ["a", "b", "a", "b", "c"], min_cosine=0.4)
    assert [(g.key.measure, g.members) for g in groups] == [("killed", (0, 1)), ("trapped", (2, 3))]
    assert count_groups(counts, vectors, ["a", "a", "a", "a", "c"], min_cosine=0.4) == ()


def test_conflict_is_figures_with_no_value_in_common() -> None:
    a = stated_counts("At least 175 people were killed.")
    assert count_conflict(a, stated_counts("The quake killed 398 people."), KILLED) is None  # at least 175
    assert count_conflict(stated_counts("The quake killed 175 people."), stated_counts("It killed 398 people."),
                          KILLED) == (("175 people",), ("398 people",))
    assert count_conflict(a, stated_counts("Nine people were injured."), KILLED) is None


def test_a_toll_that_rises_between_dated_reports_is_an_update_not_a_conflict() -> None:
    dead = CountKey("killed", None, False)
    early, late = stated_counts("175 people were killed."), stated_counts("589 people were killed.")
    sunday, thursday = dt.date(2014, 8, 3), dt.date(2014, 8, 7)
    assert count_conflict(early, late, dead, (sunday, thursday)) is None
    # the same figures on one day, or with a date unknown, conflict
    assert count_conflict(early, late, dead, (sunday, sunday)) == (("175 people",), ("589 people",))
    assert count_conflict(early, late, dead, (None, thursday)) is not None
    # a toll that falls later with no revision stated is not explained by time
    assert count_conflict(late, early, dead, (sunday, thursday)) is not None


def test_missing_counts_move_both_ways_between_reports() -> None:
    missing = CountKey("missing", None, False)
    early, late = stated_counts("181 people are missing."), stated_counts("Nine people are still missing.")
    assert count_update(early, late, missing, (dt.date(2014, 8, 3), dt.date(2014, 8, 6)))
    assert not count_update(early, late, missing, (dt.date(2014, 8, 3), dt.date(2014, 8, 3)))


def test_a_rounded_toll_is_no_conflict() -> None:
    injured = CountKey("injured", None, False)
    assert count_conflict(stated_counts("1400 people were injured."), stated_counts("1,402 people were injured."),
                          injured) is None


def test_remain_before_a_toll_state_counts_that_toll_not_a_remaining_count() -> None:
    missing = CountKey("missing", None, False)
    assert count_keys("164 people remain missing after the ferry sank.") == {missing}
    assert count_keys("Some 150 people still remain unaccounted for.") == {missing}
    assert count_keys("At least 20 people remain trapped under the rubble.") == {CountKey("trapped", None, False)}
    # a state that is not the toll, and a count of those left, stay out of the count keys
    assert count_keys("More than 20 people remain hospitalised.") == frozenset()
    assert count_keys("Only 29 doctors remain in the eastern districts.") == frozenset()


def test_a_counted_noun_that_is_a_measure_counts_it() -> None:
    counts = stated_counts("The number of missing rose to 192 on Tuesday.")
    assert [(c.key.measure, c.interval) for c in counts] == [("missing", (192.0, 192.0))]


def test_rescued_and_aboard_are_distinct_count_keys_that_can_diverge() -> None:
    text = "The ferry sank with 476 people aboard; 172 were rescued and 21 survivors were found."
    assert sorted(k.measure for k in count_keys(text)) == ["aboard", "rescued"]
    assert count_keys("More than 100 rescuers searched the site.") == frozenset()
    aboard = CountKey("aboard", None, False)
    a, b = stated_counts("There were 476 people on board."), stated_counts("The ferry was carrying 459 passengers.")
    assert count_conflict(a, b, aboard) == (("476 people",), ("459 passengers",))
    assert count_update(a, b, aboard, (dt.date(2014, 4, 16), dt.date(2014, 4, 18))) is False


def test_travellers_a_vessel_carried_or_was_filled_with_are_those_aboard() -> None:
    # toba-ferry-2018 (tune): Metro TV News and the South China Morning Post on the ferry's passengers
    aboard = CountKey("aboard", None, False)
    a = stated_counts("The traditional boat reportedly carried some 80 passengers and 55 motorcycles.")
    b = stated_counts("Budiawan, the head of the search and rescue agency in the nearby city of Medan, said the "
                      "overcrowded boat was filled with an estimated 150 people and 55 motorbikes.")
    assert count_conflict(a, b, aboard) == (("some 80 passengers",), ("an estimated 150 people",))
    # things carried, and a filled post, are no travellers
    assert count_keys("The truck carried 40 tonnes of rice.") == frozenset()
    assert count_keys("The trucks were loaded with 300 tents.") == frozenset()


def test_the_word_a_place_phrase_names_its_place_with_is_no_local_place() -> None:
    # toba-ferry-2018 (tune), The Island Packet: "Indonesian" qualifies the island of Sumatra, no local place
    text = ("A night-time search and rescue effort is underway after a ferry carrying about 80 passengers sank "
            "Monday in a popular lake on the Indonesian island of Sumatra.")
    assert count_keys(text) == {CountKey("aboard", None, False)}
    assert count_keys("At least 89 people were killed in Qiaojia county of Zhaotong.") == {
        CountKey("killed", "qiaojia", False)}


def test_an_earlier_value_a_sentence_revises_is_not_its_count() -> None:
    # toba-ferry-2018 (tune): tanyakan.news and the Macau Daily Times revise a toll in one sentence
    revised = stated_counts("Four passengers were previously confirmed dead, but the search-and-rescue agency on "
                            "Thursday revised that figure down to three.")
    assert [(c.key, c.text) for c in revised] == [(KILLED, "three")]
    four = stated_counts("Only 18 people, including the captain, have been rescued and four confirmed dead.")
    assert count_conflict(four, revised, KILLED) == (("four",), ("three",))
    missing = stated_counts("Muhammad Syaugi said 184 people are missing, revised down from Wednesday\u2019s figure "
                            "of 192 after further checks showed some victims were counted twice.")
    assert [c.text for c in missing] == ["184 people"]
    assert [c.text for c in stated_counts("The death toll rose from 49 to 94.")] == ["94"]
    # a range's "from 70 to 130" is no revision, and an earlier value alone is still the sentence's count
    assert [c.text for c in stated_counts("Some 80 people were on board, and the number may range from 70 to 130.")] \
        == ["Some 80 people", "70", "130"]
    assert [c.text for c in stated_counts("The agency originally said 80 people were on board.")] == ["80 people"]


def test_a_number_before_the_singular_of_a_toll_noun_counts_that_toll() -> None:
    # toba-ferry-2018 (tune), The Island Packet and TRT World: the figures stage reads "one" as rescued
    counts = stated_counts("Local police chief Marudut Liberty Panjaitan said 18 people have been rescued and one "
                           "death confirmed.")
    assert [(c.key.measure, c.text) for c in counts] == [("rescued", "18 people"), ("killed", "one death")]


def test_people_presumed_drowned_are_missing_and_a_toll_after_as_is_that_toll() -> None:
    # toba-ferry-2018 (tune): the Macau Daily Times, the Los Angeles Times and the South China Morning Post
    missing = CountKey("missing", None, False)
    assert count_keys("Equipment will be deployed, offering a glimmer of hope that the bodies of more than 180 people "
                      "presumed drowned will be recovered.") == {missing}
    assert count_keys("They pleaded for a bigger search effort for more than 190 people presumed drowned.") == {missing}
    assert count_keys("It released the names of 94 people confirmed as missing but said the figure is expected to "
                      "change.") == {missing}
    assert count_keys("The names of 40 people were read as a tribute.") == frozenset()


def test_a_part_of_the_toll_that_names_no_place_is_no_toll_and_bodies_a_lower_bound() -> None:
    # an increment, a part of the dead: not the death toll; bodies recovered so far are at least that many dead,
    # never in conflict with a larger toll
    (bodies,) = stated_counts("Rescuers recovered three bodies on Monday.")
    assert (bodies.key, bodies.interval) == (KILLED, (3.0, float("inf")))
    assert [c.text for c in stated_counts("Another 179 people have been confirmed dead, bringing the toll to 589.")] \
        == ["589"]
    toll = stated_counts("The ferry sinking killed 18 people.")
    assert count_conflict(toll, stated_counts("Divers pulled three bodies from the lake."), KILLED) is None


def test_parts_of_the_dead_by_place_are_local_counts() -> None:
    sentence = "Among the reported deaths, 504 were in the worst-hit Ludian County and 72 in Qiaojia County."
    counts = stated_counts(sentence)
    assert [(c.key, c.text) for c in counts] == [(CountKey("killed", "ludian", False), "504"),
                                                 (CountKey("killed", "qiaojia", False), "72")]


MISSING = CountKey("missing", None, False)


def test_an_earlier_value_or_people_acted_on_is_not_the_toll() -> None:
    # ludian-quake-2014 (tune): a superseded toll alone, and a volunteer's "40 injured people"
    (old,) = stated_counts("No explanation was given for the sudden increase from a toll of 410 given on Tuesday, "
                           "though rescuers have steadily been pulling corpses from the wreckage.")
    assert (old.key, old.toll) == (KILLED, False)
    (pulled,) = stated_counts("he had helped pull at least 40 injured people from collapsed buildings.")
    assert (pulled.key.measure, pulled.toll) == ("injured", False)
    (stated,) = stated_counts("The Yunnan provincial government said more than 2,400 people were injured in "
                              "Sunday's 6.1 magnitude quake.")
    assert stated.toll


def test_a_sentence_referring_to_the_count_before_it_states_that_count() -> None:
    # toba-ferry-2018 (tune), BBC's third and fourth sentences: "The number" is the missing
    texts = ["More than 190 people are now thought to be missing after Monday's ferry disaster on Lake Toba, on the "
             "Indonesian island of Sumatra.",
             "The number, revised up from 130, is three times the number of passengers the ferry was licensed to "
             "carry."]
    counts = [stated_counts(t) for t in texts]
    assert counts[1] == ()  # 130 is the earlier value, of no measure read
    referred = referred_counts(texts, counts, [None, 0])
    assert [(c.key, c.text) for c in referred[1]] == [(MISSING, "More than 190 people")]
    assert referred[0] == counts[0]
    assert referred_counts(texts, counts, [None, None])[1] == ()  # no sentence before it in its document
    # a sentence that opens otherwise, or gives its own count, keeps what it counts
    own = ["More than 190 people are missing.", "The number of dead rose to four."]
    assert referred_counts(own, [stated_counts(t) for t in own], [None, 0])[1] == stated_counts(own[1])


def test_bodies_recovered_are_the_dead_counted_so_far() -> None:
    # toba-ferry-2018 (tune): BBC's and Business Standard's counts of the dead; a partitive stays a part
    assert count_keys("Three bodies have been recovered.") == {KILLED}
    # "and another 18 people rescued" after the dead: 18 others, rescued (no increment of the rescued)
    assert count_keys("So far, four bodies have been found and another 18 people rescued, according to the local "
                      "disaster agency.") == {KILLED, CountKey("rescued", None, False)}
    assert count_keys("Another 179 people have been confirmed dead, bringing the overall toll to close to 600.") \
        == {KILLED}
    assert count_keys("One of them was found dead.") == frozenset()


def test_mutual_best_count_claims_link_under_the_cosine_and_a_second_best_does_not() -> None:
    # ludian (tune): DW's toll and two claims of the CS Monitor that count the dead; a report's count packed with the
    # rest of its lead can sit under the 0.4 cut, and only each claim's closest in the other report links
    texts = ["August 3, 2014Chinese officials announced overnight that the death toll for Sunday's earthquake had "
             "risen to 381 people.",
             "The toll in Yunnan province is at least 175 dead and 1400 injured, though those numbers may rise.",
             "Xinhua said at least 175 people were killed in the quake, with 181 missing and 1,402 injured."]
    counts = [stated_counts(t) for t in texts]
    vectors = np.zeros((3, 3), dtype=np.float32)
    vectors[:, 0] = [1.0, 0.36, 0.33]
    vectors[1:, 1:] = [[0.9, 0.3], [0.2, 0.9]]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    docs = ["ludian-05_dw", "ludian-02_csmonitor", "ludian-02_csmonitor"]
    closest = float(vectors[0] @ vectors[1])
    assert 0.3 <= float(vectors[0] @ vectors[2]) < closest < 0.4
    assert count_groups(counts, vectors, docs, min_cosine=0.4) == ()
    groups = count_groups(counts, vectors, docs, min_cosine=0.4, mutual_cosine=0.3)
    assert [(g.key.measure, g.members) for g in groups] == [("killed", (0, 1))]  # 2 is not 0's closest
    # under the mutual cosine, even a mutual best match does not link
    assert count_groups(counts, vectors, docs, min_cosine=0.4, mutual_cosine=closest + 0.01) == ()


def test_mutual_best_needs_both_claims_to_prefer_each_other() -> None:
    pairs = [(0, 2, 0.35), (1, 2, 0.38), (0, 3, 0.32), (1, 3, 0.2)]
    docs = ["a", "a", "b", "b"]
    # 2 prefers 1 (0.38); 0 prefers 2 (0.35) but is not 2's best, so (0, 2) fails; 3 prefers 0 and 0 prefers 2
    assert mutual_best(pairs, docs, 0.3) == {(1, 2)}
    assert mutual_best(pairs, docs, 0.4) == set()


def test_a_count_in_a_sentence_naming_only_past_years_is_history() -> None:
    # Reuters 2958 (7 March 1987, zeebrugge tune): the figures stage gives "in January 30, 1945" no period, so the
    # sentence's years decide; the Gustloff's dead then stay out of the ferry's death toll group
    gustloff = ("The world's worst maritime disaster was in wartime that\ntook 7,700 lives when the German liner "
                "Wilhelm Gustloff was\ntorpedoed by a Soviet submarine in the Baltic in January 30, 1945.")
    assert [c.text for c in stated_counts(gustloff)] == ["7,700"]  # no report date: nothing to tell history by
    assert stated_counts(gustloff, dt.date(1987, 3, 7)) == ()
    # a year after "since" measures the present against it: the count is the story's
    assert [c.text for c in stated_counts("The quake killed 300 people, the worst since 1970.", dt.date(2014, 8, 4))] \
        == ["300 people"]
