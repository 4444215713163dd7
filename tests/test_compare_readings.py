from dedupe.compare.readings import acted_on, another_measure, bodies_recovered, counted_measure, is_superseded, \
    revised_from
from dedupe.figures.extract import SentenceFigure, parse_sentence


def _first(text: str) -> SentenceFigure:
    return parse_sentence(text)[0]


def test_revised_from_is_the_origin_of_a_change_only() -> None:
    # ludian-quake-2014 and toba-ferry-2018 (tune)
    text = "No explanation was given for the sudden increase from a toll of 410 given on Tuesday."
    assert revised_from(_first(text), text) and is_superseded(_first(text), text)
    text = "Authorities had previously said at least 80 people were thought to be on board the ferry."
    assert not revised_from(_first(text), text) and is_superseded(_first(text), text)
    text = "The number may range from 70 to 130."
    assert not any(revised_from(f, text) for f in parse_sentence(text))


def test_people_acted_on_and_bodies_recovered() -> None:
    text = "He had helped pull at least 40 injured people from collapsed buildings."
    assert counted_measure(_first(text), text) == "injured" and acted_on(_first(text), text)
    text = "More than 2,400 people were injured in Sunday's quake."
    assert not acted_on(_first(text), text)
    assert bodies_recovered(_first("Three bodies have been recovered."))
    assert not bodies_recovered(_first("Another 179 people have been confirmed dead."))


def test_and_another_after_another_measure_counts_other_people() -> None:
    # toba-ferry-2018 (tune), Business Standard; ludian-quake-2014 (tune), CGTN's increment
    text = "So far, four bodies have been found and another 18 people rescued, according to the local disaster agency."
    dead, rescued = parse_sentence(text)
    assert another_measure(rescued, text, [counted_measure(dead, text)])
    assert not another_measure(rescued, text, [counted_measure(rescued, text)])  # the same measure: an increment
    text = "Another 179 people have been confirmed dead almost three days after a powerful earthquake."
    assert not another_measure(_first(text), text, [])
