"""What counts as a claim: sentences with content, not page furniture.

A claim is a sentence of a document that states something. Page furniture is recognised by general
rules about how web pages are built, never by outlet-specific strings:

- ``caption``: a label before a colon ("PHOTO: ...", "Pressure: Russian Foreign Minister ...") or a
  position marker ("left", "(right)", "pictured") as picture captions write them. A dateline lead
  ("Jakarta: At least 56 people are still missing ...", "WASHINGTON: ...") is a claim: after its label
  comes a whole sentence of ``_DATELINE_WORDS`` words or more, or one that counts people, closed by a full stop;
- ``tags`` ("Tags: US | Russia"), ``byline`` ("By TOM GARDNER"), ``link`` ("See ...:",
  "RELATED STORIES:", "Read more"), ``call to action`` ("Join our new commenting forum", "No comments");
- ``heading``: title-case text without a full stop ("Battlefield After Bombardment"); a sub-heading that
  states a claim with its source or a number ("Red Cross: 14 Doctors Left in Opposition Areas of Aleppo",
  "Russia: We Will Continue Bombing") is a claim, and so is a headline that counts people ("Quake Kills 69");
- ``caption`` also for a sentence of eight words or more that ends with its picture's date after a comma, as
  wire photo captions do ("... North Sumatera, Indonesia, Tuesday, June 19, 2018.");
- ``credit``: a picture credit ("Lazuardy Fahmi AP Photo", "(Binsar Bakkara / Associated Press)",
  "Image caption,"), and ``caption`` for the sentence right before a credit or right after "Image caption";
- ``too short``: fewer than ``min_content_words`` content words (datelines, "LATEST"); a quoted statement
  needs one ("That’s a fact.”", "“I was desperate."), and so does a sentence inside a quotation an
  earlier sentence of its paragraph opened ("I was scared to death."): what someone said is never page
  furniture (a quoted question is);
- ``repeated``: the same text again in one document (the first one is the claim);
- ``boilerplate``: the same text in ``boilerplate_min_docs`` or more documents of one outlet, which is
  how a site's recurring furniture shows itself in a corpus.

Example:
    >>> furniture_reason("Join our new commenting forum")
    'call to action'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from dedupe.compare.counts import count_keys
from dedupe.compare.features import TOKEN, content_words, words
from dedupe.lexicon import CALENDAR_WORDS, FUNCTION_WORDS, MONTH_WORDS, SPEECH_VERBS, SUBJECT_PRONOUNS, WEEKDAY_WORDS
from dedupe.errors import ConfigError
from dedupe.segment import SegmentedDocument, Sentence

_TAGS = re.compile(r"^(?:tags?|topics?|filed under|categories)\s*:", re.IGNORECASE)
_BYLINE = re.compile(r"^by\s+[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3}\s*$", re.IGNORECASE)
_CALL = re.compile(r"^(?:join|follow|share|sign (?:up|in)|subscribe|click|tap|read more|view (?:all )?comments?|"
                   r"post a comment|leave a comment|no comments?|comments?\b|download|like us|log in|register|"
                   r"newsletter)\b", re.IGNORECASE)
_LINK = re.compile(r"^(?:see(?: also)?\b.*:|related(?: stories| articles| content)?\s*:?|read more\b|more on this\b|"
                   r"latest\s*$|recommended\b|most (?:read|popular)\b)", re.IGNORECASE)
_MEDIA_LABEL = re.compile(r"^(?:photos?|pictures?|image|video|watch|caption|gallery|graphic)\s*[:|\u2013\u2014-]",
                          re.IGNORECASE)
# "Pressure: ...", "Negotiating table: ...": one capitalised word, maybe a lower-case one, then a colon.
_LABEL = re.compile(r"^([A-Z][a-z]+(?: [a-z]+)?):\s+[^\s'\"\u2018\u201c]")
_POSITION = re.compile(r"\((?:left|right|centre|center|pictured|above|below|top|bottom)\)|"
                       r",\s*(?:left|right|centre|center|pictured|above|below)\s*[,.]|,\s*pictured\b",
                       re.IGNORECASE)
_CREDIT = re.compile(r"^\(?[^.!?]{0,60}\b(?:AP|AFP|Reuters|EPA(?:-EFE)?|Getty(?: Images)?|Associated Press|Xinhua|"
                     r"Kyodo(?: News)?|AP Photo|Image source|Image caption|Picture|Photograph|Photo)\b[^.!?]{0,60}"
                     r"[.)]?\s*\)?[.,]?\s*$")
_CREDIT_WORDS = frozenset({"by", "via", "source", "caption", "photo", "image", "picture", "file"})
# Credits that come before their picture's caption, not after it.
_LEADING_CREDIT = re.compile(r"^image (?:caption|source)\b", re.IGNORECASE)
_IMAGE_CAPTION = re.compile(r"^image caption\W*$", re.IGNORECASE)
# A wire photo's caption ends with the day the picture was taken ("... in Toba lake, North Sumatera, Indonesia,
# Tuesday, June 19, 2018."); a sentence of the story names its date inside it, not as its last words after a comma.
_PICTURE_DATE = re.compile(r",\s+(?:(?:" + "|".join(sorted(WEEKDAY_WORDS)) + r"),\s+)?(?:"
                           + "|".join(sorted(MONTH_WORDS, key=len, reverse=True)) + r")\.?\s+\d{1,2},\s+\d{4}\.\s*$",
                           re.IGNORECASE)
_CAPTION_WORDS = 8
_DATELINE_WORDS = 10
# A title-case line that names its source or a number before/after a colon states a claim.
_CLAIM_HEADING = re.compile(r"^[A-Z][\w.'\u2019-]*(?:\s+[\w.'\u2019-]+){0,3}:\s+\S+(?:\s+\S+){2,}")
# A speaker label also ends in a verb of dialogue ("..., he replied"); "there" opens no label either.
_SPEECH = SPEECH_VERBS | {"asked", "replied", "noted", "continued", "argued"}
_PRONOUNS = SUBJECT_PRONOUNS | {"there"}
_OPEN_QUOTES = "\"\u201c\u2018"
_CLOSE_QUOTES = "\"\u201d\u2019"
_TERMINAL = re.compile(r"[.!?\"'\u201d\u2019)]\s*$")
# Where a long sentence joins two statements: a semicolon, ", and said that ...", ", adding that ...", "and it
# said ..." (a second report), or a relative clause "in which ..." ("an urban area in which 250,000 people are
# living under siege"), a "but" that opens a second statement (", but a military spokesman threatened ...", "... last
# night -- but almost 350 passengers were plucked to safety") or a place's relative clause that states an event
# ("in the Kurdistan mountain region, where Iran launched its northern offensive").
_CLAUSE_CUT = re.compile(r";\s+|,\s+(?=and\s+(?:said|says|added|warned|told|insisted|stressed|noted|stated)\b)|"
                         r",?\s+(?=in which\s)|,\s+(?=adding\s+that\s)|"
                         r",?\s+(?=and\s+(?:it|he|she|they)\s+(?:said|says|added)\b)|"
                         r"(?:,|\s+(?:--|\u2014|\u2013))\s+(?=(?:but|where)\s)")

# A sentence that opens with a contrasting clause ("While bankworkers are demanding a 100 per cent pay rise, the
# private bankers would rather wait ...") states two things: the cut is that clause's comma.
_LEADING_CLAUSE = re.compile(r"^(?:while|although|though|whereas)\s[^,;]{10,150}?(?P<cut>,\s+)", re.IGNORECASE)

# Attribution around a claim's content: "X said (on Monday) (that) ...", "According to X, ...", "..., X said.",
# "..., according to X." The speaker is short (no comma, at most 60 characters).
_SPEAKER = r"[^,;:]{1,60}"
_SPEECH_VERB = r"(?:said|says|told\s+[^,.;:]{1,30}?|added|stated|announced|reported)"
# Who the speaker is, between commas after the name ("Budiawan, who uses one name, said ...", "Ma Liya, a resident of
# Zhaotong, told Xinhua that ...").
# A number's thousands separator is no comma of the sentence ("owners of the 7,951 tonne ferry").
_APPOSITION_WORDS = r"(?:[^,;:\"\u201c\u2018]|(?<=\d),(?=\d{3}))"
_APPOSITION = r"(?P<apposition>,\s+" + _APPOSITION_WORDS + r"{1,80}?,)?"
# When it was said: a weekday, or the day relative to the report ("the agency reported today").
_WHEN = (r"(?:\s+(?:on\s+)?(?:" + "|".join(sorted(WEEKDAY_WORDS)) + r")|\s+(?:today|yesterday|tonight|"
         r"last\s+night|earlier|later))?")
# Words of an attribution that name no speaker: its verbs, and when it was said ("Kerry said on Monday",
# "officials said late on Sunday"): two speakers are not one because both spoke on a Sunday.
_NOT_SPEAKER = frozenset({"according", "reported", "stated", "announced", "today", "yesterday", "tonight", "earlier",
                          "later", "late", "last", "early", "morning", "afternoon", "evening", "night", "week", "day"}
                         | CALENDAR_WORDS)
_ABBREVIATION_DOT = r"(?<=\b\w)\.|(?<=\bMr)\.|(?<=\bMs)\.|(?<=\bDr)\."


def _lead_pattern(name_character: str) -> re.Pattern[str]:
    """"X said (on Monday) (that) ", "X, <who X is>, said ..." or "According to X, " at a claim's start; X made of
    ``name_character``."""
    return re.compile(r"^(?:according to " + _SPEAKER + r",\s*|(?P<name>[A-Z]" + name_character + r"{0,60}?)"
                      + _APPOSITION + r"\s+" + _SPEECH_VERB + _WHEN + r"(?:\s+that)?\s+)", re.IGNORECASE)


_LEAD_ATTRIBUTION = _lead_pattern(r"[^,;:.\"\u201c]")
# The same read for its speaker: abbreviations allowed in the name ("A U.S. official said").
_LEAD_SPEAKER = _lead_pattern(r"(?:[^,;:.\"\u201c]|" + _ABBREVIATION_DOT + ")")
# Words that open or carry a clause: words holding one state what was said, not who said it ("Budiawan, who uses one
# name, said the vessel did not have a passenger manifest": "the vessel did not have ..." is the claim).
_CLAUSE_WORDS = frozenset({"that", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "did",
                           "does", "do", "not", "would", "will", "could", "can", "should", "may", "might", "must",
                           "but", "if", "because", "while"})
_OPENING_CONJUNCTIONS = frozenset({"and", "but", "yet"})
# A relative clause describes the speaker ("a Republican legislator who attended the meeting", "A rebel who was
# captured"): only the words before it must hold no clause.
_RELATIVES = frozenset({"who", "whom", "whose", "which"})
# Auxiliaries and adverbs that stand right before an attribution's verb ("Authorities had previously said").
_BEFORE_VERB = frozenset({"have", "has", "had", "also", "previously", "originally", "earlier", "later", "again",
                          "repeatedly", "first", "initially"})
# What may stand between a speech verb and its "that" ("said on Twitter that", "said yesterday that", "told the
# committee that"): a few words of no clause, opened by one of _GAP_OPENERS unless the verb is "told" (whose object
# stands there), the "that" followed by what was said (not "that was", a relative clause).
_GAP_OPENERS = frozenset({"on", "in", "at", "by", "via", "through", "during", "after", "before", "from", "over",
                          "yesterday", "today", "tonight", "earlier", "later", "late", "last", "this"})
_VERB_TO_THAT = re.compile(r"^(?P<gap>[^,.;:\"\u201c\u2018]{1,40}?)\s+that\s+(?=(?P<next>[\w'\u2019-]+))",
                           re.IGNORECASE)
# "..., IRNA, monitored by the BBC, said.": the tail's speaker may have an apposition too.
_TAIL_ATTRIBUTION = re.compile(r",[\"'\u201d\u2019]?\s+(?:according to " + _SPEAKER + "|" + _SPEAKER
                               + r"?(?:,\s+" + _APPOSITION_WORDS + r"{1,80}?,)?\s+" + _SPEECH_VERB + _WHEN + "|"
                               + _SPEECH_VERB + r"\s+" + _SPEAKER + r")\s*[.!]?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ClaimConfig:
    """What is a claim.

    Attributes:
        min_content_words: Fewest content words (not function words) a claim has, at least 1.
        boilerplate_min_docs: A text found in this many documents of one outlet is furniture, at least 2.
        clause_min_words: Sentences of at least this many words are cut into clauses at semicolons, at
            ", and said ...", ", adding that ...", "and it said ...", before "in which", before a "but" or a
            "where" after a comma or a dash, and after an opening "While ...," clause, when each part keeps
            ``min_content_words``; 0 never cuts.
    """

    min_content_words: int = 3
    boilerplate_min_docs: int = 3
    clause_min_words: int = 25

    def __post_init__(self) -> None:
        if self.min_content_words < 1:
            raise ConfigError("min content words must be at least 1")
        if self.boilerplate_min_docs < 2:
            raise ConfigError("boilerplate min docs must be at least 2")
        if self.clause_min_words < 0:
            raise ConfigError("clause min words must not be negative")


@dataclass(frozen=True)
class Claim:
    """A sentence (or a clause of a long one) that states something, with its provenance.

    Attributes:
        doc_id: Document id.
        outlet: The document's outlet.
        sentence: Index of the sentence in its document.
        clause: Index of the clause in its sentence (0 when the sentence is not cut).
        start: Offset into ``doc.text``.
        end: Offset just past the claim.
        line: 1-based line of ``start``.
        text: ``doc.text[start:end]``.
    """

    doc_id: str
    outlet: str
    sentence: int
    start: int
    end: int
    line: int
    text: str
    clause: int = 0


@dataclass(frozen=True)
class Furniture:
    """A sentence that is not a claim, and why."""

    doc_id: str
    start: int
    end: int
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class ClaimSet:
    """Claims and furniture of a corpus, each in document order then text order."""

    claims: tuple[Claim, ...]
    furniture: tuple[Furniture, ...]


def furniture_reason(text: str, min_content_words: int = 3, in_quotation: bool = False) -> str | None:
    """Why a sentence is page furniture, or ``None`` when it is a claim (rules of the module docstring).

    Args:
        text: The sentence.
        min_content_words: Fewest content words of a claim.
        in_quotation: Whether the sentence continues a quotation an earlier sentence of its paragraph opened
            ("“I was desperate. I was scared to death."): it is quoted speech, as a sentence in quotes is.

    Returns:
        ``"tags"``, ``"byline"``, ``"call to action"``, ``"link"``, ``"caption"``, ``"heading"``,
        ``"too short"``, or ``None``.
    """
    stripped = text.strip().lstrip("-\u2022* .").strip()
    checks = (("tags", _TAGS.search(stripped)), ("byline", _BYLINE.search(stripped)),
              ("call to action", _CALL.search(stripped) and len(stripped.split()) <= 15),
              ("link", _LINK.search(stripped)), ("caption", _MEDIA_LABEL.search(stripped)),
              ("caption", _POSITION.search(stripped)), ("heading", _is_heading(stripped)),
              ("caption", _PICTURE_DATE.search(stripped) and len(stripped.split()) >= _CAPTION_WORDS),
              ("caption", _is_labelled_caption(stripped)),
              ("too short", _too_short(stripped, min_content_words, in_quotation)))
    return next((reason for reason, hit in checks if hit), None)


def extract_claims(documents: Sequence[SegmentedDocument], config: ClaimConfig | None = None) -> ClaimSet:
    """Split every document's sentences into claims and furniture.

    Args:
        documents: Segmented documents.
        config: Rules' parameters.

    Returns:
        The claims and the furniture.
    """
    config = config or ClaimConfig()
    boilerplate = _boilerplate(documents, config.boilerplate_min_docs)
    claims: list[Claim] = []
    furniture: list[Furniture] = []
    for segmented in documents:
        seen: set[str] = set()
        credits = [is_credit(s.text) for s in segmented.sentences]
        quoting, paragraph = False, -1
        for n, sentence in enumerate(segmented.sentences):
            key = _normal(sentence.text)
            quoting = quoting and sentence.paragraph == paragraph  # a quotation never runs past its paragraph
            paragraph = sentence.paragraph
            reason = "credit" if credits[n] else furniture_reason(sentence.text, config.min_content_words, quoting)
            quoting = quotation_open(sentence.text, quoting)
            if reason is None and _next_to_credit(segmented.sentences, credits, n):
                reason = "caption"
            if reason is None and key in boilerplate:
                reason = "boilerplate"
            if reason is None and key in seen:
                reason = "repeated"
            seen.add(key)
            if reason is None:
                claims.extend(_clauses(segmented, sentence, config))
            else:
                furniture.append(Furniture(sentence.doc_id, sentence.start, sentence.end, sentence.line,
                                           sentence.text, reason))
    return ClaimSet(tuple(claims), tuple(furniture))


def claim_content(text: str, min_content_words: int = 3) -> str:
    """The claim's content without its attribution, for comparing what two outlets state.

    "Kerry said on Monday that the US would suspend talks" -> "the US would suspend talks"; "..., the agency
    said." and "according to X" are dropped too. The text is kept whole when the rest would have fewer than
    ``min_content_words`` content words. Findings keep pointing at the whole claim; only alignment reads this.

    Args:
        text: A claim's text.
        min_content_words: Fewest content words the content keeps.

    Returns:
        The content.

    Example:
        >>> claim_content("Kerry said on Monday that the US would suspend talks with Russia.")
        'the US would suspend talks with Russia.'
    """
    tail = _TAIL_ATTRIBUTION.search(text)
    if tail is not None and (not _names_speaker(tail.group(0)) or tail.start() < _lead_end(text)):
        tail = None  # a tail inside the leading attribution ("IRNA, received in London, said the troops ...")
    body = text if tail is None else text[:tail.start()]
    content = body[_lead_end(body):]
    return content if _content_words(content) >= min_content_words else text


def _names_speaker(words_of: str) -> bool:
    """Whether an attribution's words can name who spoke: no clause in them before any relative clause ("said the
    official", "said a legislator who attended", not "said the vessel did not have a manifest")."""
    named = words(words_of)
    cut = next((i for i, word in enumerate(named) if word in _RELATIVES), len(named))
    return not _CLAUSE_WORDS.intersection(named[:cut])


