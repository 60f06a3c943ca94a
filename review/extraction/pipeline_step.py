"""Extraction as a step of ``review run``: load extraction/fragments.csv (or .xlsx).

The sheet is what ``review extract export`` writes and ``review extract import`` reads; a
row without a fragment id that equals a fragment already loaded is that fragment, so the
step can run again and change nothing. A bad row stops the run with ``FILE:LINE: column``.
"""

from __future__ import annotations

from typing import Any

from review.extraction.sheet import import_fragments
from review.steps import StepResult

CANDIDATES = ("extraction/fragments.csv", "extraction/fragments.xlsx")


def run_step(workspace: Any, *, actor: str) -> StepResult:
    """Import the workspace's fragment sheet, if it has one."""
    found = [workspace.path(*name.split("/")) for name in CANDIDATES]
    sheets = [p for p in found if p.is_file()]
    if not sheets:
        return StepResult.skipped("extraction", f"no {' or '.join(CANDIDATES)}")
    path = sheets[0]
    coders = [str(c) for c in workspace.setting("extraction", "coders", []) or []]
    rpw = int(workspace.setting("screening", "reviewers_per_work", 1) or 1)
    result = import_fragments(workspace.store(), path, root=workspace.root, actor=actor, coders=coders,
                              reviewers_per_work=rpw, origin="run")
    result.path = path.relative_to(workspace.root).as_posix() if path.is_relative_to(workspace.root) else str(path)
    details = [result.summary()]
    if len(sheets) > 1:
        details.append(f"{sheets[1].name} ignored: {path.name} is loaded when both exist")
    return StepResult("extraction", f"{result.rows} fragment row(s): {len(result.created)} new, "
                      f"{len(result.updated)} changed", details)
