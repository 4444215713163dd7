"""Features of a sentence pair for alignment and divergence: embedding cosine plus lexical evidence.

Pure functions over strings and a precomputed cosine; no model is loaded here. The same
:func:`pair_features` feeds the paraphrase model (fitted on MRPC train) and the divergence model
(fitted on SICK train) in :mod:`dedupe.compare.align`, so the benchmark measures exactly what the tool runs.

Example:
    >>> row = pair_features(["Kerry met Lavrov."], ["Kerry did not meet Lavrov."], [0.8])[0]
    >>> float(row[FEATURE_NAMES.index("negation_mismatch")])
    1.0
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq
from rapidfuzz.utils import default_process

from dedupe.figures.numbers import find_number_phrases
from dedupe.figures.tokens import tokenize
from dedupe.lexicon import FUNCTION_WORDS

FEATURE_NAMES: tuple[str, ...] = (
    "cosine", "token_set_ratio", "token_sort_ratio", "ratio", "content_jaccard",
    "numbers_equal", "numbers_differ", "numbers_jaccard", "capitalised_jaccard", "length_ratio",
    "negation_mismatch", "negation_count_diff", "content_unshared", "word_dice", "bigram_dice",
    "trigram_dice", "char4_dice", "word_lcs", "partial_ratio", "cosine_squared",
    "cosine_x_token_set", "length_diff",
)


TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?|\d+(?:[.,]\d+)*")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NEGATION = re.compile(r"\b(?:not|no|never|nobody|nothing|none|neither|nor|without|cannot|nowhere)\b|n['\u2019]t\b",
                      re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lower-cased word and number tokens of a text."""
    return [token.lower() for token in TOKEN.findall(text)]


def numbers(text: str) -> set[str]:
    """Numbers written with digits, thousands separators removed (``1,400`` -> ``1400``)."""
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def mask_numbers(text: str) -> str:
    """The text with every number phrase (figures' parser) read as "several" and any other digits as ``0``.

    Deciding whether two sentences state the same claim must not depend on their numbers: "29 doctors"
    and "as few as 14 doctors" are one claim stated with different figures, which divergence then compares.

    Example:
        >>> mask_numbers("As few as 14 doctors are left, 2 days on.")
        'several doctors are left, several days on.'
    """
    tokens = tokenize(text)
    pieces: list[str] = []
    cursor = 0
    for phrase in find_number_phrases(tokens, text):
        start, end = tokens[phrase.first].start, tokens[phrase.last].end
        pieces.extend((text[cursor:start], "several"))
        cursor = end
    pieces.append(text[cursor:])
    return NUMBER.sub("0", "".join(pieces))


def content_words(text: str) -> set[str]:
    """Lower-cased words of a text that are not function words or numbers."""
    return {w for w in words(text) if w not in FUNCTION_WORDS and not w[0].isdigit()}


def negations(text: str) -> list[str]:
    """Negation cues in a text, as written (``not``, ``no``, ``n't``, ``never``...)."""
    return [m.group(0) for m in NEGATION.finditer(text)]


def pair_features(texts_a: Sequence[str], texts_b: Sequence[str], cosines: Sequence[float] | np.ndarray) -> np.ndarray:
    """One feature row per sentence pair, columns as :data:`FEATURE_NAMES`.

    Args:
        texts_a: First sentences.
        texts_b: Second sentences, paired by position with ``texts_a``.
        cosines: Embedding cosine of each pair.

    Returns:
        Array of shape ``(len(texts_a), len(FEATURE_NAMES))``, float64.

    Raises:
        ValueError: If the three sequences differ in length.
    """
    if not len(texts_a) == len(texts_b) == len(cosines):
        raise ValueError("texts_a, texts_b and cosines must have the same length")
    rows = [_features(a, b, float(c)) for a, b, c in zip(texts_a, texts_b, cosines)]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))


def _features(a: str, b: str, cosine: float) -> list[float]:
    wa, wb = words(a), words(b)
    ca, cb = _content(wa), _content(wb)
    na, nb = numbers(a), numbers(b)
    neg_a, neg_b = len(negations(a)), len(negations(b))
    token_set = fuzz.token_set_ratio(a, b, processor=default_process) / 100
    longest = max(len(wa), len(wb), 1)
    return [
        cosine, token_set,
        fuzz.token_sort_ratio(a, b, processor=default_process) / 100,
        fuzz.ratio(a, b, processor=default_process) / 100,
        _jaccard(ca, cb),
        float(bool(na and nb) and na == nb), float(bool(na or nb) and na != nb),
        _jaccard(na, nb) if (na or nb) else 1.0,
        _jaccard(_capitalised(a), _capitalised(b)),
        min(len(wa), len(wb)) / longest,
        float((neg_a > 0) != (neg_b > 0)), float(abs(neg_a - neg_b)),
        len(ca - cb) / max(len(ca), 1) + len(cb - ca) / max(len(cb), 1),
        _dice(_ngrams(wa, 1), _ngrams(wb, 1)), _dice(_ngrams(wa, 2), _ngrams(wb, 2)),
        _dice(_ngrams(wa, 3), _ngrams(wb, 3)), _dice(_char_grams(wa), _char_grams(wb)),
        LCSseq.normalized_similarity(wa, wb),
        fuzz.partial_ratio(a, b, processor=default_process) / 100,
        cosine * cosine, cosine * token_set, abs(len(wa) - len(wb)) / longest,
    ]


def _content(tokens: list[str]) -> set[str]:
    return {t for t in tokens if t not in FUNCTION_WORDS}


def _capitalised(text: str) -> set[str]:
    """Capitalised words that are not function words (a cheap stand-in for names)."""
    return {t.lower() for t in TOKEN.findall(text) if t[0].isupper() and t.lower() not in FUNCTION_WORDS}


def _ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def _char_grams(tokens: list[str], n: int = 4) -> set[str]:
    joined = " ".join(tokens)
    return {joined[i:i + n] for i in range(len(joined) - n + 1)}


def _jaccard(a: set[str], b: set[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 1.0


def _dice(a: set, b: set) -> float:  # type: ignore[type-arg]
    total = len(a) + len(b)
    return 2 * len(a & b) / total if total else 1.0
