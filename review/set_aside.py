"""Evidence set aside: what is kept of reports that are no longer included.

A report can stop being included after it was appraised, grouped and coded (an undo of its
full-text inclusion, a changed decision, a conflict resolved the other way). Nothing of it
is deleted: its fragments, appraisal and study grouping stay in the database, out of the
synthesis (every derived view filters through :func:`review.included.included_ids`), and
come back if the report is included again. :func:`set_aside` lists those reports, for
``review status`` and ``review extract check``, each with the command to look at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from review.appraisal.tables import appraisal_judgements
from review.extraction.tables import fragments
from review.included import included_ids, reports_of
from review.studies.tables import studies, study_reports

__all__ = ["SetAside", "format_set_aside", "set_aside"]


@dataclass(frozen=True)
class SetAside:
    """One report not included now whose evidence is kept, out of the synthesis."""

    report: int
    citation: str
    title: str
    fragments: int  # current (not deleted) fragments
    appraised: bool  # has appraisal answers recorded
    study: str | None  # the study it is grouped into

    @property
    def command(self) -> str:
        """The command that shows what is kept."""
        return f"review extract list --report {self.report}"

    def to_dict(self) -> dict[str, Any]:
        return {"report": self.report, "citation": self.citation, "title": self.title,
                "fragments": self.fragments, "appraised": self.appraised, "study": self.study,
                "command": self.command}


def set_aside(conn: Connection, *, reviewers_per_work: int | None = None) -> list[SetAside]:
    """Reports not included now that have fragments, appraisal answers or a study, by id."""
    included = set(included_ids(conn, reviewers_per_work=reviewers_per_work))
    f, a, sr = fragments, appraisal_judgements, study_reports
    coded = dict(conn.execute(select(f.c.work_id, func.count()).where(f.c.deleted_at.is_(None))
                              .group_by(f.c.work_id)).all())
    appraised = set(conn.execute(select(a.c.work_id).where(a.c.answer.is_not(None)).distinct()).scalars())
    grouped = dict(conn.execute(select(sr.c.work_id, studies.c.key).join(studies, studies.c.id == sr.c.study_id)).all())
    outside = sorted((set(coded) | appraised | set(grouped)) - included)
    return [SetAside(report=r.work_id, citation=r.citation, title=r.title, fragments=int(coded.get(r.work_id, 0)),
                     appraised=r.work_id in appraised, study=_study_mark(grouped.get(r.work_id)))
            for r in reports_of(conn, outside)]


def _study_mark(key: str | None) -> str | None:
    if key is None:
        return None
    return f"#{key}" if key.isdigit() else key


def _kept(item: dict[str, Any]) -> str:
    """``3 fragments, appraisal, study #19``."""
    count = int(item.get("fragments") or 0)
    parts = [f"{count} fragment{'s' if count != 1 else ''}"] if count else []
    parts += ["appraisal"] if item.get("appraised") else []
    parts += [f"study {item['study']}"] if item.get("study") else []
    return ", ".join(parts)


def format_set_aside(items: list[dict[str, Any]]) -> list[str]:
    """Text lines for :meth:`SetAside.to_dict` items: a heading, then each report with its command."""
    if not items:
        return []
    lines = [f"Evidence from {len(items)} report{'s' if len(items) != 1 else ''} no longer included "
             "(kept, out of the synthesis until included again):"]
    lines += [f"  report {i['report']} {i['citation']}: {_kept(i)}: {i['command']}" for i in items]
    return lines
