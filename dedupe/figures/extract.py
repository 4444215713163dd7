"""Stage 6: figures - the numbers a text states about people and things, with what they count.

Every number phrase of every sentence is read as an interval with a qualifier (:mod:`dedupe.figures.numbers`),
linked to the noun it counts and its measure through the sentence's structure
(:mod:`dedupe.figures.grammar`), and placed in space, time and on someone's word
(:mod:`dedupe.figures.context`, :mod:`dedupe.figures.periods`). A :class:`Figure` carries its document, outlet,
offsets and line, so every value can be shown in its sentence.

Not figures: dates ("19 September", "Sept 29"), years ("in 2013"), times ("16:28", "1200 hrs"),
ages ("Mustafa Bekir, 23,", "38-year old"), ordinals ("21st", "11th hour"), names with numbers ("G20",
"group of 20 summit", "Chapter 7", "Boeing 747", "Geneva Two", "Local 222"), durations ("five-year civil war",
"six days", "24 hours": a duration becomes a figure's *period*, never a figure), money and percentages
("1.5 billion yen", "80 per cent": amounts, not counts) and units of measure ("72,000 tons"). A number
that counts nothing named ("advanced 10 to 4.60") is dropped; one that counts a thing with no
recognised measure ("three hospitals") is kept with measure ``other``.

Example:
    >>> [(f.text, f.low, f.high, f.qualifier, f.measure, f.what) for f in parse_sentence(
    ...     "Between 400 and 500 people have been killed in the past eight days.")]
    [('Between 400 and 500', 400, 500, 'range', 'killed', 'people')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from dedupe.errors import ConfigError
from dedupe.figures import context as ctx
from dedupe.figures import grammar as grammar
from dedupe.figures import links as links
from dedupe.figures import scope as scope
from dedupe.figures.measures import AGENT, HEAD_NOUN_PEOPLE, MEASURES, WORKERS
from dedupe.figures.numbers import Number, NumberPhrase, find_number_phrases, may_state_a_number
from dedupe.figures.periods import find_periods, resolve_period
from dedupe.figures.tokens import Token, tokenize
from dedupe.lexicon import CALENDAR_WORDS, MONTH_WORDS, PEOPLE_NOUNS, TENS, UNITS
from dedupe.runtime import in_two
from dedupe.segment import SegmentedDocument, Sentence

UNIT_WORDS = frozenset({
    "dlrs", "dlr", "dollars", "dollar", "cents", "cts", "ct", "yen", "marks", "francs", "franc", "lire", "lira",
    "pesos", "peso", "rand", "riyals", "rupees", "yuan", "baht", "ringgit", "guilders", "crowns", "kronor",
    "kroner", "stg", "sterling", "pounds", "pound", "pence", "euros", "euro", "ecus", "ecu", "cruzados",
    "australs", "won", "shekels", "dinars", "naira", "schillings", "pesetas", "escudos", "drachmas", "pct",
    "percent", "per", "percentage", "tonnes", "tons", "tonne", "ton", "kg", "kilos", "kilograms", "kilo", "grams",
    "lbs", "lb", "ounces", "oz", "barrels", "bpd", "gallons", "litres", "liters", "metres", "meters", "km",
    "kms", "kilometres", "kilometers", "miles", "mile", "feet", "foot", "ft", "inches", "acres", "hectares", "ha",
    "bushels", "bales", "bags", "carats", "degrees", "yards", "mph", "mw", "megawatts", "kw", "kwh", "points",
    "shares", "shrs", "times", "seconds", "second", "minutes", "minute", "hours", "hrs", "hour", "days", "day",
    "weeks", "week", "months", "month", "years", "year", "decades", "decade", "centuries", "century", "nights",
    "night", "weekends", "a.m.", "p.m.", "am", "pm", "gmt", "o'clock", "time", "cubic", "square", "sq", "mln",
    "bln", "billion", "million", "%", "mths", "mth", "yrs", "wks", "thirds", "quarters", "halves", "fifths",
    "point", "head", "forints", "forint", "ounce", "zlotys", "levs", "roubles", "rubles", "dinar", "magnitude",
    "richter"})
# A word after a number that makes it a measurement or a date, not a count of people or things.
_NOT_A_COUNT_AFTER = UNIT_WORDS | MONTH_WORDS
_LABELS = frozenset({"chapter", "article", "section", "resolution", "paragraph", "page", "flight", "route",
                     "highway", "room", "version", "phase", "level", "grade", "class", "category", "no", "number",
                     "local", "platform", "gate", "block", "row", "code", "model", "vol", "volume", "issue", "item",
                     "rule", "act", "decree", "law", "division", "aged", "age", "ages", "g", "apollo", "vs",
                     "v", "score", "scored", "ratio", "channel", "magnitude"})
_LEFT_OK = frozenset("(\"'\u201c\u2018[\u2014\u2013")
_RIGHT_OK = frozenset(",.;:!?)\"'\u201d\u2019]\u2014\u2013")
_CLAUSE_ADVERBS = frozenset({"again", "also", "then", "later", "subsequently", "now"})
_AGENT_WORDS = frozenset(t.words[0] for t in AGENT if len(t.words) == 1)
# Between a figure and its own place: "N in X", "N people in the X" (one word at most, no clause mark).
_RIGHT_AFTER = re.compile(r"\s+(?:[\w'\u2019-]+\s+)?(?:in|at|near|from)\s+(?:the\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class SentenceFigure:
    """A figure found in one sentence; offsets are relative to the sentence.

    Attributes mirror :class:`Figure`; ``subset_of`` indexes this sentence's figures.
    """

    start: int
    end: int
    text: str
    low: Number | None
    high: Number | None
    qualifier: str
    measure: str
    what: str | None
    place: str | None
    period: str | None
    period_range: tuple[dt.date, dt.date] | None
    attribution: str | None
    subset_of: int | None
    scope: str | None = None
    scope_cue: str | None = None


@dataclass(frozen=True)
class Figure:
    """A figure stated in a document.

    Attributes:
        doc: Document id.
        outlet: The document's outlet.
        start: Offset of the number phrase in ``doc.text``.
        end: Offset just past it.
        line: 1-based line of ``start``.
        text: The number phrase exactly as written (``doc.text[start:end]``), qualifier included.
        sentence: The sentence that states it.
        low: Lower bound, ``None`` where the phrase gives none ("nearly 1,400").
        high: Upper bound, ``None`` where the phrase gives none ("at least 426").
        qualifier: ``exact``, ``approximately``, ``at least``, ``more than``, ``nearly``, ``up to``,
            ``fewer than``, ``as few as``, ``range`` or ``vague`` (see :mod:`dedupe.figures.numbers`).
        measure: One of :data:`dedupe.figures.measures.MEASURES` (``other`` when none is linked).
        what: The counted noun, lower case ("civilians", "doctors"), ``None`` when nothing is named.
        place: Place named in the figure's clause, or ``None``.
        period: Period named in the figure's clause, as written, or ``None``.
        period_range: The period as dates, resolved against the document's date, or ``None``.
        attribution: Who the sentence says the figure comes from, or ``None``.
        subset_of: Index (in the extracted tuple) of the figure this one is part of
            ("100,000 of them children", "including 56 children"), or ``None``.
        scope: ``incident``, ``cumulative``, ``conflict-wide``, ``subset`` or ``current``
            (:mod:`dedupe.figures.scope`), ``None`` when the sentence does not say.
        scope_cue: The words that gave the scope ("convoy", "war", "in the past eight days"), or ``None``.
        published: The document's date (the figure's time of report), ``None`` when unknown.
    """

    doc: str
    outlet: str
    start: int
    end: int
    line: int
    text: str
    sentence: str
    low: Number | None
    high: Number | None
    qualifier: str
    measure: str
    what: str | None
    place: str | None
    period: str | None
    period_range: tuple[dt.date, dt.date] | None
    attribution: str | None
    subset_of: int | None
    scope: str | None = None
    scope_cue: str | None = None
    published: dt.date | None = None


@dataclass(frozen=True)
class FigureConfig:
    """Options of figure extraction.

    Attributes:
        include_other: Keep figures whose measure is ``other`` ("three hospitals").
        max_sentence_chars: Sentences longer than this are skipped (runaway text without punctuation).
    """

    include_other: bool = True
    max_sentence_chars: int = 5000

    def __post_init__(self) -> None:
        if self.max_sentence_chars < 1:
            raise ConfigError("max_sentence_chars must be at least 1")


def extract_figures(documents: Sequence[SegmentedDocument], config: FigureConfig | None = None) -> tuple[Figure, ...]:
    """Extract the figures of segmented documents.

    Args:
        documents: Documents with their sentences (:func:`dedupe.segment.segment_document`).
        config: Options; defaults when ``None``.

    Returns:
        Figures in document order, then text order; ``subset_of`` indexes this tuple. On a large corpus
        the sentences of the second half are read in a forked child (:func:`dedupe.runtime.in_two`).
    """
    config = config or FigureConfig()
    jobs = [(document, sentence) for document in documents for sentence in document.sentences
            if len(sentence.text) <= config.max_sentence_chars]

    def parse(part: Sequence[tuple[SegmentedDocument, Sentence]]) -> list[tuple[SentenceFigure, ...]]:
        return [parse_sentence(sentence.text, document.doc.date) for document, sentence in part]

    figures: list[Figure] = []
    for (document, sentence), found in zip(jobs, in_two(parse, jobs, weight=lambda job: len(job[1].text))):
        figures.extend(_place_in_document(document, sentence.start, sentence.text, found, len(figures), config))
    return tuple(figures)


def _place_in_document(document: SegmentedDocument, offset: int, sentence: str, found: tuple[SentenceFigure, ...],
                       base: int, config: FigureConfig) -> list[Figure]:
    published = document.doc.date if isinstance(document.doc.date, dt.date) else None
    kept = [i for i, f in enumerate(found) if config.include_other or f.measure != "other"]
    index = {old: base + new for new, old in enumerate(kept)}
    figures = []
    for i in kept:
        f = found[i]
        start = offset + f.start
        parent = index.get(f.subset_of) if f.subset_of is not None else None
        figures.append(Figure(document.doc.id, document.doc.outlet, start, offset + f.end, document.line_of(start),
                              f.text, sentence, f.low, f.high, f.qualifier, f.measure, f.what, f.place, f.period,
                              f.period_range, f.attribution, parent, f.scope, f.scope_cue, published))
    return figures


def parse_sentence(text: str, published: dt.date | None = None) -> tuple[SentenceFigure, ...]:
    """The figures of one sentence. Never raises on any text.

    Args:
        text: A sentence (any text works; offsets refer to it).
        published: Publication date, to resolve relative periods ("yesterday").

    Returns:
        The figures, in text order.
    """
    if not may_state_a_number(text):
        return ()
    tokens = tokenize(text)
    phrases = [p for p in find_number_phrases(tokens, text) if not _not_a_figure(tokens, p, text)]
    by_first = {p.first: p for p in phrases}
    drafts = [d for d in (_draft(tokens, p, by_first) for p in phrases) if d is not None]
    if not drafts:
        return ()
    return tuple(_with_context(tokens, text, links.link(tokens, drafts), published))


def _draft(tokens: list[Token], phrase: NumberPhrase, phrases: dict[int, NumberPhrase]) -> links.Draft | None:
    noun = grammar.noun_phrase(tokens, phrase, phrases)
    head = tokens[noun.head].lower if noun.head is not None else None
    if head in UNIT_WORDS:
        return None
    measure = grammar.find_measure(tokens, phrase, noun)
    what = "people" if head in HEAD_NOUN_PEOPLE else head
    return links.Draft(phrase, noun, measure, what)


def _with_context(tokens: list[Token], text: str, drafts: list[links.Draft],
                  published: dt.date | None) -> list[SentenceFigure]:
    clauses = _clause_of_tokens(tokens)
    spans = [(tokens[d.phrase.first].start, tokens[d.phrase.last].end) for d in drafts]
    periods = [p for p in find_periods(text) if not ctx.is_speech_dated(text, p)
               and not any(s < p.end and p.start < e for s, e in spans)]
    places = ctx.find_places(tokens, text)
    sources = ctx.find_attributions(tokens, text)
    figures: list[SentenceFigure] = []
    for n, (draft, (start, end)) in enumerate(zip(drafts, spans)):
        clause = clauses[draft.phrase.first]
        reach = [p for p in periods if _year_reaches(p, text, start, end)]
        period = (_nearest(_in_clause(reach, tokens, clauses, clause), start, end)
                  or _shared_year(reach, tokens, clauses, clause))
        own_places = [p for p in _in_clause(places, tokens, clauses, clause) if not _beyond_part(p, spans, drafts, n)]
        place = (_place_right_after(own_places, text, end) or _nearest(own_places, start, end)
                 or _shared_place(places, tokens, clauses, clause, start))
        source = _nearest(_not_own_words(sources, tokens, draft), start, end)
        found = scope.find_scope(tokens, clauses, draft.phrase, draft.measure, draft.subset_of is not None,
                                 period.kind if period else None)
        if n and _elided_part(tokens, drafts, n, figures[-1]):
            found = scope.Scope("subset", figures[-1].scope_cue)
        figures.append(SentenceFigure(
            start, end, text[start:end], draft.phrase.low, draft.phrase.high, draft.phrase.qualifier,
            draft.measure or "other", draft.what, place.text if place else None, period.text if period else None,
            resolve_period(period, published) if period else None, source.text if source else None,
            draft.subset_of, found.scope, found.cue))
    return figures


def _not_own_words(sources: list[ctx.ContextSpan], tokens: list[Token], draft: links.Draft) -> list[ctx.ContextSpan]:
    """The attributions whose source is not in the figure's own words, its number and noun phrase ("one death"
    of "and one death confirmed" is what was confirmed, not who confirmed it)."""
    own = tokens[draft.phrase.first].start, tokens[max(draft.phrase.last, draft.noun.end - 1)].end
    return [s for s in sources if s.words is None or s.words[1] <= own[0] or own[1] <= s.words[0]]


def _elided_part(tokens: list[Token], drafts: list[links.Draft], n: int, previous: SentenceFigure) -> bool:
    """ "Thirty of the dead were in Bogo City and 22 in San Remigio": a bare number joined by "and" or a comma
    to a part of the same measure is a part too (its clause elides the verb and the partitive)."""
    draft, before = drafts[n], drafts[n - 1]
    if draft.noun.head is not None or previous.scope != "subset" or (draft.measure or "other") != previous.measure:
        return False
    between = {t.lower for t in tokens[before.noun.end:draft.phrase.first]}
    joined = draft.phrase.first > 0 and tokens[draft.phrase.first - 1].lower in ("and", ",")
    return joined and not between & {";", ".", "but", "while", "whereas"}


def _year_reaches(period: ctx.ContextSpan, text: str, start: int, end: int) -> bool:
    """Whether a year dates the figure at ``start:end``: "since 2013 when one hit Bohol, claiming at least
    200 lives" dates only what follows it; the year's own blow may stand in between ("In 1970, a quake
    killed 15,000"), a second one starts another event ("The 2013 earthquake killed 222 people, and this
    quake has killed 70")."""
    if period.kind != "year":
        return True
    lower = period.text.lower()
    if lower.startswith("since") and period.start < start:
        return True
    if lower.startswith("since"):
        return False
    between = text[period.end:start] if period.end <= start else text[end:period.start]
    words = re.findall(r"[\w-]+", between.lower())
    blows = sum(word in scope.INCIDENT_WORDS or word in scope.WAR_WORDS for word in words)
    return blows <= 1


