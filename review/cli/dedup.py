"""``review dedup`` and its subcommands ``check``, ``explain`` and ``overlap``."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import click

from review.cli.context import State, pass_state
from review.cli.keys import KeyInput
from review.cli.progress import progress_bar
from review.workspace import current_actor

#: The steps ``review.corpus.dedup.dedup`` reports: loading, keys, duplicates, writing.
DEDUP_STEPS = 4

_ANSWERS = {
    "y": "same", "yes": "same", "same": "same",
    "n": "different", "no": "different", "d": "different", "different": "different",
    "s": "skip", "skip": "skip",
    "u": "undo", "undo": "undo",
    "q": "quit", "quit": "quit",
}


def _settings(state: State, threshold: float | None) -> Any:
    from review.corpus.dedup.settings import DedupSettings

    return DedupSettings.from_workspace(state.workspace()).with_threshold(threshold)


def _summary(result: Any) -> str:
    verb = "would" if result.dry_run else "now"
    lines = [
        f"{result.records} records {'would be' if result.dry_run else 'are'} in {result.works} works "
        f"({result.duplicates} duplicate records in {result.groups} works with more than one record).",
    ]
    changes = []
    if result.created:
        changes.append(f"{result.created} new works")
    if result.merged:
        pairs = ", ".join(f"{a}->{b}" for a, b in result.merged[:10])
        more = f" and {len(result.merged) - 10} more" if len(result.merged) > 10 else ""
        changes.append(f"{len(result.merged)} works merged into others ({pairs}{more})")
    if result.revived:
        changes.append(f"{len(result.revived)} merged works separated again ({', '.join(map(str, result.revived))})")
    if result.new_records:
        changes.append(f"{result.new_records} new records grouped into works")
    if result.moved_records - result.new_records:
        changes.append(f"{result.moved_records - result.new_records} records moved to a different work")
    if result.updated_works:
        changes.append(f"{result.updated_works} works updated")
    if changes:
        lines.append(("Would change: " if result.dry_run else "Changed: ") + "; ".join(changes) + ".")
    else:
        lines.append("Nothing " + ("would change." if result.dry_run else "changed."))
    if result.conflicts:
        pairs = ", ".join(f"{a}/{b}" for a, b in result.conflicts)
        lines.append(f"Not applied (they contradict a 'different' decision): 'same' decisions on {pairs}.")
    if result.queue_open:
        lines.append(f"{result.queue_open} uncertain pairs {verb} wait for a person: review dedup check")
    if result.dry_run:
        lines.append("Dry run: nothing was written.")
    return "\n".join(lines)


@click.group("dedup", invoke_without_command=True)
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Merge pairs scoring at least this (0-1; default from review.toml [dedup], else 0.85).")
@click.option("--dry-run", is_flag=True, help="Report what would change without writing anything.")
@click.option("--actor", help="Who runs it (default: $REVIEW_ACTOR or login name).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@pass_state
@click.pass_context
def dedup_group(ctx: click.Context, state: State, threshold: float | None, dry_run: bool,
                actor: str | None, as_json: bool, quiet: bool) -> None:
    """Group duplicate records into works (certain pairs merged, uncertain ones queued).

    Records are never deleted: each keeps its source and id and points at its work.
    Running it again after new imports keeps every existing work's id and never undoes a
    person's decision. Treatments of errata, meeting abstracts, preprints and the like are
    set in review.toml [dedup] (see docs/dedup.md).

    Example:

    \b
        # in the bundled example
        review dedup --dry-run
        review dedup
        review dedup check
        review dedup explain 42
        review dedup overlap --out reports/
    """
    if ctx.invoked_subcommand is not None:
        return
    from review.corpus.dedup import dedup

    workspace = state.workspace()
    with progress_bar("Deduplicating", quiet=quiet or as_json, steps=DEDUP_STEPS) as bar:
        result = dedup(workspace.store(), actor=current_actor(actor), settings=_settings(state, threshold),
                       dry_run=dry_run, progress=bar.step if bar.visible else None)
    if as_json:
        click.echo(json.dumps(result.as_dict()))
    elif not quiet:
        click.echo(_summary(result))


# -- check --------------------------------------------------------------------------


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False) or [""]


def _side_by_side(view: Any, color: bool) -> str:
    from review.corpus.dedup.check import SHOWN

    total = max(60, min(shutil.get_terminal_size((100, 24)).columns, 160))
    label = 10
    col = (total - label - 5) // 2
    left, right = view.left, view.right
    lines = [
        f"{'':<{label}}  {('record ' + str(left['record']))[:col]:<{col}} | {('record ' + str(right['record']))[:col]}",
        f"{'source':<{label}}  {_where(left)[:col]:<{col}} | {_where(right)[:col]}",
    ]
    for name in SHOWN:
        a, b = left.get(name) or "", right.get(name) or ""
        if not a and not b:
            continue
        if name == "abstract":
            a, b = a[:300], b[:300]
        differs = name in view.differing
        wa, wb = _wrap(a or "-", col), _wrap(b or "-", col)
        for k in range(max(len(wa), len(wb))):
            ca = wa[k] if k < len(wa) else ""
            cb = wb[k] if k < len(wb) else ""
            mark = "*" if differs and k == 0 else " "
            tag = f"{mark}{name if k == 0 else '':<{label - 1}}"
            cell_a = f"{ca:<{col}}"
            if differs and color:
                cell_a, cb = click.style(cell_a, fg="yellow", bold=True), click.style(cb, fg="yellow", bold=True)
            lines.append(f"{tag}  {cell_a} | {cb}")
    return "\n".join(lines)


def _where(view: dict[str, Any]) -> str:
    text = f"{view.get('source')} #{view.get('position')}"
    if view.get("source_ref"):
        text += f" ({view['source_ref']})"
    return text


@dedup_group.command("check")
@click.option("--actor", help="Who decides (default: $REVIEW_ACTOR or login name).")
@pass_state
def check_command(state: State, actor: str | None) -> None:
    """Settle uncertain pairs one by one: same, different, skip, undo or quit.

    The two records are shown side by side, fields that differ marked with * (and in
    colour on a terminal). Every answer is saved at once; quit any time and run it again
    to carry on. When you stop, the works are updated to follow your answers.

    Answers: y = same work, n = different works, s = skip (ask again last),
    u = undo the previous answer, q = quit.

    Example:

    \b
        # in the bundled example
        review dedup check --actor alice
    """
    from review.corpus.dedup.check import CheckSession

    who = current_actor(actor)
    store = state.workspace().store()
    session = CheckSession(store, actor=who, settings=_settings(state, None))
    color = sys.stdout.isatty()
    if not session.remaining:
        click.echo("No uncertain pairs to check.")
        return
    io = KeyInput()
    answered = skipped = 0  # in this session: the counter is "answered + skipped + 1 of that + remaining"
    last = ""
    try:
        while True:
            view = session.next()
            if view is None:
                later = f" ({skipped} skipped: asked again next time)" if skipped else ""
                click.echo(f"No more uncertain pairs.{later}")
                break
            done = answered + skipped
            guard = f", held back by: {view.item.guard}" if view.item.guard else ""
            if io.redraw:
                io.clear()
                if last:
                    click.echo(last)
            else:
                click.echo("")
            click.echo(f"Pair {done + 1} of {'about ' if done + session.remaining > done + 1 else ''}"
                       f"{done + session.remaining} (score {view.item.score:.2f}{guard})")
            click.echo(_side_by_side(view, color))
            answer = _ask(io)
            if answer == "quit":
                break
            if answer == "undo":
                undone = session.undo()
                if undone:
                    answered = max(answered - 1, 0)
                    last = f"Undone: records {undone[0]} and {undone[1]} are open again."
                else:
                    last = "Nothing to undo."
                click.echo(last)
                continue
            if answer == "skip":
                session.skip(view)
                skipped += 1
                last = f"Skipped records {view.item.record_a} and {view.item.record_b}; they are asked again last."
                click.echo(last)
                continue
            session.decide(view, answer)
            answered += 1
            click.echo(f"Saved: {answer}.")
            last = f"Saved: records {view.item.record_a} and {view.item.record_b} are {answer}."
    finally:
        result = session.finish() if session.changed else None
    left = _open_pairs(store)  # as `review status` counts them: skipped pairs are still open
    if result is not None:
        click.echo(f"Works updated: {result.records} records in {result.works} works; "
                   f"{left} uncertain pairs left.")
    else:
        click.echo(f"{left} uncertain pairs left.")


def _open_pairs(store: Any) -> int:
    """Open pairs in the queue, counted as `review status` counts them."""
    from review.corpus.dedup.queue import open_items

    with store.read() as conn:
        return len(open_items(conn))


def _ask(io: KeyInput) -> str:
    while True:
        key = io.key("Same work? [y]es / [n]o / [s]kip / [u]ndo / [q]uit > ")
        answer = _ANSWERS.get(key)
        if answer:
            return answer
        click.echo("Please answer y, n, s, u or q.")


# -- explain and overlap --------------------------------------------------------------


@dedup_group.command("explain")
@click.argument("work", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as one JSON object.")
@pass_state
def explain_command(state: State, work: int, as_json: bool) -> None:
    """Show why a work's records were merged: rule, and scores per field.

    Each record is compared with the work's canonical record again, field by field
    (similarity and the weight it adds), with the guard and any person's decisions.

    Example:

    \b
        # in the bundled example
        review dedup explain 42
        review dedup explain 42 --json
    """
    from review.corpus.dedup.explain import explain_work, format_explanation

    data = explain_work(state.workspace().store(), work, settings=_settings(state, None))
    click.echo(json.dumps(data) if as_json else format_explanation(data))


@dedup_group.command("merge")
@click.argument("work_a", metavar="A", type=int)
@click.argument("work_b", metavar="B", type=int)
@click.option("--actor", help="Who decides (default: $REVIEW_ACTOR or login name).")
@pass_state
def merge_command(state: State, work_a: int, work_b: int, actor: str | None) -> None:
    """Make works A and B one work (kept by every later run).

    Saved as a person's "same" verdict on the two works' canonical records; the works
    are then updated with the latest run's settings (the lower id survives).

    Example:

    \b
        # in the bundled example
        review dedup merge 12 40 --actor alice
    """
    from review.corpus.dedup.manual import merge_works

    result = merge_works(state.workspace().store(), work_a, work_b, actor=current_actor(actor),
                         settings=_settings(state, None))
    click.echo(f"Saved: works {work_a} and {work_b} are one work.\n{_summary(result)}")


@dedup_group.command("split")
@click.argument("work", type=int)
@click.argument("record", type=int)
@click.option("--actor", help="Who decides (default: $REVIEW_ACTOR or login name).")
@pass_state
def split_command(state: State, work: int, record: int, actor: str | None) -> None:
    """Take RECORD out of WORK (kept by every later run).

    Saved as a person's "different" verdicts between the record and every other record
    of the work; the works are then updated with the latest run's settings.

    Example:

    \b
        # in the bundled example
        review dedup split 12 55 --actor alice
    """
    from review.corpus.dedup.manual import split_record

    result = split_record(state.workspace().store(), work, record, actor=current_actor(actor),
                          settings=_settings(state, None))
    click.echo(f"Saved: record {record} is not work {work}.\n{_summary(result)}")


@dedup_group.command("overlap")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write dedup-overlap.csv and dedup-overlap.png (default: reports/).")
@click.option("--json", "as_json", is_flag=True, help="Print the overlap as one JSON object.")
@pass_state
def overlap_command(state: State, out_dir: Path | None, as_json: bool) -> None:
    """Per source: records, records no other source found, and overlap with every other source.

    Prints a table and writes a CSV and a heat map for reports.

    Example:

    \b
        # in the bundled example
        review dedup overlap
        review dedup overlap --out reports/ --json
    """
    from review.corpus.dedup.overlap import format_overlap, overlap, write_overlap

    workspace = state.workspace()
    result = overlap(workspace.store())
    written = write_overlap(result, out_dir if out_dir is not None else workspace.path("reports"))
    if as_json:
        click.echo(json.dumps({**result.as_dict(), "files": [str(p) for p in written]}))
        return
    click.echo(format_overlap(result))
    click.echo("")
    for path in written:
        click.echo(f"Wrote {path}")


def register(group: click.Group) -> None:
    group.add_command(dedup_group)
