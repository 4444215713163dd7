"""The claims sections of the HTML report: claim groups side by side, coverage matrix, entity variants.

The conflicting words of a divergence are found from its reasons: a word or number named in a reason
is highlighted in a member when that member has it and some other member of the group does not (so in
"29 doctors" vs "as few as 14 doctors", 29 and 14 are marked and "doctors" is not).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from dedupe.report.html_text import DocumentIndex, esc
from dedupe.report.fields import entities_with_variants, int_field, shorten, sole_outlet

_WORD = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_][\w'’-]*", re.UNICODE)
#: Most cells of the coverage matrix (rows x outlets); beyond it the widest-reported claims are kept.
MATRIX_CELLS = 6_000
MATRIX_MIN_ROWS = 30
_STATUS_ORDER = {"divergence": 0, "agreement": 1, "unique": 2}
_SKIP_WORDS = frozenset(
    "a an and are as at be by for from has have in is it of on or says said the to vs versus was were with "
    "member members other one outlet".split())


def claims_section(payload: dict[str, Any] | None, index: DocumentIndex) -> str:
    """The claims panel: per story, divergences then agreements side by side, then unique claims per outlet.

    Args:
        payload: The ``compare`` payload of the combined report (``None`` when the stage did not run).
        index: The report's documents, for links.

    Returns:
        HTML of the panel's content.
    """
    if payload is None:
        return '<p class="empty">The compare stage did not run.</p>'
    claims = payload.get("claims", [])
    counts = Counter(str(c.get("status")) for c in claims)
    buttons = "".join(
        f'<button type="button" data-filter="{key}" aria-pressed="{"true" if key == "all" else "false"}">'
        f'{label} <span class="count">{count}</span></button>'
        for key, label, count in (("all", "All", len(claims)), ("divergence", "Divergence", counts["divergence"]),
                                  ("agreement", "Agreement", counts["agreement"]),
                                  ("unique", "Unique", counts["unique"])))
    parts = ['<p class="lead">Claims aligned across outlets inside each story. <b>Agreement</b>: the same claim '
             'with consistent facts; <b>divergence</b>: the same claim with conflicting details (the reason is '
             'stated and the conflicting words are marked); <b>unique</b>: reported by one outlet only.</p>',
             f'<div class="toolbar" role="group" aria-label="Show claims" data-for="claim-list">{buttons}</div>',
             '<div class="claims" id="claim-list" data-show="all">']
    stories = {str(s.get("id")): s for s in payload.get("stories", [])}
    by_story: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, claim in enumerate(claims):
        by_story.setdefault(str(claim.get("story", "")), []).append((number, claim))
    for story_id in sorted(by_story, key=lambda sid: _interest(by_story[sid], sid)):
        parts.append(_story_block(story_id, stories.get(story_id), by_story[story_id], index))
    if not claims:
        parts.append('<p class="empty">No claims found.</p>')
    parts.append("</div>")
    return "".join(parts)


def _story_block(story_id: str, story: dict[str, Any] | None, claims: list[tuple[int, dict[str, Any]]],
                 index: DocumentIndex) -> str:
    docs = story.get("docs", []) if story else []
    shared = sorted((c for c in claims if c[1].get("status") != "unique"),
                    key=lambda c: (_STATUS_ORDER.get(str(c[1].get("status")), 3), -_outlet_count(c[1]), c[0]))
    uniques = [c for c in claims if c[1].get("status") == "unique"]
    outlets = ", ".join(dict.fromkeys(index.outlet(str(d)) or str(d) for d in docs))
    dates = f' · {story.get("start")} to {story.get("end")}' if story and story.get("start") else ""
    head = (f'<h3 id="story-{esc(_slug(story_id))}">{esc(story_id)} '
            f'<span class="meta">{len(docs)} document{"s" if len(docs) != 1 else ""}{esc(dates)}: '
            f'{esc(outlets)}</span></h3>')
    body = "".join(_claim_group(number, claim, index) for number, claim in shared)
    single = sole_outlet(c for _, c in claims)
    if single is not None:  # one outlet only: summarised by its first claim, nothing to compare
        first = uniques[0][1].get("members", [{}])[0]
        return (f'<div class="story">{head}<p class="meta">Only {esc(single)} covers this story: '
                f'{len(uniques)} claims, nothing to compare. It opens: {esc(str(first.get("text", "")))}</p></div>')
    return f'<div class="story">{head}{body}{_unique_block(uniques, index)}</div>'


def _outlet_count(claim: dict[str, Any]) -> int:
    return len({str(m.get("outlet")) for m in claim.get("members", [])})


def _claim_group(number: int, claim: dict[str, Any], index: DocumentIndex) -> str:
    status = str(claim.get("status", ""))
    members = claim.get("members", [])
    terms = _reason_terms(claim.get("reasons", []))
    named = _conflicting_words(claim.get("reasons", []))
    member_words = [_words(str(m.get("text", ""))) for m in members]
    cards = "".join(_member_card(m, terms, member_words, i, index, named) for i, m in enumerate(members))
    reasons = "".join(
        f'<li><span class="rtype">{esc(r.get("type", "") if isinstance(r, dict) else "")}</span>: '
        f'{esc(r.get("detail", "") if isinstance(r, dict) else r)}{_sides(r, index)}</li>'
        for r in claim.get("reasons", []))
    updates = "".join(
        f'<li class="update"><span class="rtype">update</span>: {esc(r.get("detail", ""))}{_sides(r, index)}</li>'
        for r in claim.get("updates", []) if isinstance(r, dict))
    outlets = sorted({str(m.get("outlet")) for m in members})
    return (f'<article class="finding {esc(status)}" id="claim-{number}">'
            f'<h3><span class="badge {esc(status)}">{esc(status)}</span> {len(outlets)} outlets'
            f'<span class="meta">similarity {_similarity(claim.get("similarity"))}</span></h3>'
            + (f'<ul class="reasons">{reasons}{updates}</ul>' if reasons or updates else "")
            + f'<div class="members">{cards}</div></article>')


def _member_card(member: dict[str, Any], terms: set[str], member_words: list[set[str]], position: int,
                 index: DocumentIndex, named: dict[str, list[str]]) -> str:
    text = str(member.get("text", ""))
    if named:
        quoted = mark_phrases(text, named.get(str(member.get("doc")), []))
    else:
        others = [w for i, w in enumerate(member_words) if i != position]
        quoted = mark_words(text, {t for t in terms if t in member_words[position] and any(t not in w for w in others)})
    start, end = int_field(member.get("start")), int_field(member.get("end"))
    link = index.link(str(member.get("doc", "")), start, end, f'{member.get("doc")}, line {member.get("line")}')
    return (f'<div class="member"><div><span class="outlet">{esc(member.get("outlet"))}</span> '
            f'<span class="meta">{link} · characters {start}–{end}</span></div><q>{quoted}</q></div>')


def _sides(reason: Any, index: DocumentIndex) -> str:
    """Both versions' words of a reason side by side, each linked to where it stands in its document."""
    sides = []
    for side in (reason.get("conflicting") or []) if isinstance(reason, dict) else []:
        if not isinstance(side, dict):
            continue
        doc = str(side.get("doc", ""))
        words = [str(w) for w in side.get("words", [])]
        spans = [span for span in side.get("spans", []) if isinstance(span, list) and len(span) == 2]
        if len(spans) == len(words):
            located = [index.link(doc, int_field(start), int_field(end), f"{doc} @{start}-{end}")
                       + f" <mark>{esc(w)}</mark>" for w, (start, end) in zip(words, spans)]
        else:
            located = [esc(doc)] + [f"<mark>{esc(w)}</mark>" for w in words]
        outlet = f'<span class="outlet">{esc(side.get("outlet", ""))}</span> '
        sides.append(outlet + " ".join(located or ["(not stated)"]))
    return f'<div class="sides">{" | ".join(sides)}</div>' if sides else ""


