"""``extraction/theory-changes.csv``: the committed log of inductive theories and refinements.

One row per new version, oldest first, each the whole new version (not a difference)::

    theory,topic,change,label,context,mechanism_resource,mechanism_reasoning,outcome,reason,fragments,actor,at,version
    T14,positive,inductive,Feels useful by helping others,...,,Fragments 12 and 31,12;31,JM,2026-03-01T10:00:00Z,1
    T3,take-up,refined,Mothers take up support when ...,...,Two documents add a context,7,JM,2026-03-02T09:12:00Z,2

``change`` is ``inductive`` (a new theory: ``topic`` and ``label`` required), ``refined``
or ``reworded`` (a new version of an existing theory). ``fragments`` are fragment ids joined
by ``;``, the evidence behind the change: each supports the theory unless written
``ID:refutes`` or ``ID:refines``. ``actor`` and ``at`` say who made the change and when (blank: whoever loads the file,
now). ``version`` makes the replay exact; without it a row whose wording equals the
theory's current version is taken as already loaded.

``review theories add`` and ``review theories refine`` append their row to this file, and
``review run`` replays it after loading protocols/theories.yaml, so ``review run --fresh``
rebuilds the same model. ``review theories export`` rewrites it from the database.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.errors import InputError
from review.extraction.model import DIRECTIONS
from review.studies.sheetfile import read_sheet, write_sheet
from review.synthesis.protocol import CMO
from review.synthesis.tables import theories
from review.synthesis.versions import (
    TheoryVersion,
    all_versions,
    record_inductive,
    record_refinement,
    versions_of,
)

#: Where a workspace keeps the log.
CHANGES_PATH = ("extraction", "theory-changes.csv")
COLUMNS = ("theory", "topic", "change", "label", *CMO, "reason", "fragments", "actor", "at", "version")
REQUIRED = ("theory", "change", "label")
ROW_CHANGES = ("inductive", "refined", "reworded")


@dataclass
class ChangesLoad:
    """What replaying a log did."""

    added: int = 0
    unchanged: int = 0
    versions: list[tuple[TheoryVersion, str]] = field(default_factory=list)  # (new version, topic)

    def summary(self) -> str:
        return f"{self.added} theory changes recorded, {self.unchanged} already recorded"


def change_row(version: TheoryVersion, topic: str) -> list[Any]:
    """A version as a row of the log."""
    return [version.theory_id, topic, version.change, version.label, *(getattr(version, n) for n in CMO),
            version.reason, fragment_cell(version), version.actor, version.created_at,
            version.version]


def fragment_cell(version: TheoryVersion) -> str:
    """The ``fragments`` cell: ``12;31:refutes`` (a bare id supports the theory)."""
    return ";".join(f"{i}:{version.direction(i)}" if version.direction(i) != "supports" else str(i)
                    for i in version.fragments)


def append_change(path: Path, version: TheoryVersion, topic: str) -> None:
    """Append one version to the log (the header first when the file is new or empty)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.is_file() or not path.read_text(encoding="utf-8-sig").strip()
    if not new and not path.read_bytes().endswith(b"\n"):
        with path.open("a", encoding="utf-8", newline="") as handle:
            handle.write("\r\n")
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(COLUMNS)
        writer.writerow(change_row(version, topic))


def export_changes(conn: Connection, path: str | Path) -> int:
    """Write every inductive theory and later version to ``path``; returns the rows written."""
    topics = {row.id: row.topic for row in conn.execute(select(theories.c.id, theories.c.topic))}
    versions = [v for vs in all_versions(conn).values() for v in vs if v.change != "initial"]
    versions.sort(key=lambda v: (v.created_at, v.theory_id, v.version))
    write_sheet(path, COLUMNS, (change_row(v, topics.get(v.theory_id, "")) for v in versions))
    return len(versions)


def parse_fragments(raw: str) -> tuple[tuple[int, ...], dict[int, str]]:
    """Fragment ids joined by ``;`` or ``,``, each ``ID`` (supports) or ``ID:refutes|refines|supports``.

    Raises:
        InputError: not a whole number, or an unknown direction (``field`` is ``fragments``).
    """
    found: list[int] = []
    directions: dict[int, str] = {}
    for entry in raw.replace(",", ";").split(";"):
        part, _, direction = entry.strip().lstrip("#").partition(":")
        part, direction = part.strip(), direction.strip().lower() or "supports"
        if not part:
            continue
        if not part.isdigit() or int(part) < 1:
            raise InputError(f"{part!r} is not a fragment id (ids are whole numbers joined by ';')",
                             field="fragments")
        if direction not in DIRECTIONS:
            raise InputError(f"unknown direction {direction!r} in {entry.strip()!r}; use "
                             f"{', '.join(DIRECTIONS)}", field="fragments")
        found.append(int(part))
        if direction != "supports":
            directions[int(part)] = direction
    return tuple(dict.fromkeys(found)), directions


