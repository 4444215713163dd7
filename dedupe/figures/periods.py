"""When a figure holds: the period expressions of its sentence, each resolved to dates where it can be.

"in the past eight days", "six days of ...", "yesterday", "last week", "on 19 September", "since Monday",
"in 2013"... (:func:`find_periods`). A year tied to an earlier event by "when" ("since 2013 when one hit Bohol") or
naming one ("the 2013 earthquake") is a year period too. Each period is resolved to a date range against the
document's date where it can be (:func:`resolve_period`). Which period a figure takes is the extractor's choice
(:mod:`~dedupe.figures.extract`: the nearest in its clause), except those that date a speech act
(:func:`~dedupe.figures.context.is_speech_dated`).
"""

from __future__ import annotations

import datetime as dt
import re

from dedupe.figures.context import ContextSpan
from dedupe.figures.numbers import parse_number
from dedupe.figures.scope import INCIDENT_WORDS, WAR_WORDS
from dedupe.figures.tokens import folded
from dedupe.lexicon import DAYS_PER_UNIT, MONTHS, TENS, UNITS, WEEKDAYS

_NUM = r"(\d+|" + "|".join(sorted(list(UNITS) + list(TENS), key=len, reverse=True)) + r"|a few|several|few)"
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(" + "|".join(WEEKDAYS) + r")"

_UNIT = r"(hour|day|week|month|year)s?\b"
_YEAR = r"(?:19|20)\d\d"
#: "the 2013 Bohol earthquake": an event named by its year (capitalised names may stand between).
_EVENT = r"(?:[A-Z][\w-]*\s+){0,3}(?:" + "|".join(sorted(INCIDENT_WORDS | WAR_WORDS, key=len, reverse=True)) + r")\b"
_PERIODS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in (  # noqa: E501
    ("last_n", rf"\b(?:(?:in|over|during|for|within)\s+)?(?:the\s+)?(?:past|last|previous)\s+{_NUM}\s+{_UNIT}"),
    ("last_one", r"\b(?:(?:in|over|during)\s+)?the\s+(?:past|last)\s+(day|week|month|year)\b"),
    ("n_of", rf"\b{_NUM}\s+(day|week|month)s?\s+of\b"),
    ("between", rf"\bbetween\s+{_MONTH}\s+(\d{{1,2}})\s+and\s+(?:{_MONTH}\s+)?(\d{{1,2}})\b"),
    ("since_weekday", rf"\bsince\s+(?:last\s+)?{_WEEKDAY}\b"),
    ("since_date", rf"\bsince\s+(?:{_MONTH}\s+(\d{{1,2}})|(\d{{1,2}})\s+{_MONTH})\b"),
    ("date", rf"\b(?:on\s+)?(?:{_MONTH}\s+(\d{{1,2}})|(\d{{1,2}})\s+{_MONTH})\b(?!,?\s*\d{{4}})"),
    ("yesterday", r"\byesterday\b"),
    ("last_night", r"\blast\s+night\b"),
    ("today", r"\b(?:today|this\s+morning|tonight)\b"),
    ("this_unit", r"\b(?:so\s+far\s+)?this\s+(week|month|year)\b"),
    ("last_unit", r"\blast\s+(week|month|year)\b"),
    ("weekday", rf"\b(?:on\s+|last\s+)?{_WEEKDAY}\b"),
    ("year", rf"\b(?:in\s+|since\s+(?={_YEAR},?\s+when\b)|the\s+(?={_YEAR}\s+{_EVENT}))({_YEAR})\b"),
    ("ago", rf"\b{_NUM}\s+(day|week|month|year)s?\s+(?:ago|earlier|before)\b"),
    ("every", r"\bevery\s+(day|week)\b"),
))
_MONTH_STEMS = tuple(dict.fromkeys(name[:3] for name in MONTHS))  # "jan" ... "dec": every month word has one
#: Per period pattern, words it cannot match without: every group must have one of its words in the
#: folded sentence (tokens.folded) before the pattern is run. Weekday names all end in "day".
_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "last_n": (("past", "last", "previous"),), "last_one": (("past", "last"),),
    "n_of": (("day", "week", "month"), ("of",)), "between": (("between",),), "since_weekday": (("since",),),
    "since_date": (("since",), _MONTH_STEMS), "date": (_MONTH_STEMS,), "yesterday": (("yesterday",),),
    "last_night": (("last",), ("night",)), "today": (("today", "this", "tonight"),), "this_unit": (("this",),),
    "last_unit": (("last",),), "weekday": (("day",),), "year": (("in", "since", "the"), ("19", "20")),
    "ago": (("day", "week", "month", "year"), ("ago", "earlier", "before")), "every": (("every",),),
}
_NEEDED_WORDS = tuple(sorted({word for groups in _NEEDS.values() for group in groups for word in group}))
_NEEDED_SETS = {kind: tuple(frozenset(group) for group in groups) for kind, groups in _NEEDS.items()}


