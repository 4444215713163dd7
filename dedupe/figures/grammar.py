"""A small phrase grammar that links a number phrase to the noun it counts and to its measure.

Why hand-written rules and not a dependency parser: the official spaCy models are not installable from
PyPI (only unverified third-party re-uploads), stanza and flair download their models from hosts that
are unreachable here, and NLTK's tagger needs a data download too. The constructions that carry
casualty and workforce figures are few and regular, so a grammar over tokens covers them:

- **noun phrase** (:mod:`dedupe.figures.noun_phrases`): the counted noun after the number ("2,600 production and
  maintenance *workers*", "32 of the 543 *passengers*");
- **predicate after the phrase**: skipping prepositional phrases ("in opposition areas of Aleppo"),
  parentheticals between dashes or commas ("- all but a few civilians -"), a relative pronoun and an
  auxiliary chain ("have been", "were reportedly", "are expected to be"), then a measure word within a
  short window ("250,000 people are currently living *under siege*");
- **verb before the phrase** (the phrase is its object): "cluster munitions which have *killed*
  approximately 500 people", "*lay off* 850 hourly workers", with complements of "leave"/"put"/"send"
  ("*left* 2,000 *in need of* urgent medical care", "*leaving* about 400 workers *jobless*");
- **nouns governing the phrase**: "the *killing of* hundreds of civilians", "a *strike by* 55,000 employees";
- **totals through a copula or a verb of change**, any inflection: "*unemployment* totalled 690,600
  people", "Death *toll* in Turkish bombings *rises to* 46", "*Deaths* ... *rise to* 43", "toll *tops*
  8,000"; "a *total* of 360 jobs" states a workforce; "the *number of* members ... to 36" counts members.

Verbs are listed as lemmas in :mod:`dedupe.figures.measures` and every inflection counts ("reinstate" covers
"reinstated"; a passive participle after the phrase reads as its predicate: "15,000 jobs would be
*generated*"). A phrase inside a prepositional phrase ("detained in *eight* cities") only takes a measure
word that follows it directly or through a relative clause ("among five people *who were seriously
injured*"), so the outer clause's verb is not pinned on it; "along with N X," shares the subject's
predicate. The rules run in a fixed order (:data:`_RULES`): what governs the phrase (a noun, a predicate,
a verb) outranks a modifier inside it ("More than 30 *striking* miners *killed*" is killed).
"""

from __future__ import annotations

from dedupe.figures import measures as m
from dedupe.figures.noun_phrases import (
    DETERMINERS,
    PREPOSITIONS,
    NounPhrase,
    is_content_word,
    is_plural,
    noun_phrase,
    plain_noun_phrase,
    skip_prepositional,
)
from dedupe.figures.numbers import NumberPhrase
from dedupe.figures.tokens import Token

__all__ = ["NounPhrase", "find_measure", "is_content_word", "is_embedded", "is_plural", "noun_phrase", "number_of"]

_CONJUNCTIONS = frozenset({"and", "but", "or", "while", "when", "after", "before", "because", "as", "though",
                           "although", "whereas", "if", "unless", "until"})
_CLAUSE_PUNCT = frozenset(",;:()[]\u2014\u2013\"\u201c\u201d.!?")
_PARENS = {"\u2014": "\u2014", "\u2013": "\u2013", "-": "-", "(": ")", ",": ","}
_RELATIVES = frozenset({"who", "which", "that"})
_OBJECT_SKIP = frozenset({"the", "a", "an", "total", "another", "only", "just", "all", "its", "their", "his",
                          "her", "our", "some", "at", "least", "nearly", "almost", "about", "over", "up", "to",
                          "more", "than", "as", "many", "reportedly", "also", "now", "still", "further",
                          "additional"})


def is_embedded(tokens: list[Token], first: int) -> bool:
    """Whether the phrase starting at ``first`` sits inside a prepositional phrase ("in eight cities")."""
    k = first - 1
    steps = 0
    while k >= 0 and steps < 3 and (tokens[k].lower in DETERMINERS or tokens[k].lower.endswith("'s")):
        k -= 1
        steps += 1
    if k < 0 or tokens[k].lower not in PREPOSITIONS:
        return False
    return not (tokens[k].lower == "of" and k > 0 and tokens[k - 1].lower in ("total", "maximum", "minimum"))


def find_measure(tokens: list[Token], phrase: NumberPhrase, noun: NounPhrase, head: str | None = None) -> str | None:
    """The measure of a figure from its sentence structure, or ``None`` when nothing links one.

    Args:
        tokens: The sentence's tokens.
        phrase: The number phrase.
        noun: Its noun phrase (:func:`noun_phrase`).
        head: The counted noun when the phrase has none of its own ("and Wells Fargo has 2,400":
            the previous figure's "employees"); default: the noun phrase's.

    Returns:
        One of :data:`dedupe.figures.measures.MEASURES` except ``other``, or ``None``.
    """
    words = [t.lower for t in tokens]
    if head is None:
        head = words[noun.counted] if noun.counted is not None else None
    place = None
    for rule in _RULES:
        found = rule(tokens, words, phrase, noun, head)
        if found is not None and found not in m.PLACE_MEASURES:
            return found
        place = place or found
    return place


