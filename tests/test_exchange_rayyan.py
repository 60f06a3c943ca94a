"""``review screen export --format rayyan``, checked against Rayyan's own export of the same records.

``rayyan.ris`` and ``_baseline_rayyan.csv`` are Rayyan's RIS and CSV exports of one review
(ten Embase records, six decided by "Emily"): see tests/data/exchange/README.md. Importing
the RIS (records, then decisions) and exporting as Rayyan must give the rows Rayyan's own
CSV export has; our importer must read our export back to the same decisions.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from review.corpus.normalise import normalise_doi
from review.screening.exchange_formats import parse_rayyan_notes
from review.screening.exchange_rayyan import RAYYAN_COLUMNS, RAYYAN_TEMPLATE, rayyan_notes
from review.screening.tables import screening_decisions
from review.store import Store

DATA = Path(__file__).parent / "data" / "exchange" / "rayyan"
CRITERIA = Path(__file__).parent / "data" / "screening_exchange" / "criteria.yaml"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _decisions(root: Path, reviewer: str) -> dict[int, tuple[str, str | None, str | None]]:
    store = Store.open(f"sqlite:///{root / 'review.db'}")
    try:
        with store.read() as conn:
            d = screening_decisions
            return {r.work_id: (r.decision, r.reason, r.note)
                    for r in conn.execute(select(d).where(d.c.reviewer == reviewer).order_by(d.c.id))}
    finally:
        store.close()


@pytest.fixture
def from_rayyan(cli, workspace):
    """A review holding Rayyan's ten records and Emily's six decisions, from Rayyan's RIS."""
    shutil.copy(CRITERIA, workspace.path("protocols", "criteria.yaml"))
    config = workspace.config_path
    config.write_text(config.read_text(encoding="utf-8").replace("reviewers = []", 'reviewers = ["SA", "JM"]', 1),
                      encoding="utf-8")
    ris = DATA / "rayyan.ris"
    assert cli("import", str(ris), "--source", "embase").exit_code == 0
    assert cli("dedup").exit_code == 0
    result = cli("screen", "import", str(ris), "--stage", "title-abstract", "--reviewer", "Emily", "--add-reviewer")
    assert result.exit_code == 0, result.output
    return workspace


def test_export_has_the_rows_of_rayyans_own_csv_export(cli, from_rayyan, tmp_path) -> None:
    out = tmp_path / "to-rayyan.csv"
    result = cli("screen", "export", "--stage", "title-abstract", "--format", "rayyan", "--output", str(out))
    assert result.exit_code == 0, result.output
    real = _rows(DATA / "_baseline_rayyan.csv")
    with out.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with (DATA / "_baseline_rayyan.csv").open(encoding="utf-8", newline="") as handle:
        assert header == next(csv.reader(handle)) == list(RAYYAN_COLUMNS)
    assert set(RAYYAN_TEMPLATE) <= set(header)
    ours = {row["key"]: row for row in _rows(out)}
    assert sorted(ours) == sorted(row["key"] for row in real)
    for want in real:
        got = ours[want["key"]]
        for column in ("notes", "title", "year", "journal", "issn", "volume", "issue", "pages", "authors"):
            assert got[column] == want[column], (want["key"], column)
        assert normalise_doi(got["doi"]) == normalise_doi(want["doi"].split()[0] if want["doi"] else None)
        assert got["keywords"].split(";") == want["keywords"].split(";") if want["keywords"] else True
    assert sum(bool(row["notes"]) for row in ours.values()) == 6


def test_our_export_reads_back_to_the_same_decisions(cli, from_rayyan, tmp_path) -> None:
    out = tmp_path / "to-rayyan.csv"
    cli("screen", "export", "--stage", "title-abstract", "--format", "rayyan", "--output", str(out))
    again = cli("screen", "import", str(out), "--stage", "title-abstract", "--reviewer", "Emily")
    assert again.exit_code == 0, again.output
    assert "(rayyan); 0 decisions recorded for Emily at title-abstract, 6 already recorded" in again.output
    moved = cli("screen", "import", str(out), "--stage", "title-abstract", "--reviewer", "SA",
                "--from-reviewer", "Emily")
    assert moved.exit_code == 0, moved.output
    assert _decisions(from_rayyan.root, "SA") == _decisions(from_rayyan.root, "Emily")
    assert len(_decisions(from_rayyan.root, "SA")) == 6


