"""PubMed MEDLINE / .nbib text, the PMC MEDLARS variant and ERIC's nbib.

A line is ``TAG - value`` with the tag left-aligned and padded to four characters
("TI  - ", "PMID- ", "FAU - "); continuation lines are indented (six spaces). Records are
separated by blank lines and start with PMID- (PubMed), PMC - (PMC) or the first tag (ERIC).
A PMID- line in a record that already has one also starts a new record (files joined
without a blank line).

Mapping: FAU preferred over AU (plus CN, a group author: one author of kind
organisation); FED (else ED) editors, in the role of editor, when there are no authors;
JT is the journal and TA its abbreviation, except in an ERIC document (OID ED..., not a
journal article), where JT names the publisher; LID/AID "10.x [doi]" is the DOI ("[pii]" values are not); DP gives the
year and date; PG "1012-24" is expanded by the normaliser; every PT is passed on so that
"Published Erratum", "Comment", "Retraction of Publication" or "Review" win over
"Journal Article"; IS "(Electronic)/(Print)/(Linking)" are ISSNs; OT and MH are keywords.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from review.corpus.formats._common import (
    editors,
    every,
    first,
    joined,
    organisations,
    tagged_records,
)
from review.corpus.model import ParsedRecord
from review.errors import FormatError

# "TI  - x", "PMID- 1", "FAU - x", ERIC's "ISSN - x"; the dash is at column 5 or 6.
_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3}) {0,3}- ?(.*)")
_SNIFF_START = re.compile(r"^(?:PMID- ?\d|PMC - ?PMC\d|OWN - ?[A-Z])", re.MULTILINE)
_SNIFF_TAGS = re.compile(r"^(?:TI  - |AU  - |FAU - |AB  - |DP  - |PT  - |SO  - )", re.MULTILINE)
_DOI_MARK = "[doi]"

#: Tags that start a new record when the current record already has one.
_OTHER_STARTS = frozenset({"PMID", "PMC"})


def read_records(text: str, path: Path) -> list[tuple[int, dict[str, list[str]]]]:
    """(start line, {tag: [values]}) for every record."""
    records: list[tuple[int, dict[str, list[str]]]] = []
    record: dict[str, list[str]] | None = None
    last: list[str] | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            record = last = None  # a blank line ends the record
            continue
        if line[0] in " \t":
            if last is None:
                raise FormatError(
                    "indented continuation line without a tag line above it",
                    path=path, line=number,
                )
            last[-1] = f"{last[-1].rstrip()} {line.strip()}"
            continue
        match = _TAG.fullmatch(line.rstrip())
        if not match:
            raise FormatError(
                f"expected 'TAG - value' or an indented continuation line, got {line[:40]!r}",
                path=path, line=number,
            )
        tag, value = match.group(1), match.group(2)
        if record is None or (tag in _OTHER_STARTS and tag in record):
            record = {}
            records.append((number, record))
        last = record.get(tag)
        if last is None:
            last = record[tag] = [value]
        else:
            last.append(value)
    return records


class MedlineFormat:
    name = "medline"

    def sniff(self, text: str) -> float:
        head = text[:20000]
        if re.search(r"^TY {1,3}- ", head, re.MULTILINE):
            return 0.0  # RIS
        if _SNIFF_START.search(head):
            return 0.95
        if len(_SNIFF_TAGS.findall(head)) >= 3 and re.search(r"^[A-Z]{4}- ", head, re.MULTILINE):
            return 0.7
        return 0.0

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        return tagged_records(read_records(text, path), id_tags=("PMID", "OID", "PMC", "AN"),
                              map_fields=map_fields)


def _doi(record: dict[str, list[str]]) -> str | None:
    ids = every(record, "LID", "AID")
    for value in ids:
        if value.endswith(_DOI_MARK):
            return value[: -len(_DOI_MARK)].strip()
    for value in ids:  # ERIC: "http://dx.doi.org/10.1000/123"
        if "10." in value and not value.endswith("]"):
            return value
    return None


def map_fields(record: dict[str, list[str]]) -> dict[str, Any]:
    """MEDLINE tags -> our raw fields."""
    authors: list[Any] = every(record, "FAU") or every(record, "AU")
    if corporate := every(record, "CN"):
        authors = [*authors, *organisations(corporate)]
    if not authors:
        authors = ([{"family": name, "given": ""} for name in every(record, "IR")]
                   or editors(every(record, "FED") or every(record, "ED")))
    issn = every(record, "IS", "ISSN")
    isbn = every(record, "ISBN")
    urls = [v for v in every(record, "LID", "AID", "URL") if v.startswith("http")]
    title = first(record, "TI", "BTI", "TT")
    journal = first(record, "JT")
    publisher = first(record, "PB")
    if journal and _is_eric_document(record):
        journal, publisher = None, publisher or journal  # ERIC's JT names a report's publisher
    if not journal and "BTI" in record and "TI" in record:
        journal = first(record, "BTI")
    return {
        "title": title,
        "authors": authors,
        "year": first(record, "DP", "DEP", "EDAT", "CRDT"),
        "date": first(record, "DP"),
        "journal": journal or first(record, "TA") or (None if publisher else first(record, "SO")),
        "journal_abbrev": first(record, "TA"),
        "volume": first(record, "VI"),
        "issue": first(record, "IP"),
        "pages": first(record, "PG"),
        "doi": _doi(record),
        "pmid": first(record, "PMID"),
        "abstract": joined(record, "AB"),
        "keywords": every(record, "OT", "MH"),
        "type": every(record, "PT"),
        "language": first(record, "LA"),
        "issn": issn,
        "isbn": isbn,
        "url": urls,
        "publisher": publisher,
    }


def _is_eric_document(record: dict[str, list[str]]) -> bool:
    """An ERIC record that is not a journal article (an ED document: a report, a book)."""
    if first(record, "OWN") != "ERIC":
        return False
    oid = first(record, "OID", "AN") or ""
    if oid.startswith("ED"):
        return True
    return not oid.startswith("EJ") and not any("Journal Article" in t for t in every(record, "PT"))


FORMAT = MedlineFormat()
