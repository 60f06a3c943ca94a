"""Table writers: escaping of hostile text, Word formatting, tidy CSV, empty stages."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT

from review.reports.model import Table, cell
from review.reports.templating import environment
from review.reports.writers import TABLE_FORMATS, write_table
from review.workspace import Workspace

HOSTILE = "Peer <script>alert('x')</script> support & 50% of_mothers {2019} ~ ^ \\ | # $ תמיכה עמיתים"


def _table(wide: bool = False) -> Table:
    table = Table("demo", f"Included: {HOSTILE}", ["Document", "Title", "n"], group_label="Study",
                  numeric=(2,), notes=["Note: a & b < c"], wide=wide)
    table.add("Smith (2020)", HOSTILE, 3, group="#1 <Group> & co")
    table.add(cell("Dropped theory", "strike"), cell("new theory", "caps"), 4, group="#1 <Group> & co")
    table.add("שלום (2021)", "line one\nline two", 5, group="#2")
    return table


@pytest.fixture
def written(tmp_path: Path) -> dict[str, Path]:
    env = environment(None)
    return {fmt: write_table(_table(), fmt, tmp_path, env) for fmt in TABLE_FORMATS}


def test_html_escapes_everything_and_marks_formatting(written: dict[str, Path]) -> None:
    html = written["html"].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "support &amp; 50% of_mothers {2019}" in html
    assert "<s>Dropped theory</s>" in html and 'class="caps"' in html and "text-transform: uppercase" in html
    assert '<td dir="rtl">שלום (2021)</td>' in html
    assert "@media print" in html and html.startswith("<!DOCTYPE html>")
    assert '<th colspan="3" scope="rowgroup" dir="auto">#1 &lt;Group&gt; &amp; co</th>' in html


def test_latex_escapes_specials_and_uses_booktabs(written: dict[str, Path]) -> None:
    tex = written["tex"].read_text(encoding="utf-8")
    assert (r"Peer \textless{}script\textgreater{}alert('x')\textless{}/script\textgreater{} support \& 50\% "
            r"of\_mothers \{2019\} \textasciitilde{} \textasciicircum{} \textbackslash{} \textbar{} \# \$ "
            "תמיכה עמיתים") in tex
    for rule in (r"\toprule", r"\midrule", r"\bottomrule", r"\begin{longtable}", r"\caption{"):
        assert rule in tex
    assert r"\sout{Dropped theory}" in tex and r"\MakeUppercase{new theory}" in tex
    assert r"line one \newline line two" in tex
    body = tex.split(r"\endlastfoot", 1)[1]
    assert "%" not in body.replace(r"\%", "")  # no unescaped comment character


def test_markdown_escapes_markup(written: dict[str, Path]) -> None:
    md = written["md"].read_text(encoding="utf-8")
    assert r"\<script\>" in md and r"support & 50% of\_mothers" in md and r"\|" in md
    assert r"\&" not in md and r"\%" not in md  # LaTeX escapes, not Markdown ones
    assert "~~Dropped theory~~" in md and "NEW THEORY" in md
    assert "| **#1 \\<Group\\> & co** | | |" in md


def test_docx_is_a_real_table_with_character_formatting(written: dict[str, Path]) -> None:
    document = Document(str(written["docx"]))
    (table,) = document.tables
    assert len(table.rows) == 1 + 2 + 3  # header, two group rows, three rows
    assert table.rows[1].cells[0].text == table.rows[1].cells[2].text == "#1 <Group> & co"  # merged
    assert table.rows[2].cells[1].text == HOSTILE
    struck = table.rows[3].cells[0].paragraphs[0].runs[0]
    caps = table.rows[3].cells[1].paragraphs[0].runs[0]
    assert struck.font.strike and struck.text == "Dropped theory"
    assert caps.font.all_caps and caps.text == "new theory"  # capitals as formatting, text kept
    caption = document.paragraphs[0]
    assert caption.style.name == "Caption" and caption.text.endswith(f". Included: {HOSTILE}")
    assert "SEQ Table" in caption._p.xml
    assert table.rows[0]._tr.xml.count("tblHeader") == 1  # header repeats on every page
    assert "w:rtl" in table.rows[5].cells[0].paragraphs[0].runs[0]._r.xml
    assert document.sections[0].orientation != WD_ORIENT.LANDSCAPE


def test_wide_tables_get_a_landscape_section(tmp_path: Path) -> None:
    path = write_table(_table(wide=True), "docx", tmp_path, environment(None))
    section = Document(str(path)).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height


def test_docx_bytes_do_not_depend_on_the_time(tmp_path: Path) -> None:
    env = environment(None)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_table(_table(), "docx", tmp_path / "a", env)
    second = write_table(_table(), "docx", tmp_path / "b", env)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_csv_is_tidy(written: dict[str, Path]) -> None:
    rows = list(csv.reader(io.StringIO(written["csv"].read_text(encoding="utf-8"))))
    assert rows[0] == ["Study", "Document", "Title", "n"]
    assert rows[1] == ["#1 <Group> & co", "Smith (2020)", HOSTILE, "3"]
    assert rows[2][0] == "#1 <Group> & co"  # the group repeats: no blank continuation cells
    assert all(all(value != "" for value in row) for row in rows)


def test_empty_workspace_yields_every_table_saying_so(cli, workspace: Workspace) -> None:
    result = cli("report", "tables", "plots")
    assert result.exit_code == 0, result.output
    reports = workspace.root / "reports"
    for name in ("criteria", "documents", "characteristics", "study-characteristics", "mmat", "theory-testing",
                 "evidence-matrix", "final-model"):
        for fmt in TABLE_FORMATS:
            assert (reports / f"table-{name}.{fmt}").is_file(), (name, fmt)
    assert "No documents included yet" in (reports / "table-documents.md").read_text(encoding="utf-8")
    assert "No appraisal recorded yet" in (reports / "table-mmat.html").read_text(encoding="utf-8")
    assert "No programme theories yet" in (reports / "table-final-model.tex").read_text(encoding="utf-8")
    for name in ("mmat-traffic-light", "mmat-summary", "evidence-matrix"):
        assert (reports / f"plot-{name}.svg").is_file() and (reports / f"plot-{name}.png").is_file()
    assert "no theory topics yet" in result.output and "placeholder drawn" in result.output
    assert "table-mmat: No appraisal recorded yet" in result.output


def test_prisma_of_an_empty_workspace_says_what_is_missing(cli) -> None:
    result = cli("report", "prisma")
    assert result.exit_code == 1
    assert "PRISMA-01: no search results imported; import the exports: review import FILE" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (("report", "tables", "--format", "xlsx"), "unknown format 'xlsx'"),
    (("report", "tables", "--from", __file__), "--from draws the flow diagram only"),
])
def test_bad_invocations_exit_2(cli, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2 and message in result.output


def test_a_format_an_output_does_not_have_is_said(cli, workspace: Workspace) -> None:
    result = cli("report", "plots", "--format", "md")
    assert result.exit_code == 0
    assert "plots: none of the formats asked for (md); plots has svg, png" in result.output
