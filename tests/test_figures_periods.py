"""Tests of dedupe.figures.periods: period expressions and the dates they resolve to."""

from __future__ import annotations

import datetime as dt

import pytest

from dedupe.figures.periods import find_periods, resolve_period

DAY = dt.date(2016, 9, 29)  # a Thursday


@pytest.mark.parametrize("sentence, text, resolved", [
    ("killed in the past eight days by", "in the past eight days", (dt.date(2016, 9, 21), DAY)),
    ("after six days of strikes", "six days", (dt.date(2016, 9, 23), DAY)),
    ("The toll fell yesterday", "yesterday", (dt.date(2016, 9, 28), dt.date(2016, 9, 28))),
    ("killed last week", "last week", (dt.date(2016, 9, 19), dt.date(2016, 9, 25))),
    ("bombed on 19 September", "on 19 September", (dt.date(2016, 9, 19), dt.date(2016, 9, 19))),
    ("killed between Sept. 23 and 29", "between Sept. 23 and 29", (dt.date(2016, 9, 23), DAY)),
    ("since Monday", "since Monday", (dt.date(2016, 9, 26), DAY)),
    ("in 2013 when", "in 2013", (dt.date(2013, 1, 1), dt.date(2013, 12, 31))),
    # a year that a "when" clause ties to an earlier event, and an event named by its year
    ("the worst since 2009, when a storm hit", "since 2009", (dt.date(2009, 1, 1), dt.date(2009, 12, 31))),
    ("the 2004 Indian Ocean tsunami killed", "the 2004", (dt.date(2004, 1, 1), dt.date(2004, 12, 31))),
    ("a few days earlier", "a few days earlier", None),
])
def test_periods(sentence, text, resolved) -> None:  # type: ignore[no-untyped-def]
    found = find_periods(sentence)
    assert [m.text for m in found] == [text]
    assert resolve_period(found[0], DAY) == resolved


def test_relative_periods_need_a_date() -> None:
    assert resolve_period(find_periods("yesterday")[0], None) is None


def test_since_a_year_alone_is_no_earlier_event_and_a_year_before_people_is_a_count() -> None:
    assert find_periods("prices have doubled since 2009") == []
    assert find_periods("the 1500 workers at the plant") == []


def test_a_period_pattern_is_only_skipped_when_it_cannot_match() -> None:
    # find_periods runs a pattern only when the folded sentence holds one word of each of its _NEEDS groups;
    # every match of every pattern, on every seed sentence and these, must have them
    from pathlib import Path

    from dedupe.corpus.load import load_corpus
    from dedupe.figures.periods import _NEEDS, _PERIODS
    from dedupe.figures.tokens import folded
    from dedupe.segment import segment_document

    seeds = Path(__file__).resolve().parent.parent / "data"
    sentences = [s.text for d in load_corpus([str(seeds)]).documents for s in segment_document(d).sentences]
    sentences += ["IN THE PAST EIGHT DAYS", "Six Days Of strikes", "SINCE LAST MONDAY", "since 2009, when",
                  "three weeks ago", "every week", "TONIGHT", "this morning", "last night", "the 2004 Quake",
                  "between Sept. 23 and Oct. 2", "on 19 SEPTEMBER", "since 4 March", "in the La\u017ft year"]
    matched = 0
    for sentence in sentences:
        lowered = folded(sentence)
        for kind, pattern in _PERIODS:
            for _ in pattern.finditer(sentence):
                matched += 1
                assert all(any(word in lowered for word in group) for group in _NEEDS[kind]), (kind, sentence)
    assert matched > 40


def test_every_month_word_holds_a_month_stem() -> None:
    """The period pre-filter needs a month stem in the sentence before a date pattern runs."""
    from dedupe.figures.periods import _MONTH_STEMS
    from dedupe.lexicon import MONTHS

    assert len(_MONTH_STEMS) == 12
    assert all(any(stem in word for stem in _MONTH_STEMS) for word in MONTHS)


def test_a_period_keeps_its_pattern_groups_and_resolves_from_them() -> None:
    # resolve_period reads the groups find_periods found; it does not match the text a second time
    from dataclasses import replace

    found = find_periods("killed in the past eight days by")[0]
    assert (found.kind, found.parts) == ("last_n", ("eight", "day"))
    assert resolve_period(replace(found, parts=("nine", "day")), DAY) == (dt.date(2016, 9, 20), DAY)
    assert find_periods("since 2009, when a storm hit")[0].parts == ("2009",)


@pytest.mark.parametrize("count", ["eight", "Twenty", "12", "a few", "several", "07"])
def test_a_period_count_is_read_by_the_number_parser(count: str) -> None:
    from dedupe.figures.numbers import parse_number

    value = parse_number(count)  # "07" is no plain number to the parser ("09"), so neither period resolves
    start = None if value is None else DAY - dt.timedelta(days=7 * int(value))
    assert resolve_period(find_periods(f"over the past {count} weeks")[0], DAY) == (start and (start, DAY))
    assert resolve_period(find_periods(f"{count} weeks ago")[0], DAY) == (start and (start, start))
