"""The agreed appraisal of every included report: ``review appraise table [--json]``.

:func:`appraisal_table` is the one structure the table command, the plots, the manuscript
tables and the extraction view (:func:`report_profiles`) read. Each report's answers are
the agreed ones: a single reviewer's, the same from every reviewer, or a resolution; a
disagreement not yet resolved is ``"conflict"``. No overall score is computed: MMAT's
authors discourage one. ``criteria_met`` is a count of criteria met, shown as such.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from review.appraisal.instruments import Instrument, bundled
from review.appraisal.judgements import Appraisal, ReportAppraisals, current
from review.appraisal.rules import FLAG_ANSWERS, check_design
from review.appraisal.tables import CATEGORY_ITEM
from review.errors import InputError
from review.included import included_reports

STATUSES = ("appraised", "partial", "not-appraised", "not-applicable", "conflict")
CONFLICT = "conflict"


def study_keys(conn: Connection) -> dict[int, str]:
    """Each grouped report's study key (empty when studies are not recorded yet)."""
    try:
        from review.studies import study_of  # type: ignore[attr-defined]
    except ImportError:
        return {}
    try:
        return {work: str(study.key) for work, study in study_of(conn).items()}
    except Exception:  # noqa: BLE001 - no studies table or rows yet: the cell stays blank
        return {}


def _design(report: ReportAppraisals, instrument: Instrument,
            reviewers: dict[str, Appraisal]) -> tuple[list[str], bool, str | None]:
    """(categories, conflict?, not-applicable reason) agreed for one report."""
    resolved = report.resolved.category
    if resolved is not None:
        return [resolved.answer, *resolved.subcategories], False, resolved.comment
    given = [a.category for a in reviewers.values() if a.category is not None]
    if not given:
        return [], False, None
    primary = {g.answer for g in given}
    if len(primary) > 1:
        return [], True, None
    category = given[0].answer
    if category == instrument.not_applicable:
        reasons = list(dict.fromkeys(g.comment for g in given if g.comment))
        return [category], False, "; ".join(reasons) or None
    subs: list[str] = []
    for g in given:
        subs.extend(s for s in g.subcategories if s not in subs)
    try:
        return [category, *check_design(instrument, category, subs)], False, None
    except InputError:
        return [], True, None


def _complete_design(instrument: Instrument, categories: list[str]) -> bool:
    if not categories:
        return False
    groups = instrument.companions(categories[0]) if categories[0] in instrument.category_ids else {}
    return all(any(c in members for c in categories[1:]) for members in groups.values())


def category_label(instrument: Instrument, categories: list[str]) -> str:
    """``Qualitative``; ``Mixed methods (Qualitative + Quantitative descriptive)``; ..."""
    if not categories:
        return ""
    if categories[0] == instrument.not_applicable:
        return "Not applicable"
    labels = [instrument.category(c).label for c in categories if c in instrument.category_ids]
    if len(labels) > 1:
        return f"{labels[0]} ({' + '.join(labels[1:])})"
    return labels[0] if labels else categories[0]


def _answer(item: str, report: ReportAppraisals, reviewers: dict[str, Appraisal],
            per_report: int) -> dict[str, Any] | None:
    given = {name: a.items[item] for name, a in reviewers.items() if item in a.items}
    resolved = report.resolved.items.get(item)
    if resolved is None and not given:
        return None
    votes = {name: g.answer for name, g in given.items()}
    comments = [f"{name}: {g.comment}" if len(given) > 1 else g.comment
                for name, g in given.items() if g.comment]
    entry: dict[str, Any] = {"answer": None, "comment": "; ".join(c for c in comments if c) or None,
                             "reviewers": votes}
    if resolved is not None:
        entry.update(answer=resolved.answer, comment=resolved.comment or entry["comment"],
                     resolved_by=resolved.reviewer)
    elif len(set(votes.values())) > 1:
        entry["answer"] = CONFLICT
    elif len(votes) >= per_report:
        entry["answer"] = next(iter(votes.values()))
    return entry


def report_entry(report: ReportAppraisals, instrument: Instrument, *, per_report: int = 1) -> dict[str, Any]:
    """The agreed profile of one report (the ``reports`` entries of :func:`appraisal_table`)."""
    reviewers = {n: a for n, a in report.reviewers.items() if a.instrument in (None, instrument.id)}
    categories, design_conflict, reason = _design(report, instrument, reviewers)
    not_applicable = bool(categories) and categories[0] == instrument.not_applicable
    if not_applicable:
        asked: list[str] = []
    elif categories:
        asked = instrument.items_for(categories)
    else:  # design not agreed yet: whatever has been answered, in the instrument's order
        seen = {i for a in [*reviewers.values(), report.resolved] for i in a.answers()}
        asked = [i.id for i in instrument.all_items() if i.id in seen]
    answers = {}
    for item in asked:
        entry = _answer(item, report, reviewers, per_report)
        if entry is not None:
            answers[item] = entry
    if design_conflict:
        answers[CATEGORY_ITEM] = {"answer": CONFLICT, "comment": None, "reviewers": {
            n: "+".join(a.categories) for n, a in reviewers.items() if a.category is not None}}
    criteria = [i for i in asked if instrument.item(i).category is not None]
    agreed = {i: e["answer"] for i, e in answers.items() if e["answer"] not in (None, CONFLICT)}
    if not_applicable:
        status = "not-applicable"
    elif design_conflict or any(e["answer"] == CONFLICT for e in answers.values()):
        status = "conflict"
    elif not any(e["answer"] is not None or e["reviewers"] for e in answers.values()):
        status = "not-appraised"  # nothing answered yet (a design category alone is not an appraisal)
    elif _complete_design(instrument, categories) and all(i in agreed for i in asked):
        status = "appraised"
    else:
        status = "partial"
    return {
        "categories": categories, "category_label": category_label(instrument, categories),
        "status": status, "not_applicable_reason": reason if not_applicable else None,
        "screening_flag": any(agreed.get(i.id) in FLAG_ANSWERS for i in instrument.screening),
        "answers": answers,
        "criteria_met": sum(1 for i in criteria if agreed.get(i) == "yes"),
        "criteria_rated": sum(1 for i in criteria if i in agreed),
    }


def appraisal_table(conn: Connection, *, instrument: Instrument | None = None,
                    reviewers_per_report: int = 1, reports: list[Any] | None = None) -> dict[str, Any]:
    """Every included report's agreed appraisal, as ``review appraise table --json`` prints it.

    ``reports``: the included reports when the caller has already read them
    (:func:`review.included.included_reports`), so they are not read twice.
    """
    tool = instrument or bundled()
    state = current(conn)
    studies = study_keys(conn)
    included = included_reports(conn) if reports is None else reports
    reports = []
    for report in included:
        entry = report_entry(state.get(report.work_id, ReportAppraisals(report.work_id)), tool,
                             per_report=reviewers_per_report)
        reports.append({"report": report.work_id, "citation": report.citation, "title": report.title,
                        "study": studies.get(report.work_id), **entry})
    return {
        "instrument": tool.describe(),
        "categories": [{"id": c.id, "label": c.label, "items": c.item_ids} for c in tool.categories],
        "items": [{"id": i.id, "category": i.category, "text": i.text}
                  for c in tool.categories for i in c.items],
        "screening": [{"id": i.id, "text": i.text} for i in tool.screening],
        "reports": reports,
    }


def report_profiles(conn: Connection, **options: Any) -> dict[int, dict[str, Any]]:
    """The ``reports`` entries of :func:`appraisal_table`, by work id."""
    return {entry["report"]: entry for entry in appraisal_table(conn, **options)["reports"]}
