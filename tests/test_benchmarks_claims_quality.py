"""Tests of benchmarks.claims_quality: the gold's documents as compared (outlets, scope), the Reuters gold and the
fresh held-out Reuters gold."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from benchmarks import claims_quality
from benchmarks.claims_quality import (Gold, check_offsets, check_segments, gold_pairs, load_documents, load_gold, main,
                                      tune_only)
from dedupe.corpus.documents import Document
from dedupe.corpus.load import load_corpus
from dedupe.segment import segment_document

REUTERS = Path("/work/shared/corpora/reuters21578.jsonl")
DATA = Path(__file__).parent.parent / "benchmarks" / "data"
REUTERS_GOLD = DATA / "claims_gold_reuters.json"
FRESH_GOLD = DATA / "claims_gold_fresh.json"  # session 15's: both events held out, never run before
FRESH_EVENTS = {"chrysler-amc-1987": (dt.date(1987, 3, 9), dt.date(1987, 3, 9)),
                "noranda-mine-fire-1987": (dt.date(1987, 4, 2), dt.date(1987, 4, 3))}
TEXTS = {"reuters-1": "Iraq said its forces repelled the attack. Iran said it gained ground.\n",
         "reuters-2": "Iraq said it had repelled the Iranian attack near Basra.\n",
         "reuters-3": "Wheat prices rose two cents on the Chicago Board of Trade.\n"}


def _corpus(tmp_path: Path) -> Path:
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps({"id": d, "source": "Reuters", "date": "7-APR-1987 07:19:19.10",
                                        "title": "", "text": t}) + "\n" for d, t in TEXTS.items()), encoding="utf-8")
    return path


def _gold(path: Path, annotated_only: bool) -> Gold:
    """Reports 1 and 2 annotated as the segmenter splits them, each its own outlet; report 3 left out."""
    docs = {d.id: d for d in load_corpus([str(path)]).documents}
    sentences = {d: [{"i": i, "start": s.start, "end": s.end, "claim": True, "text": s.text}
                     for i, s in enumerate(segment_document(docs[d]).sentences)] for d in ("reuters-1", "reuters-2")}
    cluster = {"id": "X1", "set": "offensive", "claim": "Iraq repelled the attack", "status": "agreement",
               "conflicts": [], "members": [{"doc": "reuters-1", "i": 0}, {"doc": "reuters-2", "i": 0}]}
    return Gold(sentences, {"reuters-1": "Reuters 1", "reuters-2": "Reuters 2"},
                {"reuters-1": "offensive", "reuters-2": "offensive"}, [cluster], {"tune": [], "heldout": ["offensive"]},
                annotated_only)


def write_gold(gold: Gold, path: Path) -> None:
    """``gold`` as a gold file (the format :func:`load_gold` reads)."""
    raw = {"compare": "annotated documents", "split": gold.split, "clusters": gold.clusters,
           "documents": {d: {"outlet": gold.outlet[d], "set": gold.set_of[d], "sentences": s}
                         for d, s in gold.sentences.items()}}
    path.write_text(json.dumps(raw), encoding="utf-8")


def test_each_annotated_document_is_compared_under_the_gold_outlet(tmp_path: Path) -> None:
    path = _corpus(tmp_path)
    only = load_documents(str(path), _gold(path, annotated_only=True))
    assert [(d.id, d.outlet) for d in only] == [("reuters-1", "Reuters 1"), ("reuters-2", "Reuters 2")]
    assert [d.text for d in only] == [TEXTS["reuters-1"], TEXTS["reuters-2"]]
    assert only[0].date == dt.date(1987, 4, 7)
    every = load_documents(str(path), _gold(path, annotated_only=False))  # the scope of the first gold: all
    assert [(d.id, d.outlet) for d in every] == [("reuters-1", "Reuters 1"), ("reuters-2", "Reuters 2"),
                                                 ("reuters-3", "Reuters")]


def test_a_gold_outlet_equal_to_the_corpus_outlet_leaves_the_document_as_loaded(tmp_path: Path) -> None:
    path = _corpus(tmp_path)
    gold = _gold(path, annotated_only=False)
    same = Gold(gold.sentences, {d: "Reuters" for d in gold.outlet}, gold.set_of, gold.clusters, gold.split)
    loaded = load_corpus([str(path)]).documents
    assert [(d.id, d.outlet) for d in load_documents(str(path), same)] == [(d.id, d.outlet) for d in loaded]
    # one outlet for both reports: their pair is no cross-outlet pair; two outlets make it one
    assert gold_pairs(same)[0] == set()
    assert gold_pairs(gold)[0] == {(("reuters-1", 0), ("reuters-2", 0))}


def test_the_scope_is_read_from_the_gold_file(tmp_path: Path) -> None:
    raw = {"split": {"tune": [], "heldout": ["offensive"]}, "clusters": [], "documents": {
        "reuters-2": {"outlet": "Reuters 2", "set": "offensive", "sentences": []}}}
    (tmp_path / "all.json").write_text(json.dumps(raw), encoding="utf-8")
    (tmp_path / "annotated.json").write_text(json.dumps({**raw, "compare": "annotated documents"}), encoding="utf-8")
    assert not load_gold(tmp_path / "all.json").annotated_only
    assert load_gold(tmp_path / "annotated.json").annotated_only


def test_check_segments_names_a_sentence_off_its_offsets(tmp_path: Path) -> None:
    path = _corpus(tmp_path)
    gold = _gold(path, annotated_only=True)
    assert check_segments(gold, [str(path)]) == (2, 3)
    second = gold.sentences["reuters-1"][1]
    gold.sentences["reuters-1"][1] = {**second, "start": second["start"] + 1}
    with pytest.raises(SystemExit, match="reuters-1"):
        check_segments(gold, [str(path)])
    del gold.sentences["reuters-1"][1]  # a sentence left unannotated is no match either
    with pytest.raises(SystemExit, match="reuters-1"):
        check_segments(gold, [str(path)])


def test_a_gold_document_missing_from_the_corpora_is_an_error_not_a_zero_score(tmp_path: Path) -> None:
    path = _corpus(tmp_path)
    gold = _gold(path, annotated_only=True)
    texts = {d.id: d.text for d in load_documents(str(path), gold)}
    check_offsets(gold, texts)
    del texts["reuters-2"]
    with pytest.raises(SystemExit, match="reuters-2 is in none of the corpus paths"):
        check_offsets(gold, texts)


def test_check_prints_the_documents_checked_and_computes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                                 ) -> None:
    path = _corpus(tmp_path)
    write_gold(_gold(path, annotated_only=True), tmp_path / "gold.json")
    assert main([str(path), "--gold", str(tmp_path / "gold.json"), "--check"]) == 0
    assert capsys.readouterr().out.endswith(": 2 documents, 3 sentences, as dedupe.segment splits them\n")


def test_the_reuters_gold_is_annotated_as_dedupe_segment_splits_the_real_reports() -> None:
    if not REUTERS.exists():
        pytest.skip("the Reuters corpus is not on this machine")
    gold = load_gold(REUTERS_GOLD)
    assert gold.annotated_only
    assert gold.split["tune"] == ["zeebrugge-ferry-1987", "brazil-bank-strike-1987", "karbala7-kurdistan-1987"]
    assert gold.split["heldout"] == ["karbala8-basra-1987", "gulf-platforms-1987"]
    assert set(gold.set_of.values()) == set(gold.split["tune"]) | set(gold.split["heldout"])
    assert check_segments(gold, [str(REUTERS)]) == (31, 218)
    documents = load_documents(str(REUTERS), gold)
    assert len(documents) == 31  # not the 19,043 articles of the corpus
    assert all(d.outlet == "Reuters " + d.id.removeprefix("reuters-") for d in documents)
    april = dt.date(1987, 4, 1)  # the tune events were chosen before it, the held-out ones from it on
    assert all(d.date and (d.date < april) == (gold.set_of[d.id] in gold.split["tune"]) for d in documents)
    for event in gold.split["tune"] + gold.split["heldout"]:
        assert 4 <= sum(1 for s in gold.set_of.values() if s == event) <= 8
    _check_clusters(gold)
    tune = tune_only(gold)  # what --split tune reads: the 17 tune reports, nothing of the held-out ones
    assert {d.id for d in load_documents(str(REUTERS), tune)} == {d for d, s in gold.set_of.items()
                                                                 if s in gold.split["tune"]}
    assert len(tune.sentences) == 17 and {c["set"] for c in tune.clusters} == set(gold.split["tune"])


def test_the_fresh_gold_holds_out_both_events_and_is_annotated_by_the_rules() -> None:
    gold = load_gold(FRESH_GOLD)
    assert gold.annotated_only
    assert gold.split["tune"] == [] and gold.split["heldout"] == list(FRESH_EVENTS)
    assert set(gold.set_of.values()) == set(FRESH_EVENTS)
    assert all(gold.outlet[d] == "Reuters " + d.removeprefix("reuters-") for d in gold.outlet)
    for event in FRESH_EVENTS:
        assert 4 <= sum(1 for s in gold.set_of.values() if s == event) <= 8
    _check_clusters(gold)
    pairs, divergences = gold_pairs(gold)
    claims = sum(s["claim"] for ss in gold.sentences.values() for s in ss)
    assert (len(gold.sentences), sum(map(len, gold.sentences.values())), claims, len(gold.clusters), len(pairs),
            len(divergences)) == (11, 60, 58, 21, 65, 4)


def test_the_fresh_gold_copies_the_rules_verbatim_and_shares_no_report_with_the_reuters_gold() -> None:
    fresh = json.loads(FRESH_GOLD.read_text(encoding="utf-8"))
    rules = json.loads((DATA / "claims_gold.json").read_text(encoding="utf-8"))["rules"]
    split_paragraph = next(i for i, line in enumerate(rules) if line.startswith("Split"))
    assert fresh["rules"][:split_paragraph] == rules[:split_paragraph]
    assert len(fresh["rules"]) == split_paragraph + 1 and fresh["rules"][-1].startswith("Split")
    used = load_gold(REUTERS_GOLD)
    assert not set(fresh["documents"]) & set(used.sentences)
    assert not set(fresh["split"]["heldout"]) & set(used.split["tune"] + used.split["heldout"])


def test_split_tune_computes_nothing_on_the_fresh_gold() -> None:
    gold = load_gold(FRESH_GOLD)
    tune = tune_only(gold)
    assert tune.sentences == {} and tune.clusters == [] and tune.hidden == frozenset(gold.set_of)
    if REUTERS.exists():
        assert load_documents(str(REUTERS), tune) == []


def test_the_fresh_gold_is_annotated_as_dedupe_segment_splits_the_real_reports() -> None:
    if not REUTERS.exists():
        pytest.skip("the Reuters corpus is not on this machine")
    gold = load_gold(FRESH_GOLD)
    assert check_segments(gold, [str(REUTERS)]) == (11, 60)
    documents = load_documents(str(REUTERS), gold)
    assert sorted(d.id for d in documents) == sorted(gold.sentences)  # not the 19,043 articles of the corpus
    assert all(d.outlet == gold.outlet[d.id] for d in documents)
    for d in documents:
        first, last = FRESH_EVENTS[gold.set_of[d.id]]
        assert d.date is not None and first <= d.date <= last


def _check_clusters(gold: Gold) -> None:
    """Every cluster joins claim sentences of one event from two outlets or more (offsets as annotated), and is a
    divergence exactly when it lists conflicts."""
    by_index = {(d, s["i"]): s for d, ss in gold.sentences.items() for s in ss}
    for cluster in gold.clusters:
        members = [(m["doc"], m["i"]) for m in cluster["members"]]
        assert all(by_index[m]["claim"] for m in members) and len({gold.outlet[d] for d, _ in members}) >= 2
        assert all(gold.set_of[d] == cluster["set"] for d, _ in members)
        assert all((by_index[(m["doc"], m["i"])]["start"], by_index[(m["doc"], m["i"])]["end"]) ==
                   (m["start"], m["end"]) for m in cluster["members"])
        assert (cluster["status"] == "divergence") == bool(cluster["conflicts"])


def two_events(tmp_path: Path, annotated_only: bool) -> tuple[Path, Gold]:
    """The fixture's reports 1 and 2 a tune event, two wheat reports a held-out one (each report its own outlet)."""
    path = _corpus(tmp_path)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"id": "reuters-4", "source": "Reuters", "date": "7-APR-1987 09:00:00.00", "title": "",
                              "text": "Wheat prices rose two cents in Chicago.\n"}) + "\n")
    docs = {d.id: d for d in load_corpus([str(path)]).documents}
    sentences = {d: [{"i": i, "start": s.start, "end": s.end, "claim": True, "text": s.text}
                     for i, s in enumerate(segment_document(docs[d]).sentences)] for d in docs}
    sets = {"reuters-1": "offensive", "reuters-2": "offensive", "reuters-3": "wheat", "reuters-4": "wheat"}
    clusters = [{"id": "X1", "set": "offensive", "claim": "Iraq repelled the attack", "status": "agreement",
                 "conflicts": [], "members": [{"doc": "reuters-1", "i": 0}, {"doc": "reuters-2", "i": 0}]},
                {"id": "W1", "set": "wheat", "claim": "Wheat rose two cents", "status": "agreement", "conflicts": [],
                 "members": [{"doc": "reuters-3", "i": 0}, {"doc": "reuters-4", "i": 0}]}]
    outlets = {d: "Reuters " + d.removeprefix("reuters-") for d in docs}
    return path, Gold(sentences, outlets, sets, clusters, {"tune": ["offensive"], "heldout": ["wheat"]},
                      annotated_only)


