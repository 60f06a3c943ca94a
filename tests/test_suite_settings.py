"""The suite's own settings (tests/conftest.py): CI lets no test skip, Hypothesis runs
derandomised there and keeps its files out of the repository, the random order's seed is shown."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import HYPOTHESIS_HOME, NO_SKIPS_ENV, REPO
from hypothesis.configuration import storage_directory

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).resolve().parent / "conftest.py"

SKIPPING = """
import pytest

def test_needs_shared(shared_data):
    pass

def test_needs_a_library():
    pytest.skip("libcairo2 is not installed")

def test_runs():
    pass

@pytest.mark.skipif(True, reason="set REVIEW_TEST_SERVICE_URL=... to run it")
def test_needs_a_service():
    pass

@pytest.mark.xfail(reason="known", strict=True)
def test_known_failure():
    assert False
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A test folder with this suite's conftest (its ../shared is missing)."""
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    return pytester


def test_skips_are_skips_on_a_developer_machine(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NO_SKIPS_ENV, raising=False)
    suite.makepyfile(test_sample=SKIPPING)
    result = suite.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(passed=1, skipped=3, xfailed=1)


def test_a_skip_fails_in_ci(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NO_SKIPS_ENV, "1")
    suite.makepyfile(test_sample=SKIPPING)
    result = suite.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 1 and outcomes.get("xfailed") == 1
    assert outcomes.get("failed", 0) + outcomes.get("errors", outcomes.get("error", 0)) == 2
    result.stdout.fnmatch_lines(["*../shared/data is not beside the repository*",
                                 "*libcairo2 is not installed*"])
    # a test of an outside service not given to this run still skips, and says so at the end
    assert outcomes.get("skipped") == 1
    result.stdout.fnmatch_lines(["not run: test_sample.py::test_needs_a_service: set REVIEW_TEST_SERVICE_URL*"])
    assert result.ret != 0


def test_ci_profile_is_derandomised_without_deadline_or_database(suite: pytest.Pytester,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    suite.makepyfile(test_profile="""
from hypothesis import settings

def test_profile():
    assert settings.default.derandomize
    assert settings.default.deadline is None and settings.default.database is None
""")
    suite.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_hypothesis_keeps_its_files_out_of_the_repository() -> None:
    home = storage_directory(intent_to_write=False).home_directory
    assert home == HYPOTHESIS_HOME
    assert REPO not in home.resolve().parents


def test_random_order_seed_is_printed(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_one="def test_one():\n    pass\n")
    result = suite.runpytest_subprocess("-p", "randomly", "-p", "no:cacheprovider", "--randomly-seed=123")
    result.stdout.fnmatch_lines(["test order: --randomly-seed=123"])


def test_ci_runs_in_random_order_with_no_skips() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(dep.startswith("pytest-randomly") for dep in project["project"]["optional-dependencies"]["test"])
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    exported = {word for line in ci.splitlines() if line.startswith("export ") for word in line.split()[1:]}
    assert {f"{NO_SKIPS_ENV}=1", "HYPOTHESIS_PROFILE=ci"} <= exported
