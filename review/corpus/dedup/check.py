"""``review dedup check``: a person settles the uncertain pairs, one at a time.

:class:`CheckSession` is the library side (the CLI only draws and prompts): it serves the
open pairs (likeliest duplicates first, skipped ones last), commits every verdict at once
in its own transaction, can undo the latest verdict (appending a retraction, never
deleting), and at the end re-runs dedup with the latest run's settings so that the works
follow the verdicts. Quitting half-way loses nothing: the next session resumes with the
pairs still open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from review.corpus.dedup.decisions import (
    current_decisions,
    record_pair_decision,
    retract_pair_decision,
)
from review.corpus.dedup.queue import QueueItem, mark_skipped, open_items, set_status
from review.corpus.dedup.run import DedupResult, dedup, last_settings
from review.corpus.dedup.settings import DedupSettings
from review.corpus.dedup.tables import pair_decisions
from review.corpus.dedup.text import fold
from review.corpus.normalise import format_authors
from review.store import Store, schema

#: Fields shown side by side, in order.
SHOWN = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid", "type",
         "language", "abstract")


@dataclass
class PairView:
    """What a person sees of one uncertain pair."""

    item: QueueItem
    left: dict[str, Any]
    right: dict[str, Any]
    differing: set[str] = field(default_factory=set)


def record_view(conn: Any, record_id: int) -> dict[str, Any]:
    """A record's shown fields, with its source, position, source id and work."""
    r, s = schema.records, schema.sources
    row = conn.execute(
        select(r, s.c.name.label("source_name")).join(s, s.c.id == r.c.source_id).where(r.c.id == record_id)
    ).first()
    if row is None:
        return {"record": record_id}
    data = dict(row._mapping)
    try:
        authors = format_authors(json.loads(data["authors"])) if data.get("authors") else ""
    except ValueError:
        authors = str(data["authors"])
    view = {name: ("" if data.get(name) is None else str(data[name])) for name in SHOWN}
    view["authors"] = authors
    view.update(record=record_id, source=data["source_name"], position=data["position"],
                source_ref=data.get("source_ref"), work=data.get("work_id"))
    return view


def differing_fields(left: dict[str, Any], right: dict[str, Any]) -> set[str]:
    """Fields filled on both sides whose comparable forms differ, or filled on one side only."""
    out = set()
    for name in SHOWN:
        a, b = fold(left.get(name) or ""), fold(right.get(name) or "")
        if a != b:
            out.add(name)
    return out


class CheckSession:
    """One person's pass over the open pairs."""

    def __init__(self, store: Store, *, actor: str, settings: DedupSettings | None = None) -> None:
        self.store = store
        self.actor = actor
        self.default_settings = settings or DedupSettings()
        self.decided = 0
        self.changed = False  # a verdict given or withdrawn: the works need updating
        self._history: list[tuple[int, int]] = []  # pairs decided in this session, in order
        self._seen: set[int] = set()  # queue items shown and skipped in this session
        self._parent: dict[int, int] = {}  # records joined by "same" verdicts in this session
        with store.read() as conn:
            self._items = open_items(conn)
            work_of = dict(conn.execute(select(schema.records.c.id, schema.records.c.work_id)).all())
        self._work_of: dict[int, Any] = work_of

    # -- bookkeeping ---------------------------------------------------------------

    def _find(self, x: int) -> int:
        while self._parent.get(x, x) != x:
            x = self._parent[x]
        return x

    def _linked(self, a: int, b: int) -> bool:
        """Already one work, or joined by this session's "same" verdicts (asking again is moot)."""
        wa, wb = self._work_of.get(a), self._work_of.get(b)
        if wa is not None and wa == wb:
            return True
        return self._find(self._root(a)) == self._find(self._root(b))

    def _root(self, record: int) -> int:
        # records of one work share a root: the work id, offset to stay apart from record ids
        work = self._work_of.get(record)
        return -int(work) if work is not None else record

    @property
    def remaining(self) -> int:
        return sum(1 for item in self._items if item.id not in self._seen
                   and not self._linked(item.record_a, item.record_b))

    # -- the session -----------------------------------------------------------------

    def next(self) -> PairView | None:
        """The next open pair, or None when there is none left in this session."""
        for item in self._items:
            if item.id in self._seen or self._linked(item.record_a, item.record_b):
                continue
            with self.store.read() as conn:
                left, right = record_view(conn, item.record_a), record_view(conn, item.record_b)
            return PairView(item, left, right, differing_fields(left, right))
        return None

    def decide(self, view: PairView, verdict: str) -> None:
        """Record "same" or "different" for the pair, committed at once."""
        a, b = view.item.record_a, view.item.record_b
        with self.store.transaction() as conn:
            record_pair_decision(conn, a, b, verdict, actor=self.actor, origin="check")
            set_status(conn, a, b, "decided")
        self._seen.add(view.item.id)
        self._history.append((a, b))
        self.decided += 1
        self.changed = True
        if verdict == "same":
            self._parent[self._find(self._root(a))] = self._find(self._root(b))

    def skip(self, view: PairView) -> None:
        """Leave the pair open; it comes last next time."""
        with self.store.transaction() as conn:
            mark_skipped(conn, view.item.id)
        self._seen.add(view.item.id)

    def undo(self) -> tuple[int, int] | None:
        """Withdraw the latest verdict (this session's, else this person's latest from check).

        Returns the pair, which is open again, or None when there is nothing to undo.
        """
        pair = self._history.pop() if self._history else self._latest_own()
        if pair is None:
            return None
        with self.store.transaction() as conn:
            retract_pair_decision(conn, *pair, actor=self.actor, origin="check")
            set_status(conn, *pair, "open")
            self._items = open_items(conn)
        self._seen = {i.id for i in self._items if i.id in self._seen and (i.record_a, i.record_b) != pair}
        self._parent.clear()
        with self.store.read() as conn:
            in_force = current_decisions(conn)
        for a, b in self._history:
            if (a, b) in in_force and in_force[(a, b)].verdict == "same":
                self._parent[self._find(self._root(a))] = self._find(self._root(b))
        self.decided = max(self.decided - 1, 0)
        self.changed = True
        return pair

    def _latest_own(self) -> tuple[int, int] | None:
        d = pair_decisions
        with self.store.read() as conn:
            in_force = current_decisions(conn)
            rows = conn.execute(select(d.c.record_a, d.c.record_b).where(
                d.c.actor == self.actor, d.c.origin == "check", d.c.verdict != "retracted").order_by(d.c.id.desc()))
            for a, b in rows:
                if (a, b) in in_force:
                    return (a, b)
        return None

    def finish(self) -> DedupResult | None:
        """Apply the verdicts to the works (a dedup run with the latest run's settings)."""
        with self.store.read() as conn:
            settings = last_settings(conn, self.default_settings)
        return dedup(self.store, actor=self.actor, settings=settings)
