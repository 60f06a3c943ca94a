"""The searches behind the records: list, correct and remove imported sources.

A source is one imported file (``review import``). Its details (name, date searched, query,
kind, hits reported) can be corrected afterwards with :func:`edit_source`, and a wrong file
can be taken out again with :func:`remove_source`:

- its records go, with dedup's pair decisions and queue entries about them;
- a work all of whose records came from the source goes too (with the works merged into
  it), and so do the rows attached to those works: screening decisions, full-text
  reports, appraisals and the like (every table with a foreign key to them);
- works that keep records from other sources stay, with their ids and decisions; running
  ``review dedup`` afterwards regroups the remaining records exactly as if the file had
  never been imported.

When rows a person entered would go (:attr:`RemovalPlan.entered`), ``review sources
remove`` writes a verified backup of the database first (:mod:`review.safeguard`).

:func:`removal_plan` says all this before anything is written; the removal itself is one
transaction, and the audit trail keeps the source's row and every deleted decision in full.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from typing import Any

from sqlalchemy import MetaData, Table, delete, func, inspect, select, update
from sqlalchemy.engine import Connection

from review.corpus.dates import parse_search_date
from review.corpus.importer import SOURCE_KINDS
from review.errors import InputError, NotFound
from review.store import Store, schema
from review.versions import source_versions

#: What ``review sources --json`` gives for each source.
FIELDS = ("id", "name", "kind", "format", "file_name", "searched", "query", "hits_reported",
          "records_read", "encoding", "sha256", "path", "imported_at", "actor")
#: Fields ``edit_source`` may change.
EDITABLE = ("name", "searched", "query", "kind", "hits_reported")

_BULK = ("records",)  # deleted rows kept in the audit trail by id only (the file has them)
#: Rows that go with a source but only derive from it (not entered by a person).
_DERIVED = ("dedup_queue",)


def list_sources(store: Store) -> list[dict[str, Any]]:
    """Every source, in import order, with how many works have a record from it."""
    s, r = schema.sources, schema.records
    with store.read() as conn:
        works = dict(conn.execute(select(r.c.source_id, func.count(func.distinct(r.c.work_id)))
                                  .group_by(r.c.source_id)).all())
        rows = conn.execute(select(s).order_by(s.c.id)).mappings().all()
        versions = source_versions(conn)
    return [{**{name: row[name] for name in FIELDS}, "works": works.get(row["id"], 0),
             "version": versions.get(row["id"], 1)} for row in rows]


def find_source(conn: Connection, name: str) -> dict[str, Any]:
    """The one source called ``name`` (or with that file name, or ``#id``).

    Raises:
        NotFound: no such source.
        InputError: several sources have that name (use the file name or #id).
    """
    s = schema.sources
    rows = [dict(row) for row in conn.execute(select(s).order_by(s.c.id)).mappings()]
    wanted = name.strip()
    if wanted.startswith("#") and wanted[1:].isdigit():
        found = [row for row in rows if row["id"] == int(wanted[1:])]
    else:
        found = [row for row in rows if row["name"] == wanted] or \
            [row for row in rows if row["file_name"] == wanted] or \
            [row for row in rows if row["name"].casefold() == wanted.casefold()]
    if not found:
        known = ", ".join(repr(row["name"]) for row in rows) or "none imported yet"
        raise NotFound(f"no source {name!r}; sources: {known}", field="NAME")
    if len(found) > 1:
        which = ", ".join(f"#{row['id']} ({row['file_name']})" for row in found)
        raise InputError(f"{len(found)} sources are called {name!r}: {which}; name one by its file "
                         "name or #id", field="NAME")
    return found[0]


def edit_source(store: Store, name: str, *, actor: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Correct a source's name, date searched, query, kind or hits reported.

    Args:
        store: the workspace's store.
        name: the source (see :func:`find_source`).
        actor: who is correcting it.
        changes: field -> new value (None or "" clears ``searched``, ``query``,
            ``hits_reported``).

    Returns:
        ``{field: [old, new]}`` for the fields that changed (empty when nothing did).

    Raises:
        InputError: unknown field, empty name, bad date, unknown kind, negative hits.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError(f"cannot edit {', '.join(unknown)}; editable: {', '.join(EDITABLE)}", field="field")
    clean = {key: _checked(key, value) for key, value in changes.items()}
    with store.transaction() as conn:
        row = find_source(conn, name)
        diff = {key: [row[key], value] for key, value in clean.items() if row[key] != value}
        if "name" in diff:
            _check_name_free(conn, diff["name"][1], row["id"])
        if diff:
            conn.execute(update(schema.sources).where(schema.sources.c.id == row["id"])
                         .values({key: new for key, (_old, new) in diff.items()}))
            Store.log(conn, actor, "edit", "source", row["id"], {"name": row["name"], "changes": diff})
    return diff


def _check_name_free(conn: Connection, name: str, source_id: int) -> None:
    """A new name must not be another search's: ``sources edit|remove NAME`` names one search."""
    clash = conn.execute(select(schema.sources.c.id, schema.sources.c.name, schema.sources.c.file_name)
                         .where(func.lower(schema.sources.c.name) == name.casefold(),
                                schema.sources.c.id != source_id)).first()
    if clash is not None:
        raise InputError(f"a source called {clash.name!r} exists already (#{clash.id}, {clash.file_name}); "
                         "choose another name, e.g. with the database and the date searched", field="--name")


def _checked(key: str, value: Any) -> Any:
    text = None if value is None else str(value).strip()
    if key == "name":
        if not text:
            raise InputError("a source needs a name", field="--name")
        return text
    if key == "searched":
        return parse_search_date(text)
    if key == "kind":
        if text not in SOURCE_KINDS:
            raise InputError(f"unknown source kind {text!r} (use one of {', '.join(SOURCE_KINDS)})",
                             field="--kind")
        return text
    if key == "hits_reported":
        if not text:
            return None
        if not text.isdigit():
            raise InputError(f"hits must be a whole number, 0 or more, not {text!r}", field="--hits")
        return int(text)
    return text or None


# -- removal ------------------------------------------------------------------------------


@dataclass
class RemovalPlan:
    """What removing a source takes with it."""

    source: dict[str, Any]
    records: int = 0
    works_removed: list[dict[str, Any]] = field(default_factory=list)  # id, title
    works_kept: int = 0  # works that keep records from other sources
    merged_works: int = 0  # works an earlier dedup merged into a removed one
    rows: dict[str, int] = field(default_factory=dict)  # other table -> rows deleted
    removed: bool = False

    @property
    def entered(self) -> int:
        """Rows a person entered (decisions, verdicts, appraisals, fragments, ...) that would go."""
        return sum(n for table, n in self.rows.items() if table not in _DERIVED)

    def as_dict(self) -> dict[str, Any]:
        return {"source": {k: self.source.get(k) for k in FIELDS}, "records": self.records,
                "works_removed": self.works_removed, "merged_works": self.merged_works,
                "works_kept": self.works_kept,
                "rows": self.rows, "removed": self.removed}


def removal_plan(store: Store, name: str) -> RemovalPlan:
    """What :func:`remove_source` would delete; nothing is written."""
    with store.read() as conn:
        plan = _plan(conn, name)[0]
    return plan


def remove_source(store: Store, name: str, *, actor: str) -> RemovalPlan:
    """Remove a source and everything that exists only because of it (one transaction).

    The audit trail gets one ``remove`` event with the source's row, the deleted record
    ids, the removed works and every other deleted row in full.
    """
    with store.transaction() as conn:
        plan, pending, order, db = _plan(conn, name)
        deleted: dict[str, list[dict[str, Any]]] = {}
        for table_name in _deletion_order(db, pending):
            table, pk = db.tables[table_name], db.pks[table_name]
            ids = sorted(pending[table_name])
            if table_name not in _BULK:
                deleted[table_name] = [dict(row) for chunk in _chunks(ids) for row in conn.execute(
                    select(table).where(table.c[pk].in_(chunk))).mappings()]
            for chunk in _chunks(ids):
                conn.execute(delete(table).where(table.c[pk].in_(chunk)))
        Store.log(conn, actor, "remove", "source", plan.source["id"], json.loads(json.dumps({
            "source": plan.source, "record_ids": sorted(pending.get("records", ())),
            "works_removed": plan.works_removed, "works_kept": plan.works_kept, "deleted": deleted,
        }, default=str)))
    plan.removed = True
    return plan


def _plan(conn: Connection, name: str) -> tuple[RemovalPlan, dict[str, set[Any]], list[str], _Schema]:
    source = find_source(conn, name)
    r, w = schema.records, schema.works
    mine = {rid: wid for rid, wid in conn.execute(
        select(r.c.id, r.c.work_id).where(r.c.source_id == source["id"]))}
    touched = {wid for wid in mine.values() if wid is not None}
    elsewhere: set[int] = set()
    for chunk in _chunks(sorted(touched)):
        elsewhere.update(wid for (wid,) in conn.execute(select(r.c.work_id).distinct().where(
            r.c.work_id.in_(chunk), r.c.source_id != source["id"])))
    doomed = sorted(touched - elsewhere)
    titles: dict[int, Any] = {}
    for chunk in _chunks(doomed):
        titles.update(conn.execute(select(w.c.id, w.c.title).where(w.c.id.in_(chunk))).all())
    plan = RemovalPlan(source=source, records=len(mine), works_kept=len(touched & elsewhere),
                       works_removed=[{"id": wid, "title": titles.get(wid)} for wid in doomed])
    pending: dict[str, set[Any]] = defaultdict(set)
    order: list[str] = []
    db = _Schema(conn)
    _collect(conn, db, "sources", {source["id"]}, pending, order)
    _collect(conn, db, "works", set(doomed), pending, order)
    for table_name in order:
        if table_name not in ("sources", "records", "works"):
            plan.rows[table_name] = len(pending[table_name])
    plan.merged_works = len(pending.get("works", ())) - len(doomed)
    return plan, pending, order, db


def _collect(conn: Connection, db: _Schema, table_name: str, ids: set[Any],
             pending: dict[str, set[Any]], order: list[str]) -> None:
    """Add rows (by primary key) and, first, every row that refers to them, recursively."""
    new = ids - pending[table_name]
    if not new:
        return
    pending[table_name] |= new
    if table_name not in order:
        order.append(table_name)
    for child, column, parent_column in db.referrers.get(table_name, []):
        table, pk = db.tables[child], db.pks[child]
        if not pk or parent_column != db.pks[table_name]:
            continue
        found: set[Any] = set()
        for chunk in _chunks(sorted(new)):
            found.update(v for (v,) in conn.execute(select(table.c[pk]).where(table.c[column].in_(chunk))))
        _collect(conn, db, child, found, pending, order)


def _deletion_order(db: _Schema, pending: dict[str, set[Any]]) -> list[str]:
    """Tables with rows to delete, each after every table that refers to it."""
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for table_name, ids in pending.items():
        if ids:
            sorter.add(table_name, *{child for child, _c, _p in db.referrers.get(table_name, [])
                                     if child != table_name and pending.get(child)})
    return list(sorter.static_order())


class _Schema:
    """The database's tables as they are (reflected), with who refers to whom."""

    def __init__(self, conn: Connection) -> None:
        inspector = inspect(conn)
        names = inspector.get_table_names()
        self.referrers: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        self.pks: dict[str, str] = {}
        for name in names:
            cols = inspector.get_pk_constraint(name).get("constrained_columns") or []
            self.pks[name] = cols[0] if len(cols) == 1 else ""
            for fk in inspector.get_foreign_keys(name):
                for column, parent in zip(fk["constrained_columns"], fk["referred_columns"], strict=False):
                    self.referrers[fk["referred_table"]].append((name, column, parent))
        metadata = MetaData()
        self.tables = {name: Table(name, metadata, autoload_with=conn) for name in names}


def _chunks(ids: list[Any], size: int = 500) -> list[list[Any]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)] or []