def _fragments(path: Path, line: int, raw: str) -> tuple[tuple[int, ...], dict[int, str]]:
    try:
        return parse_fragments(raw)
    except InputError as exc:
        raise InputError(exc.message, path=path, line=line, field="fragments") from None


def replay_changes(conn: Connection, path: str | Path, *, actor: str) -> ChangesLoad:
    """Record each row of a theory-changes file not yet in the database (in the caller's transaction).

    Fragment ids are kept as written (fragments are loaded after theories by ``review run``).

    Raises:
        InputError: a missing column, an unknown change, theory or topic, a reused theory id,
            a version that conflicts with the database's (``FILE:LINE: column: message``).
    """
    path = Path(path)
    header, rows = read_sheet(path)
    for name in REQUIRED:
        if name not in header:
            raise InputError("missing column", path=path, line=1, field=name)
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column (columns: {', '.join(COLUMNS)})", path=path, line=1, field=unknown[0])
    result = ChangesLoad()
    for line, raw in rows:
        row = {name: " ".join((raw.get(name) or "").split()) for name in COLUMNS}
        try:
            version = _replay_row(conn, path, line, row, actor)
            if version is not None:
                result.added += 1
                result.versions.append((version, row["topic"] or _topic(conn, version.theory_id)))
            else:
                result.unchanged += 1
        except InputError as exc:
            if exc.path is not None:
                raise
            raise InputError(exc.message, path=path, line=line, field=_column(exc.field)) from exc
    return result


def _topic(conn: Connection, theory_id: str) -> str:
    return conn.execute(select(theories.c.topic).where(theories.c.id == theory_id)).scalar_one()


def _column(field: str | None) -> str | None:
    return {"ID": "theory", "--topic": "topic", "--label": "label", "--reason": "reason"}.get(field or "", field)


def _replay_row(conn: Connection, path: Path, line: int, row: dict[str, str], actor: str) -> TheoryVersion | None:
    change = row["change"]
    if change not in ROW_CHANGES:
        raise InputError(f"expected one of {', '.join(ROW_CHANGES)}, got {change!r}", path=path, line=line,
                         field="change")
    version = None
    if row["version"]:
        if not row["version"].isdigit() or int(row["version"]) < 1:
            raise InputError("a version is a whole number from 1", path=path, line=line, field="version")
        version = int(row["version"])
    theory = row["theory"]
    fragments, directions = _fragments(path, line, row["fragments"])
    values = (row["label"], *(row[n] for n in CMO))
    who, at = row["actor"] or actor, row["at"] or None
    if at is not None:
        try:
            datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"expected an ISO date and time (2026-03-01T10:00:00+00:00), got {at!r}", path=path,
                             line=line, field="at") from None
    stored = conn.execute(select(theories.c.topic, theories.c.origin).where(theories.c.id == theory)).first()
    existing = versions_of(conn, theory) if stored is not None else []
    if change == "inductive":
        if version not in (None, 1):
            raise InputError("an inductive theory starts at version 1", path=path, line=line, field="version")
        if stored is not None:
            if stored.origin == "inductive" and existing and existing[0].content() == values:
                return None
            raise InputError(f"theory id {theory!r} is reused: the model already has it"
                             f" ({stored.origin}); an inductive theory needs a new id", path=path, line=line,
                             field="theory")
        return record_inductive(conn, theory_id=theory, topic=row["topic"], label=row["label"],
                                cmo={n: row[n] for n in CMO}, reason=row["reason"], fragments=fragments, actor=who,
                                at=at, directions=directions)
    if stored is None:
        raise InputError(f"unknown theory {theory!r}: refine a theory of protocols/theories.yaml or one added "
                         "above in this file", path=path, line=line, field="theory")
    if row["topic"] and row["topic"] != stored.topic:
        raise InputError(f"theory {theory} is in topic {stored.topic!r}, not {row['topic']!r}", path=path,
                         line=line, field="topic")
    if version is not None and version <= len(existing):
        if existing[version - 1].content() == values:
            return None
        raise InputError(f"version {version} of theory {theory} in the database says something else; "
                         "rebuild with `review run --fresh` or give this change the next version",
                         path=path, line=line, field="version")
    if version is None and existing[-1].content() == values:
        return None
    changes = {"label": row["label"], **{n: row[n] for n in CMO}}
    return record_refinement(conn, theory, changes=changes, additions={}, reason=row["reason"],
                             fragments=fragments, reworded=change == "reworded", actor=who, at=at, version=version,
                             directions=directions)