def _conflicting_words(reasons: Iterable[Any]) -> dict[str, list[str]]:
    """The conflicting words each reason names per member document (``conflicting: [{doc, words}]``)."""
    named: dict[str, list[str]] = {}
    for reason in reasons:
        for entry in (reason.get("conflicting") or []) if isinstance(reason, dict) else []:
            if isinstance(entry, dict):
                doc = str(entry.get("doc", entry.get("doc_id", "")))
                named.setdefault(doc, []).extend(str(w) for w in entry.get("words", []) if str(w).strip())
    return named


def mark_phrases(text: str, phrases: Iterable[str]) -> str:
    """Escape ``text``, wrapping every whole-word occurrence of each phrase (any case) in ``<mark class="word">``.

    Args:
        text: Untrusted text.
        phrases: Words or phrases to mark; overlapping occurrences are merged.

    Returns:
        HTML.
    """
    spans: list[tuple[int, int]] = []
    for phrase in set(phrases):
        pattern = re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.IGNORECASE)
        spans.extend(m.span() for m in pattern.finditer(text))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, last = [], 0
    for start, end in merged:
        parts.append(f'{esc(text[last:start])}<mark class="word">{esc(text[start:end])}</mark>')
        last = end
    return "".join(parts) + esc(text[last:])


def mark_words(text: str, words: set[str]) -> str:
    """Escape ``text``, wrapping each whole word found in ``words`` (lower-cased) in ``<mark class="word">``.

    Args:
        text: Untrusted text.
        words: Lower-cased words or numbers to mark.

    Returns:
        HTML.
    """
    if not words:
        return esc(text)
    parts: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        if _norm(match.group()) in words:
            parts.append(esc(text[last:match.start()]))
            parts.append(f'<mark class="word">{esc(match.group())}</mark>')
            last = match.end()
    parts.append(esc(text[last:]))
    return "".join(parts)


