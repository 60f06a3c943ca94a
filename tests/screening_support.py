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
