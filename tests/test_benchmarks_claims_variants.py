import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import claims_quality, claims_variants, relative_links
from dedupe.compare import align, groups
from dedupe.corpus.load import load_corpus
from dedupe.embed.encoder import EmbeddingCache, embed
from dedupe.segment import segment_document
from tests.test_benchmarks_claims_quality import record_loads, two_events, write_gold


def _table(path: Path, rows: dict[str, dict[str, list[float]]]) -> Path:
    path.write_text(json.dumps(rows))
    return path


def test_pooled_leaves_each_event_of_both_golds_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # two golds' sweep tables over the same values: the value is picked on the other three events (worst, then mean)
    first = _table(tmp_path / "mo.json", {"0.2": {"a": [1, 1, 0.9], "b": [1, 1, 0.8]},
                                          "0.3": {"a": [1, 1, 0.7], "b": [1, 1, 0.9]}})
    second = _table(tmp_path / "reu.json", {"0.2": {"c": [0.5, 0.1, 0.2], "d": [1, 1, 0.6]},
                                            "0.3": {"c": [0.5, 0.1, 0.1], "d": [1, 1, 0.75]}})
    assert claims_variants.main(["-", "pooled", str(first), str(second)]) == 0
    out = capsys.readouterr().out
    assert "4 events: a, b, c, d" in out
    # c is the worst of any three it is in, so 0.2 is picked whenever c is among the others; left out, c is
    # scored at the value a + b + d pick: worst 0.7 at 0.3 against 0.6 at 0.2, where c has 0.1
    assert "value on a + b + d: 0.3 -> c: P 0.500 R 0.100 F1 0.100" in out
    assert "value on b + c + d: 0.2 -> a: P 1.000 R 1.000 F1 0.900" in out
    assert "leave-one-event-out figure: worst F1 0.100 (P 0.500), mean F1 0.600" in out


def test_the_corpus_paths_come_before_the_variant() -> None:
    with pytest.raises(SystemExit):
        claims_variants.main(["pooled", "x.json"])  # no corpus path named


def _three_events(tmp_path: Path) -> Path:
    """claims_quality's two-event fixture with the wheat reports a second tune event (a leave-one-event-out needs
    two) and a fifth report the held-out event; the gold file's path."""
    path, gold = two_events(tmp_path, annotated_only=False)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"id": "reuters-5", "source": "Reuters", "date": "8-APR-1987 10:00:00.00", "title": "",
                              "text": "Iraqi jets raided an Iranian oil terminal in the Gulf.\n"}) + "\n")
    fifth = next(d for d in load_corpus([str(path)]).documents if d.id == "reuters-5")
    sentences = {**gold.sentences, "reuters-5": [{"i": i, "start": s.start, "end": s.end, "claim": True, "text": s.text}
                                                 for i, s in enumerate(segment_document(fifth).sentences)]}
    write_gold(claims_quality.Gold(sentences, {**gold.outlet, "reuters-5": "Reuters 5"},
                                   {**gold.set_of, "reuters-5": "raid"}, gold.clusters,
                                   {"tune": ["offensive", "wheat"], "heldout": ["raid"]}), tmp_path / "gold.json")
    return tmp_path / "gold.json"


def test_sweep_leaves_the_held_out_documents_out_of_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # real model: the held-out report is not even loaded (so not grouped into stories with the tune reports)
    gold = _three_events(tmp_path)
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path / "cache"))
    loaded = record_loads(monkeypatch)
    assert claims_variants.main([str(tmp_path / "wire.jsonl"), "sweep", "threshold", "0.3", "--gold", str(gold),
                                 "--table", str(tmp_path / "table.json")]) == 0
    assert set(loaded) == {"reuters-1", "reuters-2", "reuters-3", "reuters-4"}
    assert list(json.loads((tmp_path / "table.json").read_text())["0.3"]) == ["offensive", "wheat"]
    assert "leave-one-event-out figure" in capsys.readouterr().out


def test_with_defaults_holds_for_its_block_only() -> None:
    # the defaults, the alignment and the claim cosines it installs are the tool's again after the block,
    # also when the block raises (a variant's run must not leak into what the process runs next)
    tool = (align.AlignConfig(), groups.align, align.claim_space_cosines)
    with pytest.raises(RuntimeError):
        with claims_variants.with_defaults(["threshold=0.11", "relative=centred"]):
            assert align.AlignConfig().threshold == 0.11 and groups.CompareConfig().align.threshold == 0.11
            assert groups.align is not tool[1] and align.claim_space_cosines is relative_links.centred_cosines
            raise RuntimeError
    assert (align.AlignConfig(), groups.align, align.claim_space_cosines) == tool


def test_token_link_holds_for_its_block_only() -> None:
    # the linked scoring is the tool's again after the block, also when the block raises
    tool = align.score_pairs
    with pytest.raises(RuntimeError):
        with claims_variants.token_link(None, 0.6):
            assert align.score_pairs is not tool
            raise RuntimeError
    assert align.score_pairs is tool


def test_fit_with_tune_reads_candidate_pairs_as_compare_scores_them(real_encoder: Any) -> None:
    texts = ["Kerry threatened to suspend talks with Russia on Syria.",
             "The US warned Moscow it would halt its diplomacy over Syria.",
             "Rescuers found 14 more bodies in the rubble on Tuesday.",
             "Fourteen more bodies were pulled from the rubble, rescuers said."]
    vectors = embed(real_encoder, texts, EmbeddingCache(None))
    config = align.AlignConfig()
    found = align.cosine_candidates(vectors, ["a", "b", "a", "b"], -1.0)
    rows = claims_variants.candidate_features(texts, vectors, found, config)
    read = align.with_count_rule(texts, found, align.CLAIM_MODEL.probability(rows))
    # the claim model's cosine column is the claim-space cosine, as align reads it (not the plain cosine)
    assert [p.probability for p in read] == [p.probability for p in align.scored_candidates(texts, vectors, found,
                                                                                           config)]
    assert rows[:, 0].tolist() != [c for _, _, c in found]
