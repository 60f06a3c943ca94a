"""Full-text reports: sought, retrieved (with a file) or not retrieved (with a reason).

PRISMA 2020 asks for three numbers between screening and eligibility: reports sought for
retrieval, reports not retrieved, and reports assessed (retrieved). A work becomes
eligible for full text when its title-abstract status is include or "maybe"
(``review.screening.decisions.work_status``). Each change is appended to
``fulltext_reports`` with who and when; a work's current state is its latest row, and a
work with no row is ``pending``.

Recording the state a work already has writes nothing, so commands can be re-run.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import asdict, dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from review.corpus.encoding import decode
from review.errors import InputError
from review.screening.decisions import PASSES_TITLE_ABSTRACT, _work_view, work_status
from review.screening.exchange import WorkIndex
from review.screening.exchange_formats import ExchangeRow
from review.screening.tables import fulltext_reports
from review.screening.works import live_map, require_live
from review.store import Store, now, schema

#: What is stored; ``pending`` (eligible, nothing recorded) is derived.
RECORDED = ("sought", "retrieved", "not-retrieved")
STATUSES = ("pending", *RECORDED)
_ALIASES = {"not retrieved": "not-retrieved", "not_retrieved": "not-retrieved",
            "notretrieved": "not-retrieved"}

@dataclass(frozen=True)
class ReportState:
    """A work's current full-text state."""

    work_id: int
    status: str  # one of STATUSES
    title: str | None = None
    year: int | None = None
    file: str | None = None
    sha256: str | None = None
    reason: str | None = None
    note: str | None = None
    actor: str | None = None
    created_at: str | None = None
    eligible: bool = True  # False: recorded, but no longer included/maybe at title-abstract

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- reading --------------------------------------------------------------------------


def eligible_works(conn: Connection, *, reviewers_per_work: int = 1) -> list[int]:
    """Live works included or "maybe" at title-abstract, ascending."""
    statuses = work_status(conn, "title-abstract", reviewers_per_work=reviewers_per_work)
    return sorted(w for w, s in statuses.items() if s in PASSES_TITLE_ABSTRACT)


def _latest(conn: Connection) -> dict[int, Any]:
    """The latest row per live work (rows follow a dedup merge to the live work)."""
    mapping = live_map(conn)
    latest: dict[int, Any] = {}
    for row in conn.execute(select(fulltext_reports).order_by(fulltext_reports.c.id)):
        latest[mapping.get(row.work_id, row.work_id)] = row
    return latest


def report_states(conn: Connection, *, reviewers_per_work: int = 1,
                  status: str | None = None) -> list[ReportState]:
    """Every eligible work's state (and any recorded work no longer eligible), by work id.

    Args:
        status: only works in this state (one of :data:`STATUSES`).
    """
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}",
                         field="--status")
    eligible = set(eligible_works(conn, reviewers_per_work=reviewers_per_work))
    latest = _latest(conn)
    w = schema.works
    ids = sorted(eligible | set(latest))
    info = {row.id: row for row in conn.execute(select(w.c.id, w.c.title, w.c.year).where(w.c.id.in_(ids)))}
    states: list[ReportState] = []
    for work_id in ids:
        row = latest.get(work_id)
        meta = info.get(work_id)
        state = ReportState(
            work_id=work_id,
            status=row.status if row is not None else "pending",
            title=meta.title if meta else None,
            year=meta.year if meta else None,
            file=row.file if row is not None else None,
            sha256=row.sha256 if row is not None else None,
            reason=row.reason if row is not None else None,
            note=row.note if row is not None else None,
            actor=row.actor if row is not None else None,
            created_at=row.created_at if row is not None else None,
            eligible=work_id in eligible,
        )
        if status is None or state.status == status:
            states.append(state)
    return states


