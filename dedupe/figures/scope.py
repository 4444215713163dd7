"""The scope of a count: one incident, a period of repeated blows, a whole war, part of another count, or a state.

Only counts of the same scope are compared (:mod:`dedupe.figures.discrepancies`): "shelling killed five
people waiting at a bakery" (one incident) says nothing against "more than 300 people have been killed in
the past week" (a cumulative toll), and neither says anything against "a civil war that has killed at
least 100,000 people".

Scopes (:data:`SCOPES`), read from the figure's own clause (within 20 tokens), first rule that applies:

- ``subset``: part of another count: a linked subset ("100,000 of them children", "including 56
  children"), a part of the dead ("122 of the dead were in Ludian", "Among the reported deaths, 504
  were in ..."), an increment ("another 179", "Forty more people died"), bodies recovered ("recovered
  three bodies", "Three bodies were found": those found so far, not the death toll), a correction ("four
  fatalities were subtracted", "two deaths were counted twice");
- ``current``: a state at the time of the report, not a toll (measures ``remaining``, ``trapped``,
  ``employed``...: "29 doctors remain", "250,000 people trapped");
- ``conflict-wide``: a war's toll ("the five-year war that has killed", "killed since the war began");
- ``cumulative``: a toll over a period ("in the past eight days", "six days of strikes", "since
  Monday") or of a campaign of blows ("the week-old assault has killed", "air strikes have killed");
- ``incident``: the toll of one blow named in the clause ("a strike", "the shelling", "an aid convoy",
  "the earthquake", "the ferry");
- ``None`` (unstated): none of these; the comparison lets such a figure join the group it fits.

The word that decided (``cue``) is kept so that a report can say why ("incident: convoy").
"""

from __future__ import annotations

from dataclasses import dataclass

from dedupe.figures.measures import verb_forms
from dedupe.figures.numbers import NumberPhrase
from dedupe.figures.tokens import Token

SCOPES = ("incident", "cumulative", "conflict-wide", "subset", "current")
#: Measures that describe a state at the time of the report, never a toll.
STATE_MEASURES = frozenset({"remaining", "trapped", "employed", "unemployed", "on strike"})
_WARS = frozenset({"war", "conflict", "uprising", "insurgency", "revolution", "civil-war"})
_CAMPAIGNS = frozenset({"offensive", "campaign", "assault", "onslaught", "bombardment", "siege", "crackdown",
                        "fighting", "clashes", "violence", "unrest", "strikes", "airstrikes", "attacks", "raids",
                        "bombings", "shellings", "operations", "hostilities"})
_INCIDENTS = {
    "strike": "strike", "airstrike": "strike", "attack": "attack", "bombing": "bombing", "bomb": "bombing",
    "blast": "blast", "explosion": "blast", "shelling": "shelling", "raid": "raid", "massacre": "massacre",
    "ambush": "ambush", "convoy": "convoy", "earthquake": "earthquake", "quake": "earthquake",
    "tremor": "earthquake", "temblor": "earthquake", "ferry": "sinking", "boat": "sinking", "vessel": "sinking",
    "sinking": "sinking", "crash": "crash", "fire": "fire", "landslide": "landslide", "mudslide": "landslide",
    "storm": "storm", "typhoon": "storm", "cyclone": "storm", "hurricane": "storm", "tsunami": "tsunami",
    "flood": "flood", "flooding": "flood", "eruption": "eruption", "stampede": "stampede", "collapse": "collapse",
    "accident": "accident", "disaster": "disaster", "shooting": "shooting",
}
#: Nouns that name one blow or a war: "the 2013 Bohol earthquake" names an event by its year.
INCIDENT_WORDS = frozenset(_INCIDENTS)
WAR_WORDS = _WARS
_CUMULATIVE_PERIODS = frozenset({"last_n", "last_one", "n_of", "since_weekday", "since_date", "between",
                                 "this_unit"})
_DEAD = frozenset({"dead", "deaths", "victims", "fatalities", "casualties", "injured", "wounded", "missing",
                   "killed", "bodies", "toll"})
_WINDOW = 20
#: Verbs of finding the dead: "recovered three bodies" counts the bodies found so far, a part of the toll.
RECOVERY_VERBS = frozenset(verb_forms("recover", "retrieve", "find", "pull", "exhume", "dig", "fish", "wash"))
_BODY_NOUNS = frozenset({"bodies", "body", "corpses", "remains"})
#: Words of a correction to a toll: "four fatalities were subtracted", "two deaths were counted twice".
_CORRECTIONS = frozenset({"subtracted", "deducted", "double-counted", "miscounted", "duplicated"})
_AUXILIARIES = frozenset({"were", "was", "had", "have", "has", "been", "be", "later", "also"})


@dataclass(frozen=True)
class Scope:
    """The scope of one figure and the words that decided it.

    Attributes:
        scope: One of :data:`SCOPES`, or ``None`` when the clause does not say.
        cue: The deciding words as written ("convoy", "in the past eight days", "war"), or ``None``.
    """

    scope: str | None
    cue: str | None


