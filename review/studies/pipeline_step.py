"""Studies as a step of ``review run``: load ``extraction/studies.csv`` (or ``.xlsx``).

The protocol (``protocols/studies.yaml``) says what the unit is called and which
characteristics the sheet carries; the sheet groups included reports into studies. Loading
the same sheet again changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from review.errors import InputError
from review.steps import StepResult
from review.studies.protocol import workspace_protocol
from review.studies.sheet import import_studies

#: The sheet's place in a workspace, in order of preference.
SHEETS = (("extraction", "studies.csv"), ("extraction", "studies.xlsx"))


def sheet_path(workspace: Any) -> Path | None:
    """The workspace's studies sheet, if it has one."""
    for parts in SHEETS:
        path = workspace.path(*parts)
        if path.is_file():
            return path
    return None


def run_step(workspace: Any, *, actor: str) -> StepResult:
    """Load the studies sheet; skipped (with the file looked for) when there is none.

    Raises:
        InputError: a bad row (``extraction/studies.csv:LINE: column: message``); nothing written.
    """
    path = sheet_path(workspace)
    if path is None:
        return StepResult.skipped("studies", "no extraction/studies.csv (or .xlsx): reports not grouped into studies")
    protocol = workspace_protocol(workspace)
    rpw = int(workspace.setting("screening", "reviewers_per_work", 1) or 1)
    name = path.relative_to(workspace.root).as_posix()
    try:
        done = import_studies(workspace.store(), path, protocol=protocol, actor=actor, reviewers_per_work=rpw)
    except InputError as exc:
        if exc.path and Path(exc.path) == path:
            raise type(exc)(exc.message, path=name, line=exc.line, field=exc.field) from exc
        raise
    return StepResult("studies", f"{name}: {done.summary()}", [f"unit: {protocol.unit}"])
