"""Exceptions of the CSV import core."""

from __future__ import annotations


class ImportRejected(Exception):
    """The whole file cannot be imported.

    The message is shown to the user as it is: it states what is wrong, quotes the offending
    value and, where possible, what to do about it.
    """


class InvalidValue(ValueError):
    """A single field value cannot be imported; the message is the reason reported for its row."""