def find_periods(sentence: str) -> list[ContextSpan]:
    """Every period expression of a sentence, leftmost-longest, without overlaps.

    Args:
        sentence: The sentence text.

    Returns:
        Mentions whose ``kind`` names the pattern and whose ``parts`` are its groups (used by
        :func:`resolve_period`).
    """
    found: list[ContextSpan] = []
    lowered = folded(sentence)
    present = {word for word in _NEEDED_WORDS if word in lowered}
    for kind, pattern in _PERIODS:
        if any(present.isdisjoint(group) for group in _NEEDED_SETS[kind]):
            continue
        for match in pattern.finditer(sentence):
            if not any(m.start < match.end() and match.start() < m.end for m in found):
                text = match.group().strip()
                start = match.start() + (len(match.group()) - len(match.group().lstrip()))
                if kind == "n_of":
                    text = re.sub(r"\s+of$", "", text, flags=re.IGNORECASE)
                found.append(ContextSpan(text, start, start + len(text), kind, parts=match.groups()))
    return sorted(found, key=lambda m: m.start)


def resolve_period(mention: ContextSpan, published: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The date range a period covers, counted back from the publication date.

    Args:
        mention: A period from :func:`find_periods`.
        published: The document's date; without it only absolute periods ("in 2013") resolve.

    Returns:
        ``(first day, last day)``, or ``None`` when the period cannot be placed ("a few days earlier").
    """
    if mention.kind == "year":      # "in 2013", "since 2013 when ...", "the 2013 ..."
        year = int(mention.parts[0] or 0)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if published is None:
        return None
    return _relative(mention.kind, list(mention.parts), published)


def _relative(kind: str, groups: list[str | None], day: dt.date) -> tuple[dt.date, dt.date] | None:
    """Resolve a period that counts from the publication date."""
    if kind in ("last_n", "n_of"):
        count = parse_number(groups[0] or "")
        if count is None:
            return None
        return day - dt.timedelta(days=max(1, round(count * DAYS_PER_UNIT[(groups[1] or "day").lower()]))), day
    if kind == "last_one":
        return day - dt.timedelta(days=DAYS_PER_UNIT[(groups[0] or "day").lower()]), day
    if kind == "yesterday":
        return day - dt.timedelta(days=1), day - dt.timedelta(days=1)
    if kind == "last_night":
        return day - dt.timedelta(days=1), day
    if kind == "today":
        return day, day
    if kind in ("weekday", "since_weekday"):
        back = (day.weekday() - WEEKDAYS[(groups[0] or "").lower()]) % 7
        start = day - dt.timedelta(days=back)
        return (start, day) if kind == "since_weekday" else (start, start)
    if kind in ("date", "since_date"):
        return _on_date(kind, groups, day)
    if kind == "between":
        return _between(groups, day)
    return _calendar_unit(kind, groups, day)


def _on_date(kind: str, groups: list[str | None], day: dt.date) -> tuple[dt.date, dt.date] | None:
    month_name = groups[0] or groups[3]
    number = groups[1] or groups[2]
    found = _safe_date(day.year, MONTHS[(month_name or "").lower().rstrip(".")], int(number or 0))
    if found is None:
        return None
    if found > day:
        found = _safe_date(day.year - 1, found.month, found.day) or found
    return (found, day) if kind == "since_date" else (found, found)


def _between(groups: list[str | None], day: dt.date) -> tuple[dt.date, dt.date] | None:
    first_month = MONTHS[(groups[0] or "").lower().rstrip(".")]
    second_month = MONTHS[(groups[2] or "").lower().rstrip(".")] if groups[2] else first_month
    start = _safe_date(day.year, first_month, int(groups[1] or 0))
    end = _safe_date(day.year, second_month, int(groups[3] or 0))
    return (start, end) if start and end and start <= end else None


def _calendar_unit(kind: str, groups: list[str | None], day: dt.date) -> tuple[dt.date, dt.date] | None:
    unit = (groups[0] or "").lower() if groups else ""
    if kind == "this_unit":
        starts = {"week": day - dt.timedelta(days=day.weekday()), "month": day.replace(day=1),
                  "year": day.replace(month=1, day=1)}
        return starts[unit], day
    if kind == "last_unit":
        if unit == "week":
            monday = day - dt.timedelta(days=day.weekday() + 7)
            return monday, monday + dt.timedelta(days=6)
        if unit == "month":
            end = day.replace(day=1) - dt.timedelta(days=1)
            return end.replace(day=1), end
        return dt.date(day.year - 1, 1, 1), dt.date(day.year - 1, 12, 31)
    if kind == "ago":
        count = parse_number(groups[0] or "")
        if count is None:
            return None
        when = day - dt.timedelta(days=round(count * DAYS_PER_UNIT[(groups[1] or "day").lower()]))
        return when, when
    return None


def _safe_date(year: int, month: int, number: int) -> dt.date | None:
    try:
        return dt.date(year, month, number)
    except ValueError:
        return None
