"""RIS, as exported by EBSCOhost, Ovid, Scopus, Web of Science, ProQuest, Embase,
Cochrane, PubMed (via reference managers), EndNote, Zotero, Mendeley, RefWorks, Rayyan,
EPPI-Reviewer, JSTOR, APA PsycNet and others.

One pass over the lines (rispy's tag rules, but faster and with line numbers), checking
record boundaries itself: a TY without ER before the next TY, an ER without TY, a tag line
outside any record or an unterminated last record stop the import with FILE:LINE.

Dialect quirks handled here:

- text outside records is skipped: Ovid's "1." counters, Cochrane's "Record #3 of 18",
  JSTOR/APA "Provider:", "Database:", "Content:" header lines;
- "TY  -  JOUR" (Cochrane: extra space), "ER  -" without a trailing space, APA's
  four-letter "PMID  - " tag, a lone "ER";
- untagged lines continue the tag above: a new item for list tags (EndNote writes all of a
  record's KW, DB, SN and UR values under one tag, one per line), more text otherwise
  (Scopus N1 free-text lines);
- where the PMID lives: AN with DB/DP PubMed/MEDLINE/NLM (EndNote, Ovid), UI (Ovid), C5 (Embase),
  C2 (Scopus), C3 "PUBMED n" (Cochrane), PMID (APA), "PMID:" notes, PubMed links;
- authors: AU and A1 in the order the file gives them, even mixed; a record without
  authors keeps ED (else a book's A2) as editors (role editor);
- the year: PY, else Y1, else DA, else Y2; the date: DA, else Y1, else PY;
- the issue: IS, else CP, else M1 where the type puts the issue there (JOUR, EJOUR, MGZN,
  NEWS, JFULL, INPR: EndNote's convention) and M1 looks like an issue number;
- the record's own id: ID (EndNote record number, Ovid accession, Lens), AN (Cochrane CN-,
  WoS WOS:, ProQuest, Rayyan, PMID), Embase U2, EPPI U1, Scopus eid in UR, EBSCOhost
  "Accession Number:" in N1.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from string import ascii_uppercase, digits
from typing import Any

from review.corpus.formats._common import (
    cut_points,
    doi_in,
    editors,
    every,
    first,
    gc_paused,
    joined,
    pmid_in_text,
    pmid_in_urls,
    scopus_eid,
    split_issn_isbn,
    split_urls,
)
from review.corpus.formats._lenient import repair_lines
from review.corpus.model import ParsedRecord
from review.errors import FormatError

# Every line as (tag, value): "TY  - JOUR", also "TY  -  JOUR" (Cochrane), "TY - JOUR",
# "ER  -" and APA's "PMID  - 123"; the tag is empty for an untagged line. Values come
# without trailing whitespace. Every line matches, so match i is line i.
_LINE = re.compile(r"\n(?:([A-Z][A-Z0-9]|PMID) {1,3}-(?=[ \n]|$) *)?((?:[^\n]*[^\s])?)[^\S\n]*")
_SNIFF_TY = re.compile(r"^TY {1,3}- *\S", re.MULTILINE)
_TY_LINE = re.compile(r"^TY {1,3}-(?=[ \n]|$)", re.MULTILINE)  # a TY line, as _LINE reads it
_SNIFF_ER = re.compile(r"^ER {0,3}-?\s*$", re.MULTILINE)
_EBSCO_AN = re.compile(r"Accession Number:\s*([\w-]+)")

#: Tags whose untagged continuation lines are further items, not more text.
LIST_TAGS = frozenset(
    {"KW", "DB", "SN", "UR", "L1", "L2", "L3", "L4", "LK", "AU", "A1", "A2", "A3", "A4", "AD", "C1", "M1"}
)
#: TY values whose T2/JO is a journal (otherwise T2 is a book or series title).
JOURNAL_TYPES = frozenset({"JOUR", "JFULL", "EJOUR", "MGZN", "INPR", "ABST", "NEWS", "SER"})


#: TY values whose M1 holds the issue ("Number" in EndNote's RIS export), when IS is absent.
M1_ISSUE_TYPES = frozenset({"JOUR", "EJOUR", "MGZN", "NEWS", "JFULL", "INPR"})
_ISSUE_LIKE = re.compile(r"(?:(?:Suppl|Supplement|Pt|Part|No)\.? ?)?\d+[A-Za-z]?(?:[-/ ]\d+[A-Za-z]?)?")

#: Every valid two-character tag, mapped to one shared str object.
_TAGS = {a + b: sys.intern(a + b) for a in ascii_uppercase for b in ascii_uppercase + digits}
#: What ``str.rstrip()`` (and the pattern's ``\s``) takes for whitespace.
_SPACES = frozenset(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
_BLOCK = 1 << 22  # characters split into lines at a time


def _split_lines(text: str) -> Iterator[str]:
    """``text.split("\n")``, a block of lines at a time (no list of all the lines)."""
    if len(text) <= _BLOCK:
        return iter(text.split("\n"))

    def blocks() -> Iterator[list[str]]:
        start = 0
        while (end := text.find("\n", start + _BLOCK)) >= 0:
            yield text[start:end].split("\n")
            start = end + 1
        yield text[start:].split("\n")

    return chain.from_iterable(blocks())


_AUTHOR_TAGS = frozenset({"AU", "A1"})


def read_records(
    text: str, path: Path, *, first_line: int = 1, author_order: dict[int, list[str]] | None = None
) -> list[tuple[int, dict[str, list[str]]]]:
    """(start line, {tag: [values]}) for every record, boundaries checked.

    Every line is read as ``_LINE`` reads it, into (tag, value); the tag is empty for an
    untagged line, which continues the tag above (or, outside records, is a header line).
    Lines in the usual form ("AU  - Smith, J") take a short cut that gives the same.
    ``text`` may be a piece of a file cut before a TY line (see ``chunk_starts``):
    ``first_line`` is then the file's line number of its first line.

    A record that mixes AU and A1 lines loses their order in ``{tag: [values]}``: if
    ``author_order`` is given, it receives, under the record's start line, its AU and A1
    values in file order.
    """
    records: list[tuple[int, dict[str, list[str]]]] = []
    record: dict[str, list[str]] | None = None
    start = 0
    previous = ""  # the tag of the record's last tagged line: untagged lines continue it
    after_er = False
    mixed: list[str] | None = None  # AU and A1 values in file order, once a record has both
    tags, spaces, intern = _TAGS, _SPACES, sys.intern
    for number, line in enumerate(_split_lines(text), first_line):
        if line[2:6] == "  - " and (tag := tags.get(line[:2])) is not None:
            value = line[6:]
            if value[:1] == " " or value[-1:] in spaces:
                value = value.lstrip(" ").rstrip()
            if record is not None and tag != "TY" and tag != "ER":  # the usual line
                values = record.get(tag)
                if values is None:
                    record[tag] = [value]
                    if tag in _AUTHOR_TAGS and mixed is None and (("A1" if tag == "AU" else "AU") in record):
                        mixed = [*record["A1" if tag == "AU" else "AU"], value]
                        continue  # ``previous`` stays: it is only read for untagged lines
                else:
                    values.append(value)
                if mixed is not None and tag in _AUTHOR_TAGS:
                    mixed.append(value)
                previous = tag
                continue
        elif not line:
            if record is None:
                after_er = False
            continue
        else:
            match = _LINE.match("\n" + line)
            assert match is not None  # the pattern matches any line
            tag, value = match.groups()
        if not tag:
            if value == "ER":  # a bare ER line
                tag = "ER"
            else:
                if record is None:  # text between records: counters, Provider: lines
                    after_er = False
                    continue
                if value:
                    last = record[previous]
                    value = value.strip()
                    if previous in LIST_TAGS:
                        last.append(value)
                        if mixed is not None and previous in _AUTHOR_TAGS:
                            mixed.append(value)
                    else:
                        last[-1] = f"{last[-1]}\n{value}" if last[-1] else value
                continue
        if tag == "TY":
            if record is not None:
                raise FormatError(
                    f"record starting on line {start} has no ER before the next TY",
                    path=path, line=number, field="TY",
                )
            record, start, previous, mixed = {"TY": [value]}, number, "TY", None
        elif tag == "ER":
            if record is None:
                raise FormatError("ER (end of record) without a TY before it",
                                  path=path, line=number, field="ER")
            records.append((start, record))
            if mixed is not None and author_order is not None:
                author_order[start] = mixed
            record = None
            after_er = True
        elif record is not None:
            tag = previous = intern(tag)
            values = record.get(tag)
            if values is None:
                record[tag] = [value]
                if tag in _AUTHOR_TAGS and mixed is None and (("A1" if tag == "AU" else "AU") in record):
                    mixed = [*record["A1" if tag == "AU" else "AU"], value]
                    continue
            else:
                values.append(value)
            if mixed is not None and tag in _AUTHOR_TAGS:
                mixed.append(value)
        elif records and after_er:
            # Ovid writes an NL tag straight after ER: it belongs to the record above.
            records[-1][1].setdefault(tag, []).append(value)
        else:
            raise FormatError(
                f"{tag} line outside a record: a TY line is missing before it",
                path=path, line=number, field=tag,
            )
    if record is not None:
        raise FormatError(
            f"last record (starting on line {start}) is truncated: no ER line",
            path=path, line=start, field="ER",
        )
    return records


#: The RIS tags (RIS specification and the variants exporters write), ER aside.
RIS_TAGS = ["TY", "A1", "A2", "A3", "A4", "AB", "AD", "AN", "AU", "AV", "BT", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "CA", "CN", "CP", "CT", "CY", "DA", "DB", "DO", "DP", "ED", "EP", "ET", "ID", "IS", "J1", "J2", "JA", "JF", "JO", "KW", "L1", "L2", "L3", "L4", "LA", "LB", "LK", "M1", "M2", "M3", "N1", "N2", "NV", "OP", "PB", "PP", "PY", "RI", "RN", "RP", "SE", "SN", "SP", "ST", "T1", "T2", "T3", "TA", "TI", "TT", "U1", "U2", "U3", "U4", "U5", "UR", "VL", "VO", "Y1", "Y2"]
# a tag whose dash is run into the value ("AU  -Gilles, H"): read strictly, the line would be
# taken as more text of the previous field
_DASH_RUN_IN_QUICK = re.compile(r"\n[A-Z][A-Z0-9] {1,3}-[^\s-]")
_DASH_RUN_IN = re.compile(r"^(?P<tag>" + "|".join(RIS_TAGS) + r") {1,3}-(?=[^\s-])", re.MULTILINE)


class RisFormat:
    name = "ris"

    def repair(self, text: str, path: Path) -> tuple[str, list[str]]:
        """A dash run into the value ("AU  -Gilles, H") read as tag and value, with a warning."""
        return repair_lines(text, path, _DASH_RUN_IN, r"\g<tag>  - ", "no space after the tag's dash",
                            _DASH_RUN_IN_QUICK)

    def sniff(self, text: str) -> float:
        head = text[:20000]
        if _SNIFF_TY.search(head):
            return 0.95 if _SNIFF_ER.search(text) else 0.6
        return 0.0

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        with gc_paused():
            return self.parse_chunk(text, path, mapping=mapping)[0]

    def chunk_starts(self, text: str, size: int) -> list[int]:
        """Offsets at which ``text`` can be cut into pieces of about ``size`` characters:
        0 and the starts of TY lines (see ``review.corpus.streaming``)."""
        return cut_points(text, size, _TY_LINE)

    def parse_chunk(
        self,
        text: str,
        path: Path,
        *,
        first_line: int = 1,
        mapping: dict[str, str] | None = None,
        prior_keys: frozenset[str] | set[str] = frozenset(),
    ) -> tuple[list[ParsedRecord], list[str]]:
        """The records of one piece (positions counted from 1 within it), and no keys."""
        author_order: dict[int, list[str]] = {}
        records = [
            ParsedRecord(
                position=position,
                line=line,
                source_ref=source_ref(record),
                original=record,
                fields=map_fields(record),
            )
            for position, (line, record) in enumerate(
                read_records(text, path, first_line=first_line, author_order=author_order), start=1
            )
        ]
        if author_order:
            for parsed in records:
                if parsed.line in author_order:
                    parsed.fields["authors"] = author_order[parsed.line]
        return records, []


def source_ref(record: dict[str, list[str]]) -> str | None:
    """The id the export gave the record."""
    ref = first(record, "ID", "AN")
    if ref:
        return ref
    if (u2 := first(record, "U2")) and u2[:1] == "L" and u2[1:].isdigit():  # Embase accession
        return u2
    if ref := first(record, "U1"):
        return ref
    urls = every(record, "UR")
    if ref := scopus_eid(urls):
        return ref
    notes = first(record, "N1")
    if notes and (match := _EBSCO_AN.search(notes)):
        return match.group(1)
    return None


def _pmid(record: dict[str, list[str]], urls: list[str]) -> str | None:
    get = record.get
    if values := get("PMID") or get("PM"):
        return values[0]
    if (ui := get("UI")) and ui[0].isdigit():  # Ovid: MEDLINE's unique identifier
        return ui[0]
    an, c5, c2, c3 = get("AN"), get("C5"), get("C2"), get("C3")
    if an or c5 or c2:
        databases = " ".join([*get("DB", ()), *get("DP", ())]).lower()
        if an and an[0].isdigit() and any(k in databases for k in ("pubmed", "medline", "nlm")):
            return an[0]
        if c5 and c5[0].isdigit() and ("embase" in databases or "medline" in databases):
            return c5[0]  # Embase: "Medline PMID"
        if c2 and c2[0].isdigit() and "scopus" in databases:
            return c2[0]
    if c3 and c3[0].startswith("PUBMED"):
        return pmid_in_text(c3[0])
    for tag in ("N1", "M1", "M2", "U1"):
        for note in get(tag, ()):
            if ("PMID" in note or "PubMed" in note) and (pmid := pmid_in_text(note)):
                return pmid
    return pmid_in_urls(urls) if urls else None


def _one(values: list[str] | None) -> str | None:
    """``first`` for one tag's values: the first non-empty one."""
    if values:
        if values[0]:
            return values[0]
        for value in values:
            if value:
                return value
    return None


