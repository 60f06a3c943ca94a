"""The terminal side of ``review screen``: show a work, read a key, act, repeat.

The logic (queue, decisions, undo) is :class:`review.screening.session.ScreeningSession`;
this module only draws and reads. On a terminal, single keys are read with
``click.getchar``; when standard input is not a terminal (a pipe, a test) each key is one
line, so a session can be scripted: ``printf 'i\\ne\\n2\\nq\\n' | review screen ...``.
"""

from __future__ import annotations

import shutil
from typing import Any

import click

from review.cli.keys import KeyInput
from review.errors import ReviewError
from review.screening.queue import Progress
from review.screening.session import ScreeningSession, render_work
from review.screening.wording import count, verb

KEYS = "[i]nclude  [e]xclude  [m]aybe  [n]ote  [u]ndo  [s]kip  [q]uit"
COLOURS = {"include": "green", "exclude": "red"}
#: One key per exclusion reason, in hierarchy order ("q", Enter and Esc go back).
REASON_KEYS = "123456789abcdefghijklmnoprstuvwxyz"
_BACK = ("", "\r", "\n", "\x1b", "q")


def _progress_line(progress: Progress) -> str:
    line = (f"Progress: {progress.screened} of {progress.total} screened by you; "
            f"{progress.included} included, {progress.maybe} maybe, {progress.excluded} excluded")
    if progress.estimate is not None and progress.remaining:
        line += f"; {progress.estimate.summary()} (stopping early is your decision)"
    return line


def _waiting_lines(progress: Progress, stage: str, second_first: bool) -> list[str]:
    """What waits outside the plain ranking: second reviews, reports to retrieve."""
    lines = []
    if progress.awaiting_second:
        n = progress.awaiting_second
        first = " (shown first; what was decided stays hidden)" if second_first else ""
        lines.append(f"{count(n, 'work')} screened by another reviewer {verb(n, 'waits', 'wait')} "
                     f"for your decision as second reviewer{first}.")
    if stage == "full-text" and progress.awaiting_retrieval:
        n = progress.awaiting_retrieval
        lines.append(f"{count(n, 'report')} {verb(n, 'waits', 'wait')} for retrieval and "
                     f"{verb(n, 'is', 'are')} not offered yet: "
                     "review fulltext retrieved WORK --file PATH (see review fulltext list).")
    return lines


def saved_message(work_id: int, decision: str, reason: str | None = None) -> str:
    """What was saved, said in full: ``Saved: exclude (E-POP-1) on work 276.``"""
    why = f" ({reason})" if reason else ""
    return f"Saved: {decision}{why} on work {work_id}."


_CANCEL = object()


def _choose_reason(io: KeyInput, session: ScreeningSession, note: str | None) -> tuple[Any, str | None]:
    """Ask for the exclusion reason, one key each; returns (reason or None or _CANCEL, note)."""
    criteria = session.criteria
    full_text = session.stage == "full-text"
    if criteria is None:
        if full_text:
            click.echo("A full-text exclusion needs a reason, and protocols/criteria.yaml is missing.")
            return _CANCEL, note
        return None, note
    reasons = [*criteria.exclusion_order, criteria.other]
    one_key = len(reasons) <= len(REASON_KEYS)
    labels = REASON_KEYS if one_key else [str(n) for n in range(1, len(reasons) + 1)]
    width = max(len(c.id) for c in reasons)
    click.echo("Exclusion reason (highest in the hierarchy first):")
    for label, criterion in zip(labels, reasons, strict=False):
        click.echo(f"  {label:>2}  {criterion.id:<{width}}  {criterion.text}")
    keys = f"{labels[0]}-{labels[len(reasons) - 1]}" if len(reasons) > 1 else labels[0]
    back = "q or Enter to go back"
    hint = back if full_text else f"0 for no reason, {back}"
    by_label = dict(zip(labels, reasons, strict=False))
    while True:
        value = io.key(f"Reason: press {keys} ({hint}) > ") if one_key else io.line(f"Reason number ({hint})")
        value = value or ""
        if value in _BACK:
            return _CANCEL, note
        if value == "0" and not full_text:
            return None, note
        chosen = by_label.get(value)
        if chosen is None:
            click.echo(f"No reason {value!r}: press {keys}.")
            continue
        break
    if chosen.id == criteria.other_id and not note:
        note = io.line(f"Note for {chosen.id!r} (why is it excluded?)")
        if not note:
            click.echo(f"{chosen.id!r} needs a note; nothing recorded.")
            return _CANCEL, None
    return chosen.id, note


