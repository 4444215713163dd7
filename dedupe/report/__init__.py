"""Stage 7: render results for people (text, Markdown, HTML) and machines (JSON).

One module per command: ``info``, ``scan``, ``compare`` and ``figures``, ``combined`` for ``dedupe report``
(text, Markdown, JSON), and ``html`` with its ``html_*`` parts for the self-contained HTML report;
``render`` picks a command's renderer by format and lists skipped inputs in the output.
Renderers are pure functions from result dataclasses (or the combined report dict) to strings.
"""
