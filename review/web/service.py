"""What the web app does, without the web: the workspace's settings, each reviewer's
screening queue, and the actions the pages and the API share.

Every action goes through the library functions the CLI uses (``record_decision``,
``retract_decision``, ``resolve``, the dedup :class:`CheckSession`), so a decision made in
the browser is the same row, with the same checks and audit trail, as one made with
``review screen decide``; only its ``origin`` says ``web``.

Blinding is enforced here: what :func:`work_payload` returns carries no other reviewer's
decision, and the queue orders works without looking at what anyone else decided.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from review.errors import InputError, NotFound, ReviewError
from review.screening.criteria import load_criteria
from review.screening.decisions import (
    DECISIONS,
    STAGES,
    check_stage,
    conflicts,
    record_decision,
    report_files,
    resolve,
)
from review.screening.prioritise import checked_model
from review.screening.queue import OPEN
from review.screening.session import ScreeningSession
from review.screening.tables import screening_decisions
from review.screening.view import StageView
from review.screening.works import family, load_works, require_live
from review.store import Store, schema
from review.web.accounts import User
from review.web.claims import Holds
from review.workspace import Workspace

#: A reviewer's queue in the web app refits its model after this many new decisions (in
#: between, decided works just leave the kept order): a round trip stays fast at 100,000
#: works. The terminal session refits after every decision.
RETRAIN_EVERY = 10


class Forbidden(ReviewError):
    """The signed-in user's role does not allow this (HTTP 403)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AlreadyDecided(InputError):
    """The work is already decided: by this reviewer, or settled by others (HTTP 409)."""


@dataclass
class Settings:
    """review.toml's screening rules and the protocol's criteria, re-read when they change."""

    reviewers: list[str] = field(default_factory=list)
    resolvers: list[str] = field(default_factory=list)
    reviewers_per_work: int = 1
    second_reviewer_first: bool = True
    criteria: Any = None
    model: str | None = None  # [screening] model (None: the default ranker)


