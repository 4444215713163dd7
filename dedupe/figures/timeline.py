"""Time of report: when each figure was published, and whether time explains two figures that disagree.

Tolls grow. "175 dead" on Sunday and "398 dead" on Monday are not a conflict but an *update*; so is a
missing count revised down after double counting ("184 missing, revised down from Wednesday's figure of
192"). :func:`explains` decides, for two figures whose intervals are disjoint, whether the difference is
explained by time:

- **same document**: the text states the change itself ("jumped from 410 to 589", "an earlier report
  of 72");
- **different days**: the later report gives more (tolls only grow), or it gives less and says why
  ("revised down", "validation reduces the toll"); a missing count moves both ways (people are found),
  so any later report explains it;
- **different periods** (cumulative tolls): the period that ends later or runs longer gives more;
- **same day**: only a report that says the toll rose ("has risen to 381") explains a higher figure.

Where a publication date is unknown, it is inferred from the latest weekday the document's figures name
within the story's dated span ("on Thursday (Jun 21)" in a story reported from Monday 18 June), and the
inference is said in the reason; where it cannot be inferred, time may or may not explain the difference,
and the answer is ``None`` (the group is ``uncertain``).

Only tolls (:data:`TOLLS`) grow over time; states ("29 doctors remain", "250,000 trapped") do not, so
two different states are a conflict whatever their dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence

from dedupe.figures.extract import Figure

#: Measures that count what happened in an event and are reported as running totals.
TOLLS = frozenset({"killed", "injured", "casualties", "missing", "evacuated", "fled", "arrested", "rescued",
                   "in need of care"})
#: Tolls that fall as well as rise between reports (the missing are found, alive or dead).
TWO_WAY = frozenset({"missing"})
_RISE = re.compile(r"\b(ris(?:e|es|en|ing)|rose|jump(?:s|ed)?|climb(?:s|ed)?|increas(?:e|es|ed)|reach(?:es|ed)|"
                   r"soar(?:s|ed)?|now|latest|new|revised\s+up|up\s+from|tripl\w+|doubl\w+|brings?|bringing)\b",
                   re.IGNORECASE)
_EARLIER = re.compile(r"\b(earlier|initial(?:ly)?|previous(?:ly)?|first|originally|from\s+an?\s+earlier)\b",
                      re.IGNORECASE)
_REVISED = re.compile(r"\b(revis\w+|reduc\w+|lower\w*|subtract\w*|validat\w+|correct\w+|down\s+to|"
                      r"down\s+from|counted\s+twice|double[- ]count\w*)\b", re.IGNORECASE)
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)


def report_dates(figures: Sequence[Figure], docs: Sequence[str],
                 window_days: float = 30.0) -> dict[str, tuple[dt.date, bool]]:
    """The date each document of a story reports on: its own, or one inferred from the weekdays it names.

    Args:
        figures: All figures (only those of ``docs`` are read).
        docs: The story's document ids.
        window_days: No date is inferred when the story's known dates span more than this (a weekday
            cannot be placed in a story that runs for months or mixes years).

    Returns:
        ``doc -> (date, inferred)`` for every document whose date is known or inferable.
    """
    wanted = set(docs)
    known = {f.doc: f.published for f in figures if f.doc in wanted and f.published is not None}
    dates: dict[str, tuple[dt.date, bool]] = {doc: (day, False) for doc, day in known.items()}
    if not known or (max(known.values()) - min(known.values())).days > window_days:
        return dates
    first = min(known.values())
    for doc in docs:
        if doc in dates:
            continue
        named = {m.lower() for f in figures if f.doc == doc for m in _WEEKDAY.findall(f.sentence)}
        inferred = [_on_or_after(first - dt.timedelta(days=1), _WEEKDAYS[w]) for w in named]
        if inferred:
            dates[doc] = (max(inferred), True)
    return dates


def _on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def explains(a: Figure, b: Figure, dates: dict[str, tuple[dt.date, bool]], cumulative: bool,
             group: Sequence[Figure] = ()) -> tuple[bool | None, str]:
    """Whether time explains why two disjoint figures of one toll differ.

    Args:
        a: One figure.
        b: The other; the two intervals are disjoint.
        dates: Report dates from :func:`report_dates`.
        cumulative: True when both count over a period (compare the periods too).
        group: All figures of the group: two reports of one day are explained when the group's toll
            rises across days around both ("1,400" and "more than 1,800" injured on Sunday, "1,891" on
            Monday).

    Returns:
        ``(True, why)``, ``(False, why)`` or ``(None, why)`` when the order of the reports is unknown.
    """
    low, high = (a, b) if _top(a) < _top(b) else (b, a)
    if _top(high) - _top(low) <= 0.02 * _top(high) and (_round(low) or _round(high)):
        return True, "one figure rounds the other"
    if a.doc == b.doc:
        cue = _RISE.search(high.sentence) or _EARLIER.search(low.sentence) or _REVISED.search(high.sentence)
        return (True, "the report gives the change") if cue else (False, "one report gives both")
    if cumulative and low.period_range and high.period_range and low.period_range != high.period_range:
        if high.period_range[1] >= low.period_range[1] and _days(high) >= _days(low):
            return True, "the higher toll covers a longer or later period"
    if quoted_as_earlier(low):
        return True, "the lower figure is quoted as the earlier one"
    day_low, day_high = dates.get(low.doc), dates.get(high.doc)
    if day_low is None or day_high is None:
        if _RISE.search(high.sentence) or _EARLIER.search(low.sentence):
            return True, "the report says the toll changed"
        return None, "publication date unknown"
    if day_low[0] == day_high[0] and _rising_around(low, high, day_low[0], group, dates):
        return True, "the toll rises across the days around two reports of one day"
    return _by_date(low, high, day_low[0], day_high[0])


def quoted_as_earlier(figure: Figure) -> bool:
    """ "jumped *from 410* to 589", "*from an earlier report of* 72", "revised up *from* 130"."""
    pattern = r"\bfrom\s+(?:[A-Za-z][\w']*\s+){0,4}?" + re.escape(figure.text) + r"(?!\w)"
    return re.search(pattern, figure.sentence, re.IGNORECASE) is not None


def _rising_around(low: Figure, high: Figure, day: dt.date, group: Sequence[Figure],
                   dates: dict[str, tuple[dt.date, bool]]) -> bool:
    """A later day's report reaches the higher figure and no earlier day's report exceeds the lower."""
    later = [_top(f) for f in group if f.doc in dates and dates[f.doc][0] > day]
    earlier = [_top(f) for f in group if f.doc in dates and dates[f.doc][0] < day]
    return bool(later) and max(later) >= _top(high) and all(v <= _top(low) for v in earlier)


def _by_date(low: Figure, high: Figure, day_low: dt.date, day_high: dt.date) -> tuple[bool, str]:
    if day_high > day_low:
        return True, "the later report gives more"
    if day_low > day_high:
        if low.measure in TWO_WAY:
            return True, "the later report gives fewer missing"
        if _REVISED.search(low.sentence):
            return True, "the later report revises it down"
        return False, "the later report gives fewer, with no revision stated"
    if _RISE.search(high.sentence):
        return True, "the same day's report says the toll rose"
    if low.measure in TWO_WAY:
        return True, "missing counts change within a day as people are found"
    return False, "same day, no change stated"


def _round(figure: Figure) -> bool:
    """ "1400", "2,000": a figure that ends in two zeros may be rounded."""
    top = _top(figure)
    return top >= 100 and top % 100 == 0


def _days(figure: Figure) -> int:
    span = figure.period_range
    return (span[1] - span[0]).days if span else 0


def _top(figure: Figure) -> float:
    value = figure.high if figure.high is not None else figure.low
    return float(value) if value is not None else 0.0


def publication_key(figure: Figure, dates: dict[str, tuple[dt.date, bool]]) -> tuple[int, dt.date, str, int]:
    """Sort key that puts a group's figures in order of publication (undated documents last)."""
    known = dates.get(figure.doc)
    return (0, known[0], figure.doc, figure.start) if known else (1, dt.date.max, figure.doc, figure.start)
