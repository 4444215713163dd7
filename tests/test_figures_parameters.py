"""Tests of dedupe.figures.parameters: magnitudes, depths, distances, populations and event clock times."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dedupe.figures.parameters import clock_times, comparable_times, conversions, event_parameters, local_offset, \
    same_time


def _kinds(text: str) -> list[tuple[str, float, str]]:
    return [(p.kind, p.value, p.text) for p in event_parameters(text)]


def test_a_stated_magnitude_in_its_usual_wordings() -> None:
    for text, written in (("The magnitude-6.1 quake struck on Sunday.", "magnitude-6.1"),
                          ("The 6.1-magnitude quake hit Ludian county.", "6.1-magnitude"),
                          ("It was measured by the USGS at 6.1-magnitude.", "6.1-magnitude"),
                          ("China's agency put the magnitude at 6.1.", "6.1"),
                          ("The quake had a magnitude of 6.1, officials said.", "6.1"),
                          ("The tremor measured 6.1 on the Richter scale.", "6.1")):
        assert _kinds(text) == [("magnitude", 6.1, written)], text


def test_a_magnitude_that_only_names_the_event_is_background() -> None:
    for text in ("More than 2,400 people were injured in Sunday's 6.1 magnitude quake.",
                 "Rescue efforts in Yunnan, where the 6.1-magnitude quake struck Sunday, were hampered.",
                 "At least 175 people died after a 6.5-magnitude earthquake jolted Yunnan.",
                 "Yunnan, the province which was hit by the 6.5 magnitude tremor on Sunday."):
        assert _kinds(text) == [], text


def test_depths_and_distances_in_kilometres_both_values_of_a_conversion() -> None:
    params = event_parameters("The quake struck at a depth of 10 kilometers (6 miles), 277 miles northeast of "
                              "Kunming.")
    assert [(p.kind, p.text) for p in params] == [("depth", "10 kilometers"), ("depth", "6 miles"),
                                                  ("distance northeast", "277 miles")]
    ten_km, six_miles, distance = params
    assert ten_km.interval == (9.5, 10.5)
    # "6 miles" at the precision written (5.5-6.5 miles) holds 10 km; 12 km does not
    assert six_miles.interval[0] < 10 < six_miles.interval[1]
    (twelve,) = event_parameters("The quake hit with a depth of 12 km.")
    assert twelve.interval[0] > six_miles.interval[1]
    assert round(distance.value, 1) == 445.8
    (deep,) = _kinds("It lies six miles below ground.")
    assert (deep[0], round(deep[1], 3), deep[2]) == ("depth", 9.656, "six miles")
    assert _kinds("The lake is 450 metres deep there.") == [("depth", 0.45, "450 metres")]
    assert _kinds("The lake is 10 kilometers long.") == []  # a length of no event


def test_a_population() -> None:
    assert _kinds("Ludian, which has a population of about 429,000, was hit.") == [
        ("population", 429000.0, "about 429,000")]
    assert _kinds("a densely populated region of 429,000 people") == [("population", 429000.0, "429,000 people")]
    assert _kinds("A crowd of 429,000 people marched.") == []


def test_event_times_and_not_report_times() -> None:
    params = event_parameters("The quake struck at 4:30 p.m. Sunday; as of 8:00 p.m., 122 were dead.")
    assert [(p.kind, p.value, p.text) for p in params] == [("time event", 990.0, "4:30 p.m.")]
    assert _kinds("The disaster struck Sunday at 0830 UTC.") == [("time event utc", 510.0, "0830 UTC")]
    # "afternoon" after a time with no a.m./p.m. puts it in the second half of the day
    (late,) = clock_times("It occurred at 4:30 yesterday afternoon local time.")
    assert late.minutes == 990 and late.half_known
    (early,) = clock_times("It occurred at 4:30 local time.")
    assert early.minutes == 270 and not early.half_known
    assert same_time(late, clock_times("It struck at about 4.30pm.")[0])
    assert not same_time(late, clock_times("It struck at 5:30 p.m.")[0])


def test_a_time_carries_what_happened_then() -> None:
    assert _kinds("The ferry left the port at 5 p.m.") == [("time departure", 1020.0, "5 p.m.")]
    assert _kinds("The ferry sank at 5:30 p.m.") == [("time event", 1050.0, "5:30 p.m.")]
    assert _kinds("At 5:30 p.m., the overloaded ferry capsized.") == [("time event", 1050.0, "5:30 p.m.")]
    assert _kinds("The earthquake, the strongest in 14 years, occurred at 4:30 p.m. Sunday.")[0][0] == "time event"
    assert _kinds("The ship docked at 9 a.m.") == [("time arrival", 540.0, "9 a.m.")]
    assert _kinds("Rescuers pulled a girl from the rubble at 2 a.m.") == [("time rescue", 120.0, "2 a.m.")]
    assert _kinds("The governor announced the toll at 10 a.m.") == [("time announcement", 600.0, "10 a.m.")]
    # after the time, a speech verb attributes what follows
    assert _kinds("At 5 p.m. police said the ferry sank.") == [("time event", 1020.0, "5 p.m.")]
    assert _kinds("A strong aftershock shook the county at 6:10 p.m.")[0][0] == "time aftershock"
    # a time stamp names no happening; the clause ends at a semicolon
    assert _kinds("Published on: August 6, 2014 12:46 pm") == [("time", 766.0, "12:46 pm")]
    assert _kinds("The ferry left; at 5 p.m. it was dark.") == [("time", 1020.0, "5 p.m.")]
    # times of two happenings are not compared, so they never conflict
    left, sank = clock_times("The ferry left at 5 p.m."), clock_times("The ferry sank at 5:30 p.m.")
    assert not comparable_times(left[0], sank[0])
    assert comparable_times(sank[0], clock_times("It capsized at about 5 p.m.")[0])


# Pieces that state parameters, mixed with arbitrary text: random text alone almost never states one.
_PIECES = ("A magnitude 6.1 quake struck", "at a depth of 12 km", "at about 4:30 p.m.", "(09.30 BST)", "at 0830 UTC",
           "which has a population of 580,000", "licensed to carry 43 people", "23 km southwest of Ludian",
           "A 5.2-magnitude aftershock", "on Sunday", "rescuers said", ",", ".", "(", "\n", "up to 200 passengers")


@given(st.text(max_size=200) | st.lists(st.sampled_from(_PIECES) | st.text(max_size=12), max_size=14).map(" ".join))
def test_never_raises_and_offsets_hold(text: str) -> None:
    for parameter in event_parameters(text):
        assert text[parameter.start:parameter.end] == parameter.text
        assert parameter.interval[0] <= parameter.interval[1]


def test_the_pieces_state_parameters() -> None:  # what the property above exercises
    assert len(event_parameters(" ".join(_PIECES))) >= 5


def test_a_capacity_and_an_aftershock_magnitude() -> None:
    assert _kinds("The boat carried more than 150 passengers, far above its capacity of 43.") == [
        ("capacity", 43.0, "43")]
    assert _kinds("The ferry was only licensed to carry 43 people.") == [("capacity", 43.0, "43")]
    assert _kinds("It could carry up to 200 passengers.") == [("capacity", 200.0, "up to 200")]
    assert _kinds("Trucks were sent to carry 300 tents.") == []
    # toba-ferry-2018 (tune), Business Standard: the capacity as a compound adjective
    assert _kinds("It had a 43-passenger capacity, according to the transport ministry.") == [
        ("capacity", 43.0, "43-passenger")]
    assert _kinds("A 43-passenger ferry sank.") == []
    assert _kinds("A 5.2-magnitude aftershock hit the town.") == [("magnitude aftershock", 5.2, "5.2-magnitude")]


def test_a_magnitude_after_measuring_or_measured() -> None:
    assert _kinds("An earthquake measuring 6.9 struck Cebu.") == [("magnitude", 6.9, "6.9")]
    assert _kinds("The quake measured 6.1, the USGS said.") == [("magnitude", 6.1, "6.1")]
    assert _kinds("An aftershock measuring 5.2 followed.") == [("magnitude aftershock", 5.2, "5.2")]
    assert _kinds("Ten people were hurt in an earthquake measuring 6.9.") == []  # background
    assert _kinds("The tower measured 6.1 metres.") == []


def test_a_bracketed_conversion_gives_the_local_offset_and_is_read_once() -> None:
    text = "The 6.1-magnitude quake hit Ludian county at about 4.30pm (09.30 BST) on Sunday."
    assert [(a.minutes, b.minutes, b.zone) for a, b in conversions(text)] == [(990, 570, "bst")]
    assert [(k, v) for k, v, _ in _kinds(text)] == [("magnitude", 6.1), ("time event", 990.0)]
    assert local_offset([text, "The disaster struck Sunday at 0830 UTC."]) == 480
    assert local_offset(["Flights left at 9 a.m. (1400 GMT)."]) == -300
    # every zone of the one table (dedupe.lexicon.UTC_OFFSETS) converts; one with no single offset does not
    assert local_offset(["The quake hit at 4.30pm (16.30 JST) on Sunday."]) == 540
    assert local_offset(["The quake hit at 4.30pm (5.30 IST) on Sunday."]) is None
    # no conversion, or two that disagree: no offset
    assert local_offset(["The disaster struck Sunday at 0830 UTC."]) is None
    assert local_offset([text, "It hit at 4:30 p.m. (10.30 BST)."]) is None
    # a decimal before a zone reads as a time only then ("12.30 dlrs" stays a price)
    assert [c.written for c in clock_times("Shares rose to 12.30 dlrs by 09.30 GMT.")] == []  # "by": a report time
    assert [c.written for c in clock_times("Shares rose to 12.30 dlrs, 09.30 GMT.")] == ["09.30 GMT"]
