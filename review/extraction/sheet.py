"""``review extract export`` and ``review extract import``: the fragment sheet both ways.

The sheet's first columns are DESIGN.md's contract, then ``evidence, text, relevance_note,
rigour_note, note, labels`` (``labels``: a QDA project's other codes, ``a; b``; a sheet
without the column leaves the fragments' labels as they are); the export adds columns the
import ignores (``page``, ``char_start``, ``char_end``, ``citation``, ``mmat``, ``partial``),
for reading and sorting.

Import reads protocols/theories.yaml (and the theory-changes log) first, so a theory just
written there is known. Import is all or nothing: every row is validated and its quote verified first; any problem
stops it with ``FILE:LINE: column: what is wrong`` and nothing is written. A row with a
``fragment_id`` changes that fragment; a row without one is the current fragment of the same
report with the same quote, location and coder when there is one, else a new fragment.
Exporting and importing the same file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from review.errors import FormatError, InputError, NotFound
from review.extraction.fragments import (
    FragmentValues,
    current_fragments,
    find_same,
    get_fragment,
    save_fragment,
)
from review.extraction.labels import format_labels, labels_by_fragment, parse_labels, set_labels
from review.extraction.model import Fragment, format_theories, is_partial
from review.extraction.sheetio import read_sheet, write_sheet
from review.extraction.verify import Checker
from review.store import Store
from review.synthesis.current import check_removed_theories, theories_current

CONTRACT_COLUMNS = ("fragment_id", "report", "quote", "location", "context", "mechanism_resource",
                    "mechanism_reasoning", "outcome", "theories", "relevance", "rigour", "coder", "verified")
SHEET_COLUMNS = (*CONTRACT_COLUMNS, "evidence", "text", "relevance_note", "rigour_note", "note", "labels")
INFO_COLUMNS = ("page", "char_start", "char_end", "citation", "mmat", "partial")
EXPORT_COLUMNS = (*SHEET_COLUMNS, *INFO_COLUMNS)
REQUIRED = ("report", "quote")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


class SheetError(InputError):
    """Rows that cannot be imported; ``problems`` lists every one (the message, the first)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(first.message + more, path=first.path, line=first.line, field=first.field)


@dataclass
class ImportResult:
    path: str
    rows: int = 0
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    unverified: list[int] = field(default_factory=list)  # stored with verified = no / no-text
    notes: list[str] = field(default_factory=list)  # what was read but not imported, and why

    def summary(self) -> str:
        return (f"{self.path}: {self.rows} row(s): {len(self.created)} new, {len(self.updated)} changed, "
                f"{len(self.unchanged)} unchanged fragment(s)"
                + (f"; {len(self.unverified)} not verified against a full text" if self.unverified else "")
                + "".join(f"\n  {note}" for note in self.notes))


def mmat_profiles(conn: Connection) -> dict[int, dict[str, Any]]:
    """Each report's MMAT profile from the appraisal stage (empty when it is not there)."""
    try:
        from review.appraisal import report_profiles
    except ImportError:
        return {}
    try:
        return report_profiles(conn)
    except Exception:  # noqa: BLE001 - the appraisal stage's own problem; the sheet goes on
        return {}


def mmat_summary(profile: dict[str, Any] | None) -> str:
    """``Qualitative: 4/5 criteria met (appraised)``, or "" without a profile."""
    if not profile:
        return ""
    label = profile.get("category_label") or ", ".join(profile.get("categories") or []) or "MMAT"
    status = profile.get("status") or ""
    if status == "not-applicable":
        return f"not applicable: {profile.get('not_applicable_reason') or ''}".strip(": ")
    met, rated = profile.get("criteria_met"), profile.get("criteria_rated")
    counts = f": {met}/{rated} criteria met" if rated else ""
    return f"{label}{counts} ({status})" if status else f"{label}{counts}"


def fragment_row(fragment: Fragment, own_text: str | None, citation: str, mmat: str,
                 labels: list[str] | None = None) -> dict[str, Any]:
    """A fragment as a sheet row."""
    text = fragment.text_path if fragment.text_path and fragment.text_path != own_text else ""
    return {
        "fragment_id": fragment.id, "report": fragment.work_id, "quote": fragment.quote,
        "location": fragment.location, "context": fragment.context,
        "mechanism_resource": fragment.mechanism_resource,
        "mechanism_reasoning": fragment.mechanism_reasoning, "outcome": fragment.outcome,
        "theories": format_theories(fragment.links), "relevance": fragment.relevance,
        "rigour": fragment.rigour, "coder": fragment.coder, "verified": fragment.verified,
        "evidence": fragment.evidence, "text": text, "relevance_note": fragment.relevance_note,
        "rigour_note": fragment.rigour_note, "note": fragment.note, "page": fragment.page,
        "char_start": fragment.char_start, "char_end": fragment.char_end, "citation": citation,
        "mmat": mmat, "partial": "yes" if is_partial(fragment) else "no",
        "labels": format_labels(labels or []),
    }