def _shared_place(places: list[ctx.ContextSpan], tokens: list[Token], clauses: list[int], clause: int,
                  start: int) -> ctx.ContextSpan | None:
    """The place of the clause before, when "and"/"but" joined the two ("killing at least 175 people in
    Yunnan and injuring more than 1,400"): a coordinated predicate shares its subject's place."""
    if clause == 0 or tokens[clauses.index(clause)].text == ";":
        return None
    before = [p for p in _in_clause(places, tokens, clauses, clause - 1) if p.end <= start]
    return before[-1] if before else None


def _shared_year(periods: list[ctx.ContextSpan], tokens: list[Token], clauses: list[int],
                 clause: int) -> ctx.ContextSpan | None:
    """A year in the clause before, when "and" joined the two, dates the figure too ("one that struck the
    area in 2012 and killed 81 people")."""
    if clause == 0 or tokens[clauses.index(clause)].text == ";":
        return None
    return next((p for p in _in_clause(periods, tokens, clauses, clause - 1) if p.kind == "year"), None)


def _beyond_part(place: ctx.ContextSpan, spans: list[tuple[int, int]], drafts: list[links.Draft], n: int) -> bool:
    """True when a part of figure ``n`` stands between it and the place: the place is the part's
    ("At least 65 were confirmed dead, including three ... who perished in San Remigio")."""
    start, end = spans[n]
    low, high = (end, place.start) if place.start >= end else (place.end, start)
    return any(low <= s and e <= high and drafts[k].subset_of == n for k, (s, e) in enumerate(spans) if k != n)


