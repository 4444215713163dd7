"""What a figure measures: the lexicon that links a counted noun phrase to its verb, participle or noun.

A figure's *measure* is one of :data:`MEASURES`. The words that signal a measure are sorted by the
grammatical role they play towards the counted noun phrase, because the same word means different
things in different places ("13 factories *employing* 5,000 people": the factories are not employed):

- ``PATIENT``: words that describe the counted things when they follow them, after an optional
  auxiliary chain ("21 people *killed*", "scores of people were reportedly *wounded*", "14 doctors
  *left*", "250,000 people are currently living *under siege*", "6,000 workers began a *sit-in*").
- ``AGENT``: verbs whose object is the counted phrase ("*killed* 500 civilians", "*lay off* 850 hourly
  workers", "*employs* 400 people").
- ``NOMINAL``: nouns that govern the phrase through "of"/"by" ("the *killing of* hundreds of
  civilians", "a *strike by* 55,000 employees").
- ``HEAD_NOUNS``: the counted noun is itself the measure ("nine *deaths*", "3,000 *casualties*").
- ``PREMODIFIERS``: adjectives inside the phrase ("1,000 *unemployed* miners", "500 *new* jobs").
- ``TOTAL_NOUNS``: a total stated through a copula ("*unemployment* totalled 690,600 people").

Some triggers only count with certain head nouns (``cut`` means lay-offs for jobs and staff, not for
"850,000 people from the tax rolls"); those carry a head set.
"""

from __future__ import annotations

from dataclasses import dataclass

from dedupe.lexicon import PEOPLE_NOUNS, plural_noun

MEASURES = ("killed", "injured", "casualties", "missing", "trapped", "in need of care", "fled", "evacuated",
            "arrested", "remaining", "employed", "laid off", "hired", "on strike", "unemployed", "rescued", "aboard",
            "other")
#: Measures that count people whatever noun is missing ("2,000 in need of care" counts people).
HUMAN_MEASURES = frozenset({"killed", "injured", "casualties", "missing", "trapped", "in need of care", "fled",
                            "evacuated", "arrested", "laid off", "on strike", "unemployed", "employed", "rescued",
                            "aboard"})

JOBS = frozenset({"jobs", "job", "positions", "posts", "places"})
STAFF = frozenset({"employees", "employes", "workers", "staff", "personnel", "workforce", "staffers"})
WORKERS = STAFF | JOBS | frozenset({"miners", "mineworkers", "drivers", "managers", "pilots", "attendants",
                                    "nurses", "teachers", "engineers", "clerks", "dockers", "crew", "hands",
                                    "labourers", "laborers", "people", "salesmen", "executives", "members"})

#: People a vessel carries or a rescue saves: heads for the verbs that take things as well as people
#: ("saved 30 jobs", "carrying 450 tonnes of fuel" count neither the rescued nor those aboard).
TRAVELLERS = PEOPLE_NOUNS | STAFF | frozenset({
    "passengers", "crew", "crewmen", "sailors", "fishermen", "children", "women", "students", "pupils", "tourists",
    "migrants", "refugees", "pilgrims", "soldiers", "troops", "miners", "climbers", "villagers", "survivors",
    "seamen", "travellers", "travelers", "occupants", "adults", "boys", "girls", "workers", "infants", "babies",
    "hikers", "divers", "swimmers", "hostages", "patients"})

#: Nouns that "have" a workforce in "X with N employees".
OWNERS = frozenset({"company", "companies", "firm", "firms", "operation", "operations", "business", "businesses",
                    "plant", "plants", "factory", "factories", "unit", "units", "subsidiary", "division", "group",
                    "bank", "banks", "office", "offices", "employer", "employers", "enterprise", "enterprises",
                    "concern", "mill", "mine", "mines", "store", "stores", "chain", "agency", "organisation",
                    "organization", "corporation", "airline", "carrier", "hospital", "hospitals"})


@dataclass(frozen=True)
class Trigger:
    """A word sequence that signals a measure, optionally only for some head nouns."""

    words: tuple[str, ...]
    measure: str
    heads: frozenset[str] | None = None


