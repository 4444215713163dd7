"""The record fields the loader reads (dedupe.corpus.fields), compiled and in Python alike."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.corpus import fields

_FIELD_NAMES = ("text", "maintext", "url", "id", "source", "outlet", "title", "date", "published")
_VALUES = st.one_of(st.none(), st.text(alphabet=" \t\n\r\x0b\x1c\x85\xa0\u2003\u3000aZ\u00fc\U0001f600", max_size=6),
                    st.integers(), st.booleans(), st.floats(allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_FIELD_NAMES), _VALUES))
def test_compiled_record_fields_are_the_loaders_own(record: dict[str, object]) -> None:
    """``_native.record_fields`` gives what the loader's own reading gives (first non-blank string of each
    field's names, url / outlet / title / date stripped, Unicode whitespace included), or leaves the record to
    it (``None``) when a value it looks at is not a string."""
    compiled = fields.RECORD_FIELDS
    if compiled is None:
        pytest.skip("the compiled module is not built")
    names = fields.layout(tuple(record), None, None, None)[2]
    found = compiled(record, names)
    if found is None:
        assert any(record.get(name) is not None and type(record.get(name)) is not str
                   for group in names for name in group)
    else:
        assert found == fields.fields_of(record, names)
