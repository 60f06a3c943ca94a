"""Never lose work: what rebuilding the database from the workspace's files would drop.

The database is the single source of truth; the files in a workspace (corpus/,
protocols/, extraction/) rebuild only part of it. Decisions made interactively, verdicts,
appraisals and fragments recorded with a command, sources imported from outside corpus/
and edited source details exist only in the database. Before anything replaces the
database, :func:`check_rebuild` rebuilds the files into a scratch SQLite database in a
temporary folder and compares the two by id-free keys (:mod:`review.store.snapshot`):
what the current database holds and the rebuild lacks would be lost.

:func:`refuse_losses` turns a non-empty check into :class:`WouldLoseWork` (exit status
1): a count per kind and the commands that save each kind into the workspace's files.
:func:`verified_backup` writes a copy first, for when the person goes ahead anyway: an
SQLite online backup (checked with SQLite's integrity check and row counts), or on
PostgreSQL an archive of every table (``review export all``, checked against its
manifest and the live row counts).
"""

from __future__ import annotations

import datetime as _dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from review.errors import ReviewError
from review.store import Store
from review.store.archive import backup, export_all, verify_archive, verify_backup
from review.store.snapshot import KINDS, lost_files, missing, snapshot
from review.workspace import Workspace

__all__ = ["RebuildCheck", "WouldLoseWork", "check_rebuild", "refuse_losses", "verified_backup"]

#: Where backups written before a destructive command go, inside the workspace.
BACKUPS = "backups"

#: How each kind can be kept in the workspace's files (so a rebuild brings it back).
SAVE = {
    "records": "keep each export file in corpus/ (or list it in corpus/sources.yaml)",
    "source details": "write the corrected details into corpus/sources.yaml",
    "screening decisions": "review screen export --output extraction/screening/decisions.csv",
    "studies": "review studies export --output extraction/studies.csv",
    "study groupings": "review studies export --output extraction/studies.csv",
    "theory topics": "add them to protocols/theories.yaml",
    "theories": "review theories export   (writes extraction/theory-changes.csv)",
    "theory versions": "review theories export   (writes extraction/theory-changes.csv)",
    "appraisal answers": "review appraise export --output extraction/appraisals.csv",
    "fragments": "review extract export --output extraction/fragments.csv",
}


@dataclass
class RebuildCheck:
    """What a rebuild from the files would lose.

    Attributes:
        lost: kind -> rows only the current database holds (empty: nothing would be lost).
        files: ``"NAME (FILE)"`` -> records of sources the rebuild would not import.
        failed: the stage that failed in the trial rebuild, with its error, if one did.
    """

    lost: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    failed: str | None = None

    @property
    def safe(self) -> bool:
        return not self.lost

    def describe(self, command: str) -> str:
        """The refusal: a count per kind, then how to save each, then how to go ahead."""
        lines = [f"`{command}` would lose work that only the database holds "
                 "(the workspace's files do not rebuild it):"]
        for kind, count in sorted(self.lost.items(), key=lambda item: _order(item[0])):
            lines.append(f"  {count:>6}  {KINDS.get(kind, kind)}")
            if kind == "records":
                lines.extend(f"            {n} from {name}" for name, n in sorted(self.files.items()))
        if self.failed:
            lines.append(f"  (the trial rebuild stopped: {self.failed})")
        saves = list(dict.fromkeys(SAVE[kind] for kind in sorted(self.lost, key=_order) if kind in SAVE))
        lines.append("Save it into the workspace's files first:")
        lines.extend(f"  {text}" for text in saves)
        lines.append("  review backup FILE   (keeps everything, including kinds no sheet holds)")
        lines.append(f"or go ahead: {command} --force writes a verified backup first and prints its path.")
        lines.append("Nothing was changed.")
        return "\n".join(lines)


class WouldLoseWork(ReviewError):
    """A command would drop work that only the database holds (exit status 1)."""

    def __init__(self, check: RebuildCheck, command: str) -> None:
        self.check = check
        self.command = command
        super().__init__(check.describe(command))


def _order(kind: str) -> int:
    names = list(KINDS)
    return names.index(kind) if kind in names else len(names)


def has_database(workspace: Workspace) -> bool:
    """Whether the workspace's database exists yet (a PostgreSQL one always does)."""
    url = workspace.db_url
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        return path not in ("", ":memory:") and Path(path).is_file()
    return True


def check_rebuild(workspace: Workspace, rebuild: Callable[[Workspace], str | None]) -> RebuildCheck:
    """Rebuild the workspace's files into a scratch database and say what that would lose.

    Args:
        workspace: the workspace; its database is only read.
        rebuild: builds a workspace's database from its files (``review run``'s stages
            without the reports); returns the failed stage and its error, or None.

    Returns:
        Per kind, the rows only the current database holds.
    """
    if not has_database(workspace):
        return RebuildCheck()
    current = snapshot(workspace.store())
    with tempfile.TemporaryDirectory(prefix="review-rebuild-") as tmp:
        config = {**workspace.config, "database": {**workspace.config.get("database", {}),
                                                    "url": f"sqlite:///{Path(tmp) / 'rebuild.db'}"}}
        scratch = Workspace(root=workspace.root, config=config)
        try:
            failed = rebuild(scratch)
            rebuilt = snapshot(scratch.store())
        finally:
            scratch.close()
    return RebuildCheck(missing(current, rebuilt), lost_files(current, rebuilt), failed)


def refuse_losses(check: RebuildCheck, command: str) -> None:
    """Raise :class:`WouldLoseWork` unless the check found nothing to lose."""
    if not check.safe:
        raise WouldLoseWork(check, command)


def verified_backup(workspace: Workspace, *, reason: str = "before-fresh") -> Path:
    """Write a backup of the workspace's database into backups/ and check it.

    SQLite: a copy made with the online backup API, then opened and checked (integrity,
    and every table's row count equal to the database's). PostgreSQL: an archive of every
    table as CSV (``review export all``; restore with ``review import-archive``), then
    each file checked against the manifest and the live row counts.

    Returns:
        The backup's path (a file for SQLite, a folder for PostgreSQL).

    Raises:
        ReviewError: the backup could not be written or did not check out (nothing is
            changed in the database either way).
    """
    store: Store = workspace.store()
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = workspace.path(BACKUPS)
    if store.engine.dialect.name == "sqlite":
        target = _unused(folder / f"review-{stamp}-{reason}.db")
        backup(store, target)
        verify_backup(store, target)
        return target
    target = _unused(folder / f"review-{stamp}-{reason}")
    export_all(store, target)
    verify_archive(store, target)
    return target


def _unused(path: Path) -> Path:
    """``path``, or ``path`` with -2, -3, ... before its suffix when it exists."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate
