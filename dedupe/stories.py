"""Group documents into stories: coverage of the same event, so that claims and figures are compared
only where they can be about the same thing.

Two documents are linked when their content is similar (TF-IDF cosine over content words, at least
``min_similarity``) and, where both dates are known, they were published within ``window_days`` of
each other. Stories are the connected components of those links (single link), so a developing event
covered over several weeks stays one story as long as consecutive reports are close.

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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedupe.corpus.load import Document
from dedupe.errors import ConfigError
from dedupe.lexicon import DAYS_PER_UNIT
from dedupe.unionfind import UnionFind

_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$", re.IGNORECASE)
_WINDOW_UNITS = {"h": "hour", "d": "day", "w": "week"}
# Similarity is computed in row blocks so memory stays bounded on large corpora.
_BLOCK = 2048


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
        min_similarity: Smallest TF-IDF cosine between two linked documents, in [0, 1].
        one_story: Put every document into a single story.
    """

    window_days: float = 30.0
    min_similarity: float = 0.15
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
    sets = UnionFind(len(documents))
    for i, j in _similar_pairs(documents, config.min_similarity):
        if _within_window(documents[i], documents[j], config.window_days):
            sets.union(i, j)
    groups = [[documents[i] for i in group] for group in sets.groups()]
    return tuple(_story(n, members) for n, members in enumerate(groups, start=1))


def story_index(stories: Sequence[Story]) -> dict[str, str]:
    """Map each document id to the id of its story."""
    return {doc_id: story.id for story in stories for doc_id in story.doc_ids}


def _story(number: int, members: list[Document]) -> Story:
    dates = sorted(d.date for d in members if d.date is not None)
    return Story(f"story-{number}", tuple(d.id for d in members),
                 dates[0] if dates else None, dates[-1] if dates else None)


def _similar_pairs(documents: Sequence[Document], threshold: float) -> list[tuple[int, int]]:
    """Index pairs (i < j) whose TF-IDF cosine is at least ``threshold``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1,
                                 token_pattern=r"(?u)\b[^\W\d_]{3,}\b")
    try:
        matrix = vectorizer.fit_transform([doc.text for doc in documents])
    except ValueError:  # no content word anywhere (e.g. only numbers): nothing links
        return []
    pairs: list[tuple[int, int]] = []
    for begin in range(0, matrix.shape[0], _BLOCK):
        block = (matrix[begin:begin + _BLOCK] @ matrix.T).toarray()
        rows, cols = np.nonzero(block >= threshold)
        pairs.extend((begin + int(r), int(c)) for r, c in zip(rows, cols) if begin + r < c)
    return pairs


def _within_window(a: Document, b: Document, window_days: float) -> bool:
    if a.date is not None and b.date is not None:
        return abs((a.date - b.date).days) <= window_days
    return True

