"""Screening decisions in and out: our CSV, Rayyan's and Covidence's CSV exports.

``import_decisions`` reads a file, works out each row's decision for one reviewer,
matches the row to a work, maps exclusion reasons to criterion ids, and records the
decisions in one transaction. Nothing is guessed:

- a row is matched by every identifier it carries (our work id, the export's record id,
  DOI, PMID, normalised title: exact after normalisation, never fuzzy); the works they
  point to must agree on exactly one work, otherwise the row is reported as unmatched,
  ambiguous or conflicting, with its file and line;
- an exclusion reason must be a criterion id, a criterion's text, or mapped with
  ``reason_map``; otherwise it is an error (or the ``other`` reason with the original text
  as the note, when ``unmapped_reasons="other"``);
- any problem stops the import before anything is written (all problems are listed);
  ``skip_unmatched=True`` imports the matched rows and reports the unmatched ones.

Importing the same file twice adds nothing: a decision identical to the reviewer's
current one is skipped. ``export_decisions`` writes every current decision (all
reviewers, and resolutions) as a tidy CSV that ``import_decisions`` reads back.

The per-format readers (which rows carry which decision) live in
:mod:`review.screening.exchange_formats`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.corpus.normalise import clean_title, normalise_doi, normalise_pmid
from review.errors import InputError
from review.screening.decisions import STAGES, check_stage, current_decisions, record_decision
from review.screening.exchange_formats import FORMATS, ExchangeRow, read_rows
from review.screening.works import live_map, require_works
from review.store import Store, schema

if TYPE_CHECKING:  # pragma: no cover
    from review.screening.criteria import Criteria

#: Columns of ``review screen export`` (and of our own import format).
EXPORT_COLUMNS = (
    "decision_id", "stage", "work_id", "reviewer", "kind", "decision", "reason", "reason_text",
    "note", "origin", "created_at", "record_ids", "source_ids", "title", "doi", "year",
)
UNMAPPED_CHOICES = ("error", "other")


@dataclass(frozen=True)
class Problem:
    """One row that cannot be imported, and why."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class ExchangeError(InputError):
    """Rows that cannot be imported; ``problems`` lists every one (the message, the first)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(first.message + more, path=first.path, line=first.line)


@dataclass
class ImportReport:
    """What ``review screen import`` did."""

    path: str
    format: str
    reviewer: str
    from_reviewer: str | None
    rows: int = 0
    recorded: int = 0
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # why -> rows
    unmatched: list[Problem] = field(default_factory=list)  # reported, with skip_unmatched

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


# -- matching ---------------------------------------------------------------------------


def normalise_title(value: Any) -> str | None:
    """Title key for exact matching: case, accents, punctuation and spacing removed."""
    text = clean_title(value)
    if not text:
        return None
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[\W_]+", " ", text).strip()
    return text or None


class WorkIndex:
    """Every live work by each identifier its records carry."""

    def __init__(self, conn: Connection) -> None:
        require_works(conn)
        self.live = live_map(conn)
        self.by: dict[str, dict[str, set[int]]] = {k: {} for k in ("ref", "doi", "pmid", "title")}
        self.work_keys: dict[int, dict[str, set[str]]] = {}
        w, r = schema.works, schema.records
        for row in conn.execute(select(w.c.id, w.c.doi, w.c.pmid, w.c.title)):
            self._add(row.id, None, row.doi, row.pmid, row.title)
        for row in conn.execute(select(r.c.work_id, r.c.source_ref, r.c.doi, r.c.pmid, r.c.title)
                                .where(r.c.work_id.is_not(None))):
            self._add(row.work_id, row.source_ref, row.doi, row.pmid, row.title)

    def _add(self, work_id: int, ref: Any, doi: Any, pmid: Any, title: Any) -> None:
        live = self.live.get(work_id, work_id)
        keys = {"ref": str(ref).strip() if ref else None, "doi": normalise_doi(doi),
                "pmid": normalise_pmid(pmid), "title": normalise_title(title)}
        for kind, key in keys.items():
            if key:
                self.by[kind].setdefault(key, set()).add(live)
                self.work_keys.setdefault(live, {}).setdefault(kind, set()).add(key)

    def match(self, row: ExchangeRow) -> tuple[int | None, str | None]:
        """The one work the row's identifiers agree on, or (None, why not)."""
        found: list[tuple[str, set[int]]] = []
        keys = {"doi": normalise_doi(row.doi), "pmid": normalise_pmid(row.pmid),
                "title": normalise_title(row.title)}
        refs = {ref for ref in row.refs if ref}
        if row.work_id is not None and self._consistent(row.work_id, keys):
            found.append((f"work id {row.work_id}", {self.live[row.work_id]}))
        for ref in sorted(refs):
            if ref in self.by["ref"]:
                found.append((f"record id {ref!r}", self.by["ref"][ref]))
        for kind in ("doi", "pmid", "title"):
            key = keys[kind]
            if key and key in self.by[kind]:
                label = "title" if kind == "title" else f"{kind.upper()} {key}"
                found.append((label, self.by[kind][key]))
        if not found:
            tried = [name for name, value in (("record id", refs), ("DOI", keys["doi"]),
                                              ("PMID", keys["pmid"]), ("title", keys["title"])) if value]
            return None, ("no work matches its " + ", ".join(tried) if tried
                          else "the row has no record id, DOI, PMID or title to match")
        common = set.intersection(*(works for _, works in found))
        if len(common) == 1:
            return common.pop(), None
        if not common:
            detail = "; ".join(f"{name} -> work {', '.join(map(str, sorted(ws)))}" for name, ws in found)
            return None, f"its identifiers point to different works ({detail})"
        return None, (f"ambiguous: {' and '.join(name for name, _ in found)} match works "
                      f"{', '.join(map(str, sorted(common)))}")

    def _consistent(self, work_id: int, keys: Mapping[str, str | None]) -> bool:
        """Whether our own work id names the same work here (a file from another workspace
        may carry ids that mean other works): the DOI or title must agree when given."""
        if work_id not in self.live:
            return False
        mine = self.work_keys.get(self.live[work_id], {})
        checks = [(kind, keys[kind]) for kind in ("doi", "title") if keys.get(kind)]
        return not checks or any(key in mine.get(kind, set()) for kind, key in checks)


