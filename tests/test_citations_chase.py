"""review citations chase: included reports' reference lists (Markdown, and a PDF made here)
imported as one citation source; bad input exits 2 and writes nothing."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from review.citations.sections import split_references
from review.cli import main
from review.included import included_reports
from review.store import schema
from review.workspace import Workspace

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _invoke(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)
    return result.exit_code, result.output


def _included(root: Path) -> list[tuple[int, str]]:
    ws = Workspace.find(root)
    try:
        with ws.store().read() as conn:
            return [(r.work_id, r.fulltext) for r in included_reports(conn) if r.fulltext]
    finally:
        ws.close()


def _sources(root: Path) -> int:
    ws = Workspace.find(root)
    try:
        with ws.store().read() as conn:
            return conn.execute(select(func.count()).select_from(schema.sources)).scalar_one()
    finally:
        ws.close()


def _pdf(path: Path, text: str) -> None:
    """A PDF of a reference list, wrapped as a typeset page is (one line per 85 characters)."""
    import cairocffi as cairo

    surface = cairo.PDFSurface(str(path), 595, 842)
    context = cairo.Context(surface)
    context.select_font_face("DejaVu Sans")
    context.set_font_size(9)
    y = 40.0
    for paragraph in text.splitlines():
        for line in textwrap.wrap(paragraph, 85, break_on_hyphens=False) or [""]:
            if y > 800:
                surface.show_page()
                y = 40.0
            context.move_to(30, y)
            context.show_text(line)
            y += 12
    surface.finish()


def test_chase_imports_parsed_references_from_markdown_and_pdf(example_copy: Path, tmp_path: Path) -> None:
    root = example_copy
    (apa_work, apa_file), (pdf_work, _), (bare_work, _) = _included(root)[:3]
    apa = (SEEDS / "000_985377a5f7e4c936.txt").read_text(encoding="utf-8")
    (root / apa_file).write_text(apa, encoding="utf-8")
    heading, refs = split_references((SEEDS / "001_dc9489f9205f69e4.txt").read_text(encoding="utf-8"))
    pdf = tmp_path / "report.pdf"
    _pdf(pdf, "Discussion\nPeer support helps.\n\nReferences\n" + "\n".join(
        f"{i}. {r.text.split('. ', 1)[1] if r.text[:3].rstrip('.').isdigit() else r.text}"
        for i, r in enumerate(refs, 1)))
    code, out = _invoke(root, "fulltext", "retrieved", str(pdf_work), "--file", str(pdf))
    assert code == 0, out
    before = _sources(root)

    code, out = _invoke(root, "citations", "chase", str(apa_work), str(pdf_work), str(bare_work),
                        "--searched", "2026-03-01", "--json")
    assert code == 0, out
    result = json.loads(out[out.index("{"):])
    by_report = {r["report"]: r for r in result["reports"]}
    assert (by_report[apa_work]["found"], by_report[apa_work]["parsed"]) == (53, 53)
    assert by_report[pdf_work]["found"] == 106 and by_report[pdf_work]["parsed"] >= 100
    assert by_report[bare_work]["problem"].startswith("no reference section")
    assert result["records"] == by_report[apa_work]["parsed"] + by_report[pdf_work]["parsed"]
    assert _sources(root) == before + 1

    sources = json.loads(_invoke(root, "sources", "--json")[1])["sources"]
    chased = next(s for s in sources if s["name"] == "Citation chasing 2026-03-01")
    assert chased["kind"] == "citation" and chased["searched"] == "2026-03-01"
    assert f"reports {apa_work}, {pdf_work}" in chased["query"]
    ws = Workspace.find(root)
    try:
        with ws.store().read() as conn:
            r = schema.records
            grote = conn.execute(select(r).where(r.c.source_id == chased["id"],
                                                 r.c.title.like("A metaanalysis of depression%"))).mappings().one()
            bonell = conn.execute(select(r).where(r.c.source_id == chased["id"],
                                                  r.c.doi == "10.1136/jech-2014-204671")).mappings().one()
    finally:
        ws.close()
    assert (grote["year"], grote["journal"], grote["volume"], grote["issue"]) == (2010, "Arch Gen Psychiatry", "67", "10")
    assert [a["family"] for a in json.loads(grote["authors"])][:2] == ["Grote", "Bridge"]
    assert bonell["year"] == 2015 and bonell["volume"] == "69"
    code, out = _invoke(root, "dedup")
    assert code == 0, out
    code, out = _invoke(root, "citations", "chase", str(apa_work), str(pdf_work), "--searched", "2026-03-01")
    assert code == 0 and "imported before, as source 'Citation chasing 2026-03-01'" in out
    assert _sources(root) == before + 1 and len(list((root / "citations").iterdir())) == 1


def test_chase_refuses_a_report_not_included_and_writes_nothing(example_copy: Path) -> None:
    before = _sources(example_copy)
    ws = Workspace.find(example_copy)
    try:
        with ws.store().read() as conn:
            works = [w for (w,) in conn.execute(select(schema.works.c.id).order_by(schema.works.c.id))]
    finally:
        ws.close()
    included = {w for w, _file in _included(example_copy)}
    excluded = next(w for w in works if w not in included)
    code, out = _invoke(example_copy, "citations", "chase", str(min(included)), str(excluded))
    assert code == 2 and f"report {excluded} is not an included report" in out
    assert _sources(example_copy) == before and not (example_copy / "citations").exists()


def test_chase_with_no_reference_list_names_each_report_and_writes_nothing(example_copy: Path) -> None:
    before = _sources(example_copy)
    (work, stored), *_ = _included(example_copy)
    code, out = _invoke(example_copy, "citations", "chase", str(work))
    assert code == 2
    assert f"{stored}: report {work}: no reference section found" in out
    assert _sources(example_copy) == before and not (example_copy / "citations").exists()
