"""A hostile document: markup a scraped page could carry in its text and metadata.

The HTML and Markdown reports are rendered on the real report of the seeds plus this document
(``conftest.py``'s ``hostile_report``); each line must show as text and run nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

#: Markup a hostile page could carry; each line must show as text and run nothing.
HOSTILE_LINES = (
    '<script>window.__pwned = 1; document.title = "pwned"; alert("pwned")</script>',
    '<img src=x onerror="window.__pwned=2;alert(2)">',
    '<a href="javascript:window.__pwned=3">click me</a>',
    '</style><script>window.__pwned=4</script>',
    '</script><script>window.__pwned=5</script><!--',
    '<svg onload="window.__pwned=6"></svg>',
    '"><script>window.__pwned=7</script> 12 people were killed.',
    '<iframe src="https://example.com/"></iframe><link rel=stylesheet href="https://example.com/x.css">',
    '\u2028 </textarea> <base href="https://example.com/"> <meta http-equiv="refresh" content="0;url=https://example.com/">',
)
HOSTILE_TEXT = "\n".join(HOSTILE_LINES + HOSTILE_LINES[:1]) + "\n"
HOSTILE_RECORD = {
    "id": 'evil"><script>window.__pwned=9</script>',
    "source": '<b onmouseover="window.__pwned=10">Evil Outlet</b>',
    "title": '</title><script>window.__pwned=11</script>',
    "url": "javascript:window.__pwned=12",
    "date": "2016-09-28",
    "text": HOSTILE_TEXT,
}

#: Two short reports of one event whose text and metadata carry Markdown: each must show as text in every
#: Markdown output (no link, image, emphasis, code span or raw HTML, and every table row keeps its cells). Their
#: outlets hold an override and an embedding left open: a rendered report would reverse or reorder its own words after
#: them ("line 1" drawn "1 enil"), so each is shown as its code point (``[U+202E]``); one holds a terminal escape
#: sequence (it would retitle the window of a terminal that shows the Markdown) and a carriage return, shown so too.
_MARKDOWN_LINE = ("Officials said 29 doctors remain in eastern Aleppo, see [the list](http://evil.example/) and "
                  "![map](http://evil.example/m.png), *all* of _them_ `named` ~~here~~ | <b>bold</b> &amp; more.")
MARKDOWN_RECORDS = (
    {"id": "md`1`|*a*", "source": "[Evil](http://evil.example/) *Outlet* | `x` <i>y</i> \u202e", "date": "2016-09-29",
     "title": "# [t](http://e/)", "text": "Jets bombed a hospital in eastern Aleppo on Tuesday, killing 40 people.\n"
     + _MARKDOWN_LINE + "\n" + _MARKDOWN_LINE + "\n"},
    {"id": "md_2", "source": "\u202bGood ~~Outlet~~ & Co\x1b]0;pwned\x07\r", "date": "2016-09-30",
     "text": "Jets bombed a hospital in eastern Aleppo on Tuesday, killing 12 people.\n"
     + _MARKDOWN_LINE.replace("29", "14") + "\n"},
)


#: A file that is no corpus file, named with Markdown (a name holds no ``/``): every Markdown output lists it among
#: the skipped inputs, and its line starts with it (``+ ``, a list marker) when it is named relative to the folder.
MARKDOWN_SKIPPED = "+ [x](http:evil.example) <b>*a* | `c` ~~s~~ \u2067 1.bin"


def write_markdown_corpus(folder: Path) -> list[str]:
    """Write :data:`MARKDOWN_RECORDS` (``md.jsonl``) and the :data:`MARKDOWN_SKIPPED` file into ``folder``.

    Returns:
        The inputs to name, relative to ``folder`` (run from it).
    """
    (folder / "md.jsonl").write_text("".join(json.dumps(r) + "\n" for r in MARKDOWN_RECORDS), encoding="utf-8")
    (folder / MARKDOWN_SKIPPED).write_bytes(b"\x00")
    return ["md.jsonl", MARKDOWN_SKIPPED]


#: The directional formatting characters: embeddings, overrides and their end (U+202A-U+202E), isolates (U+2066-U+2069).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: What a text or Markdown output must not hold raw: those and the control characters but tab and line feed (an
#: escape sequence recolours, clears or retitles a terminal; a carriage return or backspace overwrites the words).
TERMINAL_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def markdown_renderer() -> Any:
    """A CommonMark renderer with GitHub's tables and strike-through (markdown-it-py's ``MarkdownIt``)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def markdown_html(markdown: str) -> str:
    """What :func:`markdown_renderer` makes of a Markdown document."""
    return str(markdown_renderer().render(markdown))


def markdown_is_only_text(markdown: str) -> list[str]:
    """The problems of a Markdown report of :data:`MARKDOWN_RECORDS`: corpus markup that became markup (a link,
    an image, emphasis, a code span, strike-through or raw HTML), a table row whose cells are not its header's, or
    a directional formatting or control character (:data:`TERMINAL_CONTROLS`) left in the text."""
    page = markdown_html(markdown)
    problems = [tag for tag in ("<a ", "<img", "<em>", "<code>", "<s>", "<b>", "<i>") if tag in page]
    problems += [f"U+{ord(char):04X} kept" for char in TERMINAL_CONTROLS.findall(markdown)]
    for table in re.findall(r"<table>.*?</table>", page, flags=re.S):
        rows = [len(re.findall(r"<t[hd][ >]", row)) for row in table.split("</tr>")[:-1]]
        problems += [f"a row of {cells} cells under {rows[0]} headers" for cells in rows[1:] if cells != rows[0]]
    return problems
