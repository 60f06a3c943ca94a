"""Full texts that quotes are verified against: plain text, Markdown and PDF.

A text is read once per command and kept with its sha256 (of the file's bytes, so a
replaced file is noticed even when its extracted text happens not to change) and, for a
PDF, where each page starts. PDF text comes from pypdf, page by page; pages are joined with
a form feed (``\\f``), so offsets index the extracted text and a page number is known for
every offset.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from review.corpus.encoding import decode
from review.errors import FormatError, InputError
from review.extraction.quotes import CanonicalText, QuoteMatch

#: Suffixes read as plain text (anything else that is not a PDF is refused).
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".rst")
PAGE_BREAK = "\f"


@dataclass
class FullText:
    """A text file as searched: its text, sha256 and page starts (PDF)."""

    path: str  # as stored: relative to the workspace when inside it
    text: str
    sha256: str
    page_starts: list[int] = field(default_factory=list)  # PDF: offset where page n+1 starts
    _canonical: CanonicalText | None = None

    @property
    def canonical(self) -> CanonicalText:
        if self._canonical is None:
            self._canonical = CanonicalText(self.text)
        return self._canonical

    def page_of(self, offset: int) -> int | None:
        """1-based page of a character offset (None for a text without pages)."""
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)

    def find(self, quote: str, *, page: int | None = None, near: int | None = None) -> QuoteMatch | None:
        """The quote's place when it occurs more than once: on ``page`` (from the coder's
        location) if it is there, then the occurrence nearest ``near`` (offsets known from
        before), else the first."""
        matches = self.canonical.find_all(quote)
        if not matches:
            return None
        if page is not None and self.page_starts:
            matches = [m for m in matches if self.page_of(m.start) == page] or matches
        if near is not None:
            return min(matches, key=lambda m: (abs(m.start - near), m.start))
        return matches[0]


def _pdf_pages(path: Path, data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        return [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"cannot read the PDF: {exc}", path=path) from exc


def load_text(path: Path, stored: str) -> FullText:
    """Read a text file (plain text, Markdown or PDF).

    Args:
        path: where the file is.
        stored: the name it is stored under (relative to the workspace).

    Raises:
        InputError: the file is missing, unreadable, or of a kind we cannot search.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"file not found: {stored}", path=path) from exc
    except IsADirectoryError as exc:
        raise InputError(f"is a folder, not a text: {stored}", path=path) from exc
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        pages = _pdf_pages(path, data)
        starts, offset = [], 0
        for page in pages:
            starts.append(offset)
            offset += len(page) + len(PAGE_BREAK)
        return FullText(stored, PAGE_BREAK.join(pages), digest, starts)
    if suffix not in TEXT_SUFFIXES:
        raise FormatError(f"cannot search a {suffix or 'suffix-less'} file for quotes: use plain "
                          f"text, Markdown ({', '.join(TEXT_SUFFIXES)}) or PDF", path=path)
    return FullText(stored, decode(data, path).text, digest)


class TextCache:
    """Texts by stored path, read at most once per command."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: dict[str, FullText | InputError] = {}

    def resolve(self, stored: str) -> Path:
        path = Path(stored)
        return path if path.is_absolute() else self.root / path

    def get(self, stored: str) -> FullText:
        """The text, or the InputError reading it raised (raised again, every time)."""
        if stored not in self._texts:
            try:
                self._texts[stored] = load_text(self.resolve(stored), stored)
            except InputError as exc:
                self._texts[stored] = exc
        found = self._texts[stored]
        if isinstance(found, InputError):
            raise found
        return found

    def relative(self, path: Path) -> str:
        """How a path is stored: relative to the workspace when inside it."""
        resolved = path if path.is_absolute() else (Path.cwd() / path)
        try:
            return resolved.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(resolved)
