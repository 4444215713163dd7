"""The figures section of the HTML report: a table and an inline SVG range plot per discrepancy group.

The range plot draws each outlet's interval for one measure on a shared linear axis, so that a reader
sees at a glance who says 14 and who says 29. An open side (``high`` null: "more than 250") is drawn as
a paler bar running to the edge of the plot with an arrow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dedupe.report.html_text import DocumentIndex, esc
from dedupe.report.fields import int_field, number_field, number_text, shorten

_WIDTH = 720
_LABEL = 210
_RIGHT = 70
#: Generous advances (px) of the plot's 12px sans-serif font, to reserve room for the value labels on the
#: right: digits and lower case ~7, capitals ~9, "M"/"W"/"m"/"w" ~12. The browser test checks that every
#: label lies inside the svg as Chromium lays it out.
_WIDE = frozenset("MWmw@%")
_VALUE_CHARS = 40
_ROW = 26
_TOP = 8
_AXIS = 28


def figures_section(payload: dict[str, Any] | None, index: DocumentIndex) -> str:
    """The figures panel: discrepancy groups (table + range plot), then every figure in a closed list.

    Args:
        payload: The ``figures`` payload of the combined report (``None`` when the stage did not run).
        index: The report's documents, for links.

    Returns:
        HTML of the panel's content.
    """
    if payload is None:
        return '<p class="empty">The figures stage did not run.</p>'
    figures = payload.get("figures", [])
    groups = payload.get("discrepancies", [])
    order = {"conflict": 0, "uncertain": 1, "update": 2, "consistent": 3}
    parts = ['<p class="lead">Figures that count people or things, grouped across outlets when they count the '
             'same thing (same measure, scope, event and place) in the same story, in order of publication. '
             '<b>Conflict</b>: the intervals do not overlap and time does not explain it; <b>update</b>: they '
             'differ as a toll reported over time (a later or longer report gives more, or a stated revision); '
             '<b>consistent</b>: they overlap; <b>uncertain</b>: a publication date is unknown.</p>']
    if not groups:
        parts.append('<p class="empty">No comparable figures across outlets.</p>')
    ranked = sorted(enumerate(groups), key=lambda ig: (order.get(ig[1].get("status", ""), 3), ig[0]))
    parts.extend(_group(number, group, figures, index) for number, group in ranked)
    parts.append(_all_figures(figures, index))
    return "".join(parts)


def _group(number: int, group: dict[str, Any], figures: list[dict[str, Any]], index: DocumentIndex) -> str:
    status = str(group.get("status", ""))
    indexes = [i for i in group.get("figures", []) if isinstance(i, int) and 0 <= i < len(figures)]
    members = [figures[i] for i in indexes]
    title = " · ".join(esc(v) for v in (group.get("measure"), group.get("what"), group.get("place"),
                                         group.get("scope")) if v)
    span = _number_range(group.get("low"), group.get("high"))
    if number_field(group.get("best")) is not None:
        span += f", best {number_text(group.get('best'))}"
    published = {s.get("figure"): s for s in group.get("sources", []) if isinstance(s, dict)}
    notes = "".join(f"<li>{esc(_reason_text(r))}</li>" for r in _as_list(group.get("reasons", group.get("reason"))))
    rows = "".join(_figure_row(figures[i], index, published.get(i)) for i in indexes)
    return (f'<article class="finding {esc(status)}" id="discrepancy-{number}">'
            f'<h3><span class="badge {esc(status)}">{esc(status)}</span> {title or "figures"}'
            f'<span class="meta">story {esc(group.get("story", ""))} · range across sources {esc(span)}</span></h3>'
            + (f'<ul class="reasons">{notes}</ul>' if notes else "")
            + range_plot(members, status)
            + '<div class="scroll"><table><thead><tr><th>published</th><th>outlet</th><th>figure</th>'
              '<th class="num">low</th><th class="num">high</th><th>qualifier</th><th>period</th><th>scope</th>'
              f'<th>place</th><th>attribution</th></tr></thead><tbody>{rows}</tbody></table></div></article>')


def _figure_link(figure: dict[str, Any], index: DocumentIndex, css: str) -> str:
    return index.link(str(figure.get("doc", "")), int_field(figure.get("start")), int_field(figure.get("end")),
                      str(figure.get("text", "")), css=css)


def _figure_row(figure: dict[str, Any], index: DocumentIndex, source: dict[str, Any] | None = None) -> str:
    start, end = int_field(figure.get("start")), int_field(figure.get("end"))
    link = index.link(str(figure.get("doc", "")), start, end, f'{figure.get("doc")}, line {figure.get("line")}',
                      css="figure") + f" · characters {start}–{end}"  # as the claim cards give them
    qualifier = figure.get("qualifier")
    day = str((source or {}).get("published") or "undated") + ("?" if (source or {}).get("date_inferred") else "")
    scope = " · ".join(str(v) for v in (figure.get("scope"), figure.get("scope_cue")) if v)
    return (f'<tr><td>{esc(day)}</td><td><b>{esc(figure.get("outlet"))}</b></td>'
            f'<td>{_sentence_with_figure(figure, index)}<div class="meta">{link}</div></td>'
            f'<td class="num">{esc(number_text(figure.get("low")))}</td>'
            f'<td class="num">{esc(number_text(figure.get("high")))}</td>'
            f'<td>{esc(qualifier if qualifier and qualifier != "exact" else "")}</td>'
            f'<td>{esc(figure.get("period") or "")}</td><td>{esc(scope)}</td>'
            f'<td>{esc(figure.get("place") or "")}</td>'
            f'<td>{esc(figure.get("attribution") or "")}</td></tr>')


def _sentence_with_figure(figure: dict[str, Any], index: DocumentIndex) -> str:
    """The figure's sentence, escaped, with the number phrase marked where it stands."""
    sentence, phrase = str(figure.get("sentence") or ""), str(figure.get("text", ""))
    start, text = int_field(figure.get("start")), index.text(str(figure.get("doc", "")))
    at = -1
    if text is not None and sentence:
        begin = text.find(sentence, max(0, start - len(sentence)), start + len(phrase) + len(sentence))
        at = start - begin if begin != -1 and 0 <= start - begin <= len(sentence) - len(phrase) else -1
    if at == -1:
        at = sentence.find(phrase) if phrase else -1
    if at == -1:
        return f'<mark class="fig">{esc(phrase)}</mark>' + (f" <span class=\"meta\">{esc(sentence)}</span>"
                                                             if sentence else "")
    return (f'{esc(sentence[:at])}<mark class="fig">{esc(sentence[at:at + len(phrase)])}</mark>'
            f'{esc(sentence[at + len(phrase):])}')


