"""Story grouping: content similarity within a date window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Document, Origin
from dedupe.errors import ConfigError
from dedupe.stories import StoryConfig, group_stories, known_date, parse_window, story_index


def _doc(doc_id: str, text: str, date: dt.date | None = None) -> Document:
    return Document(doc_id, "outlet", "", "", date, text, Origin(doc_id))


def test_seed_2013_article_is_a_story_of_its_own() -> None:
    stories = group_stories(load_corpus(["data"]).documents)
    index = story_index(stories)
    assert [s.doc_ids for s in stories] == [
        ("000_db7ab4d81ef41db1", "002_70fb1de66b54f918", "003_c71ec08203a11230", "004_7cde9b3c88a5415a"),
        ("001_d3aebe4b90fe0be1",),
    ]
    assert index["001_d3aebe4b90fe0be1"] == "story-2"
    assert stories[0].start == dt.date(2016, 9, 28) and stories[0].end == dt.date(2016, 10, 13)


def test_a_narrow_window_splits_the_later_report() -> None:
    stories = group_stories(load_corpus(["data"]).documents, StoryConfig(window_days=7))
    assert ("000_db7ab4d81ef41db1",) in [s.doc_ids for s in stories]
    assert len(stories) == 3


def test_unrelated_content_is_not_linked_even_on_the_same_day() -> None:
    day = dt.date(2020, 1, 1)
    docs = [_doc("a", "Wheat prices rose sharply in Chicago grain trading as drought hit Kansas farms.", day),
            _doc("b", "Kansas farms hit by drought pushed Chicago wheat prices sharply higher in trading.", day),
            _doc("c", "The orchestra performed Mahler's symphony to a sold-out concert hall audience.", day)]
    assert [s.doc_ids for s in group_stories(docs)] == [("a", "b"), ("c",)]


def test_unknown_dates_link_on_content_alone_and_one_story_forces_a_single_group() -> None:
    docs = [_doc("a", "Wheat prices rose in Chicago trading.", None),
            _doc("b", "Chicago wheat prices rose in trading.", None),
            _doc("c", "Orchestra concert tonight.", dt.date(1999, 1, 1))]
    assert [s.doc_ids for s in group_stories(docs)] == [("a", "b"), ("c",)]
    assert [s.doc_ids for s in group_stories(docs, StoryConfig(one_story=True))] == [("a", "b", "c")]


def test_documents_without_content_words_do_not_crash() -> None:
    docs = [_doc("a", "123 456"), _doc("b", "789")]
    assert [s.doc_ids for s in group_stories(docs)] == [("a",), ("b",)]
    assert group_stories([]) == ()


@pytest.mark.parametrize("text,days", [("7d", 7.0), ("2w", 14.0), ("36h", 1.5), (" 1.5D ", 1.5)])
def test_parse_window(text: str, days: float) -> None:
    assert parse_window(text) == days


@pytest.mark.parametrize("text", ["", "week", "-3d", "7y"])
def test_parse_window_rejects_nonsense(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_window(text)


def test_parse_window_wants_a_unit() -> None:
    with pytest.raises(ConfigError, match="story window '3' needs a unit: 3d for days, 3h for hours, 3w for weeks"):
        parse_window("3")


def test_config_is_validated() -> None:
    with pytest.raises(ConfigError, match=r"\[0, 1\]"):
        StoryConfig(min_similarity=1.5)


def test_average_linkage_does_not_chain_topical_neighbours() -> None:
    day = dt.date(2020, 1, 1)
    docs = [_doc("a", "Cocoa prices rose in London trading as Ivory Coast crops failed.", day),
            _doc("b", "Cocoa prices rose in London trading; grain prices followed in Chicago.", day),
            _doc("c", "Grain prices rose in Chicago trading as the drought hit Kansas wheat farms.", day),
            _doc("d", "Kansas wheat farms hit by drought as Chicago grain trading rose.", day)]
    # b-c is a strong link (0.42), so single link would chain all four; their mean (0.25) is too low.
    assert [s.doc_ids for s in group_stories(docs, StoryConfig(min_similarity=0.3))] == [("a", "b"), ("c", "d")]


def test_an_unparsed_date_range_is_read_from_its_first_iso_date() -> None:
    doc = Document("a", "o", "", "", None, "text", Origin("a"), raw_date="2016-09-28/29")
    assert known_date(doc) == dt.date(2016, 9, 28)
    assert known_date(Document("b", "o", "", "", None, "text", Origin("b"), raw_date="spring")) is None


def test_tables_that_share_only_their_template_words_are_separate_stories() -> None:
    day = dt.date(1987, 3, 2)
    tables = ["Shr 34 cts vs 1.19 dlrs\nNet 807,000 vs 2,858,000\nRevs 51.2 mln vs 47.9 mln\nYear shr 1.10 vs 2.20",
              "Shr one dlr vs 73 cts\nNet 12.6 mln vs 15.8 mln\nRevs 337.3 mln vs 315.2 mln\nYear shr 3.10 vs 2.90",
              "Shr 39 cts vs 50 cts\nNet 1,545,160 vs 2,188,933\nRevs 25.2 mln vs 19.5 mln\nYear shr 1.50 vs 1.70"]
    assert len(group_stories([_doc(str(i), text, day) for i, text in enumerate(tables)])) == 3


def test_a_name_that_opens_one_sentence_and_sits_inside_another_links_them() -> None:
    docs = [_doc("a", "Quake damage in Ludian was severe, officials in Yunnan said on Monday."),
            _doc("b", "Ludian quake damage was severe, Yunnan officials said on Monday.")]
    assert [s.doc_ids for s in group_stories(docs)] == [("a", "b")]


def test_the_first_two_thousand_reuters_articles_form_small_stories(shared_corpus: Callable[[str], Path]) -> None:
    path = shared_corpus("reuters21578.jsonl")
    documents = load_corpus([str(path)]).documents[:2000]
    stories = group_stories(documents)
    assert max(len(s.doc_ids) for s in stories) <= 40  # was 1,731 with single links, then 353 earnings tables
    coffee = [s for s in stories if "reuters-42" in s.doc_ids][0]  # the ICO coffee quota talks stay one story
    assert {"reuters-75", "reuters-249", "reuters-290"} <= set(coffee.doc_ids)


def test_a_report_close_to_most_of_a_large_story_joins_it(shared_corpus: Callable[[str], Path]) -> None:
    # Compared on their own, the 11 Ludian quake reports: Peninsula's (rescue efforts hampered, the toll's jump)
    # has a mean TF-IDF cosine of 0.117 with the ten others, under 0.12, but reaches 0.12 with half of them.
    path = shared_corpus("multi-outlet/articles.jsonl")
    documents = [d for d in load_corpus([str(path)]).documents if d.id.startswith("ludian-")]
    assert [len(s.doc_ids) for s in group_stories(documents)] == [11]


def test_a_lone_report_close_to_one_member_only_stays_alone() -> None:
    day = dt.date(2020, 1, 1)
    core = "Flood waters in Riverton rose overnight, the Riverton mayor said, and {} homes were evacuated."
    docs = [_doc(str(n), core.format(n) + extra, day) for n, extra in enumerate(
        ["", " Rain is forecast.", " Schools closed.", " Roads were shut near Oakdale bridge and Oakdale dam."])]
    lone = _doc("x", "Oakdale bridge and Oakdale dam repairs begin; Oakdale council approves budget.", day)
    stories = group_stories([*docs, lone])
    assert [s.doc_ids for s in stories] == [("0", "1", "2", "3"), ("x",)]
