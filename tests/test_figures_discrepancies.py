"""Tests of dedupe.figures.discrepancies on the seed corpus and on hand-made figures."""

from __future__ import annotations

import datetime as dt
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
    summary = [(d.story, d.measure, d.what, d.place, d.status, _cited(figures, d), d.low, d.high) for d in found]
    assert summary == [
        ("story-1", "trapped", "people", None, "consistent", [("000", "250,000"), ("003", "250,000")], 250000, 250000),
        ("story-1", "killed", "people", "Aleppo", "consistent",
         [("003", "500"), ("003", "approximately 500"), ("004", "Between 400 and 500"), ("004", "hundreds")], 400, 500),
        ("story-1", "remaining", "doctors", "Aleppo", "conflict",
         [("003", "29"), ("004", "14"), ("004", "as few as 14")], 14, 29),
    ]
    assert "periods taken as the same" in found[1].reason
    assert found[2].outlets == ("EA WorldView", "The Independent")


def test_the_2013_figures_stay_in_their_own_story(seeds) -> None:  # type: ignore[no-untyped-def]
    corpus, figures = seeds
    found = find_discrepancies(figures, group_stories(corpus.documents))
    assert not any(figures[i].doc.startswith("001") for d in found for i in d.figures)
    merged = find_discrepancies(figures, group_stories(corpus.documents, StoryConfig(one_story=True)))
    assert any(figures[i].doc.startswith("001") for d in merged for i in d.figures)


def _figure(outlet: str, low: float | None, high: float | None, qualifier: str = "exact", *, what: str = "people",
            place: str | None = None, period: str | None = None,
            period_range: tuple[dt.date, dt.date] | None = None, doc: str | None = None) -> Figure:
    return Figure(doc or outlet, outlet, 0, 1, 1, "1", "1", low, high, qualifier, "killed", what, place, period,
                  period_range, None, None)


def _stories(figures: list[Figure]) -> tuple[Story, ...]:
    return (Story("story-1", tuple(dict.fromkeys(f.doc for f in figures))),)


def _status(figures: list[Figure], config: DiscrepancyConfig | None = None) -> list[str]:
    return [d.status for d in find_discrepancies(figures, _stories(figures), config)]


def test_approximate_figures_get_a_tolerance() -> None:
    figures = [_figure("A", 500, 500, "approximately"), _figure("B", 540, 540)]
    assert _status(figures) == ["consistent"]
    assert _status(figures, DiscrepancyConfig(approx_tolerance=0.0)) == ["conflict"]


def test_open_bounds_and_vague_counts() -> None:
    assert _status([_figure("A", 426, None, "at least"), _figure("B", 1429, 1429)]) == ["consistent"]
    assert _status([_figure("A", None, 1400, "nearly"), _figure("B", 1429, 1429)]) == ["conflict"]
    found = find_discrepancies([_figure("A", 100, None, "vague"), _figure("B", 300, 300)],
                               _stories([_figure("A", 0, 0), _figure("B", 0, 0)]))
    assert (found[0].status, found[0].low, found[0].high) == ("consistent", 300, 300)


def test_places_that_differ_make_a_group_uncertain_and_unrelated_places_are_apart() -> None:
    found = find_discrepancies([_figure("A", 5, 5, place="east Aleppo"), _figure("B", 9, 9, place="Aleppo")],
                               _stories([_figure("A", 0, 0), _figure("B", 0, 0)]))
    assert [(d.status, d.reason) for d in found] == [("uncertain", "places differ: Aleppo vs east Aleppo")]
    assert _status([_figure("A", 5, 5, place="Idlib"), _figure("B", 9, 9, place="Aleppo")]) == []


def test_periods_the_same_within_tolerance_overlapping_or_disjoint() -> None:
    six = (dt.date(2016, 9, 22), dt.date(2016, 9, 28))
    eight = (dt.date(2016, 9, 21), dt.date(2016, 9, 29))
    day = (dt.date(2016, 9, 28), dt.date(2016, 9, 28))
    earlier = (dt.date(2016, 8, 1), dt.date(2016, 8, 2))
    same = [_figure("A", 500, 500, period="six days", period_range=six),
            _figure("B", 400, 500, "range", period="past eight days", period_range=eight)]
    assert _status(same) == ["consistent"]
    assert _status(same, DiscrepancyConfig(period_tolerance_days=0)) == ["uncertain"]
    overlapping = [_figure("A", 9, 9, period="yesterday", period_range=day),
                   _figure("B", 400, 500, "range", period="past eight days", period_range=eight)]
    assert _status(overlapping) == ["uncertain"]
    assert find_discrepancies(overlapping, _stories(overlapping))[0].reason.startswith("periods differ")
    assert _status([_figure("A", 9, 9, period="x", period_range=earlier),
                    _figure("B", 400, 500, "range", period="y", period_range=eight)]) == []


def test_undated_figures_join_the_longest_period() -> None:
    figures = [_figure("A", 9, 9, period="yesterday", period_range=(dt.date(2016, 9, 28), dt.date(2016, 9, 28))),
               _figure("A", 450, 450, period="past eight days",
                       period_range=(dt.date(2016, 9, 21), dt.date(2016, 9, 29)), doc="A2"),
               _figure("B", 500, 500, "approximately")]
    found = find_discrepancies(figures, _stories(figures))
    assert [(d.status, d.figures) for d in found] == [("consistent", (1, 2))]


def test_a_single_outlet_is_not_a_discrepancy_unless_asked() -> None:
    figures = [_figure("A", 5, 5), _figure("A", 50, 50, doc="A2")]
    assert _status(figures) == []
    assert _status(figures, DiscrepancyConfig(min_outlets=1)) == ["conflict"]


@pytest.mark.parametrize("kwargs, message", [
    ({"approx_tolerance": 1.0}, "approx_tolerance must be in"), ({"period_tolerance_days": -1}, "must not be negative"),
    ({"min_outlets": 0}, "min_outlets must be at least 1"),
])
def test_config_is_validated(kwargs, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=message):
        DiscrepancyConfig(**kwargs)
