"""Shared fixtures: real workspaces in tmp_path, the CLI runner, the shared data folder.

Also the suite's settings (see docs/reliability.md, "Tests that can be trusted"):

- ``REVIEW_NO_SKIPS=1`` (CI sets it): a test that would skip (no ../shared, no cairo
  library, ...) fails instead, so nothing goes untested without a red run. Only a test of an
  outside service that the run was not given (skip reason "set REVIEW_TEST_..."), e.g. a
  PostgreSQL server, still skips, and is listed at the end of the run.
- Hypothesis profiles: ``dev`` (default) and ``ci`` (derandomised, no deadline, no example
  database), chosen by ``HYPOTHESIS_PROFILE``; Hypothesis keeps its files in the system's
  temporary folder, never in the repository.
- Both backends: ``REVIEW_TEST_POSTGRES_URL`` names a PostgreSQL server (a role that may
  create databases); the tests of PostgreSQL itself then run (fixture ``postgres_url``: a new
  database per test). With ``REVIEW_TEST_BACKEND=postgresql`` too, every workspace of the suite
  lives on that server instead of in an SQLite file (tests/postgres_support.py); tests marked
  ``sqlite_only`` (or listed in ``SQLITE_ONLY``) are left out of that run and listed.
- The order seed of pytest-randomly is printed at the end of every run: rerun one order with
  ``-p randomly -p "randomly" --randomly-seed=N``, or a fixed order with ``-p no:randomly``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from review.workspace import Workspace

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
# Subprocesses of tests (pytester's, the CLI's) import tests.postgres_support from here too.
os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(filter(None, [str(REPO), *os.environ.get("PYTHONPATH", "").split(os.pathsep)])))

from tests import postgres_support  # noqa: E402 - needs the line above in pytester's copy of this file

DATA = TESTS / "data"
#: The read-only real data beside the repository (../shared/data).
SHARED_DATA = REPO.parent / "shared" / "data"
#: Set (to anything but empty or 0) in CI: skipping a test fails it.
NO_SKIPS_ENV = "REVIEW_NO_SKIPS"
#: How the skip reason of a test of an outside service (opted into by a variable) begins.
SERVICE_SKIP = "set REVIEW_TEST_"
#: Where Hypothesis keeps its example database and caches (not the repository's root).
HYPOTHESIS_HOME = Path(tempfile.gettempdir()) / "review-hypothesis"

set_hypothesis_home_dir(HYPOTHESIS_HOME)
settings.register_profile("dev", settings.get_profile("default"))
settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "dev")

#: Tests that stay on SQLite in the PostgreSQL run, and why: a file (``test_x.py``) or one test
#: (``test_x.py::test_y``, all its parameters). Or mark a test ``sqlite_only(reason)``.
SQLITE_ONLY: dict[str, str] = {
    "test_crash_safety.py":
        "kills SQLite writers and runs SQLite's integrity check",
    "test_migrations_released.py":
        "opens a frozen SQLite database of the first release",
    "test_archive.py::test_backup_is_consistent_while_another_connection_writes":
        "SQLite's online backup API",
    "test_archive.py::test_a_backup_missing_a_row_does_not_check_out":
        "SQLite's online backup API",
    "test_fresh_safeguard.py::test_fresh_force_backs_up_every_row_then_rebuilds":
        "the backup is an SQLite file; on PostgreSQL (an archive): test_fresh_on_postgresql_rebuilds_and_refuses_to_lose_work",
    "test_fresh_safeguard.py::test_fresh_on_postgresql_rebuilds_and_refuses_to_lose_work":
        "runs in the SQLite run, on the server of REVIEW_TEST_POSTGRES_URL",
    "test_store.py::test_new_database_is_at_latest_schema_with_wal_and_foreign_keys":
        "SQLite's WAL and PRAGMAs",
}

postgres_support.begin_session()
if postgres_support.on_postgres():
    postgres_support.install()
    _site = str(TESTS / "postgres_site")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [_site, os.environ.get("PYTHONPATH")]))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): runs on SQLite only (the PostgreSQL run leaves it out)")
    if os.environ.get(postgres_support.BACKEND_ENV) and not postgres_support.on_postgres():
        raise pytest.UsageError(f"{postgres_support.BACKEND_ENV} is set but {postgres_support.SERVER_ENV} "
                                "is not: give the PostgreSQL server's URL")


def _sqlite_only_reason(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("sqlite_only")
    if marker is not None:
        return str(marker.args[0] if marker.args else marker.kwargs.get("reason", "SQLite only"))
    where = item.nodeid.removeprefix("tests/").split("[", 1)[0]
    return SQLITE_ONLY.get(where) or SQLITE_ONLY.get(where.split("::", 1)[0])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, leave out the SQLite-only tests (listed at the end, never silently)."""
    if not postgres_support.on_postgres():
        return
    kept, left = [], []
    for item in items:
        (left if _sqlite_only_reason(item) else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        config._review_sqlite_only = {item.nodeid: _sqlite_only_reason(item) for item in left}  # type: ignore[attr-defined]
        items[:] = kept


def pytest_sessionfinish(session: pytest.Session) -> None:
    if postgres_support.on_postgres():
        for name in postgres_support.suite_databases():
            postgres_support.drop(name)
    postgres_support.close_admin()


def _no_skips() -> bool:
    return os.environ.get(NO_SKIPS_ENV, "") not in ("", "0")


def _skip_reason(report: pytest.TestReport) -> str:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Under ``REVIEW_NO_SKIPS``, a skipped test is reported as failed, with the skip's reason."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and _no_skips():
        reason = _skip_reason(report)
        if reason.startswith(SERVICE_SKIP):
            return report
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} skipped, and {NO_SKIPS_ENV} is set (CI runs every test): {reason}"
    return report


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """Under ``REVIEW_NO_SKIPS``, the service tests not run; the random order's seed."""
    left = getattr(config, "_review_sqlite_only", {})
    if left:
        terminalreporter.write_line(f"on SQLite only ({len(left)} tests left out of this PostgreSQL run, by reason):")
        for reason, count in sorted(Counter(left.values()).items()):
            terminalreporter.write_line(f"  {count:4d}  {reason}")
    if _no_skips():
        for report in terminalreporter.stats.get("skipped", []):
            terminalreporter.write_line(f"not run: {report.nodeid}: {_skip_reason(report)}")
    seed = getattr(config.option, "randomly_seed", None)
    if seed is not None and config.pluginmanager.has_plugin("randomly"):
        terminalreporter.write_line(f"test order: --randomly-seed={seed}")


