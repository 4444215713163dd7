"""Why two outlets' versions of one claim conflict: numbers, negation, actors, quotes, hedging.

Each check compares two claims of one group and returns a :class:`Reason` naming the type of
conflict and the conflicting words of each member, so a reader can verify it in the text:

- ``number``: the same thing counted differently ("killed 500 people" / "killed 400 people": number
  phrases of :mod:`dedupe.figures.numbers` followed by the same noun whose intervals have no value in
  common, so "nine" equals "9", "at least 400" admits 500, and "about 500" admits 480);
- ``negation``: one version negates what the other asserts (negation cues differ, a content word next to
  the cue is in the other version, and the SICK-fitted divergence model scores the pair at least
  ``divergence_threshold``);
- ``entity``: the same sentence frame with a different actor or place (token alignment replaces one
  name by another, spelling variants being one name through the entity table);
- ``quote``: the same quotation attributed to different people;
- ``attribution``: one outlet attributes or hedges ("activists say", "reportedly") what another asserts.

Example:
    >>> reasons = number_conflict("The strikes killed 500 people.", "The strikes killed 400 people.")
    >>> reasons
    (('500 people',), ('400 people',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from dedupe.compare.entities import EntityTable
from dedupe.compare.features import NEGATION, words
from dedupe.figures.numbers import Token, find_number_phrases, interval, overlap, tokenize
from dedupe.lexicon import DAYS_PER_UNIT, FUNCTION_WORDS, MONTH_WORDS, PEOPLE_NOUNS, actor_key

_QUOTE = re.compile(r"\"([^\"]+)\"|\u201c([^\u201d]+)\u201d|(?<!\w)'([^']+)'(?!\w)|\u2018([^\u2019]+)\u2019(?!\w)")
_HEDGE = re.compile(
    r"\b(?:(?:activists?|residents?|witnesses|sources?|monitors?|observers?|rebels?|campaigners?|medics|"
    r"rescuers|state media|reports?)\s+(?:say|said|says|claim(?:ed|s)?|report(?:ed|s)?|allege[sd]?)|"
    r"according to|reportedly|allegedly|alleged|purportedly|apparently|unconfirmed|unverified|"
    r"(?:is|are|was|were) (?:believed|thought|said|reported) to|it is (?:believed|thought|understood))\b",
    re.IGNORECASE)
_MIN_QUOTE_WORDS = 4
_PEOPLE = frozenset(noun.rstrip("s") or noun for noun in PEOPLE_NOUNS) | {"passenger", "victim", "other"}
# "six days" vs "eight days" are periods of a report, not counts that conflict.
_DURATIONS = frozenset(unit.rstrip("s") for unit in DAYS_PER_UNIT) | {"minute", "second", "decade", "time"}
# "unless" negates a condition ("unless Russia takes steps" = "if Russia did not take steps").
_CONDITIONAL_NEGATION = re.compile(r"\bunless\b", re.IGNORECASE)


@dataclass(frozen=True)
class MemberWords:
    """The words of one group member that take part in a conflict."""

    doc_id: str
    outlet: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Reason:
    """One conflict inside a claim group.

    Attributes:
        type: ``number``, ``negation``, ``entity``, ``quote``, ``attribution`` or ``contradiction`` (NLI).
        detail: One line a reader can check.
        conflicting: The conflicting words of each member involved.
    """

    type: str
    detail: str
    conflicting: tuple[MemberWords, ...]


def number_conflict(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Quantities of the same noun with no value in common, as written in ``a`` and ``b``."""
    qa, qb = _quantities(a), _quantities(b)
    for noun in sorted(set(qa) & set(qb) - _DURATIONS):
        if not any(overlap(x, y) for x, _ in qa[noun] for y, _ in qb[noun]):
            return tuple(p for _, p in qa[noun]), tuple(p for _, p in qb[noun])
    return None


def specific_counts(text: str) -> frozenset[str]:
    """The specific things a text counts ("29 doctors" -> "doctor"): not periods, not people in general."""
    return frozenset(_quantities(text)) - _DURATIONS - _PEOPLE


