"""Included reports out to reference managers: RIS, BibTeX and CSL-JSON, one entry per work.

The CSL-JSON is checked against the official CSL input schema (tests/data/exchange/csl/,
citation-style-language/schema), which is what Zotero, Mendeley and pandoc read.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy

from review.cli import main

SCHEMA = json.loads((Path(__file__).parent / "data" / "exchange" / "csl" / "csl-data.json").read_text("utf-8"))
_JSON_TYPES = {"string": str, "number": (int, float), "boolean": bool, "array": list, "object": dict}


def _types_ok(value: Any, spec: dict[str, Any]) -> bool:
    wanted = spec.get("type")
    if wanted is None:
        return True
    wanted = wanted if isinstance(wanted, list) else [wanted]
    return any(isinstance(value, _JSON_TYPES[t]) for t in wanted)


def csl_problems(items: Any) -> list[str]:
    """What the schema refuses: unknown or mistyped variables, a bad type, a bad name or date."""
    problems = []
    spec = SCHEMA["items"]
    names = SCHEMA["definitions"]["name-variable"]["anyOf"][0]["properties"]
    date = next(a["properties"] for a in SCHEMA["definitions"]["date-variable"]["anyOf"]
                if "date-parts" in a.get("properties", {}))
    for number, item in enumerate(items):
        problems += [f"{number}: missing {k}" for k in spec["required"] if k not in item]
        for key, value in item.items():
            prop = spec["properties"].get(key)
            if prop is None:
                problems.append(f"{number}: unknown variable {key}")
            elif "enum" in prop and value not in prop["enum"]:
                problems.append(f"{number}: {key} {value!r} not in the schema's list")
            elif prop.get("items", {}).get("$ref") == "#/definitions/name-variable":
                problems += [f"{number}: {key} name {n}" for n in value
                             if set(n) - set(names) or not all(isinstance(v, str) for v in n.values())]
            elif prop.get("$ref") == "#/definitions/date-variable":
                parts = value.get("date-parts")
                if set(value) - set(date) or not (1 <= len(parts) <= 2 and all(1 <= len(p) <= 3 for p in parts)):
                    problems.append(f"{number}: {key} date {value}")
            elif not _types_ok(value, prop):
                problems.append(f"{number}: {key} is {type(value).__name__}")
    return problems


def _run(root: Path, *args: str) -> str:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["-C", str(root), "export", "records", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def included(built_example: Path) -> int:
    from click.testing import CliRunner

    status = json.loads(CliRunner().invoke(main, ["-C", str(built_example), "status", "--json"]).output)
    return status["stages"]["screening"]["full-text"]["included"]


def test_included_as_csl_json_validates_against_the_csl_schema(built_example: Path, included: int) -> None:
    items = json.loads(_run(built_example, "--included", "--format", "csl-json"))
    assert len(items) == included > 0
    assert csl_problems(items) == []
    assert len({i["id"] for i in items}) == included
    assert all(i.get("title") and i.get("author") and i.get("issued") for i in items)


def test_included_as_ris_and_bibtex_one_entry_per_report(built_example: Path, included: int) -> None:
    entries = rispy.loads(_run(built_example, "--included", "--format", "ris"))
    assert len(entries) == included and all(e.get("title") for e in entries)
    library = bibtexparser.parse_string(_run(built_example, "--included", "--format", "bibtex"))
    assert len(library.entries) == included and not library.failed_blocks
    rows = list(csv.DictReader(io.StringIO(_run(built_example, "--included", "--format", "csv"))))
    assert len({r["work_id"] for r in rows}) == len(rows) == included
    everything = list(csv.DictReader(io.StringIO(_run(built_example, "--format", "csv"))))
    assert len(everything) > included


def test_stage_and_decision_select_works(built_example: Path) -> None:
    from click.testing import CliRunner

    status = json.loads(CliRunner().invoke(main, ["-C", str(built_example), "status", "--json"]).output)["stages"]["screening"]
    passed = json.loads(_run(built_example, "--stage", "title-abstract", "--decision", "include", "--format", "csl-json"))
    assert len(passed) == status["title-abstract"]["included"]
    excluded = rispy.loads(_run(built_example, "--stage", "full-text", "--decision", "exclude", "--format", "ris"))
    assert len(excluded) == status["full-text"]["excluded"]
    assert len(json.loads(_run(built_example, "--stage", "full-text", "--format", "csl-json"))) == \
        status["full-text"]["included"]


@pytest.mark.parametrize("args", [["--decision", "include"], ["--included", "--stage", "full-text"]])
def test_contradictory_selections_exit_2(built_example: Path, args: list[str]) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["-C", str(built_example), "export", "records", *args])
    assert result.exit_code == 2 and ("--decision needs --stage" in result.output or "--included is" in result.output)
