"""Group documents into stories: coverage of the same event, so that claims and figures are compared
only where they can be about the same thing.

Stories are tight clusters, not chains: documents merge by greedy average linkage over their content
similarity (TF-IDF cosine over content words), and two documents link only when they also share a name
(a person, place or organisation: :func:`dedupe.compare.entities.find_mentions`, the one name finder).
Words alone do not make an event: a thousand earnings tables ("Shr 34 cts vs 1.19 dlrs, Net ...") share
their whole vocabulary but no name, and each stays its own story. The most similar pairs are considered first, and two
stories merge only while the mean similarity over all their cross pairs (pairs under half of ``min_similarity``
count as 0) stays at ``min_similarity`` or above, and the merged story's known dates span at most
``window_days``. So a topical neighbour of a neighbour (cocoa, then grain, then banks) does not pull
unrelated articles into one story, while a developing event covered by many outlets stays together.

Dates: a date that did not parse is read from its first ISO date when it has one ("2016-09-28/29" is
28 September 2016); a document with no date at all links on content alone.

Why a 30-day default window: coverage of one event (a siege, a negotiation) runs for weeks; in the seed
corpus the Aleppo reports span 28 September to 13 October 2016, while the 2013 chemical-weapons article,
though it shares many names (Kerry, Lavrov, Syria), is three years away.

Example:
    >>> parse_window("2w")
    14.0
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dedupe.corpus.documents import Document
from dedupe.errors import ConfigError
from dedupe.lexicon import DAYS_PER_UNIT
from dedupe.unionfind import UnionFind

_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WINDOW_UNITS = {"h": "hour", "d": "day", "w": "week"}
# Characters after which a capitalised word opens a line or sentence (and may be no name).
_OPENERS = frozenset("\n.!?:;\"\u201c\u201d'\u2018\u2019([{\u2014\u2013-|*\u2022")
# Similarity is computed in row blocks so memory stays bounded on large corpora: a dense block is
# _BLOCK x corpus floats (512 rows: 78 MB on all of Reuters-21578, where 2048 rows peaked at 1.4 GB).
_BLOCK = 512
# Stories of at least this many documents take in a lone document by majority (`_attach_singles`): in a smaller
# one, half its members is one or two links, which average linkage weighed already.
_LARGE = 4


@dataclass(frozen=True)
class Story:
    """A group of documents about one event.

    Attributes:
        id: ``story-1``, ``story-2``... numbered by each story's first document in load order.
        doc_ids: Member document ids, in load order.
        start: Earliest known publication date, ``None`` when no member has one.
        end: Latest known publication date.
    """

    id: str
    doc_ids: tuple[str, ...]
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class StoryConfig:
    """How documents are grouped into stories.

    Attributes:
        window_days: Largest gap in days between two linked documents' dates (when both are known).
        min_similarity: Smallest TF-IDF cosine of a linking pair, and smallest mean cosine between two
            stories that merge (pairs under half of it count as 0), in [0, 1].
        one_story: Put every document into a single story.
    """

    window_days: float = 30.0
    min_similarity: float = 0.12
    one_story: bool = False

    def __post_init__(self) -> None:
        if self.window_days < 0:
            raise ConfigError("story window must not be negative")
        if not 0.0 <= self.min_similarity <= 1.0:
            raise ConfigError("story similarity must be in [0, 1]")


def parse_window(text: str) -> float:
    """Parse a window such as ``7d``, ``2w`` or ``36h`` into days (a bare number is refused: hours or days?).

    Raises:
        ConfigError: The text is not a number with an h/d/w unit.
    """
    match = _WINDOW.match(text)
    if not match:
        if re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", text):
            raise ConfigError(f"story window {text!r} needs a unit: {text.strip()}d for days, {text.strip()}h for "
                              f"hours, {text.strip()}w for weeks")
        raise ConfigError(f"story window {text!r} is not like 7d, 2w or 36h")
    return float(match.group(1)) * DAYS_PER_UNIT[_WINDOW_UNITS[match.group(2).lower()]]


def group_stories(documents: Sequence[Document], config: StoryConfig | None = None) -> tuple[Story, ...]:
    """Group documents into stories.

    Args:
        documents: The corpus documents, in load order.
        config: Window, similarity threshold, or ``one_story``.

    Returns:
        Stories ordered by their first document; every document is in exactly one.
    """
    config = config or StoryConfig()
    if not documents:
        return ()
    if config.one_story or len(documents) == 1:
        return (_story(1, list(documents)),)
    pairs = _similar_pairs(documents, config.min_similarity / 2)
    sets = UnionFind(len(documents))
    linkage = _Linkage(pairs, [known_date(d) for d in documents])
    for i, j, _ in sorted((p for p in pairs if p[2] >= config.min_similarity), key=lambda p: (-p[2], p[0], p[1])):
        a, b = sets.find(i), sets.find(j)
        if a != b and linkage.mergeable(a, b, config):
            sets.union(a, b)
            linkage.merge(a, b, sets.find(a))
    _attach_singles(sets, pairs, linkage, config)
    groups = [[documents[i] for i in group] for group in sets.groups()]
    return tuple(_story(n, members) for n, members in enumerate(groups, start=1))


def _attach_singles(sets: UnionFind, pairs: list[tuple[int, int, float]], linkage: _Linkage,
                    config: StoryConfig) -> None:
    """Let each document that average linkage left alone join the story most of whose members it links to.

    A report with its own angle on an event (a later day's follow-up, a local paper's opening) can be close to
    most of a large story's reports and far from a few, so its mean over all of them falls under
    ``min_similarity`` and it would stay a story of one. It joins a story of ``_LARGE`` or more documents when its
    TF-IDF cosine reaches ``min_similarity`` with at least half of that story's members (so one close neighbour
    is not enough: no chain) and the joined dates stay within the window; of several such stories, the one with
    the highest mean cosine (``linkage``'s sums). Every lone document is decided against the stories as linkage
    left them, so the order of the documents does not matter and one joining document never draws in another.
    """
    roots = [sets.find(i) for i in range(len(linkage.size))]
    size = linkage.size
    strong: Counter[tuple[int, int]] = Counter()
    for i, j, similarity in pairs:
        for lone, other in ((i, j), (j, i)):
            if size[roots[lone]] == 1 and size[roots[other]] >= _LARGE:
                strong[lone, roots[other]] += similarity >= config.min_similarity
    best: dict[int, tuple[float, int]] = {}
    for (lone, root), count in sorted(strong.items()):
        if 2 * count < size[root] or not _within_window(_union(linkage.span[lone], linkage.span[root]), config):
            continue
        mean = linkage.links[lone][root] / size[root]
        if lone not in best or mean > best[lone][0]:
            best[lone] = (mean, root)
    for lone, (_, root) in sorted(best.items()):
        sets.union(lone, root)


def known_date(doc: Document) -> dt.date | None:
    """The document's date, or the first ISO date in its unparsed date text ("2016-09-28/29"), else ``None``."""
    if doc.date is not None:
        return doc.date
    match = _ISO_DATE.search(doc.raw_date)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return None


class _Linkage:
    """Sums of similarity between current stories, their sizes and date spans, for average linkage."""

    def __init__(self, pairs: list[tuple[int, int, float]], dates: list[dt.date | None]) -> None:
        self.links: dict[int, dict[int, float]] = {}
        for i, j, similarity in pairs:
            self.links.setdefault(i, {})[j] = similarity
            self.links.setdefault(j, {})[i] = similarity
        self.size = [1] * len(dates)
        self.span: list[tuple[dt.date, dt.date] | None] = [(d, d) if d else None for d in dates]

    def mergeable(self, a: int, b: int, config: StoryConfig) -> bool:
        """Mean cross similarity at least the threshold and the merged dates within the window."""
        mean = self.links.get(a, {}).get(b, 0.0) / (self.size[a] * self.size[b])
        return mean >= config.min_similarity and _within_window(_union(self.span[a], self.span[b]), config)

    def merge(self, a: int, b: int, root: int) -> None:
        """Fold stories ``a`` and ``b`` into ``root`` (one of them)."""
        gone = b if root == a else a
        kept = self.links.setdefault(root, {})
        for other, similarity in self.links.pop(gone, {}).items():
            self.links[other].pop(gone, None)
            if other != root:
                kept[other] = kept.get(other, 0.0) + similarity
                self.links[other][root] = kept[other]
        kept.pop(gone, None)
        self.size[root] += self.size[gone]
        self.span[root] = _union(self.span[a], self.span[b])


def _within_window(span: tuple[dt.date, dt.date] | None, config: StoryConfig) -> bool:
    """Whether a story's dates (``None``: none known) stay within ``config.window_days``."""
    return span is None or (span[1] - span[0]).days <= config.window_days


def _union(x: tuple[dt.date, dt.date] | None, y: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date] | None:
    if x is None or y is None:
        return x or y
    return min(x[0], y[0]), max(x[1], y[1])


def story_index(stories: Sequence[Story]) -> dict[str, str]:
    """Map each document id to the id of its story."""
    return {doc_id: story.id for story in stories for doc_id in story.doc_ids}


def _story(number: int, members: list[Document]) -> Story:
    dates = sorted(date for date in (known_date(d) for d in members) if date is not None)
    return Story(f"story-{number}", tuple(d.id for d in members),
                 dates[0] if dates else None, dates[-1] if dates else None)


def tfidf_vectorizer() -> Any:
    """The TF-IDF vectorizer stories compare documents with (scikit-learn's ``TfidfVectorizer``, unfitted): English
    stop words out, sublinear term frequencies, words of three letters or more."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b[^\W\d_]{3,}\b")


def _similar_pairs(documents: Sequence[Document], threshold: float) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) that share a name and whose TF-IDF cosine is at least ``threshold``, with the cosine."""
    try:
        matrix = tfidf_vectorizer().fit_transform([doc.text for doc in documents])
    except ValueError:  # no content word anywhere (e.g. only numbers): nothing links
        return []
    names = _name_matrix(documents)
    pairs: list[tuple[int, int, float]] = []
    for begin in range(0, matrix.shape[0], _BLOCK):
        block = (matrix[begin:begin + _BLOCK] @ matrix.T).toarray()
        shared = (names[begin:begin + _BLOCK] @ names.T).toarray() > 0
        rows, cols = np.nonzero((block >= threshold) & shared)
        pairs.extend((begin + int(r), int(c), float(block[r, c])) for r, c in zip(rows, cols) if begin + r < c)
    return pairs



def _name_matrix(documents: Sequence[Document]) -> Any:
    """Sparse document x name matrix: 1 where the document names it (names normalised; a word that only ever
    opens a line or sentence in the corpus is not a name)."""
    from sklearn.feature_extraction.text import CountVectorizer

    from dedupe.compare.entities import find_mentions, lowercase_vocabulary, normalise

    vocabulary = lowercase_vocabulary(doc.text for doc in documents)
    mentions = [[(normalise(m.text), _inside(doc.text, m.start)) for m in find_mentions(doc.text, vocabulary)]
                for doc in documents]
    # a name somewhere inside a sentence is a name at a sentence start too; one that only ever opens a line
    # ("Shr", "Qtly" of earnings tables) is not
    inside = {name for found in mentions for name, within in found if within} - {""}
    named = [sorted({name for name, _ in found} & inside) for found in mentions]
    if not any(named):
        return CountVectorizer().fit_transform(["none"] * len(documents)) * 0
    return CountVectorizer(analyzer=lambda names: names, binary=True).fit_transform(named)


def _inside(text: str, start: int) -> bool:
    """A word inside a sentence: not opening the text, a line or a sentence ("Shr", "Net" of a table are not names)."""
    end = start
    while end > 0 and text[end - 1] in " \t":  # no slice: a copy of the text before every name is quadratic
        end -= 1
    return end > 0 and text[end - 1] not in _OPENERS