#: Irregular verb forms (base -> third person, past, past participle, gerund).
IRREGULAR = {
    "lay": ("lays", "laid", "laid", "laying"), "cut": ("cuts", "cut", "cut", "cutting"),
    "shed": ("sheds", "shed", "shed", "shedding"), "hurt": ("hurts", "hurt", "hurt", "hurting"),
    "lose": ("loses", "lost", "lost", "losing"), "cost": ("costs", "cost", "cost", "costing"),
    "rise": ("rises", "rose", "risen", "rising"), "stand": ("stands", "stood", "stood", "standing"),
    "hit": ("hits", "hit", "hit", "hitting"), "grow": ("grows", "grew", "grown", "growing"),
    "swell": ("swells", "swelled", "swollen", "swelling"), "put": ("puts", "put", "put", "putting"),
    "take": ("takes", "took", "taken", "taking"), "throw": ("throws", "threw", "thrown", "throwing"),
    "send": ("sends", "sent", "sent", "sending"), "leave": ("leaves", "left", "left", "leaving"),
    "give": ("gives", "gave", "given", "giving"), "find": ("finds", "found", "found", "finding"),
}
_VOWELS = frozenset("aeiou")


def inflect(verb: str) -> tuple[str, ...]:
    """Every form of a verb: base, third person, past, past participle, gerund.

    Regular verbs follow the spelling rules ("trap" -> "trapped", "evacuate" -> "evacuating", "employ"
    -> "employs"); irregular ones come from :data:`IRREGULAR`. A phrasal verb inflects its first word
    ("lay off" -> "laid off").

    Args:
        verb: The base form, lower case, words separated by spaces.

    Returns:
        The distinct forms, base first.

    Example:
        >>> inflect("reinstate")
        ('reinstate', 'reinstates', 'reinstated', 'reinstating')
    """
    head, _, rest = verb.partition(" ")
    forms = (head, *IRREGULAR[head]) if head in IRREGULAR else (head, *_regular(head))
    tail = f" {rest}" if rest else ""
    return tuple(dict.fromkeys(form + tail for form in forms))


def _regular(verb: str) -> tuple[str, str, str]:
    third = plural_noun(verb)  # the third person takes the plural's endings ("carries", "reaches", "saves")
    if verb.endswith("e"):
        return third, verb + "d", verb[:-1] + "ing"
    if verb.endswith("y") and verb[-2:-1] not in _VOWELS:
        return third, verb[:-1] + "ied", verb + "ing"
    stem = verb + verb[-1] if _doubles(verb) else verb
    return third, stem + "ed", stem + "ing"


def _doubles(verb: str) -> bool:
    """One-syllable consonant-vowel-consonant verbs double the last letter ("trap" -> "trapped")."""
    vowels = sum(1 for a, b in zip(" " + verb, verb) if b in _VOWELS and a not in _VOWELS)
    return (vowels == 1 and len(verb) >= 3 and verb[-1] not in _VOWELS | set("wxy")
            and verb[-2] in _VOWELS and verb[-3] not in _VOWELS)


def verb_forms(*lemmas: str) -> tuple[str, ...]:
    """All forms of several verbs, in order."""
    return tuple(form for lemma in lemmas for form in inflect(lemma))


def participles(*lemmas: str) -> tuple[str, ...]:
    """The past participles of several verbs ("reinstate" -> "reinstated")."""
    return tuple(_participle(lemma) for lemma in lemmas)


def _participle(lemma: str) -> str:
    head, _, rest = lemma.partition(" ")
    form = IRREGULAR[head][2] if head in IRREGULAR else _regular(head)[1]
    return form + (f" {rest}" if rest else "")


def _triggers(table: dict[str, tuple[str, ...]], heads: dict[str, frozenset[str]] | None = None) -> tuple[Trigger, ...]:
    """Build triggers from ``{measure: phrases}``; phrases are space-separated words, longest first."""
    found = [Trigger(tuple(phrase.split()), measure, (heads or {}).get(phrase))
             for measure, phrases in table.items() for phrase in phrases]
    return tuple(sorted(found, key=lambda t: -len(t.words)))


#: Verbs by measure, as lemmas: every inflection counts ("reinstate", "reinstates", "reinstated", ...).
#: Patient participles are built from the same lists ("15,000 jobs would be *generated*").
_KILL = ("kill",)
_INJURE = ("injure", "wound", "hurt")
_TRAP = ("trap",)
_EVACUATE = ("evacuate",)
_ARREST = ("arrest", "detain", "jail", "imprison")
_EMPLOY = ("employ",)
_FIRE = ("sack", "fire", "dismiss", "idle")
_CUT = ("cut", "eliminate", "shed", "slash", "trim", "axe", "cost", "lose")
_HIRE = ("hire", "rehire", "recruit", "reinstate")     # "hired" alone takes any head
_CREATE = ("create", "restore", "generate")
_ADD = ("add",)
_RECALL = ("recall",)
#: "rescue" and "save" take banks, jobs and money as well ("would save 5,000 jobs"): as verbs before the
#: counted phrase, people heads only; after it ("172 were rescued") any ("save" still people only).
_RESCUE = ("rescue",)
_SAVE = ("save",)
#: Heads that a verb of each class accepts (``None``: any).
_HIRE_HEADS = STAFF | JOBS | WORKERS


