"""Counts in words for screening output: "1 record", "2 records", never "1 records"."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, the noun in the plural unless ``n`` is 1 (``plural`` when the
    plural is not ``noun + "s"``)."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def verb(n: int, singular: str, plural: str) -> str:
    """The verb that agrees with ``n``: ``verb(1, "remains", "remain")``."""
    return singular if n == 1 else plural