def export_fragments(store: Store, path: Path, *, report: int | None = None,
                     reviewers_per_work: int = 1) -> int:
    """Write every current fragment (of one report, with ``report``) to ``path``; returns how many."""
    from review.included import included_reports

    with store.read() as conn:
        if report is not None:
            from review.included import require_included

            require_included(conn, report, reviewers_per_work=reviewers_per_work)
        items = current_fragments(conn, report=report)
        reports = {r.work_id: r for r in included_reports(conn, reviewers_per_work=reviewers_per_work)}
        profiles = mmat_profiles(conn)
        labels = labels_by_fragment(conn)
    rows = []
    for item in items:
        info = reports.get(item.work_id)
        rows.append(fragment_row(item, info.fulltext if info else None,
                                 info.citation if info else "", mmat_summary(profiles.get(item.work_id)),
                                 labels.get(item.id)))
    write_sheet(path, EXPORT_COLUMNS, rows, wide=("quote", "context", "mechanism_resource",
                                                  "mechanism_reasoning", "outcome", "note"))
    return len(rows)


def _fragment_id(value: str) -> int | None:
    text = (value or "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text:
        return None
    if not text.isdigit():
        raise InputError(f"expected a fragment number, got {value.strip()!r}", field="fragment_id")
    return int(text)


def _plan_row(conn: Connection, checker: Checker, row: dict[str, str],
              keys: dict[tuple, int], line: int) -> tuple[int | None, FragmentValues]:
    fragment_id = _fragment_id(row.get("fragment_id", ""))
    if fragment_id is not None:
        existing = get_fragment(conn, fragment_id)
        if existing.deleted_at:
            raise NotFound(f"fragment {fragment_id} was deleted on {existing.deleted_at}", field="fragment_id")
    try:
        values = checker.values(row)
    except InputError as exc:
        if exc.field != "quote" or "not found in" not in exc.message:
            raise
        # A fragment already kept as unverified (with --allow-unverified) stays so.
        work_id = checker.report(row.get("report"))
        quote = (row.get("quote") or "").strip()
        known = fragment_id or find_same(conn, work_id, quote, (row.get("location") or "").strip() or None,
                                         checker.coder(row.get("coder")))
        if known is None or get_fragment(conn, known).verified != "no" or get_fragment(conn, known).quote != quote:
            raise
        values = checker.values(row, allow_unverified=True)
    key = (values.work_id, values.quote, values.location, values.coder)
    if key in keys:
        raise InputError(f"the same report, quote, location and coder as line {keys[key]}", field="quote")
    keys[key] = line
    if fragment_id is None:
        fragment_id = find_same(conn, *key)
    if fragment_id is None:
        checker.require_included(values.work_id)  # a kept report's fragments are corrected, not added to
    return fragment_id, values


def import_fragments(store: Store, path: Path, *, root: Path, actor: str, allow_unverified: bool = False,
                     coders: list[str] | None = None, reviewers_per_work: int = 1,
                     origin: str = "import") -> ImportResult:
    """Import a fragment sheet (CSV or XLSX), all or nothing.

    Raises:
        SheetError: one or more rows are wrong (each with its line and column).
        FormatError: the file is not a readable sheet or lacks a required column.
    """
    header, rows = read_sheet(path)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FormatError(f"missing column(s) {', '.join(missing)}; the sheet's columns are "
                          f"{', '.join(SHEET_COLUMNS)}", path=path, line=1)
    return import_rows(store, str(path), rows, root=root, actor=actor, allow_unverified=allow_unverified,
                       coders=coders, reviewers_per_work=reviewers_per_work, origin=origin)


def import_rows(store: Store, path: str, rows: list[tuple[int, dict[str, str]]], *, root: Path, actor: str,
                allow_unverified: bool = False, coders: list[str] | None = None, reviewers_per_work: int = 1,
                origin: str = "import") -> ImportResult:
    """Validate and record fragment rows (sheet cells by column), all or nothing.

    Raises:
        SheetError: one or more rows are wrong (each with its line and column).
    """
    result = ImportResult(path, rows=len(rows))
    with store.read() as conn:  # PDFs take a while: read them before taking the write lock
        cache = Checker(conn, root, reviewers_per_work=reviewers_per_work).preload([r for _, r in rows])
    with store.transaction() as conn:
        # The theories as protocols/theories.yaml now says (no `review run` needed); a theory
        # removed from it may still be cited until these rows are saved, then it may not.
        model = theories_current(conn, root, actor=actor, check_removed=False)
        checker = Checker(conn, root, coders=coders, default_coder=actor, allow_unverified=allow_unverified,
                          reviewers_per_work=reviewers_per_work, cache=cache)
        plan: list[tuple[int | None, FragmentValues, list[str] | None]] = []
        problems: list[Problem] = []
        keys: dict[tuple, int] = {}
        for line, row in rows:
            try:
                fragment_id, values = _plan_row(conn, checker, row, keys, line)
                plan.append((fragment_id, values, parse_labels(row["labels"]) if "labels" in row else None))
            except InputError as exc:
                problems.append(Problem(path, line, exc.field, exc.message))
        if problems:
            raise SheetError(problems)
        for fragment_id, values, labels in plan:
            saved, action = save_fragment(conn, values, actor=actor, fragment_id=fragment_id, origin=origin)
            if labels is not None and set_labels(conn, saved, labels, actor=actor, origin=origin) \
                    and action == "unchanged":
                action = "updated"
            getattr(result, action).append(saved)
            if values.verified != "yes":
                result.unverified.append(saved)
        check_removed_theories(conn, model.protocol, root)
    return result
