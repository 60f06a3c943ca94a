"""EndNote tagged ("refer") format: ``%T title``, ``%A author``, one field per line,
records separated by blank lines. Google Scholar's "EndNote" link, the AIS eLibrary and
other digital libraries export it (often as .enw or .txt).

A line that does not start with ``%`` continues the field above (long abstracts). The
record id is %M (accession number), else %F (label).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from review.corpus.formats._common import (
    every,
    first,
    joined,
    pmid_in_text,
    split_issn_isbn,
    tagged_records,
)
from review.corpus.model import ParsedRecord
from review.errors import FormatError

_TAG = re.compile(r"%([0-9A-Z@!#$^&*()+=|~?])(?: (.*))?")
_SNIFF = re.compile(r"^%[0-9A-Z@!#$^&*()+=|~?] \S", re.MULTILINE)


def read_records(text: str, path: Path) -> list[tuple[int, dict[str, list[str]]]]:
    """(start line, {tag: [values]}) for every record."""
    records: list[tuple[int, dict[str, list[str]]]] = []
    record: dict[str, list[str]] | None = None
    last: list[str] | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            record = last = None
            continue
        if not line.startswith("%"):
            if last is None:
                raise FormatError("text outside a record: a %-tag line is missing before it",
                                  path=path, line=number)
            last[-1] = f"{last[-1]}\n{line.strip()}"  # a wrapped value
            continue
        match = _TAG.fullmatch(line.rstrip())
        if match is None:
            raise FormatError(f"expected '%X value' (an EndNote tag), got {line[:40]!r}",
                              path=path, line=number)
        tag, value = match.group(1), (match.group(2) or "").strip()
        if record is None:
            record = {}
            records.append((number, record))
        last = record.get(tag)
        if last is None:
            last = record[tag] = [value]
        else:
            last.append(value)
    return records


class EndnoteTaggedFormat:
    name = "endnote-tagged"

    def sniff(self, text: str) -> float:
        head = text[:20000]
        lines = [ln for ln in head.split("\n")[:40] if ln.strip()]
        if not lines or not lines[0].startswith("%"):
            return 0.0
        tagged = len(_SNIFF.findall(head))
        return 0.9 if tagged >= 3 and ("\n%A " in head or "\n%0 " in head or "\n%T " in head) else 0.2

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        return tagged_records(read_records(text, path), id_tags=("M", "F"), map_fields=map_fields)


def map_fields(record: dict[str, list[str]]) -> dict[str, Any]:
    """EndNote tags -> our raw fields."""
    ref_type = first(record, "0") or ""
    journal = first(record, "J", "B") if "journal" in ref_type.lower() or not ref_type else first(record, "B", "J")
    issn, isbn = split_issn_isbn(every(record, "@"))
    database = " ".join(every(record, "~", "W")).lower()
    accession = first(record, "M")
    pmid = accession if accession and accession.isdigit() and ("pubmed" in database or "nlm" in database) else None
    keywords = [k for v in every(record, "K") for k in re.split(r"[\n;]", v) if k.strip()]
    return {
        "title": first(record, "T"),
        "authors": every(record, "A") or every(record, "E"),
        "year": first(record, "D", "8"),
        "date": first(record, "8", "D"),
        "journal": journal,
        "journal_abbrev": None,
        "volume": first(record, "V"),
        "issue": first(record, "N"),
        "pages": first(record, "P"),
        "doi": first(record, "R"),
        "pmid": pmid or pmid_in_text(*every(record, "Z")),
        "abstract": joined(record, "X"),
        "keywords": keywords,
        "type": [ref_type],
        "language": first(record, "G"),
        "issn": issn,
        "isbn": isbn,
        "url": every(record, "U"),
        "publisher": first(record, "I"),
    }


FORMAT = EndnoteTaggedFormat()
