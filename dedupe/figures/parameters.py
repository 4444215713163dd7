"""An event's parameters as a sentence states them: a quake's magnitude and depth, the clock time it struck,
how far it struck from a place.

Every disaster story gives these facts, and outlets word them apart ("The magnitude-6.1 quake struck at
4:30 p.m. at a depth of 10 kilometers", "The 6.1-magnitude quake hit Ludian county at about 4.30pm",
"measured ... at 6.1-magnitude, 10 kilometers (6 miles) below ground"), so two sentences that give the same
parameter state one claim, and two that give it different values report it differently. The figures stage
leaves these numbers out of its figures on purpose (a magnitude or a distance is no count); this module
reads them apart, with the same number parser (:func:`dedupe.figures.numbers.find_number_phrases`).

- ``magnitude``: "magnitude-6.1", "6.1-magnitude", "magnitude 6.1", "a magnitude of 6.1", "put the magnitude
  at 6.5", "6.1 on the Richter scale", "an earthquake measuring 6.9", "the quake measured 6.1";
  ``magnitude aftershock`` for an aftershock's ("a 5.0-magnitude aftershock"). A magnitude that only names
  the event inside a phrase or clause about something else ("injured in Sunday's 6.1 magnitude quake", "where
  the 6.1-magnitude quake struck", "after a 6.5-magnitude earthquake jolted ...") is background, not stated.
- ``depth``: "at a depth of 10 km", "10 kilometers (6 miles) below ground", "450 metres deep", in kilometres.
- ``distance <direction>``: "277 miles northeast of Kunming", in kilometres, one key per compass direction.
- ``population``: a place's ("a population of about 429,000", "a region of 429,000 people").
- ``capacity``: how many a vessel or a place may hold ("its capacity of 43", "licensed to carry 43").
- ``time <happening> <zone>``: the clock time of an event (:func:`clock_times`; a time of a report, "as of
  8 p.m.", is left out), with what happened then (:func:`happening`: ``event`` for the disaster striking,
  ``departure``, ``rescue``...; none for a bare time stamp) and the zone when one such as UTC is written:
  "the ferry left at 5 p.m." (``time departure``) and "the ferry sank at 5:30 p.m." (``time event``) are
  two facts, never compared.

A value converted into another unit is compared at the precision it was written with ("6 miles" is 5.5 to
6.5 miles, which holds "10 kilometers"); a value given again in brackets in another unit is read once.

Example:
    >>> [(p.kind, p.value, p.text) for p in event_parameters(
    ...     "The magnitude-6.1 quake struck at 4:30 p.m. at a depth of 10 kilometers.")]
    [('magnitude', 6.1, 'magnitude-6.1'), ('time event', 990.0, '4:30 p.m.'), ('depth', 10.0, '10 kilometers')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from dedupe.figures.links import is_capacity
from dedupe.figures.numbers import APPROX_TOLERANCE, NumberPhrase, find_number_phrases, interval, may_state_a_number
from dedupe.figures.tokens import Token, tokenize
from dedupe.lexicon import UNFIXED_ZONES, UTC_OFFSETS

# Zone names as regular-expression alternatives, longest first ("cest" before "cet"): one with a fixed offset
# (where "16.30" followed by it is a time), or any (the zone a time gives).
def _alternatives(zones: Iterable[str]) -> str:
    """Zone names as regular-expression alternatives, longest first, a space as any run of spaces."""
    return "|".join(re.escape(z).replace("\\ ", r"\s+") for z in sorted(zones, key=lambda z: (-len(z), z)))


_FIXED_ZONES = _alternatives(UTC_OFFSETS)
_ANY_ZONE = _alternatives(UTC_OFFSETS.keys() | UNFIXED_ZONES)
# Clock times: "4:30 p.m.", "4.30pm", "9 am", "0830 UTC", "16:30"; the zone or "local time" that follows.
_CLOCK = re.compile(
    r"(?<![\w.:])(?:(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<half>[ap](?:\.\s?m\.|\.?\s?m\b))|"
    r"(?P<h24>\d{1,2}):(?P<m24>\d{2})(?![\d.:])|(?P<hhmm>[0-2]\d[0-5]\d)(?=\s*(?:GMT|UTC|hours|hrs)\b)|"
    r"(?P<hdot>[0-2]?\d)\.(?P<mdot>[0-5]\d)(?=\s*(?:" + _FIXED_ZONES + r")\b))"
    r"(?P<zone>\s*\(?(?:" + _ANY_ZONE + r"|local(?: time)?)\b)?",
    re.IGNORECASE)
_ABOUT = re.compile(r"\b(?:about|around|approximately|roughly|some|nearly|almost|shortly (?:before|after)|just "
                    r"(?:before|after))\s*(?:at\s*)?$", re.IGNORECASE)
# A time after these words is when a count or a report stood, not when the event happened.
_REPORT_TIME = re.compile(r"\b(?:as of|by|until|till|since|before|after)\s*$", re.IGNORECASE)
# A time with no a.m./p.m. that these words follow closely is in the afternoon or evening ("at 4:30 yesterday
# afternoon").
_LATE_DAY = re.compile(r"^\W*(?:\w+\s+){0,2}(?:afternoon|evening|tonight|night)\b", re.IGNORECASE)
_ABOUT_MINUTES = 15
# A time in another zone in brackets right after a local one is its conversion ("4.30pm (09.30 BST)").
_CONVERSION = re.compile(r"^\s*\($")
_LATE_REACH = 40
# What happened at a clock time: the event word the time attaches to, in a few general classes, so that only
# times of one happening are compared ("the ferry left at 5 p.m." / "the ferry sank at 5:30 p.m." are two).
_HAPPENINGS = {
    **dict.fromkeys(("struck", "strike", "strikes", "striking", "hit", "hits", "hitting", "occurred", "occur",
                     "occurs", "happened", "happen", "happens", "jolted", "jolt", "rocked", "shook", "shake",
                     "sank", "sunk", "sink", "sinks", "sinking", "capsized", "capsize", "capsizing", "overturned",
                     "collapsed", "erupted", "eruption", "exploded", "explosion", "blast", "crashed", "crash",
                     "derailed", "flooded", "burst", "quake", "earthquake", "tremor", "temblor", "disaster",
                     "accident", "incident", "attack", "attacked", "bombing", "fire", "landslide", "tsunami"),
                    "event"),
    **dict.fromkeys(("aftershock", "aftershocks"), "aftershock"),
    **dict.fromkeys(("left", "leave", "leaves", "leaving", "departed", "depart", "departs", "departing",
                     "departure", "sailed", "sail", "sailing", "embarked", "boarded"),
                    "departure"),
    **dict.fromkeys(("arrived", "arrive", "arrives", "arriving", "arrival", "docked", "landed", "reached"),
                    "arrival"),
    **dict.fromkeys(("rescue", "rescued", "rescuers", "rescuing", "search", "searched", "searching", "found",
                     "recovered", "evacuated", "evacuation", "pulled", "saved"), "rescue"),
    **dict.fromkeys(("said", "says", "announced", "announce", "announcement", "reported", "told", "statement",
                     "briefing", "conference", "issued", "declared", "confirmed", "tweeted", "posted", "published",
                     "updated"), "announcement"),
}
_HAPPENING_WORD = re.compile(r"[a-z]+")
# How far a time's event word may stand: words back in the clause before it, then words after it.
_HAPPENING_BEFORE = 8
_HAPPENING_AFTER = 5
_CLAUSE_END = re.compile(r"[;:!?]|\.\s|\s[-\u2013\u2014]\s")
# How many texts' clock times are kept: compare reads a claim's times for its facts, then again for its story's
# local offset (:func:`local_offset`) and for each pair of versions it checks (``time_conflict``).
_PARSED_TEXTS = 1 << 14

_KM = {"km": 1.0, "kms": 1.0, "kilometres": 1.0, "kilometers": 1.0, "kilometre": 1.0, "kilometer": 1.0,
       "miles": 1.609344, "mile": 1.609344, "mi": 1.609344, "metres": 0.001, "meters": 0.001, "metre": 0.001,
       "meter": 0.001, "feet": 0.0003048, "foot": 0.0003048, "ft": 0.0003048}
_DIRECTIONS = {"north": "north", "south": "south", "east": "east", "west": "west", "northeast": "northeast",
               "northwest": "northwest", "southeast": "southeast", "southwest": "southwest",
               "north-east": "northeast", "north-west": "northwest", "south-east": "southeast",
               "south-west": "southwest"}
_BELOW = frozenset({"deep", "below", "underground", "beneath"})
# Words before an event noun phrase that make its magnitude background: a preposition or a subordinator
# ("in Sunday's 6.1 magnitude quake", "where the 6.1-magnitude quake struck", "after a 6.5-magnitude earthquake").
_BACKGROUND = frozenset({"in", "after", "by", "from", "following", "since", "before", "during", "when", "where",
                         "which", "that", "whose", "like", "than", "to", "as", "of"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "its", "their", "strong", "powerful", "deadly", "major"})
_RICHTER = ("on", "the", "richter")
# The events whose strength is a magnitude: "an earthquake measuring 6.9", "the quake measured 6.1".
_QUAKES = frozenset({"quake", "earthquake", "tremor", "temblor", "aftershock", "shock", "quakes", "earthquakes"})
_PLACE_NOUNS = frozenset({"region", "county", "area", "city", "town", "township", "district", "province", "village",
                          "country", "island", "state", "prefecture", "municipality"})
_CAN = frozenset({"can", "could"})
_ALLOWED_TO = [[word, "to"] for word in ("designed", "licensed", "allowed", "permitted", "able", "built", "meant",
                                         "certified", "authorised", "authorized")]
_INHABITANTS = frozenset({"people", "inhabitants", "residents"})


@dataclass(frozen=True)
class EventParameter:
    """A parameter of an event that a sentence states.

    Attributes:
        kind: ``magnitude`` (``magnitude aftershock``), ``depth``, ``distance <direction>``, ``population``,
            ``capacity``, or ``time`` with the happening and the zone (``time event utc``).
        value: The value as stated, in the same unit.
        interval: The values it allows (kilometres, magnitude units, minutes after midnight).
        text: The value as written ("magnitude-6.1", "10 kilometers", "4:30 p.m.").
        start: Offset of ``text`` in the sentence.
        end: Offset just past it.
    """

    kind: str
    value: float
    interval: tuple[float, float]
    text: str
    start: int
    end: int


def event_parameters(text: str) -> tuple[EventParameter, ...]:
    """The magnitudes, depths, distances, populations, capacities and event times a sentence states, in text order.

    Args:
        text: A sentence.

    Returns:
        The parameters; background magnitudes and times of a report are left out.
    """
    if not may_state_a_number(text):
        return ()
    tokens = tokenize(text)
    phrases = find_number_phrases(tokens, text)
    found: list[EventParameter] = []
    converted: set[int] = set()
    for phrase in phrases:
        if phrase.first in converted:
            continue
        exact = phrase.low is not None and phrase.low == phrase.high
        parameter = (_magnitude(tokens, phrase, text) or _length(tokens, phrase, text)
                     or _population(tokens, phrase, text) if exact else None) or _capacity(tokens, phrase, text)
        if parameter is not None:
            found.append(parameter)
            inside = _bracketed(tokens, phrase.last)
            converted.update(inside)
            found.extend(_conversions(tokens, phrases, inside, text, parameter.kind))
    clocks = clock_times(text)
    converted_times = {b.start for _, b in _converted(text, clocks)}  # a bracketed conversion is read once
    found.extend(_clock_parameter(clock) for clock in clocks if clock.start not in converted_times)
    return tuple(sorted(found, key=lambda p: p.start))


class Clock(NamedTuple):
    """A clock time a text states (:func:`clock_times`).

    Attributes:
        minutes: Minutes after midnight (a.m./p.m. applied, "4:30 p.m." -> 990).
        zone: The zone written after it, lower case ("utc", "bst"); ``""`` for none or "local time".
        half_known: Whether the half of the day is known: a.m./p.m. written, four digits before GMT, UTC or
            hours ("0830 UTC"), a dotted time before a zone ("16.30 JST"), or "afternoon"/"evening" after it.
        written: The time as written, its zone included ("4.30pm", "09.30 BST").
        tolerance: The minutes either way it allows: 15 when "about" precedes it or it gives the hour alone
            ("10 p.m."), else 1.
        start: Offset of ``written`` in the text.
        happening: What happened then (:func:`happening`); ``""`` for a bare time stamp.
    """

    minutes: int
    zone: str
    half_known: bool
    written: str
    tolerance: int
    start: int
    happening: str


def clock_times(text: str) -> tuple[Clock, ...]:
    """Event times a text states, in text order.

    A time without a.m./p.m. that "afternoon" or "evening" follows is read in the second half of the day. A text's
    times are read once and kept (for the last 16,384 texts asked): the same claim is asked again for its
    story's local offset and for each version it is compared with.

    Example:
        >>> [(c.minutes, c.zone, c.half_known, c.written)
        ...  for c in clock_times("The quake struck at 4:30 yesterday afternoon, not as of 8 p.m.")]
        [(990, '', True, '4:30')]
    """
    return _clock_times(text)


@lru_cache(maxsize=_PARSED_TEXTS)
def _clock_times(text: str) -> tuple[Clock, ...]:
    """:func:`clock_times`, read from the text (the cached call)."""
    found = []
    for match in _CLOCK.finditer(text):
        if _REPORT_TIME.search(text[:match.start()]):
            continue
        hour = int(match.group("h") or match.group("h24") or match.group("hdot")
                   or (match.group("hhmm") or "0000")[:2])
        minute = int(match.group("m") or match.group("m24") or match.group("mdot")
                     or (match.group("hhmm") or "0000")[2:] or 0)
        half = match.group("half")
        if hour > 23 or minute > 59 or (half and not 1 <= hour <= 12):
            continue
        if half:
            hour = hour % 12 + (12 if half.lower().startswith("p") else 0)
        late = not half and not match.group("hhmm") and not match.group("hdot") and 1 <= hour < 12 \
            and bool(_LATE_DAY.search(text[match.end():match.end() + _LATE_REACH]))
        hour += 12 if late else 0
        zone = " ".join((match.group("zone") or "").strip(" (").lower().split())
        zone = "" if zone.startswith("local") else zone  # "local time" is the time an unmarked one gives
        on_the_hour = all(match.group(g) is None for g in ("m", "m24", "hhmm", "mdot"))
        tolerance = _ABOUT_MINUTES if on_the_hour or _ABOUT.search(text[:match.start()]) else 1
        written = text[match.start():match.end("zone") if match.group("zone") else match.end()].strip()
        half_known = bool(half or match.group("hhmm") or match.group("hdot") or late)
        found.append(Clock(hour * 60 + minute, zone, half_known, written, tolerance, match.start(),
                           happening(text, match.start(), match.start() + len(written))))
    return tuple(found)


def happening(text: str, start: int, end: int) -> str:
    """What happened at the time written at ``text[start:end]``: the class of the nearest event word in its
    clause, looking back first ("the quake struck at 4:30 p.m.", "the ferry left Tigaras at 5 p.m."), then
    forward ("at 5 p.m., the ferry sank"): ``event`` (a disaster striking, occurring, a ship sinking),
    ``aftershock`` (when one is named near), ``departure``, ``arrival``, ``rescue`` (a rescue, a search, a find),
    ``announcement``;
    ``""`` when no such word is near (a time stamp).

    Example:
        >>> happening("The ferry left at 5 p.m.", 17, 23), happening("At 5:30 p.m. the ferry sank.", 3, 12)
        ('departure', 'event')
    """
    back = _HAPPENING_WORD.findall(_CLAUSE_END.split(text[:start])[-1].lower())[-_HAPPENING_BEFORE:]
    # after the time, a speech verb is the attribution of what follows ("At 5 p.m., police said the ferry sank")
    forward = [word for word in _HAPPENING_WORD.findall(_CLAUSE_END.split(text[end:])[0].lower())[:_HAPPENING_AFTER]
               if _HAPPENINGS.get(word) != "announcement"]
    what = next((_HAPPENINGS[word] for word in (*reversed(back), *forward) if word in _HAPPENINGS), "")
    # an aftershock striking is the aftershock's time, not the main event's ("an aftershock shook ... at 6 p.m.")
    return "aftershock" if what == "event" and any(_HAPPENINGS.get(w) == "aftershock" for w in back + forward) \
        else what


def conversions(text: str) -> list[tuple[Clock, Clock]]:
    """Local times given again in another zone in brackets right after them: (local, converted).

    Example:
        >>> [(a.written, b.written) for a, b in conversions("The quake hit at about 4.30pm (09.30 BST) on Sunday.")]
        [('4.30pm', '09.30 BST')]
    """
    return _converted(text, clock_times(text))


def _converted(text: str, clocks: Sequence[Clock]) -> list[tuple[Clock, Clock]]:
    """:func:`conversions` among the clock times ``clocks`` of ``text``."""
    return [(a, b) for a, b in zip(clocks, clocks[1:]) if not a.zone and b.zone in UTC_OFFSETS
            and _CONVERSION.match(text[a.start + len(a.written):b.start])]


def local_offset(texts: Sequence[str]) -> int | None:
    """Minutes east of UTC of a story's local time, from the conversions its texts give ("4.30pm (09.30 BST)":
    480); ``None`` when none does, or when two disagree.

    Example:
        >>> local_offset(["It hit at 4.30pm (09.30 BST).", "No time here."])
        480
    """
    found = {(a.minutes - b.minutes + UTC_OFFSETS[b.zone]) % 1440 for text in texts for a, b in conversions(text)}
    if len(found) != 1:
        return None
    (offset,) = found
    return offset - 1440 if offset > 720 else offset


def comparable_times(x: Clock, y: Clock) -> bool:
    """Whether two clock times may be compared: the same zone (or none) and the same happening."""
    return x.zone == y.zone and x.happening == y.happening


def same_time(x: Clock, y: Clock) -> bool:
    """Within the larger tolerance of the two, either half of the day when one gave no a.m./p.m."""
    tolerance = max(x.tolerance, y.tolerance)
    shifts = (0,) if x.half_known and y.half_known else (0, 720, -720)
    return any(abs((x.minutes + s) % 1440 - y.minutes) <= tolerance for s in shifts)


def _clock_parameter(clock: Clock) -> EventParameter:
    """A clock time as a parameter: ``time <happening> <zone>``, in minutes after midnight."""
    kind = " ".join(part for part in ("time", clock.happening, clock.zone) if part)
    span = (float(clock.minutes - clock.tolerance), float(clock.minutes + clock.tolerance))
    return EventParameter(kind, float(clock.minutes), span, clock.written, clock.start,
                          clock.start + len(clock.written))


def _magnitude(tokens: list[Token], phrase: NumberPhrase, text: str) -> EventParameter | None:
    """A stated magnitude at ``phrase``: "magnitude-6.1", "6.1-magnitude", "magnitude of/at 6.1", "6.1 on the
    Richter scale"; ``None`` when the phrase is no magnitude or only names the event in the background."""
    first, last = phrase.first, phrase.last
    before = [t.lower for t in tokens[max(0, first - 3):first]]
    after = [t.lower for t in tokens[last + 1:last + 4]]
    glued_after = after[:2] == ["-", "magnitude"] or after[:1] == ["magnitude"]
    glued_before = before[-2:] == ["magnitude", "-"] or before[-1:] == ["magnitude"]
    predicate = before[-2:] in (["magnitude", "of"], ["magnitude", "at"]) or tuple(after[:3]) == _RICHTER
    measuring = before[-1:] == ["measuring"] and len(before) >= 2 and before[-2] in _QUAKES
    predicate = predicate or (before[-1:] in (["measured"], ["registered"]) and len(before) >= 2
                              and before[-2] in _QUAKES)
    if not (glued_after or glued_before or predicate or measuring):
        return None
    if measuring and _in_background(tokens, first - 2):  # "injured in an earthquake measuring 6.9"
        return None
    start = tokens[first - (2 if before[-2:] == ["magnitude", "-"] else 1)].start if glued_before else \
        tokens[first].start
    end = tokens[last + (2 if after[:2] == ["-", "magnitude"] else 1)].end if glued_after else tokens[last].end
    if not predicate and _in_background(tokens, first - (2 if glued_before else 0)):
        return None
    value = float(phrase.low)  # type: ignore[arg-type]
    following = [t.lower for t in tokens if t.start >= end][:1]
    shock = (following or [""])[0] if glued_after or glued_before else (before[-2:-1] or [""])[0]
    kind = "magnitude aftershock" if shock.startswith("aftershock") else "magnitude"
    return EventParameter(kind, value, (value, value), text[start:end], start, end)


