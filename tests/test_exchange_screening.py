"""Decisions made in Rayyan and Covidence, imported from files those tools wrote.

``rayyan.ris`` is Rayyan's RIS export (decisions in ``N1  - RAYYAN-INCLUSION:`` lines);
``_baseline_covidence.csv`` is a Covidence CSV export (no exclusion reason column), here
given the name Covidence gives its full-text "excluded" list. See tests/data/exchange/README.md.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from review.screening.tables import screening_decisions
from review.store import Store

DATA = Path(__file__).parent / "data" / "exchange"
CRITERIA = Path(__file__).parent / "data" / "screening_exchange" / "criteria.yaml"


def _decisions(root: Path) -> list[tuple[str, str, str, str | None]]:
    store = Store.open(f"sqlite:///{root / 'review.db'}")
    try:
        with store.read() as conn:
            d = screening_decisions
            return [(r.stage, r.reviewer, r.decision, r.reason)
                    for r in conn.execute(select(d).order_by(d.c.id))]
    finally:
        store.close()


@pytest.fixture
def searched(cli, workspace):
    """A review with the Table 1 criteria, SA and JM as reviewers."""
    shutil.copy(CRITERIA, workspace.path("protocols", "criteria.yaml"))
    config = workspace.config_path
    config.write_text(config.read_text(encoding="utf-8").replace("reviewers = []", 'reviewers = ["SA", "JM"]', 1),
                      encoding="utf-8")
    return workspace


def test_rayyan_ris_decisions_import_like_the_csv(cli, searched) -> None:
    ris = DATA / "rayyan" / "rayyan.ris"
    assert cli("import", str(ris), "--source", "embase").exit_code == 0
    assert cli("dedup").exit_code == 0
    result = cli("screen", "import", str(ris), "--stage", "title-abstract", "--reviewer", "SA")
    assert result.exit_code == 0, result.output
    assert "(as 'Emily' in the file)" in result.output and "6 decisions recorded" in result.output
    assert "skipped 4: records without a decision by Emily" in result.output
    got = sorted(d for _s, _r, d, _x in _decisions(searched.root))
    assert got == ["exclude", "exclude", "include", "include", "maybe", "maybe"]
    again = cli("screen", "import", str(ris), "--stage", "title-abstract", "--reviewer", "SA")
    assert "0 decisions recorded" in again.output and "6 already recorded" in again.output


def test_rayyan_ris_reviewer_not_in_the_review_is_refused(cli, searched) -> None:
    ris = DATA / "rayyan" / "rayyan.ris"
    cli("import", str(ris), "--source", "embase")
    cli("dedup")
    result = cli("screen", "import", str(ris), "--stage", "title-abstract", "--reviewer", "Emily")
    assert result.exit_code == 2
    assert f"{ris}: --reviewer: unknown reviewer 'Emily'" in result.output
    result = cli("screen", "import", str(ris), "--stage", "title-abstract", "--reviewer", "SA",
                 "--from-reviewer", "Bob")
    assert result.exit_code == 2 and f"{ris}: --from-reviewer: no decisions by 'Bob'" in result.output
    assert _decisions(searched.root) == []


def test_covidence_full_text_excluded_list_without_reasons_imports_as_other(cli, searched, tmp_path: Path) -> None:
    cli("import", str(DATA / "covidence" / "_baseline_covidence_endnote.ris"), "--source", "embase")
    assert cli("dedup").exit_code == 0
    export = DATA / "covidence" / "_baseline_covidence.csv"
    selected = tmp_path / "review_4521_select_csv_20240601101500.csv"
    excluded = tmp_path / "review_4521_excluded_csv_20240701101500.csv"
    shutil.copy(export, selected)
    shutil.copy(export, excluded)
    result = cli("screen", "import", str(selected), "--stage", "title-abstract", "--reviewer", "SA")
    assert result.exit_code == 0 and "10 decisions recorded" in result.output, result.output
    # Full-text decisions need the reports recorded as retrieved (docs/moving-in-and-out.md).
    pdfs = searched.root / "reports" / "pdfs"
    pdfs.mkdir(parents=True)
    with export.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    sheet = tmp_path / "retrieved.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "doi", "status", "file"])
        for number, row in enumerate(rows, start=1):
            (pdfs / f"{number}.pdf").write_bytes(b"%PDF-1.4\n")
            writer.writerow([row["Title"], row["DOI"], "retrieved", f"reports/pdfs/{number}.pdf"])
    assert cli("fulltext", "sought", "--all").exit_code == 0
    result = cli("fulltext", "import", str(sheet))
    assert result.exit_code == 0, result.output
    refused = cli("screen", "import", str(excluded), "--stage", "full-text", "--reviewer", "SA")
    assert refused.exit_code == 2, refused.output
    result = cli("screen", "import", str(excluded), "--stage", "full-text", "--reviewer", "SA",
                 "--unmapped-reasons", "other")
    assert result.exit_code == 0 and "10 decisions recorded" in result.output, result.output
    full_text = [d for d in _decisions(searched.root) if d[0] == "full-text"]
    assert full_text == [("full-text", "SA", "exclude", "other")] * 10
