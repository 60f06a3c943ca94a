"""``review screen``: interactive prioritised screening, and its subcommands.

Without a subcommand the group runs the interactive session (see ``screen_interactive``);
the subcommands (conflicts, resolve, agreement, rank, decide, undo, plus import/export and
simulate when their modules are installed) never open the workspace until they need it,
so ``review screen simulate`` works outside a workspace.
"""

from __future__ import annotations

import json
from typing import Any

import click

from review.cli.context import State
from review.cli.screen_exchange import export_decisions, import_decisions
from review.cli.screen_settings import ScreenSettings
from review.cli.screen_simulate import simulate
from review.screening.decisions import DECISIONS, STAGES

STAGE_HELP = "Screening stage (default: title-abstract)."

__all__ = ["ScreenSettings", "register", "screen_group"]



def _state(ctx: click.Context) -> State:
    state = ctx.find_object(State)
    return state if state is not None else State(None)


def _inherited(ctx: click.Context, name: str, value: Any) -> Any:
    """A subcommand's option, falling back to the same option given to ``review screen``."""
    if value is not None:
        return value
    parent = ctx.parent.params if ctx.parent is not None else {}
    return parent.get(name)


@click.group("screen", invoke_without_command=True)
@click.option("--stage", type=click.Choice(STAGES), default=None, help=STAGE_HELP)
@click.option("--reviewer", help="Who is screening (one of review.toml [screening] reviewers).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed for the ranking model.")
@click.option("--add-reviewer", is_flag=True,
              help="Add --reviewer to review.toml's reviewers (otherwise unknown names are refused).")
@click.pass_context
def screen_group(ctx: click.Context, stage: str | None, reviewer: str | None, seed: int,
                 add_reviewer: bool) -> None:
    """Screen works one at a time, most likely relevant first.

    Shows each work's title, authors, year, journal and abstract with the protocol's
    keywords highlighted. Keys: i include, e exclude (then the reason's key), m maybe,
    n note, u undo, s skip, q quit. Each decision is saved the moment it is made; run the
    same command again to resume. With reviewers_per_work = 2 in review.toml screening is
    blinded: nobody sees another reviewer's decisions, and works another reviewer has
    screened come first (second_reviewer_first = false to turn that off). At full text
    only retrieved reports are offered (review fulltext retrieved). Without a subcommand,
    --reviewer is required.

    Example:

    \b
        # in the bundled example
        review screen --stage title-abstract --reviewer JM
        review screen conflicts --stage title-abstract
        review screen agreement --json
    """
    if ctx.invoked_subcommand is not None:
        return
    if not reviewer:
        raise click.UsageError("--reviewer NAME is needed to screen (e.g. review screen --reviewer alice)")
    from review.cli.screen_interactive import run_session

    settings = ScreenSettings(_state(ctx))
    reviewer = settings.reviewer(reviewer, add=add_reviewer)
    try:
        run_session(settings, stage=stage or "title-abstract", reviewer=reviewer, seed=seed)
    except BaseException:
        if settings.has_decisions(reviewer):  # decisions were saved under the new name: keep it
            settings.save_reviewers()
        raise
    settings.save_reviewers()


@screen_group.command("decide")
@click.argument("work", type=int)
@click.option("--stage", type=click.Choice(STAGES), default=None, help=STAGE_HELP)
@click.option("--reviewer", help="Who decided.")
@click.option("--decision", type=click.Choice(DECISIONS), required=True)
@click.option("--reason", help="Exclusion reason: a criterion id (see `review criteria`).")
@click.option("--note", help="Free text kept with the decision.")
@click.option("--add-reviewer", is_flag=True,
              help="Add --reviewer to review.toml's reviewers (otherwise unknown names are refused).")
@click.pass_context
def decide_command(ctx: click.Context, work: int, stage: str | None, reviewer: str | None,
                   decision: str, reason: str | None, note: str | None, add_reviewer: bool) -> None:
    """Record one reviewer's decision on one work (for scripts).

    Recording the same decision again changes nothing.

    Example:

    \b
        # in the bundled example
        review screen decide 42 --stage title-abstract --reviewer JM --decision include
        review screen decide 42 --stage full-text --reviewer JM --decision exclude --reason E-POP-1
    """
    from review.screening.decisions import record_decision

    stage = _inherited(ctx, "stage", stage) or "title-abstract"
    settings = ScreenSettings(_state(ctx))
    reviewer = settings.reviewer(_need_reviewer(ctx, reviewer),
                                 add=add_reviewer or bool(_inherited(ctx, "add_reviewer", None)))
    with settings.store.transaction() as conn:
        row = record_decision(
            conn, work_id=work, stage=stage, reviewer=reviewer, decision=decision, reason=reason,
            note=note, origin="cli", reviewers=settings.reviewers or None, criteria=settings.criteria,
            reviewers_per_work=settings.reviewers_per_work,
        )
    settings.save_reviewers()
    why = f" ({reason})" if reason else ""
    click.echo(f"Recorded: work {work}, {stage}, {decision}{why} by {reviewer} [decision {row}]")


