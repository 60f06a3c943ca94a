"""Reading works for screening: which are live, what a reviewer sees, what the ranker reads.

Deduplication may merge a work into another (``works.merged_into``, added by a dedup
migration). Decisions stay on the row they were recorded against and are read through
:func:`live_map`, so they follow a merge. Every database has the column: a store is
migrated when it is opened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import column, func, select, table
from sqlalchemy.engine import Connection

from review.errors import InputError, NotFound
from review.store import schema

NO_WORKS_MESSAGE = "there are no works to screen yet: run `review dedup` first"


@dataclass(frozen=True)
class WorkView:
    """What a reviewer sees of one work."""

    id: int
    title: str
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str | None = None
    abstract: str | None = None
    doi: str | None = None

    @property
    def text(self) -> str:
        """Title and abstract: what the ranker learns from."""
        return f"{self.title}\n{self.abstract or ''}"


def live_map(conn: Connection) -> dict[int, int]:
    """Every work id mapped to the live work it now belongs to (itself if never merged)."""
    works = table("works", column("id"), column("merged_into"))
    parent = {row.id: row.merged_into for row in conn.execute(select(works.c.id, works.c.merged_into))}
    resolved: dict[int, int] = {}
    for start in parent:
        seen = {start}
        current = start
        while parent.get(current) is not None and parent[current] not in seen:
            current = parent[current]
            seen.add(current)
        resolved[start] = current
    return resolved


def live_ids(conn: Connection) -> list[int]:
    """Ids of the live works (not merged into another), ascending."""
    return sorted({live for work, live in live_map(conn).items() if work == live})


def require_works(conn: Connection) -> None:
    """Raise the 'run `review dedup` first' error when there are no works at all."""
    if not conn.execute(select(func.count()).select_from(schema.works)).scalar_one():
        raise InputError(NO_WORKS_MESSAGE)


def _merged_table() -> Any:
    return table("works", column("id"), column("merged_into"))


def live_id(conn: Connection, work_id: int) -> int | None:
    """The live work ``work_id`` now belongs to (itself if never merged); None if no such work."""
    w = schema.works
    if conn.execute(select(w.c.id).where(w.c.id == work_id)).first() is None:
        return None
    try:  # dedup's own answer, when the dedup package provides it
        from review.corpus.dedup import live_work_id
    except ImportError:
        pass
    else:
        return int(live_work_id(conn, work_id))
    works = _merged_table()
    current, seen = work_id, {work_id}
    while True:
        parent = conn.execute(select(works.c.merged_into).where(works.c.id == current)).scalar_one_or_none()
        if parent is None or parent in seen:
            return current
        current = parent
        seen.add(current)


def family(conn: Connection, work_id: int) -> list[int]:
    """``work_id`` and every work merged into it (directly or through others)."""
    works = _merged_table()
    found, frontier = [work_id], [work_id]
    while frontier:
        children = [row.id for row in conn.execute(select(works.c.id).where(works.c.merged_into.in_(frontier)))]
        frontier = [c for c in children if c not in found]
        found.extend(frontier)
    return found


def require_live(conn: Connection, work_id: int) -> None:
    """Raise NotFound unless ``work_id`` is a live work (with a hint if it was merged)."""
    live = live_id(conn, work_id)
    if live is None:
        require_works(conn)
        raise NotFound(f"there is no work {work_id}", field="WORK")
    if live != work_id:
        raise NotFound(f"work {work_id} was merged into work {live}; decide on {live}", field="WORK")


def _author_names(raw: Any) -> list[str]:
    try:
        items = json.loads(raw) if isinstance(raw, str) else (raw or [])
    except ValueError:
        return [str(raw)]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            family, given = item.get("family") or "", item.get("given") or ""
            names.append(f"{family}, {given}".strip(", ") if given else family)
        else:
            names.append(str(item))
    return [name for name in names if name]


def load_works(conn: Connection, ids: list[int] | None = None) -> dict[int, WorkView]:
    """The live works (or the given ids) as :class:`WorkView`, keyed by id."""
    w = schema.works
    wanted = set(live_ids(conn) if ids is None else ids)
    query = select(w.c.id, w.c.title, w.c.authors, w.c.year, w.c.journal, w.c.abstract, w.c.doi)
    found: dict[int, WorkView] = {}
    for row in conn.execute(query.order_by(w.c.id)):
        if row.id not in wanted:
            continue
        found[row.id] = WorkView(
            id=row.id,
            title=row.title or "(no title)",
            authors=_author_names(row.authors),
            year=row.year,
            journal=row.journal,
            abstract=row.abstract,
            doi=row.doi,
        )
    return found
