"""Errors the library raises for problems the user can fix (bad input, bad options)."""

from __future__ import annotations


class DedupeError(Exception):
    """Base class of user-facing errors: the CLI prints the message on one line, no traceback."""


class InputError(DedupeError):
    """Unreadable or invalid input (missing file, duplicate ids, ``--strict`` problems, an index on a full disk);
    exit status 2."""


class ConfigError(DedupeError):
    """An option value out of range or inconsistent; exit status 2."""