def _in_background(tokens: list[Token], at: int) -> bool:
    """Whether the noun phrase around token ``at`` follows a preposition or a subordinator."""
    i = at - 1
    while i >= 0 and (tokens[i].lower in _DETERMINERS or tokens[i].lower.endswith("'s")):
        i -= 1
    return i >= 0 and tokens[i].lower in _BACKGROUND


def _length(tokens: list[Token], phrase: NumberPhrase, text: str) -> EventParameter | None:
    """A depth ("a depth of 10 km", "10 km below ground", "6 miles deep") or a distance ("277 miles northeast of
    Kunming") at ``phrase``, in kilometres."""
    unit = tokens[phrase.last + 1].lower if phrase.last + 1 < len(tokens) else ""
    if unit not in _KM:
        return None
    after = _after_brackets(tokens, phrase.last + 2)
    before = [t.lower for t in tokens[max(0, phrase.first - 3):phrase.first]]
    if before[-3:] in (["a", "depth", "of"], ["the", "depth", "of"]) or before[-2:] == ["depth", "of"] \
            or (after < len(tokens) and tokens[after].lower in _BELOW):
        kind = "depth"
    elif after < len(tokens) and tokens[after].lower in _DIRECTIONS:
        kind = f"distance {_DIRECTIONS[tokens[after].lower]}"
    else:
        return None
    return _length_value(tokens, phrase, text, kind)