# -- reasons ----------------------------------------------------------------------------


def _reason_key(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".").strip()


class ReasonMapper:
    """Exclusion reasons as written in a file -> criterion ids."""

    def __init__(self, criteria: Criteria | None, reason_map: Mapping[str, str] | None,
                 unmapped: str) -> None:
        if unmapped not in UNMAPPED_CHOICES:
            raise InputError(f"use one of: {', '.join(UNMAPPED_CHOICES)}", field="--unmapped-reasons")
        self.criteria = criteria
        self.unmapped = unmapped
        self.known: dict[str, str] = {}
        if criteria is not None:
            for item in criteria.reasons:
                self.known[_reason_key(item.id)] = item.id
                self.known[_reason_key(item.text)] = item.id
        for text, target in (reason_map or {}).items():
            if criteria is not None and not criteria.is_reason(target):
                criteria.get(target)  # NotFound for an unknown id
                raise InputError(f"{target!r} is not an exclusion reason", field="--reason-map")
            self.known[_reason_key(text)] = target

    def map(self, texts: list[str], raw: str | None = None, *,
            required: bool = False) -> tuple[str | None, str | None, str | None]:
        """(criterion id, note to add, problem) for the reasons one row gives.

        The whole text is tried first (a reason may contain the separator), then each part.
        A row that gives none where one is ``required`` (a full-text exclusion, e.g. from
        Covidence's "excluded" list, which has no reason column) gets ``other`` when unmapped
        reasons go to other; otherwise recording it is refused.
        """
        if not texts:
            if required and self.unmapped == "other" and self.criteria is not None:
                return self.criteria.other_id, "No exclusion reason in the file", None
            return None, None, None
        if self.criteria is None:
            return None, None, "exclusion reasons need protocols/criteria.yaml to map them to"
        for whole in (raw, ", ".join(texts)):
            if whole and (target := self.known.get(_reason_key(whole))):
                return target, None, None
        ids = [self.known[_reason_key(t)] for t in texts if _reason_key(t) in self.known]
        unmapped = [t for t in texts if _reason_key(t) not in self.known]
        if unmapped and self.unmapped == "error":
            quoted = ", ".join(repr(t) for t in unmapped)
            return None, None, (f"unmapped exclusion reason {quoted}; map it with --reason-map "
                                f"'{unmapped[0]}=CRITERION_ID' or pass --unmapped-reasons other")
        if unmapped:
            ids.append(self.criteria.other_id)
        primary = self.criteria.primary_reason(ids)
        notes = []
        if unmapped:
            notes.append("Reason given: " + "; ".join(unmapped))
        others = [i for i in dict.fromkeys(ids) if i not in (primary, self.criteria.other_id)]
        if others:
            notes.append("Also: " + ", ".join(others))
        return primary, " | ".join(notes) or None, None