@screen_group.command("undo")
@click.argument("work", type=int, required=False)
@click.option("--stage", type=click.Choice(STAGES), default=None, help=STAGE_HELP)
@click.option("--reviewer", help="Whose decision to withdraw.")
@click.pass_context
def undo_command(ctx: click.Context, work: int | None, stage: str | None, reviewer: str | None) -> None:
    """Withdraw a reviewer's decision: on WORK, or their latest at the stage.

    The decision stays in the log with a retraction after it; the work goes back into the
    reviewer's queue.

    Example:

    \b
        # in the bundled example
        review screen undo --stage title-abstract --reviewer JM
        review screen undo 42 --stage full-text --reviewer JM
    """
    from review.errors import InputError
    from review.screening.decisions import check_reviewer, last_decision, retract_decision

    stage = _inherited(ctx, "stage", stage) or "title-abstract"
    settings = ScreenSettings(_state(ctx))
    reviewer = check_reviewer(_need_reviewer(ctx, reviewer), settings.reviewers or None)
    with settings.store.transaction() as conn:
        if work is None:
            last = last_decision(conn, stage, reviewer)
            if last is None:
                raise InputError(f"{reviewer} has no decision at {stage} to undo", field="--reviewer")
            work = last.work_id
        undone = retract_decision(conn, work_id=work, stage=stage, reviewer=reviewer)
    click.echo(f"Withdrew {reviewer}'s {undone.decision} on work {undone.work_id} at {stage}")


def _need_reviewer(ctx: click.Context, reviewer: str | None) -> str:
    value = _inherited(ctx, "reviewer", reviewer)
    if not value:
        raise click.UsageError("--reviewer NAME is needed")
    return str(value)


