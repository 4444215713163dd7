"""Tests of benchmarks.claim_pairs: Reuters headline-lead pairs for the claim model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from benchmarks.claim_pairs import (Article, claim_pairs, hard_negative, headline_text, plain, read_articles,
                                    sentence_like)

BODY = ("Mexico's policies for silver\nproduction and sales have not changed despite Peru's decision\nlast week to "
        "freeze its silver sales, government mining and\ncentral bank officials said.\n    The officials also "
        "expressed doubt that such a policy\nchange was in the works.\n    Peru said it would keep the freeze "
        "until prices recover on the world market.\n")


def _record(number: int, title: str, text: str, date: str = "26-FEB-1987 15:01:01.79") -> dict[str, str]:
    return {"id": f"reuters-{number}", "source": "Reuters", "date": date, "title": title, "text": text}


def _corpus(tmp_path: Path, records: list[dict[str, str]]) -> Path:
    path = tmp_path / "reuters.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_headlines_are_cased_as_their_article_writes_them() -> None:
    assert headline_text("MEXICO SILVER POLICIES UNCHANGED, OFFICIALS SAY", BODY) == \
        "Mexico silver policies unchanged, officials say"
    assert headline_text("CME <CME> BOARD LIMITS DUAL TRADING", "The board of the CME said the CME limits it.") == \
        "CME board limits dual trading"  # the ticker goes, the name keeps its capitals
    # a sentence's capitalised first word says nothing; initials keep their case
    assert headline_text("U.S. DATA SUGGEST POLICY IS ON HOLD", "Data show it. The U.S. policy.") == \
        "U.S. data suggest policy is on hold"
    assert plain("Deutsche Bank AG <DBKG.F> bought <Deutsche Bank (Asia)\nAG>") == \
        "Deutsche Bank AG bought Deutsche Bank (Asia) AG"


def test_sentence_like() -> None:
    assert sentence_like("Mexico's policies for silver production and sales have not changed, officials said.")
    assert not sentence_like("The Commodity Credit Corporation (CCC)")  # no full stop: a broken first line
    assert not sentence_like("Shr 17 cts vs 13 cts Net 2.1 mln vs 1.03 mln Revs 12.4 mln vs 9.1 mln.")  # figures
    assert not sentence_like(", that USDA is preparing an official response to the study on certificates.")
    assert not sentence_like("The Federal Home Loan Mortgage Corp adjusted the rates on its notes as follows:")


def test_read_articles_skips_earnings_tables_short_headlines_and_repeats(tmp_path: Path) -> None:
    records = [_record(1, "MEXICO SILVER POLICIES UNCHANGED, OFFICIALS SAY", BODY),
               _record(2, "KAUFEL GROUP LTD (KFL.TO) 4TH QTR NET", "Shr 17 cts vs 13 cts\n    Net 2.1 mln\n"),
               _record(3, "COCOA REVIEW", BODY.replace("silver", "cocoa")),
               _record(4, "MEXICO SILVER POLICIES UNCHANGED, OFFICIALS SAY", BODY),  # a repeated story
               _record(5, "CCC ACCEPTS BONUS ON POULTRY TO IRAQ", "The Commodity Credit Corporation (CCC)\nhas "
                       "accepted a bid for an export bonus to cover the sale of\n15,000 tonnes of frozen poultry to "
                       "Iraq, the U.S. Agriculture Department said.\n", "02-MAR-1987 10:00:00.00")]
    articles, reasons = read_articles(_corpus(tmp_path, records))
    assert [a.id for a in articles] == ["reuters-1", "reuters-5"]
    assert reasons == {"usable": 2, "earnings or table": 1, "short headline": 1, "repeated story": 1}
    mexico, poultry = articles
    assert mexico.lead.startswith("Mexico's policies for silver production") and mexico.lead.endswith("said.")
    assert mexico.later == ("Peru said it would keep the freeze until prices recover on the world market.",)
    assert poultry.lead.startswith("The Commodity Credit Corporation (CCC) has accepted")  # broken line joined
    assert (mexico.day, poultry.day) == (0, 4)


def _article(number: int, day: int, headline: str, lead: str) -> Article:
    return Article(f"r{number}", day, headline, lead, ("A later sentence of the article that says something else.",))


def test_hard_negative_is_the_closest_other_lead_of_the_same_days_never_a_repeat() -> None:
    articles = [_article(0, 0, "h0", "l0"), _article(1, 1, "h1", "l1"), _article(2, 2, "h2", "l2"),
                _article(3, 9, "h3", "l3")]
    leads = np.eye(4, dtype=np.float32)
    headlines = np.zeros((4, 4), dtype=np.float32)
    headlines[0] = [0.6, 0.5, 0.3, 0.9]  # closest to article 3's lead, but 9 days apart
    days = [a.day for a in articles]
    assert hard_negative(0, articles, headlines, leads, days) == 1
    leads[1] = leads[0]  # article 1 retells article 0's story: no negative
    assert hard_negative(0, articles, headlines, leads, days) == 2
    assert hard_negative(3, articles, headlines, leads, days) is None  # alone in its days


def test_claim_pairs_are_seeded_and_labelled(hashing_encoder: object) -> None:
    articles = [_article(i, i % 3, f"Company {i} buys plant number {i}", f"Company {i} said it bought plant {i}.")
                for i in range(12)]
    encoder = hashing_encoder
    pairs = claim_pairs(articles, encoder, None, 5, seed=3)
    assert pairs == claim_pairs(articles, encoder, None, 5, seed=3)
    assert pairs != claim_pairs(articles, encoder, None, 5, seed=4)
    assert [p.kind for p in pairs] == ["lead", "other-lead", "later"] * 5
    assert [p.label for p in pairs] == [1, 0, 0] * 5
    for own, other, later in zip(pairs[::3], pairs[1::3], pairs[2::3]):
        assert own.article == own.other and other.article != other.other and later.article == later.other
        assert own.headline == other.headline == later.headline
