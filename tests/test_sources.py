"""`review sources`: list, edit and remove imported searches (undoing a wrong import)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from review.cli import main
from review.store import schema
from review.workspace import Workspace
from tests.postgres_support import Database

DEDUP = Path(__file__).resolve().parent / "data" / "dedup"
FILES = {"CINAHL": "_baseline_cinahl.ris", "Scopus": "_baseline_scopus.ris",
         "PubMed": "_baseline_pubmed.ris", "WoS": "_baseline_webofscience.ris",
         "Embase": "_baseline_embase.ris"}


def _review(root: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["-C", str(root), *args], input=input,
                              env={"REVIEW_ACTOR": os.environ.get("REVIEW_ACTOR", "tester")})


def _workspace(tmp_path: Path, name: str, files: dict[str, Path]) -> Path:
    root = Workspace.create(tmp_path / name).root
    for source, path in files.items():
        result = _review(root, "import", str(path), "--source", source, "--searched", "2020-03-31")
        assert result.exit_code == 0, result.output
    assert _review(root, "dedup", "--quiet").exit_code == 0
    return root


def _grouping(root: Path) -> set[frozenset[tuple[str, int]]]:
    """The works as sets of (source, position in its file): comparable across databases."""
    ws = Workspace.find(root)
    try:
        r, s = schema.records, schema.sources
        with ws.store().read() as conn:
            rows = conn.execute(select(r.c.work_id, s.c.name, r.c.position).join(s, s.c.id == r.c.source_id)).all()
    finally:
        ws.close()
    works: dict[int, set[tuple[str, int]]] = {}
    for work, source, position in rows:
        assert work is not None
        works.setdefault(work, set()).add((source, position))
    return {frozenset(members) for members in works.values()}


@pytest.mark.parametrize("removed", ["Scopus", "PubMed"])
def test_remove_then_dedup_gives_the_works_of_never_importing(tmp_path: Path, shared_data: Path,
                                                               removed: str) -> None:
    folder = shared_data / "exports" / "citation-file-formatting" / "RIS"
    files = {name: folder / file for name, file in FILES.items()}
    everything = _workspace(tmp_path, "all", files)
    before = _grouping(everything)
    removed_result = _review(everything, "sources", "remove", removed, "--yes")
    assert removed_result.exit_code == 0, removed_result.output
    assert _review(everything, "dedup", "--quiet").exit_code == 0
    without = _workspace(tmp_path, "without", {k: v for k, v in files.items() if k != removed})
    assert _grouping(everything) == _grouping(without)
    assert before != _grouping(everything)
    # the same file can be imported again afterwards
    again = _review(everything, "import", str(files[removed]), "--source", removed, "--searched", "2020-03-31")
    assert "already imported" not in again.output and again.exit_code == 0


def _decide(root: Path, work: int, decision: str = "include") -> None:
    result = _review(root, "screen", "decide", str(work), "--reviewer", "alice", "--decision", decision)
    assert result.exit_code == 0, result.output


def test_remove_says_what_goes_asks_and_keeps_the_audit_trail(tmp_path: Path) -> None:
    root = _workspace(tmp_path, "ws", {"CINAHL": DEDUP / "cinahl.ris", "PubMed": DEDUP / "pubmed.txt",
                                       "Scopus": DEDUP / "scopus.ris"})
    status = json.loads(_review(root, "status", "--json").output)
    works = _grouping(root)
    only_pubmed = [w for w in works if {s for s, _ in w} == {"PubMed"}]
    assert only_pubmed and any(len({s for s, _ in w}) > 1 for w in works)
    ws = Workspace.find(root)
    with ws.store().read() as conn:
        r, s = schema.records, schema.sources
        work_source = conn.execute(select(r.c.work_id, s.c.name).join(s, s.c.id == r.c.source_id)).all()
    ws.close()
    pubmed_only_works = sorted({w for w, _ in work_source} - {w for w, name in work_source if name != "PubMed"})
    shared_work = next(w for w, name in work_source if name == "PubMed" and w not in pubmed_only_works)
    _decide(root, pubmed_only_works[0])
    _decide(root, shared_work, "exclude")

    preview = _review(root, "sources", "remove", "PubMed", input="n\n")
    assert preview.exit_code == 0
    assert "3 records" in preview.output
    assert f"{len(pubmed_only_works)} works that have no record from another source" in preview.output
    assert f"work {pubmed_only_works[0]}:" in preview.output
    assert "1 screening decisions" in preview.output
    assert "Nothing removed." in preview.output
    assert json.loads(_review(root, "status", "--json").output)["records"] == status["records"]
    assert not (root / "backups").exists()

    done = _review(root, "sources", "remove", "PubMed", input="y\n")
    assert done.exit_code == 0, done.output
    assert "Removed source 'PubMed' and 3 records." in done.output
    # a screening decision went with it: the whole database was backed up first, every row
    # (SQLite: a copy of the file; PostgreSQL: an archive of every table, counted in its manifest)
    backup = next((root / "backups").glob("review-*-before-sources-remove*"))
    assert f"Backed up the database to {backup}" in done.output
    if backup.is_dir():
        counts = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))["tables"]
    else:
        with Database(backup) as copy:
            counts = {name: copy.execute(f"SELECT count(*) FROM {name}").scalar() for name in copy.tables()}
    assert counts["records"] == status["records"]
    assert counts["screening_decisions"] == 2
    after = json.loads(_review(root, "status", "--json").output)
    assert after["records"] == status["records"] - 3
    assert [src["name"] for src in after["sources"]] == ["CINAHL", "Scopus"]
    # the decision on the shared work stays; the one on the PubMed-only work is in the audit trail
    ws = Workspace.find(root)
    with ws.store().read() as conn:
        from review.screening.tables import screening_decisions as T

        kept = conn.execute(select(T.c.work_id, T.c.decision)).all()
        event = conn.execute(select(schema.events).where(schema.events.c.action == "remove")).one()
    ws.close()
    assert kept == [(shared_work, "exclude")]
    detail = json.loads(event.detail)
    assert event.entity == "source" and detail["source"]["name"] == "PubMed"
    assert len(detail["record_ids"]) == 3
    assert [row["decision"] for row in detail["deleted"]["screening_decisions"]] == ["include"]


def test_unknown_or_ambiguous_source_is_refused(tmp_path: Path) -> None:
    root = Workspace.create(tmp_path / "ws").root
    for path in (DEDUP / "cinahl.ris", DEDUP / "scopus.ris"):
        done = _review(root, "import", str(path), "--source", "Same", "--searched", "2020", "--same-search")
        assert done.exit_code == 0, done.output
    missing = _review(root, "sources", "remove", "Nope", "--yes")
    assert missing.exit_code == 2 and "no source 'Nope'" in missing.output
    both = _review(root, "sources", "edit", "Same", "--searched", "2020-01-01")
    assert both.exit_code == 2 and "2 sources are called 'Same'" in both.output
    remove_both = _review(root, "sources", "remove", "Same", "--yes")
    assert remove_both.exit_code == 2 and "#1 (cinahl.ris), #2 (scopus.ris)" in remove_both.output
    assert len(json.loads(_review(root, "sources", "--json").output)["sources"]) == 2
    by_file = _review(root, "sources", "edit", "scopus.ris", "--name", "Scopus")
    assert by_file.exit_code == 0 and "name: 'Same' -> 'Scopus'" in by_file.output


def test_a_second_search_under_a_taken_name_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    root = Workspace.create(tmp_path / "ws").root
    assert _review(root, "import", str(DEDUP / "cinahl.ris"), "--source", "Scopus").exit_code == 0

    for name in ("Scopus", "scopus"):
        again = _review(root, "import", str(DEDUP / "scopus.ris"), "--source", name)
        assert again.exit_code == 2, again.output
        assert "--source: a source called 'Scopus' exists already (#1, cinahl.ris)" in again.output
        assert "--source 'Scopus (2)'" in again.output and "--same-search" in again.output
    sources = json.loads(_review(root, "sources", "--json").output)["sources"]
    assert [(s["name"], s["file_name"]) for s in sources] == [("Scopus", "cinahl.ris")]

    own = _review(root, "import", str(DEDUP / "scopus.ris"), "--source", "Scopus (2)")
    assert own.exit_code == 0, own.output
    removed = _review(root, "sources", "remove", "Scopus", "--yes")
    assert removed.exit_code == 0 and "Removed source 'Scopus'" in removed.output
    assert not (root / "backups").exists()  # nothing a person entered went with it
    left = json.loads(_review(root, "sources", "--json").output)["sources"]
    assert [(s["name"], s["file_name"]) for s in left] == [("Scopus (2)", "scopus.ris")]


def test_the_files_of_one_import_share_their_name(tmp_path: Path) -> None:
    root = Workspace.create(tmp_path / "ws").root
    done = _review(root, "import", str(DEDUP / "cinahl.ris"), str(DEDUP / "scopus.ris"), "--source", "WoS")
    assert done.exit_code == 0, done.output
    sources = json.loads(_review(root, "sources", "--json").output)["sources"]
    assert [s["name"] for s in sources] == ["WoS", "WoS"]
    by_id = _review(root, "sources", "remove", "#2", "--yes")
    assert by_id.exit_code == 0 and "(#2, scopus.ris" in by_id.output


def test_edit_checks_and_logs(tmp_path: Path) -> None:
    root = Workspace.create(tmp_path / "ws").root
    assert _review(root, "import", str(DEDUP / "cinahl.ris"), "--source", "CINHAL").exit_code == 0
    bad = _review(root, "sources", "edit", "CINHAL", "--searched", "31/03/2020")
    assert bad.exit_code == 2 and "--searched" in bad.output
    bad_hits = _review(root, "sources", "edit", "CINHAL", "--hits", "-3")
    assert bad_hits.exit_code == 2 and "--hits" in bad_hits.output
    ok = _review(root, "sources", "edit", "CINHAL", "--name", "CINAHL", "--searched", "31 March 2020",
                 "--query", "peer support", "--kind", "database", "--hits", "46")
    assert ok.exit_code == 0, ok.output
    listed = json.loads(_review(root, "sources", "--json").output)["sources"][0]
    assert (listed["name"], listed["searched"], listed["query"], listed["hits_reported"]) == \
        ("CINAHL", "2020-03-31", "peer support", 46)
    text = _review(root, "sources").output
    assert "CINAHL" in text and "2020-03-31" in text and "query: peer support" in text
    ws = Workspace.find(root)
    with ws.store().read() as conn:
        event = conn.execute(select(schema.events).where(schema.events.c.action == "edit")).one()
    ws.close()
    assert json.loads(event.detail)["changes"]["name"] == ["CINHAL", "CINAHL"]
    same = _review(root, "sources", "edit", "CINAHL", "--hits", "46")
    assert "nothing changed" in same.output


def test_a_source_still_listed_in_sources_yaml_is_pointed_out(tmp_path: Path) -> None:
    root = Workspace.create(tmp_path / "ws").root
    (root / "corpus" / "cinahl.ris").write_bytes((DEDUP / "cinahl.ris").read_bytes())
    (root / "corpus" / "sources.yaml").write_text(
        "sources:\n  - file: corpus/cinahl.ris\n    source: CINHAL\n    searched: 2020-03-31\n", encoding="utf-8")
    assert _review(root, "run", "--quiet").exit_code == 0
    edited = _review(root, "sources", "edit", "CINHAL", "--name", "CINAHL")
    assert "correct corpus/sources.yaml too" in edited.output
    removed = _review(root, "sources", "remove", "CINAHL", "--yes")
    assert removed.exit_code == 0
    assert "corpus/sources.yaml still lists cinahl.ris" in removed.output


def test_edit_never_gives_two_searches_one_name(tmp_path: Path) -> None:
    root = _workspace(tmp_path, "ws", {"CINAHL": DEDUP / "cinahl.ris", "Scopus": DEDUP / "scopus.ris"})
    before = _review(root, "sources", "--json").output
    clash = _review(root, "sources", "edit", "Scopus", "--name", "cinahl")
    assert clash.exit_code == 2, clash.output
    assert "a source called 'CINAHL' exists already" in clash.output and "--name" in clash.output
    assert _review(root, "sources", "--json").output == before
    assert _review(root, "sources", "edit", "Scopus", "--name", "SCOPUS").exit_code == 0  # its own name, recased
    assert _review(root, "sources", "remove", "CINAHL", "--yes").exit_code == 0
