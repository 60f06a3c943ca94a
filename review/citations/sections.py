"""The reference list of a full text: found by its heading, split into one string per reference.

Tolerant of what full texts look like once extracted: Markdown bullets (``- ``), numbered
entries (``17.``, ``[17]``, ``(17)``), hanging lists with no marker, and PDF line breaks
(a reference running over several lines, a word hyphenated at a line's end, page breaks).
Each reference keeps the line of the text it starts on, so a problem can be named by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Headings that open a reference list (alone on their line, Markdown or numbered or not).
_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\d+\.?\s+)?(?:\*\*)?(references|reference list|bibliography|works cited|"
    r"literature cited|references cited|sources)(?:\*\*)?\s*:?\s*$", re.IGNORECASE)
#: Headings that close it (what often follows references in a paper or report).
_AFTER = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*)?(appendix|appendices|annex|tables?|figures?|figure legends|"
    r"supplementary|additional files?|acknowledge?ments?|author information|authors' contributions|"
    r"publisher's note|about the authors?|footnotes|notes|glossary)\b[^.]{0,80}$", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+\S")
#: The marker an entry starts with: a bullet, or a number as lists print it.
_MARKER = re.compile(r"^\s*(?:[-*\u2022]\s+|\[\d{1,4}\]\s*|\(\d{1,4}\)\s*|\d{1,4}[.)]\s+(?=\S))")
#: A hanging entry with no marker: a family name, then initials or a year.
_NAME_START = re.compile(r"^(?:[A-Z][\w'\u2019-]+(?:\s(?:[Vv]an|[Dd]e|[Dd]er|[Vv]on|[Ll]a|[Dd]i))?"
                         r"(?:,\s*[A-Z]|\s[A-Z]{1,3}[,.]|\s\(\d{4}|\s[A-Z]{1,3}\s*$)|[A-Z][\w&' ]{2,80}\.\s)")


@dataclass(frozen=True)
class RawReference:
    """One reference as printed, on one line (PDF breaks joined), and where it starts."""

    text: str
    line: int
    number: int  # 1-based position in the list


def find_section(text: str) -> tuple[int, list[str]] | None:
    """The reference list: the line number of its heading and the lines after it, up to the
    next section. The last such heading wins (a "References" in a contents list comes first).
    None when the text has none."""
    lines = text.replace("\f", "\n").splitlines()
    starts = [i for i, line in enumerate(lines) if _HEADING.match(line)]
    if not starts:
        return None
    start = starts[-1]
    body: list[str] = []
    for line in lines[start + 1:]:
        if _AFTER.match(line) or (_MARKDOWN_HEADING.match(line) and body):
            break
        body.append(line)
    return start + 1, body


def _join(previous: str, line: str) -> str:
    """Two lines of one reference as one: a word hyphenated at a line's end is mended when
    the next line goes on in lower case (``support-`` ``ers``), kept otherwise (``C-`` ``L``)."""
    if previous.endswith("-") and line[:1].islower() and not previous.endswith(" -"):
        return previous[:-1] + line
    if previous.endswith(("/", "-")) or not previous:
        return previous + line
    return previous + " " + line


def split_references(text: str) -> tuple[int, list[RawReference]] | None:
    """The references of a full text, one string each; None when it has no reference list.

    Returns:
        The heading's line (1-based) and the references found under it.
    """
    found = find_section(text)
    if found is None:
        return None
    heading, lines = found
    marked = sum(1 for line in lines if _MARKER.match(line))
    entries: list[tuple[int, str]] = []
    for offset, raw in enumerate(lines, start=1):
        line = raw.strip()
        number = heading + offset
        if not line:
            continue
        marker = _MARKER.match(raw)
        if marker and (marked >= 2):
            entries.append((number, raw[marker.end():].strip()))
        elif not entries:
            entries.append((number, line))
        elif not marked and _NAME_START.match(line) and entries[-1][1].rstrip().endswith((".", ">", ")")):
            entries.append((number, line))  # hanging list: a new name after a finished entry
        else:
            entries[-1] = (entries[-1][0], _join(entries[-1][1], line))
    return heading, [RawReference(" ".join(text.split()), line, i) for i, (line, text) in enumerate(entries, 1)]