def _place_right_after(places: list[ctx.ContextSpan], text: str, end: int) -> ctx.ContextSpan | None:
    """The place that follows the figure through a place preposition, at most one word between ("72 in Qiaojia
    County", "30 people in Bogo"): it is the figure's own, however close a place before it stands ("504 were
    in Ludian County, 72 in Qiaojia County")."""
    return next((p for p in places if p.start >= end and _RIGHT_AFTER.fullmatch(text, end, p.start)), None)


def _nearest(mentions: list[ctx.ContextSpan], start: int, end: int) -> ctx.ContextSpan | None:
    def distance(mention: ctx.ContextSpan) -> int:
        return max(mention.start - end, start - mention.end, 0)
    return min(mentions, key=lambda mention: (distance(mention), mention.start), default=None)


def _in_clause(mentions: list[ctx.ContextSpan], tokens: list[Token], clauses: list[int],
               clause: int) -> list[ctx.ContextSpan]:
    return [mention for mention in mentions if clauses[_token_at(tokens, mention.start)] == clause]


def _token_at(tokens: list[Token], offset: int) -> int:
    for i, token in enumerate(tokens):
        if token.end > offset:
            return i
    return max(0, len(tokens) - 1)


def _clause_of_tokens(tokens: list[Token]) -> list[int]:
    """Clause number of each token: a new clause after ";" and at "and <verb>" ("... and again appealed")."""
    clauses: list[int] = []
    clause = 0
    for i, token in enumerate(tokens):
        if token.text == ";" or (token.lower in ("and", "but") and _verb_follows(tokens, i + 1)):
            clause += 1
        clauses.append(clause)
    return clauses or [0]


