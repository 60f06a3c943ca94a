"""The PRISMA 2020 flow diagram: counts from a real three-database import, checked
arithmetic, coded refusals, --draft, the PRISMA2020 CSV both ways, review.toml overrides."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from review.reports.prisma_csv import TEMPLATE
from review.store import schema
from review.workspace import Workspace

EXPORTS = ("citation-file-formatting/RIS/_baseline_embase.ris",  # RIS (Embase)
           "citation-file-formatting/RIS/_baseline_pubmed.ris",  # PubMed MEDLINE text
           "citation-file-formatting/RIS/_baseline_webofscience.ris")  # Web of Science export
NAMES = ("Embase", "PubMed", "Web of Science")
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return result.output


def _works(ws: Workspace) -> list[int]:
    with ws.store().read() as conn:
        w = schema.works
        return [r.id for r in conn.execute(select(w.c.id).order_by(w.c.id))]


def _invoke(root: Path):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from review.cli import main

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two workspaces built once: imported and deduplicated; and screened to the end."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    base = tmp_path_factory.mktemp("prisma")
    ws = Workspace.create(base / "imported", title="Test review")
    ws.close()
    cli = _invoke(ws.root)
    for name, path in zip(NAMES, EXPORTS, strict=True):
        _ok(cli("import", str(SHARED_DATA / "exports" / path), "--source", name, "--kind", "database"))
    _ok(cli("dedup"))
    screened = base / "screened"
    shutil.copytree(ws.root, screened)
    _screen(_invoke(screened), Workspace.find(screened), base)
    return {"imported": ws.root, "screened": screened}


def _copy(template: Path, tmp_path: Path) -> Workspace:
    target = tmp_path / "ws"
    shutil.copytree(template, target)
    return Workspace.find(target)


@pytest.fixture
def imported(_templates: dict[str, Path], tmp_path: Path) -> Workspace:
    ws = _copy(_templates["imported"], tmp_path)
    yield ws
    ws.close()


@pytest.fixture
def screened(_templates: dict[str, Path], tmp_path: Path) -> Workspace:
    ws = _copy(_templates["screened"], tmp_path)
    yield ws
    ws.close()


@pytest.fixture
def cli(imported: Workspace):  # type: ignore[no-untyped-def]
    return _invoke(imported.root)


@pytest.fixture
def scli(screened: Workspace):  # type: ignore[no-untyped-def]
    return _invoke(screened.root)


def _screen(cli, ws: Workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Title-abstract: 4 in, the rest out (E-POP-1); full text: 1 not retrieved, 1 excluded, 2 in."""
    works = _works(ws)
    reviewer = (ws.setting("screening", "reviewers", []) or ["tester"])[0]
    for work in works[:4]:
        _ok(cli("screen", "decide", str(work), "--reviewer", reviewer, "--decision", "include"))
    for work in works[4:]:
        _ok(cli("screen", "decide", str(work), "--reviewer", reviewer, "--decision", "exclude", "--reason", "E-POP-1"))
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 test\n")
    _ok(cli("fulltext", "not-retrieved", str(works[0]), "--reason", "library has no copy"))
    for work in works[1:4]:
        _ok(cli("fulltext", "retrieved", str(work), "--file", str(pdf)))
    _ok(cli("screen", "decide", str(works[1]), "--stage", "full-text", "--reviewer", reviewer,
            "--decision", "exclude", "--reason", "E-TYPE-1"))
    for work in works[2:4]:
        _ok(cli("screen", "decide", str(work), "--stage", "full-text", "--reviewer", reviewer, "--decision", "include"))
    return {"all": works}


def _svg_text(path: Path) -> str:
    """The diagram's printed text, wrapped lines joined by a space (as a reader sees it)."""
    svg = path.read_text(encoding="utf-8")
    return " ".join(re.findall(r">([^<>]+)</(?:tspan|text)>", svg)) + " " + svg


def _events(ws: Workspace) -> int:
    with ws.store().read() as conn:
        return conn.execute(select(func.count()).select_from(schema.events)).scalar_one()


def test_unfinished_screening_is_refused_with_a_coded_message_per_problem(cli, imported: Workspace) -> None:
    before = _events(imported)
    result = cli("report", "prisma")
    assert result.exit_code == 1
    assert "PRISMA-04" in result.output and "review screen --stage title-abstract" in result.output
    assert "--draft" in result.output
    assert not (imported.root / "reports" / "prisma.svg").exists()
    assert _events(imported) == before  # reporting writes nothing to the database


def test_draft_marks_the_open_counts(cli, imported: Workspace) -> None:
    output = _ok(cli("report", "prisma", "--draft", "--format", "svg,html"))
    assert "DRAFT" in output
    svg = _svg_text(imported.root / "reports" / "prisma.svg")
    assert "DRAFT" in svg and "*" in svg
    assert re.search(r"Records screened \(n\xa0=\xa0\d+\)", svg)  # above the open stage: not marked
    assert re.search(r"Reports sought for retrieval \(n\xa0=\xa00\*\)", svg)
    html = (imported.root / "reports" / "prisma.html").read_text(encoding="utf-8")
    assert "PRISMA-04" in html


