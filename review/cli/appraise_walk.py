"""The terminal side of ``review appraise REPORT --reviewer NAME``: one key per answer.

The walk asks the design category (if this reviewer has none yet), then each question the
design calls for that this reviewer has not answered, with the guidance on screen. Every
answer is saved at once, so quitting and coming back resumes where it stopped. Only the
reviewer's own answers are shown (blinded); another reviewer's appear nowhere here.
On a terminal keys are read one at a time; from a pipe each key is a line (scriptable).
"""

from __future__ import annotations

import textwrap
from typing import Any

import click

from review.appraisal.agreement import appraise_record
from review.appraisal.judgements import Appraisal, current
from review.cli.keys import KeyInput
from review.errors import InputError
from review.included import included_reports, require_included

ANSWER_KEYS = {"y": "yes", "n": "no", "c": "cant-tell"}


KEYS = "[y]es  [n]o  [c]an't tell  [m] comment  [b]ack  [s]kip  [q]uit"


def _mine(store: Any, work_id: int, reviewer: str) -> Appraisal:
    with store.read() as conn:
        report = current(conn, [work_id]).get(work_id)
    return report.reviewers.get(reviewer, Appraisal()) if report else Appraisal()


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, 96, initial_indent=indent, subsequent_indent=indent)


def _ask_design(io: KeyInput, store: Any, tool: Any, work_id: int, reviewer: str, actor: str) -> bool:
    click.echo("\nDesign category:")
    for category in tool.categories:
        click.echo(f"  [{category.id}] {category.label}")
    click.echo(f"  [x] {tool.not_applicable}: {tool.not_applicable_guidance}")
    while True:
        key = io.key("category (or q to quit): ")
        if key == "q":
            return False
        if key == "x":
            reason = io.line("why can it not be appraised")
            if not reason:
                click.echo("  a reason is needed")
                continue
            appraise_record(store, work_id, "category", tool.not_applicable, reviewer=reviewer, actor=actor,
                            comment=reason, instrument=tool, origin="interactive")
            return True
        if key in tool.category_ids:
            subs = []
            for group, members in tool.companions(key).items():
                if len(members) == 1:
                    subs.append(members[0])
                    continue
                labels = ", ".join(f"[{m}] {tool.category(m).label}" for m in members)
                while True:
                    pick = io.key(f"also rated on which {group} category? {labels}: ")
                    if pick in members:
                        subs.append(pick)
                        break
                    if pick == "q":
                        return False
            appraise_record(store, work_id, "category", key, reviewer=reviewer, actor=actor,
                            subcategories=",".join(subs), instrument=tool, origin="interactive")
            return True
        click.echo(f"  use one of {', '.join(tool.category_ids)}, x or q")


def run_walk(store: Any, settings: Any, work_id: int, reviewer: str, actor: str) -> None:
    """Appraise one report interactively as ``reviewer`` (resumable, blinded)."""
    tool = settings.instrument
    io = KeyInput()
    actor = actor or reviewer
    with store.read() as conn:
        require_included(conn, work_id)
        report = next(r for r in included_reports(conn) if r.work_id == work_id)
    click.echo(f"Appraising report {work_id} as {reviewer} with {tool.name} {tool.version} "
               "(blinded: only your own answers are shown; each answer is saved at once).")
    click.echo(f"{report.citation}. {report.title}")
    if report.fulltext:
        click.echo(f"Full text: {report.fulltext}")
    mine = _mine(store, work_id, reviewer)
    if not mine.categories and not _ask_design(io, store, tool, work_id, reviewer, actor):
        click.echo("Stopped; nothing else recorded.")
        return
    mine = _mine(store, work_id, reviewer)
    if mine.categories[0] == tool.not_applicable:
        click.echo(f"Recorded: {tool.not_applicable} ({mine.category.comment if mine.category else ''}).")
        return
    items = tool.items_for(mine.categories)
    todo = [i for i in items if i not in mine.items]
    designs = ", ".join(f"{tool.category(c).label} ({c})" for c in mine.categories)
    click.echo(f"Design: {designs}; {len(items) - len(todo)} of {len(items)} questions "
               "answered already.")
    position = 0
    while position < len(todo):
        item = tool.item(todo[position])
        given = _mine(store, work_id, reviewer).items.get(item.id)
        click.echo(f"\n{item.id}. {item.text}" + (f"  (your answer: {given.answer})" if given else ""))
        if item.guidance:
            click.echo(_wrap(item.guidance))
        comment = None
        key = io.key(f"{KEYS}: ")
        if key == "m":
            comment = io.line("comment")
            key = io.key("answer [y/n/c]: ")
        if key == "q":
            break
        if key == "b":
            position = max(position - 1, 0)
            continue
        if key == "s":
            position += 1
            continue
        if key not in ANSWER_KEYS:
            click.echo("  use y, n, c, m, b, s or q")
            continue
        try:
            appraise_record(store, work_id, item.id, ANSWER_KEYS[key], reviewer=reviewer, actor=actor,
                            comment=comment, instrument=tool, origin="interactive")
        except InputError as exc:
            click.echo(f"  {exc}")
        position += 1
    mine = _mine(store, work_id, reviewer)
    left = [i for i in items if i not in mine.items]
    click.echo(f"\n{len(items) - len(left)} of {len(items)} questions answered"
               + (f"; still open: {', '.join(left)} (run the same command to resume)." if left else "."))