def negation_conflict(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Negation cues (with their neighbours) when one text negates and the other does not."""
    cues_a, cues_b = _negation_phrases(a), _negation_phrases(b)
    if bool(cues_a) == bool(cues_b):
        return None
    negated, plain = (cues_a, b) if cues_a else (cues_b, a)
    plain_words = set(words(plain))
    counterpart = tuple(dict.fromkeys(w for phrase in negated for w in phrase.lower().split()
                                      if w in plain_words and not NEGATION.fullmatch(w) and w not in FUNCTION_WORDS))
    if not counterpart:  # the negated words are not in the other version: a different statement, not its denial
        return None
    return (negated, counterpart) if cues_a else (counterpart, negated)


def entity_conflict(a: str, b: str, table: EntityTable) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A name replaced by a different one in the same sentence frame (names as written)."""
    tokens_a, names_a = _entity_tokens(a, table)
    tokens_b, names_b = _entity_tokens(b, table)
    for op in Levenshtein.opcodes(tokens_a, tokens_b):
        a0, a1, b0, b1 = op.src_start, op.src_end, op.dest_start, op.dest_end
        if op.tag != "replace" or a1 - a0 > 3 or b1 - b0 > 3:
            continue
        left = [t for t in tokens_a[a0:a1] if t in names_a]
        right = [t for t in tokens_b[b0:b1] if t in names_b]
        if len(left) == 1 and len(right) == 1 and left[0] not in names_b and right[0] not in names_a \
                and _framed(tokens_a, tokens_b, a0, a1, b0, b1):
            return (names_a[left[0]],), (names_b[right[0]],)
    return None


def quote_conflict(a: str, b: str, table: EntityTable, min_ratio: float = 85.0
                   ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The same quotation with speakers (names outside the quotes) that have nothing in common."""
    for quote_a in _quotes(a):
        for quote_b in _quotes(b):
            if fuzz.ratio(quote_a.lower(), quote_b.lower()) < min_ratio:
                continue
            speakers_a, speakers_b = _speakers(a, table), _speakers(b, table)
            if speakers_a and speakers_b and not set(speakers_a) & set(speakers_b):
                return tuple(speakers_a.values()), tuple(speakers_b.values())
    return None


def attribution_conflict(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Hedging cues when exactly one of the texts attributes or hedges the claim."""
    hedges_a = tuple(m.group(0) for m in _HEDGE.finditer(a))
    hedges_b = tuple(m.group(0) for m in _HEDGE.finditer(b))
    if bool(hedges_a) == bool(hedges_b):
        return None
    return hedges_a, hedges_b


def _quantities(text: str) -> dict[str, list[tuple[tuple[float, float], str]]]:
    """Noun -> [(interval, phrase through the noun, as written)] for number phrases that count a noun."""
    tokens = tokenize(text)
    found: dict[str, list[tuple[tuple[float, float], str]]] = {}
    for phrase in find_number_phrases(tokens, text):
        noun = _counted_noun(tokens, phrase.last)
        if noun is None:
            continue
        word = tokens[noun].lower
        written = text[tokens[phrase.first].start:tokens[noun].end]
        found.setdefault(word.rstrip("s") or word, []).append(
            (interval(phrase.low, phrase.high, phrase.qualifier), written))
    return found


def _counted_noun(tokens: list[Token], last: int) -> int | None:
    """The first content word (three letters or more) within the three words after a number phrase.

    Punctuation, another number or a month (a date, not a count: "28 September") ends the search, and
    so does a word glued to the number (an ordinal or unit: "21st", "5km").
    """
    for k in range(last + 1, min(last + 4, len(tokens))):
        token = tokens[k]
        if token.kind != "word" or token.lower in MONTH_WORDS or token.glued_left:
            return None
        if len(token.text) >= 3 and token.lower not in FUNCTION_WORDS:
            return k
    return None


def _negation_phrases(text: str) -> tuple[str, ...]:
    """Each negation cue with the word before and after it, as written."""
    phrases = []
    matches = sorted([*NEGATION.finditer(text), *_CONDITIONAL_NEGATION.finditer(text)], key=lambda m: m.start())
    for match in matches:
        before = re.search(r"(\S+)\s*$", text[:match.start()])
        after = re.match(r"\s*(\S+)", text[match.end():])
        parts = [before.group(1) if before else "", text[match.start():match.end()], after.group(1) if after else ""]
        phrases.append(" ".join(p for p in parts if p).strip(" ,.;:"))
    return tuple(phrases)


def _entity_tokens(text: str, table: EntityTable) -> tuple[list[str], dict[str, str]]:
    """Lower-case tokens with each name replaced by one token for its entity, and entity token -> surface."""
    tokens: list[str] = []
    names: dict[str, str] = {}
    cursor = 0
    for mention, entity in table.mentions(text):
        tokens.extend(words(text[cursor:mention.start]))
        token = f"\u0000{actor_key(entity.name)}"
        names.setdefault(token, mention.text)
        tokens.append(token)
        cursor = mention.end
    tokens.extend(words(text[cursor:]))
    return tokens, names


def _framed(tokens_a: list[str], tokens_b: list[str], a0: int, a1: int, b0: int, b1: int) -> bool:
    """Two equal tokens on at least one side of the replaced span: the same frame, not a paraphrase."""
    before = a0 >= 2 and b0 >= 2 and tokens_a[a0 - 2:a0] == tokens_b[b0 - 2:b0]
    after = tokens_a[a1:a1 + 2] == tokens_b[b1:b1 + 2] and len(tokens_a[a1:a1 + 2]) == 2
    return before or after


def _quotes(text: str) -> list[str]:
    quotes = []
    for match in _QUOTE.finditer(text):
        quote = next(g for g in match.groups() if g is not None)
        if len(quote.split()) >= _MIN_QUOTE_WORDS:
            quotes.append(quote)
    return quotes


def _speakers(text: str, table: EntityTable) -> dict[str, str]:
    """Entity name -> surface, for names outside quotation marks."""
    outside = _QUOTE.sub(lambda m: " " * len(m.group(0)), text)
    return {entity.name: mention.text for mention, entity in table.mentions(outside)}
