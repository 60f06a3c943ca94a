"""`review run --fresh` never loses work: it refuses, or backs up first with --force.

A rebuild from the workspace's files keeps only what the files say. Work recorded only
in the database (an import from outside corpus/, interactive decisions, verdicts,
appraisals, fragments) must make `--fresh` refuse with a count per kind, and
`--fresh --force` must write a backup that holds every row before rebuilding.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.appraisal.agreement import appraise_record
from review.cli import main
from review.corpus.dedup.decisions import record_pair_decision
from review.extraction.commands import add_fragment
from review.screening.decisions import record_decision
from review.workspace import Workspace
from tests.conftest import DATA
from tests.postgres_support import Database

OUTSIDE = DATA / "formats" / "ovid_medline_direct.txt"


def _invoke(root: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False,
                              env={"REVIEW_ACTOR": "tester"})


def _counts(db: Path) -> dict[str, int]:
    with Database(db) as conn:
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in conn.tables()}


def add_unsaved_work(root: Path) -> None:
    """Work a rebuild from the files cannot bring back: one of each kind."""
    assert _invoke(root, "import", str(OUTSIDE), "--source", "Ovid MEDLINE (outside corpus)").exit_code == 0
    ws = Workspace.load(root)
    store = ws.store()
    try:
        with store.transaction() as conn:
            works = [w for (w,) in conn.exec_driver_sql(
                "SELECT id FROM works WHERE merged_into IS NULL ORDER BY id LIMIT 3")]
            for work in works:
                record_decision(conn, work_id=work, stage="title-abstract", reviewer="SA",
                                decision="include", origin="interactive", reviewers=["JM", "SA"])
            a, b = [r for (r,) in conn.exec_driver_sql("SELECT id FROM records ORDER BY id LIMIT 2")]
            record_pair_decision(conn, a, b, "different", actor="SA", origin="check")
            included = conn.exec_driver_sql(
                "SELECT work_id FROM appraisal_judgements ORDER BY id LIMIT 1").scalar_one()
        appraise_record(store, included, "category", "1", reviewer="SA", actor="SA")
        add_fragment(store, {"report": str(included), "quote": "A passage only the database knows.",
                             "context": "Only in the database", "coder": "SA"},
                     root=root, actor="SA", allow_unverified=True)
    finally:
        ws.close()


def test_fresh_refuses_when_the_database_holds_work_the_files_cannot_rebuild(example_copy: Path) -> None:
    add_unsaved_work(example_copy)
    before = _counts(example_copy / "review.db")

    result = _invoke(example_copy, "run", "--fresh")

    assert result.exit_code == 1, result.output
    message = result.output
    assert "would lose work that only the database holds" in message
    assert "3  screening decisions" in message
    assert "1  duplicate-pair verdicts" in message
    assert "1  appraisal answers" in message
    assert "1  evidence fragments" in message
    assert "records from files a rebuild does not import" in message
    assert "Ovid MEDLINE (outside corpus) (ovid_medline_direct.txt)" in message
    assert "sources whose details were edited" not in message  # counted once, by its records
    assert "review screen export --output" in message
    assert "review extract export --output" in message
    assert "--force" in message
    assert _counts(example_copy / "review.db") == before
    assert not (example_copy / "backups").exists()


def test_fresh_force_backs_up_every_row_then_rebuilds(example_copy: Path, tmp_path: Path) -> None:
    add_unsaved_work(example_copy)
    before = _counts(example_copy / "review.db")

    result = _invoke(example_copy, "run", "--fresh", "--force", "--quiet")

    assert result.exit_code == 0, result.output
    backups = sorted((example_copy / "backups").glob("review-*-before-fresh.db"))
    assert len(backups) == 1
    assert str(backups[0]) in result.output
    assert _counts(backups[0]) == before
    after = _counts(example_copy / "review.db")
    assert after["fragments"] == before["fragments"] - 1
    assert after["dedup_pair_decisions"] == 0
    # the backup is a workspace database: opened by review, it has the work back
    restored = tmp_path / "restored"
    restored.mkdir()
    (restored / "review.toml").write_text((example_copy / "review.toml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    os.replace(backups[0], restored / "review.db")
    status = _invoke(restored, "status", "--json")
    assert status.exit_code == 0, status.output
    assert _counts(restored / "review.db")["fragments"] == before["fragments"]


def test_fresh_on_a_freshly_built_example_needs_no_force(example_copy: Path) -> None:
    result = _invoke(example_copy, "run", "--fresh", "--quiet")

    assert result.exit_code == 0, result.output
    assert not (example_copy / "backups").exists()


def test_force_without_fresh_is_a_usage_error(example_copy: Path) -> None:
    result = _invoke(example_copy, "run", "--force")

    assert result.exit_code == 2
    assert "--force only goes with --fresh" in result.output


def test_fresh_counts_an_edited_source_detail(example_copy: Path) -> None:
    assert _invoke(example_copy, "sources", "edit", "CINAHL", "--hits", "999").exit_code == 0

    result = _invoke(example_copy, "run", "--fresh")

    assert result.exit_code == 1
    assert "1  sources whose details were edited" in result.output
    assert "corpus/sources.yaml" in result.output


# -- PostgreSQL -----------------------------------------------------------------------

POSTGRES_URL = os.environ.get("REVIEW_TEST_POSTGRES_URL")
postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="set REVIEW_TEST_POSTGRES_URL=postgresql+psycopg://USER:PASSWORD@HOST/DB "
                             "(an empty database this test may drop every table of) to run it")


@pytest.fixture
def postgres_example(tmp_path: Path) -> Path:
    """The worked example's files, with its database on the PostgreSQL server (emptied first)."""
    from review.store import Store
    from review.store.reset import reset_database
    from tests.conftest import copy_example

    root = copy_example(tmp_path / "pg-example")
    config = (root / "review.toml").read_text(encoding="utf-8")
    (root / "review.toml").write_text(config.replace('url = "sqlite:///review.db"', f'url = "{POSTGRES_URL}"'),
                                      encoding="utf-8")
    store = Store.open(str(POSTGRES_URL))
    reset_database(store)
    store.close()
    assert _invoke(root, "run", "--quiet").exit_code == 0
    return root


