"""Divergence checks on sentences of their own: numbers (figures.numbers intervals, number words, qualifiers),
time, place, names that contain each other, and what counts as an attribution conflict."""

from __future__ import annotations

from dedupe.compare.divergence import (
    attribution_conflict,
    entity_conflict,
    is_place,
    number_conflict,
    route_conflict,
    shared_quote,
    time_conflict,
)
from dedupe.compare.entities import build_entity_table
from dedupe.compare.groups import CompareConfig, compare_corpus
from dedupe.corpus.documents import Document, Origin
from dedupe.segment import segment_document
from dedupe.stories import StoryConfig

# toba-ferry-2018 (tune): the South China Morning Post's lead and WCNC's account of one sinking
_FROM_THE_ISLAND = ("The Sinar Bangun ferry sank in rough weather at around 5.30pm on Monday, about a mile from the "
                    "port of Tigaras, while carrying passengers from the lake\u2019s Samosir Island")
_FROM_THE_MAINLAND = ("Disaster agency spokesman Sutopo Purwo Nugroho said the boat sank at about 5:30 p.m. Monday as "
                      "it sailed from the mainland to an island.")


def test_number_words_equal_their_digits() -> None:
    assert number_conflict("Nine doctors left the city.", "9 doctors left the city.") is None
    assert number_conflict("1.2 million tents were sent.", "1,200,000 tents were sent.") is None


def test_bounds_that_admit_each_other_are_no_conflict() -> None:
    assert number_conflict("At least 400 troops were sent.", "500 troops were sent.") is None
    assert number_conflict("At least 128 boats were searched.", "Nearly 180 boats were searched.") is None
    assert number_conflict("About 500 troops were sent.", "480 troops were sent.") is None


def test_disjoint_intervals_conflict_with_qualifiers_as_written() -> None:
    assert number_conflict("Fewer than 100 doctors were left.", "At least 400 doctors were left.") == \
        (("Fewer than 100 doctors",), ("At least 400 doctors",))
    assert number_conflict("About 500 troops were sent.", "400 troops were sent.") == \
        (("About 500 troops",), ("400 troops",))


def test_function_words_between_number_and_noun_are_skipped() -> None:
    assert number_conflict("2,000 had been delivered.", "5,000 had been delivered.") == \
        (("2,000 had been delivered",), ("5,000 had been delivered",))


def test_the_whole_a_part_is_taken_of_is_not_a_count() -> None:
    # "six of 21 hospitals" counts six hospitals of a whole of 21: 21 is not the number of hospitals hit
    assert number_conflict("Only six of 21 hospitals are still working.", "Eight hospitals are still working.") is None
    assert number_conflict("Six of 21 hospitals were hit.", "Six of 30 hospitals were hit.") is None
    # words may stand between "of" and the whole
    assert number_conflict("Only six of east Aleppo\u2019s 21 hospitals now function.",
                           "The city now has three hospitals.") is None
    assert number_conflict("The 29 doctors of the 21 hospitals left.", "The 29 doctors of the 8 hospitals left.") == \
        (("21 hospitals",), ("8 hospitals",))
    assert number_conflict("21 hospitals were hit.", "Eight hospitals were hit.") == \
        (("21 hospitals",), ("Eight hospitals",))


def test_counts_of_people_are_left_to_the_count_groups() -> None:
    # their measure, place and report date decide (dedupe.compare.counts): a rising toll is an update
    assert number_conflict("About 500 people were killed.", "400 people were killed.") is None
    assert number_conflict("29,400 had been evacuated.", "230,000 had been evacuated.") is None
    assert number_conflict("A population of about 400,000 people.", "Affecting 1.08 million people.") is None


def test_dates_times_and_ordinals_are_not_quantities() -> None:
    assert number_conflict("It struck at 9:59 p.m. on 28 September.",
                           "It struck at 10:02 p.m. on 29 September.") is None
    assert number_conflict("The 21st brigade moved.", "The 22nd brigade moved.") is None


def test_clock_times_conflict_in_one_zone_only() -> None:
    assert time_conflict("The ferry sank at 9:50 pm.", "The ferry sank at 9:59 p.m.") == (("9:50 pm",), ("9:59 p.m.",))
    assert time_conflict("The quake struck at 4:30 p.m.", "The quake hit at about 4.30pm (09.30 BST).") is None
    # 0830 UTC is 4:30 p.m. in Yunnan: different zones are not compared
    assert time_conflict("The quake struck at 0830 UTC.", "The quake struck at 4:30 p.m.") is None
    assert time_conflict("It occurred at 4:30 yesterday afternoon local time.", "It struck at 4:30 p.m.") is None
    # "about" allows a quarter of an hour; a report time ("as of") is not when the event happened
    assert time_conflict("The ferry sank at around 5.30pm.", "The ferry sank at 5:40 pm.") is None
    assert time_conflict("The quake struck at 10 p.m.", "The quake struck at 9:59 p.m.") is None  # the hour alone
    assert time_conflict("The quake struck at 10 p.m.", "The quake struck at 9:30 p.m.") is not None
    assert time_conflict("As of 8:00 p.m., 122 were dead.", "The quake struck at 4:30 p.m.") is None
    assert time_conflict("Shares rose to 12.30 dlrs.", "Shares rose to 12.50 dlrs.") is None
    # times of two happenings: no conflict
    assert time_conflict("The ferry left Simanindo at 5 p.m.", "The ferry sank at 5:30 p.m.") is None
    assert time_conflict("The ferry left at 5 p.m.", "The ferry departed at 5:30 p.m.") is not None


