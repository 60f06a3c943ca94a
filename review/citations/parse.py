"""One reference string into a record's fields, by the patterns of the common styles.

Styles read: author-year (APA, Harvard: ``Family, A. B. (2010). Title. *Journal*, 12(3),
1-10.`` or ``Family, A. 2010. Title. Journal 12(3): 1-10``) and Vancouver / NLM
(``Family AB, Other C. Title. Journal. 2010;12(3):1-10.``), numbered or not, with Markdown
emphasis or without it (PDF text). A field is filled only when its place in the pattern
is read; a field it cannot read stays empty, never guessed. A reference whose title, or
both its authors and year, cannot be read is *unparsed* and says why.

Why our own parser: the maintained ones do not fit here. refextract (INSPIRE, GPL-2) is
built for physics references (its journal knowledge base and report numbers) and needs the
``pdftotext`` binary; GROBID and CERMINE are Java services; AnyStyle is Ruby. The styles of
health and social science reference lists are regular enough for a small set of patterns,
measured against a hand check in ``benchmarks/citations_parse.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FIELDS = ("authors", "year", "title", "journal", "volume", "issue", "pages", "doi")

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s<>\]\[\"']+)", re.IGNORECASE)
_URL = re.compile(r"<?(https?://[^\s<>]+)>?")
_LEADING_NUMBER = re.compile(r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)])\s+")
_YEAR = r"(?:1[89]|20)\d{2}"
_PAGES = r"(?:[A-Za-z]?\d+(?:\s*[\u2013\u2014-]\s*[A-Za-z]?\d+)?)"
#: Author-year: the authors, then the year in brackets (APA, Harvard) or after a full stop.
_AUTHOR_YEAR = re.compile(
    rf"^(?P<authors>[^()]{{2,600}}?),?\s*\((?P<year>{_YEAR})[a-z]?(?:/{_YEAR})?(?:,[^)]*)?\)[.,:]?\s*(?P<rest>.*)$"
    rf"|^(?P<authors2>[^()]{{2,600}}?)[.,]\s+(?P<year2>{_YEAR})[a-z]?\.\s+(?P<rest2>.*)$")
#: The end of a journal article: journal, volume, (issue), pages, in author-year styles.
_SOURCE_TAIL = re.compile(
    rf"^(?P<journal>[^,]+?),?\s+(?P<volume>\d+)\s*(?:\((?P<issue>[^)]{{1,20}})\))?\s*[,:]?\s*"
    rf"(?:pp?\.\s*)?(?P<pages>{_PAGES})?\s*\.?\s*$")
#: Vancouver: Title. Journal. 2010;12(3):1-10 (the tail anchored on year;volume).
_VANCOUVER_TAIL = re.compile(
    rf"(?P<journal>[^.?!]+?)\.\s+(?P<year>{_YEAR})(?:\s+[A-Z][a-z]{{2}}(?:\s+\d{{1,2}})?)?\s*;\s*"
    rf"(?P<volume>\d+)?\s*(?:\((?P<issue>[^)]{{1,20}})\))?\s*(?::\s*(?P<pages>[A-Za-z]?\d+(?:\s*[\u2013\u2014-]\s*[A-Za-z]?\d+)?))?")
_VANCOUVER_AUTHOR = re.compile(r"^[A-Z][\w'\u2019-]+(?:\s[A-Z][\w'\u2019-]+)*\s[A-Z]{1,4}(?:-[A-Z])?$")
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.|[A-Z](?![a-z]))(?:[\s-]*(?:[A-Z][a-z]?\.|[A-Z](?![a-z])))*\.?$")


@dataclass
class ParsedReference:
    """What one reference gave: its fields (only those read), or why it could not be read."""

    raw: str
    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None

    @property
    def parsed(self) -> bool:
        return self.problem is None


def _clean(text: str) -> str:
    return " ".join(text.replace("*", "").replace("_", " ").split()).strip(" .,;:")


def _doi(text: str) -> str | None:
    match = _DOI.search(text)
    if not match:
        return None
    return match.group(1).rstrip(".,;)>").lower()


def _strip_links(text: str) -> str:
    """The text without its URLs and DOIs (Markdown ``[url](url)`` and ``<url>`` forms too)."""
    text = re.sub(r"\[[^\]]*\]\(https?://\S*", " ", text)
    text = _URL.sub(" ", text)
    text = re.sub(r"\b(?:doi:?\s*)?10\.\d{4,9}/\S+", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:Available (?:from|at)|Retrieved [^.]*?from|Accessed [^.]*)\s*:?\s*$", " ", text.strip(),
                  flags=re.IGNORECASE)
    return " ".join(text.split())


def parse_authors(text: str) -> list[dict[str, str]]:
    """``Family, A. B., Other, C., & Last, D.`` or ``Family AB, Other C, et al.`` as a list of
    ``{"family", "given"}``; an organisation as printed (family only). Empty when unreadable."""
    text = re.sub(r"\bet al\.?", "", text.replace("*", "")).strip(" ,;")
    if ("," not in text and not _VANCOUVER_AUTHOR.match(text.rstrip(".")) and len(text.split()) <= 8
            and not any(ch.isdigit() for ch in text) and text[:1].isupper()):
        return [{"family": text.rstrip("."), "given": ""}]  # an organisation, as printed
    text = re.sub(r",?\s*(?:&|\band\b)\s*(?:&|\band\b)?\s*", ", ", text)
    tokens = [t.strip() for t in text.split(",") if t.strip()]
    if not tokens:
        return []
    if all(_VANCOUVER_AUTHOR.match(t) for t in tokens):
        people = []
        for token in tokens:
            family, _, initials = token.rpartition(" ")
            people.append({"family": family, "given": initials})
        return people
    people, i = [], 0
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if people and _INITIALS.match(token) and people[-1]["given"]:  # "Sledge, E., H.": more initials
            people[-1]["given"] += " " + token
            i += 1
            continue
        if nxt is not None and _INITIALS.match(nxt) and not _INITIALS.match(token):
            people.append({"family": token, "given": nxt})
            i += 2
            continue
        family, _, initials = token.rpartition(" ")
        if family and _INITIALS.match(initials) and not _INITIALS.match(family):  # "Small R." inside APA
            people.append({"family": family, "given": initials})
        elif not people and len(tokens) <= 2 and not any(ch.isdigit() for ch in token):
            people.append({"family": token, "given": ""})  # an organisation
        else:
            return []
        i += 1
    return people


def _italic_segments(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in re.finditer(r"\*([^*]+)\*", text)]


def _author_year_rest(rest: str, fields: dict[str, Any]) -> None:
    """Title, journal, volume, issue and pages from what follows an author-year reference's year."""
    italics = _italic_segments(rest)
    if italics and italics[0][0] <= 1:  # the title itself in italics: a book or report
        fields["title"] = _clean(italics[0][2])
        return
    chapter = re.match(r"^(?P<title>.+?[.?!])\s+In\s+.+?\((?:Eds?|Hrsg)\.?\)", rest)
    if chapter:  # a chapter: its title; the book is no journal
        fields["title"] = _clean(chapter.group("title"))
        pages = re.search(rf"\(pp?\.\s*({_PAGES})\)", rest)
        if pages:
            fields["pages"] = _pages(pages.group(1))
        return
    if italics:
        start, end, journal = italics[0]
        fields["title"] = _clean(rest[:start])
        tail = (journal + rest[end:]).replace("*", "")
    else:
        sentences = re.split(r"(?<=[.?!])\s+(?=[A-Z])", rest, maxsplit=1)
        fields["title"] = _clean(sentences[0])
        tail = sentences[1] if len(sentences) > 1 else ""
    tail = _strip_links(tail)
    match = _SOURCE_TAIL.match(tail)
    if match:
        fields["journal"] = _clean(match.group("journal"))
        fields["volume"] = match.group("volume")
        if match.group("issue"):
            fields["issue"] = match.group("issue").strip()
        if match.group("pages"):
            fields["pages"] = _pages(match.group("pages"))
    elif italics:
        journal = _clean(italics[0][2])
        if journal:
            fields["journal"] = journal


