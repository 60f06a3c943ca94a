"""Agreement between appraisers, their disagreements, and recording single answers.

- :func:`appraise_agreement`: for every pair of reviewers, the questions both answered
  (screening questions and criteria, design categories apart): percent agreement and
  Cohen's kappa (scikit-learn), and how often they gave the same design category.
- :func:`appraise_conflicts`: item-level disagreements not yet resolved.
- :func:`appraise_record` / :func:`appraise_resolve`: one answer (or design category)
  from the command line, validated against the instrument and the report's design.
"""

from __future__ import annotations

import math
import warnings
from itertools import combinations
from typing import Any

from sqlalchemy.engine import Connection

from review.appraisal.instruments import Instrument, bundled
from review.appraisal.judgements import Appraisal, ReportAppraisals, current, record
from review.appraisal.rules import check_answer, check_category, check_design, check_item
from review.appraisal.table import CONFLICT, appraisal_table, report_entry
from review.appraisal.tables import CATEGORY_ITEM
from review.errors import InputError
from review.included import included_reports, require_included
from review.store import Store


def _kappa(first: list[str], second: list[str]) -> float | None:
    if not first:
        return None
    from sklearn.metrics import cohen_kappa_score

    if len(set(first) | set(second)) < 2:
        return 1.0  # one category used by both throughout: perfect agreement
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(cohen_kappa_score(first, second))
    return None if math.isnan(value) else round(value, 3)


def appraise_agreement(conn: Connection) -> dict[str, Any]:
    """Percent agreement and Cohen's kappa over items, for every pair of reviewers."""
    state = current(conn, [r.work_id for r in included_reports(conn)])
    names = sorted({n for report in state.values() for n in report.reviewers})
    pairs = []
    for a, b in combinations(names, 2):
        first, second, reports, designs, same_design = [], [], set(), 0, 0
        for work_id, report in sorted(state.items()):
            one, two = report.reviewers.get(a), report.reviewers.get(b)
            if one is None or two is None:
                continue
            if one.category and two.category:
                designs += 1
                same_design += one.categories == two.categories
            for item, given in one.answers().items():
                if item in two.items:
                    first.append(given.answer)
                    second.append(two.items[item].answer)
                    reports.add(work_id)
        agreed = sum(x == y for x, y in zip(first, second, strict=True))
        pairs.append({
            "reviewers": [a, b], "reports": len(reports), "items": len(first), "agreed": agreed,
            "percent": round(100 * agreed / len(first), 1) if first else None,
            "kappa": _kappa(first, second),
            "categories": {"reports": designs, "agreed": same_design,
                           "percent": round(100 * same_design / designs, 1) if designs else None},
        })
    return {"reviewers": names, "pairs": pairs}


def appraise_conflicts(conn: Connection, *, instrument: Instrument | None = None,
                       reviewers_per_report: int = 1) -> list[dict[str, Any]]:
    """Every unresolved disagreement: report, question (or ``category``) and each answer."""
    table = appraisal_table(conn, instrument=instrument, reviewers_per_report=reviewers_per_report)
    tool = instrument or bundled()
    found = []
    for report in table["reports"]:
        for item, entry in report["answers"].items():
            if entry["answer"] == CONFLICT:
                text = "design category" if item == CATEGORY_ITEM else tool.item(item).text
                found.append({"report": report["report"], "citation": report["citation"], "item": item,
                              "question": text, "answers": entry["reviewers"]})
    return found


def _design_of(appraisal: Appraisal) -> list[str]:
    return appraisal.categories


def appraise_record(store: Store, work_id: int, item: str, answer: str, *, reviewer: str, actor: str,
                    comment: str | None = None, subcategories: str | None = None,
                    instrument: Instrument | None = None, kind: str = "judgement",
                    origin: str = "cli") -> bool:
    """Record one answer, or the design category (``item`` = ``category``).

    Returns:
        Whether anything changed.

    Raises:
        InputError: an unknown report, question, answer or category, a question the report's
            design does not ask, or not-applicable without a reason.
    """
    tool = instrument or bundled()
    with store.transaction() as conn:
        require_included(conn, work_id)
        state = current(conn, [work_id]).get(work_id, ReportAppraisals(work_id))
        mine = state.resolved if kind == "resolution" else state.reviewers.get(reviewer, Appraisal())
        if state.instrument and state.instrument != tool.id:
            raise InputError(f"report {work_id} is appraised with {state.instrument}, not {tool.id}",
                             field="instrument")
        if item.strip().casefold() == CATEGORY_ITEM:
            category = check_category(tool, answer, field="answer")
            subs = check_design(tool, category, [check_category(tool, s, field="--subcategories")
                                                 for s in (subcategories or "").replace(";", ",").split(",")
                                                 if s.strip()], field="--subcategories")
            if category == tool.not_applicable and not (comment or "").strip():
                raise InputError("not-applicable needs a reason: pass --comment", field="--comment")
            if not subs and mine.category and mine.category.answer == category:
                subs = mine.category.subcategories
            return record(conn, work_id=work_id, instrument=tool.id, item=CATEGORY_ITEM, answer=category,
                          comment=comment, subcategories=subs,
                          reviewer=reviewer, actor=actor, origin=origin, kind=kind)
        question = check_item(tool, item)
        value = check_answer(tool, answer)
        owner = tool.item(question).category
        if owner is not None:
            # a reviewer answers within their own design (blinded); a resolution within the agreed one
            design = _design_of(mine) or (report_entry(state, tool)["categories"] if kind == "resolution" else [])
            if not design:
                raise InputError(f"report {work_id}: record its design category first "
                                 f"(`review appraise record {work_id} category N`)", field="item")
            if design[0] == tool.not_applicable:
                raise InputError(f"report {work_id} is not-applicable: it has no answers", field="item")
            if owner not in design:
                try:
                    subs = check_design(tool, design[0], [*design[1:], owner])
                except InputError as exc:
                    raise InputError(f"{question} is not a criterion of category {design[0]}: {exc.message}",
                                     field="item") from exc
                record(conn, work_id=work_id, instrument=tool.id, item=CATEGORY_ITEM, answer=design[0],
                       subcategories=subs, reviewer=reviewer, actor=actor, origin=origin, kind=kind)
        return record(conn, work_id=work_id, instrument=tool.id, item=question, answer=value, comment=comment,
                      reviewer=reviewer, actor=actor, origin=origin, kind=kind)


def appraise_resolve(store: Store, work_id: int, item: str, answer: str, *, reviewer: str, actor: str,
                     comment: str | None = None, subcategories: str | None = None,
                     instrument: Instrument | None = None) -> bool:
    """Record the agreed answer (or design) for a report, and who settled it."""
    return appraise_record(store, work_id, item, answer, reviewer=reviewer, actor=actor, comment=comment,
                           subcategories=subcategories, instrument=instrument, kind="resolution",
                           origin="resolve")