def _m1_issue(ty: str, m1: list[str] | None) -> str | None:
    """M1 as the issue (EndNote writes a journal's, magazine's or newspaper's issue there),
    when it looks like one: short, with a digit, not a note ("PMID: ..." is not)."""
    if not m1 or ty not in M1_ISSUE_TYPES:
        return None
    value = m1[0].strip()
    if len(value) <= 12 and _ISSUE_LIKE.fullmatch(value):
        return value
    return None


def map_fields(record: dict[str, list[str]]) -> dict[str, Any]:
    """RIS tags -> our raw fields.

    ``_one(get(A)) or first(record, B, ...)`` is ``first(record, A, B, ...)``, cheaper when
    A is there, as it usually is.
    """
    get = record.get
    ty = (_one(get("TY")) or "").upper()
    is_journal = ty in JOURNAL_TYPES
    if is_journal:
        journal = _one(get("JF")) or _one(get("T2")) or first(record, "JO", "JA", "J2")
    else:
        journal = first(record, "T2", "JF", "BT", "JO", "T3")
    abbrev = _one(get("JA")) or _one(get("J2")) or first(record, "J1", "JI", "J9")
    if not abbrev and (jo := _one(get("JO"))) and jo != journal:
        abbrev = jo
    title = _one(get("TI")) or first(record, "T1", "CT")
    if not title:
        title = _one(get("BT")) or (None if is_journal else _one(get("T2")))
    start_page, end_page = _one(get("SP")), _one(get("EP"))
    if start_page == "No" and end_page == "Specified":  # Ovid's "No Specified"
        start_page = end_page = None
    if not start_page and "C7" in record:  # Scopus, WoS: article number instead of pages
        start_page = _one(get("C7"))
    authors: list[Any] = every(record, "AU", "A1")
    if not authors:
        authors = editors([*every(record, "ED"), *(every(record, "A2") if ty in ("BOOK", "EDBOOK") else ())])
    urls = split_urls(every(record, "UR", "L2", "LK", "L1", "L3", "L4"))
    m3 = get("M3")
    doi = _one(get("DO")) or _one(get("DI")) or (m3 and doi_in(m3)) or doi_in(urls)
    types = [ty, *m3] if m3 else [ty]
    if pt := get("PT"):
        types.extend(pt)
    issn, isbn = split_issn_isbn(get("SN", ()))
    if "BN" in record or "IB" in record:
        isbn.extend(every(record, "BN", "IB"))
    return {
        "title": title,
        "authors": authors,
        "year": _one(get("PY")) or first(record, "Y1", "DA", "Y2"),
        "date": _one(get("DA")) or _one(get("Y1")) or _one(get("PY")),
        "journal": journal,
        "journal_abbrev": abbrev,
        "volume": _one(get("VL")) or _one(get("VO")),
        "issue": _one(get("IS")) or _one(get("CP")) or _m1_issue(ty, get("M1")),
        "start_page": start_page,
        "end_page": end_page,
        "doi": doi,
        "pmid": _pmid(record, urls),
        "abstract": joined(record, "AB", "N2"),
        "keywords": get("KW"),
        "type": types,
        "language": _one(get("LA")),
        "issn": issn or None,
        "isbn": isbn or None,
        "url": urls or None,
        "publisher": _one(get("PB")) or _one(get("PU")),
    }


FORMAT = RisFormat()
