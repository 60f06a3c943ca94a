"""Tables: CSV, semicolon-separated (Excel in many locales) and tab-delimited exports.

Covers Scopus, Web of Science tab-delimited (two-letter ISI column tags, often UTF-16),
PubMed, Embase (with its "SEARCH QUERY" preamble), Cochrane, EBSCOhost, Lens, OpenAlex,
IEEE, Springer, Zotero, Covidence, Rayyan, abstrackr, RefWorks, Google Scholar and any
other table: a column whose name is recognised (``_columns``) is read without options,
and ``--map COLUMN=FIELD`` names the others (or overrides a guess).

The header is the first of the first 30 lines with at least two recognised column names
(else the first non-empty line); the delimiter is the one of comma, semicolon and tab that
splits that line best. Each record's ``line`` is its physical line in the file, quoted
multi-line cells included; a row with more filled cells than the header, or a quote left
open, stops the import with its line.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from review.corpus.formats import _columns, _tabular
from review.corpus.formats._common import gc_paused
from review.corpus.formats.wos import map_fields as wos_map_fields
from review.corpus.model import ParsedRecord
from review.errors import FormatError

_DELIMITERS = (",", ";", "\t")
_FUNDING = re.compile(r"Funding Text \d+")
_TAGGED = re.compile(r"\s*(?:[A-Z][A-Z0-9]{1,3} {0,3}- |[A-Z][A-Z0-9] \S|@\w|<|%[0-9A-Z] )")
_WOS_LIST = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "BE", "CR", "C1", "C3", "RI", "OI", "EM"})

csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


def _split_header(line: str) -> tuple[str, list[str]]:
    """The delimiter that splits ``line`` into the most cells, and those cells."""
    best: tuple[int, str, list[str]] = (0, ",", [line])
    for delimiter in _DELIMITERS:
        if delimiter not in line:
            continue
        cells = next(csv.reader([line], delimiter=delimiter))
        if len(cells) > best[0]:
            best = (len(cells), delimiter, cells)
    return best[1], best[2]


def find_header(text: str) -> tuple[int, str, list[str], int]:
    """(0-based line index, delimiter, header cells, recognised column count)."""
    lines = text.split("\n", 31)[:30]
    first: tuple[int, str, list[str], int] | None = None
    for index, line in enumerate(lines):
        if not line.strip() or line.strip(" -;,\t") == "":
            continue
        delimiter, cells = _split_header(line)
        if len(cells) < 2:
            if first is None:
                first = (index, delimiter, cells, 0)
            continue
        known = sum(1 for c in cells if _columns.field_for(c))
        if known * 20 < len(cells):  # a line of text that happens to hold a few names
            known = 0
        if _columns.is_wos_header(cells):
            known += 10
        if first is None or first[3] == 0 and len(first[2]) < 2:
            first = (index, delimiter, cells, known)
        if known >= 2:
            return index, delimiter, cells, known
    return first if first is not None else (0, ",", [], 0)


class CsvFormat:
    name = "csv"

    def sniff(self, text: str) -> float:
        head = text[:50000]
        index, delimiter, cells, known = find_header(head)
        if len(cells) < 2:
            return 0.0
        if known >= 2:
            return 0.85
        # An unknown table: the same number of delimiters on the first lines (and not a
        # tagged format, BibTeX or XML whose first line happens to hold a comma).
        lines = [ln for ln in head.split("\n")[index : index + 6] if ln.strip()]
        if _TAGGED.match(lines[0]):
            return 0.0
        try:
            widths = {len(row) for row in csv.reader(lines, delimiter=delimiter) if row}
        except csv.Error:
            return 0.1
        return 0.4 if len(lines) >= 2 and len(widths) == 1 else 0.1

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        with gc_paused():
            return self._parse(text, path, mapping=mapping)

    def _parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        index, delimiter, header, _known = find_header(text)
        if not header:
            return []
        offset = 0
        for _ in range(index):
            offset = text.index("\n", offset) + 1
        header_line = index + 1
        reader = csv.reader(io.StringIO(text[offset:]), delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except (csv.Error, StopIteration) as exc:
            raise FormatError(f"cannot read the header row: {exc}", path=path, line=header_line) from exc
        header = [h.replace("\ufeff", "").strip() for h in header]
        if _columns.is_wos_header(header) and not mapping:
            plan = None
        else:
            plan = _tabular.plan_columns(header, mapping, path=path, line=header_line)
        records: list[ParsedRecord] = []
        funding = _last_funding_text(header)
        width = len(header)
        short: tuple[int, int] | None = None  # a row shorter than the one before it
        previous = width
        consumed = reader.line_num
        while True:
            start = header_line + consumed
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise FormatError(
                    f"malformed CSV row ({exc}): a quote opened on this line is never closed"
                    if "end of data" in str(exc) or "field larger" in str(exc)
                    else f"malformed CSV row: {exc}",
                    path=path, line=start,
                ) from exc
            consumed = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) == 1 and width > 2:  # a section heading (abstrackr: "citations that ...")
                continue
            if len(row) > width and funding is not None:
                row = _scopus_funding(row, width, funding)
            if len(row) > width:
                if any(cell.strip() for cell in row[width:]):
                    raise FormatError(
                        f"row has {len(row)} cells but the header has {width}: an unquoted "
                        f"'{_show(delimiter)}' inside a value?",
                        path=path, line=start,
                    )
                row = row[:width]
            elif len(row) < width:
                if len(row) < previous:
                    short = (start, len(row))
                previous = len(row)
                row = row + [""] * (width - len(row))
            else:
                previous = width
            original = _original(header, row)
            if plan is None:
                fields, ref = _wos_fields(original)
            else:
                fields, ref = _tabular.apply_plan(plan, row)
            records.append(
                ParsedRecord(position=len(records) + 1, line=start, source_ref=ref,
                             original=original, fields=fields)
            )
        if short and short[0] == records[-1].line and not text.endswith("\n"):
            raise FormatError(
                f"the last row has {short[1]} of {width} cells, fewer than the row before it, "
                "and no line end: the file looks cut off",
                path=path, line=short[0],
            )
        return records


def _last_funding_text(header: list[str]) -> int | None:
    """Index of Scopus's last "Funding Text N" column, if any."""
    found = [i for i, name in enumerate(header) if _FUNDING.fullmatch(name)]
    return found[-1] if found else None


def _scopus_funding(row: list[str], width: int, funding: int) -> list[str]:
    """Scopus writes more "Funding Text N" cells than its header names (when records
    have more funding texts than the first one): fold the extra cells into the last
    named one so that the columns after it line up again.
    """
    extra = len(row) - width
    texts = [t for t in row[funding : funding + extra + 1] if t.strip()]
    return [*row[:funding], "\n".join(texts), *row[funding + extra + 1 :]]


def _show(delimiter: str) -> str:
    return "\\t" if delimiter == "\t" else delimiter


def _original(header: list[str], row: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in zip(header, row, strict=True):
        key = name or "(unnamed)"
        while key in out:
            key += "'"
        out[key] = value
    return out


def _wos_fields(original: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    record: dict[str, list[str]] = {}
    for tag, value in original.items():
        value = value.strip()
        if not value:
            continue
        record[tag] = [v.strip() for v in value.split(";") if v.strip()] if tag in _WOS_LIST else [value]
    ref = record.get("UT", [None])[0]
    return wos_map_fields(record), ref


FORMAT = CsvFormat()
