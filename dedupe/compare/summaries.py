"""A headline or a lead summarises its own document: it joins the group of the body claim it restates.

A headline ("No joint work with Russia till Aleppo assault ends, says US") compresses a claim that the same
document's body states in full ("Kerry also told Lavrov Washington was preparing to end its diplomatic
engagement with Moscow on Syria ... if Russia did not take immediate steps to end the assault on Aleppo").
Across outlets, the body sentences of one claim align well (full wording, shared quotes); the compressed
versions do not: the claim model scores a headline against another outlet's body sentence low, because most of
the words differ. Within one document the same holds, so neither link is enough alone. Together they are: a
*summary claim* (one of its document's first ``summary_claims`` claims: headline, standfirst, lead) that is in
no group joins the wording group of its own document's best-matching grouped claim when

- that in-document match has a claim-model probability of at least ``summary_threshold`` (the headline
  restates that claim more than any other of its document's grouped claims), and
- its mean probability to the group's members of other documents is at least ``summary_cross`` (the other
  outlets' versions of the claim are what it says too, if weakly worded so), and
- that match states no figure the summary does not (a count of people or things, an event's parameter): such a
  claim's figure is its claim ("About 12,000 homes collapsed"), which a headline without it does not restate
  ("People walk by collapsed houses after Sunday's earthquake").

A claim that states a count of people is left to its count groups (:mod:`dedupe.compare.counts`), as in the
wording alignment; two claims whose leading attributions name different speakers score 0, as there. Only
groups of the alignment take summaries in (a summary never anchors another), so nothing chains.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dedupe.compare.align import AlignConfig, Alignment, ScoredPair, scored_candidates
from dedupe.compare.counts import CountKey


def summary_flags(doc_keys: Sequence[str], count: int) -> list[bool]:
    """Whether each claim is among the first ``count`` claims of its document (claims in document order).

    Example:
        >>> summary_flags(["a", "a", "a", "b"], 2)
        [True, True, False, True]
    """
    seen: dict[str, int] = {}
    flags = []
    for key in doc_keys:
        seen[key] = seen.get(key, 0) + 1
        flags.append(seen[key] <= count)
    return flags


def expand_summaries(alignment: Alignment, texts: Sequence[str], embeddings: np.ndarray, doc_keys: Sequence[str],
                     summary: Sequence[bool], config: AlignConfig, sentence_keys: Sequence[str] | None = None,
                     counted: Sequence[bool] | None = None, speakers: Sequence[frozenset[str]] | None = None,
                     figures: Sequence[frozenset[CountKey]] | None = None) -> Alignment:
    """The alignment with each ungrouped summary claim added to the group of its own document's claim it restates.

    Args:
        alignment: The wording alignment of a story (:func:`dedupe.compare.align.align`).
        texts: Claim texts, as aligned.
        embeddings: Their L2-normalised embeddings.
        doc_keys: Document of each claim.
        summary: Whether each claim is a summary claim (:func:`summary_flags`).
        config: ``summary_threshold``, ``summary_cross``, ``speaker_threshold``.
        sentence_keys: Sentence of each claim; two parts of one sentence never share a group.
        counted: Whether each claim states a count of people (those are left out).
        speakers: Who each claim's leading attribution names.
        figures: What each claim's figures are about (count and fact keys); a claim that states a figure the
            summary does not is no claim the summary restates (its figure is its claim).

    Returns:
        The alignment, its groups grown, the pairs scored here added to its pairs.
    """
    sentences = sentence_keys if sentence_keys is not None else [str(i) for i in range(len(texts))]
    group_of = {i: g for g, members in enumerate(alignment.groups) for i in members}
    known = {(p.first, p.second): p for p in alignment.pairs}
    grouped_in: dict[str, list[int]] = {}
    for i in sorted(group_of):
        grouped_in.setdefault(doc_keys[i], []).append(i)
    joins: dict[int, list[int]] = {}
    for s in range(len(texts)):
        if not summary[s] or s in group_of or (counted is not None and counted[s]):
            continue
        anchors = [b for b in grouped_in.get(doc_keys[s], []) if sentences[b] != sentences[s]
                   and (figures is None or figures[b] <= figures[s])]
        inside = _scored(anchors, s, texts, embeddings, known, speakers, counted, config)
        best = max(inside, key=lambda p: (p.probability, -_other(p, s)), default=None)
        if best is None or best.probability < config.summary_threshold:
            continue
        members = alignment.groups[group_of[_other(best, s)]]
        if any(sentences[m] == sentences[s] for m in members):
            continue
        outside = _scored([m for m in members if doc_keys[m] != doc_keys[s]], s, texts, embeddings, known, speakers,
                          counted, config)
        if outside and float(np.mean([p.probability for p in outside])) >= config.summary_cross:
            joins.setdefault(group_of[_other(best, s)], []).append(s)
            for pair in (*inside, *outside):
                known[(pair.first, pair.second)] = pair
    if not joins:
        return alignment
    groups = tuple(sorted(tuple(sorted(members + tuple(joins.get(g, ()))))
                          for g, members in enumerate(alignment.groups)))
    return Alignment(groups, tuple(known[k] for k in sorted(known)))


def _other(pair: ScoredPair, claim: int) -> int:
    return pair.second if pair.first == claim else pair.first


def _scored(partners: Sequence[int], claim: int, texts: Sequence[str], embeddings: np.ndarray,
            known: dict[tuple[int, int], ScoredPair], speakers: Sequence[frozenset[str]] | None,
            counted: Sequence[bool] | None, config: AlignConfig) -> list[ScoredPair]:
    """The pairs of ``claim`` with each partner: known scores kept, the others scored (speaker rule applied)."""
    keys = [(min(claim, j), max(claim, j)) for j in partners]
    fresh = [(i, j, float(embeddings[i] @ embeddings[j])) for i, j in keys if (i, j) not in known]
    scored = {(p.first, p.second): p for p in scored_candidates(texts, embeddings, fresh, config, speakers, counted)}
    return [known.get(k) or scored[k] for k in keys]


__all__ = ["expand_summaries", "summary_flags"]
