"""The PRISMA 2020 counts, derived from the database and checked before anything is drawn.

Units follow PRISMA 2020: *records* until title-abstract screening (one per record
imported, per source), *reports* from retrieval to eligibility (one per deduplicated work),
*studies* at inclusion (grouped by ``review studies``; an ungrouped report is its own study).

Columns: a work belongs to "databases and registers" when any of its records came from a
source of kind database or register, otherwise to "other methods" (websites, organisations,
citation searching). Records found by other methods that duplicate a database work, or each
other, are counted in the other column's "duplicates" box, and other-methods works excluded
at title-abstract in its "records excluded" box, so that every column adds up.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from review.reports.problems import Problem
from review.store import schema

DBR_KINDS = ("database", "register")
OTHER_KINDS = ("website", "organisation", "citation")
NO_REASON = "No reason recorded"

#: Keys whose value is a list of (name, n) rather than a number.
LIST_KEYS = ("database_specific_results", "register_specific_results", "records_excluded_reasons",
             "dbr_excluded", "other_excluded", "website_specific_results",
             "organisation_specific_results", "citations_specific_results")


@dataclass
class PrismaCounts:
    """Every number of the diagram, by the PRISMA2020 template's data keys (plus ours).

    ``values`` maps a data key to an int or, for :data:`LIST_KEYS`, a list of
    ``(name, n)``; ``open`` holds the keys still open (only with problems); ``problems``
    the coded problems.
    """

    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    open: set[str] = field(default_factory=set)
    reviewers_per_work: int = 1

    def n(self, key: str) -> int:
        """A count; the sum of a list key (counts not reported add nothing)."""
        value = self.values.get(key, 0)
        if isinstance(value, list):
            return sum(n for _name, n in value if n is not None)
        return int(value or 0)

    def reported(self, key: str) -> bool:
        """False for a count a CSV made elsewhere leaves as None (its ``xxx`` or ``NA``)."""
        value = self.values.get(key, 0)
        if isinstance(value, list):
            return all(n is not None for _name, n in value)
        return value is not None


def _source_records(conn: Connection, only: frozenset[int] | None = None) -> list[tuple[str, str, int]]:
    """(name, kind, records) per source name and kind, in import order (``only``: these sources)."""
    s, r = schema.sources, schema.records
    query = (select(s.c.name, s.c.kind, func.count(r.c.id), func.min(s.c.id))
             .select_from(s.outerjoin(r, r.c.source_id == s.c.id)))
    if only is not None:
        query = query.where(s.c.id.in_(sorted(only)))
    rows = conn.execute(query.group_by(s.c.name, s.c.kind).order_by(func.min(s.c.id)))
    return [(name, kind, int(n)) for name, kind, n, _first in rows]


def _work_columns(conn: Connection, mapping: dict[int, int],
                  only: frozenset[int] | None = None) -> tuple[dict[int, str], Counter, int]:
    """Each live work's column ("dbr" or "other"), records per column, ungrouped records
    (``only``: the records of these sources; ungrouped records are counted from all)."""
    s, r = schema.sources, schema.records
    kinds: dict[int, set[str]] = {}
    per_column: Counter = Counter()
    ungrouped = 0
    for work_id, kind, source_id in conn.execute(
            select(r.c.work_id, s.c.kind, s.c.id).join(s, r.c.source_id == s.c.id)):
        column = "dbr" if kind in DBR_KINDS else "other"
        if work_id is None:
            ungrouped += 1
            continue
        if only is not None and source_id not in only:
            continue
        per_column[column] += 1
        kinds.setdefault(mapping.get(work_id, work_id), set()).add(column)
    columns = {w: ("dbr" if "dbr" in c else "other") for w, c in kinds.items()}
    return columns, per_column, ungrouped


def _report_states(conn: Connection, mapping: dict[int, int]) -> dict[int, str]:
    """The latest full-text report state per live work (sought / retrieved / not-retrieved)."""
    from review.screening.fulltext import fulltext_reports as f

    latest: dict[int, str] = {}
    for work_id, status in conn.execute(select(f.c.work_id, f.c.status).order_by(f.c.id)):
        latest[mapping.get(work_id, work_id)] = status
    return latest


def _reason_of(view: Any, work: int, criteria: Any) -> str | None:
    """The one exclusion reason of a work: its resolution's, else the highest in the
    protocol's hierarchy among the reviewers' reasons."""
    resolution = view.resolutions.get(work)
    if resolution is not None:
        return resolution.reason
    reasons = [d.reason for d in view.decisions(work) if d.decision == "exclude" and d.reason]
    if not reasons:
        return None
    if len(set(reasons)) == 1:
        return reasons[0]
    if criteria is not None:
        try:
            return str(criteria.primary_reason(reasons))
        except Exception:  # an id the protocol no longer knows: keep the first given
            return reasons[0]
    return reasons[0]


def _reason_list(reasons: list[str | None], order: list[str], labels: dict[str, str]) -> list[tuple[str, int]]:
    counted = Counter(r or "" for r in reasons)
    rank = {rid: i for i, rid in enumerate(order)}
    keys = sorted(counted, key=lambda r: (r == "", rank.get(r, len(rank)), r))
    return [(labels.get(k, k) if k else NO_REASON, counted[k]) for k in keys]


def derive_counts(conn: Connection, *, criteria: Any = None, reviewers_per_work: int | None = None,
                  reason_labels: dict[str, str] | None = None) -> PrismaCounts:
    """Derive every PRISMA count and the problems that keep any of them open.

    Args:
        conn: a database connection.
        criteria: the protocol (``review.screening.criteria.Criteria``) for reason names and
            the exclusion hierarchy; None shows reason ids.
        reviewers_per_work: the dual-screening rule (default: the one last recorded).
        reason_labels: criterion id -> the name to print (overrides the criterion's text).
    """
    from review.screening.decisions import (
        eligible,
        latest_reviewers_per_work,
        not_retrieved_works,
        stage_view,
    )
    from review.screening.works import live_map
    from review.versions import previous_works, version_scope

    rpw = reviewers_per_work or latest_reviewers_per_work(conn) or 1
    # One pass over each log (the screening module's own views and rules), not one per count.
    mapping = live_map(conn)
    # An update (review update start) counts its own searches and new works only: a record of
    # a work screened in an earlier version is a duplicate removed before screening.
    scope = version_scope(conn)
    only = scope.sources if scope is not None else None
    earlier = previous_works(conn, mapping, scope.number) if scope is not None else set()
    live = sorted(w for w, lw in mapping.items() if w == lw and w not in earlier)
    sources = _source_records(conn, only)
    columns, per_column, ungrouped = _work_columns(conn, mapping, only)
    alive = set(live)
    columns = {w: c for w, c in columns.items() if w in alive}
    ta_view = stage_view(conn, "title-abstract", mapping)
    ft_view = stage_view(conn, "full-text", mapping)
    ta = {w: ta_view.status(w, rpw) for w in live}
    passed = {w for w, status in ta.items() if status in ("include", "maybe")}
    missing = not_retrieved_works(conn, mapping)
    ft = {w: ft_view.status(w, rpw) for w in eligible(live, "full-text", ta_view, rpw, missing)}
    states = {w: status for w, status in _report_states(conn, mapping).items() if w in passed}
    order = [c.id for c in criteria.reasons] if criteria is not None else []
    labels = {c.id: c.text for c in criteria.reasons} if criteria is not None else {}
    if criteria is not None:  # "Other reason (explain in the note)" -> "Other reason"
        labels[criteria.other_id] = re.sub(r"\s*\([^)]*\)\s*$", "", criteria.other.text) or criteria.other.text
    labels.update(reason_labels or {})

    v: dict[str, Any] = {}
    by_kind = {kind: [(name, n) for name, k, n in sources if k == kind]
               for kind in (*DBR_KINDS, *OTHER_KINDS)}
    v["database_specific_results"] = by_kind["database"]
    v["register_specific_results"] = by_kind["register"]
    v["website_specific_results"] = by_kind["website"]
    v["organisation_specific_results"] = by_kind["organisation"]
    v["citations_specific_results"] = by_kind["citation"]
    v["database_results"] = sum(n for _s, n in by_kind["database"])
    v["register_results"] = sum(n for _s, n in by_kind["register"])
    v["website_results"] = sum(n for _s, n in by_kind["website"])
    v["organisation_results"] = sum(n for _s, n in by_kind["organisation"])
    v["citations_results"] = sum(n for _s, n in by_kind["citation"])
    other_kinds = {k for _n, k, _c in sources} - set(DBR_KINDS) - set(OTHER_KINDS)

    for col, prefix in (("dbr", "dbr"), ("other", "other")):
        works = sorted(w for w, c in columns.items() if c == col)
        passed = [w for w in works if ta.get(w) in ("include", "maybe")]
        excluded_ta = [w for w in works if ta.get(w) == "exclude"]
        sought = [w for w in passed if states.get(w) in ("sought", "retrieved", "not-retrieved")]
        not_retrieved = [w for w in passed if states.get(w) == "not-retrieved"]
        assessed = [w for w in passed if states.get(w) == "retrieved" or (w in ft and w not in states)]
        excluded_ft = [w for w in assessed if ft.get(w) == "exclude"]
        included = [w for w in assessed if ft.get(w) == "include"]
        if col == "dbr":
            v["duplicates"] = per_column["dbr"] - len(works)
            v["excluded_automatic"] = 0
            v["excluded_other"] = 0
            v["records_screened"] = len(works)
            v["records_excluded"] = len(excluded_ta)
            v["records_excluded_reasons"] = _reason_list(
                [_reason_of(ta_view, w, criteria) for w in excluded_ta], order, labels)
        else:
            v["other_duplicates"] = per_column["other"] - len(works)
            v["other_records_screened"] = len(works)
            v["other_records_excluded"] = len(excluded_ta)
        v[f"{prefix}_sought_reports"] = len(sought)
        v[f"{prefix}_notretrieved_reports"] = len(not_retrieved)
        v[f"{prefix}_assessed"] = len(assessed)
        v[f"{prefix}_excluded"] = _reason_list([_reason_of(ft_view, w, criteria) for w in excluded_ft],
                                               order, labels)
        v[f"{prefix}_included"] = len(included)
    included_ids = sorted(w for w, s in ft.items() if s == "include")
    v["new_reports"] = v["total_reports"] = len(included_ids)
    v["new_studies"] = v["total_studies"] = _study_count(conn, included_ids)
    if scope is not None:
        _add_previous(conn, v, scope, included_ids)
    problems = _problems(conn, v, ta, ft, states, columns, ungrouped, other_kinds, ft_view, criteria)
    result = PrismaCounts(values=v, problems=problems, reviewers_per_work=rpw)
    for problem in problems:
        result.open.update(problem.affects)
    if not problems:
        arithmetic = check_arithmetic(result)
        result.problems.extend(arithmetic)
    return result


def _add_previous(conn: Connection, v: dict[str, Any], scope: Any, included: list[int]) -> None:
    """PRISMA 2020's updated-review boxes: previous studies and reports, new, and total."""
    from review.versions import study_keys

    v["update_version"] = scope.number
    v["previous_studies"] = scope.previous_studies
    v["previous_reports"] = scope.previous_reports
    v["new_studies"] = len(study_keys(conn, included) - scope.previous_study_keys)
    v["total_studies"] = scope.previous_studies + v["new_studies"]
    v["total_reports"] = scope.previous_reports + v["new_reports"]


def updated(counts: PrismaCounts) -> bool:
    """Whether the counts are an updated review's: derived in an update (``review update
    start``), or a CSV giving studies of a previous version."""
    return "update_version" in counts.values or bool(counts.reported("previous_studies")
                                                     and counts.n("previous_studies"))


def _study_count(conn: Connection, included: list[int]) -> int:
    """Studies among the included reports: grouped by ``review studies``, else one each."""
    try:
        from review.studies import study_of  # type: ignore[attr-defined]
    except ImportError:
        return len(included)
    groups = study_of(conn)
    keys = {("study", groups[w].key) if w in groups else ("report", w) for w in included}
    return len(keys)


_BELOW_TA = ("records_excluded", "records_excluded_reasons", "other_records_excluded",
             "dbr_sought_reports", "other_sought_reports")
_BELOW_RETRIEVAL = ("dbr_notretrieved_reports", "other_notretrieved_reports", "dbr_assessed", "other_assessed")
_BELOW_FT = ("dbr_excluded", "other_excluded", "new_studies", "new_reports", "total_studies", "total_reports")


def _problems(conn: Connection, v: dict[str, Any], ta: dict[int, str], ft: dict[int, str],
              states: dict[int, str], columns: dict[int, str], ungrouped: int,
              other_kinds: set[str], ft_view: Any, criteria: Any) -> list[Problem]:
    from review.corpus.dedup.tables import queue

    found: list[Problem] = []
    everything = (*_BELOW_TA, *_BELOW_RETRIEVAL, *_BELOW_FT)
    if not v["database_results"] + v["register_results"] + sum(
            v[k] for k in ("website_results", "organisation_results", "citations_results")):
        found.append(Problem("PRISMA-01", "no search results imported",
                             "import the exports: review import FILE --source NAME", everything))
    if other_kinds:
        found.append(Problem("PRISMA-01", f"sources of unknown kind {sorted(other_kinds)}",
                             "set the kind: review sources edit NAME --kind database|register|"
                             "citation|organisation|website", everything))
    if ungrouped:
        found.append(Problem("PRISMA-02", f"{ungrouped} records are not yet deduplicated",
                             "run: review dedup", ("duplicates", "records_screened", *everything)))
    open_pairs = conn.execute(select(func.count()).select_from(queue).where(queue.c.status == "open")).scalar_one()
    if open_pairs:
        found.append(Problem("PRISMA-03", f"{open_pairs} uncertain duplicate pairs not yet settled",
                             "settle them: review dedup check", ("duplicates", "records_screened", *everything)))
    statuses = Counter(ta.values())
    undecided = statuses["undecided"] + statuses["awaiting-second"]
    if undecided:
        found.append(Problem("PRISMA-04", f"{undecided} records have no (or not enough) title-abstract decisions",
                             "screen them: review screen --stage title-abstract --reviewer NAME", everything))
    if statuses["conflict"]:
        found.append(Problem("PRISMA-05", f"{statuses['conflict']} title-abstract conflicts",
                             "resolve them: review screen conflicts --stage title-abstract", everything))
    passed = [w for w, s in ta.items() if s in ("include", "maybe")]
    pending = [w for w in passed if states.get(w, "pending") == "pending"]
    if pending:
        found.append(Problem("PRISMA-06", f"{len(pending)} reports eligible for full text not yet sought "
                             f"(works {_ids(pending)})",
                             "record them: review fulltext sought|retrieved|not-retrieved WORK",
                             (*_BELOW_TA[3:], *_BELOW_RETRIEVAL, *_BELOW_FT)))
    awaited = [w for w in passed if states.get(w) == "sought"]
    if awaited:
        found.append(Problem("PRISMA-07", f"{len(awaited)} reports sought but neither retrieved nor marked "
                             f"not retrieved (works {_ids(awaited)})",
                             "record them: review fulltext retrieved WORK --file PDF, or "
                             "review fulltext not-retrieved WORK --reason TEXT", (*_BELOW_RETRIEVAL, *_BELOW_FT)))
    ft_statuses = Counter(ft.values())
    undecided_ft = ft_statuses["undecided"] + ft_statuses["awaiting-second"]
    if undecided_ft:
        found.append(Problem("PRISMA-08", f"{undecided_ft} reports have no (or not enough) full-text decisions",
                             "screen them: review screen --stage full-text --reviewer NAME", _BELOW_FT))
    if ft_statuses["conflict"]:
        found.append(Problem("PRISMA-09", f"{ft_statuses['conflict']} full-text conflicts (decision or reason)",
                             "resolve them: review screen conflicts --stage full-text", _BELOW_FT))
    if ft_statuses["maybe"]:
        found.append(Problem("PRISMA-10", f"{ft_statuses['maybe']} full-text decisions are still 'maybe'",
                             "settle them: review screen resolve WORK --stage full-text "
                             "--decision include|exclude --reviewer NAME", _BELOW_FT))
    no_reason = [w for w, s in ft.items() if s == "exclude" and not _reason_of(ft_view, w, criteria)]
    if no_reason:
        found.append(Problem("PRISMA-11", f"{len(no_reason)} full-text exclusions have no reason "
                             f"(works {_ids(no_reason)})",
                             "record one reason per report: review screen resolve WORK --stage full-text "
                             "--decision exclude --reason ID --reviewer NAME", ("dbr_excluded", "other_excluded")))
    return found


def _ids(ids: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(i) for i in sorted(ids)[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def check_arithmetic(counts: PrismaCounts) -> list[Problem]:
    """The sums the diagram implies, each as a PRISMA-99 problem when it fails (a sum whose
    terms are not all known, e.g. from a CSV made elsewhere, is not checked)."""
    checks = [
        ("records screened = database + register records - duplicates - automation - other removals",
         ["records_screened"], ["database_results", "register_results"],
         ["duplicates", "excluded_automatic", "excluded_other"]),
        ("reports sought = records screened - records excluded",
         ["dbr_sought_reports"], ["records_screened"], ["records_excluded"]),
        ("reports assessed = reports sought - reports not retrieved",
         ["dbr_assessed"], ["dbr_sought_reports"], ["dbr_notretrieved_reports"]),
        ("reports excluded (databases and registers) = assessed - included",
         ["dbr_excluded"], ["dbr_assessed"], ["dbr_included"]),
        ("other methods: works = records identified - duplicates", ["other_records_screened"],
         ["website_results", "organisation_results", "citations_results"], ["other_duplicates"]),
        ("other methods: reports sought = works - records excluded", ["other_sought_reports"],
         ["other_records_screened"], ["other_records_excluded"]),
        ("other methods: reports assessed = sought - not retrieved", ["other_assessed"],
         ["other_sought_reports"], ["other_notretrieved_reports"]),
        ("reports excluded (other methods) = assessed - included", ["other_excluded"],
         ["other_assessed"], ["other_included"]),
        ("reports of included studies = reports assessed - reports excluded (both columns)",
         ["new_reports"], ["dbr_assessed", "other_assessed"], ["dbr_excluded", "other_excluded"]),
        ("studies included <= reports of included studies", ["new_studies"], [], []),
        ("total studies = studies of the previous version + new studies", ["total_studies"],
         ["previous_studies", "new_studies"], []),
        ("reports of total included studies = previous reports + reports of new studies", ["total_reports"],
         ["previous_reports", "new_reports"], []),
    ]
    found = []
    for what, left, plus, minus in checks:
        keys = [*left, *plus, *minus]
        if any(k not in counts.values or not counts.reported(k) for k in keys):
            continue
        if left[0].startswith("total") and not updated(counts):  # the template's 0 outside an update
            continue
        got = sum(counts.n(k) for k in left)
        expected = sum(counts.n(k) for k in plus) - sum(counts.n(k) for k in minus)
        if what.startswith("studies"):
            if got > counts.n("new_reports"):
                found.append(Problem("PRISMA-99", f"{what}: {got} > {counts.n('new_reports')}",
                                     _FIX_ARITHMETIC))
            continue
        if got != expected:
            found.append(Problem("PRISMA-99", f"{what}: {got} != {expected}", _FIX_ARITHMETIC))
    return found


_FIX_ARITHMETIC = ("correct the counts (a file from elsewhere) or report it with `review status --json` "
                   "(a database edited by hand)")
