"""Protocol files are read as they now are, where a command needs them; removing what is cited is refused."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from review.errors import InputError
from review.extraction.model import parse_theories
from tests.postgres_support import Database


def review(root: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(root), *args], env={"REVIEW_ACTOR": "tester"})


def _events(root: Path) -> int:
    with Database(root / "review.db") as db:
        return db.execute("select count(*) from events").fetchone()[0]


def _exported(root: Path, tmp_path: Path) -> tuple[Path, list[dict[str, str]], list[str]]:
    sheet = tmp_path / "fragments.csv"
    assert review(root, "extract", "export", "--output", str(sheet)).exit_code == 0
    with sheet.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return sheet, list(reader), list(reader.fieldnames or [])


def _write(path: Path, rows: list[dict[str, str]], header: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)


NEW_THEORY = """  - id: P99
    topic: positive
    label: Feels useful by helping other mothers
"""


def test_a_theory_written_into_the_protocol_is_known_to_extract_import_at_once(example_copy: Path,
                                                                               tmp_path: Path) -> None:
    protocol = example_copy / "protocols" / "theories.yaml"
    protocol.write_text(protocol.read_text(encoding="utf-8") + NEW_THEORY, encoding="utf-8")
    sheet, rows, header = _exported(example_copy, tmp_path)
    rows[0]["theories"] = f"{rows[0]['theories']};P99".lstrip(";")
    _write(sheet, rows, header)
    result = review(example_copy, "extract", "import", str(sheet))  # no `review run` in between
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output
    theories = {t["id"]: t for t in json.loads(review(example_copy, "theories", "--json").output)["theories"]}
    assert (theories["P99"]["status"], theories["P99"]["fragments"]) == ("supported", 1)


def _without(text: str, theory_id: str) -> str:
    """The theories file without one theory's entry."""
    return re.sub(rf"\n  - id: {theory_id}\n(?:    .*\n|\s*#.*\n)*", "\n", text, count=1)


def test_removing_a_cited_theory_is_refused_naming_the_fragments(example_copy: Path, tmp_path: Path) -> None:
    theories = {t["id"]: t for t in json.loads(review(example_copy, "theories", "--json").output)["theories"]}
    cited = sorted(set(theories["T2"]["supporting"]["fragments"]) | set(theories["T2"]["refining"]["fragments"]))
    assert cited
    protocol = example_copy / "protocols" / "theories.yaml"
    edited = _without(protocol.read_text(encoding="utf-8"), "T2")
    assert "id: T2\n" not in edited and "id: T11\n" in edited
    protocol.write_text(edited, encoding="utf-8")
    before = _events(example_copy)
    expected = f"protocols/theories.yaml: T2: removed but cited by fragment{'s' if len(cited) > 1 else ''} " \
               + ", ".join(str(i) for i in cited[:12])
    for args in (("theories",), ("run",), ("extract", "import", str(_exported(example_copy, tmp_path)[0]))):
        result = review(example_copy, *args)
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output, (args, result.output)
    assert _events(example_copy) == before  # the database is as it was
    sheet, rows, header = _exported(example_copy, tmp_path)  # take T2 out of those fragments: then it goes
    for row in rows:
        row["theories"] = ";".join(p for p in row["theories"].split(";") if p and not p.startswith("T2:"))
    _write(sheet, rows, header)
    result = review(example_copy, "extract", "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert review(example_copy, "theories").exit_code == 0


def test_removing_a_criterion_that_decisions_cite_is_refused_naming_them(example_copy: Path) -> None:
    with Database(example_copy / "review.db") as db:
        reason, first = db.execute("select reason, min(id) from screening_decisions where reason is not null "
                                   "group by reason order by count(*) desc limit 1").fetchone()
    path = example_copy / "protocols" / "criteria.yaml"
    text = path.read_text(encoding="utf-8")
    entry = re.search(rf"\n\s*- \{{id: {re.escape(reason)},[^\n]*\}}|\n\s*- id: {re.escape(reason)}\n[^\n]*",
                      text)
    assert entry is not None, reason
    path.write_text(text.replace(entry.group(0), ""), encoding="utf-8")
    before = _events(example_copy)
    for args in (("criteria",), ("run",)):
        result = review(example_copy, *args)
        assert result.exit_code == 2, (args, result.output)
        assert f"protocols/criteria.yaml: {reason}: removed but cited by screening decision" in result.output
        assert re.search(rf"decisions? {first}\b", result.output), result.output
    assert _events(example_copy) == before


@pytest.mark.parametrize(("wanted", "hint"), [("P9", "nearest: "), ("P1", "nearest: ")])
def test_an_unknown_theory_says_which_ids_exist(built_example: Path, wanted: str, hint: str) -> None:
    result = review(built_example, "extract", "add", "--report", "46", "--quote", "accepted by 37% of mothers",
                    "--theory", wanted)
    assert result.exit_code == 2
    assert f"unknown theory {wanted!r} ({hint}" in result.output and "P14" in result.output, result.output


def test_a_small_model_lists_every_id() -> None:
    with pytest.raises(InputError, match=r"unknown theory 'P9' \(theories: P14, T1, T2\)"):
        parse_theories("T1;P9", {"T1", "T2", "P14"})
