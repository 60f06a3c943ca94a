"""A database frozen at the first released schema opens under today's code and keeps every row."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from review.cli import main
from review.store import Store
from review.store.migrations import all_migrations

FROZEN = Path(__file__).resolve().parent / "data" / "migrations" / "release-1.db"


def _rows(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                        "AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'")]
    rows = {}
    for name in names:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')]
        rows[name] = [dict(zip(columns, row, strict=True))
                      for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid')]
    conn.close()
    return rows


def test_release_one_database_migrates_and_keeps_every_row(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    shutil.copy(FROZEN, db)
    before = _rows(db)
    assert before["records"] and before["screening_decisions"] and before["fulltext_reports"]
    store = Store.open(f"sqlite:///{db}")
    assert store.applied_versions() == {m.version for m in all_migrations()}
    store.close()
    after = _rows(db)
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            assert {k: new[k] for k in old} == old, table  # new columns may be added, none lost


def test_release_one_workspace_works_under_todays_cli(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copy(FROZEN, root / "review.db")
    (root / "review.toml").write_text('[review]\ntitle = "frozen"\n[database]\nurl = "sqlite:///review.db"\n'
                                      '[screening]\nreviewers = ["JM"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(root), "status", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["records"] == 5 and status["works"] == 4
    assert status["schema_version"] == max(m.version for m in all_migrations())
    result = CliRunner().invoke(main, ["-C", str(root), "screen", "decide", "4", "--stage", "title-abstract",
                                       "--reviewer", "JM", "--decision", "include"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
