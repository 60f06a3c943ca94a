"""Criteria as protocol: loading, the exclusion hierarchy, malformed files, ``review criteria``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from review.errors import ConfigError, InputError, NotFound
from review.screening.criteria import load_criteria

HERE = Path(__file__).resolve().parent
TABLE1 = HERE / "data" / "screening_exchange" / "criteria.yaml"
WORKED_EXAMPLE = HERE.parent / "protocols" / "criteria.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "criteria.yaml"
    path.write_text(text, encoding="utf-8")
    return path


VALID = """\
version: 1
title: Small
domains:
  - id: study-type
    name: Type of study
    include: [{id: I-1, text: Empirical study}]
    exclude: [{id: E-1, text: Review article}]
  - id: population
    name: Population
    exclude:
      - {id: E-2, text: Not perinatal}
"""


def test_table1_loads_grouped_by_domain_in_file_order() -> None:
    criteria = load_criteria(TABLE1)
    assert criteria.title == "Selection criteria for empirical studies"
    assert [d.id for d in criteria.domains] == [
        "study-type", "methodology", "population", "intervention", "setting"]
    assert [c.id for c in criteria.exclusion_order][:4] == ["E-TYPE-1", "E-POP-1", "E-POP-2", "E-INT-1"]
    assert len(criteria.criteria) == 19
    assert len(criteria.exclusion_order) == 11
    assert criteria.criteria[0].id == "I-TYPE-1"
    population = criteria.get("I-POP-1")
    assert population.domain == "population" and population.kind == "include"
    assert population.text.startswith("Women experiencing any type")  # folded, one line
    assert criteria.keywords_include[0] == "peer support"
    assert "protocol" in criteria.keywords_exclude


def test_primary_reason_is_highest_in_hierarchy_and_other_last() -> None:
    criteria = load_criteria(TABLE1)
    assert criteria.primary_reason(["E-SET-1", "E-POP-2", "other"]) == "E-POP-2"
    assert criteria.primary_reason(["other", "E-SET-2"]) == "E-SET-2"
    assert criteria.primary_reason(["other"]) == "other"
    with pytest.raises(NotFound, match="inclusion criterion"):
        criteria.primary_reason(["I-POP-1"])
    with pytest.raises(NotFound, match="unknown criterion id 'E-NOPE'"):
        criteria.primary_reason(["E-NOPE"])
    with pytest.raises(InputError, match="no exclusion reasons"):
        criteria.primary_reason([])


def test_reasons_get_and_other() -> None:
    criteria = load_criteria(TABLE1)
    assert criteria.other_id == "other"
    assert criteria.is_reason("E-INT-6") and criteria.is_reason("other")
    assert not criteria.is_reason("I-INT-1") and not criteria.is_reason("nope")
    assert criteria.reasons[-1].id == "other"
    with pytest.raises(NotFound) as caught:
        criteria.get("E-9")
    assert caught.value.field == "E-9" and "E-TYPE-1" in str(caught.value)


def test_defaults_other_and_optional_parts(tmp_path: Path) -> None:
    criteria = load_criteria(write(tmp_path, VALID))
    assert criteria.other_id == "other" and criteria.other.text.startswith("Other reason")
    assert criteria.keywords_include == () and criteria.domains[1].include == ()
    assert [c.id for c in criteria.reasons] == ["E-1", "E-2", "other"]


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("version: 1\ndomains:\n  - id: a\n    name: [unclosed\n", 5, "not valid YAML"),
        ("version: 1\ntitle: x\n", 1, "domains: missing required key"),
        (VALID.replace("{id: E-2,", "{id: E-1,"), 11, "duplicate id 'E-1' (first used at line 7)"),
        (VALID.replace("version: 1", "version: one"), 1, "version: expected a whole number"),
        (VALID.replace("version: 1", "version: 2"), 1, "unsupported version 2"),
        (VALID.replace("name: Population", "name: 42"), 9, "domains[2].name: expected text"),
        (VALID.replace("    exclude:\n      - {id: E-2", "    excludes:\n      - {id: E-2"), 10,
         "domains[2].excludes: unknown key"),
        (VALID.replace("{id: I-1, text: Empirical study}", "{id: I-1}"), 6,
         "study-type.include[1].text: missing required key"),
        (VALID.replace("include: [{id: I-1, text: Empirical study}]", "include: Empirical"), 6,
         "domains[1].include: expected a list"),
        (VALID + "title: again\n", 12, "title: duplicate key"),
        (VALID.replace("- id: population", "- id: study-type"), 8, "duplicate domain id"),
        (VALID + "other: {id: E-1, text: Other}\n", 12, "other.id: duplicate id 'E-1'"),
        ("other: {id: E-1, text: Other}\n" + VALID, 8, "study-type.exclude[1].id: duplicate id 'E-1' (first used at line 1)"),
        (VALID.replace("{id: E-2,", "{id: other,"), 11, "the default 'other' reason"),
        (VALID.replace("{id: E-2,", "{id: 7,"), 11, "expected text"),
    ],
)
def test_malformed_files_name_file_line_and_key(tmp_path: Path, text: str, line: int, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_criteria(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert needle in message
    assert caught.value.line == line


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="criteria file not found"):
        load_criteria(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="the file is empty"):
        load_criteria(write(tmp_path, "# nothing\n"))


def test_cli_prints_grouped_with_ids(workspace, cli) -> None:
    shutil.copy(TABLE1, workspace.path("protocols", "criteria.yaml"))
    result = cli("criteria")
    assert result.exit_code == 0, result.output
    assert "Population [population]" in result.output
    assert "    E-POP-1   Women outside the period" in result.output
    assert "hierarchy order (PRISMA reports the first): E-TYPE-1, E-POP-1" in result.output
    data = json.loads(cli("criteria", "--json").output)
    assert data["exclusion_order"][0] == "E-TYPE-1" and data["other"]["id"] == "other"
    assert data["domains"][2]["exclude"][1] == {"id": "E-POP-2", "text": (
        "Women who did not identify themselves as having any perinatal mental health difficulty")}


def test_cli_malformed_file_exits_2_with_line(workspace, cli) -> None:
    path = workspace.path("protocols", "criteria.yaml")
    path.write_text(VALID.replace("{id: E-2,", "{id: E-1,"), encoding="utf-8")
    result = cli("criteria")
    assert result.exit_code == 2
    assert f"Error: {path}:11: population.exclude[1].id: duplicate id 'E-1'" in result.output


def test_cli_missing_file_exits_2(workspace, cli) -> None:
    workspace.path("protocols", "criteria.yaml").unlink()  # `review init` writes a starter file
    result = cli("criteria")
    assert result.exit_code == 2
    assert "criteria.yaml: criteria file not found" in result.output


@pytest.mark.skipif(not WORKED_EXAMPLE.is_file(), reason="protocols/criteria.yaml not written yet")
def test_worked_example_protocol_loads() -> None:
    criteria = load_criteria(WORKED_EXAMPLE)
    assert len(criteria.domains) >= 5
    assert criteria.exclusion_order, "the worked example has exclusion criteria"
    assert criteria.is_reason(criteria.other_id)
