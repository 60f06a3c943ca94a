"""Finding a coded quote in a full text, tolerant of what copying from a PDF does to it.

A coder copies a passage out of a PDF viewer or a Word file; the text we hold was extracted
by another program. Between the two, line breaks, hyphenation across lines, ligatures
(``ﬁ``, ``ﬂ``), curly or straight quotation marks, kinds of dash, spacing and case drift.
:func:`find_quote` compares both sides in a *canonical* form and maps the match back to
character offsets in the ORIGINAL text, so a fragment's ``char_start:char_end`` slices the
text exactly as it is on disk (or as the PDF extraction returns it).

The canonical form (:func:`canonical`):

- Unicode NFKC (ligatures and full-width forms become plain letters, ``…`` becomes ``...``);
- every kind of quotation mark becomes ``'`` or ``"``, every dash ``-``;
- soft hyphens and zero-width characters are dropped, and so is all whitespace;
- a hyphen between two letters is dropped (``self-\\nesteem``, ``self-esteem`` and a
  line-broken ``lone-\\nliness`` all compare equal to their joined forms);
- case is folded.

An ellipsis in the quote (``...``, ``…``, ``[...]``, ``(...)``) stands for omitted text: the
parts must occur in order, each within :data:`MAX_GAP` characters of the last.

The tolerance is for *finding* a quote, not for storing it: :meth:`CanonicalText.verbatim`
gives the passage as the text has it (its case, dashes and quotation marks), which is what
a verified fragment keeps, whatever the coder typed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

#: Characters of original text an ellipsis in a quote may stand for.
MAX_GAP = 5000

_QUOTES = {ord(c): "'" for c in "‘’‚‛′`´"} | {ord(c): '"' for c in "“”„‟″«»"}
_DASHES = {ord(c): "-" for c in "‐‑‒–—―−⁃﹘﹣－"}
_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
_ELLIPSIS = re.compile(r"\[\s*\.\.\.\s*\]|\(\s*\.\.\.\s*\)|\.\.\.")
_LIGATURES = {ord(c): unicodedata.normalize("NFKC", c) for c in "ﬀﬁﬂﬃﬄﬅﬆ"}
#: A word broken across lines with a hyphen (``lone-\nliness``).
_BROKEN = re.compile(r"(\w+)-[ \t]*\r?\n\s*(\w+)")


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found: offsets into the original text, end exclusive."""

    start: int
    end: int


@lru_cache(maxsize=4096)
def _pieces(char: str) -> str:
    """What one character becomes in the canonical form ("" when it is dropped)."""
    if char in _DROP or char.isspace():
        return ""
    mapped = char.translate(_QUOTES).translate(_DASHES)
    if ord(mapped) > 127:
        mapped = unicodedata.normalize("NFKC", mapped).translate(_QUOTES).translate(_DASHES)
    return "".join(p for p in mapped.casefold() if not p.isspace())


def _canonical_chars(text: str) -> tuple[str, list[int], list[int]]:
    """The canonical string and, per canonical character, its original start and end."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        pieces = _pieces(char)
        if not pieces:
            continue
        out.extend(pieces)
        starts.extend([index] * len(pieces))
        ends.extend([index + 1] * len(pieces))
    # Drop a hyphen between two letters (line-end hyphenation, compound words): both sides alike.
    keep = [not (c == "-" and 0 < i < len(out) - 1 and out[i - 1].isalpha() and out[i + 1].isalpha())
            for i, c in enumerate(out)]
    chars = "".join(c for c, k in zip(out, keep, strict=True) if k)
    return (chars, [s for s, k in zip(starts, keep, strict=True) if k],
            [e for e, k in zip(ends, keep, strict=True) if k])


def canonical(text: str) -> str:
    """The form quotes and texts are compared in (see the module docstring)."""
    return _canonical_chars(text)[0]


def quote_parts(quote: str) -> list[str]:
    """The quote's canonical pieces between ellipses (empty pieces dropped)."""
    pieces = _ELLIPSIS.split(unicodedata.normalize("NFKC", quote or ""))
    # A dash next to an ellipsis belongs to the omitted text.
    return [p for p in (canonical(piece).strip("-") for piece in pieces) if p]


class CanonicalText:
    """A text prepared once for many quote searches."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.chars, self.starts, self.ends = _canonical_chars(text)

    def find_all(self, quote: str, *, limit: int = 50) -> list[QuoteMatch]:
        """Every place the quote occurs (at most ``limit``), in text order."""
        parts = quote_parts(quote)
        if not parts:
            return []
        found: list[QuoteMatch] = []
        first = parts[0]
        at = self.chars.find(first)
        while at >= 0 and len(found) < limit:
            end = self._rest(parts[1:], at + len(first))
            if end is not None:
                found.append(QuoteMatch(self.starts[at], self.ends[end - 1]))
            at = self.chars.find(first, at + 1)
        return found

    def _rest(self, parts: list[str], position: int) -> int | None:
        for part in parts:
            at = self.chars.find(part, position)
            if at < 0 or self._gap(position, at) > MAX_GAP:
                return None
            position = at + len(part)
        return position

    def verbatim(self, quote: str, match: QuoteMatch) -> str:
        """The quote as the text has it at ``match`` (from :meth:`find_all` with the same quote).

        Each part between ellipses becomes the text's own characters (case, dashes, quotation
        marks); the coder's ellipses stay. Line breaks and runs of spaces become one space,
        soft hyphens and ligatures are undone, and a word hyphenated across a line break is
        joined unless the coder wrote the hyphen.
        """
        raw = unicodedata.normalize("NFKC", quote or "")
        pieces, marks = _ELLIPSIS.split(raw), _ELLIPSIS.findall(raw)
        position = bisect_left(self.starts, match.start)
        out: list[str] = []
        for index, piece in enumerate(pieces):
            part = canonical(piece).strip("-")
            if part:
                at = self.chars.find(part, position)
                if at < 0:  # not the match find_all made: keep what the coder typed
                    return " ".join((quote or "").split())
                lead, trail = piece[:len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()):]
                text = self._clean(self.text[self.starts[at]:self.ends[at + len(part) - 1]], piece)
                out.append(f"{' ' if lead and index else ''}{text}{' ' if trail and index < len(marks) else ''}")
                position = at + len(part)
            elif index and index < len(marks):
                out.append(" ")
            if index < len(marks):
                out.append(marks[index])
        return " ".join("".join(out).split())

    @staticmethod
    def _clean(span: str, typed: str) -> str:
        span = "".join(c for c in span if c not in _DROP).translate(_LIGATURES)

        def joined(hit: re.Match[str]) -> str:
            hyphenated = re.search(rf"{re.escape(hit[1])}\s*-\s*{re.escape(hit[2])}", typed, re.IGNORECASE)
            return f"{hit[1]}-{hit[2]}" if hyphenated else f"{hit[1]}{hit[2]}"

        return " ".join(_BROKEN.sub(joined, span).split())

    def _gap(self, canonical_from: int, canonical_to: int) -> int:
        if canonical_to <= canonical_from:
            return 0
        return self.starts[canonical_to] - self.ends[canonical_from - 1]


def find_quote(quote: str, text: str | CanonicalText) -> QuoteMatch | None:
    """The first place ``quote`` occurs in ``text``, or None.

    Args:
        quote: the passage as the coder copied it.
        text: the full text (or a :class:`CanonicalText` made from it, to search it often).
    """
    prepared = text if isinstance(text, CanonicalText) else CanonicalText(text)
    matches = prepared.find_all(quote, limit=1)
    return matches[0] if matches else None
