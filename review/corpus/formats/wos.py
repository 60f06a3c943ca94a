"""Web of Science "plain text" export (ISI tagged format; also Clarivate's "Other file
formats -> Plain text", often saved with a .txt or even .ris name).

``FN Clarivate Analytics Web of Science`` and ``VR 1.0`` head the file; each record runs
from ``PT J`` to ``ER``; ``EF`` ends the file. A line is a two-character tag, a space and
a value; continuation lines start with three spaces. For list tags (AU, AF, CR, C1, ...)
each continuation line is a further item; for text tags (TI, AB, SO, DE, ID) it is more
text. The record id is UT ("WOS:000221807500019"); PM holds the PMID.
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
    split_issn_isbn,
    tagged_records,
)
from review.corpus.formats._lenient import MAX_LISTED, repair_lines
from review.corpus.model import ParsedRecord
from review.errors import FormatError

_TAG = re.compile(r"([A-Z][A-Z0-9]) (.*)")
_SNIFF = re.compile(r"^PT [A-Z]\s*$", re.MULTILINE)
LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "BE", "CR", "C1", "C3", "RP", "EM", "RI", "OI", "FU"})
_KEYWORD_SPLIT = re.compile(r";\s*")
_HEADER_TAGS = frozenset({"FN", "VR"})
#: Every field tag of the Web of Science plain-text export.
KNOWN_TAGS = frozenset(
    ["FN", "VR", "PT", "AU", "AF", "BA", "BF", "CA", "GP", "BE", "TI", "SO", "SE", "BS", "LA", "DT", "CT", "CY", "CL", "SP", "HO", "DE", "ID", "AB", "C1", "C3", "RP", "EM", "RI", "OI", "FU", "FP", "FX", "CR", "NR", "TC", "Z9", "U1", "U2", "PU", "PI", "PA", "SN", "EI", "BN", "J9", "JI", "PD", "PY", "VL", "IS", "PN", "SU", "SI", "MA", "BP", "EP", "AR", "DI", "DL", "D2", "EA", "PG", "WC", "WE", "SC", "GA", "PM", "OA", "HC", "HP", "DA", "UT", "PS"])
# a known tag run into its value ("AUGilles, H"): the rest starts with a letter, a digit or a quote
_RUN_TOGETHER_QUICK = re.compile(r"\n[A-Z][A-Z0-9][^\s]")
_RUN_TOGETHER = re.compile(r"^(?P<tag>" + "|".join(sorted(KNOWN_TAGS)) + r")(?=[^\s])", re.MULTILINE)


def read_records(text: str, path: Path) -> list[tuple[int, dict[str, list[str]]]]:
    """(start line, {tag: [values]}) for every record, boundaries checked."""
    records: list[tuple[int, dict[str, list[str]]]] = []
    record: dict[str, list[str]] | None = None
    start = 0
    last: list[str] | None = None
    last_tag = ""
    ended = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if line.startswith("   ") or line.startswith("\t"):
            if record is None or last is None:
                raise FormatError("continuation line outside a record", path=path, line=number)
            value = line.strip()
            if last_tag in LIST_TAGS:
                last.append(value)
            else:
                last[-1] = f"{last[-1]} {value}"
            continue
        stripped = line.rstrip()
        if stripped == "ER":
            if record is None:
                raise FormatError("ER (end of record) without a PT before it", path=path, line=number, field="ER")
            records.append((start, record))
            record = last = None
            continue
        if stripped == "EF":
            if record is not None:
                break  # reported below as truncated
            ended = True
            continue
        match = _TAG.fullmatch(stripped) or (stripped if len(stripped) == 2 else None)
        if match is None:
            raise FormatError(
                f"expected a two-letter tag, a space and a value, got {line[:40]!r}",
                path=path, line=number,
            )
        tag, value = (match.group(1), match.group(2)) if not isinstance(match, str) else (match, "")
        if tag == "PT":
            if record is not None:
                raise FormatError(
                    f"record starting on line {start} has no ER before the next PT",
                    path=path, line=number, field="PT",
                )
            if ended:
                raise FormatError("record after the EF (end of file) line", path=path, line=number)
            record, start = {}, number
        elif record is None:
            if tag in _HEADER_TAGS:
                continue
            raise FormatError(
                f"{tag} line outside a record: a PT line is missing before it",
                path=path, line=number, field=tag,
            )
        last = record.get(tag)
        if last is None:
            last = record[tag] = [value]
        else:
            last.append(value)
        last_tag = tag
    if record is not None:
        raise FormatError(
            f"last record (starting on line {start}) is truncated: no ER line",
            path=path, line=start, field="ER",
        )
    return records


_TAG_LIKE = re.compile(r"[A-Z][A-Z0-9](?: |$)")
_UNINDENTED_QUICK = re.compile(r"\n(?!(?:[A-Z][A-Z0-9](?: |$)|ER$|EF$|   |\t|$))", re.MULTILINE)


def _indent_continuations(text: str, path: Path) -> tuple[str, list[str]]:
    """Unindented lines inside a record that start with no known tag, indented (continuations)."""
    if _UNINDENTED_QUICK.search(text) is None:
        return text, []
    lines = text.split("\n")
    warnings: list[str] = []
    count = 0
    in_record = False
    last_tag = ""
    for index, line in enumerate(lines):
        head = line[:2]
        if line.startswith("PT "):
            in_record = True
        elif line.rstrip() == "ER":
            in_record = False
        if not line.strip() or line[:1] in " \t":
            continue
        if _TAG_LIKE.match(line) or line.rstrip() in ("ER", "EF"):
            last_tag = head  # a tag line (an unknown tag is read, and reported, as one)
            continue
        if in_record and last_tag:
            lines[index] = "   " + line
            count += 1
            if count <= MAX_LISTED:
                warnings.append(f"{path}:{index + 1}: {last_tag}: a line without a tag or an indent; "
                                f"read as more of {last_tag}: {line[:40]!r}")
    if count > MAX_LISTED:
        warnings.append(f"{path}: {count - MAX_LISTED} more lines like these read the same way")
    return "\n".join(lines), warnings


class WosFormat:
    name = "wos"

    def sniff(self, text: str) -> float:
        head = text[:20000]
        if head.startswith(("FN ", "FN\t")) or "\nFN Clarivate" in head or "\nFN Thomson" in head:
            return 0.97
        if _SNIFF.search(head) and re.search(r"^(?:AU|TI|SO|UT) ", head, re.MULTILINE):
            return 0.9
        return 0.0

    def repair(self, text: str, path: Path) -> tuple[str, list[str]]:
        """Lines a person reads unambiguously, read so with a warning each: a tag run into its
        value ("AUGilles, H"), and a continuation line that lost its indent (some tools
        re-save the export so): a line with no known tag continues the field above."""
        text, warnings = repair_lines(text, path, _RUN_TOGETHER, r"\g<tag> ", "tag run into its value",
                                      _RUN_TOGETHER_QUICK)
        text, more = _indent_continuations(text, path)
        return text, [*warnings, *more]

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        return tagged_records(read_records(text, path), id_tags=("UT",), map_fields=map_fields)


def split_keywords(values: list[str]) -> list[str]:
    return [k for v in values for k in _KEYWORD_SPLIT.split(v) if k.strip()]


def map_fields(record: dict[str, list[str]]) -> dict[str, Any]:
    """Web of Science tags (plain text and tab-delimited alike) -> our raw fields."""
    authors: list[Any] = every(record, "AF") or every(record, "AU")
    if not authors:
        authors = every(record, "BF", "BA")
    if corporate := every(record, "CA", "GP"):
        authors = [*authors, *organisations(corporate)]
    if not authors:
        authors = editors(every(record, "BE"))
    pt = first(record, "PT") or ""
    types = [*split_keywords(every(record, "DT")), {"J": "JOUR", "B": "BOOK", "S": "SER", "P": "PAT"}.get(pt, pt)]
    issn, isbn = split_issn_isbn(every(record, "SN", "EI"))
    isbn.extend(every(record, "BN"))
    start_page = first(record, "BP")
    span = first(record, "PS") if not start_page else None  # older exports: "PS 123-130"
    return {
        "title": joined(record, "TI"),
        "authors": authors,
        "year": first(record, "PY", "EA"),
        "date": first(record, "PD"),
        "journal": first(record, "SO", "SE"),
        "journal_abbrev": first(record, "JI", "J9"),
        "volume": first(record, "VL"),
        "issue": first(record, "IS"),
        "pages": span,
        "start_page": start_page or (None if span else first(record, "AR")),
        "end_page": first(record, "EP") if start_page else None,
        "doi": first(record, "DI", "D2"),
        "pmid": first(record, "PM"),
        "abstract": joined(record, "AB"),
        "keywords": split_keywords(every(record, "DE", "ID")),
        "type": types,
        "language": first(record, "LA"),
        "issn": issn,
        "isbn": isbn,
        "url": every(record, "DL"),
        "publisher": first(record, "PU"),
    }


FORMAT = WosFormat()
