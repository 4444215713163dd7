"""Headline-lead claim pairs from Reuters-21578: outside training pairs for the claim model.

Usage:
    .venv/bin/python -m benchmarks.claim_pairs /work/shared/corpora/reuters21578.jsonl [--articles 1000]
        [--seed 12] [--show KIND --show-count 30]

MRPC's and STS's pairs are mostly two full sentences of similar length; what ``dedupe compare`` misses is a
headline's compressed wording against the same claim stated in a longer sentence. A Reuters article's headline
and its lead (first sentence, as :mod:`dedupe.segment` cuts it) state the same claim, so they make pairs of
exactly that kind:

- ``lead`` (same claim, 1): the headline with its own article's lead;
- ``other-lead`` (0): the headline with the lead of another article of the same days (at most ``DAYS`` apart)
  that is closest to the headline in MiniLM cosine (a hard negative: same topic, another claim); an article
  whose lead is close to this one's (``REPEAT_COSINE``) or whose headline is the same is a repeat of the story
  and never a negative;
- ``later`` (0): the headline with a later sentence of its own article (the third or later: the second most
  often elaborates the lead). A later sentence may restate the headline: see benchmarks/README.md for how often,
  counted on a sample read by hand (``--show later``).

Reuters is one outlet: there are no cross-outlet pairs here, only headline-lead pairs of one article.
Headlines are ALL CAPS; they are re-cased from their own article (:func:`headline_text`): a word keeps the case
the article writes it in ("CME", "U.S.", "Mexico"), any other word is lower-cased, the first is capitalised,
since the claim features read capitalised names and case-sensitive string ratios. Tickers ("<OXY>", "(KFL.TO)")
go, a bracketed name ("<John Labatt Ltd>") keeps its words.

Skipped: earnings reports and tables (a headline naming a quarter, net, shares or a dividend; a body with "Shr"
/ "Net" / "Revs" lines; a lead that is mostly figures or ends in a colon), headlines of fewer than
``MIN_HEADLINE_WORDS`` words, leads that are no sentence (no full stop, under ``MIN_LEAD_WORDS`` words), and
repeated stories (a headline or lead already seen). Sampling is seeded; the same corpus, seed and encoder give the
same pairs in the same order.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.align_quality import Pairs
from dedupe.corpus.load import load_corpus
from dedupe.embed.encoder import EmbeddingCache, Encoder, default_cache_dir, embed, load_encoder
from dedupe.segment import SegmentedDocument, segment_documents

KINDS: tuple[str, ...] = ("lead", "other-lead", "later")
MIN_HEADLINE_WORDS = 4
MIN_LEAD_WORDS = 8
MAX_LEAD_WORDS = 70
# A hard negative's lead comes from an article at most DAYS apart; a lead this close to the article's own is
# the same story retold (an update, a correction, a second desk's copy), never a negative.
DAYS = 3
REPEAT_COSINE = 0.8
# A later sentence from this index on (0 is the lead).
FIRST_LATER = 2
SEED = 12

_TICKER = re.compile(r"\s*(?:<[A-Z0-9.&'/-]+>|\([A-Z0-9&]+\.[A-Z]{1,2}\))")
_TAG = re.compile(r"<([^<>]+)>")
_EARNINGS = re.compile(r"\b(?:QTR|QTLY|QUARTERLY|NET|SHR|SHRS|DIV|DIVS|DIVIDEND|MTHS?|OPER|EPS|REVS)\b|"
                       r"\b(?:1ST|2ND|3RD|4TH)\b")
_TABLE_LINE = re.compile(r"^\s*(?:Shr|Net|Revs|Qtly div|Avg shrs|Sales)\b", re.M)
_WORD = re.compile(r"[A-Za-z][A-Za-z.'&-]*|\d[\d.,/]*")
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]?")  # "U.S", "U.K", "N.Z" (the last full stop stripped)
_PUNCTUATION = ",.;:'\"()-"
_END = re.compile(r"[.!?][\"')]*$")


@dataclass(frozen=True)
class Article:
    """A Reuters article usable for pairs.

    Attributes:
        id: Its id in the corpus.
        day: Days since the corpus's first date (for the hard negatives' window).
        headline: The headline, re-cased and without tickers.
        lead: The first sentence, whitespace collapsed.
        later: Its sentences from :data:`FIRST_LATER` on that read as sentences.
    """

    id: str
    day: int
    headline: str
    lead: str
    later: tuple[str, ...]


@dataclass(frozen=True)
class ClaimPair:
    """One training pair: a headline, a sentence, whether they state one claim, and how the pair was made."""

    headline: str
    sentence: str
    label: int
    kind: str
    article: str
    other: str


def plain(text: str) -> str:
    """``text`` without tickers ("<OXY>", "(KFL.TO)"), other tags unwrapped ("<John Labatt Ltd>" -> "John Labatt
    Ltd") and whitespace collapsed.

    Example:
        >>> plain("Occidental Petroleum Corp <OXY> and <John Labatt Ltd>\\nsaid")
        'Occidental Petroleum Corp and John Labatt Ltd said'
    """
    return " ".join(_TAG.sub(r"\1", _TICKER.sub("", text)).split())


def headline_text(title: str, body: str) -> str:
    """An ALL-CAPS Reuters headline in sentence case, each word cased as its own article writes it.

    Example:
        >>> headline_text("OCCIDENTAL <OXY> OFFICIAL RESIGNS", "MidCon, a unit of Occidental Petroleum, said.")
        'Occidental official resigns'
        >>> headline_text("FED DATA SUGGEST U.S. CREDIT POLICY IS ON HOLD", "Data suggest the U.S. banking system.")
        'Fed data suggest U.S. credit policy is on hold'
    """
    cased = _casings(body)
    words = []
    for word in plain(title).split():
        core = word.strip(_PUNCTUATION)
        form = core if _INITIALS.fullmatch(core) else cased.get(core.lower(), core.lower())
        words.append(word.replace(core, form, 1) if core else word)
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _casings(body: str) -> dict[str, str]:
    """Each word's most frequent written form in ``body`` (ties: first seen). A sentence's first word counts only
    for a word never written elsewhere, and only when it is more than capitalised ("U.S.", "IBM"; not "Data")."""
    text = plain(body)
    inside: dict[str, Counter[str]] = {}
    initial: dict[str, Counter[str]] = {}
    for match in _WORD.finditer(text):
        before = text[max(match.start() - 2, 0):match.start()].rstrip()
        forms = initial if match.start() == 0 or before[-1:] in (".", "!", "?", '"') else inside
        word = match.group().strip(_PUNCTUATION)
        if forms is initial and word == word.capitalize():
            continue
        forms.setdefault(word.lower(), Counter())[word] += 1
    chosen = {key: counts.most_common(1)[0][0] for key, counts in initial.items()}
    chosen.update((key, counts.most_common(1)[0][0]) for key, counts in inside.items())
    return chosen


def sentence_like(text: str) -> bool:
    """Whether ``text`` reads as a sentence of prose: ``MIN_LEAD_WORDS`` to ``MAX_LEAD_WORDS`` words, opening
    with a letter or figure (not a fragment's comma), a closing full stop (not a colon), and at most a quarter of
    its words figures (tables, price lists)."""
    words = _WORD.findall(text)
    figures = sum(word[0].isdigit() for word in words)
    return (MIN_LEAD_WORDS <= len(words) <= MAX_LEAD_WORDS and text[:1].isalnum()
            and _END.search(text) is not None and figures <= len(words) / 4)


def article_of(document: SegmentedDocument, day: int) -> tuple[Article | None, str]:
    """The article made from one segmented Reuters document, or ``None`` and why it is skipped."""
    doc = document.doc
    title = plain(doc.title)
    if len(_WORD.findall(title)) < MIN_HEADLINE_WORDS:
        return None, "short headline"
    if _EARNINGS.search(title) or _TABLE_LINE.search(doc.text):
        return None, "earnings or table"
    sentences = document.sentences
    end = 0
    while end + 1 < min(len(sentences), 3) and not _END.search(sentences[end].text):
        end += 1  # Reuters' shorter first line is sometimes read as a paragraph of its own: join it back
    lead = plain(doc.text[sentences[0].start:sentences[end].end]) if sentences else ""
    if not sentence_like(lead):
        return None, "lead no sentence"
    later = tuple(plain(s.text) for s in sentences[end + FIRST_LATER:] if sentence_like(plain(s.text)))
    return Article(doc.id, day, headline_text(doc.title, doc.text), lead, later), "usable"


def read_articles(path: Path) -> tuple[list[Article], Counter[str]]:
    """Every usable article of a Reuters JSON Lines file, in file order, and how many were skipped why (a
    headline or lead seen before is a repeated story)."""
    docs = [d for d in load_corpus([str(path)]).documents if d.date is not None]
    first = min(d.date for d in docs if d.date is not None)
    articles: list[Article] = []
    reasons: Counter[str] = Counter()
    seen: set[str] = set()
    for document in segment_documents(docs):
        assert document.doc.date is not None
        article, reason = article_of(document, (document.doc.date - first).days)
        if article is not None and (article.headline.lower() in seen or article.lead.lower() in seen):
            article, reason = None, "repeated story"
        reasons[reason] += 1
        if article is not None:
            seen.update((article.headline.lower(), article.lead.lower()))
            articles.append(article)
    return articles, reasons


def hard_negative(index: int, articles: Sequence[Article], headlines: np.ndarray, leads: np.ndarray,
                  days: Sequence[int] | np.ndarray) -> int | None:
    """The article (index into ``articles``, sorted by day) whose lead is closest to ``articles[index]``'s
    headline among those at most ``DAYS`` apart, leaving out the article itself and repeats of its story (lead
    cosine ``REPEAT_COSINE`` or more, or the same headline); ``None`` when there is none."""
    low = int(np.searchsorted(days, days[index] - DAYS, side="left"))
    high = int(np.searchsorted(days, days[index] + DAYS, side="right"))
    window = np.arange(low, high)
    repeat = (leads[window] @ leads[index] >= REPEAT_COSINE) | (window == index)
    repeat |= np.asarray([articles[j].headline.lower() == articles[index].headline.lower() for j in range(low, high)])
    scores = np.where(repeat, -np.inf, leads[window] @ headlines[index])
    if not np.isfinite(scores).any():
        return None
    return int(window[int(np.argmax(scores))])


def claim_pairs(articles: Sequence[Article], encoder: Encoder, cache: EmbeddingCache | None,
                count: int, seed: int = SEED) -> list[ClaimPair]:
    """``count`` sampled articles' pairs (a ``lead``, an ``other-lead`` and a ``later`` pair each, where the
    article has one), in sampled order.

    Args:
        articles: Usable articles (:func:`read_articles`).
        encoder: Embeds headlines and leads for the hard negatives.
        cache: Embedding cache, or ``None``.
        count: How many articles to sample (all when there are fewer).
        seed: Seed of the sampling.

    Returns:
        The pairs; the same arguments give the same pairs in the same order.
    """
    ordered = sorted(articles, key=lambda a: a.day)  # stable: file order within a day
    days = np.asarray([a.day for a in ordered])
    rng = random.Random(seed)
    chosen = rng.sample(range(len(ordered)), min(count, len(ordered)))
    leads = embed(encoder, [a.lead for a in ordered], cache)
    headlines = np.zeros_like(leads)
    headlines[chosen] = embed(encoder, [ordered[i].headline for i in chosen], cache)
    pairs: list[ClaimPair] = []
    for i in chosen:
        article = ordered[i]
        pairs.append(ClaimPair(article.headline, article.lead, 1, "lead", article.id, article.id))
        other = hard_negative(i, ordered, headlines, leads, days)
        if other is not None:
            pairs.append(ClaimPair(article.headline, ordered[other].lead, 0, "other-lead", article.id,
                                   ordered[other].id))
        if article.later:
            pairs.append(ClaimPair(article.headline, rng.choice(article.later), 0, "later", article.id, article.id))
    return pairs


def as_pairs(pairs: Iterable[ClaimPair]) -> Pairs:
    """The pairs as :class:`benchmarks.align_quality.Pairs` (headline first)."""
    pairs = list(pairs)
    return Pairs([p.headline for p in pairs], [p.sentence for p in pairs], np.asarray([p.label for p in pairs]))


def main(argv: Sequence[str] | None = None) -> int:
    """Build the pairs and print how many of each kind (and a sample of one kind to read)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="reuters21578.jsonl")
    parser.add_argument("--articles", type=int, default=1000, help="articles sampled (one pair of each kind)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--show", choices=KINDS, help="print a sample of the pairs of this kind")
    parser.add_argument("--show-count", type=int, default=30)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)
    articles, reasons = read_articles(args.corpus)
    print("articles: " + ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items())))
    encoder = load_encoder(None)
    pairs = claim_pairs(articles, encoder, None if args.no_cache else EmbeddingCache(default_cache_dir()),
                        args.articles, args.seed)
    kinds = Counter(p.kind for p in pairs)
    print(f"pairs: {len(pairs)} (" + ", ".join(f"{k} {kinds[k]}" for k in KINDS) + ")")
    if args.show:
        shown = random.Random(args.seed + 1).sample([p for p in pairs if p.kind == args.show],
                                                    min(args.show_count, kinds[args.show]))
        for number, pair in enumerate(shown, 1):
            print(f"{number:3d} [{pair.article} / {pair.other}] {pair.headline}\n    | {pair.sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