def test_three_database_import_adds_up(scli, screened: Workspace) -> None:
    cli, imported = scli, screened
    works = len(_works(imported))
    _ok(cli("report", "prisma", "--format", "svg,csv"))
    rows = {r["data"]: r for r in csv.DictReader(io.StringIO(
        (imported.root / "reports" / "prisma.csv").read_text(encoding="utf-8")))}
    n = {k: r["n"] for k, r in rows.items()}
    with imported.store().read() as conn:
        per_source = dict(conn.execute(select(schema.sources.c.name, schema.sources.c.records_read)).all())
    total = sum(per_source.values())
    assert total == 70 and per_source == {"Embase": 10, "PubMed": 50, "Web of Science": 10}
    assert n["database_results"] == "70"
    assert n["database_specific_results"] == "Embase, 10; PubMed, 50; Web of Science, 10"
    assert int(n["duplicates"]) == 70 - works > 0  # the three exports share records
    assert n["records_screened"] == str(works)
    assert n["records_excluded"] == str(works - 4)
    assert (n["dbr_sought_reports"], n["dbr_notretrieved_reports"], n["dbr_assessed"]) == ("4", "1", "3")
    assert n["dbr_excluded"] == "Wrong study design (review editorial commentary protocol). 1".replace(". 1", "., 1")
    assert (n["new_studies"], n["new_reports"], n["total_reports"]) == ("2", "2", "2")
    svg = _svg_text(imported.root / "reports" / "prisma.svg")
    for text in ("Databases (n\xa0=\xa070)", "PubMed (n\xa0=\xa050)", f"Records screened (n\xa0=\xa0{works})",
                 "Reports not retrieved (n\xa0=\xa01)", "Studies included in review (n\xa0=\xa02)"):
        assert text in svg, text
    assert "DRAFT" not in svg and "*" not in svg
    assert "via other methods" not in svg  # no records from other methods: no empty column


def test_csv_has_every_template_row_in_order(scli, screened: Workspace) -> None:
    cli, imported = scli, screened
    _ok(cli("report", "prisma", "--format", "csv"))
    text = (imported.root / "reports" / "prisma.csv").read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
    rows = list(reader)
    assert [(r[0], r[2]) for r in rows] == [(d, b) for d, _n, b, _desc in TEMPLATE]
    for row in rows:
        if row[0] in ("database_specific_results", "dbr_excluded"):
            for item in row[7].split("; "):
                name, count = item.rsplit(", ", 1)
                assert "," not in name and count.isdigit()


def test_from_csv_draws_a_review_done_elsewhere(runner, tmp_path: Path) -> None:
    from review.cli import main

    source = tmp_path / "PRISMA.csv"
    lines = ["data,node,box,description,boxtext,tooltips,url,n"]
    values = {"database_results": "1,200", "database_specific_results": "MEDLINE, 700; Embase, 500",
              "duplicates": "200", "records_screened": "1000", "records_excluded": "900",
              "dbr_sought_reports": "100", "dbr_notretrieved_reports": "10", "dbr_assessed": "90",
              "dbr_excluded": "Wrong population, 50; Wrong design, 30", "new_studies": "8", "new_reports": "10"}
    for data, node, box, desc in TEMPLATE:
        lines.append(f'{data},{node},{box},"{desc}",,,,"{values.get(data, 0)}"')
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "figure"
    result = runner.invoke(main, ["-C", str(tmp_path), "report", "prisma", "--from", str(source), "--out", str(out),
                                  "--format", "svg,csv"])
    assert result.exit_code == 0, result.output
    svg = _svg_text(out / "prisma.svg")
    assert "Databases (n\xa0=\xa01,200)" in svg and "Wrong population (n\xa0=\xa050)" in svg
    again = {r["data"]: r["n"] for r in csv.DictReader(io.StringIO((out / "prisma.csv").read_text(encoding="utf-8")))}
    assert again["database_results"] == "1200" and again["dbr_excluded"] == "Wrong population, 50; Wrong design, 30"
    # A sum that does not add up is refused, with the sum named.
    source.write_text(source.read_text(encoding="utf-8").replace('"1000"', '"999"'), encoding="utf-8")
    result = runner.invoke(main, ["-C", str(tmp_path), "report", "prisma", "--from", str(source), "--out", str(out)])
    assert result.exit_code == 1 and "PRISMA-99" in result.output and "records screened" in result.output


