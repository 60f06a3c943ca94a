"""Ovid's own citation export (MEDLINE, Embase, APA PsycInfo, ERIC, Global Health and the
other databases searched through Ovid), as "Export > Citation Manager" and "Direct
Export" write it in Ovid's field-tag display, with or without abstracts.

Each record starts with its number in angle brackets on a line of its own (``<1>``); its
fields follow as tag lines, ``TI  - value`` (a two- to four-character Ovid field code,
padded, a dash), possibly indented by a space or two; a value that runs on is continued
on lines indented further (six spaces). Direct Export heads each record with ``VN  - Ovid
Technologies`` and ``DB  - <database>``; Citation Manager files may start with a few
lines of search history before ``<1>``, which are skipped.

A line inside a record that is neither a tag line, nor an indented continuation, nor a
record number is refused with its line (an unknown field), as is a record with no field
at all (a file cut short after ``<N>``) and a record number out of sequence.

Mapping: TI title; FA ("Authors Full Name") preferred over AU, CN a group author (one
author of kind organisation); ED editors when there are no authors (Embase, PsycInfo);
SO is the source line, read for journal, volume, issue, pages and year in its three Ovid
shapes (see ``parse_source``), with JN, VO, IP, PG, YR, DP preferred where given; UI is
the accession number and, in a MEDLINE or PubMed database, the PMID (PM elsewhere); DO the
DOI (with or without its https://dx.doi.org/ prefix); AB abstract; KW, MH, ID keywords (the star of a major MeSH heading dropped);
PT types; LG language; IS ISSN; IB ISBN; PU/PB publisher; XL/UR links.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from review.corpus.formats._common import (
    doi_in,
    editors,
    every,
    first,
    joined,
    organisations,
    split_issn_isbn,
    split_urls,
    tagged_records,
)
from review.corpus.model import ParsedRecord
from review.errors import FormatError

_NUMBER = re.compile(r"<(\d+)>")
_TAG = re.compile(r" {0,2}([A-Z][A-Z0-9]{1,3}) {1,4}-(?: (.*)|$)")
_SNIFF_NUMBER = re.compile(r"^<1>[ \t]*$", re.MULTILINE)
_SNIFF_TAGS = re.compile(r"^ {0,2}(?:VN|DB|UI|TI|AU|SO|AN|AB) {1,4}- ", re.MULTILINE)

# The source line in its Ovid shapes:
#   MEDLINE:  "Journal of Things. 12(3):45-67, 2019 Mar."
#   Embase:   "Journal of Things. 12(3) (pp 45-67), 2019. Date of Publication: March 2019."
#   PsycInfo: "Journal of Things. Vol.12(3), 2019, pp. 45-67."
_MEDLINE_SO = re.compile(
    r"(?P<journal>.+?)\.\s+(?P<volume>[^():,]*?)(?:\((?P<issue>[^)]*)\))?:(?P<pages>[^,]*),\s*(?P<date>[^.]+)\.?\s*")
_EMBASE_SO = re.compile(
    r"(?P<journal>.+?)\.\s+(?P<volume>[^():,]*?)\s*(?:\((?P<issue>[^)]*)\))?\s*\(pp\s*(?P<pages>[^)]*)\),\s*"
    r"(?P<date>[^.]+)\..*")
_PSYC_SO = re.compile(
    r"(?P<journal>.+?)\.\s+Vol\.?\s*(?P<volume>[^(),]*)(?:\((?P<issue>[^)]*)\))?,\s*(?P<date>[^,]+?)"
    r"(?:,\s*pp\.?\s*(?P<pages>[^.]*[^.\s]))?\.?\s*")
_ARTICLE_NUMBER = re.compile(r"^Article Number:?\s*", re.IGNORECASE)


def parse_source(source: str | None) -> dict[str, str]:
    """An Ovid SO line as {journal, volume, issue, pages, date} (those it gives)."""
    if not source:
        return {}
    text = " ".join(source.split())
    for pattern in (_EMBASE_SO, _PSYC_SO, _MEDLINE_SO):
        match = pattern.fullmatch(text)
        if match:
            parts = {k: v.strip() for k, v in match.groupdict().items() if v and v.strip()}
            if "pages" in parts:
                parts["pages"] = _ARTICLE_NUMBER.sub("", parts["pages"])
            return parts
    return {"journal": text.rstrip(".")}


def read_records(text: str, path: Path) -> list[tuple[int, dict[str, list[str]]]]:
    """(start line, {tag: [values]}) for every record, numbers and lines checked."""
    records: list[tuple[int, dict[str, list[str]]]] = []
    record: dict[str, list[str]] | None = None
    last: list[str] | None = None
    start = expected = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        marker = _NUMBER.fullmatch(stripped)
        if marker:
            if record is not None and not record:
                raise FormatError(f"record <{expected}> has no fields", path=path, line=start)
            found = int(marker.group(1))
            if records and found != expected + 1:
                raise FormatError(f"record <{found}> follows <{expected}>: records are missing or "
                                  "out of order", path=path, line=number)
            expected = found
            record, last, start = {}, None, number
            records.append((number, record))
            continue
        if record is None:
            continue  # search history and notes before the first record
        match = _TAG.fullmatch(line.rstrip())
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            last = record.get(tag)
            if last is None:
                last = record[tag] = [value]
            else:
                last.append(value)
        elif line[:1] in (" ", "\t") and last is not None:
            last[-1] = f"{last[-1]} {stripped}" if last[-1] else stripped
        else:
            raise FormatError(
                f"unknown Ovid field line {stripped[:40]!r}: expected 'TAG  - value', an indented "
                "continuation line or a record number such as <2>",
                path=path, line=number, field=stripped.split(" ")[0][:10],
            )
    if record is not None and not record:
        raise FormatError(f"record <{expected}> has no fields: the file is cut short", path=path, line=start)
    return records


class OvidFormat:
    name = "ovid"

    def sniff(self, text: str) -> float:
        head = text[:20000]
        if re.search(r"^TY {1,3}- ", head, re.MULTILINE):
            return 0.0  # RIS, maybe from Ovid
        if _SNIFF_NUMBER.search(head) and len(_SNIFF_TAGS.findall(head)) >= 2:
            return 0.96
        return 0.0

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        return tagged_records(read_records(text, path), id_tags=("UI", "AN"), map_fields=map_fields)


def _pmid(record: dict[str, list[str]]) -> str | None:
    if pmid := first(record, "PM", "PMID"):
        return pmid
    ui = first(record, "UI")
    databases = " ".join(every(record, "DB", "VN")).lower()
    if ui and ui.isdigit() and ("medline" in databases or "pubmed" in databases or not databases):
        return ui
    return None


def map_fields(record: dict[str, list[str]]) -> dict[str, Any]:
    """Ovid field codes -> our raw fields."""
    source = parse_source(first(record, "SO"))
    authors: list[Any] = every(record, "FA") or every(record, "AU")
    authors = [*authors, *organisations(every(record, "CN"))]
    if not authors:
        authors = editors(every(record, "ED")) if not _is_entry_date(record) else []
    doi_value = first(record, "DO")
    doi = doi_in([doi_value]) if doi_value else None
    issn, isbn = split_issn_isbn(every(record, "IS"))
    isbn.extend(every(record, "IB", "BN"))
    year = first(record, "YR", "PY") or source.get("date") or first(record, "DP")
    title = joined(record, "TI")
    journal = first(record, "JN", "JT") or source.get("journal")
    if journal and title and journal.rstrip(".") == title.rstrip("."):
        journal = None  # a book: its source line repeats its title
    return {
        "title": title,
        "authors": authors,
        "year": year,
        "date": first(record, "DP") or source.get("date"),
        "journal": journal,
        "journal_abbrev": first(record, "JA", "TA"),
        "volume": first(record, "VO", "VI") or source.get("volume"),
        "issue": first(record, "IP") or source.get("issue"),
        "pages": first(record, "PG") or source.get("pages"),
        "doi": doi or doi_value,
        "pmid": _pmid(record),
        "abstract": joined(record, "AB"),
        "keywords": [k.lstrip("*") for k in every(record, "KW", "MH", "ID")],
        "type": every(record, "PT"),
        "language": first(record, "LG", "LA"),
        "issn": issn,
        "isbn": isbn,
        "url": split_urls(every(record, "UR", "XL")),
        "publisher": first(record, "PU", "PB"),
    }


def _is_entry_date(record: dict[str, list[str]]) -> bool:
    """In Ovid MEDLINE, ED is the entry date ("20190312"), not the editors."""
    value = first(record, "ED") or ""
    return value[:1].isdigit()


FORMAT = OvidFormat()
