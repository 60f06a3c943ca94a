"""PubMed XML: ``<PubmedArticleSet>`` as PubMed's "Send to: File, XML" and E-utilities'
``efetch.fcgi?db=pubmed&retmode=xml`` write it (NLM's pubmed_250101.dtd and earlier).

Streamed with lxml's pull parser: the file is fed a megabyte at a time, each
``<PubmedArticle>`` or ``<PubmedBookArticle>`` is read when its end tag arrives and then
cleared, so memory stays flat however many records the file holds. Entities are not
resolved and no DTD is fetched. Malformed XML (an element left open, a file cut short)
stops the import with the line lxml reports.

Mapping (MedlineCitation/Article, or BookDocument for books):

- title: ArticleTitle (inline markup such as ``<i>`` kept as its text), else VernacularTitle
  or BookTitle;
- authors: AuthorList[@Type="authors"] in order, "LastName, ForeName" (Initials when there
  is no ForeName); a CollectiveName is one author of kind organisation; an AuthorList of
  Type "editors" gives editors (role editor);
- year/date: PubDate Year Month Day, or MedlineDate ("1998 Dec-1999 Jan") as written;
  ArticleDate when PubDate has neither;
- journal: Journal/Title; journal_abbrev: ISOAbbreviation, else MedlineTA;
- volume, issue: JournalIssue; pages: MedlinePgn, else StartPage-EndPage, else an
  ELocationID of type pii (an article number);
- doi: ELocationID EIdType="doi", else ArticleId IdType="doi"; pmid: PMID;
- abstract: every AbstractText, a labelled one as "LABEL: text", joined by spaces;
- keywords: Keyword, then MeSH DescriptorName; type: every PublicationType;
- issn: Journal/ISSN (both print and electronic); isbn: Book/Isbn;
- publisher: Book/Publisher/PublisherName.

``original`` maps these element names to lists of their values as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from review.corpus.formats._common import editors, gc_paused, organisations
from review.corpus.model import ParsedRecord
from review.errors import FormatError

_SNIFF = re.compile(r"<(?:!DOCTYPE\s+)?PubmedArticleSet\b|<PubmedArticle>|<PubmedBookArticle>")
_RECORDS = ("PubmedArticle", "PubmedBookArticle")
_FEED = 1 << 20  # characters fed to the parser at a time
# The first element after the prolog (declaration, comments, DOCTYPE).
_ROOT = re.compile(r"<([A-Za-z_][\w.-]*)[\s/>]")


def _text(element: Any) -> str:
    """All the text inside ``element`` (inline markup dropped), whitespace collapsed."""
    if len(element) == 0:
        text = element.text or ""
        if "  " not in text and "\n" not in text and "\t" not in text:
            return text.strip()
    return " ".join("".join(element.itertext()).split())


def _author(element: Any) -> tuple[str, str | dict[str, str]] | None:
    """("as written", author) for an ``<Author>``: a person, or an organisation."""
    family = given = initials = suffix = ""
    for child in element:
        tag = child.tag
        if tag == "LastName":
            family = child.text or ""
        elif tag == "ForeName":
            given = child.text or ""
        elif tag == "Initials":
            initials = child.text or ""
        elif tag == "Suffix":
            suffix = child.text or ""
        elif tag == "CollectiveName":
            name = _text(child)
            return (name, organisations([name])[0]) if name else None
    given = given or initials
    if suffix:
        given = f"{given} {suffix}".strip()
    if not family or not given:
        return (family or given, {"family": family, "given": given}) if family or given else None
    written = f"{family}, {given}"
    # "Family, Given" as a string: the normaliser splits it at the comma, the same, and
    # remembers names it has seen (faster than a dict per author)
    return written, written if "," not in family and "," not in given else {"family": family, "given": given}


def _date(pub_date: Any) -> str | None:
    """A PubDate as written: "2020 Mar 5", or its MedlineDate ("1998 Dec-1999 Jan")."""
    parts = {child.tag: (child.text or "").strip() for child in pub_date}
    if parts.get("MedlineDate"):
        return parts["MedlineDate"]
    return " ".join(parts[k] for k in ("Year", "Season", "Month", "Day") if parts.get(k)) or None


class _Reader:
    """One record's values, gathered in a single walk over the elements that hold them."""

    def __init__(self) -> None:
        self.original: dict[str, list[str]] = {}
        self.people: list[str | dict[str, str]] = []
        self.editors: list[dict[str, str]] = []
        self.date: str | None = None
        self.article_date: str | None = None
        self.pages: str | None = None
        self.elocations: dict[str, str] = {}
        self.ids: dict[str, str] = {}

    def add(self, key: str, value: str | None) -> None:
        if value:
            values = self.original.get(key)
            if values is None:
                self.original[key] = [value]
            else:
                values.append(value)

    def extend(self, key: str, values: list[str]) -> None:
        values = [v for v in values if v]
        if values:
            self.original.setdefault(key, []).extend(values)

    def citation(self, citation: Any) -> None:
        """MedlineCitation (or BookDocument) and what it holds."""
        for child in citation:
            tag = child.tag
            if tag == "PMID":
                self.add("PMID", (child.text or "").strip())
            elif tag == "Article":
                self.article(child)
            elif tag == "MedlineJournalInfo":
                self.add("MedlineTA", child.findtext("MedlineTA"))
            elif tag == "MeshHeadingList":  # DescriptorName comes first in each MeshHeading
                self.extend("MeshHeading", [_text(h[0]) for h in child if len(h)])
            elif tag == "KeywordList":
                self.extend("Keyword", [_text(keyword) for keyword in child])
            elif tag == "ArticleIdList":
                self.article_ids(child)
            elif tag == "Book":
                self.book(child)
            else:
                self.article_part(tag, child)

    def article(self, article: Any) -> None:
        for child in article:
            self.article_part(child.tag, child)

    def article_part(self, tag: str, child: Any) -> None:
        """An element found in Article (and, for books, in BookDocument)."""
        if tag == "ArticleTitle":
            self.add("ArticleTitle", _text(child))
        elif tag == "Journal":
            for part in child:
                name = part.tag
                if name == "JournalIssue":
                    for item in part:
                        if item.tag == "PubDate":
                            self.date = _date(item)
                        else:
                            self.add(item.tag, (item.text or "").strip())
                elif name in ("Title", "ISOAbbreviation", "ISSN"):
                    self.add("Journal" if name == "Title" else name, (part.text or "").strip())
        elif tag == "Pagination":
            parts = {p.tag: (p.text or "").strip() for p in child}
            self.pages = parts.get("MedlinePgn") or "-".join(
                v for v in (parts.get("StartPage"), parts.get("EndPage")) if v) or None
            self.add("Pagination", self.pages)
        elif tag == "ELocationID":
            kind, value = child.get("EIdType") or "", (child.text or "").strip()
            self.elocations.setdefault(kind, value)
            self.add("ELocationID", f"{value} [{kind}]")
        elif tag == "Abstract":
            for section in child.iterchildren("AbstractText"):
                text, label = _text(section), section.get("Label")
                self.add("AbstractText", f"{label}: {text}" if label and text else text)
        elif tag == "AuthorList":
            found = [a for a in map(_author, child) if a is not None]
            if child.get("Type") == "editors":
                self.extend("Editor", [written for written, _person in found])
                self.editors.extend(editors(person for _written, person in found))
            else:
                self.extend("Author", [written for written, _person in found])
                self.people.extend(person for _written, person in found)
        elif tag == "Language":
            self.add("Language", child.text)
        elif tag == "PublicationTypeList":
            self.extend("PublicationType", [_text(item) for item in child])
        elif tag == "ArticleDate":
            self.article_date = _date(child)
        elif tag == "VernacularTitle":
            self.add("VernacularTitle", _text(child))

    def book(self, book: Any) -> None:
        for child in book:
            tag = child.tag
            if tag == "BookTitle":
                self.add("BookTitle", _text(child))
            elif tag == "PubDate":
                self.date = self.date or _date(child)
            elif tag == "Publisher":
                self.add("PublisherName", child.findtext("PublisherName"))
            elif tag == "Isbn":
                self.add("Isbn", (child.text or "").strip())
            elif tag == "AuthorList":
                self.article_part(tag, child)

    def article_ids(self, id_list: Any) -> None:
        for element in id_list:
            kind, value = element.get("IdType") or "", (element.text or "").strip()
            if value and kind not in self.ids:
                self.ids[kind] = value
                self.add("ArticleId", f"{value} [{kind}]")