def test_reasons_labels_and_notes_survive_the_round_trip(cli, from_rayyan, tmp_path) -> None:
    emily = _decisions(from_rayyan.root, "Emily")
    excluded = next(w for w, (d, _r, _n) in emily.items() if d == "exclude")
    note = 'said "no" [twice] | Rayyan labels: fossils, skin'
    result = cli("screen", "decide", str(excluded), "--decision", "exclude", "--stage", "title-abstract", "--reviewer", "JM",
                 "--reason", "E-POP-2", "--note", note)
    assert result.exit_code == 0, result.output
    out = tmp_path / "to-rayyan.csv"
    cli("screen", "export", "--stage", "title-abstract", "--format", "rayyan", "--output", str(out))
    row = next(r for r in _rows(out) if 'JM"=>"Excluded"' in r["notes"])
    parsed = parse_rayyan_notes(row["notes"])
    assert parsed.decisions == {"Emily": "Excluded", "JM": "Excluded"}
    assert parsed.labels == ["fossils", "skin"]
    assert parsed.user_notes == {"JM": ['said "no" [twice]']}
    assert len(parsed.reasons) == 1
    again = cli("screen", "import", str(out), "--stage", "title-abstract", "--reviewer", "JM")
    assert again.exit_code == 0, again.output
    assert "0 decisions recorded for JM" in again.output and "1 already recorded" in again.output


def test_notes_are_written_the_way_rayyan_writes_them() -> None:
    class D:  # one reviewer's current decision
        def __init__(self, reviewer: str, decision: str) -> None:
            self.reviewer, self.decision, self.reason, self.note = reviewer, decision, None, None

    assert rayyan_notes([D("Emily", "include")]) == 'RAYYAN-INCLUSION: {"Emily"=>"Included"}'
    assert rayyan_notes([D("A", "maybe"), D("B", "exclude")]) == 'RAYYAN-INCLUSION: {"A"=>"Maybe", "B"=>"Excluded"}'
    assert rayyan_notes([]) == ""


def test_rayyan_export_needs_a_stage(cli, from_rayyan, tmp_path) -> None:
    out = tmp_path / "to-rayyan.csv"
    result = cli("screen", "export", "--format", "rayyan", "--output", str(out))
    assert result.exit_code == 2
    assert "--stage" in result.output and not out.exists()


@pytest.mark.parametrize("stage", ["title-abstract", "full-text"])
def test_every_decision_of_the_worked_example_is_in_the_notes(runner, example_copy, tmp_path, stage) -> None:
    from review.cli import main

    def run(*args: str):
        result = runner.invoke(main, ["-C", str(example_copy), *args], env={"REVIEW_ACTOR": "tester"})
        assert result.exit_code == 0, result.output
        return result

    ours, rayyan = tmp_path / "ours.csv", tmp_path / "rayyan.csv"
    run("screen", "export", "--stage", stage, "--output", str(ours))
    run("screen", "export", "--stage", stage, "--format", "rayyan", "--output", str(rayyan))
    words = {"include": "Included", "exclude": "Excluded", "maybe": "Maybe"}
    want = {(row["work_id"], row["reviewer"]): words[row["decision"]]
            for row in _rows(ours) if row["kind"] == "decision"}
    rows = _rows(rayyan)
    keys = [row["key"] for row in rows]
    assert len(keys) == len(set(keys)) and want
    store = Store.open(f"sqlite:///{example_copy / 'review.db'}")
    try:
        from review.screening.exchange import WorkIndex
        from review.screening.exchange_formats import ExchangeRow

        with store.read() as conn:
            index = WorkIndex(conn)
            got = {}
            for line, row in enumerate(rows, start=2):
                work, why = index.match(ExchangeRow(line, refs=[row["key"]], doi=row["doi"] or None,
                                                    title=row["title"] or None))
                assert work is not None, (row["key"], why)
                for reviewer, word in parse_rayyan_notes(row["notes"]).decisions.items():
                    got[(str(work), reviewer)] = word
    finally:
        store.close()
    assert got == want