@pytest.fixture(autouse=True)
def _actor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_ACTOR", "tester")


@pytest.fixture(autouse=True)
def _postgres_databases() -> None:
    """On PostgreSQL, drop the databases a test made (its workspaces') when it ends."""
    if not postgres_support.on_postgres():
        yield
        return
    before = postgres_support.suite_databases()
    yield
    # A workspace a test leaves open is closed by the garbage collector later; sqlite3 does that
    # silently, psycopg warns (a failure here). Close them now, then drop the test's databases.
    postgres_support.close_all()
    for name in postgres_support.suite_databases() - before:
        postgres_support.drop(name)


@pytest.fixture
def postgres_url() -> str:
    """A new, empty PostgreSQL database for this test (dropped after it); skips without a server."""
    if not postgres_support.server_url():
        pytest.skip(f"set {postgres_support.SERVER_ENV}=postgresql+psycopg://USER:PASSWORD@HOST/DB "
                    "(a role that may create databases) to run it")
    name = postgres_support.PREFIX + "x" + os.urandom(8).hex()
    postgres_support.create(name)
    yield postgres_support.database_url(name)
    postgres_support.drop(name)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    return SHARED_DATA


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A new, empty workspace (closed after the test)."""
    ws = Workspace.create(tmp_path / "ws", title="Test review")
    yield ws
    ws.close()


@pytest.fixture
def cli(runner: CliRunner, workspace: Workspace):
    """Invoke ``review -C <workspace> ...`` and return the click Result."""
    from review.cli import main

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, ["-C", str(workspace.root), *args], input=input,
                             catch_exceptions=False, env={"REVIEW_ACTOR": os.environ.get("REVIEW_ACTOR", "tester")})

    return invoke


#: What a copy of the worked example needs from the repository.
EXAMPLE_FILES = ("review.toml", "corpus", "protocols", "extraction")


def copy_example(target: Path) -> Path:
    """The worked example's committed files (not its database or reports) copied to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():
            shutil.copy(source, target / name)
    return target


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worked example after one `review run --fresh`, built once per test session.

    Read it, never change it: a test that changes the workspace takes ``example_copy``.
    """
    from review.cli import main

    root = copy_example(tmp_path_factory.mktemp("built-example") / "ws")
    result = CliRunner().invoke(main, ["-C", str(root), "run", "--fresh", "--quiet"],
                                env={"REVIEW_ACTOR": "tester"})
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def example_copy(built_example: Path, tmp_path: Path) -> Path:
    """A private copy of the built worked example (database included) to change at will."""
    target = tmp_path / "example"
    shutil.copytree(built_example, target)
    return target
