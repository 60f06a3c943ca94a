"""``review studies`` and ``review studies show``: studies with their reports, as text or JSON."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from review.included import included_reports, reports_of
from review.studies.model import Study, get_study, list_studies
from review.studies.protocol import StudyProtocol


def studies_overview(conn: Connection, protocol: StudyProtocol, *, reviewers_per_work: int = 1) -> dict[str, Any]:
    """What ``review studies --json`` prints: the protocol, the studies, reports not yet grouped."""
    reports = {r.work_id: r for r in included_reports(conn, reviewers_per_work=reviewers_per_work)}
    found = list_studies(conn)
    grouped = {w for s in found for w in s.reports}
    outside = {r.work_id: r for r in reports_of(conn, sorted(grouped - set(reports)))}
    studies = [_study_dict(s, reports, outside) for s in found]
    return {
        "unit": protocol.unit,
        "unit_plural": protocol.unit_plural,
        "fields": [f.to_dict() for f in protocol.fields],
        "studies": studies,
        "ungrouped": [{"report": w, "citation": r.citation, "title": r.title}
                      for w, r in reports.items() if w not in grouped],
        "counts": {"studies": sum(1 for s in studies if s["included"]), "reports": len(grouped & set(reports)),
                   "ungrouped": len(set(reports) - grouped)},
    }


def show_study(conn: Connection, key: str, protocol: StudyProtocol, *, reviewers_per_work: int = 1) -> dict[str, Any]:
    """One study (``review studies show KEY --json``).

    Raises:
        NotFound: no such study.
    """
    reports = {r.work_id: r for r in included_reports(conn, reviewers_per_work=reviewers_per_work)}
    study = get_study(conn, key)
    outside = {r.work_id: r for r in reports_of(conn, [w for w in study.reports if w not in reports])}
    return {"unit": protocol.unit, **_study_dict(study, reports, outside)}


def _study_dict(study: Study, reports: dict[int, Any], outside: dict[int, Any]) -> dict[str, Any]:
    """A study's dict; ``included`` is false when every report of it is no longer included
    (the grouping is kept, out of the synthesis, and comes back with them)."""
    data = study.to_dict()
    data["reports"] = []
    for w in study.reports:
        info = reports.get(w) or outside.get(w)
        data["reports"].append({"report": w, "citation": info.citation if info else None,
                                "title": info.title if info else None, "included": w in reports})
    data["included"] = not study.reports or any(w in reports for w in study.reports)
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
    if not study.get("included", True):
        head += "  [no longer included: out of the synthesis]"
    lines = [head]
    values = [f"{f.label}: {study['characteristics'][f.id]}" for f in protocol.fields
              if study["characteristics"].get(f.id)]
    if values:
        lines.append("  " + " | ".join(values))
    for report in study["reports"]:
        mark = "" if report["included"] else "  [no longer included]"
        lines.append(f"  {report['report']:>5}  {report['citation'] or ''}  {report['title'] or ''}".rstrip() + mark)
    if not study["reports"]:
        lines.append("  (no reports)")
    return "\n".join(lines)
