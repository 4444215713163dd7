"""Claims that report the same count: one claim per toll, whatever the wording and the figure.

Outlets report a disaster's tolls (the dead, the injured, the missing, the evacuated) in words that
share little but the number, and the number differs from report to report as the toll rises. Those
sentences state one claim each ("how many were killed"), and a lead that gives the dead, the injured
and the missing states three. This module reads what a claim counts through the figures stage
(:func:`dedupe.figures.extract.parse_sentence`, the one number parser) and groups, inside one story,
the claims that count the same thing:

- the *count key* of a figure is its measure (only the measures that count people:
  :data:`dedupe.figures.measures.HUMAN_MEASURES`), the local place it names when that place is below
  the story's level (a county, a town, a village, or a place named as part of the whole: "122 of the
  dead were in Ludian"), and whether it is a running total ("in the past eight days") or the event's
  toll; the rescued and those aboard are keys of their own (a vessel's complement is a total that
  outlets should agree on, so two figures of it with nothing in common are a divergence, never an update);
- a figure whose period ended well before the report ("in 1970 a quake killed 15,000") is history,
  not the story's count, and is left out; so is the earlier value of a count that the sentence revises
  ("184 are missing, revised down from Wednesday's figure of 192", "previously confirmed dead ... revised that
  figure down to three": :func:`dedupe.compare.readings.is_superseded`);
- two claims of different documents that share a count key are linked when their embedding cosine is
  at least ``min_cosine`` (the same story's tolls sit well above it, an unrelated count below); groups
  form by the same greedy average linkage as the alignment (:func:`dedupe.compare.align.group_pairs`),
  so a group is tight around one count.

A claim may sit in several count groups (one per thing it counts) besides its wording group.
The figures of a group are then compared by :func:`count_conflict`: values with nothing in common
(intervals of :func:`dedupe.figures.numbers.interval`) are a divergence, shown as written.

Example:
    >>> sorted(k.measure for k in count_keys("At least 175 people were killed and 181 are missing."))
    ['killed', 'missing']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import combinations

import numpy as np

from dedupe.compare.align import ScoredPair, group_pairs
from dedupe.compare.divergence import rounds
from dedupe.figures import timeline
from dedupe.compare.features import words
from dedupe.compare.readings import acted_on, another_measure, bodies_recovered, counted_measure, is_history, \
    local_place, revised_from, said_earlier, written
from dedupe.figures.extract import SentenceFigure, parse_sentence
from dedupe.figures.measures import HUMAN_MEASURES
from dedupe.figures.numbers import interval, overlap

_RUNNING_TOTALS = frozenset({"cumulative", "conflict-wide"})
# An exact figure this large, given by two outlets for one key, is one claim.
_SAME_FIGURE = 100.0
# A sentence that opens with one of these refers to the count of the sentence before it ("The number, revised up
# from 130, is three times ...", "That figure is expected to rise").
_REFERRING = frozenset({("the", "number"), ("the", "figure"), ("the", "toll"), ("the", "tally"), ("that", "number"),
                        ("that", "figure"), ("this", "number"), ("this", "figure")})


@dataclass(frozen=True)
class CountKey:
    """What a figure counts.

    Attributes:
        measure: One of :data:`dedupe.figures.measures.HUMAN_MEASURES`; for a fact that is no count of
            people (:mod:`dedupe.compare.facts`), the thing counted ("homes") or the parameter ("magnitude").
        place: Lower-case local place ("ludian"), ``None`` for the story's own level.
        running: True for a running total over a period, False for the event's toll.
        kind: ``people`` (a toll), ``things`` (a count of things) or ``parameter`` (an event's parameter).
    """

    measure: str
    place: str | None
    running: bool
    kind: str = "people"


@dataclass(frozen=True)
class StatedCount:
    """One figure of a claim that counts a key: its interval and the phrase as written ("at least 175 people").

    ``point``: for a fact, the value as stated when it is specific enough to identify the fact ("12,000",
    "6.1"; see :mod:`dedupe.compare.facts`), else ``None``.
    ``toll``: whether the figure reports the count: not the value a count was revised from
    (:func:`dedupe.compare.readings.revised_from`), not people that someone acted on, whose measure is an
    adjective before their noun ("helped pull at least 40 injured people from collapsed buildings").
    """

    key: CountKey
    interval: tuple[float, float]
    text: str
    point: float | None = None
    toll: bool = False


@dataclass(frozen=True)
class CountGroup:
    """Claims (indices into the story's claim list, ascending) that count the same key."""

    key: CountKey
    members: tuple[int, ...]


def stated_counts(text: str, published: dt.date | None = None,
                  figures: Sequence[SentenceFigure] | None = None) -> tuple[StatedCount, ...]:
    """The counts of people a claim states, history left out.

    Args:
        text: The claim.
        published: Its document's date, to tell history from the story's counts.
        figures: ``parse_sentence(text, published)`` where the caller has it already.

    Returns:
        The counts, in text order.
    """
    found = []
    superseded = []
    measures: list[str] = []
    for figure in parse_sentence(text, published) if figures is None else figures:
        measure = counted_measure(figure, text)
        others = another_measure(figure, text, measures)
        measures.append(measure)
        if measure not in HUMAN_MEASURES or is_history(figure, published, text):
            continue
        if figure.low is None and figure.high is None:
            continue
        place = local_place(figure, text)
        part = figure.scope == "subset" and place is None and not others  # of a toll it does not place
        if part and not bodies_recovered(figure):
            continue  # "another 179", "one of them": no toll
        key = CountKey(measure, place, figure.scope in _RUNNING_TOTALS)
        revised = revised_from(figure, text)
        old = revised or said_earlier(figure, text)  # an earlier value: kept where the sentence gives no current one
        bounds = interval(figure.low, figure.high, figure.qualifier)
        if part:  # bodies recovered: at least that many dead
            bounds = (bounds[0], float("inf"))
        found.append(StatedCount(key, bounds, written(text, figure),
                                 toll=not revised and not acted_on(figure, text)))
        superseded.append(old)
    current = {count.key for count, old in zip(found, superseded) if not old}
    return tuple(count for count, old in zip(found, superseded) if not old or count.key not in current)


def referred_counts(texts: Sequence[str], counts: Sequence[tuple[StatedCount, ...]], previous: Sequence[int | None]
                    ) -> list[tuple[StatedCount, ...]]:
    """What each claim counts, a claim that refers to the count of the sentence before it included.

    A claim that opens with a referring noun phrase (:data:`_REFERRING`: "The number, revised up from 130, is
    three times the number of passengers the ferry was licensed to carry") and gives no current count itself
    states the current counts of people of the claim before it (as written there: "More than 190 people").

    Args:
        texts: The claims, in document order.
        counts: What each claim counts (:func:`stated_counts`).
        previous: Index of the claim of the sentence right before each claim's in its document, ``None`` where
            there is none.

    Example:
        >>> texts = ["More than 190 people are now thought to be missing.", "The number, revised up from 130, is high."]
        >>> [(c.key.measure, c.text) for c in referred_counts(texts, [stated_counts(t) for t in texts], [None, 0])[1]]
        [('missing', 'More than 190 people')]
    """
    result = list(counts)
    for i, (text, before) in enumerate(zip(texts, previous)):
        if before is None or any(c.toll for c in counts[i]) or tuple(words(text)[:2]) not in _REFERRING:
            continue
        result[i] = (*counts[i], *(c for c in counts[before] if c.toll and c.key.kind == "people"))
    return result


def count_keys(text: str, published: dt.date | None = None) -> frozenset[CountKey]:
    """The keys a claim counts (see :func:`stated_counts`)."""
    return frozenset(count.key for count in stated_counts(text, published))


def count_groups(counts: Sequence[Sequence[StatedCount]], vectors: np.ndarray, doc_keys: Sequence[str],
                 min_cosine: float, sentence_keys: Sequence[str] | None = None,
                 mutual_cosine: float | None = None) -> tuple[CountGroup, ...]:
    """Groups of claims of two or more documents that count the same key.

    Two claims that give the same exact figure of one key, :data:`_SAME_FIGURE` or more ("250,000
    people under siege"), link whatever their cosine: a figure that precise is the claim.

    Two claims of two documents that are each other's closest claim of the key in the other's document (a
    mutual best match by cosine) link from ``mutual_cosine`` on: a report states its count of a thing once or
    twice, in wording that wire copy packs with the rest of its lead (the ship, the place, the source), so two
    reports' counts can sit under ``min_cosine``, while a claim that only mentions the key (a quote about the
    bodies, an earlier toll) is nobody's closest match and links to many at low cosine without the test.

    Args:
        counts: What each claim of a story counts (:func:`stated_counts`).
        vectors: L2-normalised embeddings of the claims, one row each.
        doc_keys: Document of each claim.
        min_cosine: Smallest cosine for two claims to link, and smallest mean link for groups to merge.
        sentence_keys: Sentence of each claim; two parts of one sentence never share a group.
        mutual_cosine: Smallest cosine for a mutual best match to link (its link raised to ``min_cosine``);
            ``None``: no mutual-best link.

    Returns:
        The groups, ordered by key then first member.
    """
    return key_groups(counts, vectors, doc_keys, min_cosine, partial(_link, min_cosine=min_cosine), sentence_keys,
                      mutual_cosine)


# The link of two claims that state a key: (first's figures, second's figures, key, cosine) -> link.
Link = Callable[[Sequence[StatedCount], Sequence[StatedCount], CountKey, float], float]


def key_groups(found: Sequence[Sequence[StatedCount]], vectors: np.ndarray, doc_keys: Sequence[str],
               min_cosine: float, link: Link, sentence_keys: Sequence[str] | None = None,
               mutual_cosine: float | None = None) -> tuple[CountGroup, ...]:
    """Groups of claims of two or more documents that state the same key, linked by ``link``.

    Args:
        found: What each claim of a story states (counts or facts).
        vectors: L2-normalised embeddings of the claims, one row each.
        doc_keys: Document of each claim.
        min_cosine: Smallest link for two claims to link, and smallest mean link for groups to merge.
        link: The link of two claims stating a key, from their figures and embedding cosine.
        sentence_keys: Sentence of each claim; two parts of one sentence never share a group.
        mutual_cosine: Smallest cosine for two claims that are each other's closest claim of the key in the other's
            document to link (raised to ``min_cosine``); ``None``: no such link (see :func:`count_groups`).

    Returns:
        The groups, ordered by key then first member.
    """
    by_key: dict[CountKey, list[int]] = {}
    for i, stated in enumerate(found):
        for key in dict.fromkeys(c.key for c in stated):
            by_key.setdefault(key, []).append(i)
    groups = []
    for key in sorted(by_key, key=lambda k: (k.measure, k.place or "", k.running)):
        indices = by_key[key]
        if len({doc_keys[i] for i in indices}) < 2:
            continue
        cross = [(a, b, float(vectors[indices[a]] @ vectors[indices[b]]))
                 for a, b in combinations(range(len(indices)), 2) if doc_keys[indices[a]] != doc_keys[indices[b]]]
        mutual = set() if mutual_cosine is None else mutual_best(cross, [doc_keys[i] for i in indices], mutual_cosine)
        links = [(a, b, max(link(found[indices[a]], found[indices[b]], key, cosine),
                            min_cosine if (a, b) in mutual else -1.0)) for a, b, cosine in cross]
        pairs = [ScoredPair(a, b, c, c) for a, b, c in links if c >= min_cosine]
        local_sentences = [sentence_keys[i] for i in indices] if sentence_keys is not None else None
        for group in group_pairs(len(indices), [doc_keys[i] for i in indices], pairs, min_cosine, local_sentences):
            groups.append(CountGroup(key, tuple(indices[i] for i in group)))
    return tuple(groups)


def mutual_best(pairs: Sequence[tuple[int, int, float]], doc_keys: Sequence[str], min_cosine: float
                ) -> set[tuple[int, int]]:
    """The pairs, at ``min_cosine`` or above, whose two claims are each other's closest in the other's document.

    Args:
        pairs: ``(i, j, cosine)`` of claims of different documents, each pair once.
        doc_keys: Document of each claim.
        min_cosine: Smallest cosine of a pair kept.

    Returns:
        ``(i, j)`` of the mutual best matches (ties: every pair at the best cosine).

    Example:
        >>> sorted(mutual_best([(0, 2, 0.3), (1, 2, 0.25), (0, 3, 0.1)], ["a", "a", "b", "b"], 0.2))
        [(0, 2)]
    """
    best = best_in_documents(pairs, doc_keys)
    return {(i, j) for i, j, cosine in pairs
            if cosine >= min_cosine and cosine >= best[(i, doc_keys[j])] and cosine >= best[(j, doc_keys[i])]}


def best_in_documents(pairs: Sequence[tuple[int, int, float]], doc_keys: Sequence[str]
                      ) -> dict[tuple[int, str], float]:
    """Each claim's best score in each other document: what :func:`mutual_best` compares a pair with.

    Args:
        pairs: ``(i, j, score)`` of claims of different documents, each pair once (higher is closer).
        doc_keys: Document of each claim.

    Returns:
        ``(claim, document) -> score`` of the claim's best pair with a claim of that document.

    Example:
        >>> best_in_documents([(0, 2, 0.3), (1, 2, 0.25), (0, 3, 0.1)], ["a", "a", "b", "b"])[(2, "a")]
        0.3
    """
    best: dict[tuple[int, str], float] = {}
    for i, j, score in pairs:
        for claim, partner in ((i, j), (j, i)):
            slot = (claim, doc_keys[partner])
            best[slot] = max(best.get(slot, float("-inf")), score)
    return best


def _link(a: Sequence[StatedCount], b: Sequence[StatedCount], key: CountKey, cosine: float, min_cosine: float
          ) -> float:
    """The link of two claims counting ``key``: their cosine, raised to ``min_cosine`` for one precise figure."""
    exact = {c.interval for c in a if c.key == key and c.interval[0] == c.interval[1] >= _SAME_FIGURE}
    if any(c.key == key and c.interval in exact for c in b):
        return max(cosine, min_cosine)
    return cosine


def count_conflict(a: Sequence[StatedCount], b: Sequence[StatedCount], key: CountKey,
                   days: tuple[dt.date | None, dt.date | None] = (None, None)
                   ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The figures of ``key`` in two claims when no value of one is possible in the other (as written).

    A difference that time explains is not a conflict (see :func:`count_update`).

    Args:
        a: What the first claim counts.
        b: What the second claim counts.
        key: The count compared.
        days: The two claims' report dates (``None``: unknown).
    """
    differ = count_difference(a, b, key)
    return None if differ is None or count_update(a, b, key, days) else differ


def count_difference(a: Sequence[StatedCount], b: Sequence[StatedCount], key: CountKey
                     ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The figures of ``key`` in two claims when no value of one is possible in the other, conflict or not
    (a round figure and one within 2% of it are the same value: "1400" / "1,402")."""
    first = [c for c in a if c.key == key]
    second = [c for c in b if c.key == key]
    if not first or not second or any(overlap(x.interval, y.interval) or rounds(x.interval, y.interval)
                                      for x in first for y in second):
        return None
    return tuple(c.text for c in first), tuple(c.text for c in second)


def count_update(a: Sequence[StatedCount], b: Sequence[StatedCount], key: CountKey,
                 days: tuple[dt.date | None, dt.date | None]) -> bool:
    """Whether time explains two different figures of one toll: an update between reports, not a conflict.

    Both report dates must be known and differ, and the measure must be a toll that is reported as it grows
    (:data:`dedupe.figures.timeline.TOLLS`); the later report gives more, or the toll moves both ways
    (:data:`dedupe.figures.timeline.TWO_WAY`: the missing are found). A state ("29 doctors remain") or a toll
    that falls with no revision stated stays a conflict.

    Example:
        >>> dead = CountKey("killed", None, False)
        >>> early, late = stated_counts("175 people were killed."), stated_counts("589 people were killed.")
        >>> count_update(early, late, dead, (dt.date(2014, 8, 3), dt.date(2014, 8, 7)))
        True
        >>> count_update(late, early, dead, (dt.date(2014, 8, 3), dt.date(2014, 8, 7)))
        False
    """
    day_a, day_b = days
    if day_a is None or day_b is None or day_a == day_b or key.measure not in timeline.TOLLS:
        return False
    if key.measure in timeline.TWO_WAY:
        return True
    earlier, later = (a, b) if day_a < day_b else (b, a)
    top = max(c.interval[1] for c in earlier if c.key == key)
    return all(c.interval[0] > top for c in later if c.key == key)
