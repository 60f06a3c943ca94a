"""``review studies import`` and ``export``: the studies sheet, one row per report.

Columns: ``study, label, report`` then one column per characteristic the protocol defines
(its id; the label is accepted too), then ``citation`` and ``title`` for the reader (ignored
on import). A study with several reports repeats its label and characteristics on each
row; a blank repeat takes the value from the study's other rows, a different one is an
error. A row with an empty ``study`` is a report not yet grouped: the export lists every
included report so that the sheet is also the template, and the import skips such rows.

Importing is all or nothing: every row is checked (known column, included report, one
study per report, allowed values) before anything is written. The sheet is authoritative
for the studies it names: their labels and characteristics are set to the sheet's, and a
report listed under another study moves there. Studies and reports it does not mention
are left as they are. Every change goes to the audit trail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from review.errors import InputError
from review.included import included_ids, included_reports
from review.store import Store, now
from review.studies.model import list_studies
from review.studies.protocol import StudyField, StudyProtocol
from review.studies.sheetfile import read_sheet, write_sheet
from review.studies.tables import studies, study_reports

FIXED = ("study", "label", "report")
#: Columns written for the reader and ignored on import.
INFORMATIONAL = ("citation", "title")


@dataclass
class _Planned:
    key: str
    line: int
    label: str = ""
    label_line: int = 0
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # field id -> (value, line)
    reports: dict[int, int] = field(default_factory=dict)  # work id -> line


@dataclass
class StudiesImport:
    """What an import did."""

    studies_created: int = 0
    studies_updated: int = 0
    studies_unchanged: int = 0
    reports_added: int = 0
    reports_moved: int = 0
    reports_unchanged: int = 0
    ungrouped_rows: int = 0

    @property
    def changed(self) -> int:
        return self.studies_created + self.studies_updated + self.reports_added + self.reports_moved

    def summary(self) -> str:
        return (f"{self.studies_created} studies created, {self.studies_updated} updated, "
                f"{self.studies_unchanged} unchanged; {self.reports_added} reports grouped, "
                f"{self.reports_moved} moved, {self.reports_unchanged} unchanged"
                + (f"; {self.ungrouped_rows} rows without a study skipped" if self.ungrouped_rows else ""))


def _columns(path: Path, header: list[str], protocol: StudyProtocol) -> dict[str, str]:
    """Column name -> 'study' | 'label' | 'report' | field id | '' (ignored)."""
    mapping: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for name in header:
        lower = name.strip().casefold()
        if lower in FIXED:
            target = lower
        elif lower in INFORMATIONAL or not lower:
            mapping[name] = ""
            continue
        else:
            found = protocol.field_for(name)
            if found is None:
                known = ", ".join(f.id for f in protocol.fields) or "none (protocols/studies.yaml has no fields)"
                raise InputError(f"unknown column; the characteristics are: {known}", path=path, line=1,
                                 field=name)
            target = found.id
        if target in claimed:
            raise InputError(f"the same column as {claimed[target]!r}", path=path, line=1, field=name)
        claimed[target] = name
        mapping[name] = target
    for needed in (*FIXED, *(f.id for f in protocol.fields)):
        if needed not in claimed:
            raise InputError("missing column", path=path, line=1, field=needed)
    return mapping


def _plan(path: Path, protocol: StudyProtocol, included: set[int]) -> tuple[list[_Planned], int]:
    header, rows = read_sheet(path)
    mapping = _columns(path, header, protocol)
    fields = {f.id: f for f in protocol.fields}
    planned: dict[str, _Planned] = {}
    owner: dict[int, tuple[str, int]] = {}
    ungrouped = 0
    for line, raw in rows:
        row = {target: " ".join((raw.get(name) or "").split()) for name, target in mapping.items() if target}
        key = row["study"]
        if not key:
            if row["label"] or any(row.get(f) for f in fields):
                raise InputError("a row with a label or characteristics needs its study", path=path,
                                 line=line, field="study")
            ungrouped += 1
            continue
        if len(key) > 80:
            raise InputError("a study id of at most 80 characters", path=path, line=line, field="study")
        study = planned.setdefault(key, _Planned(key, line))
        if row["label"]:
            if study.label and study.label != row["label"]:
                raise InputError(f"{row['label']!r} differs from {study.label!r} given for study {key} "
                                 f"at line {study.label_line}", path=path, line=line, field="label")
            study.label, study.label_line = row["label"], line
        for field_id, item in fields.items():
            _value(path, line, study, item, row.get(field_id, ""))
        if row["report"]:
            work_id = _report(path, line, row["report"], included)
            first = owner.get(work_id)
            if first is not None and first[0] != key:
                raise InputError(f"report {work_id} is already in study {first[0]} (line {first[1]}); "
                                 "a report belongs to one study", path=path, line=line, field="report")
            owner[work_id] = (key, line)
            study.reports.setdefault(work_id, line)
    return list(planned.values()), ungrouped


def _value(path: Path, line: int, study: _Planned, item: StudyField, raw: str) -> None:
    if not raw:
        return
    try:
        value = item.check(raw)
    except InputError as exc:
        raise InputError(exc.message, path=path, line=line, field=item.id) from exc
    before = study.values.get(item.id)
    if before is not None and before[0] != value:
        raise InputError(f"{value!r} differs from {before[0]!r} given for study {study.key} at line {before[1]}",
                         path=path, line=line, field=item.id)
    study.values[item.id] = (value, line)


def _report(path: Path, line: int, raw: str, included: set[int]) -> int:
    text = raw.strip()
    if not text.isdigit():
        raise InputError(f"expected a report's work id (a whole number), got {raw!r}", path=path, line=line,
                         field="report")
    work_id = int(text)
    if work_id not in included:
        raise InputError(f"report {work_id} is not an included report (a work included at full text)",
                         path=path, line=line, field="report")
    return work_id


def import_studies(store: Store, path: str | Path, *, protocol: StudyProtocol, actor: str,
                   reviewers_per_work: int = 1) -> StudiesImport:
    """Load a studies sheet (CSV or XLSX) in one transaction.

    Raises:
        InputError: a missing or unknown column, an unknown or not included report, a report
            in two studies, disagreeing repeats, a value the protocol does not allow
            (``FILE:LINE: column: message``); nothing is written.
    """
    path = Path(path)
    with store.transaction() as conn:
        known = set(included_ids(conn, reviewers_per_work=reviewers_per_work))
        known |= {row.work_id for row in conn.execute(select(study_reports.c.work_id))}  # grouped earlier
        planned, ungrouped = _plan(path, protocol, known)
        result = StudiesImport(ungrouped_rows=ungrouped)
        _write(conn, planned, protocol, actor, result, path.name)
    return result


def _write(conn: Connection, planned: list[_Planned], protocol: StudyProtocol, actor: str,
           result: StudiesImport, source: str) -> None:
    stamp = now()
    existing = {row.key: row for row in conn.execute(select(studies))}
    position = conn.execute(select(func.max(studies.c.position))).scalar() or 0
    members = {row.work_id: row for row in conn.execute(select(study_reports))}
    field_ids = [f.id for f in protocol.fields]
    for study in planned:
        values = {f: study.values[f][0] for f in field_ids if f in study.values}
        row = existing.get(study.key)
        if row is None:
            position += 1
            study_id = conn.execute(insert(studies).values(
                key=study.key, label=study.label, characteristics=json.dumps(values, ensure_ascii=False),
                position=position, actor=actor, created_at=stamp, updated_at=stamp)).inserted_primary_key[0]
            Store.log(conn, actor, "study-create", "study", study_id,
                      {"key": study.key, "label": study.label, "characteristics": values, "file": source})
            result.studies_created += 1
        else:
            study_id = row.id
            stored = json.loads(row.characteristics or "{}")
            merged = {k: v for k, v in stored.items() if k not in field_ids} | values
            if (row.label or "") != study.label or merged != stored:
                conn.execute(update(studies).where(studies.c.id == row.id).values(
                    label=study.label, characteristics=json.dumps(merged, ensure_ascii=False), updated_at=stamp))
                Store.log(conn, actor, "study-update", "study", row.id,
                          {"key": study.key, "before": {"label": row.label, "characteristics": stored},
                           "after": {"label": study.label, "characteristics": merged}, "file": source})
                result.studies_updated += 1
            else:
                result.studies_unchanged += 1
        for work_id in study.reports:
            member = members.get(work_id)
            if member is None:
                conn.execute(insert(study_reports).values(study_id=study_id, work_id=work_id, actor=actor,
                                                          created_at=stamp))
                Store.log(conn, actor, "study-add-report", "study", study_id,
                          {"key": study.key, "report": work_id, "file": source})
                result.reports_added += 1
            elif member.study_id != study_id:
                conn.execute(update(study_reports).where(study_reports.c.id == member.id).values(
                    study_id=study_id, actor=actor, created_at=stamp))
                Store.log(conn, actor, "study-move-report", "study", study_id,
                          {"key": study.key, "report": work_id, "from_study_id": member.study_id, "file": source})
                result.reports_moved += 1
            else:
                result.reports_unchanged += 1


def export_studies(conn: Connection, path: str | Path, *, protocol: StudyProtocol,
                   reviewers_per_work: int = 1) -> int:
    """Write the studies sheet (CSV, or XLSX by extension); returns the rows written.

    One row per grouped report, in study order; a study without reports gets one row with
    an empty ``report``; included reports not yet grouped follow with an empty ``study``.
    """
    reports = {r.work_id: r for r in included_reports(conn, reviewers_per_work=reviewers_per_work)}
    header = [*FIXED, *(f.id for f in protocol.fields), *INFORMATIONAL]
    rows: list[list[Any]] = []
    grouped: set[int] = set()
    for study in list_studies(conn):
        values = [study.characteristics.get(f.id, "") for f in protocol.fields]
        for work_id in study.reports or (None,):
            report = reports.get(work_id) if work_id is not None else None
            rows.append([study.key, study.label, work_id if work_id is not None else "", *values,
                         report.citation if report else "", report.title if report else ""])
            if work_id is not None:
                grouped.add(work_id)
    for work_id, report in reports.items():
        if work_id not in grouped:
            rows.append(["", "", work_id, *("" for _ in protocol.fields), report.citation, report.title])
    write_sheet(path, header, rows)
    return len(rows)
