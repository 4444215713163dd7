"""Stage 5: compare claims across outlets: agreement, divergence, and what only one outlet says.

The pipeline of :func:`compare_corpus`: group documents into stories (:mod:`dedupe.stories`), pick
the claims (:mod:`dedupe.compare.claims`), build the entity table (:mod:`dedupe.compare.entities`), embed the claims
(:mod:`dedupe.embed.encoder`, cached), align them inside each story (:mod:`dedupe.compare.align`; on their
contents, attribution such as "X said on Monday that" or "..., Xinhua reported" stripped by
:func:`dedupe.compare.claims.claim_content`, while findings point at the whole claim) and group the
claims that count the same thing (the dead, the injured...: :mod:`dedupe.compare.counts`; a claim may sit in a
wording group and in one count group per thing it counts), then give every group a status with reasons
(:mod:`dedupe.compare.divergence`, the figures of a count group, optionally an NLI cross-encoder):

- ``agreement``: two or more outlets state the claim and no conflict was found;
- ``divergence``: two or more outlets state it with conflicting details (each conflict a reason);
- ``unique``: one outlet only states it.

Example:
    >>> result = compare_corpus(documents, load_encoder())     # doctest: +SKIP
    >>> [g.status for g in result.groups][:3]                  # doctest: +SKIP
    ['divergence', 'agreement', 'agreement']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from dedupe.compare.align import DIVERGENCE_THRESHOLD, AlignConfig, align, divergence_score
from dedupe.compare.claims import Claim, ClaimConfig, claim_content, extract_claims
from dedupe.compare.counts import CountGroup, StatedCount, count_conflict, count_groups, stated_counts
from dedupe.compare.divergence import (
    MemberWords,
    Reason,
    attribution_conflict,
    entity_conflict,
    negation_conflict,
    number_conflict,
    quote_conflict,
)
from dedupe.compare.entities import Entity, EntityConfig, EntityTable, build_entity_table
from dedupe.compare.features import pair_features
from dedupe.embed.encoder import EmbeddingCache, Encoder, embed
from dedupe.errors import ConfigError
from dedupe.runtime import Progress, no_progress
from dedupe.segment import SegmentedDocument
from dedupe.stories import Story, StoryConfig, group_stories, story_index

STATUSES = ("divergence", "agreement", "unique")
# Claim-model probability from which two linked versions count as a close paraphrase (negation, actor and
# attribution conflicts are only looked for between close versions).
_CLOSE = 0.6


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
    """

    status: str
    story: str
    similarity: float | None
    members: tuple[Claim, ...]
    reasons: tuple[Reason, ...] = ()
    divergence_score: float | None = None
    nli_contradiction: float | None = None

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
    dates = {d.doc.id: d.doc.date for d in documents}
    counts = [stated_counts(c.text, dates[c.doc_id]) for c in claims]
    groups: list[ClaimGroup] = []
    for story in stories:
        indices = by_story.get(story.id, [])
        groups.extend(_story_groups(story.id, [claims[i] for i in indices], [contents[i] for i in indices],
                                    (content_vectors[indices], vectors[indices]), table, config,
                                    [counts[i] for i in indices]))
    if config.nli_model:
        groups = _with_nli(groups, config)
    rank = {story.id: i for i, story in enumerate(stories)}
    groups.sort(key=lambda g: (rank[g.story], STATUSES.index(g.status), -len(g.outlets),
                               order[g.members[0].doc_id], g.members[0].start))
    entities = tuple(e for e in table.entities if len(e.variants) > 1)
    return CompareResult(tuple(stories), tuple(groups), entities, len(claims), len(claim_set.furniture))


def _content_vectors(encoder: Encoder, cache: EmbeddingCache | None, claims: Sequence[Claim], contents: list[str],
                     vectors: np.ndarray) -> np.ndarray:
    """Embeddings of the claims' contents (:func:`claim_content`): the text's own where nothing was stripped."""
    changed = [i for i, (claim, content) in enumerate(zip(claims, contents)) if content != claim.text]
    result = vectors.copy()
    if changed:
        result[changed] = embed(encoder, [contents[i] for i in changed], cache)
    return result