def find_scope(tokens: list[Token], clauses: list[int], phrase: NumberPhrase, measure: str | None,
               linked_subset: bool, period_kind: str | None) -> Scope:
    """The scope of the figure ``phrase`` (see the module docstring for the rules).

    Args:
        tokens: The sentence's tokens.
        clauses: Clause number of each token (a figure's cues must be in its clause).
        phrase: The figure's number phrase.
        measure: Its measure, ``None`` when none.
        linked_subset: True when the figure is a linked subset of another ("of them", "including").
        period_kind: Kind of the figure's period (:func:`dedupe.figures.periods.find_periods`), if any.

    Returns:
        The scope and its cue.
    """
    subset = _subset_cue(tokens, phrase)
    if linked_subset or subset is not None:
        return Scope("subset", subset)
    if measure in STATE_MEASURES:
        return Scope("current", None)
    window = _clause_window(tokens, clauses, phrase)
    war = _war_cue(tokens, window, phrase)
    if war is not None:
        return Scope("conflict-wide", war)
    if period_kind in _CUMULATIVE_PERIODS:
        return Scope("cumulative", None)
    return _nearest_blow(tokens, window, phrase)


def _clause_window(tokens: list[Token], clauses: list[int], phrase: NumberPhrase) -> list[int]:
    """Token indexes of the figure's clause within :data:`_WINDOW` tokens of it, the phrase excluded."""
    clause = clauses[phrase.first]
    before = range(max(0, phrase.first - _WINDOW), phrase.first)
    after = range(phrase.last + 1, min(len(tokens), phrase.last + 1 + _WINDOW))
    return [k for k in (*before, *after) if clauses[k] == clause]


def _subset_cue(tokens: list[Token], phrase: NumberPhrase) -> str | None:
    words = [t.lower for t in tokens]
    before = words[max(0, phrase.first - 1):phrase.first]
    if before == ["another"] or (phrase.last + 1 < len(words) and words[phrase.last + 1] == "more"
                                 and phrase.last + 2 < len(words) and words[phrase.last + 2] != "than"):
        return "increment"
    after = words[phrase.last + 1:phrase.last + 4]
    if after[:1] == ["of"] and (after[1:2] == ["them"] or (after[1:2] == ["the"] and after[2:3] and after[2] in _DEAD)):
        return " ".join(t.text for t in tokens[phrase.last + 1:phrase.last + 4])
    recovered = _recovery_cue(words, phrase)
    if recovered is not None:
        return recovered
    if _corrected(words, phrase.last + 2):
        return "correction"     # a change to the toll, not a toll
    head = words[:phrase.first]
    framed = head[:1] in (["among"], ["of"]) and "," in head
    if framed or words[:3] in (["among", "the", "victims"], ["among", "the", "dead"]):
        # numbers before the frame's comma ("Among the 175 dead, ...") are the whole, not parts of it;
        # after it each is a part ("Among the reported deaths, 504 were in ... and 72 in ...")
        frame = head.index(",") if "," in head else phrase.first
        if not any(t.kind == "num" for t in tokens[:frame]):
            return "among"
    return None


def _recovery_cue(words: list[str], phrase: NumberPhrase) -> str | None:
    """ "recovered three bodies", "Three bodies were found", "recovered the bodies of three victims": the
    recovery verb within four words before the phrase (or its "bodies of"), or after its counted noun."""
    following = range(phrase.last + 1, min(phrase.last + 4, len(words)))
    noun = next((k for k in following if words[k] in _BODY_NOUNS), None)
    if noun is None and phrase.first >= 2 and words[phrase.first - 1] == "of" \
            and words[phrase.first - 2] in _BODY_NOUNS:
        noun = phrase.first - 2     # "the bodies of three victims"
    if noun is None:
        return None
    start, end = min(noun, phrase.first), max(noun, phrase.last + 1)
    before = [w for w in words[max(0, start - 4):start] if w in RECOVERY_VERBS]
    after = [w for w in words[end + 1:end + 5] if w in RECOVERY_VERBS]
    found = before[-1:] or after[:1]
    return found[0] if found else None


def _corrected(words: list[str], j: int) -> bool:
    """Whether the figure's predicate, from ``j`` (after its noun), corrects a toll: "four fatalities *were
    subtracted*", "two deaths *had been counted twice*"."""
    while j < len(words) and words[j] in _AUXILIARIES:
        j += 1
    return j < len(words) and (words[j] in _CORRECTIONS or words[j:j + 2] == ["counted", "twice"])


def _war_cue(tokens: list[Token], window: list[int], phrase: NumberPhrase) -> str | None:
    """ "the five-year war that has killed", "killed ... since the war began", "in the conflict"."""
    for k in window:
        lower = tokens[k].lower
        if lower not in _WARS and not lower.endswith("-war"):
            continue
        if k < phrase.first:
            between = {t.lower for t in tokens[k + 1:phrase.first]}
            if between & {"that", "which", "has", "have", "had"}:
                return tokens[k].text
        elif ({t.lower for t in tokens[max(phrase.last + 1, k - 3):k]} & {"since", "during", "in", "of"}
              and not {t.lower for t in tokens[k + 1:k + 4]} & {"that", "which"}):
            return tokens[k].text  # "killed ... in the war", not "in a civil war that has killed <another>"
    return None


def _nearest_blow(tokens: list[Token], window: list[int], phrase: NumberPhrase) -> Scope:
    """The incident or campaign noun nearest to the figure in its clause."""
    def distance(k: int) -> int:
        return phrase.first - k if k < phrase.first else k - phrase.last
    for k in sorted(window, key=distance):
        lower = tokens[k].lower
        if lower in _CAMPAIGNS:
            return Scope("cumulative", tokens[k].text)
        if lower in _INCIDENTS:
            return Scope("incident", _INCIDENTS[lower])
    return Scope(None, None)
