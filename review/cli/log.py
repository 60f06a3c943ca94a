"""``review log``: the audit trail, by who, what and when."""

from __future__ import annotations

import json

import click

from review.cli.context import State, pass_state


@click.command("log")
@click.option("--actor", help="Only this person's events.")
@click.option("--action", help="Only this action (screen, resolve, retract, dedup-same, ...; * as a wildcard).")
@click.option("--entity", help="Only this kind of thing (work, record-pair, fragment, ...) or one as KIND:ID.")
@click.option("--since", help="Only events since a date or time (2026-03-01, 2026-03-01T12:00, 7d, 12h).")
@click.option("--limit", type=int, help="Only the newest N events that match.")
@click.option("--json", "as_json", is_flag=True, help='Print {"events": [...]} with each event\'s detail.')
@pass_state
def log_command(state: State, actor: str | None, action: str | None, entity: str | None, since: str | None,
                limit: int | None, as_json: bool) -> None:
    """List the audit trail: every decision, verdict and change, oldest first.

    Each line: event id, when (UTC), who, action, what it is about, the decision or
    verdict, and what it replaced (the same reviewer's earlier decision on the work, the
    earlier verdict on a pair).

    Example:

    \b
        # in the bundled example
        review log --action screen --entity work:3
        review log --actor JM --since 7d --json
    """
    from review.audit import audit_log, table_rows

    with state.workspace().store().read() as conn:
        events = audit_log(conn, actor=actor, action=action, entity=entity, since=since, limit=limit)
    if as_json:
        click.echo(json.dumps({"events": [e.as_json() for e in events]}, indent=2, ensure_ascii=False))
        return
    for row in table_rows(events):
        ident, at, who, what_action, about, what, replaced = row
        line = f"{ident:>6}  {at}  {who:<12} {what_action:<16} {about:<18} {what}"
        click.echo(line + (f"  (replaced {replaced})" if replaced else ""))
    if not events:
        click.echo("No events match.", err=True)


def register(group: click.Group) -> None:
    group.add_command(log_command)