# -- import -----------------------------------------------------------------------------


def _join_note(*parts: str | None) -> str | None:
    text = " | ".join(p.strip() for p in parts if p and p.strip())
    return text or None


def import_decisions(
    store: Store,
    path: str | Path,
    *,
    stage: str,
    reviewer: str,
    fmt: str = "auto",
    from_reviewer: str | None = None,
    covidence_list: str | None = None,
    reason_map: Mapping[str, str] | None = None,
    unmapped_reasons: str = "error",
    skip_unmatched: bool = False,
    criteria: Criteria | None = None,
    reviewers: list[str] | None = None,
    reviewers_per_work: int = 1,
    actor: str | None = None,
) -> ImportReport:
    """Record the decisions a file holds as ``reviewer``'s, at ``stage``, all or nothing.

    Args:
        path: the CSV file.
        stage: title-abstract or full-text.
        reviewer: whose decisions they become here.
        fmt: auto, ours, rayyan or covidence.
        from_reviewer: the reviewer's name in the file (ours, Rayyan), if not ``reviewer``.
        covidence_list: which Covidence list the file is (irrelevant, select, included,
            excluded), if its name does not say.
        reason_map: reason text as in the file -> criterion id.
        unmapped_reasons: "error", or "other" to record the ``other`` reason with the text.
        skip_unmatched: import the rows that match; report the rest instead of stopping.

    Raises:
        ExchangeError: rows that cannot be imported (every one listed); nothing written.
        InputError: an unreadable file, unknown format, or bad option.
    """
    check_stage(stage)
    path = Path(path)
    mapper = ReasonMapper(criteria, reason_map, unmapped_reasons)
    parsed = read_rows(path, fmt=fmt, stage=stage, reviewer=reviewer, from_reviewer=from_reviewer,
                       covidence_list=covidence_list, others=[r for r in reviewers or () if r != reviewer])
    report = ImportReport(path=str(path), format=parsed.format, reviewer=reviewer,
                          from_reviewer=parsed.from_reviewer)
    problems: list[Problem] = [Problem(str(path), line, msg) for line, msg in parsed.problems]
    origin = f"import:{parsed.format}"
    with store.transaction() as conn:
        index = WorkIndex(conn)
        mine: dict[int, Any] = {d.work_id: d for d in current_decisions(conn, stage)
                if d.reviewer == reviewer and d.kind == "decision"}
        seen: dict[int, tuple[int, tuple[str, str | None]]] = {}
        for row in parsed.rows:
            report.rows += 1
            if row.skip:
                report.skip(row.skip)
                continue
            work_id, why = index.match(row)
            if work_id is None:
                problem = Problem(str(path), row.line, f"unmatched row: {why}")
                (report.unmatched if skip_unmatched else problems).append(problem)
                continue
            reason, reason_note, trouble = (None, None, None)
            if row.decision == "exclude":
                reason, reason_note, trouble = mapper.map(row.reasons, row.reasons_raw,
                                                          required=stage == "full-text")
            if trouble:
                problems.append(Problem(str(path), row.line, trouble))
                continue
            note = _join_note(row.note, reason_note)
            key = (str(row.decision), reason)
            if work_id in seen and seen[work_id][1] != key:
                problems.append(Problem(str(path), row.line,
                                        f"work {work_id} was given another decision on line {seen[work_id][0]}"))
                continue
            seen.setdefault(work_id, (row.line, key))
            current = mine.get(work_id)
            if current is not None and (current.decision, current.reason, current.note) == (row.decision, reason, note):
                report.unchanged += 1
                continue
            try:
                record_decision(conn, work_id=work_id, stage=stage, reviewer=reviewer,
                                decision=str(row.decision), reason=reason, note=note, origin=origin,
                                reviewers=reviewers, criteria=criteria, actor=actor,
                                reviewers_per_work=reviewers_per_work)
            except InputError as exc:
                problems.append(Problem(str(path), row.line, f"work {work_id}: {exc.message}"))
                continue
            mine[work_id] = SimpleNamespace(decision=row.decision, reason=reason, note=note)
            report.recorded += 1
        if problems:
            raise ExchangeError(problems)  # rolls the transaction back
        if report.recorded:
            Store.log(conn, actor or reviewer, "import-decisions", "file", path.name,
                      {"format": parsed.format, "stage": stage, "reviewer": reviewer,
                       "recorded": report.recorded, "unchanged": report.unchanged,
                       "unmatched": len(report.unmatched)})
    return report