def fulltext_counts(conn: Connection, *, reviewers_per_work: int = 1) -> dict[str, int]:
    """The PRISMA 2020 counts for reports, over works currently eligible for full text.

    ``sought`` counts every report sought for retrieval (retrieved, not retrieved, or
    still awaited); ``awaiting`` those sought but not yet settled; ``pending`` eligible works
    not yet sought; ``no_longer_eligible`` works with a recorded state whose
    title-abstract decision has since changed (not counted elsewhere).
    """
    states = report_states(conn, reviewers_per_work=reviewers_per_work)
    current = [s for s in states if s.eligible]
    by = {name: sum(1 for s in current if s.status == name) for name in STATUSES}
    return {
        "eligible": len(current),
        "sought": by["sought"] + by["retrieved"] + by["not-retrieved"],
        "retrieved": by["retrieved"],
        "not_retrieved": by["not-retrieved"],
        "awaiting": by["sought"],
        "pending": by["pending"],
        "no_longer_eligible": sum(1 for s in states if not s.eligible),
    }


# -- writing --------------------------------------------------------------------------


class _Ledger:
    """Eligibility and current states, read once per command and kept up to date."""

    def __init__(self, conn: Connection, reviewers_per_work: int) -> None:
        self.conn = conn
        self.statuses = work_status(conn, "title-abstract", reviewers_per_work=reviewers_per_work)
        self.latest = _latest(conn)
        self.live = live_map(conn)

    def check(self, work_id: int) -> None:
        if self.live.get(work_id) != work_id:
            require_live(self.conn, work_id)  # raises NotFound, saying where a merged work went
        status = self.statuses.get(work_id)
        if status not in PASSES_TITLE_ABSTRACT:
            raise InputError(
                f"stage out of order: work {work_id} is {status or 'undecided'} at title-abstract; "
                "full texts are sought for works included or 'maybe' at title-abstract",
                field="WORK",
            )

    def pending(self) -> list[int]:
        return sorted(w for w, s in self.statuses.items()
                      if s in PASSES_TITLE_ABSTRACT and w not in self.latest)

    def append(self, *, work_id: int, status: str, actor: str, origin: str,
               file: str | None = None, sha256: str | None = None, reason: str | None = None,
               note: str | None = None) -> None:
        values = dict(work_id=work_id, status=status, file=file, sha256=sha256, reason=reason,
                      note=note, origin=origin, actor=actor, created_at=now())
        row_id = self.conn.execute(insert(fulltext_reports).values(**values)).inserted_primary_key[0]
        Store.log(self.conn, actor, f"fulltext-{status}", "work", work_id,
                  {"file": file, "reason": reason, "note": note, "origin": origin, "row": row_id})
        self.latest[work_id] = SimpleNamespace(id=row_id, **values)

    def check_unassessed(self, work_id: int, status: str) -> None:
        """Refuse to take back a retrieval that full-text decisions rest on.

        PRISMA 2020 counts a report not retrieved as never assessed: a full-text decision on
        it would drop out of the diagram silently. The decisions go first (``review screen
        undo``), then the retrieval can change.
        """
        current = [d for d in _work_view(self.conn, "full-text", work_id).current()
                   if d.decision is not None and d.kind != "resolution"]
        if current:
            who = ", ".join(sorted(f"{d.reviewer} ({d.decision})" for d in current))
            raise InputError(
                f"work {work_id} has full-text decisions by {who}, which need its retrieved "
                f"report; withdraw them first with `review screen undo {work_id} --stage full-text "
                f"--reviewer NAME`, then record it as {status}", field="WORK")

    # One method per state; each returns whether anything was written.

    def sought(self, work_id: int, *, actor: str, origin: str, note: str | None) -> bool:
        self.check(work_id)
        current = self.latest.get(work_id)
        if current is not None and current.status == "sought":
            return False
        self.check_unassessed(work_id, "sought")
        if current is not None and current.status == "retrieved":
            raise InputError(
                f"work {work_id} is already retrieved ({current.file}); record "
                "`review fulltext not-retrieved` or another file to change that", field="WORK")
        self.append(work_id=work_id, status="sought", actor=actor, origin=origin, note=_clean(note))
        return True

    def retrieved(self, work_id: int, *, file: str | Path, actor: str, origin: str,
                  root: Path | None, base: Path | None, note: str | None) -> bool:
        if not str(file).strip():
            raise InputError("a retrieved report needs its file", field="--file")
        self.check(work_id)
        stored, resolved = _stored_path(file, root, base)
        if not resolved.is_file():
            raise InputError(f"no such file: {resolved}", field="--file")
        digest = _sha256(resolved)
        current = self.latest.get(work_id)
        note = _clean(note)
        if (current is not None and current.status == "retrieved" and current.file == stored
                and current.sha256 == digest and (note is None or note == current.note)):
            return False
        self.append(work_id=work_id, status="retrieved", actor=actor, origin=origin,
                    file=stored, sha256=digest, note=note)
        return True

    def not_retrieved(self, work_id: int, *, reason: str, actor: str, origin: str,
                      note: str | None) -> bool:
        reason_text = _clean(reason)
        if reason_text is None:
            raise InputError("say why the report was not retrieved", field="--reason")
        self.check(work_id)
        current = self.latest.get(work_id)
        note = _clean(note)
        if (current is not None and current.status == "not-retrieved"
                and current.reason == reason_text and (note is None or note == current.note)):
            return False
        self.check_unassessed(work_id, "not retrieved")
        self.append(work_id=work_id, status="not-retrieved", actor=actor, origin=origin,
                    reason=reason_text, note=note)
        return True


