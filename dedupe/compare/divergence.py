"""Why two outlets' versions of one claim conflict: numbers, negation, actor, place, time, quotes, hedging.

Each check compares two claims of one group and returns the conflicting words of each member, so a
reader can verify them in the text (:func:`dedupe.compare.groups.compare_corpus` turns them into a
:class:`Reason` with each member's document, outlet and character offsets):

- ``number``: the same thing counted differently ("29 doctors" / "as few as 14 doctors": number
  phrases of :mod:`dedupe.figures.numbers` followed by the same noun whose intervals have no value in
  common, so "nine" equals "9", "at least 400" admits 500, and "about 500" admits 480). Counts of
  people ("400 people were killed") are left to :mod:`dedupe.compare.counts`, which reads them through
  the figures stage with their measure, place and date, so that a rising toll is an update, not a
  conflict;
- ``negation``: one version negates what the other asserts (negation cues differ, a content word next to
  the cue is in the other version, and the SICK-fitted divergence model scores the pair at least
  ``divergence_threshold``);
- ``actor`` and ``place``: the same sentence frame with a different name (token alignment replaces one
  name by another; spelling variants are one name through the entity table, a seat of government is
  its country through :func:`dedupe.lexicon.actor_key`, and a name that contains the other, "Ludian" /
  "Ludian County", is the same one); a name after a place preposition ("in", "from", "near") is a place;
  a journey whose ends are swapped is a ``place`` conflict too ("carrying passengers from Samosir Island" /
  "sailed from the mainland to an island": :func:`route_conflict`);
- ``time``: a different clock time for the same statement ("9:50 pm" / "9:59 pm"; "about" allows a
  quarter of an hour; times in different zones are not compared), or a weekday replaced by another
  in the same frame ("struck on Sunday" / "struck on Monday");
- ``quote``: the same quotation attributed to different people;
- ``attribution``: one outlet flags as unverified what another states as fact ("reportedly",
  "allegedly", "it is thought"). Naming a source ("according to Xinhua", "activists say") while
  another outlet leaves it out is not a conflict: the source does not change the claim.

Example:
    >>> number_conflict("The raids left 29 doctors in the city.", "The raids left 14 doctors in the city.")
    (('29 doctors',), ('14 doctors',))
    >>> time_conflict("The quake struck at 9:50 pm.", "The quake struck at 9:59 p.m.")
    (('9:50 pm',), ('9:59 p.m.',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from dedupe.compare.entities import EntityTable
from dedupe.compare.features import NEGATION, content_words, words
from dedupe.figures.extract import UNIT_WORDS
from dedupe.figures.measures import SETTLEMENTS
from dedupe.figures.numbers import find_number_phrases, interval, overlap
from dedupe.figures.parameters import clock_times, comparable_times, same_time
from dedupe.figures.tokens import Token, tokenize
from dedupe.lexicon import (
    DAYS_PER_UNIT,
    FUNCTION_WORDS,
    MONTH_WORDS,
    PEOPLE_NOUNS,
    PLACE_PREPOSITIONS,
    WEEKDAY_WORDS,
    actor_key,
)

_QUOTE = re.compile(r"\"([^\"]+)\"|\u201c([^\u201d]+)\u201d|(?<!\w)'([^']+)'(?!\w)|\u2018([^\u2019]+)\u2019(?!\w)")
# Cues that flag a claim as unverified (a named source alone does not: "according to X", "activists say").
_HEDGE = re.compile(
    r"\b(?:reportedly|allegedly|alleged|purportedly|supposedly|unconfirmed|unverified|"
    r"(?:is|are|was|were) (?:believed|thought|said|reported|understood|feared) to|"
    r"it (?:is|was) (?:believed|thought|understood|feared)|(?:could|cannot|can't|could not) be (?:independently )?"
    r"(?:verified|confirmed))\b",
    re.IGNORECASE)
# A name after one of these words is where something happened or went: a place, not an actor. Where it went
# counts too ("to", "towards"); "on" names no place often enough ("on Kerry's plan"), and "throughout" was
# never in this rule as written and measured.
_PLACE_WORDS = (PLACE_PREPOSITIONS - {"on", "throughout"}) | {"to", "off", "toward", "towards"}
_MIN_QUOTE_WORDS = 4
# The ends of a journey: "from" or "to" and the words after them up to punctuation.
_ROUTE_END = re.compile(r"\b(from|to)\s+(?=([\w'\u2019-]+(?:\s+[\w'\u2019-]+){0,5}))", re.IGNORECASE)
_ARTICLES = frozenset({"the", "a", "an"})
# Nouns that name where a journey starts or ends without a name ("from the mainland to an island").
_PLACE_NOUNS = SETTLEMENTS | {"mainland", "port", "harbour", "harbor", "pier", "jetty", "coast", "shore", "airport",
                              "station", "capital", "border"}
# A word before "from" that measures how far ("a mile from the port", "10 km from").
_DISTANCE_WORDS = frozenset({"mile", "miles", "km", "kilometre", "kilometres", "kilometer", "kilometers", "metre",
                             "metres", "meter", "meters", "away", "far", "yards", "feet"})
# Most words between "of" and the whole in "six of east Aleppo's 21 hospitals".
_OF_REACH = 3
_PEOPLE = frozenset(noun.rstrip("s") or noun for noun in PEOPLE_NOUNS) | {"passenger", "victim", "other"}
# Counts of people, keyed as _quantities keys them (plural "s" stripped): compared by dedupe.compare.counts.
_COUNTED_PEOPLE = _PEOPLE | {"dead", "killed", "died", "injured", "wounded", "hurt", "missing", "evacuated", "evacuee",
                             "displaced", "trapped", "arrested", "detained", "homele", "survivor", "casualtie", "death"}
# "six days" vs "eight days" are periods of a report, not counts that conflict.
_DURATIONS = frozenset(unit.rstrip("s") for unit in DAYS_PER_UNIT) | {"minute", "second", "decade", "time"}
# Units of measurement (money, percentages, barrels a day, miles, a Richter reading: the figures stage's
# UNIT_WORDS), keyed as _quantities keys nouns: an amount measured in them counts no thing.
_MEASUREMENTS = frozenset(unit.rstrip("s") or unit for unit in UNIT_WORDS)
# "unless" negates a condition ("unless Russia takes steps" = "if Russia did not take steps").
_CONDITIONAL_NEGATION = re.compile(r"\bunless\b", re.IGNORECASE)


@dataclass(frozen=True)
class MemberWords:
    """The words of one group member that take part in a conflict, where they stand in its document.

    Attributes:
        doc_id: Document id.
        outlet: The document's outlet.
        words: The conflicting words as written (empty: the member does not state the detail).
        spans: Start and end character offsets of each word in the document (``text[start:end]`` is the
            word), in the order of ``words``; empty when the words were not located.
        line: 1-based line of the member's claim.
    """

    doc_id: str
    outlet: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Reason:
    """One conflict inside a claim group.

    Attributes:
        type: ``number``, ``negation``, ``actor``, ``place``, ``time``, ``quote``, ``attribution`` or
            ``contradiction`` (NLI).
        detail: One line a reader can check.
        conflicting: The conflicting words of each member involved.
    """

    type: str
    detail: str
    conflicting: tuple[MemberWords, ...]


def number_conflict(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Quantities of the same noun with no value in common, as written in ``a`` and ``b``.

    People in general ("400 people", "passengers", "victims") are not compared here: their counts have a
    measure, a place and a date that :mod:`dedupe.compare.counts` reads through the figures stage.
    """
    qa, qb = _quantities(a), _quantities(b)
    for noun in sorted(set(qa) & set(qb) - _DURATIONS - _COUNTED_PEOPLE):
        if not any(overlap(x, y) or rounds(x, y) for x, _ in qa[noun] for y, _ in qb[noun]):
            return tuple(p for _, p in qa[noun]), tuple(p for _, p in qb[noun])
    return None


