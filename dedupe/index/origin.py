"""Where reused text came from: the earliest published occurrence, and whether each reuse credits it.

For a passage (or a near-duplicate document) found in several documents, the **probable origin** is the
occurrence with the earliest ISO date (documents without one come after every dated one; ties go to
the earlier document in corpus order). Every other document of another outlet **credits** the origin
when its text names the origin's outlet the way wire copy is credited: ``(AP)``, ``-Reuters``,
``AFP``-style datelines, ``according to Reuters``, ``Reuters reported``. Known wires are matched under
their usual names (``AP`` / ``Associated Press``, ``AFP`` / ``Agence France-Presse``, ``Reuters`` /
``Reuter``). A credit that speaks (``told Reuters``, ``Reuters said``, ``according to Reuters``) counts only
in the reuser's own words: found in words the origin printed too, it is the origin speaking of itself (Reuters
writes "told Reuters" of its own reporting) and was copied with them. A dateline or sign-off credits wherever it
stands, a wire copy printed whole included. Uncredited reuse of another outlet's text is what an editor wants to
see first.

Example:
    >>> credit("LONDON (Reuters) - Shares fell.", "Reuters")
    '(Reuters)'
    >>> credit("Shares fell, the paper said.", "Reuters")
    ''
    >>> credit("Output rose, a trader told Reuters.", "Reuters", origin="Output rose, a trader told Reuters.")
    ''
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from dedupe.corpus.documents import Document
from dedupe.scan.near_dup import Finding

#: Other names of the wires, by the lower-cased name an outlet may carry.
WIRE_NAMES = {"reuters": ("Reuters", "Reuter"), "ap": ("AP", "Associated Press"),
              "associated press": ("AP", "Associated Press"), "afp": ("AFP", "Agence France-Presse"),
              "agence france-presse": ("AFP", "Agence France-Presse")}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Reuse:
    """A document that carries text first published elsewhere.

    Attributes:
        doc: Its id.
        outlet: Its outlet.
        credited: Whether it credits the origin's outlet (always true for the origin's own outlet).
        credit: The credit as written (``"(Reuters)"``), ``"same outlet"``, or empty when uncredited.
    """

    doc: str
    outlet: str
    credited: bool
    credit: str


@dataclass(frozen=True)
class PassageOrigin:
    """The probable origin of a finding's text and the documents that reuse it.

    Attributes:
        finding: Index of the finding in the result's findings.
        doc: Id of the origin document.
        outlet: Its outlet.
        date: Its ISO date, empty when unknown.
        reuses: Every other document of the finding, in corpus order.
    """

    finding: int
    doc: str
    outlet: str
    date: str
    reuses: tuple[Reuse, ...]


def passage_origins(findings: Sequence[Finding], documents: Mapping[str, Document],
                    order: Sequence[str]) -> tuple[PassageOrigin, ...]:
    """The origin of every finding shared by two documents or more.

    Args:
        findings: Findings of a scan.
        documents: Every document the findings name, by id.
        order: Document ids in corpus order (ties between equal dates).

    Returns:
        One :class:`PassageOrigin` per finding with several documents, in the order of the findings.
    """
    rank = {doc: i for i, doc in enumerate(order)}
    credits: dict[tuple[str, str], Reuse] = {}  # a document reuses the same origin in many findings
    origins = []
    for index, finding in enumerate(findings):
        docs = sorted({o.doc for o in finding.occurrences}, key=rank.__getitem__)
        if len(docs) < 2:
            continue
        first = min(docs, key=lambda d: (_sort_date(documents[d]), rank[d]))
        source = documents[first]
        reuses = tuple(_cached_reuse(credits, documents[d], source) for d in docs if d != first)
        origins.append(PassageOrigin(index, first, source.outlet, _iso(source), reuses))
    return tuple(origins)


def credit(text: str, outlet: str, origin: str = "") -> str:
    """The first credit of ``outlet`` in ``text`` as written, or ``""``.

    Args:
        text: The reusing document's text.
        outlet: The origin's outlet.
        origin: The origin's text: a credit that speaks (``told Reuters``) counts only where the words around it
            are not the origin's too (:func:`_copied`); empty: every credit counts.

    Returns:
        The matched credit, e.g. ``"(AP)"``, ``"- Reuters"``, ``"according to Reuters"``.
    """
    if not outlet.strip():
        return ""
    if not any(name in text for name in _credit_names(outlet)):
        return ""  # every form of credit spells a name: most texts are ruled out without the pattern
    printed = ""  # the origin's words, single-spaced: made for the first credit that speaks
    for found in credit_pattern(outlet).finditer(text):
        if origin and found.group("speaks"):
            printed = printed or " ".join(origin.split())
            if _copied(text, found, printed):
                continue
        return found.group(0).strip()
    return ""


def _copied(text: str, found: re.Match[str], printed: str) -> bool:
    """Whether the credit ``found`` in ``text`` stands among words the origin printed too (``printed``: the
    origin's words, single-spaced): on each side that has words, the credit with the words of its sentence before
    it (eight at most), and with the four after it unless it ends its sentence.

    Both sides, not either: a reuser writing its own sentence in the origin's formula ("people familiar with the
    matter told Reuters the deal...") shares the words on one side only. Eight words before, not four: a formula
    of five words ending the reuser's sentence would pass for the origin's; not before its sentence: a short
    sentence copied after the reuser's own would not.
    """
    start, end = found.span()
    words = len(found.group(0).split())
    head = text[max(0, start - 400):start]
    opens = max((m.end() for m in _SENTENCE_END.finditer(head)), default=0)
    before = " ".join((head[opens:] + found.group(0)).split()[-(words + 8):])
    rest = text[end:end + 200]
    after = "" if _SENTENCE_END.match(rest) or not rest.strip() else " ".join(text[start:end + 200].split()[:words + 4])
    sides = [side for side in (before, after) if len(side.split()) > words]
    return bool(sides) and all(side in printed for side in sides)


#: The end of the sentence a credit closes: a full stop, question or exclamation mark, and any closing quote.
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)]*(?:\s|$)")


def _credit_names(outlet: str) -> tuple[str, ...]:
    """The names under which ``outlet`` is credited, as the pattern matches them (case kept)."""
    return WIRE_NAMES.get(outlet.strip().lower(), (outlet.strip(),))


@lru_cache(maxsize=256)
def credit_pattern(outlet: str) -> re.Pattern[str]:
    """The pattern of every form of credit of ``outlet`` (:func:`credit` searches it where a name occurs)."""
    names = _credit_names(outlet)
    name = "(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ")"
    # The words before a name in either case: a sentence or a line may start with them ("According to Reuters,").
    # A sign-off's dash stands after no letter: "Thomson-Reuters" is a name, "Ipsos-Reuters poll" a poll's.
    marks = [rf"\(\s*{name}\s*\)", rf"(?<!\w)[-\u2013\u2014]\s*{name}\b", rf"\b(?i:via|source:) (?i:the )?{name}\b",
             rf"^\s*{name}\s*[-\u2013\u2014:]"]  # datelines, sign-offs: a credit wherever they stand
    speaks = [rf"\b(?i:according to )(?i:the )?{name}\b", rf"\b{name} (?:reported|said|wrote)\b",
              rf"\b(?i:told )(?i:the )?{name}\b"]  # the reuser's own words only (see credit)
    return re.compile("|".join(marks) + f"|(?P<speaks>{'|'.join(speaks)})", re.MULTILINE)


def _cached_reuse(cache: dict[tuple[str, str], Reuse], doc: Document, source: Document) -> Reuse:
    key = (doc.id, source.id)
    if key not in cache:
        cache[key] = _reuse(doc, source)
    return cache[key]


def _reuse(doc: Document, source: Document) -> Reuse:
    if doc.outlet.strip().lower() == source.outlet.strip().lower():
        return Reuse(doc.id, doc.outlet, True, "same outlet")
    found = credit(doc.text, source.outlet, source.text)
    return Reuse(doc.id, doc.outlet, bool(found), found)


def _iso(doc: Document) -> str:
    text = doc.date_text
    return text[:10] if _ISO_DATE.match(text) else ""


def _sort_date(doc: Document) -> str:
    return _iso(doc) or "9999-99-99"