def _heads(lemmas: tuple[str, ...], heads: frozenset[str], participle_only: bool = False) -> dict[str, frozenset[str]]:
    forms = participles(*lemmas) if participle_only else verb_forms(*lemmas)
    return {form: heads for form in forms}


PATIENT = _triggers({
    "casualties": ("killed or wounded", "killed or injured", "dead or injured", "dead or wounded",
                   "killed and wounded", "killed and injured"),
    "killed": ("killed", "dead", "died", "die", "dies", "dying", "perished", "lost their lives", "slain",
               "to death", "drowned", "murdered", "executed", "massacred", "deaths"),
    "injured": ("injured", "wounded", "hurt", "injuries", "injury", "hospitalised", "hospitalized", "to hospital",
                "treated for"),
    "missing": ("missing", "unaccounted for", "disappeared"),
    "trapped": ("trapped", "besieged", "under siege", "encircled"),
    "in need of care": ("in need of", "in urgent need of", "needing treatment", "need treatment"),
    "fled": ("fled", "fleeing", "flee", "flees", "displaced"),
    "evacuated": ("evacuated",),
    "arrested": (*participles(*_ARREST), "captured", "taken into custody"),
    "remaining": ("left", "remaining", "remain", "working", "function", "functioning", "still work", "operational"),
    "employed": ("employed", *(f"{verb} {preposition}" for verb in ("work", "works", "worked", "working")
                             for preposition in ("for", "at", "in"))),
    "laid off": ("laid off", "lose their jobs", "losing their jobs", "lost their jobs", "lost", "cut", "eliminated",
                 "layoff", "layoffs", "made redundant", "dismissed", "sacked", "terminated", "axed", "idled",
                 "shed", "slashed"),
    "hired": (*participles(*_HIRE, *_CREATE, *_ADD, *_RECALL),),
    "on strike": ("on strike", "striking", "strike", "strikes", "walked out", "walked off", "stayed away",
                  "remained out", "stayed out", "sit-in", "stoppage", "walkout", "walk out", "walk off",
                  "walking out", "struck"),
    "unemployed": ("unemployed", "jobless", "out of work"),
    "rescued": (*participles(*_RESCUE, *_SAVE), "pulled alive", "pulled out alive", "found alive",
                "brought out alive", "dug out alive", "survived"),
    "aboard": ("aboard", "on board"),
}, {**_heads(_SAVE, TRAVELLERS, participle_only=True), "survived": TRAVELLERS,
    "lost": JOBS, "cut": JOBS | STAFF, "eliminated": JOBS | STAFF, "axed": JOBS | STAFF, "shed": JOBS | STAFF,
    "slashed": JOBS | STAFF, "idled": WORKERS, "struck": WORKERS,
    **{f"{verb} {preposition}": WORKERS for verb in ("work", "works", "worked", "working")
       for preposition in ("for", "at", "in")},
    **_heads(_HIRE[1:] + _RECALL, WORKERS, participle_only=True), **_heads(_CREATE, JOBS, participle_only=True),
    **_heads(_ADD, JOBS | STAFF, participle_only=True)})

AGENT = _triggers({
    "casualties": ("killed or wounded", "killed or injured", "killing or wounding", "killing or injuring"),
    "killed": verb_forms(*_KILL),
    "injured": verb_forms(*_INJURE),
    "trapped": verb_forms(*_TRAP),
    "evacuated": verb_forms(*_EVACUATE),
    "arrested": verb_forms(*_ARREST),
    "fled": ("displaced", "displacing"),
    "rescued": verb_forms(*_RESCUE, *_SAVE),
    "aboard": ("carrying",),
    "employed": (*verb_forms(*_EMPLOY), "has", "have", "had", "having", "with"),
    "laid off": (*verb_forms("lay off", *_FIRE, *_CUT),),
    "hired": (*verb_forms(*_HIRE, *_RECALL, *_CREATE, *_ADD), "offer jobs to", "offered jobs to", "give jobs to",
              "find jobs for"),
}, {**{w: STAFF for w in ("has", "have", "had", "having", "with")}, **_heads(_RESCUE + _SAVE, TRAVELLERS),
    "carrying": TRAVELLERS,
    **_heads(_FIRE, WORKERS), **_heads(_CUT, JOBS | STAFF), **_heads(_CREATE, JOBS),
    **_heads(_ADD, JOBS | STAFF), **_heads(_RECALL, WORKERS)})

