"""Rows of a table -> our fields: which column feeds which field, and cell clean-up.

``plan_columns`` decides once per file (recognised names, then ``--map`` overrides);
``apply_plan`` runs per row and stays cheap. Citation strings fill what a table lacks:
PubMed's "Citation" ("Eur J Med Genet. 2020 Feb;63(2):103640. doi: ...") and Embase's
"Source" ("Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from review.corpus.formats import _columns
from review.corpus.formats._common import pmid_in_urls, split_issn_isbn, split_urls
from review.corpus.model import FIELD_NAMES
from review.corpus.normalise import split_authors
from review.errors import InputError

ID_TARGETS = ("source_id", "source_ref", "id")
_PUBMED_CITATION = re.compile(r";\s*([^(:;\s]+)?(?:\(([^)]+)\))?:\s*([^.;\s]+)")
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?) \((?P<year>\d{4})\)(?: (?P<volume>[^:\s(]+)(?::(?P<issue>[^\s(.]+))?)?"
    r"(?: \((?P<pages>[^)]+)\)| Article Number: (?P<article>[^.\s]+))?"
)
_GLUED_CAMEL = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")
_TOP_COMMA = re.compile(r",(?![^()]*\))")


@dataclass
class Plan:
    """Column indexes feeding each field, in order of preference."""

    columns: dict[str, list[int]] = field(default_factory=dict)
    keyword_fallback: list[int] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    pubmed_citation: int | None = None
    embase_source: int | None = None
    glued_authors: bool = False


def _find_column(header: list[str], name: str) -> int | None:
    if name in header:
        return header.index(name)
    key = _columns.column_key(name)
    for index, cell in enumerate(header):
        if _columns.column_key(cell) == key:
            return index
    return None


def plan_columns(
    header: list[str], mapping: dict[str, str] | None, *, path: Path, line: int
) -> Plan:
    """Which columns feed which field; ``--map`` entries are checked against the header."""
    plan = Plan()
    ranked: dict[str, list[tuple[int, int]]] = {}
    for index, cell in enumerate(header):
        found = _columns.field_for(cell)
        if found is None:
            key = _columns.column_key(cell)
            if key == "citation":
                plan.pubmed_citation = index
            continue
        name, rank = found
        key = _columns.column_key(cell)
        if name == "keywords" and key in _columns.KEYWORD_FALLBACK:
            plan.keyword_fallback.append(index)
            continue
        ranked.setdefault(name, []).append((rank, index))
        if name == "issn" and key == "issnisbn":
            ranked.setdefault("isbn", []).append((rank, index))
    for name, items in ranked.items():
        plan.columns[name] = [index for _rank, index in sorted(items)]
    for column, target in (mapping or {}).items():
        if target not in FIELD_NAMES and target not in ID_TARGETS:
            raise InputError(
                f"unknown field {target!r} for column {column!r} (use one of "
                f"{', '.join((*FIELD_NAMES, 'source_id'))})",
                field="--map",
            )
        index = _find_column(header, column)
        if index is None:
            shown = ", ".join(repr(h) for h in header[:12]) + (", ..." if len(header) > 12 else "")
            raise InputError(
                f"--map column {column!r} is not in the header (columns: {shown})",
                path=path, line=line, field=column,
            )
        target = "source_ref" if target in ID_TARGETS else target
        existing = [i for i in plan.columns.get(target, []) if i != index]
        plan.columns[target] = [index, *existing]
    plan.ids = plan.columns.pop("source_ref", [])
    journal = plan.columns.get("journal", [])
    if journal and _columns.column_key(header[journal[-1]]) == "source":
        # Embase puts a whole citation in "Source"; Scopus names its database there.
        plan.embase_source = journal[-1]
    keys = {_columns.column_key(h) for h in header}
    plan.glued_authors = {"itemtitle", "contenttype"} <= keys  # SpringerLink
    if not plan.columns.get("title") and not mapping:
        shown = ", ".join(repr(h) for h in header[:12]) + (", ..." if len(header) > 12 else "")
        raise InputError(
            f"no title column recognised (columns: {shown}); name it with "
            "--map COLUMN=title (and COLUMN=authors, year, journal, doi, ...)",
            path=path, line=line, field="title",
        )
    return plan


def clean_cell(value: str) -> str:
    """A cell without surrounding space, Excel's ="..." guard, or R's NA."""
    value = value.strip()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    return "" if value in ("NA", "null", "NULL", "None", "nan") else value


def _split_list(value: str) -> list[str]:
    for sep in (";", "|", "\n"):
        if sep in value:
            return [v.strip() for v in value.split(sep) if v.strip()]
    return [v.strip() for v in _TOP_COMMA.split(value) if v.strip()]


def apply_plan(plan: Plan, row: list[str]) -> tuple[dict[str, Any], str | None]:
    """(raw fields, record id) for one row."""
    fields: dict[str, Any] = {}
    for name, indexes in plan.columns.items():
        if name in _columns.COMBINED:
            values = [v for i in indexes if (v := clean_cell(row[i]))]
            if values:
                fields[name] = values
            continue
        for i in indexes:
            value = clean_cell(row[i])
            if value:
                fields[name] = value
                break
    if "keywords" not in fields and plan.keyword_fallback:
        values = [v for i in plan.keyword_fallback if (v := clean_cell(row[i]))]
        if values:
            fields["keywords"] = values
    if "keywords" in fields:
        fields["keywords"] = [k for v in fields["keywords"] for k in _split_list(v)]
    if authors := fields.get("authors"):
        if plan.glued_authors and not any(s in authors for s in ";,|"):
            authors = ";".join(_GLUED_CAMEL.split(authors))
        fields["authors"] = split_authors(authors)
    if urls := fields.get("url"):
        fields["url"] = split_urls(urls)
        if "pmid" not in fields and (pmid := pmid_in_urls(fields["url"])):
            fields["pmid"] = pmid
    if "issn" in fields or "isbn" in fields:
        issn, isbn = split_issn_isbn([v for v in (fields.get("issn"), fields.get("isbn")) if v])
        fields["issn"], fields["isbn"] = issn, isbn
    if count := fields.pop("page_count", None):
        start = fields.get("start_page")
        if start and start.isdigit() and count.isdigit() and not fields.get("end_page") and int(count) > 1:
            fields["end_page"] = str(int(start) + int(count) - 1)
    if plan.embase_source is not None and plan.embase_source == _first_index(plan, "journal", row):
        _embase_source(fields, clean_cell(row[plan.embase_source]))
    if plan.pubmed_citation is not None:
        _pubmed_citation(fields, clean_cell(row[plan.pubmed_citation]))
    ref = next((v for i in plan.ids if (v := clean_cell(row[i]))), None) or fields.get("pmid")
    return fields, ref


def _first_index(plan: Plan, name: str, row: list[str]) -> int | None:
    return next((i for i in plan.columns.get(name, []) if clean_cell(row[i])), None)


def _embase_source(fields: dict[str, Any], source: str) -> None:
    match = _EMBASE_SOURCE.match(source)
    if not match:
        return
    fields["journal"] = match.group("journal")
    for name, group in (("year", "year"), ("volume", "volume"), ("issue", "issue")):
        if not fields.get(name) and match.group(group):
            fields[name] = match.group(group)
    if not fields.get("pages") and not fields.get("start_page"):
        fields["pages"] = match.group("pages") or match.group("article")


def _pubmed_citation(fields: dict[str, Any], citation: str) -> None:
    match = _PUBMED_CITATION.search(citation)
    if not match:
        return
    volume, issue, pages = match.groups()
    if volume and not fields.get("volume"):
        fields["volume"] = volume
    if issue and not fields.get("issue"):
        fields["issue"] = issue
    if pages and not fields.get("pages") and not fields.get("start_page"):
        fields["pages"] = pages
