"""A small phrase grammar that links a number phrase to the noun it counts and to its measure.

Why hand-written rules and not a dependency parser: the official spaCy models are not installable from
PyPI (only unverified third-party re-uploads), stanza and flair download their models from hosts that
are unreachable here, and NLTK's tagger needs a data download too. The constructions that carry
casualty and workforce figures are few and regular, so a grammar over tokens covers them:

- **noun phrase**: number -> optional "of" (vague counts, partitives "32 of the 543 passengers",
  "100,000 of them children") -> modifiers -> the first plural noun ("2,600 production and maintenance
  *workers*", "1,000 unemployed *miners*"); coordinated nouns extend it ("drivers and warehouse employees");
- **predicate after the phrase**: skipping prepositional phrases ("in opposition areas of Aleppo"),
  parentheticals between dashes or commas ("- all but a few civilians -"), a relative pronoun and an
  auxiliary chain ("have been", "were reportedly", "are expected to be"), then a measure word within a
  short window ("250,000 people are currently living *under siege*");
- **verb before the phrase** (the phrase is its object): "cluster munitions which have *killed*
  approximately 500 people", "*lay off* 850 hourly workers", with complements of "leave"/"put"/"send"
  ("*left* 2,000 *in need of* urgent medical care", "*leaving* about 400 workers *jobless*");
- **nouns governing the phrase**: "the *killing of* hundreds of civilians", "a *strike by* 55,000 employees";
- **totals through a copula**: "*unemployment* totalled 690,600 people".

A phrase inside a prepositional phrase ("detained in *eight* cities") only takes a measure word that
follows it directly, so the outer clause's verb is not pinned on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dedupe import measures as m
from dedupe.numbers import NumberPhrase, Token

STOPWORDS = frozenset({
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
PREPOSITIONS = frozenset({"in", "at", "of", "on", "from", "near", "across", "inside", "outside", "around",
                          "throughout", "into", "with", "by", "for", "to", "among", "along", "within", "under",
                          "behind", "beyond"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "these", "those", "this",
                          "that", "another", "only", "just", "all", "some", "east", "west", "north", "south",
                          "eastern", "western", "northern", "southern"})
_CONJUNCTIONS = frozenset({"and", "but", "or", "while", "when", "after", "before", "because", "as", "though",
                           "although", "whereas", "if", "unless", "until"})
_CLAUSE_PUNCT = frozenset(",;:()[]\u2014\u2013\"\u201c\u201d.!?")
_PARENS = {"\u2014": "\u2014", "\u2013": "\u2013", "-": "-", "(": ")", ",": ","}
_PRONOUNS = frozenset({"them", "whom", "those", "these", "us", "which"})
_LEADING = frozenset({"the", "its", "his", "her", "their", "our", "these", "those"})
_OBJECT_SKIP = frozenset({"the", "a", "an", "total", "another", "only", "just", "all", "its", "their", "his",
                          "her", "our", "some", "at", "least", "nearly", "almost", "about", "over", "up", "to",
                          "more", "than", "as", "many", "reportedly", "also", "now", "still", "further",
                          "additional"})


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
    own = _plain_noun_phrase(tokens, j, singular)
    if own.head is not None and own.end < len(tokens) and tokens[own.end].lower == "of":
        inner = _partitive(tokens, own.end + 1, phrases, own.head)
        if inner.partitive is not None:
            return inner
    return own


def _partitive(tokens: list[Token], j: int, phrases: dict[int, NumberPhrase], head: int | None) -> NounPhrase:
    """ "of them children", "of the 543 passengers", "of east Aleppo's 21 hospitals", "of the crew"."""
    if j < len(tokens) and tokens[j].lower in _PRONOUNS and head is None:
        inner = _plain_noun_phrase(tokens, _skip_auxiliaries(tokens, j + 1))
        return NounPhrase(inner.head, inner.end, counted=inner.head, pronoun_subset=True)
    k = j
    while k < len(tokens) and k - j < 4 and k not in phrases and (
            tokens[k].lower in _DETERMINERS or tokens[k].lower.endswith("'s") or _is_content(tokens[k])):
        k += 1
    if k not in phrases:
        k = j
        while k < len(tokens) and k - j < 4 and (tokens[k].lower in _DETERMINERS or tokens[k].lower.endswith("'s")):
            k += 1
    if k in phrases:
        inner = noun_phrase(tokens, phrases[k], phrases)
        end = _skip_reduced_relative(tokens, inner.end)
        return NounPhrase(head, end, partitive=k, counted=head if head is not None else inner.counted)
    if head is not None:
        return NounPhrase(head, j - 1, counted=head)
    inner = _plain_noun_phrase(tokens, k)
    return NounPhrase(inner.head, inner.end, counted=inner.head)


def _skip_reduced_relative(tokens: list[Token], j: int) -> int:
    """Skip "employed at GM's Lordstown" after an inner partitive (it modifies the inner noun)."""
    if j + 1 < len(tokens) and tokens[j].lower.endswith("ed") and tokens[j + 1].lower in PREPOSITIONS:
        return _skip_prepositional(tokens, j + 1)
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


def _plain_noun_phrase(tokens: list[Token], j: int, singular: bool = True) -> NounPhrase:
    """The noun phrase from ``j``; a count other than one needs a plural head unless ``singular``."""
    start = j
    while j < len(tokens) and tokens[j].lower in _LEADING and j - start < 2:
        j += 1
    run = _noun_run(tokens, j)
    if not run:
        return NounPhrase(None, start)
    head = _head_of(tokens, run)
    if head is None or not (singular or is_plural(tokens[head])):
        return NounPhrase(None, start)
    return NounPhrase(head, _coordination_end(tokens, head + 1), counted=head)


def _noun_run(tokens: list[Token], j: int) -> list[int]:
    """Indices of the content words after ``j`` (stops at function words, numbers, punctuation)."""
    run: list[int] = []
    while j < len(tokens) and len(run) < 6 and _is_content(tokens[j]):
        run.append(j)
        j += 1
    return run


def _is_content(token: Token) -> bool:
    return token.kind in ("word", "abbr") and token.lower not in STOPWORDS and not token.lower.endswith("'s")


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
            while (position + 1 < len(run) and tokens[run[position]].lower in _ADJECTIVAL | _PLURAL_NOUNS
                   and _is_plural_noun(tokens[run[position + 1]])) or (
                    position + 1 < len(run) and tokens[run[position + 1]].lower in ("members", "officers")):
                position += 1
            return run[position]
    if tokens[run[0]].lower in _TRIGGER_WORDS:
        return None
    return run[0] if len(run) == 1 and tokens[run[0]].lower not in m.HEAD_NOUNS else _singular_head(tokens, run)


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
    if end + 1 < len(tokens) and tokens[end].lower in ("and", "or") and _is_content(tokens[end + 1]):
        run = _noun_run(tokens, end + 1)
        plural = [i for i in run if is_plural(tokens[i])]
        if plural and not any(tokens[i].lower in _trigger_words() for i in run):
            return plural[0] + 1
    return end


def _trigger_words() -> frozenset[str]:
    return _TRIGGER_WORDS


_TRIGGER_WORDS = frozenset(w for t in m.PATIENT + m.AGENT for w in t.words)


def is_embedded(tokens: list[Token], first: int) -> bool:
    """Whether the phrase starting at ``first`` sits inside a prepositional phrase ("in eight cities")."""
    k = first - 1
    steps = 0
    while k >= 0 and steps < 3 and (tokens[k].lower in _DETERMINERS or tokens[k].lower.endswith("'s")):
        k -= 1
        steps += 1
    if k < 0 or tokens[k].lower not in PREPOSITIONS:
        return False
    return not (tokens[k].lower == "of" and k > 0 and tokens[k - 1].lower in ("total", "maximum", "minimum"))


def find_measure(tokens: list[Token], phrase: NumberPhrase, noun: NounPhrase) -> str | None:
    """The measure of a figure from its sentence structure, or ``None`` when nothing links one.

    Args:
        tokens: The sentence's tokens.
        phrase: The number phrase.
        noun: Its noun phrase (:func:`noun_phrase`).

    Returns:
        One of :data:`dedupe.measures.MEASURES` except ``other``, or ``None``.
    """
    words = [t.lower for t in tokens]
    head = words[noun.counted] if noun.counted is not None else None
    for rule in (_head_noun, _premodifier, _possessive_staff, _complement, _predicate, _object_of_verb,
                 _nominal, _total, _cut_by):
        found = rule(tokens, words, phrase, noun, head)
        if found is not None:
            return found
    return None


def _head_noun(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
               head: str | None) -> str | None:
    if head is None:
        return None
    if noun.head is None:
        return None
    if head in m.JOB_LOSS_HEADS and words[noun.head - 1] == "job":
        return "laid off"
    return m.HEAD_NOUNS.get(head)


def _premodifier(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
                 head: str | None) -> str | None:
    if noun.head is None:
        return None
    for k in range(phrase.last + 1, noun.head):
        measure = m.PREMODIFIERS.get(words[k])
        heads = m.PREMODIFIER_HEADS.get(words[k])
        if measure is not None and (heads is None or head in heads):
            return measure
    return None


def _possessive_staff(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
                      head: str | None) -> str | None:
    if head not in m.STAFF or phrase.first == 0:
        return None
    if phrase.last + 2 < len(words) and words[phrase.last + 1] == "-" and words[phrase.last + 2] == "member":
        return "employed"
    k = phrase.first - 1
    while k > 0 and phrase.first - k < 3 and _is_content(tokens[k]) and words[k] not in ("its", "their", "our"):
        k -= 1
    before = words[k]
    return "employed" if before in ("its", "their", "our") or before.endswith("'s") else None


def _complement(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
                head: str | None) -> str | None:
    verb = _verb_before(words, phrase.first)
    if verb is None or words[verb] not in m.COMPLEMENT_VERBS:
        return None
    j = noun.end
    for _ in range(2):
        trigger = m.match_at(words, j, m.COMPLEMENT, head)
        if trigger is not None:
            return trigger.measure
        if j < len(words) and words[j] in PREPOSITIONS and words[j] != "in":
            j = _skip_prepositional(tokens, j)
    return None


def _verb_before(words: list[str], first: int) -> int | None:
    k = first - 1
    while k >= 0 and words[k] in _OBJECT_SKIP and first - k < 5:
        k -= 1
    return k if k >= 0 else None


def _predicate(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
               head: str | None) -> str | None:
    j = noun.end
    if is_embedded(tokens, phrase.first):
        trigger = m.match_at(words, j, m.PATIENT, head)
        return trigger.measure if trigger is not None and len(trigger.words) == 1 and _adjacent(words, j) else None
    return _predicate_from(tokens, words, j, head, depth=0)


def _adjacent(words: list[str], j: int) -> bool:
    return words[j] not in ("strike", "strikes", "injuries", "injury", "deaths")


def _predicate_from(tokens: list[Token], words: list[str], j: int, head: str | None, depth: int) -> str | None:
    """Look for a measure word after a subject ending at ``j``, skipping modifiers of the subject."""
    for _ in range(4):
        if j >= len(words):
            return None
        trigger = m.match_at(words, j, m.PATIENT, head)
        if trigger is not None:
            return trigger.measure
        if words[j] in PREPOSITIONS:
            j = _skip_prepositional(tokens, j)
        elif tokens[j].text in _PARENS and depth == 0:
            return _after_parenthetical(tokens, words, j, head)
        elif words[j].endswith(("ed", "ing")) and j + 1 < len(words) and words[j + 1] in PREPOSITIONS:
            after = _skip_prepositional(tokens, j + 1)
            if after < len(words) and words[after] in m.AUXILIARIES:
                j = after
            else:
                break
        else:
            break
    return _window(tokens, words, j, head)


def _after_parenthetical(tokens: list[Token], words: list[str], j: int, head: str | None) -> str | None:
    """Try each closing mark of "— ... —" or ", ... ," within reach and read the predicate after it."""
    closer = _PARENS[tokens[j].text]
    for k in range(j + 1, min(j + 18, len(tokens))):
        if tokens[k].text == closer or (closer == "," and tokens[k].text in ";."):
            if tokens[k].text != closer:
                return None
            if k + 1 < len(words) and words[k + 1] not in _CONJUNCTIONS:
                found = _predicate_from(tokens, words, k + 1, head, depth=1)
                if found is not None:
                    return found
    return None


def _skip_prepositional(tokens: list[Token], j: int) -> int:
    """The index after a prepositional phrase starting at ``j`` ("in opposition areas of Aleppo")."""
    k = j + 1
    while k < len(tokens) and k - j < 9:
        token = tokens[k]
        if token.kind == "num" or token.lower in _DETERMINERS or token.lower in ("of", "and") or (
                token.kind == "word" and token.lower.endswith("'s")):
            k += 1
        elif _is_content(token) and token.lower not in m.AUXILIARIES and token.lower not in _TRIGGER_WORDS:
            k += 1
        else:
            break
    return k


def _window(tokens: list[Token], words: list[str], j: int, head: str | None) -> str | None:
    """After an auxiliary chain, the first measure word within four words of the same clause."""
    steps = 0
    while j < len(words) and words[j] in m.AUXILIARIES and steps < 7:
        trigger = m.match_at(words, j, m.PATIENT, head)
        if trigger is not None:
            return trigger.measure
        j += 1
        steps += 1
    for k in range(j, min(j + 4, len(words))):
        if tokens[k].text in _CLAUSE_PUNCT or words[k] in _CONJUNCTIONS or tokens[k].kind == "num":
            return None
        trigger = m.match_at(words, k, m.PATIENT, head)
        if trigger is not None:
            return trigger.measure
        if words[k] in PREPOSITIONS and k > j:
            return None
    return None


def _object_of_verb(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
                    head: str | None) -> str | None:
    trigger = m.match_ending_at(words, phrase.first, m.AGENT, head)
    verb = _verb_before(words, phrase.first)
    if trigger is None and verb is not None and words[verb] == "and":
        verb = _verb_before_coordination(tokens, words, verb)
    if trigger is None and verb is not None:
        trigger = m.match_ending_at(words, verb + 1, m.AGENT, head)
    if trigger is not None and trigger.words == ("with",) and not _owner_before(words, phrase.first):
        return None
    return trigger.measure if trigger is not None else None


def _verb_before_coordination(tokens: list[Token], words: list[str], k: int) -> int | None:
    """For "with 87 branch offices and 7,000 employees": the verb before the first conjunct."""
    j = k - 1
    while j >= 0 and k - j < 8 and (tokens[j].kind == "num" or _is_content(tokens[j]) or words[j] in _DETERMINERS):
        j -= 1
    return j if j >= 0 and j < k - 1 else None


def _owner_before(words: list[str], first: int) -> bool:
    """ "companies with 500 employees" owns them; "negotiations with 3,200 workers" does not."""
    k = first - 1
    while k >= 0 and words[k] != "with":
        k -= 1
    return k > 0 and words[k - 1] in m.OWNERS


def _nominal(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
             head: str | None) -> str | None:
    k = phrase.first
    while k > 0 and words[k - 1] in ("the", "some", "an", "estimated") and phrase.first - k < 3:
        k -= 1
    trigger = m.match_ending_at(words, k, m.NOMINAL, head)
    return trigger.measure if trigger is not None else None


def _total(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
           head: str | None) -> str | None:
    """ "unemployment totalled 690,600 people", "job losses would amount to 9,000 employees"."""
    k = phrase.first
    link = next((n for n in (2, 1) if k - n >= 0 and " ".join(words[k - n:k]) in m.TOTAL_LINKS | m.NEAR_LINKS),
                None)
    if link is None:
        return None
    reach = 3 if " ".join(words[k - link:k]) in m.NEAR_LINKS else 12
    for back in range(k - link - 1, max(-1, k - link - 1 - reach), -1):
        if tokens[back].text in ";.":
            break
        measure = m.TOTAL_NOUNS.get(words[back])
        if measure is not None:
            return measure
    return None


def _cut_by(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
            head: str | None) -> str | None:
    """ "staff positions were cut by 7,000", "trim its worldwide staff by 800"."""
    if phrase.first == 0 or words[phrase.first - 1] != "by":
        return None
    window = words[max(0, phrase.first - 7):phrase.first - 1]
    return "laid off" if m.CUT_VERBS & set(window) else None
