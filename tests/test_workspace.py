"""Workspaces: init, finding them, status."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from review.cli import main


def test_init_creates_layout_and_database(tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "my-review"
    result = runner.invoke(main, ["init", str(target), "--title", "Peer support"])
    assert result.exit_code == 0, result.output
    for name in ("review.toml", "protocols", "corpus", "extraction", "reports", "review.db"):
        assert (target / name).exists(), name
    assert 'title = "Peer support"' in (target / "review.toml").read_text()


def test_init_refuses_to_overwrite(tmp_path: Path, runner: CliRunner) -> None:
    runner.invoke(main, ["init", str(tmp_path / "w")])
    config = (tmp_path / "w" / "review.toml").read_text()
    result = runner.invoke(main, ["init", str(tmp_path / "w"), "--title", "Other"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert (tmp_path / "w" / "review.toml").read_text() == config


def test_commands_find_workspace_upward(tmp_path: Path, runner: CliRunner, monkeypatch) -> None:
    runner.invoke(main, ["init", str(tmp_path / "w")])
    deep = tmp_path / "w" / "corpus" / "sub"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    result = runner.invoke(main, ["status", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["workspace"] == str((tmp_path / "w").resolve())


def test_no_workspace_is_a_clear_error(tmp_path: Path, runner: CliRunner, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["status"])
    assert result.exit_code == 1
    assert "review init" in result.output


def test_status_json_counts_sources_and_records(cli, shared_data: Path) -> None:
    export = shared_data / "exports/citation-file-formatting/RIS/_baseline_cinahl.ris"
    assert cli("import", str(export), "--source", "CINAHL", "--searched", "2024-05-01").exit_code == 0
    status = json.loads(cli("status", "--json").output)
    assert status["records"] == 9
    assert status["sources"][0]["name"] == "CINAHL"
    assert status["sources"][0]["searched"] == "2024-05-01"
    assert status["sources"][0]["kind"] == "database"
    assert "dedup" in status["next"]


def test_status_text_names_next_step(cli) -> None:
    result = cli("status")
    assert result.exit_code == 0
    assert "Sources: none yet" in result.output
    assert "Next: import search exports" in result.output


def test_init_writes_a_starter_criteria_file_that_loads(tmp_path: Path, runner: CliRunner) -> None:
    from review.screening.criteria import load_criteria

    runner.invoke(main, ["init", str(tmp_path / "w")])
    criteria = load_criteria(tmp_path / "w" / "protocols" / "criteria.yaml")
    assert [c.id for c in criteria.exclusion_order][:2] == ["E-TYPE-1", "E-POP-1"]
    assert criteria.is_reason("other")
