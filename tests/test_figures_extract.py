"""Tests of dedupe.figures.extract: golden figures of the seed corpus, non-figures, structure and invariants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.corpus.load import load_corpus
from dedupe.errors import ConfigError
from dedupe.figures.extract import FigureConfig, extract_figures, keep_measures, parse_sentence
from dedupe.segment import segment_document

DATA = Path(__file__).resolve().parent.parent / "data"

# (doc prefix, line, start, text, low, high, qualifier, measure, what, place, period, attribution, parent text)
SEED_CASUALTY_FIGURES = [
    ("000", 11, 1772, "250,000", 250000, 250000, "exact", "trapped", "people", None, None, None, None),
    ("000", 11, 1823, "100,000", 100000, 100000, "exact", "trapped", "children", None, None, None, "250,000"),
    ("001", 22, 2617, "hundreds", 100, None, "vague", "killed", "people", None, "last month", None, None),
    ("001", 48, 6976, "nearly 1,400", None, 1400, "nearly", "killed", "people", None, None, None, None),
    ("001", 55, 8055, "thousands", 1000, None, "vague", "fled", "people", "Turkey", None, None, None),
    ("001", 56, 8096, "Thousands", 1000, None, "vague", "fled", "people", None, "every day",
     "the United Nations High Commissioner for Refugees", None),
    ("001", 84, 12867, "hundreds", 100, None, "vague", "killed", "people", None, None, "Mr Kerry", None),
    ("001", 84, 12906, "at least 426", 426, None, "at least", "killed", "children", None, None, "Mr Kerry", "hundreds"),
    ("003", 3, 215, "500", 500, 500, "exact", "killed", "civilians", None, "six days", "activists", None),
    ("003", 17, 1277, "29", 29, 29, "exact", "remaining", "doctors", None, None, None, None),
    ("003", 19, 1732, "approximately 500", 500, 500, "approximately", "killed", "people", None, None,
     "the civil defence rescue service", None),
    ("003", 19, 1766, "2,000", 2000, 2000, "exact", "in need of care", "people", None, None,
     "the civil defence rescue service", None),
    ("003", 21, 1980, "250,000", 250000, 250000, "exact", "trapped", "people", None, None, "The State Department",
     None),
    ("003", 29, 2835, "20", 20, 20, "exact", "killed", "people", "Aleppo", "on 19 September", None, None),
    ("003", 31, 3073, "63", 63, 63, "exact", "killed", "soldiers", None, "a few days earlier", None, None),
    ("004", 23, 1149, "Between 400 and 500", 400, 500, "range", "killed", "people", "Aleppo", "in the past eight days",
     None, None),
    ("004", 25, 1341, "nine", 9, 9, "exact", "killed", "people", None, "yesterday", "the Local Coordination Committees",
     None),
    ("004", 25, 1427, "21", 21, 21, "exact", "killed", "people", "Idlib Province", None, "the LCC", None),
    ("004", 29, 1701, "scores", 20, None, "vague", "injured", "people", "Idlib", None, None, None),
    ("004", 45, 2929, "hundreds", 100, None, "vague", "killed", "civilians", None, None, "US officials", None),
    ("004", 53, 3857, "14", 14, 14, "exact", "remaining", "doctors", "Aleppo", None, "Red Cross", None),
    ("004", 57, 4140, "as few as 14", None, 14, "as few as", "remaining", "doctors", None, None, "The Red Cross", None),
    ("004", 57, 4172, "six", 6, 6, "exact", "remaining", "hospitals", "east Aleppo", None, None, "21"),
]


@pytest.fixture(scope="module")
def seed_documents():  # type: ignore[no-untyped-def]
    return [segment_document(doc) for doc in load_corpus([str(DATA)]).documents]


@pytest.fixture(scope="module")
def seed_figures(seed_documents):  # type: ignore[no-untyped-def]
    return extract_figures(seed_documents)


def test_every_casualty_figure_of_the_seeds(seed_figures) -> None:  # type: ignore[no-untyped-def]
    got = [(f.doc[:3], f.line, f.start, f.text, f.low, f.high, f.qualifier, f.measure, f.what, f.place, f.period,
            f.attribution, seed_figures[f.subset_of].text if f.subset_of is not None else None)
           for f in seed_figures if f.measure != "other"]
    assert got == SEED_CASUALTY_FIGURES


def test_offsets_lines_and_sentences_point_into_the_text(seed_documents, seed_figures) -> None:  # type: ignore[no-untyped-def]
    texts = {d.doc.id: d for d in seed_documents}
    for figure in seed_figures:
        document = texts[figure.doc]
        assert document.doc.text[figure.start:figure.end] == figure.text
        assert document.line_of(figure.start) == figure.line
        assert figure.text in figure.sentence and figure.sentence in document.doc.text


def test_periods_resolve_against_the_publication_date(seed_figures) -> None:  # type: ignore[no-untyped-def]
    ranges = {(f.doc[:3], f.text): f.period_range for f in seed_figures}
    assert ranges[("003", "500")] == (dt.date(2016, 9, 22), dt.date(2016, 9, 28))
    assert ranges[("004", "Between 400 and 500")] == (dt.date(2016, 9, 21), dt.date(2016, 9, 29))
    assert ranges[("004", "nine")] == (dt.date(2016, 9, 28), dt.date(2016, 9, 28))
    assert ranges[("001", "hundreds")] in (None, (dt.date(2013, 8, 1), dt.date(2013, 8, 31)))


@pytest.mark.parametrize("doc, needle", [
    ("001", "Mustafa Bekir, 23"), ("002", "21st century"), ("001", "G20"), ("001", "group of 20 summit"),
    ("002", "Chapter 7"), ("002", "chapter 7"), ("002", "five-year civil war"), ("003", "six days of"),
    ("000", "in 2013"), ("003", "19 September"), ("003", "16:28"), ("003", "24 hours"), ("001", "11th hour"),
    ("001", "Geneva Two"), ("002", "1930s"), ("001", "100 years"), ("004", "09-16"), ("002", "September 28, 2016"),
    ("000", "five bloody years"), ("004", "Sept 29"), ("001", "not one dissenter"),
])
def test_seed_non_figures_are_not_extracted(seed_documents, seed_figures, doc, needle) -> None:  # type: ignore[no-untyped-def]
    document = next(d for d in seed_documents if d.doc.id.startswith(doc))
    at = document.doc.text.index(needle)
    spans = [(f.start, f.end) for f in seed_figures if f.doc == document.doc.id]
    assert not any(s < at + len(needle) and at < e for s, e in spans)


def test_a_sentence_without_a_digit_or_number_word_is_not_parsed(seed_documents) -> None:  # type: ignore[no-untyped-def]
    """The cheap test before the tokenizer (numbers._MAY_STATE_A_NUMBER) never skips a number phrase."""
    from dedupe.figures.numbers import _MAY_STATE_A_NUMBER
    from dedupe.figures.numbers import find_number_phrases
    from dedupe.figures.tokens import tokenize

    skipped = [s.text for d in seed_documents for s in d.sentences if not _MAY_STATE_A_NUMBER.search(s.text)]
    assert len(skipped) > 50
    assert all(find_number_phrases(tokenize(text), text) == [] for text in skipped)
    for text in ("Someone phoned the tenant.", "The talks would resume; anyone could attend."):
        assert not _MAY_STATE_A_NUMBER.search(text)
    for text in ("Twenty-seven people were killed.", "Hundreds of people fled.", "A dozen workers were hurt.",
                 "Several thousand protesters were arrested.", "Police arrested 7 men."):
        assert _MAY_STATE_A_NUMBER.search(text) and parse_sentence(text), text


@pytest.mark.parametrize("sentence, expected", [
    ("Afghan warplanes killed almost 150 people in bombing raids.", ("almost 150", None, 150, "nearly", "killed")),
    ("More than 60 people were injured in pitched battles.", ("More than 60", 60, None, "more than", "injured")),
    ("General Motors said it will permanently lay off 850 hourly workers.", ("850", 850, 850, "exact", "laid off")),
    ("The mill, which employs 525 people, has an annual capacity.", ("525", 525, 525, "exact", "employed")),
    ("Some 2,800 workers of the plant's 3,300 hourly employees will be temporarily laid off.",
     ("Some 2,800", 2800, 2800, "approximately", "laid off")),
    ("Two of the crew of the downed aircraft, operating out of El Salvador, were killed.",
     ("Two", 2, 2, "exact", "killed")),
    ("Over 80 people in eight cities were detained.", ("Over 80", 80, None, "more than", "arrested")),
    ("Thirty South African coal miners have been killed in an explosion.", ("Thirty", 30, 30, "exact", "killed")),
    ("The closure idled 3,500 factory workers.", ("3,500", 3500, 3500, "exact", "laid off")),
    ("About 1,000 people fled or so.", ("About 1,000", 1000, 1000, "approximately", "fled")),
    ("Up to 1,800 workers will be affected.", ("Up to 1,800", None, 1800, "up to", "other")),
    ("Between 1.2 and 1.5 million people were displaced.", ("Between 1.2 and 1.5 million", 1200000, 1500000, "range",
                                                             "fled")),
    ("It said 150 or more people were evacuated.", ("150 or more", 150, None, "at least", "evacuated")),
    ("Dozens of people were killed.", ("Dozens", 12, None, "vague", "killed")),
    ("Tens of thousands of people fled.", ("Tens of thousands", 10000, None, "vague", "fled")),
])
def test_structure_links_number_noun_and_measure(sentence, expected) -> None:  # type: ignore[no-untyped-def]
    first = parse_sentence(sentence)[0]
    assert (first.text, first.low, first.high, first.qualifier, first.measure) == expected


@pytest.mark.parametrize(("sentence", "sources"), [
    # "one death" is what was confirmed, not who confirmed it: the figure's own words are never its source
    ("Rescue teams said 18 people have been rescued and one death confirmed in the town on Monday.",
     {"18": "Rescue teams", "one": "Rescue teams"}),
    ("Four passengers were confirmed dead.", {"Four": None}),
    # a figure's words may still be another figure's source
    ("Two officials said 30 people died.", {"Two": None, "30": "Two officials"}),
])
def test_a_figures_own_words_are_never_its_attribution(sentence: str, sources: dict[str, str | None]) -> None:
    assert {f.text: f.attribution for f in parse_sentence(sentence)} == sources


def test_the_inner_figure_of_a_partitive_keeps_its_own_measure() -> None:
    found = parse_sentence("Another 500 workers of the 5,100 employed at GM's Lordstown, Ohio, plant will be laid off.")
    assert [(f.text, f.measure, f.subset_of) for f in found] == [("500", "laid off", 1), ("5,100", "employed", None)]


def test_a_phrase_inside_a_prepositional_phrase_does_not_take_the_outer_verb() -> None:
    found = {f.text: f.measure for f in parse_sentence("Over 80 people in eight cities were detained.")}
    assert found["eight"] == "other"


def test_money_percentages_and_units_are_not_figures() -> None:
    assert parse_sentence("It cost 1.5 billion yen, 45 per cent more, for 72,000 tons and 5% of $20 shares.") == ()


def test_keep_measures_reindexes_subsets(seed_figures) -> None:  # type: ignore[no-untyped-def]
    trapped = keep_measures(seed_figures, ["trapped"])
    assert [f.text for f in trapped] == ["250,000", "100,000", "250,000"]
    assert trapped[1].subset_of == 0
    with pytest.raises(ConfigError, match="unknown measure"):
        keep_measures(seed_figures, ["eaten"])


def test_config_is_validated_and_can_drop_other(seed_documents) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="max_sentence_chars"):
        FigureConfig(max_sentence_chars=0)
    found = extract_figures(seed_documents, FigureConfig(include_other=False))
    assert found and all(f.measure != "other" for f in found)
    assert all(f.subset_of is None or f.subset_of < len(found) for f in found)


_PIECES = st.sampled_from(["400", "-", "500", "1,400", "nearly", "at least", "between", "and", "of", "them", "people",
                           "killed", "were", "hundreds", "scores", "Twenty-seven", ",", ".", "’s", "Aleppo", "in",
                           "the", "past", "eight", "days", "said", "G20", "21st", "16:28", "$", "%", "one", "a",
                           "dozen", "mln", "—", "(", ")", "including", "children", "yesterday", "as few as", "0,0"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=40).map(" ".join)))
def test_the_parser_never_raises_and_keeps_its_invariants(text: str) -> None:
    found = parse_sentence(text, dt.date(2016, 9, 28))
    for figure in found:
        assert text[figure.start:figure.end] == figure.text
        if figure.low is not None and figure.high is not None:
            assert figure.low <= figure.high
        assert figure.low is not None or figure.high is not None
        assert figure.subset_of is None or 0 <= figure.subset_of < len(found)


@pytest.mark.parametrize("sentence, phrase, measure", [
    # a total through a verb of change, any inflection
    ("Death toll in Turkish bombings rises to 46", "46", "killed"),
    ("Deaths in Pakistan church bombing rise to 43", "43", "killed"),
    ("Death toll in Nepal earthquake tops 8,000", "8,000", "killed"),
    ("Fatalities climbed to 72, the disaster agency said.", "72", "killed"),
    ("Injuries rose to 300 overnight.", "300", "injured"),
    # a revision is a verb of change too
    ("The toll was later revised to 68 after some victims were counted twice.", "68", "killed"),
    ("The death toll was revised down to 68.", "68", "killed"),
    ("The toll dropped to 68 on Thursday.", "68", "killed"),
    # "a total (of) N jobs" states a workforce; a predicate still wins
    ("Plant will create 100 jobs to give a total of 360 jobs at the U.K.", "360", "employed"),
    ("Noranda said a total of 57 miners were trapped in a copper mine.", "57", "trapped"),
    # passive participles and verbs built from lemmas
    ("An estimated 15,000 jobs would be generated by motorway construction.", "An estimated 15,000", "hired"),
    ("Some 150 employees work at the plant, a spokesman said.", "Some 150", "employed"),
    ("Talks on dockers' demands to reinstate five workers went on.", "five", "hired"),
    ("The move will result in the addition of more than 150 employees there.", "more than 150", "hired"),
    # a vague plural standing alone
    ("Scores dead in fresh Egypt clashes", "Scores", "killed"),
    ("Hundreds dead or injured in China quake", "Hundreds", "casualties"),
    ("Sixty-one people were killed and dozens wounded in outbreaks of violence.", "dozens", "injured"),
    ("Fighting between government and rebel forces has killed hundreds.", "hundreds", "killed"),
    # the predicate outranks a modifier inside the phrase
    ("More than 30 striking miners killed", "More than 30", "killed"),
    # a relative clause after a prepositional phrase; a phrase inside one takes its relative clause
    ("Three men and two women who were at the property were arrested under Section 41.", "two", "arrested"),
    ("Three other police officers were among five people who were seriously injured.", "five", "injured"),
    # "along with N X," shares the subject's predicate; coordinated modifiers share the plural noun
    ("Output stopped since the production workers, along with about 600 office and technical workers, went on "
     "strike May 9.", "about 600", "on strike"),
    # a capitalised plural modifier does not hide the head noun
    ("A helicopter fired missiles at a car, killing two Hamas officials and at least five other people.",
     "at least five", "killed"),
    # members strike
    ("About 800 members of the United Food and Commercial Workers Union, UFCWU, struck the plant at midnight.",
     "About 800", "on strike"),
    # a copula after a casualty noun names the phrase, and its conjunct ("nine adults and four children")
    ("Among the dead were 14 soldiers and six policemen.", "14", "killed"),
    ("Among the dead were 14 soldiers and six policemen.", "six", "killed"),
    ("The injured included 40 pupils.", "40", "injured"),
    # a reduced relative inside a prepositional phrase ("on the N people reported killed")
    ("The new toll is double the 12 people confirmed dead on Monday.", "12", "killed"),
    ("Officials said up to 90 villagers are reported to have died.", "up to 90", "killed"),
    # ", with N X <predicate>" is a small clause: its predicate is the phrase's own
    ("The port stayed open, with 45 crane operators on strike.", "45", "on strike"),
    # a workforce cut to a level: both ends of the change are its size
    ("The bank will trim its branch staff to about 400 from 650.", "about 400", "employed"),
    ("The bank will trim its branch staff to about 400 from 650.", "650", "employed"),
    # a long modifier between a total noun and its verb
    ("The death toll from the floods that swept three provinces in the north of the country late on Friday "
     "has climbed to 85.", "85", "killed"),
    # a tally: "the most X with N; followed by Y with M" counts X throughout
    ("Leyte had the most deaths with 41, followed by Samar with 12.", "41", "killed"),
    ("Leyte had the most deaths with 41, followed by Samar with 12.", "12", "killed"),
])
def test_general_rules_for_measures(sentence: str, phrase: str, measure: str) -> None:
    found = {f.text: f.measure for f in parse_sentence(sentence)}
    assert found.get(phrase) == measure, found


@pytest.mark.parametrize("sentence, phrase", [
    ("Worldwide, the disease has now infected 6,727 people in 30 countries and caused 478 deaths.", "6,727"),
    ("In addition, 6,800 people were in quarantine and thousands of health-care workers in working quarantine.",
     "thousands"),
    ("It said the office will bring together about 100 employees in its group who currently work at three offices.",
     "about 100"),
])
def test_a_measure_in_another_clause_or_a_modifier_is_not_pinned_on_the_figure(sentence: str, phrase: str) -> None:
    found = {f.text: f.measure for f in parse_sentence(sentence)}
    assert found.get(phrase) == "other", found


@pytest.mark.parametrize("sentence, phrase, what", [
    ("Crews worked through heavy rain and landslides, with 212 recorded in the province.", "212", "landslides"),
    ("The flood hit Tacloban, a port city of 250,000, on Sunday.", "250,000", "people"),
])
def test_a_bare_number_counts_the_noun_before_with_or_a_settlements_people(sentence: str, phrase: str,
                                                                          what: str) -> None:
    found = {f.text: (f.measure, f.what) for f in parse_sentence(sentence)}
    assert found.get(phrase) == ("other", what), found


@pytest.mark.parametrize("sentence", ["A 7.1 magnitude quake struck.", "Aftershocks ranged from magnitude 2.1 to 5.3."])
def test_magnitudes_are_not_figures(sentence: str) -> None:
    assert parse_sentence(sentence) == ()


def test_may_state_a_number_answers_as_the_full_pattern(seed_documents) -> None:  # type: ignore[no-untyped-def]
    from dedupe.figures.numbers import _MAY_STATE_A_NUMBER, may_state_a_number

    texts = [s.text for d in seed_documents for s in d.sentences]
    texts += ["Someone phoned the tenant.", "TWENTY-SEVEN died", "Hundreds fled", "a dozen", "thirteenth",
              "Millions watched", "Ni\u0130ne", "Seven\u017f", "often money", "1 man", "nothing at all"]
    assert [may_state_a_number(t) for t in texts] == [bool(_MAY_STATE_A_NUMBER.search(t)) for t in texts]


def test_a_count_of_one_body_is_a_count_of_the_dead() -> None:
    # toba-ferry-2018 (tune), SCMP: the singular head noun of a count of one
    text = "Police said in a statement that 18 people were rescued and one body was recovered."
    assert [(f.text, f.measure, f.scope) for f in parse_sentence(text)] == [
        ("18", "rescued", None), ("one", "killed", "subset")]
    assert [(f.measure, f.scope_cue) for f in parse_sentence("Rescuers found one body.")] == [("killed", "found")]
