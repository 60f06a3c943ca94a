"""The theory model is current: protocols/theories.yaml and the changes log, loaded where needed.

Every command that needs the model (``review theories``, ``theories add/refine/import``,
``extract add/import``, ``review run``) calls :func:`theories_current` in its transaction, so
a theory written into protocols/theories.yaml is known at once, without ``review run``.
Loading is idempotent and writes nothing when the files have not changed; reading the small
YAML file each time is cheaper than keeping a checksum of it in the database.

An initial theory removed from the file while current fragments still cite it is an error
naming them (``protocols/theories.yaml: T3: removed but cited by fragments 12, 15``); the
caller's transaction is rolled back, so the database stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.errors import InputError
from review.extraction.tables import fragment_theories, fragments
from review.synthesis.changes import CHANGES_PATH, ChangesLoad, replay_changes
from review.synthesis.protocol import THEORIES_PATH, TheoryProtocol, load_theories
from review.synthesis.tables import theories
from review.synthesis.versions import LoadResult, load_initial

#: Fragment ids shown in an error before "and N more".
SHOWN = 12


@dataclass
class ModelLoad:
    """What loading the committed files did (None: the file is not there)."""

    initial: LoadResult | None
    changes: ChangesLoad | None
    protocol: TheoryProtocol | None = None


def theories_current(conn: Connection, root: Path, *, actor: str, check_removed: bool = True) -> ModelLoad:
    """Load the workspace's theories.yaml, then replay extraction/theory-changes.csv; idempotent.

    Args:
        root: the workspace's folder.
        check_removed: refuse an initial theory removed from the file while fragments cite it
            (a caller that changes fragments first checks with :func:`check_removed` after).

    Returns:
        What was loaded (``protocol`` None when the workspace has no protocols/theories.yaml).

    Raises:
        InputError: a malformed file or row, or a removed theory still cited (the path
            relative to the workspace); nothing written.
    """
    path, log = root.joinpath(*THEORIES_PATH), root.joinpath(*CHANGES_PATH)
    try:
        protocol = load_theories(path) if path.is_file() else None
        initial = load_initial(conn, protocol, actor=actor) if protocol is not None else None
        changes = replay_changes(conn, log, actor=actor) if log.is_file() else None
        if protocol is not None and check_removed:
            check_removed_theories(conn, protocol)
    except InputError as exc:
        raise _relative(exc, root) from None
    return ModelLoad(initial, changes, protocol)


def check_removed_theories(conn: Connection, protocol: TheoryProtocol | None, root: Path | None = None) -> None:
    """Refuse initial theories that are in the database, not in the protocol, and cited.

    Raises:
        InputError: ``T3: removed but cited by fragments 12, 15`` (the first such theory),
            its path relative to the workspace when ``root`` is given.
    """
    if protocol is None:
        return
    wanted = {draft.id for draft in protocol.theories}
    removed = [row.id for row in conn.execute(select(theories.c.id).where(theories.c.origin == "initial"))
               if row.id not in wanted]
    if not removed:
        return
    query = (select(fragment_theories.c.theory_id, fragment_theories.c.fragment_id)
             .join(fragments, fragments.c.id == fragment_theories.c.fragment_id)
             .where(fragments.c.deleted_at.is_(None), fragment_theories.c.theory_id.in_(removed))
             .order_by(fragment_theories.c.fragment_id))
    cited: dict[str, list[int]] = {}
    for theory_id, fragment_id in conn.execute(query):
        cited.setdefault(theory_id, []).append(fragment_id)
    if not cited:
        return
    theory_id = next(t for t in removed if t in cited)
    ids = cited[theory_id]
    shown = ", ".join(str(i) for i in ids[:SHOWN]) + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")
    others = [t for t in removed if t in cited and t != theory_id]
    error = InputError(
        f"removed but cited by fragment{'s' if len(ids) > 1 else ''} {shown}"
        + (f" (and {', '.join(others)}, also removed and cited)" if others else "")
        + "; put it back, or first take it out of those fragments (`review extract import` a sheet without it)",
        path=protocol.path, field=theory_id)
    raise _relative(error, root) if root is not None else error


def _relative(exc: InputError, root: Path) -> InputError:
    """The same error with its path relative to the workspace (``protocols/theories.yaml``)."""
    if not exc.path or not Path(exc.path).is_absolute():
        return exc
    try:
        name = Path(exc.path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return exc
    return type(exc)(exc.message, path=name, line=exc.line, field=exc.field)
