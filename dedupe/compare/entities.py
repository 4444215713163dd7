"""The entity table: names found across the corpus, with spelling variants of one name merged.

Names are runs of capitalised words ("Sergei Lavrov", "Walid al-Moallem", "State Department"), with
titles ("Mr", "Foreign Minister"), possessives and sentence-initial common words removed. Spelling
variants merge with rapidfuzz: two forms with the same number of words merge when their whole
normalised forms score at least ``EntityConfig.min_ratio`` and their last words start alike
(Sergei / Sergey Lavrov; al-Moallem / al-Mouallem / al-Muallem), and a shorter form ("Lavrov",
"John Kerry") joins the one longer name it ends (fuzzily) when that is unambiguous.

Comparison uses the table so that spelling variants are never reported as different actors.

Example:
    >>> table = build_entity_table(["Sergei Lavrov met Kerry.", "Sergey Lavrov spoke."])
    >>> table.resolve("Sergey Lavrov") == table.resolve("Sergei Lavrov")
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from dedupe.errors import ConfigError
from dedupe.lexicon import CALENDAR_WORDS, FUNCTION_WORDS
from dedupe.unionfind import UnionFind

# A capitalised word; hyphenated parts must be capitalised too ("Jean-Marc", not "Russian-backed").
_NAME_WORD = (r"(?:[A-Z][\w'\u2019.]*(?:-[A-Z][\w'\u2019.]*)*(?![\w-])"
              r"|(?:al|el|ad|as|ash|bin|ibn|abu)-[A-Z][\w'\u2019-]*\w)")
_PARTICLE = r"(?:al|el|bin|ibn|abu|de|du|da|di|van|von|der|la|le|bin)"
_NAME_RUN = re.compile(rf"{_NAME_WORD}(?:[ \u00a0](?:{_PARTICLE}[ \u00a0])?{_NAME_WORD})*")
_POSSESSIVE = re.compile(r"['\u2019]s?$")
_PARTICLES = frozenset({"al", "el", "ad", "as", "ash", "bin", "ibn", "abu", "de", "du", "da", "di", "van",
                        "von", "der", "la", "le"})
#: Words that precede a name without being part of it (titles and roles).
TITLES = frozenset(
    "mr mrs ms miss dr sir dame lord lady president vice secretary minister foreign prime ambassador "
    "spokesman spokeswoman spokesperson general gen col colonel senator sen rep king queen prince "
    "chancellor mayor governor chief deputy tyrant dictator pope sheikh emir commander professor "
    "prof judge justice envoy leader".split())


@dataclass(frozen=True)
class EntityConfig:
    """How name variants merge.

    Attributes:
        min_ratio: Smallest rapidfuzz ratio (0-100) between two normalised forms of one name.
    """

    min_ratio: float = 88.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_ratio <= 100.0:
            raise ConfigError("entity ratio must be in [0, 100]")


@dataclass(frozen=True)
class Mention:
    """A name in a text: offsets into that text and the name as written (titles removed)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Entity:
    """One named thing and the ways the corpus writes it.

    Attributes:
        name: The most frequent full form (two words or more when there is one).
        variants: Every distinct form, most frequent first, then alphabetical.
        mentions: Number of mentions in the corpus.
    """

    name: str
    variants: tuple[str, ...]
    mentions: int


@dataclass(frozen=True)
class EntityTable:
    """All entities of a corpus and a lookup from any written form to its entity."""

    entities: tuple[Entity, ...]
    forms: dict[str, int]
    vocabulary: frozenset[str]

    def resolve(self, surface: str) -> Entity | None:
        """The entity a written name belongs to, or ``None`` when the corpus never had it."""
        index = self.forms.get(normalise(surface))
        return None if index is None else self.entities[index]

    def mentions(self, text: str) -> list[tuple[Mention, Entity]]:
        """Names in ``text`` that the table knows, with their entities, in text order."""
        found = []
        for mention in find_mentions(text, self.vocabulary):
            for part in self._split_juxtaposed(mention):
                entity = self.resolve(part.text)
                if entity is not None:
                    found.append((part, entity))
        return found

    def _split_juxtaposed(self, mention: Mention) -> list[Mention]:
        """"told Lavrov Washington was": a one-off run whose every word is a known name is two names."""
        parts = [Mention(mention.start + m.start(), mention.start + m.end(), m.group(0))
                 for m in re.finditer(r"\S+", mention.text)]
        entity = self.resolve(mention.text)
        if len(parts) < 2 or (entity is not None and entity.mentions > 1):
            return [mention]
        if all(normalise(p.text) in self.forms for p in parts):
            return parts
        return [mention]


