"""Claims that state the same specific fact-figure: one claim, whatever the wording.

:mod:`dedupe.compare.counts` groups the claims that count the same people (the dead, the injured...). Outlets
share other figures just as often, worded apart: "About 12,000 homes collapsed" / "more than 12,000 houses had
been toppled", the quake's magnitude ("magnitude-6.1" / "6.1-magnitude"), its depth, the clock time it struck,
how far from the capital. A *fact key* is what such a figure is about:

- a count of things: the noun the figures stage links the number to
  (:func:`dedupe.figures.extract.parse_sentence`, measure ``other``), in its singular form, one word for words
  that name the same thing in every story (homes, houses, dwellings: :data:`_SAME_THING`), with what befell
  them when the sentence says it (destroyed or damaged: two counts, as the killed and the injured are);
  counts of people are :mod:`dedupe.compare.counts`' domain and left out here;
- an event's parameter (:func:`dedupe.figures.parameters.event_parameters`): magnitude, depth, distance in one
  compass direction, the clock time it struck.

Two claims of different documents that state the same key are linked when their embedding cosine is at least
``fact_cosine`` (the values may then differ: 12 km vs 10 km deep is a divergence an editor wants to see), or,
when they state the same *specific* value of it (a count of 100 or more as written, a magnitude, a clock time,
a distance of 100 or more: 12,000; 6.1; 4:30 p.m.), at least ``same_cosine``: a specific value shared by two
outlets is stronger evidence than a small or round one (2 hospitals, 10 km). A vessel's capacity links at
``same_cosine`` whatever its values ("a capacity of 60 passengers" / "a 43-passenger capacity"): a claim states
it for its own sake, about the one vessel of the story. Groups form by average linkage
(:func:`dedupe.compare.counts.key_groups`), one per key, so a sentence joins one group per fact it states.

Example:
    >>> [(f.key.measure, f.point) for f in stated_facts("More than 12,000 houses had been toppled.")]
    [('home destroyed', 12000.0)]
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from collections.abc import Sequence

import numpy as np

from dedupe.compare.counts import CountGroup, CountKey, StatedCount, key_groups
from dedupe.compare.readings import counted_measure, is_history, written
from dedupe.compare.features import words
from dedupe.figures.extract import SentenceFigure, parse_sentence
from dedupe.figures.numbers import interval, overlap
from dedupe.figures.parameters import EventParameter, event_parameters
from dedupe.lexicon import PEOPLE_NOUNS, UTC_OFFSETS

# Nouns that name the same thing whatever the story (the first word of each entry stands for the others).
_SAME_THING = {"house": "home", "dwelling": "home", "residence": "home"}
# What befell the things counted: destroyed and damaged are two counts ("12,000 houses toppled and 30,000
# damaged"), as the killed and the injured are. A state word right before the figure ("destroyed 300 homes",
# "the collapse of 12,000 homes") or among the few words after its noun ("homes collapsed", "30,000 damaged").
_STATES = {**dict.fromkeys(("destroyed", "destroy", "destroying", "destruction", "collapsed", "collapse",
                            "collapsing", "toppled", "topple", "toppling", "flattened", "flattening", "razed",
                            "razing", "levelled", "leveled", "wrecked", "demolished", "crushed", "buried"),
                           "destroyed"),
           **dict.fromkeys(("damaged", "damage", "damaging", "cracked"), "damaged")}
_STATE_REACH = 4
# A count as written this large is specific enough to identify a fact ("12,000 homes", "277 miles").
_SPECIFIC = 100.0
# Parameters whose every stated value is specific (a magnitude to a tenth, a clock time to the minute).
_ALWAYS_SPECIFIC = ("magnitude", "time")  # "time", "time event utc"
# The zones a time key may end with, longest first ("wita" is tried before "wit").
_ZONES_LONGEST_FIRST = tuple(sorted(UTC_OFFSETS, key=len, reverse=True))
# Parameters that a claim states for their own sake, of the one thing the story is about (a vessel's capacity):
# two claims that state one are about the same fact whatever their wording and values, which a reader should
# see side by side. Not a magnitude or a depth: stories name those in passing in claims about other things
# (with magnitude and depth here, ludian-quake's pair F1 fell 0.948 -> 0.919: `python -m benchmarks.claims_quality
# data <multi-outlet articles> --split tune --loeo`, benchmarks/README.md, session 13, claims18).
_ONE_VALUE = frozenset({"capacity"})
_SINGULAR = (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss"), ("s", ""))


def stated_facts(text: str, published: dt.date | None = None,
                 figures: Sequence[SentenceFigure] | None = None) -> tuple[StatedCount, ...]:
    """The counts of things and the event parameters a claim states, in text order (history left out).

    Args:
        text: The claim.
        published: Its document's date, to tell history from the story's facts.
        figures: ``parse_sentence(text, published)`` where the caller has it already.

    Returns:
        One :class:`~dedupe.compare.counts.StatedCount` per figure, its key of kind ``things`` or
        ``parameter``, its ``point`` the value when specific.
    """
    found: list[tuple[int, StatedCount]] = []
    for figure in parse_sentence(text, published) if figures is None else figures:
        thing = _thing(figure, text)
        if thing is not None and not is_history(figure, published, text):
            found.append((figure.start, thing))
    found.extend((p.start, _parameter(p)) for p in event_parameters(text))
    return tuple(fact for _, fact in sorted(found, key=lambda item: item[0]))


def local_times(facts: Sequence[tuple[StatedCount, ...]], offset: int | None) -> list[tuple[StatedCount, ...]]:
    """The facts with each clock time given in a known zone ("0830 UTC") moved to the story's local time, when its
    offset east of UTC is known (:func:`dedupe.figures.parameters.local_offset`): one time, one key ("time event").

    Example:
        >>> [f.key.measure for f in local_times([stated_facts("The disaster struck at 0830 UTC.")], 480)[0]]
        ['time event']
    """
    if offset is None:
        return list(facts)
    return [tuple(_localised(fact, offset) for fact in stated) for stated in facts]


def _localised(fact: StatedCount, offset: int) -> StatedCount:
    measure = fact.key.measure
    if fact.key.kind != "parameter" or not measure.startswith("time") or fact.point is None:
        return fact
    zone = next((z for z in _ZONES_LONGEST_FIRST if measure.endswith(f" {z}")), None)
    if zone is None:
        return fact
    moved = (fact.point - UTC_OFFSETS[zone] + offset) % 1440
    delta = moved - fact.point
    return StatedCount(replace(fact.key, measure=measure[:-len(zone) - 1]),
                       (fact.interval[0] + delta, fact.interval[1] + delta), fact.text, moved)


def thing_noun(noun: str) -> str:
    """The key of a counted noun: singular, lower case, one word for the same thing ("Houses" -> "home").

    Example:
        >>> thing_noun("Houses"), thing_noun("ambulances"), thing_noun("bodies")
        ('home', 'ambulance', 'body')
    """
    word = noun.lower()
    if len(word) > 3 and not word.endswith(("ss", "us")):
        suffix, replacement = next(((s, r) for s, r in _SINGULAR if word.endswith(s)), ("", ""))
        word = word[:len(word) - len(suffix)] + replacement if suffix else word
    return _SAME_THING.get(word, word)


def fact_groups(facts: Sequence[Sequence[StatedCount]], vectors: np.ndarray, doc_keys: Sequence[str],
                min_cosine: float, same_cosine: float, sentence_keys: Sequence[str] | None = None
                ) -> tuple[CountGroup, ...]:
    """Groups of claims of two or more documents that state the same fact key.

    Args:
        facts: What each claim of a story states (:func:`stated_facts`).
        vectors: L2-normalised embeddings of the claims, one row each.
        doc_keys: Document of each claim.
        min_cosine: Smallest cosine for two claims stating one key to link, whatever their values.
        same_cosine: Smallest cosine for two claims giving the same specific value of one key to link.
        sentence_keys: Sentence of each claim; two parts of one sentence never share a group.

    Returns:
        The groups, ordered by key then first member.
    """
    def link(a: Sequence[StatedCount], b: Sequence[StatedCount], key: CountKey, cosine: float) -> float:
        if cosine >= same_cosine and (key.measure in _ONE_VALUE or _same_point(a, b, key)):
            return max(cosine, min_cosine)
        return cosine

    return key_groups(facts, vectors, doc_keys, min_cosine, link, sentence_keys)


def _same_point(a: Sequence[StatedCount], b: Sequence[StatedCount], key: CountKey) -> bool:
    """Whether two claims give one specific value of ``key``: the same point, or two bounded intervals that
    overlap ("about 400,000" holds 429,000; "more than 12,000" and "more than 80,000" are no same value)."""
    first = [f for f in a if f.key == key and f.point is not None]
    second = [f for f in b if f.key == key and f.point is not None]
    return any(x.point == y.point or (_bounded(x) and _bounded(y) and overlap(x.interval, y.interval))
               for x in first for y in second)


def _bounded(fact: StatedCount) -> bool:
    return math.isfinite(fact.interval[0]) and math.isfinite(fact.interval[1])


def _thing(figure: SentenceFigure, text: str) -> StatedCount | None:
    """A count of things (no people: the count keys' domain), its point when specific."""
    # (a head noun such as "deaths" is never "other": counted_measure reads it as its measure)
    if counted_measure(figure, text) != "other" or not figure.what or figure.what in PEOPLE_NOUNS \
            or (figure.low is None and figure.high is None):
        return None
    state = _state(figure, text)
    key = CountKey(f"{thing_noun(figure.what)} {state}" if state else thing_noun(figure.what), None, False, "things")
    stated = figure.low if figure.low is not None else figure.high
    point = float(stated) if figure.qualifier != "vague" and stated is not None and stated >= _SPECIFIC else None
    return StatedCount(key, interval(figure.low, figure.high, figure.qualifier), written(text, figure), point)


def _state(figure: SentenceFigure, text: str) -> str | None:
    """``destroyed`` or ``damaged`` when a state word stands right before the figure (through "of": "the collapse
    of") or within a few words after it, before any other number; else ``None``."""
    before = words(text[:figure.start])[-2:]
    if before and before[-1] in _STATES:
        return _STATES[before[-1]]
    if before[-1:] == ["of"] and len(before) == 2 and before[0] in _STATES:
        return _STATES[before[0]]
    for word in words(text[figure.end:])[:_STATE_REACH + 1]:
        if word in _STATES:
            return _STATES[word]
        if any(ch.isdigit() for ch in word):
            return None
    return None


def _parameter(parameter: EventParameter) -> StatedCount:
    """An event parameter as a fact: its point is its value when specific."""
    specific = parameter.kind.startswith(_ALWAYS_SPECIFIC) or parameter.value >= _SPECIFIC
    return StatedCount(CountKey(parameter.kind, None, False, "parameter"), parameter.interval, parameter.text,
                       parameter.value if specific else None)
