"""Noun phrases around a number: the counted noun, partitives, coordination, prepositional phrases.

The noun-phrase half of the figure grammar (:mod:`dedupe.figures.grammar` reads the measure from the
words around the phrase):

- number -> optional "of" (vague counts, partitives "32 of the 543 passengers", "100,000 of them
  children") -> modifiers -> the first plural noun ("2,600 production and maintenance *workers*",
  "1,000 unemployed *miners*", "two Hamas *officials*"); coordinated nouns extend it ("drivers and
  warehouse employees");
- prepositional phrases are skipped as a unit ("in opposition areas of Aleppo"), up to a new clause
  ("... in 30 countries *and caused* 478 deaths").
"""

from __future__ import annotations

from dataclasses import dataclass

from dedupe.figures import measures as m
from dedupe.figures.numbers import NumberPhrase
from dedupe.figures.tokens import Token
from dedupe.lexicon import PLACE_PREPOSITIONS, TENS, UNITS

#: Words that end a noun phrase's run of content words: function words plus adverbs, speech verbs and
#: time words ("said", "reportedly", "yesterday"). Broader than lexicon.FUNCTION_WORDS, which compare uses.
NOT_IN_NOUN_PHRASE = frozenset({
    "the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "your", "of",
    "in", "on", "at", "by", "for", "with", "from", "to", "into", "onto", "over", "under", "about", "after",
    "before", "during", "since", "until", "and", "or", "but", "nor", "as", "than", "while", "who", "whom",
    "whose", "which", "what", "where", "when", "why", "how", "is", "are", "was", "were", "be", "been", "being",
    "am", "has", "have", "had", "do", "does", "did", "will", "would", "shall", "should", "can", "could", "may",
    "might", "must", "not", "no", "also", "still", "now", "already", "reportedly", "allegedly", "only", "just",
    "all", "both", "each", "every", "some", "any", "most", "such", "there", "here", "it", "they", "them",
    "he", "she", "we", "you", "i", "me", "us", "him", "including", "among", "between", "per", "ago", "yesterday",
    "today", "tomorrow", "according", "said", "says", "say", "told", "near", "across", "against", "if",
    "because", "so", "then", "last", "next", "currently", "whereas", "though", "although", "via",
    "within", "without", "up", "down", "out", "off", "more", "less", "fewer", "many", "much", "very", "too",
    "vs", "v", "versus",
})
_NOT_PLURAL = frozenset({"is", "was", "has", "its", "this", "thus", "his", "as", "us", "yes", "across", "always",
                         "perhaps", "unless", "news", "series", "species", "means", "whereas", "besides", "towards",
                         "afterwards", "reuters", "isis", "less", "bus", "gas", "status", "campus",
                         "analysis", "crisis", "basis", "process", "business", "access", "press", "class", "vs"})
_PLURAL_NOUNS = frozenset({"people", "men", "women", "children", "police", "staff", "personnel", "crew",
                           "militia", "cattle", "youth", "clergy", "infantry", "aircraft", "sheep", "offspring",
                           "dead", "injured", "wounded", "missing", "jobless", "unemployed", "workforce"})
#: Irregular plurals that are really adjectives when a plural noun follows ("unemployed miners").
_ADJECTIVAL = frozenset({"dead", "injured", "wounded", "missing", "jobless", "unemployed", "police", "crew",
                         "staff"})
#: Prepositions that open a complement of a counted noun: any, not only a place ("50 with injuries").
PREPOSITIONS = PLACE_PREPOSITIONS | {"with", "by", "for", "to", "among", "along", "within", "under", "behind",
                                     "beyond"}
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "these", "those", "this",
                         "that", "another", "only", "just", "all", "some", "east", "west", "north", "south",
                         "eastern", "western", "northern", "southern"})
_PRONOUNS = frozenset({"them", "whom", "those", "these", "us", "which"})
_LEADING = frozenset({"the", "its", "his", "her", "their", "our", "these", "those"})


@dataclass(frozen=True)
class NounPhrase:
    """The noun phrase a number phrase heads.

    Attributes:
        head: Index of the counted noun, ``None`` when the phrase has none ("2,000 in need of care").
        end: Index of the first token after the noun phrase (after an inner partitive's phrase).
        partitive: Index of the first token of a figure inside "of the N ..." ("32 of the 543
            passengers"), if any.
        counted: Index of the noun that restricts the measure: the head, else the partitive's head.
        pronoun_subset: True for "N of them/whom ...".
    """

    head: int | None
    end: int
    partitive: int | None = None
    counted: int | None = None
    pronoun_subset: bool = False


