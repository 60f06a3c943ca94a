"""What went wrong when a database cannot be opened, said in one line with the URL masked.

An unreachable server, wrong credentials, a missing database, a missing driver, a database
that holds something other than a review: each becomes an :class:`InputError` (exit 2)
naming the URL with its password replaced by ``***`` and saying what to do. Nothing is
written before these checks pass.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from review.errors import InputError

__all__ = ["cannot_connect", "masked", "no_driver", "not_a_review"]

WHERE = "[database] url in review.toml"


def masked(url: str) -> str:
    """``url`` with its password shown as ``***`` (the URL as given if it cannot be parsed)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url.split("@", 1)[-1] if "@" in url else url


def _advice(reason: str, url: str) -> str:
    text = reason.lower()
    if ("password authentication failed" in text or "no password supplied" in text
            or ("role" in text and "does not exist" in text)):
        return f"wrong user name or password: correct them in {WHERE} (or in ~/.pgpass)"
    if "database" in text and "does not exist" in text:
        name = make_url(url).database
        return f"the database does not exist: create it (createdb {name}) or correct {WHERE}"
    if any(word in text for word in ("connection refused", "could not translate host", "timeout",
                                     "timed out", "no route to host", "name or service not known",
                                     "no such file or directory")):
        return f"cannot reach the server ({reason}): check that it is running and the host and port in {WHERE}"
    if "unable to open database file" in text:
        return f"cannot open the database file ({reason}): check that its folder exists and may be written"
    if "file is not a database" in text:
        return f"not an SQLite database ({reason}): point {WHERE} at a review's database"
    return f"cannot open the database ({reason}): check {WHERE}"


def cannot_connect(exc: BaseException, url: str) -> InputError:
    """The error to raise when connecting to ``url`` failed with ``exc``."""
    cause = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    reason = lines[0] if lines else type(cause).__name__
    if reason.startswith("connection failed: ") and len(lines) > 1:
        reason = lines[1] if "failed:" not in lines[0][19:] else lines[0][19:]
    reason = reason.removeprefix("connection failed: ")
    return InputError(_advice(reason, url), path=masked(url))


def no_driver(url: str, exc: BaseException) -> InputError:
    """The error for a URL whose database driver is not installed (or a URL that is not one)."""
    if isinstance(exc, ArgumentError):
        return InputError(f"not a database URL ({exc}): write e.g. sqlite:///review.db or "
                          f"postgresql+psycopg://USER:PASSWORD@HOST/DB in {WHERE}", path=masked(url))
    return InputError(f"the database driver is not installed ({exc}): for PostgreSQL, "
                      "pip install 'review[postgres]'", path=masked(url))


def not_a_review(url: str, tables: list[str]) -> InputError:
    """The error for a database that holds tables but none of a review's bookkeeping."""
    shown = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
    return InputError(f"this database holds other tables ({shown}) but is not a review's (no "
                      f"schema_migrations table); nothing was written: point {WHERE} at an empty "
                      "database or at a review's", path=masked(url))
