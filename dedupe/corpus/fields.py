"""Which field of a JSON or CSV record gives a document's text, url, id, outlet, title and date (the loader's
:func:`~dedupe.corpus.records.add_record` and the manifests read them alike).

Field names are compared without case or surrounding space; each field is the first of its names, in order of
preference, whose value is text that is not blank (a number as its text). The compiled ``record_fields``
(``dedupe/scan/_native.c``) reads the usual record where it is built; :func:`fields_of` is the same in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

from dedupe.native import native

#: Field names, in order of preference, as common scrapers (news-please, trafilatura, newspaper) write them.
TEXT_FIELDS = ("text", "maintext", "raw_text", "content", "body")
OUTLET_FIELDS = ("source", "outlet", "source_domain", "sitename", "publisher")
DATE_FIELDS = ("date", "date_publish", "published", "pubdate")
FILE_FIELDS = ("file", "filename", "path", "name")


def fields_of(record: dict[str, Any], names: tuple[tuple[str, ...], ...]) -> list[str | None]:
    """The text, url, id, outlet, title and date of a record (:func:`_firsts` of each tuple of ``names``), the
    url, outlet, title and date stripped: what the compiled ``record_fields`` gives where it reads the record."""
    text, url, given, outlet, title, raw_date = _firsts(record, names)
    return [text, url and url.strip(), given, outlet and outlet.strip(), title and title.strip(),
            raw_date and raw_date.strip()]


# The compiled fields_of (dedupe/scan/_native.c), where built: a third of the time of add_record.
RECORD_FIELDS = getattr(native(), "record_fields", None)


@lru_cache(maxsize=256)
def layout(keys: tuple[Any, ...], text_field: str | None, text_override: str | None,
            outlet_override: str | None) -> tuple[bool, tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """For records with these keys: whether the keys are plain (:func:`_plain_keys`), the text names
    looked for, and the names giving each field (:func:`_field_names`); cached per layout of keys."""
    plain = _plain_keys(keys)
    if not plain:
        keys = tuple(lower_keys(dict.fromkeys(keys)))
    text_names = (text_field,) if text_field else prefer(text_override, TEXT_FIELDS)
    return plain, text_names, _field_names(keys, text_names, prefer(outlet_override, OUTLET_FIELDS))


@lru_cache(maxsize=256)
def _field_names(keys: tuple[str, ...], text_names: tuple[str, ...],
                 outlet_names: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The names among ``keys`` that can give the text, url, id, outlet, title and date, in order of
    preference (names a record lacks are left out; cached per layout of keys)."""
    present = set(keys)
    wanted = (text_names, ("url",), ("id",), outlet_names, ("title",), DATE_FIELDS)
    return tuple(tuple(name for name in names if name in present) for names in wanted)


def lower_keys(record: dict[str, Any]) -> dict[str, Any]:
    """Field names compared without case or surrounding space (the first spelling wins)."""
    lowered: dict[str, Any] = {}
    for key, value in record.items():
        lowered.setdefault(str(key).strip().lower(), value)
    return lowered


@lru_cache(maxsize=256)
def _plain_keys(keys: tuple[Any, ...]) -> bool:
    """Whether record keys are already as :func:`lower_keys` makes them (then the record is used as it
    is, not copied: nearly every file; cached per layout of keys)."""
    return all(type(key) is str and key == key.strip().lower() for key in keys)


@lru_cache(maxsize=64)
def prefer(override: str | None, names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` with ``override`` (a field name the user gave) first."""
    if not override:
        return names
    override = override.strip().lower()
    return (override,) + tuple(n for n in names if n != override)


def first_text(record: dict[str, Any], names: Iterable[str]) -> str | None:
    """The first of ``names`` whose value is text that is not blank (a number as its text), else ``None``."""
    for name in names:
        value = record.get(name)
        if value is None:
            continue
        if value.__class__ is str:  # the common case first; ``not value.isspace()`` is ``value.strip() != ""``
            if value and not value.isspace():
                return value
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value
    return None


def text_fallback(record: dict[str, Any], text_names: tuple[str, ...]) -> str | None:
    """The name that gave a record's text when the first of ``text_names`` (``--text-field``) gave none, else
    ``None``: the loader notes it, since the user asked for another field (``record``'s keys as
    :func:`lower_keys` makes them)."""
    if first_text(record, text_names[:1]) is not None:
        return None
    return next((name for name in text_names[1:] if first_text(record, (name,)) is not None), None)


def fallback_note(where: str, field: str, used: str, records: int) -> str:
    """The warning of records of one file whose text came from ``used`` instead of ``--text-field``.

    Example:
        >>> fallback_note("a.jsonl:3", "story", "body", 2)
        "a.jsonl:3: no text in --text-field 'story'; used 'body' instead (1 more record of this file too)"
    """
    from dedupe.output import plural  # the project's one plural; imported only when a note is written

    more = records - 1
    return (f"{where}: no text in --text-field {field!r}; used {used!r} instead"
            + (f" ({plural(more, 'more record')} of this file too)" if more else ""))


def unread_field(record: dict[str, Any], names: tuple[tuple[str, ...], ...]) -> str | None:
    """What the first value of a record's url, id, outlet, title or date that is a JSON object or array, passed over
    for a later name or for the fallback (file name, blank), was: the loader warns of it, since the user gave it.

    Args:
        record: The record, its keys as :func:`lower_keys` makes them.
        names: The names giving each field, as :func:`layout` finds them (the text's first: a record without text
            is skipped with its reason).

    Returns:
        E.g. ``"'source' is a JSON object"``, or ``None`` when no such value was passed over.

    Example:
        >>> unread_field({"source": {"name": "BBC"}, "outlet": "BBC"}, ((), (), (), ("outlet", "source"), (), ()))
        >>> unread_field({"title": ["A", "B"]}, ((), (), (), (), ("title",), ()))
        "'title' is a JSON array"
    """
    for group in names[1:]:
        for name in group:
            value = record.get(name)
            if isinstance(value, (dict, list)):
                return f"{name!r} is a JSON {'object' if isinstance(value, dict) else 'array'}"
            if first_text(record, (name,)) is not None:
                break
    return None


def unread_note(where: str, unread: str, records: int) -> str:
    """The warning of records of one file with a field :func:`unread_field` found (the first one's), one a file.

    Example:
        >>> unread_note("a.jsonl:3", "'source' is a JSON object", 2)
        "a.jsonl:3: field 'source' is a JSON object, not text; not read (1 more record of this file too)"
    """
    from dedupe.output import plural  # the project's one plural; imported only when a note is written

    more = records - 1
    return (f"{where}: field {unread}, not text; not read"
            + (f" ({plural(more, 'more record')} of this file too)" if more else ""))


def _firsts(record: dict[str, Any], fields: tuple[tuple[str, ...], ...]) -> list[str | None]:
    """:func:`first_text` of each tuple of names, with the usual case (one name, a string that is not blank)
    done here, in one call per record."""
    found: list[str | None] = []
    for names in fields:
        if len(names) != 1:
            found.append(first_text(record, names) if names else None)
            continue
        value = record.get(names[0])
        found.append(value if value.__class__ is str and value and not value.isspace() else first_text(record, names))
    return found


def host(url: str) -> str:
    """The host of a url, without ``www.``."""
    host = urlparse(url.strip()).hostname or ""
    return host.removeprefix("www.")
