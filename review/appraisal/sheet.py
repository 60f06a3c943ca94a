"""``review appraise export`` and ``review appraise import``: the appraisal sheet.

One row per question per reviewer. The first columns are fixed (DESIGN.md):
``report, study, instrument, category, item, answer, comment, reviewer``; then
``subcategories`` (the categories a mixed-methods report is also rated on, e.g. ``1,2``),
``kind`` (``judgement`` or ``resolution``), ``citation`` and ``question`` (for reading; not
imported). A blank answer means "not yet appraised", so a partly filled sheet imports; a
row with a blank item only sets the design category (``not-applicable`` with its reason in
``comment``). An import is validated whole before anything is written; exporting then
importing the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.appraisal.instruments import Instrument, available, identify
from review.appraisal.judgements import (
    Appraisal,
    ReportAppraisals,
    append,
    current,
    split_subcategories,
)
from review.appraisal.rules import (
    check_answer,
    check_category,
    check_design,
    check_item,
    design_of_items,
)
from review.appraisal.sheetio import read_rows, write_rows
from review.appraisal.table import report_entry, study_keys
from review.appraisal.tables import CATEGORY_ITEM, appraisal_judgements
from review.errors import InputError
from review.included import included_reports
from review.screening.decisions import check_reviewer
from review.store import Store

COLUMNS = ("report", "study", "instrument", "category", "item", "answer", "comment", "reviewer")
EXTRA_COLUMNS = ("subcategories", "kind", "citation", "question")
REQUIRED = ("report", "instrument", "category", "item", "answer", "reviewer")


@dataclass
class ImportSummary:
    """What an import did."""

    path: str
    rows: int = 0  # = designs + answered + blank
    designs: int = 0  # rows with no item: a design category (and its note)
    answered: int = 0  # rows with an item and its answer
    blank: int = 0  # rows with an item and no answer (not yet appraised)
    recorded: int = 0  # judgements (designs and answers) that changed
    unchanged: int = 0  # judgements as they were
    reports: set[int] = field(default_factory=set)

    def describe(self) -> str:
        """One line whose counts add up: the rows by kind, then the judgements they gave."""
        return (f"{self.rows} rows on {len(self.reports)} reports: {self.designs} design rows, "
                f"{self.answered} answered, {self.blank} not yet answered; "
                f"{self.recorded} judgements recorded, {self.unchanged} unchanged")


@dataclass
class _Row:
    line: int
    report: int
    instrument: Instrument
    category: str
    item: str
    answer: str
    comment: str
    reviewer: str
    kind: str
    subcategories: tuple[str, ...]


class _Problems:
    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[InputError] = []

    def add(self, line: int | None, column: str | None, message: str) -> None:
        self.found.append(InputError(message, path=self.path, line=line, field=column))

    def check(self) -> None:
        if self.found:
            first = self.found[0]
            more = f" (and {len(self.found) - 1} more problem(s))" if len(self.found) > 1 else ""
            error = InputError(first.message + more, path=first.path, line=first.line, field=first.field)
            error.problems = self.found  # type: ignore[attr-defined]
            raise error


def _parse(label: str, rows: list[tuple[int, dict[str, str]]], tools: dict[str, Instrument],
           included: set[int], reviewers: Sequence[str], default_reviewer: str | None,
           problems: _Problems) -> list[_Row]:
    parsed = []
    default_tool = tools["mmat-2018"] if "mmat-2018" in tools else next(iter(tools.values()))
    for line, row in rows:
        bad = len(problems.found)

        def fail(column: str, message: str, line: int = line) -> None:
            problems.add(line, column, message)

        raw_report = row.get("report", "")
        report = 0
        if not raw_report.strip().isdigit():
            fail("report", f"expected a work id (a whole number), got {raw_report!r}")
        else:
            report = int(raw_report)
            if report not in included:
                fail("report", f"{report} is not an included report (a work included at full text)")
        tool = default_tool
        if row.get("instrument", "").strip():
            try:
                tool = identify(row["instrument"], tools)
            except InputError as exc:
                fail("instrument", exc.message)
        category = ""
        if row.get("category", "").strip():
            try:
                category = check_category(tool, row["category"])
            except InputError as exc:
                fail("category", exc.message)
        item = ""
        if row.get("item", "").strip():
            try:
                item = check_item(tool, row["item"])
            except InputError as exc:
                fail("item", exc.message)
        question = row.get("question", "").strip()
        if question and tool.superseded_version and tool.superseded_text(question):
            fail("question", f"this is a question of {tool.family.upper()} {tool.superseded_version}, "
                             f"not of {tool.id}: never mix versions")
        answer = ""
        if row.get("answer", "").strip():
            try:
                answer = check_answer(tool, row["answer"])
            except InputError as exc:
                fail("answer", exc.message)
            if not item and not problems.found[bad:]:
                fail("item", "an answer needs the question it answers")
        reviewer = row.get("reviewer", "").strip() or (default_reviewer or "")
        try:
            reviewer = check_reviewer(reviewer, list(reviewers) or None)
        except InputError as exc:
            fail("reviewer", exc.message.replace("--reviewer", "reviewer") +
                 ("" if reviewer else " (fill the column or pass --reviewer)"))
        kind = (row.get("kind", "").strip() or "judgement").lower()
        if kind not in ("judgement", "resolution"):
            fail("kind", f"expected judgement or resolution, got {kind!r}")
        subs: tuple[str, ...] = ()
        for sub in split_subcategories(row.get("subcategories")):
            try:
                subs += (check_category(tool, sub),)
            except InputError as exc:
                fail("subcategories", exc.message)
        if len(problems.found) == bad:
            parsed.append(_Row(line, report, tool, category, item, answer, row.get("comment", "").strip(),
                               reviewer, kind, subs))
    return parsed


def _check_groups(rows: list[_Row], state: dict[int, ReportAppraisals], problems: _Problems) -> list[dict[str, Any]]:
    """Per report, reviewer and kind: one design, each question answered once, allowed questions."""
    plans: list[dict[str, Any]] = []
    groups: dict[tuple[int, str, str], list[_Row]] = {}
    tools: dict[int, tuple[str, int]] = {}
    for row in rows:
        groups.setdefault((row.report, row.reviewer, row.kind), []).append(row)
        recorded = state.get(row.report, ReportAppraisals(row.report)).instrument
        if recorded and recorded != row.instrument.id:
            problems.add(row.line, "instrument", f"report {row.report} is already appraised with {recorded}; "
                         "one report, one instrument")
            continue
        first = tools.setdefault(row.report, (row.instrument.id, row.line))
        if first[0] != row.instrument.id:
            problems.add(row.line, "instrument", f"report {row.report} is appraised with {first[0]} "
                         f"(line {first[1]}); one report, one instrument")
    for (report, reviewer, kind), members in groups.items():
        tool = members[0].instrument
        before = state.get(report, ReportAppraisals(report))
        mine = before.resolved if kind == "resolution" else before.reviewers.get(reviewer, Appraisal())
        named = [r for r in members if r.category and (kind == "judgement" or not r.item)]
        category = named[0].category if named else ""
        for r in named[1:]:
            if r.category != category:
                problems.add(r.line, "category", f"report {report} ({reviewer}) is given category "
                             f"{category} on line {named[0].line}; one design per report")
                break
        answered: dict[str, _Row] = {}
        for r in members:
            if not (r.item and r.answer):
                continue
            if r.item in answered:
                problems.add(r.line, "item", f"{r.item} of report {report} is answered twice by "
                             f"{reviewer} (line {answered[r.item].line})")
                continue
            answered[r.item] = r
        subs_given = next((r.subcategories for r in members if r.subcategories), ())
        design = category or (mine.category.answer if mine.category else "")
        if kind == "resolution" and not category:
            agreed = report_entry(before, tool)["categories"]
            design = agreed[0] if agreed else ""
        plan = {"report": report, "reviewer": reviewer, "kind": kind, "tool": tool, "answers": answered,
                "category": category, "reason": None, "subs": (), "line": members[0].line, "mine": mine}
        notes = [r.comment for r in members if r.comment and not r.item]
        plan["reason"] = notes[0] if notes else None
        if not any(not r.item for r in members) and mine.category is not None:
            plan["reason"] = mine.category.comment  # no design row here: keep its note
        if design == tool.not_applicable:
            for r in answered.values():
                problems.add(r.line, "answer", f"report {report} is not-applicable ({tool.id} cannot "
                             "appraise it): it has no answers")
            reasons = notes or [r.comment for r in members if r.comment]
            plan["reason"] = reasons[0] if reasons else (mine.category.comment if mine.category and not category else None)
            if not plan["reason"]:
                problems.add(members[0].line, "comment", f"report {report} is not-applicable: say why "
                             "in comment (e.g. a description of a programme, no empirical study)")
        elif answered:
            criteria = [i for i in answered if tool.item(i).category is not None]
            if criteria and not design:
                r = answered[criteria[0]]
                problems.add(r.line, "category", f"report {report}: give the design category "
                             f"({', '.join(tool.category_ids)} or {tool.not_applicable}) with the answers")
            elif design:
                others = design_of_items(tool, design, criteria)
                if kind == "resolution" and not category:
                    subs_given = tuple(report_entry(before, tool)["categories"][1:])
                try:
                    plan["subs"] = check_design(tool, design, [*subs_given, *others])
                except InputError as exc:
                    culprit = next((answered[i] for i in criteria if tool.item(i).category in others), members[0])
                    problems.add(culprit.line, "item" if others else "subcategories",
                                 f"{culprit.item or ''} {exc.message}".strip())
        elif design and design in tool.category_ids:
            try:
                plan["subs"] = check_design(tool, design, subs_given)
            except InputError as exc:
                problems.add(members[0].line, "subcategories", exc.message)
        if category and not subs_given and not plan["subs"] and mine.category and mine.category.answer == category:
            plan["subs"] = mine.category.subcategories  # nothing answered of them here: keep them
        plans.append(plan)
    return plans


def _mixing(conn: Connection, rows: list[_Row], problems: _Problems) -> None:
    """One version per instrument family in a workspace (MMAT 2011 and 2018 never mix)."""
    t = appraisal_judgements
    used = {r.instrument for r in conn.execute(select(t.c.instrument).distinct())}
    for row in rows:
        for other in used - {row.instrument.id}:
            if other.split("-")[0] == row.instrument.family:
                problems.add(row.line, "instrument", f"this workspace already appraises with {other}; "
                             f"{row.instrument.id} is another version: never mix versions")
                return


def import_sheet(store: Store, path: str | Path, *, actor: str, reviewers: Sequence[str] = (),
                 default_reviewer: str | None = None, root: str | Path | None = None,
                 label: str | None = None) -> ImportSummary:
    """Validate a whole sheet, then record what changed in one transaction.

    Raises:
        InputError: the first problem (``FILE:LINE: column: what is wrong``; ``.problems``
            lists them all); nothing is written.
    """
    path = Path(path)
    header, rows = read_rows(path)
    return load_rows(store, header, rows, label=label or str(path), origin=f"import:{path.name}", actor=actor,
                     reviewers=reviewers, default_reviewer=default_reviewer, root=root)


def load_rows(store: Store, header: list[str], rows: list[tuple[int, dict[str, str]]], *, label: str,
              origin: str, actor: str, reviewers: Sequence[str] = (), default_reviewer: str | None = None,
              root: str | Path | None = None) -> ImportSummary:
    """Validate sheet rows (header, (line, row) pairs) whole, then record what changed."""
    name = label
    problems = _Problems(name)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; an appraisal sheet starts with "
                         f"{', '.join(COLUMNS)}", path=name, line=1, field=missing[0])
    tools = available(root)
    summary = ImportSummary(name, rows=len(rows))
    with store.transaction() as conn:
        state = current(conn)
        # A report no longer included keeps its appraisal (out of the synthesis): its rows still
        # import, so the committed sheet does too; a report never appraised must be included.
        included = {r.work_id for r in included_reports(conn)} | set(state)
        parsed = _parse(name, rows, tools, included, reviewers, default_reviewer, problems)
        _mixing(conn, parsed, problems)
        plans = _check_groups(parsed, state, problems)
        problems.check()
        for plan in plans:
            summary.reports.add(plan["report"])
            _apply(conn, plan, actor, origin, summary)
        summary.designs = sum(1 for r in parsed if not r.item)
        summary.answered = sum(1 for r in parsed if r.item and r.answer)
        summary.blank = sum(1 for r in parsed if r.item and not r.answer)
    return summary


def _apply(conn: Connection, plan: dict[str, Any], actor: str, origin: str, summary: ImportSummary) -> None:
    tool, mine = plan["tool"], plan["mine"]
    common = {"work_id": plan["report"], "instrument": tool.id, "reviewer": plan["reviewer"],
              "actor": actor, "origin": origin, "kind": plan["kind"]}
    if plan["category"]:
        now = mine.category
        reason = plan["reason"]
        if now is None or (now.answer, now.subcategories, now.comment or None) != (
                plan["category"], tuple(plan["subs"]), reason) or mine.instrument != tool.id:
            append(conn, item=CATEGORY_ITEM, answer=plan["category"], comment=reason,
                   subcategories=tuple(plan["subs"]), previous=now.answer if now else None, **common)
            summary.recorded += 1
        else:
            summary.unchanged += 1
    for item, row in plan["answers"].items():
        now = mine.items.get(item)
        comment = row.comment or None
        if now is not None and now.answer == row.answer and (now.comment or None) == comment:
            summary.unchanged += 1
            continue
        append(conn, item=item, answer=row.answer, comment=comment,
               previous=now.answer if now else None, **common)
        summary.recorded += 1


# -- export ------------------------------------------------------------------------


def _rows_for(report: Any, study: str, tool: Instrument, appraisal: Appraisal, reviewer: str,
              kind: str, template: bool) -> list[dict[str, Any]]:
    base = {"report": report.work_id, "study": study, "instrument": tool.id, "reviewer": reviewer,
            "kind": kind, "citation": report.citation}
    given = appraisal.category
    categories = appraisal.categories
    if categories and categories[0] == tool.not_applicable:
        reason = (given.comment if given else "") or ""
        return [{**base, "category": tool.not_applicable, "item": "", "answer": "", "comment": reason,
                 "subcategories": "", "question": tool.not_applicable_guidance}]
    items = tool.items_for(categories) if categories else [i.id for i in tool.all_items()]
    subs = ",".join(categories[1:])
    note = "" if given is None else given.comment or ""
    rows = [{**base, "category": categories[0] if categories else "", "item": "", "answer": "", "comment": note,
             "subcategories": subs, "question": "(design category: " + ", ".join(
                 [*tool.category_ids, tool.not_applicable]) + ")"}]
    for item in items:
        answer = None if template else appraisal.items.get(item)
        rows.append({**base, "category": categories[0] if categories else "", "item": item,
                     "answer": answer.answer if answer else "", "comment": (answer.comment or "") if answer else "",
                     "subcategories": subs, "question": tool.item(item).text})
    return rows


def export_sheet(store: Store, path: str | Path, *, template: bool = False, reviewers: Sequence[str] = (),
                 configured: Sequence[str] = (), instrument: Instrument | None = None,
                 reviewers_per_report: int = 1) -> int:
    """Write the sheet (CSV, or XLSX by suffix); returns the number of rows.

    Args:
        template: blank answers; each reviewer's own design category (and its note) stays,
            nobody else's is shown (blinded).
        reviewers: only these reviewers' rows (a blinded sheet for each); default every
            reviewer with judgements and every configured one (a blank reviewer when none).
    """
    tool = instrument or available()["mmat-2018"]
    path = Path(path)
    rows: list[dict[str, Any]] = []
    with store.read() as conn:
        state = current(conn)
        studies = study_keys(conn)
        reports = included_reports(conn)
        names = list(reviewers) or list(dict.fromkeys(
            [*configured, *sorted({n for r in state.values() for n in r.reviewers})])) or [""]
        for report in reports:
            record = state.get(report.work_id, ReportAppraisals(report.work_id))
            study = studies.get(report.work_id, "")
            for name in names:
                rows.extend(_rows_for(report, study, tool, record.reviewers.get(name, Appraisal()), name,
                                      "judgement", template))
            if template or reviewers:
                continue
            rows.extend(_resolution_rows(report, study, tool, record))
    write_rows(path, [*COLUMNS, *EXTRA_COLUMNS], rows, tool)
    return len(rows)


def _resolution_rows(report: Any, study: str, tool: Instrument, record: ReportAppraisals) -> list[dict[str, Any]]:
    rows = []
    base = {"report": report.work_id, "study": study, "instrument": tool.id, "kind": "resolution",
            "citation": report.citation}
    design = record.resolved.category
    if design is not None:
        rows.append({**base, "category": design.answer, "item": "", "answer": "", "comment": design.comment or "",
                     "reviewer": design.reviewer, "subcategories": ",".join(design.subcategories), "question": ""})
    for item, given in record.resolved.answers().items():
        rows.append({**base, "category": design.answer if design else "", "item": item, "answer": given.answer,
                     "comment": given.comment or "", "reviewer": given.reviewer,
                     "subcategories": ",".join(design.subcategories) if design else "",
                     "question": tool.item(item).text})
    return rows