def _screen_one(io: KeyInput, session: ScreeningSession, work_id: int) -> tuple[str, Any]:
    """Read keys for one work until it is decided, skipped, undone or the reviewer quits.

    Returns the outcome and, after a decision, (decision, reason); after an undo, the
    withdrawn decision.
    """
    note: str | None = None
    while True:
        key = io.key(f"{KEYS} > ")
        try:
            if key in ("i", "m"):
                decision = "include" if key == "i" else "maybe"
                session.decide(work_id, decision, note=note)
                click.echo(saved_message(work_id, decision))
                return "decided", (decision, None)
            if key == "e":
                reason, note = _choose_reason(io, session, note)
                if reason is _CANCEL:
                    continue
                session.decide(work_id, "exclude", reason=reason, note=note)
                click.echo(saved_message(work_id, "exclude", reason))
                return "decided", ("exclude", reason)
            if key == "n":
                note = io.line("Note") or note
                if note:
                    click.echo(f"Note added; it is saved with the decision you make on this work: {note}")
            elif key == "u":
                undone = session.undo()
                if undone is None:
                    click.echo("Nothing to undo.")
                    continue
                click.echo(f"Undone: your {undone.decision} on work {undone.work_id}; it is shown again.")
                return "undone", undone
            elif key == "s":
                session.skip(work_id)
                return "skipped", None
            elif key == "q":
                return "quit", None
            else:
                click.echo(f"Keys: {KEYS}")
        except ReviewError as exc:  # e.g. the work changed under us; nothing was written
            click.echo(f"Error: {exc}", err=True)
            return "error", None


def run_session(settings: Any, *, stage: str, reviewer: str, seed: int = 0) -> None:
    """Screen until the queue is empty or the reviewer quits."""
    include, exclude = settings.keywords
    session = ScreeningSession(
        settings.store, stage=stage, reviewer=reviewer, reviewers=settings.reviewers or None,
        reviewers_per_work=settings.reviewers_per_work, criteria=settings.criteria, seed=seed,
        second_reviewer_first=settings.second_reviewer_first, model=settings.model,
    )
    io = KeyInput()
    width = max(min(shutil.get_terminal_size((90, 24)).columns, 100) - 2, 40)

    def mark(kind: str, text: str) -> str:
        return click.style(text, fg=COLOURS[kind], bold=True)

    blinded = " (blinded: other reviewers' decisions are hidden)" if settings.reviewers_per_work > 1 else ""
    title = f"Screening {stage} as {reviewer}{blinded}. Every decision is saved at once."
    second_first = settings.second_reviewer_first

    def header() -> str:
        return "\n".join([title, *_waiting_lines(session.progress(), stage, second_first)])

    click.echo(header())
    decided: set[int] = set()  # works decided in this session (an undo takes one back out)
    last = ""
    while True:
        work = session.next_work()
        if work is None:
            click.echo(f"Your {stage} queue is empty: nothing left for you to screen.")
            break
        if io.redraw:
            io.clear()
            click.echo(header())
            if last:
                click.echo(last)
        click.echo("-" * width)
        click.echo(click.style(_progress_line(session.progress()), dim=True))
        item = session.item(work.id)
        if item.second_review:
            click.echo("Another reviewer has screened this work (what they decided stays hidden).")
        click.echo("")
        for line in render_work(work, width=width, include=include, exclude=exclude, mark=mark,
                                title_style=lambda text: click.style(text, bold=True),
                                report_file=item.report_file):
            click.echo(line)
        outcome, detail = _screen_one(io, session, work.id)
        if outcome == "quit":
            break
        if outcome == "decided":
            decided.add(work.id)
            last = saved_message(work.id, *detail)
        elif outcome == "undone":
            decided.discard(detail.work_id)
            last = f"Undone: your {detail.decision} on work {detail.work_id}."
        elif outcome == "skipped":
            last = f"Skipped work {work.id}; it comes back after the others."
    progress = session.progress()
    click.echo(f"{count(len(decided), 'decision')} saved this session; {progress.screened} of "
               f"{count(progress.total, f'{stage} work')} screened by {reviewer}. "
               "Run the same command to resume.")
    for line in _waiting_lines(progress, stage, second_first):
        click.echo(line)
