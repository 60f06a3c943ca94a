"""EndNote XML (File > Export > XML), as EndNote 8 to 21 write it.

``<xml><records><record>...`` with every value wrapped in ``<style>`` runs, which may be
split (``<style face="bold">Foo</style><style face="normal"> bar</style>``): a field's
value is the text of all its runs joined. Read with the standard library's expat parser,
streaming, with the line of every ``<record>``; malformed XML stops the import with its
line and column.

``original`` maps element paths inside the record ("titles/title",
"contributors/authors/author", "keywords/keyword", ...) to lists of values, plus
"ref-type" (its name attribute). The record id is rec-number; accession-num is the PMID
when remote-database-provider/name is NLM, PubMed or MEDLINE.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.parsers import expat

from review.corpus.formats._common import (
    every,
    first,
    pmid_in_text,
    pmid_in_urls,
    split_issn_isbn,
    tagged_records,
)
from review.corpus.model import ParsedRecord
from review.errors import FormatError

_SNIFF = re.compile(r"<records>\s*<record>|<record>\s*<database|<rec-number>")
_LINES = re.compile(r"[\r\n]+")
#: Elements that only group others; their own text is indentation.
_SKIP = frozenset({"style"})


class _Reader:
    """Collects records from expat events."""

    def __init__(self) -> None:
        self.records: list[tuple[int, dict[str, list[str]]]] = []
        self.record: dict[str, list[str]] | None = None
        self.path: list[str] = []
        self.text: list[list[str]] = []  # text collected for each open element
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "record":
            self.record = {}
            self.path, self.text = [], []
            self.records.append((self.parser.CurrentLineNumber, self.record))
            return
        if self.record is None or name in _SKIP:
            return
        self.path.append(name)
        self.text.append([])
        if name == "ref-type" and "name" in attrs:
            self.record["ref-type"] = [attrs["name"]]
        elif name == "url" and self.path[:1] == ["urls"] and attrs.get("href"):
            self.text[-1].append(attrs["href"])

    def end(self, name: str) -> None:
        if name == "record":
            self.record = None
            return
        if self.record is None or name in _SKIP or not self.path:
            return
        key = "/".join(self.path)
        parts = self.text.pop()
        self.path.pop()
        if key == "ref-type":
            return
        value = "".join(parts).strip()
        if value:
            values = self.record.get(key)
            if values is None:
                self.record[key] = [value]
            else:
                values.append(value)

    def data(self, text: str) -> None:
        if self.record is not None and self.text:
            if text.isspace() and "\n" in text:  # indentation of pretty-printed XML
                return
            self.text[-1].append(text)


def read_records(text: str, path: Path) -> list[tuple[int, dict[str, list[str]]]]:
    """(line of <record>, {element path: [values]}) for every record."""
    if not text.strip():
        return []
    reader = _Reader()
    try:
        reader.parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise FormatError(
            f"malformed XML at column {exc.offset + 1}: {expat.ErrorString(exc.code)}",
            path=path, line=exc.lineno,
        ) from exc
    return reader.records


class EndnoteXmlFormat:
    name = "endnote-xml"

    def sniff(self, text: str) -> float:
        head = text[:5000].lstrip()
        if not head.startswith("<"):
            return 0.0
        if _SNIFF.search(head) or (head.startswith(("<?xml", "<xml")) and "<records>" in head):
            return 0.95
        return 0.2  # some other XML: say so if nothing else fits

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        out = tagged_records(read_records(text, path), id_tags=("rec-number",), map_fields=map_fields)
        if not out and text.strip() and "<record" not in text:
            raise FormatError("XML without EndNote <record> elements: not an EndNote XML export",
                              path=path, line=1)
        return out


def _lines(values: list[str]) -> list[str]:
    """Values split on the carriage returns EndNote puts between items (&#xD;)."""
    return [v for value in values for v in _LINES.split(value) if v.strip()]


def map_fields(record: dict[str, list[str]]) -> dict[str, Any]:
    """EndNote XML elements -> our raw fields."""
    ref_type = first(record, "ref-type") or ""
    is_article = "article" in ref_type.lower()
    secondary = first(record, "titles/secondary-title")
    journal = first(record, "periodical/full-title", "alt-periodical/full-title")
    journal = (journal or secondary) if is_article else (secondary or journal)
    abbrev = first(record, "periodical/abbr-1", "alt-periodical/abbr-1", "titles/alt-title")
    if not journal and is_article:
        journal = abbrev
    urls = _lines(every(record, "urls/related-urls/url", "urls/web-urls/url", "urls/pdf-urls/url"))
    provider = " ".join(every(record, "remote-database-provider", "remote-database-name")).lower()
    pmid = None
    accession = first(record, "accession-num")
    if accession and accession.isdigit() and any(k in provider for k in ("nlm", "pubmed", "medline")):
        pmid = accession
    pmid = pmid or pmid_in_text(*every(record, "notes", "custom2", "custom1")) or pmid_in_urls(urls)
    issn, isbn = split_issn_isbn(_lines(every(record, "isbn", "issn")))
    authors = _lines(every(record, "contributors/authors/author"))
    if not authors and "book" in ref_type.lower():
        authors = _lines(every(record, "contributors/secondary-authors/author"))
    return {
        "title": first(record, "titles/title"),
        "authors": authors,
        "year": first(record, "dates/year", "dates/pub-dates/date"),
        "date": first(record, "dates/pub-dates/date"),
        "journal": journal,
        "journal_abbrev": abbrev,
        "volume": first(record, "volume"),
        "issue": first(record, "number", "issue"),
        "pages": first(record, "pages"),
        "doi": first(record, "electronic-resource-num"),
        "pmid": pmid,
        "abstract": first(record, "abstract"),
        "keywords": _lines(every(record, "keywords/keyword")),
        "type": [ref_type, *every(record, "work-type")],
        "language": first(record, "language"),
        "issn": issn,
        "isbn": isbn,
        "url": urls,
        "publisher": first(record, "publisher"),
    }


FORMAT = EndnoteXmlFormat()
