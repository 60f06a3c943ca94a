"""``review backup``, ``review export all`` and ``review import-archive``."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from review.cli.context import State, pass_state
from review.store.archive import backup, export_all, restore_archive
from review.workspace import Workspace


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def backup_command(state: State, file: Path) -> None:
    """Write a consistent copy of the database to FILE, even while others work.

    SQLite: the online backup API copies a snapshot of one moment, checked with SQLite's
    integrity check before it is given its name. PostgreSQL: pg_dump's custom format
    (restore with pg_restore), checked with pg_restore --list; without a pg_dump as new as
    the server, the CSV archive of `review export all` in the folder FILE. Never overwrites.

    Example:

    \b
        # in the bundled example
        review backup backups/review-2026-12-03.db
    """
    target = backup(state.workspace().store(), file)
    kind = " (an archive: restore with `review import-archive`)" if target.is_dir() else ""
    click.echo(f"Backed up the database to {target}{kind}")


@click.command("all")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--with-credentials", is_flag=True,
              help="Keep the web accounts' password hashes and sessions (a backup, not for sharing).")
@pass_state
def export_all_command(state: State, directory: Path, with_credentials: bool) -> None:
    """Write every table as CSV into DIRECTORY, with a README of the columns.

    For archiving with the manuscript (journals and PROSPERO ask for the data behind a
    review). manifest.json carries the schema version, row counts and each file's sha256;
    `review import-archive` restores it. The web app's accounts keep their names and roles
    but no password hash, session or API token unless --with-credentials: restored, each
    needs `review users passwd NAME` before signing in.

    Example:

    \b
        # in the bundled example
        review export all archive/
        review import-archive archive/ --to restored-review
    """
    summary = export_all(state.workspace().store(), directory, credentials=with_credentials)
    secrets = "" if with_credentials else " (no passwords or sessions: --with-credentials keeps them)"
    click.echo(f"Wrote {len(summary.tables)} tables ({summary.rows} rows) to {summary.directory}{secrets}")


@click.command("import-archive")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--to", "target", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The new workspace to create and restore into.")
def import_archive_command(directory: Path, target: Path) -> None:
    """Restore an archive written by `review export all` into a new workspace.

    Checks every file against the manifest's sha256 first; all or nothing.

    Example:

    \b
        # in the bundled example
        review import-archive archive/ --to restored-review
    """
    existed = target.exists()
    workspace = Workspace.create(target)
    try:
        summary = restore_archive(workspace.store(), directory)
    except Exception:
        workspace.close()
        if not existed:
            shutil.rmtree(target, ignore_errors=True)
        raise
    workspace.close()
    click.echo(f"Restored {summary.rows} rows in {len(summary.tables)} tables into {workspace.root}")


def register(group: click.Group) -> None:
    group.add_command(backup_command)
    group.add_command(import_archive_command)
    export = group.commands.get("export")
    if isinstance(export, click.Group):
        export.add_command(export_all_command)