def noun_phrase(tokens: list[Token], phrase: NumberPhrase, phrases: dict[int, NumberPhrase]) -> NounPhrase:
    """Find the noun a number phrase counts.

    Args:
        tokens: The sentence's tokens.
        phrase: The number phrase.
        phrases: The sentence's number phrases by first token (to read "32 of the 543 passengers").

    Returns:
        The noun phrase.
    """
    j = phrase.last + 1
    j = _skip_glued_suffix(tokens, j)
    while j < len(tokens) and tokens[j].text in "\"'\u201d\u2019":
        j += 1
    if j < len(tokens) and tokens[j].lower in ("more", "other"):
        j += 1
    if j < len(tokens) and tokens[j].lower == "of" and phrase.qualifier == "vague":
        j += 1
    elif j < len(tokens) and tokens[j].lower == "of":
        return _partitive(tokens, j + 1, phrases, None)
    glued = j > phrase.last + 1 and tokens[j - 1].lower in ("strong", "member")
    singular = phrase.low == 1 or phrase.high == 1 or glued
    own = plain_noun_phrase(tokens, j, singular)
    if own.head is not None and own.end < len(tokens) and tokens[own.end].lower == "of":
        inner = _partitive(tokens, own.end + 1, phrases, own.head)
        if inner.partitive is not None:
            return inner
    return own


def _partitive(tokens: list[Token], j: int, phrases: dict[int, NumberPhrase], head: int | None) -> NounPhrase:
    """ "of them children", "of the 543 passengers", "of east Aleppo's 21 hospitals", "of the crew"."""
    if j < len(tokens) and tokens[j].lower in _PRONOUNS and head is None:
        inner = plain_noun_phrase(tokens, _skip_auxiliaries(tokens, j + 1))
        return NounPhrase(inner.head, inner.end, counted=inner.head, pronoun_subset=True)
    k = j
    while k < len(tokens) and k - j < 4 and k not in phrases and (
            tokens[k].lower in DETERMINERS or tokens[k].lower.endswith("'s") or is_content_word(tokens[k])):
        k += 1
    if k not in phrases:
        k = j
        while k < len(tokens) and k - j < 4 and (tokens[k].lower in DETERMINERS or tokens[k].lower.endswith("'s")):
            k += 1
    if k in phrases:
        inner = noun_phrase(tokens, phrases[k], phrases)
        end = _skip_reduced_relative(tokens, inner.end)
        return NounPhrase(head, end, partitive=k, counted=head if head is not None else inner.counted)
    if head is not None:
        return NounPhrase(head, j - 1, counted=head)
    inner = plain_noun_phrase(tokens, k)
    return NounPhrase(inner.head, inner.end, counted=inner.head)


def _skip_reduced_relative(tokens: list[Token], j: int) -> int:
    """Skip "employed at GM's Lordstown" after an inner partitive (it modifies the inner noun)."""
    if j + 1 < len(tokens) and tokens[j].lower.endswith("ed") and tokens[j + 1].lower in PREPOSITIONS:
        return skip_prepositional(tokens, j + 1)
    return j


def _skip_glued_suffix(tokens: list[Token], j: int) -> int:
    """Skip "-strong" / "-member" glued to the number."""
    if (j + 1 < len(tokens) and tokens[j].text == "-" and tokens[j].glued_left and tokens[j + 1].glued_left
            and tokens[j + 1].lower in ("strong", "member")):
        return j + 2
    return j


def _skip_auxiliaries(tokens: list[Token], j: int) -> int:
    while j < len(tokens) and tokens[j].lower in ("were", "are", "was", "is", "being", "mostly", "mainly"):
        j += 1
    return j


def plain_noun_phrase(tokens: list[Token], j: int, singular: bool = True) -> NounPhrase:
    """The noun phrase from ``j``; a count other than one needs a plural head unless ``singular``."""
    start = j
    while j < len(tokens) and tokens[j].lower in _LEADING and j - start < 2:
        j += 1
    run = _coordinated_modifiers(tokens, _noun_run(tokens, j))
    if not run:
        return NounPhrase(None, start)
    head = _head_of(tokens, run)
    if head is None or not (singular or is_plural(tokens[head])):
        return NounPhrase(None, start)
    return NounPhrase(head, _coordination_end(tokens, head + 1), counted=head)


def _coordinated_modifiers(tokens: list[Token], run: list[int]) -> list[int]:
    """ "production and maintenance workers": modifiers joined by "and"/"or" share the plural noun after them."""
    if not run or len(run) > 2 or any(is_plural(tokens[i]) for i in run):
        return run
    end = run[-1] + 1
    if end + 1 >= len(tokens) or tokens[end].lower not in ("and", "or"):
        return run
    more = _noun_run(tokens, end + 1)
    plural = [i for i in more[:3] if is_plural(tokens[i])]
    if not plural or any(tokens[i].lower in TRIGGER_WORDS for i in more[:plural[0] - end]):
        return run
    return run + more[:plural[0] - end]


