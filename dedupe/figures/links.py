"""Links between the figures of one sentence: subsets, shared predicates and ellipsis.

:mod:`dedupe.figures.grammar` reads each number phrase on its own. Some figures only get their noun or
measure from a neighbour in the same sentence:

- **subsets**: partitives ("32 of the 543 passengers"), "100,000 of them children", "including 56
  children" take the parent's noun or measure;
- **coordination**: "stoppages by 450,000 social workers and 50,000 university teachers" (the second
  conjunct shares the verb before the first); "two Iraqis and two Saudis detained after the attack"
  (the first shares the predicate after the second);
- **"among"**: "Three other police officers were among five people who were seriously injured";
- **ellipsis**: "Pacific Northwest has more than 800 employees, and Wells Fargo has 2,400" (the bare
  number counts the previous noun, and its measure is read again with that noun);
- **a frame that names the noun**: "Among the reported deaths, 504 were in ... Ludian County and 72 in Qiaojia
  County" (each bare number after the opening "Among/Of the <casualty noun>," counts that noun, a part of it);
  "Of the 504 dead, 300 were in Ludian County" (a bare number after the frame is a part of the frame's figure);
- **capacity**: "carrying more than 150 passengers, far above its capacity of 43" (the bare number counts the
  previous noun but states no measure: how many may be carried, not how many were);
- **tallies**: "Bogo City had the most fatalities with 30; followed by San Remigio with 22" (a bare
  number after "with" counts the plural noun before it; the next ones read that noun again and, failing
  a measure of their own, keep its measure); "a coastal city of 90,000" counts its people;
- **totals**: "the number of members in the body to 36" counts members;
- **"to A from B"**: "reduce its workforce to 5,500 from a current 6,810" (both ends of a change count
  the same thing).
"""

from __future__ import annotations

from dataclasses import dataclass

from dedupe.figures import grammar as grammar
from dedupe.figures.measures import COPULA_NOUNS, HEAD_NOUN_PEOPLE, HEAD_NOUNS, HUMAN_MEASURES, SETTLEMENTS, WORKERS
from dedupe.figures.numbers import NumberPhrase
from dedupe.figures.tokens import Token
from dedupe.lexicon import PEOPLE_NOUNS

_SUBSET_MARKERS = (("including",), ("among", "them"), ("among", "whom"), ("of", "whom"), ("among", "those"))
_AMONG_LINK = frozenset({"were", "are", "was", "is", "have", "has", "been", "also", "reportedly", "among", "the"})
_AFTER_NOUN = frozenset({",", ".", ";", ":", ")", "and", "or", "of", "in", "at", "on", "for", "was", "is", "which",
                         "that"})
_CHANGE_SKIP = frozenset({"a", "an", "the", "current", "present", "existing", "previous", "total", "of"})


@dataclass
class Draft:
    """A figure under construction (mutable while subsets and inheritance are resolved).

    Attributes:
        phrase: The number phrase.
        noun: Its noun phrase.
        measure: The measure read from the phrase's own structure, ``None`` when none.
        what: The counted noun (lower case), ``None`` when none.
        subset_of: Index of the figure this one is part of.
        partitive_of: Index of the figure this one is a partitive of ("32 of the 543 passengers").
    """

    phrase: NumberPhrase
    noun: grammar.NounPhrase
    measure: str | None
    what: str | None
    subset_of: int | None = None
    partitive_of: int | None = None


def link(tokens: list[Token], drafts: list[Draft]) -> list[Draft]:
    """Resolve subsets, shared predicates and ellipsis, and drop figures that count nothing named.

    Args:
        tokens: The sentence's tokens.
        drafts: Its figures in text order, each read on its own.

    Returns:
        The kept figures; ``subset_of`` indexes the returned list (a dropped parent becomes ``None``).
    """
    _link_subsets(tokens, drafts)
    _share_backwards(tokens, drafts)
    _share_changes(tokens, drafts)
    return _kept(_inherit(tokens, drafts))


def _link_subsets(tokens: list[Token], drafts: list[Draft]) -> None:
    """Partitives ("32 of the 543 passengers"), "of them", and "including"."""
    by_start = {d.phrase.first: i for i, d in enumerate(drafts)}
    for i, draft in enumerate(drafts):
        if draft.noun.partitive is not None and draft.noun.partitive in by_start:
            parent = by_start[draft.noun.partitive]
            draft.subset_of = parent
            draft.partitive_of = parent
        elif (draft.noun.pronoun_subset or _after_subset_marker(tokens, draft.phrase.first)) and i > 0:
            draft.subset_of = _nearest_named(drafts, i)
        elif i > 0 and draft.noun.head is None and _in_frame(tokens, drafts[0].phrase.first) \
                and not _in_frame(tokens, draft.phrase.first) and draft.measure in (None, drafts[0].measure):
            # "Of the 504 dead, 300 were in Ludian County": a part of the frame's whole ("Of the 476 aboard,
            # 172 were rescued" counts another thing: the rescued, not a part of a count of those aboard)
            draft.subset_of = 0