@postgres
def test_fresh_on_postgresql_rebuilds_and_refuses_to_lose_work(postgres_example: Path) -> None:
    from review.store import Store
    from review.store.archive import row_counts

    fresh = _invoke(postgres_example, "run", "--fresh", "--quiet")
    assert fresh.exit_code == 0, fresh.output

    add_unsaved_work(postgres_example)
    store = Store.open(str(POSTGRES_URL))
    try:
        before = row_counts(store)
        refused = _invoke(postgres_example, "run", "--fresh")
        assert refused.exit_code == 1
        assert "3  screening decisions" in refused.output
        assert row_counts(store) == before

        forced = _invoke(postgres_example, "run", "--fresh", "--force", "--quiet")
        assert forced.exit_code == 0, forced.output
        archives = list((postgres_example / "backups").glob("review-*-before-fresh"))
        assert len(archives) == 1 and str(archives[0]) in forced.output
        restored = postgres_example.parent / "restored"
        done = CliRunner().invoke(main, ["import-archive", str(archives[0]), "--to", str(restored)],
                                  catch_exceptions=False)
        assert done.exit_code == 0, done.output
        assert _counts(restored / "review.db") == {**before, "schema_migrations": before["schema_migrations"]}
        assert row_counts(store)["fragments"] == before["fragments"] - 1
    finally:
        store.close()


def test_fresh_counts_web_accounts_and_api_tokens_but_not_sign_in_sessions(example_copy: Path) -> None:
    accounts = pytest.importorskip("review.web.accounts")
    ws = Workspace.load(example_copy)
    try:
        accounts.add_user(ws.store(), "SA", password="a long enough passphrase", role="lead", actor="tester")
        with ws.store().transaction() as conn:
            conn.exec_driver_sql("INSERT INTO web_sessions (user_name, kind, token_sha256, created_at) "
                                 "VALUES ('SA', 'session', 'abc', '2026-01-01T00:00:00+00:00')")
    finally:
        ws.close()

    result = _invoke(example_copy, "run", "--fresh")

    assert result.exit_code == 1
    assert "1  web app accounts" in result.output
    assert "API tokens" not in result.output and "web_sessions" not in result.output


def test_a_theory_kept_in_its_sheet_survives_and_one_only_in_the_database_is_counted(example_copy: Path) -> None:
    added = _invoke(example_copy, "theories", "add", "T99", "--topic", "positive", "--label", "Helping builds worth")
    assert added.exit_code == 0, added.output
    assert _invoke(example_copy, "run", "--fresh", "--quiet").exit_code == 0  # the sheet has it

    (example_copy / "extraction" / "theory-changes.csv").unlink()
    result = _invoke(example_copy, "run", "--fresh")

    assert result.exit_code == 1
    assert "1  programme theories" in result.output and "1  theory versions" in result.output
    assert "review theories export" in result.output
