"""dedupe.scan.near_dup.scan: golden findings on the seed corpus, near-duplicates, boilerplate, edge cases."""

from __future__ import annotations

import bisect
import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Document, Origin
from dedupe.errors import ConfigError
from dedupe.scan.config import ScanConfig
from dedupe.scan.near_dup import Finding, ScanResult, scan
from dedupe.scan.fingerprints import fingerprint_corpus
from dedupe.segment import line_starts

DATA = Path(__file__).resolve().parent.parent / "data"

# (kind, words, ((document prefix, start, end, line), ...)) for every finding on the seed corpus, most severe
# first. The four scraper faults (a unit printed twice) are ``repeat``: the spliced paragraph of 000 (both
# copies start a line), the doubled al-Moallem line of 001, the doubled caption of 003, the heading of 004
# printed again (after a bullet). The phrases an article uses inside two different sentences are ``echo``:
# "a no fly zone or no bombing zone" (000), the Daily Mail's bullet summary repeating its body (001, twice),
# "during a press conference with Foreign Secretary William Hague" ending two different captions (001).
SEED_FINDINGS = [
    ("repeat", 20, (("000", 3236, 3337, 23), ("000", 4721, 4822, 33))),
    ("repeat", 17, (("001", 3425, 3525, 27), ("001", 3528, 3628, 28))),
    ("repeat", 18, (("003", 265, 367, 6), ("003", 368, 470, 7))),
    ("repeat", 11, (("004", 97, 172, 6), ("004", 4572, 4647, 64))),
    ("reuse", 11, (("002", 1044, 1101, 13), ("004", 961, 1018, 17))),
    ("reuse", 9, (("002", 1353, 1402, 15), ("003", 2587, 2636, 27))),
    ("echo", 8, (("000", 626, 658, 5), ("000", 4453, 4485, 31))),
    ("echo", 10, (("001", 221, 275, 4), ("001", 1114, 1161, 14), ("001", 5450, 5495, 38))),
    ("echo", 10, (("001", 431, 489, 7), ("001", 10812, 10870, 71))),
    ("echo", 9, (("001", 2846, 2908, 23), ("001", 4295, 4357, 32))),
]


@pytest.fixture(scope="module")
def seeds() -> tuple[Document, ...]:
    return load_corpus([str(DATA)]).documents


@pytest.fixture(scope="module")
def seed_result(seeds: tuple[Document, ...]) -> ScanResult:
    return scan(seeds)


def doc(doc_id: str, text: str, outlet: str = "Test") -> Document:
    return Document(doc_id, outlet, "", "", None, text, Origin(f"{doc_id}.txt"))