def article_fields(record: Any) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """(original, fields) for one ``<PubmedArticle>`` or ``<PubmedBookArticle>`` element."""
    reader = _Reader()
    is_book = record.tag == "PubmedBookArticle"
    for part in record:
        if part.tag in ("MedlineCitation", "BookDocument"):
            reader.citation(part)
        elif part.tag in ("PubmedData", "PubmedBookData"):
            for id_list in part.iterchildren("ArticleIdList"):
                reader.article_ids(id_list)
    original = reader.original
    get = original.get

    def one(key: str) -> str | None:
        values = get(key)
        return values[0] if values else None

    title = one("ArticleTitle") or one("VernacularTitle")
    book_title = one("BookTitle")
    types = list(get("PublicationType", ()))
    if is_book:
        types.append("Book Chapter" if title and book_title and title != book_title else "Book")
        title = title or book_title
    date = reader.date or reader.article_date
    if date:
        original["PubDate"] = [date]
    abstract = get("AbstractText")
    pmid = one("PMID") or reader.ids.get("pubmed")
    abbrev = one("ISOAbbreviation") or one("MedlineTA")
    journal = one("Journal") or abbrev or (book_title if book_title and book_title != title else None)
    return original, {
        "title": title,
        "authors": reader.people or reader.editors,
        "year": date,
        "date": date,
        "journal": journal,
        "journal_abbrev": abbrev,
        "volume": one("Volume"),
        "issue": one("Issue"),
        "pages": reader.pages or reader.elocations.get("pii"),
        "doi": reader.elocations.get("doi") or reader.ids.get("doi"),
        "pmid": pmid,
        "abstract": " ".join(abstract) if abstract else None,
        "keywords": [*get("Keyword", ()), *get("MeshHeading", ())],
        "type": types,
        "language": one("Language"),
        "issn": list(get("ISSN", ())),
        "isbn": list(get("Isbn", ())),
        "url": None,
        "publisher": one("PublisherName"),
    }