def record_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the documents that :func:`load_documents` returns from now on, in order (the real loader runs)."""
    loaded: list[str] = []
    real = claims_quality.load_documents

    def recorded(corpus: str, scope: Gold) -> list[Document]:
        documents = real(corpus, scope)
        loaded.extend(d.id for d in documents)
        return documents

    monkeypatch.setattr(claims_quality, "load_documents", recorded)
    return loaded


@pytest.mark.parametrize("annotated_only", [True, False])
def test_tune_only_leaves_the_held_out_documents_out_of_the_corpus(tmp_path: Path, annotated_only: bool) -> None:
    path, gold = two_events(tmp_path, annotated_only)
    assert [d.id for d in load_documents(str(path), gold)] == ["reuters-1", "reuters-2", "reuters-3", "reuters-4"]
    tune = tune_only(gold)
    assert [d.id for d in load_documents(str(path), tune)] == ["reuters-1", "reuters-2"]
    assert set(tune.sentences) == {"reuters-1", "reuters-2"} and [c["id"] for c in tune.clusters] == ["X1"]
    assert tune.split["tune"] == ["offensive"] and tune.split["heldout"] == []
    assert gold_pairs(tune)[0] == {(("reuters-1", 0), ("reuters-2", 0))}


def test_fit_loads_each_corpus_path_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    # real model: the sentence vectors, the twelve grid thresholds' compares and the last one read one loading
    path, gold = two_events(tmp_path, annotated_only=True)
    write_gold(gold, tmp_path / "gold.json")
    loaded = record_loads(monkeypatch)
    assert main([str(path), "--gold", str(tmp_path / "gold.json"), "--no-cache", "--split", "tune", "--fit"]) == 0
    assert loaded == ["reuters-1", "reuters-2"]
    assert "CLAIM_THRESHOLD = " in capsys.readouterr().out


def test_split_tune_compares_and_prints_the_tune_events_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    # the tune command's path on a two-event fixture (real model): the held-out reports are not even compared
    path, gold = two_events(tmp_path, annotated_only=True)
    write_gold(gold, tmp_path / "gold.json")
    assert main([str(path), "--gold", str(tmp_path / "gold.json"), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("--")] == ["-- tune", "-- heldout", "-- offensive",
                                                                            "-- wheat"]
    assert "wire.jsonl: 4 documents" in out
    assert main([str(path), "--gold", str(tmp_path / "gold.json"), "--no-cache", "--split", "tune", "--loeo",
                 "--misses", "--false-pairs"]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("--")] == ["-- tune", "-- offensive"]
    assert "wire.jsonl: 2 documents" in out and "(oracle)" not in out
    assert "(2 clusters)" in out and "held out (never tuned on) = wheat" in out  # the header names the file's split
    assert "reuters-3" not in out and "reuters-4" not in out and "Wheat" not in out
    assert "per tune event: offensive " in out


def test_a_gold_without_a_tune_split_prints_its_held_out_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    # the held-out command's path on a two-report fixture (real model): no tune rows, no cosine threshold fitted
    path = _corpus(tmp_path)
    write_gold(_gold(path, annotated_only=True), tmp_path / "gold.json")
    assert main([str(path), "--gold", str(tmp_path / "gold.json"), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("--")] == ["-- heldout", "-- offensive"]
    assert "(tune)" not in out and "(oracle)" in out
    assert "wire.jsonl: 2 documents" in out  # reuters-3, not annotated, is not compared
    with pytest.raises(SystemExit):
        main([str(path), "--gold", str(tmp_path / "gold.json"), "--loeo"])
