"""Shared fixtures: real workspaces in tmp_path, the CLI runner, the shared data folder."""

from __future__ import annotations

import os
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