def _unique_block(uniques: list[tuple[int, dict[str, Any]]], index: DocumentIndex) -> str:
    if not uniques:
        return ""
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for _, claim in uniques:
        members = claim.get("members", [])
        outlet = str(members[0].get("outlet")) if members else ""
        by_outlet.setdefault(outlet, []).append(claim)
    blocks = []
    for outlet in sorted(by_outlet):
        items = "".join(_unique_item(c, index) for c in by_outlet[outlet])
        blocks.append(f'<details class="finding unique"><summary>{esc(outlet)} '
                      f'<span class="count">{len(by_outlet[outlet])}</span></summary><ul>{items}</ul></details>')
    return f'<div class="uniques"><h3 class="meta">Reported by one outlet only</h3>{"".join(blocks)}</div>'


def _unique_item(claim: dict[str, Any], index: DocumentIndex) -> str:
    members = claim.get("members", [])
    if not members:
        return ""
    m = members[0]
    start, end = int_field(m.get("start")), int_field(m.get("end"))
    link = index.link(str(m.get("doc", "")), start, end, f'line {m.get("line")}')
    return (f'<li>{esc(m.get("text"))} <span class="meta">({esc(m.get("doc"))}, {link}, '
            f'characters {start}–{end})</span></li>')


def coverage_section(payload: dict[str, Any] | None, outlets: list[str], index: DocumentIndex) -> str:
    """The coverage matrix: a row per claim reported by two or more outlets, a column per outlet.

    Args:
        payload: The ``compare`` payload (``None`` when the stage did not run).
        outlets: The outlets of the corpus, in column order.
        index: The report's documents, for links.

    Returns:
        HTML of the panel's content.
    """
    if payload is None:
        return '<p class="empty">The compare stage did not run.</p>'
    shared = [(n, c) for n, c in enumerate(payload.get("claims", [])) if c.get("status") != "unique"]
    claims, outlets = _matrix_shape(shared, outlets, _story_outlets(payload, index))
    unique_counts = Counter(str(m.get("outlet")) for c in payload.get("claims", []) if c.get("status") == "unique"
                            for m in c.get("members", [])[:1])
    head = "".join(f'<th class="outlet" scope="col" title="{esc(o)}">{esc(shorten(o, 24))}</th>' for o in outlets)
    rows = "".join(_coverage_row(n, c, outlets, index) for n, c in claims)
    uniques = "".join(f'<td class="num">{unique_counts.get(o, 0)}</td>' for o in outlets)
    legend = ('<div class="legend"><span><span class="dot agreement"></span> agreement</span>'
              '<span><span class="dot divergence"></span> divergence</span>'
              '<span>— not reported by that outlet</span></div>')
    shown = (f" Showing the {len(claims)} claims reported by the most outlets, of {len(shared)}."
             if len(claims) < len(shared) else "")
    return (f'<p class="lead">Which outlet reports which claim. Each dot links to the sentence.{shown}</p>{legend}'
            f'<div class="scroll"><table class="matrix"><thead><tr><th class="claim" scope="col">claim</th>{head}'
            f'</tr></thead><tbody>{rows}<tr><th class="claim" scope="row">claims reported only by this outlet</th>'
            f'{uniques}</tr></tbody></table></div>')


def _story_outlets(payload: dict[str, Any], index: DocumentIndex) -> dict[str, set[str]]:
    """The outlets of each story's documents, by story id."""
    return {str(story.get("id")): {index.outlet(str(doc)) for doc in story.get("docs", [])} - {""}
            for story in payload.get("stories", [])}


