"""``review migrate --to URL``: move the review's database to another server, every row checked."""

from __future__ import annotations

import click

from review.cli.context import State, pass_state
from review.store import Store
from review.store.migrate import move_database


@click.command("migrate")
@click.option("--to", "url", required=True, metavar="URL",
              help="The new, empty database: postgresql+psycopg://USER:PASSWORD@HOST/DB or sqlite:///FILE.")
@pass_state
def migrate_command(state: State, url: str) -> None:
    """Move the review's database to URL (SQLite to PostgreSQL, or back), then use it.

    Copies every table into the new, empty database, compares each table's row count and
    checksum with the original, and only then writes URL into review.toml [database] url.
    The old database is left as it was; if anything differs, the new one is emptied again
    and review.toml is not changed. A relative SQLite path is relative to the workspace.

    Example:

    \b
        # in the bundled example; to a server: --to postgresql+psycopg://USER:PASSWORD@HOST/DB
        review migrate --to sqlite:///review-moved.db
    """
    workspace = state.workspace()
    source = workspace.store()
    target = Store.open(workspace.resolve_url(url))
    try:
        summary = move_database(source, target)
    finally:
        target.close()
    workspace.set_database_url(url)
    click.echo(f"Moved {summary.rows} rows in {len(summary.tables)} tables from {summary.source} to "
               f"{summary.target}; row counts and checksums match. review.toml now uses the new "
               "database; the old one is unchanged.")


def register(group: click.Group) -> None:
    group.add_command(migrate_command)
