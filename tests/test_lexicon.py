"""The shared word lists: one table each, consistent with what their users parse."""

from __future__ import annotations

import datetime as dt

from dedupe import lexicon
from dedupe.corpus.dates import parse_date
from dedupe.figures.discrepancies import family
from dedupe.figures.numbers import find_number_phrases
from dedupe.figures.tokens import tokenize
from dedupe.stories import parse_window


def test_months_cover_names_abbreviations_and_sept() -> None:
    assert lexicon.MONTHS["january"] == 1 and lexicon.MONTHS["dec"] == 12
    assert lexicon.MONTHS["sept"] == lexicon.MONTHS["sep"] == lexicon.MONTHS["september"] == 9
    assert set(lexicon.MONTHS.values()) == set(range(1, 13))


def test_weekdays_match_datetime_numbering() -> None:
    monday = dt.date(2016, 9, 26)
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        assert lexicon.WEEKDAYS[day.strftime("%A").lower()] == day.weekday()


def test_calendar_words_are_months_and_weekdays_only() -> None:
    assert lexicon.CALENDAR_WORDS == lexicon.MONTH_WORDS | lexicon.WEEKDAY_WORDS
    assert {"may", "march", "sunday", "sept"} <= lexicon.CALENDAR_WORDS
    assert "aleppo" not in lexicon.CALENDAR_WORDS


def test_number_words_are_distinct_and_ordered() -> None:
    assert sorted(lexicon.UNITS.values()) == list(range(20))
    assert sorted(lexicon.TENS.values()) == list(range(20, 100, 10))
    assert not set(lexicon.UNITS) & set(lexicon.TENS)
    assert lexicon.SCALES["mln"] == lexicon.SCALES["million"] == 10**6


def test_month_table_reads_corpus_dates() -> None:
    assert parse_date("Sept 28, 2016") == dt.date(2016, 9, 28)
    assert parse_date("26-FEB-1987 15:01") == dt.date(1987, 2, 26)


def test_number_words_drive_the_number_parser() -> None:
    text = "Forty-two civilians and ninety-nine others"
    values = [p.low for p in find_number_phrases(tokenize(text), text)]
    assert values == [42, 99]


def test_people_nouns_compare_as_one_class() -> None:
    assert {family(noun) for noun in lexicon.PEOPLE_NOUNS} == {"people"}
    assert family("men") == "people" and family("doctors") == "doctors"


def test_function_words_are_lower_case_and_exclude_content_words() -> None:
    assert all(word == word.lower() for word in lexicon.FUNCTION_WORDS)
    assert {"the", "said", "would"} <= lexicon.FUNCTION_WORDS
    assert not {"killed", "people", "aleppo"} & lexicon.FUNCTION_WORDS


def test_days_per_unit_drive_story_windows_and_periods() -> None:
    assert parse_window("2w") == 2 * lexicon.DAYS_PER_UNIT["week"] == 14.0
    assert parse_window("36h") == 1.5
    assert lexicon.DAYS_PER_UNIT["month"] < lexicon.DAYS_PER_UNIT["year"]


def test_actor_key_reads_a_seat_of_government_as_its_country() -> None:
    assert lexicon.actor_key("Washington") == lexicon.actor_key("U.S.") == lexicon.actor_key("United States")
    assert lexicon.actor_key("Moscow") == lexicon.actor_key("Russia") != lexicon.actor_key("U.S.")
    assert lexicon.actor_key("Sergei  Lavrov") == "sergei lavrov"
