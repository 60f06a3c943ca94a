"""The theory commands on a workspace: load the model, add, refine, export, history.

Each writes in one transaction; ``add_theory`` and ``refine_theory`` then append their new
version to ``extraction/theory-changes.csv`` so that the committed files rebuild the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from review.synthesis.changes import (
    CHANGES_PATH,
    ChangesLoad,
    append_change,
    export_changes,
    replay_changes,
)
from review.synthesis.current import ModelLoad, theories_current
from review.synthesis.tables import theories
from review.synthesis.testing import theories_report
from review.synthesis.versions import (
    TheoryVersion,
    check_fragments,
    record_inductive,
    record_refinement,
)

__all__ = ["ModelLoad", "add_theory", "export_theory_changes", "import_theory_changes", "load_model",
           "refine_theory", "theories_overview"]


def load_model(workspace: Any, *, actor: str) -> ModelLoad:
    """Load protocols/theories.yaml, then replay extraction/theory-changes.csv; idempotent.

    Raises:
        InputError: a malformed file or row (``FILE:LINE: key: message``), an initial theory
            removed from the file while fragments cite it; nothing written.
    """
    with workspace.store().transaction() as conn:
        return theories_current(conn, workspace.root, actor=actor)


def theories_overview(workspace: Any, *, topic: str | None = None, actor: str) -> dict[str, Any]:
    """What ``review theories`` shows, after loading the protocol as it now is.

    Raises:
        InputError: a malformed protocol or log, a removed theory still cited; nothing written.
        NotFound: ``topic`` is not a topic of the model.
    """
    with workspace.store().transaction() as conn:
        theories_current(conn, workspace.root, actor=actor)
        return theories_report(conn, topic=topic)


def _ensure_protocol(workspace: Any, conn: Any, actor: str) -> None:
    theories_current(conn, workspace.root, actor=actor)


def add_theory(workspace: Any, theory_id: str, *, topic: str, label: str, cmo: dict[str, str],
               reason: str = "", fragments: tuple[int, ...] = (), actor: str, log: bool = True,
               directions: dict[int, str] | None = None) -> TheoryVersion:
    """Add an inductive theory and append it to the changes log.

    ``fragments`` (those that motivated it) become its evidence: supporting it, unless
    ``directions`` says a fragment refutes or refines it.

    Raises:
        InputError: a reused id, an unknown topic or fragment, an empty label; nothing written.
    """
    with workspace.store().transaction() as conn:
        _ensure_protocol(workspace, conn, actor)
        version = record_inductive(conn, theory_id=theory_id, topic=topic, label=label, cmo=cmo, reason=reason,
                                   fragments=check_fragments(conn, fragments), actor=actor, directions=directions)
    if log:
        append_change(workspace.path(*CHANGES_PATH), version, topic)
    return version


def refine_theory(workspace: Any, theory_id: str, *, changes: dict[str, str], additions: dict[str, str],
                  reason: str, fragments: tuple[int, ...] = (), reworded: bool = False, actor: str,
                  log: bool = True, directions: dict[int, str] | None = None) -> TheoryVersion:
    """Add a version of a theory and append it to the changes log.

    ``fragments`` become the theory's evidence as in :func:`add_theory`.

    Raises:
        InputError: unknown theory or fragment, no reason, nothing changed; nothing written.
    """
    with workspace.store().transaction() as conn:
        _ensure_protocol(workspace, conn, actor)
        version = record_refinement(conn, theory_id, changes=changes, additions=additions, reason=reason,
                                    fragments=check_fragments(conn, fragments), reworded=reworded, actor=actor,
                                    directions=directions)
        topic = conn.execute(select(theories.c.topic).where(theories.c.id == theory_id)).scalar_one()
    if log:
        append_change(workspace.path(*CHANGES_PATH), version, topic)
    return version


def import_theory_changes(workspace: Any, path: str | Path, *, actor: str) -> ChangesLoad:
    """Replay a theory-changes file (after loading the protocol) in one transaction.

    What it adds is appended to the workspace's extraction/theory-changes.csv (unless that
    is the file imported), so that ``review run --fresh`` rebuilds it.

    Raises:
        InputError: a bad row (``FILE:LINE: column: message``); nothing written.
    """
    path = Path(path)
    log = workspace.path(*CHANGES_PATH)
    with workspace.store().transaction() as conn:
        _ensure_protocol(workspace, conn, actor)
        done = replay_changes(conn, path, actor=actor)
    if not (log.is_file() and path.resolve() == log.resolve()):
        for version, topic in done.versions:
            append_change(log, version, topic)
    return done


def export_theory_changes(workspace: Any, output: str | Path | None = None) -> tuple[Path, int]:
    """Write the changes log from the database (default: extraction/theory-changes.csv)."""
    path = Path(output) if output is not None else workspace.path(*CHANGES_PATH)
    with workspace.store().read() as conn:
        return path, export_changes(conn, path)
