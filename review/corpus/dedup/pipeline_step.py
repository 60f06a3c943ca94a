"""Dedup as a step of ``review run`` (``run_step(workspace, actor=)``)."""

from __future__ import annotations

from typing import Any

from review.corpus.dedup.run import dedup
from review.corpus.dedup.settings import DedupSettings
from review.steps import StepResult


def run_step(workspace: Any, *, actor: str) -> StepResult:
    """Deduplicate with the workspace's settings; a one-line summary for ``review run``."""
    result = dedup(workspace.store(), actor=actor, settings=DedupSettings.from_workspace(workspace))
    summary = (f"{result.records} records in {result.works} works ({result.duplicates} duplicates); "
               f"{result.queue_open} uncertain pairs to check")
    details = []
    if result.created or result.merged or result.moved_records:
        details.append(f"{result.created} new works, {len(result.merged)} merged, {result.moved_records} records regrouped")
    return StepResult("dedup", summary, details)