def _verb_follows(tokens: list[Token], j: int) -> bool:
    while j < len(tokens) and tokens[j].lower in _CLAUSE_ADVERBS:
        j += 1
    if j >= len(tokens) or tokens[j].kind != "word":
        return False
    lower = tokens[j].lower
    return (lower.endswith("ed") and len(lower) > 4) or lower in _AGENT_WORDS


def _not_a_figure(tokens: list[Token], phrase: NumberPhrase, text: str) -> bool:
    """Dates, years, times, ages, ordinals, names with numbers, durations, money, percentages, units."""
    core = tokens[phrase.core]
    after = tokens[phrase.last + 1] if phrase.last + 1 < len(tokens) else None
    before = tokens[phrase.core - 1] if phrase.core > 0 else None
    return (_glued_to_text(tokens, phrase, text)
            or (after is not None and after.lower in _NOT_A_COUNT_AFTER and not after.glued_left)
            or (before is not None and phrase.core == phrase.first and _is_label(tokens, phrase.core))
            or _is_year(core, after)
            or _is_age(tokens, phrase)
            or _is_name_word(tokens, phrase)
            or (before is not None and core.lower == "one" and before.lower in ("not", "no", "any", "every", "each")))


def _glued_to_text(tokens: list[Token], phrase: NumberPhrase, text: str) -> bool:
    """ "G20", "21st", "1930s", "$5", "5%", "09-16", "Karbala-8", "five-year", "6-3"."""
    core = tokens[phrase.core]
    left = text[core.start - 1] if core.start > 0 else " "
    if not (left.isspace() or left in _LEFT_OK):
        return True
    last = tokens[phrase.last]
    if phrase.qualifier == "range" and "-" in text[core.start:last.end].replace("\u2013", "-"):
        last = tokens[phrase.last]
    elif core.kind == "num":
        last = tokens[phrase.core]
    end = last.end
    right = text[end] if end < len(text) else " "
    if right.isspace() or right in _RIGHT_OK:
        return False
    if right == "-":
        tail = text[end + 1:end + 8].lower()
        return not tail.startswith(("plus", "odd", "strong", "member"))
    return True