@pytest.mark.parametrize(("old", "new", "message"), [
    ("duplicates,node8", "duplicate,node8", "14: data: unknown data key 'duplicate'"),
    ('"200"', '"two hundred"', "14: n: not a whole number: 'two hundred'"),
])
def test_a_bad_csv_names_file_line_and_column(runner, tmp_path: Path, old: str, new: str, message: str) -> None:
    from review.cli import main

    lines = ["data,node,box,description,boxtext,tooltips,url,n"]
    lines += [f'{d},{n},{b},"{desc}",,,,"{200 if d == "duplicates" else 0}"' for d, n, b, desc in TEMPLATE]
    source = tmp_path / "bad.csv"
    source.write_text("\n".join(lines).replace(old, new, 1) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["report", "prisma", "--from", str(source), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{source}:{message}" in result.output


def test_labels_hidden_and_added_boxes_from_review_toml(screened: Workspace) -> None:
    imported = screened
    with imported.config_path.open("a", encoding="utf-8") as handle:
        handle.write('\n[reports.prisma]\nhide = ["register_results", "excluded_automatic", "othstud"]\n'
                     'show = ["records_excluded_reasons"]\n'
                     '[reports.prisma.labels]\nrecords_screened = "Titles & abstracts screened"\n'
                     '[reports.prisma.reasons]\nE-POP-1 = "Not the population"\n'
                     '[[reports.prisma.boxes]]\nrow = 6\ncolumn = "dbr"\narrow_from = "box10"\n'
                     'text = "Studies in the meta-analysis (n = 1)"\n')
    ws = Workspace.find(imported.root)
    from review.reports import report

    report(ws, what=["prisma"], formats=["svg", "csv"])
    svg = _svg_text(ws.root / "reports" / "prisma.svg")
    assert "Titles &amp; abstracts screened (n" in svg
    assert "Registers" not in svg and "automation" not in svg and "other methods" not in svg
    assert "Not the population (n\xa0=" in svg
    assert "Studies in the meta-analysis (n = 1)" in svg and 'stroke-dasharray' in svg
    boxtext = {r["data"]: r["boxtext"] for r in csv.DictReader(io.StringIO(
        (ws.root / "reports" / "prisma.csv").read_text(encoding="utf-8")))}
    assert boxtext["records_screened"] == "Titles & abstracts screened"
    ws.close()


@pytest.mark.parametrize(("setting", "message"), [
    ('hide = ["box99"]', "unknown box or line 'box99'"),
    ('[reports.prisma.labels]\nrecords = "x"', "unknown label 'records'"),
    ('[[reports.prisma.boxes]]\ntext = "x"\ncolumn = "middle"', "column 'middle' is not one of"),
])
def test_bad_prisma_settings_exit_2(cli, imported: Workspace, setting: str, message: str) -> None:
    text = setting if setting.startswith("[") else f"[reports.prisma]\n{setting}"
    with imported.config_path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + text.replace("[reports.prisma.labels]", "[reports.prisma.labels]")
                     .replace("[[reports.prisma.boxes]]", "[[reports.prisma.boxes]]") + "\n")
    result = cli("report", "prisma", "--draft")
    assert result.exit_code == 2
    assert "review.toml" in result.output and message in result.output


def test_png_and_pdf_say_why_when_the_converter_is_missing(scli, screened: Workspace,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from review.reports import convert, prisma

    cli, imported = scli, screened
    monkeypatch.setattr(prisma, "unavailable", lambda: "the cairo library is missing (Debian: libcairo2)")
    output = _ok(cli("report", "prisma"))
    assert "prisma.png not rendered: the cairo library is missing" in output
    assert "prisma.pdf not rendered" in output
    assert not (imported.root / "reports" / "prisma.png").exists()
    assert (imported.root / "reports" / "prisma.svg").exists()
    monkeypatch.undo()
    if convert.unavailable():
        pytest.skip(convert.unavailable())
    _ok(cli("report", "prisma", "--format", "png,pdf"))
    assert (imported.root / "reports" / "prisma.png").read_bytes()[:4] == b"\x89PNG"
    first = (imported.root / "reports" / "prisma.pdf").read_bytes()
    assert first[:5] == b"%PDF-"
    _ok(cli("report", "prisma", "--format", "pdf"))
    assert (imported.root / "reports" / "prisma.pdf").read_bytes() == first  # no creation time inside


def test_a_workspace_template_extends_the_default(scli, screened: Workspace) -> None:
    cli, imported = scli, screened
    folder = imported.root / "reports" / "templates"
    folder.mkdir(parents=True)
    (folder / "prisma.html.j2").write_text(
        '{% extends "default:prisma.html.j2" %}{% block title %}Figure 1 {{ title }}{% endblock %}', encoding="utf-8")
    _ok(cli("report", "prisma", "--format", "html"))
    html = (imported.root / "reports" / "prisma.html").read_text(encoding="utf-8")
    assert "<title>Figure 1 Test review</title>" in html and "<svg" in html
    (folder / "prisma.html.j2").write_text("{{ no_such_value }}", encoding="utf-8")
    result = cli("report", "prisma", "--format", "html")
    assert result.exit_code == 2 and "no_such_value" in result.output and "prisma.html.j2" in result.output


def test_run_draws_a_draft_while_screening_is_open_and_says_why(cli, imported: Workspace) -> None:
    output = _ok(cli("run"))
    assert "reports: " in output and "PRISMA flow diagram is a DRAFT" in output
    assert "prisma: drawn as a DRAFT: 1 count(s) still open:" in output
    assert "PRISMA-04: " in output and "review screen --stage title-abstract" in output
    assert "DRAFT" in (imported.root / "reports" / "prisma.svg").read_text(encoding="utf-8")
