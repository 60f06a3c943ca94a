"""Backups and archives: a consistent copy while others write, every table out and back."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, select, update

from review.cli import main
from review.store import Store, schema
from review.store.migrations import all_migrations
from review.workspace import Workspace
from tests.postgres_support import Database, database_rows

DATA = Path(__file__).resolve().parent / "data" / "dedup"


def review(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def worked(tmp_path: Path) -> Path:
    """A workspace with two real exports imported, deduplicated and partly screened."""
    root = tmp_path / "ws"
    assert review("init", str(root))[0] == 0
    for name, source in (("cinahl.ris", "CINAHL"), ("pubmed.txt", "PubMed")):
        code, out = review("-C", str(root), "import", str(DATA / name), "--source", source,
                           "--searched", "2024-01-01")
        assert code == 0, out
    assert review("-C", str(root), "dedup")[0] == 0
    ws = Workspace.find(root)
    with ws.store().transaction() as conn:  # an empty text must survive the round trip
        first = conn.execute(select(schema.records.c.id).order_by(schema.records.c.id)).scalar()
        conn.execute(update(schema.records).where(schema.records.c.id == first).values(language=""))
        works = [w for (w,) in conn.execute(select(schema.works.c.id).order_by(schema.works.c.id))]
    ws.close()
    for work in works[:3]:
        code, out = review("-C", str(root), "screen", "decide", str(work), "--stage", "title-abstract",
                           "--reviewer", "JM", "--decision", "include", "--note", 'quote " and, comma\nnewline')
        assert code == 0, out
    return root


def _dump(db: Path) -> dict[str, list[tuple]]:
    return database_rows(db, leave=("schema_migrations",))


def test_export_all_then_import_archive_loses_nothing(worked: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    code, out = review("-C", str(worked), "export", "all", str(archive))
    assert code == 0, out
    manifest = json.loads((archive / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["records"] > 0 and manifest["tables"]["screening_decisions"] == 3
    readme = (archive / "README.md").read_text(encoding="utf-8")
    assert "## records.csv" in readme and "| doi |" in readme
    code, out = review("import-archive", str(archive), "--to", str(tmp_path / "restored"))
    assert code == 0, out
    before, after = _dump(worked / "review.db"), _dump(tmp_path / "restored" / "review.db")
    assert before.keys() == after.keys()
    for table in before:
        assert after[table] == before[table], table
    assert any(row for row in after["records"] if "" in row)  # the empty text is still empty, not NULL


def test_a_changed_archive_file_is_refused_and_nothing_is_created(worked: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    assert review("-C", str(worked), "export", "all", str(archive))[0] == 0
    with (archive / "works.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    code, out = review("import-archive", str(archive), "--to", str(tmp_path / "restored"))
    assert code == 2
    assert "works.csv: changed since it was exported" in out
    assert not (tmp_path / "restored").exists()


def test_export_all_refuses_a_directory_with_files(worked: Path, tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine", encoding="utf-8")
    code, out = review("-C", str(worked), "export", "all", str(tmp_path / "full"))
    assert code == 1 and "not empty" in out
    assert (tmp_path / "full" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_backup_is_consistent_while_another_connection_writes(worked: Path, tmp_path: Path) -> None:
    stop = threading.Event()
    written = []

    def writer() -> None:
        store = Store.open(f"sqlite:///{worked / 'review.db'}")
        while not stop.is_set():
            with store.transaction() as conn:
                Store.log(conn, "other", "note", "work", len(written), {"n": len(written)})
            written.append(1)
        store.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        code, out = review("-C", str(worked), "backup", str(tmp_path / "copy.db"))
    finally:
        stop.set()
        thread.join()
    assert code == 0, out
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    events = copy.execute("SELECT COUNT(*) FROM events WHERE actor = 'other'").fetchone()[0]
    assert 0 <= events <= len(written)
    assert copy.execute("SELECT COUNT(*) FROM screening_decisions").fetchone()[0] == 3
    copy.close()
    code, out = review("-C", str(worked), "backup", str(tmp_path / "copy.db"))
    assert code == 1 and "never overwrites" in out


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    Store.open(f"sqlite:///{db}").close()
    newest = max(m.version for m in all_migrations())
    with Database(db) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01')", (newest + 1,))
    with pytest.raises(Exception, match="newer version of review .* upgrade review"):
        Store.open(f"sqlite:///{db}")
    meta = MetaData()
    check = Store.open(f"sqlite:///{db}", migrate=False)
    with check.read() as c:
        meta.reflect(c)
    check.close()
    assert "schema_migrations" in meta.tables


def test_a_backup_missing_a_row_does_not_check_out(worked: Path, tmp_path: Path) -> None:
    from review.errors import ReviewError
    from review.store.archive import backup, verify_backup

    ws = Workspace.find(worked)
    store = ws.store()
    copy = backup(store, tmp_path / "copy.db")
    assert verify_backup(store, copy)["screening_decisions"] == 3
    with sqlite3.connect(copy) as conn:
        conn.execute("DELETE FROM screening_decisions WHERE id = (SELECT max(id) FROM screening_decisions)")
    with pytest.raises(ReviewError, match="screening_decisions: 3 in the database, 2 in the copy"):
        verify_backup(store, copy)
    ws.close()


def test_an_archive_that_no_longer_matches_the_database_does_not_check_out(worked: Path, tmp_path: Path) -> None:
    from review.errors import ReviewError
    from review.store.archive import export_all, verify_archive

    ws = Workspace.find(worked)
    store = ws.store()
    export_all(store, tmp_path / "archive")
    assert verify_archive(store, tmp_path / "archive")["screening_decisions"] == 3
    code, out = review("-C", str(worked), "screen", "undo", "--stage", "title-abstract", "--reviewer", "JM")
    assert code == 0, out
    with pytest.raises(ReviewError, match="screening_decisions: 4 in the database, 3 in the copy"):
        verify_archive(store, tmp_path / "archive")
    ws.close()


def _accounts(root: Path) -> Path:
    """Give ``root`` a web account with a password and an API token; returns the token."""
    added = CliRunner().invoke(main, ["-C", str(root), "users", "add", "Ana Lima", "--role", "lead",
                                      "--password-stdin"], input="a long enough password\n")
    assert added.exit_code == 0, added.output
    code, token = review("-C", str(root), "users", "token", "Ana Lima")
    assert code == 0
    return token.strip()


def test_an_archive_for_others_carries_no_password_or_session(worked: Path, tmp_path: Path) -> None:
    from review.errors import ReviewError
    from review.web.accounts import set_password, sign_in, user_for_token

    token = _accounts(worked)
    archive = tmp_path / "archive"
    code, out = review("-C", str(worked), "export", "all", str(archive))
    assert code == 0 and "(no passwords or sessions: --with-credentials keeps them)" in out
    users = (archive / "web_users.csv").read_text(encoding="utf-8")
    assert "Ana Lima,lead" in users and "argon2" not in users
    assert (archive / "web_sessions.csv").read_text(encoding="utf-8").count("\n") == 1  # the header only
    assert json.loads((archive / "manifest.json").read_text(encoding="utf-8"))["credentials"] is False
    assert review("import-archive", str(archive), "--to", str(tmp_path / "shared"))[0] == 0
    restored = Workspace.find(tmp_path / "shared")
    try:
        with pytest.raises(ReviewError):
            sign_in(restored.store(), "Ana Lima", "a long enough password")
        with restored.store().read() as conn:
            assert user_for_token(conn, token) is None
        set_password(restored.store(), "Ana Lima", password="a new long password", actor="test")
        assert sign_in(restored.store(), "Ana Lima", "a new long password")[0].role == "lead"
    finally:
        restored.close()
    # a backup of the same workspace keeps everything: the old password and token still work
    kept = tmp_path / "kept"
    code, out = review("-C", str(worked), "export", "all", str(kept), "--with-credentials")
    assert code == 0 and "no passwords" not in out
    assert review("import-archive", str(kept), "--to", str(tmp_path / "moved"))[0] == 0
    moved = Workspace.find(tmp_path / "moved")
    try:
        assert sign_in(moved.store(), "Ana Lima", "a long enough password")[0].name == "Ana Lima"
        with moved.store().read() as conn:
            assert user_for_token(conn, token).name == "Ana Lima"
    finally:
        moved.close()
