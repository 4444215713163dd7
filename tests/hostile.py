"""A hostile document: markup a scraped page could carry in its text and metadata.

The HTML and Markdown reports are rendered on the real report of the seeds plus this document
(``conftest.py``'s ``hostile_report``); each line must show as text and run nothing.
"""

from __future__ import annotations

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