def _pages(text: str) -> str:
    return re.sub(r"\s*[\u2013\u2014-]\s*", "-", text.strip())


def parse_reference(raw: str, line: int = 0) -> ParsedReference:
    """The fields of one reference (see the module's docstring for the styles read)."""
    text = _LEADING_NUMBER.sub("", " ".join(raw.split()))
    text = re.sub(r"\\([()\[\]_*.#-])", r"\1", text)  # Markdown escapes: 10.1016/s0020-7489\(02\)
    result = ParsedReference(raw=raw, line=line)
    fields = result.fields
    doi = _doi(text)
    if doi:
        fields["doi"] = doi
    plain = _strip_links(text)
    match = _AUTHOR_YEAR.match(plain)
    if match:
        authors = match.group("authors") or match.group("authors2")
        year = match.group("year") or match.group("year2")
        rest = match.group("rest") if match.group("rest") is not None else match.group("rest2")
        people = parse_authors(authors)
        if people:
            fields["authors"] = people
            fields["year"] = int(year)
            _author_year_rest(rest or "", fields)
    if "authors" not in fields:
        _vancouver(plain, fields)
    if not fields.get("title"):
        result.problem = "no title could be read"
    elif not fields.get("authors") and not fields.get("year"):
        result.problem = "neither authors nor year could be read"
    if result.problem:
        result.fields = {"doi": doi} if doi else {}
    return result


def _vancouver(text: str, fields: dict[str, Any]) -> None:
    """``Family AB, Other C. Title. Journal. 2010;12(3):1-10.`` (or a book: ``Place: Publisher; 2010``)."""
    authors, dot, rest = text.partition(". ")
    if not dot:
        return
    people = parse_authors(authors)
    if not people:
        return
    fields["authors"] = people
    tail = None
    for candidate in _VANCOUVER_TAIL.finditer(rest):
        tail = candidate
    if tail is not None and tail.group("volume"):
        title = rest[:tail.start()].strip()
        fields["title"] = _clean(title)
        fields["journal"] = _clean(tail.group("journal"))
        fields["year"] = int(tail.group("year"))
        fields["volume"] = tail.group("volume")
        if tail.group("issue"):
            fields["issue"] = tail.group("issue").strip()
        if tail.group("pages"):
            fields["pages"] = _pages(tail.group("pages"))
        return
    title = re.split(r"(?<=[.?!])\s+", rest, maxsplit=1)[0]
    fields["title"] = _clean(title)
    years = re.findall(rf"(?<![\d/.])({_YEAR})(?![\d/])", rest[len(title):])
    if years:
        fields["year"] = int(years[-1])