def _matrix_shape(claims: list[tuple[int, dict[str, Any]]], outlets: list[str],
                  story_outlets: dict[str, set[str]]) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """Rows and columns of the matrix, kept under :data:`MATRIX_CELLS` cells so the page stays fast.

    Columns are every outlet of the stories of the shown claims (in corpus order), so an outlet that
    reports none of them still has its column; when rows times columns would exceed the budget, the
    claims reported by the most outlets are kept, in report order, with their outlets' columns.
    """
    def outlets_of(claim: dict[str, Any]) -> set[str]:
        return {str(m.get("outlet")) for m in claim.get("members", [])}

    present: set[str] = set().union(*(outlets_of(c) | story_outlets.get(str(c.get("story")), set())
                                      for _, c in claims))
    columns = [o for o in outlets if o in present] if claims else list(outlets)
    limit = max(MATRIX_MIN_ROWS, MATRIX_CELLS // max(len(columns), 1))
    if len(claims) > limit:
        ranked = sorted(claims, key=lambda nc: (-len(outlets_of(nc[1])), nc[0]))[:limit]
        claims = sorted(ranked, key=lambda nc: nc[0])
        kept = set().union(*(outlets_of(c) for _, c in claims))
        columns = [o for o in columns if o in kept]
    return claims, columns


def _coverage_row(number: int, claim: dict[str, Any], outlets: list[str], index: DocumentIndex) -> str:
    status = str(claim.get("status", ""))
    first: dict[str, dict[str, Any]] = {}
    for member in claim.get("members", []):
        first.setdefault(str(member.get("outlet")), member)
    label = shorten(str(claim.get("members", [{}])[0].get("text", "")) if claim.get("members") else "", 110)
    cells = []
    for outlet in outlets:
        member = first.get(outlet)
        if member is None:
            cells.append('<td class="meta">—</td>')
            continue
        dot = f'<span class="dot {esc(status)}" role="img" aria-label="{esc(status)}"></span>'
        start, end = int_field(member.get("start")), int_field(member.get("end"))
        cells.append("<td>" + index.link(str(member.get("doc", "")), start, end,
                                         "", label_html=dot, title=f'{outlet}: {member.get("text", "")}') + "</td>")
    return (f'<tr><td class="claim"><a href="#claim-{number}">{esc(label)}</a></td>{"".join(cells)}</tr>')


def entities_section(payload: dict[str, Any] | None) -> str:
    """The entity table: each merged name with the spellings found in the corpus.

    Args:
        payload: The ``compare`` payload (``None`` when the stage did not run).

    Returns:
        HTML of the panel's content.
    """
    entities = entities_with_variants(payload)
    if not entities:
        return '<p class="empty">No entity variants.</p>'
    rows = "".join(
        f'<tr><td>{esc(e.get("name"))}</td><td>{esc(", ".join(shown))}</td><td class="num">{len(shown)}</td></tr>'
        for e, shown in sorted(entities, key=lambda es: (-len(es[1]), str(es[0].get("name")))))
    return ('<p class="lead">Names spelled several ways across the corpus, merged into one entity so that a '
            'spelling is never taken for a different actor.</p><div class="scroll"><table><thead><tr>'
            '<th>entity</th><th>variants</th><th class="num">spellings</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></div>')


def _reason_terms(reasons: Iterable[Any]) -> set[str]:
    terms: set[str] = set()
    for reason in reasons:
        values = reason.values() if isinstance(reason, dict) else [reason]
        for key_value in _strings(values):
            terms.update(_words(key_value))
    return {t for t in terms if t not in _SKIP_WORDS}


def _strings(values: Iterable[Any]) -> Iterable[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield str(value)
        elif isinstance(value, (list, tuple)):
            yield from _strings(value)
        elif isinstance(value, dict):
            yield from _strings(value.values())


def _words(text: str) -> set[str]:
    return {_norm(w) for w in _WORD.findall(text)}


def _norm(word: str) -> str:
    return word.lower().replace(",", "").replace("’", "'")


def _interest(claims: list[tuple[int, dict[str, Any]]], story_id: str) -> tuple[int, int, int, tuple[int, str]]:
    """Stories by interest, as the text report orders them: most divergences, the claim the most outlets share,
    the most agreements, then story number."""
    shared = [c for _, c in claims if c.get("status") != "unique"]
    return (-sum(c.get("status") == "divergence" for c in shared), -max(map(_outlet_count, shared), default=0),
            -len(shared), _story_key(story_id))


def _story_key(story_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in story_id if ch.isdigit())
    return (int(digits) if digits else 1 << 30, story_id)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)


def _similarity(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "–"