def test_weekdays_conflict_in_the_same_frame_only() -> None:
    assert time_conflict("The quake struck on Sunday near the town.", "The quake struck on Monday near the town.") \
        == (("Sunday",), ("Monday",))
    assert time_conflict("The quake struck on Sunday.", "Rescuers dug on Monday for survivors.") is None


def test_place_and_names_that_contain_each_other() -> None:
    table = build_entity_table(["The ferry sailed from Samosir.", "The ferry sailed from Tigaras.",
                                "Homes fell in Ludian County.", "Ludian is poor.", "The Xinhua News Agency said so.",
                                "Xinhua said so."])
    conflict = entity_conflict("The ferry sailed from Samosir with 80 people.",
                               "The ferry sailed from Tigaras with 80 people.", table)
    assert conflict == (("Samosir",), ("Tigaras",))
    assert is_place("The ferry sailed from Samosir with 80 people.", "Samosir")
    assert not is_place("Kerry met Lavrov on Monday.", "Lavrov")
    assert not is_place("The quake struck at 0830 UTC.", "UTC")  # the word before the name is "0830", not "at"
    assert entity_conflict("Homes collapsed in Ludian on Sunday, Xinhua said.",
                           "Homes collapsed in Ludian County on Sunday, Xinhua News Agency said.", table) is None


def test_attribution_conflict_is_a_flag_of_doubt_not_a_named_source() -> None:
    assert attribution_conflict("Jets reportedly bombed the convoy.", "Jets bombed the convoy.") == \
        (("reportedly",), ())
    assert attribution_conflict("It is thought that more people died.", "More people died.") == (("It is thought",), ())
    # naming a source is not a conflict: the gold's rule, and "Washington" vs "US" is one actor too
    assert attribution_conflict("Strikes which activists say have killed 500 civilians.",
                                "Strikes have killed 500 civilians.") is None
    assert attribution_conflict("According to Xinhua, 12,000 homes collapsed.", "12,000 homes collapsed.") is None


def test_a_round_figure_and_one_within_two_percent_of_it_agree() -> None:
    assert number_conflict("The army sent 1400 tents.", "The army sent 1,402 tents.") is None
    assert number_conflict("The army sent 1450 tents.", "The army sent 1,462 tents.") is not None  # none is round


def test_shared_quote_needs_the_same_words_with_content() -> None:
    # the seeds: Reuters' lead and The Independent's report of one statement, each quoting its words
    reuters = ("Secretary of State John Kerry conveyed the message in a call to Russian Foreign Minister Sergei Lavrov "
               "in which he voiced \"grave concern\" over the Russian-backed Syrian government's air and land assault.")
    independent = ("Mr Kerry\u2019s spokesperson John Kirby said in a statement that Kerry \u201cexpressed grave "
                   "concern\u201d over Russian backed Syrian government bombings on hospitals.")
    assert shared_quote(reuters, independent) == shared_quote(independent, reuters) == "grave concern"
    assert shared_quote("He voiced 'grave concern'.", "\"Kerry expressed grave concern over Aleppo,\" Kirby said.") == \
        "grave concern"  # inside a longer quotation
    # the same words unquoted in the other text are no evidence: a common phrase used in its own voice
    assert shared_quote("He voiced \u201cgrave concern\u201d.",
                        "Kerry expressed grave concern, a spokesman said.") is None
    assert shared_quote("OPEC output in February was \"well below\"", "Stocks fell well below last year's.") is None
    assert shared_quote("He voiced \"grave concern\".", "He voiced serious concern.") is None
    assert shared_quote("He called it \"the end\".", "It was the end.") is None   # one content word
    assert shared_quote("Russia's and Syria's jets bombed it.", "Russia's jets bombed it.") is None  # apostrophes


def test_a_journey_whose_ends_are_swapped_is_a_place_conflict() -> None:
    assert route_conflict(_FROM_THE_ISLAND, _FROM_THE_MAINLAND) == (
        ("from the lake\u2019s Samosir Island",), ("from the mainland", "to an island"))
    assert route_conflict("Flights from London to Paris were cancelled.",
                          "Flights from Paris to London were cancelled.") == (
        ("from London",), ("from Paris", "to London"))
    # the same ends in another order, a distance ("a mile from the port"), numbers and words that name no place
    assert route_conflict("Flights from London to Paris stopped.", "Flights to Paris from London stopped.") is None
    assert route_conflict("It sank a mile from the port.", "It sailed to the port.") is None
    assert route_conflict("The toll rose from 49 to 94.", "The toll rose from 94 to 128.") is None
    assert route_conflict("The alert went from yellow to orange.", "The alert went from orange to red.") is None


def test_a_parameter_group_reports_a_journey_whose_ends_are_swapped(hashing_encoder) -> None:  # type: ignore[no-untyped-def]
    # the two state one event time (5:30 p.m.): one fact group, whose members' journeys are compared too
    docs = [segment_document(Document(i, outlet, "", "", None, text, Origin(i)))
            for i, outlet, text in (("a", "SCMP", _FROM_THE_ISLAND + "."), ("b", "WCNC", _FROM_THE_MAINLAND))]
    result = compare_corpus(docs, hashing_encoder, CompareConfig(story=StoryConfig(one_story=True)))
    (group,) = [g for g in result.groups if len(g.members) == 2]
    assert group.status == "divergence"
    assert [(r.type, [w.words for w in r.conflicting]) for r in group.reasons] == [
        ("place", [("from the lake\u2019s Samosir Island",), ("from the mainland", "to an island")])]
