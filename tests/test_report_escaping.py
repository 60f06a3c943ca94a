"""Every table of the worked example, in every format, with an author and a title full of
characters that are markup somewhere: each format escapes them its own way (Markdown is not
LaTeX: ``Rudberg & Smits``, never ``Rudberg \\& Smits``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from docx import Document
from sqlalchemy import update

from review.cli import main
from review.included import included_reports
from review.reports.writers import TABLE_FORMATS
from review.store import schema
from review.workspace import Workspace

AUTHOR = "Sm_i*t|h %$#<>\\"
TITLE = "Peers & 50% of_mothers: *not* a | b $5 #1 <b>bold</b> \\ end"
#: The citation ``Rudberg & <AUTHOR> (year)`` and the title as each format must print them.
EXPECTED = {
    "csv": ("Rudberg & Sm_i*t|h %$#<>\\ (", TITLE),
    "docx": ("Rudberg & Sm_i*t|h %$#<>\\ (", TITLE),
    "md": (r"Rudberg & Sm\_i\*t\|h %\$#\<\>\\ (",
           r"Peers & 50% of\_mothers: \*not\* a \| b \$5 #1 \<b\>bold\</b\> \\ end"),
    "html": ("Rudberg &amp; Sm_i*t|h %$#&lt;&gt;\\ (",
             "Peers &amp; 50% of_mothers: *not* a | b $5 #1 &lt;b&gt;bold&lt;/b&gt; \\ end"),
    "tex": (r"Rudberg \& Sm\_i*t\textbar{}h \%\$\#\textless{}\textgreater{}\textbackslash{} (",
            r"Peers \& 50\% of\_mothers: *not* a \textbar{} b \$5 \#1 \textless{}b\textgreater{}bold"
            r"\textless{}/b\textgreater{} \textbackslash{} end"),
}


def _text(path: Path) -> str:
    if path.suffix == ".docx":
        document = Document(str(path))
        return "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    return path.read_text(encoding="utf-8")


def test_every_table_escapes_each_format_its_own_way(example_copy: Path, tmp_path: Path) -> None:
    ws = Workspace.find(example_copy)
    try:
        with ws.store().read() as conn:
            pair = next(r for r in included_reports(conn) if len(r.authors) == 2)
        with ws.store().transaction() as conn:
            conn.execute(update(schema.works).where(schema.works.c.id == pair.work_id).values(
                title=TITLE, authors=json.dumps([{"family": "Rudberg"}, {"family": AUTHOR}])))
    finally:
        ws.close()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["-C", str(example_copy), "report", "tables", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    names = sorted({p.stem for p in out.iterdir()})
    assert len(names) >= 11
    carrying = set()
    for name in names:
        plain = (out / f"{name}.csv").read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(plain)))
        cells = "\n".join(c for row in rows for c in row)
        for fmt in TABLE_FORMATS:
            text = _text(out / f"{name}.{fmt}")
            for raw, expected in zip(EXPECTED["csv"], EXPECTED[fmt], strict=True):
                if raw in cells:
                    carrying.add(name)
                    assert expected in text, f"{name}.{fmt}: {expected!r} not found"
            if fmt == "md":
                assert r"\&" not in text and r"\%" not in text and r"\textbar" not in text, name
    assert {"table-documents", "table-characteristics", "table-evidence-matrix"} <= carrying