def _conversions(tokens: list[Token], phrases: Sequence[NumberPhrase], inside: range, text: str,
                 kind: str) -> list[EventParameter]:
    """The value a bracket right after a length gives again in another unit ("10 kilometers (6 miles)"): the same
    parameter as the outlet converted it, so either value may match another outlet's.

    Args:
        tokens: The sentence's tokens.
        phrases: Its number phrases (:func:`~dedupe.figures.numbers.find_number_phrases`).
        inside: The token indices of the bracket after the parameter's value and unit (:func:`_bracketed`).
        text: The sentence.
        kind: The parameter's kind.
    """
    if kind == "magnitude" or not inside:
        return []
    return [_length_value(tokens, other, text, kind) for other in phrases
            if other.first in inside and other.low is not None and other.low == other.high
            and other.last + 1 < len(tokens) and tokens[other.last + 1].lower in _KM]


def _length_value(tokens: list[Token], phrase: NumberPhrase, text: str, kind: str) -> EventParameter:
    """The length at ``phrase`` (its unit the next token) as a parameter of ``kind``, in kilometres."""
    low, high = _precision(tokens[phrase.core].text, phrase)
    scale = _KM[tokens[phrase.last + 1].lower]
    start, end = tokens[phrase.first].start, tokens[phrase.last + 1].end
    value = round(float(phrase.low) * scale, 6)  # type: ignore[arg-type]
    return EventParameter(kind, value, (round(low * scale, 6), round(high * scale, 6)), text[start:end], start, end)