def _noun_run(tokens: list[Token], j: int) -> list[int]:
    """Indices of the content words after ``j`` (stops at function words, numbers, punctuation)."""
    run: list[int] = []
    while j < len(tokens) and len(run) < 6 and is_content_word(tokens[j]):
        run.append(j)
        j += 1
    return run


def is_content_word(token: Token) -> bool:
    """Whether a token is a content word (not a function word, number, possessive or punctuation)."""
    return token.kind in ("word", "abbr") and token.lower not in NOT_IN_NOUN_PHRASE and not token.lower.endswith("'s")


def is_number_word(token: Token) -> bool:
    """Whether a word spells a number ("four", "twenty-one"): it starts a figure, not a noun."""
    return token.lower.split("-")[0] in UNITS or token.lower.split("-")[0] in TENS


def is_plural(token: Token) -> bool:
    """Whether a word looks like a plural noun ("doctors", "people", "crew")."""
    lower = token.lower
    if lower in _PLURAL_NOUNS:
        return True
    return (lower.endswith("s") and len(lower) > 3 and lower not in _NOT_PLURAL and not lower.endswith("ss")
            and not lower.endswith("ous") and not lower.endswith("'s") and token.kind == "word")


def _head_of(tokens: list[Token], run: list[int]) -> int | None:
    """The first plural noun of the run, moving right past adjectival plurals ("unemployed miners")."""
    for position, index in enumerate(run):
        if is_plural(tokens[index]):
            while (position + 1 < len(run) and (tokens[run[position]].lower in _ADJECTIVAL | _PLURAL_NOUNS
                                                or _proper_modifier(tokens[run[position]]))
                   and _is_plural_noun(tokens[run[position + 1]])) or (
                    position + 1 < len(run) and tokens[run[position + 1]].lower in ("members", "officers")):
                position += 1
            return run[position]
    if tokens[run[0]].lower in TRIGGER_WORDS:
        return None
    return run[0] if len(run) == 1 and tokens[run[0]].lower not in m.HEAD_NOUNS else _singular_head(tokens, run)


def _proper_modifier(token: Token) -> bool:
    """A capitalised name ending in -s before a plural noun modifies it ("Hamas officials")."""
    return token.text[:1].isupper() and not token.text.isupper()


def _is_plural_noun(token: Token) -> bool:
    return is_plural(token) and token.lower not in _ADJECTIVAL and not token.lower.endswith(("ed", "ing"))


def _singular_head(tokens: list[Token], run: list[int]) -> int | None:
    """For "one person", "a black policeman": the last word before a participle."""
    for index in run:
        if tokens[index].lower.endswith(("ed", "ing")) or tokens[index].lower in ("left", "dead", "hurt"):
            return index - 1 if index > run[0] else None
    return run[-1]


def _coordination_end(tokens: list[Token], end: int) -> int:
    """Extend "drivers" over "and warehouse employees" (not over "and eight crew members")."""
    if (end + 1 < len(tokens) and tokens[end].lower in ("and", "or") and is_content_word(tokens[end + 1])
            and not is_number_word(tokens[end + 1])):
        run = _noun_run(tokens, end + 1)
        plural = [i for i in run if is_plural(tokens[i])]
        if plural and not any(tokens[i].lower in TRIGGER_WORDS for i in run):
            return plural[0] + 1
    return end


TRIGGER_WORDS = frozenset(w for t in m.PATIENT + m.AGENT for w in t.words)


def skip_prepositional(tokens: list[Token], j: int) -> int:
    """The index after a prepositional phrase starting at ``j`` ("in opposition areas of Aleppo")."""
    k = j + 1
    while k < len(tokens) and k - j < 9:
        token = tokens[k]
        if token.lower == "and" and clause_follows(tokens, k + 1):
            break
        if token.kind == "num" or token.lower in DETERMINERS or token.lower in ("of", "and") or (
                token.kind == "word" and token.lower.endswith("'s")):
            k += 1
        elif is_content_word(token) and token.lower not in m.AUXILIARIES and (
                token.lower not in TRIGGER_WORDS or _attributive(tokens, k)):
            k += 1
        else:
            break
    return k


def _attributive(tokens: list[Token], k: int) -> bool:
    """A measure word in -ing before a noun inside a prepositional phrase modifies it ("in working quarantine")."""
    return (tokens[k].lower.endswith("ing") and k + 1 < len(tokens) and is_content_word(tokens[k + 1])
            and tokens[k + 1].lower not in m.AUXILIARIES and tokens[k + 1].lower not in PREPOSITIONS)


def clause_follows(tokens: list[Token], j: int) -> bool:
    """Whether a new clause starts at ``j`` ("... in 30 countries and *caused* 478 deaths")."""
    if j >= len(tokens):
        return False
    lower = tokens[j].lower
    return lower in m.AUXILIARIES or lower in TRIGGER_WORDS or (lower.endswith("ed") and len(lower) > 4)