def _is_label(tokens: list[Token], core: int) -> bool:
    """ "Chapter 7", "group of 20", "Boeing 747", "Local 222", "aged 23", "Sept. 23"."""
    before = tokens[core - 1]
    if before.text == "." and core > 1:
        before = tokens[core - 2]
    if before.lower in _LABELS or before.lower.rstrip(".") in CALENDAR_WORDS:
        return True
    if core > 1 and before.lower == "of" and tokens[core - 2].lower in ("group", "g"):
        return True
    return (tokens[core].kind == "num" and before.kind == "word" and before.text[:1].isupper()
            and core - 1 > 0 and not before.lower.endswith("'s") and not _counts_after(tokens, core))


def _counts_after(tokens: list[Token], core: int) -> bool:
    nxt = tokens[core + 1] if core + 1 < len(tokens) else None
    return nxt is not None and (grammar.is_plural(nxt) or nxt.lower in ("of", "people"))


def _is_year(core: Token, after: Token | None) -> bool:
    """ "in 2013", "1986 sales": a bare 1800-2099 is a year unless people are counted ("1500 workers")."""
    if core.kind != "num" or len(core.text) != 4 or not core.text.isdigit():
        return False
    if not 1800 <= int(core.text) <= 2099:
        return False
    return after is None or after.lower not in PEOPLE_NOUNS | WORKERS


