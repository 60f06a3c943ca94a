"""Search dates: when a database was searched, as PRISMA 2020 reports it.

Stored as ISO 8601 text at the precision given: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.
Besides ISO, the unambiguous forms people type are accepted and converted: year first
with slashes or dots (``2024/03/15``, ``2024.03.15``), compact ``20240315``, and dates
with the month written in English (``15 March 2024``, ``March 15, 2024``, ``15-Mar-2024``,
``Mar 2024``). Forms whose day and month could be swapped (``15/03/2024``,
``03/04/2024``), relative words (``yesterday``), impossible dates (``2024-13-45``) and
dates in the future are refused.
"""

from __future__ import annotations

import datetime as dt
import re

from review.errors import InputError

#: What the error message lists as accepted.
ACCEPTED = ("YYYY-MM-DD, YYYY-MM or YYYY (also 2024/03/15, 20240315, "
            "15 March 2024, March 15, 2024, Mar 2024)")

_MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}

_YEAR_FIRST = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \-/.]+([a-z]+)\.?,?[ \-/.]+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?[ \-/.]+(\d{1,2})(?:st|nd|rd|th)?,?[ \-/.]+(\d{4})")
_MONTH_YEAR = re.compile(r"([a-z]+)\.?,?[ \-/.]+(\d{4})")


def _build(year: int, month: int | None, day: int | None) -> str:
    """ISO text at the precision given; ValueError when no such date."""
    if month is None:
        if not 1000 <= year <= 9999:
            raise ValueError("year")
        dt.date(year, 1, 1)
        return f"{year:04d}"
    if day is None:
        dt.date(year, month, 1)
        return f"{year:04d}-{month:02d}"
    dt.date(year, month, day)
    return f"{year:04d}-{month:02d}-{day:02d}"


def _parse(text: str) -> str | None:
    value = " ".join(text.strip().lower().split())
    if m := _YEAR_FIRST.fullmatch(value):
        return _build(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None)
    if m := _COMPACT.fullmatch(value):
        return _build(int(m[1]), int(m[2]), int(m[3]))
    if (m := _DAY_MONTH_YEAR.fullmatch(value)) and m[2] in _MONTHS:
        return _build(int(m[3]), _MONTHS[m[2]], int(m[1]))
    if (m := _MONTH_DAY_YEAR.fullmatch(value)) and m[1] in _MONTHS:
        return _build(int(m[3]), _MONTHS[m[1]], int(m[2]))
    if (m := _MONTH_YEAR.fullmatch(value)) and m[1] in _MONTHS:
        return _build(int(m[2]), _MONTHS[m[1]], None)
    return None


def parse_search_date(value: str | dt.date | None, *, today: dt.date | None = None,
                      **where: object) -> str | None:
    """The ISO form of a search date, or None when there is none.

    Args:
        value: what was typed (or a date, as YAML reads ``2020-03-31``).
        today: the latest acceptable date (default: today; a day of slack for time zones).
        **where: ``path``, ``line`` and ``field`` for the error (default field ``--searched``).

    Raises:
        InputError: not a date, an ambiguous day/month form, or a date in the future.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    where.setdefault("field", "--searched")
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        iso: str | None = value.isoformat()
    else:
        text = str(value)
        try:
            iso = _parse(text)
        except ValueError:
            raise InputError(f"{text!r} is not a real date; use {ACCEPTED}", **where) from None
        if iso is None:
            hint = (" (day and month could be either way round)"
                    if re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}", text.strip()) else "")
            raise InputError(f"{text!r} is not a date we can read{hint}; use {ACCEPTED}", **where)
    latest = (today or dt.date.today()) + dt.timedelta(days=1)
    if iso > latest.isoformat():
        raise InputError(f"{iso} is in the future; a search date is when the search was run", **where)
    return iso


def missing_date_warning(source: str, kind: str) -> str | None:
    """The warning for a database search with no date (PRISMA 2020 item 6 needs it)."""
    if kind != "database":
        return None
    return (f"source {source!r} has no search date; PRISMA 2020 reports when each database was "
            f"searched: review sources edit {_quoted(source)} --searched YYYY-MM-DD")


def _quoted(name: str) -> str:
    return name if re.fullmatch(r"[\w.-]+", name) else f'"{name}"'
