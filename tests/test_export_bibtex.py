"""`review export records --format bibtex --deduplicated` (its help example): one entry per
work, read back by bibtexparser and by our own importer with the work's fields."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import bibtexparser
from click.testing import CliRunner

from review.cli import main
from review.corpus import export_records, import_files
from review.store import Store
from tests.postgres_support import Database

#: Fields a BibTeX entry carries back to the work unchanged.
ROUND_TRIP = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid",
              "abstract", "language", "issn", "isbn", "url", "publisher")


def _export(root: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(root), "export", "records", *args], env={"REVIEW_ACTOR": "tester"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _table(db: Path, sql: str) -> list[dict]:
    with Database(db) as conn:
        return [row._asdict() for row in conn.execute(sql)]


def test_deduplicated_csv_has_one_row_per_work_naming_every_source(built_example: Path) -> None:
    db = built_example / "review.db"
    works = {w["id"]: w for w in _table(db, "SELECT * FROM works WHERE merged_into IS NULL")}
    sources = {}
    for row in _table(db, "SELECT r.work_id, s.name FROM records r JOIN sources s ON s.id = r.source_id"):
        sources.setdefault(row["work_id"], set()).add(row["name"])
    rows = list(csv.DictReader(_export(built_example, "--deduplicated").splitlines()))
    records = list(csv.DictReader(_export(built_example).splitlines()))
    assert len(records) > len(rows) == len(works)  # duplicates folded: one row per work
    assert sorted(int(r["work_id"]) for r in rows) == sorted(works)
    for row in rows:
        work = works[int(row["work_id"])]
        assert int(row["record_id"]) == work["canonical_record_id"]
        assert row["title"] == work["title"] and row["doi"] == (work["doi"] or "")
        assert set(row["source"].split("; ")) == sources[work["id"]]


def test_bibtex_export_of_works_reads_back_with_their_fields(built_example: Path, tmp_path: Path) -> None:
    out = tmp_path / "works.bib"
    _export(built_example, "--format", "bibtex", "--deduplicated", "--output", str(out))
    db = built_example / "review.db"
    works = {w["id"]: w for w in _table(db, "SELECT * FROM works WHERE merged_into IS NULL")}
    library = bibtexparser.parse_string(out.read_text(encoding="utf-8"))
    assert not library.failed_blocks
    assert len(library.entries) == len(works)
    assert len({entry.key for entry in library.entries}) == len(works)  # keys are unique
    assert {entry.entry_type for entry in library.entries} <= {"article", "book", "incollection", "phdthesis",
                                                               "techreport", "inproceedings", "unpublished", "misc"}
    # and our own importer reads every work back with its fields
    store = Store.open(f"sqlite:///{tmp_path / 'back.db'}")
    try:
        import_files(store, [out], actor="tester", searched="2024-01-01")
    finally:
        store.close()
    back = _table(tmp_path / "back.db", "SELECT * FROM records ORDER BY position")
    order = [int(r["work_id"]) for r in csv.DictReader(_export(built_example, "--deduplicated").splitlines())]
    assert len(back) == len(order)
    for work_id, record in zip(order, back, strict=True):
        work = works[work_id]
        assert {k: record[k] for k in ROUND_TRIP} == {k: work[k] for k in ROUND_TRIP}, work_id
    assert any(json.loads(w["authors"] or "[]") for w in works.values())  # authors were compared


def test_bibtex_export_of_records_without_authors_year_or_pages(cli, workspace, tmp_path: Path) -> None:
    export = tmp_path / "bare.ris"
    export.write_text("TY  - RPRT\nTI  - A report with -- nothing else\nER  - \n\n"
                      "TY  - RPRT\nTI  - A second bare report\nER  - \n", encoding="utf-8")
    assert cli("import", str(export), "--searched", "2024-01-01").exit_code == 0
    bib = cli("export", "records", "--format", "bibtex").stdout
    entries = bibtexparser.parse_string(bib).entries
    assert [e.entry_type for e in entries] == ["techreport", "techreport"]
    assert len({e.key for e in entries}) == 2 and all(e.key.startswith("anon") for e in entries)
    assert "author" not in entries[0].fields_dict and "pages" not in entries[0].fields_dict


def test_bibtex_export_keeps_dashes_abbreviations_and_subtypes(tmp_path: Path) -> None:
    ris = tmp_path / "one.ris"
    ris.write_text("TY  - JOUR\nTI  - Peer support -- a review --- of 50% & #1 in_vivo, $5\nT2  - Journal of Things\n"
                   "J2  - J Things\nM3  - Review\nPY  - 2020\nER  - \n", encoding="utf-8")
    stores = []
    for name, source in (("a", ris), ("b", tmp_path / "one.bib")):
        store = Store.open(f"sqlite:///{tmp_path / name}.db")
        import_files(store, [source], actor="tester", searched="2024-01-01")
        if name == "a":
            export_records(store, "bibtex", tmp_path / "one.bib")
        store.close()
        stores.append(_table(tmp_path / f"{name}.db", "SELECT title, journal_abbrev, type FROM records"))
    assert stores[0] == stores[1]
