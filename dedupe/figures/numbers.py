"""Number phrases of news text: number words, qualifiers and the interval each phrase states.

This is the layer of figure extraction (:mod:`dedupe.figures.extract`) just above its tokens
(:mod:`dedupe.figures.tokens`): it finds where a sentence states a quantity ("nearly 1,400", "between 400
and 500", "as few as 14", "scores", "2.66 mln", "Twenty-seven") and turns it into an interval ``[low, high]``
with a canonical qualifier. It does not decide whether the quantity is a count of people or things; that
needs the words around it.

Intervals (``None`` = no bound on that side):

============== ============================================== ==========================
qualifier      phrases                                        interval
============== ============================================== ==========================
exact          "500", "nine", "a dozen", "another 56"         [N, N]
approximately  about, around, approximately, roughly, some,   [N, N]  (a tolerance is
               an estimated, or so, -odd                      applied when comparing)
at least       at least, no fewer/less than, or more          [N, None]
more than      more than, over, upwards of, in excess of,     [N, None]
               above, -plus
nearly         nearly, almost, close to, just under           [None, N]
up to          up to, as many as, as high as, at most,        [None, N]
               no more than
fewer than     fewer than, less than, under, below            [None, N]
as few as      as few as                                      [None, N]
range          between X and Y, X-Y, X to Y, X or Y           [X, Y]
vague          dozens, scores, hundreds, thousands, tens of   [floor, None]
               thousands, hundreds of thousands, millions;    a few/several hundred:
               "a few hundred", "several thousand"            [2U or 3U, 9U]
============== ============================================== ==========================

A vague plural needs "of" after it ("hundreds of civilians") unless it stands alone as a subject or
object ("Scores dead", "Dozens still missing", "killed hundreds."). A verb that bounds the number
("the toll *tops* 8,000", "exceeded 1,000") gives ``more than`` and stays outside the phrase's text.

Vague counts take ACLED's convention for the floor ("hundreds" is coded as 100, "dozens" as 12,
"scores" as 20) and leave the top open: the seed corpus itself uses "hundreds" for a toll that other
outlets put at "nearly 1,400", so a ceiling of 999 would manufacture conflicts.
"As few as" is read as an upper bound (the count has fallen to N), as the issue groups it.

Example:
    >>> from dedupe.figures.tokens import tokenize
    >>> text = "at least 426 children"
    >>> [(p.text, p.low, p.high, p.qualifier) for p in find_number_phrases(tokenize(text), text)]
    [('at least 426', 426, None, 'at least')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dedupe.figures.tokens import Token, folded, tokenize
from dedupe.lexicon import SCALES, TENS, UNITS

Number = int | float


@dataclass(frozen=True)
class NumberPhrase:
    """A quantity stated in a sentence.

    Attributes:
        first: Index of its first token (the qualifier's, when there is one).
        last: Index of its last token.
        core: Index of its first number token (after the qualifier).
        low: Lower bound, ``None`` when the phrase gives none.
        high: Upper bound, ``None`` when the phrase gives none.
        qualifier: One of the canonical qualifiers (see the module docstring).
        text: The phrase exactly as written (``text[tokens[first].start:tokens[last].end]``).
    """

    first: int
    last: int
    core: int
    low: Number | None
    high: Number | None
    qualifier: str
    text: str


#: Default relative widening of "approximately N" when intervals are compared (10% on each side).
APPROX_TOLERANCE = 0.1
_INF = float("inf")
#: Floors of vague plurals (ACLED's codes); the top stays open.
VAGUE = {"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1000, "millions": 10**6, "billions": 10**9}
#: Words before a vague plural that make it an idiom, not a count ("by the hundreds", "in their thousands").
_NOT_BEFORE_ALONE = frozenset({"the", "their", "its", "in", "by", "of", "a", "two", "three", "several", "many",
                               "few"})
#: Words after a vague plural that make it the subject of a predicate ("Scores dead", "Dozens still missing").
_ALONE_FOLLOWERS = frozenset({"dead", "missing", "hurt", "still", "were", "are", "have", "had", "feared",
                              "died", "die", "fled", "flee", "remain", "remained"})
#: "a few hundred" and "several thousand": multiples of the unit.
_FEW = {"few": (2, 9), "several": (3, 9)}
#: The words a quantity can start with (_core_at), before any "-": every other word is skipped at once.
_CORE_STARTS = frozenset({*UNITS, *TENS, *VAGUE, *_FEW, "tens", "a", "an"})

#: Qualifiers before a number, longest first, with their canonical name.
PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = tuple(sorted((
    (("approximately",), "approximately"), (("about",), "approximately"), (("around",), "approximately"),
    (("roughly",), "approximately"), (("some",), "approximately"), (("an", "estimated"), "approximately"),
    (("estimated",), "approximately"), (("circa",), "approximately"), (("approx",), "approximately"),
    (("at", "least"), "at least"), (("no", "fewer", "than"), "at least"), (("no", "less", "than"), "at least"),
    (("not", "less", "than"), "at least"), (("a", "minimum", "of"), "at least"),
    (("more", "than"), "more than"), (("over",), "more than"), (("upwards", "of"), "more than"),
    (("in", "excess", "of"), "more than"), (("above",), "more than"), (("well", "over"), "more than"),
    (("just", "over"), "more than"), (("greater", "than"), "more than"),
    (("nearly",), "nearly"), (("almost",), "nearly"), (("close", "to"), "nearly"), (("just", "under"), "nearly"),
    (("up", "to"), "up to"), (("as", "many", "as"), "up to"), (("as", "high", "as"), "up to"),
    (("at", "most"), "up to"),
    (("no", "more", "than"), "up to"), (("not", "more", "than"), "up to"), (("a", "maximum", "of"), "up to"),
    (("fewer", "than"), "fewer than"), (("less", "than"), "fewer than"), (("under",), "fewer than"),
    (("below",), "fewer than"), (("as", "few", "as"), "as few as"), (("as", "little", "as"), "as few as"),
), key=lambda item: -len(item[0])))
# PREFIXES by their last word, in PREFIXES order: only those can end just before the number.
_PREFIXES_BY_LAST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _words, _name in PREFIXES:
    _PREFIXES_BY_LAST.setdefault(_words[-1], []).append((_words, _name))
#: Verbs that bound the number after them; the verb stays outside the phrase's text ("toll tops 8,000").
VERB_QUALIFIERS = {verb: "more than" for verb in ("tops", "topped", "top", "topping", "exceeds", "exceeded",
                                                  "exceed", "exceeding", "surpassed", "surpasses", "surpass")}
LOWER_BOUNDED = {"at least", "more than"}
UPPER_BOUNDED = {"nearly", "up to", "fewer than", "as few as"}
_SUFFIXES = {("or", "more"): "at least", ("or", "so"): "approximately", ("or", "fewer"): "up to",
             ("or", "less"): "up to"}
_GLUED_SUFFIXES = {"plus": "more than", "odd": "approximately", "strong": "exact", "member": "exact"}
# Every number phrase starts at a digit or a number word (_core_at: "nine", "a dozen", "hundreds",
# "several thousand"): a sentence with neither states no figure, and skips the tokenizer.
_NUMBER_WORDS = sorted({*UNITS, *TENS, *VAGUE, *SCALES, "tens", "dozen"}, key=len, reverse=True)
_MAY_STATE_A_NUMBER = re.compile(r"\d|(?<![^\W\d_])(?:" + "|".join(_NUMBER_WORDS) + r")(?![^\W\d_])", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# The number words that contain no other one ("million" stands for "millions"): a text containing none
# of them has no number word.
_NUMBER_WORD_CORES = tuple(w for w in _NUMBER_WORDS if not any(o != w and o in w for o in _NUMBER_WORDS))


@dataclass(frozen=True)
class _Core:
    """A bare quantity: tokens ``first..last`` and its interval."""

    first: int
    last: int
    low: Decimal
    high: Decimal | None
    vague: bool = False
    scale: int = 1


def may_state_a_number(text: str) -> bool:
    """Whether ``_MAY_STATE_A_NUMBER`` matches ``text``, ruling most sentences in or out by cheaper tests.

    Args:
        text: A sentence.

    Returns:
        The same answer as ``_MAY_STATE_A_NUMBER.search(text)``: a digit, or a number word standing alone.
    """
    if _DIGIT.search(text):
        return True
    lowered = folded(text)
    return any(word in lowered for word in _NUMBER_WORD_CORES) and bool(_MAY_STATE_A_NUMBER.search(text))


def find_number_phrases(tokens: list[Token], text: str) -> list[NumberPhrase]:
    """Every number phrase of a tokenized sentence, in order, without overlaps.

    Args:
        tokens: The output of :func:`dedupe.figures.tokens.tokenize` on ``text``.
        text: The sentence itself (phrase texts are cut from it).

    Returns:
        The phrases; a phrase that cannot be a quantity (``G20``, ``21st``, ``16:28``, ``five-year``)
        is not returned.
    """
    phrases: list[NumberPhrase] = []
    free = 0  # the first token not inside a phrase found already
    for i in _possible_cores(tokens):
        if i < free:
            continue
        phrase = _phrase_at(tokens, i, text)
        if phrase is not None:
            phrases.append(phrase)
            free = phrase.last + 1
    return phrases


def _possible_cores(tokens: list[Token]) -> list[int]:
    """Indexes of the tokens a quantity can start at (see _core_at): numbers, and words in _CORE_STARTS
    (before any hyphen: "twenty-seven")."""
    return [i for i, token in enumerate(tokens) if token.kind == "num" or (
        token.kind == "word" and (token.lower in _CORE_STARTS or (
            "-" in token.lower and token.lower.split("-")[0] in _CORE_STARTS)))]


def _phrase_at(tokens: list[Token], i: int, source: str) -> NumberPhrase | None:
    """The phrase whose first number token is ``i``, with any qualifier before it."""
    core = _core_at(tokens, i)
    if core is None:
        return None
    qualifier, first = _prefix(tokens, i)
    low: Decimal | None = core.low
    high: Decimal | None = core.high
    last = core.last
    ranged = _range_tail(tokens, core, qualifier == "between")
    if ranged is not None and i > 0 and tokens[i - 1].lower == "from" and tokens[core.last + 1].lower == "to":
        ranged = None  # "jumped from 410 to 589": two figures, the ends of a change
    if ranged is None and qualifier == "between":
        qualifier, first = "exact", i
    if ranged is not None:
        low, high, last, qualifier = ranged.low, ranged.high, ranged.last, "range"
    elif core.vague:
        qualifier = "vague"
    else:
        suffix = _suffix(tokens, last)
        if suffix is not None and qualifier == "exact":
            qualifier, last = suffix
        low, high = _bounds(qualifier, core.low)
    text = source[tokens[first].start:tokens[last].end]
    return NumberPhrase(first, last, i, _number(low), _number(high), qualifier, text)


def _bounds(qualifier: str, value: Decimal) -> tuple[Decimal | None, Decimal | None]:
    if qualifier in LOWER_BOUNDED:
        return value, None
    if qualifier in UPPER_BOUNDED:
        return None, value
    return value, value


def _prefix(tokens: list[Token], i: int) -> tuple[str, int]:
    """The qualifier just before token ``i`` and the index where it starts (``exact``, ``i`` if none)."""
    if i > 0 and tokens[i - 1].lower == "between":
        return "between", i - 1
    if i > 1 and tokens[i - 1].lower == "from" and _is_numberish(tokens, i):
        return "exact", i
    if i > 0 and tokens[i - 1].lower in VERB_QUALIFIERS:
        return VERB_QUALIFIERS[tokens[i - 1].lower], i
    for words, name in _PREFIXES_BY_LAST.get(tokens[i - 1].lower, ()) if i > 0 else ():
        start = i - len(words)
        if start >= 0 and tuple(t.lower for t in tokens[start:i]) == words:
            if words == ("some",) and tokens[i].kind == "word" and tokens[i].lower not in UNITS | TENS:
                continue
            return name, start
    return "exact", i


def _is_numberish(tokens: list[Token], i: int) -> bool:
    return tokens[i].kind == "num" or tokens[i].lower in UNITS or tokens[i].lower in TENS


def _suffix(tokens: list[Token], last: int) -> tuple[str, int] | None:
    """A qualifier after the number: "or more", "or so", "-plus", "-odd"."""
    pair = tuple(t.lower for t in tokens[last + 1:last + 3])
    if pair in _SUFFIXES:
        return _SUFFIXES[pair], last + 2
    if (last + 2 < len(tokens) and tokens[last + 1].text == "-" and tokens[last + 1].glued_left
            and tokens[last + 2].glued_left and tokens[last + 2].lower in ("plus", "odd")):
        return _GLUED_SUFFIXES[tokens[last + 2].lower], last + 2
    return None


def _range_tail(tokens: list[Token], core: _Core, between: bool) -> _Core | None:
    """The upper end of "X and Y" (after "between"), "X to Y", "X or Y" or "X-Y", if any."""
    j = core.last + 1
    if j + 1 >= len(tokens) or core.vague:
        return None
    link = tokens[j].lower
    glued_dash = tokens[j].text in "-\u2013" and tokens[j].glued_left and tokens[j + 1].glued_left
    if not ((between and link == "and") or (not between and (link in ("to", "or") or glued_dash))):
        return None
    upper = _core_at(tokens, j + 1)
    if upper is None or upper.vague or upper.high is None:
        return None
    low = core.low * upper.scale if core.scale == 1 else core.low     # "between 1.2 and 1.5 million"
    if not low < upper.low:
        return None
    return _Core(core.first, upper.last, low, upper.low, scale=upper.scale)


def _core_at(tokens: list[Token], i: int) -> _Core | None:
    """A bare quantity starting at token ``i``: digits, number words or a vague plural."""
    token = tokens[i]
    if token.kind == "num":
        return _digits_core(tokens, i)
    if token.kind != "word":
        return None
    lower = token.lower
    if lower in ("a", "an") and i + 1 < len(tokens):
        return _article_core(tokens, i)
    if lower in _FEW and i + 1 < len(tokens) and tokens[i + 1].lower in ("hundred", "thousand", "million"):
        multiple = _FEW[lower]
        unit = Decimal(SCALES[tokens[i + 1].lower])
        return _Core(i, i + 1, unit * multiple[0], unit * multiple[1], vague=True)
    if lower in VAGUE:
        return _vague_core(tokens, i)
    if lower == "tens" and _vague_of(tokens, i) is not None:
        return _vague_core(tokens, i)
    return _word_core(tokens, i)


def _article_core(tokens: list[Token], i: int) -> _Core | None:
    """ "a dozen", "a hundred", "a thousand", "a million"."""
    nxt = tokens[i + 1].lower
    if nxt == "few" and i + 2 < len(tokens) and tokens[i + 2].lower in ("hundred", "thousand", "million"):
        unit = Decimal(SCALES[tokens[i + 2].lower])
        return _Core(i, i + 2, unit * _FEW["few"][0], unit * _FEW["few"][1], vague=True)
    if nxt == "dozen":
        return _Core(i, i + 1, Decimal(12), Decimal(12))
    if nxt in ("hundred", "thousand", "million", "billion"):
        value = Decimal(SCALES[nxt])
        return _Core(i, i + 1, value, value)
    return None


def _vague_of(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """ "tens of thousands" / "hundreds of thousands" / "tens of millions": (floor, last index)."""
    if i + 2 < len(tokens) and tokens[i + 1].lower == "of" and tokens[i + 2].lower in ("thousands", "millions"):
        base = 10 if tokens[i].lower == "tens" else 100
        return base * VAGUE[tokens[i + 2].lower], i + 2
    return None


def _vague_core(tokens: list[Token], i: int) -> _Core | None:
    compound = _vague_of(tokens, i) if tokens[i].lower in ("tens", "hundreds") else None
    if compound is not None:
        floor, last = compound
    else:
        floor, last = VAGUE[tokens[i].lower], i
    nxt = last + 1
    while nxt < len(tokens) and tokens[nxt].text in "\"'\u201d\u2019":
        nxt += 1
    if (nxt >= len(tokens) or tokens[nxt].lower not in ("of", "more", "upon")) and not _stands_alone(tokens, i):
        return None
    return _Core(i, last, Decimal(floor), None, vague=True)


def _stands_alone(tokens: list[Token], i: int) -> bool:
    """A vague plural used as a pronoun: "Scores dead", "killed hundreds", "dozens wounded" (not "by the
    hundreds", "in their thousands", "two thousands")."""
    if tokens[i].lower not in VAGUE or (i > 0 and (tokens[i - 1].lower in _NOT_BEFORE_ALONE
                                                   or tokens[i - 1].kind == "num")):
        return False
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if after is not None and (after.lower in _ALONE_FOLLOWERS or (after.lower.endswith("ed") and len(after.text) > 3)):
        return True        # the subject of a predicate: "Hundreds evacuated", "Scores dead", "Dozens still missing"
    before = tokens[i - 1].lower if i > 0 else ""
    return (after is None or after.kind == "punct") and (before.endswith(("ed", "ing")) or before in ("kill", "kills"))


def _word_core(tokens: list[Token], i: int) -> _Core | None:
    """Number words: "nine", "Twenty-seven", "two hundred and fifty", "two mln", "two dozen"."""
    total = Decimal(0)
    current = Decimal(0)
    last = -1
    scale = 1
    j = i
    while j < len(tokens):
        parts = tokens[j].lower.split("-")
        if all(p in UNITS or p in TENS for p in parts) and len(parts) <= 2 and _may_add(tokens, last, current):
            current += sum(Decimal(UNITS.get(p, TENS.get(p, 0))) for p in parts)
        elif last >= 0 and tokens[j].lower in SCALES and _may_scale(tokens[j - 1].lower):
            scale = SCALES[tokens[j].lower]
            current, total = _apply_scale(current, total, scale)
        elif last >= 0 and tokens[j].lower == "dozen":
            current *= 12
        elif last >= 0 and tokens[j].lower == "and" and tokens[last].lower == "hundred" and _word_follows(tokens, j):
            j += 1
            continue
        else:
            break
        last = j
        j += 1
    if last < 0:
        return None
    value = total + current
    return _Core(i, last, value, value, scale=scale)


def _may_scale(previous: str) -> bool:
    """A scale word may follow a number word or "hundred" ("two hundred thousand"), not "and"."""
    return previous != "and" and (previous not in SCALES or previous == "hundred")


def _may_add(tokens: list[Token], last: int, current: Decimal) -> bool:
    """A number word may follow nothing, a scale word, "and", or a multiple of ten ("twenty one")."""
    if last < 0 or tokens[last].lower in SCALES or tokens[last].lower == "and":
        return True
    return tokens[last].lower in TENS and current % 10 == 0


def _word_follows(tokens: list[Token], j: int) -> bool:
    return j + 1 < len(tokens) and tokens[j + 1].lower.split("-")[0] in UNITS | TENS


def _apply_scale(current: Decimal, total: Decimal, scale: int) -> tuple[Decimal, Decimal]:
    base = current if current else Decimal(1)
    if scale == 100:
        return base * 100, total
    return Decimal(0), total + base * scale


def _digits_core(tokens: list[Token], i: int) -> _Core | None:
    """Digits with separators and an optional scale word: "1,429", "2.66 mln", "1.2 million"."""
    value = parse_digits(tokens[i].text)
    if value is None:
        return None
    last = i
    scale = 1
    if i + 1 < len(tokens) and not tokens[i + 1].glued_left and tokens[i + 1].lower in SCALES:
        scale = SCALES[tokens[i + 1].lower]
        value *= scale
        last = i + 1
    elif i + 1 < len(tokens) and tokens[i + 1].lower == "dozen":
        value *= 12
        last = i + 1
    return _Core(i, last, value, value, scale=scale)


def interval(low: Number | None, high: Number | None, qualifier: str,
             approx_tolerance: float = APPROX_TOLERANCE) -> tuple[float, float]:
    """The closed interval a phrase's bounds allow, open ends infinite, "approximately" widened.

    Args:
        low: The phrase's lower bound (``None``: none).
        high: Its upper bound (``None``: none).
        qualifier: Its canonical qualifier; ``approximately`` widens both ends by ``approx_tolerance``.
        approx_tolerance: Relative widening of an approximate value on each side.

    Returns:
        ``(low, high)`` as floats.

    Example:
        >>> interval(500, 500, "approximately")
        (450.0, 550.0)
    """
    lower = float(low) if low is not None else -_INF
    upper = float(high) if high is not None else _INF
    if qualifier == "approximately":
        lower, upper = lower * (1 - approx_tolerance), upper * (1 + approx_tolerance)
    return lower, upper


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether two intervals from :func:`interval` have a value in common."""
    return not (a[1] < b[0] or b[1] < a[0])


def parse_number(text: str) -> Number | None:
    """The value of a text that is one exact number and nothing else, read as :func:`find_number_phrases` reads it.

    Args:
        text: A short text such as "eight", "Twenty", "12" or "two hundred".

    Returns:
        The value, or ``None`` when the text is not exactly one number stating one value ("a few", "several",
        "dozens", "about 8", "8 or 9", "09").

    Example:
        >>> parse_number("Eight"), parse_number("a few")
        (8, None)
    """
    phrases = find_number_phrases(tokenize(text), text)
    if len(phrases) != 1 or phrases[0].qualifier != "exact" or phrases[0].text != text.strip():
        return None
    return phrases[0].low


def parse_digits(text: str) -> Decimal | None:
    """The value of "1,429", "2.66" or "500"; ``None`` for times, scores and malformed groups.

    Args:
        text: A digit token as written.

    Returns:
        The value, or ``None`` when the text is not a plain number ("16:28", "1,2", "09").
    """
    if ":" in text or (len(text) > 1 and text.startswith("0") and not text.startswith("0.")):
        return None
    if "," in text and not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        return None
    if text.count(".") > 1:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _number(value: Decimal | None) -> Number | None:
    """An int when the value is whole, else a float."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
