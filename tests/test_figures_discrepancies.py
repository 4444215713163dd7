"""Tests of dedupe.figures.discrepancies on the seed corpus and on hand-made figures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dedupe.corpus.load import load_corpus
from dedupe.errors import ConfigError
from dedupe.figures.discrepancies import DiscrepancyConfig, find_discrepancies
from dedupe.figures.extract import Figure, extract_figures
from dedupe.segment import segment_document
from dedupe.stories import Story, StoryConfig, group_stories

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def seeds():  # type: ignore[no-untyped-def]
    corpus = load_corpus([str(DATA)])
    figures = extract_figures([segment_document(doc) for doc in corpus.documents])
    return corpus, figures


def _cited(figures, discrepancy):  # type: ignore[no-untyped-def]
    return [(figures[i].doc[:3], figures[i].text) for i in discrepancy.figures]


def test_seed_discrepancies(seeds) -> None:  # type: ignore[no-untyped-def]
    corpus, figures = seeds
    found = find_discrepancies(figures, group_stories(corpus.documents))
    summary = [(d.story, d.measure, d.what, d.place, d.status, _cited(figures, d), d.low, d.best, d.high)
               for d in found]
    assert summary == [
        ("story-1", "trapped", "people", None, "consistent", [("003", "250,000"), ("000", "250,000")],
         250000, 250000, 250000),
        ("story-1", "killed", "people", "Aleppo", "consistent",
         [("003", "500"), ("003", "approximately 500"), ("004", "Between 400 and 500"), ("004", "hundreds")],
         400, 450, 500),
        ("story-1", "remaining", "doctors", "Aleppo", "conflict",
         [("003", "29"), ("004", "14"), ("004", "as few as 14")], 14, 14, 29),
    ]
    assert "periods taken as the same" in found[1].reason
    assert found[1].scope == "cumulative"
    assert found[2].outlets == ("EA WorldView", "The Independent")
    assert found[2].scope == "current"
    assert [(s.outlet, s.published, s.attribution) for s in found[2].sources] == [
        ("The Independent", dt.date(2016, 9, 28), None), ("EA WorldView", dt.date(2016, 9, 29), "Red Cross"),
        ("EA WorldView", dt.date(2016, 9, 29), "The Red Cross")]


def test_an_incident_a_daily_toll_and_a_past_event_stay_out_of_the_offensive_toll(seeds) -> None:  # type: ignore[no-untyped-def]
    corpus, figures = seeds
    found = find_discrepancies(figures, group_stories(corpus.documents))
    grouped = {figures[i].text for d in found for i in d.figures}
    assert not grouped & {"20", "nine", "63"}  # the convoy, yesterday's nine deaths, the army base
    convoy = next(f for f in figures if f.text == "20" and f.doc.startswith("003"))
    assert (convoy.scope, convoy.scope_cue, convoy.place) == ("incident", "convoy", "Aleppo")


def test_the_2013_figures_stay_apart_even_in_one_story(seeds) -> None:  # type: ignore[no-untyped-def]
    corpus, figures = seeds
    found = find_discrepancies(figures, group_stories(corpus.documents))
    assert not any(figures[i].doc.startswith("001") for d in found for i in d.figures)
    merged = find_discrepancies(figures, group_stories(corpus.documents, StoryConfig(one_story=True)))
    assert not any(figures[i].doc.startswith("001") for d in merged for i in d.figures)  # reported 3 years apart
    wide = find_discrepancies(figures, group_stories(corpus.documents, StoryConfig(one_story=True)),
                              DiscrepancyConfig(report_window_days=5000))
    assert any(figures[i].doc.startswith("001") for d in wide for i in d.figures)


def _figure(outlet: str, low: float | None, high: float | None, qualifier: str = "exact", *, what: str = "people",
            place: str | None = None, period: str | None = None, measure: str = "killed",
            period_range: tuple[dt.date, dt.date] | None = None, doc: str | None = None, scope: str | None = None,
            published: dt.date | None = None, sentence: str = "1", cue: str | None = None) -> Figure:
    return Figure(doc or outlet, outlet, 0, 1, 1, str(low if low is not None else high), sentence, low, high,
                  qualifier, measure, what, place, period, period_range, None, None, scope, cue, published)


def _stories(figures: list[Figure]) -> tuple[Story, ...]:
    return (Story("story-1", tuple(dict.fromkeys(f.doc for f in figures))),)


def _status(figures: list[Figure], config: DiscrepancyConfig | None = None) -> list[str]:
    return [d.status for d in find_discrepancies(figures, _stories(figures), config)]


DAY = dt.date(2016, 9, 29)


def test_approximate_figures_get_a_tolerance() -> None:
    figures = [_figure("A", 500, 500, "approximately", measure="remaining"),
               _figure("B", 540, 540, measure="remaining")]
    assert _status(figures) == ["consistent"]
    assert _status(figures, DiscrepancyConfig(approx_tolerance=0.0)) == ["conflict"]


def test_open_bounds_and_vague_counts() -> None:
    assert _status([_figure("A", 426, None, "at least"), _figure("B", 1429, 1429)]) == ["consistent"]
    trapped = [_figure("A", None, 1400, "nearly", measure="trapped"), _figure("B", 1429, 1429, measure="trapped")]
    assert _status(trapped) == ["conflict"]
    found = find_discrepancies([_figure("A", 100, None, "vague"), _figure("B", 300, 300)],
                               _stories([_figure("A", 0, 0), _figure("B", 0, 0)]))
    assert (found[0].status, found[0].low, found[0].best, found[0].high) == ("consistent", 300, 300, 300)


def test_places_inside_each_other_are_one_place_and_unrelated_places_are_apart() -> None:
    found = find_discrepancies([_figure("A", 5, 5, place="east Aleppo", measure="trapped"),
                                _figure("B", 9, 9, place="Aleppo", measure="trapped")],
                               _stories([_figure("A", 0, 0), _figure("B", 0, 0)]))
    assert [(d.status, d.place) for d in found] == [("conflict", "Aleppo")]
    assert _status([_figure("A", 5, 5, place="Idlib"), _figure("B", 9, 9, place="Aleppo")]) == []


def test_a_later_higher_toll_is_an_update_a_later_lower_one_a_conflict_unless_revised() -> None:
    early = _figure("A", 175, 175, published=DAY)
    later = _figure("B", 398, 398, published=DAY + dt.timedelta(days=1))
    found = find_discrepancies([later, early], _stories([later, early]))
    assert (found[0].status, found[0].figures, found[0].best) == ("update", (1, 0), 398)
    assert "later report gives more" in found[0].reason
    lower = _figure("B", 150, 150, published=DAY + dt.timedelta(days=1))
    assert _status([early, lower]) == ["conflict"]
    revised = _figure("B", 150, 150, published=DAY + dt.timedelta(days=1), sentence="the toll was revised down to 150")
    assert _status([early, revised]) == ["update"]
    missing = [_figure("A", 192, 192, measure="missing", published=DAY),
               _figure("B", 184, 184, measure="missing", published=DAY + dt.timedelta(days=1))]
    assert _status(missing) == ["update"]
    rescued = [_figure("A", 18, 18, measure="rescued", published=DAY),
               _figure("B", 21, 21, measure="rescued", published=DAY + dt.timedelta(days=1))]
    assert _status(rescued) == ["update"]  # rescue counts grow as the search goes on
    aboard = [_figure("A", 193, 193, measure="aboard", published=DAY),
              _figure("B", 239, 239, measure="aboard", published=DAY + dt.timedelta(days=1))]
    assert _status(aboard) == ["conflict"]  # how many were on board does not change: a revision is flagged


def test_undated_reports_are_uncertain_unless_the_text_orders_them() -> None:
    assert _status([_figure("A", 175, 175), _figure("B", 398, 398)]) == ["uncertain"]
    quoted = _figure("B", 410, 410, sentence="The toll jumped from 410 to 589.")
    found = find_discrepancies([_figure("A", 589, 589), quoted], _stories([_figure("A", 0, 0), quoted]))
    assert [(d.status, d.best) for d in found] == [("update", 589)]  # the quoted earlier value is not the best


def test_a_state_is_not_explained_by_time() -> None:
    doctors = [_figure("A", 29, 29, what="doctors", measure="remaining", scope="current", published=DAY),
               _figure("B", None, 14, "as few as", what="doctors", measure="remaining", scope="current",
                       published=DAY + dt.timedelta(days=1))]
    assert _status(doctors) == ["conflict"]


def test_scopes_and_events_are_never_compared() -> None:
    week = (DAY - dt.timedelta(days=7), DAY)
    figures = [_figure("A", 300, None, "more than", scope="cumulative", period="in the past week", period_range=week,
                       published=DAY),
               _figure("B", 5, 5, scope="incident", cue="shelling", published=DAY),
               _figure("C", 100000, None, "at least", scope="conflict-wide", cue="war", published=DAY),
               _figure("D", 1200, 1200, scope="incident", cue="attack", published=DAY),
               _figure("E", 81, 81, scope="incident", cue="earthquake", period="in 2012",
                       period_range=(dt.date(2012, 1, 1), dt.date(2012, 12, 31)), published=DAY)]
    assert _status(figures) == []
    same_shelling = _figure("F", 4, 4, scope="incident", cue="shelling", published=DAY)
    assert _status(figures + [same_shelling]) == ["conflict"]


def test_cumulative_tolls_over_nearby_periods_are_one_count_a_daily_toll_is_not() -> None:
    six = (dt.date(2016, 9, 22), dt.date(2016, 9, 28))
    eight = (dt.date(2016, 9, 21), dt.date(2016, 9, 29))
    week = (dt.date(2016, 9, 24), dt.date(2016, 10, 1))
    day = (dt.date(2016, 9, 28), dt.date(2016, 9, 28))
    same = [_figure("A", 500, 500, scope="cumulative", period="six days", period_range=six, published=six[1]),
            _figure("B", 400, 500, "range", scope="cumulative", period="past eight days", period_range=eight,
                    published=eight[1]),
            _figure("C", 600, None, "more than", scope="cumulative", period="the last week", period_range=week,
                    published=week[1])]
    found = find_discrepancies(same, _stories(same))
    assert [(d.status, d.figures, d.best) for d in found] == [("update", (0, 1, 2), 600)]
    daily = [_figure("A", 9, 9, period="yesterday", period_range=day, published=DAY),
             _figure("B", 400, 500, "range", scope="cumulative", period="past eight days", period_range=eight,
                     published=DAY)]
    assert _status(daily) == []


def test_parts_of_no_place_are_never_compared_and_reports_months_apart_are_apart() -> None:
    increments = [_figure("A", 49, 49, scope="subset", cue="increment"),
                  _figure("B", 4, 4, scope="subset", cue="increment", place="Qiaojia")]
    assert _status(increments) == []
    later = DAY + dt.timedelta(days=3)
    parts = [_figure("A", 122, 122, scope="subset", cue="of the dead", place="Ludian", published=DAY),
             _figure("B", 504, 504, scope="subset", cue="among", place="Ludian County", published=later)]
    assert _status(parts) == ["update"]
    years_apart = [_figure("A", 175, 175, scope="incident", cue="earthquake", published=DAY),
                   _figure("B", 19, 19, scope="incident", cue="earthquake", published=DAY.replace(year=2025))]
    assert _status(years_apart) == []


def test_unstated_figures_join_the_widest_fitting_group() -> None:
    eight = (dt.date(2016, 9, 21), dt.date(2016, 9, 29))
    figures = [_figure("A", 9, 9, period="yesterday", period_range=(dt.date(2016, 9, 28), dt.date(2016, 9, 28))),
               _figure("A", 450, 450, scope="cumulative", period="past eight days", period_range=eight, doc="A2"),
               _figure("B", 500, 500, "approximately")]
    found = find_discrepancies(figures, _stories(figures))
    assert [(d.status, sorted(d.figures)) for d in found] == [("consistent", [1, 2])]


def test_a_single_outlet_is_not_a_discrepancy_unless_asked() -> None:
    figures = [_figure("A", 5, 5, measure="trapped"), _figure("A", 50, 50, doc="A2", measure="trapped")]
    assert _status(figures) == []
    assert _status(figures, DiscrepancyConfig(min_outlets=1)) == ["conflict"]


@pytest.mark.parametrize("kwargs, message", [
    ({"approx_tolerance": 1.0}, r"approx-tolerance must be in \[0, 1\), got 1.0"),
    ({"period_tolerance_days": -1}, "period-tolerance must not be negative, got -1"),
    ({"min_outlets": 0}, "min_outlets must be at least 1"), ({"past_days": -1}, "must not be negative"),
    ({"report_window_days": -1}, "report_window_days must not be negative"),
])
def test_config_is_validated(kwargs, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=message):
        DiscrepancyConfig(**kwargs)


# --- the issue's patterns, through the real loader and extractor ----------------------------------------

ISSUE_DOCS = [
    ("a1", "Outlet A", "2016-09-26", "More than 300 people have been killed in the past week in the city, activists "
     "said.\nShelling killed five people waiting at a bakery on Monday, a rescue worker said."),
    ("b1", "Outlet B", "2016-09-27", "About 320 people have been killed over eight days of air strikes on the city, "
     "the U.N. said, citing health officials."),
    ("c1", "Outlet C", "2016-09-27", "The minister said at a press conference in Paris that about 300 civilians in "
     "the city have been killed since the offensive began."),
    ("d1", "Outlet D", "2016-09-28", "The United Nations said 340 civilians were killed between Sept. 20 and "
     "Sept. 27."),
    ("e1", "Outlet E", "2016-09-28", "Between 300 and 400 people have been killed in the week-old assault, a "
     "monitoring group said."),
    ("f1", "Outlet F", "2016-09-29", "The assault has killed more than 350 people in the past nine days, according "
     "to medics.\nThe attack in 2013 killed 1,200 people, in a civil war that has killed at least 100,000 people."),
]


def _issue_figures(tmp_path: Path, extra: tuple[tuple[str, str, str, str], ...] = ()):  # type: ignore[no-untyped-def]
    path = tmp_path / "issue.jsonl"
    path.write_text("".join(json.dumps({"id": i, "source": s, "date": d, "text": t}) + "\n"
                            for i, s, d, t in ISSUE_DOCS + list(extra)), encoding="utf-8")
    corpus = load_corpus([str(path)])
    figures = extract_figures([segment_document(doc) for doc in corpus.documents])
    return figures, find_discrepancies(figures, group_stories(corpus.documents, StoryConfig(one_story=True)))


def test_a_cumulative_toll_six_outlets_report_is_one_group_with_its_range(tmp_path: Path) -> None:
    figures, found = _issue_figures(tmp_path)
    assert len(found) == 1
    toll = found[0]
    assert (toll.status, toll.scope, toll.low, toll.best, toll.high) == ("update", "cumulative", 300, 350, 400)
    assert len(toll.outlets) == 6
    assert [s.published for s in toll.sources] == sorted(s.published for s in toll.sources)
    assert "the U.N., citing health officials" in [s.attribution for s in toll.sources]
    scopes = {f.text: (f.scope, f.scope_cue) for f in figures}
    assert scopes["five"] == ("incident", "shelling")
    assert scopes["1,200"] == ("incident", "attack")
    assert scopes["at least 100,000"] == ("conflict-wide", "war")
    assert next(f for f in figures if f.text == "about 300").place is None  # not Paris, the minister's place


def test_a_lower_toll_the_same_day_over_the_same_period_is_still_a_conflict(tmp_path: Path) -> None:
    lower = ("g1", "Outlet G", "2016-09-29", "Only 150 people have been killed in the past nine days, officials said.")
    _, found = _issue_figures(tmp_path, (lower,))
    assert [(d.status, len(d.outlets)) for d in found] == [("conflict", 7)]
    assert "150 people (Outlet G" in found[0].reason


def test_a_toll_tied_to_an_earlier_year_or_a_named_past_event_is_another_event(tmp_path: Path) -> None:
    docs = [("p1", "Outlet P", "2025-10-01", "The quake killed at least 69 people in the province, officials said."),
            ("p2", "Outlet Q", "2025-10-02", "The quake, which killed 72 people, is the deadliest since 2013 when "
             "one hit the island, claiming at least 200 lives."),
            ("p3", "Outlet R", "2025-10-02", "The 2013 earthquake killed 222 people on the island, and this quake "
             "has killed 72 people.")]
    path = tmp_path / "quake.jsonl"
    path.write_text("".join(json.dumps({"id": i, "source": s, "date": d, "text": t}) + "\n" for i, s, d, t in docs),
                    encoding="utf-8")
    corpus = load_corpus([str(path)])
    figures = extract_figures([segment_document(doc) for doc in corpus.documents])
    found = find_discrepancies(figures, group_stories(corpus.documents, StoryConfig(one_story=True)))
    grouped = {figures[i].text for d in found for i in d.figures}
    assert not grouped & {"at least 200", "222"}
    assert [d.status for d in found] == ["consistent"]
    assert next(f for f in figures if f.text == "at least 200").period == "since 2013"