def _is_age(tokens: list[Token], phrase: NumberPhrase) -> bool:
    """ "Mustafa Bekir, 23, who ..." """
    i = phrase.first
    if phrase.qualifier != "exact" or i < 2 or tokens[i - 1].text != ",":
        return False
    name = tokens[i - 2]
    after = tokens[phrase.last + 1] if phrase.last + 1 < len(tokens) else None
    return (name.kind == "word" and name.text[:1].isupper()
            and (after is None or after.text in ",.)" or after.lower in ("who", "and", "was", "is")))


def _is_name_word(tokens: list[Token], phrase: NumberPhrase) -> bool:
    """ "Geneva Two": a capitalised number word after a capitalised word, not at the sentence start."""
    core = tokens[phrase.core]
    if core.kind != "word" or not core.text[:1].isupper() or phrase.core == 0:
        return False
    before = tokens[phrase.core - 1]
    lower = core.lower.split("-")[0]
    return (lower in UNITS or lower in TENS) and before.kind == "word" and before.text[:1].isupper() \
        and phrase.core - 1 > 0


def keep_measures(figures: tuple[Figure, ...], measures: Sequence[str]) -> tuple[Figure, ...]:
    """Only the figures with one of ``measures`` (all when empty), with ``subset_of`` re-indexed.

    Args:
        figures: Extracted figures.
        measures: Measure names from :data:`dedupe.figures.measures.MEASURES`.

    Returns:
        The kept figures; a parent that is left out turns ``subset_of`` into ``None``.

    Raises:
        ConfigError: A measure name is unknown.
    """
    unknown = sorted(set(measures) - set(MEASURES))
    if unknown:
        raise ConfigError(f"unknown measure {unknown[0]!r}; choose from {', '.join(MEASURES)}")
    if not measures:
        return figures
    kept = [i for i, f in enumerate(figures) if f.measure in measures]
    index = {old: new for new, old in enumerate(kept)}
    return tuple(replace(figures[i], subset_of=_new_index(index, figures[i].subset_of)) for i in kept)


def _new_index(index: dict[int, int], old: int | None) -> int | None:
    return index.get(old) if old is not None else None
