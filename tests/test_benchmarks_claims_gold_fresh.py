"""Tests of the fresh held-out Reuters gold (benchmarks/data/claims_gold_fresh.json, session 15): it loads as
benchmarks.claims_quality reads it, follows dedupe.segment's split of the real reports, holds out both events and
shares no report with the Reuters gold that has been run before."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from benchmarks.claims_quality import check_segments, gold_pairs, load_documents, load_gold, tune_only

DATA = Path(__file__).parent.parent / "benchmarks" / "data"
FRESH_GOLD = DATA / "claims_gold_fresh.json"
REUTERS = Path("/work/shared/corpora/reuters21578.jsonl")
EVENTS = {"chrysler-amc-1987": (dt.date(1987, 3, 9), dt.date(1987, 3, 9)),
          "noranda-mine-fire-1987": (dt.date(1987, 4, 2), dt.date(1987, 4, 3))}


def test_the_fresh_gold_holds_out_both_events_and_is_annotated_by_the_rules() -> None:
    gold = load_gold(FRESH_GOLD)
    assert gold.annotated_only
    assert gold.split["tune"] == [] and gold.split["heldout"] == list(EVENTS)
    assert set(gold.set_of.values()) == set(EVENTS)
    assert all(gold.outlet[d] == "Reuters " + d.removeprefix("reuters-") for d in gold.outlet)
    for event in EVENTS:
        assert 4 <= sum(1 for s in gold.set_of.values() if s == event) <= 8
    claim = {(d, s["i"]): s["claim"] for d, ss in gold.sentences.items() for s in ss}
    for cluster in gold.clusters:
        members = [(m["doc"], m["i"]) for m in cluster["members"]]
        assert all(claim[m] for m in members) and len({gold.outlet[d] for d, _ in members}) >= 2
        assert all(gold.set_of[d] == cluster["set"] for d, _ in members)
        assert all(gold.sentences[m["doc"]][m["i"]]["start"] == m["start"] and
                   gold.sentences[m["doc"]][m["i"]]["end"] == m["end"] for m in cluster["members"])
        assert (cluster["status"] == "divergence") == bool(cluster["conflicts"])
    pairs, divergences = gold_pairs(gold)
    counts = (len(gold.sentences), sum(map(len, gold.sentences.values())), sum(claim.values()), len(gold.clusters),
              len(pairs), len(divergences))
    assert counts == (11, 60, 58, 21, 65, 4)


def test_the_fresh_gold_copies_the_rules_verbatim_and_shares_no_report_with_the_reuters_gold() -> None:
    fresh = json.loads(FRESH_GOLD.read_text(encoding="utf-8"))
    main = json.loads((DATA / "claims_gold.json").read_text(encoding="utf-8"))
    split_paragraph = next(i for i, line in enumerate(main["rules"]) if line.startswith("Split"))
    assert fresh["rules"][:split_paragraph] == main["rules"][:split_paragraph]
    assert len(fresh["rules"]) == split_paragraph + 1 and fresh["rules"][-1].startswith("Split")
    used = load_gold(DATA / "claims_gold_reuters.json")
    assert not set(fresh["documents"]) & set(used.sentences)
    assert not set(fresh["split"]["heldout"]) & set(used.split["tune"] + used.split["heldout"])


def test_split_tune_computes_nothing_on_the_fresh_gold() -> None:
    gold = tune_only(load_gold(FRESH_GOLD))
    assert gold.sentences == {} and gold.clusters == [] and gold.hidden == frozenset(load_gold(FRESH_GOLD).set_of)
    if REUTERS.exists():
        assert load_documents(str(REUTERS), gold) == []


def test_the_fresh_gold_is_annotated_as_dedupe_segment_splits_the_real_reports() -> None:
    if not REUTERS.exists():
        pytest.skip("the Reuters corpus is not on this machine")
    gold = load_gold(FRESH_GOLD)
    assert check_segments(gold, [str(REUTERS)]) == (11, 60)
    documents = load_documents(str(REUTERS), gold)
    assert sorted(d.id for d in documents) == sorted(gold.sentences)  # not the 19,043 articles of the corpus
    assert all(d.outlet == gold.outlet[d.id] for d in documents)
    for d in documents:
        first, last = EVENTS[gold.set_of[d.id]]
        assert d.date is not None and first <= d.date <= last