@screen_group.command("conflicts")
@click.option("--stage", type=click.Choice(STAGES), default=None, help="One stage (default: both).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def conflicts_command(ctx: click.Context, stage: str | None, as_json: bool) -> None:
    """List works whose reviewers disagree: on the decision or, at full text, the reason.

    Settle each with `review screen resolve`.

    Example:

    \b
        # in the bundled example
        review screen conflicts --stage title-abstract
        review screen conflicts --json | jq '.conflicts | length'
    """
    from review.screening.decisions import conflicts
    from review.screening.wording import count
    from review.screening.works import load_works

    settings = ScreenSettings(_state(ctx))
    stage = _inherited(ctx, "stage", stage)
    found = []
    with settings.store.read() as conn:
        for name in [stage] if stage else list(STAGES):
            found.extend(conflicts(conn, name, reviewers_per_work=settings.reviewers_per_work))
        works = load_works(conn, [c.work_id for c in found])
    if as_json:
        click.echo(json.dumps({"conflicts": [
            {"work_id": c.work_id, "stage": c.stage, "kind": c.kind, "title": works[c.work_id].title,
             "decisions": [{"reviewer": d.reviewer, "decision": d.decision, "reason": d.reason,
                            "note": d.note} for d in c.decisions]}
            for c in found]}, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("No conflicts.")
        return
    for c in found:
        click.echo(f"work {c.work_id} [{c.stage}, {c.kind}]: {works[c.work_id].title}")
        for d in c.decisions:
            why = f" ({d.reason})" if d.reason else ""
            note = f"  note: {d.note}" if d.note else ""
            click.echo(f"    {d.reviewer}: {d.decision}{why}{note}")
    click.echo(f"{count(len(found), 'conflict')}. Settle one with: review screen resolve WORK --stage STAGE "
               "--decision D --reviewer NAME")


@screen_group.command("resolve")
@click.argument("work", type=int)
@click.option("--stage", type=click.Choice(STAGES), default=None, help=STAGE_HELP)
@click.option("--decision", type=click.Choice(DECISIONS), required=True)
@click.option("--reason", help="Exclusion reason: a criterion id.")
@click.option("--note", help="How the conflict was settled.")
@click.option("--reviewer", help="Who resolved it (a reviewer, or one of [screening] resolvers).")
@click.pass_context
def resolve_command(ctx: click.Context, work: int, stage: str | None, decision: str,
                    reason: str | None, note: str | None, reviewer: str | None) -> None:
    """Record the reconciled decision on a work, with who resolved it.

    The resolution decides the work at that stage, whatever the reviewers said; their own
    decisions stay as they were (agreement statistics use them).

    Example:

    \b
        # in the bundled example
        review screen resolve 42 --stage title-abstract --decision include --reviewer SA \\
            --note "discussed: population fits"
    """
    from review.screening.decisions import resolve

    stage = _inherited(ctx, "stage", stage) or "title-abstract"
    resolver = _need_reviewer(ctx, reviewer)
    settings = ScreenSettings(_state(ctx))
    allowed = settings.reviewers + [r for r in settings.resolvers if r not in settings.reviewers]
    with settings.store.transaction() as conn:
        row = resolve(conn, work_id=work, stage=stage, decision=decision, reason=reason, note=note,
                      resolver=resolver, criteria=settings.criteria, reviewers=allowed or None,
                      reviewers_per_work=settings.reviewers_per_work)
    why = f" ({reason})" if reason else ""
    click.echo(f"Resolved: work {work}, {stage}, {decision}{why} by {resolver} [decision {row}]")


@screen_group.command("agreement")
@click.option("--stage", type=click.Choice(STAGES), default=None, help="One stage (default: both).")
@click.option("--maybe", type=click.Choice(["include", "exclude", "separate"]), default="include",
              show_default=True, help='How to count "maybe": as include, as exclude, or a third category.')
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def agreement_command(ctx: click.Context, stage: str | None, maybe: str, as_json: bool) -> None:
    """Agreement per stage and reviewer pair: counts, percent agreement, Cohen's kappa.

    Uses each reviewer's own decisions on the works both screened (not resolutions) and
    says how "maybe" was treated.

    Example:

    \b
        # in the bundled example
        review screen agreement --stage title-abstract
        review screen agreement --maybe separate --json
    """
    from review.screening.agreement import agreement, format_agreement

    settings = ScreenSettings(_state(ctx))
    with settings.store.read() as conn:
        report = agreement(conn, _inherited(ctx, "stage", stage), maybe=maybe)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else format_agreement(report))


@screen_group.command("rank")
@click.option("--stage", type=click.Choice(STAGES), default=None, help=STAGE_HELP)
@click.option("--reviewer", help="Whose queue (default: every work still needing a decision).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--seed", type=int, default=None, help="Random seed for the ranking model.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def rank_command(ctx: click.Context, stage: str | None, reviewer: str | None, top: int,
                 seed: int | None, as_json: bool) -> None:
    """Print the top of the screening queue with the model's scores.

    Also prints how many relevant works may remain (an upper bound at 95% confidence from
    the most recent decisions, Callaghan & Müller-Hansen 2020); stopping before the queue
    is empty is always the reviewers' decision.

    Example:

    \b
        # in the bundled example
        review screen rank --stage title-abstract --top 20
        review screen rank --reviewer JM --json
    """
    from review.screening.decisions import check_reviewer
    from review.screening.queue import ScreeningQueue
    from review.screening.wording import count

    stage = _inherited(ctx, "stage", stage) or "title-abstract"
    reviewer = _inherited(ctx, "reviewer", reviewer)
    seed = _inherited(ctx, "seed", seed) or 0
    settings = ScreenSettings(_state(ctx))
    if reviewer:
        check_reviewer(reviewer, settings.reviewers or None)
    with settings.store.read() as conn:
        queue = ScreeningQueue(conn, stage=stage, reviewer=reviewer, criteria=settings.criteria,
                               reviewers_per_work=settings.reviewers_per_work, seed=seed,
                               second_reviewer_first=settings.second_reviewer_first, model=settings.model)
    ranked = queue.top(top)
    progress = queue.progress()
    estimate = progress.estimate
    if as_json:
        click.echo(json.dumps({
            "stage": stage, "reviewer": reviewer, "in_queue": progress.remaining,
            "awaiting_second_reviewer": progress.awaiting_second,
            "awaiting_retrieval": progress.awaiting_retrieval,
            "estimated_relevant_remaining": getattr(estimate, "expected", None),
            "relevant_remaining_at_most": getattr(estimate, "high", None),
            "top": [{"rank": r.position, "work_id": r.work.id, "score": r.score, "year": r.work.year,
                     "title": r.work.title} for r in ranked],
        }, ensure_ascii=False, indent=2))
        return
    who = f"{reviewer}'s queue" if reviewer else "queue"
    line = f"{stage} {who}: {count(progress.remaining, 'work')} to screen"
    if progress.awaiting_second:
        line += f" ({progress.awaiting_second} screened by another reviewer, first)"
    if progress.awaiting_retrieval:
        line += f"; {count(progress.awaiting_retrieval, 'report')} waiting for retrieval"
    click.echo(line)
    for r in ranked:
        click.echo(f"{r.position:>4}  {r.score:6.3f}  work {r.work.id:<6} {r.work.year or '----'}  {r.work.title}")
    if estimate is not None:
        line = estimate.summary()
        click.echo(f"{line[:1].upper()}{line[1:]}. When to stop screening is the reviewers' decision.")


def register(group: click.Group) -> None:
    for command in (import_decisions, export_decisions, simulate):
        screen_group.add_command(command)
    group.add_command(screen_group)
