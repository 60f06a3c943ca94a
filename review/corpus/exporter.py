"""``review export records``: records (or works) as CSV, RIS, BibTeX or CSL-JSON.

A selection (``--included``, or ``--stage`` with ``--decision``) writes one entry per work
with its merged fields: what a reference manager (Zotero, EndNote, Mendeley) or Covidence
needs to cite or screen the included reports.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field
from sqlalchemy import select

from review.corpus.normalise import format_authors
from review.errors import InputError
from review.store import Store, schema

#: The CSV columns DESIGN.md fixes, then the rest of the normalised fields.
CSV_COLUMNS = (
    "record_id", "work_id", "source", "source_position", "source_id", "title", "authors",
    "year", "journal", "volume", "issue", "pages", "doi", "pmid",
    "abstract", "keywords", "type", "language", "issn", "isbn", "url", "publisher",
    "journal_abbrev",
)
EXPORT_FORMATS = ("csv", "ris", "bibtex", "csl-json")

_RIS_TYPES = {
    "journal-article": "JOUR", "review": "JOUR", "editorial": "JOUR", "letter": "JOUR",
    "comment": "JOUR", "erratum": "JOUR", "retraction": "JOUR", "book": "BOOK",
    "chapter": "CHAP", "thesis": "THES", "report": "RPRT", "conference-paper": "CPAPER",
    "conference-abstract": "ABST", "preprint": "UNPB", "dataset": "DATA", "web": "ELEC",
    "other": "GEN",
}
_SUBTYPES = {"review": "Review", "editorial": "Editorial", "letter": "Letter",
             "comment": "Comment", "erratum": "Erratum", "retraction": "Retraction"}
_BIB_TYPES = {
    "journal-article": "article", "review": "article", "editorial": "article", "letter": "article",
    "comment": "article", "erratum": "article", "retraction": "article", "book": "book",
    "chapter": "incollection", "thesis": "phdthesis", "report": "techreport",
    "conference-paper": "inproceedings", "conference-abstract": "inproceedings",
    "preprint": "unpublished", "other": "misc", "dataset": "misc", "web": "misc",
}


@dataclass(frozen=True)
class Selection:
    """Which works to export: those whose screening status at ``stage`` is ``decision``
    (``include`` at ``full-text`` = the included reports)."""

    stage: str = "full-text"
    decision: str = "include"
    reviewers_per_work: int | None = None

    def works(self, conn: Any) -> set[int]:
        from review.screening.decisions import (  # lazy: screening imports the corpus package
            STATUSES,
            check_stage,
            latest_reviewers_per_work,
            work_status,
        )

        check_stage(self.stage)
        if self.decision not in STATUSES:
            raise InputError(f"unknown decision {self.decision!r} (use {', '.join(STATUSES)})", field="--decision")
        rpw = self.reviewers_per_work or latest_reviewers_per_work(conn) or 1
        return {w for w, status in work_status(conn, self.stage, reviewers_per_work=rpw).items()
                if status == self.decision}


def load_rows(store: Store, *, deduplicated: bool = False,
              selection: Selection | None = None) -> list[dict[str, Any]]:
    """Every record (or, deduplicated, every work) as a flat dict with CSV_COLUMNS keys;
    with a ``selection``, one per selected work (deduplicated)."""
    r, s, w = schema.records, schema.sources, schema.works
    with store.read() as conn:
        rows = conn.execute(
            select(r, s.c.name.label("source_name")).join(s, r.c.source_id == s.c.id).order_by(r.c.id)
        ).mappings().all()
        deduplicated = deduplicated or selection is not None
        works = {row.id: row for row in conn.execute(select(w)).mappings()} if deduplicated else {}
        chosen = selection.works(conn) if selection is not None else None
        if chosen is not None:
            from review.screening.works import live_map  # lazy, as above

            live = live_map(conn)
            rows = [row for row in rows if live.get(row["work_id"], row["work_id"]) in chosen]
            rows = [{**row, "work_id": live.get(row["work_id"], row["work_id"])} for row in rows]
    out: list[dict[str, Any]] = []
    if not deduplicated:
        for row in rows:
            out.append(_flat(row, row, row["work_id"], row["source_name"]))
        return out
    by_work: dict[Any, list[Any]] = {}
    for row in rows:
        key = row["work_id"] if row["work_id"] is not None else f"r{row['id']}"
        by_work.setdefault(key, []).append(row)
    for key, members in by_work.items():
        work = works.get(key) if not isinstance(key, str) else None
        canonical = members[0]
        if work is not None and work["canonical_record_id"]:
            canonical = next((m for m in members if m["id"] == work["canonical_record_id"]), canonical)
        sources = "; ".join(dict.fromkeys(m["source_name"] for m in members))
        out.append(_flat(work or canonical, canonical, None if isinstance(key, str) else key, sources))
    return out


def _flat(bib: Any, record: Any, work_id: Any, source: str) -> dict[str, Any]:
    authors = json.loads(bib["authors"]) if bib["authors"] else []
    keywords = json.loads(bib["keywords"]) if bib["keywords"] else []
    return {
        "record_id": record["id"],
        "work_id": work_id,
        "source": source,
        "source_position": record["position"],
        "source_id": record["source_ref"],
        "title": bib["title"],
        "authors": format_authors(authors),
        "authors_list": authors,
        "year": bib["year"],
        "journal": bib["journal"],
        "volume": bib["volume"],
        "issue": bib["issue"],
        "pages": bib["pages"],
        "page_first": bib["page_first"],
        "page_last": bib["page_last"],
        "doi": bib["doi"],
        "pmid": bib["pmid"],
        "abstract": bib["abstract"],
        "keywords": "; ".join(keywords),
        "keywords_list": keywords,
        "type": bib["type"],
        "language": bib["language"],
        "issn": bib["issn"],
        "isbn": bib["isbn"],
        "url": bib["url"],
        "publisher": bib["publisher"],
        "journal_abbrev": bib["journal_abbrev"],
    }


def export_records(store: Store, fmt: str, output: Path, *, deduplicated: bool = False,
                   selection: Selection | None = None) -> int:
    """Write records (or works, or the selected works) to ``output``; returns how many."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r} (use {', '.join(EXPORT_FORMATS)})", field="--format")
    rows = load_rows(store, deduplicated=deduplicated, selection=selection)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        import pandas as pd  # lazy: pandas costs ~0.2 s to import, on every command

        frame = pd.DataFrame([{c: row[c] for c in CSV_COLUMNS} for row in rows], columns=list(CSV_COLUMNS))
        frame["year"] = frame["year"].astype("Int64")
        frame["work_id"] = frame["work_id"].astype("Int64")
        frame.to_csv(output, index=False, encoding="utf-8")
    elif fmt == "ris":
        output.write_text(to_ris(rows), encoding="utf-8")
    elif fmt == "csl-json":
        output.write_text(json.dumps(to_csl(rows), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        output.write_text(to_bibtex(rows), encoding="utf-8")
    return len(rows)


class _RisWriter(rispy.RisWriter):
    REFERENCE_TYPE_KEY = "ty"

    def set_header(self, count: int) -> str | None:  # no "1." lines between records
        return None


_RIS_MAPPING = {tag: tag.lower() for tag in (
    "TY", "ID", "TI", "AU", "PY", "T2", "J2", "VL", "IS", "SP", "EP", "DO", "AB", "KW",
    "LA", "SN", "UR", "PB", "N1", "M3", "DB")}


def to_ris(rows: list[dict[str, Any]]) -> str:
    entries = []
    for row in rows:
        entry: dict[str, Any] = {"ty": _RIS_TYPES.get(row["type"] or "", "GEN")}
        if row["record_id"] is not None:
            entry["id"] = str(row["record_id"])
        _put(entry, "ti", row["title"])
        authors = [f"{a['family']}, {a['given']}" if a.get("given") else a["family"] for a in row["authors_list"]]
        if authors:
            entry["au"] = authors
        _put(entry, "py", row["year"])
        _put(entry, "t2", row["journal"])
        _put(entry, "j2", row["journal_abbrev"])
        _put(entry, "vl", row["volume"])
        _put(entry, "is", row["issue"])
        first, last = row["page_first"], row["page_last"]
        if first and (row["pages"] in (first, f"{first}-{last}")):
            _put(entry, "sp", first)
            _put(entry, "ep", last)
        else:
            _put(entry, "sp", row["pages"])
        _put(entry, "do", row["doi"])
        _put(entry, "ab", row["abstract"])
        if row["keywords_list"]:
            entry["kw"] = row["keywords_list"]
        _put(entry, "la", row["language"])
        sn = [x for x in re.split(r";\s*", f"{row['issn'] or ''};{row['isbn'] or ''}") if x]
        if sn:
            entry["sn"] = sn
        _put(entry, "ur", row["url"])
        _put(entry, "pb", row["publisher"])
        if row["pmid"]:
            entry["n1"] = f"PMID: {row['pmid']}"
        _put(entry, "m3", _SUBTYPES.get(row["type"] or ""))
        entries.append(entry)
    return rispy.dumps(
        entries, implementation=_RisWriter, mapping=_RIS_MAPPING,
        list_tags=["AU", "KW", "SN"], delimiter_tags_mapping={},
    )


def _put(entry: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, ""):
        entry[key] = str(value)


#: LaTeX's special characters in a text field, written so that BibTeX (and our reader) give
#: them back as characters: "--" would be read as an en dash, "%" would start a comment.
_BIBTEX_SPECIAL = re.compile(r"-(?=-)|[&%$#_]")


def bibtex_text(value: str) -> str:
    """A text field's value as BibTeX: special characters escaped, "--" kept as two hyphens."""
    return _BIBTEX_SPECIAL.sub(lambda m: "-{}" if m.group() == "-" else "\\" + m.group(), value)


def to_bibtex(rows: list[dict[str, Any]]) -> str:
    library = bibtexparser.Library()
    used: set[str] = set()
    for row in rows:
        first = row["authors_list"][0]["family"] if row["authors_list"] else "anon"
        base = re.sub(r"[^A-Za-z0-9]", "", first) or "anon"
        key = f"{base}{row['year'] or ''}_{row['record_id']}"
        while key in used:
            key += "x"
        used.add(key)
        fields: list[Field] = []

        def add(name: str, value: Any, fields: list[Field] = fields, text: bool = False) -> None:
            if value not in (None, ""):
                fields.append(Field(name, bibtex_text(str(value)) if text else str(value)))

        add("title", row["title"], text=True)
        add("author", " and ".join(
            f"{a['family']}, {a['given']}" if a.get("given") else "{" + a["family"] + "}"
            for a in row["authors_list"]))
        add("year", row["year"])
        entry_type = _BIB_TYPES.get(row["type"] or "", "misc")
        add("journal" if entry_type == "article" else "booktitle", row["journal"], text=True)
        add("shortjournal", row["journal_abbrev"], text=True)
        add("volume", row["volume"])
        add("number", row["issue"])
        add("pages", (row["pages"] or "").replace("-", "--") or None)
        add("doi", row["doi"])
        add("pmid", row["pmid"])
        add("abstract", row["abstract"], text=True)
        add("keywords", "; ".join(row["keywords_list"]) or None, text=True)
        add("language", row["language"])
        add("issn", row["issn"])
        add("isbn", row["isbn"])
        add("url", row["url"])
        add("publisher", row["publisher"], text=True)
        if row["type"] in _SUBTYPES:
            add("type", _SUBTYPES[row["type"]])  # as Scopus and Web of Science write it
        library.add(Entry(entry_type, key, fields))
    return bibtexparser.write_string(library)


_CSL_TYPES = {
    "journal-article": "article-journal", "review": "article-journal", "editorial": "article-journal",
    "letter": "article-journal", "comment": "article-journal", "erratum": "article-journal",
    "retraction": "article-journal", "book": "book", "chapter": "chapter", "thesis": "thesis",
    "report": "report", "conference-paper": "paper-conference", "conference-abstract": "paper-conference",
    "preprint": "article", "dataset": "dataset", "web": "webpage", "other": "document",
}


def to_csl(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CSL-JSON items (the schema of citation-style-language/schema, csl-data.json)."""
    items = []
    for row in rows:
        item: dict[str, Any] = {"id": f"work-{row['work_id']}" if row["work_id"] is not None
                                else f"record-{row['record_id']}",
                                "type": _CSL_TYPES.get(row["type"] or "", "article-journal")}
        names = [{k: v for k, v in (("family", a.get("family")), ("given", a.get("given"))) if v}
                 for a in row["authors_list"]]
        if names:
            item["author"] = [n for n in names if n]
        if row["year"]:
            item["issued"] = {"date-parts": [[int(row["year"])]]}
        for key, column in (("title", "title"), ("container-title", "journal"),
                            ("container-title-short", "journal_abbrev"), ("volume", "volume"),
                            ("issue", "issue"), ("page", "pages"), ("DOI", "doi"), ("PMID", "pmid"),
                            ("abstract", "abstract"), ("keyword", "keywords"), ("language", "language"),
                            ("ISSN", "issn"), ("ISBN", "isbn"), ("URL", "url"), ("publisher", "publisher")):
            if row[column] not in (None, ""):
                item[key] = str(row[column])
        items.append(item)
    return items
