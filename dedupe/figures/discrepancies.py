"""Compare the figures that several outlets give for the same thing inside a story.

Figures are comparable when they belong to one story (:mod:`dedupe.stories`), have the same measure
(not ``other``), count compatible things ("civilians" and "people" are both people; "children" and
"doctors" are their own) in compatible places (equal, one inside the other's name, or not named), over
the same period. Each group that spans at least ``min_outlets`` outlets gets a status:

- **consistent**: every pair of intervals overlaps;
- **conflict**: some pair is disjoint ("29 doctors" vs "as few as 14 doctors");
- **uncertain**: the figures are about different places ("east Aleppo" vs "Aleppo") or different,
  overlapping periods ("yesterday" vs "in the past eight days"); the reason says which.

Intervals are compared as stated, except that an "approximately" figure is widened by
``approx_tolerance`` (10%) on each side. The range of a group is the lowest and highest value that any
source gives (UCDP's low / high estimates); vague counts ("hundreds") only count towards it when no
source gives a number.

Period rule: periods are resolved to dates against each document's date. Two periods are the *same*
when both ends are within ``period_tolerance_days`` (2 days) of each other, so 003's "six days" (to 28
September) and 004's "in the past eight days" (to 29 September) are one period: both count the dead of
the offensive that began on Thursday 22 September, reported a day apart. A figure with no period is
taken to be the story's running total and joins the group with the longest period. Figures whose periods
overlap without being the same are only ever reported together as ``uncertain``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from dedupe.errors import ConfigError
from dedupe.figures.extract import Figure
from dedupe.figures.numbers import APPROX_TOLERANCE, Number, interval, overlap
from dedupe.lexicon import PEOPLE_NOUNS
from dedupe.stories import Story, story_index
from dedupe.unionfind import UnionFind

STATUSES = ("consistent", "conflict", "uncertain")


@dataclass(frozen=True)
class DiscrepancyConfig:
    """How figures are compared.

    Attributes:
        approx_tolerance: Relative widening of "approximately N" on each side, in [0, 1).
        period_tolerance_days: Largest difference, in days, between the ends of two periods taken as the same.
        min_outlets: Fewest outlets a group must span to be reported (at least 1).
    """

    approx_tolerance: float = APPROX_TOLERANCE
    period_tolerance_days: float = 2.0
    min_outlets: int = 2

    def __post_init__(self) -> None:
        if not 0.0 <= self.approx_tolerance < 1.0:
            raise ConfigError("approx_tolerance must be in [0, 1)")
        if self.period_tolerance_days < 0:
            raise ConfigError("period_tolerance_days must not be negative")
        if self.min_outlets < 1:
            raise ConfigError("min_outlets must be at least 1")


@dataclass(frozen=True)
class Discrepancy:
    """A group of comparable figures and whether they agree.

    Attributes:
        story: Id of the story.
        measure: The shared measure ("killed").
        what: What is counted ("people" for people, civilians, residents...; else the noun).
        place: The place named by the figures, ``None`` when none is.
        status: ``consistent``, ``conflict`` or ``uncertain``.
        figures: Indexes of the figures, in the tuple given to :func:`find_discrepancies`.
        low: Lowest value any source gives.
        high: Highest value any source gives.
        outlets: The outlets, sorted.
        reason: Why the status was given, in words.
    """

    story: str
    measure: str
    what: str
    place: str | None
    status: str
    figures: tuple[int, ...]
    low: Number
    high: Number
    outlets: tuple[str, ...]
    reason: str


def find_discrepancies(figures: Sequence[Figure], stories: tuple[Story, ...],
                       config: DiscrepancyConfig | None = None) -> tuple[Discrepancy, ...]:
    """Group comparable figures of each story and judge whether the outlets agree.

    Args:
        figures: Figures from :func:`dedupe.figures.extract.extract_figures` (indexes refer to this sequence).
        stories: Story grouping of the documents; figures of documents in no story are ignored.
        config: Comparison options.

    Returns:
        Discrepancies ordered by story, then by their first figure.
    """
    config = config or DiscrepancyConfig()
    story_of = story_index(stories)
    keys: dict[tuple[str, str, str], list[int]] = {}
    for i, figure in enumerate(figures):
        if figure.measure == "other" or figure.what is None or figure.doc not in story_of:
            continue
        keys.setdefault((story_of[figure.doc], figure.measure, family(figure.what)), []).append(i)
    order = {story.id: n for n, story in enumerate(stories)}
    found: list[Discrepancy] = []
    for (story, measure, what), members in sorted(keys.items(), key=lambda kv: (order[kv[0][0]], kv[1][0])):
        found.extend(_judge_key(figures, story, measure, what, members, config))
    return tuple(sorted(found, key=lambda d: (order[d.story], d.figures[0])))


def family(what: str) -> str:
    """The comparison class of a counted noun: "people" for people-like nouns, else the noun itself."""
    return "people" if what in PEOPLE_NOUNS else what


def _judge_key(figures: Sequence[Figure], story: str, measure: str, what: str, members: list[int],
               config: DiscrepancyConfig) -> list[Discrepancy]:
    buckets = _buckets(figures, members, config)
    reported: list[Discrepancy] = []
    leftovers: list[list[int]] = []
    for bucket in buckets:
        if len({figures[i].outlet for i in bucket}) >= config.min_outlets:
            reported.append(_discrepancy(figures, story, measure, what, bucket, config, None))
        else:
            leftovers.append(bucket)
    for group in _overlapping(figures, leftovers):
        if len({figures[i].outlet for i in group}) >= config.min_outlets:
            reason = "periods differ: " + "; ".join(_describe(figures[i]) for i in group)
            reported.append(_discrepancy(figures, story, measure, what, group, config, reason))
    return reported


def _buckets(figures: Sequence[Figure], members: list[int], config: DiscrepancyConfig) -> list[list[int]]:
    """Figures with the same period (within tolerance) and compatible places; undated ones join the longest."""
    dated = [i for i in members if figures[i].period is not None]
    undated = [i for i in members if figures[i].period is None]
    buckets: list[list[int]] = []
    for i in dated:
        home = next((b for b in buckets if all(_same_period(figures[i], figures[j], config)
                                               and _places_compatible(figures[i], figures[j]) for j in b)), None)
        if home is None:
            buckets.append([i])
        else:
            home.append(i)
    for i in undated:
        fitting = [b for b in buckets if all(_places_compatible(figures[i], figures[j]) for j in b)]
        if fitting:
            max(fitting, key=lambda b: (_span_days(figures, b), -buckets.index(b))).append(i)
        else:
            buckets.append([i])
    return [sorted(b) for b in buckets]


def _span_days(figures: Sequence[Figure], bucket: list[int]) -> float:
    """Longest resolved period in a bucket, in days (-1 when none resolves, 0 for undated buckets)."""
    spans = [(r[1] - r[0]).days for r in (figures[i].period_range for i in bucket) if r is not None]
    if spans:
        return max(spans)
    return 0 if all(figures[i].period is None for i in bucket) else -1


def _same_period(a: Figure, b: Figure, config: DiscrepancyConfig) -> bool:
    if a.period_range is not None and b.period_range is not None:
        tolerance = dt.timedelta(days=config.period_tolerance_days)
        return (abs(a.period_range[0] - b.period_range[0]) <= tolerance
                and abs(a.period_range[1] - b.period_range[1]) <= tolerance)
    return (a.period or "").lower() == (b.period or "").lower()


def _places_compatible(a: Figure, b: Figure) -> bool:
    if a.place is None or b.place is None:
        return True
    x, y = a.place.lower().split(), b.place.lower().split()
    return _contains(x, y) or _contains(y, x)


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def _overlapping(figures: Sequence[Figure], buckets: list[list[int]]) -> list[list[int]]:
    """Unions of single-outlet buckets whose periods overlap (but are not the same) across outlets."""
    sets = UnionFind(len(buckets))
    for a in range(len(buckets)):
        for b in range(a + 1, len(buckets)):
            if _buckets_overlap(figures, buckets[a], buckets[b]):
                sets.union(a, b)
    unions = ([figure for n in group for figure in buckets[n]] for group in sets.groups())
    return [sorted(g) for g in unions if len(g) > 1]


def _buckets_overlap(figures: Sequence[Figure], a: list[int], b: list[int]) -> bool:
    if {figures[i].outlet for i in a} == {figures[i].outlet for i in b}:
        return False
    for i in a:
        for j in b:
            x, y = figures[i].period_range, figures[j].period_range
            if x and y and x[0] <= y[1] and y[0] <= x[1] and _places_compatible(figures[i], figures[j]):
                return True
    return False


def _discrepancy(figures: Sequence[Figure], story: str, measure: str, what: str, group: list[int],
                 config: DiscrepancyConfig, period_reason: str | None) -> Discrepancy:
    places = sorted({place for place in (figures[i].place for i in group) if place}, key=lambda p: (len(p), p))
    low, high = _range(figures, group)
    outlets = tuple(sorted({figures[i].outlet for i in group}))
    distinct_places = {p.lower() for p in places}
    if period_reason is not None:
        status, reason = "uncertain", period_reason
    elif len(distinct_places) > 1:
        status, reason = "uncertain", "places differ: " + " vs ".join(places)
    else:
        status, reason = _status(figures, group, config)
    return Discrepancy(story, measure, what, places[0] if places else None, status, tuple(group), low, high,
                       outlets, reason)


def _status(figures: Sequence[Figure], group: list[int], config: DiscrepancyConfig) -> tuple[str, str]:
    for n, i in enumerate(group):
        for j in group[n + 1:]:
            if not overlap(_effective(figures[i], config), _effective(figures[j], config)):
                return "conflict", f"{_describe(figures[i])} vs {_describe(figures[j])}: the intervals do not overlap"
    periods = sorted({period for period in (figures[i].period for i in group) if period})
    note = f"; periods taken as the same: {', '.join(periods)}" if len(periods) > 1 else ""
    return "consistent", "all intervals overlap" + note


def _effective(figure: Figure, config: DiscrepancyConfig) -> tuple[float, float]:
    return interval(figure.low, figure.high, figure.qualifier, config.approx_tolerance)


def _range(figures: Sequence[Figure], group: list[int]) -> tuple[Number, Number]:
    precise = [i for i in group if figures[i].qualifier != "vague"] or group
    lows = [v for v in (figures[i].low if figures[i].low is not None else figures[i].high for i in precise)
            if v is not None]
    highs = [v for v in (figures[i].high if figures[i].high is not None else figures[i].low for i in precise)
             if v is not None]
    return min(lows), max(highs)


def _describe(figure: Figure) -> str:
    period = f", {figure.period}" if figure.period else ""
    return f"{figure.text} {figure.what} ({figure.outlet}{period})"
