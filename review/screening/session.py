"""The interactive screening loop, without the terminal: what to show next, and each action.

``review screen`` drives a :class:`ScreeningSession`; tests and notebooks can drive it
directly. Every decision and every undo is committed in its own transaction the moment it
is made, so quitting (or a crash) loses nothing, and the next session resumes with the
works the reviewer has not decided yet.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from review.screening.decisions import (
    Decision,
    check_reviewer,
    check_stage,
    last_decision,
    record_decision,
    retract_decision,
)
from review.screening.queue import Progress, QueueItem, ScreeningQueue
from review.screening.works import WorkView
from review.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from review.screening.criteria import Criteria


class ScreeningSession:
    """One reviewer screening one stage.

    Args:
        store: the workspace's store.
        stage: ``title-abstract`` or ``full-text``.
        reviewer: who is screening (must be in ``reviewers`` when that is given).
        reviewers: the configured reviewers, if any.
        reviewers_per_work: 1, or 2 for blinded dual screening.
        criteria: the protocol (exclusion reasons, highlighted keywords).
        seed: random seed for the ranking model.
        actor: who is at the keyboard, for the audit trail (default: the reviewer).
        second_reviewer_first: with two or more reviewers per work, works another reviewer
            has screened come first (see :class:`~review.screening.queue.ScreeningQueue`).
        model: the ranking model (``[screening] model``; None: the default).
        retrain_every: refit the model after this many new decisions (1, the default:
            after every one; see :class:`~review.screening.queue.ScreeningQueue`).

    Raises:
        InputError: unknown stage or reviewer; no works yet (run ``review dedup`` first).
    """

    def __init__(
        self,
        store: Store,
        *,
        stage: str,
        reviewer: str,
        reviewers: Sequence[str] | None = None,
        reviewers_per_work: int = 1,
        criteria: Criteria | None = None,
        seed: int = 0,
        actor: str | None = None,
        second_reviewer_first: bool = True,
        model: str | None = None,
        retrain_every: int = 1,
    ) -> None:
        self.store = store
        self.stage = check_stage(stage)
        self.reviewer = check_reviewer(reviewer, reviewers)
        self.reviewers = list(reviewers or [])
        self.reviewers_per_work = reviewers_per_work
        self.criteria = criteria
        self.actor = actor
        self.skipped: list[int] = []  # this session only, shown again after the rest
        self._front: list[int] = []  # works to show first (the one just undone)
        with store.read() as conn:
            self.queue = ScreeningQueue(
                conn, stage=stage, reviewer=self.reviewer, reviewers_per_work=reviewers_per_work,
                criteria=criteria, seed=seed, second_reviewer_first=second_reviewer_first,
                model=model, retrain_every=retrain_every,
            )

    def _refresh(self) -> None:
        with self.store.read() as conn:
            self.queue.refresh(conn)

    def next_work(self) -> WorkView | None:
        """The work to show next, or None when the reviewer's queue is empty (what other
        reviewers recorded meanwhile is read first)."""
        self._refresh()
        pending = self.queue.pending
        self._front = [w for w in self._front if w in pending]
        if self._front:
            return self.queue.works[self._front[0]]
        skipped = set(self.skipped)
        for work in self.queue.order():
            if work not in skipped:
                return self.queue.works[work]
        for work in self.skipped:
            if work in pending:
                self.skipped.remove(work)
                self.skipped.append(work)
                return self.queue.works[work]
        return None

    def item(self, work_id: int) -> QueueItem:
        """What to show with a work: its report's file at full text, whether it waits for a
        second review (never what the other reviewer decided)."""
        return self.queue.item(work_id)

    def decide(self, work_id: int, decision: str, *, reason: str | None = None,
               note: str | None = None) -> int:
        """Record and commit the reviewer's decision; returns the row id."""
        with self.store.transaction() as conn:
            row = record_decision(
                conn, work_id=work_id, stage=self.stage, reviewer=self.reviewer, decision=decision,
                reason=reason, note=note, origin="interactive", reviewers=self.reviewers or None,
                criteria=self.criteria, actor=self.actor, reviewers_per_work=self.reviewers_per_work,
            )
        if work_id in self.skipped:
            self.skipped.remove(work_id)
        self._refresh()
        return row

    def undo(self) -> Decision | None:
        """Withdraw the reviewer's latest decision at this stage (even from an earlier
        session) and show that work next; None if there is nothing to undo."""
        with self.store.transaction() as conn:
            last = last_decision(conn, self.stage, self.reviewer)
            if last is None:
                return None
            retract_decision(conn, work_id=last.work_id, stage=self.stage, reviewer=self.reviewer,
                             actor=self.actor)
        self._front.insert(0, last.work_id)
        self._refresh()
        return last

    def show_first(self, work_id: int) -> None:
        """Show ``work_id`` next while it waits in the queue (as a work just undone is; a web
        worker calls it for an undo made through another worker)."""
        if work_id in self._front:
            self._front.remove(work_id)
        self._front.insert(0, work_id)

    def skip(self, work_id: int) -> None:
        """Put a work to the back of this session's queue (nothing is recorded)."""
        if work_id in self._front:
            self._front.remove(work_id)
        if work_id in self.skipped:
            self.skipped.remove(work_id)
        self.skipped.append(work_id)

    def progress(self) -> Progress:
        return self.queue.progress()


