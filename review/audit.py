"""The audit trail: every change a person made, by who, what and when (``review log``).

Events are the rows of the ``events`` table (appended by :meth:`review.store.Store.log`
inside the transaction of the change itself). This module reads them back, filtered, and
says for each decision and verdict what it replaced: the same reviewer's earlier decision
on the work at that stage, the earlier resolution, the earlier verdict on a record pair, an
appraisal's previous answer.

Blinding: :func:`audit_log` with ``visible_to`` returns only that person's own events (what
a reviewer may see in the web app); leads and the CLI see everything.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.errors import InputError
from review.store import schema

#: Actions whose events replace an earlier one on the same key (see :func:`_key`).
_SCREEN = ("screen", "retract")
_VERDICTS = ("dedup-same", "dedup-different", "dedup-retract")


@dataclass(frozen=True)
class Event:
    """One audit event, with what it replaced (None: nothing, or not a replacing kind)."""

    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str | None
    detail: dict[str, Any]
    replaced: dict[str, Any] | None = None

    def what(self) -> str:
        """The event in a few words: the decision or verdict and its reason, else the detail."""
        d = self.detail
        if self.action in ("screen", "resolve"):
            reason = f" ({d['reason']})" if d.get("reason") else ""
            who = f" for {d['reviewer']}" if d.get("reviewer") and d.get("reviewer") != self.actor else ""
            return f"{d.get('stage', '')}: {d.get('decision')}{reason}{who}".strip(": ")
        if self.action == "retract":
            return f"{d.get('stage', '')}: undo".strip(": ")
        if self.action.startswith("dedup-"):
            return self.action.removeprefix("dedup-")
        if self.action.startswith("label-"):
            return str(d.get("label", ""))
        if self.action.startswith("appraise"):
            return f"{d.get('item', '')} = {d.get('answer', '')}"
        shown = {k: v for k, v in d.items() if k not in ("origin", "row")}
        return json.dumps(shown, ensure_ascii=False, default=str)[:200] if shown else ""

    def replaced_text(self) -> str:
        """What the event replaced, in a few words ("" when nothing)."""
        r = self.replaced
        if not r:
            return ""
        if "decision" in r:
            return f"{r['decision']}" + (f" ({r['reason']})" if r.get("reason") else "") + f" [event {r['event']}]"
        if "verdict" in r:
            return f"{r['verdict']} [event {r['event']}]"
        return ", ".join(f"{k}: {v}" for k, v in r.items())

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "actor": self.actor, "action": self.action,
                "entity": self.entity, "entity_id": self.entity_id, "detail": self.detail,
                "replaced": self.replaced}


def _since(value: str | None) -> str | None:
    """``--since`` as the ISO text events are compared with (a date, a datetime, or
    ``Nd``/``Nh`` for the last N days or hours)."""
    if not value:
        return None
    text = value.strip()
    try:
        if text[:-1].isdigit() and text[-1:] in ("d", "h"):
            hours = int(text[:-1]) * (24 if text.endswith("d") else 1)
            moment = _dt.datetime.now(_dt.UTC).replace(microsecond=0) - _dt.timedelta(hours=hours)
        else:
            moment = _dt.datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=_dt.UTC)
    except ValueError:
        raise InputError(f"not a date or time: {value!r} (use 2026-03-01, 2026-03-01T12:00 or 7d)",
                         field="--since") from None
    return moment.astimezone(_dt.UTC).isoformat()


def _key(action: str, entity_id: str | None, detail: dict[str, Any]) -> tuple[Any, ...] | None:
    """What an event is about, for "what it replaced": the same key means the later
    event replaces the earlier one."""
    if action in _SCREEN:
        return ("screen", entity_id, detail.get("stage"), detail.get("reviewer"))
    if action == "resolve":
        return ("resolve", entity_id, detail.get("stage"))
    if action in _VERDICTS:
        return ("pair", entity_id)
    return None


def _replaced(action: str, detail: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any] | None:
    if detail.get("previous") is not None:  # appraisals say it themselves
        return {"answer": detail["previous"]}
    if before is None:
        return None
    return before


def _state(event_id: int, action: str, detail: dict[str, Any]) -> dict[str, Any] | None:
    """What an event leaves in force on its key (None: nothing, after an undo)."""
    if action in ("retract", "dedup-retract"):
        return None
    if action in _VERDICTS:
        return {"verdict": action.removeprefix("dedup-"), "event": event_id}
    return {"decision": detail.get("decision"), "reason": detail.get("reason"), "event": event_id}


def _matches(pattern: str | None, value: str) -> bool:
    if not pattern:
        return True
    return fnmatch.fnmatchcase(value, pattern) if any(c in pattern for c in "*?[") else value == pattern


def audit_log(
    conn: Connection,
    *,
    actor: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    since: str | None = None,
    visible_to: str | None = None,
    limit: int | None = None,
) -> list[Event]:
    """Audit events, oldest first, each with what it replaced.

    Args:
        conn: a connection to the workspace's database.
        actor: only this person's events.
        action: only this action (``screen``, ``resolve``, ``dedup-same``, ...; ``*`` and
            ``?`` as wildcards, e.g. ``dedup-*``).
        entity: only this kind of thing (``work``, ``record-pair``, ``fragment``, ...), or
            one thing as ``KIND:ID`` (``work:12``).
        since: only events at or after this date or time (``2026-03-01``,
            ``2026-03-01T12:00``; ``7d`` or ``12h`` for the last days or hours).
        visible_to: blinding: only this person's own events (a reviewer in the web app).
        limit: only the newest ``limit`` events that match.

    Raises:
        InputError: ``since`` is not a date or time, or ``limit`` is not positive.
    """
    start = _since(since)
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be 1 or more, not {limit}", field="--limit")
    kind, _, one = (entity or "").partition(":")
    e = schema.events
    found: list[Event] = []
    in_force: dict[tuple[Any, ...], dict[str, Any] | None] = {}
    for row in conn.execute(select(e).order_by(e.c.id)):
        detail = _detail(row.detail)
        key = _key(row.action, row.entity_id, detail)
        before = in_force.get(key) if key is not None else None
        if key is not None:
            in_force[key] = _state(row.id, row.action, detail)
        if visible_to is not None and row.actor != visible_to:
            continue
        if not (_matches(actor, row.actor) and _matches(action, row.action) and _matches(kind or None, row.entity)):
            continue
        if one and str(row.entity_id) != one:
            continue
        if start is not None and _normal(row.at) < start:
            continue
        found.append(Event(row.id, row.at, row.actor, row.action, row.entity, row.entity_id, detail,
                           _replaced(row.action, detail, before)))
    return found[-limit:] if limit else found


def actions(conn: Connection, visible_to: str | None = None) -> list[str]:
    """The actions in the trail (for a filter's choices)."""
    e = schema.events
    query = select(e.c.action).distinct()
    if visible_to is not None:
        query = query.where(e.c.actor == visible_to)
    return sorted(a for (a,) in conn.execute(query))


def actors(conn: Connection) -> list[str]:
    """Everyone with an event in the trail."""
    e = schema.events
    return sorted(a for (a,) in conn.execute(select(e.c.actor).distinct()))


def _detail(raw: Any) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {"text": str(raw)}
    return value if isinstance(value, dict) else {"value": value}


def _normal(at: str) -> str:
    """An event's time in the same UTC ISO form as :func:`_since`'s."""
    try:
        moment = _dt.datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    return moment.astimezone(_dt.UTC).isoformat()


def table_rows(events: Iterable[Event]) -> list[tuple[str, ...]]:
    """Rows for a plain table: id, when, who, action, what, replaced."""
    return [(str(ev.id), ev.at, ev.actor, ev.action,
             f"{ev.entity}:{ev.entity_id}" if ev.entity_id else ev.entity, ev.what(), ev.replaced_text())
            for ev in events]
