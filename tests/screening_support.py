"""Helpers for the screening tests: a workspace with works, reviewers and criteria.

Each imported record becomes its own work (what dedup does when nothing matches), so the
screening tests do not depend on the dedup engine.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sqlalchemy import func, insert, select, update

from review.corpus import import_files
from review.store import now, schema
from review.workspace import Workspace

DATA = Path(__file__).resolve().parent / "data" / "screening"
SAMPLE = DATA / "nagtegaal_sample.ris"
CRITERIA = DATA / "criteria.yaml"


def works_from_records(workspace: Workspace) -> list[int]:
    """One work per record that has none yet; returns every work id, ascending."""
    store = workspace.store()
    with store.transaction() as conn:
        rows = conn.execute(select(schema.records).where(schema.records.c.work_id.is_(None))).all()
        for row in rows:
            values = {name: getattr(row, name) for name in schema.BIB_COLUMNS}
            work_id = conn.execute(insert(schema.works).values(
                canonical_record_id=row.id, rule="single", created_at=now(), updated_at=now(), **values,
            )).inserted_primary_key[0]
            conn.execute(update(schema.records).where(schema.records.c.id == row.id).values(work_id=work_id))
    with store.read() as conn:
        return [r.id for r in conn.execute(select(schema.works.c.id).order_by(schema.works.c.id))]


def configure(workspace: Workspace, *, reviewers: list[str], per_work: int = 1,
              resolvers: list[str] | None = None) -> None:
    """Set review.toml [screening] (for the CLI) and the loaded config (for the library)."""
    text = workspace.config_path.read_text(encoding="utf-8")
    names = ", ".join(f'"{r}"' for r in reviewers)
    block = f"reviewers = [{names}]\nreviewers_per_work = {per_work}\n"
    if resolvers:
        block += "resolvers = [" + ", ".join(f'"{r}"' for r in resolvers) + "]\n"
    text = re.sub(r"\[screening\]\n(?:.*\n)*?(?=\[|\Z)", "[screening]\n" + block + "\n", text)
    workspace.config_path.write_text(text, encoding="utf-8")
    workspace.config = Workspace.load(workspace.root).config


def setup_screening(workspace: Workspace, *, reviewers: list[str] | None = None, per_work: int = 1,
                    criteria: bool = True, resolvers: list[str] | None = None) -> list[int]:
    """Import the 14-record sample, make works, set reviewers and criteria; returns work ids."""
    import_files(workspace.store(), [SAMPLE], actor="tester", source="sample")
    ids = works_from_records(workspace)
    configure(workspace, reviewers=reviewers or ["alice", "bob"], per_work=per_work, resolvers=resolvers)
    if criteria:
        shutil.copy(CRITERIA, workspace.path("protocols", "criteria.yaml"))
    return ids


def count_rows(workspace: Workspace, table=None) -> int:
    from review.screening.tables import screening_decisions

    with workspace.store().read() as conn:
        return conn.execute(select(func.count()).select_from(table if table is not None else screening_decisions)).scalar_one()


def retrieve(workspace: Workspace, work_ids: list[int], *, per_work: int = 1, conn=None) -> None:
    """Record each work's full text as retrieved (a small text file in the workspace): what a
    full-text decision needs first. In ``conn``'s transaction when given, else in its own."""
    from review.screening.fulltext import mark_retrieved

    if conn is None:
        with workspace.store().transaction() as own:
            return retrieve(workspace, work_ids, per_work=per_work, conn=own)
    folder = workspace.path("fulltexts")
    folder.mkdir(exist_ok=True)
    for work_id in work_ids:
        path = folder / f"work-{work_id}.txt"
        path.write_text(f"The full text of work {work_id}.\n", encoding="utf-8")
        mark_retrieved(conn, work_id, file=path, actor="tester", root=workspace.root,
                       reviewers_per_work=per_work)
    return None


def include_without_report(conn, work_id: int, reviewer: str = "alice") -> None:
    """Include a work at full text with no retrieved report, written straight to the log as
    a workspace could record it before full-text decisions needed a retrieved report
    (``record_decision`` refuses it now): an included report with no full text to read."""
    from review.screening.tables import screening_decisions

    conn.execute(insert(screening_decisions).values(
        work_id=work_id, stage="full-text", reviewer=reviewer, decision="include", kind="decision",
        origin="cli", reviewers_per_work=1, created_at=now()))
