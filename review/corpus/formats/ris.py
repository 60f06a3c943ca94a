"""RIS, as exported by EBSCOhost, Ovid, Scopus, Web of Science, ProQuest, Embase,
Cochrane, PubMed, EndNote, Zotero, Mendeley, RefWorks, Rayyan and others.

Parsing is rispy's; this module checks record boundaries itself (rispy silently drops an
unterminated last record), keeps every tag verbatim and maps tags to our fields.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import rispy

from review.corpus.model import ParsedRecord
from review.errors import FormatError

# "TY  - JOUR", also tolerating "TY - JOUR", "TY  -JOUR" and a bare "ER".
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])\s{1,3}-(?: (.*)|)$")
_LOOSE_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,3}- ?(.*)$")
_BARE_ER = re.compile(r"^ER\s*-?\s*$")
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")

TEXT_TAGS = {"TI", "T1", "AB", "N2", "N1", "T2", "BT", "CT", "ST", "TT", "JF", "JO", "T3"}


class _Identity(dict):
    def __missing__(self, key: str) -> str:
        return key


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


def _first(record: dict[str, Any], *tags: str) -> str | None:
    for tag in tags:
        value = record.get(tag)
        if value:
            text = " ".join(value) if isinstance(value, list) else str(value)
            if text.strip():
                return text.strip()
    return None


def _all(record: dict[str, Any], *tags: str) -> list[str]:
    out: list[str] = []
    for tag in tags:
        value = record.get(tag)
        if isinstance(value, list):
            out.extend(v for v in value if v and v.strip())
        elif value:
            out.append(value)
    return out


class RisFormat:
    name = "ris"

    def sniff(self, text: str) -> float:
        head = text[:20000]
        if re.search(r"^TY {1,3}- ?\S", head, re.MULTILINE):
            return 0.95 if re.search(r"^ER {0,3}-?\s*$", text, re.MULTILINE) else 0.6
        return 0.0

    def split(self, text: str, path: Path) -> tuple[str, list[int]]:
        """Canonical RIS text and the 1-based start line of each record, boundaries checked."""
        lines = text.split("\n")
        starts: list[int] = []
        open_at: int | None = None
        out: list[str] = []
        for number, line in enumerate(lines, start=1):
            stripped = line.rstrip()
            if _BARE_ER.match(stripped):
                if open_at is None:
                    raise FormatError("ER (end of record) without a TY before it", path=path, line=number, field="ER")
                open_at = None
                out.append("ER  - ")
                continue
            match = _TAG_LINE.match(stripped) or _LOOSE_TAG_LINE.match(stripped)
            if match:
                tag, value = match.group(1), (match.group(2) or "")
                if tag == "TY":
                    if open_at is not None:
                        raise FormatError(
                            f"record starting on line {open_at} has no ER before the next TY",
                            path=path, line=number, field="TY",
                        )
                    open_at = number
                    starts.append(number)
                out.append(f"{tag}  - {value}")
            else:
                out.append(stripped)
        if open_at is not None:
            raise FormatError(
                f"last record (starting on line {open_at}) is truncated: no ER line",
                path=path, line=open_at, field="ER",
            )
        return "\n".join(out), starts

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        canonical, starts = self.split(text, path)
        entries = rispy.loads(
            canonical,
            mapping=_Identity(),
            list_tags=_Everything(),
            delimiter_tags_mapping={},
            enforce_list_tags=False,
        )
        if len(entries) != len(starts):
            raise FormatError(
                f"read {len(entries)} records but found {len(starts)} TY lines", path=path
            )
        records = []
        for position, (entry, line) in enumerate(zip(entries, starts, strict=True), start=1):
            original = {k: (v if not isinstance(v, defaultdict) else dict(v)) for k, v in entry.items()}
            records.append(
                ParsedRecord(
                    position=position,
                    line=line,
                    source_ref=_first(original, "ID", "AN", "U1", "M1"),
                    original=original,
                    fields=map_fields(original),
                )
            )
        return records


def map_fields(record: dict[str, Any]) -> dict[str, Any]:
    """RIS tags -> our raw fields."""
    ty = _first(record, "TY") or ""
    is_journal = ty.upper() in {"JOUR", "JFULL", "EJOUR", "MGZN", "INPR", "ABST", "NEWS"}
    journal_full = _first(record, "JF", "T2", "JO") if is_journal else _first(record, "T2", "JF", "BT")
    abbrev = _first(record, "JA", "J2", "J1")
    if not journal_full and is_journal:
        journal_full = abbrev
    sn = _all(record, "SN")
    issn = [s for s in sn if re.search(r"\b\d{4}-?\d{3}[\dXx]\b", s) and len(re.sub(r"\D", "", s)) <= 8]
    isbn = [s for s in sn if s not in issn]
    notes = " ".join(_all(record, "N1", "M1", "M2", "AN", "C2"))
    pmid = None
    database = (_first(record, "DB", "DP") or "").lower()
    if any(k in database for k in ("pubmed", "medline", "nlm")):
        an = _first(record, "AN")
        if an and re.fullmatch(r"\d{1,9}", an.strip()):
            pmid = an.strip()
    if not pmid and (m := _PMID_NOTE.search(notes)):
        pmid = m.group(1)
    authors = _all(record, "AU", "A1")
    if not authors and ty.upper() in {"BOOK", "EDBOOK"}:
        authors = _all(record, "A2")
    title = _first(record, "TI", "T1", "CT", "BT")
    if not title and not is_journal:
        title = _first(record, "T2")
    return {
        "title": title,
        "authors": authors,
        "year": _first(record, "PY", "Y1", "DA", "Y2"),
        "date": _first(record, "DA", "Y1"),
        "journal": journal_full,
        "journal_abbrev": abbrev,
        "volume": _first(record, "VL", "VO"),
        "issue": _first(record, "IS", "CP"),
        "start_page": _first(record, "SP"),
        "end_page": _first(record, "EP"),
        "doi": _first(record, "DO", "DI") or next((u for u in _all(record, "UR", "L3", "M3", "N1") if "10." in u and "doi" in u.lower()), None),
        "pmid": pmid,
        "abstract": _first(record, "AB", "N2"),
        "keywords": _all(record, "KW"),
        "type": ty,
        "language": _first(record, "LA"),
        "issn": issn,
        "isbn": isbn,
        "url": _all(record, "UR", "L2", "LK", "L1"),
        "publisher": _first(record, "PB"),
    }


FORMAT = RisFormat()
