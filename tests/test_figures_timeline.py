"""Tests of dedupe.figures.timeline: report dates, and whether time explains two figures that differ."""

from __future__ import annotations

import datetime as dt

from dedupe.figures.extract import Figure
from dedupe.figures.timeline import explains, quoted_as_earlier, report_dates

MONDAY = dt.date(2018, 6, 18)


def _figure(doc: str, value: int, sentence: str = "x", published: dt.date | None = None, measure: str = "killed",
            text: str | None = None) -> Figure:
    return Figure(doc, doc, 0, 1, 1, text or str(value), sentence, value, value, "exact", measure, "people", None,
                  None, None, None, None, "incident", "sinking", published)


def test_undated_reports_are_dated_by_the_latest_weekday_they_name() -> None:
    figures = [_figure("a", 49, published=MONDAY), _figure("b", 193, "as of Thursday morning, after Monday's sinking")]
    assert report_dates(figures, ["a", "b", "c"]) == {"a": (MONDAY, False), "b": (dt.date(2018, 6, 21), True)}
    assert report_dates([_figure("b", 193, "on Thursday")], ["b"]) == {}
    years = [_figure("a", 49, published=MONDAY), _figure("c", 5, published=MONDAY.replace(year=2025))]
    assert "b" not in report_dates(years + figures[1:], ["a", "b", "c"])


def test_time_explains_a_later_higher_toll_and_a_stated_revision_only() -> None:
    dates = {"a": (MONDAY, False), "b": (MONDAY + dt.timedelta(days=2), False)}
    assert explains(_figure("a", 175), _figure("b", 398), dates, False)[0] is True
    assert explains(_figure("a", 4), _figure("b", 3), dates, False)[0] is False
    revised = _figure("b", 3, "the agency revised that figure down to three")
    assert explains(_figure("a", 4), revised, dates, False) == (True, "the later report revises it down")
    missing = (_figure("a", 192, measure="missing"), _figure("b", 184, measure="missing"))
    assert explains(*missing, dates, False)[0] is True
    assert explains(_figure("a", 175), _figure("c", 398), dates, False) == (None, "publication date unknown")


def test_a_report_that_quotes_the_earlier_figure_explains_itself() -> None:
    earlier = _figure("b", 410, "The death toll jumped from 410 to 589 yesterday.")
    assert quoted_as_earlier(earlier)
    assert not quoted_as_earlier(_figure("b", 589, "The death toll jumped from 410 to 589 yesterday."))
    dates = {"a": (MONDAY, False), "b": (MONDAY + dt.timedelta(days=1), False)}
    assert explains(_figure("a", 589), earlier, dates, False)[0] is True


def test_same_day_reports_need_a_rising_toll_around_them() -> None:
    dates = {"a": (MONDAY, False), "b": (MONDAY, False), "c": (MONDAY + dt.timedelta(days=1), False)}
    a, b = _figure("a", 1400), _figure("b", 1800)
    assert explains(a, b, dates, False)[0] is False
    assert explains(a, b, dates, False, [a, b, _figure("c", 1891)])[0] is True
    assert explains(_figure("a", 1400), _figure("b", 1402), dates, False) == (True, "one figure rounds the other")
