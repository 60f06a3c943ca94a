"""`review import`: sources, idempotence, all-or-nothing, errors that name file and line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from review.workspace import Workspace
from tests.postgres_support import Database

RIS_OK = """TY  - JOUR
AU  - McLeish, Jenny
AU  - Redshaw, Maggie
TI  - Mothers' accounts of the impact on emotional wellbeing of organised peer support in pregnancy and early parenthood: a qualitative study
T2  - BMC Pregnancy and Childbirth
PY  - 2017
VL  - 17
SP  - 28
DO  - https://doi.org/10.1186/S12884-017-1220-0
ER  -
"""

RIS_TRUNCATED = """TY  - JOUR
TI  - A complete record
ER  -

TY  - JOUR
TI  - A record cut off by a failed download
AU  - Someone, A.
"""


def _counts(ws: Workspace) -> tuple[int, int]:
    with Database(ws.root / "review.db") as con:
        return (con.execute("select count(*) from sources").fetchone()[0],
                con.execute("select count(*) from records").fetchone()[0])


def test_import_records_source_metadata(cli, workspace: Workspace, tmp_path: Path) -> None:
    export = tmp_path / "cinahl.ris"
    export.write_text(RIS_OK, encoding="utf-8")
    query = tmp_path / "query.txt"
    query.write_text("peer support AND perinatal\n", encoding="utf-8")
    result = cli("import", str(export), "--source", "CINAHL", "--searched", "2020-03-15",
                 "--query-file", str(query), "--kind", "database", "--hits", "1")
    assert result.exit_code == 0, result.output
    assert "1 records" in result.output
    with Database(workspace.root / "review.db") as con:
        src = con.execute("select name, kind, searched, query, sha256, records_read, hits_reported, format from sources").fetchone()
        assert src == ("CINAHL", "database", "2020-03-15", "peer support AND perinatal",
                       hashlib.sha256(export.read_bytes()).hexdigest(), 1, 1, "ris")
        rec = con.execute("select title, authors, year, journal, doi, pages, position, original from records").fetchone()
        assert rec[0].startswith("Mothers' accounts of the impact")
        assert json.loads(rec[1])[0] == {"family": "McLeish", "given": "Jenny"}
        assert rec[2:7] == (2017, "BMC Pregnancy and Childbirth", "10.1186/s12884-017-1220-0", "28", 1)
        assert json.loads(rec[7])["DO"] == ["https://doi.org/10.1186/S12884-017-1220-0"]
        assert con.execute("select action, actor from events").fetchall() == [("import", "tester")]


def test_importing_the_same_file_twice_is_a_no_op(cli, workspace: Workspace, tmp_path: Path) -> None:
    export = tmp_path / "a.ris"
    export.write_text(RIS_OK, encoding="utf-8")
    cli("import", str(export), "--source", "CINAHL")
    copy = tmp_path / "renamed.ris"
    copy.write_bytes(export.read_bytes())
    result = cli("import", str(copy), "--source", "Other")
    assert result.exit_code == 0
    assert "already imported as source 'CINAHL'" in result.output
    assert _counts(workspace) == (1, 1)


def test_truncated_record_stops_import_with_file_and_line(cli, workspace: Workspace, tmp_path: Path) -> None:
    good = tmp_path / "good.ris"
    good.write_text(RIS_OK, encoding="utf-8")
    bad = tmp_path / "bad.ris"
    bad.write_text(RIS_TRUNCATED, encoding="utf-8")
    before = _counts(workspace)
    result = cli("import", str(good), str(bad))
    assert result.exit_code == 2
    assert f"{bad}:5:" in result.output
    assert "truncated" in result.output
    assert _counts(workspace) == before  # the good file was not imported either


def test_missing_file_and_unknown_format_exit_2(cli, workspace: Workspace, tmp_path: Path) -> None:
    result = cli("import", str(tmp_path / "nope.ris"))
    assert result.exit_code == 2
    assert "nope.ris: file not found" in result.output
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes\nnothing bibliographic here\n", encoding="utf-8")
    result = cli("import", str(junk))
    assert result.exit_code == 2
    assert "cannot tell the export format" in result.output
    assert _counts(workspace) == (0, 0)


def test_empty_file_is_an_error(cli, workspace: Workspace, tmp_path: Path) -> None:
    empty = tmp_path / "empty.ris"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    result = cli("import", str(empty))
    assert result.exit_code == 2
    assert "empty" in result.output


def test_bad_map_option_is_exit_2(cli, tmp_path: Path) -> None:
    export = tmp_path / "a.ris"
    export.write_text(RIS_OK, encoding="utf-8")
    result = cli("import", str(export), "--map", "no-equals-sign")
    assert result.exit_code == 2
    assert "--map" in result.output


def test_progress_is_reported_per_batch_up_to_the_total(workspace: Workspace, tmp_path: Path) -> None:
    from review.corpus import import_files

    export = tmp_path / "many.ris"
    export.write_text("\n".join(RIS_OK.replace("TI  - Mothers'", f"TI  - {i} Mothers'") for i in range(3000)), encoding="utf-8")
    seen: list[tuple[str, int]] = []
    import_files(workspace.store(), [export], actor="t", progress=lambda p, n: seen.append((p.name, n)))
    assert seen and seen[-1] == ("many.ris", 3000)
    assert [n for _, n in seen] == sorted(n for _, n in seen)