def _population(tokens: list[Token], phrase: NumberPhrase, text: str) -> EventParameter | None:
    """A place's population: "a population of about 429,000", "a region of 429,000 people"."""
    before = [t.lower for t in tokens[max(0, phrase.first - 2):phrase.first]]
    after = tokens[phrase.last + 1].lower if phrase.last + 1 < len(tokens) else ""
    if before != ["population", "of"] and not (before[-1:] == ["of"] and len(before) == 2
                                               and before[0] in _PLACE_NOUNS and after in _INHABITANTS):
        return None
    low, high = interval(phrase.low, phrase.high, phrase.qualifier)
    end = tokens[phrase.last + (1 if after in _INHABITANTS else 0)].end
    start = tokens[phrase.first].start
    return EventParameter("population", float(phrase.low), (low, high), text[start:end], start, end)  # type: ignore


def _capacity(tokens: list[Token], phrase: NumberPhrase, text: str) -> EventParameter | None:
    """A vessel's or a place's capacity: "its capacity of 43", "licensed to carry 43", "could carry up to 43",
    "a 43-passenger capacity"."""
    before = [t.lower for t in tokens[max(0, phrase.first - 3):phrase.first]]
    carry = before[-1:] == ["carry"] and len(before) >= 2 and (before[-2] in _CAN or before[-3:-1] in _ALLOWED_TO)
    compound = _compound_capacity(tokens, phrase.last)
    if not (is_capacity(tokens, phrase.first) or carry or compound is not None):
        return None
    value = phrase.high if phrase.high is not None else phrase.low
    if value is None:
        return None
    start, end = tokens[phrase.first].start, tokens[phrase.last if compound is None else compound].end
    return EventParameter("capacity", float(value), interval(phrase.low, phrase.high, phrase.qualifier),
                          text[start:end], start, end)