class WebState:
    """The workspace a server serves, and each signed-in reviewer's queue per stage.

    Args:
        workspace: the workspace (its database is opened, and migrated, at once).
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.store: Store = workspace.store()
        self._stamp: tuple[float, float] | None = None
        self._settings = Settings()
        self._lock = threading.Lock()
        self._sessions: dict[tuple[str, str], tuple[ScreeningSession, threading.Lock]] = {}
        self._checked: dict[tuple[str, str], int] = {}  # (reviewer, stage) -> rows read for undos
        #: The work each reviewer has on screen: the others are shown another (see review.web.claims).
        self.holds = Holds()

    # -- settings ----------------------------------------------------------------------

    def settings(self) -> Settings:
        """The current settings (review.toml and criteria.yaml re-read when changed)."""
        config = self.workspace.config_path
        criteria = self.workspace.path("protocols", "criteria.yaml")
        stamp = (config.stat().st_mtime if config.is_file() else 0.0,
                 criteria.stat().st_mtime if criteria.is_file() else 0.0)
        with self._lock:
            if stamp != self._stamp:
                fresh = Workspace.load(self.workspace.root)
                self.workspace.config = fresh.config
                setting = fresh.setting
                self._settings = Settings(
                    reviewers=[str(r) for r in setting("screening", "reviewers", []) or []],
                    resolvers=[str(r) for r in setting("screening", "resolvers", []) or []],
                    reviewers_per_work=max(1, int(setting("screening", "reviewers_per_work", 1) or 1)),
                    second_reviewer_first=bool(setting("screening", "second_reviewer_first", True)),
                    criteria=load_criteria(criteria) if criteria.is_file() else None,
                    model=checked_model(setting("screening", "model", None), path=config),
                )
                self._sessions.clear()
                self._stamp = stamp
            return self._settings

    # -- screening -----------------------------------------------------------------------

    def session(self, user: User, stage: str) -> tuple[ScreeningSession, threading.Lock]:
        """The reviewer's screening session at ``stage`` (kept between requests: the model
        is trained once, then kept up to date from the new decision rows)."""
        check_stage(stage)
        settings = self.settings()
        key = (user.name, stage)
        with self._lock:
            found = self._sessions.get(key)
        if found is not None:
            return found
        made = ScreeningSession(
            self.store, stage=stage, reviewer=user.name, reviewers=settings.reviewers or None,
            reviewers_per_work=settings.reviewers_per_work, criteria=settings.criteria,
            second_reviewer_first=settings.second_reviewer_first, actor=user.name,
            retrain_every=RETRAIN_EVERY, model=settings.model,
        )
        with self._lock:
            return self._sessions.setdefault(key, (made, threading.Lock()))

    def next_work(self, user: User, stage: str) -> dict[str, Any] | None:
        """The work ``user`` screens next at ``stage`` (blinded), or None when done."""
        session, lock = self.session(user, stage)
        with lock:
            work = session.next_work()
            seen, self._checked[(user.name, stage)] = self._checked.get((user.name, stage), 0), session.queue.view.last_id
            undone = self._undone_since(user, stage, seen)
            if undone is not None and undone in session.queue.pending:  # undone in another worker
                session.show_first(undone)
                work = session.next_work()
            if work is None:
                return None
            queue, order = session.queue, session.queue.order()
            if order and work.id == order[0]:  # the top of the queue (not a work undone or skipped)
                rpw = self.settings().reviewers_per_work
                chosen = self.holds.choose(stage, user.name, work.id, order,
                                           lambda w: rpw - len(queue.view.by_work.get(w, {})))
                work = queue.works[chosen]
            item = session.item(work.id)
        payload = self.work_payload(user, work.id)
        payload["report_file"] = item.report_file if stage == "full-text" else None
        return payload

    def progress(self, user: User, stage: str) -> dict[str, Any]:
        """Where ``user`` stands at ``stage``: counts and the stopping estimate."""
        session, lock = self.session(user, stage)
        with lock:
            session.next_work()  # reads what was recorded meanwhile
            p = session.progress()
        estimate = p.estimate
        return {"stage": stage, "screened": p.screened, "remaining": p.remaining, "total": p.total,
                "included": p.included, "maybe": p.maybe, "excluded": p.excluded,
                "awaiting_retrieval": p.awaiting_retrieval,
                "estimate": estimate.summary() if estimate is not None else None}

    def decide(self, user: User, stage: str, body: dict[str, Any]) -> int:
        """Record ``user``'s decision from a request body ``{work, decision, reason?, note?}``.

        Raises:
            InputError: bad input (422), as ``review screen decide`` refuses it.
            NotFound: unknown work (404).
            AlreadyDecided: ``user`` already decided the work, or it is settled (409).
        """
        check_stage(stage)
        work = _work_id(body.get("work"))
        decision = _text(body.get("decision"), "decision") or ""
        reason = _text(body.get("reason"), "reason") or None
        note = _text(body.get("note"), "note")
        settings = self.settings()
        # Checked inside the writing transaction (one writer at a time, see Store.transaction):
        # a decision saved meanwhile through another worker or the CLI is seen here.
        with self.store.transaction() as conn:
            if decision in DECISIONS:
                check_open(conn, stage, work, user.name, settings.reviewers_per_work)
            return record_decision(
                conn, work_id=work, stage=stage, reviewer=user.name, decision=decision,
                reason=reason, note=note, origin="web", reviewers=settings.reviewers or None,
                criteria=settings.criteria, actor=user.name,
                reviewers_per_work=settings.reviewers_per_work,
            )

    def _undone_since(self, user: User, stage: str, after: int) -> int | None:
        """The work of ``user``'s newest row at ``stage`` after id ``after``, if that row is
        a retraction (an undo, made through any worker: that work is shown next)."""
        t = screening_decisions
        with self.store.read() as conn:
            row = conn.execute(select(t.c.work_id, t.c.kind)
                               .where(t.c.id > after, t.c.stage == stage, t.c.reviewer == user.name)
                               .order_by(t.c.id.desc()).limit(1)).first()
        return int(row.work_id) if row is not None and row.kind == "retraction" else None

    def undo(self, user: User, stage: str) -> dict[str, Any] | None:
        """Withdraw ``user``'s latest decision at ``stage``; the work comes back first."""
        session, lock = self.session(user, stage)
        with lock:
            undone = session.undo()
        if undone is None:
            return None
        return {"work": undone.work_id, "decision": undone.decision, "stage": stage}

    def work_payload(self, user: User, work_id: int) -> dict[str, Any]:
        """A work as a reviewer may see it: its fields and only ``user``'s own decisions.

        Raises:
            NotFound: no such work.
        """
        w = schema.works
        with self.store.read() as conn:
            row = conn.execute(select(w.c.id, w.c.title, w.c.authors, w.c.year, w.c.journal, w.c.abstract,
                                      w.c.doi, w.c.keywords).where(w.c.id == work_id)).first()
            if row is None:
                raise NotFound(f"there is no work {work_id}", field="work")
            ids = family(conn, work_id)
            mine = {stage: own_decision(conn, stage, user.name, work_id, ids) for stage in STAGES}
            status, file = report_files(conn, dict.fromkeys(ids, work_id), ids).get(work_id, ("pending", None))
        return {
            "id": row.id, "title": row.title or "(no title)", "authors": _authors(row.authors),
            "year": row.year, "journal": row.journal, "abstract": row.abstract, "doi": row.doi,
            "keywords": _keywords(row.keywords), "fulltext": {"status": status, "file": file},
            "my_decisions": {stage: d for stage, d in mine.items() if d is not None},
        }

    # -- leads: conflicts ----------------------------------------------------------------------

    def conflicts(self, user: User) -> list[dict[str, Any]]:
        """Unresolved conflicts at both stages, with each reviewer's decision (leads only)."""
        require_lead(user)
        settings = self.settings()
        found = []
        with self.store.read() as conn:
            for stage in STAGES:
                found.extend(conflicts(conn, stage, reviewers_per_work=settings.reviewers_per_work))
            works = load_works(conn, [c.work_id for c in found])
        return [{"work": c.work_id, "stage": c.stage, "kind": c.kind, "title": works[c.work_id].title,
                 "decisions": [{"reviewer": d.reviewer, "decision": d.decision, "reason": d.reason,
                                "note": d.note} for d in c.decisions]} for c in found]

    def resolve(self, user: User, stage: str, body: dict[str, Any]) -> int:
        """Record a lead's reconciled decision, as ``review screen resolve`` does."""
        require_lead(user)
        check_stage(stage)
        settings = self.settings()
        allowed = settings.reviewers + [r for r in settings.resolvers if r not in settings.reviewers]
        with self.store.transaction() as conn:
            return resolve(
                conn, work_id=_work_id(body.get("work")), stage=stage,
                decision=_text(body.get("decision"), "decision") or "",
                reason=_text(body.get("reason"), "reason") or None, note=_text(body.get("note"), "note"),
                resolver=user.name, criteria=settings.criteria, reviewers=allowed or None,
                reviewers_per_work=settings.reviewers_per_work, actor=user.name,
            )

    def resolve_all(self, user: User, items: list[tuple[str, Any]], body: dict[str, Any]) -> list[int]:
        """Resolve several conflicts with one decision, reason and note, all or none (a
        lead's bulk resolution); ``items`` are (stage, work) pairs.

        Raises:
            InputError: nothing selected, or any one of them refused (nothing is recorded).
        """
        require_lead(user)
        if not items:
            raise InputError("select the conflicts to resolve", field="items")
        settings = self.settings()
        allowed = settings.reviewers + [r for r in settings.resolvers if r not in settings.reviewers]
        decision = _text(body.get("decision"), "decision") or ""
        reason = _text(body.get("reason"), "reason") or None
        note = _text(body.get("note"), "note")
        rows = []
        with self.store.transaction() as conn:
            for stage, work in items:
                rows.append(resolve(
                    conn, work_id=_work_id(work), stage=check_stage(stage), decision=decision, reason=reason,
                    note=note, resolver=user.name, criteria=settings.criteria, reviewers=allowed or None,
                    reviewers_per_work=settings.reviewers_per_work, actor=user.name,
                ))
        return rows

    # -- full texts --------------------------------------------------------------------------

    def fulltext_path(self, work_id: int) -> Path:
        """The registered full-text file of a work, only if it lies inside the workspace.

        Raises:
            NotFound: no retrieved report, a missing file, or one outside the workspace.
        """
        with self.store.read() as conn:
            ids = family(conn, work_id)
            status, file = report_files(conn, dict.fromkeys(ids, work_id), ids).get(work_id, ("pending", None))
        if status != "retrieved" or not file:
            raise NotFound(f"work {work_id} has no retrieved full text", field="work")
        root = self.workspace.root.resolve()
        path = (root / file).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise NotFound(f"the full text of work {work_id} is not a file in the workspace", field="work")
        return path


