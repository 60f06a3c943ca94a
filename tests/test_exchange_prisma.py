"""The PRISMA2020 R package and Shiny app: our prisma.csv matches its template row by row,
and its template (filled in elsewhere) draws with ``review report prisma --from``."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from review.cli import main

TEMPLATE_CSV = Path(__file__).parent / "data" / "exchange" / "prisma2020" / "PRISMA.csv"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _printed(svg: Path) -> str:
    return " ".join(re.findall(r">([^<>]+)</(?:tspan|text)>", svg.read_text(encoding="utf-8")))


def test_our_csv_links_every_box_as_the_template_does(runner, built_example: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(main, ["-C", str(built_example), "report", "prisma", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ours = _rows((out / "prisma.csv").read_text(encoding="utf-8"))
    template = _rows(TEMPLATE_CSV.read_text(encoding="utf-8"))
    key = ("data", "node", "box", "url")
    assert [tuple(r[k] for k in key) for r in ours] == [tuple(r[k] for k in key) for r in template]
    assert [r["description"] for r in ours] == [r["description"] for r in template]
    assert [r["tooltips"] for r in ours] == [r["tooltips"] for r in template]


def test_the_template_as_shipped_draws_its_placeholders_as_not_reported(runner, tmp_path: Path) -> None:
    out = tmp_path / "figure"
    result = runner.invoke(main, ["-C", str(tmp_path), "report", "prisma", "--from", str(TEMPLATE_CSV),
                                  "--out", str(out), "--format", "svg,csv,html"])
    assert result.exit_code == 0, result.output
    assert "<td>Reason1 (NA)" in (out / "prisma.html").read_text(encoding="utf-8")
    printed = _printed(out / "prisma.svg")
    assert "Reason1 (n\xa0=\xa0NA)" in printed and "Database 1 (n\xa0=\xa0NA)" in printed
    assert "Reason1 (n\xa0=\xa00)" not in printed
    again = {r["data"]: r["n"] for r in _rows((out / "prisma.csv").read_text(encoding="utf-8"))}
    assert again["dbr_excluded"] == "Reason1, NA; Reason2, NA; Reason3, NA"


def test_a_filled_template_draws_records_excluded_without_a_colon(runner, tmp_path: Path) -> None:
    filled = {"database_results": "240", "duplicates": "40", "records_screened": "200",
              "records_excluded": "38", "dbr_sought_reports": "162", "dbr_notretrieved_reports": "2",
              "dbr_assessed": "160", "dbr_excluded": "Wrong population, 100; Wrong design, 50",
              "new_studies": "8", "new_reports": "10", "database_specific_results": "MEDLINE, 140; Embase, 100",
              "register_specific_results": "NA"}
    rows = _rows(TEMPLATE_CSV.read_text(encoding="utf-8"))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row["n"] = filled.get(row["data"], row["n"])
        writer.writerow(row)
    source = tmp_path / "PRISMA.csv"
    source.write_text(buffer.getvalue(), encoding="utf-8")
    out = tmp_path / "figure"
    result = runner.invoke(main, ["-C", str(tmp_path), "report", "prisma", "--from", str(source),
                                  "--out", str(out), "--format", "svg"])
    assert result.exit_code == 0, result.output
    printed = _printed(out / "prisma.svg")
    assert "Records excluded (n\xa0=\xa038)" in printed and "Records excluded:" not in printed
    assert "Reports excluded (n\xa0=\xa0150):" in printed and "Wrong design (n\xa0=\xa050)" in printed