def _all_figures(figures: list[dict[str, Any]], index: DocumentIndex) -> str:
    if not figures:
        return '<p class="empty">No figures found.</p>'
    rows = "".join(
        f'<tr><td>{esc(f.get("outlet"))}</td><td>{_figure_link(f, index, "")}</td>'
        f'<td class="num">{esc(number_text(f.get("low")))}</td><td class="num">{esc(number_text(f.get("high")))}</td>'
        f'<td>{esc(f.get("measure") or "")}</td><td>{esc(f.get("what") or "")}</td>'
        f'<td>{esc(f.get("place") or "")}</td><td>{esc(f.get("period") or "")}</td></tr>'
        for f in figures)
    return (f'<details><summary>All {len(figures)} figures</summary><div class="scroll"><table><thead><tr>'
            '<th>outlet</th><th>figure</th><th class="num">low</th><th class="num">high</th><th>measure</th>'
            f'<th>what</th><th>place</th><th>period</th></tr></thead><tbody>{rows}</tbody></table></div></details>')


def range_plot(figures: Sequence[dict[str, Any]], status: str = "") -> str:
    """An inline SVG: one row per figure, its ``[low, high]`` interval on a shared linear axis.

    Args:
        figures: Figure records (``outlet``, ``text``, ``low``, ``high``, ``qualifier``).
        status: The group's status, used as a class (conflicts are drawn in red).

    Returns:
        An ``<svg>`` element with a text alternative, or an empty string when no figure has a bound.
    """
    rows = [f for f in figures if number_field(f.get("low")) is not None or number_field(f.get("high")) is not None]
    if not rows:
        return ""
    top = max(max(number_field(f.get(k)) or 0.0 for k in ("low", "high")) for f in rows)
    step = _nice_step(top)
    limit = step * math.ceil(top * 1.05 / step) if top > 0 else 1.0
    height = _TOP + _ROW * len(rows) + _AXIS
    widest = max(_text_width(_value_label(f)) for f in rows)
    right = max(_RIGHT, math.ceil(6 + 9 + 6 + widest))  # gap, open-end arrow, gap, label
    plot = _WIDTH - _LABEL - right

    def x(value: float) -> float:
        return _LABEL + plot * value / limit

    parts = [_axis(limit, step, x, height)]
    for row, figure in enumerate(rows):
        parts.append(_bar(figure, _TOP + row * _ROW, x, _LABEL + plot))
    summary = "; ".join(f'{f.get("outlet")}: {f.get("text")}' for f in rows)
    return (f'<svg class="range {esc(status)}" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" '
            f'height="{height}" role="img" aria-label="{esc(summary)}"><title>{esc(summary)}</title>'
            + "".join(parts) + "</svg>")