def normalise(name: str) -> str:
    """Lower case, accents and particles ("al-", "bin") removed, single spaces."""
    # The typographic apostrophe becomes a plain one before the ASCII fold, which would drop it ("O\u2019Brien"
    # and "O'Brien", "I\u2019m" and "I'm" are one form).
    plain = unicodedata.normalize("NFKD", name.replace("\u2019", "'")).encode("ascii", "ignore").decode()
    # split at hyphens too, so that a joined particle ("al-Assad") is a word of its own and dropped
    words = [w for w in re.split(r"[\s-]+", plain.lower().replace(".", "")) if w]
    return " ".join(w for w in words if w not in _PARTICLES)


def lowercase_vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Words that occur in lower case somewhere: capitalised, they are sentence starts, not names."""
    # case kept, hyphens and apostrophes inside, as _NAME_WORD reads a name's words (features.words lowers all)
    return frozenset(w for text in texts for w in re.findall(r"\b[a-z][a-z'-]*\b", text))


def find_mentions(text: str, vocabulary: frozenset[str] = frozenset()) -> list[Mention]:
    """Names in a text.

    A capitalised run is cut at titles, function words and possessives ("Syria's Foreign Minister
    Walid al-Muallem" gives "Syria" and "Walid al-Muallem").

    Args:
        text: Any text.
        vocabulary: Lower-case words of the corpus; a capitalised word found there is not a name on
            its own (sentence starts such as "Speaking", headings such as "PHOTO").

    Returns:
        Mentions in text order; offsets index ``text``.
    """
    found: list[Mention] = []
    for match in _NAME_RUN.finditer(text):
        words = [(match.start() + w.start(), match.start() + w.end()) for w in re.finditer(r"\S+", match.group(0))]
        for segment in _segments(text, words):
            mention = _mention(text, segment, vocabulary)
            if mention is not None:
                found.append(mention)
    return found


def _segments(text: str, words: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Cut a run of capitalised words at titles and function words, and after possessives."""
    segments: list[list[tuple[int, int]]] = [[]]
    for start, end in words:
        bare = _bare(text[start:end])
        if not _acronym(text[start:end]) and (bare in FUNCTION_WORDS or bare in TITLES or bare in CALENDAR_WORDS):
            segments.append([])
            continue
        segments[-1].append((start, end))
        if _POSSESSIVE.search(text[start:end]) and text[start:end][-1] in "s\u2019'":
            segments.append([])
    return [s for s in segments if s]


def _mention(text: str, segment: list[tuple[int, int]], vocabulary: frozenset[str]) -> Mention | None:
    # "Secretary of State John Kerry": a leading "State" before a full name is part of the title.
    if len(segment) >= 3 and _bare(text[segment[0][0]:segment[0][1]]) == "state":
        segment = segment[1:]
    if len(segment) == 1:
        word = text[segment[0][0]:segment[0][1]]
        if _bare(word) in vocabulary and not _acronym(word):
            return None
    start, end = segment[0][0], segment[-1][1]
    surface = text[start:end]
    if surface.endswith(".") and "." not in surface[:-1]:
        surface = surface[:-1]
    surface = _POSSESSIVE.sub("", surface)
    return Mention(start, start + len(surface), surface) if surface else None


def _acronym(word: str) -> bool:
    """"US", "UN", "RAF": short all-capital words are names even where a word is spelled alike."""
    letters = _POSSESSIVE.sub("", word).replace(".", "")
    return 2 <= len(letters) <= 3 and letters.isupper()


def _bare(word: str) -> str:
    return _POSSESSIVE.sub("", word).strip(".").lower()


def build_entity_table(texts: Sequence[str], config: EntityConfig | None = None) -> EntityTable:
    """Find every name in the texts and merge spelling variants.

    Args:
        texts: The corpus texts (claims or whole documents).
        config: Merge threshold.

    Returns:
        The table; entities ordered by mentions (descending), then name.
    """
    config = config or EntityConfig()
    vocabulary = lowercase_vocabulary(texts)
    surfaces = Counter(m.text for text in texts for m in find_mentions(text, vocabulary))
    by_form: dict[str, Counter[str]] = {}
    for surface, count in sorted(surfaces.items()):
        key = normalise(surface)
        if key:
            by_form.setdefault(key, Counter())[surface] += count
    clusters = _cluster_forms(sorted(by_form), {k: sum(v.values()) for k, v in by_form.items()}, vocabulary, config)
    entities = sorted((_entity([by_form[f] for f in forms]) for forms in clusters),
                      key=lambda e: (-e.mentions, e.name))
    position = {e.name: i for i, e in enumerate(entities)}
    forms = {}
    for cluster in clusters:
        index = position[_entity([by_form[f] for f in cluster]).name]
        forms.update({f: index for f in cluster})
    return EntityTable(tuple(entities), forms, vocabulary)


def _entity(counters: list[Counter[str]]) -> Entity:
    total: Counter[str] = Counter()
    for counter in counters:
        total.update(counter)
    ordered = sorted(total, key=lambda s: (-total[s], s))
    full = [s for s in ordered if len(normalise(s).split()) >= 2]
    return Entity(full[0] if full else ordered[0], tuple(ordered), sum(total.values()))


def _cluster_forms(forms: list[str], counts: dict[str, int], vocabulary: frozenset[str],
                   config: EntityConfig) -> list[list[str]]:
    """Union-find over normalised forms: spelling variants, then unambiguous short forms.

    Forms are numbered in sorted order, so a set's root is its alphabetically first form.
    """
    number = {form: i for i, form in enumerate(sorted(forms))}
    sets = UnionFind(len(number))
    for a, b in _same_length_variants(forms, config.min_ratio):
        sets.union(number[a], number[b])
    for short, long_root in _short_form_links(forms, sets, number, counts, vocabulary, config.min_ratio):
        sets.union(number[short], long_root)
    groups: dict[int, list[str]] = {}
    for form in forms:
        groups.setdefault(sets.find(number[form]), []).append(form)
    return sorted(groups.values(), key=lambda g: (-sum(counts[f] for f in g), g[0]))


def _same_length_variants(forms: list[str], min_ratio: float) -> Iterable[tuple[str, str]]:
    buckets: dict[tuple[int, str], list[str]] = {}
    for form in forms:
        words = form.split()
        buckets.setdefault((len(words), words[-1][:1]), []).append(form)
    for bucket in buckets.values():
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                if _variant(a, b, min_ratio):
                    yield a, b


def _variant(a: str, b: str, min_ratio: float) -> bool:
    wa, wb = a.split(), b.split()
    if min(len(wa[-1]), len(wb[-1])) < 5 and wa[-1] != wb[-1]:
        return False  # short names (Iran / Iraq) differ by one letter too often to guess
    if any(x[:1] != y[:1] for x, y in zip(wa, wb)):
        return False
    return fuzz.ratio(a, b) >= min_ratio


def _short_form_links(forms: list[str], sets: UnionFind, number: dict[str, int], counts: dict[str, int],
                      vocabulary: frozenset[str], min_ratio: float) -> Iterable[tuple[str, int]]:
    """(short form, root of the one longer name it ends) for unambiguous short forms.

    A longer name written only once is no target: one-off runs are often two names side by side
    ("told Lavrov Washington was") or a title-case heading, not a full name; nor is one that starts
    with a common word ("Southern Syria" is a region, not Syria's full name).
    """
    totals: Counter[int] = Counter()
    for form in forms:
        totals[sets.find(number[form])] += counts[form]
    # Longer names by the initial of their last word, which a short form's last word must share
    # (see _ends_with): each form is compared with those only, not with every longer name.
    longer: dict[str, list[tuple[str, list[str]]]] = {}
    for name in forms:
        words = name.split()
        if len(words) >= 2 and totals[sets.find(number[name])] >= 2 and words[0] not in vocabulary:
            longer.setdefault(words[-1][:1], []).append((name, words))
    for form in sorted(forms, key=lambda f: (-len(f.split()), f)):
        words = form.split()
        if any(len(w) < 3 for w in words):
            continue  # never a short form (_ends_with)
        roots = {sets.find(number[other]) for other, other_words in longer.get(words[-1][:1], [])
                 if len(other_words) > len(words) and _ends_with(other_words, words, min_ratio)}
        if len(roots) == 1:
            yield form, roots.pop()


def _ends_with(long_words: list[str], short_words: list[str], min_ratio: float) -> bool:
    tail = long_words[-len(short_words):]
    if any(len(w) < 3 for w in short_words):
        return False
    return fuzz.ratio(" ".join(tail), " ".join(short_words)) >= min_ratio and tail[-1][:1] == short_words[-1][:1]