def _after_subset_marker(tokens: list[Token], first: int) -> bool:
    words = tuple(t.lower for t in tokens[max(0, first - 2):first])
    return any(words[-len(marker):] == marker for marker in _SUBSET_MARKERS)


def _nearest_named(drafts: list[Draft], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if drafts[j].what is not None or drafts[j].measure is not None:
            return j
    return None


def _between(tokens: list[Token], previous: Draft, draft: Draft) -> list[str]:
    return [t.lower for t in tokens[previous.noun.end:draft.phrase.first]]


def _coordinated(tokens: list[Token], previous: Draft, draft: Draft) -> bool:
    """ "stoppages by 450,000 social workers and 50,000 university teachers": one verb, two objects."""
    return previous.noun.head is not None and _between(tokens, previous, draft) in (["and"], ["or"], [",", "and"])


def _share_backwards(tokens: list[Token], drafts: list[Draft]) -> None:
    """The first conjunct takes the predicate stated after the second ("two Iraqis and two Saudis
    detained"), and "N X were among N Y who were injured" takes Y's measure."""
    for i in range(len(drafts) - 2, -1, -1):
        draft, following = drafts[i], drafts[i + 1]
        if draft.measure is not None or following.measure is None or draft.noun.head is None:
            continue
        between = _between(tokens, draft, following)
        among = "among" in between and set(between) <= _AMONG_LINK
        if among or (_coordinated(tokens, draft, following) and following.noun.head is not None
                     and not grammar.is_embedded(tokens, draft.phrase.first)):
            draft.measure = following.measure


def _share_changes(tokens: list[Token], drafts: list[Draft]) -> None:
    """ "reduce its workforce to 5,500 from a current 6,810": both ends of the change share noun and measure."""
    for i in range(1, len(drafts)):
        previous, draft = drafts[i - 1], drafts[i]
        pair = (_link_word(tokens, previous.phrase.first), _link_word(tokens, draft.phrase.first))
        if pair not in (("to", "from"), ("from", "to")) or draft.phrase.first - previous.phrase.last > 8:
            continue
        for source, target in ((previous, draft), (draft, previous)):
            if target.measure is None and target.noun.head is None:
                target.measure = source.measure
                target.what = target.what or source.what


def _link_word(tokens: list[Token], first: int) -> str | None:
    k = first - 1
    while k >= 0 and tokens[k].lower in _CHANGE_SKIP and first - k < 4:
        k -= 1
    return tokens[k].lower if k >= 0 else None


def _inherit(tokens: list[Token], drafts: list[Draft]) -> list[Draft]:
    """Fill what/measure from parents (subsets) and from the previous figure (ellipsis)."""
    for i, draft in enumerate(drafts):
        parent = drafts[draft.subset_of] if draft.subset_of is not None else None
        if draft.partitive_of is not None and parent is not None:
            draft.what = draft.what or parent.what
        elif parent is not None:
            draft.measure = draft.measure or parent.measure
            draft.what = draft.what or parent.what
        if draft.what is None and draft.noun.head is None and draft.noun.partitive is None and _bare(tokens, draft):
            _elliptic(tokens, drafts, i)
        if draft.measure is None and i > 0 and _coordinated(tokens, drafts[i - 1], draft):
            draft.measure = drafts[i - 1].measure
        if draft.what is None and draft.measure in HUMAN_MEASURES:
            draft.what = "people"
        if draft.what == "others":
            previous = _nearest_named(drafts, i) if i > 0 else None
            draft.what = drafts[previous].what if previous is not None and drafts[previous].what else "people"
    return drafts


def _bare(tokens: list[Token], draft: Draft) -> bool:
    """A number with no noun of its own, not one that modifies a singular noun ("the 32,000 hydrocracker and")."""
    j = draft.phrase.last + 1
    if draft.measure is not None or j >= len(tokens):
        return True
    word = tokens[j]
    singular_noun = (grammar.is_content_word(word) and word.text.islower() and not grammar.is_plural(word)
                     and not word.lower.endswith(("ed", "ing", "ly")))
    return not (singular_noun and (j + 1 >= len(tokens) or tokens[j + 1].lower in _AFTER_NOUN))


def _elliptic(tokens: list[Token], drafts: list[Draft], i: int) -> None:
    """ "... has 800 employees, and Wells Fargo has 2,400": count the previous noun, read the measure again."""
    draft = drafts[i]
    counted = grammar.number_of(tokens, draft.phrase)
    previous = _nearest_named(drafts, i) if i > 0 else None
    noun = _noun_before_with(tokens, draft.phrase.first) if previous is None else None
    framing = _framing_noun(tokens, draft.phrase.first) if previous is None else None
    if counted is not None:
        draft.what = tokens[counted].lower
    elif is_capacity(tokens, draft.phrase.first):
        draft.what = drafts[previous].what if previous is not None else None
        return      # "carrying 150 passengers, far above its capacity of 43": how many it may hold, not a count
    elif framing is not None:
        draft.what = "people"
        draft.measure = draft.measure or COPULA_NOUNS[framing]
    elif noun is not None:
        draft.what = "people" if noun in HEAD_NOUN_PEOPLE else noun
        draft.measure = draft.measure or HEAD_NOUNS.get(noun)
    elif _population(tokens, draft.phrase.first):
        draft.what = "people"
    else:
        draft.what = drafts[previous].what if previous is not None else None
    if draft.measure is None and draft.what is not None:
        draft.measure = grammar.find_measure(tokens, draft.phrase, draft.noun, head=draft.what)
    if draft.measure is None and previous is not None and counted is None:
        draft.measure = drafts[previous].measure   # "... with 30; followed by San Remigio with 22"


def _noun_before_with(tokens: list[Token], first: int) -> str | None:
    """ "had the most fatalities with 30", "aftershocks, with 379 recorded": a bare number after "with"
    counts the plural noun just before it."""
    k = first - 1
    if k < 1 or tokens[k].lower != "with":
        return None
    k -= 1 if tokens[k - 1].text != "," else 2
    return tokens[k].lower if k >= 0 and grammar.is_plural(tokens[k]) else None


def is_capacity(tokens: list[Token], first: int) -> bool:
    """ "its capacity of 43", "a capacity for 40": a bare number after a capacity counts places, not people."""
    return first >= 2 and tokens[first - 1].lower in ("of", "for") and tokens[first - 2].lower == "capacity"


def _frame_comma(tokens: list[Token]) -> int | None:
    """The comma that closes a sentence-opening "Among/Of the ... <noun>," frame (within 8 tokens), if any."""
    if len(tokens) < 3 or tokens[0].lower not in ("among", "of") or tokens[1].lower != "the":
        return None
    return next((k for k in range(2, min(len(tokens), 9)) if tokens[k].text == ","), None)


def _in_frame(tokens: list[Token], first: int) -> bool:
    comma = _frame_comma(tokens)
    return comma is not None and first < comma


def _framing_noun(tokens: list[Token], first: int) -> str | None:
    """ "Among the reported deaths, 504 were in ...", "Of the dead, 30 were children": the casualty noun of a
    sentence-opening "Among/Of the ... <noun>," that a bare number after the comma counts a part of."""
    comma = _frame_comma(tokens)
    if comma is None or comma >= first or any(t.kind == "num" for t in tokens[:comma]):
        return None
    noun = tokens[comma - 1].lower
    return noun if noun in COPULA_NOUNS and COPULA_NOUNS[noun] in HUMAN_MEASURES else None


def _population(tokens: list[Token], first: int) -> bool:
    """ "a coastal city of 90,000": a bare number after "<settlement> of" counts its people."""
    return first >= 2 and tokens[first - 1].lower == "of" and tokens[first - 2].lower in SETTLEMENTS


def _kept(drafts: list[Draft]) -> list[Draft]:
    """Drop figures that count nothing named, re-indexing ``subset_of`` (a dropped parent becomes ``None``)."""
    kept = [i for i, d in enumerate(drafts) if _keep(d)]
    index = {old: new for new, old in enumerate(kept)}
    for i in kept:
        parent = drafts[i].subset_of
        drafts[i].subset_of = index.get(parent) if parent is not None and parent != i else None
    return [drafts[i] for i in kept]


def _keep(draft: Draft) -> bool:
    if draft.what is None and draft.measure is None:
        return False
    is_one = draft.phrase.low == 1 and draft.phrase.qualifier == "exact"
    return not (is_one and draft.measure is None and draft.what not in PEOPLE_NOUNS | WORKERS)
