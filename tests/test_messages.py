"""What commands say adds up and names things as the user knows them: the first dedup,
appraisal sheet imports, the interactive appraisal's design."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from review.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_first_dedup_says_how_many_records_formed_how_many_works(tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "ws"
    assert runner.invoke(main, ["init", str(root)]).exit_code == 0

    def review(*args: str) -> str:
        result = runner.invoke(main, ["-C", str(root), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    review("import", str(CORPUS / "psycinfo.ris"), "--source", "PsycINFO")
    review("import", str(CORPUS / "cinahl.ris"), "--source", "CINAHL")
    first = review("dedup")
    assert "assigned to a different work" not in first and "moved" not in first
    assert "new records grouped into works" in first
    review("import", str(CORPUS / "ethos.ris"), "--source", "EThOS", "--kind", "register")
    second = review("dedup")
    assert "1 new records grouped into works" in second and "moved" not in second


def test_appraisal_import_counts_add_up(example_copy: Path, tmp_path: Path) -> None:
    import csv
    import re

    runner = CliRunner()

    def review(*args: str) -> str:
        result = runner.invoke(main, ["-C", str(example_copy), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    sheet = tmp_path / "jm.csv"
    review("appraise", "export", "--template", "--reviewer", "JM", "--output", str(sheet))
    with sheet.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows, columns = list(reader), reader.fieldnames or []
    report = next(r["report"] for r in rows if r["item"] == "1.1")  # a qualitative study
    for row in rows:
        if row["report"] == report and row["item"] in ("S1", "S2", "1.1"):
            row["answer"] = "yes"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    output = review("appraise", "import", str(sheet))
    found = re.search(r"(\d+) rows on \d+ reports: (\d+) design rows, (\d+) answered, (\d+) not yet answered; "
                      r"(\d+) judgements recorded, (\d+) unchanged", output)
    assert found, output
    total, designs, answered, blank, recorded, unchanged = map(int, found.groups())
    assert total == len(rows) == designs + answered + blank
    assert answered == 3 and recorded == 3