def _error(exc: etree.XMLSyntaxError, path: Path, what: str = "") -> FormatError:
    line = exc.lineno or (exc.position[0] if exc.position else None) or 1
    message = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)
    message = re.sub(r", line \d+, column \d+$", "", message)
    return FormatError(f"malformed PubMed XML{what}: {message}", path=path, line=line)


class PubmedXmlFormat:
    name = "pubmed-xml"

    def sniff(self, text: str) -> float:
        return 0.98 if _SNIFF.search(text[:5000]) else 0.0

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        with gc_paused():
            return list(self.iter_records(text, path))

    def iter_records(self, text: str, path: Path) -> Iterator[ParsedRecord]:
        """Every record, in file order, read as the text is fed to the parser.

        Raises:
            FormatError: malformed XML (with its line), or a file that is not a
                PubmedArticleSet.
        """
        if not text.strip():
            return
        root = _ROOT.search(text[:5000])
        if root is None or root.group(1) != "PubmedArticleSet":
            found = f"<{root.group(1)}>" if root else "no element"
            line = text.count("\n", 0, root.start()) + 1 if root else 1
            raise FormatError(f"expected <PubmedArticleSet>, found {found}", path=path, line=line)
        # Only the records' end events: an event per element would cost more than the parse.
        parser = etree.XMLPullParser(
            events=("end",), tag=_RECORDS, encoding="utf-8", resolve_entities=False, no_network=True,
            load_dtd=False, huge_tree=True, remove_blank_text=True,
        )
        position = 0
        try:
            for start in [*range(0, len(text), _FEED), -1]:
                if start >= 0:
                    parser.feed(text[start : start + _FEED].encode("utf-8"))
                else:
                    parser.close()  # raises if the document is unfinished
                for _event, element in parser.read_events():
                    position += 1
                    original, fields = article_fields(element)
                    pmid = original.get("PMID", [None])[0]
                    yield ParsedRecord(position=position, line=element.sourceline or 1,
                                       source_ref=pmid, original=original, fields=fields)
                    element.clear(keep_tail=True)
                    parent = element.getparent()
                    if parent is not None:  # records read before this one: gone
                        while element.getprevious() is not None:
                            del parent[0]
        except etree.XMLSyntaxError as exc:
            raise _error(exc, path) from None


FORMAT = PubmedXmlFormat()
