"""Stage 5: compare claims across outlets: agreement, divergence, and what only one outlet says.

The pipeline of :func:`compare_corpus`: group documents into stories (:mod:`dedupe.stories`), pick
the claims (:mod:`dedupe.compare.claims`), build the entity table (:mod:`dedupe.compare.entities`), embed the claims
(:mod:`dedupe.embed.encoder`, cached), align them inside each story (:mod:`dedupe.compare.align`; on their
contents, attribution such as "X said on Monday that" or "..., Xinhua reported" stripped by
:func:`dedupe.compare.claims.claim_content`, while findings point at the whole claim; a headline or lead then
joins the group of its own document's claim it restates: :mod:`dedupe.compare.summaries`) and group the
claims that count the same thing (the dead, the injured...: :mod:`dedupe.compare.counts`) or state the same
fact (12,000 homes collapsed, a magnitude of 6.1, 4:30 p.m.: :mod:`dedupe.compare.facts`; a claim may sit in a
wording group and in one count or fact group per thing it counts or states), then give every group a status
with reasons (:mod:`dedupe.compare.divergence`, the figures of a count group, optionally an NLI cross-encoder):

- ``agreement``: two or more outlets state the claim and no conflict was found;
- ``divergence``: two or more outlets state it with conflicting details (each conflict a reason);
- ``unique``: one outlet only states it.

Example:
    >>> result = compare_corpus(documents, load_encoder())     # doctest: +SKIP
    >>> [g.status for g in result.groups][:3]                  # doctest: +SKIP
    ['divergence', 'agreement', 'agreement']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

import numpy as np

from dedupe.compare.align import DIVERGENCE_THRESHOLD, AlignConfig, align, divergence_score
from dedupe.compare.claims import Claim, ClaimConfig, claim_content, extract_claims, lead_speaker
from dedupe.compare.counts import CountGroup, CountKey, StatedCount, count_difference, count_groups, count_update, \
    referred_counts, stated_counts
from dedupe.compare.divergence import (
    MemberWords,
    Reason,
    attribution_conflict,
    entity_conflict,
    is_place,
    negation_conflict,
    number_conflict,
    quote_conflict,
    route_conflict,
    time_conflict,
)
from dedupe.compare.entities import Entity, EntityConfig, EntityTable, build_entity_table
from dedupe.compare.facts import fact_groups, local_times, stated_facts
from dedupe.compare.summaries import expand_summaries, summary_flags
from dedupe.compare.features import pair_features
from dedupe.embed.claim_space import fits_claim_map
from dedupe.embed.encoder import EmbeddingCache, Encoder, embed
from dedupe.errors import ConfigError
from dedupe.figures.extract import parse_sentence
from dedupe.figures.parameters import local_offset
from dedupe.lexicon import plural_noun
from dedupe.runtime import Progress, no_progress
from dedupe.segment import SegmentedDocument
from dedupe.stories import Story, StoryConfig, group_stories, known_date, story_index

STATUSES = ("divergence", "agreement", "unique")
# Claim-model probability from which two linked versions count as a close paraphrase (negation, actor and
# attribution conflicts are only looked for between close versions).
_CLOSE = 0.6
_ROUTE_DETAIL = "where one version's journey starts, the other's ends"


@dataclass(frozen=True)
class CompareConfig:
    """Every setting of ``dedupe compare``.

    Attributes:
        story: How documents group into stories.
        claims: What is a claim.
        align: Alignment thresholds.
        entities: Name-variant merging.
        divergence_threshold: Smallest SICK-fitted divergence score for a negation conflict, in [0, 1].
        nli_model: Folder of a sentence-transformers CrossEncoder NLI model, or ``None``.
        nli_threshold: Smallest NLI contradiction probability reported as a conflict, in [0, 1].
    """

    story: StoryConfig = field(default_factory=StoryConfig)
    claims: ClaimConfig = field(default_factory=ClaimConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    entities: EntityConfig = field(default_factory=EntityConfig)
    divergence_threshold: float = DIVERGENCE_THRESHOLD
    nli_model: str | None = None
    nli_threshold: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.divergence_threshold <= 1.0:
            raise ConfigError("divergence threshold must be in [0, 1]")
        if not 0.0 <= self.nli_threshold <= 1.0:
            raise ConfigError("nli threshold must be in [0, 1]")


@dataclass(frozen=True)
class ClaimGroup:
    """One claim as the outlets of a story state it.

    Attributes:
        status: ``agreement``, ``divergence`` or ``unique``.
        story: Id of the story.
        similarity: Mean paraphrase probability of the group's scored pairs (for a count group, the mean
            embedding cosine of its members); ``None`` for one member.
        members: The claims, in corpus order.
        reasons: Conflicts found (divergence only).
        divergence_score: Highest SICK-fitted divergence score over member pairs; ``None`` for one member.
        nli_contradiction: Highest NLI contradiction probability, when an NLI model was given.
        updates: Figures of a toll that differ between reports of different dates in the way a toll grows
            (type ``update``): listed apart from the conflicts; the outlets still give different figures, so
            the group is a divergence (the gold's rule: "a toll that rose between reports" is one), explained.
    """

    status: str
    story: str
    similarity: float | None
    members: tuple[Claim, ...]
    reasons: tuple[Reason, ...] = ()
    divergence_score: float | None = None
    nli_contradiction: float | None = None
    updates: tuple[Reason, ...] = ()

    @property
    def outlets(self) -> tuple[str, ...]:
        """Distinct outlets of the members, in member order."""
        return tuple(dict.fromkeys(m.outlet for m in self.members))


@dataclass(frozen=True)
class CompareResult:
    """What ``dedupe compare`` reports.

    Attributes:
        stories: The stories compared.
        groups: Claim groups by interest: by story, then status (divergence, agreement, unique), then the
            most outlets first, then position.
        entities: Entities written in more than one way, most mentioned first.
        claims: Number of claims; furniture: number of sentences that were not claims.
    """

    stories: tuple[Story, ...]
    groups: tuple[ClaimGroup, ...]
    entities: tuple[Entity, ...]
    claims: int
    furniture: int


def compare_corpus(documents: Sequence[SegmentedDocument], encoder: Encoder, config: CompareConfig | None = None,
                   stories: tuple[Story, ...] | None = None, cache: EmbeddingCache | None = None,
                   progress: Progress = no_progress) -> CompareResult:
    """Compare the claims of a corpus across outlets, story by story.

    Args:
        documents: Segmented documents, in corpus order.
        encoder: Sentence encoder (see :mod:`dedupe.embed.encoder`).
        config: Settings.
        stories: Stories already computed; grouped here when ``None``.
        cache: Embedding cache; ``None`` encodes everything.
        progress: Progress callable for the encoding of the claims.

    Returns:
        The groups, stories and entity table.

    Raises:
        ConfigError: If the NLI model cannot be loaded.
    """
    config = config or CompareConfig()
    if not fits_claim_map(encoder.fingerprint):  # the claim map belongs to the packaged model
        config = replace(config, align=replace(config.align, claim_space=False))
    if config.nli_model:
        from dedupe.compare.nli import check_model

        check_model(config.nli_model)  # fail before the long work, not after it
    if stories is None:
        stories = group_stories([d.doc for d in documents], config.story)
    claim_set = extract_claims(documents, config.claims)
    table = build_entity_table([d.doc.text for d in documents], config.entities)
    claims = claim_set.claims
    vectors = embed(encoder, [c.text for c in claims], cache, progress) if claims else np.zeros((0, 1), np.float32)
    contents = [claim_content(c.text, config.claims.min_content_words) for c in claims]
    content_vectors = _content_vectors(encoder, cache, claims, contents, vectors)
    order = {d.doc.id: i for i, d in enumerate(documents)}
    story_of = story_index(stories)
    by_story: dict[str, list[int]] = {}
    for i, claim in enumerate(claims):  # in claim order, as the per-story lists must be
        if claim.doc_id in story_of:
            by_story.setdefault(story_of[claim.doc_id], []).append(i)
    dates = {d.doc.id: known_date(d.doc) for d in documents}
    figures = [parse_sentence(c.text, dates[c.doc_id]) for c in claims]  # once: counts and facts both read them
    counts = referred_counts([c.text for c in claims], [stated_counts(c.text, dates[c.doc_id], found)
                                                        for c, found in zip(claims, figures)], _previous(claims))
    facts = [stated_facts(c.text, dates[c.doc_id], found) for c, found in zip(claims, figures)]
    groups: list[ClaimGroup] = []
    for story in stories:
        indices = by_story.get(story.id, [])
        groups.extend(_story_groups(story.id, [claims[i] for i in indices], [contents[i] for i in indices],
                                    (content_vectors[indices], vectors[indices]), table, config,
                                    ([counts[i] for i in indices], [facts[i] for i in indices], dates)))
    if config.nli_model:
        groups = _with_nli(groups, config)
    rank = {story.id: i for i, story in enumerate(stories)}
    groups.sort(key=lambda g: (rank[g.story], STATUSES.index(g.status), -len(g.outlets),
                               order[g.members[0].doc_id], g.members[0].start))
    entities = tuple(e for e in table.entities if len(e.variants) > 1)
    return CompareResult(tuple(stories), tuple(groups), entities, len(claims), len(claim_set.furniture))


def _previous(claims: Sequence[Claim]) -> list[int | None]:
    """For each claim, the index of the last claim of the sentence right before its sentence in its document."""
    last: dict[tuple[str, int], int] = {}
    for i, claim in enumerate(claims):
        last[(claim.doc_id, claim.sentence)] = i
    return [last.get((c.doc_id, c.sentence - 1)) for c in claims]


def _content_vectors(encoder: Encoder, cache: EmbeddingCache | None, claims: Sequence[Claim], contents: list[str],
                     vectors: np.ndarray) -> np.ndarray:
    """Embeddings of the claims' contents (:func:`claim_content`): the text's own where nothing was stripped."""
    changed = [i for i, (claim, content) in enumerate(zip(claims, contents)) if content != claim.text]
    result = vectors.copy()
    if changed:
        result[changed] = embed(encoder, [contents[i] for i in changed], cache)
    return result


_Counts = tuple[list[tuple[StatedCount, ...]], list[tuple[StatedCount, ...]], dict[str, dt.date | None]]


def _story_groups(story_id: str, claims: list[Claim], contents: list[str], embedded: tuple[np.ndarray, np.ndarray],
                  table: EntityTable, config: CompareConfig, counted: _Counts) -> list[ClaimGroup]:
    """Wording groups (aligned on the claims' contents, attribution stripped) and count groups (on the whole
    claims' embeddings) of one story, and its unique claims; ``embedded``: (content vectors, text vectors);
    ``counted``: what each claim counts, the facts it states, and each document's report date. A claim sits in
    its wording group, one count group per count and one fact group per fact; a wording group with the
    members of a count or fact group is that group."""
    if not claims:
        return []
    vectors, text_vectors = embedded
    counts, facts, dates = counted
    facts = local_times(facts, local_offset([c.text for c in claims]))
    doc_keys = [c.doc_id for c in claims]
    sentence_keys = [f"{c.doc_id}\u0000{c.sentence}" for c in claims]
    is_counted, speakers = [bool(found) for found in counts], [lead_speaker(c.text) for c in claims]
    alignment = align(contents, vectors, doc_keys, config.align, sentence_keys, is_counted, speakers)
    if config.align.summary_claims:
        alignment = expand_summaries(alignment, contents, vectors, doc_keys,
                                     summary_flags(doc_keys, config.align.summary_claims), config.align,
                                     sentence_keys, is_counted, speakers,
                                     [frozenset(f.key for f in (*counts[i], *facts[i])) for i in range(len(claims))])
    mutual = config.align.count_mutual_cosine if config.align.count_mutual_cosine <= 1 else None
    by_count = count_groups(counts, text_vectors, doc_keys, config.align.count_cosine, sentence_keys, mutual) \
        if config.align.count_cosine <= 1 else ()
    counted_members = {c.members for c in by_count}
    by_fact = _distinct_facts(fact_groups(facts, text_vectors, doc_keys, config.align.fact_cosine,
                                          config.align.fact_same_cosine, sentence_keys), counted_members) \
        if config.align.fact_cosine <= 1 else ()
    scores = {(p.first, p.second): p.probability for p in alignment.pairs}
    figure_members = counted_members | {f.members for f in by_fact}
    text_groups = [g for g in alignment.groups if g not in figure_members]
    grouped = {i for g in (*text_groups, *(c.members for c in (*by_count, *by_fact))) for i in g}
    result = [_group(story_id, [_Member(claims[i], contents[i], counts[i], dates.get(claims[i].doc_id)) for i in g],
                     [scores.get(k) for k in combinations(g, 2)],
                     [float(vectors[i] @ vectors[j]) for i, j in combinations(g, 2)], table, config)
              for g in text_groups]
    for figure_groups, stated in ((by_count, counts), (by_fact, facts)):
        result.extend(_count_group(story_id, group, [_Member(claims[i], contents[i], stated[i],
                                                             dates.get(claims[i].doc_id)) for i in group.members],
                                   vectors) for group in figure_groups)
    result.extend(ClaimGroup("unique", story_id, None, (c,)) for i, c in enumerate(claims) if i not in grouped)
    return result


def _distinct_facts(groups: Sequence[CountGroup], counted: set[tuple[int, ...]]) -> tuple[CountGroup, ...]:
    """Fact groups whose members no count group holds; of two event-parameter groups with the same members (a
    quake's magnitude and its depth, stated by the same claims), the first only: its divergence compares the
    other parameters the members share (:func:`_other_parameters`), so the depth is not reported twice."""
    kept: list[CountGroup] = []
    parameters: set[tuple[int, ...]] = set()
    for group in groups:
        if group.members in counted or (group.key.kind == "parameter" and group.members in parameters):
            continue
        kept.append(group)
        if group.key.kind == "parameter":
            parameters.add(group.members)
    return tuple(kept)


@dataclass(frozen=True)
class _Member:
    """A claim of a group with what its divergence checks read: content, counts, report date."""

    claim: Claim
    content: str
    counts: tuple[StatedCount, ...]
    day: dt.date | None


def _group(story_id: str, members: list[_Member], probabilities: list[float | None], cosines: list[float],
           table: EntityTable, config: CompareConfig) -> ClaimGroup:
    """A group's status and reasons; ``probabilities`` of its member pairs in combinations order (None: unscored).

    Conflicts are looked for between members the alignment linked directly (probability at the
    threshold or above), so two members that only share a group through others are not compared; a
    negation, actor, place, time or attribution conflict further needs the pair to be a close paraphrase
    (:data:`_CLOSE`), since wording differences between loosely linked versions are not conflicts.
    """
    scored = [p for p in probabilities if p is not None]
    similarity = float(np.mean(scored)) if scored else None
    claims = tuple(m.claim for m in members)
    if len({c.outlet for c in claims}) < 2:
        return ClaimGroup("unique", story_id, similarity, claims)
    pairs = list(combinations(range(len(members)), 2))
    features = pair_features([claims[i].text for i, _ in pairs], [claims[j].text for _, j in pairs], cosines)
    divergence = divergence_score(features)
    reasons: list[Reason] = []
    updates: list[Reason] = []
    for (i, j), score, probability in zip(pairs, divergence, probabilities):
        if claims[i].outlet != claims[j].outlet and probability is not None \
                and probability >= config.align.threshold:
            reasons.extend(_pair_reasons(members[i], members[j], float(score), probability >= _CLOSE, table, config))
            for key in sorted({c.key for c in members[i].counts} & {c.key for c in members[j].counts}, key=_key_order):
                _count_reason(key, members[i], members[j], reasons, updates)
    return ClaimGroup("divergence" if reasons or updates else "agreement", story_id, similarity, claims,
                      tuple(_distinct(reasons)), float(divergence.max()), updates=tuple(_distinct(updates)))


def _count_group(story_id: str, group: CountGroup, members: list[_Member], vectors: np.ndarray) -> ClaimGroup:
    """A group of claims that count one thing: a divergence where two outlets' figures have no value in common
    (where reports of different dates explain it as a rising toll, the difference is listed as an update), or,
    for an event's parameter, where one's journey starts where the other's ends; one outlet's documents alone
    are ``unique``, as a wording group of one outlet is."""
    cosines = [float(vectors[i] @ vectors[j]) for i, j in combinations(group.members, 2)]
    if len({m.claim.outlet for m in members}) < 2:
        return ClaimGroup("unique", story_id, float(np.mean(cosines)), tuple(m.claim for m in members))
    reasons: list[Reason] = []
    updates: list[Reason] = []
    for a, b in combinations(members, 2):
        if a.claim.outlet != b.claim.outlet:
            for key in (group.key, *_other_parameters(group.key, a, b)):
                _count_reason(key, a, b, reasons, updates)
            route = route_conflict(a.content, b.content) if group.key.kind == "parameter" else None
            if route is not None:  # one event's parameters: its journey too
                reasons.append(_reason("place", _ROUTE_DETAIL, a.claim, b.claim, route))
    return ClaimGroup("divergence" if reasons or updates else "agreement", story_id, float(np.mean(cosines)),
                      tuple(m.claim for m in members), tuple(_distinct(reasons)), updates=tuple(_distinct(updates)))


def _other_parameters(key: CountKey, a: _Member, b: _Member) -> list[CountKey]:
    """The event parameters besides ``key`` that two members of a parameter's group both give: they describe the
    same event ("struck at 4:30 p.m. ... at a depth of 12 km" / "... at a depth of 10 kilometers")."""
    if key.kind != "parameter":
        return []
    shared = {c.key for c in a.counts} & {c.key for c in b.counts}
    return sorted((k for k in shared if k.kind == "parameter" and k != key), key=_key_order)


def _count_reason(key: CountKey, a: _Member, b: _Member, reasons: list[Reason], updates: list[Reason]) -> None:
    """Add the conflict (to ``reasons``) or update (to ``updates``) between two members' figures of ``key``."""
    differ = count_difference(a.counts, b.counts, key)
    if differ is None:
        return
    if count_update(a.counts, b.counts, key, (a.day, b.day)):
        first, second = (a, b) if a.day is not None and b.day is not None and a.day < b.day else (b, a)
        words = differ if first is a else (differ[1], differ[0])
        updates.append(_reason("update", f"the {_count_name(key)} changed between reports of "
                                         f"{first.day} and {second.day} (a later report)", first.claim, second.claim,
                               words))
    else:
        reasons.append(_reason("number", f"different figures for the {_count_name(key)}", a.claim, b.claim, differ))


def _key_order(key: CountKey) -> tuple[str, str, bool]:
    return key.measure, key.place or "", key.running


def _count_name(key: CountKey) -> str:
    if key.kind == "parameter":
        return key.measure
    if key.kind == "things":  # "home destroyed": the number of homes destroyed
        noun, _, state = key.measure.partition(" ")
        return f"number of {plural_noun(noun)} {state}".rstrip()
    where = f" in {key.place}" if key.place else ""
    return f"{'running total of ' if key.running else ''}number {key.measure}{where}"


def _pair_reasons(a: _Member, b: _Member, score: float, close: bool, table: EntityTable,
                  config: CompareConfig) -> list[Reason]:
    """The conflicts between two linked members' versions (names compared on the contents, attribution
    stripped: a different source of the same fact is not a different actor)."""
    names = entity_conflict(a.content, b.content, table) if close else None
    checks = (
        ("number", number_conflict(a.claim.text, b.claim.text), "different numbers for the same thing"),
        ("negation", negation_conflict(a.claim.text, b.claim.text)
         if close and score >= config.divergence_threshold else None,
         f"one version negates the other (divergence score {score:.2f})"),
        (_name_kind(a.content, names), names, f"a different {_name_kind(a.content, names)} in the same statement"),
        ("time", time_conflict(a.content, b.content) if close else None, "a different time for the same event"),
        ("place", route_conflict(a.content, b.content) if close else None, _ROUTE_DETAIL),
        ("quote", quote_conflict(a.claim.text, b.claim.text, table),
         "the same quotation attributed to different people"),
        ("attribution", attribution_conflict(a.claim.text, b.claim.text) if close else None,
         "flagged as unverified by one outlet, stated as fact by the other"),
    )
    return [_reason(kind, detail, a.claim, b.claim, conflict) for kind, conflict, detail in checks
            if conflict is not None]


def _name_kind(text: str, names: tuple[tuple[str, ...], tuple[str, ...]] | None) -> str:
    """``place`` when the first version's name follows a place preposition, else ``actor``."""
    return "place" if names is not None and is_place(text, names[0][0]) else "actor"


def _reason(kind: str, detail: str, a: Claim, b: Claim, conflict: tuple[tuple[str, ...], tuple[str, ...]]) -> Reason:
    """A reason with both versions' words side by side, each located in its document."""
    words_a, words_b = conflict
    return Reason(kind, f"{detail}: {_said(a, words_a)} vs {_said(b, words_b)}",
                  (_located(a, words_a), _located(b, words_b)))


def _located(claim: Claim, words: tuple[str, ...]) -> MemberWords:
    """The member's words with their document offsets (searched in order inside the claim, spacing free)."""
    spans = []
    cursor = 0
    for word in words:
        pattern = re.compile(r"\s+".join(map(re.escape, word.split())) or re.escape(word))
        match = pattern.search(claim.text, cursor) or pattern.search(claim.text)
        if match is None:
            return MemberWords(claim.doc_id, claim.outlet, words, (), claim.line)
        spans.append((claim.start + match.start(), claim.start + match.end()))
        cursor = match.end()
    return MemberWords(claim.doc_id, claim.outlet, words, tuple(spans), claim.line)


def _said(claim: Claim, words: tuple[str, ...]) -> str:
    shown = ", ".join(f"'{w}'" for w in words) if words else "(not stated)"
    return f"{claim.outlet} ({claim.doc_id}) {shown}"


def _distinct(reasons: list[Reason]) -> list[Reason]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for reason in reasons:
        key = (reason.type, reason.detail)
        if key not in seen:
            seen.add(key)
            kept.append(reason)
    return kept


def _with_nli(groups: list[ClaimGroup], config: CompareConfig) -> list[ClaimGroup]:
    """Add the NLI model's contradiction probability to every group of two or more outlets."""
    from dedupe.compare.nli import contradiction_scores

    multi = [g for g in groups if len(g.members) > 1]
    pairs = [(g, i, j) for g in multi for i, j in combinations(range(len(g.members)), 2)]
    scores = contradiction_scores(str(config.nli_model), [(g.members[i].text, g.members[j].text) for g, i, j in pairs])
    best: dict[int, tuple[float, int, int]] = {}
    for (g, i, j), score in zip(pairs, scores):
        if id(g) not in best or score > best[id(g)][0]:
            best[id(g)] = (float(score), i, j)
    return [_nli_group(g, best[id(g)], config.nli_threshold) if id(g) in best else g for g in groups]


def _nli_group(group: ClaimGroup, best: tuple[float, int, int], threshold: float) -> ClaimGroup:
    score, i, j = best
    a, b = group.members[i], group.members[j]
    reasons = group.reasons
    status = group.status
    if score >= threshold and status != "unique":
        reasons += (Reason("contradiction", f"NLI model: contradiction {score:.2f} between {a.outlet} ({a.doc_id}) "
                                            f"and {b.outlet} ({b.doc_id})",
                           (MemberWords(a.doc_id, a.outlet, ()), MemberWords(b.doc_id, b.outlet, ()))),)
        status = "divergence"
    return ClaimGroup(status, group.story, group.similarity, group.members, reasons, group.divergence_score, score,
                      group.updates)
