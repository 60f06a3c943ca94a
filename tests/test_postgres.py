"""PostgreSQL as a backend: bad URLs refused in one line, backups, and moving a review both ways.

The tests needing a server take the ``postgres_url`` fixture (a new database per test; they
skip, or in CI fail, without ``REVIEW_TEST_POSTGRES_URL``). The whole suite also runs with
every workspace on PostgreSQL (``REVIEW_TEST_BACKEND=postgresql``, see tests/conftest.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from review.cli import main
from review.errors import InputError
from review.store import Store, now, schema
from review.store.migrate import table_checksums
from review.workspace import Workspace


def _invoke(root: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), *args], env={"REVIEW_ACTOR": "tester"})


def _use_url(root: Path, url: str) -> None:
    ws = Workspace.load(root)
    ws.set_database_url(url)


def _checksums(root: Path) -> dict[str, tuple[int, str]]:
    ws = Workspace.load(root)
    try:
        sums = table_checksums(ws.store())
    finally:
        ws.close()
    sums.pop("schema_migrations")
    return sums


# -- bad URLs: one line, password masked, exit 2, nothing written -------------------------


def test_an_unreachable_server_is_one_line_with_the_password_masked(workspace: Workspace) -> None:
    _use_url(workspace.root, "postgresql+psycopg://review:s3cret@127.0.0.1:1/review")

    result = _invoke(workspace.root, "status")

    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert "postgresql+psycopg://review:***@127.0.0.1:1/review" in result.output
    assert "s3cret" not in result.output
    assert "cannot reach the server" in result.output and "[database] url in review.toml" in result.output


def test_an_unknown_url_scheme_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a database URL|driver is not installed"):
        Store.open("nosuchdb://user:pw@host/db")


def test_wrong_credentials_are_named_without_the_password(postgres_url: str, workspace: Workspace) -> None:
    _use_url(workspace.root, make_url(postgres_url).set(password="not-the-password")
             .render_as_string(hide_password=False))

    result = _invoke(workspace.root, "status")

    assert result.exit_code == 2
    assert "wrong user name or password" in result.output
    assert "not-the-password" not in result.output and "***" in result.output


def test_a_missing_database_says_how_to_create_it(postgres_url: str) -> None:
    url = make_url(postgres_url).set(database="no_such_review_db").render_as_string(hide_password=False)

    with pytest.raises(InputError, match="does not exist: create it \\(createdb no_such_review_db\\)"):
        Store.open(url)


def _foreign_table(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)"))
    engine.dispose()


def _tables(url: str) -> set[str]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
    engine.dispose()
    return names


def test_a_postgres_database_of_something_else_is_refused_untouched(postgres_url: str) -> None:
    _foreign_table(postgres_url)

    with pytest.raises(InputError, match="holds other tables \\(invoices\\) but is not a review's"):
        Store.open(postgres_url)

    assert _tables(postgres_url) == {"invoices"}


def test_an_sqlite_file_of_something_else_is_refused_untouched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    _foreign_table(url)

    with pytest.raises(InputError, match="not a review's"):
        Store.open(url)

    assert _tables(url) == {"invoices"}


def _newer(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute(insert(schema.migrations).values(version=999_999, name="from the future", applied_at=now()))


def test_a_newer_schema_is_refused_with_exit_2_on_either_backend(workspace: Workspace) -> None:
    _newer(workspace.store())
    workspace.close()
    before = _checksums_raw(workspace)

    result = _invoke(workspace.root, "status")

    assert result.exit_code == 2, result.output
    assert "newer version of review (schema 999999" in result.output and "nothing was written" in result.output
    assert _checksums_raw(workspace) == before


def _checksums_raw(workspace: Workspace) -> dict[str, tuple[int, str]]:
    store = Store.open(workspace.db_url, migrate=False)
    try:
        return table_checksums(store)
    finally:
        store.close()


def test_a_newer_schema_on_postgres_is_refused(postgres_url: str) -> None:
    store = Store.open(postgres_url)
    _newer(store)
    store.close()

    with pytest.raises(InputError, match=r"\*\*\*.*newer version of review"):
        Store.open(postgres_url)


def test_migrations_on_postgres_apply_once_and_again_apply_nothing(postgres_url: str) -> None:
    from review.store.migrations import all_migrations

    store = Store.open(postgres_url, migrate=False)
    try:
        assert store.migrate() == [m.version for m in all_migrations()]
        assert store.migrate() == []
        assert store.schema_version() == max(m.version for m in all_migrations())
    finally:
        store.close()


# -- review migrate --to URL ------------------------------------------------------------


def test_migrate_to_another_sqlite_file_copies_every_row_and_switches(example_copy: Path) -> None:
    before = _checksums(example_copy)

    result = _invoke(example_copy, "migrate", "--to", "sqlite:///moved.db")

    assert result.exit_code == 0, result.output
    assert "row counts and checksums match" in result.output
    assert Workspace.load(example_copy).config["database"]["url"] == "sqlite:///moved.db"
    assert _checksums(example_copy) == before


def test_migrate_refuses_a_target_with_rows_and_changes_nothing(example_copy: Path, tmp_path: Path) -> None:
    other = Workspace.create(tmp_path / "other")
    with other.store().transaction() as conn:
        Store.log(conn, "tester", "note", "review")
    other.close()
    config = (example_copy / "review.toml").read_text(encoding="utf-8")

    result = _invoke(example_copy, "migrate", "--to", f"sqlite:///{other.root / 'review.db'}")

    assert result.exit_code == 2
    assert "already holds rows (events)" in result.output
    assert (example_copy / "review.toml").read_text(encoding="utf-8") == config


def test_migrate_to_an_unreachable_server_changes_nothing(example_copy: Path) -> None:
    config = (example_copy / "review.toml").read_text(encoding="utf-8")

    result = _invoke(example_copy, "migrate", "--to", "postgresql+psycopg://u:pw@127.0.0.1:1/x")

    assert result.exit_code == 2 and "cannot reach the server" in result.output
    assert (example_copy / "review.toml").read_text(encoding="utf-8") == config


def test_migrate_to_postgres_and_back_keeps_every_row_and_the_reports(example_copy: Path, postgres_url: str,
                                                                      tmp_path: Path) -> None:
    before = _checksums(example_copy)
    reports_before = {p.name: p.read_bytes() for p in (example_copy / "reports").iterdir() if p.is_file()}

    there = _invoke(example_copy, "migrate", "--to", postgres_url)
    assert there.exit_code == 0, there.output
    assert f":***@{make_url(postgres_url).host}" in there.output
    assert f":{make_url(postgres_url).password}@" not in there.output
    assert _checksums(example_copy) == before
    shutil.rmtree(example_copy / "reports")
    rendered = _invoke(example_copy, "report")
    assert rendered.exit_code == 0, rendered.output
    added = _invoke(example_copy, "sources", "edit", "CINAHL", "--hits", "999")  # ids go on after restored ones
    assert added.exit_code == 0, added.output

    back = _invoke(example_copy, "migrate", "--to", f"sqlite:///{tmp_path / 'back.db'}")
    assert back.exit_code == 0, back.output
    after = _checksums(example_copy)
    assert after["events"][0] == before["events"][0] + 1
    assert {k: v for k, v in after.items() if k not in ("events", "sources")} == \
        {k: v for k, v in before.items() if k not in ("events", "sources")}
    reports_after = {p.name: p.read_bytes() for p in (example_copy / "reports").iterdir() if p.is_file()}
    assert reports_after.keys() == reports_before.keys()
    differ = [name for name in reports_before if reports_before[name] != reports_after[name]]
    assert differ == []


# -- review backup on PostgreSQL --------------------------------------------------------


def test_backup_on_postgres_writes_a_dump_pg_restore_can_list(example_copy: Path, postgres_url: str,
                                                                tmp_path: Path) -> None:
    assert _invoke(example_copy, "migrate", "--to", postgres_url).exit_code == 0
    if shutil.which("pg_dump") is None:
        pytest.skip("no pg_dump on this machine")  # CI installs postgresql, which has it

    result = _invoke(example_copy, "backup", str(tmp_path / "review.dump"))

    assert result.exit_code == 0, result.output
    assert (tmp_path / "review.dump").read_bytes()[:5] == b"PGDMP"
    assert not (tmp_path / "review.dump.partial").exists()


def test_backup_on_postgres_without_pg_dump_writes_the_archive(example_copy: Path, postgres_url: str,
                                                               tmp_path: Path, monkeypatch) -> None:
    assert _invoke(example_copy, "migrate", "--to", postgres_url).exit_code == 0
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    result = _invoke(example_copy, "backup", str(tmp_path / "archive"))

    assert result.exit_code == 0, result.output
    assert "an archive: restore with `review import-archive`" in result.output
    restored = _invoke(tmp_path, "import-archive", str(tmp_path / "archive"), "--to", str(tmp_path / "restored"))
    assert restored.exit_code == 0, restored.output
    assert _checksums(tmp_path / "restored").keys() == _checksums(example_copy).keys()


def test_sqlite_backup_still_refuses_to_overwrite(example_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "taken.db").write_text("x")

    result = _invoke(example_copy, "backup", str(tmp_path / "taken.db"))

    assert result.exit_code == 1 and "never overwrites" in result.output


def test_the_driver_is_declared_in_the_postgres_and_test_extras() -> None:
    import tomllib

    extras = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(dep.startswith("psycopg[binary]") for dep in extras["postgres"])
    assert any(dep.startswith("psycopg[binary]") for dep in extras["test"])


# -- the worked example on both backends ------------------------------------------------


def test_the_worked_example_renders_byte_identical_reports_on_postgres(built_example: Path, postgres_url: str,
                                                                       tmp_path: Path) -> None:
    from tests.conftest import copy_example

    root = copy_example(tmp_path / "on-postgres")
    _use_url(root, postgres_url)

    result = _invoke(root, "run", "--quiet")

    assert result.exit_code == 0, result.output
    sqlite_reports = sorted(p.relative_to(built_example / "reports") for p in (built_example / "reports").rglob("*")
                            if p.is_file())
    pg_reports = sorted(p.relative_to(root / "reports") for p in (root / "reports").rglob("*") if p.is_file())
    assert pg_reports == sqlite_reports and len(pg_reports) > 10
    differ = [str(name) for name in sqlite_reports
              if (built_example / "reports" / name).read_bytes() != (root / "reports" / name).read_bytes()]
    assert differ == []
