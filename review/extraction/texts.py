"""Full texts that quotes are verified against: plain text, Markdown, PDF, HTML and Word.

A text is read once per command and kept with its sha256 (of the file's bytes, so a
replaced file is noticed even when its extracted text happens not to change) and, for a
PDF, where each page starts. PDF text comes from pypdf, page by page; pages are joined with
a form feed (``\\f``), so offsets index the extracted text and a page number is known for
every offset. HTML is reduced to its visible text (blocks on their own lines) and a Word
file (.docx, python-docx) to its paragraphs then its tables' rows; offsets index that text.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from review.corpus.encoding import decode
from review.errors import FormatError, InputError
from review.extraction.quotes import CanonicalText, QuoteMatch

#: Suffixes read as plain text; PDF, HTML and Word files are converted; anything else is refused.
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".rst")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
WORD_SUFFIXES = (".docx",)
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


class _HTMLText(HTMLParser):
    """Visible text of an HTML page: blocks on their own lines, scripts and styles left out."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
              "blockquote", "table", "ul", "ol", "header", "footer", "figcaption", "dd", "dt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _html_text(text: str) -> str:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip("\n")


def _docx_text(path: Path, data: bytes) -> str:
    import io
    from zipfile import BadZipFile

    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except (BadZipFile, KeyError, ValueError) as exc:
        raise FormatError(f"cannot read the Word document: {exc}", path=path) from exc
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for table_row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in table_row.cells))
    return "\n".join(paragraphs)


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
    if suffix in WORD_SUFFIXES:
        return FullText(stored, _docx_text(path, data), digest)
    if suffix in HTML_SUFFIXES:
        return FullText(stored, _html_text(decode(data, path).text), digest)
    if suffix not in TEXT_SUFFIXES:
        raise FormatError(f"cannot search a {suffix or 'suffix-less'} file for quotes: use plain "
                          f"text or Markdown ({', '.join(TEXT_SUFFIXES)}), HTML, Word (.docx) or PDF",
                          path=path)
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
