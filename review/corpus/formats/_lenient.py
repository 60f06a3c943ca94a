"""Lenient reading: lines that deviate from their format in a way a person reads unambiguously.

A tagged export sometimes loses the separator between a tag and its value (Web of Science
``AUGilles, H`` for ``AU Gilles, H``; RIS ``AU  -Gilles, H`` for ``AU  - Gilles, H``). Read
strictly, such a line stops the import (WoS) or, worse, is silently taken as more text of
the previous field (RIS). A format's ``repair(text, path)`` puts the separator back and
returns one warning per line, naming the file, the line and how it was read; the import
then goes on. Anything else that is malformed still stops the import with its line.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Warnings listed one by one before they are summarised.
MAX_LISTED = 20


def repair_lines(text: str, path: Path, pattern: re.Pattern[str], fixed: str, what: str,
                 quick: re.Pattern[str] | None = None) -> tuple[str, list[str]]:
    """``text`` with every match of ``pattern`` (multiline, group ``tag``) rewritten as ``fixed``.

    ``quick`` is a cheap necessary condition starting with a newline (a literal first
    character lets the regex engine skip ahead, ten times faster than ``^`` in multiline
    mode); a text it does not find is returned at once, so a well-formed export costs one
    fast scan. Returns the repaired text and warnings "FILE:LINE: TAG: <what>; read as '...'".
    """
    if quick is not None and quick.search(text) is None and quick.search("\n" + text[:300]) is None:
        return text, []
    first = pattern.search(text)
    if first is None:
        return text, []
    warnings: list[str] = []
    count = 0
    line = 1
    pos = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal count, line, pos
        count += 1
        line += text.count("\n", pos, match.start())
        pos = match.start()
        replacement = match.expand(fixed)
        if count <= MAX_LISTED:
            end = text.find("\n", match.end())
            shown = (replacement + text[match.end(): end if end >= 0 else len(text)])[:60]
            warnings.append(f"{path}:{line}: {match.group('tag')}: {what}; read as {shown!r}")
        return replacement

    repaired = pattern.sub(fix, text)
    if count > MAX_LISTED:
        warnings.append(f"{path}: {count - MAX_LISTED} more lines like these read the same way")
    return repaired, warnings