def check_open(conn: Any, stage: str, work_id: int, reviewer: str, reviewers_per_work: int) -> None:
    """Refuse a decision on a work the reviewer already decided at ``stage``, or that needs
    no more decisions there (settled by others, or in conflict): read from the database.

    Raises:
        NotFound: no such live work.
        AlreadyDecided: as said (HTTP 409).
    """
    require_live(conn, work_id)
    ids = family(conn, work_id)
    view = StageView(stage, dict.fromkeys(ids, work_id)).load(conn, works=ids)
    mine = view.by_work.get(work_id, {}).get(reviewer)
    if mine is not None:
        raise AlreadyDecided(f"you already decided work {work_id} at {stage} ({mine.decision}); undo it first",
                             field="work")
    if view.status(work_id, reviewers_per_work) not in OPEN:
        raise AlreadyDecided(f"work {work_id} is already decided at {stage}", field="work")


def own_decision(conn: Any, stage: str, reviewer: str, work_id: int, ids: list[int]) -> dict[str, Any] | None:
    """``reviewer``'s own current decision on one work (``ids``: it and the works merged
    into it) at ``stage``, or None; nobody else's rows are read."""
    view = StageView(stage, dict.fromkeys(ids, work_id)).load(conn, works=ids, reviewer=reviewer)
    mine = view.by_work.get(work_id, {}).get(reviewer)
    if mine is None:
        return None
    return {"decision": mine.decision, "reason": mine.reason, "note": mine.note, "id": mine.id}


def _authors(raw: Any) -> list[str]:
    """Author names as "Family, Given" from the works table's JSON list."""
    try:
        items = json.loads(raw) if isinstance(raw, str) else (raw or [])
    except ValueError:
        return [str(raw)]
    names = []
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, dict):
            family_name, given = item.get("family") or "", item.get("given") or ""
            names.append(f"{family_name}, {given}".strip(", ") if given else family_name)
        else:
            names.append(str(item))
    return [name for name in names if name]


def require_lead(user: User) -> None:
    if not user.is_lead:
        raise Forbidden(f"{user.name} is a reviewer; only a lead may do this")


def _work_id(value: Any) -> int:
    if isinstance(value, bool) or value is None:
        raise InputError("a work id is needed", field="work")
    try:
        return int(str(value).strip())
    except ValueError:
        raise InputError(f"not a work id: {value!r}", field="work") from None


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be text", field=name)
    return value


def _keywords(raw: Any) -> list[str]:
    if not raw:
        return []
    try:
        items = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return [str(raw)]
    return [str(k) for k in items] if isinstance(items, list) else [str(items)]