def _story_groups(story_id: str, claims: list[Claim], contents: list[str], embedded: tuple[np.ndarray, np.ndarray],
                  table: EntityTable, config: CompareConfig, counts: list[tuple[StatedCount, ...]]) -> list[ClaimGroup]:
    """Wording groups (aligned on the claims' contents, attribution stripped) and count groups (on the whole
    claims' embeddings) of one story, and its unique claims; ``embedded``: (content vectors, text vectors)."""
    if not claims:
        return []
    vectors, text_vectors = embedded
    doc_keys = [c.doc_id for c in claims]
    sentence_keys = [f"{c.doc_id}\u0000{c.sentence}" for c in claims]
    alignment = align(contents, vectors, doc_keys, config.align, sentence_keys, [bool(found) for found in counts])
    by_count = count_groups(counts, text_vectors, doc_keys, config.align.count_cosine, sentence_keys) \
        if config.align.count_cosine <= 1 else ()
    scores = {(p.first, p.second): p.probability for p in alignment.pairs}
    text_groups = [g for g in alignment.groups if g not in {c.members for c in by_count}]
    grouped = {i for g in (*text_groups, *(c.members for c in by_count)) for i in g}
    result = [_group(story_id, [claims[i] for i in g], [scores.get(k) for k in combinations(g, 2)],
                     [float(vectors[i] @ vectors[j]) for i, j in combinations(g, 2)], table, config)
              for g in text_groups]
    result.extend(_count_group(story_id, group, claims, counts, vectors) for group in by_count)
    result.extend(ClaimGroup("unique", story_id, None, (c,)) for i, c in enumerate(claims) if i not in grouped)
    return result


def _group(story_id: str, members: list[Claim], probabilities: list[float | None], cosines: list[float],
           table: EntityTable, config: CompareConfig) -> ClaimGroup:
    """A group's status and reasons; ``probabilities`` of its member pairs in combinations order (None: unscored).

    Conflicts are looked for between members the alignment linked directly (probability at the
    threshold or above), so two members that only share a group through others are not compared; a
    negation, actor or attribution conflict further needs the pair to be a close paraphrase
    (:data:`_CLOSE`), since wording differences between loosely linked versions are not conflicts.
    """
    scored = [p for p in probabilities if p is not None]
    similarity = float(np.mean(scored)) if scored else None
    if len({m.outlet for m in members}) < 2:
        return ClaimGroup("unique", story_id, similarity, tuple(members))
    pairs = list(combinations(range(len(members)), 2))
    features = pair_features([members[i].text for i, _ in pairs], [members[j].text for _, j in pairs], cosines)
    divergence = divergence_score(features)
    reasons: list[Reason] = []
    for (i, j), score, probability in zip(pairs, divergence, probabilities):
        if members[i].outlet != members[j].outlet and probability is not None \
                and probability >= config.align.threshold:
            reasons.extend(_pair_reasons(members[i], members[j], float(score), probability >= _CLOSE, table, config))
    reasons = _distinct(reasons)
    return ClaimGroup("divergence" if reasons else "agreement", story_id, similarity, tuple(members),
                      tuple(reasons), float(divergence.max()))


def _count_group(story_id: str, group: CountGroup, claims: list[Claim], counts: list[tuple[StatedCount, ...]],
                 vectors: np.ndarray) -> ClaimGroup:
    """A group of claims that count one thing: a divergence where two outlets' figures have no value in common."""
    members = [claims[i] for i in group.members]
    cosines = [float(vectors[i] @ vectors[j]) for i, j in combinations(group.members, 2)]
    reasons = []
    for i, j in combinations(group.members, 2):
        a, b = claims[i], claims[j]
        conflict = count_conflict(counts[i], counts[j], group.key) if a.outlet != b.outlet else None
        if conflict is not None:
            reasons.append(Reason("number", f"different figures for the {_count_name(group)}: "
                                            f"{_said(a, conflict[0])} vs {_said(b, conflict[1])}",
                                  (MemberWords(a.doc_id, a.outlet, conflict[0]),
                                   MemberWords(b.doc_id, b.outlet, conflict[1]))))
    reasons = _distinct(reasons)
    return ClaimGroup("divergence" if reasons else "agreement", story_id, float(np.mean(cosines)), tuple(members),
                      tuple(reasons))


def _count_name(group: CountGroup) -> str:
    where = f" in {group.key.place}" if group.key.place else ""
    return f"{'running total of ' if group.key.running else ''}number {group.key.measure}{where}"


def _pair_reasons(a: Claim, b: Claim, score: float, close: bool, table: EntityTable,
                  config: CompareConfig) -> list[Reason]:
    found = []
    checks = (
        ("number", number_conflict(a.text, b.text), "different numbers for the same thing"),
        ("negation", negation_conflict(a.text, b.text) if close and score >= config.divergence_threshold else None,
         f"one version negates the other (divergence score {score:.2f})"),
        ("entity", entity_conflict(a.text, b.text, table) if close else None,
         "a different actor or place in the same statement"),
        ("quote", quote_conflict(a.text, b.text, table), "the same quotation attributed to different people"),
        ("attribution", attribution_conflict(a.text, b.text) if close else None,
         "attributed or hedged by one outlet, asserted by the other"),
    )
    for kind, conflict, detail in checks:
        if conflict is not None:
            words_a, words_b = conflict
            found.append(Reason(kind, f"{detail}: {_said(a, words_a)} vs {_said(b, words_b)}",
                                (MemberWords(a.doc_id, a.outlet, words_a), MemberWords(b.doc_id, b.outlet, words_b))))
    return found


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
    return ClaimGroup(status, group.story, group.similarity, group.members, reasons, group.divergence_score, score)
