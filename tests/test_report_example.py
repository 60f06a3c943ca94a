"""`review run` on the worked example renders every contracted report, says so, and the
files are the same bytes every time; hostile titles come out escaped."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from sqlalchemy import update

from review.cli import main
from review.store import schema
from review.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
TABLES = ("criteria", "documents", "characteristics", "study-characteristics", "mmat", "cmo-take-up",
          "cmo-positive", "cmo-negative", "theory-testing", "evidence-matrix", "final-model")
HOSTILE = "Peer <script>alert(1)</script> & 100% of_mothers {x} דיכאון לאחר לידה"


def review(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("report-example") / "ws"
    root.mkdir()
    for name in ("corpus", "protocols", "extraction"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "review.toml", root / "review.toml")
    code, output = review("-C", str(root), "run", "--actor", "tester")
    assert code == 0, output
    return root, output


def test_run_renders_every_contracted_file_and_says_so(example: tuple[Path, str]) -> None:
    root, output = example
    reports = root / "reports"
    assert "reports: " in output and "files into reports/" in output
    for name in ("prisma.svg", "prisma.html", "prisma.csv"):
        assert (reports / name).is_file()
        assert name.split(".")[0] in output
    assert "prisma.{csv,html,pdf,png,svg}" in output or "prisma.png not rendered: " in output
    for table in TABLES:
        for fmt in ("md", "html", "tex", "docx", "csv"):
            assert (reports / f"table-{table}.{fmt}").is_file(), (table, fmt)
        assert f"table-{table}.{{csv,docx,html,md,tex}}" in output
    for plot in ("mmat-traffic-light", "mmat-summary", "evidence-matrix"):
        assert (reports / f"plot-{plot}.svg").is_file() and (reports / f"plot-{plot}.png").is_file()
    assert "DRAFT" not in output  # all screening of the example is complete


def test_prisma_of_the_example_matches_the_seed(example: tuple[Path, str]) -> None:
    root, _output = example
    n = {r["data"]: r["n"] for r in csv.DictReader(io.StringIO((root / "reports" / "prisma.csv").read_text("utf-8")))}
    assert n["total_reports"] == "29"  # seed 001: 29 documents
    assert n["total_studies"] == "22"  # ... describing 22 interventions
    assert n["database_specific_results"] == "CINAHL, 46; PubMed, 58; Scopus, 63; PsycInfo, 34"
    assert (n["website_results"], n["organisation_results"], n["citations_results"]) == ("1", "3", "8")
    svg = (root / "reports" / "prisma.svg").read_text(encoding="utf-8")
    assert "Identification of studies via other methods" in svg and "Third sector organisations" in svg


def test_documents_are_grouped_by_intervention(example: tuple[Path, str]) -> None:
    root, _output = example
    md = (root / "reports" / "table-documents.md").read_text(encoding="utf-8")
    assert "**Included documents grouped by intervention**" in md
    assert "Field et al. (2013a)" in md and "Field et al. (2013b)" in md  # same author-year told apart
    first = md.index("**Intervention #1**"), md.index("Anderson (2013)"), md.index("**Intervention #2**")
    assert first[0] < first[1] < first[2]
    rows = list(csv.DictReader(io.StringIO((root / "reports" / "table-documents.csv").read_text("utf-8"))))
    assert len(rows) == 29 and len({r["Intervention"] for r in rows}) == 22
    assert {r["Type"] for r in rows} == {"article", "thesis", "report"}


def test_final_model_strikes_theories_without_evidence(example: tuple[Path, str]) -> None:
    root, _output = example
    theories = {r["No."]: r for r in csv.DictReader(io.StringIO(
        (root / "reports" / "table-final-model.csv").read_text("utf-8")))}
    document = Document(str(root / "reports" / "table-final-model.docx"))
    runs = {row.cells[0].text: row.cells[1].paragraphs[0].runs[0] for row in document.tables[0].rows[1:]
            if row.cells[0].text in theories}
    for theory_id, row in theories.items():
        assert bool(runs[theory_id].font.strike) == (row["Status"] in ("not-supported", "refuted"))
        assert bool(runs[theory_id].font.all_caps) == (row["Status"] == "new")
    assert any(r["Status"] == "not-supported" for r in theories.values())


def test_rendering_again_gives_the_same_bytes(example: tuple[Path, str], tmp_path: Path) -> None:
    root, _output = example
    code, output = review("-C", str(root), "report", "--out", str(tmp_path / "again"))
    assert code == 0, output
    first = sorted(p.name for p in (root / "reports").iterdir() if p.is_file())
    assert first == sorted(p.name for p in (tmp_path / "again").iterdir())
    different = [name for name in first
                 if (root / "reports" / name).read_bytes() != (tmp_path / "again" / name).read_bytes()]
    assert different == []


def test_hostile_titles_are_escaped_in_every_format(example: tuple[Path, str], tmp_path: Path) -> None:
    root, _output = example
    copy = tmp_path / "ws"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("reports"))
    ws = Workspace.find(copy)
    with ws.store().transaction() as conn:
        conn.execute(update(schema.works).where(schema.works.c.title.like("Functions of support group%"))
                     .values(title=HOSTILE))
    ws.close()
    code, output = review("-C", str(copy), "report", "tables", "--out", str(tmp_path / "out"))
    assert code == 0, output
    out = tmp_path / "out"
    html = (out / "table-documents.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "Peer &lt;script&gt;alert(1)&lt;/script&gt; &amp; 100% of_mothers {x} דיכאון לאחר לידה" in html
    tex = (out / "table-documents.tex").read_text(encoding="utf-8")
    assert (r"Peer \textless{}script\textgreater{}alert(1)\textless{}/script\textgreater{} \& 100\% "
            r"of\_mothers \{x\} דיכאון לאחר לידה") in tex
    cells = [c.text for row in Document(str(out / "table-documents.docx")).tables[0].rows for c in row.cells]
    assert HOSTILE in cells
    rows = list(csv.reader(io.StringIO((out / "table-documents.csv").read_text(encoding="utf-8"))))
    assert any(HOSTILE in row for row in rows)
