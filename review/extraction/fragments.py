"""Fragments in the database: read the current ones, record new ones and changes, delete.

Every change is appended to the audit trail with the values it replaced; a deleted fragment
keeps its row with ``deleted_at`` set, so nothing a coder entered is lost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from review.errors import NotFound
from review.extraction.model import CODED_FIELDS, VERIFY_FIELDS, Fragment
from review.extraction.tables import fragment_theories, fragments
from review.store import Store, now


@dataclass
class FragmentValues:
    """What is stored for a fragment: the coded fields, the verification and the links."""

    work_id: int
    quote: str
    coder: str
    evidence: str = "primary"
    location: str | None = None
    context: str | None = None
    mechanism_resource: str | None = None
    mechanism_reasoning: str | None = None
    outcome: str | None = None
    relevance: str | None = None
    relevance_note: str | None = None
    rigour: str | None = None
    rigour_note: str | None = None
    note: str | None = None
    verified: str = "no-text"
    text_path: str | None = None
    text_sha256: str | None = None
    char_start: int | None = None
    char_end: int | None = None
    page: int | None = None
    links: list[tuple[str, str]] = field(default_factory=list)

    def columns(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in (*CODED_FIELDS, *VERIFY_FIELDS)}


def _links(conn: Connection, ids: list[int] | None = None) -> dict[int, list[tuple[str, str]]]:
    ft = fragment_theories
    query = select(ft.c.fragment_id, ft.c.theory_id, ft.c.direction).order_by(ft.c.id)
    if ids is not None:
        query = query.where(ft.c.fragment_id.in_(ids))
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in conn.execute(query):
        found[row.fragment_id].append((row.theory_id, row.direction))
    return found


def current_fragments(conn: Connection, *, report: int | None = None) -> list[Fragment]:
    """Every fragment not deleted (of one report, with ``report``), by id, with its links."""
    query = select(fragments).where(fragments.c.deleted_at.is_(None)).order_by(fragments.c.id)
    if report is not None:
        query = query.where(fragments.c.work_id == report)
    rows = conn.execute(query).all()
    links = _links(conn) if report is None else _links(conn, [r.id for r in rows])
    return [Fragment.from_row(row, links.get(row.id, [])) for row in rows]


# Built once: an import asks these for every row.
_ONE = select(fragments).where(fragments.c.id == bindparam("fid"))
_ONE_LINKS = (select(fragment_theories.c.theory_id, fragment_theories.c.direction)
              .where(fragment_theories.c.fragment_id == bindparam("fid")).order_by(fragment_theories.c.id))
_SAME = (select(fragments.c.id)
         .where(fragments.c.deleted_at.is_(None), fragments.c.work_id == bindparam("work_id"),
                fragments.c.quote == bindparam("quote"), fragments.c.coder == bindparam("coder"))
         .order_by(fragments.c.id))
_SAME_AT = _SAME.where(fragments.c.location == bindparam("location"))
_SAME_NOWHERE = _SAME.where(fragments.c.location.is_(None))
_INSERT = insert(fragments)
_INSERT_LINK = insert(fragment_theories)


def get_fragment(conn: Connection, fragment_id: int, *, field_name: str = "fragment_id") -> Fragment:
    """One fragment, deleted or not.

    Raises:
        NotFound: no fragment has that id.
    """
    row = conn.execute(_ONE, {"fid": fragment_id}).first()
    if row is None:
        raise NotFound(f"no fragment {fragment_id}", field=field_name)
    links = [(r.theory_id, r.direction) for r in conn.execute(_ONE_LINKS, {"fid": fragment_id})]
    return Fragment.from_row(row, links)


def find_same(conn: Connection, work_id: int, quote: str, location: str | None, coder: str) -> int | None:
    """The current fragment of this report with this quote, location and coder, if any."""
    values = {"work_id": work_id, "quote": quote, "coder": coder}
    if location is None:
        return conn.execute(_SAME_NOWHERE, values).scalars().first()
    return conn.execute(_SAME_AT, {**values, "location": location}).scalars().first()


def _changes(old: Fragment, values: FragmentValues) -> dict[str, dict[str, Any]]:
    changed = {name: {"from": getattr(old, name), "to": value}
               for name, value in values.columns().items() if getattr(old, name) != value}
    if sorted(old.links) != sorted(values.links):
        changed["theories"] = {"from": old.links, "to": values.links}
    return changed


def save_fragment(conn: Connection, values: FragmentValues, *, actor: str,
                  fragment_id: int | None = None, origin: str = "cli") -> tuple[int, str]:
    """Record a new fragment, or the changes to one.

    Returns:
        (fragment id, ``created`` | ``updated`` | ``unchanged``).

    Raises:
        NotFound: ``fragment_id`` names no fragment, or a deleted one.
    """
    stamp = now()
    if fragment_id is None:
        new_id = conn.execute(_INSERT, {**values.columns(), "actor": actor, "created_at": stamp,
                                        "updated_at": stamp}).inserted_primary_key[0]
        _write_links(conn, new_id, values.links)
        Store.log(conn, actor, "fragment.create", "fragment", new_id,
                  {**values.columns(), "theories": values.links, "origin": origin})
        return new_id, "created"
    old = get_fragment(conn, fragment_id)
    if old.deleted_at:
        raise NotFound(f"fragment {fragment_id} was deleted on {old.deleted_at}", field="fragment_id")
    changed = _changes(old, values)
    if not changed:
        return fragment_id, "unchanged"
    conn.execute(update(fragments).where(fragments.c.id == fragment_id)
                 .values(**values.columns(), actor=actor, updated_at=stamp))
    if "theories" in changed:
        conn.execute(delete(fragment_theories).where(fragment_theories.c.fragment_id == fragment_id))
        _write_links(conn, fragment_id, values.links)
    Store.log(conn, actor, "fragment.update", "fragment", fragment_id, {"changes": changed, "origin": origin})
    return fragment_id, "updated"


def _write_links(conn: Connection, fragment_id: int, links: list[tuple[str, str]]) -> None:
    if links:
        conn.execute(_INSERT_LINK, [{"fragment_id": fragment_id, "theory_id": theory, "direction": direction}
                                    for theory, direction in links])


def set_verification(conn: Connection, fragment: Fragment, changes: dict[str, Any], *, actor: str,
                     reason: str) -> None:
    """Record a re-verification's result (offsets, verified, hash) with the old values."""
    conn.execute(update(fragments).where(fragments.c.id == fragment.id).values(**changes, updated_at=now()))
    Store.log(conn, actor, "fragment.verify", "fragment", fragment.id,
              {"reason": reason, "changes": {k: {"from": getattr(fragment, k), "to": v}
                                             for k, v in changes.items()}})


def delete_fragment(conn: Connection, fragment_id: int, *, actor: str, reason: str | None = None) -> bool:
    """Mark a fragment deleted (its row and links stay). False if it already was."""
    old = get_fragment(conn, fragment_id)
    if old.deleted_at:
        return False
    stamp = now()
    conn.execute(update(fragments).where(fragments.c.id == fragment_id)
                 .values(deleted_at=stamp, updated_at=stamp, actor=actor))
    Store.log(conn, actor, "fragment.delete", "fragment", fragment_id,
              {"reason": reason, "quote": old.quote, "work_id": old.work_id})
    return True
