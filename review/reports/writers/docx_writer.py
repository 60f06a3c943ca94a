"""DOCX through python-docx: a real Word table with a Word caption (Table SEQ field),
a repeating header row, group rows merged across, strikethrough and small capitals as
character formatting, right-to-left runs marked as such, and a landscape section for wide
tables. The file's bytes depend only on the table (fixed dates inside and in the zip).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from jinja2 import Environment

from review.reports.model import Cell, Table, cell

FIXED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _caption(document: Document, title: str) -> None:
    paragraph = document.add_paragraph(style="Caption")
    paragraph.add_run("Table ")
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, " SEQ Table \\* ARABIC "), ("separate", None), (None, "1"),
                      ("end", None)):
        if tag:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), tag)
            run._r.append(char)
        elif text.startswith(" SEQ"):
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    paragraph.add_run(f". {title}")


def _rtl(paragraph, run) -> None:  # type: ignore[no-untyped-def]
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(OxmlElement("w:bidi"))
    rpr = run._r.get_or_add_rPr()
    rpr.append(OxmlElement("w:rtl"))


def _fill(docx_cell, cell: Cell, *, bold: bool = False, right: bool = False,  # type: ignore[no-untyped-def]
          size: float = 9) -> None:
    paragraph = docx_cell.paragraphs[0]
    run = paragraph.add_run()
    for i, line in enumerate(cell.text.split("\n")):
        if i:
            run.add_break()
        run.add_text(line)
    run.font.size = Pt(size)
    run.bold = bold or cell.style == "bold"
    if cell.style == "strike":
        run.font.strike = True
    elif cell.style == "caps":
        run.font.all_caps = True
    if cell.rtl:
        _rtl(paragraph, run)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell_xml(cell: Cell, width: int, size: float, right: bool) -> str:
    """One body cell as WordprocessingML (built as text: python-docx's objects cost a
    millisecond a cell, too slow for an evidence matrix of thousands)."""
    props = ("<w:b/>" if cell.style == "bold" else "") + ("<w:caps/>" if cell.style == "caps" else "")
    props += ("<w:strike/>" if cell.style == "strike" else "") + f'<w:sz w:val="{round(size * 2)}"/>'
    props += "<w:rtl/>" if cell.rtl else ""
    text = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(_CONTROL.sub("", line))}</w:t>'
                          for line in cell.text.split("\n"))
    para = ("<w:bidi/>" if cell.rtl else "") + ('<w:jc w:val="right"/>' if right else "")
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p>'
            + (f"<w:pPr>{para}</w:pPr>" if para else "")
            + f"<w:r><w:rPr>{props}</w:rPr>{text}</w:r></w:p></w:tc>")


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _vertical(docx_cell) -> None:  # type: ignore[no-untyped-def]
    """Text read bottom to top (narrow columns of counts under long headings)."""
    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "btLr")
    docx_cell._tc.get_or_add_tcPr().append(direction)


def _widths(grid, widths: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Column widths by content (Word otherwise splits the page evenly); body rows carry
    theirs already."""
    grid.autofit = False
    for docx_cell, width in zip(grid.rows[0].cells, widths, strict=False):
        docx_cell.width = width
    for column, width in zip(grid.columns, widths, strict=False):
        column.width = width


def _shade(docx_cell, colour: str) -> None:  # type: ignore[no-untyped-def]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    docx_cell._tc.get_or_add_tcPr().append(shading)


#: Columns per Word table (Word allows 63; a landscape page shows about 30 narrow ones).
MAX_COLUMNS = 30


def build(table: Table) -> Document:
    """The Word document holding the table (a very wide one cut into parts)."""
    document = Document()
    section = document.sections[0]
    if table.wide:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for number, part in enumerate(table.column_chunks(MAX_COLUMNS)):
        if number:
            document.add_paragraph()
        _table(document, section, part)
    props = document.core_properties
    props.title = table.title
    props.author = "review"
    props.last_modified_by = "review"
    props.created = props.modified = props.last_printed = FIXED
    props.revision = 1
    return document


def _table(document: Document, section, table: Table) -> None:  # type: ignore[no-untyped-def]
    _caption(document, table.title)
    if not table.rows:
        document.add_paragraph().add_run(table.empty).italic = True
    else:
        width = len(table.columns)
        usable = section.page_width - section.left_margin - section.right_margin
        widths = [int(usable * w) for w in table.weights()]
        twips = [w // 635 for w in widths]  # EMU -> twentieths of a point
        grid = document.add_table(rows=1, cols=width)
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        size = 9 if width <= 8 else 7
        header = grid.rows[0]
        _repeat_header(header)
        for i, column in enumerate(table.columns):
            rotated = table.rotate_headers and i in table.numeric
            _fill(header.cells[i], Cell(column), bold=True, right=i in table.numeric and not rotated, size=size)
            _shade(header.cells[i], "D9D9D9")
            if rotated:
                _vertical(header.cells[i])
                header.cells[i].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        if table.rotate_headers:
            header.height = Pt(size * 0.62 * max(len(c) for c in table.columns) + 8)
            header.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for group, rows in table.groups():
            if group is not None and table.group_label:
                cells = grid.add_row().cells
                merged = cells[0].merge(cells[-1]) if width > 1 else cells[0]
                _fill(merged, cell(group), bold=True, size=size)
                _shade(merged, "F2F2F2")
            for row in rows:
                cells = "".join(_cell_xml(value, twips[i], size, i in table.numeric)
                                for i, value in enumerate(row.cells[:width]))
                grid._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{cells}</w:tr>"))
        _widths(grid, widths)
    for note in table.notes:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(note)
        run.font.size = Pt(8)


def _stable_zip(blob: bytes) -> bytes:
    """The same archive with every entry dated 2000-01-01 (zip headers carry the time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def write(table: Table, path: Path, env: Environment | None = None) -> None:
    buffer = io.BytesIO()
    build(table).save(buffer)
    path.write_bytes(_stable_zip(buffer.getvalue()))
