"""``review studies`` and ``review studies show``: studies with their reports, as text or JSON."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from review.included import included_reports
from review.studies.model import Study, get_study, list_studies
from review.studies.protocol import StudyProtocol


def studies_overview(conn: Connection, protocol: StudyProtocol, *, reviewers_per_work: int = 1) -> dict[str, Any]:
    """What ``review studies --json`` prints: the protocol, the studies, reports not yet grouped."""
    reports = {r.work_id: r for r in included_reports(conn, reviewers_per_work=reviewers_per_work)}
    found = list_studies(conn)
    grouped = {w for s in found for w in s.reports}
    return {
        "unit": protocol.unit,
        "unit_plural": protocol.unit_plural,
        "fields": [f.to_dict() for f in protocol.fields],
        "studies": [_study_dict(s, reports) for s in found],
        "ungrouped": [{"report": w, "citation": r.citation, "title": r.title}
                      for w, r in reports.items() if w not in grouped],
        "counts": {"studies": len(found), "reports": len(grouped & set(reports)),
                   "ungrouped": len(set(reports) - grouped)},
    }


def show_study(conn: Connection, key: str, protocol: StudyProtocol, *, reviewers_per_work: int = 1) -> dict[str, Any]:
    """One study (``review studies show KEY --json``).

    Raises:
        NotFound: no such study.
    """
    reports = {r.work_id: r for r in included_reports(conn, reviewers_per_work=reviewers_per_work)}
    return {"unit": protocol.unit, **_study_dict(get_study(conn, key), reports)}


def _study_dict(study: Study, reports: dict[int, Any]) -> dict[str, Any]:
    data = study.to_dict()
    data["reports"] = [{"report": w, "citation": reports[w].citation if w in reports else None,
                        "title": reports[w].title if w in reports else None,
                        "included": w in reports} for w in study.reports]
    return data


def format_overview(data: dict[str, Any], protocol: StudyProtocol) -> str:
    """The overview as text: one block per study, characteristics on one line."""
    unit = protocol.unit
    lines = [f"{data['counts']['studies']} {protocol.unit_plural if data['counts']['studies'] != 1 else unit}, "
             f"{data['counts']['reports']} reports grouped, {data['counts']['ungrouped']} not yet grouped"]
    for study in data["studies"]:
        lines.append("")
        lines.extend(format_study(study, protocol).splitlines())
    if data["ungrouped"]:
        lines.append("")
        lines.append("Not yet grouped:")
        lines.extend(f"  {r['report']:>5}  {r['citation']}  {r['title']}" for r in data["ungrouped"])
    if not data["studies"] and not data["ungrouped"]:
        lines.append("No included reports yet; `review studies import FILE` groups them once screened.")
    return "\n".join(lines)


def format_study(study: dict[str, Any], protocol: StudyProtocol) -> str:
    """One study as text."""
    head = f"{protocol.unit.capitalize()} {study['study']}"
    if study["label"]:
        head += f": {study['label']}"
    lines = [head]
    values = [f"{f.label}: {study['characteristics'][f.id]}" for f in protocol.fields
              if study["characteristics"].get(f.id)]
    if values:
        lines.append("  " + " | ".join(values))
    for report in study["reports"]:
        citation = report["citation"] or "(no longer included)"
        lines.append(f"  {report['report']:>5}  {citation}  {report['title'] or ''}".rstrip())
    if not study["reports"]:
        lines.append("  (no reports)")
    return "\n".join(lines)
