"""How a count's figure reads in its sentence, where the figures stage leaves it open or reads it another way.

The readings :mod:`dedupe.compare.counts` and :mod:`dedupe.compare.facts` take from a figure of
:func:`dedupe.figures.extract.parse_sentence` (the one number parser): the measure it counts
(:func:`counted_measure`: "164 people remain missing", "more than 190 people presumed drowned"), the local place
it names (:func:`local_place`), whether it is history (:func:`is_history`), an earlier value of a count
(:func:`is_superseded`, :func:`revised_from`), bodies recovered (:func:`bodies_recovered`) or people someone
acted on (:func:`acted_on`), and the figure as written with its noun (:func:`written`).

Example:
    >>> from dedupe.figures.extract import parse_sentence
    >>> text = "More than 190 people are presumed drowned."
    >>> [(counted_measure(f, text), written(text, f)) for f in parse_sentence(text)]
    [('missing', 'More than 190 people')]
"""

from __future__ import annotations

import datetime as dt
import re

from dedupe.compare.features import words
from dedupe.figures.extract import SentenceFigure
from dedupe.figures.measures import AUXILIARIES, HEAD_NOUNS, PATIENT, TRAVELLERS, match_at
from dedupe.figures.scope import INCIDENT_WORDS, RECOVERY_VERBS
from dedupe.lexicon import plural_noun

# Place words below a story's level: a figure for such a place counts part of the whole.
_LOCAL_PLACES = frozenset({"county", "town", "township", "village", "villages", "district", "city", "municipality",
                           "barangay", "island", "islands", "regency", "port", "harbour", "harbor", "camp"})
# A figure whose period ended this many days before the report is history.
_HISTORY_DAYS = 60
# A year as written (1800-2099), with the word "since" before it where there is one.
_YEAR = re.compile(r"(?:since\s+)?\b(1[89]\d\d|20\d\d)\b(?![,.]?\d)", re.IGNORECASE)
# How far after a number its counted noun may stand to be shown with it ("500 more people").
_NOUN_REACH = 24
# "remain" before a state that is itself the toll states that toll ("164 people remain missing"), not a
# remaining count; "20 remain in hospital" is a state, not the injured toll, so only these measures.
_REMAIN = frozenset({"remain", "remains", "remained", "remaining"})
_REMAINING_TOLLS = frozenset({"missing", "trapped"})
# How many words after a figure "remain" may stand ("164 of the passengers still remain missing").
_REMAIN_REACH = 6
# "more than 190 people presumed drowned": the missing (no body found), within a few words of the figure.
_PRESUMED_REACH = 3
_DEAD_WORDS = frozenset({"dead", "drowned", "killed", "lost"})
# "94 people confirmed as missing", "listed as dead": a toll after "as".
_LISTED = frozenset({"confirmed", "reported", "listed", "registered", "declared", "counted", "classified"})
# Singular head nouns of a toll, whose plurals (plural_noun) are in HEAD_NOUNS ("one death", "a single fatality").
_SINGULAR_TOLLS = frozenset({"death", "fatality", "casualty", "injury"})
# A figure given as an earlier value of the count a sentence revises ("previously confirmed dead", "revised down
# from Wednesday's figure of 192"): the words that say so, how far from the figure they may stand, and the words
# that may stand between "from" and the figure.
_EARLIER = frozenset({"previously", "initially", "originally", "earlier"})
_EARLIER_REACH = 3
_FROM_REACH = 5
_FROM_SKIP = frozenset({"a", "an", "the", "its", "their", "figure", "figures", "of", "earlier", "initial", "previous",
                        "estimate", "estimates", "toll", "total", "count", "tally"})
_RANGES = frozenset({"range", "ranges", "ranged", "ranging", "vary", "varies", "varied", "varying"})
# Words right before a count of travellers that say a vessel held them (the figures stage's trigger is "carrying"
# alone): "the boat carried some 80 passengers", "filled with an estimated 150 people", "packed with 60 pilgrims".
_CARRIED = (("carried",), *((verb, "with") for verb in ("filled", "packed", "crammed", "overloaded", "overcrowded",
                                                         "loaded")))


def bodies_recovered(figure: SentenceFigure) -> bool:
    """Whether a subset figure is the bodies found so far ("Three bodies have been recovered", "four bodies have
    been found"; the figures stage's recovery cue): with no place named, a count of the dead, as "four confirmed
    dead" is, that :func:`dedupe.compare.counts.stated_counts` reads as a lower bound (at least three dead: never
    in conflict with a larger toll)."""
    return figure.scope_cue is not None and figure.scope_cue.lower() in RECOVERY_VERBS


def another_measure(figure: SentenceFigure, text: str, before: list[str]) -> bool:
    """Whether "and another N" counts other people after a figure of another measure ("four bodies have been found
    and another 18 people rescued": 18 rescued), not an increment of its own count ("another 179 people have been
    confirmed dead"); ``before``: the measures of the sentence's figures before it.

    Example:
        >>> from dedupe.figures.extract import parse_sentence
        >>> text = "So far, four bodies have been found and another 18 people rescued."
        >>> dead, rescued = parse_sentence(text)
        >>> another_measure(rescued, text, [counted_measure(dead, text)])
        True
    """
    if figure.scope_cue != "increment" or words(text[:figure.start])[-2:] != ["and", "another"]:
        return False
    measure = counted_measure(figure, text)  # read only for an "and another" figure
    return any(m != measure for m in before)


