"""Tokens of a sentence for figure extraction: words, numbers, abbreviations and punctuation, with offsets.

The layer below :mod:`dedupe.figures.numbers` and every other reader of ``figures/`` (and of the
claim comparison's number and place rules): :func:`tokenize` splits a sentence once, and each reader walks
the same :class:`Token` list. :func:`folded` is the cheap substring test a sentence must pass before a
case-insensitive pattern is run on it.

Example:
    >>> [(t.text, t.kind, t.glued_left) for t in tokenize("U.S. toll: 1,200")]
    [('U.S.', 'abbr', False), ('toll', 'word', False), (':', 'punct', True), ('1,200', 'num', False)]
"""

from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN = re.compile(r"""
    (?P<abbr>(?:[A-Za-z]\.){2,})                      # U.S., U.N., a.m.
  | (?P<num>\d+(?:[.,:]\d+)*)
  | (?P<word>[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*)
  | (?P<punct>\S)
""", re.VERBOSE)


class Token(NamedTuple):
    """A word, number or punctuation mark of a sentence (immutable; a named tuple because a sentence makes
    thousands of them and a tuple is built at half a frozen dataclass's cost).

    Attributes:
        text: The token as written.
        start: Offset in the tokenized text.
        end: Offset just past it.
        kind: ``num``, ``word``, ``abbr`` or ``punct``.
        glued_left: True when no whitespace separates it from the previous token.
        lower: The lower-cased text, with typographic apostrophes made plain (read far more often than
            it is made, so it is made once, by :func:`tokenize`).
    """

    text: str
    start: int
    end: int
    kind: str
    glued_left: bool
    lower: str


def folded(text: str) -> str:
    """``text`` lower-cased so that every ASCII word an ``re.IGNORECASE`` pattern finds in ``text`` is a
    substring of it: a cheap test that must pass before such a pattern is run.

    ``str.lower`` alone misses the letters ``re`` also folds to ASCII: dotless i, long s, and the dotted
    capital I (which lowers to ``i`` plus a combining dot). Only used to rule matches out, never to find them.

    Args:
        text: Any text.

    Returns:
        The folded text (its offsets do not match ``text``'s).
    """
    return text.lower().replace("\u0307", "").replace("\u0131", "i").replace("\u017f", "s")


def tokenize(text: str) -> list[Token]:
    """Split a sentence into tokens with offsets.

    Args:
        text: Any text.

    Returns:
        The tokens, in order; whitespace is not a token.
    """
    tokens: list[Token] = []
    previous_end = -1
    # An ASCII text lowers letter by letter, so each token's lower form is a slice of the lowered text.
    lowered = text.lower() if text.isascii() else None
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        word = match.group()
        lower = lowered[start:end] if lowered is not None else word.lower().replace("\u2019", "'")
        tokens.append(Token(word, start, end, match.lastgroup or "punct", start == previous_end, lower))
        previous_end = end
    return tokens