NOMINAL = _triggers({
    "killed": ("killing of", "killings of", "deaths of", "death of", "murder of", "massacre of", "bodies of",
               "remains of"),
    "evacuated": ("evacuation of",),
    "rescued": ("rescue of", "rescues of"),
    "arrested": ("arrest of", "arrests of", "detention of"),
    "laid off": ("layoff of", "layoffs of", "dismissal of", "loss of", "cut of", "cuts of", "elimination of"),
    "hired": ("creation of", "hiring of", "rehiring of", "recruitment of", "reinstatement of", "addition of",
              "additions of", "recall of"),
    "on strike": ("strike by", "strikes by", "walkout by", "walkouts by", "stoppage by", "stoppages by",
                  "strike of"),
}, {"loss of": JOBS | STAFF, "cut of": JOBS | STAFF | WORKERS, "cuts of": JOBS | STAFF | WORKERS,
    **{phrase: _HIRE_HEADS for phrase in ("addition of", "additions of", "recall of")}})

#: Complements of "leave / put / throw / send N ...": "left 63 soldiers dead", "throwing hundreds of
#: employees out of work", "sent 17 to hospital".
COMPLEMENT = _triggers({
    "killed": ("dead",),
    "injured": ("injured", "wounded", "to hospital"),
    "in need of care": ("in need of", "in urgent need of"),
    "rescued": ("alive",),
    "laid off": ("jobless", "out of work", "without jobs", "on layoff", "on temporary layoff",
                 "on indefinite layoff"),
})
COMPLEMENT_VERBS = frozenset({"leave", "leaves", "left", "leaving", "put", "puts", "putting", "throw", "throws",
                              "threw", "throwing", "send", "sends", "sent", "sending", "take", "took", "taking",
                              *verb_forms("pull", "find")})

HEAD_NOUNS = {"deaths": "killed", "dead": "killed", "fatalities": "killed", "lives": "killed", "bodies": "killed",
              "body": "killed",  # "one body was recovered"
              "casualties": "casualties", "injuries": "injured", "injured": "injured", "wounded": "injured",
              "missing": "missing", "refugees": "fled", "evacuees": "evacuated", "layoffs": "laid off",
              "redundancies": "laid off", "strikers": "on strike", "detainees": "arrested", "arrests": "arrested",
              "unemployed": "unemployed", "jobless": "unemployed", "survivors": "rescued"}
#: Head nouns that stand for people when the measure is their own ("nine deaths" counts people).
HEAD_NOUN_PEOPLE = frozenset({"deaths", "dead", "fatalities", "lives", "bodies", "body", "casualties", "injuries",
                              "injured", "wounded", "missing", "layoffs", "redundancies", "unemployed", "jobless"})
#: "job cuts", "job losses".
JOB_LOSS_HEADS = frozenset({"cuts", "losses"})

PREMODIFIERS = {"unemployed": "unemployed", "jobless": "unemployed", "striking": "on strike",
                "injured": "injured", "wounded": "injured", "dead": "killed", "displaced": "fled",
                "missing": "missing", "trapped": "trapped", "besieged": "trapped", "laid-off": "laid off",
                "new": "hired", "sacked": "laid off", "remaining": "remaining", "rescued": "rescued"}
PREMODIFIER_HEADS = {"new": JOBS | STAFF}

TOTAL_NOUNS = {"unemployment": "unemployed", "jobless": "unemployed", "unemployed": "unemployed",
               "losses": "laid off", "layoff": "laid off", "layoffs": "laid off", "redundancies": "laid off",
               "toll": "killed", "deaths": "killed", "dead": "killed", "fatalities": "killed",
               "casualties": "casualties", "injured": "injured", "injuries": "injured", "workforce": "employed",
               "payroll": "employed", "employment": "employed"}
TOTAL_LINKS = frozenset({"amount to", "amounted to", "amounts to", "totalled", "totaled", "totals", "total",
                         "reached", "reaches", "rose to", "risen to", "climbed to", "stood at", "stands at",
                         "remains at", "remained at", "is", "was", "were", "are"})
#: Verbs that state a total or its change ("the death toll *rises to* 46", "deaths *topped* 8,000"),
#: every inflection; "to"/"at" may follow.
LINK_VERBS = frozenset(verb_forms("rise", "climb", "jump", "increase", "reach", "top", "total", "stand", "hit",
                                  "exceed", "surpass", "grow", "soar", "mount", "swell", "remain", "amount")
                       ) | {"totalled", "totalling"}