def acted_on(figure: SentenceFigure, text: str) -> bool:
    """Whether the figure's measure is an adjective between it and its noun ("40 injured people", "three missing
    children"): people someone speaks of, not the toll ("at least 40 people were injured")."""
    after = words(text[figure.end:])[:2]
    return len(after) == 2 and figure.what is not None and after[1] == figure.what \
        and match_at(after, 0, PATIENT, figure.what) is not None


def is_superseded(figure: SentenceFigure, text: str) -> bool:
    """Whether the sentence gives the figure as an earlier value of a count it revises: "revised down from
    Wednesday's figure of 192", "up from 130", "rose from 49 to 94" (``from`` before it, a range's "from 70 to
    130" aside), "Four passengers were previously confirmed dead" (:data:`_EARLIER` within a few words).

    :func:`dedupe.compare.counts.stated_counts` leaves such a figure out where the sentence gives the count's
    current value too.

    Example:
        >>> from dedupe.figures.extract import parse_sentence
        >>> text = "Officials said 184 people are missing, revised down from Wednesday's figure of 192."
        >>> [is_superseded(f, text) for f in parse_sentence(text)]
        [False, True]
    """
    return said_earlier(figure, text) or revised_from(figure, text)


def said_earlier(figure: SentenceFigure, text: str) -> bool:
    """Whether a word of :data:`_EARLIER` ("previously", "initially") stands within a few words of the figure."""
    before, after = words(text[:figure.start]), words(text[figure.end:])
    return bool(_EARLIER & {*before[-_EARLIER_REACH:], *after[:_EARLIER_REACH]})


def revised_from(figure: SentenceFigure, text: str) -> bool:
    """Whether the figure is the value a count was revised from ("the sudden increase from a toll of 410", "up
    from 130"; a range's "from 70 to 130" aside): the sentence is about the change, and the figure is no report
    of the count, as "had previously said at least 80 people" is."""
    before = words(text[:figure.start])
    for at in range(len(before) - 1, max(len(before) - 1 - _FROM_REACH, -1), -1):
        word = before[at]
        if word == "from":
            return not (at and before[at - 1] in _RANGES)
        if word not in _FROM_SKIP and not word.endswith(("'s", "\u2019s")):
            return False
    return False


def counted_measure(figure: SentenceFigure, text: str) -> str:
    """The figure's measure, where the figures stage read it as a state or left it open, as a count key reads it.

    These readings are mended, with the figures stage's own lexicon where it has the words:

    - "remain" followed by the word of a toll that is a state (``PATIENT`` triggers of the missing or trapped,
      auxiliaries between) counts that toll ("164 people remain missing", "20 remain trapped"), where the
      figures stage reads "remaining";
    - a figure whose counted noun is itself a measure (``HEAD_NOUNS``: "the number of missing rose to 192")
      counts it, and so does a number right before the singular of one ("18 people have been rescued and one
      death confirmed", where the figures stage gives "one" the measure of the clause before);
    - people "presumed drowned" or "presumed dead" are missing: no body has been found;
    - people "confirmed as missing", "listed as dead" count that toll (``PATIENT`` after "as");
    - travellers (``TRAVELLERS``) that a vessel carried or was filled with ("the boat carried some 80
      passengers", "was filled with an estimated 150 people", where the figures stage reads no measure) count
      those aboard, as "carrying 80 passengers" does there.

    Example:
        >>> from dedupe.figures.extract import parse_sentence
        >>> [counted_measure(f, "164 people remain missing.") for f in parse_sentence("164 people remain missing.")]
        ['missing']
    """
    for mend in (_remaining_toll, _head_noun, _presumed_dead, _listed_as, _carried_aboard):
        measure = mend(figure, text)
        if measure is not None:
            return measure
    return figure.measure


def _remaining_toll(figure: SentenceFigure, text: str) -> str | None:
    if figure.measure != "remaining":
        return None
    after = words(text[figure.end:])[:_REMAIN_REACH + 3]
    at = next((i for i, w in enumerate(after[:_REMAIN_REACH]) if w in _REMAIN), None)
    if at is None:
        return None
    rest = after[at + 1:]
    start = next((i for i, w in enumerate(rest) if w not in AUXILIARIES), len(rest))
    trigger = match_at(rest, start, PATIENT, figure.what)
    return trigger.measure if trigger is not None and trigger.measure in _REMAINING_TOLLS else None


def _head_noun(figure: SentenceFigure, text: str) -> str | None:
    if figure.measure == "other" and figure.what in HEAD_NOUNS:
        return HEAD_NOUNS[figure.what]
    noun = words(text[figure.end:])[:1]
    if noun and noun[0] in _SINGULAR_TOLLS:  # "and one death confirmed", read with the verb of "18 people rescued"
        return HEAD_NOUNS[plural_noun(noun[0])]
    return None


