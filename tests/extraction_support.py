"""Helpers for the extraction tests: included reports with full texts, and a theory model.

Report texts (tests/data/extraction/) are short passages written for these tests; the PDF
is made in the test with matplotlib's PDF backend. Theories are inserted with SQLAlchemy Core
(what the theories stage writes), so these tests do not depend on that stage's commands.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from screening_support import include_without_report, setup_screening
from sqlalchemy import insert

from review.screening.decisions import record_decision
from review.screening.fulltext import mark_retrieved, mark_sought
from review.store import now
from review.synthesis.tables import theories, theory_topics, theory_versions
from review.workspace import Workspace

DATA = Path(__file__).resolve().parent / "data" / "extraction"
THEORIES = {"T1": ("take-up", "Expects peers to offer empathetic understanding"),
            "T2": ("take-up", "Wants support from outside her social circle"),
            "P14": ("positive", "Receiving empathetic listening"),
            "N2": ("negative", "Discouraged by upward social comparison")}


def make_pdf(path: Path, pages: list[str]) -> Path:
    """A small PDF, one text block per page (matplotlib's PDF backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    path.parent.mkdir(parents=True, exist_ok=True)
    with PdfPages(path, metadata={"CreationDate": None}) as pdf:
        for text in pages:
            fig = plt.figure(figsize=(5, 3))
            fig.text(0.03, 0.5, text, fontsize=8)
            pdf.savefig(fig)
            plt.close(fig)
    return path


PDF_PAGES = ["Peer support in the community: a pilot evaluation.\nMethods were mixed.",
             "Mothers said they felt less alone after\nthe peer supporters visited them at home."]


def extraction_workspace(workspace: Workspace) -> dict[str, int]:
    """Three included reports: 'md' (Markdown full text), 'pdf' (PDF), 'none' (no full text).

    Returns the work ids by name; theories T1, T2, P14, N2 are in the model.
    """
    ids = setup_screening(workspace, reviewers=["alice"], criteria=False)[:3]
    texts = workspace.path("texts")
    texts.mkdir()
    shutil.copy(DATA / "report-anderson.md", texts / "report-anderson.md")
    shutil.copy(DATA / "synthesis.md", texts / "synthesis.md")
    make_pdf(texts / "report-cust.pdf", PDF_PAGES)
    with workspace.store().transaction() as conn:
        for work_id in ids:
            record_decision(conn, work_id=work_id, stage="title-abstract", reviewer="alice", decision="include")
        mark_sought(conn, ids[:2], actor="tester")
        mark_retrieved(conn, ids[0], file=texts / "report-anderson.md", actor="tester", root=workspace.root)
        mark_retrieved(conn, ids[1], file=texts / "report-cust.pdf", actor="tester", root=workspace.root)
        for work_id in ids[:2]:
            record_decision(conn, work_id=work_id, stage="full-text", reviewer="alice", decision="include")
        include_without_report(conn, ids[2])  # 'none': an included report with no full text
        stamp = now()
        for position, topic in enumerate(("take-up", "positive", "negative")):
            conn.execute(insert(theory_topics).values(id=topic, label=topic.title(), position=position))
        for position, (theory, (topic, label)) in enumerate(THEORIES.items()):
            conn.execute(insert(theories).values(id=theory, topic=topic, origin="initial", position=position,
                                                 actor="tester", created_at=stamp))
            conn.execute(insert(theory_versions).values(theory_id=theory, version=1, label=label, change="initial",
                                                        actor="tester", created_at=stamp))
    workspace.path("protocols", "theories.yaml").unlink()  # the model above is not the template protocol's
    return {"md": ids[0], "pdf": ids[1], "none": ids[2]}
