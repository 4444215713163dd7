"""The shared word lists: months, weekdays, number words, people nouns, function words, speech verbs,
place prepositions and subject pronouns.

Below every stage (imports nothing from the package), so that corpus dates, figure periods, entity
filtering, number parsing and claim comparison read one table each instead of their own drifting copies.
All keys are lower case.

Example:
    >>> MONTHS["sept"], MONTHS["september"], WEEKDAYS["monday"]
    (9, 9, 0)
    >>> UNITS["nineteen"] + TENS["twenty"], SCALES["mln"]
    (39, 1000000)
"""

from __future__ import annotations

import calendar

#: Month name or abbreviation -> month number (1-12): "january", "jan", "sept" (a common wire form).
MONTHS: dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
MONTH_WORDS = frozenset(MONTHS)
#: Weekday name -> ``datetime.date.weekday()`` number (Monday is 0).
WEEKDAYS: dict[str, int] = {name.lower(): number for number, name in enumerate(calendar.day_name)}
WEEKDAY_WORDS = frozenset(WEEKDAYS)
#: Month and weekday names: capitalised, but never an actor, a place or a counted thing.
CALENDAR_WORDS = MONTH_WORDS | WEEKDAY_WORDS

#: Time-zone abbreviations with one fixed offset, in minutes east of UTC (and "Beijing time").
UTC_OFFSETS: dict[str, int] = {
    "utc": 0, "gmt": 0, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180, "est": -300, "edt": -240,
    "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "jst": 540, "kst": 540, "hkt": 480, "sgt": 480,
    "wib": 420, "wita": 480, "wit": 540, "pht": 480, "aest": 600, "aedt": 660, "bjt": 480, "beijing time": 480}
#: Zone names with no one offset: US zones named without the season ("ET"), and abbreviations that two zones share
#: ("CST": US Central or China; "IST": India, Ireland or Israel).
UNFIXED_ZONES = frozenset({"et", "pt", "ct", "mt", "cst", "ist"})
#: The one-word time-zone names a clock time may be followed by.
TIME_ZONES = frozenset(z for z in UTC_OFFSETS if " " not in z) | UNFIXED_ZONES

#: Days in a unit of time, as periods count them ("the past two weeks"; a month is taken as 30 days).
DAYS_PER_UNIT: dict[str, float] = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.0, "year": 365.0}

#: Number words below twenty.
UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
#: Multiples of ten from twenty.
TENS: dict[str, int] = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                        "eighty": 80, "ninety": 90}
#: Scale words, with the wire abbreviations ("2.66 mln", "$4 bn").
SCALES: dict[str, int] = {
    "hundred": 100, "thousand": 1000, "thousands": 1000, "million": 10**6, "mln": 10**6, "mn": 10**6,
    "billion": 10**9, "bln": 10**9, "bn": 10**9, "trillion": 10**12}

#: Nouns that count people in general: figures of these nouns compare as one class ("people").
PEOPLE_NOUNS = frozenset({"people", "persons", "person", "civilians", "residents", "inhabitants", "individuals",
                          "victims", "others", "men"})

#: English function words (articles, pronouns, prepositions, auxiliaries, "say"): claim comparison drops
#: them from content-word features, entity finding from sentence-initial capitals. Changing this list
#: changes the features the divergence model was fitted on.
FUNCTION_WORDS: frozenset[str] = frozenset(
    "a an the and or but of in on at to for from by with as is are was were be been being it its this "
    "that these those he she they we you i his her their our your him them us me there here what which "
    "who whom whose when where why how not no than then so if into over under about after before up down "
    "out off again further once all any both each few more most other some such only own same too very "
    "can will just should now has have had do does did say says said would could may might must shall "
    "also".split())

#: Verbs that attribute a statement to a speaker ("officials said", "he told reporters", "she warned"), in
#: the forms both attribution readers use: figure context (:mod:`dedupe.figures.context`) and claim splitting
#: (:mod:`dedupe.compare.claims`). Each adds the forms only it needs, with its reason, where it reads them.
SPEECH_VERBS = frozenset({"said", "says", "told", "added", "warned", "claimed", "stated", "insisted", "explained",
                          "wrote"})

#: Prepositions after which a name is where something happened ("in Aleppo", "near the border",
#: "throughout the province"). Figure context reads places after them; the noun-phrase and claim
#: readers derive their own sets from this one, with the reason beside each.
PLACE_PREPOSITIONS = frozenset({"in", "near", "across", "around", "outside", "inside", "from", "throughout", "on",
                                "at", "of", "into"})

#: Pronouns that stand as the subject of a statement ("he said", "they told"): a speaker that is one of
#: them names nobody. Figure context and claim splitting each add the one or two words only they need.
SUBJECT_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "this", "that"})

#: Names that stand for one actor (a capital or seat for its government, an abbreviation for the country),
#: lower case with dots removed -> the actor's key: "Washington" and "US" are not an actor conflict.
ACTOR_ALIASES: dict[str, str] = {
    "washington": "united states", "us": "united states", "usa": "united states", "america": "united states",
    "united states": "united states", "the united states": "united states", "white house": "united states",
    "moscow": "russia", "kremlin": "russia", "the kremlin": "russia", "russia": "russia",
    "beijing": "china", "china": "china", "london": "britain", "uk": "britain", "britain": "britain",
    "united kingdom": "britain", "paris": "france", "france": "france", "damascus": "syria", "syria": "syria",
    "tokyo": "japan", "japan": "japan", "jakarta": "indonesia", "indonesia": "indonesia",
    "manila": "philippines", "philippines": "philippines", "the philippines": "philippines"}


def actor_key(name: str) -> str:
    """The actor a name stands for, per :data:`ACTOR_ALIASES` (else the name itself), lower case.

    Example:
        >>> actor_key("Washington") == actor_key("U.S.")
        True
    """
    plain = " ".join(name.replace(".", "").lower().split())
    return ACTOR_ALIASES.get(plain, plain)


def plural_noun(noun: str) -> str:
    """The regular plural of a singular noun: ``-y`` after a consonant -> ``-ies``, a sibilant + ``es``, else + ``s``.

    Example:
        >>> plural_noun("story"), plural_noun("church"), plural_noun("bus"), plural_noun("home")
        ('stories', 'churches', 'buses', 'homes')
    """
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "sh", "ch", "x", "z")) else "s")