def _presumed_dead(figure: SentenceFigure, text: str) -> str | None:
    if figure.measure not in ("other", "killed"):
        return None
    after = words(text[figure.end:])[:_PRESUMED_REACH + 1]
    return "missing" if any(w == "presumed" and n in _DEAD_WORDS for w, n in zip(after, after[1:])) else None


def _listed_as(figure: SentenceFigure, text: str) -> str | None:
    if figure.measure != "other":
        return None
    after = words(text[figure.end:])[:_PRESUMED_REACH + 3]
    for i, (word, following) in enumerate(zip(after[:_PRESUMED_REACH], after[1:])):
        if word in _LISTED and following == "as":
            trigger = match_at(after, i + 2, PATIENT, figure.what)
            return trigger.measure if trigger is not None else None
    return None


def _carried_aboard(figure: SentenceFigure, text: str) -> str | None:
    carried = figure.measure == "other" and figure.what in TRAVELLERS and _carried(text[:figure.start])
    return "aboard" if carried else None


def _carried(before: str) -> bool:
    """Whether the words before a count say a vessel carried it ("carried some 80 passengers", "was filled with an
    estimated 150 people"): :data:`_CARRIED` right before the figure."""
    last = tuple(words(before)[-2:])
    return any(last[len(last) - len(phrase):] == phrase for phrase in _CARRIED)


def written(text: str, figure: SentenceFigure) -> str:
    """The figure as written, through its counted noun when that follows closely ("500 people", "one death")."""
    toll = re.match(r"\s+(\w+)", text[figure.end:])
    if toll and toll.group(1).lower() in _SINGULAR_TOLLS:
        return text[figure.start:figure.end + toll.end()]
    if figure.what:
        at = text.lower().find(figure.what, figure.end, figure.end + _NOUN_REACH)
        if at >= 0:
            return text[figure.start:at + len(figure.what)]
    return figure.text


def local_place(figure: SentenceFigure, text: str) -> str | None:
    """The figure's place in lower case, local-level words dropped, when it is below the story's level.

    A place named after the event between them ("2,400 people were injured in Sunday's quake in ... Ludian
    County") is where the event struck, not a part of the toll: the count is the event's.
    """
    if figure.place is None or (figure.scope != "subset" and _after_event(figure, text)):
        return None
    place_words = figure.place.lower().split()
    if "of" in place_words[1:]:  # "Qiaojia County of Zhaotong": the head is the place before "of"
        place_words = place_words[:place_words.index("of", 1)]
    if figure.scope != "subset" and place_words[-1] not in _LOCAL_PLACES and not _local_word_after(figure, text):
        return None
    kept = [w for w in place_words if w not in _LOCAL_PLACES]
    return " ".join(kept) or None


def _local_word_after(figure: SentenceFigure, text: str) -> bool:
    """Whether the word after the place as written is a local place word ("in Qiaojia county", where the
    figures stage reads the place as "Qiaojia"). Not in "the <word> <place word> of": "the Indonesian island of
    Sumatra" names its place after "of", and the word read as the place only qualifies it ("Qiaojia county of
    Zhaotong" is a county)."""
    at = _place_at(figure, text)
    after = words(text[at + len(str(figure.place)):])[:2] if at >= 0 else []
    qualifier = after[1:] == ["of"] and words(text[:at])[-1:] == ["the"]
    return bool(after) and after[0] in _LOCAL_PLACES and not qualifier


def _after_event(figure: SentenceFigure, text: str) -> bool:
    """Whether an event noun (``INCIDENT_WORDS``: "quake", "ferry") stands between the figure and its place."""
    at = _place_at(figure, text)
    return at >= 0 and any(w in INCIDENT_WORDS for w in words(text[figure.end:at]))


def _place_at(figure: SentenceFigure, text: str) -> int:
    """Where the figure's place is written after the figure (-1 where it is not, as written)."""
    return text.find(str(figure.place), figure.end)


def is_history(figure: SentenceFigure, published: dt.date | None, text: str | None = None) -> bool:
    """Whether a figure's period ended :data:`_HISTORY_DAYS` or more before its report ("in 1970 ...").

    Where the figures stage gives the figure no period, its sentence's years decide (``text`` given): a sentence
    that names years, all of them ended that long before the report, tells history ("took 7,700 lives when the
    liner ... was torpedoed ... in January 30, 1945"); a year after "since" ("the worst since 1970") only
    measures the present against it.

    Example:
        >>> from dedupe.figures.extract import parse_sentence
        >>> text = "The worst disaster took 7,700 lives when the liner was torpedoed in January 30, 1945."
        >>> [is_history(f, dt.date(1987, 3, 7), text) for f in parse_sentence(text)]
        [True]
    """
    if published is None:
        return False
    before = published - dt.timedelta(days=_HISTORY_DAYS)
    if figure.period_range is not None:
        return figure.period_range[1] < before
    if text is None:
        return False
    years = [int(m.group(1)) for m in _YEAR.finditer(text) if m.group(0)[:1].lower() != "s"]
    return bool(years) and all(dt.date(year, 12, 31) < before for year in years)
