"""Shared fixtures: real workspaces in tmp_path, the CLI runner, the shared data folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.workspace import Workspace

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"
#: The read-only real data beside the repository (../shared/data).
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _actor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_ACTOR", "tester")


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
