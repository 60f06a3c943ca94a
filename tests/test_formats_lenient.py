"""Lenient reading: a line a person reads unambiguously imports with a warning naming file and line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from review.store import schema
from review.workspace import Workspace

WOS = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
AUGilles, H
   Smith, J
TIA study of things
SO JOURNAL OF THINGS
PY 2020
UT WOS:000001
ER

EF
"""


def _count(ws: Workspace) -> int:
    with ws.store().read() as conn:
        return conn.execute(select(func.count()).select_from(schema.records)).scalar()


def test_a_wos_tag_run_into_its_value_imports_with_a_warning(cli, workspace: Workspace, tmp_path: Path) -> None:
    (tmp_path / "wos.txt").write_text(WOS)
    result = cli("import", str(tmp_path / "wos.txt"))
    assert result.exit_code == 0, result.output
    assert "wos.txt:4: AU: tag run into its value; read as 'AU Gilles, H'" in result.output
    assert "wos.txt:6: TI:" in result.output
    with workspace.store().read() as conn:
        row = conn.execute(select(schema.records)).one()
    assert row.title == "A study of things" and "Gilles" in row.authors and "Smith" in row.authors


def test_a_ris_dash_run_into_its_value_is_a_field_not_more_text(cli, workspace: Workspace, tmp_path: Path) -> None:
    (tmp_path / "x.ris").write_text("TY  - JOUR\nAU  -Gilles, H\nTI  - Levels of IL-6\nAB  - Levels of\n"
                                    "IL-6 rose.\nER  - \n")
    result = cli("import", str(tmp_path / "x.ris"))
    assert result.exit_code == 0, result.output
    assert "x.ris:2: AU: no space after the tag's dash" in result.output
    with workspace.store().read() as conn:
        row = conn.execute(select(schema.records)).one()
    assert "Gilles" in row.authors
    assert row.abstract == "Levels of IL-6 rose."  # "IL-6" at a line's start is text, not a tag


def test_truly_malformed_input_still_stops_with_its_line(cli, workspace: Workspace, tmp_path: Path) -> None:
    # Inside a record a line without a tag continues the field above (issue 23); outside one it is junk.
    (tmp_path / "wos.txt").write_text(WOS.replace("VR 1.0\n", "VR 1.0\nthis line is junk\n"))
    result = cli("import", str(tmp_path / "wos.txt"))
    assert result.exit_code == 2
    assert "wos.txt:3: expected a two-letter tag" in result.output
    assert _count(workspace) == 0