def article(seed: int, words: int = 200) -> str:
    rng = random.Random(seed)
    vocabulary = [f"w{rng.randrange(10**6)}" for _ in range(3000)]
    sentences = []
    for _ in range(words // 10):
        sentences.append(" ".join(rng.choice(vocabulary) for _ in range(10)).capitalize() + ".")
    return "\n".join(sentences)


def place(finding: Finding) -> tuple[str, int, tuple[tuple[str, int, int, int], ...]]:
    return finding.kind, finding.words, tuple((o.doc[:3], o.start, o.end, o.line) for o in finding.occurrences)


def assert_exact(result: ScanResult, documents: tuple[Document, ...] | list[Document]) -> None:
    texts = {d.id: d.text for d in documents}
    lines = {d.id: line_starts(d.text) for d in documents}
    for finding in result.findings:
        assert 0.0 <= finding.similarity <= 1.0
        for occurrence in finding.occurrences:
            text = texts[occurrence.doc]
            assert occurrence.text == text[occurrence.start:occurrence.end]
            assert occurrence.line == bisect.bisect_right(lines[occurrence.doc], occurrence.start)


def test_seed_findings_are_exactly_the_golden_ones(seed_result: ScanResult) -> None:
    assert [place(f) for f in seed_result.findings] == SEED_FINDINGS


def test_seed_offsets_index_the_original_text(seed_result: ScanResult, seeds: tuple[Document, ...]) -> None:
    assert_exact(seed_result, seeds)


def test_the_doubled_al_moallem_line(seed_result: ScanResult) -> None:
    finding = next(f for f in seed_result.findings if f.occurrences[0].start == 3425)
    texts = [o.text for o in finding.occurrences]
    assert texts == ["He added that Syria was ready for 'full cooperation with Russia to remove any pretext "
                     "for aggression"] * 2
    assert finding.kind == "repeat" and finding.similarity == 1.0


def test_the_spliced_quote_reports_the_shared_span_only(seed_result: ScanResult) -> None:
    finding = next(f for f in seed_result.findings if f.occurrences[0].start == 3236)
    assert [o.text for o in finding.occurrences] == [
        "But he warned it is \u201cvery important not to get hopes up too high, "
        "because you will remember the point"] * 2
    assert [o.line for o in finding.occurrences] == [23, 33]


def test_the_doubled_caption_and_repeated_heading(seed_result: ScanResult) -> None:
    texts = {o.text for f in seed_result.of_kind("repeat") for o in f.occurrences}
    assert ("The bombing campaign by Russian and Syrian jets has already intensified in Aleppo "
            "in the last 24 hours") in texts
    assert "Pictures: Protest in Southern Syria on Anniversary of Russia\u2019s Intervention" in texts


def test_shared_quote_across_outlets_is_reuse(seed_result: ScanResult) -> None:
    reuse = seed_result.of_kind("reuse")
    assert [o.text for o in reuse[1].occurrences] == ['immediate steps to end the assault on Aleppo" and',
                                                      "immediate steps to end the assault on Aleppo\u201d and"]


def test_no_near_duplicates_and_the_2013_article_shares_nothing_with_2016(seed_result: ScanResult) -> None:
    assert seed_result.of_kind("near_duplicate") == () and seed_result.pairs == ()
    for finding in seed_result.findings:
        docs = {o.doc[:3] for o in finding.occurrences}
        assert docs == {"001"} or "001" not in docs


def test_identical_documents_are_near_duplicates() -> None:
    documents = [doc("a", article(1)), doc("b", article(2)), doc("c", article(1))]
    result = scan(documents)
    near = result.of_kind("near_duplicate")
    assert len(near) == 1 and near[0].similarity == 1.0
    assert [o.doc for o in near[0].occurrences] == ["a", "c"]
    assert near[0].occurrences[0].text == documents[0].text.rstrip(".")
    assert [(p.a, p.b, p.jaccard, p.containment) for p in result.pairs] == [("a", "c", 1.0, 1.0)]
    assert result.of_kind("reuse") == ()  # the shared text is the near_duplicate finding, not a reuse


def test_a_trimmed_copy_is_found_by_containment() -> None:
    full = article(3, 400)
    trimmed = "\n".join(full.splitlines()[5:25])
    result = scan([doc("full", full), doc("trimmed", trimmed), doc("other", article(4))])
    (pair,) = result.pairs
    assert (pair.a, pair.b) == ("full", "trimmed")
    assert pair.containment == 1.0 and pair.jaccard < 0.6
    assert result.of_kind("near_duplicate")[0].similarity == 1.0


def test_a_lightly_edited_copy_is_a_near_duplicate() -> None:
    words = article(5, 300).split(" ")
    words[100] = "CHANGED"
    result = scan([doc("a", article(5, 300)), doc("b", " ".join(words))])
    (pair,) = result.pairs
    assert 0.9 < pair.jaccard < 1.0


def test_crlf_and_lf_copies_match_and_keep_their_offsets() -> None:
    text = article(6)
    documents = [doc("lf", text), doc("crlf", text.replace("\n", "\r\n"))]
    result = scan(documents)
    assert result.pairs[0].jaccard == 1.0
    assert_exact(result, documents)
    assert result.of_kind("near_duplicate")[0].occurrences[1].line == 1


def test_boilerplate_is_reported_once() -> None:
    blurb = "Join our new commenting forum and see the replies of other readers to this story today"
    documents = [doc(f"d{i}", f"{article(10 + i, 60)}\n{blurb}\n{article(40 + i, 30)}") for i in range(12)]
    result = scan(documents)
    (boilerplate,) = result.of_kind("boilerplate")
    assert len(boilerplate.occurrences) == 12 and {o.text for o in boilerplate.occurrences} == {blurb}
    assert result.of_kind("reuse") == ()
    assert scan(documents, ScanConfig(boilerplate_docs=0)).of_kind("reuse")[0].occurrences[0].text == blurb


def test_edge_cases_give_sensible_results() -> None:
    documents = [doc("empty", ""), doc("blank", " \n\t"), doc("one", "Aleppo"), doc("one-again", "Aleppo"),
                 doc("punct", "?!\u2014")]
    result = scan(documents)
    assert result.findings == () and result.pairs == ()
    assert scan([]).findings == ()


def test_a_five_megabyte_single_line_document() -> None:
    rng = random.Random(8)
    words = [f"t{rng.randrange(10**7)}" for _ in range(650_000)]
    passage = " ".join(f"passage{i}" for i in range(12))
    text = " ".join(words[:300_000]) + f" {passage} " + " ".join(words[300_000:]) + f" {passage}"
    assert len(text) > 5_000_000 and "\n" not in text
    (finding,) = scan([doc("huge", text)]).findings
    # Mid-line in both places (no line or sentence starts there): a shared phrase, not a doubled unit.
    assert finding.kind == "echo" and [o.text for o in finding.occurrences] == [passage, passage]
    assert [o.line for o in finding.occurrences] == [1, 1]


def test_a_tandem_repeated_sentence_does_not_blow_up() -> None:
    text = "The quick brown fox jumps over the lazy dog.\n" * 20_000
    result = scan([doc("tandem", text)])
    (finding,) = result.findings
    assert finding.kind == "repeat" and len(finding.occurrences) == 20_000
    assert {o.text for o in finding.occurrences} == {"The quick brown fox jumps over the lazy dog"}
    assert [o.line for o in finding.occurrences[:3]] == [1, 2, 3]
    assert_exact(result, [doc("tandem", text)])
    assert scan([doc("ha", "ha " * 100_000)]).findings == ()  # one-word period: shorter than min_words


def test_chinese_passages_are_matched_by_characters() -> None:
    shared = "美国国务卿克里警告俄罗斯如果不停止轰炸阿勒颇将切断联系"
    documents = [doc("zh1", f"新闻报道。{shared}。其他内容在这里出现"), doc("zh2", f"另一家媒体说{shared}，然后结束")]
    result = scan(documents)
    (reuse,) = result.of_kind("reuse")
    assert [o.text for o in reuse.occurrences] == [shared, shared]
    assert_exact(result, documents)


def test_arabic_near_duplicates() -> None:
    text = " ".join(["قال وزير الخارجية الأمريكي إن الولايات المتحدة ستقطع الاتصالات مع روسيا بشأن سوريا"] * 1)
    body = text + " " + " ".join(f"كلمة{i}" for i in range(60))
    documents = [doc("ar1", body), doc("ar2", "\u200f" + body + "."), doc("en", article(9))]
    result = scan(documents)
    assert [(p.a, p.b, p.jaccard) for p in result.pairs] == [("ar1", "ar2", 1.0)]
    assert_exact(result, documents)


def test_output_is_deterministic_and_independent_of_workers() -> None:
    # About 290,000 characters: several fingerprint batches, so two workers share them.
    documents = [doc(f"d{i}", article(i % 7, 1000) + f"\nextra {i}") for i in range(36)]
    texts = [d.text for d in documents]
    pooled, alone = fingerprint_corpus(texts, 5, 2), fingerprint_corpus(texts, 5, 1)
    forked = fingerprint_corpus(texts, 5, 1, fork=True)  # the later half in a forked child
    for field in ("token_counts", "offsets", "shingles", "token_starts", "token_ends"):
        assert np.array_equal(getattr(pooled, field), getattr(alone, field)), field
        assert np.array_equal(getattr(forked, field), getattr(alone, field)), field
    one = scan(documents, ScanConfig(workers=1))
    two = scan(documents, ScanConfig(workers=2))
    assert one.findings == two.findings and one.pairs == two.pairs
    assert one.findings == scan(documents, ScanConfig(workers=1)).findings
    assert len(one.of_kind("near_duplicate")) == 7


def test_forked_stages_give_the_serial_result(seeds: tuple[Document, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    # Near-duplicates (LSH and trimmed copies, which only the passages propose), reuse and repeats.
    documents = list(seeds) + [doc("copy", seeds[2].text), doc("trim", seeds[3].text[:2500])]
    # Over four million characters: the LSH stage forks beside the passage search.
    documents += [doc(f"d{i}", article(i % 5, 150) + f"\nextra {i}") for i in range(10)]
    words = [f"v{n}" for n in range(50_000)]
    for i in range(600):  # distinct filler, about 7,000 characters each
        rng = random.Random(i)
        documents.append(doc(f"f{i}", "\n".join(" ".join(rng.choices(words, k=10)) + "." for _ in range(100))))
    serial = scan(documents, ScanConfig(workers=1))
    assert sum(len(d.text) for d in documents) >= 4_000_000
    forked = scan(documents, ScanConfig(workers=2))  # fingerprints on two processes
    # The forked LSH stage is timed when its result comes back, after the passage search.
    assert list(serial.stats.seconds).index("minhash") < list(serial.stats.seconds).index("passages")
    assert list(forked.stats.seconds).index("minhash") > list(forked.stats.seconds).index("passages")
    assert forked.stats.workers == 2 and "minhash" in forked.stats.seconds
    assert forked.findings == serial.findings and forked.pairs == serial.pairs
    assert dataclasses.replace(forked.stats, workers=1) == serial.stats  # the counts (timings are not compared)
    assert scan(documents, ScanConfig(workers=3)).findings == serial.findings
    monkeypatch.setattr("dedupe.scan.near_dup.idle_core", lambda: True)  # as on an idle machine
    default = scan(documents)  # half the fingerprints and the LSH stage (with its similarities) forked
    assert list(default.stats.seconds).index("minhash") > list(default.stats.seconds).index("passages")
    assert default.findings == serial.findings and default.pairs == serial.pairs
    assert len(serial.of_kind("near_duplicate")) == 7 and serial.of_kind("reuse") and serial.of_kind("repeat")


def test_datasketch_backend_gives_the_same_result(seeds: tuple[Document, ...]) -> None:
    documents = list(seeds) + [doc("copy", seeds[2].text), doc("trim", seeds[3].text[:2500])]
    ours = scan(documents)
    theirs = scan(documents, ScanConfig(backend="datasketch"))
    assert ours.findings == theirs.findings
    assert {(p.a, p.b) for p in ours.pairs} == {("002_70fb1de66b54f918", "copy"), ("003_c71ec08203a11230", "trim")}


@pytest.mark.parametrize("field, value, message", [
    ("threshold", 0.0, "threshold must be in (0, 1]"), ("threshold", 1.5, "threshold must be in (0, 1]"),
    ("min_words", 0, "min-words must be at least 1"), ("ngram", 0, "ngram must be in [1, 64]"),
    ("num_perm", 1, "num-perm must be in [2, 4096]"), ("boilerplate_docs", 1, "boilerplate-docs must be 0"),
    ("workers", 0, "workers must be at least 1"), ("backend", "faiss", "backend must be one of"),
])
def test_config_is_validated(field: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        ScanConfig(**{field: value})  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "Beta,", "\u201cgamma\u201d"]),
                         max_size=40), min_size=1, max_size=5),
       st.integers(min_value=1, max_value=6), st.integers(min_value=2, max_value=8))
def test_findings_are_exact_whatever_the_corpus(docs: list[list[str]], ngram: int, min_words: int) -> None:
    documents = [doc(f"d{i}", " ".join(words)) for i, words in enumerate(docs)]
    result = scan(documents, ScanConfig(ngram=ngram, min_words=min_words, boilerplate_docs=3))
    assert_exact(result, documents)
    for finding in result.findings:
        if finding.kind != "near_duplicate":
            assert finding.words >= min_words
    for pair in result.pairs:
        assert max(pair.jaccard, pair.containment) >= 0.8


def test_without_passages_only_near_duplicates_by_jaccard() -> None:
    full = article(3, 400)
    documents = [doc("a", full), doc("copy", full), doc("trimmed", "\n".join(full.splitlines()[5:25]))]
    result = scan(documents, ScanConfig(passages=False))
    assert [f.kind for f in result.findings] == ["near_duplicate"]
    assert [(p.a, p.b) for p in result.pairs] == [("a", "copy")]
    assert result.stats.shared_runs == 0
