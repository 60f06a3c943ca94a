"""The library's one exception hierarchy.

Never imports click, never prints, never exits: the CLI translates these at the edge
(``InputError`` and its subclasses exit 2, other ``ReviewError`` exit 1).
"""

from __future__ import annotations

from pathlib import Path


class ReviewError(Exception):
    """A runtime problem the user can act on (exit status 1)."""


class InputError(ReviewError):
    """Bad input: a malformed file, an unknown id, a missing column (exit status 2).

    Args:
        message: what is wrong and, where possible, how to fix it.
        path: the file the problem is in, if any.
        line: 1-based line number in that file, if known.
        field: the field, column, tag or key concerned, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class FormatError(InputError):
    """A file that cannot be read in the format it claims or was detected as."""


class EncodingError(InputError):
    """A file whose bytes cannot be decoded."""


class WorkspaceError(ReviewError):
    """No workspace found, or one already exists where a new one was asked for."""


class WorkspaceExists(WorkspaceError):
    """``review init`` into a directory that already holds a workspace."""


class NotFound(InputError):
    """An id (work, record, criterion, reviewer, source) that does not exist."""


class ConfigError(InputError):
    """A malformed review.toml or protocol file."""