def _axis(limit: float, step: float, x: Any, height: int) -> str:
    base = height - _AXIS + 4
    ticks = []
    value = 0.0
    while value <= limit + step / 2:
        ticks.append(f'<line class="grid" x1="{x(value):.1f}" y1="{_TOP - 4}" x2="{x(value):.1f}" y2="{base}"/>'
                     f'<text class="tick" x="{x(value):.1f}" y="{base + 16}" text-anchor="middle">'
                     f'{esc(number_text(value))}</text>')
        value += step
    return "".join(ticks) + f'<line class="axis" x1="{_LABEL}" y1="{base}" x2="{x(limit):.1f}" y2="{base}"/>'


def _bar(figure: dict[str, Any], y: int, x: Any, right_edge: float) -> str:
    low, high = number_field(figure.get("low")), number_field(figure.get("high"))
    label = shorten(str(figure.get("outlet", "")), 26)
    parts = [f'<text class="label" x="{_LABEL - 8}" y="{y + 16}" text-anchor="end">{esc(label)}</text>']
    value_text = esc(_value_label(figure))
    tip = esc(f'{figure.get("outlet")}: {figure.get("text")} ({figure.get("qualifier") or "exact"})')
    if low is not None and high is not None and high - low <= 0:
        cx = x(low)
        parts.append(f'<circle class="point" cx="{cx:.1f}" cy="{y + 11}" r="6"><title>{tip}</title></circle>')
        end = cx + 6
    else:
        start = x(low if low is not None else 0.0)
        end = x(high) if high is not None else right_edge
        open_class = " open" if high is None or low is None else ""
        parts.append(f'<rect class="bar{open_class}" x="{start:.1f}" y="{y + 5}" width="{max(end - start, 3):.1f}" '
                     f'height="12" rx="3"><title>{tip}</title></rect>')
        if high is None:
            arrow = f"M{end:.1f} {y + 2} L{end + 9:.1f} {y + 11} L{end:.1f} {y + 20} Z"
            parts.append(f'<path class="bar open" d="{arrow}"/>')
            end += 9
    parts.append(f'<text class="value" x="{end + 6:.1f}" y="{y + 15}">{value_text}</text>')
    return "".join(parts)


def _value_label(figure: dict[str, Any]) -> str:
    """The figure as written, whole up to :data:`_VALUE_CHARS` characters (the plot reserves room for it)."""
    return shorten(str(figure.get("text", "")), _VALUE_CHARS)


def _text_width(text: str) -> float:
    """A generous estimate of the width of ``text`` in the plot's font, in px."""
    return sum(12.5 if c in _WIDE else 9.5 if c.isupper() else 4.5 if c in " .,;:'-()" else 7.5 for c in text)


def _nice_step(top: float) -> float:
    if top <= 0:
        return 1.0
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return max(factor * power, 1.0)
    return 10 * power


def _number_range(low: Any, high: Any) -> str:
    if number_field(low) is None and number_field(high) is None:
        return "unknown"
    if number_field(high) is None:
        return f"{number_text(low)} or more"
    if number_field(low) is None:
        return f"up to {number_text(high)}"
    return number_text(low) if low == high else f"{number_text(low)}–{number_text(high)}"


def _reason_text(reason: Any) -> str:
    if isinstance(reason, dict):
        return ": ".join(str(v) for v in (reason.get("type"), reason.get("detail")) if v)
    return str(reason)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
