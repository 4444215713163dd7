"""Where and on whose word a figure holds: place and attribution in its sentence (when: :mod:`~dedupe.figures.periods`).

All three are read from the figure's own sentence (a figure without them gets ``None``; nothing is
carried over from other sentences, so a value is always visible next to the number).

- **Place**: a capitalised name after a place preposition ("in neighboring Idlib Province", "near
  Aleppo", "in opposition areas of Aleppo" -> "Aleppo"), a possessive just before the figure
  ("east Aleppo's 21 hospitals" -> "east Aleppo"), or the name of a tally ("San Remigio with 22"). The nearest
  one in the figure's clause wins.
- **Period** (:mod:`~dedupe.figures.periods`): "in the past eight days", "yesterday", "since Monday"... The nearest
  one in the figure's clause wins, except expressions that date a speech act ("officials have said *this week*
  that ...": :func:`is_speech_dated`).
- **Attribution**: "activists say", ", the civil defence rescue service said", "according to X",
  "confirmed by X", "X: Title Case Headline"; a pronoun subject ("he said") is skipped for the next frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dedupe.figures.noun_phrases import PREPOSITIONS
from dedupe.figures.tokens import Token
from dedupe.lexicon import CALENDAR_WORDS, PLACE_PREPOSITIONS, SPEECH_VERBS, SUBJECT_PRONOUNS, TENS, UNITS

# A figure's source also speaks in the present ("activists say") and reports counts ("estimates", "confirmed").
_SPEECH = SPEECH_VERBS | {"say", "tells", "tell", "reported", "reports", "warns", "claims", "adds", "estimated",
                          "estimates", "announced", "announces", "confirmed"}
_CITING = frozenset({"citing", "quoting"})
# After an article, a possessive or a preposition a speech word is a noun or an adjective ("based on reports from
# relatives", "an estimated 150"), and the words before it are not its subject.
_NOT_BEFORE_A_VERB = PREPOSITIONS | {"a", "an", "the", "these", "those", "its", "his", "her", "their", "our"}
#: First words of an appositive or a relative clause between a subject and its verb ("X, the head of Y, said").
_APPOSITIVE_OPENERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "who", "which"})
# A relative pronoun ("..., which said") names nobody either.
_PRONOUNS = SUBJECT_PRONOUNS | {"which", "who"}
_SUBJECT_STOPS = frozenset({"which", "that", "who", "and", "but", "however", "while", "as", "because", "if",
                            "where", "when", "after", "before", "although"})
_AUX_TAIL = frozenset({"have", "has", "had", "been", "also", "later", "earlier", "previously", "would",
                       "will", "could", "may", "might", "not", "did", "does", "do", "officially"})
_BOUNDARY_PUNCT = frozenset(",;:()[]\u2014\u2013\"\u201c\u201d'\u2018\u2019")
_DIRECTIONS = frozenset({"east", "eastern", "west", "western", "north", "northern", "south", "southern",
                         "central", "northeast", "northeastern", "northwest", "northwestern", "southeast",
                         "southeastern", "southwest", "southwestern"})
_PLACE_DESCRIPTORS = _DIRECTIONS | {
    "the", "neighboring", "neighbouring", "rebel-held", "opposition-held", "government-held", "besieged", "city",
    "town", "village", "province", "areas", "area", "parts", "districts", "district", "region", "of", "capital",
    "port", "war-torn", "opposition", "rebel", "suburb", "suburbs", "outskirts", "territory", "state", "county"}
_DESCRIBING_SUFFIXES = ("-hit", "-affected", "-stricken", "-held", "-torn", "-ravaged")
#: Verbs whose object is the place a blow fell on ("jolted Yunnan", "hit Ludian county").
_STRIKE_VERBS = frozenset({"hit", "hits", "struck", "strikes", "jolted", "jolts", "rocked", "rocks", "rattled",
                           "shook", "devastated", "battered", "pounded", "bombed", "shelled"})
#: Words before a preposition that make its place the speaker's ("said at a press conference in Paris").
_SUPERLATIVES = frozenset({"most", "highest", "largest", "biggest"})
_SPEAKER_CUES = frozenset({"said", "says", "told", "tells", "speaking", "spoke", "announced", "conference",
                           "briefing", "reporters", "journalists", "lawmakers", "summit", "interview", "statement",
                           "visit", "visiting", "meeting", "talks"})
#: Words naming a body, not a place ("Office of Civil Defense", "Management Council").
_ORG_WORDS = frozenset({"ministry", "minister", "office", "bureau", "department", "council", "agency", "center",
                        "centre", "institute", "committee", "commission", "administration", "affairs", "defense",
                        "defence", "protection", "service", "survey", "network", "management", "authority",
                        "organization", "organisation", "corp", "corporation", "association", "secretary",
                        "headquarters", "cluster", "division", "command", "force", "forces", "university"})
_COUNTRY_ACRONYMS = frozenset({"usa", "uae", "drc", "car", "prc", "ussr"})
NOT_PLACES = frozenset({"isis", "un", "u.n.", "eu", "nato", "congress", "parliament", "commons", "security",
                        "council", "house", "senate", "red", "cross", "the", "a", "an", "mr", "mrs", "ms", "dr",
                        "president", "reuters", "state", "department", "ministry", "government"})


@dataclass(frozen=True)
class ContextSpan:
    """A place, period or attribution (spanning its speech verb; ``words``: its source's span) in a sentence.

    A period also keeps ``parts``, the groups of the pattern that found it (its count, unit, month...), so that
    resolving it needs no second match.
    """

    text: str
    start: int
    end: int
    kind: str = ""
    words: tuple[int, int] | None = None
    parts: tuple[str | None, ...] = ()


def is_speech_dated(sentence: str, mention: ContextSpan) -> bool:
    """True when a period dates a speech act ("have said this week that"), not the figure."""
    # [\w']+, not tokenize: "300,000" is two words here, so "an estimated 300,000 in 1986" dates no speech
    before = re.findall(r"[\w']+", sentence[max(0, mention.start - 30):mention.start].lower())[-2:]
    after = re.findall(r"[\w']+", sentence[mention.end:mention.end + 12].lower())[:1]
    return bool(_SPEECH & set(before)) or after == ["that"]


def find_places(tokens: list[Token], sentence: str) -> list[ContextSpan]:
    """Place names of a sentence: after a place preposition or a verb of striking ("jolted Yunnan"), or a
    possessive before a number or a name ("east Aleppo's 21 hospitals", "China's Yunnan province").

    Not places: organisations ("the Ministry of Civil Affairs", "the Office of Civil Defense"), acronyms
    ("MDM"), dates ("in Sunday's quake"), and where a speaker stood ("said at a press conference in
    Paris", "told reporters in Manila"): the place of a count is where the counted thing happened.

    Args:
        tokens: The sentence's tokens.
        sentence: The sentence text.

    Returns:
        The places, in order.
    """
    places: list[ContextSpan] = []
    for i, token in enumerate(tokens):
        found = None
        if token.lower in PLACE_PREPOSITIONS or token.lower in _STRIKE_VERBS:
            if not _speaker_place(tokens, i) and not (token.lower == "of" and _org_before(tokens, i)):
                found = _place_after(tokens, i + 1, sentence)
        elif token.kind == "word" and token.lower.endswith("'s") and _capitalised(token.text) and i > 0:
            found = _possessive_place(tokens, i, sentence)
        elif token.lower == "with" and i + 1 < len(tokens) and _starts_number(tokens[i + 1]):
            found = _tally_place(tokens, i, sentence)
        if found is not None and all(not p.start <= found.start < p.end for p in places):
            places.append(found)
    return places


def _starts_number(token: Token) -> bool:
    return token.kind == "num" or token.lower in UNITS or token.lower in TENS


def _tally_place(tokens: list[Token], i: int, sentence: str) -> ContextSpan | None:
    """A tally by place: "followed by San Remigio *with* 22", "Bogo City had the most fatalities *with* 30":
    the name before "with N", or the subject of "had the most ... with N", is where the N were counted."""
    end = i - 1
    if end >= 0 and not _is_name(tokens[end]):
        words = [t.lower for t in tokens[max(0, i - 6):i]]
        superlative = next((k for k, w in enumerate(words) if w in _SUPERLATIVES), None)
        if superlative is None or superlative < 2 or words[superlative - 1] != "the":
            return None
        end = max(0, i - 6) + superlative - 3      # the name before "<verb> the most"
    first = end
    while first > 0 and _is_name(tokens[first - 1]) and end - first < 3:
        first -= 1
    if end < 0 or not _is_name(tokens[first]) or _is_organisation(tokens, first):
        return None
    start, stop = tokens[first].start, tokens[end].end
    return ContextSpan(sentence[start:stop], start, stop, "place")


def _speaker_place(tokens: list[Token], i: int) -> bool:
    """The preposition at ``i`` places a speaker ("said at a press conference in Paris", "told reporters in")."""
    window = [t.lower for t in tokens[max(0, i - 5):i]]
    return bool(set(window) & _SPEAKER_CUES) and tokens[i].lower not in _STRIKE_VERBS


def _org_before(tokens: list[Token], i: int) -> bool:
    """ "the Ministry *of* Civil Affairs": "of" after an organisation word introduces its name, not a place."""
    return i > 0 and tokens[i - 1].lower in _ORG_WORDS


def _capitalised(text: str) -> bool:
    return text[:1].isupper()


def _place_after(tokens: list[Token], j: int, sentence: str) -> ContextSpan | None:
    skipped = 0
    while j < len(tokens) and _is_descriptor(tokens[j].lower) and skipped < 5 and not _is_name(tokens[j]):
        j += 1
        skipped += 1
    name = _name_run(tokens, j)
    if name is None or _is_organisation(tokens, name[0]):
        return None
    first, last = name
    while last + 2 < len(tokens) and tokens[last + 1].lower == "of" and _name_run(tokens, last + 2):
        following = _name_run(tokens, last + 2) or (first, last)
        descriptive = all(t.lower in _PLACE_DESCRIPTORS for t in tokens[first:last + 1])
        first, last = (following[0] if descriptive else first), following[1]
    start = tokens[first].start
    if first > 0 and tokens[first - 1].lower in _DIRECTIONS and not _capitalised(tokens[first - 1].text):
        start = tokens[first - 1].start
    end = tokens[last].end - (2 if tokens[last].lower.endswith("'s") else 0)
    if tokens[last].lower.endswith("'s") and (last + 1 >= len(tokens) or tokens[last + 1].kind != "num"):
        return None  # "southern China's Yunnan province" (the possessive rule names Yunnan), "Indonesia's worst"
    return ContextSpan(sentence[start:end], start, end, "place")


def _is_descriptor(lower: str) -> bool:
    """A word that describes the place after it: "the", "rebel-held", and any "-hit", "-affected", "-stricken"
    compound ("the worst-hit Ludian County", "quake-stricken Qiaojia")."""
    return lower in _PLACE_DESCRIPTORS or ("-" in lower and lower.endswith(_DESCRIBING_SUFFIXES))


def _is_organisation(tokens: list[Token], j: int) -> bool:
    """A capitalised run that names a body ("National Disaster Risk Reduction and Management Council")."""
    k = j
    while k < len(tokens) and k - j < 9 and (_capitalised(tokens[k].text) or tokens[k].lower in ("and", "of")):
        if _bare(tokens[k].lower) in _ORG_WORDS:
            return True
        k += 1
    return False


def _bare(lower: str) -> str:
    return lower[:-2] if lower.endswith("'s") else lower


def _is_name(token: Token) -> bool:
    bare = _bare(token.lower)
    acronym = len(token.text) >= 3 and token.text.isupper() and bare not in _COUNTRY_ACRONYMS
    return token.kind == "word" and _capitalised(token.text) and bare not in NOT_PLACES \
        and bare not in CALENDAR_WORDS and not acronym


def _name_run(tokens: list[Token], j: int) -> tuple[int, int] | None:
    """A run of capitalised words (``Khan Sheikhoun``, ``Idlib Province``) starting at ``j``."""
    if j >= len(tokens) or not _is_name(tokens[j]) or tokens[j].lower in CALENDAR_WORDS:
        return None
    last = j
    while (last + 1 < len(tokens) and _is_name(tokens[last + 1]) and not tokens[last].lower.endswith("'s")
           and last - j < 3):
        last += 1
    return j, last


def _possessive_place(tokens: list[Token], i: int, sentence: str) -> ContextSpan | None:
    """ "east Aleppo's 21 hospitals" -> east Aleppo; "southern China's Yunnan province" -> Yunnan."""
    bare = tokens[i].lower[:-2]
    if bare in NOT_PLACES or bare in CALENDAR_WORDS or i + 1 >= len(tokens):
        return None
    inner = _name_run(tokens, i + 1)
    if inner is not None and not _is_organisation(tokens, inner[0]):
        start, end = tokens[inner[0]].start, tokens[inner[1]].end
        return ContextSpan(sentence[start:end], start, end, "place")
    if tokens[i + 1].kind != "num":
        return None
    start = tokens[i].start
    if tokens[i - 1].lower in _DIRECTIONS:
        start = tokens[i - 1].start
    elif tokens[i - 1].lower not in PLACE_PREPOSITIONS | {"the"}:
        return None
    end = tokens[i].end - 2
    return ContextSpan(sentence[start:end], start, end, "place")


def find_attributions(tokens: list[Token], sentence: str) -> list[ContextSpan]:
    """Who a sentence says its figures come from: speech frames, "according to", "confirmed by", headlines.

    Args:
        tokens: The sentence's tokens.
        sentence: The sentence text.

    Returns:
        Attribution mentions, each spanning its speech verb (for distance) with the source as text, and the source's
        own span as ``words`` (a figure's own words are never its source: the extractor leaves them out).
    """
    found: list[ContextSpan] = []
    words = [t.lower for t in tokens]
    for k, word in enumerate(words):
        source: tuple[int, int] | None = None
        if word == "according" and k + 1 < len(words) and words[k + 1] == "to":
            source = _noun_phrase_after(tokens, k + 2)
        elif word in ("confirmed", "reported", "cited") and k + 1 < len(words) and words[k + 1] == "by":
            source = _noun_phrase_after(tokens, k + 2)
        elif word in _SPEECH and (k == 0 or words[k - 1] not in _NOT_BEFORE_A_VERB):
            source = _subject_before(tokens, k) or _after_comma(tokens, k)
        if source:
            text = _with_citing(tokens, k, sentence, sentence[source[0]:source[1]])
            found.append(ContextSpan(text, tokens[k].start, tokens[k].end, "attribution", source))
    headline = _headline_source(tokens, sentence)
    if headline is not None:
        found.append(headline)
    return found


def _subject_before(tokens: list[Token], k: int) -> tuple[int, int] | None:  # spans of sources from here on
    first = k
    while first > 0 and k - first < 10:
        prev = tokens[first - 1]
        joined = prev.lower == "and" and first > 1 and _capitalised(tokens[first - 2].text) \
            and _capitalised(tokens[first].text)  # "Xinhua and CCTV said"
        if (prev.text in _BOUNDARY_PUNCT or prev.lower in _SUBJECT_STOPS or prev.kind == "num") and not joined:
            break
        first -= 1
    last = k - 1
    while last >= first and tokens[last].lower in _AUX_TAIL:
        last -= 1
    if last < first or (k - first >= 10 and first > 0):
        return None
    if last == first and tokens[first].lower in _PRONOUNS:
        return None
    return tokens[first].start, tokens[last].end


def _after_comma(tokens: list[Token], k: int) -> tuple[int, int] | None:
    """Who speaks where a comma (or a quote) stands before the verb: the subject after it where that ends the clause
    ("..., said the official."), else the subject before an appositive ("Budiawan, the head of the agency, said the
    boat was filled": not "the boat was filled"), else the words after it ("..., said the official in Jakarta")."""
    inverted = _inverted_subject(tokens, k)
    if inverted is not None and _ends_clause(tokens, inverted[1]):
        return inverted
    return _appositive_subject(tokens, k) or inverted


def _ends_clause(tokens: list[Token], end: int) -> bool:
    after = next((t.text for t in tokens if t.start >= end), ".")
    return after in _BOUNDARY_PUNCT or after in ".!?"


def _appositive_subject(tokens: list[Token], k: int) -> tuple[int, int] | None:
    """ "Budiawan, the head of the agency, said" -> "Budiawan"; "The Red Cross, which runs it, said" -> "The Red
    Cross" ("Thirty people died in the blast, the deadliest this year, said" has no name before its appositive)."""
    if k < 4 or tokens[k - 1].text != ",":
        return None
    opening = next((c for c in range(k - 2, max(k - 20, 0), -1) if tokens[c].text in _BOUNDARY_PUNCT), None)
    if opening is None or tokens[opening].text != "," or tokens[opening + 1].lower not in _APPOSITIVE_OPENERS:
        return None
    subject = _subject_before(tokens, opening)  # a name ("Budiawan", "The Red Cross"), never a clause's words
    named = subject is not None and all(_capitalised(t.text) for t in tokens if subject[0] <= t.start < subject[1])
    return subject if named else None


def _inverted_subject(tokens: list[Token], k: int) -> tuple[int, int] | None:
    """ "..., said the official." """
    if k == 0 or tokens[k - 1].text not in ",\"\u201d'" or tokens[k].lower not in ("said", "says"):
        return None
    return _noun_phrase_after(tokens, k + 1)


def _noun_phrase_after(tokens: list[Token], j: int) -> tuple[int, int] | None:
    last = j - 1
    while last + 1 < len(tokens) and last + 1 - j < 10:
        nxt = tokens[last + 1]
        if (nxt.text in _BOUNDARY_PUNCT or nxt.text in ".!?" or nxt.lower in _SUBJECT_STOPS | _SPEECH
                or nxt.lower in ("on", "in", "at", "with") or nxt.kind == "num"):
            break
        last += 1
    if last < j or (last == j and tokens[j].lower in _PRONOUNS):
        return None
    return tokens[j].start, tokens[last].end


def _with_citing(tokens: list[Token], k: int, sentence: str, source: str) -> str:
    """The attribution chain: append ", citing X" when "citing"/"quoting X" follows the speech verb in its
    sentence ("CCTV said that 398 people had been killed, citing rescuers") or opens it ("Quoting X, ...")."""
    opening = tokens[0].lower in _CITING if tokens and k > 0 else False
    for j in [0] * opening + list(range(k + 1, len(tokens))):
        if j > k and tokens[j].lower in _SPEECH:
            break
        if tokens[j].lower in _CITING:
            span = _noun_phrase_after(tokens, j + 1)
            cited = sentence[span[0]:span[1]] if span else None
            return f"{source}, citing {cited}" if cited and cited != source else source
    return source


def _headline_source(tokens: list[Token], sentence: str) -> ContextSpan | None:
    """ "Red Cross: 14 Doctors Left in Opposition Areas of Aleppo" -> "Red Cross"."""
    colon = next((i for i, t in enumerate(tokens[:6]) if t.text == ":"), None)
    if colon is None or colon == 0 or not all(_capitalised(t.text) for t in tokens[:colon]):
        return None
    rest = [t for t in tokens[colon + 1:] if t.kind == "word" and len(t.text) > 3]
    if not rest or sum(_capitalised(t.text) for t in rest) < 0.7 * len(rest):
        return None
    start, end = tokens[0].start, tokens[colon - 1].end
    return ContextSpan(sentence[start:end], start, tokens[colon].end, "attribution", (start, end))