def _compound_capacity(tokens: list[Token], last: int) -> int | None:
    """The noun of "a 43-passenger capacity" (a number glued by a hyphen to a noun right before "capacity"), or
    ``None``."""
    k = last
    if k + 3 < len(tokens) and tokens[k + 1].text == "-" and tokens[k + 1].glued_left and tokens[k + 2].glued_left \
            and tokens[k + 2].kind == "word" and tokens[k + 3].lower == "capacity":
        return k + 2
    return None


def _precision(written: str, phrase: NumberPhrase) -> tuple[float, float]:
    """The values a measured number allows at the precision written: half its last digit's unit either way
    ("10" -> 9.5-10.5, "2.5" -> 2.45-2.55); "about" widens it as the figures stage does."""
    value = float(phrase.low)  # type: ignore[arg-type]
    digits = written.replace(",", "")
    half = float(Decimal(1).scaleb(-len(digits.split(".")[1]))) / 2 if "." in digits else 0.5
    if phrase.qualifier == "approximately":
        half = max(half, value * APPROX_TOLERANCE)
    return value - half, value + half


def _after_brackets(tokens: list[Token], i: int) -> int:
    """The index of the first token after a bracketed aside that starts at ``i`` ("(6 miles)"), else ``i``."""
    if i < len(tokens) and tokens[i].text == "(":
        close = next((j for j in range(i, min(len(tokens), i + 6)) if tokens[j].text == ")"), None)
        if close is not None:
            return close + 1
    return i


def _bracketed(tokens: list[Token], last: int) -> range:
    """Token indices of a bracketed conversion right after a value and its unit ("10 kilometers (6 miles)")."""
    start = last + 2
    end = _after_brackets(tokens, start)
    return range(start, end)
