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

from review.corpus.formats._common import gc_paused, organisations
from review.corpus.model import ParsedRecord
from review.errors import FormatError

_SNIFF = re.compile(r"<(?:!DOCTYPE\s+)?PubmedArticleSet\b|<PubmedArticle>|<PubmedBookArticle>")
_RECORDS = ("PubmedArticle", "PubmedBookArticle")
_FEED = 1 << 20  # characters fed to the parser at a time


def _text(element: Any) -> str:
    """All the text inside ``element`` (inline markup dropped), whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


def _author(element: Any) -> tuple[str, dict[str, str]] | None:
    """("as written", author) for an ``<Author>``: a person, or an organisation."""
    collective = element.find("CollectiveName")
    if collective is not None:
        name = _text(collective)
        return (name, organisations([name])[0]) if name else None
    family = element.findtext("LastName") or ""
    given = element.findtext("ForeName") or element.findtext("Initials") or ""
    suffix = element.findtext("Suffix")
    if suffix:
        given = f"{given} {suffix}".strip()
    if not family and not given:
        return None
    return (f"{family}, {given}" if given else family), {"family": family, "given": given}


def _authors(container: Any) -> tuple[list[str], list[dict[str, str]], list[str], list[dict[str, str]]]:
    """(authors as written, authors, editors as written, editors) of an article or book."""
    written: list[str] = []
    people: list[dict[str, str]] = []
    editors_written: list[str] = []
    editors: list[dict[str, str]] = []
    for author_list in container.iterfind("AuthorList"):
        is_editors = author_list.get("Type") == "editors"
        for element in author_list.iterfind("Author"):
            found = _author(element)
            if found is None:
                continue
            if is_editors:
                editors_written.append(found[0])
                editors.append({**found[1], "role": "editor"})
            else:
                written.append(found[0])
                people.append(found[1])
    return written, people, editors_written, editors


def _date(pub_date: Any) -> str | None:
    """A PubDate as written: "2020 Mar 5", or its MedlineDate ("1998 Dec-1999 Jan")."""
    if pub_date is None:
        return None
    medline = pub_date.findtext("MedlineDate")
    if medline:
        return medline.strip()
    parts = [pub_date.findtext(tag) or "" for tag in ("Year", "Season", "Month", "Day")]
    return " ".join(p.strip() for p in parts if p and p.strip()) or None


def _abstract(container: Any) -> list[str]:
    """Each AbstractText, a labelled section as "LABEL: text"."""
    sections = []
    for element in container.iterfind("Abstract/AbstractText"):
        text = _text(element)
        label = element.get("Label")
        if text:
            sections.append(f"{label}: {text}" if label else text)
    return sections


def _ids(record: Any) -> dict[str, str]:
    """ArticleId values by IdType (the first of each), from PubmedData or BookDocument."""
    ids: dict[str, str] = {}
    for element in record.iter("ArticleId"):
        kind = element.get("IdType") or ""
        if element.text and kind not in ids:
            ids[kind] = element.text.strip()
    return ids


def article_fields(record: Any) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """(original, fields) for one ``<PubmedArticle>`` or ``<PubmedBookArticle>`` element."""
    citation = record.find("MedlineCitation")
    is_book = citation is None
    container = record.find("BookDocument") if is_book else citation.find("Article")
    if container is None:
        container = citation if citation is not None else record
    base = container if is_book else citation
    pmid = (base.findtext("PMID") or "").strip() if base is not None else ""
    title = container.find("ArticleTitle")
    title_text = _text(title) if title is not None else ""
    if not title_text:
        title_text = (container.findtext("VernacularTitle") or "").strip()
    book = container.find("Book") if is_book else None
    if is_book and book is not None:
        book_title = book.find("BookTitle")
        book_title_text = _text(book_title) if book_title is not None else ""
        title_text = title_text or book_title_text
    else:
        book_title_text = ""
    written, people, editors_written, editors = _authors(container)
    if book is not None:
        _w, _p, more_written, more_editors = _authors(book)
        editors_written.extend(more_written)
        editors.extend(more_editors)
        if not people:
            written, people = _w, _p
    journal = None if is_book else container.find("Journal")
    issue = journal.find("JournalIssue") if journal is not None else None
    date = _date(issue.find("PubDate") if issue is not None else (book.find("PubDate") if book is not None else None))
    if not date:
        article_date = container.find("ArticleDate")
        date = _date(article_date)
    pagination = container.find("Pagination")
    pages = None
    if pagination is not None:
        pages = pagination.findtext("MedlinePgn") or "-".join(
            p for p in (pagination.findtext("StartPage"), pagination.findtext("EndPage")) if p) or None
    elocations = {(e.get("EIdType") or ""): (e.text or "").strip() for e in reversed(container.findall("ELocationID"))}
    ids = _ids(record)
    doi = elocations.get("doi") or ids.get("doi")
    abstract = _abstract(container)
    keywords = [_text(k) for k in base.iter("Keyword")] if base is not None else []
    mesh = [_text(d) for d in base.iterfind("MeshHeadingList/MeshHeading/DescriptorName")] if base is not None else []
    types = [_text(t) for t in container.iterfind("PublicationTypeList/PublicationType")]
    if is_book:
        types.append("Book Chapter" if title is not None and _text(title) and book_title_text else "Book")
    issns = [i.text.strip() for i in journal.iterfind("ISSN") if i.text] if journal is not None else []
    isbns = [i.text.strip() for i in book.iterfind("Isbn") if i.text] if book is not None else []
    info = citation.find("MedlineJournalInfo") if citation is not None else None
    languages = [t.text for t in container.iterfind("Language") if t.text]
    publisher = book.findtext("Publisher/PublisherName") if book is not None else None
    original = {
        "PMID": [pmid],
        "ArticleTitle": [title_text],
        "BookTitle": [book_title_text],
        "Author": written,
        "Editor": editors_written,
        "PubDate": [date] if date else [],
        "Journal": [journal.findtext("Title") or ""] if journal is not None else [],
        "ISOAbbreviation": [journal.findtext("ISOAbbreviation") or ""] if journal is not None else [],
        "MedlineTA": [info.findtext("MedlineTA") or ""] if info is not None else [],
        "Volume": [issue.findtext("Volume") or ""] if issue is not None else [],
        "Issue": [issue.findtext("Issue") or ""] if issue is not None else [],
        "Pagination": [pages] if pages else [],
        "ELocationID": [f"{v} [{k}]" for k, v in elocations.items()],
        "ArticleId": [f"{v} [{k}]" for k, v in ids.items()],
        "AbstractText": abstract,
        "Keyword": keywords,
        "MeshHeading": mesh,
        "PublicationType": types,
        "Language": languages,
        "ISSN": issns,
        "Isbn": isbns,
        "PublisherName": [publisher] if publisher else [],
    }
    original = {k: [x for x in v if x] for k, v in original.items() if any(v)}
    journal_title = original.get("Journal", [None])[0]
    abbrev = original.get("ISOAbbreviation", original.get("MedlineTA", [None]))[0]
    fields = {
        "title": title_text or None,
        "authors": people or editors,
        "year": date,
        "date": date,
        "journal": journal_title or abbrev or (book_title_text if book_title_text != title_text else None) or None,
        "journal_abbrev": abbrev,
        "volume": original.get("Volume", [None])[0],
        "issue": original.get("Issue", [None])[0],
        "pages": pages or elocations.get("pii"),
        "doi": doi,
        "pmid": pmid or ids.get("pubmed"),
        "abstract": " ".join(abstract) or None,
        "keywords": keywords + mesh,
        "type": types,
        "language": languages[0] if languages else None,
        "issn": issns,
        "isbn": isbns,
        "url": None,
        "publisher": publisher,
    }
    return original, fields


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
        parser = etree.XMLPullParser(
            events=("start", "end"), encoding="utf-8", resolve_entities=False, no_network=True,
            load_dtd=False, huge_tree=True, remove_blank_text=True,
        )
        position = 0
        depth = 0
        root_seen = False
        pieces = range(0, len(text), _FEED)
        try:
            for start in [*pieces, -1]:
                if start >= 0:
                    parser.feed(text[start : start + _FEED].encode("utf-8"))
                else:
                    parser.close()  # raises if the document is unfinished
                for event, element in parser.read_events():
                    if event == "start":
                        depth += 1
                        if depth == 1:
                            root_seen = True
                            if element.tag != "PubmedArticleSet":
                                raise FormatError(
                                    f"expected <PubmedArticleSet>, found <{element.tag}>",
                                    path=path, line=element.sourceline or 1)
                        continue
                    depth -= 1
                    if depth != 1:
                        continue
                    if element.tag in _RECORDS:
                        position += 1
                        original, fields = article_fields(element)
                        pmid = original.get("PMID", [None])[0]
                        yield ParsedRecord(position=position, line=element.sourceline or 1,
                                           source_ref=pmid, original=original, fields=fields)
                    element.clear()
                    parent = element.getparent()
                    if parent is not None:
                        while element.getprevious() is not None:
                            del parent[0]
        except etree.XMLSyntaxError as exc:
            raise _error(exc, path) from None
        if not root_seen:
            raise FormatError("no <PubmedArticleSet> element", path=path, line=1)


FORMAT = PubmedXmlFormat()