def _head_noun(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
               head: str | None) -> str | None:
    if head is None:
        return None
    if noun.head is None:
        return None
    if head in m.JOB_LOSS_HEADS and words[noun.head - 1] == "job":
        return "laid off"
    longer = m.match_at(words, noun.head, m.PATIENT, head)
    if longer is not None and len(longer.words) > 1:
        return longer.measure       # "Hundreds dead or injured"
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
    while k > 0 and phrase.first - k < 3 and is_content_word(tokens[k]) and words[k] not in ("its", "their", "our"):
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
            j = skip_prepositional(tokens, j)
    return None


def _verb_before(words: list[str], first: int) -> int | None:
    k = first - 1
    while k >= 0 and words[k] in _OBJECT_SKIP and first - k < 5:
        k -= 1
    return k if k >= 0 else None


def _predicate(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
               head: str | None) -> str | None:
    j = noun.end
    if _comitative(words, phrase.first) and j < len(words) and words[j] == ",":
        return _predicate_from(tokens, words, j + 1, head, depth=1)
    if is_embedded(tokens, phrase.first) and not _absolute_with(words, phrase.first):
        if j < len(words) and words[j] in _RELATIVES:
            return _window(tokens, words, j, head)
        if j + 1 < len(words) and words[j] in m.REPORTING_PARTICIPLES:
            j += 1      # a reduced relative: "on the 26 people *reported* killed earlier"
        trigger = m.match_at(words, j, m.PATIENT, head)
        if trigger is not None and trigger.measure in m.PLACE_MEASURES:
            return trigger.measure  # "sank with more than 150 people on board": where the phrase's people are
        return trigger.measure if trigger is not None and len(trigger.words) == 1 and _adjacent(words, j) else None
    return _predicate_from(tokens, words, j, head, depth=0)


def _absolute_with(words: list[str], first: int) -> bool:
    """ ", with 30 maintenance workers on strike": "with" after a comma opens a small clause whose subject is
    the phrase, so the predicate after it is the phrase's own."""
    k = first - 1
    while k >= 0 and words[k] in DETERMINERS and first - k < 3:
        k -= 1
    return k > 0 and words[k] == "with" and words[k - 1] in (",", ";", "\u2014")


def _comitative(words: list[str], first: int) -> bool:
    """ "X, along with about 600 office workers, went on strike": the phrase shares the subject's predicate."""
    k = first - 1
    while k >= 0 and words[k] in DETERMINERS and first - k < 3:
        k -= 1
    return k > 0 and words[k] == "with" and words[k - 1] in ("along", "together")


def _adjacent(words: list[str], j: int) -> bool:
    return words[j] not in ("strike", "strikes", "injuries", "injury", "deaths")


def _predicate_from(tokens: list[Token], words: list[str], j: int, head: str | None, depth: int) -> str | None:
    """Look for a measure word after a subject ending at ``j``, skipping modifiers of the subject."""
    place = None
    for _ in range(4):
        if j >= len(words):
            return place
        trigger = m.match_at(words, j, m.PATIENT, head)
        if trigger is not None and trigger.measure in m.PLACE_MEASURES:
            # "12 people on board the ferry were killed": the place reads as a prepositional phrase
            place, j = trigger.measure, skip_prepositional(tokens, j + len(trigger.words) - 1)
            continue
        if trigger is not None:
            return trigger.measure
        if words[j] in PREPOSITIONS:
            j = skip_prepositional(tokens, j)
        elif tokens[j].text in _PARENS and depth == 0:
            return _after_parenthetical(tokens, words, j, head) or place
        elif words[j].endswith(("ed", "ing")) and j + 1 < len(words) and words[j + 1] in PREPOSITIONS:
            after = skip_prepositional(tokens, j + 1)
            if after < len(words) and words[after] in m.AUXILIARIES:
                j = after
            else:
                break
        else:
            break
    return _window(tokens, words, j, head) or place


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


def _window(tokens: list[Token], words: list[str], j: int, head: str | None) -> str | None:
    """After an auxiliary chain, the first measure word within four words of the same clause.

    A relative clause's place ("who were at the property were arrested") is skipped; a relative
    clause only states an event, not a standing state ("employees ... who work at three offices").
    """
    relative = False
    for _ in range(2):
        steps = 0
        while j < len(words) and words[j] in m.AUXILIARIES and steps < 7:
            relative = relative or words[j] in _RELATIVES
            trigger = m.match_at(words, j, m.PATIENT, head)
            if trigger is not None and not (relative and trigger.measure in m.STATE_MEASURES):
                return trigger.measure
            j += 1
            steps += 1
        if not (relative and j < len(words) and words[j] in PREPOSITIONS):
            break
        after = skip_prepositional(tokens, j)
        if after >= len(words) or words[after] not in m.AUXILIARIES:
            break
        j = after
    for k in range(j, min(j + 4, len(words))):
        if tokens[k].text in _CLAUSE_PUNCT or words[k] in _CONJUNCTIONS or tokens[k].kind == "num":
            return None
        trigger = m.match_at(words, k, m.PATIENT, head)
        if trigger is not None and not (relative and trigger.measure in m.STATE_MEASURES):
            return trigger.measure
        if words[k] in PREPOSITIONS and k > j:
            return None
    return None


