"""Publication dates as scrapers write them: ISO forms, wire forms ("26-FEB-1987 15:01"), web forms
("Wednesday 28 September 2016", "Sept 28, 2016"), and anything else dateutil reads whole; ``None`` for
text that is not one date ("last Thursday", "September").

Example:
    >>> parse_date("Sept 28, 2016")
    datetime.date(2016, 9, 28)
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from dedupe.lexicon import MONTHS

__all__ = ["parse_date"]


def parse_date(value: str | None) -> dt.date | None:
    """Parse a publication date; ``None`` when it is missing or not a recognisable date.

    Examples:
        >>> parse_date("2016-09-28 16:28:00")
        datetime.date(2016, 9, 28)
        >>> parse_date("26-FEB-1987 15:01:01.79")
        datetime.date(1987, 2, 26)
        >>> parse_date("last Thursday") is None
        True
        >>> parse_date("20160928"), parse_date("1407110400")  # YYYYMMDD; a Unix time, not 1407-11-04
        (datetime.date(2016, 9, 28), None)
        >>> parse_date("04.08.2014 10:30")  # day first
        datetime.date(2014, 8, 4)
    """
    text = value.strip() if value is not None else ""
    if not text:
        return None
    if text[:4].isdigit():  # every form date.fromisoformat reads starts with a four-digit year
        if text[4:5] != "-" and _NUMBER.fullmatch(text):
            # A bare number is a date only as YYYYMMDD, maybe with HHMM or HHMMSS, maybe written as a float
            # (20140804.0: a CSV column of dates with a blank cell, as pandas writes it); another (a Unix time,
            # 1407110400, read "1407-11-04" from its first 8 digits) is not understood, and the loader says so.
            whole, _, fraction = text.partition(".")
            return _iso_date(whole[:8]) if len(whole) in (8, 12, 14) and not fraction.strip("0") else None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    return _fast_date(text) or _dotted_date(text) or _dateutil_date(text)


_NUMBER = re.compile(r"\d+(?:\.\d*)?")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)")


def _dotted_date(text: str) -> dt.date | None:
    """ "04.08.2014": day first, as wherever dates are written with dots (dateutil read it as 8 April); so is
    "04.08.14", whose century dateutil chooses as it did (day first unless that is no date, as for four digits)."""
    dotted = _DOTTED.match(text)
    if dotted is None:
        return None
    day, month, year = dotted.groups()
    if len(year) == 2:
        return _dateutil_date(text, dayfirst=True)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


_DAY_MONTH_YEAR = re.compile(r"^(?:[A-Za-z]+,?\s+)?(\d{1,2})[-/ ]([A-Za-z]{3,9})\.?[-/ ,]+(\d{4})(?![\d])")
_MONTH_DAY_YEAR = re.compile(r"^(?:[A-Za-z]+,?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?![\d])")


def _fast_date(text: str) -> dt.date | None:
    """The common wire and web forms ("26-FEB-1987 15:01", "Wednesday 28 September 2016", "Sept 28, 2016")
    without dateutil, which costs ~100 us a call and dominated loading large corpora."""
    match = _DAY_MONTH_YEAR.match(text)
    if match:
        day, month, year = match.groups()
    else:
        match = _MONTH_DAY_YEAR.match(text)
        if not match:
            return None
        month, day, year = match.groups()
    return _calendar_date(year, month, day)


@lru_cache(maxsize=4096)
def _calendar_date(year: str, month: str, day: str) -> dt.date | None:
    """The date of a year, month name and day as written (cached: a corpus has few distinct days)."""
    number = MONTHS.get(month.lower()) or MONTHS.get(month.lower()[:3])
    if number is None:
        return None
    try:
        return dt.date(int(year), number, int(day))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _dateutil_date(text: str, dayfirst: bool = False) -> dt.date | None:
    from dateutil import parser

    try:
        # Parsed twice with different defaults: a text lacking its year, month or day ("Thursday",
        # "September") fills them from the default, so the two readings differ and it stays text.
        first = parser.parse(text, default=dt.datetime(2000, 1, 1), dayfirst=dayfirst).date()
        second = parser.parse(text, default=dt.datetime(2001, 2, 2), dayfirst=dayfirst).date()
    except (ValueError, OverflowError, parser.ParserError):
        return None
    return first if first == second else None