# -- export -----------------------------------------------------------------------------


def export_rows(conn: Connection, *, stage: str | None = None,
                criteria: Criteria | None = None) -> list[dict[str, Any]]:
    """Every current decision and resolution, one dict per row (columns :data:`EXPORT_COLUMNS`)."""
    stages = STAGES if stage is None else (check_stage(stage),)
    live = live_map(conn)
    w, r = schema.works, schema.records
    works = {row.id: row for row in conn.execute(select(w.c.id, w.c.title, w.c.doi, w.c.year))}
    record_ids: dict[int, list[str]] = {}
    source_ids: dict[int, list[str]] = {}
    for row in conn.execute(select(r.c.id, r.c.work_id, r.c.source_ref).where(r.c.work_id.is_not(None))
                            .order_by(r.c.id)):
        owner = live.get(row.work_id, row.work_id)
        record_ids.setdefault(owner, []).append(str(row.id))
        if row.source_ref:
            source_ids.setdefault(owner, []).append(str(row.source_ref))
    out: list[dict[str, Any]] = []
    for name in stages:
        for d in current_decisions(conn, name):
            work = works.get(d.work_id)
            reason_text = ""
            if d.reason and criteria is not None and d.reason in {c.id for c in criteria.reasons}:
                reason_text = criteria.get(d.reason).text
            out.append({
                "decision_id": d.id, "stage": d.stage, "work_id": d.work_id, "reviewer": d.reviewer,
                "kind": d.kind, "decision": d.decision or "", "reason": d.reason or "",
                "reason_text": reason_text, "note": d.note or "", "origin": d.origin,
                "created_at": d.created_at,
                "record_ids": ";".join(record_ids.get(d.work_id, [])),
                "source_ids": ";".join(dict.fromkeys(source_ids.get(d.work_id, []))),
                "title": (work.title if work else "") or "", "doi": (work.doi if work else "") or "",
                "year": (work.year if work else "") or "",
            })
    return out


def export_decisions(store: Store, path: str | Path, *, stage: str | None = None,
                     criteria: Criteria | None = None) -> int:
    """Write every current decision (all reviewers, and resolutions) as CSV; returns the rows."""
    with store.read() as conn:
        rows = export_rows(conn, stage=stage, criteria=criteria)
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


__all__ = [
    "EXPORT_COLUMNS", "FORMATS", "UNMAPPED_CHOICES", "ExchangeError", "ImportReport", "Problem",
    "ReasonMapper", "WorkIndex", "export_decisions", "export_rows", "import_decisions",
    "normalise_title",
]
