"""``review extract list``: fragments by report, each report with its MMAT profile."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from review.extraction.fragments import current_fragments
from review.extraction.model import is_partial
from review.extraction.sheet import mmat_profiles, mmat_summary
from review.included import included_reports, reports_of, require_included
from review.set_aside import set_aside

#: How a report that is not included now is marked: its fragments are kept, not used.
OUTSIDE = "no longer included: out of the synthesis"


def list_fragments(conn: Connection, *, report: int | None = None,
                   reviewers_per_work: int | None = None) -> dict[str, Any]:
    """``{"reports": [{"report", "citation", "title", "included", "mmat", "mmat_summary", "fragments": [...]}]}``.

    ``mmat`` is the appraisal stage's profile of the report (``review.appraisal.report_profiles``),
    or null when the report is not appraised or the stage is absent. A report not included now
    (its inclusion undone, say) is listed with ``included: false``: its fragments are kept but
    left out of the synthesis; ``--report`` on it lists what is kept.

    Raises:
        NotFound: ``report`` is neither included nor has anything kept.
    """
    reports = {r.work_id: r for r in included_reports(conn, reviewers_per_work=reviewers_per_work)}
    if report is not None and report not in reports:
        kept = {s.report: s for s in set_aside(conn, reviewers_per_work=reviewers_per_work)}
        if report not in kept:
            require_included(conn, report, reviewers_per_work=reviewers_per_work)
    items = current_fragments(conn, report=report)
    profiles = mmat_profiles(conn)
    grouped: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        grouped.setdefault(item.work_id, []).append(item.to_dict())
    if report is not None:
        grouped.setdefault(report, [])
    outside = {r.work_id: r for r in reports_of(conn, sorted(set(grouped) - set(reports)))}
    if outside and profiles:  # the appraisal kept with a report no longer included
        from review.appraisal import report_profiles

        profiles.update(report_profiles(conn, reports=list(outside.values())))
    out = []
    for work_id in sorted(grouped):
        info = reports.get(work_id) or outside.get(work_id)
        profile = profiles.get(work_id)
        out.append({"report": work_id, "citation": info.citation if info else None,
                    "title": info.title if info else None, "included": work_id in reports,
                    "mmat": profile, "mmat_summary": mmat_summary(profile) or None,
                    "fragments": grouped[work_id]})
    return {"reports": out, "fragments": len(items),
            "partial": sum(1 for i in items if is_partial(i)),
            "out_of_synthesis": sum(1 for i in items if i.work_id not in reports)}


def _cmo(fragment: dict[str, Any]) -> str:
    parts = [f"C: {fragment['context']}" if fragment.get("context") else "C: -",
             f"M(res): {fragment['mechanism_resource']}" if fragment.get("mechanism_resource") else "M(res): -",
             f"M(rea): {fragment['mechanism_reasoning']}" if fragment.get("mechanism_reasoning") else "M(rea): -",
             f"O: {fragment['outcome']}" if fragment.get("outcome") else "O: -"]
    return " | ".join(parts)


def format_listing(listing: dict[str, Any]) -> str:
    """The listing as text: a heading per report (citation, MMAT), then its fragments."""
    if not listing["reports"]:
        return "No fragments yet: `review extract add` or `review extract import FILE`"
    lines = [f"{listing['fragments']} fragment(s), {listing['partial']} partial configuration(s)"
             + (f", {listing['out_of_synthesis']} out of the synthesis (reports no longer included)"
                if listing.get("out_of_synthesis") else "")]
    for entry in listing["reports"]:
        lines.append("")
        head = f"Report {entry['report']}: {entry['citation'] or '(no record)'}"
        head += f"  [MMAT: {entry['mmat_summary']}]" if entry["mmat_summary"] else ""
        lines.append(head + ("" if entry["included"] else f"  [{OUTSIDE}]"))
        if not entry["fragments"]:
            lines.append("  (no fragments)")
        for frag in entry["fragments"]:
            quote = " ".join(frag["quote"].split())
            quote = quote if len(quote) <= 100 else quote[:97] + "..."
            links = ", ".join(f"{t['theory']} {t['direction']}" for t in frag["theories"]) or "no theory"
            where = f" ({frag['location']})" if frag.get("location") else ""
            source = f", secondary ({frag['text_path']})" if frag["evidence"] == "secondary" else ""
            lines.append(f"  #{frag['id']}{where} by {frag['coder']}, verified {frag['verified']}{source}"
                         f"{', partial' if frag['partial'] else ''}: \"{quote}\"")
            lines.append(f"      {_cmo(frag)}")
            levels = ", ".join(f"{k} {frag[k]}" for k in ("relevance", "rigour") if frag.get(k))
            lines.append(f"      -> {links}" + (f"; {levels}" if levels else ""))
    return "\n".join(lines)