NEAR_LINKS = frozenset({"to", "of", "at"})
#: Verbs that link a total to its new level only through "to" ("the toll was revised down to 68", "fell to
#: 68"): without it they state a change, not a level ("employment fell 430,000").
REVISION_VERBS = frozenset(verb_forms("revise", "fall", "drop", "decrease", "update", "lower"))
#: Heads for which "a total (of) N" states a workforce ("a total of 360 jobs", "a total 18,000 jobs").
TOTAL_OF_HEADS = JOBS | STAFF
CUT_VERBS = frozenset({"cut", "cuts", "trim", "trimmed", "reduce", "reduced", "reducing", "slashed", "slash",
                       "cutting", "trimming"})

#: Participles of a reduced relative that report a predicate ("the 26 people *reported* killed").
REPORTING_PARTICIPLES = frozenset({"reported", "confirmed", "feared", "believed", "known"})
#: Verbs that name a phrase by a noun before them ("Among the victims *were* nine adults").
COPULAS = frozenset({"were", "was", "are", "is", "included", "include", "includes"})
#: Nouns that name casualties through a copula: the head nouns, and "victims" ("Among the victims were").
COPULA_NOUNS = {**HEAD_NOUNS, "victims": "killed"}
#: Places that have a population ("a coastal city of 90,000": 90,000 people live there).
SETTLEMENTS = frozenset({"city", "town", "village", "country", "nation", "province", "region", "island",
                         "municipality", "community", "state", "district", "county", "capital", "metropolis"})

#: Measures that say where the counted people are, not what happened to them: a phrase takes one only
#: when no other measure reads it ("killing all 150 people on board" counts the dead, "12 people on board
#: the ferry were killed" too; "193 people on board" counts those aboard).
PLACE_MEASURES = frozenset({"aboard"})

#: Measures that describe a standing state, not an event: a relative clause that states them modifies
#: the noun ("100 employees ... who currently work at three offices") rather than reporting a count.
STATE_MEASURES = frozenset({"employed"})

#: Words that may stand between a counted phrase and its predicate: auxiliaries, adverbs, relatives.
AUXILIARIES = frozenset({
    "who", "which", "that", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "will",
    "would", "could", "can", "may", "might", "must", "shall", "should", "not", "reportedly", "allegedly", "also",
    "still", "now", "already", "currently", "all", "only", "just", "temporarily", "permanently", "seriously",
    "slightly", "critically", "badly", "fatally", "later", "subsequently", "eventually", "mostly", "mainly",
    "apparently", "believed", "feared", "thought", "said", "expected", "likely", "to", "confirmed", "either",
    "both", "each", "every", "day", "daily", "so", "far", "since", "then", "officially", "immediately",
    "reported",
})


def match_at(words: list[str], i: int, triggers: tuple[Trigger, ...], head: str | None) -> Trigger | None:
    """The longest trigger whose words start at ``words[i]`` and whose head set admits ``head``.

    Args:
        words: Lower-cased tokens of a sentence.
        i: Where to look.
        triggers: One of the trigger tables.
        head: The counted noun (lower case), or ``None`` when the phrase has none.

    Returns:
        The trigger, or ``None``.
    """
    if i >= len(words):
        return None
    for trigger in _indexed(triggers)[0].get(words[i], ()):
        n = len(trigger.words)
        if tuple(words[i:i + n]) == trigger.words and (trigger.heads is None or head in trigger.heads):
            return trigger
    return None


def match_ending_at(words: list[str], end: int, triggers: tuple[Trigger, ...], head: str | None) -> Trigger | None:
    """The longest trigger whose last word is ``words[end - 1]`` (for verbs before a phrase)."""
    if not 0 < end <= len(words):
        return None
    for trigger in _indexed(triggers)[1].get(words[end - 1], ()):
        n = len(trigger.words)
        start = end - n
        if start >= 0 and tuple(words[start:end]) == trigger.words and (trigger.heads is None or head in trigger.heads):
            return trigger
    return None


_Index = dict[str, list[Trigger]]
_INDEXES: dict[int, tuple[tuple[Trigger, ...], _Index, _Index]] = {}


def _indexed(triggers: tuple[Trigger, ...]) -> tuple[_Index, _Index]:
    """A trigger table by first word and by last word, each list in table order (so the first match
    found is the one a scan of the whole table finds); made once per table."""
    entry = _INDEXES.get(id(triggers))
    if entry is None or entry[0] is not triggers:
        first: _Index = {}
        last: _Index = {}
        for trigger in triggers:
            first.setdefault(trigger.words[0], []).append(trigger)
            last.setdefault(trigger.words[-1], []).append(trigger)
        entry = _INDEXES[id(triggers)] = (triggers, first, last)
    return entry[1], entry[2]
