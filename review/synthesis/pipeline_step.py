"""Theories as a step of ``review run``: the initial model, then the logged changes.

Loads protocols/theories.yaml (version 1 of each initial theory) and replays
extraction/theory-changes.csv (inductive theories and refinements), both idempotently, so
that ``review run --fresh`` rebuilds the model the reviewers built. Fragments, loaded by
the extraction step after this one, link to these theories.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from review.errors import InputError
from review.steps import StepResult
from review.synthesis.changes import CHANGES_PATH
from review.synthesis.commands import load_model
from review.synthesis.protocol import THEORIES_PATH


def run_step(workspace: Any, *, actor: str) -> StepResult:
    """Load the model; skipped (naming the files looked for) when there is neither file.

    Raises:
        InputError: a malformed file or row, named relative to the workspace; nothing written.
    """
    protocol, log = workspace.path(*THEORIES_PATH), workspace.path(*CHANGES_PATH)
    if not protocol.is_file() and not log.is_file():
        return StepResult.skipped("theories", "no protocols/theories.yaml or extraction/theory-changes.csv")
    try:
        done = load_model(workspace, actor=actor)
    except InputError as exc:
        if exc.path and Path(exc.path).is_absolute():
            try:
                name = Path(exc.path).resolve().relative_to(workspace.root.resolve()).as_posix()
            except ValueError:
                raise exc from None
            raise type(exc)(exc.message, path=name, line=exc.line, field=exc.field) from exc
        raise
    parts, details = [], []
    if done.initial is not None:
        parts.append(f"{'/'.join(THEORIES_PATH)}: {done.initial.summary()}")
        if done.initial.not_in_protocol:
            details.append("in the database but no longer in the protocol: " + ", ".join(done.initial.not_in_protocol))
    if done.changes is not None:
        parts.append(f"{'/'.join(CHANGES_PATH)}: {done.changes.summary()}")
    return StepResult("theories", "; ".join(parts), details)
