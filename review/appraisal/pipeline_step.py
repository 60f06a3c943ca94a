"""Appraisal as a step of ``review run``: load ``extraction/appraisals.csv`` (or ``.xlsx``).

The file is the sheet ``review appraise export`` writes (see :mod:`review.appraisal.sheet`).
It is validated whole and loaded in one transaction; answers already recorded add nothing,
so running ``review run`` again changes nothing.
"""

from __future__ import annotations

from typing import Any

from review.appraisal.settings import AppraisalSettings
from review.appraisal.sheet import import_sheet
from review.steps import StepResult

FILES = ("appraisals.csv", "appraisals.xlsx")


def run_step(workspace: Any, *, actor: str) -> StepResult:
    """Import the workspace's appraisal sheet(s); skipped (with the file looked for) when absent."""
    found = [workspace.path("extraction", name) for name in FILES if workspace.path("extraction", name).is_file()]
    if not found:
        return StepResult.skipped("appraisal", "no extraction/appraisals.csv (or .xlsx)")
    settings = AppraisalSettings.of(workspace)
    details, recorded = [], 0
    for path in found:
        summary = import_sheet(workspace.store(), path, actor=actor, reviewers=settings.reviewers,
                               root=workspace.root, label=f"extraction/{path.name}")
        recorded += summary.recorded
        details.append(f"extraction/{path.name}: {summary.describe()}")
    return StepResult("appraisal", f"{len(found)} appraisal sheet(s): {recorded} judgements recorded", details)
