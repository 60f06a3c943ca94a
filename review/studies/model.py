"""Studies as stored: each with its label, characteristics and reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.errors import NotFound
from review.studies.tables import studies, study_reports


@dataclass(frozen=True)
class Study:
    """One study (the seed's "intervention"): its key as users write it and its reports."""

    id: int
    key: str
    label: str
    position: int
    characteristics: dict[str, str] = field(default_factory=dict)
    reports: tuple[int, ...] = ()  # work ids, ascending

    def to_dict(self) -> dict[str, Any]:
        return {"study": self.key, "key": self.key, "label": self.label, "position": self.position,
                "characteristics": dict(self.characteristics), "reports": list(self.reports)}


def _characteristics(raw: str | None) -> dict[str, str]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def list_studies(conn: Connection) -> list[Study]:
    """Every study, ordered by position then key."""
    members: dict[int, list[int]] = {}
    for row in conn.execute(select(study_reports.c.study_id, study_reports.c.work_id)):
        members.setdefault(row.study_id, []).append(row.work_id)
    rows = conn.execute(select(studies)).all()
    found = [Study(id=row.id, key=row.key, label=row.label or "", position=row.position or 0,
                   characteristics=_characteristics(row.characteristics),
                   reports=tuple(sorted(members.get(row.id, []))))
             for row in rows]
    return sorted(found, key=lambda s: (s.position, _natural(s.key)))


def study_of(conn: Connection) -> dict[int, Study]:
    """Each grouped report's study, by work id."""
    return {work_id: study for study in list_studies(conn) for work_id in study.reports}


def get_study(conn: Connection, key: str) -> Study:
    """The study with this key (``#3`` and ``3`` name the same study when only one exists).

    Raises:
        NotFound: no such study.
    """
    every = list_studies(conn)
    wanted = key.strip()
    for study in every:
        if study.key == wanted:
            return study
    loose = [s for s in every if s.key.lstrip("#") == wanted.lstrip("#")]
    if len(loose) == 1:
        return loose[0]
    known = ", ".join(s.key for s in every[:12]) or "none yet (`review studies import FILE`)"
    raise NotFound(f"no study {wanted!r} (studies: {known}{' ...' if len(every) > 12 else ''})",
                   field="STUDY")


def _natural(key: str) -> tuple[Any, ...]:
    digits = key.lstrip("#")
    return (0, int(digits), key) if digits.isdigit() else (1, 0, key)
