"""Draw a fresh figure phrase set: random sentences with a number and a people or count word.

Sentences come from sources used in no earlier label set: Reuters-21578 articles whose id no set names,
MRPC sentences whose id no set names, SemEval STS headlines whose (year, line, side) no set names; a
sentence whose text any set already holds is skipped too. The draw is seeded and printed as JSONL
(source, sentence) for labelling by hand *before* the extractor is run on it; the extractor is not
imported here.

Usage:
    python -m benchmarks.figures_sample --corpora ../shared/corpora --seed 20261204 \\
        --reuters 25 --mrpc 30 --sts 25 > /tmp/holdout7_sentences.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from dedupe.figures.measures import WORKERS
from dedupe.lexicon import PEOPLE_NOUNS, TENS, UNITS

LABELS = Path(__file__).resolve().parent / "data"
_NUMBER = re.compile(r"\b(\d[\d,.]*|" + "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))
                     + r"|dozens|scores|hundreds|thousands)\b", re.IGNORECASE)
_COUNT_WORDS = frozenset(PEOPLE_NOUNS | WORKERS) | {
    "killed", "dead", "died", "deaths", "injured", "wounded", "missing", "arrested", "detained", "jobs",
    "strike", "evacuated", "fled", "victims", "casualties", "trapped", "laid", "hired", "layoffs"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"])")


def used_sources(folder: Path) -> tuple[set[str], set[str]]:
    """Sources and sentences of every earlier label set (figure_phrases*.jsonl)."""
    sources: set[str] = set()
    sentences: set[str] = set()
    for path in sorted(folder.glob("figure_phrases*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                sources.add(row["source"])
                sentences.add(row["sentence"])
    return sources, sentences


def is_candidate(sentence: str) -> bool:
    """A sentence of a readable length with a number that a people or count word follows within four words."""
    if not 20 <= len(sentence) <= 400:
        return False
    for match in _NUMBER.finditer(sentence):
        after = re.findall(r"[A-Za-z-]+", sentence[match.end():match.end() + 60].lower())[:4]
        if set(after) & _COUNT_WORDS:
            return True
    return False


def reuters(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(source, sentences) per Reuters article; sentences split at end punctuation before a capital."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text = " ".join(row["text"].split())
            yield str(row["id"]), _SENTENCE_END.split(text)      # ids read "reuters-<n>"


def mrpc(folder: Path) -> Iterator[tuple[str, str]]:
    """(source, sentence) for every MRPC sentence, each id once."""
    seen: set[str] = set()
    for name in ("msr_paraphrase_train.txt", "msr_paraphrase_test.txt"):
        with (folder / name).open(encoding="utf-8-sig") as handle:
            for row in list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]:
                for ident, text in ((row[1], row[3]), (row[2], row[4])):
                    if ident not in seen:
                        seen.add(ident)
                        yield f"mrpc-{ident}", text


def sts(folder: Path) -> Iterator[tuple[str, str]]:
    """(source, sentence) for every STS headline: sts<year>-<line><a|b>, lines counted from 1."""
    for year in (2013, 2014, 2015, 2016):
        with (folder / f"headlines-{year}.tsv").open(encoding="utf-8") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
                for side, text in zip("ab", row[1:3]):
                    yield f"sts{year}-{number}{side}", text


def draw(corpora: Path, seed: int, counts: dict[str, int]) -> list[dict[str, str]]:
    """The seeded sample: at most one sentence per Reuters article, none an earlier set used."""
    used, seen_text = used_sources(LABELS)
    rng = random.Random(seed)
    fresh = [(s, t) for s, t in mrpc(corpora / "mrpc") if s not in used and t not in seen_text and is_candidate(t)]
    picked = rng.sample(fresh, counts["mrpc"])
    fresh = [(s, t) for s, t in sts(corpora / "sts-headlines")
             if s not in used and t not in seen_text and is_candidate(t)]
    picked += rng.sample(sorted(set(fresh)), counts["sts"])
    articles = [(s, sentences) for s, sentences in reuters(corpora / "reuters21578.jsonl") if s not in used]
    rng.shuffle(articles)
    taken = 0
    for source, sentences in articles:
        candidates = [t for t in sentences if is_candidate(t) and t not in seen_text]
        if candidates and taken < counts["reuters"]:
            picked.append((source, rng.choice(candidates)))
            taken += 1
    return [{"source": s, "sentence": t} for s, t in picked]


def main() -> None:
    """Print the sample as JSONL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--reuters", type=int, default=25)
    parser.add_argument("--mrpc", type=int, default=30)
    parser.add_argument("--sts", type=int, default=25)
    args = parser.parse_args()
    for row in draw(args.corpora, args.seed, {"reuters": args.reuters, "mrpc": args.mrpc, "sts": args.sts}):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