def _lead_end(text: str) -> int:
    """Where the claim's content starts after its leading attribution (0: none), through "said ... that" when a
    few words stand between the verb and its "that" ("said on Twitter that", "told the committee that")."""
    found = _valid_lead(_LEAD_ATTRIBUTION, text)
    if found is None:
        return 0
    end = found.end()
    if found.group(0).rstrip().lower().endswith(" that"):
        return end
    gap = _VERB_TO_THAT.match(text[end:])
    if gap is None or not _names_speaker(gap.group("gap")) or gap.group("next").lower() in _CLAUSE_WORDS:
        return end
    opener = words(gap.group("gap"))[:1]
    return end + gap.end() if "told" in words(found.group(0)) or set(opener) & _GAP_OPENERS else end


def _valid_lead(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The leading attribution ``pattern`` finds, unless the words before its verb hold a clause ("It released the
    names of 94 people but said ...", "Authorities have been relying on families who have reported ...");
    auxiliaries right before the verb belong to the attribution ("Both Russia and Syria have said")."""
    found = pattern.match(text)
    if found is None or found.group("name") is None:
        return found
    name = words(found.group("name"))
    while name and name[-1] in _BEFORE_VERB:
        name.pop()
    while name and name[0] in _OPENING_CONJUNCTIONS:  # "But it said that ...", "And Advani said ..."
        name.pop(0)
    apposition = found.group("apposition") or ""  # "Budiawan, who uses one name, said", not "Before yesterday, 19
    # firefighters had died on duty this year, said ..."
    return found if _names_speaker(" ".join(name)) and _names_speaker(apposition) else None


def lead_speaker(text: str) -> frozenset[str]:
    """The words naming who a claim's leading attribution quotes, or an empty set when it names nobody.

    "A U.S. official said that ..." -> {"u.s.", "official"}; "Kerry also told Lavrov ..." -> {"kerry", "lavrov"};
    a pronoun ("He said ...", "and said that ...") or no leading attribution names nobody; when it was said
    ("on Monday", "late on Sunday") is not who said it.

    Example:
        >>> sorted(lead_speaker("The State Department said that it told Moscow it holds Russia responsible."))
        ['department', 'state']
    """
    found = _valid_lead(_LEAD_SPEAKER, text)
    if found is None:
        return frozenset()
    said = found.group(0)
    if found.group("apposition"):  # who the speaker is ("the head of the rescue agency") is not their name
        said = said[:found.start("apposition")] + " " + said[found.end("apposition"):]
    return frozenset(w for w in content_words(said) if w not in _SPEECH and w not in _NOT_SPEAKER)


def is_credit(text: str) -> bool:
    """A picture credit line: a short line naming a picture agency or "Photo" ("Lazuardy Fahmi AP Photo")."""
    stripped = text.strip()
    lower = sum(1 for w in TOKEN.findall(stripped) if w.islower() and w not in _CREDIT_WORDS)
    return len(stripped.split()) <= 8 and lower <= 1 and bool(_CREDIT.match(stripped) or _IMAGE_CAPTION.match(stripped))


def _next_to_credit(sentences: Sequence[Sentence], credits: list[bool], n: int) -> bool:
    """A caption: the sentence before a credit line, or the one after an "Image caption" line."""
    after = (n + 1 < len(credits) and credits[n + 1]
             and not _LEADING_CREDIT.match(sentences[n + 1].text.strip()))
    before = n > 0 and bool(_IMAGE_CAPTION.match(sentences[n - 1].text.strip()))
    return after or before


def _clauses(segmented: SegmentedDocument, sentence: Sentence, config: ClaimConfig) -> list[Claim]:
    """The sentence as one claim, or its clauses when it is long and each clause has content."""
    text = sentence.text
    spans = [(0, len(text))]
    if config.clause_min_words and len(text.split()) >= config.clause_min_words:
        pieces, begin = [], 0
        leading = _LEADING_CLAUSE.match(text)
        cuts = [m.span() for m in _CLAUSE_CUT.finditer(text)] + ([leading.span("cut")] if leading else [])
        for cut_start, cut_end in sorted(cuts):
            pieces.append((begin, cut_start))
            begin = cut_end
        pieces.append((begin, len(text)))
        if len(pieces) > 1 and all(_content_words(text[a:b]) >= config.min_content_words for a, b in pieces):
            spans = pieces
    claims = []
    for clause, (a, b) in enumerate(spans):
        start, end = _trim(sentence.text, a, b)
        claims.append(Claim(sentence.doc_id, segmented.doc.outlet, sentence.index, sentence.start + start,
                            sentence.start + end, segmented.line_of(sentence.start + start),
                            sentence.text[start:end], clause))
    return claims


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span to drop surrounding spaces and the separator punctuation left at its end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;"):
        end -= 1
    return start, end


def _boilerplate(documents: Sequence[SegmentedDocument], min_docs: int) -> frozenset[str]:
    """Normalised sentences found in ``min_docs`` or more documents of one outlet."""
    per_outlet: Counter[tuple[str, str]] = Counter()
    for segmented in documents:
        for key in {_normal(s.text) for s in segmented.sentences}:
            per_outlet[(segmented.doc.outlet, key)] += 1
    return frozenset(key for (_, key), count in per_outlet.items() if count >= min_docs)


def _is_labelled_caption(text: str) -> bool:
    """"Pressure: Lavrov called ..." is a caption; "He added: ..." and "Kerry: 'We ...'" are speech."""
    label = _LABEL.match(text)
    if not label:
        return False
    label_words = label.group(1).lower().split()
    rest = text[label.end() - 1:]
    dateline = bool(_TERMINAL.search(rest)) and (len(rest.split()) >= _DATELINE_WORDS or _states_count(rest))
    claim_heading = _title_case(rest) and not _TERMINAL.search(rest)
    return label_words[0] not in _PRONOUNS and label_words[-1] not in _SPEECH and not dateline and not claim_heading


def _too_short(text: str, min_content_words: int, in_quotation: bool = False) -> bool:
    """Fewer than ``min_content_words`` content words, or fewer than three words. A quoted statement (in quotes, or
    inside a quotation: "“I was desperate.", "I was scared to death.") needs one content word: it is what someone
    said, never page furniture; a quoted question ("And what’s happening?") states nothing. So does a sentence that
    counts people ("A further 856 people were rescued."): a toll or a count is the claim most reports share."""
    if len(text.split()) < 3:
        return True
    content = _content_words(text)
    if content >= max(min_content_words, 1):  # long enough whatever it is: its counts need no parse
        return False
    quoted = (in_quotation or text[:1] in _OPEN_QUOTES or text.rstrip()[-1:] in _CLOSE_QUOTES) \
        and not text.rstrip(_CLOSE_QUOTES + " ").endswith("?")
    counted = _TERMINAL.search(text) is not None and _states_count(text)  # "A further 856 people were rescued."
    return content < (1 if quoted or counted else min_content_words)


def quotation_open(text: str, was_open: bool = False) -> bool:
    """Whether a quotation is still open after ``text``, given whether one was open before it (double quotes only:
    a single one is as often an apostrophe).

    Example:
        >>> quotation_open("“I was desperate."), quotation_open('I was scared," she said.', True)
        (True, False)
    """
    for character in text:
        if character in "\u201c\u201d\"":
            was_open = character == "\u201c" or (character == '"' and not was_open)
    return was_open


def _is_heading(text: str) -> bool:
    """Title case and no closing punctuation: a section heading, not a sentence; a headline that states a count
    of people ("Death Toll Rises to 72 in Cebu Quake", "Over 160 Missing After Ferry Sinks") is a claim."""
    return not _TERMINAL.search(text) and not _CLAIM_HEADING.match(text) and _title_case(text) \
        and not _states_count(text)


def _states_count(text: str) -> bool:
    """Whether the text counts people (the figures stage's reading, case-blind: headlines capitalise verbs)."""
    return bool(count_keys(text.lower()))


def _title_case(text: str) -> bool:
    """At least two words of four letters or more, three in four of them capitalised."""
    # words as written, a hyphenated compound one word ("Cease-Fire"): features.TOKEN would split it in two
    long_words = [w for w in re.findall(r"[^\W\d_][\w'\u2019-]*", text) if len(w) > 3]
    return len(long_words) >= 2 and sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words)


def _content_words(text: str) -> int:
    return sum(1 for w in words(text) if w.isalpha() and w not in FUNCTION_WORDS and len(w) > 1)


def _normal(text: str) -> str:
    return " ".join(words(text))