def _among_copula(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
                  head: str | None) -> str | None:
    """ "Among the victims were nine adults", "the dead included 12 children": the phrase is named by a
    casualty noun through a copula, so it takes that noun's measure."""
    k = phrase.first - 1
    if k < 2 or words[k] not in m.COPULAS:
        return None
    measure = m.COPULA_NOUNS.get(words[k - 1])
    if measure is None or words[k - 2] != "the":
        return None
    inclusive = words[k] in ("included", "include", "includes")
    return measure if inclusive or (k > 2 and words[k - 3] == "among") else None


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
    while j >= 0 and k - j < 8 and (tokens[j].kind == "num" or is_content_word(tokens[j]) or words[j] in DETERMINERS):
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
    link = _link_length(words, k)
    if link is None:
        return None
    reach = 3 if " ".join(words[k - link:k]) in m.NEAR_LINKS else 20
    for back in range(k - link - 1, max(-1, k - link - 1 - reach), -1):
        if tokens[back].text in ";.":
            break
        measure = m.TOTAL_NOUNS.get(words[back])
        if measure is not None:
            return measure
    return None


def _link_length(words: list[str], k: int) -> int | None:
    """How many words before ``k`` link a total to its figure: "rose to", "tops", "totalled", "to"."""
    if k >= 2 and words[k - 1] in ("to", "at", "from") and words[k - 2] in m.LINK_VERBS:
        return 2
    if k >= 2 and words[k - 1] == "to" and words[k - 2] in m.REVISION_VERBS:
        return 2
    if k >= 3 and words[k - 1] == "to" and words[k - 2] in ("down", "up") \
            and words[k - 3] in m.LINK_VERBS | m.REVISION_VERBS:
        return 3    # "the toll was revised down to 68"
    if k >= 1 and words[k - 1] in m.LINK_VERBS:
        return 1
    return next((n for n in (2, 1) if k - n >= 0 and " ".join(words[k - n:k]) in m.TOTAL_LINKS | m.NEAR_LINKS),
                None)


def number_of(tokens: list[Token], phrase: NumberPhrase) -> int | None:
    """The counted noun of "the number of members in the body *rose to* 36" (a total with no noun of its own).

    Args:
        tokens: The sentence's tokens.
        phrase: A number phrase after a linking verb or "to"/"at".

    Returns:
        The index of the plural noun after "number of", or ``None``.
    """
    words = [t.lower for t in tokens]
    link = _link_length(words, phrase.first)
    if link is None:
        return None
    for back in range(phrase.first - link - 1, max(0, phrase.first - link - 13), -1):
        if tokens[back].text in ";.":
            return None
        if words[back - 1:back + 1] == ["number", "of"]:
            noun = plain_noun_phrase(tokens, back + 1, singular=False)
            return noun.head
    return None


def _workforce_level(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
                     head: str | None) -> str | None:
    """ "reduce its head office staff to about 100 from 550", "cutting staff to 125": a bare number after
    "to"/"from" whose workforce noun stands just before states the workforce's size."""
    if noun.head is not None or phrase.first < 2 or words[phrase.first - 1] not in ("to", "from"):
        return None
    window = words[max(0, phrase.first - 4):phrase.first - 1]
    return "employed" if m.STAFF & set(window) else None


def _total_of(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
              head: str | None) -> str | None:
    """ "a total of 360 jobs", "of a total 18,000 jobs": a workforce."""
    k = phrase.first - 1
    if k >= 0 and words[k] == "of":
        k -= 1
    return "employed" if k >= 0 and words[k] == "total" and head in m.TOTAL_OF_HEADS else None


def _cut_by(tokens: list[Token], words: list[str], phrase: NumberPhrase, noun: NounPhrase,
            head: str | None) -> str | None:
    """ "staff positions were cut by 7,000", "trim its worldwide staff by 800"."""
    if phrase.first == 0 or words[phrase.first - 1] != "by":
        return None
    window = words[max(0, phrase.first - 7):phrase.first - 1]
    return "laid off" if m.CUT_VERBS & set(window) else None


#: The rules in order: the counted noun itself and an owner's workforce ("its 40,000 workers"), then the words
#: that govern the phrase (a noun: "the rehiring of 20 workers who were idled"; a predicate after it; a verb
#: before it), then modifiers inside the phrase ("More than 30 *striking* miners *killed*": the predicate says
#: what happened to them), then totals.
_RULES = (_head_noun, _possessive_staff, _complement, _nominal, _predicate, _among_copula, _object_of_verb,
          _premodifier, _total, _cut_by, _total_of, _workforce_level)
