"""Stage 6: render results for people (text, Markdown, HTML) and machines (JSON).

One module per command: ``info``, and later ``scan``, ``compare``, ``figures`` and the combined
``html`` report. Renderers are pure functions from result dataclasses to strings.
"""