def _clean(text: str | None) -> str | None:
    return " ".join(text.split()) if text and text.strip() else None


def _stored_path(file: str | Path, root: Path | None, base: Path | None) -> tuple[str, Path]:
    raw = Path(file).expanduser()
    if not raw.is_absolute():
        raw = (base or Path.cwd()) / raw
    resolved = raw.resolve()
    if root is not None:
        try:
            return resolved.relative_to(root.resolve()).as_posix(), resolved
        except ValueError:
            pass
    return str(resolved), resolved


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mark_sought(conn: Connection, work_ids: list[int] | None, *, actor: str,
                reviewers_per_work: int = 1, note: str | None = None,
                origin: str = "cli") -> list[int]:
    """Record that the full texts of these works are being sought; returns those changed.

    Args:
        work_ids: the works, or None for every eligible work still pending.

    Raises:
        NotFound: a work does not exist.
        InputError: a work is not eligible (stage out of order) or already retrieved.
    """
    ledger = _Ledger(conn, reviewers_per_work)
    targets = ledger.pending() if work_ids is None else work_ids
    return [w for w in targets if ledger.sought(w, actor=actor, origin=origin, note=note)]


def mark_retrieved(conn: Connection, work_id: int, *, file: str | Path, actor: str,
                   root: Path | None = None, base: Path | None = None,
                   reviewers_per_work: int = 1, note: str | None = None,
                   origin: str = "cli") -> bool:
    """Record that a work's full text was retrieved, as ``file``; returns whether it changed.

    Args:
        file: the report's file; it must exist. Stored relative to ``root`` (the
            workspace) when inside it, else absolute.
        base: what a relative ``file`` is relative to (default: the current directory).

    Raises:
        NotFound: the work does not exist.
        InputError: no such file, or the work is not eligible (stage out of order).
    """
    return _Ledger(conn, reviewers_per_work).retrieved(
        work_id, file=file, actor=actor, origin=origin, root=root, base=base, note=note)


def mark_not_retrieved(conn: Connection, work_id: int, *, reason: str, actor: str,
                       reviewers_per_work: int = 1, note: str | None = None,
                       origin: str = "cli") -> bool:
    """Record that a work's full text could not be retrieved, and why; returns whether it changed.

    Raises:
        NotFound: the work does not exist.
        InputError: no reason, or the work is not eligible (stage out of order).
    """
    return _Ledger(conn, reviewers_per_work).not_retrieved(
        work_id, reason=reason, actor=actor, origin=origin, note=note)


# -- import ---------------------------------------------------------------------------


@dataclass
class FulltextImport:
    """What ``review fulltext import`` did."""

    rows: int = 0
    changed: int = 0
    unchanged: int = 0


#: Columns that identify a row's work: our id, or what ``review screen import`` matches by.
ID_COLUMNS = ("work_id", "doi", "pmid", "title", "source_ids")


