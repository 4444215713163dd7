"""dedupe.scan.units: where a unit of text starts; a doubled unit (fault) told from a shared phrase (echo)."""

from __future__ import annotations

import pytest

from dedupe.corpus.documents import Document, Origin
from dedupe.scan.near_dup import scan
from dedupe.scan.units import is_fault, starts_unit


@pytest.mark.parametrize(("text", "passage", "expected"), [
    ("Same words here.", "Same", True),                          # start of the text
    ("First line\nSecond line", "Second", True),                  # after a line break
    ("One sentence. Another one", "Another", True),              # after a sentence end
    ("He said it!\u201d Then left", "Then", True),               # closing quote after the sentence end
    ("  \u2022 Pictures: a heading", "Pictures", True),           # a bullet at the start of a line
    ("- .Senate to vote", "Senate", True),                       # the Daily Mail's bullet mark
    ("It said \u201cvery important\u201d", "very", False),       # inside a sentence, after a quote mark
    ("Enforcing a no fly zone", "a no fly", False),              # mid-sentence
    ("It grew by 3.5 per cent", "5 per", False),                 # a decimal point ends nothing
    ("Senate to vote on a bill", "vote", False),
])
def test_starts_unit(text: str, passage: str, expected: bool) -> None:
    assert starts_unit(text, text.index(passage)) is expected


def test_two_unit_starts_make_a_fault_one_is_not_enough() -> None:
    text = "A phrase used here.\nThen, a phrase used here.\nA phrase used here."
    starts = [0, text.index("a phrase"), text.rindex("A phrase")]
    assert is_fault(text, starts)
    assert not is_fault(text, starts[:2])


def _doc(text: str) -> Document:
    return Document("d", "Test", "", "", None, text, Origin("d.txt"))


def test_scan_tells_a_doubled_line_from_a_phrase_used_twice() -> None:
    line = "The bombing campaign by Russian and Syrian jets has already intensified in the city"
    phrase = "a press conference with the foreign secretary of the country"
    text = (f"{line}\n{line}\nFilling words, and then came {phrase} today.\n"
            f"Other filling words until {phrase} again.\n")
    kinds = [(f.kind, f.occurrences[0].text) for f in scan([_doc(text)]).findings]
    assert kinds == [("repeat", line), ("echo", phrase)]
