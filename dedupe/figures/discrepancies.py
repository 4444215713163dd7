"""Compare the figures that several outlets give for the same thing inside a story: like with like.

Figures are comparable when they belong to one story (:mod:`dedupe.stories`), have the same measure
(not ``other``), count compatible things ("civilians" and "people" are both people; "children" and
"doctors" are their own), have the same **scope** (:mod:`dedupe.figures.scope`: one incident, a
cumulative toll, a whole war, a part of another count, a state), are about the same **event** and stand
in compatible **places** (equal, one inside the other's name, or not named; the place is where the
counted thing happened, :func:`dedupe.figures.context.find_places`).

- **Event**: incidents are told apart by their kind ("convoy", "earthquake"); a figure dated to another
  time ("in 2012", "last week", "three years ago", or a period ending more than ``past_days`` before
  its report) is about an earlier event and is compared only with figures of that same period.
- **Period**: two cumulative tolls are one running count when their periods overlap and either start
  within ``period_tolerance_days`` of each other or the shorter is at least half the longer ("six
  days" to 28 September, "in the past eight days" to 29 September, "the last week"); "yesterday"'s nine
  deaths are not the eight-day toll. A state ("29 doctors") is compared only over the same period.
- **Unstated scope**: a figure whose sentence gives no scope ("398 people had been killed") joins the
  comparable group that spans the most outlets, else starts its own.

Each group that spans at least ``min_outlets`` outlets gets a status:

- **consistent**: every pair of intervals overlaps;
- **update**: some pair is disjoint, and time explains every such pair (:mod:`dedupe.figures.timeline`:
  a later or longer report gives more, or a stated revision);
- **conflict**: some disjoint pair that time does not explain ("29 doctors" vs "as few as 14 doctors");
- **uncertain**: time might explain it, but a publication date is unknown and cannot be inferred.

Intervals are compared as stated, except that an "approximately" figure is widened by
``approx_tolerance`` (10%) on each side. The range of a group is the lowest and highest value that any
source gives, with a best estimate between them (UCDP's low / best / high): the median of the latest
reports' values. Vague counts ("hundreds") only count towards the range when no source gives a number.
A group lists its figures in order of publication, each with its source's attribution chain.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from dedupe.errors import ConfigError
from dedupe.figures import timeline
from dedupe.figures.extract import Figure
from dedupe.figures.numbers import APPROX_TOLERANCE, Number, interval, overlap
from dedupe.lexicon import PEOPLE_NOUNS
from dedupe.stories import Story, story_index

STATUSES = ("consistent", "update", "conflict", "uncertain")


@dataclass(frozen=True)
class DiscrepancyConfig:
    """How figures are compared.

    Attributes:
        approx_tolerance: Relative widening of "approximately N" on each side, in [0, 1).
        period_tolerance_days: Largest difference, in days, between the starts of two cumulative periods
            (or the ends of two other periods) taken as the same.
        min_outlets: Fewest outlets a group must span to be reported (at least 1).
        past_days: A figure whose period ends more than this many days before its report is about an
            earlier event.
        report_window_days: Two figures reported more than this many days apart are not one count.
    """

    approx_tolerance: float = APPROX_TOLERANCE
    period_tolerance_days: float = 2.0
    min_outlets: int = 2
    past_days: float = 7.0
    report_window_days: float = 30.0

    def __post_init__(self) -> None:
        # Named as the options that set them (--approx-tolerance, --period-tolerance), as the scan's are.
        if not 0.0 <= self.approx_tolerance < 1.0:
            raise ConfigError(f"approx-tolerance must be in [0, 1), got {self.approx_tolerance}")
        if self.period_tolerance_days < 0:
            raise ConfigError(f"period-tolerance must not be negative, got {self.period_tolerance_days}")
        if self.min_outlets < 1:
            raise ConfigError("min_outlets must be at least 1")
        if self.past_days < 0 or self.report_window_days < 0:
            raise ConfigError("past_days and report_window_days must not be negative")


@dataclass(frozen=True)
class Source:
    """One outlet's figure in a group, as a conflict database records it.

    Attributes:
        figure: Index of the figure (in the tuple given to :func:`find_discrepancies`).
        outlet: The outlet.
        published: The date the report is taken to be from, ``None`` when unknown.
        date_inferred: True when ``published`` was inferred from the weekdays the report names.
        period: The period the figure covers, as written, or ``None``.
        attribution: Who the outlet says the figure comes from, with whom they cite ("the U.N., citing
            health officials"), or ``None``.
    """

    figure: int
    outlet: str
    published: dt.date | None
    date_inferred: bool
    period: str | None
    attribution: str | None


@dataclass(frozen=True)
class Discrepancy:
    """A group of comparable figures and whether they agree.

    Attributes:
        story: Id of the story.
        measure: The shared measure ("killed").
        what: What is counted ("people" for people, civilians, residents...; else the noun).
        place: The place named by the figures (the shortest), ``None`` when none is.
        status: ``consistent``, ``update``, ``conflict`` or ``uncertain``.
        figures: Indexes of the figures, in order of publication.
        low: Lowest value any source gives.
        high: Highest value any source gives.
        outlets: The outlets, sorted.
        reason: Why the status was given, in words.
        scope: The group's scope (:data:`dedupe.figures.scope.SCOPES`), ``None`` when no figure states one.
        best: Best estimate: the median of the latest reports' values.
        sources: One entry per figure, in the order of ``figures``.
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
    scope: str | None = None
    best: Number | None = None
    sources: tuple[Source, ...] = ()


def find_discrepancies(figures: Sequence[Figure], stories: tuple[Story, ...],
                       config: DiscrepancyConfig | None = None) -> tuple[Discrepancy, ...]:
    """Group comparable figures of each story and judge whether the outlets agree.

    Args:
        figures: Figures from :func:`dedupe.figures.extract.extract_figures` (indexes refer to this sequence).
        stories: Story grouping of the documents; figures of documents in no story are ignored.
        config: Comparison options.

    Returns:
        Discrepancies ordered by story, then by their first figure in text order.
    """
    config = config or DiscrepancyConfig()
    story_of = story_index(stories)
    keys: dict[tuple[str, str, str], list[int]] = {}
    for i, figure in enumerate(figures):
        if figure.measure == "other" or figure.what is None or figure.doc not in story_of:
            continue
        keys.setdefault((story_of[figure.doc], figure.measure, family(figure.what)), []).append(i)
    order = {story.id: n for n, story in enumerate(stories)}
    dates = {story.id: timeline.report_dates(figures, story.doc_ids, config.report_window_days) for story in stories}
    found: list[Discrepancy] = []
    for (story, measure, what), members in sorted(keys.items(), key=lambda kv: (order[kv[0][0]], kv[1][0])):
        for group in _groups(figures, members, config):
            if len({figures[i].outlet for i in group}) >= config.min_outlets:
                found.append(_discrepancy(figures, story, measure, what, group, dates[story], config))
    return tuple(sorted(found, key=lambda d: (order[d.story], min(d.figures))))


def family(what: str) -> str:
    """The comparison class of a counted noun: "people" for people-like nouns, else the noun itself."""
    return "people" if what in PEOPLE_NOUNS else what


def _groups(figures: Sequence[Figure], members: list[int], config: DiscrepancyConfig) -> list[list[int]]:
    """Comparable groups: stated figures by frame (scope, event) and count; unstated ones join the widest."""
    frames: dict[tuple[str, str, str], list[int]] = {}
    unstated: list[int] = []
    for i in members:
        if figures[i].scope is None and _past(figures[i], config) is None:
            unstated.append(i)
        else:
            frames.setdefault(_frame(figures[i], config), []).append(i)
    groups: list[list[int]] = []
    for frame, indexes in frames.items():
        if frame[0] == "subset" and frame[1] == "":
            groups.extend([i] for i in indexes)  # a part of no named place: nothing to compare it with
        else:
            groups.extend(_counts(figures, indexes, frame[0], config))
    for i in unstated:
        fitting = [g for g in groups if _joins(figures, i, g, config)]
        if fitting:
            max(fitting, key=lambda g: (len({figures[j].outlet for j in g}), -groups.index(g))).append(i)
        else:
            groups.append([i])
    return [sorted(g) for g in groups]


def _frame(figure: Figure, config: DiscrepancyConfig) -> tuple[str, str, str]:
    """(scope, kind, earlier event): figures in different frames are never compared. The kind of an
    incident is its blow ("convoy", "earthquake"); a part is compared only with parts of the same place
    ("122 of the dead were in Ludian"), never when it names no place ("another 179", "four fatalities were
    subtracted": a part of what, or added to which toll, is not said)."""
    scope = figure.scope or ""
    kind = figure.scope_cue or "" if scope == "incident" else ""
    if scope == "subset":
        kind = "placed" if figure.place else ""
    return scope, kind, _past(figure, config) or ""


def _past(figure: Figure, config: DiscrepancyConfig) -> str | None:
    """The period of an earlier event the figure is about ("in 2012", "last week"), else ``None``."""
    if figure.period is None:
        return None
    text = figure.period.lower()
    span = figure.period_range
    if figure.published is not None and span is not None:
        if (figure.published - span[1]).days > config.past_days:
            return text
        return None
    if span is not None and figure.published is None and (span[1] - span[0]).days >= 300:
        return text  # a year, and no report date to tell it is this year
    return text if any(word in text for word in ("ago", "last week", "last month", "last year")) else None


def _counts(figures: Sequence[Figure], indexes: list[int], scope: str, config: DiscrepancyConfig) -> list[list[int]]:
    """Split a frame into counts: same period (by scope's rule) and compatible places."""
    groups: list[list[int]] = []
    ordered = sorted(indexes, key=lambda i: figures[i].period is None)
    for i in ordered:
        home = next((g for g in groups if all(_same_count(figures[i], figures[j], scope, config)
                                              and _places_compatible(figures[i], figures[j]) for j in g)), None)
        if home is None:
            groups.append([i])
        else:
            home.append(i)
    return groups


def _same_count(a: Figure, b: Figure, scope: str, config: DiscrepancyConfig) -> bool:
    """Whether two figures of one frame count the same thing over the same time."""
    x, y = a.period_range, b.period_range
    if a.published and b.published and abs((a.published - b.published).days) > config.report_window_days:
        return False  # reports months apart are not about one running count
    if scope in ("incident", "subset", "conflict-wide"):
        return True
    if x is None or y is None:
        return a.period is None or b.period is None or a.period.lower() == b.period.lower()
    tolerance = dt.timedelta(days=config.period_tolerance_days)
    if scope == "cumulative":
        lengths = sorted(((x[1] - x[0]).days + 1, (y[1] - y[0]).days + 1))
        overlap = x[0] <= y[1] and y[0] <= x[1]
        return overlap and (abs(x[0] - y[0]) <= tolerance or lengths[0] * 2 >= lengths[1])
    return abs(x[0] - y[0]) <= tolerance and abs(x[1] - y[1]) <= tolerance


def _joins(figures: Sequence[Figure], i: int, group: list[int], config: DiscrepancyConfig) -> bool:
    """An unstated figure joins a group whose places and periods fit (never a subset group)."""
    scope = next((s for s in (figures[j].scope for j in group) if s), "")
    if scope == "subset" or any(_past(figures[j], config) for j in group):
        return False
    return all(_places_compatible(figures[i], figures[j]) and _same_count(figures[i], figures[j], scope, config)
               for j in group)


def _places_compatible(a: Figure, b: Figure) -> bool:
    if a.place is None or b.place is None:
        return True
    x, y = a.place.lower().split(), b.place.lower().split()
    return _contains(x, y) or _contains(y, x)


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def _discrepancy(figures: Sequence[Figure], story: str, measure: str, what: str, group: list[int],
                 dates: dict[str, tuple[dt.date, bool]], config: DiscrepancyConfig) -> Discrepancy:
    ordered = sorted(group, key=lambda i: timeline.publication_key(figures[i], dates))
    places = sorted({place for place in (figures[i].place for i in group) if place}, key=lambda p: (len(p), p))
    low, high = _range(figures, group)
    outlets = tuple(sorted({figures[i].outlet for i in group}))
    scopes = sorted({s for s in (figures[i].scope for i in group) if s})
    status, reason = _status(figures, ordered, dates, config)
    return Discrepancy(story, measure, what, places[0] if places else None, status, tuple(ordered), low, high,
                       outlets, reason, scopes[0] if len(scopes) == 1 else None, _best(figures, ordered, dates),
                       tuple(_source(figures, i, dates) for i in ordered))


def _source(figures: Sequence[Figure], i: int, dates: dict[str, tuple[dt.date, bool]]) -> Source:
    figure = figures[i]
    day = dates.get(figure.doc)
    return Source(i, figure.outlet, day[0] if day else None, bool(day and day[1]), figure.period,
                  figure.attribution)


def _status(figures: Sequence[Figure], group: list[int], dates: dict[str, tuple[dt.date, bool]],
            config: DiscrepancyConfig) -> tuple[str, str]:
    disjoint = [(i, j) for n, i in enumerate(group) for j in group[n + 1:] if _disjoint(figures[i], figures[j], config)]
    if not disjoint:
        periods = sorted({period for period in (figures[i].period for i in group) if period})
        note = f"; periods taken as the same: {', '.join(periods)}" if len(periods) > 1 else ""
        return "consistent", "all intervals overlap" + note
    toll = all(figures[i].measure in timeline.TOLLS and figures[i].scope != "current" for i in group)
    if not toll:
        i, j = disjoint[0]
        return "conflict", f"{_describe(figures[i])} vs {_describe(figures[j])}: the intervals do not overlap"
    return _judge_time(figures, group, disjoint, dates)


def _judge_time(figures: Sequence[Figure], group: list[int], disjoint: list[tuple[int, int]],
                dates: dict[str, tuple[dt.date, bool]]) -> tuple[str, str]:
    members = [figures[i] for i in group]
    unknown: tuple[int, int, str] | None = None
    reasons: list[str] = []
    for i, j in disjoint:
        cumulative = figures[i].scope == figures[j].scope == "cumulative"
        explained, why = timeline.explains(figures[i], figures[j], dates, cumulative, members)
        if explained is False:
            return "conflict", f"{_describe(figures[i])} vs {_describe(figures[j])}: {why}"
        if explained is None and unknown is None:
            unknown = (i, j, why)
        if explained and why not in reasons:
            reasons.append(why)
    if unknown is not None:
        i, j, why = unknown
        return "uncertain", f"{_describe(figures[i])} vs {_describe(figures[j])}: {why}"
    inferred = sorted({figures[i].doc for pair in disjoint for i in pair if dates.get(figures[i].doc, (0, False))[1]})
    note = f" (dates of {', '.join(inferred)} inferred from the weekdays they name)" if inferred else ""
    return "update", "the figures differ as the toll was reported over time: " + "; ".join(reasons) + note


def _disjoint(a: Figure, b: Figure, config: DiscrepancyConfig) -> bool:
    return not overlap(_effective(a, config), _effective(b, config))


def _effective(figure: Figure, config: DiscrepancyConfig) -> tuple[float, float]:
    return interval(figure.low, figure.high, figure.qualifier, config.approx_tolerance)


def _range(figures: Sequence[Figure], group: list[int]) -> tuple[Number, Number]:
    precise = [i for i in group if figures[i].qualifier != "vague"] or group
    lows = [v for v in (figures[i].low if figures[i].low is not None else figures[i].high for i in precise)
            if v is not None]
    highs = [v for v in (figures[i].high if figures[i].high is not None else figures[i].low for i in precise)
             if v is not None]
    return min(lows), max(highs)


def _best(figures: Sequence[Figure], ordered: list[int], dates: dict[str, tuple[dt.date, bool]]) -> Number | None:
    """Median of the point values of the latest dated reports (of all reports when none is dated), leaving
    out figures a report quotes as the earlier value ("jumped from 410 to 589")."""
    precise = [i for i in ordered if figures[i].qualifier != "vague"] or ordered
    current = [i for i in precise if not timeline.quoted_as_earlier(figures[i])] or precise
    dated = [i for i in current if figures[i].doc in dates]
    latest = max((dates[figures[i].doc][0] for i in dated), default=None)
    chosen = [i for i in dated if dates[figures[i].doc][0] == latest] if latest is not None else current
    points = [p for p in (_point(figures[i]) for i in chosen) if p is not None]
    if not points:
        return None
    value = statistics.median(points)
    return int(value) if float(value).is_integer() else value


def _point(figure: Figure) -> Number | None:
    if figure.low is not None and figure.high is not None:
        return (figure.low + figure.high) / 2 if figure.low != figure.high else figure.low
    return figure.low if figure.low is not None else figure.high


def _describe(figure: Figure) -> str:
    period = f", {figure.period}" if figure.period else ""
    return f"{figure.text} {figure.what} ({figure.outlet}{period})"