def _work_id(value: str, path: Path, line: int) -> int:
    text = (value or "").strip().lstrip("#")
    if not text.isdigit():
        raise InputError(f"expected a work id (a number), got {value!r}", path=path, line=line,
                         field="work_id")
    return int(text)


class _RowMatcher:
    """A row's work: by ``work_id`` alone, or by DOI / PMID / title / export ids with
    screening exchange's matcher (exact, never fuzzy; every identifier must agree)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.index: WorkIndex | None = None

    def work(self, row: dict[str, Any], path: Path, line: int) -> int:
        keys = {k: (row.get(k) or "").strip() for k in ("doi", "pmid", "title", "source_ids")}
        if not any(keys.values()):
            return _work_id(row.get("work_id") or "", path, line)
        given = (row.get("work_id") or "").strip()
        item = ExchangeRow(line, work_id=_work_id(given, path, line) if given else None,
                           doi=keys["doi"] or None, pmid=keys["pmid"] or None, title=keys["title"] or None,
                           refs=[s.strip() for s in keys["source_ids"].split(";") if s.strip()])
        if self.index is None:
            self.index = WorkIndex(self.conn)
        work_id, why = self.index.match(item)
        if work_id is None:
            raise InputError(f"unmatched row: {why}", path=path, line=line)
        return work_id


def import_fulltext(store: Store, path: str | Path, *, actor: str, root: Path | None = None,
                    reviewers_per_work: int = 1) -> FulltextImport:
    """Apply a CSV of ``work_id,status,file,reason[,note]`` rows, all or nothing.

    A row names its work by ``work_id``, or by ``doi``, ``pmid``, ``title`` and
    ``source_ids`` (the export's record ids, ``;``-separated), matched as
    ``review screen import`` matches them, so a file need not depend on work ids.
    ``status`` is sought, retrieved (``file`` needed; relative paths are relative to
    ``root``, the workspace) or not-retrieved (``reason`` needed). Rows apply in order;
    a row matching a work's current state changes nothing.

    Raises:
        InputError: a bad or unmatched row, named by file and line; nothing is written.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file not found", path=path) from exc
    reader = csv.DictReader(io.StringIO(decode(data, path).text))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = ([] if any(c in columns for c in ID_COLUMNS) else ["work_id"]) + (
        [] if "status" in columns else ["status"])
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected work_id (or doi, pmid, "
                         "title, source_ids),status,file,reason", path=path, line=1)
    reader.fieldnames = columns
    result = FulltextImport()
    with store.transaction() as conn:
        ledger = _Ledger(conn, reviewers_per_work)
        matcher = _RowMatcher(conn)
        line = 1
        for row in reader:
            start, line = line + 1, reader.line_num
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            result.rows += 1
            status = (row.get("status") or "").strip().lower()
            status = _ALIASES.get(status, status)
            try:
                work_id = matcher.work(row, path, start)
                note = row.get("note")
                if status == "sought":
                    changed = ledger.sought(work_id, actor=actor, origin="import", note=note)
                elif status == "retrieved":
                    changed = ledger.retrieved(work_id, file=row.get("file") or "", actor=actor,
                                               origin="import", root=root, base=root, note=note)
                elif status == "not-retrieved":
                    changed = ledger.not_retrieved(work_id, reason=row.get("reason") or "",
                                                   actor=actor, origin="import", note=note)
                else:
                    raise InputError(f"unknown status {row.get('status')!r}; use one of: "
                                     f"{', '.join(RECORDED)}", field="status")
            except InputError as exc:
                if exc.path is not None:
                    raise
                field = {"--file": "file", "--reason": "reason", "WORK": "work_id"}.get(
                    exc.field or "", exc.field)
                raise type(exc)(exc.message, path=path, line=start, field=field) from exc
            result.changed += int(changed)
            result.unchanged += int(not changed)
    return result


__all__ = [
    "ID_COLUMNS", "RECORDED", "STATUSES", "FulltextImport", "ReportState", "eligible_works", "fulltext_counts",
    "fulltext_reports", "import_fulltext", "mark_not_retrieved", "mark_retrieved", "mark_sought",
    "report_states",
]