def rounds(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two exact figures of which one rounds the other ("1400" / "1,402": within 2%, one ends in two zeros).

    Example:
        >>> rounds((1400, 1400), (1402, 1402)), rounds((1400, 1400), (1891, 1891))
        (True, False)
    """
    if a[0] != a[1] or b[0] != b[1]:
        return False
    low, high = sorted((a[0], b[0]))
    return high >= 100 and high - low <= 0.02 * high and (low % 100 == 0 or high % 100 == 0)


def specific_counts(text: str) -> frozenset[str]:
    """The specific things a text counts ("29 doctors" -> "doctor"): not periods, not people in general, not
    amounts in a unit of measurement ("68 billion dlrs", "15.8 mln bpd", "6.9 on the Richter scale").

    Example:
        >>> sorted(specific_counts("As few as 14 doctors remain, with 68 billion dlrs owed and 1.2 mln bpd pumped."))
        ['doctor']
    """
    return frozenset(_quantities(text)) - _DURATIONS - _PEOPLE - _MEASUREMENTS


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
                and _framed(tokens_a, tokens_b, a0, a1, b0, b1) \
                and not _contains(names_a[left[0]], names_b[right[0]]):
            return (names_a[left[0]],), (names_b[right[0]],)
    return None


def is_place(text: str, name: str) -> bool:
    """Whether ``name`` (as written in ``text``) follows a place preposition ("in Aleppo", "from Samosir").

    Example:
        >>> is_place("The ferry sailed from Samosir.", "Samosir"), is_place("Kerry met Lavrov.", "Lavrov")
        (True, False)
    """
    at = text.find(name)
    before = words(text[:max(at, 0)])[-1:]
    return at >= 0 and bool(before) and before[0] in _PLACE_WORDS


def time_conflict(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Clock times, or weekdays in the same frame, that differ between two versions (as written).

    Clock times conflict when both versions state event times in the same zone (or none) and no time of
    one is within a minute of a time of the other (a quarter of an hour when one says "about" or gives the
    hour alone, "10 p.m."); a time without a.m./p.m. matches either half of the day. Times of a report
    ("as of 8 p.m.") are left out.
    """
    times_a, times_b = clock_times(a), clock_times(b)
    comparable = [(x, y) for x in times_a for y in times_b if comparable_times(x, y)]
    if comparable and not any(same_time(x, y) for x, y in comparable):
        return tuple(dict.fromkeys(x[3] for x, _ in comparable)), tuple(dict.fromkeys(y[3] for _, y in comparable))
    return _weekday_conflict(a, b)


def route_conflict(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A journey's ends swapped: where one version comes from is where the other goes to ("carrying passengers
    from the lake's Samosir Island" / "sailed from the mainland to an island"), as written.

    The ends are the phrases after "from" and "to" (up to the next function word or punctuation) that end in a
    name or a place noun (:data:`_PLACE_NOUNS`: "island", "mainland", "port"...); "a mile from the port" measures
    a distance and names no end. An end conflicts when one version has it at one end and the other at the
    other end only.

    Example:
        >>> route_conflict("The boat sailed from Samosir Island.", "It sailed from the mainland to an island.")
        (('from Samosir Island',), ('from the mainland', 'to an island'))
        >>> route_conflict("It sailed from Samosir to the mainland.", "It sailed to the mainland.") is None
        True
    """
    ends_a, ends_b = _route_ends(a), _route_ends(b)
    for head in sorted({h for _, h, _ in ends_a}):
        sides_a = {side for side, h, _ in ends_a if h == head}
        sides_b = {side for side, h, _ in ends_b if h == head}
        if len(sides_a) == len(sides_b) == 1 and sides_a != sides_b:
            side = next(iter(sides_a))
            return (tuple(p for s, h, p in ends_a if h == head and s == side),
                    tuple(p for _, _, p in ends_b))
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


def shared_quote(a: str, b: str, min_content_words: int = 2) -> str | None:
    """A quotation of one text (``min_content_words`` content words or more) whose words the other text quotes too:
    two outlets quoting the same words report the same statement. The same words unquoted in the other text are
    no evidence: a short quote is often a common phrase ("well below", "grave concern") that a sentence about
    something else uses in its own voice.

    Example:
        >>> shared_quote('Kerry voiced "grave concern" over the assault.', 'He expressed “grave concern”.')
        'grave concern'
        >>> shared_quote('OPEC output in February was "well below"', 'Stocks fell well below last year.') is None
        True
    """
    for quoting, other in ((a, b), (b, a)):
        said = [f" {quote} " for quote in _quotations(other)]
        for quote in _quotations(quoting):
            if len(content_words(quote)) >= min_content_words and any(f" {quote} " in s for s in said):
                return quote
    return None


def _quotations(text: str) -> list[str]:
    """The words of each quotation of a text, lower case, space-separated."""
    return [" ".join(words(next(g for g in match.groups() if g is not None))) for match in _QUOTE.finditer(text)]


def attribution_conflict(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Hedging cues when exactly one of the texts attributes or hedges the claim."""
    hedges_a = tuple(m.group(0) for m in _HEDGE.finditer(a))
    hedges_b = tuple(m.group(0) for m in _HEDGE.finditer(b))
    if bool(hedges_a) == bool(hedges_b):
        return None
    return hedges_a, hedges_b


def _route_ends(text: str) -> list[tuple[str, str, str]]:
    """(``from`` or ``to``, the end's head noun in lower case, the phrase as written) for each end of a journey."""
    ends = []
    for match in _ROUTE_END.finditer(text):
        before = words(text[:match.start()])[-1:]
        if before and before[0] in _DISTANCE_WORDS:
            continue  # "a mile from the port": how far, not where from
        phrase = []
        for word in match.group(2).split():
            if word.lower() in FUNCTION_WORDS and word.lower() not in _ARTICLES:
                break
            phrase.append(word)
        head = phrase[-1] if phrase else ""
        if head and (head[0].isupper() or head.lower() in _PLACE_NOUNS) and head.lower() not in _ARTICLES:
            written = text[match.start():match.start(2)] + " ".join(phrase)
            ends.append((match.group(1).lower(), head.lower(), written))
    return ends


def _quantities(text: str) -> dict[str, list[tuple[tuple[float, float], str]]]:
    """Noun -> [(interval, phrase through the noun, as written)] for number phrases that count a noun."""
    tokens = tokenize(text)
    found: dict[str, list[tuple[tuple[float, float], str]]] = {}
    previous_last = -2
    for phrase in find_number_phrases(tokens, text):
        whole = _whole_of_part(tokens, previous_last, phrase.first)
        previous_last = phrase.last
        noun = _counted_noun(tokens, phrase.last)
        if noun is None or whole:  # "six of 21 hospitals": 21 is the whole a part is taken of, not the count
            continue
        word = tokens[noun].lower
        written = text[tokens[phrase.first].start:tokens[noun].end]
        found.setdefault(word.rstrip("s") or word, []).append(
            (interval(phrase.low, phrase.high, phrase.qualifier), written))
    return found


def _whole_of_part(tokens: list[Token], part_last: int, first: int) -> bool:
    """Whether the number phrase starting at ``first`` is the whole of a part just before it: "six of 21",
    "six of east Aleppo's 21", "two of the 21" (up to ``_OF_REACH`` words between "of" and the number)."""
    for k in range(first - 1, max(first - 2 - _OF_REACH, part_last), -1):
        if tokens[k].lower == "of":
            return k - 1 == part_last
        if tokens[k].kind != "word":
            return False
    return False


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


def _contains(first: str, second: str) -> bool:
    """One name's words include the other's ("Ludian" / "Ludian County", "Xinhua" / "Xinhua News Agency")."""
    x, y = set(words(first)), set(words(second))
    return bool(x and y) and (x <= y or y <= x)


def _weekday_conflict(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A weekday replaced by another in the same sentence frame ("struck on Sunday" / "struck on Monday")."""
    tokens_a, tokens_b = words(a), words(b)
    for op in Levenshtein.opcodes(tokens_a, tokens_b):
        a0, a1, b0, b1 = op.src_start, op.src_end, op.dest_start, op.dest_end
        if op.tag == "replace" and a1 - a0 == b1 - b0 == 1 and tokens_a[a0] in WEEKDAY_WORDS \
                and tokens_b[b0] in WEEKDAY_WORDS and _framed(tokens_a, tokens_b, a0, a1, b0, b1):
            return (_as_written(a, tokens_a[a0]),), (_as_written(b, tokens_b[b0]),)
    return None


def _as_written(text: str, word: str) -> str:
    match = re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
    return match.group(0) if match else word


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