# -- what a work looks like on screen (styling is passed in, so this stays UI-free) ---

#: ``mark(kind, text)`` styles a keyword match; kind is "include" or "exclude".
Marker = Callable[[str, str], str]


def keyword_pattern(keyword: str) -> str:
    """A regular expression for a protocol keyword: case-insensitive words, any run of
    whitespace between them (so a match may wrap), ``*`` as a truncation wildcard."""
    words = keyword.strip().split()
    parts = [r"\w*".join(re.escape(piece) for piece in word.split("*")) for word in words]
    tail = "" if keyword.strip().endswith("*") else r"\b"
    return r"\b" + r"\s+".join(parts) + tail


def highlight(text: str, include: Sequence[str], exclude: Sequence[str], mark: Marker) -> str:
    """``text`` with every inclusion and exclusion keyword passed through ``mark``."""
    alternatives = [(k, "include") for k in include if k.strip()] + [
        (k, "exclude") for k in exclude if k.strip()
    ]
    if not alternatives:
        return text
    alternatives.sort(key=lambda item: -len(item[0]))  # longest first: "peer support" before "peer"
    kinds = {f"k{i}": kind for i, (_, kind) in enumerate(alternatives)}
    pattern = re.compile(
        "|".join(f"(?P<k{i}>{keyword_pattern(k)})" for i, (k, _) in enumerate(alternatives)),
        re.IGNORECASE,
    )

    def replace(match: re.Match[str]) -> str:
        return mark(kinds[str(match.lastgroup)], match.group(0))

    return pattern.sub(replace, text)


def render_work(
    work: WorkView,
    *,
    width: int = 88,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    mark: Marker = lambda kind, text: text,
    title_style: Callable[[str], str] = lambda text: text,
    report_file: str | None = None,
) -> list[str]:
    """The lines of a work's card: title, authors, year and journal, where the full text
    is (``report_file``, at full text), wrapped abstract."""
    wrap = textwrap.TextWrapper(width=max(width, 30))
    title = wrap.wrap(work.title) or ["(no title)"]
    lines = list(title)
    if work.authors:
        shown = work.authors[:6]
        more = f" and {len(work.authors) - 6} more" if len(work.authors) > 6 else ""
        lines.extend(wrap.wrap("; ".join(shown) + more))
    where = ", ".join(str(part) for part in (work.journal, work.year) if part)
    doi = f"  doi:{work.doi}" if work.doi else ""
    lines.append(f"{where or 'no journal or year'}{doi}  [work {work.id}]")
    if report_file:
        lines.append(f"Full text: {report_file}")
    lines.append("")
    for paragraph in (work.abstract or "(no abstract)").split("\n"):
        lines.extend(wrap.wrap(paragraph) or [""])
    # Highlight the whole card at once so a two-word keyword split by wrapping still matches.
    marked = highlight("\n".join(lines), include, exclude, mark).split("\n")
    return [title_style(line) for line in marked[: len(title)]] + marked[len(title) :]
